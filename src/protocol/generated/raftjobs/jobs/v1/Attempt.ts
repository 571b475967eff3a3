// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface Attempt {
  /**
   * 1-based; a released attempt's number is reused by the next lease.
   */
  'attempt'?: (number);
  'token'?: (number | string | Long);
  'workerId'?: (string);
  'startedAtMs'?: (number | string | Long);
  'endedAtMs'?: (number | string | Long);
  /**
   * running | succeeded | failed | expired | cancelled | released | abandoned | throttled.
   * released: given back by its worker session unstarted; it does not count toward max_attempts (the
   * next attempt reuses its number). abandoned: the session went away with it running; it counts.
   * throttled: failed with FailRequest.throttle; it does not count (like released). failed and
   * expired count too.
   */
  'outcome'?: (string);
  'error'?: (string);
}

export interface Attempt__Output {
  /**
   * 1-based; a released attempt's number is reused by the next lease.
   */
  'attempt': (number);
  'token': (number);
  'workerId': (string);
  'startedAtMs': (number);
  'endedAtMs': (number);
  /**
   * running | succeeded | failed | expired | cancelled | released | abandoned | throttled.
   * released: given back by its worker session unstarted; it does not count toward max_attempts (the
   * next attempt reuses its number). abandoned: the session went away with it running; it counts.
   * throttled: failed with FailRequest.throttle; it does not count (like released). failed and
   * expired count too.
   */
  'outcome': (string);
  'error': (string);
}
