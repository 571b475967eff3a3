// Original file: proto/jobs.proto

import type { Backoff as _raftjobs_jobs_v1_Backoff, Backoff__Output as _raftjobs_jobs_v1_Backoff__Output } from '../../../raftjobs/jobs/v1/Backoff.js';
import type { Unique as _raftjobs_jobs_v1_Unique, Unique__Output as _raftjobs_jobs_v1_Unique__Output } from '../../../raftjobs/jobs/v1/Unique.js';
import type { Long } from '@grpc/proto-loader';

export interface JobSpec {
  /**
   * [A-Za-z0-9._:-], 1..128 characters (`limits.maxQueueNameLength`). Required.
   */
  'queue'?: (string);
  /**
   * Opaque to the cluster; at most 1 MiB (`limits.maxPayloadBytes`). May be empty.
   */
  'payload'?: (Buffer | Uint8Array | string);
  /**
   * Any int32; higher runs first within its queue (then earlier run_at, then submit order).
   * Default 0; negative values run after the default.
   */
  'priority'?: (number);
  /**
   * At most one of delay_ms and run_at_ms. delay_ms: run this long after the submit commits,
   * 0..365 days; 0: at once.
   */
  'delayMs'?: (number | string | Long);
  /**
   * Run at this time (ms since the epoch) or later; at most 365 days ahead. 0: at once; a past
   * time means at once.
   */
  'runAtMs'?: (number | string | Long);
  /**
   * Most attempts (leases that count), 1..1000. 0 means the server default, 3
   * (`jobs.defaultMaxAttempts`).
   */
  'maxAttempts'?: (number);
  /**
   * How a failed or expired attempt is retried; unset: the server default (see Backoff).
   */
  'backoff'?: (_raftjobs_jobs_v1_Backoff | null);
  /**
   * The lease TTL of each attempt, 100 ms..24 h, unless the worker asks for its own
   * (Hello.lease_ttl_ms, LeaseRequest.ttl_ms). 0 means the server default, 30 s
   * (`jobs.defaultLeaseTtlMs`).
   */
  'leaseTtlMs'?: (number | string | Long);
  /**
   * J7: a second submit with the same queue and key within the idempotency window (24 h,
   * `jobs.idempotencyWindowMs`, from the first submit) returns the first job (duplicate=true)
   * instead of creating one, even after the first job finished or was purged. 1..256 characters
   * (`limits.maxKeyLength`); empty: no key. The SDK sets one on every submit. (A node remembers the
   * keys of at most 500,000 purged jobs, `jobs.retention.maxPurgedJobKeys`, forgetting the oldest
   * first.)
   */
  'idempotencyKey'?: (string);
  /**
   * How long the job is kept once finished, 0..365 days. `optional`: 0 (purge at once) differs
   * from unset (the queue's or the state's default: `jobs.retention.succeededMs` and
   * `cancelledMs` 24 h, `deadMs` 7 days, or `jobs.retention.queues.<queue>`). Each queue also keeps
   * at most 10,000 succeeded, 10,000 cancelled and 100,000 dead jobs
   * (`jobs.retention.maxSucceeded`, `maxCancelled`, `maxDead`), purging the oldest first.
   */
  'retentionMs'?: (number | string | Long);
  /**
   * ---- Flow control (issue 19) ----
   * The job's group key: a customer, tenant or API key. The queue's per-group concurrency limit,
   * per-group rate limit and fairness apply to it (see the Queues service), and a worker's
   * throttle of scope KEY holds back the jobs of this key only. 1..256 characters, no NUL; empty:
   * no group (only the queue's own limits apply).
   */
  'group'?: (string);
  /**
   * Uniqueness beside the idempotency key; unset: none. See Unique.
   */
  'unique'?: (_raftjobs_jobs_v1_Unique | null);
  '_retentionMs'?: "retentionMs";
}

export interface JobSpec__Output {
  /**
   * [A-Za-z0-9._:-], 1..128 characters (`limits.maxQueueNameLength`). Required.
   */
  'queue': (string);
  /**
   * Opaque to the cluster; at most 1 MiB (`limits.maxPayloadBytes`). May be empty.
   */
  'payload': (Buffer);
  /**
   * Any int32; higher runs first within its queue (then earlier run_at, then submit order).
   * Default 0; negative values run after the default.
   */
  'priority': (number);
  /**
   * At most one of delay_ms and run_at_ms. delay_ms: run this long after the submit commits,
   * 0..365 days; 0: at once.
   */
  'delayMs': (number);
  /**
   * Run at this time (ms since the epoch) or later; at most 365 days ahead. 0: at once; a past
   * time means at once.
   */
  'runAtMs': (number);
  /**
   * Most attempts (leases that count), 1..1000. 0 means the server default, 3
   * (`jobs.defaultMaxAttempts`).
   */
  'maxAttempts': (number);
  /**
   * How a failed or expired attempt is retried; unset: the server default (see Backoff).
   */
  'backoff': (_raftjobs_jobs_v1_Backoff__Output | null);
  /**
   * The lease TTL of each attempt, 100 ms..24 h, unless the worker asks for its own
   * (Hello.lease_ttl_ms, LeaseRequest.ttl_ms). 0 means the server default, 30 s
   * (`jobs.defaultLeaseTtlMs`).
   */
  'leaseTtlMs': (number);
  /**
   * J7: a second submit with the same queue and key within the idempotency window (24 h,
   * `jobs.idempotencyWindowMs`, from the first submit) returns the first job (duplicate=true)
   * instead of creating one, even after the first job finished or was purged. 1..256 characters
   * (`limits.maxKeyLength`); empty: no key. The SDK sets one on every submit. (A node remembers the
   * keys of at most 500,000 purged jobs, `jobs.retention.maxPurgedJobKeys`, forgetting the oldest
   * first.)
   */
  'idempotencyKey': (string);
  /**
   * How long the job is kept once finished, 0..365 days. `optional`: 0 (purge at once) differs
   * from unset (the queue's or the state's default: `jobs.retention.succeededMs` and
   * `cancelledMs` 24 h, `deadMs` 7 days, or `jobs.retention.queues.<queue>`). Each queue also keeps
   * at most 10,000 succeeded, 10,000 cancelled and 100,000 dead jobs
   * (`jobs.retention.maxSucceeded`, `maxCancelled`, `maxDead`), purging the oldest first.
   */
  'retentionMs'?: (number);
  /**
   * ---- Flow control (issue 19) ----
   * The job's group key: a customer, tenant or API key. The queue's per-group concurrency limit,
   * per-group rate limit and fairness apply to it (see the Queues service), and a worker's
   * throttle of scope KEY holds back the jobs of this key only. 1..256 characters, no NUL; empty:
   * no group (only the queue's own limits apply).
   */
  'group': (string);
  /**
   * Uniqueness beside the idempotency key; unset: none. See Unique.
   */
  'unique': (_raftjobs_jobs_v1_Unique__Output | null);
  '_retentionMs'?: "retentionMs";
}
