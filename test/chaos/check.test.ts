import { describe, expect, it } from 'vitest';
import { checkHistory, reportPasses, type Execution, type FinalJob } from '../../scripts/chaos/check.js';

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
