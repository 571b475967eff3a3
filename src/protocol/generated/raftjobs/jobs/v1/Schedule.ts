// Original file: proto/jobs.proto

import type { ScheduleSpec as _raftjobs_jobs_v1_ScheduleSpec, ScheduleSpec__Output as _raftjobs_jobs_v1_ScheduleSpec__Output } from '../../../raftjobs/jobs/v1/ScheduleSpec.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A schedule: its definition, defaults filled in, and what it has done.
 */
export interface Schedule {
  /**
   * As stored: time_zone, catch_up and overlap are always set; paused is always present.
   */
  'spec'?: (_raftjobs_jobs_v1_ScheduleSpec | null);
  /**
   * Every slot at or before this time has been fired or skipped, ms.
   */
  'handledThroughMs'?: (number | string | Long);
  /**
   * The last slot fired (not counting Trigger), ms; 0 before the first.
   */
  'lastSlotMs'?: (number | string | Long);
  /**
   * The job of last_slot_ms; empty before the first.
   */
  'lastJobId'?: (string);
  /**
   * That job's state now (see Job.state); empty before the first or once it was purged.
   */
  'lastJobState'?: (string);
  /**
   * A slot waiting for the last job to finish (overlap buffer_one), ms; 0: none.
   */
  'pendingSlotMs'?: (number | string | Long);
  /**
   * Slots fired, slots skipped (catch-up or overlap), and Trigger calls that made a job.
   */
  'fired'?: (number | string | Long);
  'skipped'?: (number | string | Long);
  'triggered'?: (number | string | Long);
  'createdAtMs'?: (number | string | Long);
  /**
   * The last Create, Update, Pause or Resume.
   */
  'updatedAtMs'?: (number | string | Long);
  /**
   * The next (up to) five slots after now and after handled_through_ms, ascending, computed by
   * the node that answers (a stale read's node); empty while paused or past end_at_ms.
   */
  'nextFireTimesMs'?: (number | string | Long)[];
}

/**
 * A schedule: its definition, defaults filled in, and what it has done.
 */
export interface Schedule__Output {
  /**
   * As stored: time_zone, catch_up and overlap are always set; paused is always present.
   */
  'spec': (_raftjobs_jobs_v1_ScheduleSpec__Output | null);
  /**
   * Every slot at or before this time has been fired or skipped, ms.
   */
  'handledThroughMs': (number);
  /**
   * The last slot fired (not counting Trigger), ms; 0 before the first.
   */
  'lastSlotMs': (number);
  /**
   * The job of last_slot_ms; empty before the first.
   */
  'lastJobId': (string);
  /**
   * That job's state now (see Job.state); empty before the first or once it was purged.
   */
  'lastJobState': (string);
  /**
   * A slot waiting for the last job to finish (overlap buffer_one), ms; 0: none.
   */
  'pendingSlotMs': (number);
  /**
   * Slots fired, slots skipped (catch-up or overlap), and Trigger calls that made a job.
   */
  'fired': (number);
  'skipped': (number);
  'triggered': (number);
  'createdAtMs': (number);
  /**
   * The last Create, Update, Pause or Resume.
   */
  'updatedAtMs': (number);
  /**
   * The next (up to) five slots after now and after handled_through_ms, ascending, computed by
   * the node that answers (a stale read's node); empty while paused or past end_at_ms.
   */
  'nextFireTimesMs': (number)[];
}
