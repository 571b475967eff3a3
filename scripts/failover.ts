/**
 * `node --import tsx scripts/failover.ts [--kills 20] [--json] [--tick-ms N] [--election-ticks N] [--keep]`
 *
 * Measures leader failover on a real three-node cluster (temp directory, free loopback ports):
 * repeatedly kill -9 the leader, poll the survivors' status every ~10 ms until one leads in a
 * higher term, record the time since the kill, restart the killed node and wait until it has
 * caught up. Prints each kill, then the median and maximum; with `--json` the last line is
 * `{"kills":N,"medianMs":M,"maxMs":X,"samples":[...]}`. Every node is stopped at the end, on
 * error and on SIGINT/SIGTERM.
 *
 * The figure includes the followers' randomized election timeout (by default 500-1000 ms after
 * the last heartbeat), the pre-vote and vote rounds, and up to ~10 ms of polling granularity.
 */
import { parseArgs } from 'node:util';
import { Cluster } from './lib/index.js';

const USAGE = 'usage: node --import tsx scripts/failover.ts [--kills N] [--json] [--tick-ms N] [--election-ticks N] [--keep]';
const POLL_INTERVAL_MS = 10;

function intOption(name: string, text: string | undefined, fallback: number | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    process.stderr.write(`failover: --${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

let values: { kills?: string; json?: boolean; 'tick-ms'?: string; 'election-ticks'?: string; keep?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      kills: { type: 'string' },
      json: { type: 'boolean', default: false },
      'tick-ms': { type: 'string' },
      'election-ticks': { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (err) {
  process.stderr.write(`failover: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(2);
}

const kills = intOption('kills', values.kills, 20, 1, 10_000) ?? 20;
const tickMs = intOption('tick-ms', values['tick-ms'], undefined, 1, 1000);
const electionTicks = intOption('election-ticks', values['election-ticks'], undefined, 3, 10_000);
const print = (line: string): void => void process.stdout.write(`${line}\n`);

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

const cluster = await Cluster.create({
  tmpPrefix: 'raftjobs-failover-',
  ...(tickMs === undefined ? {} : { tickMs }),
  ...(electionTicks === undefined ? {} : { electionTicks }),
});

let interrupted = false;
const stopping = new AbortController();
const onSignal = (signal: NodeJS.Signals): void => {
  if (interrupted) process.exit(130); // second signal: the exit hook SIGKILLs the nodes by PID
  interrupted = true;
  process.stderr.write(`\n${signal}: stopping the cluster\n`);
  // Whatever the loop awaits now (a poll, a node's start) ends, and the cleanup below runs.
  stopping.abort(new Error(`interrupted by ${signal}`));
  void cluster.stopAll('SIGKILL');
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
const signal = stopping.signal;

const samples: number[] = [];
let failed = false;
try {
  print(`starting 3 nodes in ${cluster.dir}`);
  await cluster.startAll();
  await cluster.waitForConvergence({ ids: cluster.ids, signal });

  for (let i = 1; i <= kills && !interrupted; i++) {
    const before = await cluster.waitForConvergence({ ids: cluster.ids, signal });
    const old = before.leader.id;
    const started = performance.now();
    const exited = cluster.kill(old, 'SIGKILL'); // the signal is sent synchronously, here
    const next = await cluster.waitForLeader({ exclude: [old], minTerm: before.term + 1, intervalMs: POLL_INTERVAL_MS, signal });
    const elapsed = performance.now() - started;
    await exited;
    samples.push(round(elapsed));

    const restarted = performance.now();
    await cluster.start(old);
    const after = await cluster.waitForConvergence({ ids: cluster.ids, signal });
    const catchUp = performance.now() - restarted;
    print(
      `kill ${String(i).padStart(String(kills).length)}/${kills}: leader ${old} (term ${before.term}) killed -> ${next.id} leads in term ${String(next.term)} after ${elapsed.toFixed(0)} ms; ` +
        `${old} restarted and caught up (commit ${after.commitIndex}) in ${catchUp.toFixed(0)} ms`,
    );
  }
} catch (err) {
  if (!interrupted) failed = true;
  if (!interrupted) process.stderr.write(`failover: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n${cluster.describe(30)}\n`);
} finally {
  const dir = await cluster.cleanup(values.keep === true || failed);
  if (values.keep === true || failed) print(`cluster files kept in ${dir}`);
}

if (samples.length > 0) {
  const sorted = [...samples].sort((a, b) => a - b);
  const medianMs = round(median(sorted));
  const maxMs = sorted[sorted.length - 1] ?? NaN;
  print(`${samples.length} kill(s): leader replaced after median ${medianMs} ms, max ${maxMs} ms (min ${String(sorted[0])} ms)`);
  if (values.json === true) print(JSON.stringify({ kills: samples.length, medianMs, maxMs, samples }));
}
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
process.exitCode = interrupted ? 130 : failed ? 1 : 0;
