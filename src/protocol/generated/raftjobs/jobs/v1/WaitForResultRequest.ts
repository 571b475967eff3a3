// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface WaitForResultRequest {
  'id'?: (string);
  /**
   * Longest wait, ms; 0 means 5 minutes (the most). Negative is INVALID_ARGUMENT. The call's
   * deadline, when sooner, bounds it too.
   */
  'timeoutMs'?: (number | string | Long);
}

export interface WaitForResultRequest__Output {
  'id': (string);
  /**
   * Longest wait, ms; 0 means 5 minutes (the most). Negative is INVALID_ARGUMENT. The call's
   * deadline, when sooner, bounds it too.
   */
  'timeoutMs': (number);
}
