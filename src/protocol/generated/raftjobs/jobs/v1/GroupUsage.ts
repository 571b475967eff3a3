// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One group key's use of the queue's limits.
 */
export interface GroupUsage {
  /**
   * The key (JobSpec.group).
   */
  'group'?: (string);
  /**
   * Its jobs leased now.
   */
  'leased'?: (number);
  /**
   * The limit that applies to it (its override, else group_concurrency); 0: none.
   */
  'limit'?: (number);
  /**
   * Leases its bucket would grant now (group_rate), possibly fractional; -1: no group_rate.
   */
  'tokens'?: (number | string);
  /**
   * A throttle (scope KEY) holds the key until this time, ms; 0: none.
   */
  'throttledUntilMs'?: (number | string | Long);
  /**
   * Its jobs ready now (held back ones included).
   */
  'ready'?: (number);
}

/**
 * One group key's use of the queue's limits.
 */
export interface GroupUsage__Output {
  /**
   * The key (JobSpec.group).
   */
  'group': (string);
  /**
   * Its jobs leased now.
   */
  'leased': (number);
  /**
   * The limit that applies to it (its override, else group_concurrency); 0: none.
   */
  'limit': (number);
  /**
   * Leases its bucket would grant now (group_rate), possibly fractional; -1: no group_rate.
   */
  'tokens': (number);
  /**
   * A throttle (scope KEY) holds the key until this time, ms; 0: none.
   */
  'throttledUntilMs': (number);
  /**
   * Its jobs ready now (held back ones included).
   */
  'ready': (number);
}
