import type { Message, NodeId } from '../raft/index.js';
import { encodeMessage, FrameBuilder, messageCost } from '../transport/codec.js';
import { MemoryNetwork } from '../transport/memory.js';

/** What `MemoryNetwork` carries from one transport to another. */
export type SimFrame = Parameters<MemoryNetwork['transmit']>[1];

/** Where the simulation decides the fate of each message handed to the network. */
export interface NetworkHost {
  /**
   * A transport hands `frame` to the network for `to`. Return false when the link refuses it
   * (the sender counts a drop and reports a lost snapshot); otherwise the host delivers it later,
   * or loses it silently, by calling `deliver`.
   */
  transmit(to: NodeId, frame: SimFrame, deliver: (frame: SimFrame) => void): boolean;
}

/**
 * The in-memory network of the driver simulation: `MemoryTransport`s attach to it as to any
 * `MemoryNetwork`, but every message goes through the simulation first, which drops, duplicates,
 * delays and reorders it in virtual time. Delivery is the base network's (to the transport running
 * under that id at the time, if any), synchronous once the simulation lets it through.
 */
export class SimNetwork extends MemoryNetwork {
  constructor(private readonly host: NetworkHost) {
    super({ schedule: (task) => task() });
  }

  override transmit(to: NodeId, frame: SimFrame): boolean {
    return this.host.transmit(to, frame, (f) => super.transmit(to, f));
  }
}

/**
 * Bytes of the gRPC frame that would carry `msg` alone, when that could exceed `limit`; 0 when it
 * certainly fits (most messages are far below any limit, and encoding each would cost more than
 * the rest of the simulation). Snapshots travel in chunks over gRPC, so no limit applies to them.
 */
export function oversizeFrameBytes(msg: Message, clusterId: string, limit: number): number {
  if (msg.type === 'snapshot') return 0;
  let estimate = 256;
  if (msg.type === 'append') for (const e of msg.entries) estimate += e.data.length + 32;
  if (estimate <= limit) return 0;
  const bytes = new FrameBuilder(clusterId, msg.from).size + messageCost(encodeMessage(msg).length);
  return bytes > limit ? bytes : 0;
}

/** Bytes a message puts on the wire, roughly: what a link's bandwidth is charged for. */
export function wireBytes(msg: Message): number {
  if (msg.type === 'append') {
    let n = 64;
    for (const e of msg.entries) n += e.data.length + 16;
    return n;
  }
  if (msg.type === 'snapshot') return 64 + msg.snapshot.data.length;
  return 48;
}
