// Original file: proto/jobs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BulkRequest as _raftjobs_jobs_v1_BulkRequest, BulkRequest__Output as _raftjobs_jobs_v1_BulkRequest__Output } from '../../../raftjobs/jobs/v1/BulkRequest.js';
import type { BulkResponse as _raftjobs_jobs_v1_BulkResponse, BulkResponse__Output as _raftjobs_jobs_v1_BulkResponse__Output } from '../../../raftjobs/jobs/v1/BulkResponse.js';
import type { CancelRequest as _raftjobs_jobs_v1_CancelRequest, CancelRequest__Output as _raftjobs_jobs_v1_CancelRequest__Output } from '../../../raftjobs/jobs/v1/CancelRequest.js';
import type { GetRequest as _raftjobs_jobs_v1_GetRequest, GetRequest__Output as _raftjobs_jobs_v1_GetRequest__Output } from '../../../raftjobs/jobs/v1/GetRequest.js';
import type { Job as _raftjobs_jobs_v1_Job, Job__Output as _raftjobs_jobs_v1_Job__Output } from '../../../raftjobs/jobs/v1/Job.js';
import type { ListRequest as _raftjobs_jobs_v1_ListRequest, ListRequest__Output as _raftjobs_jobs_v1_ListRequest__Output } from '../../../raftjobs/jobs/v1/ListRequest.js';
import type { ListResponse as _raftjobs_jobs_v1_ListResponse, ListResponse__Output as _raftjobs_jobs_v1_ListResponse__Output } from '../../../raftjobs/jobs/v1/ListResponse.js';
import type { RetryDeadRequest as _raftjobs_jobs_v1_RetryDeadRequest, RetryDeadRequest__Output as _raftjobs_jobs_v1_RetryDeadRequest__Output } from '../../../raftjobs/jobs/v1/RetryDeadRequest.js';
import type { StatsRequest as _raftjobs_jobs_v1_StatsRequest, StatsRequest__Output as _raftjobs_jobs_v1_StatsRequest__Output } from '../../../raftjobs/jobs/v1/StatsRequest.js';
import type { StatsResponse as _raftjobs_jobs_v1_StatsResponse, StatsResponse__Output as _raftjobs_jobs_v1_StatsResponse__Output } from '../../../raftjobs/jobs/v1/StatsResponse.js';
import type { SubmitRequest as _raftjobs_jobs_v1_SubmitRequest, SubmitRequest__Output as _raftjobs_jobs_v1_SubmitRequest__Output } from '../../../raftjobs/jobs/v1/SubmitRequest.js';
import type { SubmitResponse as _raftjobs_jobs_v1_SubmitResponse, SubmitResponse__Output as _raftjobs_jobs_v1_SubmitResponse__Output } from '../../../raftjobs/jobs/v1/SubmitResponse.js';
import type { SubmitStreamRequest as _raftjobs_jobs_v1_SubmitStreamRequest, SubmitStreamRequest__Output as _raftjobs_jobs_v1_SubmitStreamRequest__Output } from '../../../raftjobs/jobs/v1/SubmitStreamRequest.js';
import type { SubmitStreamResponse as _raftjobs_jobs_v1_SubmitStreamResponse, SubmitStreamResponse__Output as _raftjobs_jobs_v1_SubmitStreamResponse__Output } from '../../../raftjobs/jobs/v1/SubmitStreamResponse.js';
import type { WaitForResultRequest as _raftjobs_jobs_v1_WaitForResultRequest, WaitForResultRequest__Output as _raftjobs_jobs_v1_WaitForResultRequest__Output } from '../../../raftjobs/jobs/v1/WaitForResultRequest.js';
import type { WatchEvent as _raftjobs_jobs_v1_WatchEvent, WatchEvent__Output as _raftjobs_jobs_v1_WatchEvent__Output } from '../../../raftjobs/jobs/v1/WatchEvent.js';
import type { WatchRequest as _raftjobs_jobs_v1_WatchRequest, WatchRequest__Output as _raftjobs_jobs_v1_WatchRequest__Output } from '../../../raftjobs/jobs/v1/WatchRequest.js';

export interface JobsClient extends grpc.Client {
  /**
   * ---- Flow control: bulk actions (issue 19) ----
   * Acts on every job that matches a filter: RETRY_DEAD (dead jobs become ready again, as
   * RetryDead with the job's max_attempts), CANCEL (scheduled, ready and leased jobs are
   * cancelled, as Cancel) or PURGE (finished jobs, and scheduled or ready ones, are removed for
   * good, as retention would; leased jobs are skipped: cancel them first). With dry_run nothing
   * changes and the answer counts what the action would act on now.
   * 
   * A real run is many replicated commands, never one giant log entry: the leader proposes one
   * command per batch of at most batch_size jobs (in submit order, resuming after the last job
   * the previous batch looked at) until the filter is exhausted, and answers once the last batch
   * is committed. Jobs submitted while it runs may or may not be included. Each committed batch
   * stays done: if the call fails part way (its deadline, OUTCOME_UNKNOWN, NOT_LEADER after a
   * leader change, a node stopping) some batches may have been applied; calling Bulk again with
   * the same filter finds only what is left, so it is safe to resend, and its count is then of
   * the rest. Give a large bulk action a long deadline. No job is acted on twice by one run. Needs
   * the `admin` role (dry runs too).
   * INVALID_ARGUMENT: an action or a state this action cannot apply to, a bad filter or batch
   * size; nothing changes.
   */
  Bulk(argument: _raftjobs_jobs_v1_BulkRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_BulkResponse__Output>): grpc.ClientUnaryCall;
  Bulk(argument: _raftjobs_jobs_v1_BulkRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_BulkResponse__Output>): grpc.ClientUnaryCall;
  Bulk(argument: _raftjobs_jobs_v1_BulkRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_BulkResponse__Output>): grpc.ClientUnaryCall;
  Bulk(argument: _raftjobs_jobs_v1_BulkRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_BulkResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ---- Flow control: bulk actions (issue 19) ----
   * Acts on every job that matches a filter: RETRY_DEAD (dead jobs become ready again, as
   * RetryDead with the job's max_attempts), CANCEL (scheduled, ready and leased jobs are
   * cancelled, as Cancel) or PURGE (finished jobs, and scheduled or ready ones, are removed for
   * good, as retention would; leased jobs are skipped: cancel them first). With dry_run nothing
   * changes and the answer counts what the action would act on now.
   * 
   * A real run is many replicated commands, never one giant log entry: the leader proposes one
   * command per batch of at most batch_size jobs (in submit order, resuming after the last job
   * the previous batch looked at) until the filter is exhausted, and answers once the last batch
   * is committed. Jobs submitted while it runs may or may not be included. Each committed batch
   * stays done: if the call fails part way (its deadline, OUTCOME_UNKNOWN, NOT_LEADER after a
   * leader change, a node stopping) some batches may have been applied; calling Bulk again with
   * the same filter finds only what is left, so it is safe to resend, and its count is then of
   * the rest. Give a large bulk action a long deadline. No job is acted on twice by one run. Needs
   * the `admin` role (dry runs too).
   * INVALID_ARGUMENT: an action or a state this action cannot apply to, a bad filter or batch
   * size; nothing changes.
   */
  bulk(argument: _raftjobs_jobs_v1_BulkRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_BulkResponse__Output>): grpc.ClientUnaryCall;
  bulk(argument: _raftjobs_jobs_v1_BulkRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_BulkResponse__Output>): grpc.ClientUnaryCall;
  bulk(argument: _raftjobs_jobs_v1_BulkRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_BulkResponse__Output>): grpc.ClientUnaryCall;
  bulk(argument: _raftjobs_jobs_v1_BulkRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_BulkResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Cancels a scheduled, ready or leased job; a leased job's token turns stale at once, so its
   * worker's later heartbeat or outcome gets STALE_TOKEN. Returns the job, now cancelled.
   * ILLEGAL_TRANSITION for a finished job (succeeded, dead, cancelled); NOT_FOUND.
   */
  Cancel(argument: _raftjobs_jobs_v1_CancelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  Cancel(argument: _raftjobs_jobs_v1_CancelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  Cancel(argument: _raftjobs_jobs_v1_CancelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  Cancel(argument: _raftjobs_jobs_v1_CancelRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  /**
   * Cancels a scheduled, ready or leased job; a leased job's token turns stale at once, so its
   * worker's later heartbeat or outcome gets STALE_TOKEN. Returns the job, now cancelled.
   * ILLEGAL_TRANSITION for a finished job (succeeded, dead, cancelled); NOT_FOUND.
   */
  cancel(argument: _raftjobs_jobs_v1_CancelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  cancel(argument: _raftjobs_jobs_v1_CancelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  cancel(argument: _raftjobs_jobs_v1_CancelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  cancel(argument: _raftjobs_jobs_v1_CancelRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  
  /**
   * One job, with its lease, progress, result and last 20 attempts. NOT_FOUND when there is no
   * such job (or it was purged).
   */
  Get(argument: _raftjobs_jobs_v1_GetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  Get(argument: _raftjobs_jobs_v1_GetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  Get(argument: _raftjobs_jobs_v1_GetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  Get(argument: _raftjobs_jobs_v1_GetRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  /**
   * One job, with its lease, progress, result and last 20 attempts. NOT_FOUND when there is no
   * such job (or it was purged).
   */
  get(argument: _raftjobs_jobs_v1_GetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  get(argument: _raftjobs_jobs_v1_GetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  get(argument: _raftjobs_jobs_v1_GetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  get(argument: _raftjobs_jobs_v1_GetRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  
  /**
   * Jobs of a queue and/or state, in id (submit) order, paged.
   */
  List(argument: _raftjobs_jobs_v1_ListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _raftjobs_jobs_v1_ListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _raftjobs_jobs_v1_ListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _raftjobs_jobs_v1_ListRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Jobs of a queue and/or state, in id (submit) order, paged.
   */
  list(argument: _raftjobs_jobs_v1_ListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _raftjobs_jobs_v1_ListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _raftjobs_jobs_v1_ListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _raftjobs_jobs_v1_ListRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Operator retry of a dead job: it goes back to ready with more attempts. Returns the job.
   * ILLEGAL_TRANSITION unless the job is dead; NOT_FOUND.
   */
  RetryDead(argument: _raftjobs_jobs_v1_RetryDeadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  RetryDead(argument: _raftjobs_jobs_v1_RetryDeadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  RetryDead(argument: _raftjobs_jobs_v1_RetryDeadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  RetryDead(argument: _raftjobs_jobs_v1_RetryDeadRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  /**
   * Operator retry of a dead job: it goes back to ready with more attempts. Returns the job.
   * ILLEGAL_TRANSITION unless the job is dead; NOT_FOUND.
   */
  retryDead(argument: _raftjobs_jobs_v1_RetryDeadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  retryDead(argument: _raftjobs_jobs_v1_RetryDeadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  retryDead(argument: _raftjobs_jobs_v1_RetryDeadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  retryDead(argument: _raftjobs_jobs_v1_RetryDeadRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  
  /**
   * Per-queue counts by state.
   */
  Stats(argument: _raftjobs_jobs_v1_StatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  Stats(argument: _raftjobs_jobs_v1_StatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  Stats(argument: _raftjobs_jobs_v1_StatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  Stats(argument: _raftjobs_jobs_v1_StatsRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Per-queue counts by state.
   */
  stats(argument: _raftjobs_jobs_v1_StatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  stats(argument: _raftjobs_jobs_v1_StatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  stats(argument: _raftjobs_jobs_v1_StatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  stats(argument: _raftjobs_jobs_v1_StatsRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Submits one or many jobs (1..limits.maxBatchSize, 1000) atomically: all or none. Answered
   * only once committed on a majority of nodes (J1), with one SubmittedJob per job in order. A job
   * whose idempotency key was seen in its queue within the idempotency window is not created
   * again: its answer is the original job's id with duplicate=true (J7).
   * INVALID_ARGUMENT (any job invalid, or the whole too large for one log entry: nothing is
   * submitted); LIMIT_EXCEEDED (a resource guard: nothing is submitted; see "Resource guards");
   * OUTCOME_UNKNOWN (resend: with idempotency keys nothing is duplicated).
   */
  Submit(argument: _raftjobs_jobs_v1_SubmitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_SubmitResponse__Output>): grpc.ClientUnaryCall;
  Submit(argument: _raftjobs_jobs_v1_SubmitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_SubmitResponse__Output>): grpc.ClientUnaryCall;
  Submit(argument: _raftjobs_jobs_v1_SubmitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_SubmitResponse__Output>): grpc.ClientUnaryCall;
  Submit(argument: _raftjobs_jobs_v1_SubmitRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_SubmitResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Submits one or many jobs (1..limits.maxBatchSize, 1000) atomically: all or none. Answered
   * only once committed on a majority of nodes (J1), with one SubmittedJob per job in order. A job
   * whose idempotency key was seen in its queue within the idempotency window is not created
   * again: its answer is the original job's id with duplicate=true (J7).
   * INVALID_ARGUMENT (any job invalid, or the whole too large for one log entry: nothing is
   * submitted); LIMIT_EXCEEDED (a resource guard: nothing is submitted; see "Resource guards");
   * OUTCOME_UNKNOWN (resend: with idempotency keys nothing is duplicated).
   */
  submit(argument: _raftjobs_jobs_v1_SubmitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_SubmitResponse__Output>): grpc.ClientUnaryCall;
  submit(argument: _raftjobs_jobs_v1_SubmitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_SubmitResponse__Output>): grpc.ClientUnaryCall;
  submit(argument: _raftjobs_jobs_v1_SubmitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_SubmitResponse__Output>): grpc.ClientUnaryCall;
  submit(argument: _raftjobs_jobs_v1_SubmitRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_SubmitResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Many Submits on one long-lived stream to the leader, answered by request_id in any order
   * (each request is one atomic Submit). A refused request is answered with `code` and `message`
   * (as Submit's `x-error-code` and details; `limit` as its `x-limit`) and the stream goes on. The stream ends with a
   * status only: at once with NOT_LEADER or NO_LEADER on a node that does not lead (with
   * `x-leader-addr` when a leader is known); NOT_LEADER when the leader steps down, after which
   * the requests it has not answered have an unknown outcome (resend them to the new leader:
   * idempotency keys make that safe); SHUTTING_DOWN; INVALID_ARGUMENT at a message that does not
   * decode. A half-close ends it with OK. The server sends its response headers as soon as it
   * accepts the stream.
   */
  SubmitStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_raftjobs_jobs_v1_SubmitStreamRequest, _raftjobs_jobs_v1_SubmitStreamResponse__Output>;
  SubmitStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_raftjobs_jobs_v1_SubmitStreamRequest, _raftjobs_jobs_v1_SubmitStreamResponse__Output>;
  /**
   * Many Submits on one long-lived stream to the leader, answered by request_id in any order
   * (each request is one atomic Submit). A refused request is answered with `code` and `message`
   * (as Submit's `x-error-code` and details; `limit` as its `x-limit`) and the stream goes on. The stream ends with a
   * status only: at once with NOT_LEADER or NO_LEADER on a node that does not lead (with
   * `x-leader-addr` when a leader is known); NOT_LEADER when the leader steps down, after which
   * the requests it has not answered have an unknown outcome (resend them to the new leader:
   * idempotency keys make that safe); SHUTTING_DOWN; INVALID_ARGUMENT at a message that does not
   * decode. A half-close ends it with OK. The server sends its response headers as soon as it
   * accepts the stream.
   */
  submitStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_raftjobs_jobs_v1_SubmitStreamRequest, _raftjobs_jobs_v1_SubmitStreamResponse__Output>;
  submitStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_raftjobs_jobs_v1_SubmitStreamRequest, _raftjobs_jobs_v1_SubmitStreamResponse__Output>;
  
  /**
   * Returns the job once it is terminal (succeeded, dead or cancelled), or with its current
   * state when timeout_ms (or the call's deadline) passes first: not an error. Always a
   * linearizable read on the leader.
   */
  WaitForResult(argument: _raftjobs_jobs_v1_WaitForResultRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  WaitForResult(argument: _raftjobs_jobs_v1_WaitForResultRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  WaitForResult(argument: _raftjobs_jobs_v1_WaitForResultRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  WaitForResult(argument: _raftjobs_jobs_v1_WaitForResultRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  /**
   * Returns the job once it is terminal (succeeded, dead or cancelled), or with its current
   * state when timeout_ms (or the call's deadline) passes first: not an error. Always a
   * linearizable read on the leader.
   */
  waitForResult(argument: _raftjobs_jobs_v1_WaitForResultRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  waitForResult(argument: _raftjobs_jobs_v1_WaitForResultRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  waitForResult(argument: _raftjobs_jobs_v1_WaitForResultRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  waitForResult(argument: _raftjobs_jobs_v1_WaitForResultRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Job__Output>): grpc.ClientUnaryCall;
  
  /**
   * Job transitions in log order, as the node called applies them: every matching event after a
   * position, then each new one as it commits, until the client cancels. See "Watching jobs" at
   * WatchRequest for positions, resuming without gaps and the end of a watch.
   * 
   * Served by whichever node is called, leader or follower, from what it has applied: never
   * forwarded, and served while no leader is known (nothing new commits then). Every node applies
   * every committed entry, so positions are the same on every node and a watcher may resume on
   * any of them. Needs the `read` role.
   * 
   * The stream ends with a status only for:
   * WATCH_POSITION_COMPACTED (FAILED_PRECONDITION), at once: the node no longer holds the events
   * after the start position (see WatchRequest). `x-watch-oldest` (and the message) name the
   * position after which it holds every event. Another node may hold more (a node holds
   * nothing from before its last start); when none does, resync.
   * WATCHER_TOO_SLOW (RESOURCE_EXHAUSTED): the client read so slowly that the events it had
   * still to receive left the node's ring (`x-watch-oldest` as above). Resume from the last
   * position received (possible only while some node holds it), else resync.
   * SHUTTING_DOWN (UNAVAILABLE): the node stops. Resume on another node.
   * INVALID_ARGUMENT, at once: a bad request (an unknown type, both from_now and a position,
   * too many filter values), naming the field.
   * A node that dies or is cut off ends it without `x-error-code` (UNAVAILABLE, or a keepalive
   * timeout of the client's): resume on another node.
   */
  Watch(argument: _raftjobs_jobs_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_raftjobs_jobs_v1_WatchEvent__Output>;
  Watch(argument: _raftjobs_jobs_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_raftjobs_jobs_v1_WatchEvent__Output>;
  /**
   * Job transitions in log order, as the node called applies them: every matching event after a
   * position, then each new one as it commits, until the client cancels. See "Watching jobs" at
   * WatchRequest for positions, resuming without gaps and the end of a watch.
   * 
   * Served by whichever node is called, leader or follower, from what it has applied: never
   * forwarded, and served while no leader is known (nothing new commits then). Every node applies
   * every committed entry, so positions are the same on every node and a watcher may resume on
   * any of them. Needs the `read` role.
   * 
   * The stream ends with a status only for:
   * WATCH_POSITION_COMPACTED (FAILED_PRECONDITION), at once: the node no longer holds the events
   * after the start position (see WatchRequest). `x-watch-oldest` (and the message) name the
   * position after which it holds every event. Another node may hold more (a node holds
   * nothing from before its last start); when none does, resync.
   * WATCHER_TOO_SLOW (RESOURCE_EXHAUSTED): the client read so slowly that the events it had
   * still to receive left the node's ring (`x-watch-oldest` as above). Resume from the last
   * position received (possible only while some node holds it), else resync.
   * SHUTTING_DOWN (UNAVAILABLE): the node stops. Resume on another node.
   * INVALID_ARGUMENT, at once: a bad request (an unknown type, both from_now and a position,
   * too many filter values), naming the field.
   * A node that dies or is cut off ends it without `x-error-code` (UNAVAILABLE, or a keepalive
   * timeout of the client's): resume on another node.
   */
  watch(argument: _raftjobs_jobs_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_raftjobs_jobs_v1_WatchEvent__Output>;
  watch(argument: _raftjobs_jobs_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_raftjobs_jobs_v1_WatchEvent__Output>;
  
}

export interface JobsHandlers extends grpc.UntypedServiceImplementation {
  /**
   * ---- Flow control: bulk actions (issue 19) ----
   * Acts on every job that matches a filter: RETRY_DEAD (dead jobs become ready again, as
   * RetryDead with the job's max_attempts), CANCEL (scheduled, ready and leased jobs are
   * cancelled, as Cancel) or PURGE (finished jobs, and scheduled or ready ones, are removed for
   * good, as retention would; leased jobs are skipped: cancel them first). With dry_run nothing
   * changes and the answer counts what the action would act on now.
   * 
   * A real run is many replicated commands, never one giant log entry: the leader proposes one
   * command per batch of at most batch_size jobs (in submit order, resuming after the last job
   * the previous batch looked at) until the filter is exhausted, and answers once the last batch
   * is committed. Jobs submitted while it runs may or may not be included. Each committed batch
   * stays done: if the call fails part way (its deadline, OUTCOME_UNKNOWN, NOT_LEADER after a
   * leader change, a node stopping) some batches may have been applied; calling Bulk again with
   * the same filter finds only what is left, so it is safe to resend, and its count is then of
   * the rest. Give a large bulk action a long deadline. No job is acted on twice by one run. Needs
   * the `admin` role (dry runs too).
   * INVALID_ARGUMENT: an action or a state this action cannot apply to, a bad filter or batch
   * size; nothing changes.
   */
  Bulk: grpc.handleUnaryCall<_raftjobs_jobs_v1_BulkRequest__Output, _raftjobs_jobs_v1_BulkResponse>;
  
  /**
   * Cancels a scheduled, ready or leased job; a leased job's token turns stale at once, so its
   * worker's later heartbeat or outcome gets STALE_TOKEN. Returns the job, now cancelled.
   * ILLEGAL_TRANSITION for a finished job (succeeded, dead, cancelled); NOT_FOUND.
   */
  Cancel: grpc.handleUnaryCall<_raftjobs_jobs_v1_CancelRequest__Output, _raftjobs_jobs_v1_Job>;
  
  /**
   * One job, with its lease, progress, result and last 20 attempts. NOT_FOUND when there is no
   * such job (or it was purged).
   */
  Get: grpc.handleUnaryCall<_raftjobs_jobs_v1_GetRequest__Output, _raftjobs_jobs_v1_Job>;
  
  /**
   * Jobs of a queue and/or state, in id (submit) order, paged.
   */
  List: grpc.handleUnaryCall<_raftjobs_jobs_v1_ListRequest__Output, _raftjobs_jobs_v1_ListResponse>;
  
  /**
   * Operator retry of a dead job: it goes back to ready with more attempts. Returns the job.
   * ILLEGAL_TRANSITION unless the job is dead; NOT_FOUND.
   */
  RetryDead: grpc.handleUnaryCall<_raftjobs_jobs_v1_RetryDeadRequest__Output, _raftjobs_jobs_v1_Job>;
  
  /**
   * Per-queue counts by state.
   */
  Stats: grpc.handleUnaryCall<_raftjobs_jobs_v1_StatsRequest__Output, _raftjobs_jobs_v1_StatsResponse>;
  
  /**
   * Submits one or many jobs (1..limits.maxBatchSize, 1000) atomically: all or none. Answered
   * only once committed on a majority of nodes (J1), with one SubmittedJob per job in order. A job
   * whose idempotency key was seen in its queue within the idempotency window is not created
   * again: its answer is the original job's id with duplicate=true (J7).
   * INVALID_ARGUMENT (any job invalid, or the whole too large for one log entry: nothing is
   * submitted); LIMIT_EXCEEDED (a resource guard: nothing is submitted; see "Resource guards");
   * OUTCOME_UNKNOWN (resend: with idempotency keys nothing is duplicated).
   */
  Submit: grpc.handleUnaryCall<_raftjobs_jobs_v1_SubmitRequest__Output, _raftjobs_jobs_v1_SubmitResponse>;
  
  /**
   * Many Submits on one long-lived stream to the leader, answered by request_id in any order
   * (each request is one atomic Submit). A refused request is answered with `code` and `message`
   * (as Submit's `x-error-code` and details; `limit` as its `x-limit`) and the stream goes on. The stream ends with a
   * status only: at once with NOT_LEADER or NO_LEADER on a node that does not lead (with
   * `x-leader-addr` when a leader is known); NOT_LEADER when the leader steps down, after which
   * the requests it has not answered have an unknown outcome (resend them to the new leader:
   * idempotency keys make that safe); SHUTTING_DOWN; INVALID_ARGUMENT at a message that does not
   * decode. A half-close ends it with OK. The server sends its response headers as soon as it
   * accepts the stream.
   */
  SubmitStream: grpc.handleBidiStreamingCall<_raftjobs_jobs_v1_SubmitStreamRequest__Output, _raftjobs_jobs_v1_SubmitStreamResponse>;
  
  /**
   * Returns the job once it is terminal (succeeded, dead or cancelled), or with its current
   * state when timeout_ms (or the call's deadline) passes first: not an error. Always a
   * linearizable read on the leader.
   */
  WaitForResult: grpc.handleUnaryCall<_raftjobs_jobs_v1_WaitForResultRequest__Output, _raftjobs_jobs_v1_Job>;
  
  /**
   * Job transitions in log order, as the node called applies them: every matching event after a
   * position, then each new one as it commits, until the client cancels. See "Watching jobs" at
   * WatchRequest for positions, resuming without gaps and the end of a watch.
   * 
   * Served by whichever node is called, leader or follower, from what it has applied: never
   * forwarded, and served while no leader is known (nothing new commits then). Every node applies
   * every committed entry, so positions are the same on every node and a watcher may resume on
   * any of them. Needs the `read` role.
   * 
   * The stream ends with a status only for:
   * WATCH_POSITION_COMPACTED (FAILED_PRECONDITION), at once: the node no longer holds the events
   * after the start position (see WatchRequest). `x-watch-oldest` (and the message) name the
   * position after which it holds every event. Another node may hold more (a node holds
   * nothing from before its last start); when none does, resync.
   * WATCHER_TOO_SLOW (RESOURCE_EXHAUSTED): the client read so slowly that the events it had
   * still to receive left the node's ring (`x-watch-oldest` as above). Resume from the last
   * position received (possible only while some node holds it), else resync.
   * SHUTTING_DOWN (UNAVAILABLE): the node stops. Resume on another node.
   * INVALID_ARGUMENT, at once: a bad request (an unknown type, both from_now and a position,
   * too many filter values), naming the field.
   * A node that dies or is cut off ends it without `x-error-code` (UNAVAILABLE, or a keepalive
   * timeout of the client's): resume on another node.
   */
  Watch: grpc.handleServerStreamingCall<_raftjobs_jobs_v1_WatchRequest__Output, _raftjobs_jobs_v1_WatchEvent>;
  
}

export interface JobsDefinition extends grpc.ServiceDefinition {
  Bulk: MethodDefinition<_raftjobs_jobs_v1_BulkRequest, _raftjobs_jobs_v1_BulkResponse, _raftjobs_jobs_v1_BulkRequest__Output, _raftjobs_jobs_v1_BulkResponse__Output>
  Cancel: MethodDefinition<_raftjobs_jobs_v1_CancelRequest, _raftjobs_jobs_v1_Job, _raftjobs_jobs_v1_CancelRequest__Output, _raftjobs_jobs_v1_Job__Output>
  Get: MethodDefinition<_raftjobs_jobs_v1_GetRequest, _raftjobs_jobs_v1_Job, _raftjobs_jobs_v1_GetRequest__Output, _raftjobs_jobs_v1_Job__Output>
  List: MethodDefinition<_raftjobs_jobs_v1_ListRequest, _raftjobs_jobs_v1_ListResponse, _raftjobs_jobs_v1_ListRequest__Output, _raftjobs_jobs_v1_ListResponse__Output>
  RetryDead: MethodDefinition<_raftjobs_jobs_v1_RetryDeadRequest, _raftjobs_jobs_v1_Job, _raftjobs_jobs_v1_RetryDeadRequest__Output, _raftjobs_jobs_v1_Job__Output>
  Stats: MethodDefinition<_raftjobs_jobs_v1_StatsRequest, _raftjobs_jobs_v1_StatsResponse, _raftjobs_jobs_v1_StatsRequest__Output, _raftjobs_jobs_v1_StatsResponse__Output>
  Submit: MethodDefinition<_raftjobs_jobs_v1_SubmitRequest, _raftjobs_jobs_v1_SubmitResponse, _raftjobs_jobs_v1_SubmitRequest__Output, _raftjobs_jobs_v1_SubmitResponse__Output>
  SubmitStream: MethodDefinition<_raftjobs_jobs_v1_SubmitStreamRequest, _raftjobs_jobs_v1_SubmitStreamResponse, _raftjobs_jobs_v1_SubmitStreamRequest__Output, _raftjobs_jobs_v1_SubmitStreamResponse__Output>
  WaitForResult: MethodDefinition<_raftjobs_jobs_v1_WaitForResultRequest, _raftjobs_jobs_v1_Job, _raftjobs_jobs_v1_WaitForResultRequest__Output, _raftjobs_jobs_v1_Job__Output>
  Watch: MethodDefinition<_raftjobs_jobs_v1_WatchRequest, _raftjobs_jobs_v1_WatchEvent, _raftjobs_jobs_v1_WatchRequest__Output, _raftjobs_jobs_v1_WatchEvent__Output>
}
