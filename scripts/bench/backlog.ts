/**
 * Backlog: lease/complete throughput and memory per node with many jobs queued, and the restart
 * time of a node holding the largest backlog.
 *
 * For each level L (ascending) the queue is filled with batched submits until L + M jobs are ready,
 * then workers (in their own processes) complete M jobs, so at least L jobs stay queued throughout
 * the measurement. The rate is taken between the 10th percent and the last of those M completions,
 * so worker start-up and stream set-up are not in it.
 */
import { closeAll, completedSum, startChildren, waitForCompleted, type BenchChild } from './children.js';
import { raftjobsTarget, waitCaughtUp, type Cluster } from './cluster.js';
import { wallMs } from './protocol.js';
import { rssMiB, sleep } from './stats.js';

export interface BacklogLevel {
  readonly queued: number;
  /** Batched submits while filling, jobs/s. */
  readonly fillPerSec: number;
  /** Lease + complete, jobs/s, with at least `queued` jobs ready. */
  readonly leaseCompletePerSec: number;
  readonly measuredJobs: number;
  /** VmRSS of each node after filling, MiB, by node id. */
  readonly rssMiB: Readonly<Record<string, number>>;
  readonly leaderId: string;
}

export interface RestartResult {
  readonly jobs: number;
  readonly nodeId: string;
  readonly how: 'SIGKILL' | 'SIGTERM';
  /** Process spawn to "node ready" and answering status, ms. */
  readonly readyMs: number;
  /** Process spawn to applied within 100 entries of the leader's commit, ms. */
  readonly caughtUpMs: number;
}

export interface BacklogResult {
  readonly levels: readonly BacklogLevel[];
  readonly restarts: readonly RestartResult[];
}

const FILL_BATCH = 1000;
const FILL_INFLIGHT = 4;
const WORKERS = 2;
const WORKER_CONCURRENCY = 128;

async function rssByNode(cluster: Cluster): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const id of cluster.ids) out[id] = await rssMiB(cluster.pid(id));
  return out;
}

export async function runBacklog(
  cluster: Cluster,
  levels: readonly number[],
  measure: number,
  restartWith: readonly ('SIGTERM' | 'SIGKILL')[],
  log: (line: string) => void,
): Promise<BacklogResult> {
  const target = raftjobsTarget(cluster);
  const queue = 'backlog';
  const results: BacklogLevel[] = [];
  const [filler] = await startChildren('backlog-filler-', 1, { role: 'submit', target, queue });
  if (filler === undefined) throw new Error('no filler');
  let ready = 0;
  let submitted = 0;
  try {
    for (const level of levels) {
      const add = Math.max(0, level + measure - ready);
      const fillTimeout = 120_000 + add * 2;
      const fill = await filler.run({ total: add, inflight: FILL_INFLIGHT, batch: FILL_BATCH, recordLatency: false }, fillTimeout);
      if (fill.errors > 0) throw new Error(`filling the backlog: ${fill.errors} failed submits, first: ${fill.firstError ?? '?'}`);
      submitted += add;
      ready += add;
      const fillPerSec = (add * 1000) / (fill.endMs - fill.startMs);
      await waitCaughtUp(cluster, 100);
      await sleep(1_000);
      const rss = await rssByNode(cluster);
      const leaderId = (await cluster.waitForLeader()).id;
      log(`  ${level.toLocaleString('en-US')} queued (+${measure} to drain): filled ${add} at ${fillPerSec.toFixed(0)}/s; RSS ${Object.entries(rss).map(([id, mb]) => `${id} ${mb.toFixed(0)} MiB`).join(', ')}`);

      const workers = await startChildren('backlog-worker-', WORKERS, { role: 'work', target, queue, concurrency: WORKER_CONCURRENCY });
      let rate = NaN;
      try {
        const samples: [number, number][] = [];
        for (const w of workers) w.onProgress(() => (samples.push([wallMs(), completedSum(workers)]), false));
        await waitForCompleted(workers, measure, 120_000 + measure * 10);
        const from = samples.find(([, n]) => n >= measure * 0.1);
        const to = samples.at(-1);
        if (from !== undefined && to !== undefined && to[0] > from[0]) rate = ((to[1] - from[1]) * 1000) / (to[0] - from[0]);
      } finally {
        await closeAll(workers);
      }
      const done = workers.reduce((n: number, w: BenchChild) => n + w.progress.completed, 0);
      ready -= done;
      log(`  ${level.toLocaleString('en-US')} queued: lease/complete ${rate.toFixed(0)} jobs/s`);
      results.push({ queued: level, fillPerSec, leaseCompletePerSec: rate, measuredJobs: measure, rssMiB: rss, leaderId });
    }
  } finally {
    await filler.close();
  }

  const restarts: RestartResult[] = [];
  for (const how of restartWith) {
    await waitCaughtUp(cluster, 100);
    const lead = await cluster.waitForLeader();
    const id = cluster.ids.find((n) => n !== lead.id);
    if (id === undefined) break;
    await cluster.kill(id, how, 60_000);
    const t0 = wallMs();
    await cluster.start(id);
    const readyMs = wallMs() - t0;
    await waitCaughtUp(cluster, 100, 600_000);
    const caughtUpMs = wallMs() - t0;
    log(`  restart of ${id} after ${how} holding ${submitted.toLocaleString('en-US')} jobs: ready in ${readyMs.toFixed(0)} ms, caught up in ${caughtUpMs.toFixed(0)} ms`);
    restarts.push({ jobs: submitted, nodeId: id, how, readyMs, caughtUpMs });
  }
  return { levels: results, restarts };
}
