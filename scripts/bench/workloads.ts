/**
 * The workloads run against both systems: end-to-end throughput, submit throughput and latency,
 * pickup latency. Clients and workers are child processes (./child/main.ts).
 */
import { closeAll, startChildren, waitForCompleted, type BenchChild } from './children.js';
import type { LeaderStats, Probe } from './metrics.js';
import type { Target } from './protocol.js';
import { cpuMsOf, max, percentile, sleep } from './stats.js';

/** One end-to-end configuration: client processes x submits in flight each, worker processes x handlers each. */
export interface E2eConfig {
  readonly name: string;
  readonly clients: number;
  readonly inflight: number;
  readonly batch: number;
  readonly workers: number;
  readonly concurrency: number;
  readonly jobs: number;
}

export interface E2eResult {
  readonly config: E2eConfig;
  /** Jobs over the time from the first submit to the last acknowledged completion. */
  readonly jobsPerSec: number;
  readonly elapsedMs: number;
  readonly submitErrors: number;
  /** What the leader did meanwhile (raftjobs, when probed). */
  readonly leader: LeaderStats | null;
  /** CPU time used per job during the measured run, ms: by the servers (three nodes, or redis-server), the client and the worker processes. */
  readonly cpuMsPerJob: { readonly server: number; readonly clients: number; readonly workers: number };
}

export interface SubmitResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** One call at a time, one job per call. */
  readonly sequentialPerSec: number;
  /** `inflight` single-job calls at a time. */
  readonly singlePerSec: number;
  readonly singleInflight: number;
  /** Batches of `batch` jobs, `batchInflight` at a time. */
  readonly batchedPerSec: number;
  readonly batch: number;
  readonly batchInflight: number;
  readonly batchP50Ms: number;
  readonly errors: number;
  /** What the leader did during the one-at-a-time and the 64-in-flight runs (raftjobs, when probed). */
  readonly leaderSequential: LeaderStats | null;
  readonly leaderSingle: LeaderStats | null;
}

export interface PickupResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly samples: number;
}

/** How many jobs each workload runs. */
export interface WorkloadSizes {
  readonly e2e: readonly E2eConfig[];
  readonly submitSequential: number;
  readonly submitSingle: number;
  readonly submitBatched: number;
  readonly pickup: number;
}

const WARMUP_JOBS = 300;
/** Sequential submits before the submit workload is measured. */
const SUBMIT_WARMUP = 2_000;
/** Jobs submitted back to back before the pickup workload's spaced warm-up. */
const PICKUP_WARMUP = 1_000;

function rate(jobs: number, ms: number): number {
  return ms > 0 ? (jobs * 1000) / ms : NaN;
}

/** How long a run of `jobs` may take before it counts as stuck (at least 100 jobs/s), ms. */
function deadlineFor(jobs: number): number {
  return 60_000 + jobs * 10;
}

/**
 * `groups`: the clients spread their jobs round-robin over that many group keys (raftjobs only).
 */
export async function runE2e(target: Target, cfg: E2eConfig, queue: string, probe?: Probe, serverPids: () => number[] = () => [], groups?: number): Promise<E2eResult> {
  const [workers, clients] = await startBoth(
    startChildren(`${target.kind}-worker-`, cfg.workers, { role: 'work', target, queue, concurrency: cfg.concurrency }),
    startChildren(`${target.kind}-client-`, cfg.clients, { role: 'submit', target, queue, ...(groups === undefined ? {} : { groups }) }),
  );
  try {
    // Warm-up: connections, leader discovery, JIT, worker streams.
    const warm = clients.length * Math.ceil(WARMUP_JOBS / clients.length);
    await Promise.all(clients.map((c) => c.run({ total: warm / clients.length, inflight: cfg.inflight, batch: cfg.batch, recordLatency: false }, deadlineFor(warm))));
    await waitForCompleted(workers, warm, deadlineFor(warm));
    await sleep(200);

    const per = Math.ceil(cfg.jobs / clients.length);
    const total = per * clients.length;
    await probe?.begin();
    const servers = serverPids();
    const cpu0 = await Promise.all([cpuMsOf(servers), cpuMsOf(clients.map((c) => c.pid)), cpuMsOf(workers.map((w) => w.pid))]);
    const done = waitForCompleted(workers, warm + total, deadlineFor(total));
    const runs = await Promise.all(clients.map((c) => c.run({ total: per, inflight: cfg.inflight, batch: cfg.batch, recordLatency: false }, deadlineFor(total))));
    await done;
    const cpu1 = await Promise.all([cpuMsOf(servers), cpuMsOf(clients.map((c) => c.pid)), cpuMsOf(workers.map((w) => w.pid))]);
    const leader = (await probe?.end()) ?? null;
    const perJob = (i: number): number => ((cpu1[i] ?? NaN) - (cpu0[i] ?? NaN)) / total;
    const startMs = Math.min(...runs.map((r) => r.startMs));
    const endMs = max(workers.map((w) => w.progress.lastCompleteMs));
    return { config: cfg, jobsPerSec: rate(total, endMs - startMs), elapsedMs: endMs - startMs, submitErrors: runs.reduce((n, r) => n + r.errors, 0), leader, cpuMsPerJob: { server: servers.length > 0 ? perJob(0) : NaN, clients: perJob(1), workers: perJob(2) } };
  } finally {
    await closeAll([...clients, ...workers]);
  }
}

export async function runSubmit(target: Target, sizes: WorkloadSizes, queue: string, probe?: Probe): Promise<SubmitResult> {
  const [client] = await startChildren(`${target.kind}-client-`, 1, { role: 'submit', target, queue });
  if (client === undefined) throw new Error('no client');
  const singleInflight = 64;
  const batch = 100;
  const batchInflight = 4;
  try {
    // Warm-up: 2,000 calls, so the client process (new for this workload) runs optimised code by
    // the time it is measured. With 200, `--only submit` measured raftjobs' p50 at 1.60 and 1.63 ms
    // against 1.15 and 1.14 with 2,000 (BullMQ's 0.20 and 0.21 against 0.17 and 0.19).
    await client.run({ total: SUBMIT_WARMUP, inflight: 1, batch: 1, recordLatency: false }, 120_000);
    await probe?.begin();
    const seq = await client.run({ total: sizes.submitSequential, inflight: 1, batch: 1, recordLatency: true }, deadlineFor(sizes.submitSequential * 10));
    const leaderSequential = (await probe?.end()) ?? null;
    await probe?.begin();
    const single = await client.run({ total: sizes.submitSingle, inflight: singleInflight, batch: 1, recordLatency: false }, deadlineFor(sizes.submitSingle));
    const leaderSingle = (await probe?.end()) ?? null;
    const batched = await client.run({ total: sizes.submitBatched, inflight: batchInflight, batch, recordLatency: true }, deadlineFor(sizes.submitBatched));
    return {
      p50Ms: percentile(seq.latenciesMs, 50),
      p99Ms: percentile(seq.latenciesMs, 99),
      sequentialPerSec: rate(seq.jobs, seq.endMs - seq.startMs),
      singlePerSec: rate(single.jobs, single.endMs - single.startMs),
      singleInflight,
      batchedPerSec: rate(batched.jobs, batched.endMs - batched.startMs),
      batch,
      batchInflight,
      batchP50Ms: percentile(batched.latenciesMs, 50),
      errors: seq.errors + single.errors + batched.errors,
      leaderSequential,
      leaderSingle,
    };
  } finally {
    await client.close();
  }
}

/** Submit one job at a time, 20 ms apart, into idle workers: submit start to handler start. */
export async function runPickup(target: Target, sizes: WorkloadSizes, queue: string): Promise<PickupResult> {
  const [workers, clients] = await startBoth(
    startChildren(`${target.kind}-worker-`, 1, { role: 'work', target, queue, concurrency: 8 }),
    startChildren(`${target.kind}-client-`, 1, { role: 'submit', target, queue }),
  );
  try {
    const [client] = clients;
    const [worker] = workers;
    if (client === undefined || worker === undefined) throw new Error('no client or worker');
    // Warm-up: PICKUP_WARMUP jobs one after the other (client, worker and nodes reach optimised
    // code), then 50 spaced as the measured ones are. With the 50 alone, `--only pickup` measured
    // raftjobs' p50 at 2.62 and 2.56 ms against 1.66 and 2.01 with both (BullMQ's 1.01 and 1.35
    // against 0.83 and 0.95).
    await client.run({ total: PICKUP_WARMUP, inflight: 1, batch: 1, recordLatency: false }, 120_000);
    await client.run({ total: 50, inflight: 1, batch: 1, recordLatency: false, gapMs: 20 }, 60_000);
    await waitForCompleted(workers, PICKUP_WARMUP + 50, 60_000);
    worker.send({ cmd: 'reset' });
    await client.run({ total: sizes.pickup, inflight: 1, batch: 1, recordLatency: false, gapMs: 20 }, deadlineFor(sizes.pickup * 10));
    await waitForCompleted(workers, PICKUP_WARMUP + 50 + sizes.pickup, 60_000);
    const report = await worker.report();
    return { p50Ms: percentile(report.pickupsMs, 50), p99Ms: percentile(report.pickupsMs, 99), samples: report.pickupsMs.length };
  } finally {
    await closeAll([...clients, ...workers]);
  }
}

/** Starts workers and clients at once; if either fails, closes whatever did start. */
async function startBoth(workers: Promise<BenchChild[]>, clients: Promise<BenchChild[]>): Promise<[BenchChild[], BenchChild[]]> {
  const [w, c] = await Promise.allSettled([workers, clients]);
  if (w.status === 'fulfilled' && c.status === 'fulfilled') return [w.value, c.value];
  await closeAll([...(w.status === 'fulfilled' ? w.value : []), ...(c.status === 'fulfilled' ? c.value : [])]);
  throw w.status === 'rejected' ? w.reason : c.status === 'rejected' ? c.reason : new Error('unreachable');
}
