// Original file: proto/jobs.proto

import type { Schedule as _raftjobs_jobs_v1_Schedule, Schedule__Output as _raftjobs_jobs_v1_Schedule__Output } from '../../../raftjobs/jobs/v1/Schedule.js';

export interface ListSchedulesResponse {
  'schedules'?: (_raftjobs_jobs_v1_Schedule)[];
  /**
   * Empty on the last page.
   */
  'nextPageToken'?: (string);
}

export interface ListSchedulesResponse__Output {
  'schedules': (_raftjobs_jobs_v1_Schedule__Output)[];
  /**
   * Empty on the last page.
   */
  'nextPageToken': (string);
}
