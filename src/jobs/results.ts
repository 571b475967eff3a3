/**
 * What applying commands returns, and the read views of jobs. Plain data: the server maps these
 * straight to responses.
 */
import type { HoldReason, QueuePolicy } from './flow-types.js';
import type { AttemptOutcome, Backoff, CatchUpMode, JobState, OverlapPolicy, RejectCode, ResolvedBackoff } from './types.js';

/** A command that changed nothing, and why. */
export interface Rejection {
  readonly ok: false;
  readonly code: RejectCode;
  readonly message: string;
  readonly jobId?: string;
}

export interface SubmittedJob {
  readonly id: string;
  /**
   * True when an earlier job was returned instead of a new one: the one with the same queue and
   * idempotency key (J7), or the one the submit's unique key names (`SubmitJob.unique`).
   */
  readonly duplicate: boolean;
  /** The job's state right after this command; null if a duplicate's original has been purged. */
  readonly state: JobState | null;
  /**
   * Present (true) only when a `debounce` submit replaced the pending job its key names: its
   * payload, priority and run-at are now the submit's (`duplicate` is true too).
   */
  readonly replaced?: true;
}

export interface SubmitResult {
  readonly ok: true;
  readonly type: 'submit';
  /** One per submitted job, in order. */
  readonly jobs: readonly SubmittedJob[];
}

/** What a worker needs to run one leased job. */
export interface LeaseGrant {
  readonly jobId: string;
  readonly queue: string;
  readonly payload: Uint8Array;
  readonly priority: number;
  readonly runAt: number;
  readonly submittedAt: number;
  /** Fencing token (J2): strictly greater than every token issued before it. */
  readonly token: number;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** The attempt that will be the last one unless the job is retried by an operator. */
  readonly attemptLimit: number;
  readonly expiresAt: number;
  readonly ttlMs: number;
  /** The job's group key (`SubmitJob.group`), or null when it has none. */
  readonly group: string | null;
}

/** Ready jobs of a queue (`group` null) or of one of its group keys that a lease held back, and why. */
export interface LeaseHold {
  readonly queue: string;
  readonly group: string | null;
  readonly reason: HoldReason;
}

export interface LeaseResult {
  readonly ok: true;
  readonly type: 'lease';
  /** Possibly empty. */
  readonly leases: readonly LeaseGrant[];
  /**
   * Each (queue, group, reason) that held back ready jobs of the named queues in this command, in
   * the order met; each key at most once (a key held back is skipped for the rest of the command).
   * Empty for queues without flow state.
   */
  readonly throttled: readonly LeaseHold[];
}

export interface QueueSetResult {
  readonly ok: true;
  readonly type: 'queueSet';
  readonly queue: string;
  /** The policy now stored, or null when it sets nothing (removed). */
  readonly policy: QueuePolicy | null;
}

/** A group key's usage (`QueueFlowView.groups`). */
export interface GroupFlowView {
  readonly group: string;
  readonly leased: number;
  /** Its limit of leased jobs (override, else the queue's `groupConcurrency`), or null. */
  readonly concurrency: number | null;
  readonly ready: number;
  /** Leases its bucket would grant now, or null without a `groupRate`. */
  readonly tokens: number | null;
  /** No lease before this time (a throttled failure), ms, or null. */
  readonly throttledUntil: number | null;
}

/** A queue's flow-control policy and what it uses of it now (`queueFlow`). */
export interface QueueFlowView {
  readonly queue: string;
  /** Null: no policy (no pause, no limits). */
  readonly policy: QueuePolicy | null;
  readonly paused: boolean;
  readonly ready: number;
  readonly leased: number;
  /** `policy.concurrency`, or null. */
  readonly concurrency: number | null;
  /** Leases the queue's bucket would grant now, or null without a `rate`. */
  readonly tokens: number | null;
  /** No lease of the queue before this time (a throttled failure of scope `queue`), ms, or null. */
  readonly throttledUntil: number | null;
  /** Group keys the queue keeps records of (keys with open jobs, and recently used ones). */
  readonly groupCount: number;
  /**
   * The busiest keys (most leased, then most ready, then key), at most `MAX_FLOW_GROUPS` (20), and
   * after them every throttled key not among them, up to as many again.
   */
  readonly groups: readonly GroupFlowView[];
}

export type HeartbeatOutcome =
  | { readonly ok: true; readonly jobId: string; readonly expiresAt: number }
  | { readonly ok: false; readonly jobId: string; readonly code: RejectCode; readonly message: string };

export interface HeartbeatResult {
  readonly ok: true;
  readonly type: 'heartbeat';
  /** One per listed lease, in order. */
  readonly leases: readonly HeartbeatOutcome[];
}

export interface ProgressResult {
  readonly ok: true;
  readonly type: 'progress';
  readonly jobId: string;
}

export interface CompleteResult {
  readonly ok: true;
  readonly type: 'complete';
  readonly jobId: string;
  readonly finishedAt: number;
}

export interface FailResult {
  readonly ok: true;
  readonly type: 'fail';
  readonly jobId: string;
  /** `scheduled` (retry after backoff), `ready` (zero backoff) or `dead`. */
  readonly state: JobState;
  /** When the next attempt may start, or null when dead. */
  readonly runAt: number | null;
}

export interface CancelResult {
  readonly ok: true;
  readonly type: 'cancel';
  readonly jobId: string;
  readonly previous: JobState;
}

export interface RetryDeadResult {
  readonly ok: true;
  readonly type: 'retryDead';
  readonly jobId: string;
  readonly attemptLimit: number;
}

export interface TickResult {
  readonly ok: true;
  readonly type: 'tick';
  /** Scheduled jobs made ready by this batch so far (including its start-of-batch pass). */
  readonly promoted: number;
  /** Leases expired by this batch so far. */
  readonly expired: number;
  /** Finished jobs purged by this batch (their retention had ended). */
  readonly purged: number;
}

export interface ReleaseResult {
  readonly ok: true;
  readonly type: 'release';
  /** Jobs whose lease was released, back to ready, in submit order. */
  readonly released: readonly string[];
  /** `unheld` mode: jobs whose listed lease, granted to another session of the worker, this session adopted. */
  readonly adopted: readonly string[];
  /** `listed` mode: jobs of listed leases that are not current leases of the session (left alone). */
  readonly ignored: readonly string[];
}

export interface AbandonResult {
  readonly ok: true;
  readonly type: 'abandon';
  /** Jobs back to ready (attempts left), in submit order. */
  readonly requeued: readonly string[];
  /** Jobs that used their last attempt and are now dead, in submit order. */
  readonly dead: readonly string[];
}

export interface LeaderChangeResult {
  readonly ok: true;
  readonly type: 'leaderChange';
  /** Leases whose expiry was raised. */
  readonly extended: number;
  /** Every lease now expires at or after this time. */
  readonly graceUntil: number;
}

export interface ScheduleSetResult {
  readonly ok: true;
  readonly type: 'scheduleSet';
  readonly id: string;
  /** True when the schedule is new (create, or upsert of a missing id). */
  readonly created: boolean;
}

export interface ScheduleDeleteResult {
  readonly ok: true;
  readonly type: 'scheduleDelete';
  readonly id: string;
}

export interface SchedulePauseResult {
  readonly ok: true;
  readonly type: 'schedulePause';
  readonly id: string;
  readonly paused: boolean;
  /** False when the schedule already was so. */
  readonly changed: boolean;
}

/** One slot that became a job. */
export interface FiredSlot {
  readonly slot: number;
  readonly jobId: string;
}

export interface ScheduleFireResult {
  readonly ok: true;
  readonly type: 'scheduleFire';
  readonly id: string;
  /** Slots fired by this command, ascending. */
  readonly fired: readonly FiredSlot[];
  /** Slots skipped by this command: the command's own `skipped` plus those the overlap policy skipped. */
  readonly skipped: number;
  /** The slot waiting for the previous job (`bufferOne`) after this command, or null. */
  readonly pendingSlot: number | null;
  /** Jobs cancelled by `cancelPrevious`. */
  readonly cancelled: readonly string[];
}

export interface ScheduleTriggerResult {
  readonly ok: true;
  readonly type: 'scheduleTrigger';
  readonly id: string;
  readonly jobId: string;
  /** True when a trigger in the same ms already made the job. */
  readonly duplicate: boolean;
}

/** One batch of a bulk action (`BulkCommand`). */
export interface BulkResult {
  readonly ok: true;
  readonly type: 'bulk';
  /** Jobs acted on by this batch, at most the command's `max`. */
  readonly affected: number;
  /** Their ids, in id order (`affected` of them). */
  readonly jobIds: readonly string[];
  /** The last sequence number looked at (the command's `afterSeq` when none was): the next batch's `afterSeq`. */
  readonly lastSeq: number;
  /** True when the walk reached the last job: no job after `lastSeq` exists now. */
  readonly done: boolean;
}

export type CommandResult =
  | SubmitResult
  | LeaseResult
  | HeartbeatResult
  | ProgressResult
  | CompleteResult
  | FailResult
  | CancelResult
  | RetryDeadResult
  | TickResult
  | LeaderChangeResult
  | ReleaseResult
  | AbandonResult
  | ScheduleSetResult
  | ScheduleDeleteResult
  | SchedulePauseResult
  | ScheduleFireResult
  | ScheduleTriggerResult
  | BulkResult
  | QueueSetResult
  | Rejection;

/** One attempt of a job. */
export interface AttemptRecord {
  /** 1-based. */
  readonly attempt: number;
  readonly token: number;
  readonly workerId: string;
  readonly startedAt: number;
  /** Null while running. */
  readonly endedAt: number | null;
  readonly outcome: AttemptOutcome;
  readonly error: string | null;
}

export interface JobProgress {
  /** 0..100. */
  readonly percent: number;
  readonly message: string;
  readonly updatedAt: number;
}

/** The current lease of a leased job. */
export interface LeaseInfo {
  readonly token: number;
  readonly workerId: string;
  readonly expiresAt: number;
  readonly ttlMs: number;
  readonly attempt: number;
}

/** A job without its bytes and history, as listed. */
export interface JobSummary {
  readonly id: string;
  readonly queue: string;
  readonly state: JobState;
  readonly priority: number;
  /** When the job became (or becomes) due; the ordering key after priority. */
  readonly runAt: number;
  readonly submittedAt: number;
  readonly updatedAt: number;
  /** Attempts started so far. */
  readonly attempts: number;
  /** As submitted. */
  readonly maxAttempts: number;
  /** The job goes dead when an attempt numbered this fails (grows with `retryDead`). */
  readonly attemptLimit: number;
  readonly backoff: ResolvedBackoff;
  readonly leaseTtlMs: number;
  readonly idempotencyKey: string | null;
  /** Retention asked for at submit, ms; null when the queue's or the state's default applies. */
  readonly retentionMs: number | null;
  /** When it entered a terminal state, or null. */
  readonly finishedAt: number | null;
  /**
   * When a finished job is removed at the latest (finishedAt + its retention for the state it
   * ended in), or null while not finished. Its queue's count bound (`maxSucceeded`, ...) may
   * remove it sooner. After that, reads answer NOT_FOUND.
   */
  readonly purgeAt: number | null;
  readonly lease: LeaseInfo | null;
  readonly progress: JobProgress | null;
  readonly lastError: string | null;
  /** Why it was cancelled, when it was and a reason was given. */
  readonly cancelReason: string | null;
  /** The schedule that created the job, or null for a submitted one. */
  readonly scheduleId: string | null;
  /** The schedule slot it was created for, ms (the entry's time for a trigger), or null. */
  readonly scheduleSlot: number | null;
  /** The group key (`SubmitJob.group`), or null. */
  readonly group: string | null;
  /** Its unique key (`SubmitJob.unique`), or null. */
  readonly unique: UniqueView | null;
}

/** A job's unique key, as read. */
export interface UniqueView {
  readonly key: string;
  readonly mode: 'active' | 'debounce';
  /** `debounce`: the window opened when the job was submitted or last replaced, ms; null for `active`. */
  readonly windowMs: number | null;
  /** Whether the key names this job now (false once it is terminal, or a newer job took the key). */
  readonly holdsKey: boolean;
}

/** Everything known about a job. Byte arrays are shared with the state: treat them as read-only. */
export interface JobView extends JobSummary {
  readonly payload: Uint8Array;
  readonly result: Uint8Array | null;
  /** Most recent last; bounded by `historyLimit` (default 20). */
  readonly history: readonly AttemptRecord[];
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

/** A schedule's template as stored (see `ScheduleTemplate`): null where the job default applies. */
export interface ScheduleTemplateView {
  readonly queue: string;
  readonly payload: Uint8Array;
  readonly priority: number;
  readonly maxAttempts: number | null;
  readonly backoff: Backoff | null;
  readonly leaseTtlMs: number | null;
  readonly retentionMs: number | null;
}

/**
 * A schedule: its definition with defaults filled in, and what it has done. What the leader's
 * runner needs (`dueSlots`) is all here. Next fire times are not: compute them with `nextSlots`.
 */
export interface ScheduleView {
  readonly id: string;
  /** Exactly one of `cron` and `intervalMs` is set. */
  readonly cron: string | null;
  readonly intervalMs: number | null;
  readonly timeZone: string;
  readonly startAt: number | null;
  readonly endAt: number | null;
  readonly template: ScheduleTemplateView;
  readonly catchUp: { readonly mode: CatchUpMode; readonly windowMs: number };
  readonly overlap: OverlapPolicy;
  readonly paused: boolean;
  /** Every slot at or before this time has been fired or skipped, ms. */
  readonly handledThrough: number;
  /** The last slot fired (a `bufferOne` slot once it fires), or null. */
  readonly lastSlot: number | null;
  /** The job of `lastSlot`, and its state (null once purged, or before the first). */
  readonly lastJobId: string | null;
  readonly lastJobState: JobState | null;
  /** The slot waiting for the last job to finish (`bufferOne`), or null. */
  readonly pendingSlot: number | null;
  /** Slots fired, slots skipped, manual triggers. */
  readonly fired: number;
  readonly skipped: number;
  readonly triggered: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}
