/**
 * Public data types of the SDK. Times are numbers in ms since the epoch; durations end in `Ms`.
 */
import type { UniqueOptions } from './flow-types.js';

/** Where a job is in its lifecycle. */
export type JobState = 'scheduled' | 'ready' | 'leased' | 'succeeded' | 'dead' | 'cancelled';

/** Every job state, in lifecycle order. */
export const JOB_STATES: readonly JobState[] = ['scheduled', 'ready', 'leased', 'succeeded', 'dead', 'cancelled'];

/** Whether a job in `state` has finished: succeeded, dead or cancelled. */
export function isTerminalState(state: JobState): boolean {
  return state === 'succeeded' || state === 'dead' || state === 'cancelled';
}

/**
 * The logging surface the SDK uses; a pino logger fits. Messages are structured: an object first
 * (errors as `{ err }`), then text.
 */
export interface SdkLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything: the default. */
export const silentLogger: SdkLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * A job payload or result. Bytes (`Uint8Array`, including `Buffer`) are sent as they are, a string
 * as UTF-8, `undefined` as nothing (empty bytes), and any other value as its JSON text.
 */
export type JobData = Uint8Array | string | number | boolean | null | object | undefined;

/**
 * Delay before the next attempt after a failure. Jitter (0..1) shortens each delay by up to that
 * fraction; the server derives the amount from the job id and attempt.
 */
export type BackoffOptions =
  | { readonly type: 'fixed'; readonly delayMs: number; readonly jitter?: number }
  | { readonly type: 'exponential'; readonly initialMs: number; readonly maxMs: number; readonly factor?: number; readonly jitter?: number };

/** One job to submit. Only `queue` is required; the server fills in the rest from its config. */
export interface JobInput {
  /** Queue name, 1..128 characters of `[A-Za-z0-9._:-]`. */
  readonly queue: string;
  /** See `JobData`. Default: empty. At most the server's `maxPayloadBytes` (default 1 MiB) once encoded. */
  readonly payload?: JobData;
  /** Higher runs first; an int32. Default 0. */
  readonly priority?: number;
  /** Run this many ms after the submit commits. Exclusive with `runAt`. Default 0 (ready at once). */
  readonly delayMs?: number;
  /** Absolute run time (a `Date` or ms since the epoch). Exclusive with `delayMs`. */
  readonly runAt?: Date | number;
  /** Attempts before the job is dead, 1..1000. Default: the cluster's (3). */
  readonly maxAttempts?: number;
  /** Default: the cluster's (exponential from 1 s, doubling, capped at 1 h, jitter 0.1). */
  readonly backoff?: BackoffOptions;
  /** Lease duration of each attempt, ms; heartbeats extend it. Default: the cluster's (30 s). */
  readonly leaseTtlMs?: number;
  /**
   * A second submit to the same queue with the same key within the cluster's idempotency window
   * returns the first job instead of creating another (J7). When absent the SDK generates one
   * (`crypto.randomUUID()`), so its own retries never duplicate the job.
   */
  readonly idempotencyKey?: string;
  /**
   * How long the job is kept once finished, whatever state it ends in, ms; 0 purges it with the
   * next replicated entry. Default: the cluster's for its queue and end state (24 h succeeded or
   * cancelled, 7 days dead). The cluster's per-queue count bounds (`jobs.retention.maxSucceeded`,
   * ...) may purge it sooner.
   */
  readonly retentionMs?: number;
  /**
   * The job's group key (a customer, tenant or API key), 1..256 characters: the queue's per-group
   * concurrency limit, per-group rate limit and fairness apply to it, and a worker's
   * `RateLimitedError` holds back this key's jobs (see `client.queues`). Default: none.
   */
  readonly group?: string;
  /** Uniqueness per queue and key beside the idempotency key (see `UniqueOptions`). Default: none. */
  readonly unique?: UniqueOptions;
}

/** Options every `Client` call accepts. */
export interface CallOptions {
  /**
   * Time budget of the whole call, retries and failovers included, ms. Default: the client's
   * `deadlineMs` (10 s).
   */
  readonly deadlineMs?: number;
  /** Cancels the call (and its retries); the call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** A job as acknowledged by `submit`. */
export interface SubmittedJob {
  readonly id: string;
  /** True when the idempotency key matched an earlier job, whose id this is. */
  readonly duplicate: boolean;
  /**
   * The job's state right after the submit (or the earlier job's current state); `null` for a
   * duplicate whose original job was already purged by retention.
   */
  readonly state: JobState | null;
  /**
   * A `debounce` submit replaced the pending job its unique key names (`id`): that job now has
   * this submit's payload, priority and run time (`duplicate` is true too).
   */
  readonly replaced: boolean;
}

/** A job's unique key as read (`JobView.unique`). */
export interface JobUnique {
  readonly key: string;
  readonly mode: 'active' | 'debounce';
  /** `debounce`: the window opened when the job was submitted or last replaced, ms; `null` for `active`. */
  readonly windowMs: number | null;
  /** The key names this job now (false once it finished, or a newer job took the key). */
  readonly holdsKey: boolean;
}

/** One attempt of a job. */
export interface JobAttempt {
  /** 1-based attempt number. */
  readonly attempt: number;
  /** Fencing token of the attempt's lease. */
  readonly token: number;
  readonly workerId: string;
  readonly startedAt: number;
  /** `null` while running. */
  readonly endedAt: number | null;
  /**
   * `released`: the worker gave the lease back unstarted (the attempt does not count);
   * `abandoned`: the worker's session went away while it held the lease (the attempt counts).
   */
  readonly outcome: 'running' | 'succeeded' | 'failed' | 'expired' | 'cancelled' | 'released' | 'abandoned' | 'throttled';
  /** The failure message, when it failed. */
  readonly error: string | null;
}

/** The current lease of a leased job. */
export interface JobLease {
  readonly token: number;
  readonly workerId: string;
  readonly expiresAt: number;
  readonly ttlMs: number;
  readonly attempt: number;
}

/** Latest progress reported by the current or last attempt. */
export interface JobProgress {
  /** 0..100. */
  readonly percent: number;
  readonly message: string;
  readonly updatedAt: number;
}

/** Options of `Client.get`. */
export interface GetOptions extends CallOptions {
  /** Read the contacted node's state instead of a linearizable read through the leader. Default false. */
  readonly stale?: boolean;
}

/** Options of `Client.list`. */
export interface ListOptions extends CallOptions {
  readonly queue?: string;
  readonly state?: JobState;
  /** Jobs per page. Default: the server's. */
  readonly pageSize?: number;
  /** `nextPageToken` of the previous page. */
  readonly pageToken?: string;
  readonly stale?: boolean;
}

/** Options of `Client.stats`. */
export interface StatsOptions extends CallOptions {
  readonly stale?: boolean;
}

/** Options of `Client.waitForResult`. */
export interface WaitOptions {
  /** How long to wait for the job to finish, ms. Required. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Job counts of one queue. */
export interface QueueStats {
  readonly queue: string;
  readonly scheduled: number;
  readonly ready: number;
  readonly leased: number;
  readonly succeeded: number;
  readonly dead: number;
  readonly cancelled: number;
}

/** Result of `Client.stats`. */
export interface ClusterStats {
  /** One entry per queue that has jobs, by queue name. */
  readonly queues: readonly QueueStats[];
  /** Sums over every queue. */
  readonly total: Omit<QueueStats, 'queue'>;
}
