// Original file: proto/jobs.proto


export interface ListRequest {
  /**
   * Empty: every queue.
   */
  'queue'?: (string);
  /**
   * One of the job states, or empty for all; another value is INVALID_ARGUMENT.
   */
  'state'?: (string);
  /**
   * 0 means 100; larger than 1000 means 1000; negative is INVALID_ARGUMENT.
   */
  'pageSize'?: (number);
  /**
   * next_page_token of the previous page; empty for the first.
   */
  'pageToken'?: (string);
  /**
   * As GetRequest.stale.
   */
  'stale'?: (boolean);
}

export interface ListRequest__Output {
  /**
   * Empty: every queue.
   */
  'queue': (string);
  /**
   * One of the job states, or empty for all; another value is INVALID_ARGUMENT.
   */
  'state': (string);
  /**
   * 0 means 100; larger than 1000 means 1000; negative is INVALID_ARGUMENT.
   */
  'pageSize': (number);
  /**
   * next_page_token of the previous page; empty for the first.
   */
  'pageToken': (string);
  /**
   * As GetRequest.stale.
   */
  'stale': (boolean);
}
