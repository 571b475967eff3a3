// Original file: proto/jobs.proto

import type { LeaseInfo as _raftjobs_jobs_v1_LeaseInfo, LeaseInfo__Output as _raftjobs_jobs_v1_LeaseInfo__Output } from '../../../raftjobs/jobs/v1/LeaseInfo.js';
import type { JobProgress as _raftjobs_jobs_v1_JobProgress, JobProgress__Output as _raftjobs_jobs_v1_JobProgress__Output } from '../../../raftjobs/jobs/v1/JobProgress.js';
import type { Attempt as _raftjobs_jobs_v1_Attempt, Attempt__Output as _raftjobs_jobs_v1_Attempt__Output } from '../../../raftjobs/jobs/v1/Attempt.js';
import type { Unique as _raftjobs_jobs_v1_Unique, Unique__Output as _raftjobs_jobs_v1_Unique__Output } from '../../../raftjobs/jobs/v1/Unique.js';
import type { Long } from '@grpc/proto-loader';

export interface Job {
  /**
   * Assigned by the cluster (10 characters today; treat as opaque, at most 64).
   */
  'id'?: (string);
  'queue'?: (string);
  /**
   * scheduled | ready | leased | succeeded | dead | cancelled (see "A job's life" above).
   */
  'state'?: (string);
  'payload'?: (Buffer | Uint8Array | string);
  'priority'?: (number);
  /**
   * When the job is (or was) due.
   */
  'runAtMs'?: (number | string | Long);
  /**
   * Attempts used so far (released ones do not count).
   */
  'attempts'?: (number);
  'maxAttempts'?: (number);
  /**
   * Set while leased.
   */
  'lease'?: (_raftjobs_jobs_v1_LeaseInfo | null);
  /**
   * The last progress reported for the current or last attempt; unset if none.
   */
  'progress'?: (_raftjobs_jobs_v1_JobProgress | null);
  /**
   * The completion's result; has_result tells an empty result from none.
   */
  'result'?: (Buffer | Uint8Array | string);
  'hasResult'?: (boolean);
  'lastError'?: (string);
  'submittedAtMs'?: (number | string | Long);
  /**
   * 0 until terminal.
   */
  'finishedAtMs'?: (number | string | Long);
  'idempotencyKey'?: (string);
  /**
   * The most recent 20 attempts, oldest first.
   */
  'history'?: (_raftjobs_jobs_v1_Attempt)[];
  /**
   * The schedule that created the job (see the Schedules service); empty for a submitted job.
   * The job keeps it after the schedule is deleted.
   */
  'scheduleId'?: (string);
  /**
   * The slot the schedule fired the job for, ms (for a Trigger, the time it was triggered); 0
   * for a submitted job. A slot's job has idempotency key `schedule:<id>:<slot_ms>`, a
   * trigger's `schedule:<id>:manual:<ms>`.
   */
  'scheduleSlotMs'?: (number | string | Long);
  /**
   * ---- Flow control (issue 19) ----
   * The job's group key (JobSpec.group); empty: none.
   */
  'group'?: (string);
  /**
   * The job's unique key (JobSpec.unique), with window_ms the window opened when it was submitted
   * or last replaced (0 for UNIQUE_MODE_ACTIVE); unset: none.
   */
  'unique'?: (_raftjobs_jobs_v1_Unique | null);
  /**
   * Whether unique.key names this job now: false once the job finished, or when a newer job took
   * the key (a debounce submit after the window).
   */
  'holdsUniqueKey'?: (boolean);
}

export interface Job__Output {
  /**
   * Assigned by the cluster (10 characters today; treat as opaque, at most 64).
   */
  'id': (string);
  'queue': (string);
  /**
   * scheduled | ready | leased | succeeded | dead | cancelled (see "A job's life" above).
   */
  'state': (string);
  'payload': (Buffer);
  'priority': (number);
  /**
   * When the job is (or was) due.
   */
  'runAtMs': (number);
  /**
   * Attempts used so far (released ones do not count).
   */
  'attempts': (number);
  'maxAttempts': (number);
  /**
   * Set while leased.
   */
  'lease': (_raftjobs_jobs_v1_LeaseInfo__Output | null);
  /**
   * The last progress reported for the current or last attempt; unset if none.
   */
  'progress': (_raftjobs_jobs_v1_JobProgress__Output | null);
  /**
   * The completion's result; has_result tells an empty result from none.
   */
  'result': (Buffer);
  'hasResult': (boolean);
  'lastError': (string);
  'submittedAtMs': (number);
  /**
   * 0 until terminal.
   */
  'finishedAtMs': (number);
  'idempotencyKey': (string);
  /**
   * The most recent 20 attempts, oldest first.
   */
  'history': (_raftjobs_jobs_v1_Attempt__Output)[];
  /**
   * The schedule that created the job (see the Schedules service); empty for a submitted job.
   * The job keeps it after the schedule is deleted.
   */
  'scheduleId': (string);
  /**
   * The slot the schedule fired the job for, ms (for a Trigger, the time it was triggered); 0
   * for a submitted job. A slot's job has idempotency key `schedule:<id>:<slot_ms>`, a
   * trigger's `schedule:<id>:manual:<ms>`.
   */
  'scheduleSlotMs': (number);
  /**
   * ---- Flow control (issue 19) ----
   * The job's group key (JobSpec.group); empty: none.
   */
  'group': (string);
  /**
   * The job's unique key (JobSpec.unique), with window_ms the window opened when it was submitted
   * or last replaced (0 for UNIQUE_MODE_ACTIVE); unset: none.
   */
  'unique': (_raftjobs_jobs_v1_Unique__Output | null);
  /**
   * Whether unique.key names this job now: false once the job finished, or when a newer job took
   * the key (a debounce submit after the window).
   */
  'holdsUniqueKey': (boolean);
}
