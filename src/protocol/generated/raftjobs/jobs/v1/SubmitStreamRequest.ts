// Original file: proto/jobs.proto

import type { JobSpec as _raftjobs_jobs_v1_JobSpec, JobSpec__Output as _raftjobs_jobs_v1_JobSpec__Output } from '../../../raftjobs/jobs/v1/JobSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface SubmitStreamRequest {
  /**
   * Chosen by the client; echoed in the response (exactly, up to 2^53 - 1).
   */
  'requestId'?: (number | string | Long);
  'jobs'?: (_raftjobs_jobs_v1_JobSpec)[];
}

export interface SubmitStreamRequest__Output {
  /**
   * Chosen by the client; echoed in the response (exactly, up to 2^53 - 1).
   */
  'requestId': (number);
  'jobs': (_raftjobs_jobs_v1_JobSpec__Output)[];
}
