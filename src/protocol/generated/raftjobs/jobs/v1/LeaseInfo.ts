// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseInfo {
  'token'?: (number | string | Long);
  'workerId'?: (string);
  'expiresAtMs'?: (number | string | Long);
  'ttlMs'?: (number | string | Long);
  'attempt'?: (number);
}

export interface LeaseInfo__Output {
  'token': (number);
  'workerId': (string);
  'expiresAtMs': (number);
  'ttlMs': (number);
  'attempt': (number);
}
