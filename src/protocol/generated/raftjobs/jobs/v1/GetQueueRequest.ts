// Original file: proto/jobs.proto


export interface GetQueueRequest {
  /**
   * [A-Za-z0-9._:-], 1..128 characters. Required. A queue with neither jobs nor a policy is
   * answered with an empty policy and no usage (not NOT_FOUND).
   */
  'queue'?: (string);
  /**
   * As GetRequest.stale.
   */
  'stale'?: (boolean);
}

export interface GetQueueRequest__Output {
  /**
   * [A-Za-z0-9._:-], 1..128 characters. Required. A queue with neither jobs nor a policy is
   * answered with an empty policy and no usage (not NOT_FOUND).
   */
  'queue': (string);
  /**
   * As GetRequest.stale.
   */
  'stale': (boolean);
}
