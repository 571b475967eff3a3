import { describe, expect, it } from 'vitest';
import { backoffDelay, getJob, resolveBackoff, type Backoff } from '../../src/jobs/index.js';
import { Harness, job } from './helpers.js';

const T0 = 2_000_000;

/** Fails attempt after attempt and returns the run-at offsets (from the failure time) it gets. */
function delays(backoff: Backoff, attempts: number): number[] {
  const h = new Harness();
  const [id] = h.submit(T0, job({ maxAttempts: attempts + 1, backoff }));
  const out: number[] = [];
  let t = T0;
  for (let i = 0; i < attempts; i++) {
    const g = h.leaseOne(t);
    const r = h.one(t, { type: 'fail', jobId: id!, token: g.token, error: 'x' });
    if (!r.ok || r.type !== 'fail' || r.runAt === null) throw new Error('unexpected');
    out.push(r.runAt - t);
    t = r.runAt;
  }
  expect(getJob(h.state, id!)!.attempts).toBe(attempts);
  return out;
}

describe('retry backoff', () => {
  it('fixed: the same delay after every failure', () => {
    expect(delays({ type: 'fixed', delayMs: 2500 }, 4)).toEqual([2500, 2500, 2500, 2500]);
  });

  it('exponential: initial × factor^(n-1), capped', () => {
    expect(delays({ type: 'exponential', initialMs: 1000, maxMs: 5000 }, 5)).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(delays({ type: 'exponential', initialMs: 100, maxMs: 100_000, factor: 3 }, 4)).toEqual([100, 300, 900, 2700]);
    expect(delays({ type: 'exponential', initialMs: 1000, maxMs: 10_000, factor: 1.5 }, 4)).toEqual([1000, 1500, 2250, 3375]);
  });

  it('exponential with a huge attempt number stays at the cap (no overflow, no pow)', () => {
    const b = resolveBackoff({ type: 'exponential', initialMs: 1, maxMs: 3_600_000 });
    expect(backoffDelay(b, 'x', 1000, 1000)).toBe(3_600_000);
  });

  it('zero backoff makes the job ready again at once', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ backoff: { type: 'fixed', delayMs: 0 } }));
    const g = h.leaseOne(T0);
    expect(h.one(T0, { type: 'fail', jobId: id!, token: g.token, error: 'x' })).toMatchObject({ state: 'ready', runAt: T0 });
  });

  it('jitter is a deterministic function of job id and attempt, within [d - floor(d*j), d]', () => {
    const b = resolveBackoff({ type: 'exponential', initialMs: 1000, maxMs: 60_000, jitter: 0.5 });
    const seen = new Set<number>();
    for (let n = 1; n <= 200; n++) {
      const id = n.toString(36).padStart(10, '0');
      for (let attempt = 1; attempt <= 6; attempt++) {
        const full = Math.min(1000 * 2 ** (attempt - 1), 60_000);
        const d = backoffDelay(b, id, attempt, attempt);
        expect(d).toBe(backoffDelay(b, id, attempt, attempt));
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(full - Math.floor(full * 0.5));
        expect(d).toBeLessThanOrEqual(full);
        seen.add(d / full);
      }
    }
    expect(seen.size).toBeGreaterThan(500); // it does spread
  });

  it('replicas agree on jittered run-at (same entries → same delays)', () => {
    const backoff: Backoff = { type: 'fixed', delayMs: 10_000, jitter: 1 };
    const a = delays(backoff, 5);
    expect(delays(backoff, 5)).toEqual(a);
    for (const d of a) expect(d).toBeGreaterThanOrEqual(0);
    expect(new Set(a).size).toBeGreaterThan(1);
  });

  it('the default backoff is exponential 1 s doubling with a 1 h cap and 10% jitter', () => {
    const h = new Harness();
    const [id] = h.submit(T0, { queue: 'q', payload: new Uint8Array() });
    expect(getJob(h.state, id!)!.backoff).toEqual({ type: 'exponential', initialMs: 1000, maxMs: 3_600_000, factor: 2, jitter: 0.1 });
    const g = h.leaseOne(T0);
    const r = h.one(T0, { type: 'fail', jobId: id!, token: g.token, error: 'x' });
    expect(r).toMatchObject({ state: 'scheduled' });
    const runAt = (r as { runAt: number }).runAt;
    expect(runAt - T0).toBeGreaterThanOrEqual(900);
    expect(runAt - T0).toBeLessThanOrEqual(1000);
  });
});
