/**
 * What a snapshot or a digest of a large backlog costs the event loop: `snapshotState` and
 * `stateDigest` in one go, against the cursors (`beginSnapshot`, `beginDigest`) that do the same
 * work in steps between applied entries.
 *
 *   node --import tsx scripts/bench/snapshot-cursor.ts [--jobs 1000000] [--steps 1000,2000,5000,10000] [--entries 200] [--no-keys] [--json]
 *
 * Builds `--jobs` ready jobs with `applyBatch` (entries of 100 single-job submits, a small JSON
 * payload and a UUID-shaped idempotency key each, as scripts/bench/memory.ts does), then reports:
 * - `snapshotState` and `stateDigest` wall time (two runs each; the second digest finds its hash
 *   caches warm, though small payloads are never cached) and the snapshot size;
 * - for each step budget N in `--steps`: one snapshot cursor and one digest cursor run to the end
 *   with `step(N)` and nothing applied between steps: time of `begin`, median / p99 / max time of
 *   one step (wall and CPU), number of steps, time of `finish`, and a check that the result equals
 *   the one-go output;
 * - with the largest N whose snapshot and digest steps took at most 10 ms of CPU at p99 (else the smallest): a
 *   snapshot cursor and a digest cursor stepped while `--entries` worker entries are applied between
 *   steps (24 submits, a lease of 128 and the completes of the previous lease each, which change old
 *   jobs ahead of the cursor): step and apply times, apply time of the same kind of entries with no
 *   cursor, and a check that both results equal `snapshotState` / `stateDigest` at begin.
 *
 * Wall times include whatever else the machine runs meanwhile; CPU times (this process, all its
 * threads) less so. The max step of a snapshot cursor holds one full garbage collection: its output
 * buffer (the size of the snapshot) is allocated at begin, and V8 answers an allocation that large
 * on a large heap with a full collection in the next few ms (run with --trace-gc to see it).
 */
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  applyBatch,
  beginDigest,
  beginSnapshot,
  createState,
  snapshotState,
  stateDigest,
  type Command,
  type JobsState,
  type LeaseRef,
  type StateCursor,
} from '../../src/jobs/index.js';
import { Hasher64 } from '../../src/jobs/hash.js';
import { percentile, round } from './stats.js';

const QUEUE = 'bench';
const SUBMITS_PER_ENTRY = 100;
/** Leader clock step per entry, ms. */
const ENTRY_MS = 3;
const START_MS = 1_732_900_000_000;
/** Largest step wanted, ms: the recommendation is the largest budget whose steps stayed under it (CPU time, p99). */
const STEP_TARGET_MS = 10;

const utf8 = new TextEncoder();

/** A UUID-shaped key (36 chars, as the SDK's `crypto.randomUUID()`), a function of `n` so every run submits the same keys. */
function keyOf(n: number): string {
  const h = new Hasher64().updateLatin1(`k${n}`).hex() + new Hasher64().updateLatin1(`K${n}`).hex();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// A full GC without `--expose-gc` on the command line, before each measurement.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}


/** Applies entries at increasing indexes and times. */
class Feeder {
  index = 0;
  constructor(readonly state: JobsState) {}

  apply(commands: Command[]): void {
    this.index++;
    const results = applyBatch(this.state, { time: START_MS + this.index * ENTRY_MS, commands }, this.index);
    for (const r of results) if (!r.ok) throw new Error(`entry ${this.index}: rejected: ${r.message}`);
  }
}

function fill(feeder: Feeder, jobs: number, keys: boolean): void {
  for (let submitted = 0; submitted < jobs; ) {
    const commands: Command[] = [];
    for (let i = 0; i < SUBMITS_PER_ENTRY && submitted < jobs; i++, submitted++) {
      const payload = utf8.encode(JSON.stringify({ n: submitted, at: START_MS + feeder.index * ENTRY_MS, kind: 'email' }));
      commands.push({ type: 'submit', jobs: [keys ? { queue: QUEUE, payload, idempotencyKey: keyOf(submitted) } : { queue: QUEUE, payload }] });
    }
    feeder.apply(commands);
  }
}

/** Worker traffic: submits, the completes of the last lease, a new lease. Changes the oldest ready jobs. */
class Traffic {
  private held: LeaseRef[] = [];
  private n = 0;
  constructor(private readonly feeder: Feeder) {}

  entry(): void {
    const commands: Command[] = [];
    for (let i = 0; i < 24; i++) commands.push({ type: 'submit', jobs: [{ queue: QUEUE, payload: utf8.encode(`{"extra":${this.n++}}`) }] });
    for (const ref of this.held) commands.push({ type: 'complete', ...ref });
    commands.push({ type: 'lease', workerId: 'w', queues: [QUEUE], max: 128 });
    const at = commands.length - 1;
    this.feeder.index++;
    const results = applyBatch(this.feeder.state, { time: START_MS + this.feeder.index * ENTRY_MS, commands }, this.feeder.index);
    const lease = results[at];
    if (lease?.ok !== true || lease.type !== 'lease') throw new Error('lease failed');
    this.held = lease.leases.map((g) => ({ jobId: g.jobId, token: g.token }));
  }
}

interface StepStats {
  readonly beginMs: number;
  readonly steps: number;
  /** Wall time of one step. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly totalMs: number;
  /** CPU time (user + system) of one step: what it costs when no neighbour takes the core meanwhile. */
  readonly cpuP50Ms: number;
  readonly cpuP99Ms: number;
  readonly cpuMaxMs: number;
  /** The `finish` call after the last step. */
  readonly finishMs: number;
}

/** Process CPU time, ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs a cursor to the end in steps of `n`, calling `between` after each step, then `finish`; returns the times. */
function run<C extends StateCursor<unknown>, R>(
  begin: () => C,
  n: number,
  between: () => void,
  finish: (c: C) => R,
): { stats: StepStats; result: R; betweenMs: number[] } {
  // No forced GC here: one just before `begin` would leave its sweeping to the buffer allocation.
  let t0 = process.hrtime.bigint();
  const cursor = begin();
  const beginMs = ms(t0);
  const times: number[] = [];
  const cpu: number[] = [];
  const betweenMs: number[] = [];
  for (;;) {
    const c0 = cpuMs();
    t0 = process.hrtime.bigint();
    const done = cursor.step(n);
    times.push(ms(t0));
    cpu.push(cpuMs() - c0);
    if (done) break;
    t0 = process.hrtime.bigint();
    between();
    betweenMs.push(ms(t0));
  }
  t0 = process.hrtime.bigint();
  const result = finish(cursor);
  const finishMs = ms(t0);
  const stats = {
    beginMs: round(beginMs, 2),
    steps: times.length,
    p50Ms: round(percentile(times, 50), 2),
    p99Ms: round(percentile(times, 99), 2),
    maxMs: round(Math.max(...times), 2),
    totalMs: round(times.reduce((a, b) => a + b, 0)),
    cpuP50Ms: round(percentile(cpu, 50), 2),
    cpuP99Ms: round(percentile(cpu, 99), 2),
    cpuMaxMs: round(Math.max(...cpu), 2),
    finishMs: round(finishMs, 2),
  };
  return { stats, result, betweenMs };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '1000000' },
      steps: { type: 'string', default: '1000,2000,5000,10000' },
      entries: { type: 'string', default: '200' },
      'no-keys': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const jobs = Number(values.jobs);
  const budgets = values.steps.split(',').map(Number);
  const entries = Number(values.entries);
  if (!Number.isSafeInteger(jobs) || jobs < 1 || !budgets.every((n) => Number.isSafeInteger(n) && n >= 1) || !Number.isSafeInteger(entries) || entries < 0) {
    throw new RangeError('--jobs, --steps (a comma-separated list) and --entries must be positive integers');
  }
  const log = (line: string): void => {
    if (!values.json) console.log(line);
  };

  const feeder = new Feeder(createState());
  let t0 = process.hrtime.bigint();
  fill(feeder, jobs, !values['no-keys']);
  const fillMs = ms(t0);
  const state = feeder.state;
  log(`${jobs} ready jobs (${state.idempotency.size} idempotency keys) in ${feeder.index} entries, built in ${(fillMs / 1000).toFixed(1)} s`);

  const whole: Record<string, number> = {};
  let snapshot: Uint8Array = new Uint8Array();
  let digest = '';
  for (const pass of [1, 2]) {
    gc();
    t0 = process.hrtime.bigint();
    snapshot = snapshotState(state);
    whole[`snapshotState${pass}Ms`] = round(ms(t0), 2);
    gc();
    t0 = process.hrtime.bigint();
    digest = stateDigest(state);
    whole[`stateDigest${pass}Ms`] = round(ms(t0), 2);
  }
  log(`snapshotState: ${whole['snapshotState1Ms']} ms, ${whole['snapshotState2Ms']} ms (${(snapshot.length / 1e6).toFixed(1)} MB)`);
  log(`stateDigest:   ${whole['stateDigest1Ms']} ms, ${whole['stateDigest2Ms']} ms`);

  const idle: { n: number; snapshot: StepStats; digest: StepStats }[] = [];
  for (const n of budgets) {
    const s = run(() => beginSnapshot(state), n, () => {}, (c) => c.finish());
    if (Buffer.compare(s.result, snapshot) !== 0) throw new Error(`step(${n}): snapshot cursor bytes differ from snapshotState`);
    const d = run(() => beginDigest(state), n, () => {}, (c) => c.finish());
    if (d.result !== digest) throw new Error(`step(${n}): digest cursor differs from stateDigest`);
    idle.push({ n, snapshot: s.stats, digest: d.stats });
    const line = (st: StepStats): string =>
      `begin ${st.beginMs} ms, ${st.steps} steps, step wall p50 ${st.p50Ms} / p99 ${st.p99Ms} / max ${st.maxMs} ms ` +
      `(cpu p50 ${st.cpuP50Ms} / p99 ${st.cpuP99Ms} / max ${st.cpuMaxMs}), total ${st.totalMs} ms, finish ${st.finishMs} ms`;
    log(`step(${n}) snapshot: ${line(s.stats)}`);
    log(`step(${n}) digest:   ${line(d.stats)}`);
  }

  const fits = idle.filter((r) => r.snapshot.cpuP99Ms <= STEP_TARGET_MS && r.digest.cpuP99Ms <= STEP_TARGET_MS).map((r) => r.n);
  const recommended = fits.length > 0 ? Math.max(...fits) : Math.min(...budgets);
  log(`recommended step budget: ${recommended} (largest whose snapshot and digest steps took <= ${STEP_TARGET_MS} ms of CPU at p99)`);

  // The same kind of traffic with no cursor, then with both cursors stepping between its entries.
  const traffic = new Traffic(feeder);
  const plainMs: number[] = [];
  for (let i = 0; i < entries; i++) {
    t0 = process.hrtime.bigint();
    traffic.entry();
    plainMs.push(ms(t0));
  }
  let applied = 0;
  const between = (): void => {
    if (applied++ < entries) traffic.entry();
  };
  const expectedSnapshot = snapshotState(state).slice();
  const expectedDigest = stateDigest(state);
  const s = run(() => beginSnapshot(state), recommended, between, (c) => c.finish());
  if (Buffer.compare(s.result, expectedSnapshot) !== 0) throw new Error('snapshot cursor under traffic: bytes differ from snapshotState at begin');
  applied = 0;
  const expectedDigest2 = stateDigest(state);
  const d = run(() => beginDigest(state), recommended, between, (c) => c.finish());
  if (d.result !== expectedDigest2) throw new Error('digest cursor under traffic: differs from stateDigest at begin');
  if (expectedDigest === expectedDigest2) throw new Error('the traffic changed nothing');
  const entryStats = (xs: readonly number[]): { p50Ms: number; maxMs: number } => ({ p50Ms: round(percentile(xs, 50), 2), maxMs: round(Math.max(0, ...xs), 2) });
  const underTraffic = {
    n: recommended,
    snapshot: s.stats,
    digest: d.stats,
    applyNoCursor: entryStats(plainMs),
    applyWithSnapshotCursor: entryStats(s.betweenMs.slice(0, entries)),
    applyWithDigestCursor: entryStats(d.betweenMs.slice(0, entries)),
  };
  log(
    `under traffic, step(${recommended}): snapshot steps wall p50 ${s.stats.p50Ms} / p99 ${s.stats.p99Ms} / max ${s.stats.maxMs} ms (cpu max ${s.stats.cpuMaxMs}); ` +
      `digest steps wall p50 ${d.stats.p50Ms} / p99 ${d.stats.p99Ms} / max ${d.stats.maxMs} ms (cpu max ${d.stats.cpuMaxMs})`,
  );
  log(
    `entry apply (~${24 + 128 * 2} commands) p50 / max: no cursor ${underTraffic.applyNoCursor.p50Ms} / ${underTraffic.applyNoCursor.maxMs} ms, ` +
      `snapshot cursor ${underTraffic.applyWithSnapshotCursor.p50Ms} / ${underTraffic.applyWithSnapshotCursor.maxMs} ms, ` +
      `digest cursor ${underTraffic.applyWithDigestCursor.p50Ms} / ${underTraffic.applyWithDigestCursor.maxMs} ms`,
  );
  log('cursor results equal snapshotState / stateDigest at begin: yes');
  if (values.json) console.log(JSON.stringify({ jobs, snapshotBytes: snapshot.length, ...whole, idle, recommended, underTraffic }));
}

main();
