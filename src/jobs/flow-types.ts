/**
 * Flow control, uniqueness and bulk actions: the data types of the commands and job settings they
 * add (docs/design.md "Flow control"). Plain data, like types.ts; the reducers that apply them
 * live in flow.ts and flow-lease.ts (pause, limits, rates, fairness), reduce-submit.ts (uniqueness) and
 * reduce-bulk.ts (bulk actions).
 *
 * Times are absolute milliseconds on the leader's clock (`Batch.time`); durations end in `Ms`.
 */
import type { JobState } from './types.js';

/**
 * A token bucket: at most `limit` leases per `periodMs`, with up to `burst` taken at once after a
 * quiet spell. In any window of `periodMs` a bucket grants at most `limit + burst` leases. Kept on
 * the replicated clock, so a new leader neither refills nor empties it.
 */
export interface RateLimit {
  /** 1..1,000,000. */
  readonly limit: number;
  /** 1 ms..24 h. */
  readonly periodMs: number;
  /** 1..1,000,000; default `limit`. */
  readonly burst?: number;
}

/** Flow-control settings of one queue, as stored (every field resolved; null: no limit). */
export interface QueuePolicy {
  /** No new leases while set; leased jobs finish, submits are accepted. */
  readonly paused: boolean;
  /** At most this many leased jobs of the queue at once, across all workers; 1..1,000,000. */
  readonly concurrency: number | null;
  /**
   * Default limit of leased jobs per group key; 1..1,000,000. Jobs without a group key have no
   * key limit (nor key rate): only the queue's own limits hold them.
   */
  readonly groupConcurrency: number | null;
  /**
   * Per-key overrides of `groupConcurrency`, key → limit (1..1,000,000); at most
   * `MAX_GROUP_OVERRIDES` (10,000) keys. An override holds even when `groupConcurrency` is null.
   */
  readonly groupConcurrencyOverrides: Readonly<Record<string, number>>;
  /** The queue's own bucket. */
  readonly rate: RateLimit | null;
  /** Every group key's own bucket (each key has one). */
  readonly groupRate: RateLimit | null;
}

/**
 * Changes a queue's policy: fields present replace the stored ones (null clears a limit); absent
 * ones are kept. `groupConcurrencyOverrides` is merged into the stored map: a key with a number
 * sets that key's override, a key with null removes it, keys not named are kept (at most
 * `MAX_GROUP_OVERRIDES` per command, and stored; a command that would store more is refused with
 * LIMIT_EXCEEDED). A queue that has no jobs may have a policy (set before its first submit). A
 * policy with nothing set (not paused, no limits, no overrides) is removed.
 *
 * Lowering a limit ends no lease: it only stops new ones until usage is below it. Changing a rate
 * keeps what its buckets have used (rounded up to the ms).
 */
export interface QueueSetCommand {
  readonly type: 'queueSet';
  readonly queue: string;
  readonly paused?: boolean;
  readonly concurrency?: number | null;
  readonly groupConcurrency?: number | null;
  readonly groupConcurrencyOverrides?: Readonly<Record<string, number | null>>;
  readonly rate?: RateLimit | null;
  readonly groupRate?: RateLimit | null;
}

/**
 * Why ready jobs of a queue (group null) or of one of its group keys were held back by a lease
 * (`LeaseResult.throttled`):
 * - `paused`: the queue is paused;
 * - `concurrency`: the queue has `concurrency` leased jobs;
 * - `groupConcurrency`: the key has its limit of leased jobs;
 * - `rate`: the queue's bucket is empty;
 * - `groupRate`: the key's bucket is empty;
 * - `throttled`: a throttled failure (`Throttle`) paused the key or the queue.
 */
export type HoldReason = 'paused' | 'concurrency' | 'groupConcurrency' | 'rate' | 'groupRate' | 'throttled';

/** Every hold reason, in wire order. */
export const HOLD_REASONS: readonly HoldReason[] = ['paused', 'concurrency', 'groupConcurrency', 'rate', 'groupRate', 'throttled'];

/**
 * A worker's report that the remote side rate limited it (carried by `FailCommand.throttle`): the
 * attempt does not count, the job goes back to ready in its place, and its group key (`key`) or
 * its whole queue (`queue`) gets no lease for `retryAfterMs`. A job with no group key and scope
 * `key` waits alone (scheduled at now + retryAfterMs).
 */
export interface Throttle {
  readonly scope: 'key' | 'queue';
  /** 1 ms..24 h. */
  readonly retryAfterMs: number;
}

/**
 * Uniqueness beside the idempotency key (a submit option), per queue and key. The job a key names
 * (at most one per queue and key, while it is not terminal) decides with the new submit:
 * - `active` (either side): while a job submitted with this key is not terminal, a second submit
 *   with the same key returns it (a duplicate, as with an idempotency key) and creates nothing;
 * - `debounce` (both sides): while the job submitted with this key is still pending (scheduled or
 *   ready, never leased) and less than its window has passed since it was submitted or last
 *   replaced, a second submit replaces its payload, priority and run-at (from the new submit's
 *   delay or run-at), takes the new submit's window, and returns it (duplicate, `replaced`);
 *   otherwise a new job is created and the key names it (the older job keeps running, unnamed).
 * The key is free once the job it names is terminal or purged (a dead job retried by an operator
 * takes it back if no other job holds it then). The idempotency key of a submit answered by
 * uniqueness is not remembered: only a submit that creates a job records its key.
 */
export type UniqueOption =
  | { readonly key: string; readonly mode: 'active' }
  | {
      readonly key: string;
      readonly mode: 'debounce';
      /** 1 ms..7 days (`MAX_DEBOUNCE_WINDOW_MS`); default the submit's delay (at least 1 ms). */
      readonly windowMs?: number;
    };

/** Which jobs a bulk action touches: every condition given must hold. */
export interface BulkFilter {
  /** Only jobs of this queue. */
  readonly queue?: string;
  /**
   * Only jobs in one of these states (1..6 distinct states, each one the action applies to);
   * default every state the action applies to.
   */
  readonly states?: readonly JobState[];
  /** Only jobs with this group key ('' for jobs without one); ≤ 256 chars. */
  readonly group?: string;
  /** Only jobs submitted at or before entry time − `olderThanMs`; ≥ 0. */
  readonly olderThanMs?: number;
}

/**
 * One batch of a bulk action, as one replicated command: the state machine walks the jobs with
 * sequence numbers above `afterSeq`, in id order, and acts on the matching ones, up to `max` of
 * them, looking at no more than `MAX_BULK_SCAN` (50,000) jobs per command so one entry applies
 * quickly. The result names the last sequence number looked at (`lastSeq`), so the caller proposes
 * the next batch from there, and whether the walk reached the end (`done`). Jobs submitted after a
 * batch have higher sequence numbers: a walk that goes on until `done` sees them too.
 * - `retryDead`: dead jobs become ready again (as `retryDead` with no `attempts`);
 * - `cancel`: scheduled, ready and leased jobs are cancelled (as `cancel`);
 * - `purge`: finished jobs, and scheduled or ready ones, are removed for good (leased jobs are
 *   skipped: cancel them first). A purged job's idempotency key stays for its window, as when
 *   retention purges it.
 * Each job acted on emits the events the single-job command does (`retried`, `cancelled`,
 * `purged`).
 */
export interface BulkCommand {
  readonly type: 'bulk';
  readonly action: BulkAction;
  readonly filter: BulkFilter;
  /** 0 to start; then the previous batch's `lastSeq`. */
  readonly afterSeq: number;
  /** Jobs acted on at most, 1..`MAX_BULK_BATCH` (10,000). */
  readonly max: number;
  /** Cancel reason, for `cancel` only; ≤ `maxErrorLength` chars. */
  readonly reason?: string;
}

/** What a bulk command does to each matching job. */
export type BulkAction = 'retryDead' | 'cancel' | 'purge';

/** Every bulk action, in wire order. */
export const BULK_ACTIONS: readonly BulkAction[] = ['retryDead', 'cancel', 'purge'];

/** The states each bulk action applies to: its default `filter.states`, and all a filter may name. */
export const BULK_STATES: Readonly<Record<BulkAction, readonly JobState[]>> = {
  retryDead: ['dead'],
  cancel: ['scheduled', 'ready', 'leased'],
  purge: ['scheduled', 'ready', 'succeeded', 'dead', 'cancelled'],
};

/*
 * Settings these add to existing types (types.ts):
 * - `SubmitJob.group?: string`: the job's group key (a customer id, say): 1..256 chars, no NUL (in).
 * - `SubmitJob.unique?: UniqueOption`.
 * - `FailCommand.throttle?: Throttle` (in).
 * - `Command` gains `QueueSetCommand` (in) and `BulkCommand`.
 */
