// Original file: proto/jobs.proto


export interface GetScheduleRequest {
  'id'?: (string);
  /**
   * As GetRequest.stale.
   */
  'stale'?: (boolean);
}

export interface GetScheduleRequest__Output {
  'id': (string);
  /**
   * As GetRequest.stale.
   */
  'stale': (boolean);
}
