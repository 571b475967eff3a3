// Original file: proto/jobs.proto

import type { JobSpec as _raftjobs_jobs_v1_JobSpec, JobSpec__Output as _raftjobs_jobs_v1_JobSpec__Output } from '../../../raftjobs/jobs/v1/JobSpec.js';

export interface SubmitRequest {
  /**
   * 1..1000 (`limits.maxBatchSize`), together within one log entry (see the limits above).
   */
  'jobs'?: (_raftjobs_jobs_v1_JobSpec)[];
}

export interface SubmitRequest__Output {
  /**
   * 1..1000 (`limits.maxBatchSize`), together within one log entry (see the limits above).
   */
  'jobs': (_raftjobs_jobs_v1_JobSpec__Output)[];
}
