/**
 * `Client.watch`: job transitions in log order (`Jobs.Watch`) as an async iterator that survives
 * node failures and leader changes. It remembers the position of the last message it received
 * (event or checkpoint) and, when the stream breaks, opens it again after that position on the
 * next node it knows, so the consumer gets each event exactly once. See proto/jobs.proto,
 * "Watching jobs".
 */
import * as grpc from '@grpc/grpc-js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { Meta, type wire } from '../protocol/index.js';
import { backoffDelay, sleep, type BackoffPolicy, type Clock, type Random } from './clock.js';
import { metaString, toRaftJobsError } from './errors.js';
import type { AddressBook } from './router.js';
import type { SdkLogger } from './types.js';

/** The transitions a watch reports (see `JobWatchEvent.type`). */
export type WatchEventType = 'submitted' | 'replaced' | 'leased' | 'progress' | 'completed' | 'failed' | 'throttled' | 'dead' | 'cancelled' | 'retried' | 'released' | 'expired' | 'abandoned' | 'purged';

export const WATCH_EVENT_TYPES: readonly WatchEventType[] = ['submitted', 'replaced', 'leased', 'progress', 'completed', 'failed', 'throttled', 'dead', 'cancelled', 'retried', 'released', 'expired', 'abandoned', 'purged'];

/** A place in the job-event history: the log index of an entry and an event's ordinal among its events. */
export interface WatchPosition {
  readonly index: number;
  /** From 0; `WATCH_END_OF_ENTRY` stands after every event of the entry. */
  readonly ordinal: number;
}

/** The ordinal that stands after every event of its entry. */
export const WATCH_END_OF_ENTRY = 4294967295;

/** One job transition. Fields that do not apply to its type are 0 or ''. */
export interface JobWatchEvent {
  readonly type: WatchEventType;
  /** Resume after this to get the events after this one (see `WatchInput.after`). */
  readonly position: WatchPosition;
  /** The entry's time on the cluster's replicated clock, ms since the epoch. */
  readonly time: number;
  readonly jobId: string;
  readonly queue: string;
  /** The job's group key (flow control), null without one. */
  readonly group: string | null;
  /** The lease's fencing token (leased, progress, completed, failed, expired, released, abandoned, dead; cancelled of a leased job). */
  readonly token: number;
  /** leased: the attempt number, from 1. */
  readonly attempt: number;
  /** leased, released, abandoned: the worker. */
  readonly workerId: string;
  /** dead: what ended the last attempt. */
  readonly cause: 'failed' | 'expired' | 'abandoned' | '';
  /** progress: 0..100, and its message. */
  readonly percent: number;
  readonly message: string;
  /** throttled: no lease for the job's key (or queue) before this time, ms since the epoch; else 0. */
  readonly until: number;
}

/** Options of `Client.watch`. */
export interface WatchInput {
  /** Start after this position (a `JobWatchEvent.position`, or `JobWatch.position` of an earlier watch). */
  readonly after?: WatchPosition;
  /** Start after the last entry the node applied (the default when `after` is not given). */
  readonly fromNow?: boolean;
  /** Only these queues (default: all). At most 64. */
  readonly queues?: readonly string[];
  /** Only jobs with these group keys (default: all); a job without a key never matches. At most 64. */
  readonly groups?: readonly string[];
  /** Only these jobs (default: all). At most the cluster's `limits.maxBatchSize` (1000). */
  readonly jobIds?: readonly string[];
  /** Only these types (default: all). */
  readonly types?: readonly WatchEventType[];
  /** Ends the watch: the iterator finishes (no error). */
  readonly signal?: AbortSignal;
}

/** What the watch needs of its client. */
export interface WatchHost {
  readonly book: AddressBook;
  /** The Jobs service client (channel) for an address. */
  channel(address: string): grpc.Client;
  readonly clock: Clock;
  readonly random: Random;
  readonly backoff: BackoffPolicy;
  readonly logger: SdkLogger;
  /** Aborted when the client closes. */
  readonly closing: AbortSignal;
}

/** Events buffered before the SDK stops reading from the stream (the server then pauses too). */
const HIGH_WATER = 1024;
const LOW_WATER = 256;

type WireWatch = grpc.ClientReadableStream<wire.WatchEvent__Output>;

/**
 * A running watch: iterate it (`for await`) for events. It ends when the consumer stops
 * iterating, `close()` is called, the signal aborts or the client closes, and throws
 * RaftJobsError WATCH_POSITION_COMPACTED when no node it knows holds the events after its
 * position (resync: read the current state, then watch from now), or the error of a request the
 * cluster refuses (INVALID_ARGUMENT, PERMISSION_DENIED, ...).
 */
export class JobWatch implements AsyncIterable<JobWatchEvent> {
  private readonly buffer: JobWatchEvent[] = [];
  private received: WatchPosition | null;
  private failure: RaftJobsError | null = null;
  private done = false;
  private call: WireWatch | null = null;
  private paused = false;
  private wake: (() => void) | null = null;
  private readonly stop = new AbortController();
  private startedResolve!: (p: WatchPosition) => void;
  private startedReject!: (err: unknown) => void;
  /** Resolves with the position the watch starts after once a node accepted it (its first checkpoint). */
  readonly started: Promise<WatchPosition>;

  constructor(
    private readonly host: WatchHost,
    private readonly input: WatchInput,
  ) {
    this.received = input.after ?? null;
    this.started = new Promise<WatchPosition>((resolve, reject) => {
      this.startedResolve = resolve;
      this.startedReject = reject;
    });
    this.started.catch(() => undefined);
    const signal = input.signal ? AbortSignal.any([input.signal, host.closing]) : host.closing;
    if (signal.aborted) this.close();
    else signal.addEventListener('abort', () => this.close(), { once: true, signal: this.stop.signal });
    void this.run();
  }

  /** The position of the last message received (event or checkpoint): a later watch `after` it misses nothing. Null before the first. */
  get position(): WatchPosition | null {
    return this.received;
  }

  /** Stop watching; iteration ends after the events already received. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.stop.abort();
    this.call?.cancel();
    this.startedReject(new RaftJobsError(ErrorCode.ShuttingDown, 'the watch was closed before it started'));
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<JobWatchEvent> {
    try {
      for (;;) {
        const e = this.buffer.shift();
        if (e !== undefined) {
          if (this.paused && this.buffer.length <= LOW_WATER) {
            this.paused = false;
            this.call?.resume();
          }
          yield e;
          continue;
        }
        if (this.failure !== null) throw this.failure;
        if (this.done) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.close();
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private fail(err: RaftJobsError): void {
    this.failure = err;
    this.startedReject(err);
    this.close();
  }

  /** Opens the stream on one node after another until the watch is closed or fails for good. */
  private async run(): Promise<void> {
    const all = (): readonly string[] => this.host.book.all;
    let i = Math.max(0, all().indexOf(this.host.book.current));
    let failures = 0;
    /** Nodes that said the position is compacted, for the position they said it of. */
    const compacted = { position: '', nodes: new Set<string>() };
    while (!this.done) {
      const address = all()[i % all().length] as string;
      const outcome = await this.stream(address);
      if (this.done) return;
      if (outcome.progressed) failures = 0;
      const err = outcome.error;
      if (err?.code === ErrorCode.WatchPositionCompacted) {
        const key = JSON.stringify(this.received);
        if (compacted.position !== key) {
          compacted.position = key;
          compacted.nodes.clear();
        }
        compacted.nodes.add(address);
        // A node keeps nothing from before its own start: another may still hold the position.
        if (all().every((a) => compacted.nodes.has(a))) return this.fail(err);
      } else if (err !== null && !retryable(err)) {
        return this.fail(err);
      }
      this.host.logger.debug({ address, code: err?.code, err: err?.message }, 'watch stream ended; resuming on the next node');
      i++;
      if (i % all().length === 0 || !outcome.progressed) {
        try {
          await sleep(this.host.clock, backoffDelay(this.host.backoff, failures++, this.host.random), this.stop.signal);
        } catch {
          return;
        }
      }
    }
  }

  /** One stream to `address`, until it ends; what ended it, and whether anything arrived. */
  private stream(address: string): Promise<{ error: RaftJobsError | null; progressed: boolean }> {
    const from = this.received;
    const request: wire.WatchRequest = {
      ...(from === null ? { fromNow: true } : { afterIndex: from.index, afterOrdinal: from.ordinal }),
      queues: [...(this.input.queues ?? [])],
      groups: [...(this.input.groups ?? [])],
      jobIds: [...(this.input.jobIds ?? [])],
      types: [...(this.input.types ?? [])],
    };
    return new Promise((resolve) => {
      let progressed = false;
      const client = this.host.channel(address) as unknown as { Watch(req: wire.WatchRequest, md: grpc.Metadata): WireWatch };
      const call = client.Watch(request, new grpc.Metadata());
      this.call = call;
      if (this.paused) call.pause();
      call.on('data', (m: wire.WatchEvent__Output) => {
        if (this.done) return;
        progressed = true;
        const position = { index: m.index, ordinal: m.ordinal };
        this.received = position;
        if (m.type === 'checkpoint') {
          this.startedResolve(position);
          return;
        }
        this.buffer.push(eventFromWire(m));
        if (!this.paused && this.buffer.length >= HIGH_WATER) {
          this.paused = true;
          call.pause();
        }
        this.notify();
      });
      call.on('error', () => undefined);
      call.on('status', (s: grpc.StatusObject) => {
        if (this.call === call) this.call = null;
        resolve({ error: s.code === grpc.status.OK ? null : toRaftJobsError(Object.assign(new Error(s.details), s), `Watch via ${address}`), progressed });
      });
    });
  }
}

/**
 * Whether a watch that ended with `err` may go on elsewhere: the node stopped or was unreachable,
 * had no leader, or dropped the watcher for reading slowly (the position may still be held).
 */
function retryable(err: RaftJobsError): boolean {
  const code = metaString((err.cause as { metadata?: grpc.Metadata } | undefined)?.metadata, Meta.ErrorCode);
  if (code === null) {
    const status = (err.cause as { code?: number } | undefined)?.code;
    return status !== grpc.status.UNIMPLEMENTED && status !== grpc.status.UNAUTHENTICATED && status !== grpc.status.PERMISSION_DENIED && status !== grpc.status.INVALID_ARGUMENT;
  }
  return code === ErrorCode.ShuttingDown || code === ErrorCode.NoLeader || code === ErrorCode.NotLeader || code === ErrorCode.WatcherTooSlow || code === ErrorCode.Internal;
}

function eventFromWire(m: wire.WatchEvent__Output): JobWatchEvent {
  return {
    type: m.type as WatchEventType,
    position: { index: m.index, ordinal: m.ordinal },
    time: m.entryTimeMs,
    jobId: m.jobId,
    queue: m.queue,
    group: m.group === '' ? null : m.group,
    token: m.token,
    attempt: m.attempt,
    workerId: m.workerId,
    cause: m.cause as JobWatchEvent['cause'],
    percent: m.percent,
    message: m.message,
    until: m.untilMs,
  };
}
