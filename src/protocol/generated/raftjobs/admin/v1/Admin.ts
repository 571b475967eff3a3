// Original file: proto/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AddMemberRequest as _raftjobs_admin_v1_AddMemberRequest, AddMemberRequest__Output as _raftjobs_admin_v1_AddMemberRequest__Output } from '../../../raftjobs/admin/v1/AddMemberRequest.js';
import type { BackupChunk as _raftjobs_admin_v1_BackupChunk, BackupChunk__Output as _raftjobs_admin_v1_BackupChunk__Output } from '../../../raftjobs/admin/v1/BackupChunk.js';
import type { BackupRequest as _raftjobs_admin_v1_BackupRequest, BackupRequest__Output as _raftjobs_admin_v1_BackupRequest__Output } from '../../../raftjobs/admin/v1/BackupRequest.js';
import type { MemberRequest as _raftjobs_admin_v1_MemberRequest, MemberRequest__Output as _raftjobs_admin_v1_MemberRequest__Output } from '../../../raftjobs/admin/v1/MemberRequest.js';
import type { MembersRequest as _raftjobs_admin_v1_MembersRequest, MembersRequest__Output as _raftjobs_admin_v1_MembersRequest__Output } from '../../../raftjobs/admin/v1/MembersRequest.js';
import type { MembersResponse as _raftjobs_admin_v1_MembersResponse, MembersResponse__Output as _raftjobs_admin_v1_MembersResponse__Output } from '../../../raftjobs/admin/v1/MembersResponse.js';
import type { NodeStatus as _raftjobs_admin_v1_NodeStatus, NodeStatus__Output as _raftjobs_admin_v1_NodeStatus__Output } from '../../../raftjobs/admin/v1/NodeStatus.js';
import type { SnapshotRequest as _raftjobs_admin_v1_SnapshotRequest, SnapshotRequest__Output as _raftjobs_admin_v1_SnapshotRequest__Output } from '../../../raftjobs/admin/v1/SnapshotRequest.js';
import type { SnapshotResponse as _raftjobs_admin_v1_SnapshotResponse, SnapshotResponse__Output as _raftjobs_admin_v1_SnapshotResponse__Output } from '../../../raftjobs/admin/v1/SnapshotResponse.js';
import type { StatusRequest as _raftjobs_admin_v1_StatusRequest, StatusRequest__Output as _raftjobs_admin_v1_StatusRequest__Output } from '../../../raftjobs/admin/v1/StatusRequest.js';
import type { TransferLeadershipRequest as _raftjobs_admin_v1_TransferLeadershipRequest, TransferLeadershipRequest__Output as _raftjobs_admin_v1_TransferLeadershipRequest__Output } from '../../../raftjobs/admin/v1/TransferLeadershipRequest.js';
import type { TransferLeadershipResponse as _raftjobs_admin_v1_TransferLeadershipResponse, TransferLeadershipResponse__Output as _raftjobs_admin_v1_TransferLeadershipResponse__Output } from '../../../raftjobs/admin/v1/TransferLeadershipResponse.js';
import type { WorkersRequest as _raftjobs_admin_v1_WorkersRequest, WorkersRequest__Output as _raftjobs_admin_v1_WorkersRequest__Output } from '../../../raftjobs/admin/v1/WorkersRequest.js';
import type { WorkersResponse as _raftjobs_admin_v1_WorkersResponse, WorkersResponse__Output as _raftjobs_admin_v1_WorkersResponse__Output } from '../../../raftjobs/admin/v1/WorkersResponse.js';

export interface AdminClient extends grpc.Client {
  /**
   * Membership changes, one server at a time: only the leader takes them (NOT_LEADER, UNAVAILABLE
   * with `x-leader-id` and `x-leader-addr`, elsewhere: ask there). Each returns once the change is
   * committed, with the membership after it. CHANGE_PENDING (UNAVAILABLE) while an earlier change
   * is not committed yet or a new leader has not committed an entry of its term: nothing changed,
   * retry shortly. INVALID_ARGUMENT when the change does not apply (adding a member that exists,
   * promoting a voter, removing the last voter, an unknown id). OUTCOME_UNKNOWN when leadership was
   * lost before it committed: read Members and retry if it is not there. Need the `admin` role.
   * 
   * AddMember adds a learner: it receives the log but does not vote or count toward a majority.
   * Adding the same id with the same address (and incarnation, when given) again is answered with
   * the membership as it is, so a joining node may retry. With auto-promotion on (the default), the
   * leader promotes a learner to voter once it has caught up.
   */
  AddMember(argument: _raftjobs_admin_v1_AddMemberRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  AddMember(argument: _raftjobs_admin_v1_AddMemberRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  AddMember(argument: _raftjobs_admin_v1_AddMemberRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  AddMember(argument: _raftjobs_admin_v1_AddMemberRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Membership changes, one server at a time: only the leader takes them (NOT_LEADER, UNAVAILABLE
   * with `x-leader-id` and `x-leader-addr`, elsewhere: ask there). Each returns once the change is
   * committed, with the membership after it. CHANGE_PENDING (UNAVAILABLE) while an earlier change
   * is not committed yet or a new leader has not committed an entry of its term: nothing changed,
   * retry shortly. INVALID_ARGUMENT when the change does not apply (adding a member that exists,
   * promoting a voter, removing the last voter, an unknown id). OUTCOME_UNKNOWN when leadership was
   * lost before it committed: read Members and retry if it is not there. Need the `admin` role.
   * 
   * AddMember adds a learner: it receives the log but does not vote or count toward a majority.
   * Adding the same id with the same address (and incarnation, when given) again is answered with
   * the membership as it is, so a joining node may retry. With auto-promotion on (the default), the
   * leader promotes a learner to voter once it has caught up.
   */
  addMember(argument: _raftjobs_admin_v1_AddMemberRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  addMember(argument: _raftjobs_admin_v1_AddMemberRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  addMember(argument: _raftjobs_admin_v1_AddMemberRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  addMember(argument: _raftjobs_admin_v1_AddMemberRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A consistent copy of the job state (jobs, schedules, idempotency keys, the replicated clock)
   * for `raftjobs backup`, taken while the cluster keeps serving. Only the leader serves it:
   * elsewhere NOT_LEADER (UNAVAILABLE, with `x-leader-id` and `x-leader-addr`: call there), before
   * anything is streamed. The leader first confirms that it leads (ReadIndex, as a linearizable
   * read), then snapshots its state at its applied index (in 5 ms steps, applying entries between
   * them) and compacts its log below it, as Snapshot does; so the copy holds every write committed
   * before the call began, and perhaps some committed while it ran. Membership, the log and worker
   * sessions are not in it.
   * 
   * The stream: one BackupChunk with `header`, then `data` chunks of at most 1 MiB each (below
   * gRPC's default 4 MiB receive limit) in order, `header.size_bytes` bytes in all, then one with
   * `trailer`. Once the header is sent the copy is fixed: a leader change meanwhile does not end
   * the stream. A stream that ends without its trailer is incomplete; discard what it sent.
   * Errors: NOT_LEADER, NO_LEADER, SHUTTING_DOWN (UNAVAILABLE: try the leader or again); DATA_LOSS
   * when the node's storage failed. Needs the `admin` role: a backup holds every payload.
   */
  Backup(argument: _raftjobs_admin_v1_BackupRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_raftjobs_admin_v1_BackupChunk__Output>;
  Backup(argument: _raftjobs_admin_v1_BackupRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_raftjobs_admin_v1_BackupChunk__Output>;
  /**
   * A consistent copy of the job state (jobs, schedules, idempotency keys, the replicated clock)
   * for `raftjobs backup`, taken while the cluster keeps serving. Only the leader serves it:
   * elsewhere NOT_LEADER (UNAVAILABLE, with `x-leader-id` and `x-leader-addr`: call there), before
   * anything is streamed. The leader first confirms that it leads (ReadIndex, as a linearizable
   * read), then snapshots its state at its applied index (in 5 ms steps, applying entries between
   * them) and compacts its log below it, as Snapshot does; so the copy holds every write committed
   * before the call began, and perhaps some committed while it ran. Membership, the log and worker
   * sessions are not in it.
   * 
   * The stream: one BackupChunk with `header`, then `data` chunks of at most 1 MiB each (below
   * gRPC's default 4 MiB receive limit) in order, `header.size_bytes` bytes in all, then one with
   * `trailer`. Once the header is sent the copy is fixed: a leader change meanwhile does not end
   * the stream. A stream that ends without its trailer is incomplete; discard what it sent.
   * Errors: NOT_LEADER, NO_LEADER, SHUTTING_DOWN (UNAVAILABLE: try the leader or again); DATA_LOSS
   * when the node's storage failed. Needs the `admin` role: a backup holds every payload.
   */
  backup(argument: _raftjobs_admin_v1_BackupRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_raftjobs_admin_v1_BackupChunk__Output>;
  backup(argument: _raftjobs_admin_v1_BackupRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_raftjobs_admin_v1_BackupChunk__Output>;
  
  /**
   * Membership (the nodes of the cluster) as this node sees it: the latest in its log, committed
   * or not. The leader adds each member's replication progress.
   */
  Members(argument: _raftjobs_admin_v1_MembersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  Members(argument: _raftjobs_admin_v1_MembersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  Members(argument: _raftjobs_admin_v1_MembersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  Members(argument: _raftjobs_admin_v1_MembersRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Membership (the nodes of the cluster) as this node sees it: the latest in its log, committed
   * or not. The leader adds each member's replication progress.
   */
  members(argument: _raftjobs_admin_v1_MembersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  members(argument: _raftjobs_admin_v1_MembersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  members(argument: _raftjobs_admin_v1_MembersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  members(argument: _raftjobs_admin_v1_MembersRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Makes a learner a voter.
   */
  PromoteMember(argument: _raftjobs_admin_v1_MemberRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  PromoteMember(argument: _raftjobs_admin_v1_MemberRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  PromoteMember(argument: _raftjobs_admin_v1_MemberRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  PromoteMember(argument: _raftjobs_admin_v1_MemberRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Makes a learner a voter.
   */
  promoteMember(argument: _raftjobs_admin_v1_MemberRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  promoteMember(argument: _raftjobs_admin_v1_MemberRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  promoteMember(argument: _raftjobs_admin_v1_MemberRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  promoteMember(argument: _raftjobs_admin_v1_MemberRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Removes a voter or learner. Removing the leader: it goes on leading until the removal is
   * committed, then hands over to the most up-to-date voter and steps down.
   */
  RemoveMember(argument: _raftjobs_admin_v1_MemberRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  RemoveMember(argument: _raftjobs_admin_v1_MemberRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  RemoveMember(argument: _raftjobs_admin_v1_MemberRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  RemoveMember(argument: _raftjobs_admin_v1_MemberRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Removes a voter or learner. Removing the leader: it goes on leading until the removal is
   * committed, then hands over to the most up-to-date voter and steps down.
   */
  removeMember(argument: _raftjobs_admin_v1_MemberRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  removeMember(argument: _raftjobs_admin_v1_MemberRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  removeMember(argument: _raftjobs_admin_v1_MemberRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  removeMember(argument: _raftjobs_admin_v1_MemberRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Snapshot this node's state machine now and compact its log below it.
   */
  Snapshot(argument: _raftjobs_admin_v1_SnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  Snapshot(argument: _raftjobs_admin_v1_SnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  Snapshot(argument: _raftjobs_admin_v1_SnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  Snapshot(argument: _raftjobs_admin_v1_SnapshotRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Snapshot this node's state machine now and compact its log below it.
   */
  snapshot(argument: _raftjobs_admin_v1_SnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  snapshot(argument: _raftjobs_admin_v1_SnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  snapshot(argument: _raftjobs_admin_v1_SnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  snapshot(argument: _raftjobs_admin_v1_SnapshotRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * This node's view of the cluster (does not contact other nodes; answers with or without a
   * leader).
   */
  Status(argument: _raftjobs_admin_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  Status(argument: _raftjobs_admin_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  Status(argument: _raftjobs_admin_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  Status(argument: _raftjobs_admin_v1_StatusRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  /**
   * This node's view of the cluster (does not contact other nodes; answers with or without a
   * leader).
   */
  status(argument: _raftjobs_admin_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _raftjobs_admin_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _raftjobs_admin_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _raftjobs_admin_v1_StatusRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  
  /**
   * Ask this node, if it leads, to hand leadership to another node. NOT_LEADER (UNAVAILABLE, with
   * `x-leader-id`) when it does not lead; INVALID_ARGUMENT for a node id not in the cluster.
   * Returns once the transfer has started, not when it is done: watch Status.leader_id.
   */
  TransferLeadership(argument: _raftjobs_admin_v1_TransferLeadershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _raftjobs_admin_v1_TransferLeadershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _raftjobs_admin_v1_TransferLeadershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _raftjobs_admin_v1_TransferLeadershipRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Ask this node, if it leads, to hand leadership to another node. NOT_LEADER (UNAVAILABLE, with
   * `x-leader-id`) when it does not lead; INVALID_ARGUMENT for a node id not in the cluster.
   * Returns once the transfer has started, not when it is done: watch Status.leader_id.
   */
  transferLeadership(argument: _raftjobs_admin_v1_TransferLeadershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _raftjobs_admin_v1_TransferLeadershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _raftjobs_admin_v1_TransferLeadershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _raftjobs_admin_v1_TransferLeadershipRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Worker streams connected to this node. Only the leader serves workers, so ask the leader.
   */
  Workers(argument: _raftjobs_admin_v1_WorkersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_WorkersResponse__Output>): grpc.ClientUnaryCall;
  Workers(argument: _raftjobs_admin_v1_WorkersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_WorkersResponse__Output>): grpc.ClientUnaryCall;
  Workers(argument: _raftjobs_admin_v1_WorkersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_WorkersResponse__Output>): grpc.ClientUnaryCall;
  Workers(argument: _raftjobs_admin_v1_WorkersRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_WorkersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Worker streams connected to this node. Only the leader serves workers, so ask the leader.
   */
  workers(argument: _raftjobs_admin_v1_WorkersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_WorkersResponse__Output>): grpc.ClientUnaryCall;
  workers(argument: _raftjobs_admin_v1_WorkersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_admin_v1_WorkersResponse__Output>): grpc.ClientUnaryCall;
  workers(argument: _raftjobs_admin_v1_WorkersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_admin_v1_WorkersResponse__Output>): grpc.ClientUnaryCall;
  workers(argument: _raftjobs_admin_v1_WorkersRequest, callback: grpc.requestCallback<_raftjobs_admin_v1_WorkersResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AdminHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Membership changes, one server at a time: only the leader takes them (NOT_LEADER, UNAVAILABLE
   * with `x-leader-id` and `x-leader-addr`, elsewhere: ask there). Each returns once the change is
   * committed, with the membership after it. CHANGE_PENDING (UNAVAILABLE) while an earlier change
   * is not committed yet or a new leader has not committed an entry of its term: nothing changed,
   * retry shortly. INVALID_ARGUMENT when the change does not apply (adding a member that exists,
   * promoting a voter, removing the last voter, an unknown id). OUTCOME_UNKNOWN when leadership was
   * lost before it committed: read Members and retry if it is not there. Need the `admin` role.
   * 
   * AddMember adds a learner: it receives the log but does not vote or count toward a majority.
   * Adding the same id with the same address (and incarnation, when given) again is answered with
   * the membership as it is, so a joining node may retry. With auto-promotion on (the default), the
   * leader promotes a learner to voter once it has caught up.
   */
  AddMember: grpc.handleUnaryCall<_raftjobs_admin_v1_AddMemberRequest__Output, _raftjobs_admin_v1_MembersResponse>;
  
  /**
   * A consistent copy of the job state (jobs, schedules, idempotency keys, the replicated clock)
   * for `raftjobs backup`, taken while the cluster keeps serving. Only the leader serves it:
   * elsewhere NOT_LEADER (UNAVAILABLE, with `x-leader-id` and `x-leader-addr`: call there), before
   * anything is streamed. The leader first confirms that it leads (ReadIndex, as a linearizable
   * read), then snapshots its state at its applied index (in 5 ms steps, applying entries between
   * them) and compacts its log below it, as Snapshot does; so the copy holds every write committed
   * before the call began, and perhaps some committed while it ran. Membership, the log and worker
   * sessions are not in it.
   * 
   * The stream: one BackupChunk with `header`, then `data` chunks of at most 1 MiB each (below
   * gRPC's default 4 MiB receive limit) in order, `header.size_bytes` bytes in all, then one with
   * `trailer`. Once the header is sent the copy is fixed: a leader change meanwhile does not end
   * the stream. A stream that ends without its trailer is incomplete; discard what it sent.
   * Errors: NOT_LEADER, NO_LEADER, SHUTTING_DOWN (UNAVAILABLE: try the leader or again); DATA_LOSS
   * when the node's storage failed. Needs the `admin` role: a backup holds every payload.
   */
  Backup: grpc.handleServerStreamingCall<_raftjobs_admin_v1_BackupRequest__Output, _raftjobs_admin_v1_BackupChunk>;
  
  /**
   * Membership (the nodes of the cluster) as this node sees it: the latest in its log, committed
   * or not. The leader adds each member's replication progress.
   */
  Members: grpc.handleUnaryCall<_raftjobs_admin_v1_MembersRequest__Output, _raftjobs_admin_v1_MembersResponse>;
  
  /**
   * Makes a learner a voter.
   */
  PromoteMember: grpc.handleUnaryCall<_raftjobs_admin_v1_MemberRequest__Output, _raftjobs_admin_v1_MembersResponse>;
  
  /**
   * Removes a voter or learner. Removing the leader: it goes on leading until the removal is
   * committed, then hands over to the most up-to-date voter and steps down.
   */
  RemoveMember: grpc.handleUnaryCall<_raftjobs_admin_v1_MemberRequest__Output, _raftjobs_admin_v1_MembersResponse>;
  
  /**
   * Snapshot this node's state machine now and compact its log below it.
   */
  Snapshot: grpc.handleUnaryCall<_raftjobs_admin_v1_SnapshotRequest__Output, _raftjobs_admin_v1_SnapshotResponse>;
  
  /**
   * This node's view of the cluster (does not contact other nodes; answers with or without a
   * leader).
   */
  Status: grpc.handleUnaryCall<_raftjobs_admin_v1_StatusRequest__Output, _raftjobs_admin_v1_NodeStatus>;
  
  /**
   * Ask this node, if it leads, to hand leadership to another node. NOT_LEADER (UNAVAILABLE, with
   * `x-leader-id`) when it does not lead; INVALID_ARGUMENT for a node id not in the cluster.
   * Returns once the transfer has started, not when it is done: watch Status.leader_id.
   */
  TransferLeadership: grpc.handleUnaryCall<_raftjobs_admin_v1_TransferLeadershipRequest__Output, _raftjobs_admin_v1_TransferLeadershipResponse>;
  
  /**
   * Worker streams connected to this node. Only the leader serves workers, so ask the leader.
   */
  Workers: grpc.handleUnaryCall<_raftjobs_admin_v1_WorkersRequest__Output, _raftjobs_admin_v1_WorkersResponse>;
  
}

export interface AdminDefinition extends grpc.ServiceDefinition {
  AddMember: MethodDefinition<_raftjobs_admin_v1_AddMemberRequest, _raftjobs_admin_v1_MembersResponse, _raftjobs_admin_v1_AddMemberRequest__Output, _raftjobs_admin_v1_MembersResponse__Output>
  Backup: MethodDefinition<_raftjobs_admin_v1_BackupRequest, _raftjobs_admin_v1_BackupChunk, _raftjobs_admin_v1_BackupRequest__Output, _raftjobs_admin_v1_BackupChunk__Output>
  Members: MethodDefinition<_raftjobs_admin_v1_MembersRequest, _raftjobs_admin_v1_MembersResponse, _raftjobs_admin_v1_MembersRequest__Output, _raftjobs_admin_v1_MembersResponse__Output>
  PromoteMember: MethodDefinition<_raftjobs_admin_v1_MemberRequest, _raftjobs_admin_v1_MembersResponse, _raftjobs_admin_v1_MemberRequest__Output, _raftjobs_admin_v1_MembersResponse__Output>
  RemoveMember: MethodDefinition<_raftjobs_admin_v1_MemberRequest, _raftjobs_admin_v1_MembersResponse, _raftjobs_admin_v1_MemberRequest__Output, _raftjobs_admin_v1_MembersResponse__Output>
  Snapshot: MethodDefinition<_raftjobs_admin_v1_SnapshotRequest, _raftjobs_admin_v1_SnapshotResponse, _raftjobs_admin_v1_SnapshotRequest__Output, _raftjobs_admin_v1_SnapshotResponse__Output>
  Status: MethodDefinition<_raftjobs_admin_v1_StatusRequest, _raftjobs_admin_v1_NodeStatus, _raftjobs_admin_v1_StatusRequest__Output, _raftjobs_admin_v1_NodeStatus__Output>
  TransferLeadership: MethodDefinition<_raftjobs_admin_v1_TransferLeadershipRequest, _raftjobs_admin_v1_TransferLeadershipResponse, _raftjobs_admin_v1_TransferLeadershipRequest__Output, _raftjobs_admin_v1_TransferLeadershipResponse__Output>
  Workers: MethodDefinition<_raftjobs_admin_v1_WorkersRequest, _raftjobs_admin_v1_WorkersResponse, _raftjobs_admin_v1_WorkersRequest__Output, _raftjobs_admin_v1_WorkersResponse__Output>
}
