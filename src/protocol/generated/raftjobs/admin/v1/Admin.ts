// Original file: proto/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
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
  Snapshot: MethodDefinition<_raftjobs_admin_v1_SnapshotRequest, _raftjobs_admin_v1_SnapshotResponse, _raftjobs_admin_v1_SnapshotRequest__Output, _raftjobs_admin_v1_SnapshotResponse__Output>
  Status: MethodDefinition<_raftjobs_admin_v1_StatusRequest, _raftjobs_admin_v1_NodeStatus, _raftjobs_admin_v1_StatusRequest__Output, _raftjobs_admin_v1_NodeStatus__Output>
  TransferLeadership: MethodDefinition<_raftjobs_admin_v1_TransferLeadershipRequest, _raftjobs_admin_v1_TransferLeadershipResponse, _raftjobs_admin_v1_TransferLeadershipRequest__Output, _raftjobs_admin_v1_TransferLeadershipResponse__Output>
  Workers: MethodDefinition<_raftjobs_admin_v1_WorkersRequest, _raftjobs_admin_v1_WorkersResponse, _raftjobs_admin_v1_WorkersRequest__Output, _raftjobs_admin_v1_WorkersResponse__Output>
}
