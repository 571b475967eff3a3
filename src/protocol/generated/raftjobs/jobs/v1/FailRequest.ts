// Original file: proto/jobs.proto

import type { Throttle as _raftjobs_jobs_v1_Throttle, Throttle__Output as _raftjobs_jobs_v1_Throttle__Output } from '../../../raftjobs/jobs/v1/Throttle.js';
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
  /**
   * ---- Flow control (issue 19) ----
   * Set when the handler was rate limited by the remote side it calls ("429, retry after T"):
   * the attempt does not count (attempts goes back down, as for a release), error is recorded
   * as the job's last_error, and the job goes back to ready in its place; for retry_after_ms
   * no job of its group key (scope KEY) or of its whole queue (scope QUEUE) is leased. A job
   * without a group key and scope KEY waits alone (it is scheduled at now + retry_after_ms).
   * The Ack's state is the job's state afterwards (ready or scheduled). Cannot be combined with
   * no_retry (INVALID_ARGUMENT). The same on the Work stream (WorkerMessage.fail) and the unary
   * Fail.
   */
  'throttle'?: (_raftjobs_jobs_v1_Throttle | null);
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
  /**
   * ---- Flow control (issue 19) ----
   * Set when the handler was rate limited by the remote side it calls ("429, retry after T"):
   * the attempt does not count (attempts goes back down, as for a release), error is recorded
   * as the job's last_error, and the job goes back to ready in its place; for retry_after_ms
   * no job of its group key (scope KEY) or of its whole queue (scope QUEUE) is leased. A job
   * without a group key and scope KEY waits alone (it is scheduled at now + retry_after_ms).
   * The Ack's state is the job's state afterwards (ready or scheduled). Cannot be combined with
   * no_retry (INVALID_ARGUMENT). The same on the Work stream (WorkerMessage.fail) and the unary
   * Fail.
   */
  'throttle': (_raftjobs_jobs_v1_Throttle__Output | null);
}
