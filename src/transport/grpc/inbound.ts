import * as grpc from '@grpc/grpc-js';
import type { Message, NodeId } from '../../raft/types.js';
import { SnapshotAssembler } from '../assembler.js';
import { chunkFromWire, decodeFrame, messageFromWire, type WireFrame } from '../codec.js';
import type { LogLimiter } from '../log-limiter.js';
import { acceptsSender, checkMessage, checkSender, RejectReason, type PeerPolicy } from '../validate.js';
import { PEER_PROTOCOL_VERSION, PeerMetadata, type PeerAck } from './service.js';

/** What an inbound stream needs from its transport. */
export interface InboundHost {
  /** Whom we accept now: `setPeers` replaces it, and every frame is checked against the current one. */
  policy(): PeerPolicy;
  readonly limiter: LogLimiter;
  readonly counters: { received: number; rejected: number };
  /** Counts and hands a validated message to the `onMessage` handler. */
  deliver(msg: Message): void;
  /** An accepted stream from a sender the policy does not list, which said where it listens. */
  unlisted(from: NodeId, address: string): void;
  /** See `GrpcTransportOptions.authenticatePeer`; null: no check. */
  readonly authenticate: ((call: grpc.ServerReadableStream<Buffer, PeerAck>, from: NodeId) => string | null) | null;
}

function firstValue(metadata: grpc.Metadata, key: string): string {
  const v = metadata.get(key)[0];
  return v === undefined ? '' : v.toString();
}

/**
 * The receiving end of one peer's `RaftPeer.Stream`: checks the handshake, then every frame and
 * message, reassembles chunked snapshots, and delivers. Whatever fails a check is counted, logged
 * (rate-limited) and never delivered.
 */
export class InboundStream {
  private done = false;
  private frames = 0;
  private messages = 0;
  private readonly assembler = new SnapshotAssembler();

  private constructor(
    call: grpc.ServerReadableStream<Buffer, PeerAck>,
    private readonly callback: grpc.sendUnaryData<PeerAck>,
    /** The sender, as its handshake named it (and its certificate proved, with TLS). */
    readonly from: NodeId,
    private readonly host: InboundHost,
    private readonly onClosed: (stream: InboundStream) => void,
  ) {
    call.on('data', (frame: Buffer) => this.onFrame(frame));
    call.on('end', () => this.finish(null));
    call.on('cancelled', () => this.abort());
    call.on('error', () => this.abort());
  }

  /**
   * Validates the handshake metadata. Returns the accepted stream (response headers already sent,
   * which tells the caller it may write) or null after ending the call with an error status.
   */
  static accept(
    call: grpc.ServerReadableStream<Buffer, PeerAck>,
    callback: grpc.sendUnaryData<PeerAck>,
    host: InboundHost,
    onClosed: (stream: InboundStream) => void,
  ): InboundStream | null {
    const clusterId = firstValue(call.metadata, PeerMetadata.ClusterId);
    const from = firstValue(call.metadata, PeerMetadata.From);
    const to = firstValue(call.metadata, PeerMetadata.To);
    const protocol = firstValue(call.metadata, PeerMetadata.Protocol);
    if (protocol !== '' && protocol !== String(PEER_PROTOCOL_VERSION)) {
      host.counters.rejected += 1;
      host.limiter.warn(`handshake:protocol:${protocol}:${from}`, { reason: RejectReason.ProtocolMismatch, from, protocol, peer: call.getPeer() }, 'refused peer stream');
      callback({
        code: grpc.status.FAILED_PRECONDITION,
        details: `${RejectReason.ProtocolMismatch}: ${from || 'the peer'} speaks peer protocol ${protocol}; node ${host.policy().selfId} speaks ${PEER_PROTOCOL_VERSION}`,
      });
      return null;
    }
    const policy = host.policy();
    const reason = checkSender(policy, clusterId, from, to);
    if (reason !== null) {
      host.counters.rejected += 1;
      host.limiter.warn(`handshake:${reason}:${clusterId}:${from}`, { reason, clusterId, from, to, peer: call.getPeer() }, 'refused peer stream');
      const code = reason === RejectReason.WrongRecipient ? grpc.status.FAILED_PRECONDITION : grpc.status.PERMISSION_DENIED;
      callback({ code, details: `${reason}: this is node ${policy.selfId} of cluster ${policy.clusterId}` });
      return null;
    }
    // The claimed sender must be who its certificate says: a node holding n2's certificate cannot
    // speak for n1. Every later frame and message must then come from `from` (checked below).
    const unproven = host.authenticate?.(call, from) ?? null;
    if (unproven !== null) {
      host.counters.rejected += 1;
      host.limiter.warn(`handshake:${RejectReason.Unauthenticated}:${from}`, { reason: RejectReason.Unauthenticated, from, problem: unproven, peer: call.getPeer() }, 'refused peer stream');
      callback({ code: grpc.status.UNAUTHENTICATED, details: `${RejectReason.Unauthenticated}: ${from} is not proven: ${unproven}` });
      return null;
    }
    const stream = new InboundStream(call, callback, from, host, onClosed);
    call.sendMetadata(new grpc.Metadata());
    const address = firstValue(call.metadata, PeerMetadata.Address);
    if (!policy.peers.has(from) && address !== '') host.unlisted(from, address);
    return stream;
  }

  /**
   * Ends the stream with PERMISSION_DENIED when the current policy no longer accepts its sender (a
   * peer removed by `setPeers`); the sender's reconnects are then refused at the handshake.
   */
  endIfRefused(): void {
    const policy = this.host.policy();
    if (this.done || acceptsSender(policy, this.from)) return;
    this.host.limiter.warn(`removed:${this.from}`, { from: this.from }, 'ended the stream of a peer no longer listed');
    this.finish({ code: grpc.status.PERMISSION_DENIED, details: `${RejectReason.UnknownSender}: this is node ${policy.selfId} of cluster ${policy.clusterId}` });
  }

  /** Ends the call with `status`, or with the ack when `status` is null. Idempotent. */
  finish(status: { code: grpc.status; details: string } | null): void {
    if (this.done) return;
    this.done = true;
    this.assembler.reset();
    this.onClosed(this);
    if (status === null) this.callback(null, { frames: this.frames, messages: this.messages });
    else this.callback(status);
  }

  private abort(): void {
    if (this.done) return;
    this.done = true;
    this.assembler.reset();
    this.onClosed(this);
  }

  private reject(count: number, reason: RejectReason, fields: Record<string, unknown> = {}): void {
    this.host.counters.rejected += count;
    this.host.limiter.warn(`reject:${reason}:${this.from}`, { reason, from: this.from, count, ...fields }, 'rejected peer messages');
  }

  private onFrame(bytes: Buffer): void {
    if (this.done) return;
    this.frames += 1;
    let frame: WireFrame;
    try {
      frame = decodeFrame(bytes);
    } catch (err) {
      this.reject(1, RejectReason.Malformed, { err });
      this.finish({ code: grpc.status.INVALID_ARGUMENT, details: RejectReason.Malformed });
      return;
    }
    const reason =
      checkSender(this.host.policy(), frame.clusterId, frame.from) ?? (frame.from === this.from ? null : RejectReason.SenderMismatch);
    if (reason !== null) {
      const count = Math.max(1, frame.messages.length + (frame.chunk === null ? 0 : 1));
      this.reject(count, reason, { frameClusterId: frame.clusterId, frameFrom: frame.from });
      this.finish({ code: grpc.status.PERMISSION_DENIED, details: reason });
      return;
    }
    for (const wire of frame.messages) {
      if (this.done) return;
      let msg: Message;
      try {
        msg = messageFromWire(wire);
      } catch (err) {
        this.reject(1, RejectReason.Malformed, { err });
        continue;
      }
      this.accept(msg);
    }
    if (frame.chunk !== null && !this.done) this.onChunk(frame.chunk);
  }

  private onChunk(wire: unknown): void {
    try {
      const step = this.assembler.push(chunkFromWire(wire));
      if (step.abandoned) this.host.limiter.warn(`abandoned:${this.from}`, { from: this.from }, 'peer began a new snapshot before finishing the last');
      if (step.complete !== null) this.accept(step.complete);
    } catch (err) {
      // A broken chunk sequence cannot be resynchronised mid-stream: start over on a new one.
      this.reject(1, RejectReason.Malformed, { err });
      this.finish({ code: grpc.status.INVALID_ARGUMENT, details: `${RejectReason.Malformed}: snapshot chunk` });
    }
  }

  private accept(msg: Message): void {
    const reason = checkMessage(this.host.policy(), this.from, msg);
    if (reason !== null) {
      this.reject(1, reason, { type: msg.type, msgFrom: msg.from, msgTo: msg.to });
      return;
    }
    this.messages += 1;
    this.host.deliver(msg);
  }
}
