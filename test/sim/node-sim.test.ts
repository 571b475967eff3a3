/**
 * The driver simulation (src/sim/node-sim.ts): real `RaftNode`s over the memory storage and
 * transport twins on virtual time. Every run must end without a safety violation, recover within
 * five election timeouts of the heal, and stop cleanly. A failing seed replays exactly with the
 * command printed next to it (`npm run sim -- --driver --seed N ... --verbose` prints its trace).
 */
import { describe, expect, it } from 'vitest';
import { NodeSimulation, type NodeSimOptions, type NodeSimResult, type NodeSimStats } from '../../src/sim/node-sim.js';

interface Sweep {
  readonly failures: string[];
  readonly totals: NodeSimStats;
  readonly results: NodeSimResult[];
}

function replay(o: Omit<NodeSimOptions, 'seed'>, seed: number): string {
  const flags = [`--seed ${seed}`];
  if (o.nodes !== undefined) flags.push(`--nodes ${o.nodes}`);
  if (o.faults !== undefined) flags.push(`--faults ${o.faults.join(',')}`);
  if (o.maxMessageBytes !== undefined) flags.push(`--max-message-bytes ${o.maxMessageBytes}`);
  if (o.maxAppendBytes !== undefined) flags.push(`--max-append-bytes ${o.maxAppendBytes}`);
  if (o.maxEntryBytes !== undefined) flags.push(`--max-entry-bytes ${o.maxEntryBytes}`);
  if (o.clockSteps === true) flags.push('--clock-steps');
  if (o.schedules === true) flags.push('--schedules');
  return `npm run sim -- --driver ${flags.join(' ')} --verbose`;
}

async function sweep(o: Omit<NodeSimOptions, 'seed'>, first: number, count: number): Promise<Sweep> {
  const failures: string[] = [];
  const results: NodeSimResult[] = [];
  let totals: NodeSimStats | null = null;
  for (let seed = first; seed < first + count; seed++) {
    const r = await new NodeSimulation({ ...o, seed }).run();
    results.push(r);
    if (r.violation !== null) failures.push(`seed ${seed} (${replay(o, seed)}): ${r.violation}`);
    if (totals === null) totals = { ...r.stats };
    else for (const k of Object.keys(totals) as (keyof NodeSimStats)[]) totals[k] += r.stats[k];
  }
  if (totals === null) throw new Error('no seeds');
  return { failures, totals, results };
}

/** Every fault kind was injected and had its effect: the sweep was not vacuous. */
function expectEveryFault(t: NodeSimStats): void {
  const happened: (keyof NodeSimStats)[] = [
    'dropped', 'duplicated', 'delayed', 'reordered', 'cut', 'partitions', 'pauses',
    'crashes', 'killsDuringWrite', 'inFlightWritesLost', 'restarts', 'powerLosses',
    'diskLosses', 'slowDisks', 'slowWrites', 'largeProposals', 'aloneOversize', 'bursts',
    'transfers', 'snapshotsTaken', 'snapshotsInstalled', 'readsConfirmed', 'elections', 'acked',
  ];
  for (const k of happened) expect(t[k], k).toBeGreaterThan(0);
}

describe('driver simulation', () => {
  it('40 seeds of 3 nodes with every fault: no violation, recovery within 5 election timeouts', async () => {
    const s = await sweep({ nodes: 3 }, 1, 40);
    expect(s.failures, `failing seeds:\n${s.failures.join('\n')}`).toEqual([]);
    expectEveryFault(s.totals);
    // Well-configured limits: no message ever outgrows the transport's.
    expect(s.totals.oversizeDropped).toBe(0);
    for (const r of s.results) expect(r.recoveryMs).not.toBeNull();
  });

  it('10 seeds of 5 nodes with every fault: no violation', async () => {
    const s = await sweep({ nodes: 5 }, 101, 10);
    expect(s.failures, `failing seeds:\n${s.failures.join('\n')}`).toEqual([]);
    expect(s.totals.crashes + s.totals.powerLosses + s.totals.diskLosses).toBeGreaterThan(0);
    expect(s.totals.elections).toBeGreaterThan(10);
  });

  it('a slow disk (hundreds of ms per write) and bursts of large entries never cost a leader its leadership', async () => {
    // With only these faults the run fails on any election after the first.
    const s = await sweep({ nodes: 3, faults: ['slowDisk', 'largeEntries', 'burst'] }, 201, 6);
    expect(s.failures, `failing seeds:\n${s.failures.join('\n')}`).toEqual([]);
    for (const r of s.results) expect(r.stats.elections).toBe(1);
    expect(s.totals.slowWrites).toBeGreaterThan(20);
    expect(s.totals.bursts).toBeGreaterThan(0);
  });

  it('wall clocks up to an hour apart and stepped during the run: entry times never go backwards along the log (J5)', async () => {
    // With stamps from the leaders' wall clocks, every one of these seeds applies an entry whose
    // time is below the replicated time; with the anchored monotonic rule, none does.
    const s = await sweep({ nodes: 3, clockSteps: true }, 1, 12);
    expect(s.failures, `failing seeds:\n${s.failures.join('\n')}`).toEqual([]);
    expect(s.totals.clockSteps).toBeGreaterThan(50);
    expect(s.totals.elections).toBeGreaterThan(12);
    expect(s.totals.snapshotsInstalled + s.totals.diskLosses).toBeGreaterThan(0);
  });

  // Schedules (issue 16): the leaders' real runners fire three schedules (an interval and a cron
  // one with catch-up `all`, an interval one with `latest`) through every fault, while the run
  // proposes replays of their fire commands and fires computed from lagging replicas. No slot may
  // fire twice, and after the heal every slot a catch-up `all` schedule owes must have its job.
  it('schedules through every fault: no slot fires twice, none owed is missing', async () => {
    const s = await sweep({ nodes: 3, schedules: true }, 1, 12);
    expect(s.failures, `failing seeds:\n${s.failures.join('\n')}`).toEqual([]);
    expect(s.totals.schedulesCreated).toBe(36);
    expect(s.totals.slotsFired).toBeGreaterThan(200);
    // The state machine refused replayed and stale fires: the no-twice check had work to do.
    expect(s.totals.slotFiresRefused).toBeGreaterThan(20);
    expect(s.totals.elections).toBeGreaterThan(12);
    expect(s.totals.crashes + s.totals.powerLosses + s.totals.snapshotsInstalled).toBeGreaterThan(0);
  });

  it('schedules with wall clocks an hour apart and stepped: a leader ahead fires what catch-up allows, one behind refires nothing', async () => {
    const s = await sweep({ nodes: 3, schedules: true, clockSteps: true }, 1, 8);
    expect(s.failures, `failing seeds:\n${s.failures.join('\n')}`).toEqual([]);
    expect(s.totals.slotsFired).toBeGreaterThan(100);
    expect(s.totals.clockSteps).toBeGreaterThan(30);
  });

  it('drops messages over maxMessageBytes as the gRPC transport does: appends larger than it stall a follower', async () => {
    // Misconfigured on purpose: appends may carry 64 KiB, the transport takes 16 KiB.
    const o = { nodes: 3, maxMessageBytes: 16 * 1024, maxAppendBytes: 64 * 1024, maxEntryBytes: 12 * 1024 };
    const s = await sweep(o, 1, 4);
    expect(s.totals.oversizeDropped).toBeGreaterThan(0);
    expect(s.failures.some((f) => f.includes('liveness'))).toBe(true);
  });

  // Regressions, found by sweeping 1,300 seeds: a node took its own snapshot at its applied index and
  // wrote it at once, ahead of its queued writes (a follower applies committed entries before its
  // own write of them lands). Seed 956: the snapshot (128) landed while the stored log ended at 97;
  // after a power loss the node restarted with a snapshot past its log, and persisting the next
  // append (entries from 129) was refused, on every restart. Seed 91: a snapshot installed from the
  // leader (81), queued before, landed after the node's own (110) and replaced it; compacting to the
  // own one was refused. Both stopped the node with a fatal error.
  it.each([
    { seed: 956, faults: undefined },
    { seed: 91, faults: ['slowDisk', 'largeEntries', 'burst'] as const },
  ])('seed $seed: a snapshot is written only after the writes queued before it', async ({ seed, faults }) => {
    const r = await new NodeSimulation({ seed, ...(faults ? { faults } : {}) }).run();
    expect(r.violation).toBeNull();
    expect(r.stats.snapshotsTaken).toBeGreaterThan(0);
  });

  // Found by sweeping 10,000 seeds: n3 voted n1 in as leader of term 4, lost its disk, and, with n1
  // cut off, granted n2 (which had missed term 4) a vote in term 4 too: two leaders in one term. A
  // node that restarts empty into a cluster with history now votes only above the highest term it
  // has heard from N - quorum + 1 other voters (Raft.rejoinAllows).
  it('seed 4114: a node that lost its disk does not vote again in a term it forgot', async () => {
    const r = await new NodeSimulation({ seed: 4114 }).run();
    expect(r.violation).toBeNull();
    expect(r.stats.diskLosses).toBeGreaterThan(0);
  });

  // Found by sweeping the schedules runs: n3 lost its disk, the operator removed it and added it
  // back as a learner with the new disk's incarnation while it was down, and a reply its old disk
  // had sent the leader before arrived after the re-add. The leader's new record of n3 took it for a
  // second lost disk and refused n3 for good: back on the empty disk, it got heartbeats and never
  // the snapshot. The leader now knows the incarnations a member removed in its term had, and
  // ignores replies from them (test/raft/liveness.test.ts has the plain sequence). Seed 179 was the
  // second case; since leaders defer commit notices its run takes another course, and seed 7 has a
  // re-add of n1 instead.
  it.each([
    { seed: 165, id: 'n3' },
    { seed: 7, id: 'n1' },
  ])('seed $seed: a member re-added while down after losing its disk catches up despite a late reply from its old disk', async ({ seed, id }) => {
    const trace: string[] = [];
    const r = await new NodeSimulation({ seed, schedules: true, trace: (l) => trace.push(l) }).run();
    expect(r.violation).toBeNull();
    expect(trace.some((l) => l.includes(`OPERATOR addLearner ${id} committed`))).toBe(true);
    expect(trace.some((l) => new RegExp(`>${id} snapshot `).test(l))).toBe(true);
  });

  // Found by sweeping 1,000 schedules runs (seeds 370, 427, 432, 632): the simulated operator asked
  // the leader to remove a node that lost its disk, the leader crashed before answering, and the
  // operator waited for that answer forever: a crashed node's promise never settles. The node stayed
  // a member, refused, and nothing was applied on it again. A call to a node that went down has
  // failed now, as over a dropped connection, and the operator asks the next leader. Since leaders
  // defer commit notices, seed 427 takes another course; seed 55 has the same sequence.
  it('seed 55: the operator asks the next leader when the one it asked went down before answering', async () => {
    const trace: string[] = [];
    const r = await new NodeSimulation({ seed: 55, schedules: true, trace: (l) => trace.push(l) }).run();
    expect(r.violation).toBeNull();
    expect(trace.some((l) => l.includes('OPERATOR call to n2 lost'))).toBe(true);
    expect(trace.some((l) => l.includes('OPERATOR remove n1 committed'))).toBe(true);
  });

  // Found by sweeping 1,000 schedules runs: n3 won term 4 and, in the same turn, the run asked it to
  // hand leadership to n1, which was down. The transfer reached the core before the term's first
  // job command (`leaderChange`), which was refused and never proposed again; the transfer was
  // abandoned and n3 led term 4 to the end without its schedule runner, so no slot fired after
  // the heal. Proposals now wait while a transfer is in progress, and a refused `leaderChange` is
  // proposed again while its node leads the term (src/node/term-start.ts).
  it('seed 577 runs clean (its transfer-right-after-winning scenario is pinned in test/node/leader-transfer.test.ts)', async () => {
    // The seed that found the bug. Since followers learn of a crashed leader from their broken
    // streams (Raft.leaderUnreachable), its elections come at other times and the scenario no
    // longer arises here; test/node/leader-transfer.test.ts builds it deterministically.
    const r = await new NodeSimulation({ seed: 577, schedules: true }).run();
    expect(r.violation).toBeNull();
  });

  it('is deterministic: the same seed replays to the same trace and result', async () => {
    const run = async (seed: number): Promise<{ trace: string[]; result: NodeSimResult }> => {
      const trace: string[] = [];
      const result = await new NodeSimulation({ seed, nodes: 3, trace: (l) => trace.push(l) }).run();
      return { trace, result };
    };
    const a = await run(4242);
    const b = await run(4242);
    expect(a.trace.length).toBeGreaterThan(500);
    expect(b.trace).toEqual(a.trace);
    expect(b.result).toEqual(a.result);
    // Tracing changes nothing.
    expect(await new NodeSimulation({ seed: 4242, nodes: 3 }).run()).toEqual(a.result);
    expect((await run(4243)).trace).not.toEqual(a.trace);
  });
});
