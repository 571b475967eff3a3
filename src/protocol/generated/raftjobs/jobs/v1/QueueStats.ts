// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface QueueStats {
  'queue'?: (string);
  'scheduled'?: (number | string | Long);
  'ready'?: (number | string | Long);
  'leased'?: (number | string | Long);
  'succeeded'?: (number | string | Long);
  'dead'?: (number | string | Long);
  'cancelled'?: (number | string | Long);
}

export interface QueueStats__Output {
  'queue': (string);
  'scheduled': (number);
  'ready': (number);
  'leased': (number);
  'succeeded': (number);
  'dead': (number);
  'cancelled': (number);
}
