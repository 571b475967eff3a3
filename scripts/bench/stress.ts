/**
 * Stress: what a large backlog and its operations cost, on a fresh cluster, with every node
 * watched throughout each scenario (bench/watch.ts: event-loop delay p99 and max, failed polls and
 * the longest gap, term changes). Every job is submitted by the `raftjobs submit --count N
 * --payload '{}'` command, as a user would, in batches of `limits.maxBatchSize` one after another.
 *
 * 1. idle: the new cluster idles for `idleMinutes` (skipped at 0).
 * 2. small backlog: `small` + `measure` jobs queued; RSS per node; workers (two processes) complete
 *    `measure` of them, so at least `small` stay queued; lease/complete jobs/s is taken between the
 *    10th percent and the last of those completions (worker start-up left out).
 * 3. bulk submit: `bulk` more jobs in one command: wall time and jobs/s.
 * 4. large backlog (`small` + `bulk` queued): RSS per node and its growth per job from the small
 *    backlog; then `measure` more jobs and lease/complete as in 2.
 * 5. snapshot: each node in turn is asked to snapshot (Admin.Snapshot), one window per node.
 * 6. restart of a follower holding the large backlog, once per signal: ready (spawn to "node
 *    ready" and answering status) and caught up (applied within 100 entries of the leader's commit).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { clientCredentials } from '../../src/client/index.js';
import { snapshotNode } from '../../src/cli/snapshot-command.js';
import { closeAll, completedSum, startChildren, waitForCompleted } from './children.js';
import { BIN, childEnv, raftjobsTarget, REPO_ROOT, waitCaughtUp, type Cluster } from './cluster.js';
import { wallMs } from './protocol.js';
import { rssMiB, sleep } from './stats.js';
import { watchCluster } from './watch.js';
import { windowJson, type WindowSummary } from './window.js';

export interface StressOptions {
  /** Minutes the fresh cluster idles under watch first; 0 skips. */
  readonly idleMinutes: number;
  /** The small backlog, jobs (10k). */
  readonly small: number;
  /** Jobs of the one bulk submit (1M, or 100k with --quick). */
  readonly bulk: number;
  /** Jobs completed to measure lease/complete at each backlog. */
  readonly measure: number;
  readonly restartWith: readonly ('SIGTERM' | 'SIGKILL')[];
  readonly log: (line: string) => void;
}

export interface BacklogLevel {
  readonly queued: number;
  /** Lease + complete, jobs/s, with at least `queued` jobs ready. */
  readonly leaseCompletePerSec: number;
  readonly measuredJobs: number;
  /** Jobs the workers completed (`measure`, and a few more leased meanwhile). */
  readonly completedJobs: number;
  /** VmRSS of each node with `queued` jobs ready, MiB, by node id. */
  readonly rssMiB: Readonly<Record<string, number>>;
  readonly leaderId: string;
}

export interface BulkSubmit {
  readonly jobs: number;
  /** The command's run, spawn to exit, ms. */
  readonly wallMs: number;
  readonly jobsPerSec: number;
  readonly window: WindowSummary;
}

export interface SnapshotRun {
  readonly nodeId: string;
  readonly ok: boolean;
  /** The Admin.Snapshot call, ms. */
  readonly tookMs: number;
  readonly error?: string;
  readonly window: WindowSummary;
}

export interface RestartResult {
  readonly jobs: number;
  readonly nodeId: string;
  readonly how: 'SIGKILL' | 'SIGTERM';
  /** Process spawn to "node ready" and answering status, ms. */
  readonly readyMs: number;
  /** Process spawn to applied within 100 entries of the leader's commit, ms. */
  readonly caughtUpMs: number;
  /** From the signal to caught up. */
  readonly window: WindowSummary;
}

export interface StressResult {
  readonly idle: { readonly minutes: number; readonly window: WindowSummary } | null;
  readonly small: BacklogLevel;
  readonly bulk: BulkSubmit;
  readonly large: BacklogLevel;
  /** (RSS at the large backlog − at the small) / jobs added, bytes per job, by node id. */
  readonly rssGrowthBytesPerJob: Readonly<Record<string, number>>;
  readonly snapshots: readonly SnapshotRun[];
  readonly restarts: readonly RestartResult[];
}

const QUEUE = 'stress';
const WORKERS = 2;
const WORKER_CONCURRENCY = 128;

/** `raftjobs submit --count N --payload '{}'` against the cluster; resolves with its run time, ms. */
async function cliSubmit(cluster: Cluster, count: number): Promise<number> {
  const tls = cluster.certsDir === null ? [] : ['--cert', join(cluster.certsDir, 'client-itest.crt'), '--key', join(cluster.certsDir, 'client-itest.key')];
  const args = [BIN, 'submit', '--config', cluster.configPath, ...tls, '--queue', QUEUE, '--count', String(count), '--payload', '{}'];
  const t0 = wallMs();
  // The job ids it prints (one line each) go nowhere: a user would redirect them too.
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const timeoutMs = 120_000 + count * 2;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  }).finally(() => clearTimeout(timer));
  if (code !== 0) throw new Error(`raftjobs submit --count ${count} exited with ${String(code)} (timeout ${timeoutMs} ms):\n${stderr}`);
  return wallMs() - t0;
}

async function rssByNode(cluster: Cluster): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const id of cluster.ids) out[id] = await rssMiB(cluster.pid(id));
  return out;
}

/** Workers complete `measure` jobs of the queue; jobs/s between the 10th percent and the last completion, and how many they completed. */
async function leaseComplete(cluster: Cluster, measure: number): Promise<{ rate: number; completed: number }> {
  const workers = await startChildren('stress-worker-', WORKERS, { role: 'work', target: raftjobsTarget(cluster), queue: QUEUE, concurrency: WORKER_CONCURRENCY });
  try {
    const samples: [number, number][] = [];
    for (const w of workers) w.onProgress(() => (samples.push([wallMs(), completedSum(workers)]), false));
    await waitForCompleted(workers, measure, 120_000 + measure * 10);
    const from = samples.find(([, n]) => n >= measure * 0.1);
    const to = samples.at(-1);
    const rate = from !== undefined && to !== undefined && to[0] > from[0] ? ((to[1] - from[1]) * 1000) / (to[0] - from[0]) : NaN;
    await closeAll(workers);
    return { rate, completed: completedSum(workers) };
  } finally {
    await closeAll(workers);
  }
}

/** With `queued` jobs ready: RSS per node; then `measure` more jobs, and lease/complete while they drain. */
async function level(cluster: Cluster, queued: number, measure: number, log: (line: string) => void): Promise<BacklogLevel> {
  await waitCaughtUp(cluster, 100, 600_000);
  await sleep(1_000);
  const rss = await rssByNode(cluster);
  const leaderId = (await cluster.waitForLeader()).id;
  const q = queued.toLocaleString('en-US');
  log(`  ${q} queued: RSS ${Object.entries(rss).map(([id, mb]) => `${id} ${mb.toFixed(0)} MiB`).join(', ')}`);
  await cliSubmit(cluster, measure);
  await waitCaughtUp(cluster, 100, 600_000);
  const { rate, completed } = await leaseComplete(cluster, measure);
  log(`  ${q} queued: lease/complete ${rate.toFixed(0)} jobs/s`);
  return { queued, leaseCompletePerSec: rate, measuredJobs: measure, completedJobs: completed, rssMiB: rss, leaderId };
}

function describeWindow(w: WindowSummary): string {
  const nodes = w.nodes.map((n) => `${n.id}${n.restarted ? '*' : ''} lag p99 ${n.lagP99Ms.toFixed(1)} max ${n.lagMaxMs.toFixed(0)}${n.lagMaxExact ? '' : '~'} ms, ${n.failedPolls} failed polls, gap ${n.longestGapMs.toFixed(0)} ms`);
  const control = w.control === undefined ? '' : `; bench's own lag p99 ${w.control.p99Ms.toFixed(1)} max ${w.control.maxMs.toFixed(0)} ms`;
  return `${(w.durationMs / 1000).toFixed(1)} s, ${w.termChanges} term changes; ${nodes.join('; ')}${control}`;
}

export async function runStress(cluster: Cluster, o: StressOptions): Promise<StressResult> {
  const { log } = o;
  let idle: StressResult['idle'] = null;
  if (o.idleMinutes > 0) {
    log(`  idle for ${o.idleMinutes} min`);
    const w = await watchCluster(cluster);
    await sleep(o.idleMinutes * 60_000);
    idle = { minutes: o.idleMinutes, window: await w.stop() };
    log(`  idle: ${describeWindow(idle.window)}`);
  }

  await cliSubmit(cluster, o.small);
  const small = await level(cluster, o.small, o.measure, log);
  // The workers may have completed a few more than they were given: top the backlog up again.
  if (small.completedJobs > small.measuredJobs) await cliSubmit(cluster, small.completedJobs - small.measuredJobs);
  await waitCaughtUp(cluster, 100, 600_000);

  log(`  bulk submit: raftjobs submit --count ${o.bulk.toLocaleString('en-US')} --payload '{}'`);
  const w = await watchCluster(cluster);
  const took = await cliSubmit(cluster, o.bulk);
  const bulk: BulkSubmit = { jobs: o.bulk, wallMs: took, jobsPerSec: (o.bulk * 1000) / took, window: await w.stop() };
  log(`  bulk submit: ${bulk.jobs} jobs in ${took.toFixed(0)} ms (${bulk.jobsPerSec.toFixed(0)}/s); ${describeWindow(bulk.window)}`);

  const large = await level(cluster, o.small + o.bulk, o.measure, log);
  const rssGrowthBytesPerJob: Record<string, number> = {};
  for (const id of cluster.ids) rssGrowthBytesPerJob[id] = (((large.rssMiB[id] ?? NaN) - (small.rssMiB[id] ?? NaN)) * 2 ** 20) / (large.queued - small.queued);
  log(`  RSS growth ${Object.entries(rssGrowthBytesPerJob).map(([id, b]) => `${id} ${b.toFixed(0)}`).join(', ')} B/job`);

  const credentials = clientCredentials(cluster.clientTls());
  const snapshots: SnapshotRun[] = [];
  for (const id of cluster.ids) {
    await waitCaughtUp(cluster, 100, 600_000);
    const sw = await watchCluster(cluster);
    const row = await snapshotNode(id, cluster.address(id), 600_000, credentials);
    const window = await sw.stop();
    snapshots.push(row.ok ? { nodeId: id, ok: true, tookMs: row.tookMs, window } : { nodeId: id, ok: false, tookMs: NaN, error: row.error, window });
    log(`  snapshot of ${id}: ${row.ok ? `${row.tookMs} ms` : `failed: ${row.error}`}; ${describeWindow(window)}`);
  }

  const restarts: RestartResult[] = [];
  const jobs = large.queued;
  for (const how of o.restartWith) {
    await waitCaughtUp(cluster, 100, 600_000);
    const lead = await cluster.waitForLeader();
    const id = cluster.ids.find((n) => n !== lead.id);
    if (id === undefined) break;
    const rw = await watchCluster(cluster);
    await cluster.kill(id, how, 60_000);
    const t0 = wallMs();
    await cluster.start(id);
    const readyMs = wallMs() - t0;
    await waitCaughtUp(cluster, 100, 600_000);
    const caughtUpMs = wallMs() - t0;
    const window = await rw.stop();
    log(`  restart of ${id} after ${how} holding ${jobs.toLocaleString('en-US')} jobs: ready in ${readyMs.toFixed(0)} ms, caught up in ${caughtUpMs.toFixed(0)} ms; ${describeWindow(window)}`);
    restarts.push({ jobs, nodeId: id, how, readyMs, caughtUpMs, window });
  }
  return { idle, small, bulk, large, rssGrowthBytesPerJob, snapshots, restarts };
}

/** The stress figures as `--json` shows them, rounded by `r`. */
export function stressJson(s: StressResult, r: (n: number) => number | null): Record<string, unknown> {
  const perNode = (m: Readonly<Record<string, number>>): Record<string, number | null> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, r(v)]));
  const levelJson = (l: BacklogLevel): Record<string, unknown> => ({ queued: l.queued, leaseCompleteJobsPerSec: r(l.leaseCompletePerSec), measuredJobs: l.measuredJobs, rssMiB: perNode(l.rssMiB), leaderId: l.leaderId });
  const growth = Object.values(s.rssGrowthBytesPerJob);
  return {
    idle: s.idle === null ? null : { minutes: s.idle.minutes, window: windowJson(s.idle.window, r) },
    small: levelJson(s.small),
    bulk: { jobs: s.bulk.jobs, wallMs: r(s.bulk.wallMs), jobsPerSec: r(s.bulk.jobsPerSec), window: windowJson(s.bulk.window, r) },
    large: levelJson(s.large),
    rssGrowthBytesPerJob: perNode(s.rssGrowthBytesPerJob),
    rssGrowthMaxBytesPerJob: growth.length === 0 ? null : r(Math.max(...growth)),
    leaseCompleteRatio: r(s.large.leaseCompletePerSec / s.small.leaseCompletePerSec),
    snapshots: s.snapshots.map((sn) => ({ nodeId: sn.nodeId, ok: sn.ok, tookMs: r(sn.tookMs), ...(sn.error === undefined ? {} : { error: sn.error }), window: windowJson(sn.window, r) })),
    restarts: s.restarts.map((x) => ({ how: x.how, nodeId: x.nodeId, jobs: x.jobs, readyMs: r(x.readyMs), caughtUpMs: r(x.caughtUpMs), window: windowJson(x.window, r) })),
  };
}
