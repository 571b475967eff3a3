// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface HeartbeatResult {
  'jobId'?: (string);
  'ok'?: (boolean);
  /**
   * When ok: the lease's new expiry, on the leader's clock.
   */
  'expiresAtMs'?: (number | string | Long);
  /**
   * When not ok: STALE_TOKEN, NOT_FOUND, INVALID_ARGUMENT (as in `x-error-code`), and why.
   */
  'code'?: (string);
  'message'?: (string);
}

export interface HeartbeatResult__Output {
  'jobId': (string);
  'ok': (boolean);
  /**
   * When ok: the lease's new expiry, on the leader's clock.
   */
  'expiresAtMs': (number);
  /**
   * When not ok: STALE_TOKEN, NOT_FOUND, INVALID_ARGUMENT (as in `x-error-code`), and why.
   */
  'code': (string);
  'message': (string);
}
