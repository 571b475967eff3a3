// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Backlog caps and the free-disk floor (jobs.proto, "Resource guards").
 */
export interface ResourceGuards {
  /**
   * Not-finished jobs (scheduled, ready, leased) in this node's state, and their payload bytes.
   */
  'backlogJobs'?: (number | string | Long);
  'backlogPayloadBytes'?: (number | string | Long);
  /**
   * `limits.maxBacklogJobs` and `limits.maxBacklogPayloadBytes`; 0: off.
   */
  'maxBacklogJobs'?: (number | string | Long);
  'maxBacklogPayloadBytes'?: (number | string | Long);
  /**
   * Free bytes (for unprivileged users) of the file system of this node's data directory at its
   * last check, every `server.diskCheckIntervalMs`; `disk_checked` false: not known (no check
   * yet, the last one failed, or the floor is off).
   */
  'diskChecked'?: (boolean);
  'diskFreeBytes'?: (number | string | Long);
  /**
   * `limits.minFreeDiskBytes`; 0: off.
   */
  'minFreeDiskBytes'?: (number | string | Long);
  /**
   * Why a submit would be refused now were this node the leader, else empty: its backlog (the same
   * on every node, up to replication lag) or its own disk. `refused_limit` is the guard's config
   * path, as `x-limit` of the LIMIT_EXCEEDED a submit gets.
   */
  'refusedLimit'?: (string);
  'refusedReason'?: (string);
  /**
   * This node's disk is below the floor, whatever its role: a follower with a full disk stops,
   * and a majority of them stops commits.
   */
  'diskLow'?: (boolean);
}

/**
 * Backlog caps and the free-disk floor (jobs.proto, "Resource guards").
 */
export interface ResourceGuards__Output {
  /**
   * Not-finished jobs (scheduled, ready, leased) in this node's state, and their payload bytes.
   */
  'backlogJobs': (number);
  'backlogPayloadBytes': (number);
  /**
   * `limits.maxBacklogJobs` and `limits.maxBacklogPayloadBytes`; 0: off.
   */
  'maxBacklogJobs': (number);
  'maxBacklogPayloadBytes': (number);
  /**
   * Free bytes (for unprivileged users) of the file system of this node's data directory at its
   * last check, every `server.diskCheckIntervalMs`; `disk_checked` false: not known (no check
   * yet, the last one failed, or the floor is off).
   */
  'diskChecked': (boolean);
  'diskFreeBytes': (number);
  /**
   * `limits.minFreeDiskBytes`; 0: off.
   */
  'minFreeDiskBytes': (number);
  /**
   * Why a submit would be refused now were this node the leader, else empty: its backlog (the same
   * on every node, up to replication lag) or its own disk. `refused_limit` is the guard's config
   * path, as `x-limit` of the LIMIT_EXCEEDED a submit gets.
   */
  'refusedLimit': (string);
  'refusedReason': (string);
  /**
   * This node's disk is below the floor, whatever its role: a follower with a full disk stops,
   * and a majority of them stops commits.
   */
  'diskLow': (boolean);
}
