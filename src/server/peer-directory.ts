import type { Config } from '../config/index.js';
import { members, type ClusterMembership } from '../node/index.js';

type NodeId = string;

/** Looks up one address by node id: the one method of a map the forwarder needs. */
export interface AddressBook {
  get(id: NodeId): string | undefined;
}

/**
 * Where each member of the cluster is, as the membership changes: the address a member was added
 * with (recorded in the replicated membership), else the cluster config's (the first nodes). Peers
 * are dialled there unless `RAFTJOBS_PEER_ADDRESSES` names another (a fault-injecting proxy in
 * chaos runs); clients are always told the member's own address.
 */
export class PeerDirectory {
  private readonly configured: ReadonlyMap<NodeId, string>;

  /** Client-facing addresses (leader hints). */
  readonly clients: AddressBook = { get: (id) => this.clientAddress(id) };
  /** Where this node dials each peer. */
  readonly dialling: AddressBook = { get: (id) => this.overrides.get(id) ?? this.clientAddress(id) };

  constructor(
    config: Config,
    private readonly selfId: NodeId,
    private readonly membership: () => ClusterMembership,
    /** Dial addresses that replace a member's (`peerDialAddresses`). */
    private readonly overrides: ReadonlyMap<NodeId, string>,
  ) {
    this.configured = new Map(config.nodes.map((n) => [n.id, n.address]));
  }

  clientAddress(id: NodeId): string | undefined {
    return this.membership().addresses?.[id] ?? this.configured.get(id);
  }

  /** Every other member with a known address, as the transport dials them. */
  peers(): Map<NodeId, string> {
    const out = new Map<NodeId, string>();
    for (const id of members(this.membership())) {
      const address = this.dialling.get(id);
      if (id !== this.selfId && address !== undefined) out.set(id, address);
    }
    return out;
  }
}
