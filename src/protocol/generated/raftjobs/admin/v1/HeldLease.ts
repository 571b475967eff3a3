// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface HeldLease {
  'jobId'?: (string);
  'token'?: (number | string | Long);
}

export interface HeldLease__Output {
  'jobId': (string);
  'token': (number);
}
