/**
 * Runs the seeded Raft cluster simulator over many seeds.
 *   npm run sim -- --seeds 200 [--nodes 5] [--start 1] [--duration 3000] [--members] [--seed 42 --verbose]
 * Ends with `sim: N seeds, V violations`; exits 1 when V > 0. A failing seed replays exactly
 * with `--seed N` (and the same --nodes and --members). `--members`: membership changes during the
 * faults (nodes join as learners, are promoted, voters and learners are removed, the leader too).
 *
 * With `--driver`, runs the driver simulation instead (real `RaftNode`s over the memory storage and
 * transport twins, src/sim/node-sim.ts; default duration 2000):
 *   npm run sim -- --driver --seeds 1000 [--faults crash,diskLoss,...] [--liveness 5]
 *     [--max-message-bytes N] [--max-append-bytes N] [--max-entry-bytes N] [--clock-steps]
 *   (--clock-steps: wall clocks skewed up to an hour and stepped during the run)
 *   (--schedules: the job state machine runs beside it; recurring schedules are created early and
 *    fired by the leaders' runners; no slot may fire twice, none a catch-up-all schedule owes may be missing)
 *   npm run sim -- --driver --seed 42 --verbose    # replays one seed with its full trace
 */
import { parseArgs } from 'node:util';
import { NODE_SIM_FAULTS, type NodeSimFault } from '../src/sim/node-sim.js';
import { runDriverSeeds, runSeeds } from './sim-runner.js';

const USAGE = `usage: npm run sim -- [--seeds N] [--start N] [--nodes N] [--duration MS] [--members] [--seed N --verbose] [--trace]
       npm run sim -- --driver [--seeds N] [--seed N] [--faults F,...] [--liveness N]
                       [--max-message-bytes N] [--max-append-bytes N] [--max-entry-bytes N] [--clock-steps] [--schedules]

Runs the seeded Raft cluster simulator over seeds --start .. --start+--seeds-1 (default 1..200, 3 nodes,
--duration 3000 ms of virtual time; 2000 with --driver) and ends with "sim: N seeds, V violations" (exit 1
when V > 0). --seed N replays one seed exactly. --members adds membership changes during the faults: new
nodes join as learners and are promoted, voters (the leader too) and learners are removed. --driver runs real RaftNodes over the in-memory storage and
transport instead (src/sim/node-sim.ts) with the named faults; --clock-steps skews wall clocks up to an hour
and steps them during the run; --schedules adds recurring schedules fired by the leaders' runners and checks
that no slot fires twice and no slot a catch-up-all schedule owes is missing.

faults: ${NODE_SIM_FAULTS.join(', ')}
`;

let values: ReturnType<typeof parseSimArgs>['values'];
try {
  ({ values } = parseSimArgs());
} catch (err) {
  process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

function parseSimArgs() {
  return parseArgs({
    options: {
      seeds: { type: 'string', default: '200' },
      seed: { type: 'string' },
      start: { type: 'string', default: '1' },
      nodes: { type: 'string', default: '3' },
      duration: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      trace: { type: 'boolean', default: false },
      driver: { type: 'boolean', default: false },
      members: { type: 'boolean', default: false },
      faults: { type: 'string' },
      liveness: { type: 'string' },
      'max-message-bytes': { type: 'string' },
      'max-append-bytes': { type: 'string' },
      'max-entry-bytes': { type: 'string' },
      'clock-steps': { type: 'boolean', default: false },
      schedules: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
}

function fail(text: string): never {
  process.stderr.write(`sim: ${text}\n`);
  process.exit(2);
}

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}

function optionalInt(name: string, v: string | undefined, min: number): number | undefined {
  return v === undefined ? undefined : int(name, v, min);
}

const nodes = int('nodes', values.nodes, 1);
const durationMs = int('duration', values.duration ?? (values.driver ? '2000' : '3000'), 100);
const first = values.seed !== undefined ? int('seed', values.seed, 0) : int('start', values.start, 0);
const count = values.seed !== undefined ? 1 : int('seeds', values.seeds, 1);

if (!values.driver) {
  for (const name of ['faults', 'liveness', 'max-message-bytes', 'max-append-bytes', 'max-entry-bytes'] as const) {
    if (values[name] !== undefined) fail(`--${name} needs --driver`);
  }
  if (values['clock-steps']) fail('--clock-steps needs --driver');
  if (values.schedules) fail('--schedules needs --driver');
  const summary = runSeeds({
    first,
    count,
    nodes,
    durationMs,
    membershipChanges: values.members,
    verbose: values.verbose || values.seed !== undefined,
    trace: values.trace,
    out: process.stdout,
  });
  process.exitCode = summary.violations > 0 ? 1 : 0;
} else {
  if (values.members) fail('--members is for the core simulator (without --driver)');
  let faults: NodeSimFault[] | undefined;
  if (values.faults !== undefined) {
    faults = values.faults.split(',').map((f) => f.trim()) as NodeSimFault[];
    const unknown = faults.filter((f) => !NODE_SIM_FAULTS.includes(f));
    if (unknown.length > 0) fail(`unknown fault ${unknown.join(', ')} (known: ${NODE_SIM_FAULTS.join(', ')})`);
  }
  const liveness = optionalInt('liveness', values.liveness, 1);
  const maxMessageBytes = optionalInt('max-message-bytes', values['max-message-bytes'], 1024);
  const maxAppendBytes = optionalInt('max-append-bytes', values['max-append-bytes'], 1);
  const maxEntryBytes = optionalInt('max-entry-bytes', values['max-entry-bytes'], 64);
  const summary = await runDriverSeeds({
    first,
    count,
    nodes,
    durationMs,
    verbose: values.verbose,
    trace: values.trace,
    ...(faults ? { faults } : {}),
    ...(liveness !== undefined ? { livenessElectionTimeouts: liveness } : {}),
    ...(maxMessageBytes !== undefined ? { maxMessageBytes } : {}),
    ...(maxAppendBytes !== undefined ? { maxAppendBytes } : {}),
    ...(maxEntryBytes !== undefined ? { maxEntryBytes } : {}),
    ...(values['clock-steps'] ? { clockSteps: true } : {}),
    ...(values.schedules ? { schedules: true } : {}),
    out: process.stdout,
  });
  process.exitCode = summary.violations > 0 ? 1 : 0;
}
