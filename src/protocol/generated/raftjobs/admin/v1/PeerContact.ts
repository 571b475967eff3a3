// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface PeerContact {
  'id'?: (string);
  /**
   * How long ago its last message arrived, ms.
   */
  'agoMs'?: (number | string | Long);
}

export interface PeerContact__Output {
  'id': (string);
  /**
   * How long ago its last message arrived, ms.
   */
  'agoMs': (number);
}
