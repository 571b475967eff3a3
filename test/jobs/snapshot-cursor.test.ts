/**
 * Snapshot and digest cursors: whatever is applied between their steps, they finish with exactly
 * what `snapshotState` / `stateDigest` gave when they began, and the state behaves as if no cursor
 * had run. `JOBS_COW_SEEDS=5000` runs the property over more seeds.
 */
import { describe, expect, it } from 'vitest';
import {
  applyBatch,
  beginDigest,
  beginSnapshot,
  restoreState,
  snapshotState,
  stateDigest,
  type Batch,
  type Command,
  type DigestCursor,
  type JobsOptions,
  type JobsState,
  type SnapshotCursor,
} from '../../src/jobs/index.js';
import { Hasher64 } from '../../src/jobs/hash.js';
import { Writer } from '../../src/jobs/wire.js';
import { GenContext, randomBatch, randomJob } from './gen.js';
import { Harness, job, rng } from './helpers.js';

type Rng = ReturnType<typeof rng>;

/**
 * Option sets the property cycles through: short key windows and retention so keys expire and jobs
 * are purged; small count bounds so finished jobs are purged by count (in the entry after the one
 * that finished them) and keys of purged jobs are pushed out by `maxPurgedJobKeys` within their window.
 */
const PRESETS: readonly Partial<JobsOptions>[] = [
  { idempotencyWindowMs: 4000, retention: { succeededMs: 3000, cancelledMs: 2000, deadMs: 6000 }, historyLimit: 2 },
  { idempotencyWindowMs: 9000, retention: { succeededMs: 0, cancelledMs: 500, deadMs: 1500 }, maxPurgePerBatch: 3 },
  {},
  { idempotencyWindowMs: 30_000, maxSucceeded: 3, maxCancelled: 2, maxDead: 1, maxPurgedJobKeys: 3, maxPurgePerBatch: 5 },
  {
    idempotencyWindowMs: 6000,
    retention: { succeededMs: 4000, cancelledMs: 3000, deadMs: 8000 },
    maxSucceeded: 5,
    maxPurgedJobKeys: 1,
    queueRetention: { a: { maxCancelled: 0, maxDead: 2 }, 'c.high': { maxSucceeded: 1 } },
  },
];

/** A batch of the kinds that change many old jobs and keys at once, or one from the generator. */
function nextBatch(r: Rng, ctx: GenContext): Batch {
  const k = r.next();
  if (k < 0.08) {
    // Far ahead: leases expire, scheduled jobs come due, finished jobs are purged, keys forgotten.
    ctx.time += r.int(3000, 40_000);
    return { time: ctx.time, commands: [{ type: 'tick' }] };
  }
  if (k < 0.1) {
    // Cancels every job (to be purged by a later tick): purged slots then fill most of `order`.
    return { time: ctx.time, commands: ctx.ids.map((jobId): Command => ({ type: 'cancel', jobId })) };
  }
  if (k < 0.14 && ctx.ids.length > 0) {
    // Many jobs finish at once (and are purged by a later tick): enough for the order sweep.
    const recent = ctx.ids.slice(-60);
    const commands: Command[] = Array.from({ length: r.int(1, 40) }, () => ({ type: 'cancel', jobId: r.pick(recent), reason: 'bulk' }));
    return { time: ctx.time, commands };
  }
  if (k < 0.17) return { time: ctx.time, commands: [{ type: 'submit', jobs: Array.from({ length: r.int(5, 30) }, () => randomJob(r, ctx)) }] };
  if (k < 0.2) {
    // Resubmits under the generator's keys: duplicates, or new jobs once a key's window has ended.
    const jobs = Array.from({ length: r.int(1, 6) }, () => ({ ...randomJob(r, ctx), idempotencyKey: `key-${r.int(0, 30)}` }));
    return { time: ctx.time, commands: [{ type: 'submit', jobs }] };
  }
  if (k < 0.25 && ctx.leases.length > 0) {
    const leases = Array.from({ length: r.int(1, 6) }, () => r.pick(ctx.leases));
    return { time: ctx.time, commands: [{ type: 'heartbeat', leases }, { type: 'leaderChange', graceMs: r.int(1, 20_000) }] };
  }
  return randomBatch(r, ctx);
}

/** How often the property met the situations a missing hook would spoil (checked to be non-zero). */
const coverage = { purged: 0, keysForgotten: 0, sweepDeferred: 0, boundPurged: 0, keysReleased: 0, releasedBounded: 0 };

/** Ids of finished jobs whose retention has not ended at `time`: gone after a batch at `time` only by a count bound. */
function keptByAge(st: JobsState, time: number): string[] {
  const ids: string[] = [];
  for (const j of st.jobs.values()) if (j.purgeAt !== null && j.purgeAt > time) ids.push(j.id);
  return ids;
}

/** Keys of purged jobs whose window has not ended at `time`: forgotten after a batch at `time` only by `maxPurgedJobKeys`. */
function releasedKeys(st: JobsState, time: number): string[] {
  const keys: string[] = [];
  for (const [mapKey, e] of st.idempotency) if (e.expiresAt > time && st.jobs.get(e.jobId) === undefined) keys.push(`${mapKey}\u0000${e.jobId}`);
  return keys;
}

interface Running<C> {
  readonly cursor: C;
  readonly expected: string;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * One seed: random batches, then cursors begun at random points and stepped in random budgets
 * between further batches; a second state applies the same batches with no cursor ever.
 */
function runSeed(seed: number): void {
  const r = rng(seed);
  const options = PRESETS[seed % PRESETS.length]!;
  const ctx = new GenContext();
  const h = new Harness(options);
  const plain = new Harness(options);
  const apply = (b: Batch): void => {
    const cow = h.state.cow;
    const keysBefore = h.state.idempotency.size;
    const releasedBefore = h.state.idempotency.releasedSize;
    const aged = cow === null ? [] : keptByAge(h.state, b.time);
    const released = cow === null ? [] : releasedKeys(h.state, b.time);
    const got = h.apply(b.time, ...b.commands);
    // As JSON, and `expect` only on a difference: `toEqual` on every batch would take most of the test's time.
    const [a, p] = [JSON.stringify(got), JSON.stringify(plain.apply(b.time, ...b.commands))];
    if (a !== p) expect(a).toBe(p);
    ctx.observe(got);
    if (cow !== null) {
      const st = h.state;
      if (st.batchPurged > 0) coverage.purged++;
      if (st.idempotency.size < keysBefore) coverage.keysForgotten++;
      if (st.orderHoles >= 64 && st.orderHoles * 2 >= st.order.length) coverage.sweepDeferred++;
      if (aged.some((id) => st.jobs.get(id) === undefined)) coverage.boundPurged++;
      if (st.idempotency.releasedSize > releasedBefore) coverage.keysReleased++;
      if (released.length > 0) {
        const now = new Set(releasedKeys(st, b.time));
        if (released.some((k) => !now.has(k))) coverage.releasedBounded++;
      }
    }
  };
  for (let i = r.int(0, 120); i > 0; i--) apply(randomBatch(r, ctx));

  let snap: Running<SnapshotCursor> | null = null;
  let dig: Running<DigestCursor> | null = null;
  const beginSnap = (): Running<SnapshotCursor> => ({ expected: hex(snapshotState(h.state)), cursor: beginSnapshot(h.state) });
  const beginDig = (): Running<DigestCursor> => ({ expected: stateDigest(h.state), cursor: beginDigest(h.state) });
  if (r.next() < 0.8) snap = beginSnap();
  if (snap === null || r.next() < 0.4) dig = beginDig();
  let checked = 0;
  const finishSnap = (s: Running<SnapshotCursor>): void => {
    expect(hex(s.cursor.finish())).toBe(s.expected);
    checked++;
  };
  const finishDig = (d: Running<DigestCursor>): void => {
    expect(d.cursor.finish()).toBe(d.expected);
    checked++;
  };

  for (let turn = 0; turn < 400 && (snap !== null || dig !== null); turn++) {
    const k = r.next();
    const budget = r.next() < 0.8 ? r.int(1, 12) : r.int(13, 200);
    const maxBytes = r.next() < 0.2 ? r.int(1, 3000) : undefined;
    if (k < 0.25 && snap !== null) {
      if (snap.cursor.step(budget, maxBytes) && r.next() < 0.5) {
        finishSnap(snap);
        snap = null;
      }
    } else if (k < 0.5 && dig !== null) {
      if (dig.cursor.step(budget, maxBytes) && r.next() < 0.5) {
        finishDig(dig);
        dig = null;
      }
    } else if (k < 0.53) {
      // Begin the other kind now, at a later index; one of the same kind still walking comes back.
      if (snap !== null && snap.cursor.done) {
        finishSnap(snap);
        snap = null;
      }
      if (snap === null) snap = beginSnap();
      else expect(beginSnapshot(h.state) === snap.cursor).toBe(true);
      if (dig !== null && dig.cursor.done) {
        finishDig(dig);
        dig = null;
      }
      if (dig === null) dig = beginDig();
      else expect(beginDigest(h.state) === dig.cursor).toBe(true);
    } else if (k < 0.55 && snap !== null) {
      // Abandon and start over at the current index.
      snap.cursor.cancel();
      expect(() => snap?.cursor.step(1)).toThrow(/cancelled/);
      snap = beginSnap();
    } else if (k < 0.56) {
      // Whatever is left, in one go.
      if (snap !== null) finishSnap(snap);
      if (dig !== null) finishDig(dig);
      snap = dig = null;
    } else {
      apply(nextBatch(r, ctx));
    }
  }
  if (snap !== null) finishSnap(snap);
  if (dig !== null) finishDig(dig);
  expect(checked).toBeGreaterThan(0);
  expect(h.state.cow).toBeNull();
  expect(h.state.idempotency.watch).toBeNull();
  // A few more entries (the order sweep the cursors deferred runs now), then the same state.
  for (let i = 0; i < 5; i++) apply(nextBatch(r, ctx));
  expect(stateDigest(h.state)).toBe(stateDigest(plain.state));
  expect(hex(snapshotState(h.state))).toBe(hex(snapshotState(plain.state)));
}

function restore(bytes: Uint8Array, options: Partial<JobsOptions> = {}): JobsState {
  const r = restoreState(bytes, options);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('snapshot and digest cursors', () => {
  const seeds = Number(process.env['JOBS_COW_SEEDS'] ?? 300);
  const base = Number(process.env['JOBS_COW_SEED_BASE'] ?? 1);
  it('finish with the snapshot and digest of the state they began at, whatever is applied between steps', { timeout: Math.max(30_000, seeds * 50) }, () => {
    for (let seed = base; seed < base + seeds; seed++) {
      try {
        runSeed(seed);
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).message}`, { cause: err });
      }
    }
    expect(Object.values(coverage).every((n) => n > 0), JSON.stringify(coverage)).toBe(true);
    if (process.env['JOBS_PERF'] === '1') console.log(JSON.stringify(coverage));
  });

  it('equal snapshotState and stateDigest when nothing is applied, and restore to the same state', () => {
    const r = rng(77);
    const ctx = new GenContext();
    const h = new Harness();
    for (let i = 0; i < 200; i++) {
      const b = randomBatch(r, ctx);
      ctx.observe(h.apply(b.time, ...b.commands));
    }
    const c = beginSnapshot(h.state);
    let steps = 0;
    while (!c.step(7)) steps++;
    expect(steps).toBeGreaterThan(10);
    const bytes = c.finish();
    expect(Buffer.compare(bytes, snapshotState(h.state))).toBe(0);
    expect(c.index).toBe(h.index);
    expect(stateDigest(restore(bytes))).toBe(stateDigest(h.state));
    expect(beginDigest(h.state).finish()).toBe(stateDigest(h.state));
  });

  it('keep an image of jobs changed and purged after they began, and skip jobs submitted since', () => {
    const h = new Harness({ retention: { succeededMs: 1000, cancelledMs: 1000, deadMs: 1000 }, idempotencyWindowMs: 1000 });
    const ids = h.submit(1000, ...Array.from({ length: 200 }, (_, i) => job({ idempotencyKey: `k${i}` })));
    const before = snapshotState(h.state).slice();
    const digest = stateDigest(h.state);
    const s = beginSnapshot(h.state);
    const d = beginDigest(h.state);
    expect(s.step(50)).toBe(false);
    for (const g of h.lease(1001, ['q'], 150)) h.one(1002, { type: 'complete', jobId: g.jobId, token: g.token });
    h.apply(1003, { type: 'cancel', jobId: ids[199]! });
    h.submit(1004, job({ idempotencyKey: 'k0' }), job());
    // Purges every finished job and forgets every key; the resubmit then gets a new job.
    h.apply(10_000, { type: 'tick' });
    expect(h.submitted(10_001, job({ idempotencyKey: 'k5' }))[0]).toMatchObject({ duplicate: false });
    expect(h.state.jobs.size).toBe(51);
    expect(Buffer.compare(s.finish(), before)).toBe(0);
    expect(d.finish()).toBe(digest);
  });

  it('grow the snapshot buffer mid-walk when the sampled size falls short', () => {
    const h = new Harness({ maxJobsPerSubmit: 1000, idempotencyWindowMs: 1000 });
    // The size sample takes every 62nd job of 4000: those are small, the others large.
    const small = new Uint8Array(10);
    const large = new Uint8Array(900).fill(7);
    for (let k = 0; k < 4; k++) {
      h.submit(1000 + k, ...Array.from({ length: 1000 }, (_, i) => job({ payload: (k * 1000 + i) % 62 === 0 ? small : large, idempotencyKey: `k${k}-${i}` })));
    }
    const before = snapshotState(h.state).slice();
    expect(before.length).toBeGreaterThan(3 * 1024 * 1024);
    const c = beginSnapshot(h.state);
    const r = rng(11);
    while (!c.step(r.int(1, 500), r.int(1, 300_000))) {
      for (const g of h.lease(h.state.now + 1, ['q'], r.int(1, 40))) h.one(h.state.now + 1, { type: 'complete', jobId: g.jobId, token: g.token });
      if (r.next() < 0.1) h.apply(h.state.now + 3000, { type: 'tick' }); // purges the completed jobs, forgets keys
    }
    expect(Buffer.compare(c.finish(), before)).toBe(0);
  });

  it('write a key once when it is forgotten after the cursor read it', () => {
    const h = new Harness({ idempotencyWindowMs: 1000 });
    h.submit(1000, job({ idempotencyKey: 'a' }));
    h.submit(1100, job({ idempotencyKey: 'b' }));
    h.submit(1200, job({ idempotencyKey: 'c' }));
    const before = snapshotState(h.state).slice();
    const c = beginSnapshot(h.state);
    expect(c.step(3)).toBe(false); // the jobs
    h.apply(2050, { type: 'tick' }); // forgets a
    expect(c.step(1)).toBe(false); // reads b, writes a (kept aside)
    h.apply(2150, { type: 'tick' }); // forgets b, already read
    expect(h.state.idempotency.size).toBe(1);
    expect(Buffer.compare(c.finish(), before)).toBe(0);
  });

  it('write keys as they were when count-bound purges release them and maxPurgedJobKeys forgets them', () => {
    const h = new Harness({ idempotencyWindowMs: 10_000, maxCancelled: 1, maxPurgedJobKeys: 1 });
    const ids = h.submit(1000, ...['k0', 'k1', 'k2', 'k3', 'k4'].map((k) => job({ idempotencyKey: k })));
    h.apply(1001, { type: 'cancel', jobId: ids[0]! }, { type: 'cancel', jobId: ids[1]! });
    h.apply(1002, { type: 'tick' }); // purges k0's job by count: k0 becomes a purged job's key
    expect(h.state.idempotency.releasedSize).toBe(1);
    const before = snapshotState(h.state).slice();
    const digest = stateDigest(h.state);
    const s = beginSnapshot(h.state);
    const d = beginDigest(h.state);
    expect(s.step(4)).toBe(false); // some jobs, no key yet
    expect(d.step(6)).toBe(false); // the jobs and the first live key
    h.apply(1003, { type: 'cancel', jobId: ids[2]! });
    // Purges k1's job by count (k1 released, k0 pushed out by the bound), then k0 submitted again.
    h.submit(1004, job({ idempotencyKey: 'k0' }));
    h.apply(1004, { type: 'cancel', jobId: ids[3]! });
    h.apply(1004, { type: 'tick' }); // purges k2's job (k3's stays): k1 pushed out, k2 released
    expect([...h.state.idempotency].map(([k]) => k)).toEqual(['q\u0000k3', 'q\u0000k4', 'q\u0000k0', 'q\u0000k2']);
    expect(Buffer.compare(s.finish(), before)).toBe(0);
    expect(d.finish()).toBe(digest);
  });

  it("tell a key submitted again in the ms its purged job's key was pushed out from the old one", () => {
    // The new job's key expires when the old one's did: only the job tells their live slots apart.
    const h = new Harness({ idempotencyWindowMs: 10_000, maxCancelled: 0, maxPurgedJobKeys: 1 });
    // w stays live ahead of z's slot, so that slot is not skipped as the front.
    const [, a, b] = h.submit(1000, job({ idempotencyKey: 'w' }), job({ idempotencyKey: 'z' }), job({ idempotencyKey: 'y' }));
    h.apply(1000, { type: 'cancel', jobId: a! }, { type: 'cancel', jobId: b! });
    h.apply(1000, { type: 'tick' }); // purges both: z released, then pushed out by y
    expect(h.submitted(1000, job({ idempotencyKey: 'z' }))[0]).toMatchObject({ duplicate: false });
    expect([...h.state.idempotency].map(([k]) => k)).toEqual(['q\u0000w', 'q\u0000z', 'q\u0000y']);
    const bytes = snapshotState(h.state);
    expect(stateDigest(restore(bytes))).toBe(stateDigest(h.state));
    expect(Buffer.compare(beginSnapshot(h.state).finish(), bytes)).toBe(0);
  });

  it('stop the hooks and the deferred order sweep on finish and on cancel', () => {
    const h = new Harness({ retention: { succeededMs: 10, cancelledMs: 10, deadMs: 10 } });
    const ids = h.submit(1000, ...Array.from({ length: 300 }, () => job()));
    const c = beginSnapshot(h.state);
    expect(h.state.cow).not.toBeNull();
    expect(beginSnapshot(h.state)).toBe(c);
    h.apply(1001, ...ids.map((jobId): Command => ({ type: 'cancel', jobId })));
    h.apply(2000, { type: 'tick' });
    expect(h.state.jobs.size).toBe(0);
    expect(h.state.order).toHaveLength(300); // not compacted under the cursor
    c.cancel();
    c.cancel();
    expect(h.state.cow).toBeNull();
    expect(h.state.idempotency.watch).toBeNull();
    expect(() => c.finish()).toThrow(/cancelled/);
    h.submit(2001, job());
    h.apply(3000, { type: 'tick' });
    expect(h.state.order).toHaveLength(1);
    const d = beginDigest(h.state);
    expect(beginSnapshot(h.state)).not.toBe(d);
    expect(h.state.cow).not.toBeNull();
    d.finish();
    expect(h.state.cow).not.toBeNull(); // the snapshot cursor is still running
    expect(d.finish()).toBe(stateDigest(h.state));
    beginSnapshot(h.state).finish();
    expect(h.state.cow).toBeNull();
    expect(() => beginSnapshot(h.state).step(0)).toThrow(RangeError);
  });

  it('rely on a hasher fed whole words in several calls hashing as one call would', () => {
    const r = rng(9);
    const bytes = Uint8Array.from({ length: 103 }, () => r.int(0, 255));
    const one = new Hasher64().update(bytes).hex();
    expect(new Hasher64().update(bytes, 0, 40).update(bytes, 40, 44).update(bytes, 44).hex()).toBe(one);
    expect(new Hasher64().update(bytes, 0, 41).update(bytes, 41).hex()).not.toBe(one);
  });

  /** A snapshot this code would not write: no jobs, only forgotten keys `[key, job seq, expiry]` (last seq 2). */
  function foreignKeys(keys: readonly (readonly [string, number, number])[]): Uint8Array {
    const w = new Writer();
    w.u8(0x53);
    w.u8(5);
    for (const v of [5, 1000, 2, 0]) w.sint(v); // last applied, clock, last seq, last token
    w.uint(0); // schedules
    w.uint(0); // flows
    w.uint(0); // jobs
    w.uint(keys.length);
    for (const [key, seq, expiresAt] of keys) {
      w.str(key);
      w.str(seq.toString(36).padStart(10, '0'));
      w.sint(expiresAt);
    }
    return w.finish().slice();
  }

  it('walk a restored table whose keys are not in job order', () => {
    const bytes = foreignKeys([
      ['q\u0000a', 2, 5000],
      ['q\u0000b', 1, 6000],
    ]);
    const state = restore(bytes);
    expect(Buffer.compare(snapshotState(state), bytes)).toBe(0);
    const c = beginSnapshot(state);
    // Forgets key a (expired at 5000), not b.
    applyBatch(state, { time: 5500, commands: [{ type: 'tick' }] }, 6);
    expect([...state.idempotency].map(([k]) => k)).toEqual(['q\u0000b']);
    expect(Buffer.compare(c.finish(), bytes)).toBe(0);
  });

  it('keep a key forgotten by a submit that finds it expired', () => {
    // In job order, but not in expiry order: the due pass stops at key a, key b stays until a submit looks it up.
    const bytes = foreignKeys([
      ['q\u0000a', 1, 9000],
      ['q\u0000b', 2, 5000],
    ]);
    const state = restore(bytes);
    const c = beginDigest(state);
    const digest = stateDigest(state);
    applyBatch(state, { time: 6000, commands: [{ type: 'tick' }] }, 6);
    expect(state.idempotency.size).toBe(2);
    const [r] = applyBatch(state, { time: 6000, commands: [{ type: 'submit', jobs: [job({ idempotencyKey: 'b' })] }] }, 7);
    expect(r).toMatchObject({ ok: true, jobs: [{ duplicate: false }] });
    expect(c.finish()).toBe(digest);
  });
});
