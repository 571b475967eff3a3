/**
 * The transitions `applyBatch` reports (`JobEvent`): one per transition, where it happens, with
 * what consumers need; the same on every replica; and complete: a model fed only the events
 * follows every job's state through a long random run.
 */
import { describe, expect, it } from 'vitest';
import { applyBatch, createState, decodeBatch, encodeBatch, getJob, stateDigest, type Command, type JobEvent, type JobsState } from '../../src/jobs/index.js';
import { GenContext, randomBatch } from './gen.js';
import { bytes, job, rng } from './helpers.js';

const T0 = 1_000_000;

/** Applies entries numbered 1, 2, ... and returns each one's events. */
class Recorder {
  readonly state: JobsState;
  private index = 0;
  constructor(options: Parameters<typeof createState>[0] = {}) {
    this.state = createState(options);
  }
  apply(time: number, ...commands: Command[]): JobEvent[] {
    const events: JobEvent[] = [];
    applyBatch(this.state, { time, commands }, ++this.index, events);
    return events;
  }
  /** Submits one job; its id. */
  submit(time: number, extra: Parameters<typeof job>[0] = {}): string {
    const [e] = this.apply(time, { type: 'submit', jobs: [job(extra)] });
    if (e?.type !== 'submitted') throw new Error('not submitted');
    return e.jobId;
  }
  lease(time: number, workerId = 'w1', session = 's1'): Extract<JobEvent, { type: 'leased' }> {
    const [e] = this.apply(time, { type: 'lease', workerId, session, queues: ['q'], max: 1 });
    if (e?.type !== 'leased') throw new Error('not leased');
    return e;
  }
}

describe('each transition reports one event', () => {
  it('submit reports the new job and its state; an idempotent duplicate reports nothing', () => {
    const h = new Recorder();
    const events = h.apply(T0, { type: 'submit', jobs: [job({ idempotencyKey: 'k' }), job({ delayMs: 500 })] });
    expect(events).toEqual([
      { type: 'submitted', jobId: '0000000001', queue: 'q', group: null, state: 'ready' },
      { type: 'submitted', jobId: '0000000002', queue: 'q', group: null, state: 'scheduled' },
    ]);
    expect(h.apply(T0 + 1, { type: 'submit', jobs: [job({ idempotencyKey: 'k' })] })).toEqual([]);
  });

  it('lease reports token, worker, session and attempt; complete reports the token', () => {
    const h = new Recorder();
    const id = h.submit(T0);
    const leased = h.lease(T0 + 1, 'w9', 'sess');
    expect(leased).toEqual({ type: 'leased', jobId: id, queue: 'q', group: null, token: 1, workerId: 'w9', session: 'sess', attempt: 1 });
    expect(h.apply(T0 + 2, { type: 'complete', jobId: id, token: leased.token, result: bytes('r') })).toEqual([{ type: 'completed', jobId: id, queue: 'q', group: null, token: 1 }]);
    // A stale completion changes nothing and reports nothing.
    expect(h.apply(T0 + 3, { type: 'complete', jobId: id, token: leased.token })).toEqual([]);
  });

  it('progress of the current lease reports its token, percent and message; a stale one reports nothing', () => {
    const h = new Recorder();
    const id = h.submit(T0);
    const leased = h.lease(T0 + 1);
    expect(h.apply(T0 + 2, { type: 'progress', jobId: id, token: leased.token, percent: 40, message: 'half way' })).toEqual([
      { type: 'progress', jobId: id, queue: 'q', group: null, token: leased.token, percent: 40, message: 'half way' },
    ]);
    expect(h.apply(T0 + 3, { type: 'progress', jobId: id, token: leased.token, percent: 50 })).toEqual([{ type: 'progress', jobId: id, queue: 'q', group: null, token: leased.token, percent: 50, message: '' }]);
    expect(h.apply(T0 + 4, { type: 'progress', jobId: id, token: leased.token + 1, percent: 60 })).toEqual([]);
  });

  it('fail reports retry while attempts remain, then dead', () => {
    const h = new Recorder();
    const id = h.submit(T0, { maxAttempts: 2, backoff: { type: 'fixed', delayMs: 0 } });
    const a = h.lease(T0);
    expect(h.apply(T0 + 1, { type: 'fail', jobId: id, token: a.token, error: 'x' })).toEqual([{ type: 'failed', jobId: id, queue: 'q', group: null, token: a.token, next: 'retry' }]);
    const b = h.lease(T0 + 2);
    expect(h.apply(T0 + 3, { type: 'fail', jobId: id, token: b.token, error: 'x' })).toEqual([{ type: 'failed', jobId: id, queue: 'q', group: null, token: b.token, next: 'dead' }]);
  });

  it('an expired lease reports expired in the due pass; a leader change in the same entry extends it instead', () => {
    const h = new Recorder();
    const id = h.submit(T0, { maxAttempts: 2 });
    const a = h.lease(T0, 'w1', 's1');
    const expiry = T0 + getJob(h.state, id)!.leaseTtlMs;
    expect(h.apply(expiry, { type: 'leaderChange', graceMs: 1000 })).toEqual([]);
    expect(h.apply(expiry + 1000, { type: 'tick' })).toEqual([{ type: 'expired', jobId: id, queue: 'q', group: null, token: a.token, next: 'retry' }]);
  });

  it('release reports the released lease; abandon reports requeued or dead', () => {
    const h = new Recorder();
    const a = h.submit(T0, { maxAttempts: 3 });
    const b = h.submit(T0, { maxAttempts: 1 });
    const la = h.lease(T0, 'w1', 's1');
    expect(h.apply(T0 + 1, { type: 'release', workerId: 'w1', session: 's1', mode: 'listed', leases: [{ jobId: a, token: la.token }] })).toEqual([
      { type: 'released', jobId: a, queue: 'q', group: null, token: la.token, workerId: 'w1', session: 's1' },
    ]);
    const [x, y] = h.apply(T0 + 2, { type: 'lease', workerId: 'w1', session: 's1', queues: ['q'], max: 2 });
    expect([x?.type, y?.type]).toEqual(['leased', 'leased']);
    expect(h.apply(T0 + 3, { type: 'abandon', workerId: 'w1', session: 's1' })).toEqual([
      { type: 'abandoned', jobId: a, queue: 'q', group: null, token: (x as { token: number }).token, workerId: 'w1', session: 's1', next: 'retry' },
      { type: 'abandoned', jobId: b, queue: 'q', group: null, token: (y as { token: number }).token, workerId: 'w1', session: 's1', next: 'dead' },
    ]);
  });

  it('cancel reports the previous state and the ended token; an operator retry and a purge report theirs', () => {
    const h = new Recorder({ retention: { succeededMs: 1000, cancelledMs: 1000, deadMs: 1000 } });
    const a = h.submit(T0);
    const b = h.submit(T0);
    const la = h.lease(T0);
    expect(h.apply(T0 + 1, { type: 'cancel', jobId: a }, { type: 'cancel', jobId: b })).toEqual([
      { type: 'cancelled', jobId: a, queue: 'q', group: null, previous: 'leased', token: la.token },
      { type: 'cancelled', jobId: b, queue: 'q', group: null, previous: 'ready', token: 0 },
    ]);
    const c = h.submit(T0 + 2, { maxAttempts: 1 });
    const lc = h.lease(T0 + 2);
    h.apply(T0 + 3, { type: 'fail', jobId: c, token: lc.token, error: 'x' });
    expect(h.apply(T0 + 4, { type: 'retryDead', jobId: c })).toEqual([{ type: 'retried', jobId: c, queue: 'q', group: null }]);
    expect(h.apply(T0 + 1001, { type: 'tick' })).toEqual([
      { type: 'purged', jobId: a, queue: 'q', group: null, state: 'cancelled' },
      { type: 'purged', jobId: b, queue: 'q', group: null, state: 'cancelled' },
    ]);
  });
});

describe('events over a random run', () => {
  /** The coarse state a job is in, as far as events can tell (promotion from scheduled to ready reports nothing). */
  type Coarse = 'waiting' | 'leased' | 'succeeded' | 'dead' | 'cancelled';
  const coarse = (s: string): Coarse => (s === 'ready' || s === 'scheduled' ? 'waiting' : (s as Coarse));

  it('a model fed only the events knows every job state and lease token; replicas report the same events', () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const ctx = new GenContext();
      const leader = createState({ retention: { succeededMs: 5000, cancelledMs: 5000, deadMs: 5000 } });
      const follower = createState({ retention: { succeededMs: 5000, cancelledMs: 5000, deadMs: 5000 } });
      const model = new Map<string, { state: Coarse; token: number }>();
      let seen = 0;
      for (let index = 1; index <= 1000; index++) {
        const batch = randomBatch(r, ctx);
        const events: JobEvent[] = [];
        const results = applyBatch(leader, batch, index, events);
        ctx.observe(results);
        const decoded = decodeBatch(encodeBatch(batch));
        if (!decoded.ok) throw new Error(decoded.error);
        const replicaEvents: JobEvent[] = [];
        applyBatch(follower, decoded.value, index, replicaEvents);
        expect(replicaEvents, `seed ${seed} index ${index}`).toEqual(events);
        for (const e of events) {
          seen++;
          // The generator makes no schedules: every event here is a job's.
          if (!('jobId' in e)) throw new Error(`unexpected ${e.type} event`);
          const m = model.get(e.jobId);
          switch (e.type) {
            case 'submitted':
              model.set(e.jobId, { state: coarse(e.state), token: 0 });
              break;
            case 'leased':
              expect(m?.state).toBe('waiting');
              model.set(e.jobId, { state: 'leased', token: e.token });
              break;
            case 'progress':
              expect(m, `seed ${seed} index ${index} progress`).toEqual({ state: 'leased', token: e.token });
              break;
            case 'completed':
            case 'failed':
            case 'expired':
            case 'released':
            case 'abandoned':
              expect(m, `seed ${seed} index ${index} ${e.type}`).toEqual({ state: 'leased', token: e.token });
              model.set(e.jobId, { state: e.type === 'completed' ? 'succeeded' : e.type !== 'released' && e.next === 'dead' ? 'dead' : 'waiting', token: 0 });
              break;
            case 'cancelled':
              expect(coarse(e.previous)).toBe(m?.state);
              model.set(e.jobId, { state: 'cancelled', token: 0 });
              break;
            case 'retried':
              expect(m?.state).toBe('dead');
              model.set(e.jobId, { state: 'waiting', token: 0 });
              break;
            case 'purged':
              expect(coarse(e.state)).toBe(m?.state);
              model.delete(e.jobId);
              break;
          }
        }
        const wrong: string[] = [];
        for (const [id, m] of model) {
          const j = leader.jobs.get(id);
          if (j === undefined || coarse(j.state) !== m.state || j.leaseToken !== m.token) wrong.push(`${id}: model ${m.state}/${m.token}, state ${j?.state}/${j?.leaseToken}`);
        }
        expect(wrong, `seed ${seed} index ${index}`).toEqual([]);
        expect(leader.jobs.size).toBe(model.size);
      }
      expect(seen).toBeGreaterThan(1000);
      expect(stateDigest(follower)).toBe(stateDigest(leader));
    }
  });

  it('collecting events does not change what is applied', () => {
    const r1 = rng(7);
    const r2 = rng(7);
    const c1 = new GenContext();
    const c2 = new GenContext();
    const a = createState({});
    const b = createState({});
    for (let index = 1; index <= 500; index++) {
      const ra = applyBatch(a, randomBatch(r1, c1), index, []);
      const rb = applyBatch(b, randomBatch(r2, c2), index);
      expect(ra).toEqual(rb);
      c1.observe(ra);
      c2.observe(rb);
    }
    expect(stateDigest(a)).toBe(stateDigest(b));
    expect(a.events).toBeNull();
  });
});
