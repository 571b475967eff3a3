/**
 * Count bounds of retention: per queue and terminal state, the oldest finished jobs (by finish
 * time, then submit order) beyond `maxSucceeded` / `maxCancelled` / `maxDead` are purged by the
 * next entry's due pass; the keys of purged jobs are bounded by `maxPurgedJobKeys`. All of it is
 * replicated semantics: a replica restored from a snapshot purges and forgets exactly what one
 * that never restarted does.
 */
import { describe, expect, it } from 'vitest';
import {
  OVERFLOW_SLACK_MS,
  applyBatch,
  countBoundFor,
  formatJobId,
  getJob,
  nextDueTime,
  resolveOptions,
  restoreState,
  snapshotState,
  stateDigest,
  stats,
  type Command,
  type CommandResult,
  type JobsOptions,
  type JobsState,
  type LeaseGrant,
} from '../../src/jobs/index.js';
import { finishedFifo } from '../../src/jobs/finished.js';
import { Harness, job, replicateRandom } from './helpers.js';

const T0 = 50_000_000;
const DAY = 86_400_000;
/** Long enough that only the count bounds purge in these tests. */
const KEEP = { succeededMs: 30 * DAY, cancelledMs: 30 * DAY, deadMs: 30 * DAY };

function restore(s: JobsState): JobsState {
  const r = restoreState(snapshotState(s), s.options);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** Ids of the jobs in `queue`'s FIFO of `terminal`, oldest first. */
function fifoIds(s: JobsState, queue: string, terminal: 'succeeded' | 'dead' | 'cancelled'): string[] {
  const q = s.queues.get(queue);
  return q === undefined ? [] : [...finishedFifo(s, q, terminal)].map((j) => j.id);
}

function alive(h: Harness, ids: readonly string[]): boolean[] {
  return ids.map((id) => getJob(h.state, id) !== null);
}

/** Submits `n` jobs to `queue` and leases them all; returns the grants in submit order. */
function leased(h: Harness, at: number, n: number, queue = 'q', extra: Parameters<typeof job>[0] = {}): LeaseGrant[] {
  h.submit(at, ...Array.from({ length: n }, () => job({ queue, maxAttempts: 1, ...extra })));
  return h.lease(at, [queue], n);
}

const complete = (g: LeaseGrant): Command => ({ type: 'complete', jobId: g.jobId, token: g.token });
const failHard = (g: LeaseGrant): Command => ({ type: 'fail', jobId: g.jobId, token: g.token, error: 'x', retry: false });

describe('retention by count', () => {
  it('purges the oldest by finish time, then submit order, with the next entry', () => {
    const h = new Harness({ retention: KEEP, maxSucceeded: 3 });
    const g = leased(h, T0, 5);
    const [j1, j2, j3, j4, j5] = g.map((x) => x.jobId) as [string, string, string, string, string];
    // Jobs 3 and 1 finish in the same ms (3 first): submit order breaks the tie, not finish order.
    h.apply(T0 + 10, complete(g[2]!), complete(g[0]!));
    h.apply(T0 + 11, complete(g[4]!));
    h.apply(T0 + 12, complete(g[1]!));
    expect(fifoIds(h.state, 'q', 'succeeded')).toEqual([j1, j3, j5, j2]);
    // Four succeeded, bound three: the excess waits for the next entry's due pass, any entry.
    expect(stats(h.state)[0]).toMatchObject({ leased: 1, succeeded: 4 });
    expect(h.apply(T0 + 13, complete(g[3]!))).toEqual([{ ok: true, type: 'complete', jobId: j4, finishedAt: T0 + 13 }]);
    expect(alive(h, [j1, j2, j3, j4, j5])).toEqual([false, true, true, true, true]);
    expect(h.one(T0 + 14, { type: 'tick' })).toEqual({ ok: true, type: 'tick', promoted: 0, expired: 0, purged: 1 });
    expect(alive(h, [j1, j2, j3, j4, j5])).toEqual([false, true, false, true, true]);
    expect(fifoIds(h.state, 'q', 'succeeded')).toEqual([j5, j2, j4]);
    expect(stats(h.state)).toEqual([{ queue: 'q', scheduled: 0, ready: 0, leased: 0, succeeded: 3, dead: 0, cancelled: 0 }]);
    // Nothing over the bound: next comes the age purge of the oldest.
    expect(nextDueTime(h.state)).toBe(T0 + 11 + KEEP.succeededMs);
  });

  it('jobs finished in one ms, in any order, are purged in submit order', () => {
    const h = new Harness({ retention: KEEP, maxSucceeded: 10 });
    const g = leased(h, T0, 40);
    // Reversed, and then shuffled a little: far and near moves into place.
    const order = g.slice().reverse();
    [order[3], order[30]] = [order[30]!, order[3]!];
    h.apply(T0 + 1, ...order.map(complete));
    expect(fifoIds(h.state, 'q', 'succeeded')).toEqual(g.map((x) => x.jobId));
    h.one(T0 + 2, { type: 'tick' });
    expect(fifoIds(h.state, 'q', 'succeeded')).toEqual(g.slice(30).map((x) => x.jobId));
  });

  it('bounds each terminal state apart, and only finished jobs', () => {
    const h = new Harness({ retention: KEEP, maxSucceeded: 1, maxCancelled: 2, maxDead: 3 });
    const g = leased(h, T0, 12);
    h.apply(T0 + 1, ...g.slice(0, 4).map(complete), ...g.slice(4, 8).map(failHard), ...g.slice(8, 12).map((x): Command => ({ type: 'cancel', jobId: x.jobId })));
    h.submit(T0 + 1, job(), job({ delayMs: DAY }));
    h.lease(T0 + 1, ['q'], 1);
    h.one(T0 + 2, { type: 'tick' });
    expect(stats(h.state)).toEqual([{ queue: 'q', scheduled: 1, ready: 0, leased: 1, succeeded: 1, dead: 3, cancelled: 2 }]);
    // The newest of each state stay.
    expect(alive(h, g.map((x) => x.jobId))).toEqual([false, false, false, true, false, true, true, true, false, false, true, true]);
  });

  it('a queue override beats the default, field by field; 0 keeps none', () => {
    const h = new Harness({ retention: KEEP, maxSucceeded: 2, maxDead: 2, queueRetention: { big: { maxSucceeded: 5 }, none: { maxSucceeded: 0 } } });
    expect([countBoundFor(h.state.options, 'big', 'succeeded'), countBoundFor(h.state.options, 'big', 'dead')]).toEqual([5, 2]);
    for (const queue of ['q', 'big', 'none']) {
      const g = leased(h, T0, 6, queue);
      h.apply(T0 + 1, ...g.slice(0, 4).map(complete), ...g.slice(4).map(failHard));
    }
    h.one(T0 + 2, { type: 'tick' });
    const byQueue = Object.fromEntries(stats(h.state).map((s) => [s.queue, [s.succeeded, s.dead]]));
    expect(byQueue).toEqual({ q: [2, 2], big: [4, 2], none: [0, 2] });
  });

  it('a queue named like an Object.prototype key gets the default bound', () => {
    const o = resolveOptions({ maxSucceeded: 7 });
    expect(countBoundFor(o, 'constructor', 'succeeded')).toBe(7);
    expect(countBoundFor(o, '__proto__', 'dead')).toBe(100_000);
  });

  it('age still purges within the bound, and a job purged by age leaves its FIFO', () => {
    const h = new Harness({ retention: { ...KEEP, succeededMs: 1000 }, maxSucceeded: 3 });
    const g = leased(h, T0, 4);
    h.apply(T0 + 1, complete(g[0]!));
    // Its own retention puts job 2 out of finish order in the purge schedule.
    const [own] = h.submit(T0 + 1, job({ retentionMs: 10 }));
    const g2 = h.leaseOne(T0 + 1);
    expect(g2.jobId).toBe(own);
    h.apply(T0 + 2, complete(g2), complete(g[1]!));
    h.one(T0 + 12, { type: 'tick' });
    expect(getJob(h.state, own!)).toBeNull();
    expect(fifoIds(h.state, 'q', 'succeeded')).toEqual([g[0]!.jobId, g[1]!.jobId]);
    h.apply(T0 + 20, complete(g[2]!), complete(g[3]!));
    h.one(T0 + 21, { type: 'tick' });
    expect(fifoIds(h.state, 'q', 'succeeded')).toEqual([g[1]!.jobId, g[2]!.jobId, g[3]!.jobId]);
    h.one(T0 + 1002, { type: 'tick' });
    expect(fifoIds(h.state, 'q', 'succeeded')).toEqual([g[2]!.jobId, g[3]!.jobId]);
  });

  it('a dead job retried by an operator leaves the dead FIFO; dying again puts it last', () => {
    const h = new Harness({ retention: KEEP, maxDead: 2 });
    const g = leased(h, T0, 3);
    const ids = g.map((x) => x.jobId);
    h.apply(T0 + 1, ...g.map(failHard));
    h.one(T0 + 2, { type: 'tick' });
    expect(fifoIds(h.state, 'q', 'dead')).toEqual(ids.slice(1));
    // Retry the oldest dead job and let it die again in the same ms: it is now the newest.
    h.apply(T0 + 3, { type: 'retryDead', jobId: ids[1]! });
    const again = h.leaseOne(T0 + 3);
    h.apply(T0 + 3, failHard(again));
    expect(fifoIds(h.state, 'q', 'dead')).toEqual([ids[2], ids[1]]);
    // And once more, in the same ms as before: its gap and its new slot share a sort key.
    h.apply(T0 + 3, { type: 'retryDead', jobId: ids[1]! });
    h.apply(T0 + 3, failHard(h.leaseOne(T0 + 3)));
    expect(fifoIds(h.state, 'q', 'dead')).toEqual([ids[2], ids[1]]);
    const g2 = leased(h, T0 + 4, 1);
    h.apply(T0 + 4, failHard(g2[0]!));
    h.one(T0 + 5, { type: 'tick' });
    expect(fifoIds(h.state, 'q', 'dead')).toEqual([ids[1], g2[0]!.jobId]);
    expect(alive(h, ids)).toEqual([false, true, false]);
  });

  it('an idle cluster ticks OVERFLOW_SLACK_MS after the entry that went over the bound', () => {
    const h = new Harness({ retention: KEEP, maxSucceeded: 1 });
    const g = leased(h, T0, 2);
    h.apply(T0 + 5, ...g.map(complete));
    expect(nextDueTime(h.state)).toBe(T0 + 5 + OVERFLOW_SLACK_MS);
    h.one(T0 + 5 + OVERFLOW_SLACK_MS, { type: 'tick' });
    expect(h.state.jobs.size).toBe(1);
    expect(nextDueTime(h.state)).toBe(T0 + 5 + KEEP.succeededMs);
  });

  it('maxPurgePerBatch stops the pass, queues trimmed by name then state; the leader ticks again at once', () => {
    const h = new Harness({ retention: KEEP, maxSucceeded: 1, maxDead: 1, maxPurgePerBatch: 3 });
    // Queue b finishes first, but a is trimmed first.
    const gb = leased(h, T0, 4, 'b');
    const ga = leased(h, T0, 4, 'a');
    const finishAll = (g: LeaseGrant[]): Command[] => [complete(g[0]!), complete(g[1]!), failHard(g[2]!), failHard(g[3]!)];
    h.apply(T0 + 1, ...finishAll(gb), ...finishAll(ga));
    const counts = (): (string | number)[][] => stats(h.state).map((s) => [s.queue, s.succeeded, s.dead]);
    expect(h.one(T0 + 2, { type: 'tick' })).toMatchObject({ purged: 3 });
    expect(counts()).toEqual([
      ['a', 1, 1],
      ['b', 1, 2],
    ]);
    expect(nextDueTime(h.state)).toBe(T0 + 2);
    expect(h.one(T0 + 2, { type: 'tick' })).toMatchObject({ purged: 1 });
    expect(counts()).toEqual([
      ['a', 1, 1],
      ['b', 1, 1],
    ]);
    expect(nextDueTime(h.state)).toBe(T0 + 1 + KEEP.succeededMs);
  });
});

describe('count bound options', () => {
  it('defaults: 10,000 succeeded, 10,000 cancelled, 100,000 dead per queue; 500,000 keys of purged jobs', () => {
    const o = resolveOptions();
    expect([o.maxSucceeded, o.maxCancelled, o.maxDead, o.maxPurgedJobKeys]).toEqual([10_000, 10_000, 100_000, 500_000]);
    expect(countBoundFor(resolveOptions({ queueRetention: { q: { maxDead: 0 } } }), 'q', 'dead')).toBe(0);
  });

  it('rejects negative or fractional bounds, and count fields where only ms belong', () => {
    expect(() => resolveOptions({ maxSucceeded: -1 })).toThrow(/maxSucceeded must be a non-negative integer/);
    expect(() => resolveOptions({ maxPurgedJobKeys: 0.5 })).toThrow(/maxPurgedJobKeys/);
    expect(() => resolveOptions({ queueRetention: { q: { maxDead: -3 } } })).toThrow(/queueRetention\["q"\]\.maxDead must be a non-negative integer, got -3/);
    expect(() => resolveOptions({ retention: { ...KEEP, maxDead: 5 } as never })).toThrow(/retention\.maxDead is not a retention field/);
  });
});

describe('keys of purged jobs', () => {
  it('a job purged by count keeps its key until the window ends: duplicates get its id, state null', () => {
    const h = new Harness({ retention: KEEP, maxSucceeded: 1, idempotencyWindowMs: DAY });
    const g = leased(h, T0, 2, 'q', {});
    h.submit(T0, job({ idempotencyKey: 'k' }));
    const gk = h.leaseOne(T0);
    h.apply(T0 + 1, complete(gk));
    h.apply(T0 + 2, ...g.map(complete));
    h.one(T0 + 3, { type: 'tick' });
    expect(getJob(h.state, gk.jobId)).toBeNull();
    expect(h.submitted(T0 + 4, job({ idempotencyKey: 'k' }))).toEqual([{ id: gk.jobId, duplicate: true, state: null }]);
    expect(h.submitted(T0 + DAY, job({ idempotencyKey: 'k' }))[0]).toMatchObject({ duplicate: false });
  });

  it('past maxPurgedJobKeys the keys of the jobs purged longest ago are forgotten: they no longer deduplicate', () => {
    const h = new Harness({ retention: KEEP, maxSucceeded: 0, maxPurgedJobKeys: 2 });
    // Submitted in key order, finished (and so purged) in another: c, a, b.
    const ids = h.submit(T0, job({ idempotencyKey: 'a' }), job({ idempotencyKey: 'b' }), job({ idempotencyKey: 'c' }), job({ idempotencyKey: 'live' }));
    const g = h.lease(T0, ['q'], 3);
    h.apply(T0 + 1, complete(g[2]!));
    h.apply(T0 + 2, complete(g[0]!));
    h.apply(T0 + 3, complete(g[1]!));
    h.one(T0 + 4, { type: 'tick' });
    expect(h.state.jobs.size).toBe(1);
    expect(h.state.idempotency.releasedSize).toBe(2);
    expect([...h.state.idempotency].map(([k]) => k)).toEqual(['q\u0000live', 'q\u0000a', 'q\u0000b']);
    const again = h.submitted(T0 + 5, ...['a', 'b', 'c', 'live'].map((idempotencyKey) => job({ idempotencyKey })));
    expect(again.map((j) => [j.duplicate, j.state])).toEqual([
      [true, null],
      [true, null],
      [false, 'ready'],
      [true, 'ready'],
    ]);
    expect(again.map((j) => j.id).slice(0, 2)).toEqual(ids.slice(0, 2));
  });

  it('0 keeps no key of a purged job', () => {
    const h = new Harness({ retention: KEEP, maxSucceeded: 0, maxPurgedJobKeys: 0 });
    const [id] = h.submit(T0, job({ idempotencyKey: 'k' }));
    h.apply(T0, complete(h.leaseOne(T0)));
    h.apply(T0 + 1);
    expect(h.state.idempotency.size).toBe(0);
    expect(h.submitted(T0 + 2, job({ idempotencyKey: 'k' }))[0]!.id).not.toBe(id);
  });
});

describe('count bounds are replicated state semantics', () => {
  it('a snapshot taken over the bound, with same-ms ties and a retried dead job, restores to the same future', () => {
    const options: Partial<JobsOptions> = { retention: KEEP, maxSucceeded: 2, maxDead: 2, queueRetention: { k: { maxSucceeded: 0 } }, maxPurgedJobKeys: 3, maxPurgePerBatch: 1 };
    const h = new Harness(options);
    const g = leased(h, T0, 8, 'q', {});
    h.submit(T0, ...Array.from({ length: 4 }, (_, i) => job({ queue: 'k', idempotencyKey: `key${i}` })));
    const gk = h.lease(T0, ['k'], 4);
    h.apply(T0 + 1, complete(g[3]!), complete(g[1]!), failHard(g[5]!), failHard(g[4]!), ...gk.map(complete));
    // g5 is not first in the dead FIFO: retrying it leaves a gap.
    h.apply(T0 + 2, { type: 'retryDead', jobId: g[5]!.jobId });
    h.apply(T0 + 2, failHard(h.leaseOne(T0 + 2)), complete(g[0]!), complete(g[2]!), failHard(g[6]!));
    const copy = restore(h.state);
    expect(stateDigest(copy)).toBe(stateDigest(h.state));
    for (const terminal of ['succeeded', 'dead'] as const) expect(fifoIds(copy, 'q', terminal)).toEqual(fifoIds(h.state, 'q', terminal));
    expect(nextDueTime(copy)).toBe(T0 + 2 + OVERFLOW_SLACK_MS);
    // One purge per entry: the copy must pick the same job every time.
    for (let t = T0 + 3; t < T0 + 20; t++) {
      const batch = { time: t, commands: t === T0 + 9 ? [complete(g[7]!)] : [{ type: 'tick' as const }] };
      const a = applyBatch(h.state, batch, ++h.index);
      expect(applyBatch(copy, batch, h.index)).toEqual(a);
      expect(stateDigest(copy), `t=${t - T0}`).toBe(stateDigest(h.state));
    }
    expect(stats(copy)).toEqual(stats(h.state));
    expect(h.state.jobs.size).toBe(4);
    expect(copy.idempotency.releasedSize).toBe(3);
  });

  it('a restored FIFO, sorted on first use, can lose any job first, including the one that sorts to its front', () => {
    const h = new Harness({ retention: KEEP, maxDead: 3 });
    const g = leased(h, T0, 3);
    const ids = g.map((x) => x.jobId);
    // Finish order 3, 2, 1: the reverse of the order restore adds them in.
    for (let i = 2; i >= 0; i--) h.apply(T0 + 10 - i, failHard(g[i]!));
    const copy = restore(h.state);
    const both = (time: number, ...commands: Command[]): CommandResult[] => {
      const results = h.apply(time, ...commands);
      expect(applyBatch(copy, { time, commands }, h.index)).toEqual(results);
      return results;
    };
    // Job 3 comes first only once the FIFO is sorted: retrying it must not leave a gap at the front.
    both(T0 + 20, { type: 'retryDead', jobId: ids[2]! });
    expect(fifoIds(copy, 'q', 'dead')).toEqual([ids[1], ids[0]]);
    both(T0 + 21, { type: 'submit', jobs: [job({ maxAttempts: 1 }), job({ maxAttempts: 1 })] });
    const [lease] = both(T0 + 21, { type: 'lease', workerId: 'w1', queues: ['q'], max: 3 });
    if (lease?.ok !== true || lease.type !== 'lease') throw new Error('no lease');
    both(T0 + 22, ...lease.leases.map(failHard));
    both(T0 + 23, { type: 'tick' });
    expect(stateDigest(copy)).toBe(stateDigest(h.state));
    expect(lease.leases.map((x) => x.jobId)).toEqual([ids[2], '0000000004', '0000000005']);
    expect(fifoIds(copy, 'q', 'dead')).toEqual([ids[2], '0000000004', '0000000005']);
  });

  const options: Partial<JobsOptions> = {
    retention: { succeededMs: 20_000, cancelledMs: DAY, deadMs: DAY },
    maxSucceeded: 3,
    maxCancelled: 2,
    maxDead: 4,
    queueRetention: { a: { maxSucceeded: 0 }, 'c.high': { maxDead: 1, cancelledMs: 500 } },
    maxPurgedJobKeys: 5,
    maxPurgePerBatch: 2,
  };

  for (const seed of [3, 77, 2024]) {
    it(`replicas with small bounds purge identically through encode/decode and snapshot restarts (seed ${seed})`, () => {
      const { leader, purged } = replicateRandom(options, seed, 800, 25, 50);
      expect(purged, 'purges happened').toBeGreaterThan(0);
      expect(leader.idempotency.releasedSize).toBeLessThanOrEqual(5);
    });
  }
});

describe('soak: sustained submit and complete in one queue', () => {
  it('200k keyed jobs: jobs and keys stay within their bounds, and so do the indexes', () => {
    const maxSucceeded = 1000;
    const maxPurgedJobKeys = 5000;
    const perEntry = 1000;
    const h = new Harness({ retention: KEEP, maxSucceeded, maxPurgedJobKeys, maxJobsPerSubmit: perEntry, maxLeaseBatch: perEntry });
    let most = { jobs: 0, keys: 0, order: 0 };
    const payload = new Uint8Array(32);
    for (let b = 0; b < 200; b++) {
      const t = T0 + b * 10;
      h.submit(t, ...Array.from({ length: perEntry }, (_, i) => ({ queue: 'q', payload, idempotencyKey: `k-${b}-${i}` })));
      const g = h.lease(t, ['q'], perEntry);
      h.apply(t + 5, ...g.map(complete));
      const s = h.state;
      most = { jobs: Math.max(most.jobs, s.jobs.size), keys: Math.max(most.keys, s.idempotency.size), order: Math.max(most.order, s.order.length) };
    }
    const s = h.state;
    expect(s.lastSeq).toBe(200_000);
    // The last entry's completions wait for the next entry's due pass: one entry's worth at most.
    expect(most.jobs).toBeLessThanOrEqual(maxSucceeded + perEntry);
    expect(most.keys).toBeLessThanOrEqual(maxPurgedJobKeys + maxSucceeded + perEntry);
    expect(most.order).toBeLessThanOrEqual(2 * (maxSucceeded + perEntry) + 64);
    h.one(T0 + 3000, { type: 'tick' });
    expect(s.jobs.size).toBe(maxSucceeded);
    expect(s.idempotency.releasedSize).toBe(maxPurgedJobKeys);
    expect(s.idempotency.size).toBe(maxPurgedJobKeys + maxSucceeded);
    expect(stats(s)).toEqual([{ queue: 'q', scheduled: 0, ready: 0, leased: 0, succeeded: maxSucceeded, dead: 0, cancelled: 0 }]);
    // The newest survive.
    expect(getJob(s, formatJobId(200_000))?.state).toBe('succeeded');
    expect(getJob(s, formatJobId(200_000 - maxSucceeded))).toBeNull();
    expect(restore(s).jobs.size).toBe(maxSucceeded);
  });
});
