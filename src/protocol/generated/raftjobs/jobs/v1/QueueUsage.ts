// Original file: proto/jobs.proto

import type { GroupUsage as _raftjobs_jobs_v1_GroupUsage, GroupUsage__Output as _raftjobs_jobs_v1_GroupUsage__Output } from '../../../raftjobs/jobs/v1/GroupUsage.js';
import type { Long } from '@grpc/proto-loader';

/**
 * What a queue uses of its limits now, in the state of the node that answers.
 */
export interface QueueUsage {
  /**
   * Its jobs leased now (against QueuePolicy.concurrency).
   */
  'leased'?: (number);
  /**
   * Its jobs ready to lease now (held back ones included).
   */
  'ready'?: (number);
  /**
   * Leases the queue's bucket would grant now (rate), possibly fractional; -1: no rate.
   */
  'tokens'?: (number | string);
  /**
   * A throttle (scope QUEUE) holds the whole queue until this time, ms; 0: none.
   */
  'throttledUntilMs'?: (number | string | Long);
  /**
   * The busiest keys (most leased, then most ready, then by key), at most 20; then the other keys
   * a throttle holds, at most 20 more.
   */
  'busiestGroups'?: (_raftjobs_jobs_v1_GroupUsage)[];
  /**
   * Group keys the queue keeps records of: keys with jobs not finished, and recently used ones.
   */
  'groups'?: (number);
}

/**
 * What a queue uses of its limits now, in the state of the node that answers.
 */
export interface QueueUsage__Output {
  /**
   * Its jobs leased now (against QueuePolicy.concurrency).
   */
  'leased': (number);
  /**
   * Its jobs ready to lease now (held back ones included).
   */
  'ready': (number);
  /**
   * Leases the queue's bucket would grant now (rate), possibly fractional; -1: no rate.
   */
  'tokens': (number);
  /**
   * A throttle (scope QUEUE) holds the whole queue until this time, ms; 0: none.
   */
  'throttledUntilMs': (number);
  /**
   * The busiest keys (most leased, then most ready, then by key), at most 20; then the other keys
   * a throttle holds, at most 20 more.
   */
  'busiestGroups': (_raftjobs_jobs_v1_GroupUsage__Output)[];
  /**
   * Group keys the queue keeps records of: keys with jobs not finished, and recently used ones.
   */
  'groups': (number);
}
