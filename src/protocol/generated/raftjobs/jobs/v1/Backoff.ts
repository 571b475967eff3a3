// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * How a failed or expired attempt is retried. Unset (or type "") uses the server default:
 * exponential from 1 s, factor 2, capped at 1 h, jitter 0.1.
 */
export interface Backoff {
  /**
   * "fixed" or "exponential"; empty means the server default (the other fields are then ignored).
   */
  'type'?: (string);
  /**
   * fixed: the delay, 0..30 days. Required (0 retries at once).
   */
  'delayMs'?: (number | string | Long);
  /**
   * exponential: the first delay, 0..30 days.
   */
  'initialMs'?: (number | string | Long);
  /**
   * exponential: the cap, initial_ms..30 days.
   */
  'maxMs'?: (number | string | Long);
  /**
   * exponential: 1..100; 0 means 2. The n-th retry of a run (1 for the first failure, and again
   * after RetryDead) waits initial_ms * factor^(n-1), at most max_ms.
   */
  'factor'?: (number | string);
  /**
   * 0..1: the delay is shortened by up to this fraction, derived from job id and attempt (every
   * replica computes the same). 0: none.
   */
  'jitter'?: (number | string);
}

/**
 * How a failed or expired attempt is retried. Unset (or type "") uses the server default:
 * exponential from 1 s, factor 2, capped at 1 h, jitter 0.1.
 */
export interface Backoff__Output {
  /**
   * "fixed" or "exponential"; empty means the server default (the other fields are then ignored).
   */
  'type': (string);
  /**
   * fixed: the delay, 0..30 days. Required (0 retries at once).
   */
  'delayMs': (number);
  /**
   * exponential: the first delay, 0..30 days.
   */
  'initialMs': (number);
  /**
   * exponential: the cap, initial_ms..30 days.
   */
  'maxMs': (number);
  /**
   * exponential: 1..100; 0 means 2. The n-th retry of a run (1 for the first failure, and again
   * after RetryDead) waits initial_ms * factor^(n-1), at most max_ms.
   */
  'factor': (number);
  /**
   * 0..1: the delay is shortened by up to this fraction, derived from job id and attempt (every
   * replica computes the same). 0: none.
   */
  'jitter': (number);
}
