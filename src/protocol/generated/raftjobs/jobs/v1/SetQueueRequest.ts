// Original file: proto/jobs.proto

import type { RateLimit as _raftjobs_jobs_v1_RateLimit, RateLimit__Output as _raftjobs_jobs_v1_RateLimit__Output } from '../../../raftjobs/jobs/v1/RateLimit.js';

/**
 * A change of a queue's policy: what is set changes, what is absent stays as it is. Limits are
 * removed with 0 (rates with a RateLimit whose limit is 0). A policy left with nothing set (not
 * paused, no limit) is removed. A queue that has no jobs yet may be given a policy.
 */
export interface SetQueueRequest {
  /**
   * [A-Za-z0-9._:-], 1..128 characters. Required.
   */
  'queue'?: (string);
  /**
   * Absent: unchanged.
   */
  'paused'?: (boolean);
  /**
   * Absent: unchanged; 0: no limit; else 1..1,000,000.
   */
  'concurrency'?: (number);
  /**
   * Absent: unchanged; 0: no limit; else 1..1,000,000.
   */
  'groupConcurrency'?: (number);
  /**
   * Per-key overrides to change: each listed key's override is set (1..1,000,000) or removed (0);
   * keys not listed keep theirs. Keys as JobSpec.group. At most 10,000 entries per request, and
   * 10,000 overrides stored per queue (more is LIMIT_EXCEEDED). An override holds even without a
   * group_concurrency. The change must fit in one log entry (`limits.maxEntryBytes`, 2 MiB by
   * default; INVALID_ARGUMENT beyond, nothing changes): change very many overrides in several
   * requests.
   */
  'groupConcurrencyOverrides'?: ({[key: string]: number});
  /**
   * Absent: unchanged; limit 0: no bucket; else the new bucket (it starts full).
   */
  'rate'?: (_raftjobs_jobs_v1_RateLimit | null);
  /**
   * Absent: unchanged; limit 0: no bucket; else every key's new bucket.
   */
  'groupRate'?: (_raftjobs_jobs_v1_RateLimit | null);
  '_paused'?: "paused";
  '_concurrency'?: "concurrency";
  '_groupConcurrency'?: "groupConcurrency";
}

/**
 * A change of a queue's policy: what is set changes, what is absent stays as it is. Limits are
 * removed with 0 (rates with a RateLimit whose limit is 0). A policy left with nothing set (not
 * paused, no limit) is removed. A queue that has no jobs yet may be given a policy.
 */
export interface SetQueueRequest__Output {
  /**
   * [A-Za-z0-9._:-], 1..128 characters. Required.
   */
  'queue': (string);
  /**
   * Absent: unchanged.
   */
  'paused'?: (boolean);
  /**
   * Absent: unchanged; 0: no limit; else 1..1,000,000.
   */
  'concurrency'?: (number);
  /**
   * Absent: unchanged; 0: no limit; else 1..1,000,000.
   */
  'groupConcurrency'?: (number);
  /**
   * Per-key overrides to change: each listed key's override is set (1..1,000,000) or removed (0);
   * keys not listed keep theirs. Keys as JobSpec.group. At most 10,000 entries per request, and
   * 10,000 overrides stored per queue (more is LIMIT_EXCEEDED). An override holds even without a
   * group_concurrency. The change must fit in one log entry (`limits.maxEntryBytes`, 2 MiB by
   * default; INVALID_ARGUMENT beyond, nothing changes): change very many overrides in several
   * requests.
   */
  'groupConcurrencyOverrides': ({[key: string]: number});
  /**
   * Absent: unchanged; limit 0: no bucket; else the new bucket (it starts full).
   */
  'rate': (_raftjobs_jobs_v1_RateLimit__Output | null);
  /**
   * Absent: unchanged; limit 0: no bucket; else every key's new bucket.
   */
  'groupRate': (_raftjobs_jobs_v1_RateLimit__Output | null);
  '_paused'?: "paused";
  '_concurrency'?: "concurrency";
  '_groupConcurrency'?: "groupConcurrency";
}
