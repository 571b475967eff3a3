/**
 * Public data types of the SDK's flow control (`client.queues`, `client.bulk`, and the `group` and
 * `unique` options of a job). Times are ms since the epoch on the cluster's clock; durations end
 * in `Ms`. proto/jobs.proto (the Queues service, Jobs.Bulk) is the full contract; the README's
 * "Flow control" section shows them at work.
 */
import type { CallOptions, JobState } from './types.js';

/**
 * Uniqueness per queue and key, beside the idempotency key:
 * - `active`: while the job submitted with this key is not finished, another submit with it
 *   creates nothing and returns that job (`duplicate: true`);
 * - `debounce`: while that job is still pending (scheduled or ready, never leased since) and less
 *   than `windowMs` has passed since it was submitted or last replaced, another submit replaces
 *   its payload, priority and run time and returns it (`duplicate: true`); otherwise a new job is
 *   created. `windowMs`: 1 ms..7 days; default the submit's delay (at least 1 ms).
 */
export type UniqueOptions =
  | { readonly key: string; readonly mode: 'active' }
  | { readonly key: string; readonly mode: 'debounce'; readonly windowMs?: number };

/**
 * A token bucket: at most `limit` leases per `periodMs`, and up to `burst` at once after a quiet
 * spell (default `limit`). `limit` and `burst` 1..1,000,000; `periodMs` 1 ms..24 h.
 */
export interface RateLimitOptions {
  readonly limit: number;
  readonly periodMs: number;
  readonly burst?: number;
}

/** A token bucket as stored: `burst` resolved. */
export interface RateLimitInfo {
  readonly limit: number;
  readonly periodMs: number;
  readonly burst: number;
}

/** A queue's flow-control settings as stored; `null` is no limit. */
export interface QueuePolicy {
  /** No new leases while set (leased jobs finish; submits are accepted). */
  readonly paused: boolean;
  /** Most leased jobs of the queue at once. */
  readonly concurrency: number | null;
  /** Most leased jobs per group key at once. */
  readonly groupConcurrency: number | null;
  /** Per-key limits instead of `groupConcurrency`: key → limit. */
  readonly groupConcurrencyOverrides: Readonly<Record<string, number>>;
  /** The queue's bucket. */
  readonly rate: RateLimitInfo | null;
  /** Every group key's own bucket. */
  readonly groupRate: RateLimitInfo | null;
}

/** One group key's use of its queue's limits. */
export interface GroupUsage {
  readonly group: string;
  /** Its jobs leased now. */
  readonly leased: number;
  /** Its jobs ready now, those held back included. */
  readonly ready: number;
  /** The concurrency limit that applies to it (its override, else `groupConcurrency`); `null`: none. */
  readonly limit: number | null;
  /** Leases its bucket would grant now (possibly fractional); `null` without a `groupRate`. */
  readonly tokens: number | null;
  /** A throttle holds the key until this time; `null`: none. */
  readonly throttledUntil: number | null;
}

/** What a queue uses of its limits now (in the state of the node that answered). */
export interface QueueUsage {
  /** Its jobs leased now, against `concurrency`. */
  readonly leased: number;
  /** Its jobs ready now, those held back by a limit included. */
  readonly ready: number;
  /** Leases the queue's bucket would grant now (possibly fractional); `null` without a `rate`. */
  readonly tokens: number | null;
  /** A throttle of scope `queue` holds the queue until this time; `null`: none. */
  readonly throttledUntil: number | null;
  /** The busiest keys (most leased, then most ready), at most 20; then up to 20 more that a throttle holds. */
  readonly busiestGroups: readonly GroupUsage[];
  /** Group keys the queue keeps records of: keys with jobs not finished, and recently used ones. */
  readonly groups: number;
}

/** A queue's policy and what it uses of it (`client.queues.get`, `list`, and every change). */
export interface QueueInfo {
  readonly queue: string;
  readonly policy: QueuePolicy;
  readonly usage: QueueUsage;
  /** The cluster's time the usage was read at. */
  readonly time: number;
}

/**
 * A change of a queue's policy (`client.queues.set`): what is given changes, what is left out
 * stays; `null` removes a limit or a bucket. A policy left with nothing set is removed.
 */
export interface QueueSettings {
  readonly paused?: boolean;
  /** 1..1,000,000, or `null` for no limit. */
  readonly concurrency?: number | null;
  /** 1..1,000,000, or `null` for no limit. */
  readonly groupConcurrency?: number | null;
  /** Keys to change: each set to a limit (1..1,000,000) or `null` to remove its override; other keys keep theirs. */
  readonly groupConcurrencyOverrides?: Readonly<Record<string, number | null>>;
  /** The queue's bucket, or `null` to remove it. A new bucket starts full. */
  readonly rate?: RateLimitOptions | null;
  /** Every group key's bucket, or `null` to remove it. */
  readonly groupRate?: RateLimitOptions | null;
}

/** Options of `client.queues.get` and `list`. */
export interface QueueReadOptions extends CallOptions {
  /** Read the contacted node's state instead of a linearizable read through the leader. Default false. */
  readonly stale?: boolean;
}

/**
 * What a bulk action does to each job it matches:
 * - `retryDead`: dead jobs become ready again, with their `maxAttempts` more attempts;
 * - `cancel`: scheduled, ready and leased jobs are cancelled;
 * - `purge`: finished jobs, and scheduled or ready ones, are removed for good (leased ones never).
 */
export type BulkAction = 'retryDead' | 'cancel' | 'purge';

/** Which jobs a bulk action touches: every condition given must hold. */
export interface BulkFilter {
  readonly queue?: string;
  /** Only jobs in these states; default every state the action applies to. */
  readonly states?: readonly JobState[];
  /** Only jobs of this group key; `''`: only jobs without one. Default: any. */
  readonly group?: string;
  /** Only jobs submitted at least this long ago, ms (up to 365 days). */
  readonly olderThanMs?: number;
}

/** Options of `client.bulk`. */
export interface BulkOptions extends CallOptions {
  readonly action: BulkAction;
  /** Default: every job the action applies to. */
  readonly filter?: BulkFilter;
  /** Count what the action would act on; change nothing. Default false. */
  readonly dryRun?: boolean;
  /** Jobs acted on per replicated command, 1..10,000. Default 1000. */
  readonly batchSize?: number;
  /** `cancel` only: the reason stored with each job. */
  readonly reason?: string;
}

/** What `client.bulk` did (or, dry, would do). */
export interface BulkOutcome {
  readonly action: BulkAction;
  readonly dryRun: boolean;
  /** Dry run: the jobs it would act on now; 0 otherwise. */
  readonly matched: number;
  /** Real run: the jobs it acted on; 0 for a dry run. */
  readonly affected: number;
  /** Replicated commands it took (0 for a dry run). */
  readonly batches: number;
}
