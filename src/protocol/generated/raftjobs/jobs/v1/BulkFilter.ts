// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Which jobs a bulk action touches: every condition given must hold.
 */
export interface BulkFilter {
  /**
   * Only jobs of this queue; empty: every queue.
   */
  'queue'?: (string);
  /**
   * Only jobs in one of these states (see Job.state); empty: every state the action applies to.
   * A state the action does not apply to (CANCEL of dead jobs, RETRY_DEAD of ready ones, PURGE
   * of leased ones) is INVALID_ARGUMENT.
   */
  'states'?: (string)[];
  /**
   * Only jobs with this group key; "" (set): only jobs without one; unset: any.
   */
  'group'?: (string);
  /**
   * Only jobs submitted at least this long ago, ms: 0..365 days; 0: any.
   */
  'olderThanMs'?: (number | string | Long);
  '_group'?: "group";
}

/**
 * Which jobs a bulk action touches: every condition given must hold.
 */
export interface BulkFilter__Output {
  /**
   * Only jobs of this queue; empty: every queue.
   */
  'queue': (string);
  /**
   * Only jobs in one of these states (see Job.state); empty: every state the action applies to.
   * A state the action does not apply to (CANCEL of dead jobs, RETRY_DEAD of ready ones, PURGE
   * of leased ones) is INVALID_ARGUMENT.
   */
  'states': (string)[];
  /**
   * Only jobs with this group key; "" (set): only jobs without one; unset: any.
   */
  'group'?: (string);
  /**
   * Only jobs submitted at least this long ago, ms: 0..365 days; 0: any.
   */
  'olderThanMs': (number);
  '_group'?: "group";
}
