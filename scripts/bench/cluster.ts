/**
 * The bench's one import of the real-process cluster harness (three `raftjobs node` processes,
 * fsync on, free loopback ports, a temporary directory), and small helpers around it.
 */
import { Cluster, type ClusterOptions, type StatusRow } from '../../test/helpers/index.js';
import { sleep } from './stats.js';

export { Cluster, type StatusRow };

/** A fresh three-node cluster with the product's default timing, every node ready and one leader. */
export async function startCluster(o: ClusterOptions = {}): Promise<Cluster> {
  const cluster = await Cluster.start({ size: 3, clusterId: 'bench', tmpPrefix: 'raftjobs-bench-', readyTimeoutMs: 120_000, waitTimeoutMs: 60_000, statusTimeoutMs: 3_000, ...o });
  await cluster.waitForLeader();
  return cluster;
}

export function addresses(cluster: Cluster): string[] {
  return cluster.nodes.map((n) => n.address);
}

/** The current leader's status row (waits for one). */
export function leader(cluster: Cluster, exclude: readonly string[] = []): Promise<StatusRow> {
  return cluster.waitForLeader({ exclude });
}

/**
 * Waits until every node runs, one leads, and each follower has applied all but `slack` entries of
 * the leader's commit index: caught up, even while load keeps the log moving.
 */
export async function waitCaughtUp(cluster: Cluster, slack: number, timeoutMs = 120_000): Promise<void> {
  await cluster.waitFor(
    `every node within ${slack} entries of the leader`,
    (rows) => {
      const commit = rows.find((r) => r.role === 'leader')?.commitIndex;
      if (commit === undefined || rows.length < cluster.ids.length) return undefined;
      return rows.every((r) => r.role !== 'unreachable' && (r.appliedIndex ?? 0) + slack >= commit) ? true : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** Settle: let the cluster go idle for a moment between phases. */
export async function settle(ms = 500): Promise<void> {
  await sleep(ms);
}
