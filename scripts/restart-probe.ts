/**
 * Restart probe: how long a node holding many jobs takes from process spawn to "node ready", and
 * how long any node's event loop stalls during a bulk submit, a restart and a snapshot.
 *
 *     node --import tsx scripts/restart-probe.ts --dir /tmp/rp [--jobs 1000000] [--restarts 3]
 *         [--signal SIGKILL|SIGTERM] [--snapshot] [--fill-only] [--prof-ms MS] [--trace-gc] [--build DIR]
 *
 * The first run with a fresh `--dir` writes a three-node config there, starts the nodes and fills
 * them with `raftjobs submit --count N` (payload `{}`), measuring event-loop lag meanwhile; later
 * runs reuse the data directory, so restarts can be measured again and again without refilling.
 * Each restart kills a follower with `--signal` (default SIGKILL) and starts it again on the same
 * data. `--snapshot` then asks every node for a snapshot (Admin.Snapshot). The nodes are stopped
 * with SIGTERM at the end, their data kept.
 *
 * Nodes run the compiled command in `.probe-build/` (built by scripts/build.js when missing or
 * older than src/), so start-up time is not tsx compiling TypeScript. Each node preloads
 * `restart-probe/lag-monitor.js`, which logs how late each turn of a 10 ms timer runs; a phase's
 * figures per node are the largest delay and the 99th percentile of those delays, and the largest
 * delay during which the node process used at least 70% of a core (its own long task or GC, not
 * a wait for a core the machine's other processes held). `--prof-ms MS`
 * writes a CPU profile of the first MS ms of every node started to `<dir>/lag/<pid>.cpuprofile`;
 * `--trace-gc` logs their garbage collections to `<dir>/logs/<id>.log`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fetchStatus, type StatusRow } from '../src/cli/status-command.js';
import { snapshotNode } from '../src/cli/snapshot-command.js';
import type { NodeProcess } from './lib/node-process.js';
import { poll } from './lib/poll.js';
import { freePorts } from './lib/ports.js';
import { newestMtime } from './lib/files.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    jobs: { type: 'string', default: '1000000' },
    restarts: { type: 'string', default: '3' },
    signal: { type: 'string', default: 'SIGKILL' },
    snapshot: { type: 'boolean', default: false },
    'fill-only': { type: 'boolean', default: false },
    'prof-ms': { type: 'string', default: '0' },
    'trace-gc': { type: 'boolean', default: false },
    build: { type: 'string' },
  },
});

const REPO_ROOT = join(import.meta.dirname, '..');
// `--build DIR`: an existing build to run as is (e.g. of another commit, for before/after pairs).
const BUILD = join(REPO_ROOT, values.build ?? '.probe-build');
const BIN = join(BUILD, 'bin.js');
// scripts/lib spawns `RAFTJOBS_TEST_BIN` when set as it loads: the compiled copy, not tsx.
process.env['RAFTJOBS_TEST_BIN'] = BIN;
const { childEnv, runProcess } = await import('./lib/cli.js');
const { NodeProcess: Spawn } = await import('./lib/node-process.js');

if (values.dir === undefined) throw new Error('restart-probe: --dir is required');
const signal = ((s: string): 'SIGKILL' | 'SIGTERM' => {
  if (s === 'SIGKILL' || s === 'SIGTERM') return s;
  throw new Error(`restart-probe: --signal must be SIGKILL or SIGTERM, got ${s}`);
})(values.signal);
const jobs = Number(values.jobs);
const restarts = Number(values.restarts);
if (!Number.isInteger(jobs) || jobs < 1 || jobs > 1_000_000) throw new Error(`restart-probe: --jobs must be 1..1000000, got ${values.jobs}`);
if (!Number.isInteger(restarts) || restarts < 0) throw new Error(`restart-probe: --restarts must be a whole number, got ${values.restarts}`);

const dir = values.dir;
const lagDir = join(dir, 'lag');
const configPath = join(dir, 'cluster.json');
const MONITOR = join(import.meta.dirname, 'restart-probe', 'lag-monitor.js');

function build(): void {
  if (values.build !== undefined) {
    if (!existsSync(BIN)) throw new Error(`restart-probe: no ${BIN}`);
    return;
  }
  if (existsSync(BIN) && statSync(BIN).mtimeMs > newestMtime(join(REPO_ROOT, 'src'))) return;
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.js'), '--out', BUILD], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('restart-probe: build failed');
  writeFileSync(BIN, "const { main } = await import('./cli/main.js');\nprocess.exitCode = await main(process.argv.slice(2));\n");
}

interface Node {
  readonly id: string;
  readonly address: string;
}

async function setUp(): Promise<readonly Node[]> {
  mkdirSync(lagDir, { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  if (existsSync(configPath)) return (JSON.parse(readFileSync(configPath, 'utf8')) as { nodes: Node[] }).nodes;
  const ports = await freePorts(3);
  const nodes = ports.map((port, i) => ({ id: `n${i + 1}`, address: `127.0.0.1:${port}` }));
  writeFileSync(configPath, JSON.stringify({ clusterId: 'probe', dataDir: './data', nodes }, null, 2) + '\n');
  return nodes;
}

const procs = new Map<string, NodeProcess>();
let runs = 0;

function spawnNode(id: string): NodeProcess {
  const proc = Spawn.spawn({
    id,
    configPath,
    logPath: join(dir, 'logs', `${id}.log`),
    env: childEnv({ LAG_MONITOR_DIR: lagDir, NODE_OPTIONS: `--import ${MONITOR}`, LAG_MONITOR_PROFILE_MS: values['prof-ms'], ...(values['trace-gc'] ? { LAG_MONITOR_TRACE_GC: '1' } : {}) }),
    run: ++runs,
    readyTimeoutMs: 600_000,
  });
  procs.set(id, proc);
  return proc;
}

function status(n: Node): Promise<StatusRow> {
  return fetchStatus(n.id, n.address, 1000);
}

/** Polls every node's status until stopped: unreachable answers, terms and leaders seen. */
class Watch {
  readonly unreachable = new Map<string, number>();
  readonly terms = new Set<number>();
  private running = true;
  private readonly done: Promise<void>;

  constructor(nodes: readonly Node[], skip: () => string | null) {
    this.done = (async () => {
      while (this.running) {
        const rows = await Promise.all(nodes.filter((n) => n.id !== skip()).map((n) => status(n)));
        for (const r of rows) {
          if (r.role === 'unreachable') this.unreachable.set(r.id, (this.unreachable.get(r.id) ?? 0) + 1);
          else if (r.term !== undefined) this.terms.add(r.term);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
  }

  async stop(): Promise<string> {
    this.running = false;
    await this.done;
    const un = [...this.unreachable].map(([id, n]) => `${id}×${n}`).join(' ');
    return `terms seen ${[...this.terms].sort((a, b) => a - b).join(',')}; unreachable answers: ${un === '' ? 'none' : un}`;
  }
}

interface LagLine {
  readonly t: number;
  /** Delays of the monitor's 10 ms timer in the 250 ms before `t`, ms. */
  readonly d: readonly number[];
  /** CPU time of the node process (all its threads) over each of those turns, ms. */
  readonly c?: readonly number[];
}

function lagOf(pid: number, from: number, to: number): LagLine[] {
  const file = join(lagDir, `${pid}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LagLine)
    .filter((l) => l.t >= from && l.t <= to);
}

function summarize(label: string, pid: number, from: number, to: number): string {
  const lines = lagOf(pid, from, to);
  const delays = lines.flatMap((l) => l.d).sort((a, b) => a - b);
  if (delays.length === 0) return `${label}: no lag samples`;
  const p99 = delays[Math.min(delays.length - 1, Math.floor(delays.length * 0.99))] ?? 0;
  const max = delays[delays.length - 1] ?? 0;
  const at = lines.find((l) => l.d.includes(max))?.t ?? from;
  const over = delays.filter((d) => d > 50).length;
  // The delays during which the process ran for most of the time (its own work or GC, on any of
  // its threads), not those it spent waiting for a core the machine's other processes held.
  const own = lines
    .flatMap((l) => l.d.map((d, i) => ({ d, cpu: l.c?.[i] ?? NaN })))
    .filter((x) => x.cpu >= 0.7 * (x.d + 10))
    .map((x) => x.d)
    .sort((a, b) => a - b);
  const ownMax = own[own.length - 1] ?? 0;
  return `${label}: lag max ${max.toFixed(0)} ms (at +${((at - from) / 1000).toFixed(1)} s), p99 ${p99.toFixed(0)} ms, ${over} of ${delays.length} samples over 50 ms; longest with the process on a core ≥ 70% of it: ${ownMax.toFixed(0)} ms`;
}

function report(phase: string, nodes: readonly Node[], from: number, to: number, restarted?: { id: string; readyAt: number }): void {
  console.log(`  lag during ${phase} (${((to - from) / 1000).toFixed(1)} s):`);
  for (const n of nodes) {
    const proc = procs.get(n.id);
    if (proc === undefined) continue;
    const start = restarted?.id === n.id ? restarted.readyAt : from;
    console.log(`    ${summarize(restarted?.id === n.id ? `${n.id} (after ready)` : n.id, proc.pid, start, to)}`);
  }
}

async function leader(nodes: readonly Node[]): Promise<StatusRow> {
  return poll(
    async () => {
      const rows = await Promise.all(nodes.filter((n) => procs.get(n.id)?.running === true).map((n) => status(n)));
      return rows.find((r) => r.role === 'leader');
    },
    { description: 'a leader', timeoutMs: 60_000, intervalMs: 100 },
  );
}

async function caughtUp(nodes: readonly Node[], id: string): Promise<void> {
  const node = nodes.find((n) => n.id === id) as Node;
  await poll(
    async () => {
      const lead = await leader(nodes);
      const r = await status(node);
      return r.appliedIndex !== undefined && lead.commitIndex !== undefined && r.appliedIndex >= lead.commitIndex - 100 ? r : undefined;
    },
    { description: `${id} to catch up`, timeoutMs: 600_000, intervalMs: 100 },
  );
}

async function main(): Promise<void> {
  build();
  const fresh = !existsSync(configPath);
  const nodes = await setUp();
  console.log(`cluster in ${dir} (${fresh ? 'new' : 'reused'}): ${nodes.map((n) => `${n.id} ${n.address}`).join(', ')}`);
  const t0 = Date.now();
  await Promise.all(nodes.map((n) => spawnNode(n.id).ready));
  console.log(`all nodes ready in ${Date.now() - t0} ms`);
  let lead = await leader(nodes);

  if (fresh) {
    const from = Date.now();
    const watch = new Watch(nodes, () => null);
    const r = await runProcess(process.execPath, [BIN, 'submit', '--config', configPath, '--queue', 'q', '--payload', '{}', '--count', String(jobs)], {
      cwd: REPO_ROOT,
      env: childEnv(),
      timeoutMs: 1_800_000,
    });
    if (r.code !== 0) throw new Error(`submit failed: ${r.stderr}`);
    const to = Date.now();
    console.log(`submit of ${jobs} jobs: ${((to - from) / 1000).toFixed(1)} s; ${await watch.stop()}`);
    report('the bulk submit', nodes, from, to);
  }
  if (values['fill-only']) return;

  for (let i = 0; i < restarts; i++) {
    for (const n of nodes) await caughtUp(nodes, n.id);
    lead = await leader(nodes);
    const id = nodes.find((n) => n.id !== lead.id)?.id as string;
    const proc = procs.get(id) as NodeProcess;
    let down: string | null = id;
    const watch = new Watch(nodes, () => down);
    const from = Date.now();
    proc.signal(signal);
    await proc.exited;
    const spawned = Date.now();
    const next = spawnNode(id);
    await next.ready;
    const readyAt = Date.now();
    const loaded = next.records.find((r) => r['msg'] === 'raft state loaded');
    down = null;
    await caughtUp(nodes, id);
    const caught = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const to = Date.now();
    console.log(
      `restart ${i + 1} of ${id} (pid ${next.pid}) after ${signal}: exit took ${spawned - from} ms, spawn to ready ${readyAt - spawned} ms, caught up after ${caught - spawned} ms (replayed ${JSON.stringify(loaded?.['replayEntries'] ?? null)} entries); ${await watch.stop()}`,
    );
    report('the restart', nodes, from, to, { id, readyAt });
  }

  if (values.snapshot) {
    for (const n of nodes) await caughtUp(nodes, n.id);
    const watch = new Watch(nodes, () => null);
    const from = Date.now();
    const rows = await Promise.all(nodes.map((n) => snapshotNode(n.id, n.address)));
    const to = Date.now() + 1000;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    console.log(`snapshot: ${rows.map((r) => (r.ok ? `${r.id} at ${r.snapshotIndex} in ${r.tookMs} ms` : `${r.id} failed: ${r.error}`)).join('; ')}; ${await watch.stop()}`);
    report('the snapshot', nodes, from, to);
  }
}

try {
  await main();
} finally {
  await Promise.all([...procs.values()].filter((p) => p.running).map(async (p) => {
    p.signal('SIGTERM');
    await p.exited;
  }));
}
