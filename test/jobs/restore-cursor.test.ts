/**
 * `beginRestore`: the restore of a snapshot in steps gives the same state as `restoreState` in
 * one go, whatever the step sizes, reports the header at begin, and fails on the same bad bytes.
 * `beginSnapshotPieces`: a snapshot in pieces joins to `snapshotState`'s bytes.
 */
import { describe, expect, it } from 'vitest';
import { SNAPSHOT_PIECE_BYTES, beginRestore, beginSnapshot, beginSnapshotPieces, restoreState, snapshotState, stateDigest } from '../../src/jobs/index.js';
import { GenContext, randomBatch } from './gen.js';
import { Harness, bytes, job, rng } from './helpers.js';

function busyState(seed: number, batches: number): Harness {
  const r = rng(seed);
  const ctx = new GenContext();
  const h = new Harness({ idempotencyWindowMs: 1_000_000 });
  for (let i = 0; i < batches; i++) {
    const b = randomBatch(r, ctx);
    ctx.observe(h.apply(b.time, ...b.commands));
  }
  return h;
}

describe('restore in steps', () => {
  it('gives the state restoreState gives, byte for byte, for any step size', () => {
    const h = busyState(11, 150);
    const snap = snapshotState(h.state);
    const whole = restoreState(snap, h.state.options);
    if (!whole.ok) throw new Error(whole.error);
    for (const [items, maxBytes] of [[1, Infinity], [7, Infinity], [1000, 64], [1, 1]] as const) {
      const cursor = beginRestore(snap, h.state.options);
      expect(cursor.index).toBe(h.state.lastApplied);
      expect(cursor.time).toBe(h.state.now);
      let steps = 0;
      while (!cursor.step(items, maxBytes)) steps++;
      expect(cursor.done).toBe(true);
      expect(steps).toBeGreaterThan(items === 1000 ? 1 : 10);
      const state = cursor.finish();
      expect(stateDigest(state)).toBe(stateDigest(whole.value));
      expect(Buffer.compare(snapshotState(state), snap)).toBe(0);
    }
  });

  it('finish reads what is left; a cancelled cursor refuses to go on', () => {
    const h = busyState(12, 40);
    const snap = snapshotState(h.state);
    const cursor = beginRestore(snap, h.state.options);
    cursor.step(3);
    expect(cursor.done).toBe(false);
    expect(Buffer.compare(snapshotState(cursor.finish()), snap)).toBe(0);

    const dropped = beginRestore(snap, h.state.options);
    dropped.step(3);
    dropped.cancel();
    expect(() => dropped.step(3)).toThrow(/after cancel/);
    expect(() => dropped.finish()).toThrow(/after cancel/);
    expect(() => beginRestore(snap).step(0)).toThrow(RangeError);
  });

  it('throws DecodeError on the bytes restoreState refuses: a bad header at begin, a bad job at its step', () => {
    const h = new Harness();
    h.submit(1000, job({ idempotencyKey: 'k' }), job({ delayMs: 5 }));
    const good = snapshotState(h.state);
    expect(() => beginRestore(bytes('garbage'))).toThrow(/not a jobs snapshot/);
    const cut = beginRestore(good.subarray(0, good.length - 1));
    expect(() => {
      while (!cut.step(1));
    }).toThrow(expect.objectContaining({ name: 'DecodeError' }) as unknown);
    const r = rng(4);
    for (let i = 0; i < 300; i++) {
      const m = good.slice();
      m[r.int(0, m.length - 1)] = r.int(0, 255);
      const once = restoreState(m);
      let stepped: string | null = null;
      try {
        const c = beginRestore(m);
        while (!c.step(1));
        c.finish();
      } catch (err) {
        expect(err).toMatchObject({ name: 'DecodeError' });
        stepped = (err as Error).message;
      }
      expect(stepped === null).toBe(once.ok);
      if (!once.ok) expect(once.error).toBe(`restoreState: ${stepped}`);
    }
  });
});

describe('snapshot in pieces', () => {
  it('joined, the pieces are snapshotState’s bytes as of begin, each piece about SNAPSHOT_PIECE_BYTES, whatever is applied between steps', () => {
    const h = new Harness({ idempotencyWindowMs: 1_000_000, maxJobsPerSubmit: 1000 });
    const payload = new Uint8Array(200).fill(7);
    for (let i = 0; i < 20; i++) h.submit(1000 + i, ...Array.from({ length: 1000 }, (_, j) => job({ payload, idempotencyKey: `k${i}-${j}` })));
    const before = snapshotState(h.state);
    expect(before.length).toBeGreaterThan(3 * SNAPSHOT_PIECE_BYTES);
    const cursor = beginSnapshotPieces(h.state);
    let t = 3000;
    while (!cursor.step(500)) {
      // Old jobs change ahead of the cursor, new ones arrive.
      h.lease(t++, ['q'], 20);
      h.submit(t++, job({ payload }));
    }
    const pieces = cursor.finish();
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces.slice(0, -1)) {
      expect(p.length).toBeGreaterThanOrEqual(SNAPSHOT_PIECE_BYTES);
      expect(p.length).toBeLessThan(SNAPSHOT_PIECE_BYTES + 4096);
    }
    expect(Buffer.compare(Buffer.concat(pieces), before)).toBe(0);
    // Finished, the state keeps no cursor: a new one starts from the state as it is now.
    expect(Buffer.compare(Buffer.concat(beginSnapshotPieces(h.state).finish()), snapshotState(h.state))).toBe(0);
  });

  it('a small state is one piece; while a whole snapshot cursor runs, the pieces cursor is that one', () => {
    const h = busyState(13, 30);
    expect(beginSnapshotPieces(h.state).finish()).toEqual([snapshotState(h.state)]);
    const whole = beginSnapshot(h.state);
    const pieces = beginSnapshotPieces(h.state);
    expect(pieces.index).toBe(whole.index);
    expect(pieces.finish()).toEqual([whole.finish()]);
  });
});
