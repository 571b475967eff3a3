import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AddMemberRequest as _raftjobs_admin_v1_AddMemberRequest, AddMemberRequest__Output as _raftjobs_admin_v1_AddMemberRequest__Output } from './raftjobs/admin/v1/AddMemberRequest.js';
import type { AdminClient as _raftjobs_admin_v1_AdminClient, AdminDefinition as _raftjobs_admin_v1_AdminDefinition } from './raftjobs/admin/v1/Admin.js';
import type { BackupChunk as _raftjobs_admin_v1_BackupChunk, BackupChunk__Output as _raftjobs_admin_v1_BackupChunk__Output } from './raftjobs/admin/v1/BackupChunk.js';
import type { BackupHeader as _raftjobs_admin_v1_BackupHeader, BackupHeader__Output as _raftjobs_admin_v1_BackupHeader__Output } from './raftjobs/admin/v1/BackupHeader.js';
import type { BackupRequest as _raftjobs_admin_v1_BackupRequest, BackupRequest__Output as _raftjobs_admin_v1_BackupRequest__Output } from './raftjobs/admin/v1/BackupRequest.js';
import type { BackupTrailer as _raftjobs_admin_v1_BackupTrailer, BackupTrailer__Output as _raftjobs_admin_v1_BackupTrailer__Output } from './raftjobs/admin/v1/BackupTrailer.js';
import type { HeldLease as _raftjobs_admin_v1_HeldLease, HeldLease__Output as _raftjobs_admin_v1_HeldLease__Output } from './raftjobs/admin/v1/HeldLease.js';
import type { Member as _raftjobs_admin_v1_Member, Member__Output as _raftjobs_admin_v1_Member__Output } from './raftjobs/admin/v1/Member.js';
import type { MemberRequest as _raftjobs_admin_v1_MemberRequest, MemberRequest__Output as _raftjobs_admin_v1_MemberRequest__Output } from './raftjobs/admin/v1/MemberRequest.js';
import type { MembersRequest as _raftjobs_admin_v1_MembersRequest, MembersRequest__Output as _raftjobs_admin_v1_MembersRequest__Output } from './raftjobs/admin/v1/MembersRequest.js';
import type { MembersResponse as _raftjobs_admin_v1_MembersResponse, MembersResponse__Output as _raftjobs_admin_v1_MembersResponse__Output } from './raftjobs/admin/v1/MembersResponse.js';
import type { NodeStatus as _raftjobs_admin_v1_NodeStatus, NodeStatus__Output as _raftjobs_admin_v1_NodeStatus__Output } from './raftjobs/admin/v1/NodeStatus.js';
import type { PeerContact as _raftjobs_admin_v1_PeerContact, PeerContact__Output as _raftjobs_admin_v1_PeerContact__Output } from './raftjobs/admin/v1/PeerContact.js';
import type { PeerProgress as _raftjobs_admin_v1_PeerProgress, PeerProgress__Output as _raftjobs_admin_v1_PeerProgress__Output } from './raftjobs/admin/v1/PeerProgress.js';
import type { ResourceGuards as _raftjobs_admin_v1_ResourceGuards, ResourceGuards__Output as _raftjobs_admin_v1_ResourceGuards__Output } from './raftjobs/admin/v1/ResourceGuards.js';
import type { SnapshotRequest as _raftjobs_admin_v1_SnapshotRequest, SnapshotRequest__Output as _raftjobs_admin_v1_SnapshotRequest__Output } from './raftjobs/admin/v1/SnapshotRequest.js';
import type { SnapshotResponse as _raftjobs_admin_v1_SnapshotResponse, SnapshotResponse__Output as _raftjobs_admin_v1_SnapshotResponse__Output } from './raftjobs/admin/v1/SnapshotResponse.js';
import type { StatusRequest as _raftjobs_admin_v1_StatusRequest, StatusRequest__Output as _raftjobs_admin_v1_StatusRequest__Output } from './raftjobs/admin/v1/StatusRequest.js';
import type { TransferLeadershipRequest as _raftjobs_admin_v1_TransferLeadershipRequest, TransferLeadershipRequest__Output as _raftjobs_admin_v1_TransferLeadershipRequest__Output } from './raftjobs/admin/v1/TransferLeadershipRequest.js';
import type { TransferLeadershipResponse as _raftjobs_admin_v1_TransferLeadershipResponse, TransferLeadershipResponse__Output as _raftjobs_admin_v1_TransferLeadershipResponse__Output } from './raftjobs/admin/v1/TransferLeadershipResponse.js';
import type { WorkerInfo as _raftjobs_admin_v1_WorkerInfo, WorkerInfo__Output as _raftjobs_admin_v1_WorkerInfo__Output } from './raftjobs/admin/v1/WorkerInfo.js';
import type { WorkersRequest as _raftjobs_admin_v1_WorkersRequest, WorkersRequest__Output as _raftjobs_admin_v1_WorkersRequest__Output } from './raftjobs/admin/v1/WorkersRequest.js';
import type { WorkersResponse as _raftjobs_admin_v1_WorkersResponse, WorkersResponse__Output as _raftjobs_admin_v1_WorkersResponse__Output } from './raftjobs/admin/v1/WorkersResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  raftjobs: {
    admin: {
      v1: {
        AddMemberRequest: MessageTypeDefinition<_raftjobs_admin_v1_AddMemberRequest, _raftjobs_admin_v1_AddMemberRequest__Output>
        Admin: SubtypeConstructor<typeof grpc.Client, _raftjobs_admin_v1_AdminClient> & { service: _raftjobs_admin_v1_AdminDefinition }
        BackupChunk: MessageTypeDefinition<_raftjobs_admin_v1_BackupChunk, _raftjobs_admin_v1_BackupChunk__Output>
        BackupHeader: MessageTypeDefinition<_raftjobs_admin_v1_BackupHeader, _raftjobs_admin_v1_BackupHeader__Output>
        BackupRequest: MessageTypeDefinition<_raftjobs_admin_v1_BackupRequest, _raftjobs_admin_v1_BackupRequest__Output>
        BackupTrailer: MessageTypeDefinition<_raftjobs_admin_v1_BackupTrailer, _raftjobs_admin_v1_BackupTrailer__Output>
        HeldLease: MessageTypeDefinition<_raftjobs_admin_v1_HeldLease, _raftjobs_admin_v1_HeldLease__Output>
        Member: MessageTypeDefinition<_raftjobs_admin_v1_Member, _raftjobs_admin_v1_Member__Output>
        MemberRequest: MessageTypeDefinition<_raftjobs_admin_v1_MemberRequest, _raftjobs_admin_v1_MemberRequest__Output>
        MembersRequest: MessageTypeDefinition<_raftjobs_admin_v1_MembersRequest, _raftjobs_admin_v1_MembersRequest__Output>
        MembersResponse: MessageTypeDefinition<_raftjobs_admin_v1_MembersResponse, _raftjobs_admin_v1_MembersResponse__Output>
        NodeStatus: MessageTypeDefinition<_raftjobs_admin_v1_NodeStatus, _raftjobs_admin_v1_NodeStatus__Output>
        PeerContact: MessageTypeDefinition<_raftjobs_admin_v1_PeerContact, _raftjobs_admin_v1_PeerContact__Output>
        PeerProgress: MessageTypeDefinition<_raftjobs_admin_v1_PeerProgress, _raftjobs_admin_v1_PeerProgress__Output>
        ResourceGuards: MessageTypeDefinition<_raftjobs_admin_v1_ResourceGuards, _raftjobs_admin_v1_ResourceGuards__Output>
        SnapshotRequest: MessageTypeDefinition<_raftjobs_admin_v1_SnapshotRequest, _raftjobs_admin_v1_SnapshotRequest__Output>
        SnapshotResponse: MessageTypeDefinition<_raftjobs_admin_v1_SnapshotResponse, _raftjobs_admin_v1_SnapshotResponse__Output>
        StatusRequest: MessageTypeDefinition<_raftjobs_admin_v1_StatusRequest, _raftjobs_admin_v1_StatusRequest__Output>
        TransferLeadershipRequest: MessageTypeDefinition<_raftjobs_admin_v1_TransferLeadershipRequest, _raftjobs_admin_v1_TransferLeadershipRequest__Output>
        TransferLeadershipResponse: MessageTypeDefinition<_raftjobs_admin_v1_TransferLeadershipResponse, _raftjobs_admin_v1_TransferLeadershipResponse__Output>
        WorkerInfo: MessageTypeDefinition<_raftjobs_admin_v1_WorkerInfo, _raftjobs_admin_v1_WorkerInfo__Output>
        WorkersRequest: MessageTypeDefinition<_raftjobs_admin_v1_WorkersRequest, _raftjobs_admin_v1_WorkersRequest__Output>
        WorkersResponse: MessageTypeDefinition<_raftjobs_admin_v1_WorkersResponse, _raftjobs_admin_v1_WorkersResponse__Output>
      }
    }
  }
}

