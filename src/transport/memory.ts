import { pino, type Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { LIMITS } from '../limits/index.js';
import type { Message, NodeId } from '../raft/types.js';
import { realClock } from './clock.js';
import { encodedLengthBound, encodeMessage, frameHeaderBytes, messageCost, readMembership } from './codec.js';
import { LogLimiter } from './log-limiter.js';
import { BoundedQueue } from './queue.js';
import { TOO_LARGE_DROPPED, type PeerQueueStats, type PeerReport, type Transport, type TransportClock, type TransportStats } from './types.js';
import { checkMessage, checkSender, peerPolicy, type PeerPolicy } from './validate.js';

/** Decides per message whether the network loses it (true = drop). */
export type DropHook = (msg: Message) => boolean;

/** Options of `MemoryNetwork`. */
export interface MemoryNetworkOptions {
  /**
   * Runs a delivery task later, as a socket would. Default `setImmediate`; a simulator passes its
   * own scheduler to control interleaving.
   */
  readonly schedule?: (task: () => void) => void;
  /** Initial drop hook; see `setDropHook`. */
  readonly dropHook?: DropHook;
}

interface Frame {
  readonly clusterId: string;
  readonly from: NodeId;
  readonly message: Message;
}

/** A copy as if it had been through the wire: exactly the fields of its type, fresh byte arrays. */
function wireCopy(msg: Message): Message {
  switch (msg.type) {
    case 'preVote':
    case 'vote': {
      const { type, from, to, term, lastLogIndex, lastLogTerm, transfer } = msg;
      return { type, from, to, term, lastLogIndex, lastLogTerm, transfer };
    }
    case 'preVoteResp':
    case 'voteResp': {
      const { type, from, to, term, granted, incarnation } = msg;
      return { type, from, to, term, granted, ...(incarnation === undefined || incarnation === 0 ? {} : { incarnation }) };
    }
    case 'append': {
      const { type, from, to, term, prevLogIndex, prevLogTerm, commit } = msg;
      const entries = msg.entries.map(({ index, term: t, type: et, data }) => ({ index, term: t, type: et, data: new Uint8Array(data) }));
      return { type, from, to, term, prevLogIndex, prevLogTerm, entries, commit };
    }
    case 'appendResp': {
      const { type, from, to, term, success, index, hintIndex, hintTerm, incarnation } = msg;
      return { type, from, to, term, success, index, hintIndex, hintTerm, incarnation };
    }
    case 'heartbeat': {
      const { type, from, to, term, commit, context } = msg;
      return { type, from, to, term, commit, context };
    }
    case 'heartbeatResp': {
      const { type, from, to, term, context, incarnation } = msg;
      return { type, from, to, term, context, incarnation };
    }
    case 'snapshot': {
      const { type, from, to, term } = msg;
      const { index, term: t, membership } = msg.snapshot.meta;
      // As a gRPC receiver reads it; one it would reject as malformed travels as a plain copy.
      const read = readMembership(membership);
      const meta = { index, term: t, membership: typeof read === 'string' ? structuredClone(membership) : read };
      return { type, from, to, term, snapshot: { meta, data: new Uint8Array(msg.snapshot.data) } };
    }
    case 'timeoutNow': {
      const { type, from, to, term } = msg;
      return { type, from, to, term };
    }
  }
}

/**
 * An in-memory network joining `MemoryTransport`s by node id: asynchronous, in-order delivery,
 * with partitions and a drop hook for fault injection. A partition or the hook loses a message
 * silently (the sender counts it as dropped); a node that is not running makes its peers queue,
 * like a refused connection does for `GrpcTransport`.
 */
export class MemoryNetwork {
  private readonly nodes = new Map<NodeId, MemoryTransport>();
  private readonly cuts = new Set<string>();
  private readonly schedule: (task: () => void) => void;
  private dropHook: DropHook | null;
  private pending: { to: NodeId; frame: Frame }[] = [];
  private drainQueued = false;

  constructor(options: MemoryNetworkOptions = {}) {
    this.schedule = options.schedule ?? ((task) => void setImmediate(task));
    this.dropHook = options.dropHook ?? null;
  }

  /** Lose every message between `a` and `b`, both ways, until `heal()`. */
  partition(a: NodeId, b: NodeId): void {
    this.cuts.add(this.cutKey(a, b));
  }

  /** Remove every partition. */
  heal(): void {
    this.cuts.clear();
  }

  /** Replace the drop hook; null removes it. */
  setDropHook(hook: DropHook | null): void {
    this.dropHook = hook;
  }

  /** Ids of the running transports. */
  get running(): NodeId[] {
    return [...this.nodes.keys()];
  }

  /** @internal A transport starts: route to it, and let its peers flush what they queued. */
  attach(t: MemoryTransport): void {
    if (this.nodes.has(t.selfId)) throw new RaftJobsError(ErrorCode.Internal, `MemoryNetwork: node ${t.selfId} is already running`);
    this.nodes.set(t.selfId, t);
    for (const other of this.nodes.values()) if (other !== t) other.peerUp(t.selfId);
  }

  /**
   * @internal A transport stops: its peers see their streams to it break at once, as a process's
   * sockets close when it stops or is killed.
   */
  detach(t: MemoryTransport): void {
    if (this.nodes.get(t.selfId) !== t) return;
    this.nodes.delete(t.selfId);
    for (const other of this.nodes.values()) other.peerGone(t.selfId);
  }

  /** @internal */
  isUp(id: NodeId): boolean {
    return this.nodes.has(id);
  }

  /** @internal Returns false when a partition or the drop hook loses the message. */
  transmit(to: NodeId, frame: Frame): boolean {
    if (this.cuts.has(this.cutKey(frame.from, to)) || this.dropHook?.(frame.message) === true) return false;
    this.pending.push({ to, frame });
    if (!this.drainQueued) {
      this.drainQueued = true;
      this.schedule(() => this.drain());
    }
    return true;
  }

  private drain(): void {
    this.drainQueued = false;
    const batch = this.pending;
    this.pending = [];
    // A receiver that stopped meanwhile loses what was in flight, as a broken stream does.
    for (const { to, frame } of batch) this.nodes.get(to)?.receive(frame);
  }

  private cutKey(a: NodeId, b: NodeId): string {
    return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
  }
}

/** Options of `MemoryTransport`. */
export interface MemoryTransportOptions {
  readonly network: MemoryNetwork;
  readonly clusterId: string;
  readonly selfId: NodeId;
  /**
   * The first peers (`setPeers` replaces them): ids, or the same id → address map a `GrpcTransport`
   * takes (addresses unused: the network routes by id). May include `selfId`.
   */
  readonly peers: Iterable<NodeId> | ReadonlyMap<NodeId, string> | Readonly<Record<NodeId, string>>;
  /** Messages queued per peer that is not running before the oldest is dropped. Default `LIMITS.peerQueueLimit` (4096). */
  readonly queueLimit?: number;
  /**
   * Largest frame, bytes, measured as `GrpcTransport` measures it (the message encoded in a frame
   * of its own): a larger message, snapshots excepted, is dropped, counted and logged the same
   * way, so tests and simulations meet the limit a real node has. Default: the config default of
   * `limits.maxPeerMessageBytes` (8 MiB).
   */
  readonly maxMessageBytes?: number;
  /** Default: silent. */
  readonly logger?: Logger;
  /** Used to rate-limit log lines. Default `realClock`. */
  readonly clock?: TransportClock;
}

function peerIds(peers: MemoryTransportOptions['peers']): Iterable<NodeId> {
  if (peers instanceof Map) return peers.keys();
  if (Symbol.iterator in peers) return peers as Iterable<NodeId>;
  return Object.keys(peers);
}

/**
 * In-memory twin of `GrpcTransport` for unit, node and simulation tests: the same validation
 * (cluster id, known sender, addressed to us), the same queueing while a peer is not running, the
 * same message-size limit (a message over `maxMessageBytes` is dropped, counted and logged), and
 * the same snapshot semantics (one complete message whose data is a private copy).
 */
export class MemoryTransport implements Transport {
  /** This node's id. */
  readonly selfId: NodeId;
  private readonly network: MemoryNetwork;
  private policy: PeerPolicy;
  private readonly queueLimit: number;
  private queues = new Map<NodeId, BoundedQueue<Message>>();
  private readonly perPeer = new Map<NodeId, { dropped: number; tooLarge: number }>();
  private readonly down = new Set<NodeId>();
  private readonly counters = { sent: 0, dropped: 0, tooLarge: 0, received: 0, rejected: 0 };
  private readonly maxMessageBytes: number;
  /** Bytes of this sender's frame header, which `maxMessageBytes` includes. */
  private readonly frameHeader: number;
  private readonly limiter: LogLimiter;
  private readonly logger: Logger;
  private handler: ((msg: Message) => void) | null = null;
  private reportHandler: ((report: PeerReport) => void) | null = null;
  private state: 'new' | 'running' | 'stopped' = 'new';

  /** @throws RaftJobsError `CONFIG_INVALID` when `maxMessageBytes` is not a positive integer. */
  constructor(options: MemoryTransportOptions) {
    this.selfId = options.selfId;
    this.network = options.network;
    this.policy = peerPolicy(options.clusterId, options.selfId, peerIds(options.peers));
    this.maxMessageBytes = options.maxMessageBytes ?? LIMITS.maxPeerMessageBytes.default;
    if (!Number.isSafeInteger(this.maxMessageBytes) || this.maxMessageBytes < 1) {
      throw new RaftJobsError(ErrorCode.ConfigInvalid, `MemoryTransport: maxMessageBytes must be a positive integer, got ${this.maxMessageBytes}`);
    }
    this.frameHeader = frameHeaderBytes(options.clusterId, options.selfId);
    this.queueLimit = options.queueLimit ?? LIMITS.peerQueueLimit.default;
    for (const id of this.policy.peers) {
      this.queues.set(id, new BoundedQueue(this.queueLimit));
      this.perPeer.set(id, { dropped: 0, tooLarge: 0 });
    }
    this.logger = options.logger ?? pino({ level: 'silent' });
    const clock = options.clock ?? realClock;
    this.limiter = new LogLimiter(this.logger, () => clock.now());
  }

  send(messages: readonly Message[]): void {
    for (const msg of messages) {
      const queue = this.state === 'running' && msg.from === this.selfId ? this.queues.get(msg.to) : undefined;
      if (queue === undefined) {
        this.drop(msg, false);
        continue;
      }
      const bytes = this.oversize(msg);
      if (bytes !== null) {
        this.drop(msg);
        this.counters.tooLarge += 1;
        const peer = this.perPeer.get(msg.to);
        if (peer !== undefined) peer.tooLarge += 1;
        this.limiter.warn(`too-large:${msg.to}`, { peer: msg.to, type: msg.type, bytes, maxMessageBytes: this.maxMessageBytes }, TOO_LARGE_DROPPED);
        continue;
      }
      if (this.network.isUp(msg.to)) {
        this.transmit(msg);
        continue;
      }
      if (!this.down.has(msg.to)) {
        this.down.add(msg.to);
        this.report({ type: 'unreachable', to: msg.to });
      }
      const evicted = queue.push(msg);
      if (evicted !== undefined) this.drop(evicted);
    }
  }

  onMessage(handler: (msg: Message) => void): void {
    this.handler = handler;
  }

  /**
   * See `Transport.setPeers`. Addresses are unused (the network routes by id), so a changed address
   * changes nothing. A removed peer's queue is dropped and counted, without reports; frames from it
   * still in flight are rejected on arrival. Ignored after `stop()`.
   */
  setPeers(peers: ReadonlyMap<NodeId, string>, opts: { readonly acceptUnlisted?: boolean } = {}): void {
    if (this.state === 'stopped') return;
    this.policy = peerPolicy(this.policy.clusterId, this.selfId, peers.keys(), opts.acceptUnlisted ?? false);
    const queues = new Map<NodeId, BoundedQueue<Message>>();
    for (const id of this.policy.peers) queues.set(id, this.queues.get(id) ?? new BoundedQueue<Message>(this.queueLimit));
    for (const [id, queue] of this.queues) {
      if (queues.has(id)) continue;
      for (const msg of queue.drain()) this.drop(msg, false);
      this.perPeer.delete(id);
      this.down.delete(id);
    }
    for (const id of queues.keys()) if (!this.perPeer.has(id)) this.perPeer.set(id, { dropped: 0, tooLarge: 0 });
    this.queues = queues;
  }

  onReport(handler: (report: PeerReport) => void): void {
    this.reportHandler = handler;
  }

  /** @throws RaftJobsError `INTERNAL` without a handler, after `stop()`, or when the id is already running. */
  start(): Promise<void> {
    if (this.handler === null) return Promise.reject(new RaftJobsError(ErrorCode.Internal, 'MemoryTransport: onMessage before start'));
    if (this.state === 'stopped') return Promise.reject(new RaftJobsError(ErrorCode.Internal, 'MemoryTransport: cannot restart a stopped transport'));
    if (this.state === 'new') {
      try {
        this.network.attach(this);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      this.state = 'running';
    }
    return Promise.resolve();
  }

  stop(): Promise<void> {
    if (this.state === 'running') this.network.detach(this);
    this.state = 'stopped';
    for (const queue of this.queues.values()) for (const msg of queue.drain()) this.drop(msg);
    return Promise.resolve();
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  peerStats(): PeerQueueStats[] {
    return [...this.queues].map(([id, queue]) => ({ id, queued: queue.length, ...(this.perPeer.get(id) ?? { dropped: 0, tooLarge: 0 }) }));
  }

  /** @internal Called by the network when `id` starts running. */
  peerUp(id: NodeId): void {
    const queue = this.queues.get(id);
    this.down.delete(id);
    if (queue === undefined || this.state !== 'running') return;
    for (const msg of queue.drain()) this.transmit(msg);
  }

  /** @internal Called by the network when `id` stops: reported unreachable, once per outage. */
  peerGone(id: NodeId): void {
    if (this.state !== 'running' || !this.queues.has(id) || this.down.has(id)) return;
    this.down.add(id);
    this.report({ type: 'unreachable', to: id });
  }

  /** @internal Called by the network with a frame addressed to this node. */
  receive(frame: Frame): void {
    if (this.state !== 'running') return;
    const { message } = frame;
    const reason = checkSender(this.policy, frame.clusterId, frame.from) ?? checkMessage(this.policy, frame.from, message);
    if (reason !== null) {
      this.counters.rejected += 1;
      this.limiter.warn(`reject:${reason}:${frame.clusterId}:${frame.from}`, { reason, clusterId: frame.clusterId, from: frame.from, type: message.type }, 'rejected peer message');
      return;
    }
    this.counters.received += 1;
    try {
      this.handler?.(message);
    } catch (err) {
      this.logger.error({ err, type: message.type, from: message.from }, 'raft message handler threw');
    }
  }

  private transmit(msg: Message): void {
    const frame: Frame = { clusterId: this.policy.clusterId, from: this.selfId, message: wireCopy(msg) };
    if (!this.network.transmit(msg.to, frame)) {
      this.drop(msg);
      return;
    }
    this.counters.sent += 1;
    if (msg.type === 'snapshot') this.report({ type: 'snapshot', to: msg.to, ok: true });
  }

  /**
   * The encoded size of `msg` when it would not fit in a frame of `maxMessageBytes` on its own
   * (the test `GrpcTransport` applies), else null. Snapshots never are: gRPC sends them in chunks.
   * Only a message whose bound is over the limit is actually encoded.
   */
  private oversize(msg: Message): number | null {
    if (msg.type === 'snapshot') return null;
    const room = this.maxMessageBytes - this.frameHeader;
    if (messageCost(encodedLengthBound(msg)) <= room) return null;
    let bytes: number;
    try {
      bytes = encodeMessage(msg).length;
    } catch {
      return null; // not encodable: gRPC would drop it for that; in memory it travels as before
    }
    return messageCost(bytes) > room ? bytes : null;
  }

  /**
   * Counts a lost message; `toPeer` false for one never routed to a listed peer (as gRPC counts it),
   * which is not reported either: the core tracks no such peer.
   */
  private drop(msg: Message, toPeer = true): void {
    this.counters.dropped += 1;
    const peer = toPeer ? this.perPeer.get(msg.to) : undefined;
    if (peer !== undefined) peer.dropped += 1;
    if (msg.type === 'snapshot' && toPeer) this.report({ type: 'snapshot', to: msg.to, ok: false });
  }

  private report(r: PeerReport): void {
    try {
      this.reportHandler?.(r);
    } catch (err) {
      this.logger.error({ err, report: r }, 'peer report handler threw');
    }
  }
}
