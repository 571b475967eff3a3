// Original file: proto/admin.proto


export interface StatusRequest {
  /**
   * Leave state_digest empty. Hashing the whole job state takes time on a large state (seconds for
   * a million jobs; the node keeps serving meanwhile), so ask for it only when you compare nodes.
   */
  'skipDigest'?: (boolean);
}

export interface StatusRequest__Output {
  /**
   * Leave state_digest empty. Hashing the whole job state takes time on a large state (seconds for
   * a million jobs; the node keeps serving meanwhile), so ask for it only when you compare nodes.
   */
  'skipDigest': (boolean);
}
