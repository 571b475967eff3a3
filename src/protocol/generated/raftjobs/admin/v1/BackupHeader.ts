// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface BackupHeader {
  /**
   * The cluster the copy was taken from.
   */
  'clusterId'?: (string);
  /**
   * The node that took it (the leader when the call began).
   */
  'nodeId'?: (string);
  /**
   * The copy is of the state after applying every log entry up to this index, of this term.
   */
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  /**
   * When the node took the copy, ms since the epoch on its wall clock.
   */
  'createdAtMs'?: (number | string | Long);
  /**
   * Length of the state: the sum of the data chunks' lengths, bytes.
   */
  'sizeBytes'?: (number | string | Long);
  /**
   * Jobs and schedules in the copy (finished jobs not purged yet included).
   */
  'jobs'?: (number | string | Long);
  'schedules'?: (number);
}

export interface BackupHeader__Output {
  /**
   * The cluster the copy was taken from.
   */
  'clusterId': (string);
  /**
   * The node that took it (the leader when the call began).
   */
  'nodeId': (string);
  /**
   * The copy is of the state after applying every log entry up to this index, of this term.
   */
  'index': (number);
  'term': (number);
  /**
   * When the node took the copy, ms since the epoch on its wall clock.
   */
  'createdAtMs': (number);
  /**
   * Length of the state: the sum of the data chunks' lengths, bytes.
   */
  'sizeBytes': (number);
  /**
   * Jobs and schedules in the copy (finished jobs not purged yet included).
   */
  'jobs': (number);
  'schedules': (number);
}
