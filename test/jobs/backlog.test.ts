/**
 * The backlog the resource guards admit against (`backlog`, `backlogOf`): not-finished jobs
 * (scheduled, ready, leased) over all queues and their payload bytes, kept by the transitions and
 * rebuilt by a snapshot restore, equal at every step to a count over the job records.
 */
import { describe, expect, it } from 'vitest';
import { applyBatch, backlog, backlogOf, createState, isTerminal, restoreState, snapshotState, stateDigest, type JobsState } from '../../src/jobs/index.js';
import { GenContext, randomBatch } from './gen.js';
import { Harness, bytes, job, rng } from './helpers.js';

const T0 = 1_700_000_000_000;

/** The backlog counted the slow way, from every live job record. */
function counted(state: JobsState): { jobs: number; payloadBytes: number } {
  let jobs = 0;
  let payloadBytes = 0;
  for (const j of state.jobs.values()) {
    if (isTerminal(j.state)) continue;
    jobs++;
    payloadBytes += j.payload.length;
  }
  return { jobs, payloadBytes };
}

describe('the backlog of not-finished jobs', () => {
  it('follows each move: submit, lease, complete, fail and retry, dead, RetryDead, cancel, purge', () => {
    const h = new Harness({ retention: { succeededMs: 0, cancelledMs: 0, deadMs: 60_000 } });
    const big = new Uint8Array(10_000); // over the packed-string size: kept as an array
    const [a, b, c] = h.submit(T0, job({ payload: bytes('abc') }), job({ payload: bytes('hello'), delayMs: 60_000 }), job({ payload: big, maxAttempts: 1, priority: 1 }));
    expect(backlog(h.state)).toEqual({ jobs: 3, payloadBytes: 3 + 5 + 10_000 });

    // Leased is still not finished.
    const ga = h.leaseOne(T0 + 1);
    expect(ga.jobId).toBe(c);
    expect(backlog(h.state)).toEqual({ jobs: 3, payloadBytes: 10_008 });

    // c fails on its only attempt: dead, out of the backlog.
    h.one(T0 + 2, { type: 'fail', jobId: c!, token: ga.token, error: 'x' });
    expect(backlog(h.state)).toEqual({ jobs: 2, payloadBytes: 8 });

    // An operator's retry brings it back.
    expect(h.one(T0 + 3, { type: 'retryDead', jobId: c! })).toMatchObject({ ok: true });
    expect(backlog(h.state)).toEqual({ jobs: 3, payloadBytes: 10_008 });

    // a completes, b is cancelled while scheduled.
    const ready = h.lease(T0 + 4, ['q'], 2);
    expect(ready.map((g) => g.jobId)).toEqual([c, a]);
    for (const g of ready) h.one(T0 + 5, { type: 'complete', jobId: g.jobId, token: g.token });
    h.one(T0 + 6, { type: 'cancel', jobId: b! });
    expect(backlog(h.state)).toEqual({ jobs: 0, payloadBytes: 0 });

    // Purging finished jobs (retention 0) changes nothing.
    h.apply(T0 + 10);
    expect(h.state.jobs.get(b!)).toBeUndefined();
    expect(backlog(h.state)).toEqual({ jobs: 0, payloadBytes: 0 });
  });

  it('a duplicate of a live idempotency key adds nothing, and backlogOf says so without changing the state', () => {
    const h = new Harness();
    h.submit(T0, job({ payload: bytes('1234'), idempotencyKey: 'k1' }));
    const before = stateDigest(h.state);
    const asked = [
      { queue: 'q', payload: bytes('1234'), idempotencyKey: 'k1' }, // live in q: nothing
      { queue: 'other', payload: bytes('12'), idempotencyKey: 'k1' }, // another queue: new
      { queue: 'q', payload: bytes('123') }, // no key: new
    ];
    expect(backlogOf(h.state, asked)).toEqual({ jobs: 2, payloadBytes: 5 });
    expect(stateDigest(h.state)).toBe(before);
    h.submitted(T0 + 1, job({ payload: bytes('1234'), idempotencyKey: 'k1' }));
    expect(backlog(h.state)).toEqual({ jobs: 1, payloadBytes: 4 });
  });

  it('a key past its window counts as new', () => {
    const h = new Harness({ idempotencyWindowMs: 1000 });
    h.submit(T0, job({ idempotencyKey: 'k' }));
    h.apply(T0 + 5000);
    expect(backlogOf(h.state, [{ queue: 'q', payload: bytes('p'), idempotencyKey: 'k' }])).toEqual({ jobs: 1, payloadBytes: 1 });
  });

  it('equals the count over the records through random batches, and after every snapshot restore', () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const ctx = new GenContext();
      const options = { retention: { succeededMs: 5_000, cancelledMs: 5_000, deadMs: 5_000 } };
      const state = createState(options);
      for (let index = 1; index <= 600; index++) {
        const batch = randomBatch(r, ctx);
        ctx.observe(applyBatch(state, batch, index));
        expect(backlog(state), `seed ${seed} index ${index}`).toEqual(counted(state));
        if (index % 150 === 0) {
          const restored = restoreState(snapshotState(state), options);
          if (!restored.ok) throw new Error(restored.error);
          expect(backlog(restored.value), `seed ${seed} restored at ${index}`).toEqual(backlog(state));
        }
      }
      expect(backlog(state).jobs, `seed ${seed}: the generator left jobs not finished`).toBeGreaterThan(0);
    }
  });
});
