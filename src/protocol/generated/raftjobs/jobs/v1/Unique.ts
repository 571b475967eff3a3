// Original file: proto/jobs.proto

import type { UniqueMode as _raftjobs_jobs_v1_UniqueMode, UniqueMode__Output as _raftjobs_jobs_v1_UniqueMode__Output } from '../../../raftjobs/jobs/v1/UniqueMode.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Uniqueness per queue and key, beside the idempotency key (both may be given: the idempotency
 * key is checked first, so a resent submit is answered as the first one was; the idempotency key
 * of a submit answered by uniqueness is not remembered, only that of a submit that creates a job).
 * The key is free once the job it names is finished or purged. Not in schedule templates.
 */
export interface Unique {
  /**
   * 1..256 characters. Required.
   */
  'key'?: (string);
  /**
   * Required.
   */
  'mode'?: (_raftjobs_jobs_v1_UniqueMode);
  /**
   * DEBOUNCE only (0 otherwise): how long after its submit (or last replacement) a pending job
   * takes the next submit's place, 1 ms..7 days; 0 means the submit's delay (delay_ms, or run_at_ms
   * less now), at least 1 ms.
   */
  'windowMs'?: (number | string | Long);
}

/**
 * Uniqueness per queue and key, beside the idempotency key (both may be given: the idempotency
 * key is checked first, so a resent submit is answered as the first one was; the idempotency key
 * of a submit answered by uniqueness is not remembered, only that of a submit that creates a job).
 * The key is free once the job it names is finished or purged. Not in schedule templates.
 */
export interface Unique__Output {
  /**
   * 1..256 characters. Required.
   */
  'key': (string);
  /**
   * Required.
   */
  'mode': (_raftjobs_jobs_v1_UniqueMode__Output);
  /**
   * DEBOUNCE only (0 otherwise): how long after its submit (or last replacement) a pending job
   * takes the next submit's place, 1 ms..7 days; 0 means the submit's delay (delay_ms, or run_at_ms
   * less now), at least 1 ms.
   */
  'windowMs': (number);
}
