import * as grpc from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import type { Entry, Message, NodeId, SnapshotRequest } from '../../src/raft/types.js';
import {
  GrpcTransport,
  MemoryNetwork,
  MemoryTransport,
  peerServerOptions,
  RAFT_PEER_STREAM_PATH,
  type PeerReport,
  type Transport,
} from '../../src/transport/index.js';

export const CLUSTER = 'c1';
export const silent = pino({ level: 'silent' });
export const KiB = 1024;
export const MiB = 1024 * KiB;

/** Deterministic bytes (a xorshift stream), so a failure is reproducible and not all-zero. */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function heartbeat(from: NodeId, to: NodeId, context: number): Message {
  return { type: 'heartbeat', from, to, term: 3, commit: 10, context };
}

export function snapshotMessage(from: NodeId, to: NodeId, data: Uint8Array): SnapshotRequest {
  return { type: 'snapshot', from, to, term: 9, snapshot: { meta: { index: 1234, term: 8, membership: { voters: ['n1', 'n2', 'n3'] } }, data } };
}

/** One of every `Message` variant, with edge values: max safe integers, zeroes, empty and binary data. */
export function everyVariant(from: NodeId, to: NodeId): Message[] {
  const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const entries: Entry[] = [
    { index: 101, term: 7, type: 'normal', data: allBytes },
    { index: 102, term: 7, type: 'noop', data: new Uint8Array(0) },
    { index: 103, term: 8, type: 'config', data: new TextEncoder().encode('{"voters":["n1","n2","n3"]}') },
    { index: Number.MAX_SAFE_INTEGER, term: Number.MAX_SAFE_INTEGER, type: 'normal', data: patternBytes(70 * KiB, 7) },
  ];
  const max = Number.MAX_SAFE_INTEGER;
  return [
    { type: 'preVote', from, to, term: 5, lastLogIndex: 100, lastLogTerm: 4, transfer: false },
    { type: 'vote', from, to, term: max, lastLogIndex: max, lastLogTerm: max, transfer: true },
    { type: 'preVoteResp', from, to, term: 5, granted: false },
    { type: 'voteResp', from, to, term: 0, granted: true },
    { type: 'append', from, to, term: 8, prevLogIndex: 100, prevLogTerm: 7, entries, commit: 99 },
    { type: 'append', from, to, term: 8, prevLogIndex: 0, prevLogTerm: 0, entries: [], commit: 0 },
    { type: 'appendResp', from, to, term: 8, success: false, index: 100, hintIndex: 42, hintTerm: 3, incarnation: 0 },
    { type: 'appendResp', from, to, term: 8, success: true, index: 103, hintIndex: 0, hintTerm: 0, incarnation: 0xffffffff },
    { type: 'heartbeat', from, to, term: 8, commit: 103, context: 0 },
    { type: 'heartbeat', from, to, term: 8, commit: 0, context: max },
    { type: 'heartbeatResp', from, to, term: 8, context: 17, incarnation: 12345 },
    { type: 'snapshot', from, to, term: 9, snapshot: { meta: { index: 0, term: 0, membership: { voters: [] } }, data: new Uint8Array(0) } },
    snapshotMessage(from, to, patternBytes(300 * KiB, 3)),
    {
      type: 'snapshot',
      from,
      to,
      term: 9,
      snapshot: {
        meta: {
          index: 77,
          term: 9,
          membership: {
            voters: ['n3', 'n1', 'n2'],
            learners: ['n5', 'nœud-4'],
            addresses: { n1: '10.0.0.1:7001', 'nœud-4': '[::1]:7004' },
            incarnations: { n1: 1, n2: 0xffffffff, n5: 123_456 },
          },
        },
        data: patternBytes(100, 9),
      },
    },
    { type: 'timeoutNow', from, to, term: 9 },
  ];
}

/** A started node under test and what it received. */
export interface TestNode {
  readonly id: NodeId;
  readonly transport: Transport;
  readonly inbox: Message[];
  readonly reports: PeerReport[];
}

export interface NodeSpec {
  readonly id: NodeId;
  /** Peers this node knows (and may send to). */
  readonly peers: readonly NodeId[];
  /** Default `CLUSTER`. */
  readonly clusterId?: string;
  /** Default 4096. */
  readonly queueLimit?: number;
  /** Default: silent. */
  readonly logger?: Logger;
}

/** Runs transports of one implementation on endpoints named by node id. */
export interface Harness {
  /** Creates and starts a transport for `spec.id` at that id's endpoint (the same one after a restart). */
  start(spec: NodeSpec): Promise<TestNode>;
  /** Stops the id's transport and takes its endpoint down: its peers find nothing there. */
  kill(id: NodeId): Promise<void>;
  /** The address of the id's endpoint, as `Transport.setPeers` takes it. */
  address(id: NodeId): string;
  /** Kills the id's transport and gives the id an endpoint at a new address. */
  move(id: NodeId): Promise<void>;
  /**
   * Peer streams the id's endpoint was asked to open so far, accepted or refused; absent where
   * there are no streams (memory).
   */
  readonly streams?: (id: NodeId) => number;
  close(): Promise<void>;
}

/** The id → address map `Transport.setPeers` takes, for `ids` of `h`. */
export function peerMap(h: Harness, ids: readonly NodeId[]): Map<NodeId, string> {
  return new Map(ids.map((id) => [id, h.address(id)]));
}

/** Reserves an endpoint for each id. */
export type HarnessFactory = ((ids: readonly NodeId[]) => Promise<Harness>) & { readonly label: string };

async function startNode(id: NodeId, transport: Transport): Promise<TestNode> {
  const node: TestNode = { id, transport, inbox: [], reports: [] };
  transport.onMessage((m) => node.inbox.push(m));
  transport.onReport((r) => node.reports.push(r));
  await transport.start();
  return node;
}

/** The frame limit of every transport the harnesses build, so the suite tests the same limit on both. */
export const TEST_MAX_MESSAGE_BYTES = 2 * MiB;

export const memoryHarness: HarnessFactory = Object.assign(
  (_ids: readonly NodeId[]): Promise<Harness> => {
    const network = new MemoryNetwork();
    const running = new Map<NodeId, Transport>();
    // The network routes by id; an address only has to change when the id moves.
    const moves = new Map<NodeId, number>();
    return Promise.resolve({
      async start(spec: NodeSpec): Promise<TestNode> {
        const transport = new MemoryTransport({
          network,
          clusterId: spec.clusterId ?? CLUSTER,
          selfId: spec.id,
          peers: spec.peers,
          queueLimit: spec.queueLimit ?? 4096,
          maxMessageBytes: TEST_MAX_MESSAGE_BYTES,
          logger: spec.logger ?? silent,
        });
        running.set(spec.id, transport);
        return startNode(spec.id, transport);
      },
      async kill(id: NodeId): Promise<void> {
        await running.get(id)?.stop();
        running.delete(id);
      },
      address: (id: NodeId): string => `memory:${id}/${moves.get(id) ?? 0}`,
      async move(id: NodeId): Promise<void> {
        await running.get(id)?.stop();
        running.delete(id);
        moves.set(id, (moves.get(id) ?? 0) + 1);
      },
      async close(): Promise<void> {
        await Promise.all([...running.values()].map((t) => t.stop()));
      },
    });
  },
  { label: 'memory' },
);

/** Options shared by every GrpcTransport the tests build: small chunks and limits, fast backoff. */
export const grpcTestOptions = {
  maxMessageBytes: TEST_MAX_MESSAGE_BYTES,
  chunkBytes: 512 * KiB,
  backoff: { initialMs: 20, maxMs: 200 },
  connectTimeoutMs: 2000,
  closeTimeoutMs: 500,
  logger: silent,
} as const;

export function bindServer(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
  });
}

/** A server for peer streams; `onStream` hears of every peer stream it is asked to open. */
export function newServer(onStream?: () => void): grpc.Server {
  const counting: grpc.ServerInterceptor = (method, call) => {
    if (method.path === RAFT_PEER_STREAM_PATH) onStream?.();
    return new grpc.ServerInterceptingCall(call);
  };
  return new grpc.Server({ ...peerServerOptions(grpcTestOptions.maxMessageBytes), ...(onStream === undefined ? {} : { interceptors: [counting] }) });
}

export const grpcHarness: HarnessFactory = Object.assign(
  async (ids: readonly NodeId[]): Promise<Harness> => {
    // Each id gets a server on an ephemeral port up front, so every node knows every address.
    const endpoints = new Map<NodeId, { port: number; server: grpc.Server | null; transport: GrpcTransport | null; streams: number }>();
    const serverFor = (id: NodeId): grpc.Server =>
      newServer(() => {
        const ep = endpoints.get(id);
        if (ep !== undefined) ep.streams += 1;
      });
    for (const id of ids) {
      const server = serverFor(id);
      endpoints.set(id, { port: await bindServer(server, '127.0.0.1:0'), server, transport: null, streams: 0 });
    }
    const address = (id: NodeId): string => `127.0.0.1:${endpoints.get(id)?.port ?? 1}`;
    async function kill(id: NodeId): Promise<void> {
      const ep = endpoints.get(id);
      if (ep === undefined) return;
      await ep.transport?.stop();
      ep.server?.forceShutdown();
      ep.transport = null;
      ep.server = null;
    }
    return {
      async start(spec: NodeSpec): Promise<TestNode> {
        const ep = endpoints.get(spec.id);
        if (ep === undefined) throw new Error(`no endpoint reserved for ${spec.id}`);
        if (ep.transport !== null) throw new Error(`${spec.id} already running`);
        const transport = new GrpcTransport({
          ...grpcTestOptions,
          clusterId: spec.clusterId ?? CLUSTER,
          selfId: spec.id,
          peers: new Map(spec.peers.map((p) => [p, address(p)])),
          queueLimit: spec.queueLimit ?? 4096,
          ...(spec.logger === undefined ? {} : { logger: spec.logger }),
        });
        if (ep.server === null) {
          ep.server = serverFor(spec.id);
          transport.addToServer(ep.server);
          await bindServer(ep.server, address(spec.id));
        } else {
          transport.addToServer(ep.server);
        }
        ep.transport = transport;
        return startNode(spec.id, transport);
      },
      kill,
      address,
      async move(id: NodeId): Promise<void> {
        const ep = endpoints.get(id);
        if (ep === undefined) throw new Error(`no endpoint reserved for ${id}`);
        await kill(id);
        const old = ep.port;
        let server = serverFor(id);
        let port = await bindServer(server, '127.0.0.1:0');
        if (port === old) {
          // The freed port came back: bind again while holding it, so the address really changes.
          const other = serverFor(id);
          port = await bindServer(other, '127.0.0.1:0');
          server.forceShutdown();
          server = other;
        }
        ep.server = server;
        ep.port = port;
      },
      streams: (id: NodeId): number => endpoints.get(id)?.streams ?? 0,
      async close(): Promise<void> {
        await Promise.all([...endpoints.keys()].map(kill));
      },
    };
  },
  { label: 'grpc' },
);
