// Original file: proto/jobs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetQueueRequest as _raftjobs_jobs_v1_GetQueueRequest, GetQueueRequest__Output as _raftjobs_jobs_v1_GetQueueRequest__Output } from '../../../raftjobs/jobs/v1/GetQueueRequest.js';
import type { ListQueuesRequest as _raftjobs_jobs_v1_ListQueuesRequest, ListQueuesRequest__Output as _raftjobs_jobs_v1_ListQueuesRequest__Output } from '../../../raftjobs/jobs/v1/ListQueuesRequest.js';
import type { ListQueuesResponse as _raftjobs_jobs_v1_ListQueuesResponse, ListQueuesResponse__Output as _raftjobs_jobs_v1_ListQueuesResponse__Output } from '../../../raftjobs/jobs/v1/ListQueuesResponse.js';
import type { QueueFlow as _raftjobs_jobs_v1_QueueFlow, QueueFlow__Output as _raftjobs_jobs_v1_QueueFlow__Output } from '../../../raftjobs/jobs/v1/QueueFlow.js';
import type { QueueNameRequest as _raftjobs_jobs_v1_QueueNameRequest, QueueNameRequest__Output as _raftjobs_jobs_v1_QueueNameRequest__Output } from '../../../raftjobs/jobs/v1/QueueNameRequest.js';
import type { SetQueueRequest as _raftjobs_jobs_v1_SetQueueRequest, SetQueueRequest__Output as _raftjobs_jobs_v1_SetQueueRequest__Output } from '../../../raftjobs/jobs/v1/SetQueueRequest.js';

/**
 * Flow control of queues (see "Flow control" above). Get and List are reads (linearizable unless
 * `stale`; `read` role); Set, Pause and Resume are writes that run on the leader (a follower
 * forwards them; `admin` role), committed before they answer, and safe to resend (each sets
 * values, never adds to them). Each answers with the queue's policy and usage after it.
 * Errors: INVALID_ARGUMENT (a bad queue name or value, naming the field as spelled here; nothing
 * changes); LIMIT_EXCEEDED past 10,000 per-key overrides in a queue;
 * OUTCOME_UNKNOWN (resend).
 */
export interface QueuesClient extends grpc.Client {
  /**
   * One queue's policy and usage.
   */
  Get(argument: _raftjobs_jobs_v1_GetQueueRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  Get(argument: _raftjobs_jobs_v1_GetQueueRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  Get(argument: _raftjobs_jobs_v1_GetQueueRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  Get(argument: _raftjobs_jobs_v1_GetQueueRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  /**
   * One queue's policy and usage.
   */
  get(argument: _raftjobs_jobs_v1_GetQueueRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  get(argument: _raftjobs_jobs_v1_GetQueueRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  get(argument: _raftjobs_jobs_v1_GetQueueRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  get(argument: _raftjobs_jobs_v1_GetQueueRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every queue's.
   */
  List(argument: _raftjobs_jobs_v1_ListQueuesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListQueuesResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _raftjobs_jobs_v1_ListQueuesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListQueuesResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _raftjobs_jobs_v1_ListQueuesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListQueuesResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _raftjobs_jobs_v1_ListQueuesRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListQueuesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every queue's.
   */
  list(argument: _raftjobs_jobs_v1_ListQueuesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListQueuesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _raftjobs_jobs_v1_ListQueuesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListQueuesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _raftjobs_jobs_v1_ListQueuesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListQueuesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _raftjobs_jobs_v1_ListQueuesRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListQueuesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Stops new leases from the queue: its leased jobs run on, its submits are accepted. Pausing a
   * paused queue changes nothing.
   */
  Pause(argument: _raftjobs_jobs_v1_QueueNameRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  Pause(argument: _raftjobs_jobs_v1_QueueNameRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  Pause(argument: _raftjobs_jobs_v1_QueueNameRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  Pause(argument: _raftjobs_jobs_v1_QueueNameRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  /**
   * Stops new leases from the queue: its leased jobs run on, its submits are accepted. Pausing a
   * paused queue changes nothing.
   */
  pause(argument: _raftjobs_jobs_v1_QueueNameRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  pause(argument: _raftjobs_jobs_v1_QueueNameRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  pause(argument: _raftjobs_jobs_v1_QueueNameRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  pause(argument: _raftjobs_jobs_v1_QueueNameRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lets the queue be leased from again.
   */
  Resume(argument: _raftjobs_jobs_v1_QueueNameRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  Resume(argument: _raftjobs_jobs_v1_QueueNameRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  Resume(argument: _raftjobs_jobs_v1_QueueNameRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  Resume(argument: _raftjobs_jobs_v1_QueueNameRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  /**
   * Lets the queue be leased from again.
   */
  resume(argument: _raftjobs_jobs_v1_QueueNameRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  resume(argument: _raftjobs_jobs_v1_QueueNameRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  resume(argument: _raftjobs_jobs_v1_QueueNameRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  resume(argument: _raftjobs_jobs_v1_QueueNameRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  
  /**
   * Changes a queue's policy (see SetQueueRequest).
   */
  Set(argument: _raftjobs_jobs_v1_SetQueueRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  Set(argument: _raftjobs_jobs_v1_SetQueueRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  Set(argument: _raftjobs_jobs_v1_SetQueueRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  Set(argument: _raftjobs_jobs_v1_SetQueueRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  /**
   * Changes a queue's policy (see SetQueueRequest).
   */
  set(argument: _raftjobs_jobs_v1_SetQueueRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  set(argument: _raftjobs_jobs_v1_SetQueueRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  set(argument: _raftjobs_jobs_v1_SetQueueRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  set(argument: _raftjobs_jobs_v1_SetQueueRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_QueueFlow__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Flow control of queues (see "Flow control" above). Get and List are reads (linearizable unless
 * `stale`; `read` role); Set, Pause and Resume are writes that run on the leader (a follower
 * forwards them; `admin` role), committed before they answer, and safe to resend (each sets
 * values, never adds to them). Each answers with the queue's policy and usage after it.
 * Errors: INVALID_ARGUMENT (a bad queue name or value, naming the field as spelled here; nothing
 * changes); LIMIT_EXCEEDED past 10,000 per-key overrides in a queue;
 * OUTCOME_UNKNOWN (resend).
 */
export interface QueuesHandlers extends grpc.UntypedServiceImplementation {
  /**
   * One queue's policy and usage.
   */
  Get: grpc.handleUnaryCall<_raftjobs_jobs_v1_GetQueueRequest__Output, _raftjobs_jobs_v1_QueueFlow>;
  
  /**
   * Every queue's.
   */
  List: grpc.handleUnaryCall<_raftjobs_jobs_v1_ListQueuesRequest__Output, _raftjobs_jobs_v1_ListQueuesResponse>;
  
  /**
   * Stops new leases from the queue: its leased jobs run on, its submits are accepted. Pausing a
   * paused queue changes nothing.
   */
  Pause: grpc.handleUnaryCall<_raftjobs_jobs_v1_QueueNameRequest__Output, _raftjobs_jobs_v1_QueueFlow>;
  
  /**
   * Lets the queue be leased from again.
   */
  Resume: grpc.handleUnaryCall<_raftjobs_jobs_v1_QueueNameRequest__Output, _raftjobs_jobs_v1_QueueFlow>;
  
  /**
   * Changes a queue's policy (see SetQueueRequest).
   */
  Set: grpc.handleUnaryCall<_raftjobs_jobs_v1_SetQueueRequest__Output, _raftjobs_jobs_v1_QueueFlow>;
  
}

export interface QueuesDefinition extends grpc.ServiceDefinition {
  Get: MethodDefinition<_raftjobs_jobs_v1_GetQueueRequest, _raftjobs_jobs_v1_QueueFlow, _raftjobs_jobs_v1_GetQueueRequest__Output, _raftjobs_jobs_v1_QueueFlow__Output>
  List: MethodDefinition<_raftjobs_jobs_v1_ListQueuesRequest, _raftjobs_jobs_v1_ListQueuesResponse, _raftjobs_jobs_v1_ListQueuesRequest__Output, _raftjobs_jobs_v1_ListQueuesResponse__Output>
  Pause: MethodDefinition<_raftjobs_jobs_v1_QueueNameRequest, _raftjobs_jobs_v1_QueueFlow, _raftjobs_jobs_v1_QueueNameRequest__Output, _raftjobs_jobs_v1_QueueFlow__Output>
  Resume: MethodDefinition<_raftjobs_jobs_v1_QueueNameRequest, _raftjobs_jobs_v1_QueueFlow, _raftjobs_jobs_v1_QueueNameRequest__Output, _raftjobs_jobs_v1_QueueFlow__Output>
  Set: MethodDefinition<_raftjobs_jobs_v1_SetQueueRequest, _raftjobs_jobs_v1_QueueFlow, _raftjobs_jobs_v1_SetQueueRequest__Output, _raftjobs_jobs_v1_QueueFlow__Output>
}
