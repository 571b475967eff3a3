import * as grpc from '@grpc/grpc-js';
import { setMaxListeners } from 'node:events';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { backoffDelay, sleep, type BackoffPolicy, type Clock, type Random } from './clock.js';
import { Meta, type wire } from '../protocol/index.js';
import { classify, metaString, toRaftJobsError } from './errors.js';
import { tokenChannelOptions } from './auth.js';
import { CHANNEL_OPTIONS } from './proto.js';
import type { ClientTls } from '../tls/index.js';
import { explainUnreachable, QuorumWatch, unreachable, type Unreachable } from './reach.js';
import type { SdkLogger } from './types.js';

/**
 * The node addresses a client knows and which one it talks to now. It starts at a random node
 * (so many clients spread out while followers forward), jumps to a hinted leader, and otherwise
 * walks the list round-robin.
 */
export class AddressBook {
  private readonly list: string[];
  private index: number;

  constructor(nodes: readonly string[], random: Random) {
    const unique = [...new Set(nodes.map((n) => n.trim()).filter((n) => n !== ''))];
    if (unique.length === 0) throw new RaftJobsError(ErrorCode.InvalidArgument, 'nodes: at least one host:port address is required');
    this.list = unique;
    this.index = Math.min(unique.length - 1, Math.floor(random() * unique.length));
  }

  /** The address to use next. */
  get current(): string {
    return this.list[this.index] as string;
  }

  get all(): readonly string[] {
    return this.list;
  }

  /** Switch to a leader named by a server (learning the address if it is new). */
  follow(address: string): void {
    let i = this.list.indexOf(address);
    if (i < 0) i = this.list.push(address) - 1;
    this.index = i;
  }

  /** Move past `from` when it is still the current address (another call may have moved on already). */
  advance(from: string): void {
    if (this.list[this.index] === from) this.index = (this.index + 1) % this.list.length;
  }
}

/** Default of `ClientOptions.noQuorumMs`, ms: twice the longest default election timeout. */
export const DEFAULT_NO_QUORUM_MS = 2_000;

/** How the router treats one method. */
export interface UnaryPolicy {
  /**
   * Repeating the call cannot change the outcome (reads; submit, whose jobs all carry idempotency
   * keys). Only these are retried when an attempt's outcome is unknown.
   */
  readonly idempotent: boolean;
  /**
   * Longest single attempt of an idempotent call, ms, so one hung node cannot eat the whole
   * deadline. Default: the router's `attemptTimeoutMs`. Non-idempotent calls always get the rest
   * of the deadline, because a timed-out attempt of theirs could not be retried anyway.
   */
  readonly attemptTimeoutMs?: number;
}

export interface RouterOptions {
  readonly nodes: readonly string[];
  /** The service's client constructor (see `jobsServices`). */
  readonly service: new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => grpc.Client;
  /** Share another router's addresses (and so the leader it learned); default: a book of its own. */
  readonly book?: AddressBook;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: SdkLogger;
  readonly backoff: BackoffPolicy;
  readonly deadlineMs: number;
  readonly attemptTimeoutMs: number;
  /** See `ClientOptions.noQuorumMs`. Default 2000. */
  readonly noQuorumMs?: number;
  /** See `ClientOptions.token`. */
  readonly token?: string;
  readonly channelOptions?: grpc.ChannelOptions;
  /** How channels authenticate (see `ClientOptions.tls`). */
  readonly credentials: grpc.ChannelCredentials;
  /**
   * What `credentials` were made from (null: plaintext), so that a failed handshake can be
   * explained (see `explainUnreachable`); absent when unknown (credentials given ready-made).
   */
  readonly dialTls?: ClientTls | null;
}

/** Longest TLS handshake made to explain a failed connection, ms. */
const PROBE_TIMEOUT_MS = 1000;

/** The unary methods of the Jobs service (the generated definition's keys also admit any string). */
export type JobsMethod = 'Submit' | 'Get' | 'List' | 'Cancel' | 'RetryDead' | 'Stats' | 'WaitForResult' | 'Bulk';
/** The methods of the Schedules service (all unary). */
export type SchedulesMethod = 'Create' | 'Update' | 'Delete' | 'Pause' | 'Resume' | 'Trigger' | 'Get' | 'List';

/** A method definition's request as sent and answer as decoded, as generated from the .proto files. */
/** Method `M` of definition `D`. */
type At<D, M> = M extends keyof D ? D[M] : never;
type RequestIn<D> = D extends { requestSerialize: (value: infer R) => Buffer } ? R : never;
type ResponseOut<D> = D extends { responseDeserialize: (bytes: Buffer) => infer R } ? R : never;
/** What a Jobs `method` sends, as generated from proto/jobs.proto. */
export type RequestOf<M extends JobsMethod> = RequestIn<wire.JobsDefinition[M]>;
/** What a Jobs `method` answers, as decoded. */
export type ResponseOf<M extends JobsMethod> = ResponseOut<wire.JobsDefinition[M]>;

type UnaryMethod = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: unknown) => void,
) => grpc.ClientUnaryCall;

/**
 * Sends unary calls to the last known leader and carries them through leader changes: it follows
 * `x-leader-addr` at once, moves to the next node when a node is unreachable or has no leader,
 * backs off (capped, exponential, jittered) between rounds, and gives up when the caller's
 * deadline passes or its signal aborts.
 */
export class Router<D = wire.JobsDefinition, Method extends string = JobsMethod> {
  readonly book: AddressBook;
  private readonly clients = new Map<string, grpc.Client>();
  /** Aborted by `close()`: cancels calls in flight and backoff sleeps at once. */
  private readonly closing = new AbortController();

  constructor(private readonly o: RouterOptions) {
    this.book = o.book ?? new AddressBook(o.nodes, o.random);
    // Every call in flight listens on it: any number of concurrent calls is normal, not a leak.
    setMaxListeners(0, this.closing.signal);
  }

  /** The channel to `address` (one per address, kept until `close`). */
  channel(address: string): grpc.Client {
    let c = this.clients.get(address);
    if (!c) {
      c = new this.o.service(address, this.o.credentials, { ...CHANNEL_OPTIONS, ...this.o.channelOptions, ...tokenChannelOptions(this.o.token) });
      this.clients.set(address, c);
    }
    return c;
  }

  /**
   * Call `method` until it succeeds, fails for good, the deadline passes (TIMEOUT, with the last
   * failure as cause) or `signal` aborts (rejects with its reason). `request` may be a function of
   * the attempt's time budget, for calls that pass a wait time to the server.
   */
  async call<M extends Method>(
    method: M,
    request: RequestIn<At<D, M>> | ((attemptMs: number) => RequestIn<At<D, M>>),
    policy: UnaryPolicy,
    opts: { readonly deadlineMs?: number; readonly signal?: AbortSignal } = {},
  ): Promise<ResponseOut<At<D, M>>> {
    const { clock } = this.o;
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.closing.signal]) : this.closing.signal;
    const budgetMs = opts.deadlineMs ?? this.o.deadlineMs;
    if (!(budgetMs > 0)) throw new RaftJobsError(ErrorCode.InvalidArgument, `${method}: deadlineMs must be positive, got ${budgetMs}`);
    const deadline = clock.now() + budgetMs;
    let attempts = 0;
    let failures = 0;
    let hopsWithoutPause = 0;
    let last: RaftJobsError | null = null;
    const watch = new QuorumWatch({ addresses: () => this.book.all, now: () => clock.now(), graceMs: this.o.noQuorumMs ?? DEFAULT_NO_QUORUM_MS });
    /** Per address, a failed handshake explained once in this call (a probe costs a connection). */
    const explained = new Map<string, Unreachable | null>();
    for (;;) {
      signal.throwIfAborted();
      const remaining = deadline - clock.now();
      if (remaining <= 0) throw this.timeout(method, budgetMs, attempts, last, watch);
      const address = this.book.current;
      const attemptMs = policy.idempotent ? Math.min(remaining, policy.attemptTimeoutMs ?? this.o.attemptTimeoutMs) : remaining;
      attempts++;
      try {
        const req = typeof request === 'function' ? (request as (attemptMs: number) => RequestIn<At<D, M>>)(attemptMs) : request;
        return await this.invoke<ResponseOut<At<D, M>>>(address, method, req as object, attemptMs, signal);
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        const overall = clock.now() >= deadline;
        const verdict = classify(err, policy.idempotent, `${method} via ${address}`);
        if (!verdict.retry) {
          if (overall && verdict.error.code !== ErrorCode.OutcomeUnknown && isDeadline(err)) throw this.timeout(method, budgetMs, attempts, verdict.error, watch);
          throw verdict.error;
        }
        let down = unreachable(err, address);
        if (down?.unexplained === true) {
          if (!explained.has(address)) explained.set(address, await explainUnreachable(err, address, this.o.dialTls, Math.min(PROBE_TIMEOUT_MS, deadline - clock.now())));
          down = explained.get(address) ?? down;
        }
        watch.record(address, down);
        last = down === null ? toRaftJobsError(err, `${method} via ${address}`) : new RaftJobsError(ErrorCode.NoLeader, down.reason, {}, { cause: err });
        const hopeless = watch.verdict();
        if (hopeless !== null) throw new RaftJobsError(hopeless.code, `${method}: ${hopeless.message}`, hopeless.details, { cause: err });
        this.o.logger.debug({ method, address, attempt: attempts, code: last.code, err: last.message }, 'call attempt failed; retrying');
        if (verdict.leaderAddress !== null && verdict.leaderAddress !== address && hopsWithoutPause < this.book.all.length) {
          // A node named the leader: go there at once (a bounded number of times in a row).
          this.book.follow(verdict.leaderAddress);
          hopsWithoutPause++;
          continue;
        }
        if (!verdict.sameNode) this.book.advance(address);
        hopsWithoutPause = 0;
        const wait = Math.min(backoffDelay(this.o.backoff, failures++, this.o.random), deadline - clock.now());
        if (wait > 0) await sleep(clock, wait, signal);
      }
    }
  }

  private timeout(method: string, budgetMs: number, attempts: number, last: RaftJobsError | null, watch: QuorumWatch): RaftJobsError {
    // How many nodes could be reached, whenever that explains something: the last answer was
    // NO_LEADER, or some node was down (the last attempt may have ended on its own deadline).
    const why = (last ? `; last error: ${last.message}` : '') + (last?.code === ErrorCode.NoLeader || watch.anyDown() ? `; ${watch.summary()}` : '');
    return new RaftJobsError(ErrorCode.Timeout, `${method}: no answer within the ${budgetMs} ms deadline after ${attempts} attempt(s)${why}`, last?.details ?? {}, { cause: last ?? undefined });
  }

  private invoke<Res>(address: string, method: string, request: object, attemptMs: number, signal: AbortSignal): Promise<Res> {
    const client = this.channel(address);
    const fn = (client as unknown as Record<string, UnaryMethod | undefined>)[method];
    if (typeof fn !== 'function') return Promise.reject(new RaftJobsError(ErrorCode.Internal, `no such method ${method}`));
    return new Promise<Res>((resolve, reject) => {
      const onAbort = (): void => call.cancel();
      // gRPC deadlines are wall-clock instants, whatever clock the SDK was given.
      const call = fn.call(client, request, new grpc.Metadata(), { deadline: Date.now() + attemptMs }, (err, res) => {
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(res as Res);
      });
      call.on('status', (status: grpc.StatusObject) => {
        // A node that answered for the leader may name it; later calls go there directly.
        if (status.code !== grpc.status.OK) return;
        const hint = metaString(status.metadata, Meta.LeaderAddress);
        if (hint !== null && hint !== address) this.book.follow(hint);
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Close every channel. Calls in flight and later calls fail with SHUTTING_DOWN. */
  close(): void {
    this.closing.abort(new RaftJobsError(ErrorCode.ShuttingDown, 'the client is closed'));
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

function isDeadline(err: unknown): boolean {
  return err instanceof Error && (err as Partial<grpc.ServiceError>).code === grpc.status.DEADLINE_EXCEEDED;
}
