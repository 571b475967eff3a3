// Original file: proto/jobs.proto

import type { Job as _raftjobs_jobs_v1_Job, Job__Output as _raftjobs_jobs_v1_Job__Output } from '../../../raftjobs/jobs/v1/Job.js';

export interface ListResponse {
  'jobs'?: (_raftjobs_jobs_v1_Job)[];
  /**
   * Empty on the last page.
   */
  'nextPageToken'?: (string);
}

export interface ListResponse__Output {
  'jobs': (_raftjobs_jobs_v1_Job__Output)[];
  /**
   * Empty on the last page.
   */
  'nextPageToken': (string);
}
