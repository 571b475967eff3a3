import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Message, NodeId, SnapshotRequest } from '../../raft/types.js';
import { backoffDelay } from '../clock.js';
import { chunkCost, encodeMessage, FrameBuilder, messageCost } from '../codec.js';
import type { LogLimiter } from '../log-limiter.js';
import { BoundedQueue } from '../queue.js';
import { TOO_LARGE_DROPPED, type BackoffOptions, type PeerQueueStats, type PeerReport, type TimerHandle, type TransportClock } from '../types.js';
import { PEER_PROTOCOL_VERSION, PeerMetadata, RAFT_PEER_STREAM_PATH, raftPeerService, type PeerAck } from './service.js';

/** Frames handed to grpc-js and not yet written to the socket; beyond this we wait. */
const MAX_INFLIGHT_FRAMES = 2;

/** Counters shared by all links of a transport. */
export interface SendCounters {
  sent: number;
  dropped: number;
  tooLarge: number;
}

/** Everything a link needs from its transport. */
export interface PeerLinkOptions {
  readonly peerId: NodeId;
  readonly address: string;
  readonly clusterId: string;
  readonly selfId: NodeId;
  /** Sent in the handshake (`x-raft-address`) when set. */
  readonly selfAddress?: string | undefined;
  readonly logger: Logger;
  readonly limiter: LogLimiter;
  readonly clock: TransportClock;
  readonly random: () => number;
  readonly backoff: BackoffOptions;
  readonly queueLimit: number;
  readonly maxMessageBytes: number;
  readonly chunkBytes: number;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly credentials: grpc.ChannelCredentials;
  readonly channelOptions: grpc.ChannelOptions;
  readonly counters: SendCounters;
  readonly report: (report: PeerReport) => void;
}

interface Item {
  readonly msg: Message;
  bytes: Uint8Array | null;
}

interface Chunking {
  readonly msg: SnapshotRequest;
  readonly header: Uint8Array;
  offset: number;
}

/** One attempt: a fresh channel and its stream. */
interface Connection {
  readonly client: grpc.Client;
  readonly call: grpc.ClientWritableStream<Uint8Array>;
  readonly done: Promise<void>;
  open: boolean;
  inflight: number;
  needDrain: boolean;
  handshakeTimer: TimerHandle | null;
}

type State = 'idle' | 'connecting' | 'open' | 'backoff' | 'closed';

/**
 * The outgoing half of the conversation with one peer: a bounded queue and one long-lived
 * `RaftPeer.Stream` call, opened when there is something to send and reopened after a failure with
 * capped, jittered exponential backoff.
 *
 * Each attempt uses a fresh channel (with a private subchannel pool), so the only reconnect policy
 * is this one, with injected time and jitter, rather than grpc-js's own hidden backoff. Messages are
 * written only after the receiver accepted the handshake, so while a peer is down everything stays
 * in the queue, where overflow is counted.
 */
export class PeerLink {
  private state: State = 'idle';
  private readonly queue: BoundedQueue<Item>;
  private conn: Connection | null = null;
  private chunking: Chunking | null = null;
  private timer: TimerHandle | null = null;
  private attempt = 0;
  private flushQueued = false;
  private down = false;
  private dropped = 0;
  private tooLarge = 0;
  private addr: string;
  /** The peer is no longer listed: nothing more is reported about it. */
  private retired = false;

  constructor(private readonly o: PeerLinkOptions) {
    this.queue = new BoundedQueue(o.queueLimit);
    this.addr = o.address;
  }

  /** The peer's `host:port`. */
  get address(): string {
    return this.addr;
  }

  /** Messages waiting for the stream. */
  get queued(): number {
    return this.queue.length;
  }

  /** Queue depth and what this link dropped. */
  get stats(): PeerQueueStats {
    return { id: this.o.peerId, queued: this.queue.length, dropped: this.dropped, tooLarge: this.tooLarge };
  }

  /** True while a stream to the peer is accepted and writable. */
  get connected(): boolean {
    return this.state === 'open';
  }

  enqueue(msg: Message): void {
    if (this.state === 'closed') {
      this.drop(msg);
      return;
    }
    const evicted = this.queue.push({ msg, bytes: null });
    if (evicted !== undefined) {
      this.drop(evicted.msg);
      this.o.limiter.warn(`queue-full:${this.o.peerId}`, { peer: this.o.peerId, queueLimit: this.o.queueLimit }, 'peer queue full, dropping oldest messages');
    }
    if (this.state === 'idle') this.connect();
    else if (this.state === 'open') this.scheduleFlush();
  }

  /**
   * Points the link at the peer's new address: the stream to the old one is cancelled (a snapshot
   * in the middle of its chunks is lost and reported) and, when anything is queued, the new address
   * is dialled at once, without backoff. The queue and the counters are kept.
   */
  redial(address: string): void {
    if (this.state === 'closed' || address === this.addr) return;
    this.addr = address;
    this.clearBackoff();
    this.abandonSnapshot();
    this.cancelConnection();
    this.attempt = 0;
    this.state = 'idle';
    if (this.queue.length > 0) this.connect();
  }

  /**
   * Closes the link of a peer no longer listed, at once: its stream is cancelled rather than
   * half-closed (nothing on it matters any more), its channel closed, what is queued dropped and
   * counted, and nothing more reported about the peer (no snapshot or unreachable reports).
   */
  retire(): void {
    if (this.state === 'closed') return;
    this.retired = true;
    this.state = 'closed';
    this.clearBackoff();
    for (const item of this.queue.drain()) this.drop(item.msg);
    this.abandonSnapshot();
    this.cancelConnection();
  }

  /** Ends the stream (half-close, then cancel after `closeTimeoutMs`) and drops what is queued. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearBackoff();
    for (const item of this.queue.drain()) this.drop(item.msg);
    this.abandonSnapshot();
    const conn = this.conn;
    if (conn === null) return;
    if (conn.open) conn.call.end();
    else conn.call.cancel();
    let timer: TimerHandle | null = null;
    const timeout = new Promise<void>((resolve) => {
      timer = this.o.clock.setTimeout(resolve, this.o.closeTimeoutMs);
    });
    await Promise.race([conn.done, timeout]);
    if (timer !== null) this.o.clock.clearTimeout(timer);
    conn.call.cancel();
    conn.client.close();
  }

  private drop(msg: Message): void {
    this.o.counters.dropped += 1;
    this.dropped += 1;
    if (msg.type === 'snapshot' && !this.retired) this.o.report({ type: 'snapshot', to: this.o.peerId, ok: false });
  }

  private clearBackoff(): void {
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Cancels the current attempt, if any, and closes its channel; its end is then ignored. */
  private cancelConnection(): void {
    const conn = this.conn;
    if (conn === null) return;
    this.conn = null;
    if (conn.handshakeTimer !== null) this.o.clock.clearTimeout(conn.handshakeTimer);
    conn.handshakeTimer = null;
    conn.call.cancel();
    conn.client.close();
  }

  private abandonSnapshot(): void {
    if (this.chunking === null) return;
    this.drop(this.chunking.msg);
    this.chunking = null;
  }

  private connect(): void {
    this.state = 'connecting';
    const client = new grpc.Client(this.addr, this.o.credentials, this.o.channelOptions);
    const metadata = new grpc.Metadata();
    metadata.set(PeerMetadata.ClusterId, this.o.clusterId);
    metadata.set(PeerMetadata.Protocol, String(PEER_PROTOCOL_VERSION));
    metadata.set(PeerMetadata.From, this.o.selfId);
    metadata.set(PeerMetadata.To, this.o.peerId);
    if (this.o.selfAddress !== undefined) metadata.set(PeerMetadata.Address, this.o.selfAddress);
    let settle: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    // No deadline: the stream lives as long as both nodes do; dead connections are found by
    // keepalive pings and a stuck handshake by `connectTimeoutMs`.
    const call = client.makeClientStreamRequest<Uint8Array, PeerAck>(
      RAFT_PEER_STREAM_PATH,
      raftPeerService.Stream.requestSerialize,
      raftPeerService.Stream.responseDeserialize,
      metadata,
      {},
      (err) => {
        settle();
        this.onEnded(conn, err);
      },
    );
    const conn: Connection = { client, call, done, open: false, inflight: 0, needDrain: false, handshakeTimer: null };
    this.conn = conn;
    call.on('error', () => undefined); // the status arrives through the callback
    call.on('metadata', () => this.onAccepted(conn));
    conn.handshakeTimer = this.o.clock.setTimeout(() => {
      conn.handshakeTimer = null;
      if (!conn.open) call.cancel();
    }, this.o.connectTimeoutMs);
  }

  private onAccepted(conn: Connection): void {
    if (conn !== this.conn || this.state !== 'connecting') return;
    if (conn.handshakeTimer !== null) this.o.clock.clearTimeout(conn.handshakeTimer);
    conn.handshakeTimer = null;
    conn.open = true;
    this.state = 'open';
    this.attempt = 0;
    if (this.down) this.o.logger.info({ peer: this.o.peerId }, 'peer stream reconnected');
    this.down = false;
    this.flush();
  }

  private onEnded(conn: Connection, err: grpc.ServiceError | null): void {
    if (conn.handshakeTimer !== null) this.o.clock.clearTimeout(conn.handshakeTimer);
    conn.handshakeTimer = null;
    if (conn !== this.conn) return;
    this.conn = null;
    conn.client.close();
    if (this.state === 'closed') return;
    this.abandonSnapshot();
    const code = err?.code ?? grpc.status.OK;
    const fields = { peer: this.o.peerId, address: this.addr, code, details: err?.details ?? 'ended', wasOpen: conn.open };
    if (code === grpc.status.PERMISSION_DENIED || code === grpc.status.FAILED_PRECONDITION) {
      this.o.limiter.warn(`refused:${this.o.peerId}`, fields, 'peer refused our stream: check cluster id, addresses and that both nodes run releases of the same peer protocol');
    } else {
      this.o.limiter.warn(`ended:${this.o.peerId}`, fields, conn.open ? 'peer stream ended' : 'peer unreachable');
    }
    if (!this.down) {
      this.down = true;
      this.o.report({ type: 'unreachable', to: this.o.peerId });
    }
    this.state = 'backoff';
    const delay = backoffDelay(this.attempt, this.o.backoff, this.o.random);
    this.attempt += 1;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      if (this.state !== 'backoff') return;
      if (this.queue.length > 0) this.connect();
      else this.state = 'idle';
    }, delay);
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    // Coalesce the send() calls of one tick into one frame.
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    const conn = this.conn;
    while (this.state === 'open' && conn !== null && conn === this.conn && !conn.needDrain && conn.inflight < MAX_INFLIGHT_FRAMES) {
      const frame = this.buildFrame();
      if (frame === null) return;
      conn.inflight += 1;
      const writable = conn.call.write(frame.bytes, () => {
        conn.inflight -= 1;
        if (conn === this.conn) this.flush();
      });
      this.o.counters.sent += frame.completed;
      for (let i = 0; i < frame.snapshots; i++) this.o.report({ type: 'snapshot', to: this.o.peerId, ok: true });
      if (!writable) {
        conn.needDrain = true;
        conn.call.once('drain', () => {
          conn.needDrain = false;
          if (conn === this.conn) this.flush();
        });
      }
    }
  }

  /** The snapshot, when `msg` is one too large to travel in a single frame. */
  private chunked(msg: Message): SnapshotRequest | null {
    return msg.type === 'snapshot' && msg.snapshot.data.length > this.o.chunkBytes ? msg : null;
  }

  /** Everything queued that fits in one frame, plus the next chunk of a snapshot in progress. */
  private buildFrame(): { bytes: Uint8Array; completed: number; snapshots: number } | null {
    const b = new FrameBuilder(this.o.clusterId, this.o.selfId);
    let completed = 0;
    let snapshots = 0;
    const addChunk = (): void => {
      const c = this.chunking;
      if (c === null || b.hasChunk) return;
      const total = c.msg.snapshot.data.length;
      const n = Math.min(this.o.chunkBytes, total - c.offset);
      const header = c.offset === 0 ? c.header : null;
      if (b.size + chunkCost(header?.length ?? 0, n) > this.o.maxMessageBytes) return;
      b.setChunk(header, total, c.offset, c.msg.snapshot.data.subarray(c.offset, c.offset + n));
      c.offset += n;
      if (c.offset === total) {
        this.chunking = null;
        completed += 1;
        snapshots += 1;
      }
    };
    addChunk();
    for (let item = this.queue.peek(); item !== undefined; item = this.queue.peek()) {
      const snapshot = this.chunked(item.msg);
      if (snapshot !== null) {
        // One snapshot at a time; what is queued behind a second one waits for it.
        if (this.chunking !== null || b.hasChunk) break;
        this.queue.shift();
        const header = this.encode(snapshot, false);
        if (header === null) continue;
        this.chunking = { msg: snapshot, header, offset: 0 };
        addChunk();
        continue;
      }
      item.bytes ??= this.encode(item.msg, true);
      if (item.bytes === null) {
        this.queue.shift();
        continue;
      }
      if (b.size + messageCost(item.bytes.length) > this.o.maxMessageBytes) {
        if (b.messages > 0 || b.hasChunk) break;
        this.queue.shift();
        this.drop(item.msg);
        this.o.counters.tooLarge += 1;
        this.tooLarge += 1;
        this.o.limiter.warn(`too-large:${this.o.peerId}`, { peer: this.o.peerId, type: item.msg.type, bytes: item.bytes.length, maxMessageBytes: this.o.maxMessageBytes }, TOO_LARGE_DROPPED);
        continue;
      }
      this.queue.shift();
      b.addMessage(item.bytes);
      completed += 1;
      if (item.msg.type === 'snapshot') snapshots += 1;
    }
    if (b.messages === 0 && !b.hasChunk) return null;
    return { bytes: b.finish(), completed, snapshots };
  }

  private encode(msg: Message, withSnapshotData: boolean): Uint8Array | null {
    try {
      return encodeMessage(msg, withSnapshotData);
    } catch (err) {
      this.drop(msg);
      this.o.limiter.warn(`unencodable:${this.o.peerId}`, { peer: this.o.peerId, type: msg.type, err }, 'message not encodable, dropped');
      return null;
    }
  }
}
