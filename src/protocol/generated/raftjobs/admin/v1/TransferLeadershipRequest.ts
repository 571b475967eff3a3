// Original file: proto/admin.proto


export interface TransferLeadershipRequest {
  /**
   * The node id (as in the cluster config) to hand leadership to.
   */
  'to'?: (string);
}

export interface TransferLeadershipRequest__Output {
  /**
   * The node id (as in the cluster config) to hand leadership to.
   */
  'to': (string);
}
