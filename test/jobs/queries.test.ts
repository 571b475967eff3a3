import { describe, expect, it } from 'vitest';
import { attemptOutcome, getJob, hasReady, listJobs, queueOf, queueStats, readyQueues, stats, type JobSummary } from '../../src/jobs/index.js';
import { Harness, job } from './helpers.js';

const T0 = 7_000_000;

describe('queries', () => {
  it('attemptOutcome tells how the attempt of a token ended, with the job state now; queueOf names the queue', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ maxAttempts: 2, backoff: { type: 'fixed', delayMs: 0 } }));
    const a = h.leaseOne(T0);
    expect(attemptOutcome(h.state, id!, a.token)).toEqual({ outcome: 'running', jobState: 'leased' });
    h.one(T0 + 1, { type: 'fail', jobId: id!, token: a.token, error: 'x' });
    const b = h.leaseOne(T0 + 2);
    h.one(T0 + 3, { type: 'complete', jobId: id!, token: b.token });
    expect(attemptOutcome(h.state, id!, a.token)).toEqual({ outcome: 'failed', jobState: 'succeeded' });
    expect(attemptOutcome(h.state, id!, b.token)).toEqual({ outcome: 'succeeded', jobState: 'succeeded' });
    expect(attemptOutcome(h.state, id!, b.token + 1)).toBeNull();
    expect(attemptOutcome(h.state, 'nope', 1)).toBeNull();
    expect(queueOf(h.state, id!)).toBe('q');
    expect(queueOf(h.state, 'nope')).toBeNull();
  });

  it('getJob returns a full view with history; null for an unknown id', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ idempotencyKey: 'k', priority: 4 }));
    const g = h.leaseOne(T0 + 1, 'q', 'w7', 1000);
    const v = getJob(h.state, id!)!;
    expect(v).toMatchObject({
      id,
      queue: 'q',
      state: 'leased',
      priority: 4,
      idempotencyKey: 'k',
      attempts: 1,
      lease: { token: g.token, workerId: 'w7', expiresAt: T0 + 1001, ttlMs: 1000, attempt: 1 },
      history: [{ attempt: 1, token: g.token, workerId: 'w7', startedAt: T0 + 1, endedAt: null, outcome: 'running', error: null }],
    });
    expect(getJob(h.state, 'nope')).toBeNull();
  });

  it('views are copies: mutating one does not change the state', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job());
    h.leaseOne(T0);
    const v = getJob(h.state, id!)!;
    (v.history as unknown[]).length = 0;
    expect(getJob(h.state, id!)!.history).toHaveLength(1);
  });

  it('listJobs pages in id order, stably while jobs are added', () => {
    const h = new Harness();
    const ids = h.submit(T0, ...Array.from({ length: 25 }, () => job()));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    for (;;) {
      const page = listJobs(h.state, token === undefined ? { pageSize: 10 } : { pageSize: 10, pageToken: token });
      seen.push(...page.jobs.map((j: JobSummary) => j.id));
      pages++;
      if (pages === 1) ids.push(...h.submit(T0 + 1, job(), job())); // new jobs land on later pages
      if (page.nextPageToken === null) break;
      token = page.nextPageToken;
    }
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
  });

  it('listJobs filters by queue and state', () => {
    const h = new Harness();
    const [a1, , a2, b1] = h.submit(T0, job({ queue: 'a' }), job({ queue: 'b' }), job({ queue: 'a', delayMs: 10 }), job({ queue: 'b' }));
    h.one(T0, { type: 'cancel', jobId: b1! });
    expect(listJobs(h.state, { queue: 'a' }).jobs.map((j) => j.id)).toEqual([a1, a2]);
    expect(listJobs(h.state, { state: 'cancelled' }).jobs.map((j) => j.id)).toEqual([b1]);
    expect(listJobs(h.state, { queue: 'a', state: 'scheduled' }).jobs.map((j) => j.id)).toEqual([a2]);
    const first = listJobs(h.state, { queue: 'a', pageSize: 1 });
    expect(first).toMatchObject({ jobs: [{ id: a1 }], nextPageToken: a1 });
    expect(listJobs(h.state, { queue: 'a', pageSize: 1, pageToken: a1! }).jobs.map((j) => j.id)).toEqual([a2]);
    expect(listJobs(h.state, { pageSize: 0 }).jobs).toHaveLength(1); // clamped to at least 1
  });

  it('summaries leave out payload, result and history', () => {
    const h = new Harness();
    h.submit(T0, job());
    const [s] = listJobs(h.state).jobs;
    expect(s).not.toHaveProperty('payload');
    expect(s).not.toHaveProperty('history');
  });

  it('stats counts every state per queue, sorted by queue name', () => {
    const h = new Harness();
    const [, , c, d, e] = h.submit(
      T0,
      job({ queue: 'z' }),
      job({ queue: 'a', delayMs: 100 }),
      job({ queue: 'a' }),
      job({ queue: 'a', maxAttempts: 1 }),
      job({ queue: 'a' }),
    );
    const [gc, gd, ge] = h.lease(T0, ['a'], 3);
    expect([gc!.jobId, gd!.jobId, ge!.jobId]).toEqual([c, d, e]);
    h.apply(T0, { type: 'complete', jobId: c!, token: gc!.token }, { type: 'fail', jobId: d!, token: gd!.token, error: 'x' });
    expect(stats(h.state)).toEqual([
      { queue: 'a', scheduled: 1, ready: 0, leased: 1, succeeded: 1, dead: 1, cancelled: 0 },
      { queue: 'z', scheduled: 0, ready: 1, leased: 0, succeeded: 0, dead: 0, cancelled: 0 },
    ]);
    expect(queueStats(h.state, 'none')).toEqual({ queue: 'none', scheduled: 0, ready: 0, leased: 0, succeeded: 0, dead: 0, cancelled: 0 });
    expect(readyQueues(h.state)).toEqual(['z']);
    expect(hasReady(h.state, ['a'])).toBe(false);
  });
});
