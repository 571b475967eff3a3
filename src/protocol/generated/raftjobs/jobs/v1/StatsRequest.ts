// Original file: proto/jobs.proto


export interface StatsRequest {
  /**
   * As GetRequest.stale.
   */
  'stale'?: (boolean);
}

export interface StatsRequest__Output {
  /**
   * As GetRequest.stale.
   */
  'stale': (boolean);
}
