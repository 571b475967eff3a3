/**
 * Memory per queued job on real nodes: starts a three-node cluster (scripts/bench/cluster.ts),
 * fills one queue through the SDK as `raftjobs submit --count` does (batches of `--batch` equal jobs,
 * each with the SDK's random UUID idempotency key, payload `--payload`), and at each level of
 * `--levels` reads every node's VmRSS (/proc) and its heap figures (`/metrics`: heap used, external,
 * array buffers, old space), then prints the growth per job between consecutive levels.
 *
 *   node --import tsx scripts/memory-probe.ts [--levels 10000,1000000] [--payload '{}'] [--batch 1000]
 *     [--inflight 4] [--drain N] [--heap-growing-percent P] [--heap-snapshot-at N [--snapshot-of leader|follower]] [--node-options '--max-semi-space-size=8'] [--json]
 *
 * `--heap-snapshot-at N` also writes a heap snapshot of a follower (or the leader) once N jobs are queued (the
 * nodes run with `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=<tmp>`); its path is printed.
 * `--drain N` fills N more jobs per level and, after reading memory, has one worker (128 slots,
 * empty handler) complete N of them: lease+complete jobs/s and the leader's CPU time per job (from
 * /proc, steadier than wall time on a shared machine) with the level's backlog queued.
 * `--heap-growing-percent P` runs the nodes with `server.heapGrowingPercent` P (their environment).
 * Set `RAFTJOBS_TEST_BIN` to a compiled `cli/bin.js` (`node scripts/build.js --out .test-build`)
 * to run the nodes without tsx.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Worker, type JobData } from '../src/client/index.js';
import { addresses, httpAddress, startCluster, waitCaughtUp, type Cluster } from './bench/cluster.js';
import { scrape } from './bench/metrics.js';
import { rssMiB, sleep } from './bench/stats.js';

interface NodeMemory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly appliedIndex: number;
  /** Used bytes of each V8 heap space (`old`, `large_object`, `new`, `code`, ...), by name. */
  readonly spaces: Readonly<Record<string, number>>;
}

const MiB = 1024 * 1024;

async function nodeMemory(cluster: Cluster, id: string): Promise<NodeMemory> {
  const http = httpAddress(cluster, id);
  if (http === undefined) throw new Error(`${id}: no HTTP address`);
  const m = await scrape(http);
  const get = (series: string): number => m.get(series) ?? NaN;
  const spaces: Record<string, number> = {};
  for (const [series, v] of m) {
    const space = /^nodejs_heap_space_size_used_bytes\{space="([^"]+)"\}$/.exec(series)?.[1];
    if (space !== undefined) spaces[space] = v;
  }
  const rows = await cluster.statusAll(cluster.ids, { digest: false });
  return {
    rss: (await rssMiB(cluster.pid(id))) * MiB,
    heapUsed: get('nodejs_heap_size_used_bytes'),
    heapTotal: get('nodejs_heap_size_total_bytes'),
    external: get('nodejs_external_memory_bytes'),
    appliedIndex: rows.find((r) => r.id === id)?.appliedIndex ?? NaN,
    spaces,
  };
}

async function fill(client: Client, queue: string, payload: JobData, total: number, batch: number, inflight: number): Promise<void> {
  let left = total;
  const loop = async (): Promise<void> => {
    while (left > 0) {
      const n = Math.min(batch, left);
      left -= n;
      await client.submit(Array.from({ length: n }, () => ({ queue, payload })));
    }
  };
  await Promise.all(Array.from({ length: inflight }, loop));
}

/** CPU time (user + system) a process has used, ms, from /proc/<pid>/stat. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name); clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Drain {
  readonly jobs: number;
  /** Lease + complete, jobs/s, between the 10th percent of the completions and the last. */
  readonly perSec: number;
  /** The leader's CPU time over the whole drain, µs per job. */
  readonly leaderCpuUsPerJob: number;
}

/** One worker (128 slots) completes `jobs` jobs of `queue`, doing nothing in its handler. */
async function drain(cluster: Cluster, queue: string, jobs: number): Promise<Drain> {
  const leader = (await cluster.waitForLeader()).id;
  const cpu0 = cpuMs(cluster.pid(leader));
  const samples: [number, number][] = [];
  let done = 0;
  let finished: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (finished = resolve));
  const worker = new Worker({
    nodes: addresses(cluster),
    queues: [queue],
    concurrency: 128,
    handler: () => Promise.resolve(),
    onOutcome: (o) => {
      if (!o.accepted || o.kind !== 'complete') return;
      done++;
      samples.push([performance.now(), done]);
      if (done >= jobs) finished();
    },
  });
  await worker.start();
  try {
    await all;
  } finally {
    await worker.close({ timeoutMs: 5_000 });
  }
  const cpu = cpuMs(cluster.pid(leader)) - cpu0;
  const from = samples.find(([, n]) => n >= jobs * 0.1);
  const to = samples.at(-1);
  const perSec = from !== undefined && to !== undefined && to[0] > from[0] ? ((to[1] - from[1]) * 1000) / (to[0] - from[0]) : NaN;
  return { jobs: done, perSec, leaderCpuUsPerJob: (cpu * 1000) / done };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      levels: { type: 'string', default: '10000,1000000' },
      payload: { type: 'string', default: '{}' },
      batch: { type: 'string', default: '1000' },
      inflight: { type: 'string', default: '4' },
      'heap-snapshot-at': { type: 'string' },
      'node-options': { type: 'string', default: '' },
      'snapshot-of': { type: 'string', default: 'follower' },
      drain: { type: 'string', default: '0' },
      'heap-growing-percent': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const levels = values.levels.split(',').map(Number);
  if (levels.some((l, i) => !Number.isSafeInteger(l) || l < 1 || (i > 0 && l <= (levels[i - 1] ?? 0)))) throw new RangeError('--levels: ascending positive integers');
  const payload = JSON.parse(values.payload) as JobData;
  const batch = Number(values.batch);
  const inflight = Number(values.inflight);
  const drainJobs = Number(values.drain);
  const snapshotAt = values['heap-snapshot-at'] === undefined ? null : Number(values['heap-snapshot-at']);
  const diagDir = mkdtempSync(join(tmpdir(), 'memprobe-'));
  const nodeOptions = [values['node-options'], ...(snapshotAt === null ? [] : ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${diagDir}`])].join(' ').trim();

  const env: Record<string, string> = {};
  if (nodeOptions !== '') env['NODE_OPTIONS'] = nodeOptions;
  if (values['heap-growing-percent'] !== undefined) env['RAFTJOBS_HEAP_GROWING_PERCENT'] = values['heap-growing-percent'];
  const cluster = await startCluster({ env });
  const client = new Client({ nodes: addresses(cluster), deadlineMs: 60_000 });
  const rows: { queued: number; nodes: Record<string, NodeMemory>; drain: Drain | null }[] = [];
  try {
    let queued = 0;
    const levelList = snapshotAt === null ? levels : [...new Set([...levels, snapshotAt])].sort((a, b) => a - b);
    for (const level of levelList) {
      const t0 = performance.now();
      const cpu0 = cluster.ids.map((id) => cpuMs(cluster.pid(id)));
      const filled = level + drainJobs - queued;
      await fill(client, 'probe', payload, filled, batch, inflight);
      const fillMs = performance.now() - t0;
      // CPU each node spent on the fill (and its GCs), µs per job: steadier than wall time.
      const fillCpu = cluster.ids.map((id, i) => `${id} ${(((cpuMs(cluster.pid(id)) - (cpu0[i] ?? NaN)) * 1000) / filled).toFixed(1)}`).join(', ');
      queued = level + drainJobs;
      await waitCaughtUp(cluster, 0, 600_000);
      await sleep(2_000);
      const nodes: Record<string, NodeMemory> = {};
      for (const id of cluster.ids) nodes[id] = await nodeMemory(cluster, id);
      const leader = (await cluster.waitForLeader()).id;
      if (!values.json) {
        console.log(`${level} queued (filled in ${(fillMs / 1000).toFixed(1)} s; node CPU µs per job filled: ${fillCpu}):`);
        for (const [id, n] of Object.entries(nodes)) {
          console.log(
            `  ${id}${id === leader ? ' (leader)' : ''}: rss ${(n.rss / MiB).toFixed(1)} MiB, heapUsed ${(n.heapUsed / MiB).toFixed(1)}, heapTotal ${(n.heapTotal / MiB).toFixed(1)}, external ${(n.external / MiB).toFixed(1)}, applied ${n.appliedIndex}; spaces MiB ${Object.entries(n.spaces).map(([k, v]) => `${k} ${(v / MiB).toFixed(1)}`).join(', ')}`,
          );
        }
      }
      const drained = drainJobs > 0 && levels.includes(level) ? await drain(cluster, 'probe', drainJobs) : null;
      queued -= drained?.jobs ?? 0;
      if (levels.includes(level)) rows.push({ queued: level, nodes, drain: drained });
      if (drained !== null && !values.json) {
        console.log(`  drained ${drained.jobs} at ${drained.perSec.toFixed(0)} jobs/s lease+complete; leader CPU ${drained.leaderCpuUsPerJob.toFixed(0)} µs/job`);
      }
      if (level === snapshotAt) {
        const id = values['snapshot-of'] === 'leader' ? leader : (cluster.ids.find((n) => n !== leader) ?? leader);
        const pid = cluster.pid(id);
        if (pid === undefined) throw new Error(`${id} has no pid`);
        process.kill(pid, 'SIGUSR2');
        const deadline = Date.now() + 600_000;
        let files: string[] = [];
        // A heap snapshot is written synchronously by the node; poll until the file is complete.
        while (Date.now() < deadline) {
          files = readdirSync(diagDir).filter((f) => f.endsWith('.heapsnapshot'));
          if (files.length > 0 && (await cluster.statusAll(cluster.ids, { digest: false })).find((r) => r.id === id)?.role !== 'unreachable') break;
          await sleep(500);
        }
        console.log(`heap snapshot of ${id} at ${level} queued: ${files.map((f) => join(diagDir, f)).join(', ')}`);
      }
    }
    const out: { from: number; to: number; node: string; perJob: Record<string, number> }[] = [];
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1];
      const b = rows[i];
      if (a === undefined || b === undefined) continue;
      const n = b.queued - a.queued;
      for (const id of cluster.ids) {
        const x = a.nodes[id];
        const y = b.nodes[id];
        if (x === undefined || y === undefined) continue;
        const per = (k: number, l: number): number => Math.round(((k - l) / n) * 10) / 10;
        const perJob: Record<string, number> = { rss: per(y.rss, x.rss), heapUsed: per(y.heapUsed, x.heapUsed), heapTotal: per(y.heapTotal, x.heapTotal), external: per(y.external, x.external) };
        for (const [space, v] of Object.entries(y.spaces)) perJob[space] = per(v, x.spaces[space] ?? 0);
        out.push({ from: a.queued, to: b.queued, node: id, perJob });
      }
    }
    if (values.json) console.log(JSON.stringify({ rows, perJob: out }));
    else for (const o of out) console.log(`${o.from} -> ${o.to}, ${o.node}: B/job ${Object.entries(o.perJob).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  } finally {
    client.close();
    await cluster.cleanup();
  }
}

await main();
