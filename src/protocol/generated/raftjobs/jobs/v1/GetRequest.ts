// Original file: proto/jobs.proto


export interface GetRequest {
  'id'?: (string);
  /**
   * Read this node's state instead of a linearizable read through the leader (see "Leaders,
   * forwarding and reads").
   */
  'stale'?: (boolean);
}

export interface GetRequest__Output {
  'id': (string);
  /**
   * Read this node's state instead of a linearizable read through the leader (see "Leaders,
   * forwarding and reads").
   */
  'stale': (boolean);
}
