// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface BulkResponse {
  /**
   * dry_run: the jobs the action would act on now; 0 otherwise.
   */
  'matched'?: (number | string | Long);
  /**
   * Not dry_run: the jobs it acted on; 0 for a dry run.
   */
  'affected'?: (number | string | Long);
  /**
   * Replicated commands it took (0 for a dry run).
   */
  'batches'?: (number);
  'dryRun'?: (boolean);
}

export interface BulkResponse__Output {
  /**
   * dry_run: the jobs the action would act on now; 0 otherwise.
   */
  'matched': (number);
  /**
   * Not dry_run: the jobs it acted on; 0 for a dry run.
   */
  'affected': (number);
  /**
   * Replicated commands it took (0 for a dry run).
   */
  'batches': (number);
  'dryRun': (boolean);
}
