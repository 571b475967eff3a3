/** The chaos checker of the watch stream (scripts/chaos/watch-check.ts), on hand-made runs. */
import { describe, expect, it } from 'vitest';
import type { FinalJob } from '../../scripts/chaos/check.js';
import { checkWatch, expectedWatchEvents, watchPasses, type WatchedEvent } from '../../scripts/chaos/watch-check.js';

const attempt = (token: number, outcome: string) => ({ attempt: 1, token, workerId: 'w', startedAt: token, endedAt: outcome === 'running' ? null : token + 1, outcome });
const job = (id: string, state: string, history: FinalJob['history']): [string, FinalJob] => [id, { id, state, history }];

/** Events in order at entries 1, 2, 3, ..., one per entry. */
const events = (...list: [type: string, jobId: string, token: number][]): WatchedEvent[] => list.map(([type, jobId, token], i) => ({ type, jobId, token, index: i + 1, ordinal: 0 }));

describe('chaos watch checker', () => {
  const finalJobs = new Map([job('a', 'succeeded', [attempt(3, 'expired'), attempt(7, 'succeeded')]), job('b', 'dead', [attempt(4, 'failed'), attempt(9, 'abandoned')])]);
  const acked = [
    { jobId: 'a', at: 1 },
    { jobId: 'b', at: 1 },
  ];
  const clean = events(['submitted', 'a', 0], ['submitted', 'b', 0], ['leased', 'a', 3], ['leased', 'b', 4], ['expired', 'a', 3], ['failed', 'b', 4], ['leased', 'a', 7], ['leased', 'b', 9], ['completed', 'a', 7], ['dead', 'b', 9]);

  it('expects submitted, each lease and each end, the last attempt of a dead job as dead', () => {
    expect(expectedWatchEvents(finalJobs.get('b') as FinalJob)).toEqual(['b submitted 0', 'b leased 4', 'b failed 4', 'b leased 9', 'b dead 9']);
    expect(expectedWatchEvents({ id: 'c', state: 'leased', history: [attempt(2, 'running')] })).toEqual(['c submitted 0', 'c leased 2']);
  });

  it('passes a watch that received every transition once, in order', () => {
    const r = checkWatch({ events: clean, acked, finalJobs, error: null });
    expect(r).toMatchObject({ watchEvents: 10, watchGaps: 0, watchDuplicates: 0, watchOutOfOrder: 0, watchUnexplained: 0 });
    expect(watchPasses(r)).toBe(true);
  });

  it('counts a missing transition as a gap, a repeated one as a duplicate, a step back as out of order', () => {
    const gap = checkWatch({ events: clean.filter((e) => !(e.type === 'expired')), acked, finalJobs, error: null });
    expect(gap.watchGaps).toBe(1);
    expect(gap.examples[0]).toContain('watch gap: a expired 3');
    const twice = [...clean, { ...(clean[9] as WatchedEvent), index: 11 }];
    expect(checkWatch({ events: twice, acked, finalJobs, error: null })).toMatchObject({ watchDuplicates: 1, watchOutOfOrder: 0 });
    const back = [...clean.slice(0, 5), { ...(clean[5] as WatchedEvent), index: 2 }, ...clean.slice(6)];
    expect(checkWatch({ events: back, acked, finalJobs, error: null }).watchOutOfOrder).toBe(1);
    const madeUp = [...clean, { type: 'cancelled', jobId: 'a', token: 7, index: 20, ordinal: 0 }];
    expect(checkWatch({ events: madeUp, acked, finalJobs, error: null }).watchUnexplained).toBe(1);
    const ended = checkWatch({ events: clean, acked, finalJobs, error: 'WATCH_POSITION_COMPACTED' });
    expect(watchPasses(ended)).toBe(false);
  });
});
