import { readFileSync, writeFileSync } from 'node:fs';
import { Cluster, type ClusterOptions } from './cluster.js';
import { freePorts } from './ports.js';

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

