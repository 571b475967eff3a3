/**
 * Retention: finished jobs are purged by the due pass of a replicated entry once their retention
 * ends (per state, per queue, per job), and everything derived from them goes with them.
 */
import { describe, expect, it } from 'vitest';
import {
  KEY_SWEEP_SLACK_MS,
  applyBatch,
  getJob,
  listJobs,
  nextDueTime,
  resolveOptions,
  restoreState,
  snapshotState,
  stateDigest,
  stats,
  type JobsOptions,
  type JobsState,
} from '../../src/jobs/index.js';
import { Harness, job, replicateRandom } from './helpers.js';

const T0 = 50_000_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Terminal = 'succeeded' | 'dead' | 'cancelled';

/** Submits one job and drives it to `end`; returns its id and finish time. */
function finishOne(h: Harness, end: Terminal, extra: Parameters<typeof job>[0] = {}, at = T0): string {
  const [id] = h.submit(at, job({ maxAttempts: 1, ...extra }));
  if (end === 'cancelled') {
    h.one(at, { type: 'cancel', jobId: id! });
    return id!;
  }
  const g = h.leaseOne(at, extra.queue ?? 'q');
  const r = h.one(at, end === 'succeeded' ? { type: 'complete', jobId: id!, token: g.token } : { type: 'fail', jobId: id!, token: g.token, error: 'x' });
  expect(r.ok).toBe(true);
  expect(getJob(h.state, id!)!.state).toBe(end);
  return id!;
}

function restore(s: JobsState): JobsState {
  const r = restoreState(snapshotState(s), s.options);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('retention: purge of finished jobs', () => {
  const defaults: [Terminal, number][] = [
    ['succeeded', DAY],
    ['cancelled', DAY],
    ['dead', 7 * DAY],
  ];

  it.each(defaults)('a %s job is kept for its default retention (%d ms), then purged by a tick', (end, retention) => {
    const h = new Harness();
    const id = finishOne(h, end);
    expect(getJob(h.state, id)).toMatchObject({ state: end, finishedAt: T0, purgeAt: T0 + retention, retentionMs: null });
    expect(nextDueTime(h.state)).toBe(T0 + retention);
    // Not before: one ms early the job is still there.
    expect(h.one(T0 + retention - 1, { type: 'tick' })).toEqual({ ok: true, type: 'tick', promoted: 0, expired: 0, purged: 0 });
    expect(getJob(h.state, id)).not.toBeNull();
    expect(h.one(T0 + retention, { type: 'tick' })).toEqual({ ok: true, type: 'tick', promoted: 0, expired: 0, purged: 1 });
    expect(getJob(h.state, id)).toBeNull();
    expect(listJobs(h.state).jobs).toEqual([]);
    // The queue had nothing else: it goes from the stats, as it would on a replica restored from a snapshot.
    expect(stats(h.state)).toEqual([]);
    expect(nextDueTime(h.state)).toBeNull();
  });

  it('per-state defaults come from the options', () => {
    const h = new Harness({ retention: { succeededMs: 10, cancelledMs: 20, deadMs: 30 } });
    const s = finishOne(h, 'succeeded');
    const c = finishOne(h, 'cancelled');
    const d = finishOne(h, 'dead');
    expect([s, c, d].map((id) => getJob(h.state, id)!.purgeAt)).toEqual([T0 + 10, T0 + 20, T0 + 30]);
    h.one(T0 + 20, { type: 'tick' });
    expect([s, c, d].map((id) => getJob(h.state, id)?.state ?? null)).toEqual([null, null, 'dead']);
    expect(nextDueTime(h.state)).toBe(T0 + 30);
  });

  it('a queue override beats the state default, field by field', () => {
    const h = new Harness({ queueRetention: { audit: { succeededMs: 30 * DAY }, tmp: { succeededMs: 0, deadMs: HOUR } } });
    const purgeIn = (end: Terminal, queue: string): number => {
      const id = finishOne(h, end, { queue });
      return getJob(h.state, id)!.purgeAt! - T0;
    };
    expect(purgeIn('succeeded', 'audit')).toBe(30 * DAY);
    expect(purgeIn('dead', 'audit')).toBe(7 * DAY);
    expect(purgeIn('succeeded', 'tmp')).toBe(0);
    expect(purgeIn('dead', 'tmp')).toBe(HOUR);
    expect(purgeIn('cancelled', 'tmp')).toBe(DAY);
    expect(purgeIn('succeeded', 'other')).toBe(DAY);
    // Retention 0: purged by the next entry's due pass, which any entry runs.
    const id = finishOne(h, 'succeeded', { queue: 'tmp' });
    expect(getJob(h.state, id)).not.toBeNull();
    h.apply(T0);
    expect(getJob(h.state, id)).toBeNull();
    expect(stats(h.state).find((q) => q.queue === 'tmp')).toMatchObject({ succeeded: 0, dead: 1, cancelled: 1 });
  });

  it("a job's own retention beats its queue's and applies whatever state it ends in", () => {
    const h = new Harness({ queueRetention: { q: { succeededMs: 5 * DAY, cancelledMs: 5 * DAY, deadMs: 5 * DAY } } });
    const d = finishOne(h, 'dead', { retentionMs: 0 });
    expect(getJob(h.state, d)).toMatchObject({ retentionMs: 0, purgeAt: T0 });
    const s = finishOne(h, 'succeeded', { retentionMs: 1000 });
    expect(getJob(h.state, d)).toBeNull(); // retention 0: gone with the next entry
    const c = finishOne(h, 'cancelled', { retentionMs: 2000 });
    const plain = finishOne(h, 'succeeded');
    expect(getJob(h.state, s)).toMatchObject({ retentionMs: 1000, purgeAt: T0 + 1000 });
    expect(getJob(h.state, c)).toMatchObject({ retentionMs: 2000, purgeAt: T0 + 2000 });
    expect(getJob(h.state, plain)).toMatchObject({ retentionMs: null, purgeAt: T0 + 5 * DAY });
    expect(h.one(T0 + 1999, { type: 'tick' })).toMatchObject({ purged: 1 });
    expect([s, c, plain].map((id) => getJob(h.state, id) !== null)).toEqual([false, true, true]);
  });

  it('only finished jobs are purged; unfinished ones wait however old they are', () => {
    const h = new Harness({ retention: { succeededMs: 0, cancelledMs: 0, deadMs: 0 } });
    const [a, b, c] = h.submit(T0, job({ retentionMs: 0 }), job({ retentionMs: 0 }), job({ retentionMs: 0, delayMs: 300 * DAY }));
    h.lease(T0, ['q'], 1, 'w', DAY); // takes a
    h.one(T0 + DAY - 1, { type: 'tick' });
    expect([a, b, c].map((id) => getJob(h.state, id!)!.state)).toEqual(['leased', 'ready', 'scheduled']);
    expect(stats(h.state)).toEqual([{ queue: 'q', scheduled: 1, ready: 1, leased: 1, succeeded: 0, dead: 0, cancelled: 0 }]);
  });

  it('nextDueTime is the earliest of run-at, lease expiry and purge time', () => {
    const h = new Harness({ retention: { succeededMs: 5000, cancelledMs: 5000, deadMs: 5000 } });
    finishOne(h, 'succeeded');
    expect(nextDueTime(h.state)).toBe(T0 + 5000);
    h.submit(T0, job({ delayMs: 7000 }));
    expect(nextDueTime(h.state)).toBe(T0 + 5000);
    h.submit(T0, job({ leaseTtlMs: 3000 }));
    h.leaseOne(T0);
    expect(nextDueTime(h.state)).toBe(T0 + 3000);
    h.one(T0 + 3000, { type: 'tick' }); // the lease expires; the job retries after 1 s backoff
    expect(nextDueTime(h.state)).toBe(T0 + 4000);
    h.one(T0 + 4000, { type: 'tick' });
    expect(nextDueTime(h.state)).toBe(T0 + 5000);
    h.one(T0 + 5000, { type: 'tick' });
    expect(nextDueTime(h.state)).toBe(T0 + 7000);
  });

  it('an expired idempotency key makes the leader tick once it has lingered KEY_SWEEP_SLACK_MS, so an idle cluster forgets it', () => {
    const h = new Harness({ idempotencyWindowMs: 60_000 });
    h.submit(T0, job({ idempotencyKey: 'k' }));
    expect(nextDueTime(h.state)).toBe(T0 + 60_000 + KEY_SWEEP_SLACK_MS);
    h.one(T0 + 60_000 + KEY_SWEEP_SLACK_MS, { type: 'tick' });
    expect(h.state.idempotency.size).toBe(0);
    expect(nextDueTime(h.state)).toBeNull(); // the job itself is ready: nothing else is due
  });

  it('a job scheduled far ahead does not postpone the sweep of expired idempotency keys', () => {
    const h = new Harness({ idempotencyWindowMs: 60_000 });
    h.submit(T0, job({ idempotencyKey: 'k' }));
    h.submit(T0, job({ delayMs: 30 * DAY }));
    // The key's sweep comes first: the scheduled run-at must not replace it.
    expect(nextDueTime(h.state)).toBe(T0 + 60_000 + KEY_SWEEP_SLACK_MS);
    h.one(T0 + 60_000 + KEY_SWEEP_SLACK_MS, { type: 'tick' });
    expect(h.state.idempotency.size).toBe(0);
    expect(nextDueTime(h.state)).toBe(T0 + 30 * DAY);
  });

  it('a dead job retried by an operator leaves the purge schedule; dying again starts a new retention', () => {
    const h = new Harness({ retention: { succeededMs: DAY, cancelledMs: DAY, deadMs: 1000 } });
    const id = finishOne(h, 'dead');
    h.one(T0 + 500, { type: 'retryDead', jobId: id });
    expect(getJob(h.state, id)).toMatchObject({ state: 'ready', finishedAt: null, purgeAt: null });
    expect(nextDueTime(h.state)).toBeNull();
    h.one(T0 + 5000, { type: 'tick' });
    expect(getJob(h.state, id)!.state).toBe('ready');
    const g = h.leaseOne(T0 + 6000);
    h.one(T0 + 6000, { type: 'fail', jobId: id, token: g.token, error: 'again', retry: false });
    expect(getJob(h.state, id)).toMatchObject({ state: 'dead', purgeAt: T0 + 7000 });
    h.one(T0 + 7000, { type: 'tick' });
    expect(getJob(h.state, id)).toBeNull();
  });

  it('a purged job is gone for every command: NOT_FOUND, and its token is stale', () => {
    const h = new Harness({ retention: { succeededMs: 0, cancelledMs: 0, deadMs: 0 } });
    const [id] = h.submit(T0, job());
    const g = h.leaseOne(T0);
    h.one(T0, { type: 'complete', jobId: id!, token: g.token });
    h.apply(T0 + 1);
    for (const cmd of [
      { type: 'complete', jobId: id!, token: g.token },
      { type: 'cancel', jobId: id! },
      { type: 'retryDead', jobId: id! },
    ] as const) {
      expect(h.one(T0 + 2, cmd)).toMatchObject({ ok: false, code: 'NOT_FOUND', jobId: id });
    }
  });

  it('a purged job keeps its idempotency key until the window ends (J7): duplicates get its id with state null', () => {
    const h = new Harness({ idempotencyWindowMs: 10 * DAY, retention: { succeededMs: DAY, cancelledMs: DAY, deadMs: DAY } });
    const id = finishOne(h, 'succeeded', { idempotencyKey: 'k' });
    h.one(T0 + DAY, { type: 'tick' });
    expect(getJob(h.state, id)).toBeNull();
    expect(h.submitted(T0 + 2 * DAY, job({ idempotencyKey: 'k' }))).toEqual([{ id, duplicate: true, state: null }]);
    // After the window the key is forgotten and a new job is created.
    const [fresh] = h.submitted(T0 + 10 * DAY, job({ idempotencyKey: 'k' }));
    expect(fresh).toMatchObject({ duplicate: false, state: 'ready' });
    expect(fresh!.id).not.toBe(id);
  });

  it('a queue keeps its stats while it still has jobs; counts drop by the purged ones', () => {
    const h = new Harness({ retention: { succeededMs: 10, cancelledMs: 1000, deadMs: 1000 } });
    finishOne(h, 'succeeded');
    finishOne(h, 'succeeded');
    finishOne(h, 'cancelled');
    h.submit(T0, job({ queue: 'other' }));
    expect(stats(h.state)).toEqual([
      { queue: 'other', scheduled: 0, ready: 1, leased: 0, succeeded: 0, dead: 0, cancelled: 0 },
      { queue: 'q', scheduled: 0, ready: 0, leased: 0, succeeded: 2, dead: 0, cancelled: 1 },
    ]);
    h.one(T0 + 10, { type: 'tick' });
    expect(stats(h.state)[1]).toEqual({ queue: 'q', scheduled: 0, ready: 0, leased: 0, succeeded: 0, dead: 0, cancelled: 1 });
    h.one(T0 + 1000, { type: 'tick' });
    expect(stats(h.state).map((q) => q.queue)).toEqual(['other']);
  });

  it('one entry purges at most maxPurgePerBatch jobs, in purge-time then submit order; the rest stay due', () => {
    const h = new Harness({ maxPurgePerBatch: 3, retention: { succeededMs: 100, cancelledMs: 50, deadMs: 100 } });
    const ids = h.submit(T0, ...Array.from({ length: 8 }, () => job()));
    h.apply(T0, ...ids.slice(0, 4).map((jobId) => ({ type: 'cancel' as const, jobId })));
    h.apply(T0 - 100, ...ids.slice(4).map((jobId) => ({ type: 'cancel' as const, jobId, reason: 'later' })));
    // All cancelled at T0 (the clock does not go back); the first four purge first by seq.
    expect(h.one(T0 + 50, { type: 'tick' })).toMatchObject({ purged: 3 });
    expect(ids.map((id) => getJob(h.state, id) === null)).toEqual([true, true, true, false, false, false, false, false]);
    expect(nextDueTime(h.state)).toBe(T0 + 50);
    expect(h.one(T0 + 50, { type: 'tick' })).toMatchObject({ purged: 3 });
    expect(h.one(T0 + 50, { type: 'tick' })).toMatchObject({ purged: 2 });
    expect(nextDueTime(h.state)).toBeNull();
    expect(listJobs(h.state).jobs).toEqual([]);
  });

  it('purging never splices the paging order: holes are swept in bulk, and paging skips them', () => {
    const h = new Harness({ maxJobsPerSubmit: 1000, retention: { succeededMs: 0, cancelledMs: 0, deadMs: 0 } });
    const all: string[] = [];
    for (let b = 0; b < 10; b++) all.push(...h.submit(T0, ...Array.from({ length: 1000 }, () => job())));
    // Cancel every job but each 10th: 9000 purges.
    const keep = new Set(all.filter((_, i) => i % 10 === 0));
    const cancel = all.filter((id) => !keep.has(id));
    for (let i = 0; i < cancel.length; i += 1000) h.apply(T0, ...cancel.slice(i, i + 1000).map((jobId) => ({ type: 'cancel' as const, jobId })));
    h.apply(T0 + 1);
    expect(h.state.jobs.size).toBe(1000);
    // Swept once at least half were holes: the array is within twice the live count.
    expect(h.state.order.length).toBeLessThanOrEqual(2 * h.state.jobs.size + 64);
    const seen: string[] = [];
    let token: string | undefined;
    for (;;) {
      const page = listJobs(h.state, token === undefined ? { pageSize: 7 } : { pageSize: 7, pageToken: token });
      seen.push(...page.jobs.map((j) => j.id));
      if (page.nextPageToken === null) break;
      token = page.nextPageToken;
    }
    expect(seen).toEqual([...keep]);
  });

  it('purging 100k jobs is cheap per job (heap pops, amortized sweeps)', () => {
    const h = new Harness({
      maxJobsPerSubmit: 1000,
      maxLeaseBatch: 1000,
      maxPurgePerBatch: 100_000,
      maxSucceeded: 100_000,
      retention: { succeededMs: 1000, cancelledMs: 0, deadMs: 0 },
    });
    for (let b = 0; b < 100; b++) {
      h.submit(T0 + b, ...Array.from({ length: 1000 }, () => job()));
      const leases = h.lease(T0 + b, ['q'], 1000);
      h.apply(T0 + b, ...leases.map((g) => ({ type: 'complete' as const, jobId: g.jobId, token: g.token })));
    }
    const t = performance.now();
    expect(h.one(T0 + 2000, { type: 'tick' })).toMatchObject({ purged: 100_000 });
    if (process.env['JOBS_PERF'] === '1') console.log(`purge: ${(performance.now() - t).toFixed(1)} ms for 100k jobs`);
    expect(h.state.jobs.size).toBe(0);
    expect(h.state.order.length).toBe(0);
    expect(stats(h.state)).toEqual([]);
  });
});

describe('retention: snapshots and replicas', () => {
  it('a snapshot after purges round-trips exactly and equals one of a state that never had the holes', () => {
    const h = new Harness({ retention: { succeededMs: 100, cancelledMs: 200, deadMs: 300 }, queueRetention: { long: { succeededMs: DAY } } });
    for (let i = 0; i < 30; i++) finishOne(h, (['succeeded', 'cancelled', 'dead'] as const)[i % 3]!, { queue: i % 4 === 0 ? 'long' : 'q', payload: new Uint8Array([i]) }, T0 + i);
    h.one(T0 + 240, { type: 'tick' });
    const live = h.state.jobs.size;
    expect(live).toBeGreaterThan(0);
    expect(live).toBeLessThan(30);
    const copy = restore(h.state);
    expect(stateDigest(copy)).toBe(stateDigest(h.state));
    expect(stats(copy)).toEqual(stats(h.state));
    expect(nextDueTime(copy)).toBe(nextDueTime(h.state));
    expect(listJobs(copy).jobs).toEqual(listJobs(h.state).jobs);
    expect(Buffer.compare(snapshotState(copy), snapshotState(h.state))).toBe(0);
    // From here on both purge the same jobs at the same entries.
    for (const t of [T0 + 300, T0 + 400, T0 + DAY + 100]) {
      const a = applyBatch(h.state, { time: t, commands: [{ type: 'tick' }] }, ++h.index);
      const b = applyBatch(copy, { time: t, commands: [{ type: 'tick' }] }, h.index);
      expect(b).toEqual(a);
      expect(stateDigest(copy)).toBe(stateDigest(h.state));
    }
    expect(copy.jobs.size).toBe(0);
  });

  it('the digest tells a purged job from a kept one', () => {
    const a = new Harness({ retention: { succeededMs: 10, cancelledMs: 10, deadMs: 10 } });
    const b = new Harness({ retention: { succeededMs: 20, cancelledMs: 20, deadMs: 20 } });
    finishOne(a, 'succeeded');
    finishOne(b, 'succeeded');
    a.one(T0 + 15, { type: 'tick' });
    b.one(T0 + 15, { type: 'tick' });
    expect(a.state.jobs.size).toBe(0);
    expect(b.state.jobs.size).toBe(1);
    expect(stateDigest(a.state)).not.toBe(stateDigest(b.state));
  });

  const options: Partial<JobsOptions> = {
    retention: { succeededMs: 3000, cancelledMs: 1000, deadMs: 8000 },
    queueRetention: { a: { succeededMs: 0 }, 'c.high': { deadMs: 500, cancelledMs: 20_000 } },
    maxPurgePerBatch: 2,
  };

  for (const seed of [7, 99, 4096]) {
    it(`replicas with short retention purge identically, through encode/decode and snapshot restarts (seed ${seed})`, () => {
      const { purged } = replicateRandom(options, seed, 600, 40, 120);
      expect(purged, 'purges happened').toBeGreaterThan(0);
    });
  }
});

describe('retention options', () => {
  it('fills in per-state defaults and keeps queue overrides partial', () => {
    const o = resolveOptions({ queueRetention: { q: { deadMs: 5 } } });
    expect(o.retention).toEqual({ succeededMs: DAY, cancelledMs: DAY, deadMs: 7 * DAY });
    expect(o.queueRetention).toEqual({ q: { deadMs: 5 } });
    expect(Object.isFrozen(o.queueRetention)).toBe(true);
  });

  it('rejects negative, fractional, too long or unknown retention fields', () => {
    expect(() => resolveOptions({ retention: { succeededMs: -1, cancelledMs: 0, deadMs: 0 } })).toThrow(/retention.succeededMs/);
    expect(() => resolveOptions({ retention: { succeededMs: 0.5, cancelledMs: 0, deadMs: 0 } })).toThrow(/succeededMs/);
    expect(() => resolveOptions({ queueRetention: { q: { deadMs: 400 * DAY } } })).toThrow(/queueRetention\["q"\].deadMs/);
    expect(() => resolveOptions({ queueRetention: { q: { keptMs: 1 } as never } })).toThrow(/keptMs/);
    expect(() => resolveOptions({ maxPurgePerBatch: 0 })).toThrow(/maxPurgePerBatch/);
  });

  it('a queue named like an Object.prototype key gets no phantom override', () => {
    const h = new Harness();
    const id = finishOne(h, 'succeeded', { queue: 'constructor' });
    expect(getJob(h.state, id)!.purgeAt).toBe(T0 + DAY);
  });
});
