import type { Message, NodeId } from '../raft/types.js';

/** Why an inbound frame, stream or message was refused. */
export const RejectReason = {
  /** Cluster id differs from ours: another cluster's node dialled us. */
  ForeignCluster: 'foreign-cluster',
  /** Sender is not one of our peers (and the policy does not accept unlisted senders). */
  UnknownSender: 'unknown-sender',
  /** Addressed to another node id: the sender's address book points the wrong node at us. */
  WrongRecipient: 'wrong-recipient',
  /** A message's `from` (or a frame's sender) disagrees with the sender of its stream. */
  SenderMismatch: 'sender-mismatch',
  /** Not decodable, or a field out of range. */
  Malformed: 'malformed',
  /** The sender speaks another peer protocol version. */
  ProtocolMismatch: 'protocol-mismatch',
  /** The stream's certificate does not prove the node id its handshake claims (TLS clusters). */
  Unauthenticated: 'unauthenticated',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

/** Who we are and whom we accept: the same rules for every transport implementation. */
export interface PeerPolicy {
  readonly clusterId: string;
  readonly selfId: NodeId;
  /** Known peers, never including `selfId`. */
  readonly peers: ReadonlySet<NodeId>;
  /** Any sender of our cluster other than ourselves is accepted, listed or not (see `Transport.setPeers`). */
  readonly acceptUnlisted: boolean;
}

/** Builds a policy; `selfId` is removed from `peers` (configs usually list every member). */
export function peerPolicy(clusterId: string, selfId: NodeId, peers: Iterable<NodeId>, acceptUnlisted = false): PeerPolicy {
  const set = new Set(peers);
  set.delete(selfId);
  return { clusterId, selfId, peers: set, acceptUnlisted };
}

/** Whether the policy takes streams and messages from `from` (its cluster id aside). */
export function acceptsSender(policy: PeerPolicy, from: NodeId): boolean {
  return policy.peers.has(from) || (policy.acceptUnlisted && from !== '' && from !== policy.selfId);
}

/** Checks the sender of a stream or frame: our cluster, a known peer (or any, see `acceptUnlisted`), meant for us. */
export function checkSender(policy: PeerPolicy, clusterId: string, from: NodeId, to: NodeId = policy.selfId): RejectReason | null {
  if (clusterId !== policy.clusterId) return RejectReason.ForeignCluster;
  if (!acceptsSender(policy, from)) return RejectReason.UnknownSender;
  if (to !== policy.selfId) return RejectReason.WrongRecipient;
  return null;
}

/** Checks one message that arrived from the already validated sender `from`. */
export function checkMessage(policy: PeerPolicy, from: NodeId, msg: Message): RejectReason | null {
  if (msg.from !== from) return RejectReason.SenderMismatch;
  if (msg.to !== policy.selfId) return RejectReason.WrongRecipient;
  return null;
}
