// Original file: proto/jobs.proto

import type { SubmittedJob as _raftjobs_jobs_v1_SubmittedJob, SubmittedJob__Output as _raftjobs_jobs_v1_SubmittedJob__Output } from '../../../raftjobs/jobs/v1/SubmittedJob.js';

export interface SubmitResponse {
  /**
   * One per submitted job, in order.
   */
  'jobs'?: (_raftjobs_jobs_v1_SubmittedJob)[];
}

export interface SubmitResponse__Output {
  /**
   * One per submitted job, in order.
   */
  'jobs': (_raftjobs_jobs_v1_SubmittedJob__Output)[];
}
