import type { Writable } from 'node:stream';
import { Simulation } from '../src/sim/index.js';
import { NodeSimulation, type NodeSimFault, type NodeSimStats } from '../src/sim/node-sim.js';

export interface SeedRunOptions {
  readonly first: number;
  readonly count: number;
  readonly nodes: number;
  readonly durationMs: number;
  /** `SimOptions.membershipChanges`. */
  readonly membershipChanges?: boolean;
  readonly verbose: boolean;
  readonly trace?: boolean;
  readonly out: Writable;
}

/** Run `count` seeds from `first`; report each violation with its seed and a summary line. */
export function runSeeds(o: SeedRunOptions): { seeds: number; violations: number; elapsedMs: number } {
  const started = performance.now();
  let violations = 0;
  let committed = 0;
  let elections = 0;
  const flags = [`--nodes ${o.nodes}`, o.durationMs !== 3000 ? `--duration ${o.durationMs}` : '', o.membershipChanges === true ? '--members' : ''].filter((f) => f !== '');
  let configs = 0;
  for (let seed = o.first; seed < o.first + o.count; seed++) {
    const r = new Simulation({
      seed,
      nodes: o.nodes,
      durationMs: o.durationMs,
      ...(o.membershipChanges === true ? { membershipChanges: true } : {}),
      ...(o.trace ? { trace: (l: string) => o.out.write(l + '\n') } : {}),
    }).run();
    committed += r.stats.committed;
    elections += r.stats.elections;
    configs += r.stats.configsCommitted;
    if (r.violation) {
      violations++;
      o.out.write(`seed ${seed}: VIOLATION ${r.violation}  (replay: npm run sim -- --seed ${seed} ${flags.join(' ')})\n`);
    }
    if (o.verbose) o.out.write(`seed ${seed}: ${r.violation ?? 'ok'} ${JSON.stringify(r.stats)}\n`);
  }
  const elapsedMs = Math.round(performance.now() - started);
  o.out.write(`entries committed ${committed}, elections ${elections}${o.membershipChanges === true ? `, config entries committed ${configs}` : ''}, ${elapsedMs} ms\n`);
  o.out.write(`sim: ${o.count} seeds, ${violations} violations\n`);
  return { seeds: o.count, violations, elapsedMs };
}

export interface DriverSeedRunOptions {
  readonly first: number;
  readonly count: number;
  readonly nodes: number;
  readonly durationMs: number;
  /** Per-seed stats lines; with one seed, also the full trace. */
  readonly verbose: boolean;
  /** The full trace of every seed. */
  readonly trace: boolean;
  readonly faults?: readonly NodeSimFault[];
  readonly livenessElectionTimeouts?: number;
  readonly maxMessageBytes?: number;
  readonly maxAppendBytes?: number;
  readonly maxEntryBytes?: number;
  /** `NodeSimOptions.clockSteps`. */
  readonly clockSteps?: boolean;
  /** `NodeSimOptions.schedules`. */
  readonly schedules?: boolean;
  readonly out: Writable;
}

/**
 * Run `count` seeds of the driver simulation (real `RaftNode`s, `src/sim/node-sim.ts`) from `first`;
 * report each violation with its seed and a replay command, then totals of what was injected.
 */
export async function runDriverSeeds(o: DriverSeedRunOptions): Promise<{ seeds: number; violations: number; elapsedMs: number }> {
  const started = performance.now();
  let violations = 0;
  const totals: Partial<Record<keyof NodeSimStats, number>> = {};
  const recoveries: number[] = [];
  const traceAll = o.trace || (o.verbose && o.count === 1);
  const flags = [
    o.nodes !== 3 ? `--nodes ${o.nodes}` : '',
    o.durationMs !== 2000 ? `--duration ${o.durationMs}` : '',
    o.faults ? `--faults ${o.faults.join(',')}` : '',
    o.livenessElectionTimeouts !== undefined ? `--liveness ${o.livenessElectionTimeouts}` : '',
    o.maxMessageBytes !== undefined ? `--max-message-bytes ${o.maxMessageBytes}` : '',
    o.maxAppendBytes !== undefined ? `--max-append-bytes ${o.maxAppendBytes}` : '',
    o.maxEntryBytes !== undefined ? `--max-entry-bytes ${o.maxEntryBytes}` : '',
    o.clockSteps === true ? '--clock-steps' : '',
    o.schedules === true ? '--schedules' : '',
  ].filter((f) => f !== '');
  for (let seed = o.first; seed < o.first + o.count; seed++) {
    const r = await new NodeSimulation({
      seed,
      nodes: o.nodes,
      durationMs: o.durationMs,
      ...(o.faults ? { faults: o.faults } : {}),
      ...(o.livenessElectionTimeouts !== undefined ? { livenessElectionTimeouts: o.livenessElectionTimeouts } : {}),
      ...(o.maxMessageBytes !== undefined ? { maxMessageBytes: o.maxMessageBytes } : {}),
      ...(o.maxAppendBytes !== undefined ? { maxAppendBytes: o.maxAppendBytes } : {}),
      ...(o.maxEntryBytes !== undefined ? { maxEntryBytes: o.maxEntryBytes } : {}),
      ...(o.clockSteps === true ? { clockSteps: true } : {}),
      ...(o.schedules === true ? { schedules: true } : {}),
      ...(traceAll ? { trace: (l: string) => o.out.write(l + '\n') } : {}),
    }).run();
    for (const [k, v] of Object.entries(r.stats) as [keyof NodeSimStats, number][]) totals[k] = (totals[k] ?? 0) + v;
    if (r.recoveryMs !== null) recoveries.push(r.recoveryMs);
    if (r.violation) {
      violations++;
      o.out.write(`seed ${seed}: VIOLATION ${r.violation}  (replay: npm run sim -- --driver --seed ${seed} ${[...flags, '--verbose'].join(' ')})\n`);
    }
    if (o.verbose) o.out.write(`seed ${seed}: ${r.violation === null ? 'ok' : 'VIOLATION'} recovery ${r.recoveryMs?.toFixed(1) ?? '-'} ms limits ${JSON.stringify(r.limits)} ${JSON.stringify(r.stats)}\n`);
  }
  const elapsedMs = Math.round(performance.now() - started);
  recoveries.sort((a, b) => a - b);
  const at = (q: number): string => (recoveries.length === 0 ? '-' : (recoveries[Math.min(recoveries.length - 1, Math.floor(q * recoveries.length))] as number).toFixed(1));
  o.out.write(`injected ${JSON.stringify(totals)}\n`);
  o.out.write(`recovery after heal (ms): p50 ${at(0.5)}, p99 ${at(0.99)}, max ${at(1)}; ${elapsedMs} ms (${(elapsedMs / o.count).toFixed(0)} ms per seed)\n`);
  o.out.write(`sim: ${o.count} seeds, ${violations} violations\n`);
  return { seeds: o.count, violations, elapsedMs };
}
