// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A token bucket: at most `limit` leases per `period_ms`, with up to `burst` at once after a quiet
 * spell; in any window of period_ms at most limit + burst leases.
 */
export interface RateLimit {
  /**
   * Leases per period, 1..1,000,000. In SetQueueRequest, a RateLimit with limit 0 (and the other
   * fields 0) removes the bucket.
   */
  'limit'?: (number);
  /**
   * The period, 1 ms..24 h (86,400,000).
   */
  'periodMs'?: (number | string | Long);
  /**
   * Leases at once after a quiet spell, 1..1,000,000; 0 means `limit`.
   */
  'burst'?: (number);
}

/**
 * A token bucket: at most `limit` leases per `period_ms`, with up to `burst` at once after a quiet
 * spell; in any window of period_ms at most limit + burst leases.
 */
export interface RateLimit__Output {
  /**
   * Leases per period, 1..1,000,000. In SetQueueRequest, a RateLimit with limit 0 (and the other
   * fields 0) removes the bucket.
   */
  'limit': (number);
  /**
   * The period, 1 ms..24 h (86,400,000).
   */
  'periodMs': (number);
  /**
   * Leases at once after a quiet spell, 1..1,000,000; 0 means `limit`.
   */
  'burst': (number);
}
