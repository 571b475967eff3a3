// Original file: proto/jobs.proto

import type { LeasedJob as _raftjobs_jobs_v1_LeasedJob, LeasedJob__Output as _raftjobs_jobs_v1_LeasedJob__Output } from '../../../raftjobs/jobs/v1/LeasedJob.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Leases of one grant, split over several messages of at most 4 MiB each (a single larger lease
 * goes alone), so a worker with gRPC's default 4 MiB receive limit gets them.
 */
export interface LeaseBatch {
  'jobs'?: (_raftjobs_jobs_v1_LeasedJob)[];
  /**
   * The leader's replicated time at the grant (expires_at_ms is on this clock).
   */
  'serverTimeMs'?: (number | string | Long);
}

/**
 * Leases of one grant, split over several messages of at most 4 MiB each (a single larger lease
 * goes alone), so a worker with gRPC's default 4 MiB receive limit gets them.
 */
export interface LeaseBatch__Output {
  'jobs': (_raftjobs_jobs_v1_LeasedJob__Output)[];
  /**
   * The leader's replicated time at the grant (expires_at_ms is on this clock).
   */
  'serverTimeMs': (number);
}
