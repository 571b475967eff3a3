// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface Ack {
  'requestId'?: (number | string | Long);
  /**
   * Always true from the unary calls (a refusal is their status instead).
   */
  'ok'?: (boolean);
  /**
   * Empty when ok; else the code (as in `x-error-code`): STALE_TOKEN, NOT_FOUND,
   * ILLEGAL_TRANSITION, INVALID_ARGUMENT, NOT_LEADER, OUTCOME_UNKNOWN, ...
   */
  'code'?: (string);
  /**
   * When not ok: why. When ok: empty, or "already recorded" for a completion or failure resent
   * after it committed, or for a release the leases it ignored.
   */
  'message'?: (string);
  /**
   * For complete and fail: the job's state afterwards (succeeded; scheduled, ready or dead).
   */
  'state'?: (string);
}

export interface Ack__Output {
  'requestId': (number);
  /**
   * Always true from the unary calls (a refusal is their status instead).
   */
  'ok': (boolean);
  /**
   * Empty when ok; else the code (as in `x-error-code`): STALE_TOKEN, NOT_FOUND,
   * ILLEGAL_TRANSITION, INVALID_ARGUMENT, NOT_LEADER, OUTCOME_UNKNOWN, ...
   */
  'code': (string);
  /**
   * When not ok: why. When ok: empty, or "already recorded" for a completion or failure resent
   * after it committed, or for a release the leases it ignored.
   */
  'message': (string);
  /**
   * For complete and fail: the job's state afterwards (succeeded; scheduled, ready or dead).
   */
  'state': (string);
}
