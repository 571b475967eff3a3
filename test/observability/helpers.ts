import { readFileSync, writeFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { Cluster, freePorts, type ClusterOptions } from '../helpers/index.js';

/** A real-process cluster whose nodes also serve HTTP (metrics, health, dashboard). */
export interface ObservedCluster {
  readonly cluster: Cluster;
  /** Node id → `host:port` of its HTTP server. */
  readonly http: ReadonlyMap<string, string>;
  /** Every node's gRPC address, for the SDK. */
  readonly addresses: string[];
}

/**
 * Writes a cluster config with an `httpAddress` (a free loopback port) for every node; starts
 * nothing. `actionsEnabled` goes to `dashboard.actionsEnabled`.
 */
export async function createObservedCluster(o: ClusterOptions & { readonly actionsEnabled?: boolean } = {}): Promise<ObservedCluster> {
  const { actionsEnabled, ...rest } = o;
  const cluster = await Cluster.create({ tmpPrefix: 'raftjobs-obs-', ...rest });
  const ports = await freePorts(cluster.nodes.length);
  const config = JSON.parse(readFileSync(cluster.configPath, 'utf8')) as { nodes: { id: string; address: string; httpAddress?: string }[]; dashboard?: unknown };
  const http = new Map<string, string>();
  config.nodes.forEach((n, i) => {
    n.httpAddress = `127.0.0.1:${String(ports[i])}`;
    http.set(n.id, n.httpAddress);
  });
  if (actionsEnabled !== undefined) config.dashboard = { actionsEnabled };
  writeFileSync(cluster.configPath, JSON.stringify(config, null, 2) + '\n');
  return { cluster, http, addresses: cluster.nodes.map((n) => n.address) };
}

/** One sample of the Prometheus text format. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parse Prometheus text exposition (enough of it for prom-client's output). */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] ?? ''] = l[2] ?? '';
    const raw = m[3] ?? 'NaN';
    out.push({ name: m[1] ?? '', labels, value: raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw) });
  }
  return out;
}

/** The value of the first sample named `name` whose labels include `labels`, or undefined. */
export function metric(samples: readonly Sample[], name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** GET `http://address/path` with a deadline. */
export async function httpGet(address: string, path: string, timeoutMs = 3000): Promise<{ status: number; text: string; type: string }> {
  const res = await fetch(`http://${address}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/** Scrape `/metrics` of the node at `address`. */
export async function scrape(address: string): Promise<Sample[]> {
  const res = await httpGet(address, '/metrics');
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${res.text}`);
  return parseMetrics(res.text);
}

type HealthClient = grpc.Client & {
  Check(req: { service: string }, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
};

/** Ask grpc.health.v1 Check on `address` (the node's gRPC port); the status name, or the error. */
export function grpcHealth(address: string, service = ''): Promise<string> {
  const def = protoLoader.loadSync(healthProtoPath, { keepCase: false, enums: String, defaults: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
  const client = new pkg.grpc.health.v1.Health(address, grpc.credentials.createInsecure()) as unknown as HealthClient;
  return new Promise<string>((resolve) => {
    client.Check({ service }, { deadline: Date.now() + 2000 }, (err, res) => {
      client.close();
      resolve(err ? `error: ${err.details}` : (res?.status ?? 'none'));
    });
  });
}
