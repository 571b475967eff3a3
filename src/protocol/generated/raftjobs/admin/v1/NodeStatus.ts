// Original file: proto/admin.proto

import type { PeerProgress as _raftjobs_admin_v1_PeerProgress, PeerProgress__Output as _raftjobs_admin_v1_PeerProgress__Output } from '../../../raftjobs/admin/v1/PeerProgress.js';
import type { PeerContact as _raftjobs_admin_v1_PeerContact, PeerContact__Output as _raftjobs_admin_v1_PeerContact__Output } from '../../../raftjobs/admin/v1/PeerContact.js';
import type { ResourceGuards as _raftjobs_admin_v1_ResourceGuards, ResourceGuards__Output as _raftjobs_admin_v1_ResourceGuards__Output } from '../../../raftjobs/admin/v1/ResourceGuards.js';
import type { Long } from '@grpc/proto-loader';

export interface NodeStatus {
  'id'?: (string);
  'clusterId'?: (string);
  /**
   * follower | preCandidate | candidate | leader
   */
  'role'?: (string);
  'term'?: (number | string | Long);
  /**
   * Empty when no leader is known.
   */
  'leaderId'?: (string);
  'commitIndex'?: (number | string | Long);
  'appliedIndex'?: (number | string | Long);
  'firstLogIndex'?: (number | string | Long);
  'lastLogIndex'?: (number | string | Long);
  'snapshotIndex'?: (number | string | Long);
  /**
   * Hash of the replicated job state at applied_index.
   */
  'stateDigest'?: (string);
  'pid'?: (number);
  'address'?: (string);
  /**
   * Leader only: replication progress of every other node.
   */
  'peers'?: (_raftjobs_admin_v1_PeerProgress)[];
  /**
   * Every node this one has received a Raft message from since it started.
   */
  'contacts'?: (_raftjobs_admin_v1_PeerContact)[];
  /**
   * The node's release (the raftjobs package version).
   */
  'version'?: (string);
  /**
   * The Jobs and Workers protocol version it speaks (see Welcome.protocol_version in jobs.proto).
   */
  'protocolVersion'?: (number);
  /**
   * The peer protocol version it speaks with other nodes; a node refuses a peer stream of another
   * version with FAILED_PRECONDITION naming both (rolling upgrades keep it until every node runs
   * a release that speaks both).
   */
  'peerProtocolVersion'?: (number);
  /**
   * The resource guards as this node sees them (jobs.proto, "Resource guards").
   */
  'guards'?: (_raftjobs_admin_v1_ResourceGuards | null);
}

export interface NodeStatus__Output {
  'id': (string);
  'clusterId': (string);
  /**
   * follower | preCandidate | candidate | leader
   */
  'role': (string);
  'term': (number);
  /**
   * Empty when no leader is known.
   */
  'leaderId': (string);
  'commitIndex': (number);
  'appliedIndex': (number);
  'firstLogIndex': (number);
  'lastLogIndex': (number);
  'snapshotIndex': (number);
  /**
   * Hash of the replicated job state at applied_index.
   */
  'stateDigest': (string);
  'pid': (number);
  'address': (string);
  /**
   * Leader only: replication progress of every other node.
   */
  'peers': (_raftjobs_admin_v1_PeerProgress__Output)[];
  /**
   * Every node this one has received a Raft message from since it started.
   */
  'contacts': (_raftjobs_admin_v1_PeerContact__Output)[];
  /**
   * The node's release (the raftjobs package version).
   */
  'version': (string);
  /**
   * The Jobs and Workers protocol version it speaks (see Welcome.protocol_version in jobs.proto).
   */
  'protocolVersion': (number);
  /**
   * The peer protocol version it speaks with other nodes; a node refuses a peer stream of another
   * version with FAILED_PRECONDITION naming both (rolling upgrades keep it until every node runs
   * a release that speaks both).
   */
  'peerProtocolVersion': (number);
  /**
   * The resource guards as this node sees them (jobs.proto, "Resource guards").
   */
  'guards': (_raftjobs_admin_v1_ResourceGuards__Output | null);
}
