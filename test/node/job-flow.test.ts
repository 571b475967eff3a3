/** `reportFlow`: the job-flow counts a batch's events add up to, per queue, event and cause. */
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../src/jobs/index.js';
import { reportFlow } from '../../src/node/index.js';

describe('reportFlow', () => {
  it('sums a batch of events per queue, event and cause; leases, releases, throttled attempts and purges count nothing', () => {
    const events: JobEvent[] = [
      { type: 'submitted', jobId: '1', queue: 'a', group: null, state: 'ready' },
      { type: 'submitted', jobId: '2', queue: 'a', group: null, state: 'scheduled' },
      { type: 'submitted', jobId: '3', queue: 'b', group: null, state: 'ready' },
      { type: 'leased', jobId: '1', queue: 'a', group: null, token: 1, workerId: 'w', session: 's', attempt: 1 },
      { type: 'completed', jobId: '1', queue: 'a', group: null, token: 1 },
      { type: 'failed', jobId: '4', queue: 'a', group: null, token: 2, next: 'retry' },
      { type: 'failed', jobId: '5', queue: 'a', group: null, token: 3, next: 'dead' },
      { type: 'expired', jobId: '6', queue: 'b', group: null, token: 4, next: 'retry' },
      { type: 'expired', jobId: '7', queue: 'b', group: null, token: 5, next: 'dead' },
      { type: 'abandoned', jobId: '8', queue: 'b', group: null, token: 6, workerId: 'w', session: 's', next: 'dead' },
      { type: 'abandoned', jobId: '9', queue: 'b', group: null, token: 7, workerId: 'w', session: 's', next: 'retry' },
      { type: 'released', jobId: '10', queue: 'b', group: null, token: 8, workerId: 'w', session: 's' },
      { type: 'throttled', jobId: '14', queue: 'b', group: 'k', token: 9, scope: 'key', until: 5000, state: 'ready' },
      { type: 'cancelled', jobId: '11', queue: 'a', group: null, previous: 'ready', token: 0 },
      { type: 'retried', jobId: '12', queue: 'a', group: null },
      { type: 'purged', jobId: '13', queue: 'a', group: null, state: 'succeeded' },
    ];
    const calls: string[] = [];
    reportFlow(events, { job: (event, queue, count, cause) => calls.push(`${queue} ${event}${cause ? `/${cause}` : ''} ${count}`) });
    expect(calls.sort()).toEqual(
      [
        'a submitted 2',
        'a completed 1',
        'a failed 2',
        'a retried/failed 1',
        'a dead 1',
        'a cancelled 1',
        'a retried/operator 1',
        'b submitted 1',
        'b leaseExpired 2',
        'b retried/expired 1',
        'b dead 2',
      ].sort(),
    );
  });
});
