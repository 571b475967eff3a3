// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Ends the attempt with failure: the job is retried after its backoff (scheduled or ready) while
 * attempts are left, else dead. The error becomes the job's last_error. A failure re-sent with the
 * token of an attempt that already failed is answered ok with message "already recorded".
 */
export interface FailRequest {
  'jobId'?: (string);
  'token'?: (number | string | Long);
  /**
   * At most 16384 characters (Welcome.max_error_length).
   */
  'error'?: (string);
  /**
   * Send the job dead at once instead of retrying.
   */
  'noRetry'?: (boolean);
  /**
   * How long the handler ran before failing, ms. 0 (or negative): not reported.
   */
  'handlerMs'?: (number | string | Long);
}

/**
 * Ends the attempt with failure: the job is retried after its backoff (scheduled or ready) while
 * attempts are left, else dead. The error becomes the job's last_error. A failure re-sent with the
 * token of an attempt that already failed is answered ok with message "already recorded".
 */
export interface FailRequest__Output {
  'jobId': (string);
  'token': (number);
  /**
   * At most 16384 characters (Welcome.max_error_length).
   */
  'error': (string);
  /**
   * Send the job dead at once instead of retrying.
   */
  'noRetry': (boolean);
  /**
   * How long the handler ran before failing, ms. 0 (or negative): not reported.
   */
  'handlerMs': (number);
}
