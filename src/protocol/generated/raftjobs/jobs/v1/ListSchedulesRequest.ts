// Original file: proto/jobs.proto


export interface ListSchedulesRequest {
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

export interface ListSchedulesRequest__Output {
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
