// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Ends the attempt with success: the job is succeeded (terminal, J4). A completion re-sent with
 * the token of an attempt that already completed (the first answer was lost, or was
 * OUTCOME_UNKNOWN) is answered ok with message "already recorded" and changes nothing; with
 * another token, or after the job moved on, STALE_TOKEN.
 */
export interface CompleteRequest {
  'jobId'?: (string);
  'token'?: (number | string | Long);
  /**
   * At most 1 MiB (`limits.maxResultBytes`, Welcome.max_result_bytes); stored on the job.
   */
  'result'?: (Buffer | Uint8Array | string);
  /**
   * How long the handler ran, ms; feeds the handler latency histogram. 0 (or negative): not
   * reported. Never a reason to refuse the completion.
   */
  'handlerMs'?: (number | string | Long);
}

/**
 * Ends the attempt with success: the job is succeeded (terminal, J4). A completion re-sent with
 * the token of an attempt that already completed (the first answer was lost, or was
 * OUTCOME_UNKNOWN) is answered ok with message "already recorded" and changes nothing; with
 * another token, or after the job moved on, STALE_TOKEN.
 */
export interface CompleteRequest__Output {
  'jobId': (string);
  'token': (number);
  /**
   * At most 1 MiB (`limits.maxResultBytes`, Welcome.max_result_bytes); stored on the job.
   */
  'result': (Buffer);
  /**
   * How long the handler ran, ms; feeds the handler latency histogram. 0 (or negative): not
   * reported. Never a reason to refuse the completion.
   */
  'handlerMs': (number);
}
