/**
 * What applying commands returns, and the read views of jobs. Plain data: the server maps these
 * straight to responses.
 */
import type { AttemptOutcome, JobState, RejectCode, ResolvedBackoff } from './types.js';

/** A command that changed nothing, and why. */
export interface Rejection {
  readonly ok: false;
  readonly code: RejectCode;
  readonly message: string;
  readonly jobId?: string;
}

export interface SubmittedJob {
  readonly id: string;
  /** True when an earlier job with the same queue and idempotency key was returned instead (J7). */
  readonly duplicate: boolean;
  /** The job's state right after this command; null if a duplicate's original has been purged. */
  readonly state: JobState | null;
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
}

export interface LeaseResult {
  readonly ok: true;
  readonly type: 'lease';
  /** Possibly empty. */
  readonly leases: readonly LeaseGrant[];
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
