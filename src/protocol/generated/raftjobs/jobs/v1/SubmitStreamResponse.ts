// Original file: proto/jobs.proto

import type { SubmittedJob as _raftjobs_jobs_v1_SubmittedJob, SubmittedJob__Output as _raftjobs_jobs_v1_SubmittedJob__Output } from '../../../raftjobs/jobs/v1/SubmittedJob.js';
import type { Long } from '@grpc/proto-loader';

export interface SubmitStreamResponse {
  'requestId'?: (number | string | Long);
  /**
   * One per job, in order, when code is empty.
   */
  'jobs'?: (_raftjobs_jobs_v1_SubmittedJob)[];
  /**
   * Empty on success; else the error code the unary Submit would carry in `x-error-code`
   * (INVALID_ARGUMENT, LIMIT_EXCEEDED: nothing was submitted; NOT_LEADER, OUTCOME_UNKNOWN: resend).
   */
  'code'?: (string);
  'message'?: (string);
  /**
   * With LIMIT_EXCEEDED from a resource guard: its config path, as Submit's `x-limit`.
   */
  'limit'?: (string);
}

export interface SubmitStreamResponse__Output {
  'requestId': (number);
  /**
   * One per job, in order, when code is empty.
   */
  'jobs': (_raftjobs_jobs_v1_SubmittedJob__Output)[];
  /**
   * Empty on success; else the error code the unary Submit would carry in `x-error-code`
   * (INVALID_ARGUMENT, LIMIT_EXCEEDED: nothing was submitted; NOT_LEADER, OUTCOME_UNKNOWN: resend).
   */
  'code': (string);
  'message': (string);
  /**
   * With LIMIT_EXCEEDED from a resource guard: its config path, as Submit's `x-limit`.
   */
  'limit': (string);
}
