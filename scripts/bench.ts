/**
 * `npm run bench -- [--quick] [--compare bullmq] [--json] [--profile] [--only LIST] [--idle-minutes N] [--keep] [--tls | --tls-compare]`
 *
 * Benchmarks raftjobs on a local three-node cluster of real processes (LevelDB with fsync, gRPC on
 * loopback), with every client and worker in its own process:
 *
 * - e2e: jobs/s from submit to acknowledged completion, no-op handler, at a few client and worker
 *   concurrencies;
 * - submit: latency p50/p99 of one job at a time from one client, and throughput of single and
 *   batched submits (acknowledged = committed on a majority);
 * - pickup: submit start to handler start, p50/p99, with idle workers;
 * - failover: kill -9 the leader repeatedly under load; client-visible unavailability per kill;
 * - stress (bench/stress.ts; `--only backlog`, its former name, runs it too): on a fresh cluster,
 *   idle for `--idle-minutes` (default 10, 1 with `--quick`, 0 skips); 10k jobs queued (RSS per
 *   node, lease/complete jobs/s); a bulk submit of 1M jobs (100k with `--quick`) through
 *   `raftjobs submit --count`; RSS with them queued and its growth per job from 10k, lease/complete
 *   again; each node snapshotting in turn; a follower holding them restarted after SIGKILL and
 *   SIGTERM (SIGKILL only with `--quick`). Every node is watched during each scenario
 *   (bench/watch.ts: its /metrics every 250 ms with a 1 s deadline): event-loop delay p99 and max
 *   (the node's `raftjobs_event_loop_delay_seconds`, diffed over the window), failed polls and the
 *   longest gap, term changes;
 * - flow: the dispatcher with flow control off, on (every limit set, none reached) and holding
 *   keys back (a per-key limit of 1), e2e over 100 group keys, interleaved (bench/flow.ts).
 *
 * `--quick` runs smaller sizes, a 100k bulk submit and one idle minute (a few minutes). `--compare bullmq` runs the
 * e2e, submit and pickup workloads against BullMQ on a redis-server it starts (AOF, fsync every
 * second) on a free loopback port, interleaved with raftjobs' so machine noise hits both alike.
 * The headline e2e figure of each system is the best of its configurations, and `e2eRatio` is
 * raftjobs' over BullMQ's; each configuration is also shown side by side, with the CPU time all
 * processes spent per job. For raftjobs the leader's own metrics are read around each run: Readies
 * written (one synced LevelDB batch each) per second, propose-to-apply latency, jobs per entry.
 * `--profile` also runs one e2e configuration with the nodes under `node --cpu-prof` and prints
 * their top self-time functions (`--only profile` runs just that). `--only e2e,submit,...` picks
 * workloads. `--tls` runs every workload on a cluster with mutual TLS (client certificates
 * required, clients and workers presenting theirs). `--tls-compare` measures what TLS costs: it
 * starts a plaintext and a mutual-TLS cluster side by side and runs each e2e configuration, submit
 * and pickup on one and then the other, interleaved as with BullMQ (which `--compare bullmq` adds
 * as a third column); the table shows both with the ratio TLS/plain, and `--json` has the TLS
 * figures and ratios under `tlsCompare`. Failover, stress and profile then run on plaintext only.
 * After the table, a goals table (bench/goals.ts) checks every goal of issue 20 against the run's
 * figures: met, missed, or not measured when its workload did not run (`goals` in `--json`).
 * With `--json` the last line of output is one JSON object with every figure.
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { raftjobsTarget, leaderProbe, startCluster, type Cluster } from './bench/cluster.js';
import { runFailover, type FailoverResult } from './bench/failover.js';
import { runFlow, type FlowResult } from './bench/flow.js';
import { evaluateGoals, renderGoals } from './bench/goals.js';
import { runProfile, type ProfileResult } from './bench/profile.js';
import type { LeaderStats, Probe } from './bench/metrics.js';
import type { Target } from './bench/protocol.js';
import { redisServerVersion, startRedis, type RedisServer } from './bench/redis.js';
import { ratio, renderTable, type Row } from './bench/report.js';
import { fmt, round } from './bench/stats.js';
import { runStress, stressJson, type StressResult } from './bench/stress.js';
import type { WindowSummary } from './bench/window.js';
import { runE2e, runPickup, runSubmit, type E2eConfig, type E2eResult, type PickupResult, type SubmitResult, type WorkloadSizes } from './bench/workloads.js';

const USAGE = 'usage: npm run bench -- [--quick] [--compare bullmq] [--json] [--profile] [--only e2e,submit,pickup,failover,flow,stress,profile] [--idle-minutes N] [--keep] [--tls | --tls-compare]';
const WORKLOADS = ['e2e', 'submit', 'pickup', 'failover', 'flow', 'stress', 'profile'] as const;
type Workload = (typeof WORKLOADS)[number];
/** Earlier names of workloads, still accepted by `--only`. */
const ALIASES: Readonly<Record<string, Workload>> = { backlog: 'stress' };

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let values: { quick?: boolean; compare?: string; json?: boolean; profile?: boolean; only?: string; 'idle-minutes'?: string; keep?: boolean; tls?: boolean; 'tls-compare'?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      compare: { type: 'string' },
      json: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      only: { type: 'string' },
      'idle-minutes': { type: 'string' },
      keep: { type: 'boolean', default: false },
      tls: { type: 'boolean', default: false },
      'tls-compare': { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
if (values.compare !== undefined && values.compare !== 'bullmq') fail(`--compare: only "bullmq" is supported, got ${JSON.stringify(values.compare)}`);
if (values.tls === true && values['tls-compare'] === true) fail('give --tls (every workload on TLS) or --tls-compare (plaintext and TLS side by side), not both');
const only = new Set<Workload>(
  values.only === undefined
    ? WORKLOADS.filter((w) => w !== 'profile' || values.profile === true)
    : values.only.split(',').map((w) => {
        const alias = ALIASES[w];
        if (alias !== undefined) return alias;
        if (!(WORKLOADS as readonly string[]).includes(w)) fail(`--only: unknown workload ${JSON.stringify(w)}`);
        return w as Workload;
      }),
);
const quick = values.quick === true;
const idleArg = values['idle-minutes'];
const idleMinutes = idleArg === undefined ? (quick ? 1 : 10) : Number(idleArg);
if (idleArg !== undefined && (idleArg.trim() === '' || !Number.isFinite(idleMinutes) || idleMinutes < 0)) fail(`--idle-minutes: a number of minutes >= 0 (0 skips the idle scenario), got ${JSON.stringify(idleArg)}`);
const tlsCompare = values['tls-compare'] === true;
/** The harness's mutual-TLS cluster: a CA, node certificates, and a client certificate every client and worker presents. */
const SECURE = { tls: { clientCertificates: 'require' } } as const;
const print = (line: string): void => void process.stdout.write(`${line}\n`);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const e2eConfigs = (scale: number): E2eConfig[] => [
  { name: 'c1x16/w1x16', clients: 1, inflight: 16, batch: 1, workers: 1, concurrency: 16, jobs: 5_000 * scale },
  { name: 'c2x32/w2x64', clients: 2, inflight: 32, batch: 1, workers: 2, concurrency: 64, jobs: 10_000 * scale },
  { name: 'c1x4b100/w2x128', clients: 1, inflight: 4, batch: 100, workers: 2, concurrency: 128, jobs: 20_000 * scale },
];
const sizes: WorkloadSizes = quick
  ? { e2e: e2eConfigs(0.3), submitSequential: 300, submitSingle: 3_000, submitBatched: 10_000, pickup: 100 }
  : { e2e: e2eConfigs(2), submitSequential: 1_000, submitSingle: 10_000, submitBatched: 50_000, pickup: 500 };
const kills = quick ? 3 : 10;
const stressSizes = { small: 10_000, bulk: quick ? 100_000 : 1_000_000, measure: quick ? 5_000 : 20_000 };

interface SystemResults {
  e2e: E2eResult[];
  submit: SubmitResult | null;
  pickup: PickupResult | null;
}

const started = Date.now();
const rj: SystemResults = { e2e: [], submit: null, pickup: null };
/** raftjobs on the TLS cluster of `--tls-compare`. */
const rjTls: SystemResults = { e2e: [], submit: null, pickup: null };
const bq: SystemResults = { e2e: [], submit: null, pickup: null };
let failover: FailoverResult | null = null;
let flow: FlowResult | null = null;
let stress: StressResult | null = null;
let profile: ProfileResult | null = null;
let bullmqSkipped: string | null = null;
let failed = false;

let cluster: Cluster | null = null;
/** The mutual-TLS cluster of `--tls-compare`, beside the plaintext `cluster`. */
let tlsCluster: Cluster | null = null;
let redis: RedisServer | null = null;
const stopTlsCluster = async (): Promise<void> => {
  const c = tlsCluster;
  tlsCluster = null;
  if (c !== null) await c.cleanup(values.keep === true);
};
const stopEverything = async (): Promise<void> => {
  const c = cluster;
  cluster = null;
  if (c !== null) await c.cleanup(values.keep === true);
  await stopTlsCluster();
  const r = redis;
  redis = null;
  if (r !== null) await r.stop();
};
let interrupted = false;
const onSignal = (signal: NodeJS.Signals): void => {
  if (interrupted) process.exit(130);
  interrupted = true;
  log(`\n${signal}: stopping`);
  void stopEverything().finally(() => process.exit(130));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

/** The leader's side of a measurement, for the progress log. */
function describeLeader(l: LeaderStats | null): string {
  if (l === null) return '';
  return ` [leader: ${l.readiesPerSec.toFixed(0)} fsyncs/s avg ${l.fsyncAvgMs.toFixed(2)} ms p99 ${l.fsyncP99Ms.toFixed(1)} ms; commit p50 ${l.commitP50Ms.toFixed(1)} ms p99 ${l.commitP99Ms.toFixed(1)} ms; ${l.jobsPerEntry.toFixed(1)} jobs/entry, ${l.entriesPerReady.toFixed(2)} entries/fsync]`;
}

const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(0)}s`;

/** One system a workload runs against: where its figures go, its name in the log, how to reach and watch it. */
interface Run {
  readonly out: SystemResults;
  readonly label: string;
  readonly target: Target;
  readonly probe?: Probe;
  /** The server processes, for CPU time. */
  readonly pids: () => number[];
}

function raftjobsRun(out: SystemResults, label: string, c: Cluster): Run {
  return { out, label, target: raftjobsTarget(c), probe: leaderProbe(c), pids: () => c.ids.flatMap((id) => c.pid(id) ?? []) };
}

try {
  const compare = values.compare === 'bullmq';
  if (compare && redisServerVersion() === null) {
    bullmqSkipped = 'redis-server is not installed';
    log('bench: redis-server is not installed: skipping the BullMQ comparison (apt-get install redis-server)');
  }
  const withBullmq = compare && bullmqSkipped === null;
  const sharedWorkloads = only.has('e2e') || only.has('submit') || only.has('pickup') || only.has('failover') || only.has('flow');
  /** The workloads every system runs, one after the other. */
  const sideBySide = only.has('e2e') || only.has('submit') || only.has('pickup');

  if (sharedWorkloads) {
    log(`[${elapsed()}] starting a three-node cluster${values.tls === true ? ' with mutual TLS' : ''}`);
    cluster = await startCluster(values.tls === true ? SECURE : {});
    log(`[${elapsed()}] cluster up in ${cluster.dir}`);
  }
  if (tlsCompare && sideBySide) {
    log(`[${elapsed()}] starting a second three-node cluster, with mutual TLS`);
    tlsCluster = await startCluster(SECURE);
    log(`[${elapsed()}] TLS cluster up in ${tlsCluster.dir}`);
  }
  if (withBullmq && sideBySide) {
    redis = await startRedis();
    log(`[${elapsed()}] redis-server ${redis.version} on ${redis.host}:${redis.port} (appendonly yes, appendfsync everysec)`);
  }
  const targets = (): Run[] => {
    const list: Run[] = [];
    const r = redis;
    if (cluster !== null) list.push(raftjobsRun(rj, values.tls === true ? 'raftjobs+tls' : 'raftjobs', cluster));
    if (tlsCluster !== null) list.push(raftjobsRun(rjTls, 'raftjobs+tls', tlsCluster));
    if (r !== null) list.push({ out: bq, label: 'bullmq', target: { kind: 'bullmq', host: r.host, port: r.port }, pids: () => [r.pid] });
    return list;
  };

  if (only.has('e2e')) {
    for (const cfg of sizes.e2e) {
      for (const { out, label, target, probe, pids } of targets()) {
        await redis?.flush();
        const r = await runE2e(target, cfg, `e2e-${cfg.name.replace(/\//g, '-')}`, probe, pids);
        out.e2e.push(r);
        const cpu = r.cpuMsPerJob;
        log(`[${elapsed()}] e2e ${cfg.name} ${label}: ${r.jobsPerSec.toFixed(0)} jobs/s (${cfg.jobs} jobs in ${r.elapsedMs.toFixed(0)} ms${r.submitErrors > 0 ? `, ${r.submitErrors} submit errors` : ''}); CPU ms/job: server ${cpu.server.toFixed(3)}, clients ${cpu.clients.toFixed(3)}, workers ${cpu.workers.toFixed(3)}${describeLeader(r.leader)}`);
      }
    }
  }
  if (only.has('submit')) {
    for (const { out, label, target, probe } of targets()) {
      await redis?.flush();
      out.submit = await runSubmit(target, sizes, 'submit', probe);
      const s = out.submit;
      log(`[${elapsed()}] submit ${label}: p50 ${s.p50Ms.toFixed(2)} ms, p99 ${s.p99Ms.toFixed(2)} ms${describeLeader(s.leaderSequential)}`);
      log(`[${elapsed()}] submit ${label}: single x${s.singleInflight} ${s.singlePerSec.toFixed(0)}/s${describeLeader(s.leaderSingle)}; batched ${s.batch}x${s.batchInflight} ${s.batchedPerSec.toFixed(0)}/s`);
    }
  }
  if (only.has('pickup')) {
    for (const { out, label, target } of targets()) {
      await redis?.flush();
      out.pickup = await runPickup(target, sizes, 'pickup');
      log(`[${elapsed()}] pickup ${label}: p50 ${out.pickup.p50Ms.toFixed(2)} ms, p99 ${out.pickup.p99Ms.toFixed(2)} ms (${out.pickup.samples} jobs)`);
    }
  }
  if (redis !== null) {
    await redis.stop();
    redis = null;
  }
  await stopTlsCluster();
  if (only.has('flow') && cluster !== null) {
    const cfg = sizes.e2e[1] ?? sizes.e2e[0];
    if (cfg !== undefined) {
      log(`[${elapsed()}] flow: ${cfg.name}, off / on / held, interleaved`);
      const run = raftjobsRun(rj, 'raftjobs', cluster);
      flow = await runFlow(run.target, cfg, quick ? 1 : 2, (line) => log(`[${elapsed()}] ${line}`), run.probe, run.pids);
    }
  }
  if (only.has('failover') && cluster !== null) {
    log(`[${elapsed()}] failover: ${kills} kills of the leader under load`);
    failover = await runFailover(cluster, kills, log);
    log(`[${elapsed()}] failover: unavailable p50 ${failover.p50Ms.toFixed(0)} ms, max ${failover.maxMs.toFixed(0)} ms (${failover.submitErrors} failed submits of ${failover.submits})`);
  }
  if (cluster !== null) {
    await cluster.cleanup(values.keep === true);
    cluster = null;
  }
  if (only.has('stress')) {
    log(`[${elapsed()}] stress: a fresh cluster; idle ${idleMinutes} min, ${stressSizes.small.toLocaleString('en-US')} queued, bulk submit of ${stressSizes.bulk.toLocaleString('en-US')}, snapshots, follower restarts`);
    cluster = await startCluster(values.tls === true ? SECURE : {});
    stress = await runStress(cluster, { idleMinutes, ...stressSizes, restartWith: quick ? ['SIGKILL'] : ['SIGKILL', 'SIGTERM'], log: (line) => log(`[${elapsed()}] ${line}`) });
    await cluster.cleanup(values.keep === true);
    cluster = null;
  }
  if (only.has('profile')) {
    const cfg = sizes.e2e[2] ?? sizes.e2e[0];
    if (cfg !== undefined) {
      log(`[${elapsed()}] profile`);
      profile = await runProfile(cfg, log);
    }
  }
} catch (err) {
  failed = true;
  log(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  for (const c of [cluster, tlsCluster]) if (c !== null) log(c.describe(15));
} finally {
  await stopEverything();
}

// ------------------------------------------------------------------ report

const best = (list: readonly E2eResult[]): number => (list.length === 0 ? NaN : Math.max(...list.map((r) => r.jobsPerSec)));
const cpuTotal = (x: E2eResult): number => x.cpuMsPerJob.server + x.cpuMsPerJob.clients + x.cpuMsPerJob.workers;
const sameConfig = (list: readonly E2eResult[], r: E2eResult): E2eResult | undefined => list.find((x) => x.config.name === r.config.name);
const withB = bq.e2e.length > 0 || bq.submit !== null || bq.pickup !== null;
const withTls = rjTls.e2e.length > 0 || rjTls.submit !== null || rjTls.pickup !== null;

/** The leader's side of a workload's raftjobs measurements, as text rows: the plaintext cluster's, and the TLS cluster's beside it. */
function leaderRows(part: 'e2e' | 'submit'): Row[] {
  const text = (l: LeaderStats | null | undefined): string | undefined => (l === null || l === undefined ? undefined : `${fmt(l.readiesPerSec, 0)}, ${fmt(l.commitP50Ms, 1)}/${fmt(l.commitP99Ms, 1)}, ${fmt(l.jobsPerEntry, 1)}`);
  const measured = (res: SystemResults): [string, LeaderStats | null][] => {
    const s = res.submit;
    if (part === 'e2e') return res.e2e.map((r) => [`e2e ${r.config.name}`, r.leader]);
    return s === null ? [] : [['submit 1 at a time', s.leaderSequential], [`submit ${s.singleInflight} in flight`, s.leaderSingle]];
  };
  const secured = new Map(measured(rjTls));
  return measured(rj).flatMap(([what, l]) => {
    const plain = text(l);
    const tls = text(secured.get(what));
    return plain === undefined && tls === undefined ? [] : [{ label: `  leader in ${what}: fsyncs/s, commit p50/p99 ms, jobs/entry`, text: plain ?? '-', tlsText: tls }];
  });
}

const rows: Row[] = [];
for (const r of rj.e2e) {
  const c = r.config;
  rows.push({ label: `e2e jobs/s  clients ${c.clients}x${c.inflight}${c.batch > 1 ? ` batch ${c.batch}` : ''}, workers ${c.workers}x${c.concurrency}`, rj: r.jobsPerSec, tls: sameConfig(rjTls.e2e, r)?.jobsPerSec, bq: sameConfig(bq.e2e, r)?.jobsPerSec, digits: 0 });
}
if (rj.e2e.length > 0) rows.push({ label: 'e2e jobs/s  best of the above', rj: best(rj.e2e), tls: withTls ? best(rjTls.e2e) : undefined, bq: withB ? best(bq.e2e) : undefined, digits: 0 });
for (const r of rj.e2e) {
  const t = sameConfig(rjTls.e2e, r);
  const b = sameConfig(bq.e2e, r);
  rows.push({ label: `  CPU ms per job in e2e ${r.config.name} (server+clients+workers)`, rj: cpuTotal(r), tls: t === undefined ? undefined : cpuTotal(t), bq: b === undefined ? undefined : cpuTotal(b), digits: 3 });
}
rows.push(...leaderRows('e2e'));
const s = rj.submit;
const st = rjTls.submit ?? undefined;
const sb = bq.submit ?? undefined;
if (s !== null) {
  rows.push({ label: 'submit latency p50 ms  (1 client, 1 at a time)', rj: s.p50Ms, tls: st?.p50Ms, bq: sb?.p50Ms, digits: 2 });
  rows.push({ label: 'submit latency p99 ms', rj: s.p99Ms, tls: st?.p99Ms, bq: sb?.p99Ms, digits: 2 });
  rows.push({ label: 'submit jobs/s  1 at a time', rj: s.sequentialPerSec, tls: st?.sequentialPerSec, bq: sb?.sequentialPerSec, digits: 0 });
  rows.push({ label: `submit jobs/s  single, ${s.singleInflight} in flight`, rj: s.singlePerSec, tls: st?.singlePerSec, bq: sb?.singlePerSec, digits: 0 });
  rows.push({ label: `submit jobs/s  batches of ${s.batch}, ${s.batchInflight} in flight`, rj: s.batchedPerSec, tls: st?.batchedPerSec, bq: sb?.batchedPerSec, digits: 0 });
  rows.push({ label: `submit batch of ${s.batch} latency p50 ms`, rj: s.batchP50Ms, tls: st?.batchP50Ms, bq: sb?.batchP50Ms, digits: 2 });
  rows.push(...leaderRows('submit'));
}
if (rj.pickup !== null) {
  rows.push({ label: 'pickup latency p50 ms  (idle workers)', rj: rj.pickup.p50Ms, tls: rjTls.pickup?.p50Ms, bq: bq.pickup?.p50Ms, digits: 2 });
  rows.push({ label: 'pickup latency p99 ms', rj: rj.pickup.p99Ms, tls: rjTls.pickup?.p99Ms, bq: bq.pickup?.p99Ms, digits: 2 });
}
if (failover !== null) {
  rows.push({ label: `failover unavailable p50 ms  (${failover.kills} kills, client view)`, rj: failover.p50Ms, digits: 0 });
  rows.push({ label: 'failover unavailable max ms', rj: failover.maxMs, digits: 0 });
  rows.push({ label: 'failover new leader p50 ms  (node log)', rj: failover.electionP50Ms, digits: 0 });
}
if (flow !== null) {
  const f = flow;
  rows.push({ label: `flow e2e jobs/s  ${f.config.name}, ${f.groups} keys, no policy`, rj: f.jobsPerSec.off, digits: 0 });
  rows.push({ label: '  every limit set, none reached (on/off)', text: `${fmt(f.jobsPerSec.on, 0)} (${fmt(ratio(f.jobsPerSec.on, f.jobsPerSec.off), 2)})` });
  rows.push({ label: '  per-key limit 1, keys held back (held/off)', text: `${fmt(f.jobsPerSec.held, 0)} (${fmt(ratio(f.jobsPerSec.held, f.jobsPerSec.off), 2)})` });
}
/** A window's figures per node, as one line: term changes, lag p99 and max, failed polls, longest gap. */
function windowText(what: string, w: WindowSummary): string {
  const per = (f: (n: WindowSummary['nodes'][number]) => string): string => w.nodes.map(f).join('/');
  const ids = w.nodes.map((n) => `${n.id}${n.restarted ? '*' : ''}`).join('/');
  return `  ${what}, ${fmt(w.durationMs / 1000, 1)} s (${ids}): terms +${fmt(w.termChanges, 0)}; lag p99 ${per((n) => fmt(n.lagP99Ms, 1))} ms, max ${per((n) => `${fmt(n.lagMaxMs, 0)}${n.lagMaxExact ? '' : '~'}`)} ms; failed polls ${per((n) => String(n.failedPolls))}; longest gap ${per((n) => fmt(n.longestGapMs, 0))} ms${w.control === undefined ? '' : `; bench p99 ${fmt(w.control.p99Ms, 1)} max ${fmt(w.control.maxMs, 0)} ms`}`;
}
/** What every node went through in each stress scenario, printed under the table. */
const windowLines: string[] = [];
if (stress !== null) {
  const st = stress;
  const large = st.large.queued.toLocaleString('en-US');
  for (const l of [st.small, st.large]) {
    const q = l.queued.toLocaleString('en-US');
    rows.push({ label: `stress ${q} queued: lease/complete jobs/s`, rj: l.leaseCompletePerSec, digits: 0 });
    rows.push({ label: `stress ${q} queued: RSS MiB per node (${Object.keys(l.rssMiB).join('/')})`, text: Object.values(l.rssMiB).map((m) => m.toFixed(0)).join(' / ') });
  }
  rows.push({ label: `stress RSS growth B/job per node, ${st.small.queued.toLocaleString('en-US')} to ${large} queued`, text: Object.values(st.rssGrowthBytesPerJob).map((b) => fmt(b, 0)).join(' / ') });
  rows.push({ label: `stress bulk submit of ${st.bulk.jobs.toLocaleString('en-US')} (raftjobs submit --count): jobs/s`, rj: st.bulk.jobsPerSec, digits: 0 });
  rows.push({ label: '  wall ms', rj: st.bulk.wallMs, digits: 0 });
  for (const sn of st.snapshots) rows.push({ label: `stress snapshot of ${sn.nodeId}, ${large} jobs: ms`, text: sn.ok ? fmt(sn.tookMs, 0) : `failed: ${sn.error ?? '?'}` });
  for (const r of st.restarts) rows.push({ label: `stress restart of ${r.nodeId} after ${r.how}, ${r.jobs.toLocaleString('en-US')} jobs: ready / caught up ms`, text: `${r.readyMs.toFixed(0)} / ${r.caughtUpMs.toFixed(0)}` });

  windowLines.push("stress scenarios, every node (* restarted in the window, lag from its start; ~ a bucket bound, not the exact maximum; bench: the bench's own event-loop delay, a control):");
  if (st.idle !== null) windowLines.push(windowText(`idle ${st.idle.minutes} min`, st.idle.window));
  windowLines.push(windowText(`bulk submit of ${st.bulk.jobs.toLocaleString('en-US')}`, st.bulk.window));
  for (const sn of st.snapshots) windowLines.push(windowText(`snapshot of ${sn.nodeId}`, sn.window));
  for (const r of st.restarts) windowLines.push(windowText(`restart of ${r.nodeId} after ${r.how}, signal to caught up`, r.window));
}

const c1x16 = (list: readonly E2eResult[]): number | undefined => list.find((r) => r.config.name === 'c1x16/w1x16')?.jobsPerSec;
const goals = evaluateGoals({
  e2eC1x16Ratio: ratio(c1x16(rj.e2e), c1x16(bq.e2e)),
  e2eBestRatio: ratio(best(rj.e2e), best(bq.e2e)),
  submitP50Ms: rj.submit?.p50Ms ?? null,
  pickupP50Ms: rj.pickup?.p50Ms ?? null,
  failoverP50Ms: failover?.p50Ms ?? null,
  failoverMaxMs: failover?.maxMs ?? null,
  idle: stress?.idle?.window ?? null,
  bulk: stress?.bulk.window ?? null,
  snapshots: stress?.snapshots.map((sn) => sn.window) ?? [],
  restarts: stress?.restarts ?? [],
  rssGrowthBytesPerJob: stress?.rssGrowthBytesPerJob ?? null,
  leaseCompleteSmall: stress?.small.leaseCompletePerSec ?? null,
  leaseCompleteLarge: stress?.large.leaseCompletePerSec ?? null,
});

print('');
const tlsNote = values.tls === true ? ' (--tls: mutual TLS between nodes, clients and workers)' : tlsCompare ? ' (--tls-compare: e2e, submit and pickup on a plaintext and a mutual-TLS cluster, interleaved; anything else on plaintext)' : '';
print(`raftjobs bench ${new Date(started).toISOString()}${quick ? ' (--quick)' : ''}${tlsNote}: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
for (const line of renderTable(rows, { tls: withTls, bullmq: withB })) print(line);
if (bullmqSkipped !== null) print(`BullMQ comparison skipped: ${bullmqSkipped}`);
if (windowLines.length > 0) print('');
for (const line of windowLines) print(line);
print('');
for (const line of renderGoals(goals)) print(line);
if (failover !== null && failover.submitErrors > 0) print(`failover: ${failover.submitErrors} submits failed; first: ${failover.firstError ?? '?'}`);
if (profile !== null) {
  print('');
  print(`CPU profile (${profile.e2e.config.name}, ${profile.e2e.jobsPerSec.toFixed(0)} jobs/s under --cpu-prof; profiles in ${profile.dir}/profiles)`);
  for (const line of profile.text) print(line);
}

if (values.json === true) {
  const r2 = (n: number | undefined | null): number | null => (n === undefined || n === null || !Number.isFinite(n) ? null : round(n, 2));
  const r3 = (n: number): number | null => (Number.isFinite(n) ? round(n, 3) : null);
  const cpuJson = (r: E2eResult): Record<string, number | null> => ({ server: r3(r.cpuMsPerJob.server), clients: r3(r.cpuMsPerJob.clients), workers: r3(r.cpuMsPerJob.workers) });
  const leaderJson = (l: LeaderStats | null): Record<string, number | null> | null => (l === null ? null : Object.fromEntries(Object.entries(l).map(([k, v]: [string, number]) => [k, r2(v)])));
  /** The e2e, submit and pickup figures of one raftjobs cluster. */
  const raftjobsJson = (res: SystemResults): Record<string, unknown> => ({
    e2eJobsPerSec: r2(best(res.e2e)),
    e2e: res.e2e.map((r) => ({ config: r.config.name, jobsPerSec: r2(r.jobsPerSec), jobs: r.config.jobs, cpuMsPerJob: cpuJson(r), leader: leaderJson(r.leader) })),
    submitP50Ms: r2(res.submit?.p50Ms),
    submitP99Ms: r2(res.submit?.p99Ms),
    submitSequentialJobsPerSec: r2(res.submit?.sequentialPerSec),
    submitSingleJobsPerSec: r2(res.submit?.singlePerSec),
    submitBatchedJobsPerSec: r2(res.submit?.batchedPerSec),
    submitLeaderSequential: leaderJson(res.submit?.leaderSequential ?? null),
    submitLeaderSingle: leaderJson(res.submit?.leaderSingle ?? null),
    pickupP50Ms: r2(res.pickup?.p50Ms),
    pickupP99Ms: r2(res.pickup?.p99Ms),
  });
  const json: Record<string, unknown> = {
    date: new Date(started).toISOString(),
    quick,
    tls: values.tls === true,
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? null, memGiB: round(totalmem() / 2 ** 30, 1), node: process.version },
    ...raftjobsJson(rj),
    failoverP50Ms: r2(failover?.p50Ms),
    failoverMaxMs: r2(failover?.maxMs),
    failoverSamplesMs: failover?.unavailableMs.map((n) => r2(n)) ?? null,
    failoverElectionP50Ms: r2(failover?.electionP50Ms),
    failoverSubmitErrors: failover?.submitErrors ?? null,
    backlog: stress === null ? null : [stress.small, stress.large].map((l) => ({ queued: l.queued, leaseCompleteJobsPerSec: r2(l.leaseCompletePerSec), rssMiB: Object.fromEntries(Object.entries(l.rssMiB).map(([k, v]) => [k, r2(v)])), leaderId: l.leaderId })),
    stress: stress === null ? null : stressJson(stress, r2),
    flow:
      flow === null
        ? null
        : {
            config: flow.config.name,
            groups: flow.groups,
            offJobsPerSec: r2(flow.jobsPerSec.off),
            onJobsPerSec: r2(flow.jobsPerSec.on),
            heldJobsPerSec: r2(flow.jobsPerSec.held),
            onRatio: r2(ratio(flow.jobsPerSec.on, flow.jobsPerSec.off)),
            heldRatio: r2(ratio(flow.jobsPerSec.held, flow.jobsPerSec.off)),
          },
    restarts: stress?.restarts.map((r) => ({ how: r.how, nodeId: r.nodeId, jobs: r.jobs, readyMs: r2(r.readyMs), caughtUpMs: r2(r.caughtUpMs) })) ?? null,
    goals: Object.fromEntries(goals.map((g) => [g.id, { goal: g.goal, figure: r2(g.figure), op: g.op, bound: g.bound, unit: g.unit, status: g.status }])),
  };
  if (values.compare === 'bullmq') {
    Object.assign(json, {
      bullmqSkipped,
      bullmqE2eJobsPerSec: r2(best(bq.e2e)),
      bullmqE2e: bq.e2e.map((r) => ({ config: r.config.name, jobsPerSec: r2(r.jobsPerSec), cpuMsPerJob: cpuJson(r) })),
      bullmqSubmitP50Ms: r2(bq.submit?.p50Ms),
      bullmqSubmitP99Ms: r2(bq.submit?.p99Ms),
      bullmqSubmitSingleJobsPerSec: r2(bq.submit?.singlePerSec),
      bullmqSubmitBatchedJobsPerSec: r2(bq.submit?.batchedPerSec),
      bullmqPickupP50Ms: r2(bq.pickup?.p50Ms),
      bullmqPickupP99Ms: r2(bq.pickup?.p99Ms),
      e2eRatio: r2(ratio(best(rj.e2e), best(bq.e2e))),
      submitP50Ratio: r2(ratio(s?.p50Ms, bq.submit?.p50Ms)),
      pickupP50Ratio: r2(ratio(rj.pickup?.p50Ms, bq.pickup?.p50Ms)),
    });
  }
  if (tlsCompare) {
    // The same figures on the mutual-TLS cluster, and each over its plaintext twin (TLS/plain).
    json['tlsCompare'] = {
      ...raftjobsJson(rjTls),
      e2eRatio: r2(ratio(best(rjTls.e2e), best(rj.e2e))),
      e2eRatios: rjTls.e2e.map((t) => {
        const p = sameConfig(rj.e2e, t);
        return { config: t.config.name, jobsPerSec: r2(ratio(t.jobsPerSec, p?.jobsPerSec)), cpuMsPerJob: r2(ratio(cpuTotal(t), p === undefined ? undefined : cpuTotal(p))) };
      }),
      submitP50Ratio: r2(ratio(st?.p50Ms, s?.p50Ms)),
      submitP99Ratio: r2(ratio(st?.p99Ms, s?.p99Ms)),
      submitSequentialRatio: r2(ratio(st?.sequentialPerSec, s?.sequentialPerSec)),
      submitSingleRatio: r2(ratio(st?.singlePerSec, s?.singlePerSec)),
      submitBatchedRatio: r2(ratio(st?.batchedPerSec, s?.batchedPerSec)),
      pickupP50Ratio: r2(ratio(rjTls.pickup?.p50Ms, rj.pickup?.p50Ms)),
      pickupP99Ratio: r2(ratio(rjTls.pickup?.p99Ms, rj.pickup?.p99Ms)),
    };
  }
  if (profile !== null) json['profile'] = { leaderId: profile.leaderId, busyMs: r2(profile.leader.busyMs), top: profile.leader.functions.slice(0, 10).map((f) => ({ name: f.name, where: f.where, pct: r2(f.pct) })), areas: profile.leader.areas.slice(0, 10).map((a) => ({ area: a.area, pct: r2(a.pct) })) };
  print(JSON.stringify(json));
}
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
process.exitCode = failed ? 1 : 0;
