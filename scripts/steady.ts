/**
 * `npm run steady -- [--duration 600] [--rate 5000] [--clients 4] [--workers 2] [--json] [--keep]`
 *
 * A steady load on a real three-node cluster with the default config (snapshots included): open
 * loop, `--rate` jobs per second submitted one job per `submit` call from `--clients` SDK clients
 * (the SDK coalesces what one turn submits), run to completion by `--workers` worker processes
 * (`raftjobs work`, 256 slots each). It reports what a team running it for months cares about:
 *
 * - `leaderChanges`: leaders seen after the first (status polled every 250 ms, no digest);
 * - `timeouts`: submits that failed (every submit has a 10 s deadline);
 * - `longestAckPauseMs`: the longest time, while submits were waiting, in which none was
 *   acknowledged (counted from the first acknowledgement; `firstAckMs` is how long that took), and `longestAckPauseOwnStallMs`, how much of it this process's own event loop
 *   was stalled (it runs the clients, so its GC pauses delay acknowledgements the cluster already
 *   sent; the workers run in child processes); `ackP50Ms`, `ackP99Ms`, `ackMaxMs`: submit latency;
 * - `rssMb`: each node's resident memory at the start of every minute; `snapshots` taken by each
 *   node and `snapshotMb`, their sizes (the size of the replicated state when each was taken);
 * - `lag`: submitted but not yet completed at the end of the load (before the drain).
 *
 * The last line with `--json` is one JSON object. Exit code 0 only with no leader change, no
 * timeout and every job completed after the drain. Nodes stop at the end, on error and on SIGINT.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client } from '../src/client/index.js';
import { BIN, childEnv, Cluster, REPO_ROOT, type StatusRow } from './lib/index.js';

const USAGE = 'usage: npm run steady -- [--duration S] [--rate JOBS_PER_S] [--clients N] [--workers N] [--json] [--keep]';
const QUEUE = 'steady';
const TICK_MS = 10;
const STATUS_EVERY_MS = 250;

function int(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    process.stderr.write(`steady: --${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      duration: { type: 'string' },
      rate: { type: 'string' },
      clients: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (err) {
  process.stderr.write(`steady: ${(err as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
const durationS = int('duration', values['duration'] as string | undefined, 600, 1, 86_400);
const rate = int('rate', values['rate'] as string | undefined, 5000, 1, 200_000);
const clientCount = int('clients', values['clients'] as string | undefined, 4, 1, 64);
const workerCount = int('workers', values['workers'] as string | undefined, 2, 1, 64);
const json = values['json'] === true;

function rssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

const log = (line: string): void => {
  process.stderr.write(line + '\n');
};

const cluster = await Cluster.start({ size: 3, clusterId: 'steady', tmpPrefix: 'raftjobs-steady-' });
let stopping = false;
const onSignal = (): void => {
  if (stopping) process.exit(130);
  stopping = true;
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// The load starts on a cluster that has a leader (the first election is not what this measures).
await cluster.waitForLeader();
const addresses = cluster.nodes.map((n) => n.address);
const clients = Array.from({ length: clientCount }, () => new Client({ nodes: addresses, deadlineMs: 10_000 }));
// The workers run in child processes (`raftjobs work`, a handler that returns at once), so that
// running 5,000 handlers a second does not stall the event loop that measures acknowledgements.
// Each prints one line per job it runs: the lines are counted as completions.
let completed = 0;
const workers = Array.from({ length: workerCount }, (_, i) => {
  const child = spawn(
    process.execPath,
    [BIN, 'work', '--config', cluster.configPath, '--queue', QUEUE, '--handler', 'sleep', '--sleep-ms', '0', '--concurrency', '256', '--worker-id', `steady-w${i + 1}`],
    { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  child.stdout.on('data', (chunk: Buffer) => {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) completed++;
  });
  return child;
});
const stopWorkers = (): Promise<unknown> =>
  Promise.all(
    workers.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );

let submitted = 0;
let acked = 0;
let timeouts = 0;
let firstError: string | null = null;
let outstanding = 0;
let lastAckAt = performance.now();
/** When the first submit was acknowledged (performance.now()). */
let firstAckAt: number | null = null;
let longestAckPauseMs = 0;
/** Wall-clock time the longest pause ended, to match against the node logs. */
let longestAckPauseEnd = '';
/** The longest pause as [start, end] on performance.now(), to set against this process's own stalls. */
let longestAckPauseSpan: [number, number] = [0, 0];

// A stall of this process's own event loop (a GC) holds back acknowledgements the cluster already
// sent. Its stalls are recorded, to tell such a pause from one of the cluster's.
const STALL_PROBE_MS = 5;
const STALL_MIN_MS = 20;
const ownStalls: [number, number][] = [];
let longestOwnStallMs = 0;
let probeAt = performance.now();
const stallProbe = setInterval(() => {
  const now = performance.now();
  const late = now - probeAt - STALL_PROBE_MS;
  if (late >= STALL_MIN_MS) {
    ownStalls.push([now - late, now]);
    longestOwnStallMs = Math.max(longestOwnStallMs, late);
  }
  probeAt = now;
}, STALL_PROBE_MS);

/** How much of [from, to] this process spent stalled, ms. */
function ownStallWithin(from: number, to: number): number {
  let ms = 0;
  for (const [a, b] of ownStalls) ms += Math.max(0, Math.min(b, to) - Math.max(a, from));
  return ms;
}
const latencies: number[] = [];
const leaders: string[] = [];
const rss: Record<string, (number | null)[]> = Object.fromEntries(cluster.ids.map((id) => [id, []]));
let maxTerm = 0;

function submitOne(client: Client): void {
  const started = performance.now();
  submitted++;
  outstanding++;
  client.submit({ queue: QUEUE, payload: { t: Date.now() } }).then(
    () => {
      const now = performance.now();
      if (firstAckAt === null) {
        // Pauses count from the first acknowledgement: before it the clients are still connecting.
        firstAckAt = now;
      } else if (outstanding > 0 && now - lastAckAt > longestAckPauseMs) {
        longestAckPauseMs = now - lastAckAt;
        longestAckPauseEnd = new Date().toISOString();
        longestAckPauseSpan = [lastAckAt, now];
      }
      lastAckAt = now;
      outstanding--;
      acked++;
      latencies.push(now - started);
    },
    (err: unknown) => {
      outstanding--;
      timeouts++;
      firstError ??= err instanceof Error ? err.message : String(err);
    },
  );
}

// Status: leaders and terms, never the digest (it is not what this measures).
const statusLoop = (async () => {
  let minute = -1;
  const t0 = performance.now();
  while (!stopping) {
    const rows: StatusRow[] = await cluster.statusAll(cluster.ids, { digest: false });
    const leader = rows.find((r) => r.role === 'leader');
    if (leader && leaders.at(-1) !== leader.id) leaders.push(leader.id);
    for (const r of rows) maxTerm = Math.max(maxTerm, r.term ?? 0);
    const m = Math.floor((performance.now() - t0) / 60_000);
    if (m !== minute) {
      minute = m;
      for (const id of cluster.ids) rss[id]?.push(rssMb(cluster.pid(id)));
    }
    await new Promise((r) => setTimeout(r, STATUS_EVERY_MS));
  }
})();

const startMs = performance.now();
const endMs = startMs + durationS * 1000;
let due = 0;
let lastReport = startMs;
while (!stopping && performance.now() < endMs) {
  const now = performance.now();
  // Open loop: whatever the rate says is due by now, whether earlier submits were answered or not.
  const target = Math.floor(((now - startMs) / 1000) * rate);
  for (; due < target; due++) submitOne(clients[due % clientCount] as Client);
  if (now - lastReport >= 10_000) {
    lastReport = now;
    log(`steady: ${Math.round((now - startMs) / 1000)} s, submitted ${submitted}, acked ${acked}, completed ${completed}, timeouts ${timeouts}, longest ack pause ${longestAckPauseMs.toFixed(0)} ms, leaders ${leaders.join('>')}`);
  }
  await new Promise((r) => setTimeout(r, TICK_MS));
}
const lag = submitted - completed;
// Drain: every acknowledged job runs.
const drainDeadline = performance.now() + 120_000;
while (!stopping && (outstanding > 0 || completed < acked) && performance.now() < drainDeadline) await new Promise((r) => setTimeout(r, 50));
stopping = true;
await statusLoop;
clearInterval(stallProbe);

// From the node logs: every snapshot each node took, and its size (the size of the whole state).
const snapshotLines = cluster.ids.map((id) => readFileSync(cluster.logPath(id), 'utf8').split('\n').filter((l) => l.includes('"snapshot taken')));
const snapshots = snapshotLines.map((lines) => lines.length);
const snapshotMb = snapshotLines.map((lines) => lines.map((l) => Math.round(Number((JSON.parse(l) as { bytes?: number }).bytes ?? 0) / 1e5) / 10));
await stopWorkers();
for (const c of clients) c.close();
await cluster.cleanup(values['keep'] === true);

latencies.sort((a, b) => a - b);
const result = {
  durationS,
  rate,
  submitted,
  acked,
  completed,
  timeouts,
  firstError,
  leaderChanges: Math.max(0, leaders.length - 1),
  maxTerm,
  /** From the start of the load to the first acknowledgement (the clients connect meanwhile). */
  firstAckMs: firstAckAt === null ? null : Math.round(firstAckAt - startMs),
  longestAckPauseMs: Math.round(longestAckPauseMs),
  longestAckPauseEnd,
  /** Of the longest pause, the time this process's own event loop was stalled (see above). */
  longestAckPauseOwnStallMs: Math.round(ownStallWithin(...longestAckPauseSpan)),
  longestOwnStallMs: Math.round(longestOwnStallMs),
  ackP50Ms: Number(percentile(latencies, 0.5).toFixed(2)),
  ackP99Ms: Number(percentile(latencies, 0.99).toFixed(2)),
  ackMaxMs: Math.round(latencies.at(-1) ?? 0),
  lag,
  rssMb: rss,
  snapshots,
  snapshotMb,
};
const passed = result.leaderChanges === 0 && timeouts === 0 && completed >= acked;
log(
  `steady ${passed ? 'PASSED' : 'FAILED'}: ${durationS} s at ${rate} jobs/s: submitted ${submitted}, acked ${acked}, completed ${completed}, timeouts ${timeouts}, leader changes ${result.leaderChanges}\n` +
    `  ack p50 ${result.ackP50Ms} ms, p99 ${result.ackP99Ms} ms, max ${result.ackMaxMs} ms; first ack after ${result.firstAckMs} ms; longest pause in acks ${result.longestAckPauseMs} ms (ended ${longestAckPauseEnd}; this process was itself stalled for ${result.longestAckPauseOwnStallMs} ms of it, its longest stall ${result.longestOwnStallMs} ms)\n` +
    `  snapshots per node ${snapshots.join('/')}, sizes (MB) ${snapshotMb.map((m) => m.join(',')).join(' / ')}\n` +
    `  RSS per node and minute (MB): ${cluster.ids.map((id) => `${id} ${(rss[id] ?? []).join(',')}`).join('; ')}`,
);
if (json) process.stdout.write(JSON.stringify(result) + '\n');
process.exit(passed ? 0 : 1);
