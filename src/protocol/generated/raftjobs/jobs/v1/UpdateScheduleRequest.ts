// Original file: proto/jobs.proto

import type { ScheduleSpec as _raftjobs_jobs_v1_ScheduleSpec, ScheduleSpec__Output as _raftjobs_jobs_v1_ScheduleSpec__Output } from '../../../raftjobs/jobs/v1/ScheduleSpec.js';

export interface UpdateScheduleRequest {
  'schedule'?: (_raftjobs_jobs_v1_ScheduleSpec | null);
  /**
   * Create the schedule when it does not exist, instead of NOT_FOUND.
   */
  'createMissing'?: (boolean);
}

export interface UpdateScheduleRequest__Output {
  'schedule': (_raftjobs_jobs_v1_ScheduleSpec__Output | null);
  /**
   * Create the schedule when it does not exist, instead of NOT_FOUND.
   */
  'createMissing': (boolean);
}
