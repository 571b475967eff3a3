// Original file: proto/jobs.proto

import type { LeasedJob as _raftjobs_jobs_v1_LeasedJob, LeasedJob__Output as _raftjobs_jobs_v1_LeasedJob__Output } from '../../../raftjobs/jobs/v1/LeasedJob.js';

export interface LeaseResponse {
  /**
   * Empty when no job was ready within wait_ms.
   */
  'jobs'?: (_raftjobs_jobs_v1_LeasedJob)[];
}

export interface LeaseResponse__Output {
  /**
   * Empty when no job was ready within wait_ms.
   */
  'jobs': (_raftjobs_jobs_v1_LeasedJob__Output)[];
}
