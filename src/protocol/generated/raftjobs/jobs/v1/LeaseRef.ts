// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseRef {
  'jobId'?: (string);
  'token'?: (number | string | Long);
}

export interface LeaseRef__Output {
  'jobId': (string);
  'token': (number);
}
