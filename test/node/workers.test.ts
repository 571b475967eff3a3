/**
 * The node's worker API (`JobNode.workers`) on a one-node cluster over the storage and transport
 * twins, with no gRPC: capacity accounting, slots freed by completions and by leases that ended
 * elsewhere, the goodbye that abandons at once, result waiters, and the unary lease's long poll.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LeaseGrant } from '../../src/jobs/index.js';
import type { JobNode, WorkerSession } from '../../src/node/index.js';
import type { RaftStorage } from '../../src/storage/index.js';
import { poll } from '../helpers/index.js';
import { startOneNode } from './one-node.js';
const running: { node: JobNode; storage: RaftStorage }[] = [];

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.node.stop();
    await r.storage.close();
  }
});

async function startNode(): Promise<JobNode> {
  const started = await startOneNode('workers');
  running.push(started);
  return started.node;
}

async function submit(node: JobNode, queue: string, n: number): Promise<string[]> {
  const res = await node.propose({ type: 'submit', jobs: Array.from({ length: n }, (_, i) => ({ queue, payload: new Uint8Array([i]) })) });
  if (!res.ok || res.type !== 'submit') throw new Error(JSON.stringify(res));
  return res.jobs.map((j) => j.id);
}

/** A connection that records the leases pushed to it and checks it never holds more than `capacity`. */
function connect(node: JobNode, capacity: number): { conn: WorkerSession; grants: LeaseGrant[]; overfull: number[] } {
  const grants: LeaseGrant[] = [];
  const overfull: number[] = [];
  const conn = node.workers.connect('test', {
    leases: (gs) => {
      grants.push(...gs);
      if (conn!.held.size > capacity) overfull.push(conn!.held.size);
    },
    leadershipLost: () => undefined,
  });
  if (conn === null) throw new Error('not leader');
  return { conn, grants, overfull };
}

describe('the node worker API', () => {
  it('leases up to capacity; each completion frees its slot for the next job; the welcome names the bounds', async () => {
    const node = await startNode();
    const ids = await submit(node, 'q', 5);
    const w = connect(node, 2);
    const welcome = await w.conn.hello({ workerId: 'w1', sessionId: 's1', queues: ['q'], capacity: 2, leaseTtlMs: 0, held: [] });
    expect(welcome).toMatchObject({ sessionId: 's1', maxLeasesPerMessage: node.query.options.maxLeaseBatch, connectionGraceMs: 60_000 });
    await poll(() => (w.grants.length === 2 ? true : undefined), { timeoutMs: 5_000 });
    for (let done = 0; done < 5; done++) {
      const g = await poll(() => w.grants[done], { timeoutMs: 5_000 });
      const ack = await w.conn.report({ type: 'complete', jobId: g.jobId, token: g.token }, 5);
      expect(ack).toEqual({ ok: true, code: '', message: '', state: 'succeeded' });
    }
    expect(w.grants.map((g) => g.jobId).sort()).toEqual(ids);
    expect(w.overfull).toEqual([]);
    // A completion re-sent after it committed is acknowledged again.
    const first = w.grants[0] as LeaseGrant;
    expect(await w.conn.report({ type: 'complete', jobId: first.jobId, token: first.token }, 0)).toEqual({ ok: true, code: '', message: 'already recorded', state: 'succeeded' });
    expect(node.workers.list()).toMatchObject([{ workerId: 'w1', session: 's1', capacity: 2, held: [] }]);
  });

  it('a full session whose lease was cancelled gets the next job: its slot is freed when the lease is no longer current', async () => {
    const node = await startNode();
    const [a] = await submit(node, 'q', 1);
    const w = connect(node, 1);
    await w.conn.hello({ workerId: 'w1', sessionId: 's1', queues: ['q'], capacity: 1, leaseTtlMs: 0, held: [] });
    await poll(() => (w.grants.length === 1 ? true : undefined), { timeoutMs: 5_000 });
    expect(await node.propose({ type: 'cancel', jobId: a! })).toMatchObject({ ok: true });
    const [b] = await submit(node, 'q', 1);
    const next = await poll(() => w.grants[1], { timeoutMs: 5_000 });
    expect(next.jobId).toBe(b);
    expect(w.overfull).toEqual([]);
  });

  it('a goodbye abandons the session leases at once (the attempt counts); a refused report is answered', async () => {
    const node = await startNode();
    const [id] = await submit(node, 'q', 1);
    const w = connect(node, 1);
    await w.conn.hello({ workerId: 'w1', sessionId: 's1', queues: ['q'], capacity: 1, leaseTtlMs: 0, held: [] });
    const g = await poll(() => w.grants[0], { timeoutMs: 5_000 });
    const refused = await w.conn.report({ type: 'progress', jobId: g.jobId, token: g.token, percent: 150 }, 0);
    expect(refused).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    w.conn.halfClosed();
    w.conn.end(true);
    const back = await poll(() => {
      const j = node.query.getJob(id!);
      return j?.state === 'ready' ? j : undefined;
    }, { timeoutMs: 5_000 });
    expect(back.attempts).toBe(1);
    expect(back.history[0]?.outcome).toBe('abandoned');
    expect(node.workers.list()).toEqual([]);
  });

  it('leases granted while the worker half-closes are released unstarted, not abandoned by its goodbye', async () => {
    const node = await startNode();
    const w = connect(node, 1);
    await w.conn.hello({ workerId: 'w1', sessionId: 's1', queues: ['q'], capacity: 1, leaseTtlMs: 0, held: [] });
    const submitted = submit(node, 'q', 1);
    node.workers.anticipate(['q']);
    // The lease is proposed (in the submit's entry) but not yet applied: now the worker half-closes.
    for (let i = 0; i < 1000 && w.conn.requested === 0; i++) await new Promise((r) => setImmediate(r));
    expect(w.conn.requested).toBe(1);
    w.conn.halfClosed();
    const [id] = await submitted;
    const back = await poll(() => {
      const j = node.query.getJob(id!);
      return j?.state === 'ready' && j.history.length > 0 ? j : undefined;
    }, { timeoutMs: 5_000 });
    w.conn.end(true);
    expect(back.attempts).toBe(0);
    expect(back.history.map((a) => a.outcome)).toEqual(['released']);
    expect(w.grants).toEqual([]);
  });

  it('waitForResult wakes when the job finishes, not when it is leased', async () => {
    const node = await startNode();
    const [id] = await submit(node, 'r', 1);
    let woken = false;
    const waiting = node.waitForResult(id!, 60_000).then(() => (woken = true));
    const [g] = await node.workers.lease({ type: 'lease', workerId: 'u', queues: ['r'], max: 1 }, 0);
    expect(g?.jobId).toBe(id);
    expect(woken).toBe(false);
    expect(await node.propose({ type: 'complete', jobId: id!, token: g!.token })).toMatchObject({ ok: true });
    await waiting;
    expect(node.query.getJob(id!)?.state).toBe('succeeded');
  });

  it('a unary lease waits for a job submitted after it asked', async () => {
    const node = await startNode();
    const leased = node.workers.lease({ type: 'lease', workerId: 'u', queues: ['later'], max: 1 }, 10_000);
    const [id] = await submit(node, 'later', 1);
    const grants = await leased;
    expect(grants.map((g) => g.jobId)).toEqual([id]);
    expect(node.query.getJob(id!)?.lease?.workerId).toBe('u');
  });

  it('a rate-limited queue is leased as its bucket refills, with no lease proposals while it is empty', async () => {
    const node = await startNode();
    expect(await node.propose({ type: 'queueSet', queue: 'q', rate: { limit: 1, periodMs: 700, burst: 1 } })).toMatchObject({ ok: true });
    await submit(node, 'q', 3);
    const w = connect(node, 3);
    await w.conn.hello({ workerId: 'w1', sessionId: 's1', queues: ['q'], capacity: 3, leaseTtlMs: 0, held: [] });
    const first = await poll(() => w.grants[0], { timeoutMs: 5_000 });
    const afterFirst = node.status({ digest: false }).lastLogIndex;
    // Nothing wakes the dispatcher but its own timer for the bucket (no entry is applied meanwhile).
    const second = await poll(() => w.grants[1], { timeoutMs: 5_000 });
    const third = await poll(() => w.grants[2], { timeoutMs: 5_000 });
    const leasedAt = (g: LeaseGrant): number => g.expiresAt - g.ttlMs;
    // On the replicated clock, one lease per 700 ms.
    expect(leasedAt(second) - leasedAt(first)).toBeGreaterThanOrEqual(700);
    expect(leasedAt(third) - leasedAt(second)).toBeGreaterThanOrEqual(700);
    // One entry per grant: the empty bucket made the leader propose nothing.
    expect(node.status({ digest: false }).lastLogIndex - afterFirst).toBeLessThanOrEqual(2);
  });

  it('a paused queue gets no lease proposals; resuming it wakes the dispatcher', async () => {
    const node = await startNode();
    await node.propose({ type: 'queueSet', queue: 'q', paused: true });
    await submit(node, 'q', 2);
    const w = connect(node, 2);
    await w.conn.hello({ workerId: 'w1', sessionId: 's1', queues: ['q'], capacity: 2, leaseTtlMs: 0, held: [] });
    const before = node.status({ digest: false }).lastLogIndex;
    // The unary lease does not propose either: it waits, and times out with nothing.
    expect(await node.workers.lease({ type: 'lease', workerId: 'u', queues: ['q'], max: 1 }, 300)).toEqual([]);
    expect(node.status({ digest: false }).lastLogIndex).toBe(before);
    expect(w.grants).toEqual([]);
    await node.propose({ type: 'queueSet', queue: 'q', paused: false });
    await poll(() => (w.grants.length === 2 ? true : undefined), { timeoutMs: 5_000 });
  });

  it('a key at its concurrency limit gets its next job when one of its leases ends', async () => {
    const node = await startNode();
    await node.propose({ type: 'queueSet', queue: 'q', groupConcurrency: 1 });
    const res = await node.propose({ type: 'submit', jobs: [0, 1, 2].map((i) => ({ queue: 'q', payload: new Uint8Array([i]), group: 'tenant' })) });
    expect(res).toMatchObject({ ok: true });
    const w = connect(node, 3);
    await w.conn.hello({ workerId: 'w1', sessionId: 's1', queues: ['q'], capacity: 3, leaseTtlMs: 0, held: [] });
    for (let done = 0; done < 3; done++) {
      const g = await poll(() => w.grants[done], { timeoutMs: 5_000 });
      expect(w.conn.held.size).toBe(1);
      expect(await w.conn.report({ type: 'complete', jobId: g.jobId, token: g.token }, 1)).toMatchObject({ ok: true });
    }
  });
});
