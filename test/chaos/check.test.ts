import { describe, expect, it } from 'vitest';
import { checkHistory, reportPasses, summarizeDiskFaults, type DiskFaultEvent, type Execution, type FinalJob } from '../../scripts/chaos/check.js';

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
