/**
 * In-process companion of scripts/restart-probe.ts: builds `--jobs` queued jobs (payload `{}`, an
 * idempotency key each, as `raftjobs submit` sends them), then takes a snapshot with the cursor a
 * node uses (`--mode whole`: `beginSnapshot`, one buffer; `pieces`: `beginSnapshotPieces`) in 5 ms
 * slices with `setImmediate` between them, and restores it with `beginRestore` the same way.
 * Prints the longest gap between two turns (what a heartbeat would wait), the process CPU time,
 * and the GC pauses over 20 ms (from PerformanceObserver).
 *
 *     node --import tsx scripts/restart-probe/snapshot-gaps.ts [--jobs 1000000] [--mode whole|pieces]
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { applyBatch, beginRestore, beginSnapshot, beginSnapshotPieces, createState, type Command } from '../../src/jobs/index.js';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '1000000' }, mode: { type: 'string', default: 'pieces' } } });
const jobs = Number(values.jobs);
const mode = values.mode;
if (mode !== 'whole' && mode !== 'pieces') throw new Error(`--mode must be whole or pieces, got ${mode}`);

const gcPauses: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.duration > 20) gcPauses.push(Math.round(e.duration));
}).observe({ entryTypes: ['gc'] });

const state = createState({ maxJobsPerSubmit: 1000 });
const payload = new TextEncoder().encode('{}');
for (let i = 0; i < jobs / 1000; i++) {
  const commands: Command[] = [{ type: 'submit', jobs: Array.from({ length: 1000 }, (_, j) => ({ queue: 'q', payload, idempotencyKey: `${i}-${j}-0000-0000-0000-000000000000` })) }];
  applyBatch(state, { time: 1_700_000_000_000 + i, commands }, i + 1);
}

/** Runs `step` in 5 ms slices until it returns true; the longest gap between turns and the CPU time. */
async function sliced(step: () => boolean): Promise<{ maxGapMs: number; cpuMs: number; wallMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let last = t0;
  let maxGap = 0;
  for (;;) {
    const until = performance.now() + 5;
    let done = false;
    do done = step();
    while (!done && performance.now() < until);
    await new Promise((resolve) => setImmediate(resolve));
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    if (done) break;
  }
  const cpu = process.cpuUsage(cpu0);
  return { maxGapMs: Math.round(maxGap), cpuMs: Math.round((cpu.user + cpu.system) / 1000), wallMs: Math.round(performance.now() - t0) };
}

gcPauses.length = 0;
let bytes: Uint8Array[] = [];
if (mode === 'whole') {
  const c = beginSnapshot(state);
  const r = await sliced(() => c.step(1000, 1 << 20));
  bytes = [c.finish()];
  console.log(`snapshot (whole): ${JSON.stringify(r)}, GC pauses over 20 ms: ${JSON.stringify(gcPauses)}`);
} else {
  const c = beginSnapshotPieces(state);
  const r = await sliced(() => c.step(1000, 1 << 20));
  bytes = [...c.finish()];
  console.log(`snapshot (pieces): ${JSON.stringify(r)}, GC pauses over 20 ms: ${JSON.stringify(gcPauses)}`);
}
const joined = bytes.length === 1 ? (bytes[0] as Uint8Array) : Buffer.concat(bytes);
console.log(`${joined.length} bytes in ${bytes.length} piece(s)`);
gcPauses.length = 0;
const rc = beginRestore(joined);
const rr = await sliced(() => rc.step(1000, 1 << 20));
console.log(`restore: ${JSON.stringify(rr)}, ${rc.finish().jobs.size} jobs, GC pauses over 20 ms: ${JSON.stringify(gcPauses)}`);
