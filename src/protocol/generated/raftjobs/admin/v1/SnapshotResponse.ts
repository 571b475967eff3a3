// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface SnapshotResponse {
  'snapshotIndex'?: (number | string | Long);
}

export interface SnapshotResponse__Output {
  'snapshotIndex': (number);
}
