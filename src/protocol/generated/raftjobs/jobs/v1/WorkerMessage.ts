// Original file: proto/jobs.proto

import type { Hello as _raftjobs_jobs_v1_Hello, Hello__Output as _raftjobs_jobs_v1_Hello__Output } from '../../../raftjobs/jobs/v1/Hello.js';
import type { HeartbeatRequest as _raftjobs_jobs_v1_HeartbeatRequest, HeartbeatRequest__Output as _raftjobs_jobs_v1_HeartbeatRequest__Output } from '../../../raftjobs/jobs/v1/HeartbeatRequest.js';
import type { ProgressRequest as _raftjobs_jobs_v1_ProgressRequest, ProgressRequest__Output as _raftjobs_jobs_v1_ProgressRequest__Output } from '../../../raftjobs/jobs/v1/ProgressRequest.js';
import type { CompleteRequest as _raftjobs_jobs_v1_CompleteRequest, CompleteRequest__Output as _raftjobs_jobs_v1_CompleteRequest__Output } from '../../../raftjobs/jobs/v1/CompleteRequest.js';
import type { FailRequest as _raftjobs_jobs_v1_FailRequest, FailRequest__Output as _raftjobs_jobs_v1_FailRequest__Output } from '../../../raftjobs/jobs/v1/FailRequest.js';
import type { WorkerBatch as _raftjobs_jobs_v1_WorkerBatch, WorkerBatch__Output as _raftjobs_jobs_v1_WorkerBatch__Output } from '../../../raftjobs/jobs/v1/WorkerBatch.js';
import type { ReleaseRequest as _raftjobs_jobs_v1_ReleaseRequest, ReleaseRequest__Output as _raftjobs_jobs_v1_ReleaseRequest__Output } from '../../../raftjobs/jobs/v1/ReleaseRequest.js';
import type { Long } from '@grpc/proto-loader';

export interface WorkerMessage {
  /**
   * Chosen by the worker; echoed in the answer (exactly, up to 2^53 - 1).
   */
  'requestId'?: (number | string | Long);
  'hello'?: (_raftjobs_jobs_v1_Hello | null);
  'heartbeat'?: (_raftjobs_jobs_v1_HeartbeatRequest | null);
  'progress'?: (_raftjobs_jobs_v1_ProgressRequest | null);
  'complete'?: (_raftjobs_jobs_v1_CompleteRequest | null);
  'fail'?: (_raftjobs_jobs_v1_FailRequest | null);
  /**
   * Several messages in one, handled as if sent one by one in this order (not nested batches).
   */
  'batch'?: (_raftjobs_jobs_v1_WorkerBatch | null);
  /**
   * Leases this worker received but will not run (never started: it is closing, or has no free
   * slot). They go back to ready in their old place without using up an attempt. Answered by an
   * Ack with the same request_id: ok, with a message naming the listed leases that were ignored
   * because they are not current leases of this stream's session (ended meanwhile, or another
   * session's), which are never touched.
   */
  'release'?: (_raftjobs_jobs_v1_ReleaseRequest | null);
  'body'?: "hello"|"heartbeat"|"progress"|"complete"|"fail"|"batch"|"release";
}

export interface WorkerMessage__Output {
  /**
   * Chosen by the worker; echoed in the answer (exactly, up to 2^53 - 1).
   */
  'requestId': (number);
  'hello'?: (_raftjobs_jobs_v1_Hello__Output | null);
  'heartbeat'?: (_raftjobs_jobs_v1_HeartbeatRequest__Output | null);
  'progress'?: (_raftjobs_jobs_v1_ProgressRequest__Output | null);
  'complete'?: (_raftjobs_jobs_v1_CompleteRequest__Output | null);
  'fail'?: (_raftjobs_jobs_v1_FailRequest__Output | null);
  /**
   * Several messages in one, handled as if sent one by one in this order (not nested batches).
   */
  'batch'?: (_raftjobs_jobs_v1_WorkerBatch__Output | null);
  /**
   * Leases this worker received but will not run (never started: it is closing, or has no free
   * slot). They go back to ready in their old place without using up an attempt. Answered by an
   * Ack with the same request_id: ok, with a message naming the listed leases that were ignored
   * because they are not current leases of this stream's session (ended meanwhile, or another
   * session's), which are never touched.
   */
  'release'?: (_raftjobs_jobs_v1_ReleaseRequest__Output | null);
  'body'?: "hello"|"heartbeat"|"progress"|"complete"|"fail"|"batch"|"release";
}
