import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatChaosReport, runChaos } from '../../scripts/chaos/run.js';

/**
 * A short chaos run on real processes: several leader kills, a leader isolation, a worker killed
 * inside a handler and restarted under the same id, one of each disk fault (a wiped data
 * directory, a cut write-ahead log, a table file with flipped bytes), then a split and worker
 * kills as time allows, with clients and workers running throughout, and poison and oversized
 * jobs among the submits, and recurring schedules firing into the same queue. The must-holds of
 * the checker hold: among them, no job ran more attempts than it was submitted with, poison and
 * oversized jobs end dead, and every schedule slot has exactly one job or (catch-up `latest` only)
 * is counted skipped.
 */
describe('chaos', () => {
  it('loses nothing, accepts no stale completion and keeps attempt limits through node, disk and worker faults', async () => {
    let log = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, cb) {
        log += chunk.toString();
        cb();
      },
    });
    const r = await runChaos({ durationS: 45, nodes: 3, seed: 20261129, out });
    const summary = formatChaosReport(r) + '\n' + log;
    expect(r.faultCounts['kill-leader'], summary).toBeGreaterThanOrEqual(3);
    expect(r.faultCounts['isolate-leader'] + r.faultCounts.split, summary).toBeGreaterThanOrEqual(1);
    // The opening sequence ends with one of each disk fault; each found something to damage.
    for (const kind of ['wipe', 'truncate-log', 'corrupt-table'] as const) expect(r.diskFaults[kind], summary).toBeGreaterThanOrEqual(1);
    // A table with flipped bytes does not open; whatever refused was rebuilt.
    expect(r.diskFaults.refusedAfter['corrupt-table'] ?? 0, summary).toBeGreaterThanOrEqual(1);
    expect(r.diskFaults.rebuilt, summary).toBe(r.diskFaults.refused);
    expect(r.workerRestarts.restartWorker, summary).toBeGreaterThanOrEqual(1);
    expect(r.poisonJobs.submitted, summary).toBeGreaterThanOrEqual(1);
    expect(r.oversizedResults.submitted, summary).toBeGreaterThanOrEqual(1);
    expect(r.poisonJobs.dead, summary).toBe(r.poisonJobs.submitted);
    expect(r.oversizedResults.dead, summary).toBe(r.oversizedResults.submitted);
    expect(r.attemptsOverLimit, summary).toBe(0);
    expect(r.wrongEndState, summary).toBe(0);
    expect(r.termsWithTwoLeaders, summary).toBe(0);
    expect(r.acked, summary).toBeGreaterThan(100);
    expect(r.lost, summary).toBe(0);
    expect(r.unfinished, summary).toBe(0);
    expect(r.staleCompletionsAccepted, summary).toBe(0);
    expect(r.concurrentLeases, summary).toBe(0);
    expect(r.replicasAgree, summary).toBe(true);
    // Each schedule fired through the faults; none missed or doubled a slot, or miscounted one.
    expect(r.schedules.map((s) => s.id), summary).toEqual(['chaos-1s-all', 'chaos-cron-2s-all', 'chaos-1s-latest']);
    for (const s of r.schedules) {
      expect(s.fired, `${s.id}\n${summary}`).toBeGreaterThan(0);
      expect(s.fired + s.skipped, `${s.id}\n${summary}`).toBe(s.owed);
      if (s.mode === 'all') expect(s.skipped, `${s.id}\n${summary}`).toBe(0);
    }
    expect(r.scheduleSlotsMissed, summary).toBe(0);
    expect(r.scheduleSlotsDoubled, summary).toBe(0);
    expect(r.scheduleJobsOffSlot, summary).toBe(0);
    expect(r.scheduleCountsOff, summary).toBe(0);
    expect(r.scheduleJobsUnfinished, summary).toBe(0);
    expect(r.passed, summary).toBe(true);
  }, 240_000);
});
