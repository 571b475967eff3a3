/**
 * Flow control (docs/design.md "Flow control"): pause, concurrency limits per queue and per group
 * key, rate buckets on the replicated clock, throttled failures, round-robin fairness over keys,
 * and the dispatcher's questions (`leasable`, `nextLeasableTime`). Every decision is made by the
 * state machine from the entries it applies, so each test drives it entry by entry.
 */
import { describe, expect, it } from 'vitest';
import {
  applyBatch,
  getJob,
  leasable,
  listJobs,
  nextLeasableTime,
  queueFlow,
  restoreState,
  snapshotState,
  stateDigest,
  type Command,
  type CommandResult,
  type JobsState,
  type LeaseGrant,
  type LeaseResult,
  type QueueSetCommand,
  type SubmitJob,
} from '../../src/jobs/index.js';
import { Writer } from '../../src/jobs/wire.js';
import { GenContext } from './gen.js';
import { Harness, job, replicateRandom, rng } from './helpers.js';

const T0 = 1_000_000;

/** A harness with lease results in full (grants and holds). */
class FlowHarness extends Harness {
  leaseAll(time: number, queues: string[], max: number, workerId = 'w1', session?: string): LeaseResult {
    const cmd: Command = session === undefined ? { type: 'lease', workerId, queues, max } : { type: 'lease', workerId, session, queues, max };
    const r = this.one(time, cmd);
    if (!r.ok || r.type !== 'lease') throw new Error(`lease failed: ${JSON.stringify(r)}`);
    return r;
  }

  set(time: number, policy: Omit<QueueSetCommand, 'type' | 'queue'>, queue = 'q'): CommandResult {
    return this.one(time, { type: 'queueSet', queue, ...policy });
  }

  complete(time: number, g: LeaseGrant): void {
    const r = this.one(time, { type: 'complete', jobId: g.jobId, token: g.token });
    if (!r.ok) throw new Error(`complete failed: ${JSON.stringify(r)}`);
  }
}

/** `n` jobs of key `group` (none: no key) in queue `q`. */
function jobs(n: number, group?: string, extra: Partial<SubmitJob> = {}): SubmitJob[] {
  return Array.from({ length: n }, () => job(group === undefined ? extra : { group, ...extra }));
}

/** Group key of a granted job. */
function groupOf(s: JobsState, g: LeaseGrant): string | null {
  return getJob(s, g.jobId)?.group ?? null;
}

/** Leased jobs per group key, counted from the job records. */
function leasedPerKey(s: JobsState): Map<string, number> {
  const out = new Map<string, number>();
  for (const j of listJobs(s, { state: 'leased', pageSize: 1000 }).jobs) if (j.group !== null) out.set(j.group, (out.get(j.group) ?? 0) + 1);
  return out;
}

function restore(s: JobsState): JobsState {
  const r = restoreState(snapshotState(s), s.options);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('group keys', () => {
  it('are kept on the job, in views, in every event that names the job, and through a snapshot', () => {
    const h = new FlowHarness();
    const events: unknown[] = [];
    const [a, b] = h.submit(T0, job({ group: 'acme' }), job());
    expect(getJob(h.state, a as string)?.group).toBe('acme');
    expect(getJob(h.state, b as string)?.group).toBeNull();
    const [r] = applyBatch(h.state, { time: T0 + 1, commands: [{ type: 'lease', workerId: 'w', queues: ['q'], max: 2 }] }, ++h.index, events as never[]);
    const grants = (r as LeaseResult).leases;
    expect(events).toEqual([
      expect.objectContaining({ type: 'leased', jobId: a, group: 'acme' }),
      expect.objectContaining({ type: 'leased', jobId: b, group: null }),
    ]);
    const s = restore(h.state);
    expect(getJob(s, a as string)?.group).toBe('acme');
    expect(stateDigest(s)).toBe(stateDigest(h.state));
    expect(grants).toHaveLength(2);
  });

  it('are validated: 1..256 chars, no NUL', () => {
    const h = new FlowHarness();
    for (const group of ['', 'x'.repeat(257), 'a\u0000b']) {
      expect(h.one(T0, { type: 'submit', jobs: [job({ group })] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    }
    expect(h.submit(T0, job({ group: 'x'.repeat(256) }))).toHaveLength(1);
  });
});

describe('pause', () => {
  it('grants nothing from a paused queue, accepts submits, lets leased jobs finish, and resumes', () => {
    const h = new FlowHarness();
    h.submit(T0, ...jobs(3));
    const [first] = h.leaseAll(T0, ['q'], 1).leases;
    expect(h.set(T0 + 1, { paused: true })).toMatchObject({ ok: true, policy: { paused: true } });
    expect(h.submit(T0 + 2, ...jobs(2))).toHaveLength(2);
    const held = h.leaseAll(T0 + 3, ['q', 'other'], 5);
    expect(held.leases).toEqual([]);
    expect(held.throttled).toEqual([{ queue: 'q', group: null, reason: 'paused' }]);
    expect(leasable(h.state, ['q'], T0 + 3)).toBe(false);
    h.complete(T0 + 4, first as LeaseGrant);
    expect(getJob(h.state, (first as LeaseGrant).jobId)?.state).toBe('succeeded');
    // Unpausing leaves nothing set: the policy is removed.
    expect(h.set(T0 + 5, { paused: false })).toMatchObject({ ok: true, policy: null });
    expect(leasable(h.state, ['q'], T0 + 5)).toBe(true);
    expect(h.leaseAll(T0 + 6, ['q'], 10).leases).toHaveLength(4);
  });

  it('holds a queue with a policy set before its first job', () => {
    const h = new FlowHarness();
    h.set(T0, { paused: true }, 'later');
    expect(queueFlow(h.state, 'later')).toMatchObject({ paused: true, ready: 0 });
    h.submit(T0 + 1, job({ queue: 'later' }));
    expect(h.leaseAll(T0 + 2, ['later'], 1).leases).toEqual([]);
  });
});

describe('concurrency limits', () => {
  it('a queue never has more than its limit leased; lowering it ends no lease', () => {
    const h = new FlowHarness();
    h.set(T0, { concurrency: 3 });
    h.submit(T0, ...jobs(10));
    const r = h.leaseAll(T0 + 1, ['q'], 10);
    expect(r.leases).toHaveLength(3);
    expect(r.throttled).toEqual([{ queue: 'q', group: null, reason: 'concurrency' }]);
    h.set(T0 + 2, { concurrency: 1 });
    expect(queueFlow(h.state, 'q')).toMatchObject({ leased: 3, concurrency: 1 });
    h.complete(T0 + 3, r.leases[0] as LeaseGrant);
    expect(h.leaseAll(T0 + 4, ['q'], 10).leases).toEqual([]);
    h.complete(T0 + 5, r.leases[1] as LeaseGrant);
    h.complete(T0 + 5, r.leases[2] as LeaseGrant);
    expect(h.leaseAll(T0 + 6, ['q'], 10).leases).toHaveLength(1);
  });

  it('a key never has more than its limit (default or override) leased, however its leases end', () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = rng(seed);
      const h = new FlowHarness();
      const limits: Record<string, number> = { a: 2, b: 2, c: 1, vip: 4 };
      h.set(T0, { groupConcurrency: 2, groupConcurrencyOverrides: { c: 1, vip: 4 } });
      let t = T0;
      let leased: LeaseGrant[] = [];
      let before = new Map<string, number>();
      for (let step = 0; step < 400; step++) {
        t += r.int(0, 300);
        const k = r.next();
        if (k < 0.2) h.submit(t, ...Array.from({ length: r.int(1, 4) }, () => job({ group: r.pick(['a', 'b', 'c', 'vip']), maxAttempts: 50, leaseTtlMs: 1000, backoff: { type: 'fixed', delayMs: 0 } })));
        else if (k < 0.5) leased.push(...h.leaseAll(t, ['q'], r.int(1, 6), 'w1', r.pick(['s1', 's2'])).leases);
        else if (leased.length > 0) {
          const g = r.pick(leased);
          const kind = r.pick(['complete', 'fail', 'release', 'abandon', 'cancel', 'expire'] as const);
          if (kind === 'complete') h.one(t, { type: 'complete', jobId: g.jobId, token: g.token });
          else if (kind === 'fail') h.one(t, { type: 'fail', jobId: g.jobId, token: g.token, error: 'x' });
          else if (kind === 'release') h.one(t, { type: 'release', workerId: 'w1', session: 's1', mode: 'listed', leases: [{ jobId: g.jobId, token: g.token }] });
          else if (kind === 'abandon') h.one(t, { type: 'abandon', workerId: 'w1', session: r.pick(['s1', 's2']) });
          else if (kind === 'cancel') h.one(t, { type: 'cancel', jobId: g.jobId });
          else t += 1000; // the lease expires on the next entry's due pass
        }
        const counted = leasedPerKey(h.state);
        // A lowered limit ends no lease: a key above it only gets none until it is below.
        for (const [key, n] of counted) expect(n, `seed ${seed} step ${step} key ${key}`).toBeLessThanOrEqual(Math.max(limitOf(h.state, key, limits), before.get(key) ?? 0));
        before = counted;
        // The flow counts equal what the job records say.
        for (const g of queueFlow(h.state, 'q')?.groups ?? []) expect(g.leased, `seed ${seed} step ${step}`).toBe(counted.get(g.group) ?? 0);
        if (r.next() < 0.02) h.set(t, { groupConcurrencyOverrides: { vip: r.int(1, 5) } });
        leased = leased.filter((g) => getJob(h.state, g.jobId)?.lease?.token === g.token);
      }
      expect(stateDigest(restore(h.state))).toBe(stateDigest(h.state));
    }

    function limitOf(s: JobsState, key: string, initial: Record<string, number>): number {
      return queueFlow(s, 'q')?.policy?.groupConcurrencyOverrides[key] ?? initial[key] ?? 2;
    }
  });

  it('jobs without a key have no key limit; a key at its limit lets other keys and unkeyed jobs through', () => {
    const h = new FlowHarness();
    h.set(T0, { groupConcurrency: 1 });
    h.submit(T0, ...jobs(3, 'a'), ...jobs(3));
    const r = h.leaseAll(T0 + 1, ['q'], 10);
    expect(r.leases.map((g) => groupOf(h.state, g))).toEqual(['a', null, null, null]);
    // Each grant names its job's key, for the worker's handler.
    expect(r.leases.map((g) => g.group)).toEqual(['a', null, null, null]);
    expect(r.throttled).toEqual([{ queue: 'q', group: 'a', reason: 'groupConcurrency' }]);
  });
});

describe('rate buckets', () => {
  /** Entries at irregular times over `ms`, each leasing up to 3; a leader change in the middle. Returns grant times. */
  function drain(h: FlowHarness, seed: number, ms: number, queues: string[]): number[] {
    const r = rng(seed);
    const grants: number[] = [];
    let t = T0;
    let changed = false;
    while (t < T0 + ms) {
      t += r.pick([0, 1, 3, 17, 40, 99, 250, 333, 700]);
      if (!changed && t > T0 + ms / 2) {
        changed = true;
        h.one(t, { type: 'leaderChange', graceMs: 1500 });
      }
      const res = h.leaseAll(t, queues, r.int(1, 3));
      for (const g of res.leases) {
        grants.push(t);
        h.complete(t, g);
      }
    }
    return grants;
  }

  /** What a bucket may grant from the first of `times` to the last: rate × span + burst. */
  function allowed(times: readonly number[], limit: number, periodMs: number, burst: number): number {
    const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
    return Math.floor((span * limit) / periodMs) + burst;
  }

  /** Most grants in any window [t, t + periodMs] (closed: both ends count). */
  function busiestWindow(times: readonly number[], periodMs: number): number {
    let most = 0;
    let lo = 0;
    for (let hi = 0; hi < times.length; hi++) {
      while ((times[hi] as number) - (times[lo] as number) > periodMs) lo++;
      most = Math.max(most, hi - lo + 1);
    }
    return most;
  }

  for (const seed of [1, 2, 3]) {
    it(`a queue's bucket grants at most limit + burst in any window and rate × time + burst in all (seed ${seed})`, () => {
      const h = new FlowHarness();
      h.set(T0, { rate: { limit: 5, periodMs: 1000, burst: 3 } });
      h.submit(T0, ...jobs(1000));
      const grants = drain(h, seed, 60_000, ['q']);
      expect(busiestWindow(grants, 1000)).toBeLessThanOrEqual(8);
      expect(grants.length).toBeLessThanOrEqual(allowed(grants, 5, 1000, 3));
      // And it is a rate, not a wall: entries sparser than the bucket (up to 700 ms apart, burst
      // 3) lose some of what it would allow, not most.
      expect(grants.length).toBeGreaterThanOrEqual(0.8 * 5 * 60);
    });

    it(`each key's bucket holds for that key alone (seed ${seed})`, () => {
      const h = new FlowHarness();
      // 7 per 3 s: a period that does not divide into whole ms per lease.
      h.set(T0, { groupRate: { limit: 7, periodMs: 3000 } });
      h.submit(T0, ...jobs(600, 'a'));
      h.submit(T0, ...jobs(600, 'b'));
      const byKey = new Map<string, number[]>();
      const r = rng(seed);
      let t = T0;
      while (t < T0 + 60_000) {
        t += r.pick([0, 2, 50, 123, 400, 1001]);
        for (const g of h.leaseAll(t, ['q'], r.int(1, 5)).leases) {
          const key = groupOf(h.state, g) as string;
          byKey.set(key, [...(byKey.get(key) ?? []), t]);
          h.complete(t, g);
        }
      }
      for (const key of ['a', 'b']) {
        const times = byKey.get(key) ?? [];
        expect(busiestWindow(times, 3000)).toBeLessThanOrEqual(14);
        expect(times.length).toBeLessThanOrEqual(allowed(times, 7, 3000, 7));
        expect(times.length).toBeGreaterThanOrEqual(0.8 * 7 * 20);
      }
    });
  }

  it('starts full, and a restored replica grants exactly what the original does mid-drain', () => {
    const h = new FlowHarness();
    h.set(T0, { rate: { limit: 3, periodMs: 1000, burst: 4 }, groupRate: { limit: 2, periodMs: 700 } });
    h.submit(T0, ...jobs(40, 'a'), ...jobs(40, 'b'), ...jobs(40));
    expect(h.leaseAll(T0, ['q'], 10).leases).toHaveLength(4);
    h.leaseAll(T0 + 350, ['q'], 10);
    let copy = restore(h.state);
    let index = h.index;
    const r = rng(7);
    let t = T0 + 350;
    for (let i = 0; i < 200; i++) {
      t += r.int(0, 400);
      const batch = { time: t, commands: [{ type: 'lease', workerId: 'w', queues: ['q'], max: r.int(1, 4) } as Command] };
      const mine = applyBatch(h.state, batch, ++h.index);
      expect(applyBatch(copy, batch, ++index)).toEqual(mine);
      if (i % 37 === 0) copy = restore(copy);
    }
    expect(stateDigest(copy)).toBe(stateDigest(h.state));
  });

  it('keeps an emptied key’s bucket until it is full again, so it gets no fresh burst', () => {
    const h = new FlowHarness();
    h.set(T0, { groupRate: { limit: 1, periodMs: 10_000, burst: 2 } });
    h.submit(T0, ...jobs(2, 'a'));
    for (const g of h.leaseAll(T0, ['q'], 5).leases) h.complete(T0 + 1, g);
    // The key has no jobs now, but its bucket is empty: new jobs wait for it.
    h.submit(T0 + 2, ...jobs(2, 'a'));
    h.one(T0 + 3, { type: 'tick' });
    expect(h.leaseAll(T0 + 4, ['q'], 5)).toMatchObject({ leases: [], throttled: [{ queue: 'q', group: 'a', reason: 'groupRate' }] });
    expect(nextLeasableTime(h.state, ['q'])).toBe(T0 + 10_000);
    expect(h.leaseAll(T0 + 10_000, ['q'], 5).leases).toHaveLength(1);
  });

  it('drops a key’s record once it has no jobs and a full bucket, and a queue’s flow once it holds nothing', () => {
    const h = new FlowHarness();
    h.set(T0, { groupRate: { limit: 1, periodMs: 1000 } });
    h.submit(T0, job({ group: 'a' }));
    h.complete(T0 + 1, h.leaseAll(T0 + 1, ['q'], 1).leases[0] as LeaseGrant);
    h.one(T0 + 2, { type: 'tick' });
    expect(queueFlow(h.state, 'q')?.groupCount).toBe(1);
    h.one(T0 + 1001, { type: 'tick' });
    expect(queueFlow(h.state, 'q')?.groupCount).toBe(0);
    h.set(T0 + 1002, { groupRate: null });
    h.one(T0 + 1003, { type: 'tick' });
    expect(h.state.flows.size).toBe(0);
  });
});

describe('throttled failures', () => {
  it('use no attempt, keep the job in its place, and pause its key for retryAfterMs', () => {
    const h = new FlowHarness();
    h.submit(T0, job({ group: 'a', maxAttempts: 1 }), job({ group: 'a' }), job({ group: 'b' }));
    const [g] = h.leaseAll(T0, ['q'], 1).leases;
    const r = h.one(T0 + 10, { type: 'fail', jobId: g!.jobId, token: g!.token, error: '429', throttle: { scope: 'key', retryAfterMs: 5000 } });
    expect(r).toMatchObject({ ok: true, state: 'ready', runAt: T0 + 5010 });
    const view = getJob(h.state, g!.jobId);
    expect(view).toMatchObject({ state: 'ready', attempts: 0, runAt: T0, lastError: '429' });
    expect(view?.history.at(-1)).toMatchObject({ outcome: 'throttled', error: '429' });
    const held = h.leaseAll(T0 + 20, ['q'], 5);
    expect(held.leases.map((x) => groupOf(h.state, x))).toEqual(['b']);
    expect(held.throttled).toEqual([{ queue: 'q', group: 'a', reason: 'throttled' }]);
    expect(leasable(h.state, ['q'], T0 + 5009)).toBe(false);
    expect(nextLeasableTime(h.state, ['q'])).toBe(T0 + 5010);
    expect(leasable(h.state, ['q'], T0 + 5010)).toBe(true);
    // The same job first (its place kept), and its one attempt is still there to use.
    const again = h.leaseAll(T0 + 5010, ['q'], 1).leases[0];
    expect(again).toMatchObject({ jobId: g!.jobId, attempt: 1, attemptLimit: 1 });
  });

  it('with scope queue pause the whole queue; a job without a key and scope key waits alone', () => {
    const h = new FlowHarness();
    h.submit(T0, ...jobs(3));
    const [a, b] = h.leaseAll(T0, ['q'], 2).leases;
    expect(h.one(T0 + 1, { type: 'fail', jobId: a!.jobId, token: a!.token, error: 'slow down', throttle: { scope: 'key', retryAfterMs: 300 } })).toMatchObject({
      state: 'scheduled',
      runAt: T0 + 301,
    });
    // Only that job waits: the queue still serves.
    expect(h.leaseAll(T0 + 2, ['q'], 5).leases).toHaveLength(1);
    h.one(T0 + 3, { type: 'fail', jobId: b!.jobId, token: b!.token, error: 'slow down', throttle: { scope: 'queue', retryAfterMs: 1000 } });
    expect(h.leaseAll(T0 + 400, ['q'], 5)).toMatchObject({ leases: [], throttled: [{ queue: 'q', reason: 'throttled' }] });
    expect(queueFlow(h.state, 'q')?.throttledUntil).toBe(T0 + 1003);
    expect(nextLeasableTime(h.state, ['q'])).toBe(T0 + 1003);
    expect(h.leaseAll(T0 + 1003, ['q'], 5).leases).toHaveLength(2);
  });
});

describe('fairness', () => {
  /** Leases 2 at a time (and completes them) until nothing is ready; the key of each grant in order. */
  function serve(h: FlowHarness, slots: number): (string | null)[] {
    const order: (string | null)[] = [];
    let t = T0 + 1;
    for (;;) {
      const grants = h.leaseAll(t, ['q'], slots).leases;
      if (grants.length === 0) return order;
      for (const g of grants) {
        order.push(groupOf(h.state, g));
        h.complete(t, g);
      }
      t += 7;
    }
  }

  it('a key with 1,000 jobs does not starve ten keys with 10 each', () => {
    const h = new FlowHarness();
    h.submit(T0, ...jobs(1000, 'big'));
    for (let k = 0; k < 10; k++) h.submit(T0, ...jobs(10, `small${k}`));
    const order = serve(h, 2);
    expect(order).toHaveLength(1100);
    const lastSmall = Math.max(...order.map((k, i) => (k !== 'big' ? i : -1)));
    expect(lastSmall).toBeLessThan(120);
  });

  it('keys with equal backlogs finish within one round of each other; jobs without a key are one key', () => {
    const h = new FlowHarness();
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
    for (const k of keys) h.submit(T0, ...jobs(20, k));
    h.submit(T0, ...jobs(20));
    const order = serve(h, 3);
    const last = [...keys, null].map((k) => order.lastIndexOf(k));
    expect(Math.max(...last) - Math.min(...last)).toBeLessThan(6);
  });

  it('priority still comes first across keys, and across queues the best job first', () => {
    const h = new FlowHarness();
    h.submit(T0, ...jobs(5, 'a'), job({ group: 'b', priority: 5 }), job({ queue: 'other', priority: 3 }));
    const order = h.leaseAll(T0 + 1, ['q', 'other'], 3).leases.map((g) => [g.queue, g.priority]);
    expect(order).toEqual([
      ['q', 5],
      ['other', 3],
      ['q', 0],
    ]);
  });
});

describe('leasable and nextLeasableTime', () => {
  it('answer for plain queues as hasReady does, and null when nothing waits for time', () => {
    const h = new FlowHarness();
    expect(leasable(h.state, ['q'], T0)).toBe(false);
    h.submit(T0, job());
    expect(leasable(h.state, ['q', 'x'], T0)).toBe(true);
    expect(nextLeasableTime(h.state, ['q'])).toBeNull();
    h.set(T0, { concurrency: 1 });
    h.leaseAll(T0, ['q'], 1);
    h.submit(T0, job());
    // Held by a limit: a lease ending lifts it, not time.
    expect(leasable(h.state, ['q'], T0 + 99_999)).toBe(false);
    expect(nextLeasableTime(h.state, ['q'])).toBeNull();
  });

  it('name the first time a bucket lets a held-back job go, over queue and key buckets', () => {
    const h = new FlowHarness();
    h.set(T0, { rate: { limit: 1, periodMs: 1000 }, groupRate: { limit: 1, periodMs: 3000 } });
    h.submit(T0, ...jobs(3, 'a'), ...jobs(3, 'b'));
    expect(h.leaseAll(T0, ['q'], 5).leases).toHaveLength(1);
    expect(leasable(h.state, ['q'], T0 + 999)).toBe(false);
    // The queue's bucket refills at +1000 and the other key's bucket is full.
    expect(nextLeasableTime(h.state, ['q'])).toBe(T0 + 1000);
    expect(h.leaseAll(T0 + 1000, ['q'], 5).leases).toHaveLength(1);
    // Both keys have spent their token: the first refills at +3000.
    expect(nextLeasableTime(h.state, ['q'])).toBe(T0 + 3000);
    expect(nextLeasableTime(h.state, ['q'], T0 + 2500)).toBe(T0 + 3000);
  });
});

describe('queueSet', () => {
  it('merges fields into the stored policy; null clears; overrides merge by key', () => {
    const h = new FlowHarness();
    h.set(T0, { concurrency: 5, groupConcurrency: 2, groupConcurrencyOverrides: { a: 3, b: 4 }, rate: { limit: 10, periodMs: 1000 } });
    const r = h.set(T0, { concurrency: null, groupConcurrencyOverrides: { a: null, c: 1 } });
    expect(r).toEqual({
      ok: true,
      type: 'queueSet',
      queue: 'q',
      policy: { paused: false, concurrency: null, groupConcurrency: 2, groupConcurrencyOverrides: { b: 4, c: 1 }, rate: { limit: 10, periodMs: 1000, burst: 10 }, groupRate: null },
    });
  });

  it('takes any key as an override, `__proto__` too', () => {
    const h = new FlowHarness();
    const overrides = Object.fromEntries([['__proto__', 1]]) as Record<string, number>;
    h.set(T0, { groupConcurrencyOverrides: overrides });
    h.submit(T0, ...jobs(3, '__proto__'));
    expect(h.leaseAll(T0, ['q'], 3).leases).toHaveLength(1);
    const s = restore(h.state);
    expect(queueFlow(s, 'q')?.policy?.groupConcurrencyOverrides).toEqual(overrides);
    expect(stateDigest(s)).toBe(stateDigest(h.state));
  });

  it('validates limits and rates', () => {
    const h = new FlowHarness();
    for (const bad of [{ concurrency: 0 }, { groupConcurrency: 1.5 }, { rate: { limit: 0, periodMs: 1000 } }, { groupRate: { limit: 1, periodMs: 86_400_001 } }, { rate: { limit: 1, periodMs: 10, burst: 0 } }, { groupConcurrencyOverrides: { '': 1 } }]) {
      expect(h.set(T0, bad as never)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    }
  });
});

describe('snapshots', () => {
  it('of version 4 (no flow state, no group or unique keys) still restore', () => {
    const h = new FlowHarness();
    h.submit(T0, job());
    const v5 = Buffer.from(snapshotState(h.state));
    const header = new Writer();
    for (const v of [h.index, h.state.now, h.state.lastSeq, h.state.lastToken]) header.sint(v);
    const schedules = 2 + header.pos;
    // Version 5 adds a flow count after the schedule count, and a group key and a unique key (none:
    // one zero byte each) before a job's history count; the snapshot ends with that history count
    // and the key count.
    expect([v5[1], v5[schedules], v5[schedules + 1], ...v5.subarray(-4)]).toEqual([5, 0, 0, 0, 0, 0, 0]);
    const v4 = Buffer.concat([v5.subarray(0, schedules + 1), v5.subarray(schedules + 2, -4), v5.subarray(-2)]);
    v4[1] = 4;
    const restored = restoreState(v4);
    if (!restored.ok) throw new Error(restored.error);
    expect(stateDigest(restored.value)).toBe(stateDigest(h.state));
    // Read as version 5, the same bytes are short.
    v4[1] = 5;
    expect(restoreState(v4).ok).toBe(false);
  });

  it('refuse a job whose key has no flow record', () => {
    const h = new FlowHarness();
    h.submit(T0, job({ group: 'a' }));
    const bytes = Buffer.from(snapshotState(h.state));
    // The flow section names the queue and its key 'a': rename the key so the job's has no record.
    const at = bytes.lastIndexOf(Buffer.from([1, 0x61]), bytes.indexOf(Buffer.from('0000000001')));
    bytes[at + 1] = 0x62;
    expect(restoreState(bytes)).toMatchObject({ ok: false, error: /no flow record/ });
  });
});

describe('replicas', () => {
  for (const seed of [11, 12, 13, 14]) {
    it(`replicas applying random flow commands (encoded, and restored from snapshots) stay identical (seed ${seed})`, () => {
      const ctx = new GenContext();
      ctx.flow = true;
      replicateRandom({ historyLimit: 5 }, seed, 600, 25, 70, ctx);
    });
  }
});
