// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface Member {
  'id'?: (string);
  /**
   * voter | learner
   */
  'role'?: (string);
  /**
   * Where the member listens for peers (as added; for the first nodes, the cluster config's).
   */
  'address'?: (string);
  /**
   * Its data directory's incarnation once the cluster recorded it (0: not yet).
   */
  'incarnation'?: (number);
  /**
   * Leader only (`progress_known`): its match index, and whether it answers from another data
   * directory than recorded (it lost its disk and is refused: remove it and add it again).
   */
  'progressKnown'?: (boolean);
  'matchIndex'?: (number | string | Long);
  'refused'?: (boolean);
}

export interface Member__Output {
  'id': (string);
  /**
   * voter | learner
   */
  'role': (string);
  /**
   * Where the member listens for peers (as added; for the first nodes, the cluster config's).
   */
  'address': (string);
  /**
   * Its data directory's incarnation once the cluster recorded it (0: not yet).
   */
  'incarnation': (number);
  /**
   * Leader only (`progress_known`): its match index, and whether it answers from another data
   * directory than recorded (it lost its disk and is refused: remove it and add it again).
   */
  'progressKnown': (boolean);
  'matchIndex': (number);
  'refused': (boolean);
}
