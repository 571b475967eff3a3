/**
 * Runs the seeded Raft cluster simulator over many seeds.
 *   npm run sim -- --seeds 200 [--nodes 5] [--start 1] [--duration 3000] [--seed 42 --verbose]
 * Ends with `sim: N seeds, V violations`; exits 1 when V > 0. A failing seed replays exactly
 * with `--seed N`.
 */
import { parseArgs } from 'node:util';
import { runSeeds } from './sim-runner.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '200' },
    seed: { type: 'string' },
    start: { type: 'string', default: '1' },
    nodes: { type: 'string', default: '3' },
    duration: { type: 'string', default: '3000' },
    verbose: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
  },
  strict: true,
});

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`sim: --${name} must be an integer >= ${min}, got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
  return n;
}

const nodes = int('nodes', values.nodes, 1);
const durationMs = int('duration', values.duration, 100);
const first = values.seed !== undefined ? int('seed', values.seed, 0) : int('start', values.start, 0);
const count = values.seed !== undefined ? 1 : int('seeds', values.seeds, 1);

const summary = runSeeds({ first, count, nodes, durationMs, verbose: values.verbose || values.seed !== undefined, trace: values.trace, out: process.stdout });
process.exitCode = summary.violations > 0 ? 1 : 0;
