import { describe, expect, it } from 'vitest';
import { getJob, nextDueTime, stats, type CommandResult } from '../../src/jobs/index.js';
import { Harness, bytes, expectRejected, job } from './helpers.js';

const T0 = 1_000_000;

function stateOf(h: Harness, id: string): string | undefined {
  return getJob(h.state, id)?.state;
}

describe('job lifecycle transitions', () => {
  it('submit without delay goes straight to ready', () => {
    const h = new Harness();
    const [r] = h.submitted(T0, job());
    expect(r).toEqual({ id: '0000000001', duplicate: false, state: 'ready' });
    expect(getJob(h.state, '0000000001')).toMatchObject({ state: 'ready', runAt: T0, submittedAt: T0, attempts: 0 });
  });

  it('submit with a delay is scheduled, and a tick at run-at makes it ready', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ delayMs: 5000 }));
    expect(stateOf(h, id!)).toBe('scheduled');
    expect(nextDueTime(h.state)).toBe(T0 + 5000);
    expect(h.one(T0 + 4999, { type: 'tick' })).toEqual({ ok: true, type: 'tick', promoted: 0, expired: 0, purged: 0 });
    expect(stateOf(h, id!)).toBe('scheduled');
    expect(h.one(T0 + 5000, { type: 'tick' })).toEqual({ ok: true, type: 'tick', promoted: 1, expired: 0, purged: 0 });
    expect(stateOf(h, id!)).toBe('ready');
    expect(nextDueTime(h.state)).toBeNull();
  });

  it('explicit run-at in the future schedules; in the past is ready at once and counts from now', () => {
    const h = new Harness();
    const [a, b] = h.submit(T0, job({ runAt: T0 + 10 }), job({ runAt: 5 }));
    expect(getJob(h.state, a!)).toMatchObject({ state: 'scheduled', runAt: T0 + 10 });
    expect(getJob(h.state, b!)).toMatchObject({ state: 'ready', runAt: T0 });
  });

  it('ready → leased → succeeded stores the result and ends the attempt', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job());
    const g = h.leaseOne(T0 + 1, 'q', 'worker-a', 10_000);
    expect(g).toMatchObject({ jobId: id, attempt: 1, attemptLimit: 3, expiresAt: T0 + 10_001, ttlMs: 10_000, group: null });
    expect(stateOf(h, id!)).toBe('leased');
    const r = h.one(T0 + 2, { type: 'complete', jobId: id!, token: g.token, result: bytes('done') });
    expect(r).toEqual({ ok: true, type: 'complete', jobId: id, finishedAt: T0 + 2 });
    const v = getJob(h.state, id!)!;
    expect(v).toMatchObject({ state: 'succeeded', finishedAt: T0 + 2, lease: null, purgeAt: T0 + 2 + 86_400_000 });
    expect(new TextDecoder().decode(v.result)).toBe('done');
    expect(v.history).toEqual([
      { attempt: 1, token: g.token, workerId: 'worker-a', startedAt: T0 + 1, endedAt: T0 + 2, outcome: 'succeeded', error: null },
    ]);
  });

  it('fail with attempts left goes back to scheduled after backoff, then ready, then leased again', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ maxAttempts: 2 }));
    const g1 = h.leaseOne(T0);
    const r = h.one(T0 + 100, { type: 'fail', jobId: id!, token: g1.token, error: 'boom' });
    expect(r).toEqual({ ok: true, type: 'fail', jobId: id, state: 'scheduled', runAt: T0 + 1100 });
    expect(getJob(h.state, id!)).toMatchObject({ state: 'scheduled', lastError: 'boom', attempts: 1 });
    expect(h.lease(T0 + 1099, ['q'])).toEqual([]);
    const g2 = h.leaseOne(T0 + 1100); // due pass at the start of the batch promotes it
    expect(g2.attempt).toBe(2);
    expect(g2.token).toBeGreaterThan(g1.token);
  });

  it('fail on the last attempt goes dead; retry=false goes dead at once', () => {
    const h = new Harness();
    const [a, b] = h.submit(T0, job({ maxAttempts: 1 }), job({ maxAttempts: 5 }));
    const [ga, gb] = h.lease(T0, ['q'], 2);
    expect(h.one(T0, { type: 'fail', jobId: a!, token: ga!.token, error: 'x' })).toMatchObject({ state: 'dead', runAt: null });
    expect(h.one(T0, { type: 'fail', jobId: b!, token: gb!.token, error: 'fatal', retry: false })).toMatchObject({ state: 'dead' });
    expect(getJob(h.state, a!)).toMatchObject({ state: 'dead', finishedAt: T0, attempts: 1 });
    expect(getJob(h.state, b!)).toMatchObject({ state: 'dead', attempts: 1, attemptLimit: 5, lastError: 'fatal' });
  });

  it('dead after max attempts through repeated failures', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ maxAttempts: 3, backoff: { type: 'fixed', delayMs: 0 } }));
    const outcomes: CommandResult[] = [];
    for (let i = 0; i < 3; i++) {
      const g = h.leaseOne(T0 + i);
      outcomes.push(h.one(T0 + i, { type: 'fail', jobId: id!, token: g.token, error: `e${i}` }));
    }
    expect(outcomes.map((o) => (o.ok && o.type === 'fail' ? o.state : '?'))).toEqual(['ready', 'ready', 'dead']);
    expect(getJob(h.state, id!)!.history.map((x) => [x.attempt, x.outcome, x.error])).toEqual([
      [1, 'failed', 'e0'],
      [2, 'failed', 'e1'],
      [3, 'failed', 'e2'],
    ]);
    expect(h.lease(T0 + 10, ['q'])).toEqual([]);
  });

  it('cancel works from scheduled, ready and leased', () => {
    const h = new Harness();
    const [s, r, l] = h.submit(T0, job({ delayMs: 100 }), job(), job());
    const [g] = h.lease(T0, ['q'], 1); // takes r (first ready)
    expect(g!.jobId).toBe(r);
    const res = h.apply(
      T0 + 1,
      { type: 'cancel', jobId: s! },
      { type: 'cancel', jobId: l!, reason: 'not needed' },
      { type: 'cancel', jobId: r! },
    );
    expect(res).toEqual([
      { ok: true, type: 'cancel', jobId: s, previous: 'scheduled' },
      { ok: true, type: 'cancel', jobId: l, previous: 'ready' },
      { ok: true, type: 'cancel', jobId: r, previous: 'leased' },
    ]);
    expect(getJob(h.state, l!)).toMatchObject({ state: 'cancelled', cancelReason: 'not needed', finishedAt: T0 + 1 });
    expect(getJob(h.state, r!)!.history[0]).toMatchObject({ outcome: 'cancelled', endedAt: T0 + 1 });
    expect(nextDueTime(h.state)).toBe(T0 + 1 + 86_400_000); // only the purge of the cancelled jobs is left
    expect(stats(h.state)).toEqual([{ queue: 'q', scheduled: 0, ready: 0, leased: 0, succeeded: 0, dead: 0, cancelled: 3 }]);
  });

  it('cancel of a terminal job is an illegal transition and changes nothing', () => {
    const h = new Harness();
    const [a, b, c] = h.submit(T0, job(), job({ maxAttempts: 1 }), job());
    const [ga, gb] = h.lease(T0, ['q'], 2);
    h.apply(
      T0,
      { type: 'complete', jobId: a!, token: ga!.token },
      { type: 'fail', jobId: b!, token: gb!.token, error: 'x' },
      { type: 'cancel', jobId: c! },
    );
    for (const id of [a!, b!, c!]) {
      const before = getJob(h.state, id);
      const r = expectRejected(h.one(T0 + 1, { type: 'cancel', jobId: id }), 'ILLEGAL_TRANSITION');
      expect(r.jobId).toBe(id);
      expect(getJob(h.state, id)).toEqual(before);
    }
  });

  it('retryDead makes a dead job ready with its attempts extended', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ maxAttempts: 2, backoff: { type: 'exponential', initialMs: 100, maxMs: 10_000 } }));
    let g = h.leaseOne(T0);
    h.one(T0, { type: 'fail', jobId: id!, token: g.token, error: 'a' });
    g = h.leaseOne(T0 + 100);
    h.one(T0 + 100, { type: 'fail', jobId: id!, token: g.token, error: 'b' });
    expect(stateOf(h, id!)).toBe('dead');

    expect(h.one(T0 + 500, { type: 'retryDead', jobId: id! })).toEqual({ ok: true, type: 'retryDead', jobId: id, attemptLimit: 4 });
    expect(getJob(h.state, id!)).toMatchObject({ state: 'ready', runAt: T0 + 500, finishedAt: null, attempts: 2, attemptLimit: 4 });
    g = h.leaseOne(T0 + 600);
    expect(g).toMatchObject({ attempt: 3, attemptLimit: 4 });
    // Backoff restarts at its initial delay for the new run.
    expect(h.one(T0 + 600, { type: 'fail', jobId: id!, token: g.token, error: 'c' })).toMatchObject({ state: 'scheduled', runAt: T0 + 700 });

    // Explicit extra attempts.
    g = h.leaseOne(T0 + 700);
    h.one(T0 + 700, { type: 'fail', jobId: id!, token: g.token, error: 'd' });
    expect(h.one(T0 + 800, { type: 'retryDead', jobId: id!, attempts: 1 })).toMatchObject({ attemptLimit: 5 });
  });

  it('retryDead of a job that is not dead is illegal; unknown ids are NOT_FOUND everywhere', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job());
    expectRejected(h.one(T0, { type: 'retryDead', jobId: id! }), 'ILLEGAL_TRANSITION');
    const missing = 'zzzzzzzzzz';
    const rs = h.apply(
      T0,
      { type: 'cancel', jobId: missing },
      { type: 'retryDead', jobId: missing },
      { type: 'complete', jobId: missing, token: 1 },
      { type: 'fail', jobId: missing, token: 1, error: 'x' },
      { type: 'progress', jobId: missing, token: 1, percent: 1 },
    );
    for (const r of rs) expectRejected(r, 'NOT_FOUND');
    const hb = h.one(T0, { type: 'heartbeat', leases: [{ jobId: missing, token: 1 }] });
    expect(hb).toMatchObject({ ok: true, leases: [{ ok: false, jobId: missing, code: 'NOT_FOUND' }] });
  });

  it('progress is stored for the current attempt and reset by the next lease', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ backoff: { type: 'fixed', delayMs: 0 } }));
    const g = h.leaseOne(T0);
    expect(h.one(T0 + 5, { type: 'progress', jobId: id!, token: g.token, percent: 42.5, message: 'halfway' })).toEqual({
      ok: true,
      type: 'progress',
      jobId: id,
    });
    expect(getJob(h.state, id!)!.progress).toEqual({ percent: 42.5, message: 'halfway', updatedAt: T0 + 5 });
    expectRejected(h.one(T0 + 6, { type: 'progress', jobId: id!, token: g.token + 1, percent: 50 }), 'STALE_TOKEN');
    expect(getJob(h.state, id!)!.progress!.percent).toBe(42.5);
    h.one(T0 + 7, { type: 'fail', jobId: id!, token: g.token, error: 'x' });
    h.leaseOne(T0 + 8);
    expect(getJob(h.state, id!)!.progress).toBeNull();
  });

  it('attempt history is bounded to the most recent historyLimit attempts', () => {
    const h = new Harness({ historyLimit: 3 });
    const [id] = h.submit(T0, job({ maxAttempts: 10, backoff: { type: 'fixed', delayMs: 0 } }));
    for (let i = 0; i < 5; i++) {
      const g = h.leaseOne(T0 + i);
      h.one(T0 + i, { type: 'fail', jobId: id!, token: g.token, error: `e${i}` });
    }
    expect(getJob(h.state, id!)!.history.map((x) => x.attempt)).toEqual([3, 4, 5]);
  });

  it('stores retention and finish time for the later purge', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ retentionMs: 60_000 }));
    h.one(T0, { type: 'cancel', jobId: id! });
    expect(getJob(h.state, id!)).toMatchObject({ retentionMs: 60_000, finishedAt: T0, purgeAt: T0 + 60_000 });
  });
});
