// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface ProgressRequest {
  'jobId'?: (string);
  'token'?: (number | string | Long);
  /**
   * 0..100.
   */
  'percent'?: (number | string);
  /**
   * At most 256 characters.
   */
  'message'?: (string);
}

export interface ProgressRequest__Output {
  'jobId': (string);
  'token': (number);
  /**
   * 0..100.
   */
  'percent': (number);
  /**
   * At most 256 characters.
   */
  'message': (string);
}
