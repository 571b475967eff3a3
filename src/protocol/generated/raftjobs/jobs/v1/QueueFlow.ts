// Original file: proto/jobs.proto

import type { QueuePolicy as _raftjobs_jobs_v1_QueuePolicy, QueuePolicy__Output as _raftjobs_jobs_v1_QueuePolicy__Output } from '../../../raftjobs/jobs/v1/QueuePolicy.js';
import type { QueueUsage as _raftjobs_jobs_v1_QueueUsage, QueueUsage__Output as _raftjobs_jobs_v1_QueueUsage__Output } from '../../../raftjobs/jobs/v1/QueueUsage.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A queue's policy and what it uses of it.
 */
export interface QueueFlow {
  'queue'?: (string);
  'policy'?: (_raftjobs_jobs_v1_QueuePolicy | null);
  'usage'?: (_raftjobs_jobs_v1_QueueUsage | null);
  /**
   * The replicated time the usage was read at, ms (throttled_until_ms and tokens are at it).
   */
  'serverTimeMs'?: (number | string | Long);
}

/**
 * A queue's policy and what it uses of it.
 */
export interface QueueFlow__Output {
  'queue': (string);
  'policy': (_raftjobs_jobs_v1_QueuePolicy__Output | null);
  'usage': (_raftjobs_jobs_v1_QueueUsage__Output | null);
  /**
   * The replicated time the usage was read at, ms (throttled_until_ms and tokens are at it).
   */
  'serverTimeMs': (number);
}
