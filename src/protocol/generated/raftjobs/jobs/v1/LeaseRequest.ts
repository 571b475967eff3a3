// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseRequest {
  /**
   * 1..256 characters.
   */
  'workerId'?: (string);
  /**
   * 1..64 queue names.
   */
  'queues'?: (string)[];
  /**
   * Most jobs to lease, 1..1000 (`limits.maxBatchSize`). Required.
   */
  'max'?: (number);
  /**
   * The TTL of these leases, 100 ms..24 h; 0 means each job's (JobSpec.lease_ttl_ms). Negative
   * is INVALID_ARGUMENT.
   */
  'ttlMs'?: (number | string | Long);
  /**
   * Wait up to this long for a job when none is ready (long poll), 0..60000; 0 returns at once.
   */
  'waitMs'?: (number | string | Long);
}

export interface LeaseRequest__Output {
  /**
   * 1..256 characters.
   */
  'workerId': (string);
  /**
   * 1..64 queue names.
   */
  'queues': (string)[];
  /**
   * Most jobs to lease, 1..1000 (`limits.maxBatchSize`). Required.
   */
  'max': (number);
  /**
   * The TTL of these leases, 100 ms..24 h; 0 means each job's (JobSpec.lease_ttl_ms). Negative
   * is INVALID_ARGUMENT.
   */
  'ttlMs': (number);
  /**
   * Wait up to this long for a job when none is ready (long poll), 0..60000; 0 returns at once.
   */
  'waitMs': (number);
}
