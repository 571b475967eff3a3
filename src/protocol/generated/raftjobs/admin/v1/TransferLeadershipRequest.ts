// Original file: proto/admin.proto


export interface TransferLeadershipRequest {
  /**
   * The node id (a voter) to hand leadership to.
   */
  'to'?: (string);
}

export interface TransferLeadershipRequest__Output {
  /**
   * The node id (a voter) to hand leadership to.
   */
  'to': (string);
}
