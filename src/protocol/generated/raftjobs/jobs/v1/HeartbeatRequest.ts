// Original file: proto/jobs.proto

import type { LeaseRef as _raftjobs_jobs_v1_LeaseRef, LeaseRef__Output as _raftjobs_jobs_v1_LeaseRef__Output } from '../../../raftjobs/jobs/v1/LeaseRef.js';
import type { Long } from '@grpc/proto-loader';

export interface HeartbeatRequest {
  /**
   * At most Welcome.max_leases_per_message (1000, `limits.maxBatchSize`). Each listed lease is
   * extended, or refused on its own (HeartbeatResult.ok=false: STALE_TOKEN when it is no longer
   * the job's lease, NOT_FOUND): the worker should stop that job. On the stream, a heartbeat that
   * is refused as a whole (too many leases, a bad ttl) is answered with every listed lease
   * ok=false, code INVALID_ARGUMENT and the reason; those leases are not lost by it (send them
   * again, in smaller heartbeats). The unary Heartbeat fails with INVALID_ARGUMENT instead.
   */
  'leases'?: (_raftjobs_jobs_v1_LeaseRef)[];
  /**
   * The new TTL from now: 0 means each lease's own TTL; else 100 ms..24 h (negative is refused).
   */
  'ttlMs'?: (number | string | Long);
}

export interface HeartbeatRequest__Output {
  /**
   * At most Welcome.max_leases_per_message (1000, `limits.maxBatchSize`). Each listed lease is
   * extended, or refused on its own (HeartbeatResult.ok=false: STALE_TOKEN when it is no longer
   * the job's lease, NOT_FOUND): the worker should stop that job. On the stream, a heartbeat that
   * is refused as a whole (too many leases, a bad ttl) is answered with every listed lease
   * ok=false, code INVALID_ARGUMENT and the reason; those leases are not lost by it (send them
   * again, in smaller heartbeats). The unary Heartbeat fails with INVALID_ARGUMENT instead.
   */
  'leases': (_raftjobs_jobs_v1_LeaseRef__Output)[];
  /**
   * The new TTL from now: 0 means each lease's own TTL; else 100 ms..24 h (negative is refused).
   */
  'ttlMs': (number);
}
