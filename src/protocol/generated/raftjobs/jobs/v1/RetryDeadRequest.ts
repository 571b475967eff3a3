// Original file: proto/jobs.proto


export interface RetryDeadRequest {
  'id'?: (string);
  /**
   * Extra attempts, 1..1000; 0 means the job's max_attempts. Negative is INVALID_ARGUMENT.
   */
  'attempts'?: (number);
}

export interface RetryDeadRequest__Output {
  'id': (string);
  /**
   * Extra attempts, 1..1000; 0 means the job's max_attempts. Negative is INVALID_ARGUMENT.
   */
  'attempts': (number);
}
