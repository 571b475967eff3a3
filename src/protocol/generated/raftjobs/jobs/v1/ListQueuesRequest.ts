// Original file: proto/jobs.proto


export interface ListQueuesRequest {
  /**
   * As GetRequest.stale.
   */
  'stale'?: (boolean);
}

export interface ListQueuesRequest__Output {
  /**
   * As GetRequest.stale.
   */
  'stale': (boolean);
}
