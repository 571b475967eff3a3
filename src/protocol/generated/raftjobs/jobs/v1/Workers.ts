// Original file: proto/jobs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Ack as _raftjobs_jobs_v1_Ack, Ack__Output as _raftjobs_jobs_v1_Ack__Output } from '../../../raftjobs/jobs/v1/Ack.js';
import type { CompleteRequest as _raftjobs_jobs_v1_CompleteRequest, CompleteRequest__Output as _raftjobs_jobs_v1_CompleteRequest__Output } from '../../../raftjobs/jobs/v1/CompleteRequest.js';
import type { FailRequest as _raftjobs_jobs_v1_FailRequest, FailRequest__Output as _raftjobs_jobs_v1_FailRequest__Output } from '../../../raftjobs/jobs/v1/FailRequest.js';
import type { HeartbeatRequest as _raftjobs_jobs_v1_HeartbeatRequest, HeartbeatRequest__Output as _raftjobs_jobs_v1_HeartbeatRequest__Output } from '../../../raftjobs/jobs/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _raftjobs_jobs_v1_HeartbeatResponse, HeartbeatResponse__Output as _raftjobs_jobs_v1_HeartbeatResponse__Output } from '../../../raftjobs/jobs/v1/HeartbeatResponse.js';
import type { LeaseRequest as _raftjobs_jobs_v1_LeaseRequest, LeaseRequest__Output as _raftjobs_jobs_v1_LeaseRequest__Output } from '../../../raftjobs/jobs/v1/LeaseRequest.js';
import type { LeaseResponse as _raftjobs_jobs_v1_LeaseResponse, LeaseResponse__Output as _raftjobs_jobs_v1_LeaseResponse__Output } from '../../../raftjobs/jobs/v1/LeaseResponse.js';
import type { ProgressRequest as _raftjobs_jobs_v1_ProgressRequest, ProgressRequest__Output as _raftjobs_jobs_v1_ProgressRequest__Output } from '../../../raftjobs/jobs/v1/ProgressRequest.js';
import type { ServerMessage as _raftjobs_jobs_v1_ServerMessage, ServerMessage__Output as _raftjobs_jobs_v1_ServerMessage__Output } from '../../../raftjobs/jobs/v1/ServerMessage.js';
import type { WorkerMessage as _raftjobs_jobs_v1_WorkerMessage, WorkerMessage__Output as _raftjobs_jobs_v1_WorkerMessage__Output } from '../../../raftjobs/jobs/v1/WorkerMessage.js';

export interface WorkersClient extends grpc.Client {
  Complete(argument: _raftjobs_jobs_v1_CompleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  Complete(argument: _raftjobs_jobs_v1_CompleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  Complete(argument: _raftjobs_jobs_v1_CompleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  Complete(argument: _raftjobs_jobs_v1_CompleteRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  complete(argument: _raftjobs_jobs_v1_CompleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  complete(argument: _raftjobs_jobs_v1_CompleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  complete(argument: _raftjobs_jobs_v1_CompleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  complete(argument: _raftjobs_jobs_v1_CompleteRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  
  Fail(argument: _raftjobs_jobs_v1_FailRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  Fail(argument: _raftjobs_jobs_v1_FailRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  Fail(argument: _raftjobs_jobs_v1_FailRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  Fail(argument: _raftjobs_jobs_v1_FailRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  fail(argument: _raftjobs_jobs_v1_FailRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  fail(argument: _raftjobs_jobs_v1_FailRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  fail(argument: _raftjobs_jobs_v1_FailRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  fail(argument: _raftjobs_jobs_v1_FailRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  
  Heartbeat(argument: _raftjobs_jobs_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _raftjobs_jobs_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _raftjobs_jobs_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _raftjobs_jobs_v1_HeartbeatRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _raftjobs_jobs_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _raftjobs_jobs_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _raftjobs_jobs_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _raftjobs_jobs_v1_HeartbeatRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Plain unary calls for clients that do not use the stream. Leases taken with Lease belong to no
   * session: no Hello releases or adopts them, they are never abandoned, and they end by their TTL
   * (or an outcome). A refusal of the request fails the call with a status (INVALID_ARGUMENT,
   * STALE_TOKEN, NOT_FOUND, ...); an Ack returned by Progress, Complete and Fail always has
   * ok=true. Heartbeat alone answers per lease (HeartbeatResult.ok=false with the code), because
   * its leases succeed or fail independently; it fails with a status only when the request as a
   * whole is refused (INVALID_ARGUMENT, NOT_LEADER, ...).
   */
  Lease(argument: _raftjobs_jobs_v1_LeaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  Lease(argument: _raftjobs_jobs_v1_LeaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  Lease(argument: _raftjobs_jobs_v1_LeaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  Lease(argument: _raftjobs_jobs_v1_LeaseRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Plain unary calls for clients that do not use the stream. Leases taken with Lease belong to no
   * session: no Hello releases or adopts them, they are never abandoned, and they end by their TTL
   * (or an outcome). A refusal of the request fails the call with a status (INVALID_ARGUMENT,
   * STALE_TOKEN, NOT_FOUND, ...); an Ack returned by Progress, Complete and Fail always has
   * ok=true. Heartbeat alone answers per lease (HeartbeatResult.ok=false with the code), because
   * its leases succeed or fail independently; it fails with a status only when the request as a
   * whole is refused (INVALID_ARGUMENT, NOT_LEADER, ...).
   */
  lease(argument: _raftjobs_jobs_v1_LeaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  lease(argument: _raftjobs_jobs_v1_LeaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  lease(argument: _raftjobs_jobs_v1_LeaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  lease(argument: _raftjobs_jobs_v1_LeaseRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  
  Progress(argument: _raftjobs_jobs_v1_ProgressRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  Progress(argument: _raftjobs_jobs_v1_ProgressRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  Progress(argument: _raftjobs_jobs_v1_ProgressRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  Progress(argument: _raftjobs_jobs_v1_ProgressRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  progress(argument: _raftjobs_jobs_v1_ProgressRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  progress(argument: _raftjobs_jobs_v1_ProgressRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  progress(argument: _raftjobs_jobs_v1_ProgressRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  progress(argument: _raftjobs_jobs_v1_ProgressRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Ack__Output>): grpc.ClientUnaryCall;
  
  /**
   * The worker's long-lived stream, to the leader: it says which queues it serves and how many
   * jobs it can hold; the leader pushes leases as jobs become ready. Heartbeats, progress,
   * completions, failures and releases travel on the same stream, each answered with the same
   * request_id (heartbeats by a HeartbeatResponse, the others by an Ack).
   * 
   * The first message must be a Hello; the server answers every Hello with a Welcome (for the
   * first one, once the session is registered), and pushes leases only after it.
   * 
   * Refusals: a refused report is answered, and the stream goes on: an Ack with ok=false, `code`
   * and `message` (INVALID_ARGUMENT naming the field and the limit, e.g. a result over
   * max_result_bytes, progress over 100, too many leases in one message; STALE_TOKEN; NOT_FOUND;
   * ...), or for a heartbeat a HeartbeatResult per lease with ok=false. The stream ends with a
   * status only for: an invalid Hello, a message before the first Hello, a batch inside a batch,
   * or a message that does not decode (INVALID_ARGUMENT: there is no request id to answer);
   * NOT_LEADER or NO_LEADER on a node that does not lead, at once (with `x-leader-id` and
   * `x-leader-addr` when a leader is known), or when the leader steps down (the leases survive:
   * say Hello to the new leader, listing them in `held`, within connection_grace_ms); a message
   * over the receive limit (RESOURCE_EXHAUSTED). A node that stops ends it like a leader that
   * steps down, or drops the connection: either way, a break (see below).
   * 
   * Heartbeats: extend every lease well before its expiry; the SDK heartbeats every third of the
   * shortest lease TTL it holds. A heartbeat left unanswered for seconds (the SDK waits 5 s, or
   * one heartbeat interval if longer) means the node is frozen or cut off and may not end the
   * stream itself: cancel it and say Hello to another node.
   * 
   * After a break (the stream ended, whatever its status), open Work on the leader with the same
   * session_id and list in Hello.held every lease the worker still holds, including those whose
   * completion or failure it sent without receiving the Ack. Send those outcomes again after the
   * Welcome: a report whose Ack did not arrive may or may not have been recorded, and a completion
   * or failure already recorded is answered ok ("already recorded"; see CompleteRequest).
   * 
   * The worker says goodbye by sending a Hello with capacity 0 and then half-closing the stream:
   * the leases its session still holds are then abandoned at once, so first finish (or release)
   * them and wait for their Acks. Leases the leader was already granting when that Hello arrived
   * may still be pushed after its Welcome: release them too. About 100 ms after the half-close the
   * server ends the stream with OK; wait for that status (a cancel before it, such as closing the
   * channel, turns the goodbye into a break). Any other end (a half-close without capacity 0, a
   * cancel, a broken connection) is a break, and the session has
   * Welcome.connection_grace_ms to say Hello again before its leases are abandoned.
   * The server pings the connection (HTTP/2 keepalive, every 10 s by default,
   * `server.keepaliveTimeMs`) and closes it when a ping goes unanswered (5 s,
   * `server.keepaliveTimeoutMs`), so a dead worker is noticed in seconds; a worker may ping as
   * well.
   */
  Work(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_raftjobs_jobs_v1_WorkerMessage, _raftjobs_jobs_v1_ServerMessage__Output>;
  Work(options?: grpc.CallOptions): grpc.ClientDuplexStream<_raftjobs_jobs_v1_WorkerMessage, _raftjobs_jobs_v1_ServerMessage__Output>;
  /**
   * The worker's long-lived stream, to the leader: it says which queues it serves and how many
   * jobs it can hold; the leader pushes leases as jobs become ready. Heartbeats, progress,
   * completions, failures and releases travel on the same stream, each answered with the same
   * request_id (heartbeats by a HeartbeatResponse, the others by an Ack).
   * 
   * The first message must be a Hello; the server answers every Hello with a Welcome (for the
   * first one, once the session is registered), and pushes leases only after it.
   * 
   * Refusals: a refused report is answered, and the stream goes on: an Ack with ok=false, `code`
   * and `message` (INVALID_ARGUMENT naming the field and the limit, e.g. a result over
   * max_result_bytes, progress over 100, too many leases in one message; STALE_TOKEN; NOT_FOUND;
   * ...), or for a heartbeat a HeartbeatResult per lease with ok=false. The stream ends with a
   * status only for: an invalid Hello, a message before the first Hello, a batch inside a batch,
   * or a message that does not decode (INVALID_ARGUMENT: there is no request id to answer);
   * NOT_LEADER or NO_LEADER on a node that does not lead, at once (with `x-leader-id` and
   * `x-leader-addr` when a leader is known), or when the leader steps down (the leases survive:
   * say Hello to the new leader, listing them in `held`, within connection_grace_ms); a message
   * over the receive limit (RESOURCE_EXHAUSTED). A node that stops ends it like a leader that
   * steps down, or drops the connection: either way, a break (see below).
   * 
   * Heartbeats: extend every lease well before its expiry; the SDK heartbeats every third of the
   * shortest lease TTL it holds. A heartbeat left unanswered for seconds (the SDK waits 5 s, or
   * one heartbeat interval if longer) means the node is frozen or cut off and may not end the
   * stream itself: cancel it and say Hello to another node.
   * 
   * After a break (the stream ended, whatever its status), open Work on the leader with the same
   * session_id and list in Hello.held every lease the worker still holds, including those whose
   * completion or failure it sent without receiving the Ack. Send those outcomes again after the
   * Welcome: a report whose Ack did not arrive may or may not have been recorded, and a completion
   * or failure already recorded is answered ok ("already recorded"; see CompleteRequest).
   * 
   * The worker says goodbye by sending a Hello with capacity 0 and then half-closing the stream:
   * the leases its session still holds are then abandoned at once, so first finish (or release)
   * them and wait for their Acks. Leases the leader was already granting when that Hello arrived
   * may still be pushed after its Welcome: release them too. About 100 ms after the half-close the
   * server ends the stream with OK; wait for that status (a cancel before it, such as closing the
   * channel, turns the goodbye into a break). Any other end (a half-close without capacity 0, a
   * cancel, a broken connection) is a break, and the session has
   * Welcome.connection_grace_ms to say Hello again before its leases are abandoned.
   * The server pings the connection (HTTP/2 keepalive, every 10 s by default,
   * `server.keepaliveTimeMs`) and closes it when a ping goes unanswered (5 s,
   * `server.keepaliveTimeoutMs`), so a dead worker is noticed in seconds; a worker may ping as
   * well.
   */
  work(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_raftjobs_jobs_v1_WorkerMessage, _raftjobs_jobs_v1_ServerMessage__Output>;
  work(options?: grpc.CallOptions): grpc.ClientDuplexStream<_raftjobs_jobs_v1_WorkerMessage, _raftjobs_jobs_v1_ServerMessage__Output>;
  
}

export interface WorkersHandlers extends grpc.UntypedServiceImplementation {
  Complete: grpc.handleUnaryCall<_raftjobs_jobs_v1_CompleteRequest__Output, _raftjobs_jobs_v1_Ack>;
  
  Fail: grpc.handleUnaryCall<_raftjobs_jobs_v1_FailRequest__Output, _raftjobs_jobs_v1_Ack>;
  
  Heartbeat: grpc.handleUnaryCall<_raftjobs_jobs_v1_HeartbeatRequest__Output, _raftjobs_jobs_v1_HeartbeatResponse>;
  
  /**
   * Plain unary calls for clients that do not use the stream. Leases taken with Lease belong to no
   * session: no Hello releases or adopts them, they are never abandoned, and they end by their TTL
   * (or an outcome). A refusal of the request fails the call with a status (INVALID_ARGUMENT,
   * STALE_TOKEN, NOT_FOUND, ...); an Ack returned by Progress, Complete and Fail always has
   * ok=true. Heartbeat alone answers per lease (HeartbeatResult.ok=false with the code), because
   * its leases succeed or fail independently; it fails with a status only when the request as a
   * whole is refused (INVALID_ARGUMENT, NOT_LEADER, ...).
   */
  Lease: grpc.handleUnaryCall<_raftjobs_jobs_v1_LeaseRequest__Output, _raftjobs_jobs_v1_LeaseResponse>;
  
  Progress: grpc.handleUnaryCall<_raftjobs_jobs_v1_ProgressRequest__Output, _raftjobs_jobs_v1_Ack>;
  
  /**
   * The worker's long-lived stream, to the leader: it says which queues it serves and how many
   * jobs it can hold; the leader pushes leases as jobs become ready. Heartbeats, progress,
   * completions, failures and releases travel on the same stream, each answered with the same
   * request_id (heartbeats by a HeartbeatResponse, the others by an Ack).
   * 
   * The first message must be a Hello; the server answers every Hello with a Welcome (for the
   * first one, once the session is registered), and pushes leases only after it.
   * 
   * Refusals: a refused report is answered, and the stream goes on: an Ack with ok=false, `code`
   * and `message` (INVALID_ARGUMENT naming the field and the limit, e.g. a result over
   * max_result_bytes, progress over 100, too many leases in one message; STALE_TOKEN; NOT_FOUND;
   * ...), or for a heartbeat a HeartbeatResult per lease with ok=false. The stream ends with a
   * status only for: an invalid Hello, a message before the first Hello, a batch inside a batch,
   * or a message that does not decode (INVALID_ARGUMENT: there is no request id to answer);
   * NOT_LEADER or NO_LEADER on a node that does not lead, at once (with `x-leader-id` and
   * `x-leader-addr` when a leader is known), or when the leader steps down (the leases survive:
   * say Hello to the new leader, listing them in `held`, within connection_grace_ms); a message
   * over the receive limit (RESOURCE_EXHAUSTED). A node that stops ends it like a leader that
   * steps down, or drops the connection: either way, a break (see below).
   * 
   * Heartbeats: extend every lease well before its expiry; the SDK heartbeats every third of the
   * shortest lease TTL it holds. A heartbeat left unanswered for seconds (the SDK waits 5 s, or
   * one heartbeat interval if longer) means the node is frozen or cut off and may not end the
   * stream itself: cancel it and say Hello to another node.
   * 
   * After a break (the stream ended, whatever its status), open Work on the leader with the same
   * session_id and list in Hello.held every lease the worker still holds, including those whose
   * completion or failure it sent without receiving the Ack. Send those outcomes again after the
   * Welcome: a report whose Ack did not arrive may or may not have been recorded, and a completion
   * or failure already recorded is answered ok ("already recorded"; see CompleteRequest).
   * 
   * The worker says goodbye by sending a Hello with capacity 0 and then half-closing the stream:
   * the leases its session still holds are then abandoned at once, so first finish (or release)
   * them and wait for their Acks. Leases the leader was already granting when that Hello arrived
   * may still be pushed after its Welcome: release them too. About 100 ms after the half-close the
   * server ends the stream with OK; wait for that status (a cancel before it, such as closing the
   * channel, turns the goodbye into a break). Any other end (a half-close without capacity 0, a
   * cancel, a broken connection) is a break, and the session has
   * Welcome.connection_grace_ms to say Hello again before its leases are abandoned.
   * The server pings the connection (HTTP/2 keepalive, every 10 s by default,
   * `server.keepaliveTimeMs`) and closes it when a ping goes unanswered (5 s,
   * `server.keepaliveTimeoutMs`), so a dead worker is noticed in seconds; a worker may ping as
   * well.
   */
  Work: grpc.handleBidiStreamingCall<_raftjobs_jobs_v1_WorkerMessage__Output, _raftjobs_jobs_v1_ServerMessage>;
  
}

export interface WorkersDefinition extends grpc.ServiceDefinition {
  Complete: MethodDefinition<_raftjobs_jobs_v1_CompleteRequest, _raftjobs_jobs_v1_Ack, _raftjobs_jobs_v1_CompleteRequest__Output, _raftjobs_jobs_v1_Ack__Output>
  Fail: MethodDefinition<_raftjobs_jobs_v1_FailRequest, _raftjobs_jobs_v1_Ack, _raftjobs_jobs_v1_FailRequest__Output, _raftjobs_jobs_v1_Ack__Output>
  Heartbeat: MethodDefinition<_raftjobs_jobs_v1_HeartbeatRequest, _raftjobs_jobs_v1_HeartbeatResponse, _raftjobs_jobs_v1_HeartbeatRequest__Output, _raftjobs_jobs_v1_HeartbeatResponse__Output>
  Lease: MethodDefinition<_raftjobs_jobs_v1_LeaseRequest, _raftjobs_jobs_v1_LeaseResponse, _raftjobs_jobs_v1_LeaseRequest__Output, _raftjobs_jobs_v1_LeaseResponse__Output>
  Progress: MethodDefinition<_raftjobs_jobs_v1_ProgressRequest, _raftjobs_jobs_v1_Ack, _raftjobs_jobs_v1_ProgressRequest__Output, _raftjobs_jobs_v1_Ack__Output>
  Work: MethodDefinition<_raftjobs_jobs_v1_WorkerMessage, _raftjobs_jobs_v1_ServerMessage, _raftjobs_jobs_v1_WorkerMessage__Output, _raftjobs_jobs_v1_ServerMessage__Output>
}
