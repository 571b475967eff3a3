/**
 * The per-key lease-hold window behind `raftjobs_lease_holds_recent`: the busiest keys one by one,
 * the rest of each queue as `other`, over the last minute only, and never more keys than asked
 * however many come.
 */
import { describe, expect, it } from 'vitest';
import { OTHER_GROUP, RecentHolds } from '../../src/observability/recent-holds.js';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const sorted = (xs: ReturnType<RecentHolds['snapshot']>): ReturnType<RecentHolds['snapshot']> =>
  [...xs].sort((a, b) => `${a.queue}/${a.group}/${a.reason}`.localeCompare(`${b.queue}/${b.group}/${b.reason}`));

describe('RecentHolds', () => {
  it('reports the busiest keys one by one, each reason apart, and sums the rest of each queue as other', () => {
    const c = clock();
    const h = new RecentHolds({ top: 2, now: c.now });
    for (let i = 0; i < 5; i++) h.add('q', 'big', 'groupConcurrency');
    h.add('q', 'big', 'groupRate', 2);
    h.add('q', 'mid', 'groupRate', 3);
    h.add('q', 'small', 'groupConcurrency');
    h.add('q', 'tiny', 'throttled');
    h.add('r', 'one', 'groupConcurrency');
    expect(sorted(h.snapshot())).toEqual([
      { queue: 'q', group: 'big', reason: 'groupConcurrency', count: 5 },
      { queue: 'q', group: 'big', reason: 'groupRate', count: 2 },
      { queue: 'q', group: 'mid', reason: 'groupRate', count: 3 },
      { queue: 'q', group: OTHER_GROUP, reason: 'groupConcurrency', count: 1 },
      { queue: 'q', group: OTHER_GROUP, reason: 'throttled', count: 1 },
      { queue: 'r', group: OTHER_GROUP, reason: 'groupConcurrency', count: 1 },
    ]);
  });

  it('forgets what is older than the window', () => {
    const c = clock(0);
    const h = new RecentHolds({ windowMs: 60_000, buckets: 6, now: c.now });
    h.add('q', 'a', 'groupRate', 4);
    c.advance(30_000);
    h.add('q', 'b', 'groupRate');
    expect(sorted(h.snapshot()).map((x) => `${x.group}:${x.count}`)).toEqual(['a:4', 'b:1']);
    c.advance(35_000);
    expect(h.snapshot().map((x) => `${x.group}:${x.count}`)).toEqual(['b:1']);
    c.advance(60_000);
    expect(h.snapshot()).toEqual([]);
    // A bucket used again starts empty.
    h.add('q', 'c', 'groupRate');
    expect(h.snapshot().map((x) => `${x.group}:${x.count}`)).toEqual(['c:1']);
  });

  it('tracks at most maxKeys keys per bucket: the rest are summed as other at once', () => {
    const h = new RecentHolds({ maxKeys: 100, top: 5, now: () => 0 });
    for (let i = 0; i < 10_000; i++) h.add('q', `k${i}`, 'groupConcurrency');
    const snap = h.snapshot();
    expect(snap.filter((x) => x.group !== OTHER_GROUP)).toHaveLength(5);
    expect(snap.find((x) => x.group === OTHER_GROUP)).toEqual({ queue: 'q', group: OTHER_GROUP, reason: 'groupConcurrency', count: 9_995 });
  });
});
