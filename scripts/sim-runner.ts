import type { Writable } from 'node:stream';
import { Simulation } from '../src/sim/index.js';

export interface SeedRunOptions {
  readonly first: number;
  readonly count: number;
  readonly nodes: number;
  readonly durationMs: number;
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
  for (let seed = o.first; seed < o.first + o.count; seed++) {
    const r = new Simulation({ seed, nodes: o.nodes, durationMs: o.durationMs, ...(o.trace ? { trace: (l: string) => o.out.write(l + '\n') } : {}) }).run();
    committed += r.stats.committed;
    elections += r.stats.elections;
    if (r.violation) {
      violations++;
      o.out.write(`seed ${seed}: VIOLATION ${r.violation}  (replay: npm run sim -- --seed ${seed} --nodes ${o.nodes})\n`);
    }
    if (o.verbose) o.out.write(`seed ${seed}: ${r.violation ?? 'ok'} ${JSON.stringify(r.stats)}\n`);
  }
  const elapsedMs = Math.round(performance.now() - started);
  o.out.write(`entries committed ${committed}, elections ${elections}, ${elapsedMs} ms\n`);
  o.out.write(`sim: ${o.count} seeds, ${violations} violations\n`);
  return { seeds: o.count, violations, elapsedMs };
}
