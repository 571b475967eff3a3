import { describe, expect, it } from 'vitest';
import {
  attemptCountsByCluster,
  checkHistory,
  reportPasses,
  summarizeDiskFaults,
  type ClusterAttempt,
  type DiskFaultEvent,
  type Execution,
  type FinalJob,
} from '../../scripts/chaos/check.js';
import { checkSchedules, schedulesPass, type CheckedSchedule, type ScheduledJob } from '../../scripts/chaos/schedule-check.js';

const job = (id: string, state: string, history: FinalJob['history'] = []): [string, FinalJob] => [id, { id, state, history }];
const attempt = (token: number, startedAt: number, endedAt: number | null, outcome: string) => ({ attempt: token, token, workerId: 'w', startedAt, endedAt, outcome });
const run = (jobId: string, token: number, completion: Execution['completion'], killed = false): Execution => ({
  jobId,
  attempt: token,
  token,
  workerId: 'w',
  startedAt: token * 10,
  endedAt: null,
  completion,
  killed,
});
const digests = [
  { id: 'n1', appliedIndex: 9, stateDigest: 'a' },
  { id: 'n2', appliedIndex: 9, stateDigest: 'a' },
];

describe('chaos history checker', () => {
  it('passes a clean history', () => {
    const r = checkHistory({
      acked: [{ jobId: '1', at: 1 }],
      executions: [run('1', 5, 'accepted')],
      finalJobs: new Map([job('1', 'succeeded', [attempt(5, 1, 2, 'succeeded')])]),
      digests,
    });
    expect(reportPasses(r)).toBe(true);
    expect(r).toMatchObject({ acked: 1, lost: 0, unfinished: 0, duplicateExecutions: 0 });
  });

  it('counts lost and unfinished acknowledged jobs', () => {
    const r = checkHistory({ acked: [{ jobId: '1', at: 1 }, { jobId: '2', at: 1 }], executions: [], finalJobs: new Map([job('2', 'ready')]), digests });
    expect(r).toMatchObject({ lost: 1, unfinished: 1 });
    expect(reportPasses(r)).toBe(false);
  });

  it('flags an accepted completion whose token is not the succeeded attempt', () => {
    const r = checkHistory({
      acked: [],
      executions: [run('1', 5, 'accepted'), run('1', 7, 'accepted')],
      finalJobs: new Map([job('1', 'succeeded', [attempt(5, 1, 2, 'expired'), attempt(7, 3, 4, 'succeeded')])]),
      digests,
    });
    expect(r.staleCompletionsAccepted).toBe(1);
  });

  it('flags overlapping leases and explains duplicates by expiry or kills', () => {
    const r = checkHistory({
      acked: [],
      executions: [run('1', 5, 'unknown', true), run('1', 7, 'accepted'), run('2', 8, 'rejected'), run('2', 9, 'accepted')],
      finalJobs: new Map([
        job('1', 'succeeded', [attempt(5, 1, 5, 'expired'), attempt(7, 4, 6, 'succeeded')]),
        job('2', 'succeeded', [attempt(8, 1, 2, 'expired'), attempt(9, 3, 4, 'succeeded')]),
      ]),
      digests,
    });
    expect(r.concurrentLeases).toBe(1);
    expect(r).toMatchObject({ duplicateExecutions: 2, duplicatesExplained: 2 });
  });

  it('requires every replica at the same applied index and digest', () => {
    const r = checkHistory({ acked: [], executions: [], finalJobs: new Map(), digests: [...digests, { id: 'n3', appliedIndex: 8, stateDigest: 'a' }] });
    expect(r.replicasAgree).toBe(false);
  });
});

describe('attempts over the limit', () => {
  const LEGACY = 'released: the worker never received this lease';
  const ended = (token: number, outcome: string, error: string | null = null): ClusterAttempt => ({ attempt: token, token, workerId: 'w1', startedAt: token * 100, endedAt: token * 100 + 50, outcome, error });
  const limited = (id: string, state: string, maxAttempts: number, history: ClusterAttempt[], kind: FinalJob['kind'] = 'poison'): [string, FinalJob] => [id, { id, state, history, kind, maxAttempts }];
  const started = (jobId: string, ...tokens: number[]): Execution[] => tokens.map((t) => run(jobId, t, 'unknown', true));

  it.each([
    ['released', null, false],
    ['expired', LEGACY, false],
    ['expired', 'lease expired', true],
    ['expired', null, true],
    ['abandoned', null, true],
    ['failed', 'boom', true],
    ['succeeded', null, true],
    ['cancelled', null, true],
    ['running', null, true],
  ] as const)('an attempt with outcome %s and error %j counts by the cluster\'s account: %s', (outcome, error, counts) => {
    expect(attemptCountsByCluster(ended(1, outcome, error))).toBe(counts);
  });

  it('counts a released attempt a worker had started: a poison job released on each restart ran past its limit', () => {
    // Today's bug: the worker crashes inside the handler, restarts under the same id, and the
    // cluster gives the attempt back as "never received" (and raises the limit) each time.
    const r = checkHistory({
      acked: [{ jobId: 'p', at: 1 }],
      executions: started('p', 1, 2, 3, 4),
      finalJobs: new Map([limited('p', 'leased', 2, [ended(1, 'expired', LEGACY), ended(2, 'expired', LEGACY), ended(3, 'expired', LEGACY), { ...ended(4, 'running'), endedAt: null }])]),
      digests,
    });
    expect(r).toMatchObject({ attemptsOverLimit: 1, releasedButRan: 3, unfinished: 1 });
    expect(r.examples.join('\n')).toMatch(/attempts over limit: job p \(poison, submitted with maxAttempts 2, now leased\) ran 4 attempts/);
    expect(reportPasses(r)).toBe(false);
  });

  it('does not count attempts released before any worker started them', () => {
    const r = checkHistory({
      acked: [{ jobId: 'p', at: 1 }],
      executions: started('p', 3, 4),
      finalJobs: new Map([limited('p', 'dead', 2, [ended(1, 'released'), ended(2, 'expired', LEGACY), ended(3, 'abandoned'), ended(4, 'failed', 'boom')])]),
      digests,
    });
    expect(r).toMatchObject({ attemptsOverLimit: 0, releasedButRan: 0, poisonJobs: { submitted: 1, dead: 1, other: 0 } });
    expect(reportPasses(r)).toBe(true);
  });

  it('counts every ended or running attempt by the cluster\'s account, started by a recorded worker or not', () => {
    const r = checkHistory({
      acked: [],
      executions: [],
      finalJobs: new Map([
        limited('a', 'leased', 2, [ended(1, 'abandoned'), ended(2, 'expired'), { ...ended(3, 'running'), endedAt: null }]),
        limited('b', 'dead', 2, [ended(1, 'failed', 'x'), ended(2, 'failed', 'x')], 'oversized'),
      ]),
      digests,
    });
    expect(r.attemptsOverLimit).toBe(1);
    expect(r.examples.join('\n')).toMatch(/job a .* ran 3 attempts/);
  });

  it('counts handler starts missing from a truncated history, and checks only jobs with a known limit', () => {
    const r = checkHistory({
      acked: [],
      executions: [...started('a', 1, 2, 3), ...started('b', 1, 2, 3)],
      finalJobs: new Map([limited('a', 'dead', 2, [ended(3, 'failed')]), job('b', 'succeeded', [ended(3, 'succeeded')])]),
      digests,
    });
    expect(r).toMatchObject({ attemptsOverLimit: 1, releasedButRan: 0 });
    expect(r.examples.join('\n')).toMatch(/ran 3 attempts: failed 1, started by a worker, not in the history 2/);
  });

  it('tallies poison and oversized jobs, and fails a job that ended in the wrong state', () => {
    const r = checkHistory({
      acked: ['p1', 'p2', 'o1', 'o2', 'n1', 'n2'].map((jobId) => ({ jobId, at: 1 })),
      executions: [],
      finalJobs: new Map([
        limited('p1', 'dead', 2, []),
        limited('p2', 'ready', 2, []),
        limited('o1', 'dead', 3, [], 'oversized'),
        limited('o2', 'succeeded', 3, [], 'oversized'),
        limited('n1', 'succeeded', 50, [], 'normal'),
        limited('n2', 'dead', 50, [ended(1, 'failed', 'handler threw')], 'normal'),
      ]),
      digests,
    });
    expect(r).toMatchObject({
      poisonJobs: { submitted: 2, dead: 1, other: 1 },
      oversizedResults: { submitted: 2, dead: 1, other: 1 },
      unfinished: 1,
      wrongEndState: 2,
      attemptsOverLimit: 0,
    });
    expect(r.examples.join('\n')).toMatch(/wrong end state: job n2 \(normal\) ended dead, expected succeeded; last error: handler threw/);
    expect(r.examples).toContain('unfinished by kind and state: poison ready 1');
    expect(r.examples).toContain('unfinished: job p2 (poison) is ready');
    expect(reportPasses(r)).toBe(false);
  });
});

describe('election safety from the nodes\' logs', () => {
  const base = { acked: [], executions: [], finalJobs: new Map<string, FinalJob>(), digests };

  it('passes one leader per term, even the same node leading again in a later run', () => {
    const r = checkHistory({
      ...base,
      leaderships: [
        { node: 'n1', run: 1, term: 2 },
        { node: 'n2', run: 1, term: 3 },
        { node: 'n1', run: 2, term: 5 },
      ],
    });
    expect(r).toMatchObject({ leaderTerms: 3, termsWithTwoLeaders: 0 });
    expect(reportPasses(r)).toBe(true);
  });

  it('fails two nodes leading one term, and one node leading one term in two runs (it forgot its term)', () => {
    const r = checkHistory({
      ...base,
      leaderships: [
        { node: 'n1', run: 1, term: 4 },
        { node: 'n2', run: 1, term: 4 },
        { node: 'n3', run: 1, term: 6 },
        { node: 'n3', run: 2, term: 6 },
      ],
    });
    expect(r.termsWithTwoLeaders).toBe(2);
    expect(r.examples.join('\n')).toMatch(/two leaders in term 4: n1 run 1, n2 run 1/);
    expect(reportPasses(r)).toBe(false);
  });
});

describe('disk fault summary', () => {
  const event = (kind: DiskFaultEvent['kind'], over: Partial<DiskFaultEvent> = {}): DiskFaultEvent => ({
    kind,
    node: 'n2',
    applied: true,
    detail: '',
    refused: false,
    rejoinMs: 1000,
    damagedAgain: false,
    ...over,
  });

  it('counts applied faults by kind, refusals by the fault before them, rebuilds and catch-ups', () => {
    const d = summarizeDiskFaults(
      [
        event('wipe', { rejoinMs: 2500 }),
        event('truncate-log', { refused: true }),
        event('truncate-log', { rejoinMs: null }),
        event('wipe', { rejoinMs: null, damagedAgain: true }),
        event('corrupt-table', { refused: true }),
        event('corrupt-table', { applied: false, detail: 'nothing to damage: restarted only', rejoinMs: null }),
      ],
      [
        { node: 'n2', after: 'truncate-log', message: 'm', rebuilt: true },
        { node: 'n2', after: 'corrupt-table', message: 'm', rebuilt: true },
        { node: 'n3', after: 'kill-leader', message: 'm', rebuilt: true },
      ],
    );
    expect(d).toEqual({
      wipe: 2,
      'truncate-log': 2,
      'corrupt-table': 1,
      refused: 3,
      refusedAfter: { 'truncate-log': 1, 'corrupt-table': 1, 'kill-leader': 1 },
      rebuilt: 3,
      startedDamaged: 1,
      rejoined: 3,
      notRejoined: 1,
      damagedAgain: 1,
      maxRejoinMs: 2500,
    });
  });

  it('reports nothing for a run without disk faults', () => {
    expect(summarizeDiskFaults([], [])).toMatchObject({ wipe: 0, refused: 0, rebuilt: 0, rejoined: 0, notRejoined: 0, maxRejoinMs: null });
  });
});

describe('schedule checker', () => {
  /** A 1-second interval schedule created at 10 s that has handled everything through 15.5 s. */
  const sched = (over: Partial<CheckedSchedule> = {}): CheckedSchedule => ({
    id: 's',
    cron: null,
    intervalMs: 1000,
    timeZone: 'UTC',
    startAt: null,
    endAt: null,
    catchUp: { mode: 'all', windowMs: 604_800_000 },
    createdAt: 10_000,
    handledThrough: 15_500,
    fired: 5,
    skipped: 0,
    ...over,
  });
  /** One job per slot (in seconds), created `lagMs` after it. */
  const jobsAt = (seconds: readonly number[], lagMs = 50, id = 's'): ScheduledJob[] =>
    seconds.map((sec, i) => ({ id: `${id}-${sec}-${i}`, scheduleId: id, slot: sec * 1000, submittedAt: sec * 1000 + lagMs, state: 'succeeded' }));
  const check = (schedules: CheckedSchedule[], jobs: ScheduledJob[], horizon = 15_000) => checkSchedules({ schedules, jobs, horizon });

  it('passes one job per slot after the creation, the creation instant itself not owed', () => {
    const r = check([sched({ createdAt: 10_000 })], jobsAt([11, 12, 13, 14, 15]));
    expect(r).toMatchObject({ scheduleSlotsMissed: 0, scheduleSlotsDoubled: 0, scheduleJobsOffSlot: 0, scheduleCountsOff: 0, scheduleJobsUnfinished: 0 });
    expect(r.schedules[0]).toMatchObject({ id: 's', mode: 'all', owed: 5, withJob: 5, fired: 5, skipped: 0, countsAgree: true });
    expect(schedulesPass(r)).toBe(true);
  });

  it('counts a slot with two jobs as doubled once, however the counters read', () => {
    const r = check([sched()], jobsAt([11, 12, 12, 13, 14, 15, 15, 15]));
    expect(r.scheduleSlotsDoubled).toBe(2);
    expect(r.scheduleSlotsMissed).toBe(0);
    expect(r.examples.join('\n')).toContain('has 3 jobs');
    expect(schedulesPass(r)).toBe(false);
  });

  it('counts every owed slot without a job of a catch-up all schedule as missed, even one it counted skipped', () => {
    const r = check([sched({ fired: 3, skipped: 2 })], jobsAt([11, 13, 15]));
    expect(r.scheduleSlotsMissed).toBe(2);
    expect(r.scheduleCountsOff).toBe(0);
    expect(schedulesPass(r)).toBe(false);
  });

  it('allows a latest schedule the slots it counted skipped, and no more', () => {
    const latest = { catchUp: { mode: 'latest', windowMs: 3_600_000 } } as const;
    const jobs = jobsAt([11, 14, 15]);
    const exact = check([sched({ ...latest, fired: 3, skipped: 2 })], jobs);
    expect(exact).toMatchObject({ scheduleSlotsMissed: 0, scheduleCountsOff: 0 });
    expect(schedulesPass(exact)).toBe(true);
    // One slot neither fired nor counted skipped.
    const short = check([sched({ ...latest, fired: 3, skipped: 1 })], jobs);
    expect(short).toMatchObject({ scheduleSlotsMissed: 1, scheduleCountsOff: 1 });
    // Skips over-counted: nothing is missing, but the counters do not account exactly.
    const over = check([sched({ ...latest, fired: 3, skipped: 3 })], jobs);
    expect(over).toMatchObject({ scheduleSlotsMissed: 0, scheduleCountsOff: 1 });
    expect(schedulesPass(over)).toBe(false);
    // `fired` must match the slots that have a job.
    expect(check([sched({ ...latest, fired: 4, skipped: 1 })], jobs).scheduleCountsOff).toBe(1);
  });

  it('counts slots up to the horizon the cluster never considered as missed, and bounds the counters by handledThrough', () => {
    for (const mode of ['all', 'latest'] as const) {
      const r = check([sched({ catchUp: { mode, windowMs: 3_600_000 }, handledThrough: 13_500, fired: 3 })], jobsAt([11, 12, 13]));
      expect(r.scheduleSlotsMissed, mode).toBe(2);
      expect(r.scheduleCountsOff, mode).toBe(0);
      expect(r.schedules[0]?.owed, mode).toBe(5);
    }
  });

  it('owes nothing after the end of the schedule', () => {
    const r = check([sched({ endAt: 13_000, fired: 3 })], jobsAt([11, 12, 13]));
    expect(r.schedules[0]?.owed).toBe(3);
    expect(schedulesPass(r)).toBe(true);
  });

  it('follows a cron time line, and flags a job for no slot of it', () => {
    const cron = sched({ id: 'c', cron: '*/2 * * * * *', intervalMs: null, createdAt: 10_500, handledThrough: 20_000, fired: 5 });
    const onTime = jobsAt([12, 14, 16, 18, 20], 50, 'c');
    expect(check([cron], onTime, 20_000)).toMatchObject({ scheduleSlotsMissed: 0, scheduleJobsOffSlot: 0, scheduleCountsOff: 0 });
    const r = check([cron], [...onTime, ...jobsAt([13], 50, 'c'), ...jobsAt([12], 50, 'unknown')], 20_000);
    expect(r.scheduleJobsOffSlot).toBe(2);
    expect(schedulesPass(r)).toBe(false);
  });

  it('counts unfinished schedule jobs', () => {
    const jobs = jobsAt([11, 12, 13, 14, 15]).map((j, i) => (i === 2 ? { ...j, state: 'leased' } : j));
    const r = check([sched()], jobs);
    expect(r.scheduleJobsUnfinished).toBe(1);
    expect(schedulesPass(r)).toBe(false);
  });

  it('reports the slot lag of each slot\'s first job, p50 and max, per schedule and over all', () => {
    const lagged = (sec: number, lag: number, id = 's'): ScheduledJob => ({ id: `${id}-${sec}-${lag}`, scheduleId: id, slot: sec * 1000, submittedAt: sec * 1000 + lag, state: 'succeeded' });
    const jobs = [lagged(11, 30), lagged(12, 10), lagged(13, 500), lagged(14, 20), lagged(15, 40), lagged(15, 9000)];
    const other = sched({ id: 't', fired: 1, handledThrough: 11_500 });
    const r = check([sched(), other], [...jobs, lagged(11, 5, 't')], 11_000);
    expect(r.schedules[0]).toMatchObject({ lagP50Ms: 30, lagMaxMs: 500 });
    expect(r.schedules[1]).toMatchObject({ lagP50Ms: 5, lagMaxMs: 5 });
    // Over all: 5, 10, 20, 30, 40, 500 (the 9 s job is a second job of its slot).
    expect(r.scheduleSlotLag).toEqual({ p50Ms: 20, maxMs: 500 });
  });
});
