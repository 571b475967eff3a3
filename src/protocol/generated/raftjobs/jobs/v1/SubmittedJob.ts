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
  /**
   * ---- Flow control (issue 19) ----
   * A UNIQUE_MODE_DEBOUNCE submit replaced the pending job its unique key names (id): that job now
   * has this submit's payload, priority and run time (duplicate is true too). A duplicate by the
   * idempotency key or by UNIQUE_MODE_ACTIVE leaves it false.
   */
  'replaced'?: (boolean);
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
  /**
   * ---- Flow control (issue 19) ----
   * A UNIQUE_MODE_DEBOUNCE submit replaced the pending job its unique key names (id): that job now
   * has this submit's payload, priority and run time (duplicate is true too). A duplicate by the
   * idempotency key or by UNIQUE_MODE_ACTIVE leaves it false.
   */
  'replaced': (boolean);
}
