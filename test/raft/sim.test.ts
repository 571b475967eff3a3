/**
 * The seeded simulator (src/sim) over many seeds: every run must end without a safety or
 * liveness violation. A failing seed replays exactly with `npm run sim -- --seed N --nodes M`.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/sim/index.js';
import type { SimStats } from '../../src/sim/index.js';

interface Sweep {
  readonly failures: string[];
  readonly totals: SimStats;
}

function sweep(nodes: number, first: number, count: number): Sweep {
  const failures: string[] = [];
  let totals: SimStats | null = null;
  for (let seed = first; seed < first + count; seed++) {
    const r = new Simulation({ seed, nodes }).run();
    if (r.violation !== null) failures.push(`seed ${seed} (npm run sim -- --seed ${seed} --nodes ${nodes}): ${r.violation}`);
    if (totals === null) totals = { ...r.stats };
    else for (const k of Object.keys(totals) as (keyof SimStats)[]) totals[k] += r.stats[k];
  }
  if (totals === null) throw new Error('no seeds');
  return { failures, totals };
}

function expectFaultsHappened(t: SimStats): void {
  expect(t.crashes, 'crashes').toBeGreaterThan(0);
  expect(t.partitions, 'partitions').toBeGreaterThan(0);
  expect(t.pauses, 'pauses').toBeGreaterThan(0);
  expect(t.messagesDropped, 'messages dropped').toBeGreaterThan(0);
  expect(t.snapshotsInstalled, 'snapshots installed').toBeGreaterThan(0);
  expect(t.readsConfirmed, 'reads confirmed').toBeGreaterThan(0);
  expect(t.transfers, 'transfers').toBeGreaterThan(0);
  expect(t.elections, 'elections').toBeGreaterThan(0);
  expect(t.committed, 'entries committed').toBeGreaterThan(0);
}

describe('seeded simulation', () => {
  it('250 seeds of 3 nodes: no safety or liveness violation', () => {
    const { failures, totals } = sweep(3, 1, 250);
    expect(failures, `failing seeds:\n${failures.join('\n')}`).toEqual([]);
    expectFaultsHappened(totals);
  });

  it('60 seeds of 5 nodes: no safety or liveness violation', () => {
    const { failures, totals } = sweep(5, 1001, 60);
    expect(failures, `failing seeds:\n${failures.join('\n')}`).toEqual([]);
    expectFaultsHappened(totals);
  });

  // Regression: found by sweeping 20 000 seeds. A candidate paused past a newer term's election
  // receives a delayed, legitimately granted vote and leads its (older) term. It lacks entries
  // committed in the newer term — allowed by Leader Completeness, which covers only leaders of
  // later terms — so the checker must not report it.
  it.each([
    { seed: 3536, nodes: 3 },
    { seed: 22005, nodes: 5 },
  ])('seed $seed ($nodes nodes): a stale leader of an older term is no Leader Completeness violation', ({ seed, nodes }) => {
    const r = new Simulation({ seed, nodes }).run();
    expect(r.violation).toBeNull();
  });

  it('is deterministic: the same seed replays to the same result', () => {
    const a = new Simulation({ seed: 4242, nodes: 3 }).run();
    const b = new Simulation({ seed: 4242, nodes: 3 }).run();
    expect(b).toEqual(a);
    expect(new Simulation({ seed: 4243, nodes: 3 }).run().stats).not.toEqual(a.stats);
  });
});
