/**
 * Micro-benchmark of the job state machine alone: what every replica spends applying committed
 * entries (decode, validate, submit / lease / complete, the odd heartbeat and tick), with no Raft,
 * storage or network in the way. It drives `JobsApp` as the node does: `encode(now, commands)` on
 * the leader, `apply(index, data)` on every replica, collecting the transitions each entry made
 * (`JobEvent`). With `--flow` those are also summed into job-flow counts, as a node with metrics
 * does (`reportFlow`); without it that derivation is not measured.
 *
 *   node --import tsx scripts/bench/apply.ts [--jobs 100000] [--backlog 10000] [--rounds 5] [--flow] [--json]
 *
 * The log is generated once, deterministically, by a "leader" app. It first fills a ready backlog
 * of `--backlog` jobs (entries of 50 submits), as clients that outpace the workers do, so the
 * ready index has the depth it has under load. Then come entries of ~50 commands: single-job
 * submits (small JSON payloads, one queue), one lease command per worker (2 workers of 128 slots,
 * `max` = free slots), completes of jobs leased in earlier entries with their tokens, a heartbeat
 * every 16th entry and a tick every 32nd; the backlog drains at the end. Every round then replays the encoded
 * log into a fresh app, as a follower would, and the round's time is divided by the number of jobs
 * (each submitted, leased and completed once). Reported: the median over the rounds (after one
 * warm-up round), and the heap the replayed state holds, per job applied (finished jobs stay until
 * their retention or until their queue holds more than its count bound: with the default options
 * the last 10,000 succeeded jobs stay, so most of the jobs applied are purged by the end).
 *
 * CPU profile: `node --cpu-prof --cpu-prof-dir /tmp/prof --import tsx scripts/bench/apply.ts`, then
 * `node --import tsx scripts/bench/cpuprofile.ts /tmp/prof/*.cpuprofile`.
 */
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Command, LeaseRef } from '../../src/jobs/index.js';
import { JobsApp, reportFlow, type JobFlowSink } from '../../src/node/index.js';

const QUEUE = 'bench';
const WORKERS = ['worker-a', 'worker-b'] as const;
const WORKER_SLOTS = 128;
const SUBMITS_PER_ENTRY = 24;
const FILL_SUBMITS_PER_ENTRY = 50;
const COMPLETES_PER_ENTRY = 24;
const HEARTBEAT_EVERY = 16;
const TICK_EVERY = 32;
/** Leader clock step per entry, ms: far below the 30 s lease TTL, so no lease expires. */
const ENTRY_MS = 2;
const START_MS = 1_700_000_000_000;

interface Entry {
  readonly index: number;
  readonly data: Uint8Array;
}

const utf8 = new TextEncoder();

function payloadOf(n: number): Uint8Array {
  return utf8.encode(JSON.stringify({ kind: 'email', to: `user${n % 9973}@example.com`, template: 'welcome', n }));
}

/** Builds the encoded log of `jobs` jobs by applying it on a leader app as it goes (lease tokens come from results). */
function generateLog(jobs: number, backlog: number): Entry[] {
  const leader = new JobsApp();
  const held: LeaseRef[][] = WORKERS.map(() => []);
  const entries: Entry[] = [];
  let submitted = 0;
  let completed = 0;
  let index = 0;
  while (completed < jobs) {
    index++;
    const commands: Command[] = [];
    const filling = submitted < Math.min(backlog, jobs);
    for (let i = 0; i < (filling ? FILL_SUBMITS_PER_ENTRY : SUBMITS_PER_ENTRY) && submitted < jobs; i++, submitted++) {
      commands.push({ type: 'submit', jobs: [{ queue: QUEUE, payload: payloadOf(submitted) }] });
    }
    for (let i = 0; i < (filling ? 0 : COMPLETES_PER_ENTRY); i++) {
      const mine = held[(index + i) % WORKERS.length]!;
      const ref = mine.shift();
      if (ref === undefined) continue;
      commands.push({ type: 'complete', jobId: ref.jobId, token: ref.token });
      completed++;
    }
    if (index % HEARTBEAT_EVERY === 0) {
      const mine = held[(index / HEARTBEAT_EVERY) % WORKERS.length]!;
      if (mine.length > 0) commands.push({ type: 'heartbeat', leases: [...mine] });
    }
    if (index % TICK_EVERY === 0) commands.push({ type: 'tick' });
    const leaseAt = commands.length;
    WORKERS.forEach((workerId, w) => {
      const free = WORKER_SLOTS - held[w]!.length;
      if (free > 0 && !filling) commands.push({ type: 'lease', workerId, queues: [QUEUE], max: free });
    });
    const data = leader.encode(START_MS + index * ENTRY_MS, commands);
    const results = leader.apply(index, data);
    for (let i = leaseAt; i < results.length; i++) {
      const r = results[i];
      const cmd = commands[i];
      if (r?.ok !== true || r.type !== 'lease' || cmd?.type !== 'lease') throw new Error(`entry ${index}: command ${i} did not lease`);
      const mine = held[WORKERS.indexOf(cmd.workerId as (typeof WORKERS)[number])]!;
      for (const g of r.leases) mine.push({ jobId: g.jobId, token: g.token });
    }
    for (const r of results) if (!r.ok) throw new Error(`entry ${index}: rejected: ${r.message}`);
    entries.push({ index, data });
  }
  return entries;
}

/** Counts what it is told, so the work of reporting cannot be optimised away. */
let reported = 0;
const countingSink: JobFlowSink = {
  job: (_event, _queue, count) => {
    reported += count;
  },
};

function replay(entries: readonly Entry[], flow = false): JobsApp {
  const app = new JobsApp({}, flow ? (_index, events) => reportFlow(events, countingSink) : (_index, events) => (reported += events.length));
  for (const e of entries) app.apply(e.index, e.data);
  return app;
}

/** The digest after replaying `entries`; a function of its own so no frame of `main` keeps the app alive. */
function replayDigest(entries: readonly Entry[], flow: boolean): string {
  return replay(entries, flow).digest();
}

/** A full GC without `--expose-gc` on the command line (made once: each context costs heap). */
const gc = ((): (() => void) => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

function collectGarbage(): void {
  gc();
  gc();
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '100000' },
      backlog: { type: 'string', default: '10000' },
      rounds: { type: 'string', default: '5' },
      flow: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const jobs = Number(values.jobs);
  const backlog = Number(values.backlog);
  const rounds = Number(values.rounds);
  if (!Number.isSafeInteger(jobs) || jobs < 1 || !Number.isSafeInteger(rounds) || rounds < 1 || !Number.isSafeInteger(backlog) || backlog < 0) {
    throw new RangeError('--jobs and --rounds must be positive integers, --backlog a non-negative one');
  }
  const entries = generateLog(jobs, backlog);
  const digest = replayDigest(entries, values.flow);

  const nsPerJob: number[] = [];
  let heapPerJob = 0;
  for (let round = 0; round <= rounds; round++) {
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = process.hrtime.bigint();
    const app = replay(entries, values.flow);
    const ns = Number(process.hrtime.bigint() - t0);
    if (round === 0) {
      // Warm-up round: check the replay and measure memory while its state is alive.
      collectGarbage();
      heapPerJob = (process.memoryUsage().heapUsed - heapBefore) / jobs;
      // Also keeps `app` alive across the measurement above.
      if (app.digest() !== digest) throw new Error('replay digest differs from the first replay');
      continue;
    }
    nsPerJob.push(ns / jobs);
  }

  const result = {
    jobs,
    backlog,
    entries: entries.length,
    rounds,
    nsPerJobMedian: Math.round(median(nsPerJob)),
    nsPerJob: nsPerJob.map(Math.round),
    heapBytesPerJob: Math.round(heapPerJob),
    /** Events (or, with --flow, job-flow counts) reported over all rounds. */
    reported,
    digest,
  };
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`${jobs} jobs (backlog ${backlog}) in ${entries.length} entries, ${rounds} rounds (+1 warm-up)`);
  console.log(`apply: ${result.nsPerJobMedian} ns per job (median; rounds ${result.nsPerJob.join(', ')})`);
  console.log(`heap: ${result.heapBytesPerJob} bytes per job applied (held by the state at the end)`);
  console.log(`digest: ${digest}`);
}

main();
