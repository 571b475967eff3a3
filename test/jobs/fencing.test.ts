import { describe, expect, it } from 'vitest';
import { getJob, nextDueTime, stateDigest } from '../../src/jobs/index.js';
import { Harness, expectRejected, job } from './helpers.js';

const T0 = 5_000_000;

describe('fencing tokens (J2, J3, J4)', () => {
  it('tokens strictly increase, across jobs and across attempts of one job', () => {
    const h = new Harness();
    h.submit(T0, job(), job(), job());
    const tokens = h.lease(T0, ['q'], 3).map((g) => g.token);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    expect(new Set(tokens).size).toBe(3);
  });

  it('complete, fail, heartbeat and progress with a stale token are rejected and change nothing', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job());
    const g = h.leaseOne(T0);
    const digest = stateDigest(h.state);
    const stale = g.token + 7;
    const rs = h.apply(
      T0,
      { type: 'complete', jobId: id!, token: stale },
      { type: 'fail', jobId: id!, token: stale, error: 'x' },
      { type: 'progress', jobId: id!, token: stale, percent: 1 },
    );
    for (const r of rs) expect(expectRejected(r, 'STALE_TOKEN').jobId).toBe(id);
    expect(h.one(T0, { type: 'heartbeat', leases: [{ jobId: id!, token: stale }] })).toMatchObject({
      ok: true,
      leases: [{ ok: false, code: 'STALE_TOKEN' }],
    });
    expect(stateDigest(h.state)).toBe(digest);
  });

  it('commands on a job that is not leased are STALE_TOKEN', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job());
    expectRejected(h.one(T0, { type: 'complete', jobId: id!, token: 1 }), 'STALE_TOKEN');
    expect(getJob(h.state, id!)!.state).toBe('ready');
  });

  it('double complete: the first is final, the second is rejected', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job());
    const g = h.leaseOne(T0);
    const [first, second] = h.apply(
      T0 + 1,
      { type: 'complete', jobId: id!, token: g.token },
      { type: 'complete', jobId: id!, token: g.token },
    );
    expect(first).toMatchObject({ ok: true, type: 'complete' });
    expectRejected(second, 'STALE_TOKEN');
    expectRejected(h.one(T0 + 2, { type: 'fail', jobId: id!, token: g.token, error: 'late' }), 'STALE_TOKEN');
    expect(getJob(h.state, id!)).toMatchObject({ state: 'succeeded', lastError: null });
  });

  it('an expired lease re-queues the job; the next lease has a higher token and the old one is rejected', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ leaseTtlMs: 1000, backoff: { type: 'fixed', delayMs: 500 } }));
    const old = h.leaseOne(T0);
    expect(nextDueTime(h.state)).toBe(T0 + 1000);
    expect(h.one(T0 + 1000, { type: 'tick' })).toEqual({ ok: true, type: 'tick', promoted: 0, expired: 1, purged: 0 });
    expect(getJob(h.state, id!)).toMatchObject({ state: 'scheduled', runAt: T0 + 1500, lastError: 'lease expired' });
    expect(getJob(h.state, id!)!.history[0]).toMatchObject({ outcome: 'expired', endedAt: T0 + 1000 });
    const next = h.leaseOne(T0 + 1500);
    expect(next.token).toBeGreaterThan(old.token);
    expect(next.attempt).toBe(2);
    expectRejected(h.one(T0 + 1501, { type: 'complete', jobId: id!, token: old.token }), 'STALE_TOKEN');
    expect(h.one(T0 + 1502, { type: 'complete', jobId: id!, token: next.token })).toMatchObject({ ok: true });
  });

  it('expiry happens lazily at the start of a batch: a late completion in that batch is stale', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ leaseTtlMs: 1000 }));
    const g = h.leaseOne(T0);
    expectRejected(h.one(T0 + 1000, { type: 'complete', jobId: id!, token: g.token }), 'STALE_TOKEN');
  });

  it('an expired lease on the last attempt sends the job dead', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ maxAttempts: 1, leaseTtlMs: 100 }));
    h.leaseOne(T0);
    h.one(T0 + 100, { type: 'tick' });
    expect(getJob(h.state, id!)).toMatchObject({ state: 'dead', finishedAt: T0 + 100 });
  });

  it('heartbeat extends the lease to now + ttl (default: the lease TTL)', () => {
    const h = new Harness();
    const [a, b] = h.submit(T0, job({ leaseTtlMs: 1000 }), job({ leaseTtlMs: 1000 }));
    const [ga, gb] = h.lease(T0, ['q'], 2);
    expect(h.one(T0 + 900, { type: 'heartbeat', leases: [{ jobId: a!, token: ga!.token }] })).toEqual({
      ok: true,
      type: 'heartbeat',
      leases: [{ ok: true, jobId: a, expiresAt: T0 + 1900 }],
    });
    expect(h.one(T0 + 950, { type: 'heartbeat', ttlMs: 5000, leases: [{ jobId: b!, token: gb!.token }] })).toMatchObject({
      leases: [{ ok: true, expiresAt: T0 + 5950 }],
    });
    h.one(T0 + 1000, { type: 'tick' });
    expect(getJob(h.state, a!)!.state).toBe('leased');
    expect(getJob(h.state, b!)!.lease).toMatchObject({ expiresAt: T0 + 5950, ttlMs: 5000 });
    expect(nextDueTime(h.state)).toBe(T0 + 1900);
    h.one(T0 + 1900, { type: 'tick' });
    expect(getJob(h.state, a!)!.state).toBe('scheduled');
    expect(getJob(h.state, b!)!.state).toBe('leased');
  });

  it('one heartbeat command carries many leases; each is judged on its own', () => {
    const h = new Harness();
    const [a, b] = h.submit(T0, job(), job());
    const [ga] = h.lease(T0, ['q'], 1);
    const r = h.one(T0 + 1, {
      type: 'heartbeat',
      leases: [
        { jobId: a!, token: ga!.token },
        { jobId: b!, token: ga!.token },
      ],
    });
    expect(r).toMatchObject({ ok: true, leases: [{ ok: true, jobId: a }, { ok: false, jobId: b, code: 'STALE_TOKEN' }] });
  });

  it('cancelling a leased job makes its token stale for heartbeat and complete', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job());
    const g = h.leaseOne(T0);
    h.one(T0 + 1, { type: 'cancel', jobId: id! });
    expect(h.one(T0 + 2, { type: 'heartbeat', leases: [{ jobId: id!, token: g.token }] })).toMatchObject({
      leases: [{ ok: false, code: 'STALE_TOKEN' }],
    });
    expectRejected(h.one(T0 + 2, { type: 'complete', jobId: id!, token: g.token }), 'STALE_TOKEN');
    expect(getJob(h.state, id!)!.state).toBe('cancelled');
  });
});

describe('leader change (J6)', () => {
  it('grace keeps inherited leases alive even when the new leader is past their expiry', () => {
    const h = new Harness();
    const [a, b] = h.submit(T0, job({ leaseTtlMs: 1000 }), job({ leaseTtlMs: 60_000 }));
    const [ga, gb] = h.lease(T0, ['q'], 2);
    // The old leader died; the new one's first entry is at T0 + 3000, past a's expiry.
    const [tick] = h.apply(T0 + 3000, { type: 'tick' }, { type: 'leaderChange', graceMs: 2000 });
    expect(getJob(h.state, a!)).toMatchObject({ state: 'leased', lease: { expiresAt: T0 + 5000 } });
    expect(getJob(h.state, b!)!.lease!.expiresAt).toBe(T0 + 60_000); // never shortened
    expect(tick).toEqual({ ok: true, type: 'tick', promoted: 0, expired: 0, purged: 0 });
    // The worker heartbeats through the failover and completes.
    h.one(T0 + 4000, { type: 'heartbeat', leases: [{ jobId: a!, token: ga!.token }] });
    expect(h.one(T0 + 4500, { type: 'complete', jobId: a!, token: ga!.token })).toMatchObject({ ok: true });
    expect(gb!.token).toBeGreaterThan(ga!.token);
  });

  it('reports how many leases were extended and until when', () => {
    const h = new Harness();
    h.submit(T0, job({ leaseTtlMs: 1000 }), job({ leaseTtlMs: 60_000 }));
    h.lease(T0, ['q'], 2);
    expect(h.one(T0 + 100, { type: 'leaderChange', graceMs: 2000 })).toEqual({
      ok: true,
      type: 'leaderChange',
      extended: 1,
      graceUntil: T0 + 2100,
    });
    expect(nextDueTime(h.state)).toBe(T0 + 2100);
  });

  it('without a grace, the same late entry expires the lease', () => {
    const h = new Harness();
    const [a] = h.submit(T0, job({ leaseTtlMs: 1000 }));
    h.leaseOne(T0);
    h.one(T0 + 3000, { type: 'tick' });
    expect(getJob(h.state, a!)!.state).toBe('scheduled');
  });
});
