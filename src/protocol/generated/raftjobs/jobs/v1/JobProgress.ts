// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface JobProgress {
  'percent'?: (number | string);
  'message'?: (string);
  'updatedAtMs'?: (number | string | Long);
}

export interface JobProgress__Output {
  'percent': (number);
  'message': (string);
  'updatedAtMs': (number);
}
