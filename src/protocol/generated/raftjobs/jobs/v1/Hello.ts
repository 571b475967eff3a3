// Original file: proto/jobs.proto

import type { LeaseRef as _raftjobs_jobs_v1_LeaseRef, LeaseRef__Output as _raftjobs_jobs_v1_LeaseRef__Output } from '../../../raftjobs/jobs/v1/LeaseRef.js';
import type { Long } from '@grpc/proto-loader';

export interface Hello {
  /**
   * Names the worker (shown in job history): 1..256 characters.
   */
  'workerId'?: (string);
  /**
   * The queues to lease from: 1..64 names.
   */
  'queues'?: (string)[];
  /**
   * Most jobs this worker holds at once, 0..10000. 0: send no leases (a goodbye when followed by
   * a half-close).
   */
  'capacity'?: (number);
  /**
   * Lease TTL to ask for, 100 ms..24 h; 0 uses each job's (JobSpec.lease_ttl_ms). Negative is
   * refused.
   */
  'leaseTtlMs'?: (number | string | Long);
  /**
   * Leases the worker still holds (after reconnecting to a new leader): they count against capacity.
   * A lease whose completion or failure was sent but not acknowledged is still held: list it (left
   * out, it goes back to ready unless that outcome was recorded, and the resent outcome then finds
   * STALE_TOKEN). At most 10,000. On the first Hello of a stream, every lease of this session that is not listed
   * goes back to ready without using an attempt (the process never received it), and a listed lease
   * of this worker_id granted to another session is adopted by this one. On a later Hello, listed
   * leases only count against capacity.
   */
  'held'?: (_raftjobs_jobs_v1_LeaseRef)[];
  /**
   * The worker understands ServerMessage.acks: the server may then answer several outcomes in one
   * message. (A worker may send WorkerMessage.batch either way.)
   */
  'batchAcks'?: (boolean);
  /**
   * Names this worker process (one per process lifetime; a random id is fine). Leases are granted to
   * the pair (worker_id, session_id): a reconnect with the same session keeps its leases and gets
   * back, without using up an attempt, those it never received; another process with the same
   * worker_id (a restart under a fixed pod name) never touches them. Empty: the server makes one up
   * for this stream, so nothing survives a reconnect except the leases listed in `held`.
   * At most 128 characters. A later Hello on the same stream must keep worker_id and session_id (or
   * leave session_id empty). Send a later Hello only after the first Welcome: a later Hello is
   * answered at once, so its Welcome could arrive before the first one's (a Welcome carries no
   * request_id). Two live sessions with the same worker_id never disturb each other's
   * leases (the server logs a warning: give each process its own worker_id).
   */
  'sessionId'?: (string);
  /**
   * The version of this worker protocol the worker speaks (see Welcome.protocol_version); 0 (unset)
   * means 1. A server that cannot speak it ends the stream with FAILED_PRECONDITION naming both
   * versions, before anything is leased.
   */
  'protocolVersion'?: (number);
}

export interface Hello__Output {
  /**
   * Names the worker (shown in job history): 1..256 characters.
   */
  'workerId': (string);
  /**
   * The queues to lease from: 1..64 names.
   */
  'queues': (string)[];
  /**
   * Most jobs this worker holds at once, 0..10000. 0: send no leases (a goodbye when followed by
   * a half-close).
   */
  'capacity': (number);
  /**
   * Lease TTL to ask for, 100 ms..24 h; 0 uses each job's (JobSpec.lease_ttl_ms). Negative is
   * refused.
   */
  'leaseTtlMs': (number);
  /**
   * Leases the worker still holds (after reconnecting to a new leader): they count against capacity.
   * A lease whose completion or failure was sent but not acknowledged is still held: list it (left
   * out, it goes back to ready unless that outcome was recorded, and the resent outcome then finds
   * STALE_TOKEN). At most 10,000. On the first Hello of a stream, every lease of this session that is not listed
   * goes back to ready without using an attempt (the process never received it), and a listed lease
   * of this worker_id granted to another session is adopted by this one. On a later Hello, listed
   * leases only count against capacity.
   */
  'held': (_raftjobs_jobs_v1_LeaseRef__Output)[];
  /**
   * The worker understands ServerMessage.acks: the server may then answer several outcomes in one
   * message. (A worker may send WorkerMessage.batch either way.)
   */
  'batchAcks': (boolean);
  /**
   * Names this worker process (one per process lifetime; a random id is fine). Leases are granted to
   * the pair (worker_id, session_id): a reconnect with the same session keeps its leases and gets
   * back, without using up an attempt, those it never received; another process with the same
   * worker_id (a restart under a fixed pod name) never touches them. Empty: the server makes one up
   * for this stream, so nothing survives a reconnect except the leases listed in `held`.
   * At most 128 characters. A later Hello on the same stream must keep worker_id and session_id (or
   * leave session_id empty). Send a later Hello only after the first Welcome: a later Hello is
   * answered at once, so its Welcome could arrive before the first one's (a Welcome carries no
   * request_id). Two live sessions with the same worker_id never disturb each other's
   * leases (the server logs a warning: give each process its own worker_id).
   */
  'sessionId': (string);
  /**
   * The version of this worker protocol the worker speaks (see Welcome.protocol_version); 0 (unset)
   * means 1. A server that cannot speak it ends the stream with FAILED_PRECONDITION naming both
   * versions, before anything is leased.
   */
  'protocolVersion': (number);
}
