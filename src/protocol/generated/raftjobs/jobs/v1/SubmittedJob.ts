// Original file: proto/jobs.proto


export interface SubmittedJob {
  'id'?: (string);
  /**
   * The job was not created: its idempotency key named an earlier job, whose id this is.
   */
  'duplicate'?: (boolean);
  /**
   * The job's state after the submit: scheduled or ready; for a duplicate, the earlier job's
   * state now (empty when it was purged).
   */
  'state'?: (string);
}

export interface SubmittedJob__Output {
  'id': (string);
  /**
   * The job was not created: its idempotency key named an earlier job, whose id this is.
   */
  'duplicate': (boolean);
  /**
   * The job's state after the submit: scheduled or ready; for a duplicate, the earlier job's
   * state now (empty when it was purged).
   */
  'state': (string);
}
