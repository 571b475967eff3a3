/**
 * Peer transport for Raft messages: the `Transport` interface, its gRPC implementation, and an
 * in-memory twin for tests and simulation.
 */
export type { BackoffOptions, PeerQueueStats, PeerReport, TimerHandle, Transport, TransportClock, TransportStats } from './types.js';
export { TOO_LARGE_DROPPED } from './types.js';
export { GrpcTransport, type GrpcTransportOptions, type PeerLinkStatus } from './grpc/transport.js';
export { PEER_PROTOCOL_VERSION, peerServerOptions, raftPeerService, RAFT_PEER_STREAM_PATH, PeerMetadata, type PeerAck } from './grpc/service.js';
export { MemoryNetwork, MemoryTransport, type DropHook, type MemoryNetworkOptions, type MemoryTransportOptions } from './memory.js';
export { backoffDelay, realClock, realRandom } from './clock.js';
export { RAFT_PROTO_PATH } from './codec.js';
export { RejectReason } from './validate.js';
