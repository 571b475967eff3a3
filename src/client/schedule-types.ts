/**
 * Public data types of the SDK's recurring schedules (`Client.createSchedule` and friends). Times
 * are ms since the epoch on the cluster's clock; durations end in `Ms`. proto/jobs.proto (the
 * Schedules service) is the full contract: limits, catch-up, overlap and daylight saving time.
 */
import type { BackoffOptions, CallOptions, JobInput, JobState } from './types.js';

/** What happens to slots missed while the cluster had no leader or was stopped. */
export type CatchUpMode = 'latest' | 'all' | 'skip';

/** What a slot does while the previous slot's job is not finished. */
export type OverlapPolicy = 'allow' | 'skip' | 'bufferOne' | 'cancelPrevious';

/** A schedule's catch-up policy. */
export interface ScheduleCatchUp {
  /**
   * `latest` (the default): the latest missed slot in the window fires once, the rest are skipped;
   * `all`: every slot in the window fires, oldest first; `skip`: only a slot less than 5 s late fires.
   */
  readonly mode: CatchUpMode;
  /** Missed slots older than this never fire, ms, 1 s..7 days. Default 1 h. */
  readonly windowMs?: number;
}

/** The job every slot creates: a `JobInput` without timing or key (the schedule sets those). */
export type ScheduleJobInput = Pick<JobInput, 'queue' | 'payload' | 'priority' | 'maxAttempts' | 'backoff' | 'leaseTtlMs' | 'retentionMs'>;

/** A recurring schedule to create (or, whole, to replace with `updateSchedule`). Exactly one of `cron` and `intervalMs`. */
export interface ScheduleInput {
  /** 1..128 characters of `[A-Za-z0-9._:-]`. */
  readonly id: string;
  /** Six fields with seconds (`'*\/2 * * * * *'`), the standard five, or a nickname (`@daily`), read in `timeZone`. */
  readonly cron?: string;
  /** Fire every this many ms (1 s..365 days), at `startAt` + k × `intervalMs` (multiples since the epoch without a start). */
  readonly intervalMs?: number;
  /** IANA time zone of `cron`. Default `'UTC'`. */
  readonly timeZone?: string;
  /** No slot before this time. */
  readonly startAt?: Date | number;
  /** No slot after this time (a slot at it still fires). */
  readonly endAt?: Date | number;
  /** The job each slot creates. */
  readonly job: ScheduleJobInput;
  /** Default `{ mode: 'latest', windowMs: 3600000 }`. */
  readonly catchUp?: ScheduleCatchUp;
  /** Default `'allow'`. */
  readonly overlap?: OverlapPolicy;
  /** Create paused (default false); on update, absent keeps the current state. */
  readonly paused?: boolean;
}

/** A schedule's job template as stored: `null` where the cluster's job default applies. */
export interface ScheduleJobTemplate {
  readonly queue: string;
  readonly payload: Buffer;
  readonly priority: number;
  readonly maxAttempts: number | null;
  readonly backoff: BackoffOptions | null;
  readonly leaseTtlMs: number | null;
  readonly retentionMs: number | null;
}

/** A schedule as read from the cluster: its definition with defaults filled in, and what it has done. */
export interface ScheduleInfo {
  readonly id: string;
  /** Exactly one of `cron` and `intervalMs` is set. */
  readonly cron: string | null;
  readonly intervalMs: number | null;
  readonly timeZone: string;
  readonly startAt: number | null;
  readonly endAt: number | null;
  readonly job: ScheduleJobTemplate;
  readonly catchUp: { readonly mode: CatchUpMode; readonly windowMs: number };
  readonly overlap: OverlapPolicy;
  readonly paused: boolean;
  /** Every slot at or before this time has been fired or skipped. */
  readonly handledThrough: number;
  /** The last slot fired (triggers aside), or `null`. */
  readonly lastSlot: number | null;
  /** The job of `lastSlot`, and its state now (`null` once purged). */
  readonly lastJobId: string | null;
  readonly lastJobState: JobState | null;
  /** A slot waiting for the last job to finish (`bufferOne`), or `null`. */
  readonly pendingSlot: number | null;
  /** Slots fired. */
  readonly fired: number;
  /** Slots skipped by the catch-up or overlap policy. */
  readonly skipped: number;
  /** `triggerSchedule` calls that made a job. */
  readonly triggered: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The next (up to) five slots, ascending; empty while paused or past `endAt`. */
  readonly nextFireTimes: readonly number[];
}

/** Options of `Client.updateSchedule`. */
export interface UpdateScheduleOptions extends CallOptions {
  /** Create the schedule when it does not exist, instead of failing with NOT_FOUND. Default false. */
  readonly createMissing?: boolean;
}

/** Options of `Client.listSchedules`. */
export interface ListSchedulesOptions extends CallOptions {
  /** Schedules per page, 1..1000. Default 100. */
  readonly pageSize?: number;
  /** `nextPageToken` of the previous page. */
  readonly pageToken?: string;
  readonly stale?: boolean;
}

/** A page of `Client.listSchedules`, in id order. */
export interface SchedulePage {
  readonly schedules: readonly ScheduleInfo[];
  /** Pass as `pageToken` for the next page; `null` on the last page. */
  readonly nextPageToken: string | null;
}

/** What `Client.triggerSchedule` made. */
export interface TriggeredJob {
  readonly jobId: string;
  /** True when a trigger in the same ms had already made this job. */
  readonly duplicate: boolean;
}
