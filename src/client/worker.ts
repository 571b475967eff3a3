import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { backoffDelay, systemClock, systemRandom, type BackoffPolicy, type Clock, type Random, type TimerHandle } from './clock.js';
import { encodeData } from './codec.js';
import { Meta } from '../protocol/index.js';
import { metaString, toRaftJobsError } from './errors.js';
import { CHANNEL_OPTIONS, services, type WireAck, type WireHeartbeatResult, type WireLeasedJob, type WireLeaseRef, type WireServerMessage, type WireWorkerMessage } from './proto.js';
import { AddressBook } from './router.js';
import { silentLogger, type SdkLogger } from './types.js';
import { errorText, isNonRetryable, makeWorkerJob, type JobHandler } from './worker-job.js';

/** Options of `new Worker(...)`. */
export interface WorkerOptions {
  /** `host:port` of every node of the cluster. */
  readonly nodes: readonly string[];
  /** Queues to take jobs from. */
  readonly queues: readonly string[];
  /** Most handlers running at once (and the capacity announced to the cluster). */
  readonly concurrency: number;
  readonly handler: JobHandler;
  /** Shown in job history. Default: `<hostname>-<pid>-<random>`. */
  readonly workerId?: string;
  /** Lease TTL to ask for, ms; heartbeats extend leases by this much. Default: each job's own. */
  readonly leaseTtlMs?: number;
  /**
   * How often all held leases are extended, in one message, ms. Default: a third of `leaseTtlMs`,
   * or of the shortest TTL among held leases.
   */
  readonly heartbeatIntervalMs?: number;
  /** Backoff between reconnects. Default 100 ms doubling to 2 s, with jitter. */
  readonly reconnectBackoff?: BackoffPolicy;
  readonly logger?: SdkLogger;
  /**
   * Called when the cluster refuses the stream for a reason that retrying will not fix (an invalid
   * queue name or worker id, a server without the Workers service). The worker keeps retrying at
   * its longest backoff until closed.
   */
  readonly onError?: (err: RaftJobsError) => void;
  /**
   * Called once per completion or failure the cluster answered for good: accepted, or refused
   * (e.g. STALE_TOKEN when the lease was taken away). For metrics and audit trails; must not throw.
   */
  readonly onOutcome?: (outcome: WorkerOutcome) => void;
  /** For tests. Default: the system clock. */
  readonly clock?: Clock;
  /** For tests. Default: `Math.random`. */
  readonly random?: Random;
}

/** How the cluster answered one completion or failure (see `WorkerOptions.onOutcome`). */
export interface WorkerOutcome {
  readonly jobId: string;
  readonly token: number;
  readonly kind: 'complete' | 'fail';
  /** The cluster recorded it (a repeat of an already recorded outcome counts as accepted). */
  readonly accepted: boolean;
  /** Why it was refused (STALE_TOKEN, NOT_FOUND, ILLEGAL_TRANSITION, INVALID_ARGUMENT, ...); '' when accepted. */
  readonly code: string;
  readonly message: string;
  /** The job's state afterwards when accepted: `succeeded`, or for a failure `scheduled`, `ready` or `dead`. */
  readonly state: string;
}

/** Options of `Worker.close`. */
export interface WorkerCloseOptions {
  /** How long running handlers may take to finish before they are aborted, ms. Default 30000. */
  readonly timeoutMs?: number;
  /** How long to wait afterwards for the cluster to acknowledge completions, ms. Default 5000. */
  readonly flushTimeoutMs?: number;
}

/** Heartbeat answer codes after which the lease may still be ours: a later heartbeat decides. */
const TRANSIENT = new Set<string>([ErrorCode.NotLeader, ErrorCode.NoLeader, ErrorCode.ShuttingDown, ErrorCode.OutcomeUnknown, ErrorCode.Overloaded, ErrorCode.Timeout]);
const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));
const DEFAULT_RECONNECT: BackoffPolicy = { initialMs: 100, maxMs: 2_000 };
/** A stream that lived this long was healthy: the next reconnect starts over from the shortest backoff. */
const HEALTHY_STREAM_MS = 2_000;
const FALLBACK_TTL_MS = 30_000;

type LeaseState = 'queued' | 'running' | 'settling';

/** A lease this worker holds: waiting for a free slot, running its handler, or awaiting the ack of its outcome. */
interface Held {
  readonly key: string;
  readonly leased: WireLeasedJob;
  state: LeaseState;
  /** The lease is gone (or abandoned at close): nothing more is sent for it. */
  lost: boolean;
  expiresAt: number;
  readonly controller: AbortController;
  done: Promise<void> | null;
  /** When the handler started (clock ms). */
  startedAt: number;
}

/** A complete, fail or progress message waiting for its Ack. */
interface Pending {
  readonly requestId: number;
  readonly key: string;
  readonly kind: 'complete' | 'fail' | 'progress';
  message: WireWorkerMessage;
  sent: boolean;
  readonly settle?: (ok: boolean) => void;
}

interface Connection {
  readonly address: string;
  readonly call: grpc.ClientDuplexStream<WireWorkerMessage, WireServerMessage>;
  readonly openedAt: number;
  receivedAny: boolean;
  ended: boolean;
  /** Messages written this event-loop turn, sent together at its end (see {@link Worker.write}). */
  outgoing: WireWorkerMessage[];
  outgoingBytes: number;
}

/** A batch is sent early once it holds this many messages or about this many bytes. */
const MAX_BATCH_MESSAGES = 512;
const MAX_BATCH_BYTES = 1024 * 1024;

function leaseKey(jobId: string, token: number): string {
  return `${jobId}/${token}`;
}

/**
 * A worker: it holds one stream to the leader, runs up to `concurrency` handlers, heartbeats all
 * its leases in one message, and reports each outcome on the stream.
 *
 * When the stream breaks (leader change, network), running handlers keep running: the worker
 * reconnects (to the leader named in `x-leader-addr`, else the next node, with capped backoff),
 * re-announces the leases it holds, heartbeats them at once, and resends every completion or
 * failure that was never acknowledged. The cluster accepts a repeated outcome with the same token,
 * and gives inherited leases a grace period (J6), so a failover costs no work.
 */
export class Worker {
  readonly workerId: string;
  private readonly o: WorkerOptions;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: SdkLogger;
  private readonly book: AddressBook;
  private readonly clients = new Map<string, grpc.Client>();
  private readonly leases = new Map<string, Held>();
  /** The newest lease of each job held, to spot a job leased to us again with a newer token. */
  private readonly byJob = new Map<string, Held>();
  private readonly queue: Held[] = [];
  private readonly outbox = new Map<number, Pending>();
  private readonly heartbeatsSent = new Map<number, Map<string, string>>();
  private readonly listeners = new Set<() => void>();
  private conn: Connection | null = null;
  private nextRequestId = 1;
  private active = 0;
  private reconnectFailures = 0;
  private hopsWithoutPause = 0;
  private heartbeatTimer: TimerHandle | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private resendTimer: TimerHandle | null = null;
  private resendFailures = 0;
  private started = false;
  private closing = false;
  private stopped = false;
  private closed: Promise<void> | null = null;

  constructor(options: WorkerOptions) {
    const problems: string[] = [];
    if (!Array.isArray(options.queues) || options.queues.length === 0 || options.queues.some((q) => typeof q !== 'string' || q === '')) problems.push('queues: at least one non-empty queue name is required');
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) problems.push(`concurrency: must be a positive integer, got ${String(options.concurrency)}`);
    if (typeof options.handler !== 'function') problems.push('handler: must be a function');
    for (const key of ['leaseTtlMs', 'heartbeatIntervalMs'] as const) {
      const v = options[key];
      if (v !== undefined && !(Number.isFinite(v) && v > 0)) problems.push(`${key}: must be a positive number of ms, got ${String(v)}`);
    }
    if (problems.length > 0) throw new RaftJobsError(ErrorCode.InvalidArgument, `invalid worker options: ${problems.join('; ')}`, { problems });
    this.o = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
    this.logger = options.logger ?? silentLogger;
    this.book = new AddressBook(options.nodes, this.random);
    this.workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  }

  /** Handlers running now (never more than `concurrency`). */
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
   * Stop taking jobs, let running handlers finish for up to `timeoutMs`, abort the rest (their
   * leases expire and the jobs run again elsewhere), wait up to `flushTimeoutMs` for the cluster to
   * acknowledge the outcomes, then end the stream. Idempotent.
   */
  close(options: WorkerCloseOptions = {}): Promise<void> {
    this.closed ??= this.shutdown(options.timeoutMs ?? 30_000, options.flushTimeoutMs ?? 5_000);
    return this.closed;
  }

  // ---- shutdown ----

  private async shutdown(timeoutMs: number, flushTimeoutMs: number): Promise<void> {
    this.closing = true;
    // Jobs not started yet are left to expire: running them would delay the shutdown.
    for (const h of this.queue.splice(0)) this.drop(h, 'the worker is closing; the job was not started');
    if (this.conn) this.write(this.conn, { requestId: 0, hello: this.hello() });
    const drained = await this.waitFor(() => this.active === 0, timeoutMs);
    if (!drained) {
      for (const h of this.leases.values()) {
        if (h.state !== 'running') continue;
        this.logger.warn({ jobId: h.leased.jobId, token: h.leased.token }, 'handler still running at close timeout: aborting it; its lease will expire');
        this.drop(h, 'the worker closed before the handler finished', ErrorCode.ShuttingDown);
      }
    }
    const flushed = await this.waitFor(() => ![...this.outbox.values()].some((p) => p.kind !== 'progress'), flushTimeoutMs);
    if (!flushed) this.logger.warn({ unacknowledged: this.outbox.size }, 'closing with outcomes the cluster has not acknowledged; those jobs run again after their leases expire');
    this.stopped = true;
    for (const t of [this.heartbeatTimer, this.reconnectTimer, this.resendTimer]) if (t !== null) this.clock.clearTimeout(t);
    this.heartbeatTimer = this.reconnectTimer = this.resendTimer = null;
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

  /** Resolves true once `done()` holds, false after `timeoutMs`. */
  private waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const check = (): void => {
        if (!done()) return;
        this.listeners.delete(check);
        this.clock.clearTimeout(timer);
        resolve(true);
      };
      const timer = this.clock.setTimeout(() => {
        this.listeners.delete(check);
        resolve(done());
      }, timeoutMs);
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
      c = new (services().Workers)(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
      this.clients.set(address, c);
    }
    return c;
  }

  private hello(): NonNullable<WireWorkerMessage['hello']> {
    return {
      workerId: this.workerId,
      queues: [...this.o.queues],
      capacity: this.closing ? 0 : this.o.concurrency,
      leaseTtlMs: this.o.leaseTtlMs ?? 0,
      held: this.heldRefs(),
      batchAcks: true,
      sessionId: '',
    };
  }

  private heldRefs(): WireLeaseRef[] {
    const refs: WireLeaseRef[] = [];
    for (const h of this.leases.values()) if (!h.lost) refs.push({ jobId: h.leased.jobId, token: h.leased.token });
    return refs;
  }

  private connect(): void {
    this.reconnectTimer = null;
    if (this.stopped) return;
    const address = this.book.current;
    const stub = this.client(address) as unknown as { Work(metadata: grpc.Metadata, options: grpc.CallOptions): grpc.ClientDuplexStream<WireWorkerMessage, WireServerMessage> };
    // The stream lives as long as the worker: no deadline; keepalive pings notice a dead peer.
    const call = stub.Work(new grpc.Metadata(), {});
    const conn: Connection = { address, call, openedAt: this.clock.now(), receivedAny: false, ended: false, outgoing: [], outgoingBytes: 0 };
    this.conn = conn;
    call.on('data', (msg: WireServerMessage) => this.onMessage(conn, msg));
    call.on('error', () => undefined); // every end is handled once, from 'status'
    call.on('status', (status: grpc.StatusObject) => this.onStreamEnd(conn, status));
    this.logger.info({ address, workerId: this.workerId, held: this.leases.size }, 'worker stream opening');
    this.write(conn, { requestId: 0, hello: this.hello() });
    // Resend every outcome the previous stream never acknowledged, then refresh every lease at once.
    for (const p of this.outbox.values()) {
      p.sent = true;
      this.write(conn, p.message);
    }
    this.sendHeartbeat();
    this.scheduleHeartbeat();
  }

  /**
   * Queue one message for the stream. Everything written in one event-loop turn (the outcomes of
   * handlers that finished together, a resend after reconnecting) goes out as one message.
   */
  private write(conn: Connection, msg: WireWorkerMessage): void {
    if (conn.ended || conn !== this.conn) return;
    conn.outgoing.push(msg);
    conn.outgoingBytes += (msg.complete?.result.length ?? 0) + (msg.fail?.error.length ?? 0) + (msg.progress?.message.length ?? 0) + 64;
    if (conn.outgoing.length >= MAX_BATCH_MESSAGES || conn.outgoingBytes >= MAX_BATCH_BYTES) this.flush(conn);
    else if (conn.outgoing.length === 1) setImmediate(() => this.flush(conn));
  }

  private flush(conn: Connection): void {
    const msgs = conn.outgoing;
    if (msgs.length === 0) return;
    conn.outgoing = [];
    conn.outgoingBytes = 0;
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
    if (this.conn !== conn) return;
    this.conn = null;
    this.heartbeatsSent.clear();
    for (const [id, p] of this.outbox) {
      if (p.kind === 'progress') {
        p.settle?.(false);
        this.outbox.delete(id);
      } else {
        p.sent = false;
      }
    }
    if (this.stopped) return;
    const healthy = conn.receivedAny || this.clock.now() - conn.openedAt >= HEALTHY_STREAM_MS;
    if (healthy) {
      this.reconnectFailures = 0;
      this.hopsWithoutPause = 0;
    }
    const hint = metaString(status.metadata, Meta.LeaderAddress);
    const log = { address: conn.address, code: grpc.status[status.code] ?? status.code, details: status.details, leaderAddress: hint, held: this.leases.size };
    if (hint !== null && hint !== conn.address && this.hopsWithoutPause < this.book.all.length) {
      this.hopsWithoutPause++;
      this.logger.info(log, 'worker stream ended; following the leader hint');
      this.book.follow(hint);
      this.reconnectTimer = this.clock.setTimeout(() => this.connect(), 0);
      return;
    }
    this.hopsWithoutPause = 0;
    const policy = this.o.reconnectBackoff ?? DEFAULT_RECONNECT;
    if (status.code === grpc.status.INVALID_ARGUMENT || status.code === grpc.status.UNIMPLEMENTED) {
      const err = toRaftJobsError(Object.assign(new Error(status.details), status), `worker stream to ${conn.address}`);
      this.logger.error({ ...log, err }, 'the cluster refused the worker stream');
      this.reconnectFailures = Math.max(this.reconnectFailures, 30);
      this.o.onError?.(err);
    } else {
      this.book.advance(conn.address);
    }
    const delay = backoffDelay(policy, this.reconnectFailures++, this.random);
    this.logger.warn({ ...log, next: this.book.current, delayMs: delay }, 'worker stream ended; reconnecting');
    this.reconnectTimer = this.clock.setTimeout(() => this.connect(), delay);
  }

  private onMessage(conn: Connection, msg: WireServerMessage): void {
    if (conn !== this.conn || this.stopped) return;
    conn.receivedAny = true;
    if (msg.leases) this.onLeases(msg.leases.jobs);
    else if (msg.ack) this.onAck(msg.ack);
    else if (msg.acks) for (const ack of msg.acks.acks) this.onAck(ack);
    else if (msg.heartbeat) this.onHeartbeat(msg.requestId, msg.heartbeat.leases);
  }

  // ---- leases and handlers ----

  private onLeases(jobs: readonly WireLeasedJob[]): void {
    for (const leased of jobs) {
      const key = leaseKey(leased.jobId, leased.token);
      if (this.closing) {
        this.logger.debug({ jobId: leased.jobId, token: leased.token }, 'lease pushed while closing: not running it; it will expire');
        continue;
      }
      if (this.leases.has(key)) continue; // a repeated push of a lease we hold
      const older = this.byJob.get(leased.jobId);
      // A newer lease of a job we still hold: ours is stale.
      if (older && older.leased.token < leased.token) this.drop(older, 'the job was leased again with a newer token', ErrorCode.StaleToken);
      const h: Held = { key, leased, state: 'queued', lost: false, expiresAt: leased.expiresAtMs, controller: new AbortController(), done: null, startedAt: 0 };
      this.leases.set(key, h);
      this.byJob.set(leased.jobId, h);
      this.queue.push(h);
    }
    if (this.queue.length > 0 && this.active + this.queue.length > this.o.concurrency) {
      this.logger.debug({ running: this.active, waiting: this.queue.length, concurrency: this.o.concurrency }, 'more leases than free slots: the extra jobs wait (their leases are heartbeated)');
    }
    this.pump();
    this.scheduleHeartbeat();
  }

  /** Start queued jobs while slots are free. */
  private pump(): void {
    while (this.active < this.o.concurrency && !this.closing) {
      const h = this.queue.shift();
      if (!h) return;
      if (!h.lost) this.run(h);
    }
  }

  private run(h: Held): void {
    h.state = 'running';
    h.startedAt = this.clock.now();
    this.active++;
    const job = makeWorkerJob(h.leased, h.controller.signal, (percent, message) => this.progress(h, percent, message));
    let outcome: Promise<unknown>;
    try {
      outcome = Promise.resolve(this.o.handler(job));
    } catch (err) {
      outcome = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    h.done = outcome.then(
      (result) => this.finish(h, { ok: true, result }),
      (err: unknown) => this.finish(h, { ok: false, err }),
    );
  }

  private finish(h: Held, outcome: { ok: true; result: unknown } | { ok: false; err: unknown }): void {
    this.active--;
    const { jobId, token } = h.leased;
    if (h.lost || this.stopped) {
      this.logger.info({ jobId, token }, 'handler returned after its lease was lost or abandoned: outcome discarded');
      this.forget(h);
    } else {
      h.state = 'settling';
      const handlerMs = Math.max(0, this.clock.now() - h.startedAt);
      let body: Pick<WireWorkerMessage, 'complete' | 'fail'>;
      if (outcome.ok) {
        try {
          body = { complete: { jobId, token, result: encodeData(outcome.result as never, 'result'), handlerMs } };
        } catch (err) {
          body = { fail: { jobId, token, error: `the handler's result could not be encoded: ${errorText(err)}`, noRetry: false, handlerMs } };
        }
      } else {
        body = { fail: { jobId, token, error: errorText(outcome.err), noRetry: isNonRetryable(outcome.err), handlerMs } };
      }
      this.enqueue(h.key, body.complete ? 'complete' : 'fail', body);
    }
    this.notify();
    this.pump();
  }

  /** Abandon a lease: abort its handler (if running) and stop sending anything for it. */
  private drop(h: Held, why: string, code: ErrorCode = ErrorCode.StaleToken): void {
    if (h.lost) return;
    h.lost = true;
    if (h.state === 'queued') {
      const i = this.queue.indexOf(h);
      if (i >= 0) this.queue.splice(i, 1);
    }
    if (this.byJob.get(h.leased.jobId) === h) this.byJob.delete(h.leased.jobId);
    if (h.state !== 'running') this.forget(h);
    h.controller.abort(new RaftJobsError(code, `job ${h.leased.jobId} (token ${h.leased.token}): ${why}`, { jobId: h.leased.jobId }));
    this.notify();
  }

  // ---- outcomes and acks ----

  private enqueue(key: string, kind: Pending['kind'], body: Omit<WireWorkerMessage, 'requestId'>, settle?: (ok: boolean) => void): void {
    const requestId = this.nextRequestId++;
    const p: Pending = { requestId, key, kind, message: { requestId, ...body }, sent: false, ...(settle ? { settle } : {}) };
    this.outbox.set(requestId, p);
    if (this.conn) {
      p.sent = true;
      this.write(this.conn, p.message);
    } else if (kind === 'progress') {
      this.outbox.delete(requestId);
      settle?.(false);
    }
  }

  private progress(h: Held, percent: number, message?: string): Promise<boolean> {
    if (h.lost || h.state !== 'running' || this.stopped) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      this.enqueue(h.key, 'progress', { progress: { jobId: h.leased.jobId, token: h.leased.token, percent, message: message ?? '' } }, resolve);
    });
  }

  private onAck(ack: WireAck): void {
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
    this.resendFailures = 0;
    const body = p.message.complete ?? p.message.fail;
    if (body) this.report({ jobId: body.jobId, token: body.token, kind: p.kind, accepted: ack.ok, code: ack.ok ? '' : ack.code, message: ack.message, state: ack.ok ? ack.state : '' });
    if (ack.ok) {
      this.logger.debug({ ...log, state: ack.state }, `${p.kind} acknowledged`);
    } else if (ack.code === ErrorCode.StaleToken || ack.code === ErrorCode.NotFound || ack.code === ErrorCode.IllegalTransition) {
      this.logger.warn(log, `${p.kind} refused: the lease was taken away (expired, cancelled or leased again); not retrying`);
    } else if (p.kind === 'complete' && ack.code === ErrorCode.InvalidArgument && h && p.message.complete) {
      // The result itself was refused (too large, ...): record that as the attempt's failure.
      this.logger.error(log, 'result refused by the cluster; failing the attempt instead');
      const { jobId, token, handlerMs } = p.message.complete;
      this.enqueue(p.key, 'fail', { fail: { jobId, token, error: `result refused by the cluster: ${ack.message}`, noRetry: false, handlerMs } });
      this.notify();
      return;
    } else {
      this.logger.error(log, `${p.kind} refused by the cluster; the lease will expire`);
    }
    const settled = this.leases.get(p.key);
    if (settled) this.forget(settled);
    this.notify();
  }

  private report(outcome: WorkerOutcome): void {
    try {
      this.o.onOutcome?.(outcome);
    } catch (err) {
      this.logger.error({ err }, 'onOutcome threw');
    }
  }

  /** Stop tracking a lease: no more heartbeats, not announced as held. */
  private forget(h: Held): void {
    this.leases.delete(h.key);
    if (this.byJob.get(h.leased.jobId) === h) this.byJob.delete(h.leased.jobId);
  }

  private scheduleResend(): void {
    if (this.resendTimer !== null || this.stopped) return;
    const delay = backoffDelay(this.o.reconnectBackoff ?? DEFAULT_RECONNECT, this.resendFailures++, this.random);
    this.resendTimer = this.clock.setTimeout(() => {
      this.resendTimer = null;
      const conn = this.conn;
      if (!conn) return; // the reconnect resends
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

  private scheduleHeartbeat(): void {
    if (this.heartbeatTimer !== null || this.stopped || this.leases.size === 0) return;
    this.heartbeatTimer = this.clock.setTimeout(() => {
      this.heartbeatTimer = null;
      this.sendHeartbeat();
      this.scheduleHeartbeat();
    }, this.heartbeatInterval());
  }

  /** One heartbeat for every lease held, in one message. */
  private sendHeartbeat(): void {
    const conn = this.conn;
    if (!conn || this.stopped) return;
    const sent = new Map<string, string>();
    const leases: WireLeaseRef[] = [];
    for (const h of this.leases.values()) {
      if (h.lost) continue;
      leases.push({ jobId: h.leased.jobId, token: h.leased.token });
      sent.set(h.leased.jobId, h.key);
    }
    if (leases.length === 0) return;
    const requestId = this.nextRequestId++;
    this.heartbeatsSent.set(requestId, sent);
    this.write(conn, { requestId, heartbeat: { leases, ttlMs: this.o.leaseTtlMs ?? 0 } });
  }

  private onHeartbeat(requestId: number, results: readonly WireHeartbeatResult[]): void {
    const sent = this.heartbeatsSent.get(requestId);
    if (!sent) return;
    this.heartbeatsSent.delete(requestId);
    for (const r of results) {
      const key = sent.get(r.jobId);
      const h = key === undefined ? undefined : this.leases.get(key);
      if (!h || h.lost) continue;
      if (r.ok) {
        h.expiresAt = r.expiresAtMs;
        continue;
      }
      if (TRANSIENT.has(r.code)) continue;
      // A job whose outcome is in flight may already have finished: its ack decides, not this.
      if (h.state === 'settling') continue;
      const code = KNOWN_CODES.has(r.code) ? (r.code as ErrorCode) : ErrorCode.StaleToken;
      this.logger.warn({ jobId: r.jobId, token: h.leased.token, code: r.code, message: r.message }, 'lease lost: aborting the handler');
      this.drop(h, `lease lost (${r.code || 'not ok'}${r.message ? `: ${r.message}` : ''})`, code);
    }
  }
}
