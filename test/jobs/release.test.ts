import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, getJob, validateCommand } from '../../src/jobs/index.js';
import { Harness, expectRejected, job } from './helpers.js';

const T0 = 7_000_000;

describe('release: leases a reconnecting worker never received', () => {
  it('returns the leases the worker does not hold to ready, at once, without spending an attempt', () => {
    const h = new Harness();
    const [a, b, c] = h.submit(T0, job({ maxAttempts: 1 }), job({ maxAttempts: 1 }), job({ maxAttempts: 1 }));
    const grants = h.lease(T0, ['q'], 3, 'w1');
    const held = grants.find((g) => g.jobId === a)!;
    const res = h.one(T0 + 10, { type: 'release', workerId: 'w1', keep: [{ jobId: held.jobId, token: held.token }] });
    expect(res).toMatchObject({ ok: true, type: 'release' });
    expect([...(res as unknown as { released: string[] }).released].sort()).toEqual([b, c].sort());
    expect(getJob(h.state, a!)!.state).toBe('leased');
    for (const id of [b!, c!]) {
      const v = getJob(h.state, id)!;
      expect(v.state).toBe('ready');
      expect(v.attemptLimit).toBe(2);
      expect(v.history.at(-1)).toMatchObject({ outcome: 'expired' });
    }
    // The released attempt's token is stale; the next lease carries a higher one and can succeed.
    const old = grants.find((g) => g.jobId === b)!;
    expectRejected(h.one(T0 + 11, { type: 'complete', jobId: b!, token: old.token }), 'STALE_TOKEN');
    const again = h.lease(T0 + 12, ['q'], 2, 'w2');
    expect(again.every((g) => g.token > old.token)).toBe(true);
    const next = again.find((g) => g.jobId === b)!;
    expect(h.one(T0 + 13, { type: 'complete', jobId: b!, token: next.token })).toMatchObject({ ok: true });
  });

  it('leaves other workers leases alone', () => {
    const h = new Harness();
    const [a] = h.submit(T0, job());
    h.lease(T0, ['q'], 1, 'w1');
    expect(h.one(T0 + 1, { type: 'release', workerId: 'w2', keep: [] })).toMatchObject({ ok: true, released: [] });
    expect(getJob(h.state, a!)!.state).toBe('leased');
  });

  it('round-trips through the codec and is validated', () => {
    const batch = { time: 1, commands: [{ type: 'release' as const, workerId: 'w', keep: [{ jobId: '0000000001', token: 3 }] }] };
    expect(decodeBatch(encodeBatch(batch))).toEqual({ ok: true, value: batch });
    expect(validateCommand({ type: 'release', workerId: '', keep: [] }).ok).toBe(false);
    expect(validateCommand({ type: 'release', workerId: 'w', keep: 'x' }).ok).toBe(false);
  });
});
