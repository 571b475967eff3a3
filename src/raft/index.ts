export { Raft } from './raft.js';
export { applyChange, checkMembership, decodeMembership, encodeMembership, incarnationOf, isMember, members } from './membership.js';
export { EntryType, MessageType, Role } from './types.js';
export type {
  AppendRequest,
  AppendResponse,
  ChangeResult,
  ClusterMembership,
  Entry,
  HardState,
  HeartbeatRequest,
  HeartbeatResponse,
  InitialState,
  MembershipChange,
  Message,
  NodeId,
  ProgressStatus,
  ProposeResult,
  RaftOptions,
  RaftStatus,
  ReadState,
  Ready,
  Snapshot,
  SnapshotMeta,
  SnapshotRequest,
  TimeoutNowRequest,
  VoteRequest,
  VoteResponse,
} from './types.js';
