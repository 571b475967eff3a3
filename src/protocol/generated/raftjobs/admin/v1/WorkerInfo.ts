// Original file: proto/admin.proto

import type { HeldLease as _raftjobs_admin_v1_HeldLease, HeldLease__Output as _raftjobs_admin_v1_HeldLease__Output } from '../../../raftjobs/admin/v1/HeldLease.js';
import type { Long } from '@grpc/proto-loader';

export interface WorkerInfo {
  'workerId'?: (string);
  'queues'?: (string)[];
  'capacity'?: (number);
  /**
   * Lease TTL the worker asked for; 0 uses each job's.
   */
  'leaseTtlMs'?: (number | string | Long);
  /**
   * Leases the worker holds (in flight).
   */
  'held'?: (_raftjobs_admin_v1_HeldLease)[];
  'connectedAtMs'?: (number | string | Long);
  /**
   * Last message received on the stream.
   */
  'lastSeenAtMs'?: (number | string | Long);
  /**
   * The worker's network address as this node sees it.
   */
  'peer'?: (string);
  /**
   * The session its leases are granted to (Hello.session_id, or the one the server made up for a
   * Hello without one). Two processes under one worker_id show as two entries with their sessions.
   */
  'sessionId'?: (string);
}

export interface WorkerInfo__Output {
  'workerId': (string);
  'queues': (string)[];
  'capacity': (number);
  /**
   * Lease TTL the worker asked for; 0 uses each job's.
   */
  'leaseTtlMs': (number);
  /**
   * Leases the worker holds (in flight).
   */
  'held': (_raftjobs_admin_v1_HeldLease__Output)[];
  'connectedAtMs': (number);
  /**
   * Last message received on the stream.
   */
  'lastSeenAtMs': (number);
  /**
   * The worker's network address as this node sees it.
   */
  'peer': (string);
  /**
   * The session its leases are granted to (Hello.session_id, or the one the server made up for a
   * Hello without one). Two processes under one worker_id show as two entries with their sessions.
   */
  'sessionId': (string);
}
