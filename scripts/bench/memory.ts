/**
 * Memory per queued job: what a backlog costs every replica. Submits `--jobs` jobs through
 * `JobsApp` as the node does (`encode(now, commands)`, then `apply(index, data)`), in entries of
 * 100 single-job submit commands, each job with a small JSON payload (~45 bytes, such as `{"n":123,"at":1732900000003,"kind":"email"}`) and a
 * client-style idempotency key (the SDK gives every job a random UUID), and leaves them all ready.
 * Then it forces a full GC and reports, against the same measurement taken on an empty app:
 * heapUsed + external + arrayBuffers per job, and RSS per job; then again after one `snapshot()` and
 * one `digest()`, as a node does for compaction and status (caches and flattened strings they leave),
 * and the heap of the same backlog restored from that snapshot, as after a restart.
 *
 *   node --expose-gc --import tsx scripts/bench/memory.ts [--jobs 200000] [--json] [--heap-snapshot]
 *
 * Deterministic: the keys come from a seeded generator, the clock from a counter, so the digest
 * printed at the end is the same on every run and before and after a change to the state's
 * in-memory layout. `--heap-snapshot` writes a `.heapsnapshot` (open it in Chrome DevTools,
 * Memory tab) while the backlog is alive.
 */
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import type { Command } from '../../src/jobs/index.js';
import { JobsApp } from '../../src/node/index.js';

const QUEUE = 'bench';
const SUBMITS_PER_ENTRY = 100;
/** Leader clock step per entry, ms. */
const ENTRY_MS = 3;
const START_MS = 1_732_900_000_000;

const utf8 = new TextEncoder();

/** xorshift32: a fixed sequence, so every run submits the same keys. */
function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** A version-4-shaped UUID string, as `crypto.randomUUID()` gives the SDK. */
function uuidFrom(next: () => number): string {
  const hex = (n: number): string => n.toString(16).padStart(8, '0');
  const a = hex(next());
  const b = hex(next());
  const c = hex(next());
  const d = hex(next());
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${((parseInt(c[0]!, 16) & 3) | 8).toString(16)}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

interface Usage {
  readonly heap: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
}

function collect(): Usage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

/** Submits `jobs` ready jobs into `app`; returns the number of entries applied. */
function fill(app: JobsApp, jobs: number): number {
  const next = seeded(0x5eed);
  let index = 0;
  for (let submitted = 0; submitted < jobs; ) {
    index++;
    const commands: Command[] = [];
    const now = START_MS + index * ENTRY_MS;
    for (let i = 0; i < SUBMITS_PER_ENTRY && submitted < jobs; i++, submitted++) {
      const payload = utf8.encode(JSON.stringify({ n: submitted, at: now, kind: 'email' }));
      commands.push({ type: 'submit', jobs: [{ queue: QUEUE, payload, idempotencyKey: uuidFrom(next) }] });
    }
    const results = app.apply(index, app.encode(now, commands));
    for (const r of results) if (!r.ok) throw new Error(`entry ${index}: rejected: ${r.message}`);
  }
  return index;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '200000' },
      json: { type: 'boolean', default: false },
      'heap-snapshot': { type: 'boolean', default: false },
    },
  });
  const jobs = Number(values.jobs);
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new RangeError('--jobs must be a positive integer');

  // Warm up the code paths (and their one-off allocations) on a throwaway app first.
  fill(new JobsApp(), Math.min(jobs, 2000));
  const app = new JobsApp();
  const before = collect();
  const entries = fill(app, jobs);
  const after = collect();
  // A node snapshots its state for log compaction and digests it for status: both may leave
  // per-job caches and flattened strings behind, so the steady state is measured after them.
  const digest = app.digest();
  const snapshotBytes = app.snapshot().length;
  const steady = collect();
  const snapshotFile = values['heap-snapshot'] ? writeHeapSnapshot() : null;
  // A node that restarts rebuilds the same backlog from its snapshot (the old state becomes garbage).
  app.restore(app.snapshot());
  const restored = collect();
  if (app.digest() !== digest) throw new Error('the restored state has another digest');
  if (app.state.jobs.size !== jobs) throw new Error(`expected ${jobs} jobs, found ${app.state.jobs.size}`);

  const per = (a: number, b: number): number => Math.round(((a - b) / jobs) * 10) / 10;
  const result = {
    jobs,
    entries,
    heapBytesPerJob: per(after.heap, before.heap),
    externalBytesPerJob: per(after.external, before.external),
    arrayBufferBytesPerJob: per(after.arrayBuffers, before.arrayBuffers),
    totalBytesPerJob: per(after.heap + after.external, before.heap + before.external),
    rssBytesPerJob: per(after.rss, before.rss),
    steadyHeapBytesPerJob: per(steady.heap, before.heap),
    steadyTotalBytesPerJob: per(steady.heap + steady.external, before.heap + before.external),
    steadyRssBytesPerJob: per(steady.rss, before.rss),
    restoredHeapBytesPerJob: per(restored.heap, before.heap),
    snapshotBytesPerJob: Math.round((snapshotBytes / jobs) * 10) / 10,
    digest,
    ...(snapshotFile === null ? {} : { heapSnapshot: snapshotFile }),
  };
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`${jobs} ready jobs in ${entries} entries`);
  console.log(`heapUsed:      ${result.heapBytesPerJob} B/job`);
  console.log(`external:      ${result.externalBytesPerJob} B/job (arrayBuffers ${result.arrayBufferBytesPerJob})`);
  console.log(`heap+external: ${result.totalBytesPerJob} B/job`);
  console.log(`rss:           ${result.rssBytesPerJob} B/job`);
  console.log(`after a snapshot and a digest: heapUsed ${result.steadyHeapBytesPerJob}, heap+external ${result.steadyTotalBytesPerJob}, rss ${result.steadyRssBytesPerJob} B/job`);
  console.log(`restored from that snapshot: heapUsed ${result.restoredHeapBytesPerJob} B/job`);
  console.log(`snapshot:      ${result.snapshotBytesPerJob} B/job`);
  console.log(`digest:        ${digest}`);
  if (snapshotFile !== null) console.log(`heap snapshot: ${snapshotFile}`);
}

main();
