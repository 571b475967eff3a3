import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatChaosReport, runChaos, type ChaosOptions, type ChaosResult } from '../../scripts/chaos/run.js';

/** Runs chaos with `o`; the report and the run's own lines come back as `summary`, for messages. */
async function chaos(o: Omit<ChaosOptions, 'out'>): Promise<{ r: ChaosResult; summary: string }> {
  let log = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      log += chunk.toString();
      cb();
    },
  });
  const r = await runChaos({ ...o, out });
  return { r, summary: formatChaosReport(r) + '\n' + log };
}

/** Counts of the report that must be 0. */
const MUST_BE_ZERO = [
  'lost',
  'unfinished',
  'staleCompletionsAccepted',
  'concurrentLeases',
  'termsWithTwoLeaders',
  'attemptsOverLimit',
  'wrongEndState',
  'scheduleSlotsMissed',
  'scheduleSlotsDoubled',
  'scheduleJobsOffSlot',
  'scheduleCountsOff',
  'scheduleJobsUnfinished',
  'watchGaps',
  'watchDuplicates',
  'watchOutOfOrder',
  'watchUnexplained',
  'concurrencyLimitExceeded',
] as const satisfies readonly (keyof ChaosResult)[];

/**
 * The must-holds of the checker: nothing acknowledged lost or unfinished, no stale completion
 * accepted, no overlapping leases, one leader per term, replicas agree, no job ran more attempts
 * than it was submitted with, poison and oversized jobs end dead, every schedule slot has
 * exactly one job or (catch-up `latest` only) is counted skipped, and the watcher received every
 * transition of every acknowledged job once, in log order.
 */
function expectMustHolds(r: ChaosResult, summary: string): void {
  expect(r.acked, summary).toBeGreaterThan(100);
  for (const count of MUST_BE_ZERO) expect(r[count], `${count}\n${summary}`).toBe(0);
  expect(r.replicasAgree, summary).toBe(true);
  // A watcher ran through the whole run, across every fault, and never had to give up.
  expect(r.watchError, summary).toBeNull();
  expect(r.watchEvents, summary).toBeGreaterThan(r.acked);
  // The load's keys kept within their per-key limit, and some key reached it.
  expect(r.maxLeasedPerKey, summary).toBeGreaterThan(0);
  // After the heal the leader lists exactly the run's members, all voters, none refused.
  expect(r.membership.membershipOff, summary).toEqual([]);
  expect(r.poisonJobs.dead, summary).toBe(r.poisonJobs.submitted);
  expect(r.oversizedResults.dead, summary).toBe(r.oversizedResults.submitted);
  // Each schedule fired through the faults; none missed or doubled a slot, or miscounted one.
  expect(r.schedules.map((s) => s.id), summary).toEqual(['chaos-1s-all', 'chaos-cron-2s-all', 'chaos-1s-latest']);
  for (const s of r.schedules) {
    expect(s.fired, `${s.id}\n${summary}`).toBeGreaterThan(0);
    expect(s.fired + s.skipped, `${s.id}\n${summary}`).toBe(s.owed);
    if (s.mode === 'all') expect(s.skipped, `${s.id}\n${summary}`).toBe(0);
  }
  expect(r.passed, summary).toBe(true);
}

/**
 * Short chaos runs on real processes. The plaintext one plays its whole opening however long the
 * machine takes (`wholeOpening`): a leader kill, a leader isolation, a wiped data directory (the
 * member removed, the node started with --join, a voter again), a worker killed inside a handler
 * and restarted under the same id, two more leader kills, a cut write-ahead log and a table file
 * with flipped bytes (a refused start rebuilt the same way), a split and a worker kill, with
 * clients and workers running throughout, poison and oversized jobs among the submits, and
 * recurring schedules firing into the same queue. The secured one: on a cluster with mutual TLS
 * and tokens, the first faults of the opening with membership faults on, so a new member joins
 * (with the admin token, through its own TLS proxies) and a member is removed. The two run one
 * after the other in this file, never at once.
 */
describe('chaos', () => {
  it('loses nothing, accepts no stale completion and keeps attempt limits through node, disk and worker faults', async () => {
    // 30 s or the whole opening, whichever is longer: what the run covers does not depend on the load.
    const { r, summary } = await chaos({ durationS: 30, nodes: 3, seed: 20261129, wholeOpening: true });
    expect(r.faultCounts['kill-leader'], summary).toBeGreaterThanOrEqual(3);
    expect(r.faultCounts['isolate-leader'] + r.faultCounts.split, summary).toBeGreaterThanOrEqual(1);
    // The opening has one of each disk fault; each found something to damage.
    for (const kind of ['wipe', 'truncate-log', 'corrupt-table'] as const) expect(r.diskFaults[kind], summary).toBeGreaterThanOrEqual(1);
    // A table with flipped bytes does not open; whatever refused was rebuilt.
    expect(r.diskFaults.refusedAfter['corrupt-table'] ?? 0, summary).toBeGreaterThanOrEqual(1);
    expect(r.diskFaults.rebuilt, summary).toBe(r.diskFaults.refused);
    // Each wiped and each rebuilt node went through the operator's steps: removed, --join, voter again.
    expect(r.membership.operatorStepsAfter.wipe ?? 0, summary).toBe(r.diskFaults.wipe);
    expect(r.membership.operatorStepsAfter.rebuilt ?? 0, summary).toBe(r.diskFaults.rebuilt);
    expect(r.workerRestarts.restartWorker, summary).toBeGreaterThanOrEqual(1);
    expect(r.poisonJobs.submitted, summary).toBeGreaterThanOrEqual(1);
    expect(r.oversizedResults.submitted, summary).toBeGreaterThanOrEqual(1);
    expectMustHolds(r, summary);
  }, 300_000);

  it('on a cluster with mutual TLS and tokens, loses nothing through leader kills, a leader isolation and a member added and removed', async () => {
    // The opening's leader kill and leader isolation (peers dial each other again over TLS through
    // the proxies; clients and workers find the new leader with their certificates and tokens),
    // then a member added (n4 joins with --join and the admin token) and one removed: a run with
    // membership faults tries both even past its 15 s.
    const { r, summary } = await chaos({ durationS: 15, nodes: 3, seed: 20261129, tls: true, auth: true, members: true });
    expect([r.tls, r.auth, r.members], summary).toEqual([true, true, true]);
    // The cluster refused a call without a client certificate and one without a token.
    expect(r.unsecuredCallsAccepted, summary).toEqual([]);
    expect(r.faultCounts['kill-leader'], summary).toBeGreaterThanOrEqual(1);
    expect(r.faultCounts['isolate-leader'], summary).toBeGreaterThanOrEqual(1);
    expect(r.membership.added, summary).toBeGreaterThanOrEqual(1);
    expect(r.membership.removed, summary).toBeGreaterThanOrEqual(1);
    expectMustHolds(r, summary);
  }, 240_000);
});
