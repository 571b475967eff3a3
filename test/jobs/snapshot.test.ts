import { describe, expect, it } from 'vitest';
import {
  applyBatch,
  getJob,
  lastAppliedIndex,
  listJobs,
  nextDueTime,
  restoreState,
  snapshotState,
  stateDigest,
  stats,
  type JobsState,
} from '../../src/jobs/index.js';
import { GenContext, randomBatch } from './gen.js';
import { Harness, bytes, job, rng } from './helpers.js';

function restore(s: JobsState): JobsState {
  const r = restoreState(snapshotState(s), s.options);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** Every job view, in id order. */
function allViews(s: JobsState): unknown[] {
  return listJobs(s, { pageSize: 1000 }).jobs.map((j) => getJob(s, j.id));
}

describe('snapshots', () => {
  it('round-trip an empty state', () => {
    const h = new Harness();
    const s = restore(h.state);
    expect(stateDigest(s)).toBe(stateDigest(h.state));
    expect(nextDueTime(s)).toBeNull();
  });

  it('round-trip exactly: digest, views, stats, clock, counters, keys, next due time', () => {
    const h = new Harness({ idempotencyWindowMs: 50_000 });
    const T = 1_000_000;
    const ids = h.submit(
      T,
      job({ idempotencyKey: 'k1', priority: 3, payload: bytes('a') }),
      job({ delayMs: 10_000 }),
      job({ leaseTtlMs: 5000, backoff: { type: 'exponential', initialMs: 10, maxMs: 100, factor: 3, jitter: 0.5 } }),
      job({ queue: 'other', maxAttempts: 1 }),
    );
    const [g1, g2] = h.lease(T + 1, ['q'], 2, 'w9');
    const [g3] = h.lease(T + 1, ['other'], 1);
    h.apply(
      T + 2,
      { type: 'progress', jobId: g2!.jobId, token: g2!.token, percent: 12, message: 'm' },
      { type: 'complete', jobId: g1!.jobId, token: g1!.token, result: bytes('r') },
      { type: 'fail', jobId: g3!.jobId, token: g3!.token, error: 'bad' },
    );
    const s = restore(h.state);
    expect(stateDigest(s)).toBe(stateDigest(h.state));
    expect(allViews(s)).toEqual(allViews(h.state));
    expect(stats(s)).toEqual(stats(h.state));
    expect(nextDueTime(s)).toBe(nextDueTime(h.state));
    expect(lastAppliedIndex(s)).toBe(lastAppliedIndex(h.state));
    expect(s.now).toBe(h.state.now);
    expect([...s.idempotency]).toEqual([...h.state.idempotency]);
    expect(ids).toHaveLength(4);
  });

  it('a restored state behaves exactly like the original from then on', () => {
    const r = rng(1234);
    const ctx = new GenContext();
    const h = new Harness();
    for (let i = 0; i < 150; i++) {
      const b = randomBatch(r, ctx);
      ctx.observe(h.apply(b.time, ...b.commands));
    }
    const copy = restore(h.state);
    let index = h.index;
    for (let i = 0; i < 150; i++) {
      const b = randomBatch(r, ctx);
      index++;
      const a = applyBatch(h.state, b, index);
      const c = applyBatch(copy, b, index);
      expect(c).toEqual(a);
      ctx.observe(a);
      expect(stateDigest(copy)).toBe(stateDigest(h.state));
    }
    expect(listJobs(h.state).jobs.length).toBeGreaterThan(10);
  });

  it('a snapshot of a restored state is byte-identical', () => {
    const r = rng(5);
    const ctx = new GenContext();
    const h = new Harness();
    for (let i = 0; i < 100; i++) {
      const b = randomBatch(r, ctx);
      ctx.observe(h.apply(b.time, ...b.commands));
    }
    const bytes1 = snapshotState(h.state);
    expect(Buffer.compare(snapshotState(restore(h.state)), bytes1)).toBe(0);
  });

  it('corrupt snapshots yield an error value', () => {
    const h = new Harness();
    h.submit(1000, job(), job({ delayMs: 5 }));
    const good = snapshotState(h.state);
    expect(restoreState(new Uint8Array())).toMatchObject({ ok: false });
    expect(restoreState(bytes('garbage'))).toMatchObject({ ok: false, error: expect.stringMatching(/not a jobs snapshot/) as unknown });
    expect(restoreState(good.subarray(0, good.length - 1))).toMatchObject({ ok: false });
    const r = rng(3);
    for (let i = 0; i < 500; i++) {
      const m = good.slice();
      m[r.int(0, m.length - 1)] = r.int(0, 255);
      expect(() => restoreState(m)).not.toThrow();
    }
  });

  it('the digest changes when the state does, and is cheap for 100k jobs', () => {
    const h = new Harness({ maxJobsPerSubmit: 1000 });
    const d0 = stateDigest(h.state);
    for (let i = 0; i < 100; i++) h.submit(1000 + i, ...Array.from({ length: 1000 }, () => job({ payload: new Uint8Array(64) })));
    const d1 = stateDigest(h.state);
    expect(d1).not.toBe(d0);
    expect(d1).toMatch(/^[0-9a-f]{16}$/);
    const t = performance.now();
    expect(stateDigest(h.state)).toBe(d1); // second run uses the cached payload hashes
    const ms = performance.now() - t;
    if (process.env['JOBS_PERF'] === '1') console.log(`stateDigest: ${ms.toFixed(1)} ms for 100k jobs`);
    h.leaseOne(2000);
    expect(stateDigest(h.state)).not.toBe(d1);
  });
});
