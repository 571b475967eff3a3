import { describe, expect, it } from 'vitest';
import { applyBatch, clockOf, createState, getJob, lastAppliedIndex, nextDueTime } from '../../src/jobs/index.js';
import { Harness, job } from './helpers.js';

const T0 = 10_000_000;

describe('replicated time (J5)', () => {
  it('the clock is the max of entry times: a leader whose clock is behind does not move it back', () => {
    const h = new Harness();
    h.apply(T0);
    expect(clockOf(h.state)).toBe(T0);
    // New leader, clock 5 s behind: its submit is stamped with the state clock, not its own.
    const [id] = h.submit(T0 - 5000, job({ delayMs: 1000 }));
    expect(clockOf(h.state)).toBe(T0);
    expect(getJob(h.state, id!)).toMatchObject({ submittedAt: T0, runAt: T0 + 1000 });
    // Its ticks stay below the run-at until its own clock catches up.
    h.one(T0 - 4000, { type: 'tick' });
    expect(getJob(h.state, id!)!.state).toBe('scheduled');
    h.one(T0 + 1000, { type: 'tick' });
    expect(getJob(h.state, id!)!.state).toBe('ready');
  });

  it('a lease granted by a lagging leader still expires by the state clock', () => {
    const h = new Harness();
    h.apply(T0);
    h.submit(T0, job({ leaseTtlMs: 1000 }));
    const g = h.lease(T0 - 60_000, ['q'])[0]!;
    expect(g.expiresAt).toBe(T0 + 1000);
  });

  it('fractions of a ms are dropped and non-finite times are ignored', () => {
    const h = new Harness();
    h.apply(T0 + 0.9);
    expect(clockOf(h.state)).toBe(T0);
    h.apply(Number.NaN);
    h.apply(Number.POSITIVE_INFINITY);
    expect(clockOf(h.state)).toBe(T0);
  });

  it('entry indexes must increase (gaps allowed); re-applying one is a broken invariant', () => {
    const s = createState();
    applyBatch(s, { time: 1, commands: [] }, 3);
    applyBatch(s, { time: 2, commands: [] }, 7);
    expect(lastAppliedIndex(s)).toBe(7);
    expect(() => applyBatch(s, { time: 3, commands: [] }, 7)).toThrow(RangeError);
    expect(() => applyBatch(s, { time: 3, commands: [] }, 2)).toThrow(RangeError);
  });
});

describe('due work and nextDueTime', () => {
  it('an idle state has nothing due', () => {
    const h = new Harness();
    expect(nextDueTime(h.state)).toBeNull();
    h.submit(T0, job());
    expect(nextDueTime(h.state)).toBeNull(); // ready jobs wait for workers, not for time
  });

  it('is the earliest of scheduled run-ats and lease expiries', () => {
    const h = new Harness();
    h.submit(T0, job({ delayMs: 5000 }), job({ delayMs: 3000 }), job({ leaseTtlMs: 4000 }));
    expect(nextDueTime(h.state)).toBe(T0 + 3000);
    h.leaseOne(T0 + 10); // expires T0 + 4010
    expect(nextDueTime(h.state)).toBe(T0 + 3000);
    h.one(T0 + 3000, { type: 'tick' });
    expect(nextDueTime(h.state)).toBe(T0 + 4010);
    h.one(T0 + 4010, { type: 'tick' }); // expiry re-schedules it after 1 s of backoff
    expect(nextDueTime(h.state)).toBe(T0 + 5000);
  });

  it('promotions and expiries also happen lazily at the start of any batch', () => {
    const h = new Harness();
    const [a, b] = h.submit(T0, job({ delayMs: 100 }), job({ leaseTtlMs: 100 }));
    h.lease(T0, ['q']); // leases b
    const [r] = h.apply(T0 + 200, { type: 'tick' });
    expect(r).toEqual({ ok: true, type: 'tick', promoted: 1, expired: 1, purged: 0 });
    expect(getJob(h.state, a!)!.state).toBe('ready');
    expect(getJob(h.state, b!)!.state).toBe('scheduled');
    // A lease with no tick in between sees due jobs as ready.
    const h2 = new Harness();
    const [c] = h2.submit(T0, job({ delayMs: 100 }));
    expect(h2.lease(T0 + 100, ['q']).map((g) => g.jobId)).toEqual([c]);
  });

  it('many due items are processed in (time, submit order)', () => {
    const h = new Harness();
    const ids = h.submit(T0, job({ delayMs: 300 }), job({ delayMs: 100 }), job({ delayMs: 200 }), job({ delayMs: 100 }));
    expect(h.lease(T0 + 1000, ['q'], 4).map((g) => g.jobId)).toEqual([ids[1], ids[3], ids[2], ids[0]]);
  });
});
