/**
 * The bench's one import of the real-process cluster harness (three `raftjobs node` processes,
 * fsync on, free loopback ports, a temporary directory), and small helpers around it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { BIN, childEnv, Cluster, freePort, freePorts, REPO_ROOT, type ClusterOptions, type StatusRow } from '../lib/index.js';
import { leaderStats, scrape, type LeaderStats, type Probe, type Scrape } from './metrics.js';
import { sleep } from './stats.js';

export { BIN, childEnv, Cluster, freePort, REPO_ROOT, type StatusRow };

const httpAddresses = new WeakMap<Cluster, ReadonlyMap<string, string>>();

/**
 * A fresh three-node cluster with the product's default timing, every node ready and one leader.
 * Each node also serves HTTP (metrics) on a free loopback port: see {@link httpAddress}.
 */
export async function startCluster(o: ClusterOptions = {}): Promise<Cluster> {
  const cluster = await Cluster.create({ size: 3, clusterId: 'bench', tmpPrefix: 'raftjobs-bench-', readyTimeoutMs: 120_000, waitTimeoutMs: 60_000, statusTimeoutMs: 3_000, ...o });
  const taken = new Set(cluster.nodes.map((n) => Number(n.address.split(':').at(-1))));
  let ports = await freePorts(cluster.nodes.length);
  while (ports.some((p) => taken.has(p))) ports = await freePorts(cluster.nodes.length);
  const http = new Map(cluster.nodes.map((n, i) => [n.id, `127.0.0.1:${String(ports[i])}`]));
  const config = JSON.parse(readFileSync(cluster.configPath, 'utf8')) as { nodes: { id: string; address: string; httpAddress?: string }[] };
  for (const n of config.nodes) {
    const a = http.get(n.id);
    if (a !== undefined) n.httpAddress = a;
  }
  writeFileSync(cluster.configPath, JSON.stringify(config, null, 2) + '\n');
  httpAddresses.set(cluster, http);
  try {
    await cluster.startAll();
    await cluster.waitForLeader();
  } catch (err) {
    await cluster.cleanup(true);
    throw err;
  }
  return cluster;
}

/** Where node `id` of a cluster from {@link startCluster} serves /metrics. */
export function httpAddress(cluster: Cluster, id: string): string | undefined {
  return httpAddresses.get(cluster)?.get(id);
}

/**
 * Reads the leader's metrics around a measurement: `begin()` before, `end()` after. Null when
 * the leader changed in between or did not answer.
 */
export function leaderProbe(cluster: Cluster): Probe {
  let start: { id: string; at: number; scrape: Scrape } | null = null;
  return {
    async begin(): Promise<void> {
      const id = (await cluster.waitForLeader()).id;
      const http = httpAddress(cluster, id);
      start = http === undefined ? null : { id, at: performance.now(), scrape: await scrape(http).catch(() => new Map<string, number>()) };
    },
    async end(): Promise<LeaderStats | null> {
      const s = start;
      start = null;
      const http = s === null ? undefined : httpAddress(cluster, s.id);
      if (s === null || http === undefined) return null;
      try {
        const after = await scrape(http);
        return leaderStats(s.scrape, after, (performance.now() - s.at) / 1000);
      } catch {
        return null;
      }
    },
  };
}

export function addresses(cluster: Cluster): string[] {
  return cluster.nodes.map((n) => n.address);
}

/** The bench target of a cluster: its addresses, and its certificates when it runs TLS. */
export function raftjobsTarget(cluster: Cluster): { readonly kind: 'raftjobs'; readonly nodes: readonly string[]; readonly tls?: { readonly certsDir: string } } {
  return { kind: 'raftjobs', nodes: addresses(cluster), ...(cluster.certsDir === null ? {} : { tls: { certsDir: cluster.certsDir } }) };
}

/** The current leader's status row (waits for one). */
export function leader(cluster: Cluster, exclude: readonly string[] = []): Promise<StatusRow> {
  return cluster.waitForLeader({ exclude });
}

/**
 * Waits until every node runs, one leads, and each follower has applied all but `slack` entries of
 * the leader's commit index: caught up, even while load keeps the log moving.
 */
export async function waitCaughtUp(cluster: Cluster, slack: number, timeoutMs = 120_000, intervalMs = 100): Promise<void> {
  await cluster.waitFor(
    `every node within ${slack} entries of the leader`,
    (rows) => {
      const commit = rows.find((r) => r.role === 'leader')?.commitIndex;
      if (commit === undefined || rows.length < cluster.ids.length) return undefined;
      return rows.every((r) => r.role !== 'unreachable' && (r.appliedIndex ?? 0) + slack >= commit) ? true : undefined;
    },
    { timeoutMs, intervalMs },
  );
}

/** Settle: let the cluster go idle for a moment between phases. */
export async function settle(ms = 500): Promise<void> {
  await sleep(ms);
}
