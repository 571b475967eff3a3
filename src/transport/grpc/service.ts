import type * as grpc from '@grpc/grpc-js';
import { FRAME_HEADROOM_BYTES, GRPC_DEFAULT_RECEIVE_BYTES } from '../../limits/index.js';
import { decodeAck, encodeAck, raftPeerReflection } from '../codec.js';

/** Final response of a peer stream: totals the receiver accepted. */
export interface PeerAck {
  readonly frames: number;
  readonly messages: number;
}

/** Request metadata of the handshake (see proto/raft.proto). */
export const PeerMetadata = {
  ClusterId: 'x-raft-cluster-id',
  /** The peer protocol version the sender speaks (`PEER_PROTOCOL_VERSION`); absent means 1. */
  Protocol: 'x-raft-protocol',
  From: 'x-raft-from',
  To: 'x-raft-to',
  /** Where the sender listens for peers (optional): a receiver that does not list it dials back there (see `acceptUnlisted`). */
  Address: 'x-raft-address',
} as const;

const method = raftPeerReflection.methods['Stream'];
if (method === undefined || method.requestStream !== true || method.responseStream === true) {
  throw new Error('raft.proto: RaftPeer.Stream must be client-streaming');
}

/**
 * The version of the peer protocol (proto/raft.proto and how its messages are used) this code
 * speaks. A node refuses a peer stream of another version (FAILED_PRECONDITION, naming both), so
 * two releases that cannot understand each other never exchange Raft messages.
 */
export const PEER_PROTOCOL_VERSION = 1;

/** Full gRPC path of `RaftPeer.Stream`. */
export const RAFT_PEER_STREAM_PATH = `/${raftPeerReflection.fullName.replace(/^\./, '')}/Stream`;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * grpc-js definition of `RaftPeer`. Requests stay raw bytes on both sides: the sender splices
 * pre-encoded frames, and the receiver decodes in its handler so that a malformed frame is counted
 * and logged as a rejection instead of failing inside grpc-js.
 */
export const raftPeerService = {
  Stream: {
    path: RAFT_PEER_STREAM_PATH,
    requestStream: true,
    responseStream: false,
    requestSerialize: asBuffer,
    requestDeserialize: (buf: Buffer): Buffer => buf,
    responseSerialize: (ack: PeerAck): Buffer => asBuffer(encodeAck(ack)),
    responseDeserialize: (buf: Buffer): PeerAck => decodeAck(buf),
    originalName: 'stream',
  },
} satisfies grpc.ServiceDefinition;

/**
 * Options the node's gRPC server needs so peer frames of up to `maxMessageBytes` are accepted,
 * with `FRAME_HEADROOM_BYTES` (64 KiB) for their framing (grpc-js refuses messages over 4 MiB by
 * default). Merge them into the options of the server that
 * `GrpcTransport.addToServer` registers on; a larger receive limit set by other services is fine.
 */
export function peerServerOptions(maxMessageBytes: number): grpc.ServerOptions {
  return { 'grpc.max_receive_message_length': Math.max(GRPC_DEFAULT_RECEIVE_BYTES, maxMessageBytes + FRAME_HEADROOM_BYTES) };
}
