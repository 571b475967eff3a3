import type { Message, NodeId } from '../raft/types.js';

/** Counters of one transport since it was constructed. All counts are Raft messages. */
export interface TransportStats {
  /** Messages handed to the wire (gRPC: written to a peer stream; memory: handed to the network). */
  readonly sent: number;
  /**
   * Messages discarded before reaching the wire: a full per-peer queue (the oldest is dropped), an
   * unknown or unaddressable recipient, a message over the size limit, a snapshot whose stream broke
   * mid-transfer, anything still queued at `stop()` or for a peer `setPeers` removed; in memory also
   * partitions and the drop hook.
   * Raft retries, so drops cost latency, not safety.
   */
  readonly dropped: number;
  /**
   * Of `dropped`: messages larger than the transport's `maxMessageBytes` (snapshots excepted: they
   * travel in chunks). Raft resends such a message forever, so any count here is a configuration
   * bug; each is also logged as "message over maxMessageBytes dropped".
   */
  readonly tooLarge: number;
  /** Inbound messages delivered to the `onMessage` handler. */
  readonly received: number;
  /**
   * Inbound messages refused by validation (foreign cluster id, unknown sender, not addressed to
   * us, malformed). A gRPC stream refused at its handshake counts as one.
   */
  readonly rejected: number;
}

/** The outgoing queue of one peer and what was lost on the way to it, for metrics. */
export interface PeerQueueStats {
  readonly id: NodeId;
  /**
   * Messages waiting for the peer: in gRPC those not yet written to its stream (all of them while
   * it is unreachable); in memory those held while the peer is not running.
   */
  readonly queued: number;
  /** Messages to this peer dropped (queue overflow, too large, lost snapshot, stop, partition). */
  readonly dropped: number;
  /** Of `dropped`: messages over `maxMessageBytes`. */
  readonly tooLarge: number;
}

/** Log line of a message dropped for its size, the same from every transport. */
export const TOO_LARGE_DROPPED = 'message over maxMessageBytes dropped';

/**
 * What the transport learned about a peer that the Raft core wants to hear about
 * (`Raft.reportSnapshotFailure`, `Raft.reportUnreachable`).
 * - `snapshot`: a snapshot message to `to` was written whole (`ok: true`) or lost (`ok: false`).
 * - `unreachable`: a connection to `to` failed or broke; reported once per outage. A stream that
 *   breaks is reported as soon as the transport sees it end (a stopped or killed peer's sockets are
 *   closed by its kernel), not after a quiet period: a follower takes it as a sign its leader may
 *   be gone (`Raft.leaderUnreachable`). In memory, a peer's transport stopping is such a break.
 */
export type PeerReport =
  | { readonly type: 'snapshot'; readonly to: NodeId; readonly ok: boolean }
  | { readonly type: 'unreachable'; readonly to: NodeId };

/** Moves Raft messages between the nodes of one cluster. */
export interface Transport {
  /**
   * Queue messages for their peers (by `to`). Never blocks and never throws; drops (and counts) when
   * a peer's bounded queue is full, since Raft retries. Messages whose `from` is not this node are
   * dropped.
   */
  send(messages: readonly Message[]): void;
  /**
   * Register the handler for inbound messages; a later call replaces it. Only validated messages
   * arrive: right cluster, known sender, addressed to us. Must be set before `start()`.
   */
  onMessage(handler: (msg: Message) => void): void;
  /**
   * Replace the peers: id → address to dial (`selfId` ignored). Links to peers no longer listed are
   * closed (what was queued for them is dropped), new ones are dialled, a changed address is
   * redialled; links whose address is unchanged keep their streams and queues. Inbound streams from
   * a sender not listed are refused, unless `acceptUnlisted` (a node that is not a member yet, such
   * as one joining, hears from a leader it was not told about; its replies reach only listed peers).
   * The membership changes it at run time; the options give the first set.
   */
  setPeers(peers: ReadonlyMap<NodeId, string>, opts?: { readonly acceptUnlisted?: boolean }): void;
  /** Register the handler for peer reports (optional; reports are discarded without one). */
  onReport(handler: (report: PeerReport) => void): void;
  /** Begin accepting and sending. Messages sent before `start()` are dropped. */
  start(): Promise<void>;
  /** Close every stream this transport opened or accepted; idempotent; resolves promptly. */
  stop(): Promise<void>;
  stats(): TransportStats;
  /** Queue depth and drop counts of every listed peer (the last `setPeers`), in peer order. */
  peerStats(): PeerQueueStats[];
}

/** A timer as returned by `TransportClock.setTimeout`. */
export interface TimerHandle {
  unref?(): unknown;
}

/**
 * Time source of a transport, injectable so tests and simulations control it. `now()` is only used
 * to rate-limit log lines. Defaults: `realClock`.
 */
export interface TransportClock {
  /** Milliseconds since an arbitrary epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Reconnect delays: capped exponential with jitter (see `backoffDelay`). */
export interface BackoffOptions {
  /** Delay before the first reconnect attempt, ms. */
  readonly initialMs: number;
  /** Largest delay between attempts, ms. */
  readonly maxMs: number;
}
