import { describe, expect, it } from 'vitest';
import { getJob, hasReady, readyCount } from '../../src/jobs/index.js';
import { Harness, job } from './helpers.js';

const T0 = 3_000_000;

describe('lease order: priority, then run-at, then submit order', () => {
  it('higher priority first', () => {
    const h = new Harness();
    const ids = h.submit(T0, job({ priority: 1 }), job({ priority: 10 }), job({ priority: -5 }), job({ priority: 10 }));
    expect(h.lease(T0, ['q'], 10).map((g) => g.jobId)).toEqual([ids[1], ids[3], ids[0], ids[2]]);
  });

  it('same priority: earlier run-at first, even when submitted later', () => {
    const h = new Harness();
    const [late] = h.submit(T0, job({ delayMs: 500 }));
    const [early] = h.submit(T0 + 1, job({ delayMs: 100 }));
    const [now] = h.submit(T0 + 600, job());
    // At T0+600 both scheduled jobs are due: early (T0+101), late (T0+500), then now (T0+600).
    expect(h.lease(T0 + 600, ['q'], 3).map((g) => g.jobId)).toEqual([early, late, now]);
  });

  it('same priority and run-at: submit order (FIFO)', () => {
    const h = new Harness();
    const ids = h.submit(T0, job(), job(), job(), job(), job());
    expect(h.lease(T0, ['q'], 2).map((g) => g.jobId)).toEqual(ids.slice(0, 2));
    expect(h.lease(T0, ['q'], 5).map((g) => g.jobId)).toEqual(ids.slice(2));
  });

  it('across several queues the same order applies; unknown queues are ignored', () => {
    const h = new Harness();
    const [a1, b1, a2, c1] = h.submit(
      T0,
      job({ queue: 'a' }),
      job({ queue: 'b', priority: 1 }),
      job({ queue: 'a', priority: 1 }),
      job({ queue: 'c', priority: 100 }),
    );
    expect(h.lease(T0, ['a', 'b', 'nope', 'a'], 10).map((g) => g.jobId)).toEqual([b1, a2, a1]);
    expect(hasReady(h.state, ['a', 'b'])).toBe(false);
    expect(hasReady(h.state, ['a', 'c'])).toBe(true);
    expect(readyCount(h.state, 'c')).toBe(1);
    expect(getJob(h.state, c1!)!.state).toBe('ready');
  });

  it('lease honours max and the ttl override; an empty queue grants nothing', () => {
    const h = new Harness();
    h.submit(T0, job({ leaseTtlMs: 1000 }), job({ leaseTtlMs: 2000 }), job());
    const grants = h.lease(T0, ['q'], 2, 'w', 500);
    expect(grants.map((g) => [g.ttlMs, g.expiresAt])).toEqual([
      [500, T0 + 500],
      [500, T0 + 500],
    ]);
    const [third] = h.lease(T0, ['q'], 5);
    expect(third!.ttlMs).toBe(30_000); // default lease TTL
    expect(h.lease(T0, ['q'], 5)).toEqual([]);
    expect(h.lease(T0, ['empty'], 5)).toEqual([]);
  });

  it('a re-queued job keeps its priority and sorts by its new run-at', () => {
    const h = new Harness();
    const [x] = h.submit(T0, job({ priority: 5, backoff: { type: 'fixed', delayMs: 100 } }));
    const g = h.leaseOne(T0);
    h.one(T0, { type: 'fail', jobId: x!, token: g.token, error: 'e' });
    const [y] = h.submit(T0 + 50, job({ priority: 5 }));
    const [z] = h.submit(T0 + 200, job({ priority: 6 }));
    // z first by priority; then y (run-at T0+50) before the retried x (run-at T0+100).
    expect(h.lease(T0 + 200, ['q'], 3).map((l) => l.jobId)).toEqual([z, y, x]);
  });
});
