/**
 * Bulk actions (`BulkCommand`): retryDead, cancel and purge over a filter, in bounded batches
 * chained by `afterSeq`, with the events of the single-job commands; and the dry run (`bulkCount`).
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_BULK_SCAN,
  applyBatch,
  backlog,
  beginSnapshot,
  bulkCount,
  getJob,
  isCurrentLease,
  restoreState,
  snapshotState,
  stateDigest,
  stats,
  type BulkAction,
  type BulkFilter,
  type BulkResult,
  type CommandResult,
  type JobEvent,
  type JobState,
} from '../../src/jobs/index.js';
import { Harness, bytes, job } from './helpers.js';

const T0 = 1_000_000;

function bulk(h: Harness, time: number, action: BulkAction, filter: BulkFilter, afterSeq = 0, max = 10_000, reason?: string): BulkResult {
  const cmd = { type: 'bulk', action, filter, afterSeq, max } as const;
  const r: CommandResult = h.one(time, reason === undefined ? cmd : { ...cmd, reason });
  if (!r.ok || r.type !== 'bulk') throw new Error(`bulk failed: ${JSON.stringify(r)}`);
  return r;
}

/** Runs an action batch after batch until done; every id acted on, in order. */
function runAll(h: Harness, time: number, action: BulkAction, filter: BulkFilter, max: number): { ids: string[]; batches: number } {
  const ids: string[] = [];
  let afterSeq = 0;
  for (let batches = 1; ; batches++) {
    const r = bulk(h, time, action, filter, afterSeq, max);
    expect(r.jobIds.length).toBeLessThanOrEqual(max);
    expect(r.affected).toBe(r.jobIds.length);
    ids.push(...r.jobIds);
    if (r.done) return { ids, batches };
    expect(r.lastSeq).toBeGreaterThan(afterSeq);
    afterSeq = r.lastSeq;
  }
}

/**
 * Jobs in every state over two queues, submitted at T0 (ids 1-7, queue a) and T0 + 10_000 (ids
 * 8-14, queue b), each queue's the same way: 1 scheduled, 2 leased, 3 succeeded, 4 dead, 5 ready,
 * 6 cancelled, 7 ready (ids 8-14 likewise).
 */
function world(): Harness {
  const h = new Harness();
  for (const [time, queue] of [[T0, 'a'], [T0 + 10_000, 'b']] as const) {
    const ids = h.submit(time, ...Array.from({ length: 7 }, (_, i) => job({ queue, maxAttempts: 1, ...(i === 0 ? { delayMs: 1_000_000 } : {}) })));
    const [leased, done, dies] = h.lease(time, [queue], 3, 'w', 100_000);
    h.apply(
      time,
      { type: 'complete', jobId: done!.jobId, token: done!.token },
      { type: 'fail', jobId: dies!.jobId, token: dies!.token, error: 'x', retry: false },
      { type: 'cancel', jobId: ids[5]! },
    );
    expect(leased).toBeDefined();
  }
  const state = (n: number): JobState | undefined => getJob(h.state, n.toString(36).padStart(10, '0'))?.state;
  expect([1, 2, 3, 4, 5, 6, 7].map(state)).toEqual(['scheduled', 'leased', 'succeeded', 'dead', 'ready', 'cancelled', 'ready']);
  return h;
}

const id = (n: number): string => n.toString(36).padStart(10, '0');
const T1 = T0 + 20_000;

describe('bulk retryDead', () => {
  it('makes matching dead jobs ready again, as retryDead does, with its event', () => {
    const h = world();
    const events: JobEvent[] = [];
    const [r] = applyBatch(h.state, { time: T1, commands: [{ type: 'bulk', action: 'retryDead', filter: { queue: 'b' }, afterSeq: 0, max: 100 }] }, ++h.index, events);
    expect(r).toEqual({ ok: true, type: 'bulk', affected: 1, jobIds: [id(11)], lastSeq: 14, done: true });
    expect(events).toEqual([{ type: 'retried', jobId: id(11), queue: 'b', group: null }]);
    expect(getJob(h.state, id(11))).toMatchObject({ state: 'ready', attemptLimit: 2, finishedAt: null, purgeAt: null });
    expect(getJob(h.state, id(4))?.state).toBe('dead');
    // olderThanMs: only jobs submitted at or before T1 - 15_000 (queue a's).
    expect(bulk(h, T1, 'retryDead', { olderThanMs: 15_000 }).jobIds).toEqual([id(4)]);
    expect(bulk(h, T1, 'retryDead', { states: ['dead'] }).affected).toBe(0);
  });
});

describe('bulk cancel', () => {
  it('cancels matching scheduled, ready and leased jobs, as cancel does, with its events and the reason', () => {
    const h = world();
    const lease = getJob(h.state, id(9))?.lease;
    const events: JobEvent[] = [];
    const [r] = applyBatch(
      h.state,
      { time: T1, commands: [{ type: 'bulk', action: 'cancel', filter: { queue: 'b' }, afterSeq: 0, max: 100, reason: 'cleanup' }] },
      ++h.index,
      events,
    );
    expect(r).toEqual({ ok: true, type: 'bulk', affected: 4, jobIds: [id(8), id(9), id(12), id(14)], lastSeq: 14, done: true });
    expect(events).toEqual([
      { type: 'cancelled', jobId: id(8), queue: 'b', group: null, previous: 'scheduled', token: 0 },
      { type: 'cancelled', jobId: id(9), queue: 'b', group: null, previous: 'leased', token: lease?.token },
      { type: 'cancelled', jobId: id(12), queue: 'b', group: null, previous: 'ready', token: 0 },
      { type: 'cancelled', jobId: id(14), queue: 'b', group: null, previous: 'ready', token: 0 },
    ]);
    expect(isCurrentLease(h.state, id(9), lease!.token)).toBe(false);
    expect(getJob(h.state, id(9))).toMatchObject({ state: 'cancelled', cancelReason: 'cleanup' });
    expect(stats(h.state).find((s) => s.queue === 'b')).toMatchObject({ scheduled: 0, ready: 0, leased: 0, cancelled: 5 });
    expect(stats(h.state).find((s) => s.queue === 'a')).toMatchObject({ scheduled: 1, ready: 2, leased: 1 });
  });

  it('states and olderThanMs narrow it', () => {
    const h = world();
    expect(bulk(h, T1, 'cancel', { states: ['leased'] }).jobIds).toEqual([id(2), id(9)]);
    expect(bulk(h, T1, 'cancel', { states: ['scheduled', 'ready'], olderThanMs: 15_000 }).jobIds).toEqual([id(1), id(5), id(7)]);
    expect(bulk(h, T1, 'cancel', { olderThanMs: 10_001 }).affected).toBe(0);
    expect(bulk(h, T1, 'cancel', { olderThanMs: 10_000 }).jobIds).toEqual([id(8), id(12), id(14)]);
  });
});

describe('bulk purge', () => {
  it('removes finished, scheduled and ready jobs for good, never leased ones; indexes, counts and backlog follow', () => {
    const h = world();
    const events: JobEvent[] = [];
    const [r] = applyBatch(h.state, { time: T1, commands: [{ type: 'bulk', action: 'purge', filter: { queue: 'a' }, afterSeq: 0, max: 100 }] }, ++h.index, events);
    expect(r).toMatchObject({ affected: 6, jobIds: [id(1), id(3), id(4), id(5), id(6), id(7)], done: true });
    expect(events.map((e) => (e.type === 'purged' ? [e.jobId, e.state] : e.type))).toEqual([
      [id(1), 'scheduled'],
      [id(3), 'succeeded'],
      [id(4), 'dead'],
      [id(5), 'ready'],
      [id(6), 'cancelled'],
      [id(7), 'ready'],
    ]);
    for (const n of [1, 3, 4, 5, 6, 7]) expect(getJob(h.state, id(n))).toBeNull();
    expect(getJob(h.state, id(2))?.state).toBe('leased');
    expect(stats(h.state).find((s) => s.queue === 'a')).toEqual({ queue: 'a', scheduled: 0, ready: 0, leased: 1, succeeded: 0, dead: 0, cancelled: 0 });
    // Queue b's scheduled, ready and leased jobs are the backlog now, with a's leased one.
    expect(backlog(h.state)).toEqual({ jobs: 5, payloadBytes: 5 });
    // Queue a has nothing ready to lease, and its scheduled job no longer makes anything due.
    expect(h.lease(T1, ['a'], 10)).toEqual([]);
    expect(h.state.scheduled.size).toBe(1);
    expect(bulk(h, T1, 'purge', { states: ['scheduled'] }).jobIds).toEqual([id(8)]);
    expect(h.state.scheduled.size).toBe(0);
  });

  it('states and olderThanMs narrow it; a purged job is skipped by later batches', () => {
    const h = world();
    expect(bulk(h, T1, 'purge', { states: ['succeeded', 'cancelled'] }).jobIds).toEqual([id(3), id(6), id(10), id(13)]);
    expect(bulk(h, T1, 'purge', { states: ['ready'], olderThanMs: 10_000 }).jobIds).toEqual([id(5), id(7), id(12), id(14)]);
    expect(bulk(h, T1, 'purge', {}).jobIds).toEqual([id(1), id(4), id(8), id(11)]);
    expect(bulk(h, T1, 'purge', {}).affected).toBe(0);
    expect(h.state.jobs.size).toBe(2);
  });

  it('keeps a purged job’s idempotency key for its window: a duplicate submit answers with its id and state null', () => {
    const h = new Harness();
    const [a] = h.submit(T0, job({ idempotencyKey: 'i' }));
    bulk(h, T0 + 1, 'purge', {});
    expect(getJob(h.state, a!)).toBeNull();
    expect(h.submitted(T0 + 2, job({ idempotencyKey: 'i' }))).toEqual([{ id: a, duplicate: true, state: null }]);
  });

  it('a schedule slot waiting for a job purged unfinished fires, as if the job had finished', () => {
    const h = new Harness();
    h.one(T0, { type: 'scheduleSet', mode: 'create', schedule: { id: 's', intervalMs: 1000, overlap: 'bufferOne', template: { queue: 'q', payload: bytes('x') } } });
    h.one(T0 + 1000, { type: 'scheduleFire', id: 's', through: T0 + 1000, slots: [T0 + 1000], skipped: 0 });
    expect(h.one(T0 + 2000, { type: 'scheduleFire', id: 's', through: T0 + 2000, slots: [T0 + 2000], skipped: 0 })).toMatchObject({ pendingSlot: T0 + 2000 });
    const events: JobEvent[] = [];
    applyBatch(h.state, { time: T0 + 2001, commands: [{ type: 'bulk', action: 'purge', filter: {}, afterSeq: 0, max: 1 }] }, ++h.index, events);
    expect(events.map((e) => e.type)).toEqual(['purged', 'submitted', 'scheduleFired']);
    expect(h.state.jobs.size).toBe(1);
  });

  it('a snapshot or restore sees the purged jobs gone; a cursor begun before gives the bytes of its start', () => {
    const h = world();
    const before = snapshotState(h.state);
    const c = beginSnapshot(h.state);
    bulk(h, T1, 'purge', { queue: 'b' });
    expect(Buffer.compare(c.finish(), before)).toBe(0);
    const restored = restoreState(snapshotState(h.state));
    if (!restored.ok) throw new Error(restored.error);
    expect(stateDigest(restored.value)).toBe(stateDigest(h.state));
    expect(stats(restored.value)).toEqual(stats(h.state));
  });
});

describe('the group filter', () => {
  it("takes jobs of one key, and '' takes jobs without one; the dry run agrees", () => {
    const h = new Harness();
    const ids = h.submit(T0, job({ group: 'a' }), job({ group: 'b' }), job(), job({ group: 'a' }), job({ queue: 'other', group: 'a' }));
    expect(bulkCount(h.state, 'cancel', { group: 'a', queue: 'q' })).toBe(2);
    expect(bulkCount(h.state, 'cancel', { group: '' })).toBe(1);
    expect(bulk(h, T0 + 1, 'cancel', { group: 'a', queue: 'q' }).jobIds).toEqual([ids[0], ids[3]]);
    expect(bulk(h, T0 + 1, 'purge', { group: '', states: ['ready'] }).jobIds).toEqual([ids[2]]);
    expect(getJob(h.state, ids[1] as string)?.state).toBe('ready');
    expect(getJob(h.state, ids[4] as string)?.state).toBe('ready');
  });
});

describe('batches', () => {
  it('chain by afterSeq until done, at most max each, in id order, each job once', () => {
    const h = new Harness();
    const ids = h.submit(T0, ...Array.from({ length: 25 }, (_, i) => job({ queue: i % 2 === 0 ? 'a' : 'b' })));
    const { ids: cancelled, batches } = runAll(h, T0 + 1, 'cancel', { queue: 'a' }, 4);
    expect(cancelled).toEqual(ids.filter((_, i) => i % 2 === 0));
    expect(batches).toBe(4);
    // A batch that fills up stops at its last job: the next goes on from there.
    const h2 = new Harness();
    h2.submit(T0, ...Array.from({ length: 5 }, () => job()));
    expect(bulk(h2, T0, 'cancel', {}, 0, 2)).toMatchObject({ jobIds: [id(1), id(2)], lastSeq: 2, done: false });
    expect(bulk(h2, T0, 'cancel', {}, 2, 3)).toMatchObject({ jobIds: [id(3), id(4), id(5)], lastSeq: 5, done: true });
    expect(bulk(h2, T0, 'cancel', {}, 5, 3)).toEqual({ ok: true, type: 'bulk', affected: 0, jobIds: [], lastSeq: 5, done: true });
    expect(bulk(h2, T0, 'cancel', {}, 99, 3)).toEqual({ ok: true, type: 'bulk', affected: 0, jobIds: [], lastSeq: 99, done: true });
  });

  it('look at no more than MAX_BULK_SCAN jobs per command, matching or not', () => {
    const h = new Harness();
    for (let i = 0; i < MAX_BULK_SCAN; i += 1000) h.submit(T0, ...Array.from({ length: 1000 }, () => job({ queue: 'a' })));
    const tail = h.submit(T0, job({ queue: 'b' }), job({ queue: 'b' }));
    const first = bulk(h, T0, 'cancel', { queue: 'b' });
    expect(first).toEqual({ ok: true, type: 'bulk', affected: 0, jobIds: [], lastSeq: MAX_BULK_SCAN, done: false });
    expect(bulk(h, T0, 'cancel', { queue: 'b' }, first.lastSeq)).toMatchObject({ jobIds: tail, done: true });
  });
});

describe('bulkCount (dry run)', () => {
  it('counts what the action would touch now, exactly what running it to the end affects, and changes nothing', () => {
    const filters: BulkFilter[] = [{}, { queue: 'a' }, { olderThanMs: 10_000 }, { queue: 'b', olderThanMs: 0 }];
    for (const action of ['retryDead', 'cancel', 'purge'] as const) {
      for (const filter of filters) {
        const h = world();
        h.apply(T1);
        const digest = stateDigest(h.state);
        const count = bulkCount(h.state, action, filter);
        expect(stateDigest(h.state)).toBe(digest);
        expect(count, `${action} ${JSON.stringify(filter)}`).toBeGreaterThan(0);
        expect(runAll(h, T1, action, filter, 2).ids.length, `${action} ${JSON.stringify(filter)}`).toBe(count);
        expect(bulkCount(h.state, action, filter)).toBe(0);
      }
    }
    const h = world();
    expect(bulkCount(h.state, 'purge', { states: ['leased'] })).toBe(0);
    expect(bulkCount(h.state, 'cancel', {})).toBe(8);
    expect(bulkCount(h.state, 'purge', {})).toBe(12);
    expect(bulkCount(h.state, 'retryDead', {})).toBe(2);
  });
});
