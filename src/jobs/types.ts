/**
 * Data types of the job state machine: commands (what a log entry carries), results (what
 * applying them returns) and read views. Everything here is plain data; commands cross the wire
 * through `encodeBatch`/`decodeBatch`.
 *
 * Times are absolute milliseconds on the leader's clock (`Batch.time`); durations end in `Ms`.
 */
import type { BulkCommand, QueueSetCommand, Throttle, UniqueOption } from './flow-types.js';

/** Where a job is in its lifecycle (DESIGN.md "Job lifecycle"). */
export const JobState = {
  Scheduled: 'scheduled',
  Ready: 'ready',
  Leased: 'leased',
  Succeeded: 'succeeded',
  Dead: 'dead',
  Cancelled: 'cancelled',
} as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

/** Every state, in the order used by stats and the wire format. */
export const JOB_STATES: readonly JobState[] = ['scheduled', 'ready', 'leased', 'succeeded', 'dead', 'cancelled'];

/** Terminal states (J4): once entered, a job never leaves them, except `dead` through `retryDead`. */
export function isTerminal(state: JobState): boolean {
  return state === 'succeeded' || state === 'dead' || state === 'cancelled';
}

/**
 * Why a command was rejected. The strings equal the matching `ErrorCode` values of src/errors, so
 * the server maps them without a table (STALE_TOKEN and ILLEGAL_TRANSITION → FAILED_PRECONDITION).
 */
export const RejectCode = {
  InvalidArgument: 'INVALID_ARGUMENT',
  NotFound: 'NOT_FOUND',
  StaleToken: 'STALE_TOKEN',
  IllegalTransition: 'ILLEGAL_TRANSITION',
  /** `scheduleSet` in mode `create` for an id that exists. */
  AlreadyExists: 'ALREADY_EXISTS',
  /**
   * `scheduleFire` for slots the schedule has already handled (fired or skipped): a duplicate
   * proposal, or a new leader re-proposing what its predecessor committed. Harmless: recompute
   * from the committed schedule.
   */
  SlotAlreadyFired: 'SLOT_ALREADY_FIRED',
  /** A bound of the state was reached (`maxSchedules`). */
  LimitExceeded: 'LIMIT_EXCEEDED',
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

/** How an attempt ended. `running` marks the current attempt of a leased job. */
export const AttemptOutcome = {
  Running: 'running',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Expired: 'expired',
  Cancelled: 'cancelled',
  /**
   * The lease was given back by the worker session it was granted to, which proves it never
   * started the job (see `ReleaseCommand`). Does not count as an attempt.
   */
  Released: 'released',
  /** The worker session holding the lease went away (see `AbandonCommand`). Counts as an attempt. */
  Abandoned: 'abandoned',
  /**
   * The worker reported that the remote side rate limited it (`FailCommand.throttle`). Does not
   * count as an attempt, like `released`.
   */
  Throttled: 'throttled',
} as const;
export type AttemptOutcome = (typeof AttemptOutcome)[keyof typeof AttemptOutcome];

/**
 * Delay before the next attempt after a failed or expired one.
 * Jitter (0..1, default 0) shortens the delay by up to that fraction; the amount is a hash of the
 * job id and attempt number, never a random call, so every replica computes the same run-at.
 */
export type Backoff =
  | {
      readonly type: 'fixed';
      /** Delay after every failed attempt, ms. */
      readonly delayMs: number;
      readonly jitter?: number;
    }
  | {
      readonly type: 'exponential';
      /** Delay after the first failed attempt, ms. */
      readonly initialMs: number;
      /** Cap on the delay, ms (at least `initialMs`). */
      readonly maxMs: number;
      /** Growth per attempt, 1..100. Default 2. */
      readonly factor?: number;
      readonly jitter?: number;
    };

/** A backoff with every default filled in, as stored on a job. */
export type ResolvedBackoff =
  | { readonly type: 'fixed'; readonly delayMs: number; readonly jitter: number }
  | {
      readonly type: 'exponential';
      readonly initialMs: number;
      readonly maxMs: number;
      readonly factor: number;
      readonly jitter: number;
    };

/** One job of a submit command. Defaults come from `JobsOptions`. */
export interface SubmitJob {
  /** Queue name, 1..128 chars of `[A-Za-z0-9._:-]`. */
  readonly queue: string;
  /** Opaque bytes handed to the worker; at most `maxPayloadBytes` (default 1 MiB). Do not mutate after submit. */
  readonly payload: Uint8Array;
  /** Higher runs first; int32. Default 0. */
  readonly priority?: number;
  /** Run this many ms after the entry's time. Exclusive with `runAt`. Default 0 (ready at once). */
  readonly delayMs?: number;
  /** Absolute run time, ms. A time at or before the entry's time means ready at once. */
  readonly runAt?: number;
  /** Attempts before the job goes dead, 1..1000. Default `defaultMaxAttempts` (3). */
  readonly maxAttempts?: number;
  /** Default `defaultBackoff` (exponential 1 s doubling, cap 1 h, jitter 0.1). */
  readonly backoff?: Backoff;
  /** Lease duration for each attempt, 100 ms..24 h. Default `defaultLeaseTtlMs` (30 s). */
  readonly leaseTtlMs?: number;
  /** J7: a second submit to the same queue with this key within the window returns the first job. ≤ 256 chars. */
  readonly idempotencyKey?: string;
  /**
   * How long the job is kept once finished (whatever the terminal state), ms; 0..`maxRetentionMs`.
   * Default: the queue's override in `JobsOptions.queueRetention`, else `JobsOptions.retention`
   * for the state it ends in (succeeded 24 h, cancelled 24 h, dead 7 days). The count bounds
   * (`JobsOptions.maxSucceeded`, ...) may purge it sooner; this does not change them.
   */
  readonly retentionMs?: number;
  /**
   * Uniqueness per queue and key beside the idempotency key, which is checked first (see
   * `UniqueOption`). Not in schedule templates.
   */
  readonly unique?: UniqueOption;
  /**
   * The job's group key (a customer or tenant id, say): 1..`MAX_GROUP_LENGTH` (256) chars, no NUL.
   * Within a queue, ready jobs are served round-robin over group keys (jobs without one count as
   * one key), and a queue's policy may limit each key's leased jobs and lease rate
   * (`QueueSetCommand`). Fixed for the job's life.
   */
  readonly group?: string;
}

/** A job and its fencing token, as named in heartbeat lists. */
export interface LeaseRef {
  readonly jobId: string;
  readonly token: number;
}

/** Submit one or more jobs, atomically: one invalid job rejects the whole command. */
export interface SubmitCommand {
  readonly type: 'submit';
  readonly jobs: readonly SubmitJob[];
}

/**
 * Lease up to `max` ready jobs from `queues`: highest priority first, then earliest run-at, then
 * submit order, across all the named queues. Decided when the entry is applied.
 */
export interface LeaseCommand {
  readonly type: 'lease';
  readonly workerId: string;
  /**
   * The worker session the leases are granted to (a worker stream's `Hello.session_id`, or one the
   * server made up for the stream), at most `MAX_SESSION_LENGTH` chars. Absent or '' for leases
   * taken with the unary Lease call: those belong to no session, are never released or abandoned,
   * and end only by their TTL.
   */
  readonly session?: string;
  readonly queues: readonly string[];
  /** 1..`maxLeaseBatch` (default 1000). */
  readonly max: number;
  /** Overrides each job's `leaseTtlMs` for this lease. */
  readonly ttlMs?: number;
}

/** Extend leases: each listed lease that is current gets expiry = entry time + ttl. */
export interface HeartbeatCommand {
  readonly type: 'heartbeat';
  readonly leases: readonly LeaseRef[];
  /** Default: the TTL the lease was granted with. */
  readonly ttlMs?: number;
}

/** Record progress of the current attempt. Does not extend the lease. */
export interface ProgressCommand {
  readonly type: 'progress';
  readonly jobId: string;
  readonly token: number;
  /** 0..100. */
  readonly percent: number;
  /** ≤ `maxProgressMessageLength` (default 256) chars. */
  readonly message?: string;
}

/** Finish the current attempt successfully (J4: the first accepted completion is final). */
export interface CompleteCommand {
  readonly type: 'complete';
  readonly jobId: string;
  readonly token: number;
  /** ≤ `maxResultBytes` (default 1 MiB). */
  readonly result?: Uint8Array;
}

/** Finish the current attempt with an error: retry with backoff while attempts remain, else dead. */
export interface FailCommand {
  readonly type: 'fail';
  readonly jobId: string;
  readonly token: number;
  /** ≤ `maxErrorLength` (default 16384) chars. */
  readonly error: string;
  /** `false` sends the job dead at once. Default true. Ignored with `throttle`. */
  readonly retry?: boolean;
  /**
   * The remote side rate limited the worker: the attempt does not count and the job is ready again
   * in its place, and its group key or its whole queue gets no lease for a while (see `Throttle`).
   */
  readonly throttle?: Throttle;
}

/** Cancel a scheduled, ready or leased job. A leased job's token becomes stale. */
export interface CancelCommand {
  readonly type: 'cancel';
  readonly jobId: string;
  readonly reason?: string;
}

/**
 * Operator retry of a dead job: it becomes ready with `attempts` more attempts (default: its
 * `maxAttempts`). Attempt numbers keep counting up, so history and tokens stay unambiguous, and
 * backoff restarts from its initial delay.
 */
export interface RetryDeadCommand {
  readonly type: 'retryDead';
  readonly jobId: string;
  readonly attempts?: number;
}

/**
 * Carries the leader's time into the log so due work happens: scheduled jobs whose run-at has come
 * become ready, expired leases end (retry or dead), finished jobs past their retention are purged
 * (a replicated removal: every replica purges in the same entry), old idempotency keys are
 * forgotten. Propose it only when `nextDueTime(state) <= now`, so an idle cluster writes nothing.
 */
export interface TickCommand {
  readonly type: 'tick';
}

/**
 * J6: proposed by a new leader in the first entry of its term. Every lease's expiry becomes at
 * least entry time + `graceMs`. It takes effect before the batch's due pass, wherever it sits in
 * the batch, so leases inherited from the old leader do not expire on the new leader's first entry.
 */
export interface LeaderChangeCommand {
  readonly type: 'leaderChange';
  /** At least one election timeout, ms; 1..24 h. */
  readonly graceMs: number;
}

/**
 * Leases given back by the worker session they were granted to, which proves it never started
 * them. Each goes back to ready in its old place (its run-at and submit order are kept), the
 * attempt is recorded with outcome `released`, and it does not count against the job's attempts
 * (`attempts` goes back down; the attempt limit never changes). Only leases of the pair
 * (`workerId`, `session`) are touched; those of other sessions never are.
 *
 * - `unheld`: the session's first Hello on a stream, listing in `leases` every lease the process
 *   holds. Every other lease of the pair was granted but never reached the process (its stream
 *   broke first): those are released. A listed lease of `workerId` granted to another session
 *   (a reconnect that got a new session) is adopted by this one: the process proved it holds it.
 * - `listed`: exactly the listed leases, which the worker received and will not run (it is
 *   closing, or has no free slot). Listed leases that are not current leases of the pair are
 *   ignored and reported in the result.
 *
 * Encoded entries of the first format carry no session or mode: they decode as session '' and
 * mode `unheld`.
 */
export interface ReleaseCommand {
  readonly type: 'release';
  readonly workerId: string;
  /** At most `MAX_SESSION_LENGTH` chars; '' only in entries of the first format. */
  readonly session: string;
  readonly mode: 'unheld' | 'listed';
  /** `unheld`: at most `MAX_RELEASE_KEEP`; `listed`: 1..`maxLeaseBatch`. */
  readonly leases: readonly LeaseRef[];
}

/**
 * The worker session (`workerId`, `session`) went away with leases running: its stream ended
 * after a goodbye, or broke and the session did not come back within the connection grace, or it
 * never reconnected to a new leader. Every current lease of the pair ends with outcome
 * `abandoned`, which counts as an attempt (a job that crashes its worker runs out of attempts);
 * the job goes back to ready in its old place (no backoff, ahead of jobs that became ready
 * later) while attempts remain, else dead. Leases of other sessions are never touched.
 */
export interface AbandonCommand {
  readonly type: 'abandon';
  readonly workerId: string;
  /** 1..`MAX_SESSION_LENGTH` chars: leases of no session (unary Lease) are never abandoned. */
  readonly session: string;
}

/**
 * What a recurring schedule's jobs look like: a submitted job's settings, validated by the same
 * rules (`jobs[i]` of a submit), without the timing and key fields, which the schedule sets.
 */
export type ScheduleTemplate = Pick<SubmitJob, 'queue' | 'payload' | 'priority' | 'maxAttempts' | 'backoff' | 'leaseTtlMs' | 'retentionMs'>;

/**
 * What happens to slots missed while nothing fired them (no leader, the cluster stopped, a leader
 * whose clock jumped ahead). Slots within (now − `windowMs`, now] are in the window.
 * - `all`: every slot in the window fires (oldest first, at most `maxSlotsPerFire` per command);
 *   older ones are skipped;
 * - `latest`: only the latest slot fires, if it is in the window; the rest are skipped;
 * - `skip`: only the latest slot fires, if it is on time (less than `ON_TIME_MS`, 5 s, late, or
 *   than `windowMs` when shorter); the rest are skipped.
 */
export type CatchUpMode = 'skip' | 'latest' | 'all';

export interface CatchUpPolicy {
  readonly mode: CatchUpMode;
  /** 1 s..`maxCatchUpWindowMs` (7 days). Default `defaultCatchUpWindowMs` (1 h). */
  readonly windowMs?: number;
}

/**
 * What a slot does while the job of the schedule's previous slot is not finished (not succeeded,
 * dead or cancelled):
 * - `allow`: fires anyway;
 * - `skip`: is skipped;
 * - `bufferOne`: waits, and fires in the entry where the previous job finishes; a later slot
 *   that comes while one waits takes its place (the replaced one counts as skipped);
 * - `cancelPrevious`: cancels the previous job (as `cancel` does), then fires.
 */
export type OverlapPolicy = 'allow' | 'skip' | 'bufferOne' | 'cancelPrevious';

/** Every overlap policy, in wire order. */
export const OVERLAP_POLICIES: readonly OverlapPolicy[] = ['allow', 'skip', 'bufferOne', 'cancelPrevious'];
/** Every catch-up mode, in wire order. */
export const CATCH_UP_MODES: readonly CatchUpMode[] = ['skip', 'latest', 'all'];

/**
 * A recurring schedule as a client defines it. Exactly one of `cron` and `intervalMs`.
 *
 * The state machine never evaluates `cron` or `timeZone` (time-zone data may differ between
 * machines, and replicas must not diverge): the leader computes slot times (`dueSlots`) and
 * proposes them in `scheduleFire`; the server checks an expression and a zone with
 * `validateScheduleSpec` before proposing `scheduleSet`.
 */
export interface ScheduleDefinition {
  /** 1..`maxScheduleIdLength` (128) chars of `[A-Za-z0-9._:-]`. */
  readonly id: string;
  /**
   * A cron expression: six fields (seconds first) or the standard five (seconds 0), or a nickname
   * such as `@daily`; at most 256 printable ASCII chars. Stored as given. Day of month and day of
   * week, when both are restricted, match either (classic cron).
   */
  readonly cron?: string;
  /** Fire every this many ms (`minScheduleIntervalMs`..365 days), on the grid `startAt` (else 0, the epoch) + k × intervalMs. */
  readonly intervalMs?: number;
  /** IANA time zone of `cron`, ≤ 64 chars. Default 'UTC'. Ignored by interval schedules. */
  readonly timeZone?: string;
  /** No slot before this time, ms. */
  readonly startAt?: number;
  /** No slot after this time (a slot at it still fires), ms. */
  readonly endAt?: number;
  readonly template: ScheduleTemplate;
  /** Default `{ mode: 'latest', windowMs: defaultCatchUpWindowMs }`. */
  readonly catchUp?: CatchUpPolicy;
  /** Default `allow`. */
  readonly overlap?: OverlapPolicy;
  /** Create: default false. Update: default unchanged (a change acts as `schedulePause`). */
  readonly paused?: boolean;
}

/**
 * Creates or replaces a schedule. `create` refuses an existing id (ALREADY_EXISTS), `update` a
 * missing one (NOT_FOUND), `upsert` does either. A new schedule handles nothing at or before its
 * entry's time (nor before `startAt`). An update keeps the runtime (slots handled, last job,
 * counters); when its timing changes (cron, interval, time zone, start), slots at or before the
 * update's entry time never fire. A slot waiting for the previous job (`bufferOne`) is dropped,
 * counted as skipped, when the policy changes.
 */
export interface ScheduleSetCommand {
  readonly type: 'scheduleSet';
  readonly mode: 'create' | 'update' | 'upsert';
  readonly schedule: ScheduleDefinition;
}

/** Removes a schedule. Jobs it created stay, with its id. */
export interface ScheduleDeleteCommand {
  readonly type: 'scheduleDelete';
  readonly id: string;
}

/**
 * Pauses or resumes a schedule. A paused schedule fires nothing (`scheduleFire` is refused) and
 * drops a waiting `bufferOne` slot (counted as skipped). Resuming marks every slot up to the
 * entry's time as handled: slots of the paused time never fire, and are not counted.
 */
export interface SchedulePauseCommand {
  readonly type: 'schedulePause';
  readonly id: string;
  readonly paused: boolean;
}

/**
 * Proposed by the leader (see `scheduleFireCommand`): fire `slots` of schedule `id`, count
 * `skipped` slots as skipped, and mark every slot up to `through` handled. Refused, changing
 * nothing, when the schedule is missing (NOT_FOUND) or paused (ILLEGAL_TRANSITION), when
 * `through` or the first slot is at or before what the schedule has handled (SLOT_ALREADY_FIRED:
 * so a duplicate, or a new leader's re-proposal, never fires a slot twice), when `through` is after
 * the entry's time, or a slot lies outside `startAt`..`endAt` or off an interval schedule's grid
 * (INVALID_ARGUMENT). Each slot then meets the overlap policy, and fires as a job of the template
 * with idempotency key `schedule:<id>:<slot>`.
 */
export interface ScheduleFireCommand {
  readonly type: 'scheduleFire';
  readonly id: string;
  /** ms; every slot at or before it is handled once this applies. */
  readonly through: number;
  /** Slot times, ms, strictly ascending, each at or before `through`; 0..`maxSlotsPerFire`. */
  readonly slots: readonly number[];
  /** Slots the catch-up policy skipped (before the fired ones), ≥ 0. */
  readonly skipped: number;
}

/**
 * Fires schedule `id` once now (slot = the entry's time), paused or not, outside the overlap
 * policy and without touching the slots handled or the last job; idempotency key
 * `schedule:<id>:manual:<time>`, so two triggers in one ms make one job.
 */
export interface ScheduleTriggerCommand {
  readonly type: 'scheduleTrigger';
  readonly id: string;
}

export type Command =
  | SubmitCommand
  | LeaseCommand
  | HeartbeatCommand
  | ProgressCommand
  | CompleteCommand
  | FailCommand
  | CancelCommand
  | RetryDeadCommand
  | TickCommand
  | LeaderChangeCommand
  | ReleaseCommand
  | AbandonCommand
  | ScheduleSetCommand
  | ScheduleDeleteCommand
  | SchedulePauseCommand
  | ScheduleFireCommand
  | ScheduleTriggerCommand
  | QueueSetCommand
  | BulkCommand;

export type CommandType = Command['type'];

/** Every command type, in wire-tag order. */
export const COMMAND_TYPES: readonly CommandType[] = [
  'submit',
  'lease',
  'heartbeat',
  'progress',
  'complete',
  'fail',
  'cancel',
  'retryDead',
  'tick',
  'leaderChange',
  'release',
  'abandon',
  'scheduleSet',
  'scheduleDelete',
  'schedulePause',
  'scheduleFire',
  'scheduleTrigger',
  'queueSet',
  'bulk',
];

/** The payload of one Raft log entry. */
export interface Batch {
  /** The leader's clock when it proposed the entry, ms. The state clock is max(previous, time) (J5). */
  readonly time: number;
  readonly commands: readonly Command[];
}
