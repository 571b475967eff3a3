import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { clientCredentials } from '../tls/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { backoffDelay, systemClock, systemRandom, type BackoffPolicy, type Clock, type Random, type TimerHandle } from './clock.js';
import { asBuffer, encodeData } from './codec.js';
import { jobsServices, Meta, PROTOCOL_VERSION, type wire } from '../protocol/index.js';
import { metaString, toRaftJobsError } from './errors.js';
import { tokenChannelOptions } from './auth.js';
import { CHANNEL_OPTIONS } from './proto.js';
import { explainUnreachable, QuorumWatch, unreachable, type Unreachable } from './reach.js';
import { AddressBook } from './router.js';
import { silentLogger, type SdkLogger } from './types.js';
import { errorText, isNonRetryable, makeWorkerJob, progressProblem, throttleOf, truncateError } from './worker-job.js';
import { checkWorkerOptions, type WorkerCloseOptions, type WorkerOptions, type WorkerOutcome } from './worker-options.js';
import { boundsOf, chunkRefs, DEFAULT_BOUNDS, leaseCount, messageBytes, sendBudget, type StreamBounds } from './worker-wire.js';

export type { WorkerCloseOptions, WorkerOptions, WorkerOutcome } from './worker-options.js';

/** Answer codes after which the lease may still be ours, or the message may still be recorded: a later try decides. */
const TRANSIENT = new Set<string>([ErrorCode.NotLeader, ErrorCode.NoLeader, ErrorCode.ShuttingDown, ErrorCode.OutcomeUnknown, ErrorCode.Overloaded, ErrorCode.Timeout]);
/** Refusals saying the lease is gone: nothing more is sent for it. */
const LEASE_GONE = new Set<string>([ErrorCode.StaleToken, ErrorCode.NotFound, ErrorCode.IllegalTransition]);
const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));
/** The wire's throttle scopes (`Throttle.scope`), by the SDK's name. */
const THROTTLE_SCOPE = { key: 'THROTTLE_SCOPE_KEY', queue: 'THROTTLE_SCOPE_QUEUE' } as const;
const DEFAULT_RECONNECT: BackoffPolicy = { initialMs: 100, maxMs: 2_000 };
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const MIN_HEARTBEAT_TIMEOUT_MS = 5_000;
const FALLBACK_TTL_MS = 30_000;
/** A batch is sent early once it holds this many messages or about this many bytes (less when the server's bounds say so). */
const MAX_BATCH_MESSAGES = 512;
const MAX_BATCH_BYTES = 1024 * 1024;

type LeaseState = 'running' | 'settling';

/** A lease this worker holds: running its handler, or awaiting the ack of its outcome. */
interface Held {
  readonly key: string;
  readonly leased: wire.LeasedJob__Output;
  state: LeaseState;
  /** The lease is gone (or abandoned at close): nothing more is sent for it. */
  lost: boolean;
  /** The cluster said the lease ended (an answer to an outcome or a heartbeat, a newer lease of the job). */
  endedAtCluster: boolean;
  /**
   * Local clock ms until which the lease is surely ours: the local time of the grant (or of
   * sending the heartbeat that extended it) plus what the server gave. The handler is aborted then.
   */
  deadline: number;
  readonly controller: AbortController;
  /** When the handler started (clock ms). */
  startedAt: number;
}

/** A complete, fail, progress or release message waiting for its Ack. */
interface Pending {
  readonly requestId: number;
  /** The lease it is about ('' for a release, which names its leases in the message). */
  readonly key: string;
  readonly kind: 'complete' | 'fail' | 'progress' | 'release';
  readonly message: wire.WorkerMessage__Output;
  sent: boolean;
  /** A fail already sent again with a generic error after the cluster refused the first. */
  readonly generic?: boolean;
  readonly settle?: (ok: boolean) => void;
}

interface Connection {
  readonly address: string;
  readonly call: grpc.ClientDuplexStream<wire.WorkerMessage__Output, wire.ServerMessage__Output>;
  /** The server answered the Hello: outcomes and heartbeats may go out. */
  welcomed: boolean;
  ended: boolean;
  /** Why the worker cancelled the stream itself (no Welcome in time, a heartbeat unanswered). */
  cancelledFor: string | null;
  connectTimer: TimerHandle | null;
  /** The capacity of the newest Hello sent on this stream. */
  announced: number;
  /** Messages written this event-loop turn, sent together at its end (see {@link Worker.write}). */
  outgoing: wire.WorkerMessage__Output[];
  outgoingBytes: number;
  outgoingLeases: number;
}

/** A heartbeat waiting for its answer. */
interface SentHeartbeat {
  readonly sentAt: number;
  /** Job id → lease key of every lease in it. */
  readonly keys: ReadonlyMap<string, string>;
}

function leaseKey(jobId: string, token: number): string {
  return `${jobId}/${token}`;
}

/**
 * A worker: it holds one stream to the leader, runs up to `concurrency` handlers, heartbeats its
 * leases, and reports each outcome on the stream.
 *
 * The stream starts with a Hello (worker id, a session id of this Worker instance, queues,
 * capacity); the server answers with a Welcome that states the bounds it holds every message to,
 * and the worker stays within them by construction: heartbeats and releases go in messages of at
 * most `max_leases_per_message` leases, every message (a batch too) under `max_message_bytes`, a
 * result over `max_result_bytes` fails the attempt locally, an error is cut to `max_error_length`.
 * No Welcome within `connectTimeoutMs`, or a heartbeat unanswered for `heartbeatTimeoutMs`, and the
 * stream counts as dead: it is cancelled and the next node tried.
 *
 * Each lease has a local deadline (the grant's or the last answered heartbeat's TTL, counted from
 * the local time it was received or the heartbeat sent); when it passes, the handler is aborted
 * (`job.signal`) and its outcome discarded. A handler whose lease is lost keeps its slot until it
 * settles; meanwhile the worker announces a smaller capacity (a Hello again on the same stream), and
 * releases at once any lease it cannot start (so nothing waits, heartbeated, without running).
 *
 * When the stream breaks (leader change, network), running handlers keep running: the worker
 * reconnects (to the leader named in `x-leader-addr`, else the next node, with capped backoff)
 * with the same session, re-announces the leases it holds, heartbeats them at once, and resends
 * every completion, failure or release that was never acknowledged. The cluster accepts a
 * repeated outcome with the same token, and gives inherited leases a grace period (J6), so a
 * failover costs no work.
 */
export class Worker {
  readonly workerId: string;
  /** Names this Worker instance to the cluster (Hello.session_id); leases are granted to it. For logs. */
  readonly sessionId: string = randomUUID();
  private readonly o: WorkerOptions;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: SdkLogger;
  private readonly book: AddressBook;
  private readonly clients = new Map<string, grpc.Client>();
  private readonly leases = new Map<string, Held>();
  /** The newest lease of each job held, to spot a job leased to us again with a newer token. */
  private readonly byJob = new Map<string, Held>();
  /**
   * Leases whose handler started and that this worker stopped tracking without the cluster saying
   * they ended (aborted at their local deadline, or at close), until a while past their TTL. Every
   * Hello lists them as held: a lease of this session missing from a Hello is one the worker never
   * received, which the cluster gives back without counting the attempt, and these attempts ran.
   */
  private readonly ranUnconfirmed = new Map<string, { readonly ref: wire.LeaseRef__Output; readonly until: number }>();
  private readonly outbox = new Map<number, Pending>();
  private readonly heartbeatsSent = new Map<number, SentHeartbeat>();
  private readonly listeners = new Set<() => void>();
  private bounds: StreamBounds = DEFAULT_BOUNDS;
  private conn: Connection | null = null;
  private nextRequestId = 1;
  /** Handlers running, those whose lease was lost included. */
  private active = 0;
  /** Handlers still running after their lease was lost: each holds a slot the cluster thinks free. */
  private lostRunning = 0;
  private reconnectFailures = 0;
  private hopsWithoutPause = 0;
  private heartbeatTimer: TimerHandle | null = null;
  private watchdogTimer: TimerHandle | null = null;
  private expiryTimer: TimerHandle | null = null;
  private expiryAt = Infinity;
  private reconnectTimer: TimerHandle | null = null;
  private resendTimer: TimerHandle | null = null;
  private resendFailures = 0;
  private announceScheduled = false;
  private started = false;
  private closing = false;
  private stopped = false;
  private closed: Promise<void> | null = null;
  /** Aborted to end the drain of `close` early; null outside the drain. */
  private drain: AbortController | null = null;
  private drainCutTimer: TimerHandle | null = null;
  /** What each node's last stream found; tells when no address given can ever work. */
  private readonly reach: QuorumWatch;
  private badAddressesReported = false;
  private readonly credentials: grpc.ChannelCredentials;
  /** Per address, a failed handshake explained by a probe of its own (see `explainUnreachable`). */
  private readonly explained = new Map<string, Unreachable>();
  private readonly probing = new Set<string>();

  constructor(options: WorkerOptions) {
    checkWorkerOptions(options);
    this.o = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
    this.logger = options.logger ?? silentLogger;
    this.book = new AddressBook(options.nodes, this.random);
    this.credentials = options.credentials ?? clientCredentials(options.tls);
    // A worker never gives up on a cluster that is down (no grace ends its wait), only on
    // addresses that cannot be a node.
    this.reach = new QuorumWatch({ addresses: () => this.book.all, now: () => this.clock.now(), graceMs: Number.POSITIVE_INFINITY });
    this.workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  }

  /** Handlers running now (never more than `concurrency`), those whose lease was lost included. */
  get running(): number {
    return this.active;
  }

  /** The node the stream is open to, or `null` while reconnecting. */
  get connectedTo(): string | null {
    return this.conn?.address ?? null;
  }

  /**
   * Open the stream and start taking jobs. Resolves once the stream is opening; an unreachable
   * cluster is retried in the background (see `onError` and the logger), not reported here.
   *
   * @throws RaftJobsError INVALID_ARGUMENT when already started or closed.
   */
  start(): Promise<void> {
    if (this.started || this.closing) return Promise.reject(new RaftJobsError(ErrorCode.InvalidArgument, 'a worker can be started once, before close()'));
    this.started = true;
    this.connect();
    return Promise.resolve();
  }

  /**
   * Stop taking jobs (a Hello with capacity 0; leases pushed meanwhile are released unstarted),
   * let running handlers finish for up to `timeoutMs`, abort the rest, wait up to `flushTimeoutMs`
   * for the cluster to acknowledge outcomes and releases, then end the stream. The clean end makes
   * the cluster end the leases still held at once (the aborted handlers' jobs run again
   * elsewhere). Idempotent; a later call during the drain with a `timeoutMs` shortens it (a
   * second Ctrl-C: `close({ timeoutMs: 0 })` aborts the running handlers now).
   */
  close(options: WorkerCloseOptions = {}): Promise<void> {
    if (this.closed !== null) {
      if (options.timeoutMs !== undefined) this.shortenDrain(options.timeoutMs);
      return this.closed;
    }
    this.closed = this.shutdown(options.timeoutMs ?? 30_000, options.flushTimeoutMs ?? 5_000);
    return this.closed;
  }

  /** End the drain of `close` within `ms`, if it is still going then. */
  private shortenDrain(ms: number): void {
    const drain = this.drain;
    if (drain === null || drain.signal.aborted) return;
    if (this.drainCutTimer !== null) this.clock.clearTimeout(this.drainCutTimer);
    this.drainCutTimer = this.clock.setTimeout(() => drain.abort(), Math.max(0, ms));
  }

  // ---- shutdown ----

  private async shutdown(timeoutMs: number, flushTimeoutMs: number): Promise<void> {
    this.closing = true;
    this.announce();
    this.drain = new AbortController();
    const drained = await this.waitFor(() => this.active === 0, timeoutMs, this.drain.signal);
    if (this.drainCutTimer !== null) this.clock.clearTimeout(this.drainCutTimer);
    this.drain = this.drainCutTimer = null;
    if (!drained) {
      for (const h of this.leases.values()) {
        if (h.state !== 'running' || h.lost) continue;
        this.logger.warn({ jobId: h.leased.jobId, token: h.leased.token }, 'handler still running at close timeout: aborting it');
        this.drop(h, 'the worker closed before the handler finished', ErrorCode.ShuttingDown);
      }
    }
    const flushed = await this.waitFor(() => ![...this.outbox.values()].some((p) => p.kind !== 'progress'), flushTimeoutMs);
    if (!flushed) this.logger.warn({ unacknowledged: this.outbox.size }, 'closing with outcomes or releases the cluster has not acknowledged; those jobs run again after their leases end');
    this.stopped = true;
    for (const t of [this.heartbeatTimer, this.watchdogTimer, this.expiryTimer, this.reconnectTimer, this.resendTimer, this.conn?.connectTimer ?? null]) if (t !== null) this.clock.clearTimeout(t);
    this.heartbeatTimer = this.watchdogTimer = this.expiryTimer = this.reconnectTimer = this.resendTimer = null;
    for (const p of this.outbox.values()) p.settle?.(false);
    this.outbox.clear();
    const conn = this.conn;
    if (conn) this.flush(conn); // whatever this turn wrote goes out before the half-close
    this.conn = null;
    if (conn && !conn.ended) await this.endStream(conn);
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    this.notify();
  }

  /** Half-close the stream and give the server a moment to end it, then cancel. */
  private endStream(conn: Connection): Promise<void> {
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        this.clock.clearTimeout(timer);
        resolve();
      };
      const timer = this.clock.setTimeout(() => {
        conn.call.cancel();
        resolve();
      }, 1_000);
      conn.call.once('status', finish);
      conn.call.end();
    });
  }

  /** Resolves true once `done()` holds, else `done()` after `timeoutMs` or when `cut` aborts. */
  private waitFor(done: () => boolean, timeoutMs: number, cut?: AbortSignal): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const finish = (): void => {
        this.listeners.delete(check);
        this.clock.clearTimeout(timer);
        cut?.removeEventListener('abort', finish);
        resolve(done());
      };
      const check = (): void => {
        if (done()) finish();
      };
      const timer = this.clock.setTimeout(finish, timeoutMs);
      cut?.addEventListener('abort', finish, { once: true });
      this.listeners.add(check);
    });
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  // ---- the stream ----

  private client(address: string): grpc.Client {
    let c = this.clients.get(address);
    if (!c) {
      c = new (jobsServices().Workers)(address, this.credentials, { ...CHANNEL_OPTIONS, ...tokenChannelOptions(this.o.token) });
      this.clients.set(address, c);
    }
    return c;
  }

  /** Slots the cluster may fill: none while closing, and none held by a handler whose lease was lost. */
  private capacity(): number {
    return this.closing ? 0 : Math.max(0, this.o.concurrency - this.lostRunning);
  }

  private hello(): NonNullable<wire.WorkerMessage__Output['hello']> {
    return {
      workerId: this.workerId,
      queues: [...this.o.queues],
      capacity: this.capacity(),
      leaseTtlMs: this.o.leaseTtlMs ?? 0,
      held: this.heldRefs(),
      batchAcks: true,
      sessionId: this.sessionId,
      protocolVersion: PROTOCOL_VERSION,
    };
  }

  private heldRefs(): wire.LeaseRef__Output[] {
    const refs: wire.LeaseRef__Output[] = [];
    const now = this.clock.now();
    for (const h of this.leases.values()) if (!h.lost || !h.endedAtCluster) refs.push({ jobId: h.leased.jobId, token: h.leased.token });
    for (const [key, r] of this.ranUnconfirmed) {
      if (r.until <= now) this.ranUnconfirmed.delete(key);
      else if (!this.leases.has(key)) refs.push(r.ref);
    }
    return refs;
  }

  /** The stream, once the server welcomed this worker on it. */
  private ready(): Connection | null {
    return this.conn?.welcomed === true && !this.stopped ? this.conn : null;
  }

  private connect(): void {
    this.reconnectTimer = null;
    if (this.stopped) return;
    const address = this.book.current;
    const stub = this.client(address) as unknown as { Work(metadata: grpc.Metadata, options: grpc.CallOptions): grpc.ClientDuplexStream<wire.WorkerMessage__Output, wire.ServerMessage__Output> };
    // The stream lives as long as the worker: no deadline. The Welcome must come within
    // connectTimeoutMs and every heartbeat be answered within heartbeatTimeoutMs; keepalive pings
    // notice a dead peer on an idle stream.
    const call = stub.Work(new grpc.Metadata(), {});
    const conn: Connection = { address, call, welcomed: false, ended: false, cancelledFor: null, connectTimer: null, announced: this.capacity(), outgoing: [], outgoingBytes: 0, outgoingLeases: 0 };
    this.conn = conn;
    call.on('data', (msg: wire.ServerMessage__Output) => this.onMessage(conn, msg));
    call.on('error', () => undefined); // every end is handled once, from 'status'
    call.on('status', (status: grpc.StatusObject) => this.onStreamEnd(conn, status));
    this.logger.info({ address, workerId: this.workerId, sessionId: this.sessionId, held: this.leases.size }, 'worker stream opening');
    this.write(conn, { requestId: 0, hello: this.hello() });
    const timeoutMs = this.o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    conn.connectTimer = this.clock.setTimeout(() => {
      conn.connectTimer = null;
      if (!conn.welcomed) this.abandon(conn, `no Welcome within ${timeoutMs} ms`);
    }, timeoutMs);
  }

  /** Give up on a stream that does not answer: cancel it; its end reconnects to the next node. */
  private abandon(conn: Connection, why: string): void {
    if (conn.ended || conn !== this.conn) return;
    conn.cancelledFor = why;
    this.logger.warn({ address: conn.address, held: this.leases.size }, `worker stream unresponsive (${why}): cancelling it`);
    conn.call.cancel();
  }

  private onWelcome(conn: Connection, welcome: wire.Welcome__Output): void {
    this.bounds = boundsOf(welcome);
    if (conn.welcomed) return;
    conn.welcomed = true;
    this.reach.record(conn.address, null);
    this.explained.delete(conn.address);
    this.probing.delete(conn.address);
    if (conn.connectTimer !== null) this.clock.clearTimeout(conn.connectTimer);
    conn.connectTimer = null;
    if (welcome.sessionId !== '' && welcome.sessionId !== this.sessionId) this.logger.warn({ sessionId: this.sessionId, serverSessionId: welcome.sessionId }, 'the server granted a session other than the one asked for');
    this.logger.info({ address: conn.address, sessionId: this.sessionId, held: this.leases.size, bounds: this.bounds }, 'worker stream open');
    // Resend every outcome and release the previous stream never acknowledged (and those written
    // while waiting for the Welcome), then refresh every lease at once.
    for (const p of this.outbox.values()) {
      if (p.sent) continue;
      p.sent = true;
      this.write(conn, p.message);
    }
    this.sendHeartbeat();
    this.scheduleHeartbeat();
    this.announce();
  }

  /** Tell the cluster the capacity when it changed since the last Hello on this stream. */
  private announce(): void {
    const conn = this.ready();
    if (!conn) return;
    const capacity = this.capacity();
    if (capacity === conn.announced) return;
    conn.announced = capacity;
    this.logger.info({ capacity, concurrency: this.o.concurrency, lostRunning: this.lostRunning, closing: this.closing }, 'announcing capacity');
    this.write(conn, { requestId: 0, hello: this.hello() });
  }

  /** Announce once this turn is over, so that changes made together go out as one Hello. */
  private announceSoon(): void {
    if (this.announceScheduled) return;
    this.announceScheduled = true;
    setImmediate(() => {
      this.announceScheduled = false;
      this.announce();
    });
  }

  /**
   * Queue one message for the stream. Everything written in one event-loop turn (the outcomes of
   * handlers that finished together, a resend after reconnecting) goes out as one message, as long
   * as it stays within the server's bounds: under `max_message_bytes` with headroom, and at most
   * `max_leases_per_message` leases in heartbeats and releases together. A message too large to
   * share goes alone.
   */
  private write(conn: Connection, msg: wire.WorkerMessage__Output): void {
    if (conn.ended || conn !== this.conn) return;
    const bytes = messageBytes(msg);
    const leases = leaseCount(msg);
    const budget = Math.min(MAX_BATCH_BYTES, sendBudget(this.bounds));
    if (conn.outgoing.length > 0 && (conn.outgoingBytes + bytes > budget || conn.outgoingLeases + leases > this.bounds.maxLeasesPerMessage)) this.flush(conn);
    conn.outgoing.push(msg);
    conn.outgoingBytes += bytes;
    conn.outgoingLeases += leases;
    if (conn.outgoing.length >= MAX_BATCH_MESSAGES || conn.outgoingBytes >= budget) this.flush(conn);
    else if (conn.outgoing.length === 1) setImmediate(() => this.flush(conn));
  }

  private flush(conn: Connection): void {
    const msgs = conn.outgoing;
    if (msgs.length === 0) return;
    conn.outgoing = [];
    conn.outgoingBytes = 0;
    conn.outgoingLeases = 0;
    if (conn.ended || conn !== this.conn) return;
    try {
      const [only] = msgs;
      conn.call.write(msgs.length === 1 && only !== undefined ? only : { requestId: 0, batch: { messages: msgs } });
    } catch (err) {
      // The call already ended; its 'status' event reconnects and resends.
      this.logger.debug({ err }, 'write on an ended worker stream');
    }
  }

  private onStreamEnd(conn: Connection, status: grpc.StatusObject): void {
    if (conn.ended) return;
    conn.ended = true;
    if (conn.connectTimer !== null) this.clock.clearTimeout(conn.connectTimer);
    conn.connectTimer = null;
    if (this.conn !== conn) return;
    this.conn = null;
    this.heartbeatsSent.clear();
    if (this.watchdogTimer !== null) this.clock.clearTimeout(this.watchdogTimer);
    this.watchdogTimer = null;
    for (const [id, p] of this.outbox) {
      if (p.kind === 'progress') {
        p.settle?.(false);
        this.outbox.delete(id);
      } else {
        p.sent = false;
      }
    }
    if (this.stopped) return;
    if (conn.welcomed) {
      this.reconnectFailures = 0;
      this.hopsWithoutPause = 0;
    }
    const hint = metaString(status.metadata, Meta.LeaderAddress);
    const failure = Object.assign(new Error(status.details), status);
    let down = conn.welcomed || conn.cancelledFor !== null ? null : unreachable(failure, conn.address);
    if (down?.unexplained === true) down = this.explain(failure, conn.address) ?? down;
    if (!conn.welcomed) this.reach.record(conn.address, down);
    const log = { address: conn.address, code: grpc.status[status.code] ?? status.code, details: conn.cancelledFor ?? down?.reason ?? status.details, leaderAddress: hint, held: this.leases.size };
    if (conn.cancelledFor === null && hint !== null && hint !== conn.address && this.hopsWithoutPause < this.book.all.length) {
      this.hopsWithoutPause++;
      this.logger.info(log, 'worker stream ended; following the leader hint');
      this.book.follow(hint);
      this.reconnectTimer = this.clock.setTimeout(() => this.connect(), 0);
      return;
    }
    this.hopsWithoutPause = 0;
    const policy = this.o.reconnectBackoff ?? DEFAULT_RECONNECT;
    const refused =
      status.code === grpc.status.INVALID_ARGUMENT ||
      status.code === grpc.status.UNIMPLEMENTED ||
      status.code === grpc.status.UNAUTHENTICATED ||
      status.code === grpc.status.PERMISSION_DENIED ||
      metaString(status.metadata, Meta.ErrorCode) === ErrorCode.ProtocolMismatch;
    if (conn.cancelledFor === null && refused) {
      const err = toRaftJobsError(Object.assign(new Error(status.details), status), `worker stream to ${conn.address}`);
      this.logger.error({ ...log, err }, 'the cluster refused the worker stream');
      this.reconnectFailures = Math.max(this.reconnectFailures, 30);
      this.reportError(err);
    } else {
      this.book.advance(conn.address);
      this.reportIfHopeless(log);
    }
    const delay = backoffDelay(policy, this.reconnectFailures++, this.random);
    this.logger.warn({ ...log, next: this.book.current, delayMs: delay }, 'worker stream ended; reconnecting');
    this.reconnectTimer = this.clock.setTimeout(() => this.connect(), delay);
  }

  /**
   * What a probe found out about an unexplained failed connection to `address`, or null while it
   * runs: the first failure starts it, and its answer counts as soon as it comes (and for later
   * failures at that address).
   */
  private explain(failure: unknown, address: string): Unreachable | null {
    const known = this.explained.get(address);
    if (known !== undefined) return known;
    const tls = this.o.credentials === undefined ? (this.o.tls ?? null) : undefined;
    if (tls === undefined || this.probing.has(address)) return null;
    this.probing.add(address);
    void explainUnreachable(failure, address, tls, 1000).then((u) => {
      if (u?.kind !== 'tls' || this.stopped || !this.probing.has(address)) return;
      this.explained.set(address, u);
      this.reach.record(address, u);
      this.reportIfHopeless({ address, details: u.reason });
    });
    return null;
  }

  /** When every address given is wrong (or refuses this worker's TLS settings), say so once. */
  private reportIfHopeless(log: Record<string, unknown>): void {
    const hopeless = this.reach.verdict();
    if (hopeless === null || this.badAddressesReported) return;
    this.badAddressesReported = true;
    this.reconnectFailures = Math.max(this.reconnectFailures, 30);
    this.logger.error({ ...log, err: hopeless }, 'no address given can reach a node');
    this.reportError(hopeless);
  }

  /** Tell `onError`; a callback that throws is logged, never let loose in grpc-js's event handler. */
  private reportError(err: RaftJobsError): void {
    try {
      this.o.onError?.(err);
    } catch (thrown) {
      this.logger.error({ err: thrown }, 'onError threw');
    }
  }

  private onMessage(conn: Connection, msg: wire.ServerMessage__Output): void {
    if (conn !== this.conn || this.stopped) return;
    if (msg.welcome) this.onWelcome(conn, msg.welcome);
    else if (msg.leases) this.onLeases(msg.leases.jobs, msg.leases.serverTimeMs);
    else if (msg.ack) this.onAck(msg.ack);
    else if (msg.acks) for (const ack of msg.acks.acks) this.onAck(ack);
    else if (msg.heartbeat) this.onHeartbeat(msg.requestId, msg.heartbeat.leases, msg.heartbeat.serverTimeMs);
  }

  // ---- leases and handlers ----

  /**
   * The local deadline of a lease the server gave until `expiresAtMs` on its clock, stated at
   * `serverTimeMs`, counted from the local time `localBase` (at or before the server's statement).
   * A server that sends no time (0) is read as having given `ttlMs`.
   */
  private deadlineOf(localBase: number, expiresAtMs: number, serverTimeMs: number, ttlMs: number): number {
    if (serverTimeMs > 0 && expiresAtMs > 0) return localBase + Math.max(0, expiresAtMs - serverTimeMs);
    return ttlMs > 0 ? localBase + ttlMs : Infinity;
  }

  private onLeases(jobs: readonly wire.LeasedJob__Output[], serverTimeMs: number): void {
    const receivedAt = this.clock.now();
    const unstarted: wire.LeaseRef__Output[] = [];
    for (const leased of jobs) {
      const key = leaseKey(leased.jobId, leased.token);
      if (this.leases.has(key)) continue; // a repeated push of a lease we hold
      const older = this.byJob.get(leased.jobId);
      if (older && older.leased.token > leased.token) {
        this.logger.debug({ jobId: leased.jobId, token: leased.token, held: older.leased.token }, 'push of a lease older than the one held: ignored');
        continue;
      }
      // A newer lease of a job we still hold: ours is stale.
      if (older) this.drop(older, 'the job was leased again with a newer token', ErrorCode.StaleToken);
      if (this.closing || this.active >= this.o.concurrency) {
        unstarted.push({ jobId: leased.jobId, token: leased.token });
        continue;
      }
      const h: Held = {
        key,
        leased,
        state: 'running',
        lost: false,
        endedAtCluster: false,
        deadline: this.deadlineOf(receivedAt, leased.expiresAtMs, serverTimeMs, leased.ttlMs),
        controller: new AbortController(),
        startedAt: 0,
      };
      this.leases.set(key, h);
      this.byJob.set(leased.jobId, h);
      this.run(h);
      this.armExpiry(h.deadline);
    }
    if (unstarted.length > 0) {
      this.logger.info({ released: unstarted.length, running: this.active, concurrency: this.o.concurrency, closing: this.closing }, 'leases pushed without a free slot: releasing them unstarted');
      this.release(unstarted);
    }
    this.scheduleHeartbeat();
  }

  private run(h: Held): void {
    h.startedAt = this.clock.now();
    this.active++;
    const job = makeWorkerJob(h.leased, h.controller.signal, (percent, message) => this.progress(h, percent, message));
    let outcome: Promise<unknown>;
    try {
      outcome = Promise.resolve(this.o.handler(job));
    } catch (err) {
      outcome = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    void outcome.then(
      (result) => this.finish(h, { ok: true, result }),
      (err: unknown) => this.finish(h, { ok: false, err }),
    );
  }

  private finish(h: Held, outcome: { ok: true; result: unknown } | { ok: false; err: unknown }): void {
    this.active--;
    if (h.lost) this.lostRunning--;
    h.state = 'settling';
    const { jobId, token } = h.leased;
    if (!h.lost && !this.stopped && this.clock.now() >= h.deadline) this.drop(h, 'the lease expired (by the local deadline) before the handler returned', ErrorCode.LeaseExpired);
    if (h.lost || this.stopped) {
      this.logger.info({ jobId, token }, 'handler returned after its lease was lost or abandoned: outcome discarded');
      this.forget(h);
    } else {
      this.enqueueOutcome(h, this.outcomeOf(h, outcome));
    }
    this.notify();
    this.announceSoon();
  }

  /** The complete or fail message of a handler's outcome, within the server's bounds. */
  private outcomeOf(h: Held, outcome: { ok: true; result: unknown } | { ok: false; err: unknown }): Pick<wire.WorkerMessage__Output, 'complete' | 'fail'> {
    const { jobId, token } = h.leased;
    const handlerMs = Math.max(0, this.clock.now() - h.startedAt);
    const { maxResultBytes, maxErrorLength } = this.bounds;
    const fail = (error: string, noRetry = false, throttle: wire.Throttle__Output | null = null): Pick<wire.WorkerMessage__Output, 'fail'> => ({
      fail: { jobId, token, error: truncateError(error, maxErrorLength), noRetry, handlerMs, throttle },
    });
    if (!outcome.ok) {
      const throttle = throttleOf(outcome.err);
      const error = errorText(outcome.err, maxErrorLength);
      if (throttle !== null) return fail(error, false, { scope: THROTTLE_SCOPE[throttle.scope], retryAfterMs: throttle.retryAfterMs });
      return fail(error, isNonRetryable(outcome.err));
    }
    let result: Uint8Array;
    try {
      result = encodeData(outcome.result as never, 'result');
    } catch (err) {
      return fail(`the handler's result could not be encoded: ${errorText(err, maxErrorLength)}`);
    }
    if (result.length > maxResultBytes) {
      this.logger.error({ jobId, token, bytes: result.length, maxResultBytes }, 'result over the cluster limit: failing the attempt instead');
      return fail(`the handler's result is ${result.length} bytes, over the cluster's limit of ${maxResultBytes} bytes (max_result_bytes); it was not sent`);
    }
    return { complete: { jobId, token, result: asBuffer(result), handlerMs } };
  }

  private enqueueOutcome(h: Held, body: Pick<wire.WorkerMessage__Output, 'complete' | 'fail'>, generic = false): void {
    this.enqueue(h.key, body.complete ? 'complete' : 'fail', body, undefined, generic);
  }

  /** Abandon a lease: abort its handler (if running) and stop sending anything for it. */
  private drop(h: Held, why: string, code: ErrorCode = ErrorCode.StaleToken): void {
    if (h.lost) return;
    h.lost = true;
    // Only the local deadline and close drop a lease the cluster may still hold.
    h.endedAtCluster = code !== ErrorCode.LeaseExpired && code !== ErrorCode.ShuttingDown;
    if (this.byJob.get(h.leased.jobId) === h) this.byJob.delete(h.leased.jobId);
    if (h.state === 'running') {
      // The handler keeps its slot until it settles; the cluster already counts the slot free.
      this.lostRunning++;
      this.announceSoon();
    } else {
      this.forget(h);
    }
    h.controller.abort(new RaftJobsError(code, `job ${h.leased.jobId} (token ${h.leased.token}): ${why}`, { jobId: h.leased.jobId }));
    this.notify();
  }

  /** Give back leases never started, in messages within the server's bounds. */
  private release(refs: readonly wire.LeaseRef__Output[]): void {
    for (const leases of chunkRefs(refs, this.bounds)) this.enqueue('', 'release', { release: { leases } });
  }

  // ---- the lease's local deadline ----

  /** Make sure the one expiry timer fires by `at`. */
  private armExpiry(at: number): void {
    if (!Number.isFinite(at) || this.stopped || at >= this.expiryAt) return;
    if (this.expiryTimer !== null) this.clock.clearTimeout(this.expiryTimer);
    this.expiryAt = at;
    this.expiryTimer = this.clock.setTimeout(() => this.onExpiry(), Math.max(0, at - this.clock.now()));
  }

  /** Abort every running handler whose lease is past its local deadline; re-arm for the next. */
  private onExpiry(): void {
    this.expiryTimer = null;
    this.expiryAt = Infinity;
    const now = this.clock.now();
    let next = Infinity;
    for (const h of [...this.leases.values()]) {
      if (h.lost || h.state !== 'running') continue;
      if (h.deadline > now) {
        next = Math.min(next, h.deadline);
        continue;
      }
      this.logger.warn({ jobId: h.leased.jobId, token: h.leased.token, overdueMs: now - h.deadline }, 'lease expired (local deadline) without a heartbeat extending it: aborting the handler');
      this.drop(h, 'the lease expired: no heartbeat extended it in time', ErrorCode.LeaseExpired);
    }
    this.armExpiry(next);
  }

  // ---- outcomes and acks ----

  private enqueue(key: string, kind: Pending['kind'], body: Omit<wire.WorkerMessage__Output, 'requestId'>, settle?: (ok: boolean) => void, generic = false): void {
    const requestId = this.nextRequestId++;
    const p: Pending = { requestId, key, kind, message: { requestId, ...body }, sent: false, ...(settle ? { settle } : {}), ...(generic ? { generic } : {}) };
    this.outbox.set(requestId, p);
    const conn = this.ready();
    if (conn) {
      p.sent = true;
      this.write(conn, p.message);
    } else if (kind === 'progress') {
      this.outbox.delete(requestId);
      settle?.(false);
    }
  }

  private progress(h: Held, percent: number, message?: string): Promise<boolean> {
    const problem = progressProblem(percent, message);
    if (problem !== null) return Promise.reject(new RaftJobsError(ErrorCode.InvalidArgument, `job.progress of job ${h.leased.jobId}: ${problem}`, { jobId: h.leased.jobId }));
    if (h.lost || h.state !== 'running' || this.stopped) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      this.enqueue(h.key, 'progress', { progress: { jobId: h.leased.jobId, token: h.leased.token, percent, message: message ?? '' } }, resolve);
    });
  }

  private onAck(ack: wire.Ack__Output): void {
    const p = this.outbox.get(ack.requestId);
    if (!p) return;
    const h = this.leases.get(p.key);
    const log = { jobId: h?.leased.jobId, token: h?.leased.token, kind: p.kind, code: ack.code, message: ack.message };
    if (p.kind === 'progress') {
      this.outbox.delete(ack.requestId);
      if (!ack.ok) this.logger.debug(log, 'progress not recorded');
      p.settle?.(ack.ok);
      return;
    }
    if (!ack.ok && TRANSIENT.has(ack.code)) {
      // Not recorded, but not refused either: send it again shortly.
      p.sent = false;
      this.scheduleResend();
      return;
    }
    this.outbox.delete(ack.requestId);
    if (p.kind === 'release') {
      this.onReleaseAck(p, ack);
      return;
    }
    this.resendFailures = 0;
    const body = p.message.complete ?? p.message.fail;
    if (body) {
      const throttled = p.message.fail?.throttle != null;
      this.report({ jobId: body.jobId, token: body.token, kind: p.kind, accepted: ack.ok, code: ack.ok ? '' : ack.code, message: ack.message, state: ack.ok ? ack.state : '', throttled });
    }
    if (ack.ok) {
      this.logger.debug({ ...log, state: ack.state }, `${p.kind} acknowledged`);
    } else if (LEASE_GONE.has(ack.code)) {
      this.logger.warn(log, `${p.kind} refused: the lease was taken away (expired, cancelled or leased again); not retrying`);
    } else if (h && !h.lost && p.message.complete && ack.code === ErrorCode.InvalidArgument) {
      // The result itself was refused (too large, ...): record that as the attempt's failure.
      this.logger.error(log, 'result refused by the cluster; failing the attempt instead');
      const { jobId, token, handlerMs } = p.message.complete;
      this.enqueueOutcome(h, { fail: { jobId, token, error: truncateError(`result refused by the cluster: ${ack.message}`, this.bounds.maxErrorLength), noRetry: false, handlerMs, throttle: null } });
      this.notify();
      return;
    } else if (h && !h.lost && p.message.fail && !p.generic) {
      // The failure's text (or something else in it, its throttle too) was refused: fail the
      // attempt with a short, plain one instead, once.
      this.logger.error(log, 'failure refused by the cluster; sending it once more with a generic error');
      const { jobId, token, noRetry, handlerMs } = p.message.fail;
      this.enqueueOutcome(h, { fail: { jobId, token, error: `the handler failed; the cluster refused its error (${ack.code || 'not ok'})`, noRetry, handlerMs, throttle: null } }, true);
      this.notify();
      return;
    } else {
      this.logger.error(log, `${p.kind} refused by the cluster; the lease will expire`);
    }
    const settled = this.leases.get(p.key);
    if (settled) {
      // Answered for good, or refused because the lease is gone: the cluster has ended it.
      if (ack.ok || LEASE_GONE.has(ack.code)) settled.endedAtCluster = true;
      this.forget(settled);
    }
    this.notify();
  }

  private onReleaseAck(p: Pending, ack: wire.Ack__Output): void {
    const refs = p.message.release?.leases ?? [];
    if (!ack.ok && ack.code === ErrorCode.InvalidArgument && refs.length > this.bounds.maxLeasesPerMessage) {
      // Written under larger bounds than the server now announces: split it again.
      this.release(refs);
    } else if (!ack.ok) {
      this.logger.warn({ leases: refs.length, code: ack.code, message: ack.message }, 'release refused by the cluster; those leases end when they expire');
    }
    this.notify();
  }

  private report(outcome: WorkerOutcome): void {
    try {
      this.o.onOutcome?.(outcome);
    } catch (err) {
      this.logger.error({ err }, 'onOutcome threw');
    }
  }

  /** Stop tracking a lease: no more heartbeats (see {@link ranUnconfirmed} for what is still announced as held). */
  private forget(h: Held): void {
    if (!h.endedAtCluster) {
      const ttl = h.leased.ttlMs > 0 ? h.leased.ttlMs : FALLBACK_TTL_MS;
      this.ranUnconfirmed.set(h.key, { ref: { jobId: h.leased.jobId, token: h.leased.token }, until: this.clock.now() + 2 * ttl });
    }
    this.leases.delete(h.key);
    if (this.byJob.get(h.leased.jobId) === h) this.byJob.delete(h.leased.jobId);
  }

  private scheduleResend(): void {
    if (this.resendTimer !== null || this.stopped) return;
    const delay = backoffDelay(this.o.reconnectBackoff ?? DEFAULT_RECONNECT, this.resendFailures++, this.random);
    this.resendTimer = this.clock.setTimeout(() => {
      this.resendTimer = null;
      const conn = this.ready();
      if (!conn) return; // the Welcome of the next stream resends
      for (const p of this.outbox.values()) {
        if (p.sent) continue;
        p.sent = true;
        this.write(conn, p.message);
      }
    }, delay);
  }

  // ---- heartbeats ----

  private heartbeatInterval(): number {
    if (this.o.heartbeatIntervalMs !== undefined) return this.o.heartbeatIntervalMs;
    let ttl = this.o.leaseTtlMs ?? Infinity;
    if (this.o.leaseTtlMs === undefined) for (const h of this.leases.values()) if (h.leased.ttlMs > 0) ttl = Math.min(ttl, h.leased.ttlMs);
    return Math.max(10, Math.floor((Number.isFinite(ttl) ? ttl : FALLBACK_TTL_MS) / 3));
  }

  private heartbeatTimeout(): number {
    return this.o.heartbeatTimeoutMs ?? Math.max(this.heartbeatInterval(), MIN_HEARTBEAT_TIMEOUT_MS);
  }

  private scheduleHeartbeat(): void {
    if (this.heartbeatTimer !== null || this.stopped || this.leases.size === 0) return;
    this.heartbeatTimer = this.clock.setTimeout(() => {
      this.heartbeatTimer = null;
      this.sendHeartbeat();
      this.scheduleHeartbeat();
    }, this.heartbeatInterval());
  }

  /** Extend every lease held, in messages of at most `max_leases_per_message` leases. */
  private sendHeartbeat(): void {
    const conn = this.ready();
    if (!conn) return;
    const keys = new Map<string, string>();
    const refs: wire.LeaseRef__Output[] = [];
    for (const h of this.leases.values()) {
      if (h.lost) continue;
      refs.push({ jobId: h.leased.jobId, token: h.leased.token });
      keys.set(h.leased.jobId, h.key);
    }
    if (refs.length === 0) return;
    const sent: SentHeartbeat = { sentAt: this.clock.now(), keys };
    for (const leases of chunkRefs(refs, this.bounds)) {
      const requestId = this.nextRequestId++;
      this.heartbeatsSent.set(requestId, sent);
      this.write(conn, { requestId, heartbeat: { leases, ttlMs: this.o.leaseTtlMs ?? 0 } });
    }
    this.armWatchdog();
  }

  /** Make sure the stream is checked when its oldest unanswered heartbeat runs out of time. */
  private armWatchdog(): void {
    if (this.watchdogTimer !== null || this.stopped) return;
    let oldest = Infinity;
    for (const s of this.heartbeatsSent.values()) oldest = Math.min(oldest, s.sentAt);
    if (!Number.isFinite(oldest)) return;
    this.watchdogTimer = this.clock.setTimeout(
      () => {
        this.watchdogTimer = null;
        const conn = this.conn;
        if (!conn || this.stopped) return;
        let first = Infinity;
        for (const s of this.heartbeatsSent.values()) first = Math.min(first, s.sentAt);
        const timeoutMs = this.heartbeatTimeout();
        if (first + timeoutMs <= this.clock.now()) this.abandon(conn, `a heartbeat went unanswered for ${timeoutMs} ms`);
        else this.armWatchdog();
      },
      Math.max(0, oldest + this.heartbeatTimeout() - this.clock.now()),
    );
  }

  private onHeartbeat(requestId: number, results: readonly wire.HeartbeatResult__Output[], serverTimeMs: number): void {
    const sent = this.heartbeatsSent.get(requestId);
    if (!sent) return;
    this.heartbeatsSent.delete(requestId);
    let invalid: wire.HeartbeatResult__Output | null = null;
    for (const r of results) {
      const key = sent.keys.get(r.jobId);
      const h = key === undefined ? undefined : this.leases.get(key);
      if (!h || h.lost) continue;
      if (r.ok) {
        // Counted from when the heartbeat was sent: the server extended the lease no earlier.
        const deadline = this.deadlineOf(sent.sentAt, r.expiresAtMs, serverTimeMs, this.o.leaseTtlMs ?? h.leased.ttlMs);
        if (deadline > h.deadline) h.deadline = deadline;
        continue;
      }
      if (TRANSIENT.has(r.code)) continue;
      // The heartbeat message itself was refused, not the lease: the local deadline still holds.
      if (r.code === ErrorCode.InvalidArgument) {
        invalid = r;
        continue;
      }
      // A job whose outcome is in flight may already have finished: its ack decides, not this.
      if (h.state === 'settling') continue;
      const code = KNOWN_CODES.has(r.code) ? (r.code as ErrorCode) : ErrorCode.StaleToken;
      this.logger.warn({ jobId: r.jobId, token: h.leased.token, code: r.code, message: r.message }, 'lease lost: aborting the handler');
      this.drop(h, `lease lost (${r.code || 'not ok'}${r.message ? `: ${r.message}` : ''})`, code);
    }
    if (invalid) this.logger.error({ leases: results.length, message: invalid.message }, 'heartbeat refused as invalid: its leases were not extended (each is aborted at its local deadline unless a later heartbeat extends it)');
  }
}
