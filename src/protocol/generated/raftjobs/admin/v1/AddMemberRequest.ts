// Original file: proto/admin.proto


export interface AddMemberRequest {
  'id'?: (string);
  /**
   * host:port of the new node's gRPC server, which the other nodes dial.
   */
  'address'?: (string);
  /**
   * The new node's data-directory incarnation if known (a joining node sends its own), else 0.
   */
  'incarnation'?: (number);
  /**
   * The cluster id the caller expects; when set and different, FAILED_PRECONDITION.
   */
  'clusterId'?: (string);
}

export interface AddMemberRequest__Output {
  'id': (string);
  /**
   * host:port of the new node's gRPC server, which the other nodes dial.
   */
  'address': (string);
  /**
   * The new node's data-directory incarnation if known (a joining node sends its own), else 0.
   */
  'incarnation': (number);
  /**
   * The cluster id the caller expects; when set and different, FAILED_PRECONDITION.
   */
  'clusterId': (string);
}
