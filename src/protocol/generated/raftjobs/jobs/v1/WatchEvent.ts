// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One job transition (or a checkpoint). Fields that do not apply to the type are 0 or empty.
 */
export interface WatchEvent {
  /**
   * The log index of the entry whose apply made the transition (for a checkpoint: up to which
   * entry every matching event has been sent).
   */
  'index'?: (number | string | Long);
  /**
   * The event's place among all the events of its entry, from 0; 4294967295 in a checkpoint
   * means after every event of entry `index`.
   */
  'ordinal'?: (number);
  /**
   * submitted     a job was created (in state ready or scheduled; an idempotent duplicate is not).
   * replaced      a debounce submit replaced the payload, priority and run time of this pending
   * job.
   * leased        a worker got a lease: token, attempt, worker_id.
   * progress      the current attempt reported progress: token, percent, message.
   * completed     the attempt succeeded (the job is succeeded: terminal): token.
   * failed        the attempt failed and the job will run again after its backoff: token.
   * throttled     the worker said the remote side rate limited it: the attempt does not count,
   * the job is ready (or scheduled) again, and its group key (or queue) gets no
   * lease before until_ms: token, until_ms.
   * expired       the lease's TTL passed without a heartbeat; the job runs again: token.
   * abandoned     the worker's session went away holding the lease; the job runs again at once:
   * token, worker_id.
   * released      the worker gave the lease back unstarted (no attempt used): token, worker_id.
   * dead          the job ran out of attempts (terminal until RetryDead): token of the last
   * attempt, and `cause`. One event, not "failed" then "dead".
   * cancelled     Cancel; token of the lease it ended, or 0 when the job was not leased.
   * retried       RetryDead made a dead job ready again.
   * purged        the job was removed for good: its retention after it finished passed, its
   * queue's count bound was reached, or a bulk purge removed it (pending ones too).
   * checkpoint    not a transition: see "Watching jobs". Only index, ordinal and entry_time_ms
   * are set.
   */
  'type'?: (string);
  'jobId'?: (string);
  'queue'?: (string);
  /**
   * The lease's fencing token (see the list at `type`).
   */
  'token'?: (number | string | Long);
  /**
   * leased: the attempt number, from 1 (a released attempt's number is used again).
   */
  'attempt'?: (number);
  /**
   * leased, released, abandoned: the worker holding the lease.
   */
  'workerId'?: (string);
  /**
   * The entry's time on the cluster's replicated clock (see Conventions), ms since the epoch; for
   * a checkpoint, that of the entry it names (0 before the node applied any).
   */
  'entryTimeMs'?: (number | string | Long);
  /**
   * progress: 0..100.
   */
  'percent'?: (number | string);
  /**
   * progress: its message (empty when none).
   */
  'message'?: (string);
  /**
   * dead: what ended the last attempt: "failed", "expired" or "abandoned".
   */
  'cause'?: (string);
  /**
   * The job's group key (flow control); empty when it has none.
   */
  'group'?: (string);
  /**
   * throttled: no lease for the job's key (or queue) before this time, ms since the epoch.
   */
  'untilMs'?: (number | string | Long);
}

/**
 * One job transition (or a checkpoint). Fields that do not apply to the type are 0 or empty.
 */
export interface WatchEvent__Output {
  /**
   * The log index of the entry whose apply made the transition (for a checkpoint: up to which
   * entry every matching event has been sent).
   */
  'index': (number);
  /**
   * The event's place among all the events of its entry, from 0; 4294967295 in a checkpoint
   * means after every event of entry `index`.
   */
  'ordinal': (number);
  /**
   * submitted     a job was created (in state ready or scheduled; an idempotent duplicate is not).
   * replaced      a debounce submit replaced the payload, priority and run time of this pending
   * job.
   * leased        a worker got a lease: token, attempt, worker_id.
   * progress      the current attempt reported progress: token, percent, message.
   * completed     the attempt succeeded (the job is succeeded: terminal): token.
   * failed        the attempt failed and the job will run again after its backoff: token.
   * throttled     the worker said the remote side rate limited it: the attempt does not count,
   * the job is ready (or scheduled) again, and its group key (or queue) gets no
   * lease before until_ms: token, until_ms.
   * expired       the lease's TTL passed without a heartbeat; the job runs again: token.
   * abandoned     the worker's session went away holding the lease; the job runs again at once:
   * token, worker_id.
   * released      the worker gave the lease back unstarted (no attempt used): token, worker_id.
   * dead          the job ran out of attempts (terminal until RetryDead): token of the last
   * attempt, and `cause`. One event, not "failed" then "dead".
   * cancelled     Cancel; token of the lease it ended, or 0 when the job was not leased.
   * retried       RetryDead made a dead job ready again.
   * purged        the job was removed for good: its retention after it finished passed, its
   * queue's count bound was reached, or a bulk purge removed it (pending ones too).
   * checkpoint    not a transition: see "Watching jobs". Only index, ordinal and entry_time_ms
   * are set.
   */
  'type': (string);
  'jobId': (string);
  'queue': (string);
  /**
   * The lease's fencing token (see the list at `type`).
   */
  'token': (number);
  /**
   * leased: the attempt number, from 1 (a released attempt's number is used again).
   */
  'attempt': (number);
  /**
   * leased, released, abandoned: the worker holding the lease.
   */
  'workerId': (string);
  /**
   * The entry's time on the cluster's replicated clock (see Conventions), ms since the epoch; for
   * a checkpoint, that of the entry it names (0 before the node applied any).
   */
  'entryTimeMs': (number);
  /**
   * progress: 0..100.
   */
  'percent': (number);
  /**
   * progress: its message (empty when none).
   */
  'message': (string);
  /**
   * dead: what ended the last attempt: "failed", "expired" or "abandoned".
   */
  'cause': (string);
  /**
   * The job's group key (flow control); empty when it has none.
   */
  'group': (string);
  /**
   * throttled: no lease for the job's key (or queue) before this time, ms since the epoch.
   */
  'untilMs': (number);
}
