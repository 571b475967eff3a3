// Original file: proto/jobs.proto

import type { HeartbeatResult as _raftjobs_jobs_v1_HeartbeatResult, HeartbeatResult__Output as _raftjobs_jobs_v1_HeartbeatResult__Output } from '../../../raftjobs/jobs/v1/HeartbeatResult.js';
import type { Long } from '@grpc/proto-loader';

export interface HeartbeatResponse {
  /**
   * One per listed lease, in order.
   */
  'leases'?: (_raftjobs_jobs_v1_HeartbeatResult)[];
  /**
   * The leader's replicated time when the leases were extended (expires_at_ms is on this clock).
   * A worker computes its local deadline as (expires_at_ms - server_time_ms) after it sent the
   * heartbeat, and aborts the handler then if no later heartbeat extended the lease.
   */
  'serverTimeMs'?: (number | string | Long);
}

export interface HeartbeatResponse__Output {
  /**
   * One per listed lease, in order.
   */
  'leases': (_raftjobs_jobs_v1_HeartbeatResult__Output)[];
  /**
   * The leader's replicated time when the leases were extended (expires_at_ms is on this clock).
   * A worker computes its local deadline as (expires_at_ms - server_time_ms) after it sent the
   * heartbeat, and aborts the handler then if no later heartbeat extended the lease.
   */
  'serverTimeMs': (number);
}
