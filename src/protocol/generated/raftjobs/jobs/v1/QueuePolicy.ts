// Original file: proto/jobs.proto

import type { RateLimit as _raftjobs_jobs_v1_RateLimit, RateLimit__Output as _raftjobs_jobs_v1_RateLimit__Output } from '../../../raftjobs/jobs/v1/RateLimit.js';

/**
 * A queue's flow-control settings as stored. A queue without a policy answers all zero/unset.
 */
export interface QueuePolicy {
  /**
   * No new leases while set.
   */
  'paused'?: (boolean);
  /**
   * Most leased jobs of the queue at once; 0: no limit.
   */
  'concurrency'?: (number);
  /**
   * Most leased jobs per group key at once; 0: no limit.
   */
  'groupConcurrency'?: (number);
  /**
   * Per-key limits instead of group_concurrency: key -> limit (>= 1).
   */
  'groupConcurrencyOverrides'?: ({[key: string]: number});
  /**
   * The queue's bucket; unset: none.
   */
  'rate'?: (_raftjobs_jobs_v1_RateLimit | null);
  /**
   * Every group key's own bucket; unset: none.
   */
  'groupRate'?: (_raftjobs_jobs_v1_RateLimit | null);
}

/**
 * A queue's flow-control settings as stored. A queue without a policy answers all zero/unset.
 */
export interface QueuePolicy__Output {
  /**
   * No new leases while set.
   */
  'paused': (boolean);
  /**
   * Most leased jobs of the queue at once; 0: no limit.
   */
  'concurrency': (number);
  /**
   * Most leased jobs per group key at once; 0: no limit.
   */
  'groupConcurrency': (number);
  /**
   * Per-key limits instead of group_concurrency: key -> limit (>= 1).
   */
  'groupConcurrencyOverrides': ({[key: string]: number});
  /**
   * The queue's bucket; unset: none.
   */
  'rate': (_raftjobs_jobs_v1_RateLimit__Output | null);
  /**
   * Every group key's own bucket; unset: none.
   */
  'groupRate': (_raftjobs_jobs_v1_RateLimit__Output | null);
}
