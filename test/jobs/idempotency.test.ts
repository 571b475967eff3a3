import { describe, expect, it } from 'vitest';
import { applyBatch, getJob, listJobs, restoreState, snapshotState, type SubmittedJob } from '../../src/jobs/index.js';
import { storeKey, keyText } from '../../src/jobs/tables.js';
import { Harness, job } from './helpers.js';

const T0 = 20_000_000;
const DAY = 86_400_000;

describe('idempotent submit (J7)', () => {
  it('a seen key in the same queue returns the original job, flagged duplicate', () => {
    const h = new Harness();
    const [first] = h.submitted(T0, job({ idempotencyKey: 'k1' }));
    const [again] = h.submitted(T0 + 1000, job({ idempotencyKey: 'k1', priority: 99 }));
    expect(first).toEqual({ id: '0000000001', duplicate: false, state: 'ready' });
    expect(again).toEqual({ id: '0000000001', duplicate: true, state: 'ready' });
    expect(listJobs(h.state).jobs).toHaveLength(1);
    expect(getJob(h.state, first!.id)!.priority).toBe(0);
  });

  it('duplicates report the original job state, even when it has finished', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ idempotencyKey: 'k' }));
    const g = h.leaseOne(T0);
    h.one(T0, { type: 'complete', jobId: id!, token: g.token });
    expect(h.submitted(T0 + 1, job({ idempotencyKey: 'k' }))).toEqual([{ id, duplicate: true, state: 'succeeded' }]);
  });

  it('keys are scoped per queue', () => {
    const h = new Harness();
    const [a] = h.submit(T0, job({ queue: 'a', idempotencyKey: 'k' }));
    const [b] = h.submit(T0, job({ queue: 'b', idempotencyKey: 'k' }));
    expect(a).not.toBe(b);
  });

  it('one key in several queues: each queue keeps its own job through a purge, a snapshot and the end of the window', () => {
    const options = { retention: { succeededMs: 1000, cancelledMs: 1000, deadMs: 1000 }, idempotencyWindowMs: DAY };
    const h = new Harness(options);
    const queues = ['a', 'b', 'c'];
    const ids = queues.map((queue, i) => h.submit(T0 + i, job({ queue, idempotencyKey: 'k' }))[0]!);
    expect(new Set(ids).size).toBe(3);
    // b's job is purged: its key is released; a's and c's still name their jobs.
    h.one(T0 + 10, { type: 'cancel', jobId: ids[1]! });
    h.one(T0 + 5000, { type: 'tick' });
    expect(getJob(h.state, ids[1]!)).toBeNull();
    expect(h.state.idempotency.size).toBe(3);
    expect(h.state.idempotency.releasedSize).toBe(1);
    const restored = restoreState(snapshotState(h.state), options);
    if (!restored.ok) throw new Error(restored.error);
    expect([...restored.value.idempotency]).toEqual([...h.state.idempotency]);
    expect([...h.state.idempotency].map(([k, e]) => [k, e.jobId])).toEqual([
      ['a\u0000k', ids[0]],
      ['c\u0000k', ids[2]],
      ['b\u0000k', ids[1]],
    ]);
    for (const state of [h.state, restored.value]) {
      let index = 100;
      const submit = (time: number, queue: string): SubmittedJob => {
        const [r] = applyBatch(state, { time, commands: [{ type: 'submit', jobs: [job({ queue, idempotencyKey: 'k' })] }] }, ++index);
        if (r === undefined || !r.ok || r.type !== 'submit') throw new Error(`submit failed: ${JSON.stringify(r)}`);
        return r.jobs[0]!;
      };
      expect(queues.map((queue) => submit(T0 + 6000, queue))).toEqual([
        { id: ids[0], duplicate: true, state: 'ready' },
        { id: ids[1], duplicate: true, state: null },
        { id: ids[2], duplicate: true, state: 'ready' },
      ]);
      // A queue that never had the key makes a new job.
      expect(submit(T0 + 6000, 'd').duplicate).toBe(false);
      expect(state.idempotency.size).toBe(4);
      // Past the window every queue's key is forgotten.
      applyBatch(state, { time: T0 + DAY + 6000, commands: [] }, ++index);
      expect(state.idempotency.size).toBe(0);
      expect(queues.map((queue) => submit(T0 + DAY + 6001, queue).duplicate)).toEqual([false, false, false]);
    }
  });

  it('UUID keys (kept as numbers) read back as given, and differ from their other spellings and from other keys', () => {
    const uuid = '0f1e2d3c-4b5a-4697-8899-aabbccddeeff';
    const spellings = [uuid, uuid.toUpperCase(), `{${uuid}}`, uuid.replaceAll('-', ''), '00000000-0000-4000-8000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff', `${uuid} `];
    for (const k of spellings) {
      expect(keyText(storeKey(k))).toBe(k);
      expect(typeof storeKey(k)).toBe(k === uuid || k.startsWith('0000') || k.startsWith('ffff') ? 'bigint' : 'string');
    }
    const h = new Harness();
    const ids = h.submit(T0, ...spellings.map((idempotencyKey) => job({ idempotencyKey })));
    expect(new Set(ids).size).toBe(spellings.length);
    expect(ids.map((id) => getJob(h.state, id)!.idempotencyKey)).toEqual(spellings);
    expect(h.submit(T0 + 1, ...spellings.map((idempotencyKey) => job({ idempotencyKey })))).toEqual(ids);
    const restored = restoreState(snapshotState(h.state));
    if (!restored.ok) throw new Error(restored.error);
    expect([...restored.value.idempotency]).toEqual([...h.state.idempotency]);
    expect(ids.map((id) => getJob(restored.value, id)!.idempotencyKey)).toEqual(spellings);
  });

  it('duplicates within one submit command collapse onto the first', () => {
    const h = new Harness();
    const r = h.submitted(T0, job({ idempotencyKey: 'x' }), job({ idempotencyKey: 'x' }), job());
    expect(r.map((j) => [j.id, j.duplicate])).toEqual([
      ['0000000001', false],
      ['0000000001', true],
      ['0000000002', false],
    ]);
  });

  it('a key is forgotten once the window has passed: the next submit makes a new job', () => {
    const h = new Harness();
    const [a] = h.submit(T0, job({ idempotencyKey: 'k' }));
    const [stillSame] = h.submit(T0 + DAY - 1, job({ idempotencyKey: 'k' }));
    expect(stillSame).toBe(a);
    const [fresh] = h.submitted(T0 + DAY, job({ idempotencyKey: 'k' }));
    expect(fresh).toMatchObject({ duplicate: false });
    expect(fresh!.id).not.toBe(a);
    // ... and the new key lasts a full window from its own submit.
    expect(h.submit(T0 + 2 * DAY - 1, job({ idempotencyKey: 'k' }))).toEqual([fresh!.id]);
  });

  it('expired keys are dropped from state by the due pass (no unbounded growth)', () => {
    const h = new Harness({ idempotencyWindowMs: 1000 });
    for (let i = 0; i < 10; i++) h.submit(T0 + i, job({ idempotencyKey: `k${i}` }));
    expect(h.state.idempotency.size).toBe(10);
    h.apply(T0 + 1004);
    expect(h.state.idempotency.size).toBe(5);
    h.apply(T0 + 5000);
    expect(h.state.idempotency.size).toBe(0);
  });

  it('the window comes from the options', () => {
    const h = new Harness({ idempotencyWindowMs: 10 });
    const [a] = h.submit(T0, job({ idempotencyKey: 'k' }));
    expect(h.submit(T0 + 9, job({ idempotencyKey: 'k' }))).toEqual([a]);
    expect(h.submit(T0 + 10, job({ idempotencyKey: 'k' }))).not.toEqual([a]);
  });
});
