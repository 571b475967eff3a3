/**
 * A real single-node cluster in this process (real LevelDB in a temp directory, real gRPC on a
 * loopback port), and a raw Work-stream client built only from proto/jobs.proto: no SDK, so these
 * tests pin the server's side of the wire contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { validateConfig, type Config } from '../../src/config/index.js';
import type { JobView } from '../../src/jobs/index.js';
import type { JobNode } from '../../src/node/index.js';
import { serviceClient } from '../../src/protocol/index.js';
import { startNode, type RunningNode } from '../../src/server/node-server.js';
import { freePort, freePorts, poll } from '../helpers/index.js';

export interface TestServer {
  readonly node: JobNode;
  readonly address: string;
  /** `host:port` of its HTTP server (metrics, dashboard), or null when started without one. */
  readonly httpAddress: string | null;
  job(id: string): JobView;
  /** Submits one job per payload to `queue` (one Submit each); returns their ids. */
  submit(queue: string, payloads: readonly Buffer[], extra?: Record<string, unknown>): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Starts a one-node cluster with these config sections merged in, and waits until it leads. With
 * `http`, the node serves HTTP (metrics, dashboard) on a loopback port of its own.
 */
export async function startServer(config: Record<string, unknown> = {}, o: { readonly http?: boolean } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'raftjobs-server-'));
  const [port, httpPort] = o.http === true ? await freePorts(2) : [await freePort()];
  const address = `127.0.0.1:${port}`;
  const httpAddress = httpPort === undefined ? null : `127.0.0.1:${httpPort}`;
  const raw = { clusterId: 'srv', dataDir: join(dir, 'data'), nodes: [{ id: 'n1', address, ...(httpAddress !== null ? { httpAddress } : {}) }], ...config };
  const v = validateConfig(raw, { env: {}, baseDir: dir });
  if (!v.ok) throw new Error(v.problems.join('; '));
  let running: RunningNode;
  try {
    running = await startNode(v.config, 'n1', pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }), (err) => console.error(err), {});
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  await poll(() => (running.node.isLeader() ? true : undefined), { timeoutMs: 10_000 });
  const Jobs = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Jobs');
  const jobs = new Jobs(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, Unary>;
  return {
    node: running.node,
    address,
    httpAddress,
    job: (id) => {
      const j = running.node.query.getJob(id);
      if (j === null) throw new Error(`no job ${id}`);
      return j;
    },
    submit: async (queue, payloads, extra = {}) => {
      const ids: string[] = [];
      for (const payload of payloads) {
        const res = await new Promise<Record<string, unknown>>((resolve, reject) =>
          (jobs['Submit'] as Unary).call(jobs, { jobs: [{ queue, payload, ...extra }] }, { deadline: Date.now() + 10_000 }, (err, r) => (err ? reject(err) : resolve(r ?? {}))),
        );
        ids.push(...(res['jobs'] as { id: string }[]).map((j) => j.id));
      }
      return ids;
    },
    close: async () => {
      jobs.close();
      await running.shutdown('test done');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Unary = (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Record<string, unknown>) => void) => void;

export interface LeasedJob {
  jobId: string;
  token: number;
  payload: Buffer;
  attempt: number;
  /** '' when the job has none. */
  group: string;
}
export interface Ack {
  requestId: number;
  ok: boolean;
  code: string;
  message: string;
}
export interface HeartbeatResult {
  jobId: string;
  ok: boolean;
  code: string;
  message: string;
}
export interface ServerMessage {
  body: 'leases' | 'ack' | 'heartbeat' | 'acks' | 'welcome';
  requestId: number;
  leases: { jobs: LeasedJob[]; serverTimeMs: number } | null;
  ack: Ack | null;
  acks: { acks: Ack[] } | null;
  heartbeat: { leases: HeartbeatResult[]; serverTimeMs: number } | null;
  welcome: Record<string, number | string> | null;
}

export interface HelloOptions {
  workerId: string;
  queues: string[];
  capacity: number;
  sessionId?: string;
  held?: { jobId: string; token: number }[];
  batchAcks?: boolean;
}

/** A raw Work stream that records everything it receives and how it ended. */
export class RawWorker {
  readonly received: ServerMessage[] = [];
  /** Serialized size of each message received, in order, as the server sent it. */
  readonly sizes: number[] = [];
  status: grpc.StatusObject | null = null;
  readonly call: grpc.ClientDuplexStream<Record<string, unknown>, ServerMessage>;
  private readonly client: grpc.Client;
  private nextId = 1;
  private lastHello: HelloOptions | null = null;

  constructor(address: string, options: grpc.ChannelOptions = {}) {
    const Workers = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Workers');
    this.client = new Workers(address, grpc.credentials.createInsecure(), options);
    const def = (Workers.service as unknown as Record<string, grpc.MethodDefinition<unknown, ServerMessage>>)['Work'];
    if (def === undefined) throw new Error('no Work method');
    this.call = this.client.makeBidiStreamRequest<Record<string, unknown>, ServerMessage>(def.path, def.requestSerialize, (buf: Buffer) => {
      this.sizes.push(buf.length);
      return def.responseDeserialize(buf);
    });
    this.call.on('data', (m: ServerMessage) => this.received.push(m));
    this.call.on('error', () => undefined);
    this.call.on('status', (s: grpc.StatusObject) => (this.status = s));
  }

  hello(h: HelloOptions): void {
    this.lastHello = h;
    this.call.write({ requestId: 0, hello: { leaseTtlMs: 0, held: [], batchAcks: false, sessionId: '', ...h } });
  }

  /** Sends one message body; returns its request id. */
  send(body: Record<string, unknown>): number {
    const requestId = this.nextId++;
    this.call.write({ requestId, ...body });
    return requestId;
  }

  leases(): LeasedJob[] {
    return this.received.flatMap((m) => (m.leases ? m.leases.jobs : []));
  }

  welcome(): Record<string, number | string> | undefined {
    return this.received.find((m) => m.welcome)?.welcome ?? undefined;
  }

  ack(requestId: number): Ack | undefined {
    return this.received.flatMap((m) => (m.ack ? [m.ack] : m.acks ? m.acks.acks : [])).find((a) => a.requestId === requestId);
  }

  heartbeatAnswer(requestId: number): { leases: HeartbeatResult[]; serverTimeMs: number } | undefined {
    return this.received.find((m) => m.heartbeat && m.requestId === requestId)?.heartbeat ?? undefined;
  }

  /** Polls until `get` returns a value. */
  until<T>(get: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    return poll(() => {
      if (this.status !== null) throw new Error(`stream ended: ${this.status.code} ${this.status.details}`);
      return get();
    }, { timeoutMs, intervalMs: 10 });
  }

  /** Waits for `n` leases in all. */
  untilLeases(n: number, timeoutMs = 10_000): Promise<LeasedJob[]> {
    return this.until(() => (this.leases().length >= n ? this.leases() : undefined), timeoutMs);
  }

  /** Ends the stream without a goodbye (the process died). */
  cancel(): void {
    this.call.cancel();
  }

  /** A clean goodbye: a Hello announcing capacity 0, then a half-close. */
  goodbye(): void {
    if (this.lastHello !== null) this.hello({ ...this.lastHello, capacity: 0 });
    this.call.end();
  }

  /** Half-closes the stream without announcing capacity 0 first: a break, not a goodbye. */
  halfClose(): void {
    this.call.end();
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}

/** One node of a `TestCluster`, once started. */
export interface ClusterNode {
  readonly id: string;
  /** Its client (and peer) address. */
  readonly address: string;
  readonly node: JobNode;
}

/**
 * Several nodes of one cluster in this process (each with its own LevelDB in a temp directory and
 * its own gRPC port on loopback), started one by one: with too few started there is no leader,
 * which is how a test meets NO_LEADER; once a quorum runs, one of them leads and the others are
 * followers that forward or redirect.
 */
export class TestCluster {
  private readonly running = new Map<string, RunningNode>();

  private constructor(
    private readonly dir: string,
    private readonly config: Config,
  ) {}

  /** A cluster of `size` nodes n1..n`size`, none started yet. */
  static async create(size: number): Promise<TestCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'raftjobs-cluster-'));
    const ports = await freePorts(size);
    const nodes = ports.map((port, i) => ({ id: `n${i + 1}`, address: `127.0.0.1:${port}` }));
    const v = validateConfig({ clusterId: 'srv', dataDir: join(dir, 'data'), nodes }, { env: {}, baseDir: dir });
    if (!v.ok) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(v.problems.join('; '));
    }
    return new TestCluster(dir, v.config);
  }

  address(id: string): string {
    const n = this.config.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`no node ${id}`);
    return n.address;
  }

  async start(id: string): Promise<ClusterNode> {
    const running = await startNode(this.config, id, pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }), (err) => console.error(err), {});
    this.running.set(id, running);
    return { id, address: this.address(id), node: running.node };
  }

  /** Stops one started node, orderly (it hands over leadership first when it leads). */
  async stop(id: string): Promise<void> {
    const r = this.running.get(id);
    this.running.delete(id);
    await r?.shutdown('test: node stopped');
  }

  /** The started nodes. */
  nodes(): ClusterNode[] {
    return [...this.running].map(([id, r]) => ({ id, address: this.address(id), node: r.node }));
  }

  /** Waits until one started node leads and every started node knows it; returns it and the others. */
  async settled(timeoutMs = 20_000): Promise<{ leader: ClusterNode; followers: ClusterNode[] }> {
    return poll(
      () => {
        const nodes = this.nodes();
        const leader = nodes.find((n) => n.node.isLeader());
        if (!leader || nodes.some((n) => n.node.leader() !== leader.id)) return undefined;
        return { leader, followers: nodes.filter((n) => n !== leader) };
      },
      { timeoutMs },
    );
  }

  async close(): Promise<void> {
    for (const r of this.running.values()) await r.shutdown('test done');
    this.running.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
