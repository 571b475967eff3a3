import { describe, expect, it } from 'vitest';
import { applyBatch, createState, decodeBatch, encodeBatch, restoreState, snapshotState, stateDigest, type JobsState } from '../../src/jobs/index.js';
import { GenContext, randomBatch } from './gen.js';
import { rng } from './helpers.js';

describe('determinism across replicas', () => {
  for (const seed of [1, 2, 3, 42, 2024, 31337]) {
    it(`replicas applying the same batches have equal digests and results (seed ${seed})`, () => {
      const r = rng(seed);
      const ctx = new GenContext();
      const leader = createState();
      // The follower sees each entry only as bytes, like a real replica.
      let follower: JobsState = createState();
      for (let index = 1; index <= 400; index++) {
        const batch = randomBatch(r, ctx);
        const results = applyBatch(leader, batch, index);
        const decoded = decodeBatch(encodeBatch(batch));
        if (!decoded.ok) throw new Error(decoded.error);
        const followerResults = applyBatch(follower, decoded.value, index);
        expect(followerResults, `seed ${seed} index ${index}`).toEqual(results);
        ctx.observe(results);
        if (index % 50 === 0) {
          expect(stateDigest(follower), `seed ${seed} index ${index}`).toBe(stateDigest(leader));
          // Now and then the follower restarts from a snapshot.
          if (index % 100 === 0) {
            const restored = restoreState(snapshotState(follower));
            if (!restored.ok) throw new Error(restored.error);
            follower = restored.value;
          }
        }
      }
      expect(stateDigest(follower)).toBe(stateDigest(leader));
      // The generator exercised the interesting paths.
      const states = new Set([...leader.jobs.values()].map((j) => j.state));
      expect(states.size).toBeGreaterThanOrEqual(4);
    });
  }

  it('different histories give different digests', () => {
    const a = createState();
    const b = createState();
    applyBatch(a, { time: 1, commands: [{ type: 'submit', jobs: [{ queue: 'q', payload: new Uint8Array([1]) }] }] }, 1);
    applyBatch(b, { time: 1, commands: [{ type: 'submit', jobs: [{ queue: 'q', payload: new Uint8Array([2]) }] }] }, 1);
    expect(stateDigest(a)).not.toBe(stateDigest(b));
  });
});
