/**
 * Worker sessions in the state machine: leases are granted to (worker id, session); `release`
 * gives back, without counting the attempt, only leases of that session the worker proves it never
 * started; `abandon` ends every lease of a session that went away, counting the attempt, and puts
 * the job back in its old place.
 */
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, getJob, readyQueues, restoreState, snapshotState, stateDigest, validateCommand, type Batch, type LeaseGrant } from '../../src/jobs/index.js';
import { Writer } from '../../src/jobs/wire.js';
import { Harness, expectRejected, job } from './helpers.js';

const T0 = 7_000_000;

/** Leases `max` jobs of queue `q` to (workerId, session). */
function lease(h: Harness, time: number, workerId: string, session: string, max = 1): LeaseGrant[] {
  const r = h.one(time, { type: 'lease', workerId, session, queues: ['q'], max });
  if (!r.ok || r.type !== 'lease') throw new Error(`lease failed: ${JSON.stringify(r)}`);
  return [...r.leases];
}

const ref = (g: LeaseGrant): { jobId: string; token: number } => ({ jobId: g.jobId, token: g.token });

/** Ids of the ready jobs of queue `q`, in the order leases would take them. */
function readyOrder(h: Harness): string[] {
  const q = h.state.queues.get('q');
  if (q === undefined) return [];
  const order: string[] = [];
  const taken = [];
  for (let top = q.ready.peek(); top !== undefined; top = q.ready.peek()) {
    order.push(top.id);
    taken.push(top);
    q.ready.remove(top);
  }
  for (const j of taken) q.ready.push(j);
  return order;
}

describe('release: leases the session proves it never started', () => {
  it('unheld: a first Hello returns the session leases it does not list to ready, without spending an attempt', () => {
    const h = new Harness();
    const [a, b, c] = h.submit(T0, job({ maxAttempts: 1 }), job({ maxAttempts: 1 }), job({ maxAttempts: 1 }));
    const grants = lease(h, T0, 'w1', 's1', 3);
    const held = grants.find((g) => g.jobId === a)!;
    const res = h.one(T0 + 10, { type: 'release', workerId: 'w1', session: 's1', mode: 'unheld', leases: [ref(held)] });
    expect(res).toEqual({ ok: true, type: 'release', released: [b, c], adopted: [], ignored: [] });
    expect(getJob(h.state, a!)!.state).toBe('leased');
    for (const id of [b!, c!]) {
      const v = getJob(h.state, id)!;
      expect(v.state).toBe('ready');
      expect(v.attemptLimit).toBe(1);
      expect(v.attempts).toBe(0);
      expect(v.history.at(-1)).toMatchObject({ outcome: 'released', workerId: 'w1' });
    }
    // The released attempt's token is stale; the next lease carries a higher one and can succeed.
    const old = grants.find((g) => g.jobId === b)!;
    expectRejected(h.one(T0 + 11, { type: 'complete', jobId: b!, token: old.token }), 'STALE_TOKEN');
    const again = lease(h, T0 + 12, 'w2', 'x', 2);
    expect(again.every((g) => g.token > old.token)).toBe(true);
    const next = again.find((g) => g.jobId === b)!;
    expect(next.attempt).toBe(1);
    expect(h.one(T0 + 13, { type: 'complete', jobId: b!, token: next.token })).toMatchObject({ ok: true });
  });

  it('never raises the attempt limit: 50 restarts with new sessions leave a maxAttempts 1 job with limit 1 and one attempt', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ maxAttempts: 1 }));
    lease(h, T0, 'pod-0', 'boot-0');
    // Each restart of the process under the same worker id lists nothing held: none of its releases
    // may touch the lease the crashed process was running.
    for (let i = 1; i <= 50; i++) {
      expect(h.one(T0 + i, { type: 'release', workerId: 'pod-0', session: `boot-${i}`, mode: 'unheld', leases: [] })).toMatchObject({ released: [] });
    }
    const v = getJob(h.state, id!)!;
    expect(v).toMatchObject({ state: 'leased', attempts: 1, attemptLimit: 1 });
    // The crashed session is abandoned: that was its only attempt.
    expect(h.one(T0 + 60, { type: 'abandon', workerId: 'pod-0', session: 'boot-0' })).toEqual({ ok: true, type: 'abandon', requeued: [], dead: [id] });
    expect(getJob(h.state, id!)).toMatchObject({ state: 'dead', attempts: 1, attemptLimit: 1 });
  });

  it('never touches the leases of another session of the same worker id', () => {
    const h = new Harness();
    const [a, b] = h.submit(T0, job(), job());
    const first = lease(h, T0, 'w', 'one');
    lease(h, T0, 'w', 'two');
    expect(h.one(T0 + 1, { type: 'release', workerId: 'w', session: 'two', mode: 'listed', leases: [ref(first[0]!)] })).toEqual({
      ok: true,
      type: 'release',
      released: [],
      adopted: [],
      ignored: [a],
    });
    expect(h.one(T0 + 2, { type: 'release', workerId: 'w', session: 'three', mode: 'unheld', leases: [] })).toMatchObject({ released: [], adopted: [] });
    expect(h.one(T0 + 3, { type: 'abandon', workerId: 'w', session: 'three' })).toMatchObject({ requeued: [], dead: [] });
    expect(getJob(h.state, a!)!.state).toBe('leased');
    expect(getJob(h.state, b!)!.state).toBe('leased');
  });

  it('unheld: a listed lease of another session of the worker is adopted (a reconnect under a new session keeps what it holds)', () => {
    const h = new Harness();
    const [a] = h.submit(T0, job());
    const [g] = lease(h, T0, 'w', 'anon-1');
    expect(h.one(T0 + 1, { type: 'release', workerId: 'w', session: 'anon-2', mode: 'unheld', leases: [ref(g!)] })).toMatchObject({ released: [], adopted: [a] });
    // Abandoning the old session no longer touches it; abandoning the adopting one does.
    expect(h.one(T0 + 2, { type: 'abandon', workerId: 'w', session: 'anon-1' })).toMatchObject({ requeued: [] });
    expect(getJob(h.state, a!)!.state).toBe('leased');
    expect(h.one(T0 + 3, { type: 'abandon', workerId: 'w', session: 'anon-2' })).toMatchObject({ requeued: [a] });
    // Another worker id cannot adopt it.
    const [g2] = lease(h, T0 + 4, 'w', 'anon-3');
    expect(h.one(T0 + 5, { type: 'release', workerId: 'other', session: 'x', mode: 'unheld', leases: [ref(g2!)] })).toMatchObject({ adopted: [] });
  });

  it('listed: gives back exactly the listed leases of the session; others are ignored and reported', () => {
    const h = new Harness();
    const [a, b, c] = h.submit(T0, job(), job(), job());
    const grants = lease(h, T0, 'w', 's', 3);
    const ga = grants.find((g) => g.jobId === a)!;
    const gb = grants.find((g) => g.jobId === b)!;
    const res = h.one(T0 + 1, { type: 'release', workerId: 'w', session: 's', mode: 'listed', leases: [ref(gb), ref(ga), { jobId: c!, token: 999 }, ref(gb)] });
    expect(res).toEqual({ ok: true, type: 'release', released: [a, b], adopted: [], ignored: [c, b] });
    expect(getJob(h.state, c!)!.state).toBe('leased');
    expect(getJob(h.state, a!)).toMatchObject({ state: 'ready', attempts: 0 });
  });

  it('released jobs keep their place ahead of jobs that became ready later', () => {
    const h = new Harness();
    const [old] = h.submit(T0, job());
    const [g] = lease(h, T0, 'w', 's');
    const newer = h.submit(T0 + 100, job(), job());
    h.one(T0 + 200, { type: 'release', workerId: 'w', session: 's', mode: 'listed', leases: [ref(g!)] });
    expect(readyOrder(h)).toEqual([old, ...newer]);
  });

  it('validates sessions, modes and list sizes', () => {
    expect(validateCommand({ type: 'release', workerId: '', session: 's', mode: 'unheld', leases: [] }).ok).toBe(false);
    expect(validateCommand({ type: 'release', workerId: 'w', session: 's', mode: 'unheld', leases: 'x' }).ok).toBe(false);
    expect(validateCommand({ type: 'release', workerId: 'w', session: 's', mode: 'all', leases: [] }).ok).toBe(false);
    expect(validateCommand({ type: 'release', workerId: 'w', session: 's', mode: 'listed', leases: [] }).ok).toBe(false);
    expect(validateCommand({ type: 'release', workerId: 'w', session: 's'.repeat(129), mode: 'unheld', leases: [] }).ok).toBe(false);
    expect(validateCommand({ type: 'release', workerId: 'w', session: 's', mode: 'unheld', leases: [] }).ok).toBe(true);
    expect(validateCommand({ type: 'abandon', workerId: 'w', session: '' }).ok).toBe(false);
    expect(validateCommand({ type: 'abandon', workerId: 'w', session: 's' }).ok).toBe(true);
    expect(validateCommand({ type: 'lease', workerId: 'w', session: 7, queues: ['q'], max: 1 }).ok).toBe(false);
  });
});

describe('abandon: a session that went away with leases running', () => {
  it('counts the attempt: with maxAttempts 2, a job abandoned twice is dead with a clear last error', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ maxAttempts: 2 }));
    lease(h, T0, 'w', 'a');
    expect(h.one(T0 + 1, { type: 'abandon', workerId: 'w', session: 'a' })).toEqual({ ok: true, type: 'abandon', requeued: [id], dead: [] });
    const once = getJob(h.state, id!)!;
    expect(once).toMatchObject({ state: 'ready', attempts: 1, attemptLimit: 2 });
    expect(once.history.at(-1)).toMatchObject({ outcome: 'abandoned', workerId: 'w' });
    // Ready at once: no backoff.
    lease(h, T0 + 2, 'w', 'b');
    expect(h.one(T0 + 3, { type: 'abandon', workerId: 'w', session: 'b' })).toEqual({ ok: true, type: 'abandon', requeued: [], dead: [id] });
    const twice = getJob(h.state, id!)!;
    expect(twice).toMatchObject({ state: 'dead', attempts: 2 });
    expect(twice.lastError).toMatch(/abandoned: worker w .*last \(2 of 2\)/);
  });

  it('puts abandoned jobs back in their old place, ahead of newer ready jobs', () => {
    const h = new Harness();
    const early = h.submit(T0, job(), job());
    lease(h, T0, 'w', 's', 2);
    const late = h.submit(T0 + 1000, job(), job());
    h.one(T0 + 5000, { type: 'abandon', workerId: 'w', session: 's' });
    expect(readyOrder(h)).toEqual([...early, ...late]);
    expect(readyQueues(h.state)).toContain('q');
  });

  it('leaves leases of no session (unary Lease) alone: they end by their TTL', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job());
    h.lease(T0, ['q'], 1, 'w');
    expect(validateCommand({ type: 'abandon', workerId: 'w', session: '' }).ok).toBe(false);
    expect(h.one(T0 + 1, { type: 'release', workerId: 'w', session: 'x', mode: 'unheld', leases: [] })).toMatchObject({ released: [] });
    expect(getJob(h.state, id!)!.state).toBe('leased');
  });
});

describe('sessions on the wire and in snapshots', () => {
  it('lease, release and abandon round-trip through the codec', () => {
    const batch: Batch = {
      time: 1,
      commands: [
        { type: 'lease', workerId: 'w', session: 'anon-1', queues: ['q'], max: 3 },
        { type: 'lease', workerId: 'w', queues: ['q'], max: 3, ttlMs: 500 },
        { type: 'lease', workerId: 'w', session: '', queues: ['q'], max: 3 },
        { type: 'release', workerId: 'w', session: 's', mode: 'unheld', leases: [{ jobId: '0000000001', token: 3 }] },
        { type: 'release', workerId: 'w', session: 's', mode: 'listed', leases: [{ jobId: '0000000002', token: 4 }] },
        { type: 'abandon', workerId: 'w', session: 's' },
      ],
    };
    expect(decodeBatch(encodeBatch(batch))).toEqual({ ok: true, value: batch });
  });

  it('entries of the first format (no sessions) still decode', () => {
    // Version 1 as written before sessions: lease (tag 2) and release (tag 11) without them.
    const w = new Writer(256);
    w.u8(0x4a);
    w.u8(1);
    w.f64(5);
    w.uint(2);
    w.u8(2);
    w.str('w');
    w.uint(1);
    w.str('q');
    w.sint(2);
    w.optSint(null);
    w.u8(11);
    w.str('w');
    w.uint(1);
    w.str('0000000001');
    w.sint(7);
    expect(decodeBatch(w.finish())).toEqual({
      ok: true,
      value: {
        time: 5,
        commands: [
          { type: 'lease', workerId: 'w', queues: ['q'], max: 2 },
          { type: 'release', workerId: 'w', session: '', mode: 'unheld', leases: [{ jobId: '0000000001', token: 7 }] },
        ],
      },
    });
  });

  it('a snapshot keeps each lease session: restored, release and abandon act the same', () => {
    const h = new Harness();
    const [a, b] = h.submit(T0, job(), job());
    lease(h, T0, 'w', 'one');
    lease(h, T0, 'w', 'two');
    const restored = restoreState(snapshotState(h.state));
    if (!restored.ok) throw new Error(restored.error);
    expect(stateDigest(restored.value)).toBe(stateDigest(h.state));
    expect(restored.value.jobs.get(a!)?.leaseSession).toBe('one');
    expect(restored.value.jobs.get(b!)?.leaseSession).toBe('two');
    const copy = new Harness();
    Object.assign(copy, { state: restored.value, index: h.index });
    expect(copy.one(T0 + 1, { type: 'abandon', workerId: 'w', session: 'two' })).toEqual(h.one(T0 + 1, { type: 'abandon', workerId: 'w', session: 'two' }));
    expect(stateDigest(copy.state)).toBe(stateDigest(h.state));
  });

  it('snapshots of the format before sessions still restore, their leases with no session', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job());
    h.lease(T0, ['q'], 1, 'worker-before-sessions');
    const v5 = Buffer.from(snapshotState(h.state));
    // The same snapshot in version 2: no schedule and flow counts after the counters, no session
    // string after the lease worker, no schedule id, slot, group key (version 5) nor unique key
    // (version 5) before the history (each '' or none is one zero byte). The history's first
    // record is attempt 1, token 1, then the worker again.
    const name = Buffer.from('worker-before-sessions');
    const at = v5.indexOf(name) + name.length;
    const history = v5.indexOf(name, at) - 1 - 3;
    const counters = 2 + [h.index, h.state.now, h.state.lastSeq, h.state.lastToken].reduce((n, v) => n + sintBytes(v), 0);
    expect(v5[1]).toBe(5);
    expect([v5[counters], v5[counters + 1], v5[at], v5[history - 4], v5[history - 3], v5[history - 2], v5[history - 1], v5[history]]).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    const v2 = Buffer.concat([v5.subarray(0, counters), v5.subarray(counters + 2, at), v5.subarray(at + 1, history - 4), v5.subarray(history)]);
    v2[1] = 2;
    const restored = restoreState(v2);
    if (!restored.ok) throw new Error(restored.error);
    expect(restored.value.jobs.get(id!)?.leaseSession).toBe('');
    expect(stateDigest(restored.value)).toBe(stateDigest(h.state));
  });
});

/** Bytes of a signed varint (wire.ts `sint`): 6 bits in the first byte, 7 in each next one. */
function sintBytes(v: number): number {
  let high = Math.floor(Math.abs(v) / 64);
  let n = 1;
  while (high > 0) {
    n++;
    high = Math.floor(high / 128);
  }
  return n;
}
