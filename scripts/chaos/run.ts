import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { Client } from '../../src/client/index.js';
import { SeededRandom } from '../../src/sim/index.js';
import { Cluster } from '../lib/index.js';
import { checkHistory, reportPasses, type AckedSubmit, type CheckReport, type Execution, type FinalJob } from './check.js';
import { LinkProxy } from './proxy.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const WORKER_SCRIPT = join(REPO, 'scripts', 'chaos', 'worker-process.ts');
const QUEUE = 'chaos';

export interface ChaosOptions {
  readonly durationS: number;
  readonly nodes: number;
  readonly seed: number;
  readonly out: Writable;
  /** Worker processes. Default 2. */
  readonly workers?: number;
  /** Concurrent submit loops. Default 2. */
  readonly submitters?: number;
  /** Keep the run directory (config, data, logs, history) even when the run passes. */
  readonly keep?: boolean;
}

export type FaultKind = 'kill-leader' | 'kill-follower' | 'pause' | 'isolate-leader' | 'split' | 'kill-worker';

export interface FaultRecord {
  readonly kind: FaultKind;
  readonly target: string;
  readonly at: number;
  recoveryMs: number | null;
}

export interface ChaosResult extends CheckReport {
  seed: number;
  nodes: number;
  durationS: number;
  faults: number;
  faultCounts: Record<FaultKind, number>;
  medianRecoveryMs: number | null;
  maxRecoveryMs: number | null;
  dir: string;
  passed: boolean;
}

/** The first faults always include leader kills and a partition, so a short run covers them. */
const OPENING: readonly FaultKind[] = ['kill-leader', 'isolate-leader', 'kill-leader', 'kill-worker', 'kill-leader', 'split'];
const WEIGHTS: readonly [FaultKind, number][] = [
  ['kill-leader', 40],
  ['kill-follower', 12],
  ['pause', 12],
  ['isolate-leader', 10],
  ['split', 8],
  ['kill-worker', 18],
];

function pickFault(rng: SeededRandom, n: number): FaultKind {
  const opening = OPENING[n];
  if (opening) return opening;
  let r = rng.int(WEIGHTS.reduce((s, [, w]) => s + w, 0));
  for (const [kind, w] of WEIGHTS) {
    if (r < w) return kind;
    r -= w;
  }
  return 'kill-leader';
}

interface WorkerProc {
  readonly id: string;
  readonly log: string;
  proc: ChildProcess | null;
  kills: number[];
}

/**
 * One chaos run: a real cluster behind fault-injecting link proxies, continuous submitters
 * (SDK clients, in this process), worker processes, and a seeded schedule of faults. At the end
 * everything heals, the queue drains, and the history is checked.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const rng = new SeededRandom(o.seed);
  const say = (s: string): void => {
    o.out.write(s + '\n');
  };
  const cluster = await Cluster.create({
    size: o.nodes,
    clusterId: 'chaos',
    tmpPrefix: 'raftjobs-chaos-',
    config: { jobs: { defaultLeaseTtlMs: 3000 } },
  });
  const proxies = new Map<string, LinkProxy>();
  for (const a of cluster.ids) {
    for (const b of cluster.ids) {
      if (a === b) continue;
      const [host, port] = cluster.address(b).split(':') as [string, string];
      const p = new LinkProxy(a, b, { host, port: Number(port) });
      await p.listen();
      proxies.set(`${a}>${b}`, p);
    }
  }
  cluster.setNodeEnv((id) => ({
    RAFTJOBS_PEER_ADDRESSES: cluster.ids
      .filter((b) => b !== id)
      .map((b) => `${b}=127.0.0.1:${(proxies.get(`${id}>${b}`) as LinkProxy).port}`)
      .join(','),
  }));
  const historyPath = join(cluster.dir, 'history.jsonl');
  const record = (entry: Record<string, unknown>): void => appendFileSync(historyPath, JSON.stringify(entry) + '\n');
  const addresses = cluster.ids.map((id) => cluster.address(id));
  const workers: WorkerProc[] = Array.from({ length: o.workers ?? 2 }, (_, i) => ({ id: `w${i + 1}`, log: join(cluster.dir, `worker-w${i + 1}.jsonl`), proc: null, kills: [] }));
  const acked: AckedSubmit[] = [];
  const ackStarts: { startedAt: number; at: number }[] = [];
  const faults: FaultRecord[] = [];
  let stopLoad = false;
  const clients: Client[] = [];

  const startWorker = async (w: WorkerProc): Promise<void> => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WORKER_SCRIPT, '--nodes', addresses.join(','), '--queue', QUEUE, '--id', w.id, '--log', w.log, '--seed', String(rng.int(1e9))],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    w.proc = child;
    child.stderr?.on('data', (d: Buffer) => appendFileSync(join(cluster.dir, `worker-${w.id}.stderr`), d));
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${w.id} not ready in 30 s`)), 30_000);
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('worker ready')) {
          clearTimeout(timer);
          resolveReady();
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolveReady();
      });
    });
  };
  const killWorker = (w: WorkerProc): void => {
    if (w.proc && w.proc.exitCode === null) {
      w.proc.kill('SIGKILL');
      w.kills.push(Date.now());
    }
    w.proc = null;
  };

  const submitLoop = async (n: number): Promise<void> => {
    const client = new Client({ nodes: addresses, deadlineMs: 5000 });
    clients.push(client);
    let seq = 0;
    while (!stopLoad) {
      const count = 1 + (seq % 4);
      const startedAt = Date.now();
      try {
        const jobs = Array.from({ length: count }, (_, i) => ({
          queue: QUEUE,
          payload: { submitter: n, seq: seq + i },
          maxAttempts: 50,
          backoff: { type: 'fixed' as const, delayMs: 100 },
        }));
        const res = await client.submit(jobs);
        const at = Date.now();
        for (const j of res) {
          acked.push({ jobId: j.id, at });
          record({ e: 'ack', jobId: j.id, at, startedAt });
        }
        ackStarts.push({ startedAt, at });
        seq += count;
      } catch {
        // Unavailable during a fault: the SDK already retried within the deadline. Try again.
      }
      await pause(40);
    }
  };

  const leader = async (): Promise<string | null> => {
    const rows = await cluster.statusAll(cluster.liveIds());
    const best = rows.filter((r) => r.role === 'leader').sort((a, b) => (b.term ?? 0) - (a.term ?? 0))[0];
    return best?.id ?? null;
  };

  const setLinks = (side: readonly string[], cut: boolean): void => {
    for (const p of proxies.values()) {
      if (side.includes(p.from) !== side.includes(p.to)) {
        if (cut) p.cut();
        else p.heal();
      }
    }
  };

  const inject = async (kind: FaultKind): Promise<FaultRecord | null> => {
    const at = Date.now();
    const live = cluster.liveIds();
    const lead = await leader();
    const followers = live.filter((id) => id !== lead);
    const minority = Math.floor((o.nodes - 1) / 2);
    switch (kind) {
      case 'kill-leader':
      case 'kill-follower': {
        const target = kind === 'kill-leader' ? lead : followers.length > 0 ? rng.pick(followers) : null;
        if (!target) return null;
        await cluster.kill(target, 'SIGKILL');
        await pause(rng.between(500, 2500));
        await cluster.start(target);
        return { kind, target, at, recoveryMs: null };
      }
      case 'pause': {
        const target = rng.chance(0.5) && lead ? lead : rng.pick(live);
        cluster.pause(target);
        await pause(rng.between(1200, 3000));
        cluster.resume(target);
        return { kind, target, at, recoveryMs: null };
      }
      case 'isolate-leader':
      case 'split': {
        let side: string[];
        if (kind === 'isolate-leader') {
          if (!lead) return null;
          side = [lead];
        } else {
          side = [...cluster.ids].sort(() => rng.next() - 0.5).slice(0, Math.max(1, minority));
        }
        setLinks(side, true);
        await pause(rng.between(1500, 4000));
        setLinks(side, false);
        return { kind, target: side.join('+'), at, recoveryMs: null };
      }
      case 'kill-worker': {
        const w = rng.pick(workers);
        killWorker(w);
        await pause(rng.between(300, 1500));
        await startWorker(w);
        return { kind, target: w.id, at, recoveryMs: null };
      }
    }
  };

  let result: ChaosResult | null = null;
  try {
    await cluster.startAll();
    await cluster.waitForLeader();
    for (const w of workers) await startWorker(w);
    say(`chaos: seed ${o.seed}, ${o.nodes} nodes, ${o.durationS} s, run dir ${cluster.dir}`);
    const loops = Array.from({ length: o.submitters ?? 2 }, (_, i) => submitLoop(i));
    const endAt = Date.now() + o.durationS * 1000;
    await pause(1000);
    while (Date.now() < endAt) {
      const kind = pickFault(rng, faults.length);
      const f = await inject(kind);
      if (f) {
        faults.push(f);
        record({ e: 'fault', ...f });
        say(`  ${new Date(f.at).toISOString().slice(11, 23)} ${f.kind} ${f.target}`);
      }
      await pause(rng.between(1000, 3000));
    }
    stopLoad = true;
    await Promise.all(loops);

    // Heal everything, let the cluster settle, drain the queue.
    for (const p of proxies.values()) p.heal();
    for (const id of cluster.ids) {
      if (!cluster.isRunning(id)) await cluster.start(id);
    }
    for (const w of workers) if (!w.proc) await startWorker(w);
    await cluster.waitForLeader({ timeoutMs: 30_000 });
    const client = new Client({ nodes: addresses, deadlineMs: 10_000 });
    clients.push(client);
    const drainDeadline = Date.now() + 120_000;
    for (;;) {
      const stats = await client.stats().catch(() => null);
      const q = stats?.queues.find((s) => s.queue === QUEUE);
      if (q && q.scheduled + q.ready + q.leased === 0) break;
      if (Date.now() > drainDeadline) {
        say('  drain deadline passed; checking what is there');
        break;
      }
      await pause(200);
    }
    const convergence = await cluster.waitForConvergence({ timeoutMs: 30_000 }).catch(() => null);
    const rows = await cluster.statusAll();
    const finalJobs = new Map<string, FinalJob>();
    let pageToken: string | undefined;
    do {
      const page = await client.list({ queue: QUEUE, pageSize: 1000, ...(pageToken ? { pageToken } : {}) });
      for (const j of page.jobs) finalJobs.set(j.id, { id: j.id, state: j.state, history: j.history.map((a) => ({ ...a })) });
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    for (const w of workers) {
      if (w.proc) {
        w.proc.kill('SIGTERM');
        await new Promise((r) => w.proc?.once('exit', r));
      }
    }
    const executions = readExecutions(workers);
    const report = checkHistory({
      acked,
      executions,
      finalJobs,
      digests: rows.filter((r) => r.role !== 'unreachable').map((r) => ({ id: r.id, appliedIndex: r.appliedIndex ?? -1, stateDigest: r.stateDigest ?? '' })),
    });
    if (!convergence) report.replicasAgree = false;
    for (const f of faults) {
      const next = ackStarts.find((a) => a.startedAt >= f.at);
      f.recoveryMs = next ? next.at - f.at : null;
    }
    const rec = faults.map((f) => f.recoveryMs).filter((x): x is number => x !== null).sort((a, b) => a - b);
    const counts = Object.fromEntries(WEIGHTS.map(([k]) => [k, faults.filter((f) => f.kind === k).length])) as Record<FaultKind, number>;
    result = {
      seed: o.seed,
      nodes: o.nodes,
      durationS: o.durationS,
      faults: faults.length,
      faultCounts: counts,
      ...report,
      medianRecoveryMs: rec.length > 0 ? (rec[Math.floor(rec.length / 2)] as number) : null,
      maxRecoveryMs: rec.length > 0 ? (rec[rec.length - 1] as number) : null,
      dir: cluster.dir,
      passed: reportPasses(report),
    };
    writeFileSync(join(cluster.dir, 'report.json'), JSON.stringify(result, null, 2));
    return result;
  } finally {
    stopLoad = true;
    for (const c of clients) c.close();
    for (const w of workers) killWorker(w);
    await cluster.stopAll('SIGKILL').catch(() => undefined);
    for (const p of proxies.values()) await p.close();
    if (result?.passed && !o.keep) rmSync(cluster.dir, { recursive: true, force: true });
  }
}

function readExecutions(workers: readonly WorkerProc[]): Execution[] {
  const out: Execution[] = [];
  for (const w of workers) {
    if (!existsSync(w.log)) continue;
    const starts = new Map<string, { jobId: string; attempt: number; token: number; at: number }>();
    const outcomes = new Map<string, { accepted: boolean; at: number }>();
    for (const line of readFileSync(w.log, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // a line cut short by SIGKILL
      }
      const key = `${String(r['jobId'])}/${String(r['token'])}`;
      if (r['e'] === 'start') starts.set(key, { jobId: String(r['jobId']), attempt: Number(r['attempt']), token: Number(r['token']), at: Number(r['at']) });
      else if (r['e'] === 'outcome') outcomes.set(key, { accepted: r['accepted'] === true, at: Number(r['at']) });
    }
    for (const [key, s] of starts) {
      const oc = outcomes.get(key);
      const killed = !oc && w.kills.some((k) => k >= s.at);
      out.push({
        jobId: s.jobId,
        attempt: s.attempt,
        token: s.token,
        workerId: w.id,
        startedAt: s.at,
        endedAt: oc?.at ?? null,
        completion: oc ? (oc.accepted ? 'accepted' : 'rejected') : 'unknown',
        killed,
      });
    }
  }
  return out;
}

/** Pacing of the load and fault loops (not waiting for state). */
function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A one-paragraph readable summary of a run. */
export function formatChaosReport(r: ChaosResult): string {
  const lines = [
    `chaos ${r.passed ? 'PASSED' : 'FAILED'}: seed ${r.seed}, ${r.nodes} nodes, ${r.durationS} s`,
    `  faults ${r.faults}: ${Object.entries(r.faultCounts).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  acked ${r.acked}  lost ${r.lost}  unfinished ${r.unfinished}  staleCompletionsAccepted ${r.staleCompletionsAccepted}  concurrentLeases ${r.concurrentLeases}`,
    `  duplicateExecutions ${r.duplicateExecutions} (explained ${r.duplicatesExplained})  replicasAgree ${r.replicasAgree}`,
    `  recovery after a fault: median ${r.medianRecoveryMs ?? '-'} ms, max ${r.maxRecoveryMs ?? '-'} ms`,
  ];
  for (const e of r.examples) lines.push(`  ! ${e}`);
  if (!r.passed) lines.push(`  run directory kept: ${r.dir}`);
  return lines.join('\n');
}
