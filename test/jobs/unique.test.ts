/**
 * Unique keys beside the idempotency key (`SubmitJob.unique`): `active` (one unfinished job per
 * queue and key) and `debounce` (a pending job's payload, priority and run-at replaced within its
 * window), their table, their place in snapshots and the digest, and replicas agreeing on them.
 */
import { describe, expect, it } from 'vitest';
import {
  applyBatch,
  backlog,
  beginSnapshot,
  getJob,
  nextDueTime,
  restoreState,
  snapshotState,
  stateDigest,
  stats,
  type CommandResult,
  type JobEvent,
  type JobsState,
  type SubmitJob,
  type SubmittedJob,
} from '../../src/jobs/index.js';
import type { JobUnique } from '../../src/jobs/state.js';
import { GenContext } from './gen.js';
import { Harness, bytes, job, replicateRandom } from './helpers.js';

const T0 = 1_000_000;
const dec = new TextDecoder();

const active = (key = 'k', extra: Partial<SubmitJob> = {}): SubmitJob => job({ unique: { key, mode: 'active' }, ...extra });
const debounce = (windowMs: number | undefined, extra: Partial<SubmitJob> = {}, key = 'k'): SubmitJob =>
  job({ unique: windowMs === undefined ? { key, mode: 'debounce' } : { key, mode: 'debounce', windowMs }, ...extra });

function one(h: Harness, time: number, j: SubmitJob): SubmittedJob {
  const [r] = h.submitted(time, j);
  if (r === undefined) throw new Error('no result');
  return r;
}

function restore(s: JobsState): JobsState {
  const r = restoreState(snapshotState(s), s.options);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** The unique table as `[map key, job id]`, sorted. */
function table(s: JobsState): [string, string][] {
  return [...s.unique].map(([k, j]): [string, string] => [k, j.id]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function payloadOf(s: JobsState, id: string): string {
  return dec.decode(getJob(s, id)?.payload);
}

describe('active uniqueness', () => {
  it('returns the unfinished job as a duplicate while it is ready, scheduled or leased, and creates nothing', () => {
    for (const setUp of ['ready', 'scheduled', 'leased'] as const) {
      const h = new Harness();
      const first = one(h, T0, active('k', setUp === 'scheduled' ? { delayMs: 60_000 } : {}));
      if (setUp === 'leased') h.leaseOne(T0);
      expect(first).toEqual({ id: first.id, duplicate: false, state: setUp === 'scheduled' ? 'scheduled' : 'ready' });
      const again = one(h, T0 + 1, active('k', { payload: bytes('other'), priority: 9 }));
      expect(again, setUp).toEqual({ id: first.id, duplicate: true, state: setUp });
      // Nothing changed: one job, the first payload.
      expect(h.state.lastSeq).toBe(1);
      expect(payloadOf(h.state, first.id)).toBe('p');
      expect(getJob(h.state, first.id)?.priority).toBe(0);
    }
  });

  it('is per queue and key: another key or another queue makes a new job', () => {
    const h = new Harness();
    const a = one(h, T0, active('k'));
    expect(one(h, T0, active('k2')).duplicate).toBe(false);
    expect(one(h, T0, active('k', { queue: 'other' })).duplicate).toBe(false);
    expect(one(h, T0, active('k')).id).toBe(a.id);
    expect(h.state.lastSeq).toBe(3);
  });

  it('frees the key once the job succeeded, died or was cancelled: the next submit makes a new job that takes it', () => {
    const ends: [string, (h: Harness, id: string) => void][] = [
      ['succeeded', (h) => {
        const g = h.leaseOne(T0 + 1);
        h.one(T0 + 2, { type: 'complete', jobId: g.jobId, token: g.token });
      }],
      ['dead', (h) => {
        const g = h.leaseOne(T0 + 1);
        h.one(T0 + 2, { type: 'fail', jobId: g.jobId, token: g.token, error: 'x', retry: false });
      }],
      ['cancelled', (h, id) => void h.one(T0 + 2, { type: 'cancel', jobId: id })],
    ];
    for (const [state, end] of ends) {
      const h = new Harness();
      const first = one(h, T0, active());
      end(h, first.id);
      expect(getJob(h.state, first.id)?.state).toBe(state);
      expect(getJob(h.state, first.id)?.unique).toEqual({ key: 'k', mode: 'active', windowMs: null, holdsKey: false });
      expect(h.state.unique.size).toBe(0);
      const next = one(h, T0 + 3, active());
      expect(next.duplicate, state).toBe(false);
      expect(next.id).not.toBe(first.id);
      expect(one(h, T0 + 4, active()).id).toBe(next.id);
    }
  });

  it('frees the key when the job is purged, by retention or by a bulk purge', () => {
    const h = new Harness();
    const first = one(h, T0, active('k', { retentionMs: 10 }));
    h.one(T0 + 1, { type: 'cancel', jobId: first.id });
    h.one(T0 + 20, { type: 'tick' });
    expect(getJob(h.state, first.id)).toBeNull();
    const second = one(h, T0 + 21, active());
    expect(second.duplicate).toBe(false);
    // A ready job purged in bulk gives its key up too.
    expect(h.one(T0 + 22, { type: 'bulk', action: 'purge', filter: {}, afterSeq: 0, max: 10 })).toMatchObject({ jobIds: [second.id] });
    expect(h.state.unique.size).toBe(0);
    const third = one(h, T0 + 23, active());
    expect(third).toMatchObject({ duplicate: false, state: 'ready' });
    expect(third.id).not.toBe(second.id);
  });

  it('checks the idempotency key first; a submit answered by its unique key records no idempotency key', () => {
    const h = new Harness();
    const a = one(h, T0, active('k', { idempotencyKey: 'i1' }));
    // Same idempotency key, another unique key: the idempotency key answers.
    expect(one(h, T0, active('other', { idempotencyKey: 'i1' }))).toEqual({ id: a.id, duplicate: true, state: 'ready' });
    expect(h.state.unique.size).toBe(1);
    // Another idempotency key, the same unique key: the unique key answers, and i2 is not remembered.
    expect(one(h, T0, active('k', { idempotencyKey: 'i2' }))).toEqual({ id: a.id, duplicate: true, state: 'ready' });
    expect([...h.state.idempotency].map(([k]) => k)).toEqual(['q\u0000i1']);
  });

  it('an active key on either side makes a duplicate: a debounce submit does not replace an active job, nor an active submit a debounce one', () => {
    const h = new Harness();
    const a = one(h, T0, active());
    expect(one(h, T0 + 1, debounce(1000, { payload: bytes('new') }))).toEqual({ id: a.id, duplicate: true, state: 'ready' });
    expect(payloadOf(h.state, a.id)).toBe('p');
    const d = one(h, T0, debounce(1000, {}, 'd'));
    expect(one(h, T0 + 1, active('d', { payload: bytes('new') }))).toEqual({ id: d.id, duplicate: true, state: 'ready' });
    expect(payloadOf(h.state, d.id)).toBe('p');
  });

  it('a dead job retried by an operator takes its key back only while no other job holds it', () => {
    const h = new Harness();
    const first = one(h, T0, active());
    const g = h.leaseOne(T0);
    h.one(T0 + 1, { type: 'fail', jobId: g.jobId, token: g.token, error: 'x', retry: false });
    h.one(T0 + 2, { type: 'retryDead', jobId: first.id });
    expect(getJob(h.state, first.id)?.unique?.holdsKey).toBe(true);
    expect(one(h, T0 + 3, active())).toEqual({ id: first.id, duplicate: true, state: 'ready' });
    // Dead again; a new job takes the key; retrying the first then leaves the key with the new one.
    const g2 = h.leaseOne(T0 + 4);
    h.one(T0 + 5, { type: 'fail', jobId: g2.jobId, token: g2.token, error: 'x', retry: false });
    const second = one(h, T0 + 6, active());
    expect(second.duplicate).toBe(false);
    h.one(T0 + 7, { type: 'retryDead', jobId: first.id });
    expect(getJob(h.state, first.id)?.unique?.holdsKey).toBe(false);
    expect(one(h, T0 + 8, active()).id).toBe(second.id);
    expect(table(h.state)).toEqual([['q\u0000k', second.id]]);
  });
});

describe('debounce', () => {
  it('within the window, replaces the pending job: payload, priority, run-at; a duplicate with replaced and one event', () => {
    const h = new Harness();
    const first = one(h, T0, debounce(5000, { delayMs: 5000, payload: bytes('one') }));
    expect(first).toEqual({ id: first.id, duplicate: false, state: 'scheduled' });
    const events: JobEvent[] = [];
    const [r] = applyBatch(h.state, { time: T0 + 4999, commands: [{ type: 'submit', jobs: [debounce(5000, { delayMs: 5000, payload: bytes('two!'), priority: 7 })] }] }, ++h.index, events);
    expect(r).toEqual({ ok: true, type: 'submit', jobs: [{ id: first.id, duplicate: true, state: 'scheduled', replaced: true }] });
    expect(events).toEqual([{ type: 'replaced', jobId: first.id, queue: 'q', group: null, state: 'scheduled' }]);
    const v = getJob(h.state, first.id);
    expect(v).toMatchObject({ priority: 7, runAt: T0 + 9999, submittedAt: T0, updatedAt: T0 + 4999 });
    expect(payloadOf(h.state, first.id)).toBe('two!');
    expect(v?.unique).toEqual({ key: 'k', mode: 'debounce', windowMs: 5000, holdsKey: true });
    expect(h.state.lastSeq).toBe(1);
    // The scheduled index follows the new run-at; the backlog the new payload's size.
    expect(nextDueTime(h.state)).toBe(T0 + 9999);
    expect(backlog(h.state)).toEqual({ jobs: 1, payloadBytes: 4 });
    expect(h.lease(T0 + 9998, ['q'])).toEqual([]);
    expect(h.leaseOne(T0 + 9999).jobId).toBe(first.id);
  });

  it('a replacement moves the job in the ready queue by its new priority and run-at', () => {
    const h = new Harness();
    const [a, b] = h.submit(T0, job({ priority: 5 }), job({ priority: 3 }));
    const d = one(h, T0, debounce(10_000, { priority: 1 }));
    // Raised above every other job.
    expect(one(h, T0 + 1, debounce(10_000, { priority: 9 }))).toMatchObject({ id: d.id, replaced: true, state: 'ready' });
    expect(h.lease(T0 + 1, ['q'], 3).map((g) => g.jobId)).toEqual([d.id, a, b]);

    const h2 = new Harness();
    const d2 = one(h2, T0, debounce(10_000, { priority: 9 }));
    const [c] = h2.submit(T0, job({ priority: 4 }));
    // Lowered below the other job, and made later: it is scheduled again.
    expect(one(h2, T0 + 1, debounce(10_000, { priority: 2, delayMs: 100 }))).toMatchObject({ id: d2.id, replaced: true, state: 'scheduled' });
    expect(h2.lease(T0 + 1, ['q'], 2).map((g) => g.jobId)).toEqual([c]);
    expect(h2.lease(T0 + 101, ['q'], 2).map((g) => g.jobId)).toEqual([d2.id]);
    // A scheduled job replaced with no delay is ready at once.
    const h3 = new Harness();
    const d3 = one(h3, T0, debounce(10_000, { delayMs: 5000 }));
    expect(one(h3, T0 + 1, debounce(10_000))).toMatchObject({ id: d3.id, state: 'ready' });
    expect(stats(h3.state)[0]).toMatchObject({ scheduled: 0, ready: 1 });
    expect(nextDueTime(h3.state)).not.toBe(T0 + 5000);
  });

  it('after the window a new job is created and the key names it; the old one stays pending', () => {
    const h = new Harness();
    const first = one(h, T0, debounce(1000, { delayMs: 60_000 }));
    const second = one(h, T0 + 1000, debounce(1000, { payload: bytes('2') }));
    expect(second).toEqual({ id: second.id, duplicate: false, state: 'ready' });
    expect(second.id).not.toBe(first.id);
    expect(getJob(h.state, first.id)?.unique?.holdsKey).toBe(false);
    // The next submit within the new job's window replaces the new job, never the old one.
    expect(one(h, T0 + 1500, debounce(1000, { payload: bytes('3') }))).toMatchObject({ id: second.id, replaced: true });
    expect(payloadOf(h.state, first.id)).toBe('p');
    expect(payloadOf(h.state, second.id)).toBe('3');
    // The window runs from the last replacement.
    expect(one(h, T0 + 2499, debounce(1000))).toMatchObject({ id: second.id, replaced: true });
    expect(one(h, T0 + 3499, debounce(1000)).duplicate).toBe(false);
  });

  it('the default window is the submit delay (at least 1 ms)', () => {
    const h = new Harness();
    const a = one(h, T0, debounce(undefined, { delayMs: 3000 }));
    expect(getJob(h.state, a.id)?.unique?.windowMs).toBe(3000);
    expect(one(h, T0 + 2999, debounce(undefined, { delayMs: 3000 })).id).toBe(a.id);
    // Replaced at T0 + 2999: a window of 3000 from there, and run-at T0 + 5999.
    expect(one(h, T0 + 5998, debounce(undefined, { runAt: T0 + 7000 }))).toMatchObject({ id: a.id, replaced: true });
    expect(getJob(h.state, a.id)).toMatchObject({ runAt: T0 + 7000, unique: { windowMs: 1002 } });
    // No delay: a window of 1 ms, so only submits in the same ms replace.
    const h2 = new Harness();
    const b = one(h2, T0, debounce(undefined, {}, 'no-delay'));
    expect(getJob(h2.state, b.id)?.unique?.windowMs).toBe(1);
    expect(one(h2, T0, debounce(undefined, {}, 'no-delay'))).toMatchObject({ id: b.id, replaced: true });
    expect(one(h2, T0 + 1, debounce(undefined, {}, 'no-delay')).duplicate).toBe(false);
  });

  it('never once the job was leased: a new job takes the key, and the old one finishing leaves it there', () => {
    const h = new Harness();
    const first = one(h, T0, debounce(60_000));
    const g = h.leaseOne(T0 + 1);
    const second = one(h, T0 + 2, debounce(60_000, { payload: bytes('2') }));
    expect(second.duplicate).toBe(false);
    expect(getJob(h.state, first.id)?.state).toBe('leased');
    h.one(T0 + 3, { type: 'complete', jobId: g.jobId, token: g.token });
    expect(table(h.state)).toEqual([['q\u0000k', second.id]]);
    expect(one(h, T0 + 4, debounce(60_000))).toMatchObject({ id: second.id, replaced: true });
  });

  it('never once the job was leased, even if it is pending again (released, or failed and waiting to retry)', () => {
    for (const back of ['released', 'failed'] as const) {
      const h = new Harness();
      const first = one(h, T0, debounce(60_000, { maxAttempts: 3 }));
      const g = h.leaseOne(T0 + 1, 'q', 'w', 30_000);
      if (back === 'released') h.one(T0 + 2, { type: 'release', workerId: 'w', session: '', mode: 'listed', leases: [{ jobId: g.jobId, token: g.token }] });
      else h.one(T0 + 2, { type: 'fail', jobId: g.jobId, token: g.token, error: 'x' });
      expect(getJob(h.state, first.id)?.state).toBe(back === 'released' ? 'ready' : 'scheduled');
      const second = one(h, T0 + 3, debounce(60_000));
      expect(second.duplicate, back).toBe(false);
      expect(second.id).not.toBe(first.id);
    }
  });

  it('two submits in one command: the second replaces the first', () => {
    const h = new Harness();
    const [a, b] = h.submitted(T0, debounce(1000, { payload: bytes('a') }), debounce(1000, { payload: bytes('b') }));
    expect(b).toEqual({ id: a?.id, duplicate: true, state: 'ready', replaced: true });
    expect(payloadOf(h.state, a!.id)).toBe('b');
  });
});

describe('unique keys in snapshots and the digest', () => {
  /** A state with both modes in every situation: held and not, pending, leased, finished. */
  function mixed(): Harness {
    const h = new Harness();
    one(h, T0, active('a'));
    one(h, T0, active('a-done'));
    h.leaseOne(T0 + 1);
    one(h, T0 + 1, active('a-done'));
    one(h, T0 + 2, debounce(500, { delayMs: 500 }, 'd'));
    one(h, T0 + 3, debounce(500, { delayMs: 500, payload: bytes('replaced') }, 'd'));
    one(h, T0 + 2000, debounce(500, { delayMs: 10_000, priority: 2 }, 'd'));
    one(h, T0 + 2000, active('b', { queue: 'other' }));
    return h;
  }

  it('round-trip: digest, views, the unique table, and what the next submits do', () => {
    const h = mixed();
    expect(h.state.unique.size).toBe(4);
    const s = restore(h.state);
    expect(stateDigest(s)).toBe(stateDigest(h.state));
    expect(table(s)).toEqual(table(h.state));
    for (let seq = 1; seq <= h.state.lastSeq; seq++) {
      const id = seq.toString(36).padStart(10, '0');
      expect(getJob(s, id)).toEqual(getJob(h.state, id));
    }
    const copy = new Harness();
    Object.assign(copy, { state: s, index: h.index });
    const next = [active('a'), active('a-done'), debounce(500, { payload: bytes('x') }, 'd'), active('b', { queue: 'other' }), debounce(5, {}, 'new')];
    for (const j of next) expect(one(copy, T0 + 2100, j)).toEqual(one(h, T0 + 2100, j));
    expect(stateDigest(copy.state)).toBe(stateDigest(h.state));
  });

  it('the digest covers the unique key, its window, its start and whether the key names the job', () => {
    const plain = new Harness();
    one(plain, T0, job());
    const keyed = new Harness();
    one(keyed, T0, debounce(1000));
    const base = stateDigest(keyed.state);
    expect(base).not.toBe(stateDigest(plain.state));
    const changes: ((u: JobUnique) => void)[] = [(u) => (u.holds = false), (u) => (u.windowMs = 999), (u) => (u.since = T0 - 1)];
    for (const change of changes) {
      const copy = restore(keyed.state);
      expect(stateDigest(copy)).toBe(base);
      change(copy.jobs.get('0000000001')!.unique!);
      expect(stateDigest(copy)).not.toBe(base);
    }
  });

  it('a replaced large payload is hashed anew by the digest (its cached hash is dropped)', () => {
    const h = new Harness();
    one(h, T0, debounce(1000, { payload: new Uint8Array(300).fill(1) }));
    const before = stateDigest(h.state);
    one(h, T0 + 1, debounce(1000, { payload: new Uint8Array(300).fill(2) }));
    const after = stateDigest(h.state);
    expect(after).not.toBe(before);
    expect(stateDigest(restore(h.state))).toBe(after);
  });

  it('a snapshot cursor begun before a replacement and a lost key still gives the bytes of its start', () => {
    const h = mixed();
    const expected = snapshotState(h.state);
    const c = beginSnapshot(h.state);
    one(h, T0 + 2100, debounce(500, { payload: bytes('later') }, 'd'));
    h.leaseOne(T0 + 2200);
    one(h, T0 + 2300, debounce(500, {}, 'd'));
    expect(Buffer.compare(c.finish(), expected)).toBe(0);
  });

  it('refuses a snapshot where a finished job holds a key, or two jobs hold one', () => {
    const h = new Harness();
    const [a] = h.submitted(T0, active());
    // Corrupt copies: flip the holds flag of a finished job; make a second job hold the key.
    h.one(T0 + 1, { type: 'cancel', jobId: a!.id });
    const finished = restore(h.state);
    finished.jobs.get(a!.id)!.unique!.holds = true;
    expect(restoreState(snapshotState(finished))).toMatchObject({ ok: false, error: expect.stringMatching(/cancelled job holds unique key/) as unknown });
    const twice = new Harness();
    const x = one(twice, T0, debounce(10, {}, 'k'));
    one(twice, T0 + 10, debounce(10, {}, 'k'));
    twice.state.jobs.get(x.id)!.unique!.holds = true;
    expect(restoreState(snapshotState(twice.state))).toMatchObject({ ok: false, error: expect.stringMatching(/held twice/) as unknown });
  });
});

/** Counts what the generated entries did, so the replica test can show it exercised uniqueness and bulk actions. */
class CountingContext extends GenContext {
  duplicates = 0;
  replaced = 0;
  bulkAffected = 0;
  override observe(results: readonly CommandResult[]): void {
    super.observe(results);
    for (const r of results) {
      if (r.ok && r.type === 'submit') for (const j of r.jobs) if (j.replaced === true) this.replaced++; else if (j.duplicate) this.duplicates++;
      if (r.ok && r.type === 'bulk') this.bulkAffected += r.affected;
    }
  }
}

describe('replicas', () => {
  it('apply the same entries with unique keys and bulk actions to the same state (digest), through the codec and restarts', () => {
    for (const seed of [3, 17, 2024]) {
      const ctx = new CountingContext();
      ctx.flow = true;
      replicateRandom({ idempotencyWindowMs: 20_000 }, seed, 400, 25, 60, ctx);
      expect([ctx.duplicates, ctx.replaced, ctx.bulkAffected].every((n) => n > 0), `seed ${seed}: ${ctx.duplicates} ${ctx.replaced} ${ctx.bulkAffected}`).toBe(true);
    }
  });
});
