// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * ==== end of flow control ====
 * ## Watching jobs (Jobs.Watch)
 * Every transition of a job is an event with a position: `index`, the log index of the entry
 * whose apply made it, and `ordinal`, its place among all the events of that entry (from 0;
 * counted before any filter, and counting events the watch never sends, such as schedule
 * fires), so a
 * position names the same event on every node whatever a watcher filters. Positions only grow:
 * (index, ordinal) pairs compare index first. Ordinal 4294967295 (2^32 - 1) stands after every
 * event of its entry.
 * 
 * A watch sends, in position order, every event after its start position that matches its
 * filters, then each new one as its entry is applied on the node called, each exactly once. Its
 * first message is a checkpoint (type "checkpoint") at the start position. Later checkpoints come
 * when entries were applied but nothing was sent for about a second: every matching event up to
 * the checkpoint's position has been sent.
 * 
 * Resuming: keep the position of the last message received (event or checkpoint) and open a new
 * Watch with after_index and after_ordinal set to it, on any node: you get every matching event
 * after it, none twice and none missing. A node that has not applied that far yet waits until it
 * has. Each node keeps the newest events it applied (`watch.retainEvents`, default 100,000, and
 * at most `watch.retainBytes`, 64 MiB), and none from before its last start: a position older
 * than what it holds ends the watch with WATCH_POSITION_COMPACTED. Resync then: read the current
 * state (List, Get), then Watch with from_now (and ignore events older than what you read).
 * 
 * To learn when something happens to a job without missing it: open Watch with from_now and
 * wait for its first checkpoint, then read the job (a linearizable Get): any transition after
 * that read comes on the watch (this is how the SDK waits for a result).
 */
export interface WatchRequest {
  /**
   * Start after this position (see "Watching jobs"): the first event sent is the first matching
   * one after (after_index, after_ordinal). Both 0 (and from_now unset): from the first entry of
   * the log, which only a node that holds every event since then can serve.
   */
  'afterIndex'?: (number | string | Long);
  'afterOrdinal'?: (number);
  /**
   * Start after the last entry the node called has applied (after_index and after_ordinal must
   * then be 0). The first checkpoint names that position.
   */
  'fromNow'?: (boolean);
  /**
   * Only events of these queues; empty: every queue. At most 64.
   */
  'queues'?: (string)[];
  /**
   * Only events of these jobs; empty: every job. At most 1000 (`limits.maxBatchSize`).
   */
  'jobIds'?: (string)[];
  /**
   * Only events of these types (see WatchEvent.type, not "checkpoint"); empty: every type. An
   * unknown type is INVALID_ARGUMENT.
   */
  'types'?: (string)[];
  /**
   * Only events of jobs with these group keys (flow control); a job without a key never matches.
   * Empty: every job. At most 64.
   */
  'groups'?: (string)[];
}

/**
 * ==== end of flow control ====
 * ## Watching jobs (Jobs.Watch)
 * Every transition of a job is an event with a position: `index`, the log index of the entry
 * whose apply made it, and `ordinal`, its place among all the events of that entry (from 0;
 * counted before any filter, and counting events the watch never sends, such as schedule
 * fires), so a
 * position names the same event on every node whatever a watcher filters. Positions only grow:
 * (index, ordinal) pairs compare index first. Ordinal 4294967295 (2^32 - 1) stands after every
 * event of its entry.
 * 
 * A watch sends, in position order, every event after its start position that matches its
 * filters, then each new one as its entry is applied on the node called, each exactly once. Its
 * first message is a checkpoint (type "checkpoint") at the start position. Later checkpoints come
 * when entries were applied but nothing was sent for about a second: every matching event up to
 * the checkpoint's position has been sent.
 * 
 * Resuming: keep the position of the last message received (event or checkpoint) and open a new
 * Watch with after_index and after_ordinal set to it, on any node: you get every matching event
 * after it, none twice and none missing. A node that has not applied that far yet waits until it
 * has. Each node keeps the newest events it applied (`watch.retainEvents`, default 100,000, and
 * at most `watch.retainBytes`, 64 MiB), and none from before its last start: a position older
 * than what it holds ends the watch with WATCH_POSITION_COMPACTED. Resync then: read the current
 * state (List, Get), then Watch with from_now (and ignore events older than what you read).
 * 
 * To learn when something happens to a job without missing it: open Watch with from_now and
 * wait for its first checkpoint, then read the job (a linearizable Get): any transition after
 * that read comes on the watch (this is how the SDK waits for a result).
 */
export interface WatchRequest__Output {
  /**
   * Start after this position (see "Watching jobs"): the first event sent is the first matching
   * one after (after_index, after_ordinal). Both 0 (and from_now unset): from the first entry of
   * the log, which only a node that holds every event since then can serve.
   */
  'afterIndex': (number);
  'afterOrdinal': (number);
  /**
   * Start after the last entry the node called has applied (after_index and after_ordinal must
   * then be 0). The first checkpoint names that position.
   */
  'fromNow': (boolean);
  /**
   * Only events of these queues; empty: every queue. At most 64.
   */
  'queues': (string)[];
  /**
   * Only events of these jobs; empty: every job. At most 1000 (`limits.maxBatchSize`).
   */
  'jobIds': (string)[];
  /**
   * Only events of these types (see WatchEvent.type, not "checkpoint"); empty: every type. An
   * unknown type is INVALID_ARGUMENT.
   */
  'types': (string)[];
  /**
   * Only events of jobs with these group keys (flow control); a job without a key never matches.
   * Empty: every job. At most 64.
   */
  'groups': (string)[];
}
