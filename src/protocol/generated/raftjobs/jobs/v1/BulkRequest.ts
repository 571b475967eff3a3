// Original file: proto/jobs.proto

import type { BulkAction as _raftjobs_jobs_v1_BulkAction, BulkAction__Output as _raftjobs_jobs_v1_BulkAction__Output } from '../../../raftjobs/jobs/v1/BulkAction.js';
import type { BulkFilter as _raftjobs_jobs_v1_BulkFilter, BulkFilter__Output as _raftjobs_jobs_v1_BulkFilter__Output } from '../../../raftjobs/jobs/v1/BulkFilter.js';

export interface BulkRequest {
  /**
   * Required.
   */
  'action'?: (_raftjobs_jobs_v1_BulkAction);
  /**
   * Unset: every job the action applies to.
   */
  'filter'?: (_raftjobs_jobs_v1_BulkFilter | null);
  /**
   * Count, change nothing.
   */
  'dryRun'?: (boolean);
  /**
   * Jobs acted on per replicated command, 1..10,000; 0 means 1,000.
   */
  'batchSize'?: (number);
  /**
   * CANCEL only: the cancel reason stored with each job, at most 16384 characters.
   */
  'reason'?: (string);
}

export interface BulkRequest__Output {
  /**
   * Required.
   */
  'action': (_raftjobs_jobs_v1_BulkAction__Output);
  /**
   * Unset: every job the action applies to.
   */
  'filter': (_raftjobs_jobs_v1_BulkFilter__Output | null);
  /**
   * Count, change nothing.
   */
  'dryRun': (boolean);
  /**
   * Jobs acted on per replicated command, 1..10,000; 0 means 1,000.
   */
  'batchSize': (number);
  /**
   * CANCEL only: the cancel reason stored with each job, at most 16384 characters.
   */
  'reason': (string);
}
