import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../../errors/index.js';
import { FRAME_HEADROOM_BYTES, LIMITS } from '../../limits/index.js';
import type { Message, NodeId } from '../../raft/types.js';
import { realClock, realRandom } from '../clock.js';
import { LogLimiter } from '../log-limiter.js';
import type { BackoffOptions, PeerQueueStats, PeerReport, Transport, TransportClock, TransportStats } from '../types.js';
import { peerPolicy, type PeerPolicy } from '../validate.js';
import { InboundStream, type InboundHost } from './inbound.js';
import { PeerLink, type PeerLinkOptions } from './peer-link.js';
import { raftPeerService, type PeerAck } from './service.js';

/** Options of `GrpcTransport`. */
export interface GrpcTransportOptions {
  /** Stamped on every stream and frame; frames of another cluster are rejected. */
  readonly clusterId: string;
  readonly selfId: NodeId;
  /**
   * Node id → `host:port` of its gRPC server: the first peers (`setPeers` replaces them). May
   * include `selfId`, which is ignored.
   */
  readonly peers: ReadonlyMap<NodeId, string> | Readonly<Record<NodeId, string>>;
  /** Component logger, e.g. `root.child({ component: 'transport' })`. */
  readonly logger: Logger;
  /**
   * Largest frame this node writes, bytes; also the channel's max send length. A single message
   * larger than this (other than a snapshot, which is chunked) is dropped, counted (`tooLarge`)
   * and logged. Receivers need a server receive limit at least this large: see
   * `peerServerOptions`. A node passes `limits.maxPeerMessageBytes`. Default: that field's
   * default (8 MiB).
   */
  readonly maxMessageBytes?: number;
  /** Messages queued per peer before the oldest is dropped. Default `LIMITS.peerQueueLimit` (4096). */
  readonly queueLimit?: number;
  /** Snapshot data above this size travels in chunks of this size, bytes. Default `LIMITS.snapshotChunkBytes` (1 MiB). */
  readonly chunkBytes?: number;
  /** Reconnect backoff. Default `LIMITS.peerReconnectInitialMs` (100) doubling to `LIMITS.peerReconnectMaxMs` (5000). */
  readonly backoff?: BackoffOptions;
  /** A stream not accepted by the peer within this time is abandoned and retried, ms. Default `LIMITS.peerConnectTimeoutMs` (5000). */
  readonly connectTimeoutMs?: number;
  /** How long `stop()` waits for a peer to acknowledge a half-closed stream before cancelling it, ms. Default `LIMITS.peerCloseTimeoutMs` (1000). */
  readonly closeTimeoutMs?: number;
  /** HTTP/2 keepalive ping interval on peer channels, ms; a dead connection is noticed within about twice this. Default `LIMITS.peerKeepaliveMs` (10000). */
  readonly keepaliveMs?: number;
  /**
   * Channel credentials for dialling a peer, given its id (so TLS can check the peer's
   * certificate names it). Default insecure.
   */
  readonly credentials?: grpc.ChannelCredentials | ((peerId: NodeId) => grpc.ChannelCredentials);
  /**
   * Checks that an inbound stream really comes from `from`, the node its handshake claims (e.g. by
   * its TLS client certificate); returns why not, or null. Runs for unlisted senders too, when
   * `setPeers` accepts them. Default: no check (plaintext).
   */
  readonly authenticatePeer?: (call: grpc.ServerReadableStream<Buffer, PeerAck>, from: NodeId) => string | null;
  /**
   * This node's own peer address, sent in every stream's handshake. A node that accepts unlisted
   * senders (`setPeers`' `acceptUnlisted`: one joining, or started on an empty disk) dials back
   * a sender at the address it gave, so a leader it was not told about hears its replies.
   */
  readonly selfAddress?: string;
  /** Default `realClock`. */
  readonly clock?: TransportClock;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/** Per-peer view for status pages. */
export interface PeerLinkStatus {
  readonly id: NodeId;
  readonly address: string;
  /** A stream to the peer is accepted and writable. */
  readonly connected: boolean;
  /** Messages waiting in the peer's queue. */
  readonly queued: number;
}

/** Room in a chunk frame for the frame header, the snapshot header and framing, bytes. */
const CHUNK_HEADROOM = FRAME_HEADROOM_BYTES;
/** Peer channels receive only acknowledgements. */
const ACK_RECEIVE_BYTES = 64 * 1024;
/** The shortest keepalive timeout on a peer channel, ms. */
const MIN_KEEPALIVE_TIMEOUT_MS = 1000;

/** A peer channel whose keepalive ping is not answered within this (ms) is closed: half the interval, at least 1 s. */
export function peerKeepaliveTimeoutMs(keepaliveMs: number): number {
  return Math.max(MIN_KEEPALIVE_TIMEOUT_MS, Math.floor(keepaliveMs / 2));
}

type Counters = { sent: number; dropped: number; tooLarge: number; received: number; rejected: number };

/**
 * Raft peer transport over gRPC: one long-lived client-streaming call per peer for outgoing
 * messages, and the `RaftPeer` service, registered on the node's own gRPC server, for incoming ones.
 *
 * @example
 * const transport = new GrpcTransport({ clusterId, selfId: 'n1', peers, logger });
 * transport.addToServer(server); // before or after bindAsync
 * transport.onMessage((m) => node.receive(m));
 * await transport.start();
 */
export class GrpcTransport implements Transport {
  private policy: PeerPolicy;
  private links = new Map<NodeId, PeerLink>();
  /** What every link shares; a link adds its peer, address and credentials. */
  private readonly linkOptions: Omit<PeerLinkOptions, 'peerId' | 'address' | 'credentials'>;
  private readonly credentials: (peerId: NodeId) => grpc.ChannelCredentials;
  private readonly host: InboundHost;
  private readonly inbound = new Set<InboundStream>();
  private readonly counters: Counters = { sent: 0, dropped: 0, tooLarge: 0, received: 0, rejected: 0 };
  private readonly limiter: LogLimiter;
  private readonly logger: Logger;
  private readonly authenticatePeer: ((call: grpc.ServerReadableStream<Buffer, PeerAck>, from: NodeId) => string | null) | null;
  private handler: ((msg: Message) => void) | null = null;
  private reportHandler: ((report: PeerReport) => void) | null = null;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private stopping: Promise<void> | null = null;

  /** @throws RaftJobsError `CONFIG_INVALID` listing every bad option. */
  constructor(options: GrpcTransportOptions) {
    const peers = new Map<NodeId, string>(
      options.peers instanceof Map ? (options.peers as ReadonlyMap<NodeId, string>) : Object.entries(options.peers as Readonly<Record<NodeId, string>>),
    );
    peers.delete(options.selfId);
    const maxMessageBytes = options.maxMessageBytes ?? LIMITS.maxPeerMessageBytes.default;
    const queueLimit = options.queueLimit ?? LIMITS.peerQueueLimit.default;
    const chunkBytes = options.chunkBytes ?? LIMITS.snapshotChunkBytes.default;
    const backoff = options.backoff ?? { initialMs: LIMITS.peerReconnectInitialMs.default, maxMs: LIMITS.peerReconnectMaxMs.default };
    const keepaliveMs = options.keepaliveMs ?? LIMITS.peerKeepaliveMs.default;
    const problems: string[] = [];
    const positiveInt = (name: string, v: number): void => {
      if (!Number.isSafeInteger(v) || v < 1) problems.push(`${name} must be a positive integer, got ${v}`);
    };
    positiveInt('maxMessageBytes', maxMessageBytes);
    positiveInt('queueLimit', queueLimit);
    positiveInt('chunkBytes', chunkBytes);
    positiveInt('backoff.initialMs', backoff.initialMs);
    positiveInt('keepaliveMs', keepaliveMs);
    if (chunkBytes + CHUNK_HEADROOM > maxMessageBytes) problems.push(`chunkBytes (${chunkBytes}) must be at most maxMessageBytes - ${CHUNK_HEADROOM}`);
    if (backoff.maxMs < backoff.initialMs) problems.push('backoff.maxMs must be at least backoff.initialMs');
    if (options.clusterId === '' || options.selfId === '') problems.push('clusterId and selfId must be non-empty');
    if (problems.length > 0) throw new RaftJobsError(ErrorCode.ConfigInvalid, `GrpcTransport: ${problems.join('; ')}`, { problems });

    this.logger = options.logger;
    this.authenticatePeer = options.authenticatePeer ?? null;
    const clock = options.clock ?? realClock;
    this.limiter = new LogLimiter(this.logger, () => clock.now());
    this.policy = peerPolicy(options.clusterId, options.selfId, peers.keys());
    const channelOptions: grpc.ChannelOptions = {
      'grpc.max_send_message_length': maxMessageBytes,
      'grpc.max_receive_message_length': ACK_RECEIVE_BYTES,
      // Retries would buffer writes and complete their callbacks early, hiding backpressure;
      // a zero retry buffer makes write callbacks mean "handed to the socket".
      'grpc.enable_retries': 0,
      'grpc.per_rpc_retry_buffer_size': 0,
      'grpc.use_local_subchannel_pool': 1,
      'grpc.keepalive_time_ms': keepaliveMs,
      'grpc.keepalive_timeout_ms': peerKeepaliveTimeoutMs(keepaliveMs),
    };
    this.linkOptions = {
      clusterId: options.clusterId,
      selfId: options.selfId,
      selfAddress: options.selfAddress,
      logger: this.logger,
      limiter: this.limiter,
      clock,
      random: options.random ?? realRandom,
      backoff,
      queueLimit,
      maxMessageBytes,
      chunkBytes,
      connectTimeoutMs: options.connectTimeoutMs ?? LIMITS.peerConnectTimeoutMs.default,
      closeTimeoutMs: options.closeTimeoutMs ?? LIMITS.peerCloseTimeoutMs.default,
      channelOptions,
      counters: this.counters,
      report: (r) => this.report(r),
    };
    const credentials = options.credentials ?? grpc.credentials.createInsecure();
    this.credentials = typeof credentials === 'function' ? credentials : () => credentials;
    this.host = {
      policy: () => this.policy,
      limiter: this.limiter,
      counters: this.counters,
      deliver: (m) => this.deliver(m),
      unlisted: (from, address) => this.learn(from, address),
      authenticate: this.authenticatePeer,
    };
    for (const [id, address] of peers) this.links.set(id, this.newLink(id, address));
  }

  /**
   * Registers the `RaftPeer` service on the node's gRPC server. The transport never binds, starts
   * or shuts the server down; `stop()` ends the peer streams it accepted so the server's
   * `tryShutdown` is not held up by them. Streams arriving before `start()` are refused with
   * UNAVAILABLE and retried by the peer.
   */
  addToServer(server: grpc.Server): void {
    const handle: grpc.handleClientStreamingCall<Buffer, PeerAck> = (call, callback) => this.accept(call, callback);
    server.addService(raftPeerService, { Stream: handle });
  }

  send(messages: readonly Message[]): void {
    for (const msg of messages) {
      if (this.state !== 'running') {
        this.counters.dropped += 1;
        this.limiter.warn(`not-running:${this.state}`, { state: this.state, type: msg.type, to: msg.to }, 'transport not running, message dropped');
        continue;
      }
      const link = msg.from === this.policy.selfId ? this.links.get(msg.to) : undefined;
      if (link === undefined) {
        this.counters.dropped += 1;
        this.limiter.warn(`unroutable:${msg.from}:${msg.to}`, { from: msg.from, to: msg.to, type: msg.type }, 'message not from us or to an unknown peer, dropped');
        continue;
      }
      link.enqueue(msg);
    }
  }

  onMessage(handler: (msg: Message) => void): void {
    this.handler = handler;
  }

  /**
   * See `Transport.setPeers`. A removed peer's link is closed at once (its stream cancelled, its
   * channel closed, its queue dropped and counted, no more reports about it) and a stream it had
   * opened to us is ended with PERMISSION_DENIED. Ignored after `stop()`.
   */
  setPeers(peers: ReadonlyMap<NodeId, string>, opts: { readonly acceptUnlisted?: boolean } = {}): void {
    if (this.state === 'stopped') return;
    const selfId = this.policy.selfId;
    const next = new Map<NodeId, PeerLink>();
    for (const [id, address] of peers) {
      if (id === selfId || next.has(id)) continue;
      const link = this.links.get(id);
      if (link === undefined) {
        next.set(id, this.newLink(id, address));
        continue;
      }
      if (link.address !== address) this.logger.info({ peer: id, address, previous: link.address }, 'peer address changed, redialling');
      link.redial(address);
      next.set(id, link);
    }
    // A sender that streams to us while unlisted senders are accepted keeps its link: it is talking
    // to us now (a leader this node's replayed, older membership does not name yet), so our
    // replies must reach it.
    const talking = new Set([...this.inbound].map((s) => s.from));
    for (const [id, link] of this.links) {
      if (next.has(id)) continue;
      if (opts.acceptUnlisted === true && talking.has(id)) {
        next.set(id, link);
        continue;
      }
      link.retire();
      this.logger.info({ peer: id }, 'peer removed, link closed');
    }
    this.links = next;
    this.policy = peerPolicy(this.policy.clusterId, selfId, next.keys(), opts.acceptUnlisted ?? false);
    for (const stream of [...this.inbound]) stream.endIfRefused();
  }

  onReport(handler: (report: PeerReport) => void): void {
    this.reportHandler = handler;
  }

  /** @throws RaftJobsError `INTERNAL` when no `onMessage` handler is set or after `stop()`. */
  start(): Promise<void> {
    if (this.handler === null) return Promise.reject(new RaftJobsError(ErrorCode.Internal, 'GrpcTransport: onMessage before start'));
    if (this.state === 'stopped') return Promise.reject(new RaftJobsError(ErrorCode.Internal, 'GrpcTransport: cannot restart a stopped transport'));
    this.state = 'running';
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  peerStats(): PeerQueueStats[] {
    return [...this.links.values()].map((link) => link.stats);
  }

  /** Connection and queue state of every peer. */
  peerStatus(): PeerLinkStatus[] {
    return [...this.links].map(([id, link]) => ({ id, address: link.address, connected: link.connected, queued: link.queued }));
  }

  private async shutdown(): Promise<void> {
    this.state = 'stopped';
    for (const stream of [...this.inbound]) stream.finish({ code: grpc.status.UNAVAILABLE, details: 'peer transport stopped' });
    await Promise.all([...this.links.values()].map((link) => link.close()));
  }

  private accept(call: grpc.ServerReadableStream<Buffer, PeerAck>, callback: grpc.sendUnaryData<PeerAck>): void {
    if (this.state !== 'running') {
      callback({ code: grpc.status.UNAVAILABLE, details: `raft transport of ${this.policy.selfId} is not running` });
      return;
    }
    const stream = InboundStream.accept(call, callback, this.host, (s) => this.inbound.delete(s));
    if (stream !== null) this.inbound.add(stream);
  }

  /** An unlisted sender we accepted told us where it listens: dial it there until `setPeers` says otherwise. */
  private learn(from: NodeId, address: string): void {
    if (this.state !== 'running' || this.links.has(from)) return;
    this.logger.info({ peer: from, address }, 'dialling back a peer this node does not list (it is not a member yet)');
    this.links.set(from, this.newLink(from, address));
  }

  private newLink(peerId: NodeId, address: string): PeerLink {
    return new PeerLink({ ...this.linkOptions, peerId, address, credentials: this.credentials(peerId) });
  }

  private deliver(msg: Message): void {
    this.counters.received += 1;
    try {
      this.handler?.(msg);
    } catch (err) {
      this.logger.error({ err, type: msg.type, from: msg.from }, 'raft message handler threw');
    }
  }

  private report(r: PeerReport): void {
    try {
      this.reportHandler?.(r);
    } catch (err) {
      this.logger.error({ err, report: r }, 'peer report handler threw');
    }
  }
}
