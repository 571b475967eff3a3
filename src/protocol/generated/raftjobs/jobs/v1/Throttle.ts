// Original file: proto/jobs.proto

import type { ThrottleScope as _raftjobs_jobs_v1_ThrottleScope, ThrottleScope__Output as _raftjobs_jobs_v1_ThrottleScope__Output } from '../../../raftjobs/jobs/v1/ThrottleScope.js';
import type { Long } from '@grpc/proto-loader';

/**
 * "The remote side rate limited me; retry after T" (see FailRequest.throttle).
 */
export interface Throttle {
  'scope'?: (_raftjobs_jobs_v1_ThrottleScope);
  /**
   * How long to hold back, 1 ms..24 h. Required.
   */
  'retryAfterMs'?: (number | string | Long);
}

/**
 * "The remote side rate limited me; retry after T" (see FailRequest.throttle).
 */
export interface Throttle__Output {
  'scope': (_raftjobs_jobs_v1_ThrottleScope__Output);
  /**
   * How long to hold back, 1 ms..24 h. Required.
   */
  'retryAfterMs': (number);
}
