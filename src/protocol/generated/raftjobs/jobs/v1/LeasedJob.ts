// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A lease pushed to (or returned to) a worker.
 */
export interface LeasedJob {
  'jobId'?: (string);
  'queue'?: (string);
  'payload'?: (Buffer | Uint8Array | string);
  'priority'?: (number);
  /**
   * Fencing token: pass it to complete/fail/heartbeat, and to downstream systems. Every lease of
   * the cluster gets a larger token than all before it (J2), counting up from 1; the cluster
   * never issues 2^53 - 1 or more. Any uint64 is accepted in a request: a token that is not the
   * job's current lease (one never issued included) is STALE_TOKEN, or NOT_FOUND when there is
   * no such job.
   */
  'token'?: (number | string | Long);
  /**
   * 1-based; counts toward max_attempts (a release gives it back).
   */
  'attempt'?: (number);
  'maxAttempts'?: (number);
  /**
   * On the leader's clock (see LeaseBatch.server_time_ms); heartbeat before it.
   */
  'expiresAtMs'?: (number | string | Long);
  'ttlMs'?: (number | string | Long);
  'submittedAtMs'?: (number | string | Long);
  /**
   * ---- Flow control (issue 19) ----
   * The job's group key (JobSpec.group); empty: none. The key a throttle of scope KEY
   * (FailRequest.throttle) holds back.
   */
  'group'?: (string);
}

/**
 * A lease pushed to (or returned to) a worker.
 */
export interface LeasedJob__Output {
  'jobId': (string);
  'queue': (string);
  'payload': (Buffer);
  'priority': (number);
  /**
   * Fencing token: pass it to complete/fail/heartbeat, and to downstream systems. Every lease of
   * the cluster gets a larger token than all before it (J2), counting up from 1; the cluster
   * never issues 2^53 - 1 or more. Any uint64 is accepted in a request: a token that is not the
   * job's current lease (one never issued included) is STALE_TOKEN, or NOT_FOUND when there is
   * no such job.
   */
  'token': (number);
  /**
   * 1-based; counts toward max_attempts (a release gives it back).
   */
  'attempt': (number);
  'maxAttempts': (number);
  /**
   * On the leader's clock (see LeaseBatch.server_time_ms); heartbeat before it.
   */
  'expiresAtMs': (number);
  'ttlMs': (number);
  'submittedAtMs': (number);
  /**
   * ---- Flow control (issue 19) ----
   * The job's group key (JobSpec.group); empty: none. The key a throttle of scope KEY
   * (FailRequest.throttle) holds back.
   */
  'group': (string);
}
