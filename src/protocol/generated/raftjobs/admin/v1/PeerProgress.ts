// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface PeerProgress {
  'id'?: (string);
  'matchIndex'?: (number | string | Long);
  'nextIndex'?: (number | string | Long);
  /**
   * probe | replicate | snapshot
   */
  'state'?: (string);
}

export interface PeerProgress__Output {
  'id': (string);
  'matchIndex': (number);
  'nextIndex': (number);
  /**
   * probe | replicate | snapshot
   */
  'state': (string);
}
