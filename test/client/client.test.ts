import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Client } from '../../src/client/index.js';
import { isRaftJobsError, type RaftJobsError } from '../../src/errors/index.js';
import { DEFAULT_MAX_SUBMIT_BYTES, submitBytes } from '../../src/config/limits.js';
import { deadAddress, FakeJobs, serviceError, wireJob, type Recorded } from './fakes.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function fake(impl: FakeJobs['impl']): Promise<FakeJobs> {
  const f = await FakeJobs.start(impl);
  cleanup.push(() => f.stop());
  return f;
}

/** A client that starts at the first listed node. */
function client(nodes: string[], extra: Partial<ConstructorParameters<typeof Client>[0]> = {}): Client {
  const c = new Client({ nodes, random: () => 0, retryBackoff: { initialMs: 5, maxMs: 40 }, ...extra });
  cleanup.push(() => c.close());
  return c;
}

const submitted = (req: Record<string, unknown>): Promise<unknown> =>
  Promise.resolve({ jobs: (req['jobs'] as unknown[]).map((_, i) => ({ id: `id${i}`, duplicate: false, state: 'ready' })), index: 7 });

function notLeader(leader: string): grpc.ServiceError {
  return serviceError(grpc.status.UNAVAILABLE, 'node n1 is not the leader; the leader is n2', { 'x-error-code': 'NOT_LEADER', 'x-leader-id': 'n2', 'x-leader-addr': leader });
}

async function rejection(p: Promise<unknown>): Promise<RaftJobsError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isRaftJobsError(err)) throw new Error(`expected a RaftJobsError, got ${String(err)}`);
  return err;
}

describe('Client routing', () => {
  it('50 concurrent reads on one client: no MaxListenersExceededWarning (each call listens on the close signal)', async () => {
    const f = await fake({ Get: (req) => Promise.resolve(wireJob({ id: String(req['id']) })) });
    const c = client([f.address]);
    const warnings: Error[] = [];
    const onWarning = (w: Error): number => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const jobs = await Promise.all(Array.from({ length: 50 }, (_, i) => c.get(`j${i}`)));
      expect(jobs.map((j) => j.id)).toEqual(Array.from({ length: 50 }, (_, i) => `j${i}`));
      await new Promise((r) => setImmediate(r)); // warnings are emitted on a later turn
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('follows x-leader-addr at once and keeps using the leader', async () => {
    const leader = await fake({ Submit: submitted });
    const follower = await fake({ Submit: () => Promise.reject(notLeader(leader.address)) });
    const c = client([follower.address, leader.address]);
    const res = await c.submit({ queue: 'q', payload: { a: 1 } });
    expect(res).toEqual([{ id: 'id0', duplicate: false, state: 'ready', replaced: false }]);
    expect(follower.count('Submit')).toBe(1);
    expect(leader.count('Submit')).toBe(1);
    expect(c.currentNode).toBe(leader.address);
    await c.submit({ queue: 'q' });
    expect(follower.count('Submit')).toBe(1);
    expect(leader.count('Submit')).toBe(2);
  });

  it('learns a leader address it was not given', async () => {
    const leader = await fake({ Get: () => Promise.resolve(wireJob()) });
    const follower = await fake({ Get: () => Promise.reject(notLeader(leader.address)) });
    const c = client([follower.address]);
    expect((await c.get('0000000001')).id).toBe('0000000001');
    expect(c.currentNode).toBe(leader.address);
  });

  it('tries the next node when a node is unreachable', async () => {
    const dead = await deadAddress();
    const live = await fake({ Submit: submitted });
    const c = client([dead, live.address]);
    const res = await c.submit([{ queue: 'q' }, { queue: 'q' }]);
    expect(res.map((j) => j.id)).toEqual(['id0', 'id1']);
    expect(c.currentNode).toBe(live.address);
  });

  it('a node whose storage failed (DATA_LOSS): an idempotent call goes on at another node; a non-idempotent one is OUTCOME_UNKNOWN', async () => {
    const broken = serviceError(grpc.status.DATA_LOSS, 'storage failed: the node stops', { 'x-error-code': 'DATA_LOSS' });
    const failing = await fake({ Submit: () => Promise.reject(broken), Cancel: () => Promise.reject(broken) });
    const live = await fake({ Submit: submitted, Cancel: () => Promise.resolve(wireJob({ state: 'cancelled' })) });
    const c = client([failing.address, live.address]);
    expect((await c.submit({ queue: 'q' })).map((j) => j.id)).toEqual(['id0']);
    expect(c.currentNode).toBe(live.address);
    const c2 = client([failing.address, live.address]);
    const err = await rejection(c2.cancel('0000000001'));
    expect(err.code).toBe('OUTCOME_UNKNOWN');
    expect(live.count('Cancel')).toBe(0);
  });

  it('tries the next node when a node knows no leader, and retries non-idempotent calls that were not applied', async () => {
    const noLeader = await fake({ Cancel: () => Promise.reject(serviceError(grpc.status.UNAVAILABLE, 'no leader is known yet', { 'x-error-code': 'NO_LEADER' })) });
    const live = await fake({ Cancel: () => Promise.resolve(wireJob({ state: 'cancelled' })) });
    const c = client([noLeader.address, live.address]);
    const job = await c.cancel('0000000001', 'test');
    expect(job.state).toBe('cancelled');
    expect(live.calls[0]?.request).toMatchObject({ id: '0000000001', reason: 'test' });
  });

  it('gives up with TIMEOUT when the deadline passes, after retrying with backoff', async () => {
    const a = await fake({ Stats: () => Promise.reject(serviceError(grpc.status.UNAVAILABLE, 'no leader', { 'x-error-code': 'NO_LEADER' })) });
    const b = await fake({ Stats: () => Promise.reject(serviceError(grpc.status.UNAVAILABLE, 'no leader', { 'x-error-code': 'NO_LEADER' })) });
    const c = client([a.address, b.address]);
    const started = Date.now();
    const err = await rejection(c.stats({ deadlineMs: 300 }));
    const took = Date.now() - started;
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/300 ms deadline/);
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1_500);
    expect(a.count('Stats')).toBeGreaterThan(1);
    expect(b.count('Stats')).toBeGreaterThan(1);
  });

  it('fails with NO_LEADER, not at its deadline, once fewer than a majority accept connections for noQuorumMs', async () => {
    const [d1, d2] = [await deadAddress(), await deadAddress()];
    const noLeader = await fake({ Submit: () => Promise.reject(serviceError(grpc.status.UNAVAILABLE, 'no leader is known yet', { 'x-error-code': 'NO_LEADER' })) });
    const err = await rejection(client([noLeader.address, d1, d2], { deadlineMs: 60_000, noQuorumMs: 100 }).submit({ queue: 'q' }));
    expect(err.code).toBe('NO_LEADER');
    expect(err.message).toBe(`Submit: no leader: 1 of 3 nodes reachable (${d1}: connection refused; ${d2}: connection refused); a leader needs a majority of the nodes`);
    // Nothing listening anywhere: the same, with no node reachable.
    const none = await rejection(client([d1], { deadlineMs: 60_000, noQuorumMs: 100 }).cancel('0000000001'));
    expect(none.code).toBe('NO_LEADER');
    expect(none.message).toMatch(/^Cancel: no leader: 0 of 1 node reachable/);
  });

  it('keeps trying while a majority is reachable (an election may be under way); the TIMEOUT says how many were', async () => {
    const say = () => Promise.reject(serviceError(grpc.status.UNAVAILABLE, 'no leader is known yet', { 'x-error-code': 'NO_LEADER' }));
    const [a, b] = [await fake({ Stats: say }), await fake({ Stats: say })];
    const dead = await deadAddress();
    const err = await rejection(client([a.address, b.address, dead], { noQuorumMs: 1 }).stats({ deadlineMs: 300 }));
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(new RegExp(`; 2 of 3 nodes reachable \\(${dead}: connection refused\\)$`));
  });

  it('a host that does not resolve fails at once with INVALID_ARGUMENT, even for a call that is not safe to repeat', async () => {
    const c = client(['nosuchhost.invalid:7001'], { deadlineMs: 60_000 });
    const err = await rejection(c.cancel('0000000001'));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toBe('Cancel: no node can be reached at the addresses given: host name of nosuchhost.invalid:7001 does not resolve');
  });

  it('bounds a call to a node that never answers by the deadline', async () => {
    const hung = await fake({ Get: () => new Promise(() => undefined) });
    const c = client([hung.address], { deadlineMs: 250 });
    const started = Date.now();
    const err = await rejection(c.get('x'));
    expect(err.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('moves on from a hung node after attemptTimeoutMs for idempotent calls', async () => {
    const hung = await fake({ Get: () => new Promise(() => undefined) });
    const live = await fake({ Get: () => Promise.resolve(wireJob()) });
    const c = client([hung.address, live.address], { attemptTimeoutMs: 150 });
    expect((await c.get('0000000001')).queue).toBe('q');
    expect(hung.count('Get')).toBe(1);
  });

  it('cancels at once when the AbortSignal fires', async () => {
    const hung = await fake({ Get: () => new Promise(() => undefined) });
    const c = client([hung.address]);
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(new Error('caller gave up')), 50);
    await expect(c.get('x', { signal: ac.signal })).rejects.toThrow('caller gave up');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('rejects an already aborted signal without calling', async () => {
    const live = await fake({ Get: () => Promise.resolve(wireJob()) });
    const c = client([live.address]);
    await expect(c.get('x', { signal: AbortSignal.abort(new Error('nope')) })).rejects.toThrow('nope');
    expect(live.calls).toHaveLength(0);
  });
});

describe('Client submit and idempotency (J7)', () => {
  it('attaches a key to every job before the first attempt and sends the same keys on every retry', async () => {
    let n = 0;
    const flaky = await fake({
      Submit: (req) => {
        n++;
        // The first attempt's outcome is unknown (a proposal dropped by a leader change).
        if (n === 1) return Promise.reject(serviceError(grpc.status.UNAVAILABLE, 'proposal dropped', { 'x-error-code': 'OUTCOME_UNKNOWN', 'x-outcome': 'unknown' }));
        return submitted(req);
      },
    });
    const c = client([flaky.address]);
    await c.submit([{ queue: 'q', payload: 'a' }, { queue: 'q', payload: 'b', idempotencyKey: 'mine' }]);
    expect(flaky.count('Submit')).toBe(2);
    const keys = flaky.calls.map((call) => (call.request['jobs'] as { idempotencyKey: string }[]).map((j) => j.idempotencyKey));
    expect(keys[0]?.[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[0]?.[1]).toBe('mine');
    expect(keys[1]).toEqual(keys[0]);
  });

  it('retries a submit whose connection dropped mid-call, with the same keys', async () => {
    let n = 0;
    const flaky = await fake({
      Submit: (req) => {
        n++;
        if (n === 1) return Promise.reject(serviceError(grpc.status.UNAVAILABLE, 'Connection dropped'));
        return submitted(req);
      },
    });
    const c = client([flaky.address]);
    await c.submit({ queue: 'q' });
    const keys = flaky.calls.map((call) => (call.request['jobs'] as { idempotencyKey: string }[])[0]?.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('gives every submit call its own keys', async () => {
    const live = await fake({ Submit: submitted });
    const c = client([live.address]);
    await c.submit({ queue: 'q' });
    await c.submit({ queue: 'q' });
    const keys = live.calls.map((call) => (call.request['jobs'] as { idempotencyKey: string }[])[0]?.idempotencyKey);
    expect(new Set(keys).size).toBe(2);
  });

  it('encodes payloads: bytes as they are, strings as UTF-8, other values as JSON, undefined as empty', async () => {
    const live = await fake({ Submit: submitted });
    const c = client([live.address]);
    await c.submit([
      { queue: 'q', payload: new Uint8Array([1, 2, 3]) },
      { queue: 'q', payload: 'héllo' },
      { queue: 'q', payload: { a: [1, 2] } },
      { queue: 'q', payload: 42 },
      { queue: 'q' },
      { queue: 'q', payload: null, runAt: new Date(5_000), priority: 3, backoff: { type: 'fixed', delayMs: 10 } },
    ]);
    const jobs = live.calls[0]?.request['jobs'] as { payload: Buffer; runAtMs: number; priority: number; backoff: { type: string; delayMs: number } | null }[];
    expect(jobs.map((j) => j.payload.toString('utf8'))).toEqual(['\u0001\u0002\u0003', 'héllo', '{"a":[1,2]}', '42', '', 'null']);
    expect(jobs[5]).toMatchObject({ runAtMs: 5_000, priority: 3, backoff: { type: 'fixed', delayMs: 10 } });
    expect(jobs[0]?.backoff).toBeNull();
  });

  it('refuses what it cannot encode without sending anything', async () => {
    const live = await fake({ Submit: submitted });
    const c = client([live.address]);
    expect((await rejection(c.submit([]))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(c.submit({ queue: '' }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(c.submit({ queue: 'q', delayMs: 5, runAt: 10 }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(c.submit({ queue: 'q', payload: { big: 10n } }))).code).toBe('INVALID_ARGUMENT');
    expect(live.calls).toHaveLength(0);
  });
});

describe('Client submit stream', () => {
  /** A client that has submitted twice (unary), so its stream to `server` is open. */
  const streaming = async (server: FakeJobs): Promise<Client> => {
    const c = client([server.address]);
    await c.submit({ queue: 'q' });
    await c.submit({ queue: 'q' });
    await vi.waitFor(() => expect(server.submitStreams).toHaveLength(1));
    return c;
  };

  const answer = (req: Record<string, unknown>, call: grpc.ServerDuplexStream<Record<string, unknown>, Record<string, unknown>>): void => {
    call.write({ requestId: req['requestId'], jobs: (req['jobs'] as unknown[]).map((_, i) => ({ id: `s${i}`, duplicate: false, state: 'ready' })), code: '', message: '' });
  };

  it('opens the stream on the second submit and sends later submits on it, with their keys', async () => {
    const server = await fake({ Submit: submitted });
    server.submitStream = answer;
    const c = await streaming(server);
    const [job] = await c.submit({ queue: 'q', idempotencyKey: 'k1' });
    expect(job?.id).toBe('s0');
    expect(server.count('Submit')).toBe(2);
    const sent = server.calls.filter((r) => r.method === 'SubmitStream').map((r) => r.request['jobs'] as { idempotencyKey: string }[]);
    expect(sent.map((jobs) => jobs.map((j) => j.idempotencyKey))).toEqual([['k1']]);
  });

  it('surfaces INVALID_ARGUMENT from the stream without resending; other refusals go unary with the same keys', async () => {
    const server = await fake({ Submit: submitted });
    let refuse = 'INVALID_ARGUMENT';
    server.submitStream = (req, call) => call.write({ requestId: req['requestId'], jobs: [], code: refuse, message: 'no' });
    const c = await streaming(server);
    const err = await rejection(c.submit({ queue: 'q' }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(server.count('Submit')).toBe(2);
    refuse = 'NOT_LEADER';
    const [job] = await c.submit({ queue: 'q', idempotencyKey: 'same' });
    expect(job?.id).toBe('id0');
    const unary = server.calls.filter((r) => r.method === 'Submit').at(-1)?.request['jobs'] as { idempotencyKey: string }[];
    expect(unary.map((j) => j.idempotencyKey)).toEqual(['same']);
  });

  it('resends unary what an ended stream never answered, and uses unary only against a server without the stream', async () => {
    const server = await fake({ Submit: submitted });
    server.submitStream = (_req, call) => call.emit('error', serviceError(grpc.status.UNAVAILABLE, 'stepping down'));
    const c = await streaming(server);
    const [job] = await c.submit({ queue: 'q', idempotencyKey: 'again' });
    expect(job?.id).toBe('id0');
    expect(server.count('SubmitStream')).toBe(1);
    expect(server.count('Submit')).toBe(3);

    const old = await fake({ Submit: submitted });
    const c2 = client([old.address]);
    for (let i = 0; i < 5; i++) await c2.submit({ queue: 'q' });
    expect(old.count('Submit')).toBe(5);
    expect(old.submitStreams).toHaveLength(0);
  });
});

describe('Client submits near the size limits', () => {
  const MiB = 1024 * 1024;
  /** The server's payload check: a job over 1 MiB is refused, naming the limit. */
  const payloadChecked = (req: Record<string, unknown>): Promise<unknown> => {
    const jobs = req['jobs'] as { payload: Buffer }[];
    const i = jobs.findIndex((j) => j.payload.length > MiB);
    if (i < 0) return submitted(req);
    const message = `jobs[${i}].payload: must be at most ${MiB} bytes (maxPayloadBytes), got ${jobs[i]?.payload.length}`;
    return Promise.reject(serviceError(grpc.status.INVALID_ARGUMENT, message, { 'x-error-code': 'INVALID_ARGUMENT' }));
  };

  it('concurrent large submits of one client are split under the cap; an oversized job fails only its own caller', async () => {
    // grpc-js's default receive limit (4 MiB) stands in for the node's: one call holding every job
    // of this turn (about 26 MiB) would be refused whole.
    const server = await fake({ Submit: payloadChecked });
    const c = client([server.address]);
    const large = Array.from({ length: 20 }, (_, i) => c.submit({ queue: 'big', payload: new Uint8Array(MiB - 4096).fill(i), idempotencyKey: `large-${i}` }));
    const small = c.submit({ queue: 'small', payload: 'hello', idempotencyKey: 'small' });
    const overPayload = c.submit({ queue: 'big', payload: new Uint8Array(MiB + 1), idempotencyKey: 'over-payload' });
    const overReceive = c.submit({ queue: 'big', payload: new Uint8Array(5 * MiB), idempotencyKey: 'over-receive' });
    const [largeResults, smallResult, overPayloadErr, overReceiveErr] = await Promise.all([Promise.allSettled(large), small, rejection(overPayload), rejection(overReceive)]);

    expect(largeResults.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 'fulfilled'));
    expect(smallResult).toHaveLength(1);
    expect(overPayloadErr.code).toBe('INVALID_ARGUMENT');
    expect(overPayloadErr.message).toBe(`jobs[0].payload: must be at most ${MiB} bytes (maxPayloadBytes), got ${MiB + 1}`);
    expect(overReceiveErr.code).toBe('INVALID_ARGUMENT');
    expect(overReceiveErr.message).toMatch(/^a message of \d+ bytes is over the receiver's limit of 4194304 bytes/);

    // Every call that arrived kept under the cap, except one caller's own oversized submit.
    const keys = (r: Recorded): string[] => (r.request['jobs'] as { idempotencyKey: string }[]).map((j) => j.idempotencyKey);
    for (const call of server.calls) {
      const jobs = call.request['jobs'] as { queue: string; payload: Buffer; idempotencyKey: string }[];
      if (submitBytes(jobs) > DEFAULT_MAX_SUBMIT_BYTES) expect(keys(call)).toEqual(['over-payload']);
    }
    // The large jobs went two to a call (two fill the default cap), each once; calls arrive in any order.
    const largeKeys = server.calls.map((r) => keys(r).filter((k) => k.startsWith('large-')).join(' ')).filter((k) => k !== '');
    expect(largeKeys.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `large-${2 * i} large-${2 * i + 1}`).sort());
  });
});

describe('Client errors', () => {
  it('does not retry INVALID_ARGUMENT and surfaces the code and message', async () => {
    const live = await fake({ Submit: () => Promise.reject(serviceError(grpc.status.INVALID_ARGUMENT, 'jobs[0].queue: bad name', { 'x-error-code': 'INVALID_ARGUMENT' })) });
    const c = client([live.address]);
    const err = await rejection(c.submit({ queue: 'q!' }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toBe('jobs[0].queue: bad name');
    expect(live.count('Submit')).toBe(1);
  });

  it('does not retry NOT_FOUND or FAILED_PRECONDITION', async () => {
    const live = await fake({
      Get: () => Promise.reject(serviceError(grpc.status.NOT_FOUND, 'job x not found', { 'x-error-code': 'NOT_FOUND', 'x-job-id': 'x' })),
      RetryDead: () => Promise.reject(serviceError(grpc.status.FAILED_PRECONDITION, 'job x is ready, not dead', { 'x-error-code': 'ILLEGAL_TRANSITION' })),
    });
    const c = client([live.address]);
    const notFound = await rejection(c.get('x'));
    expect(notFound.code).toBe('NOT_FOUND');
    expect(notFound.details.jobId).toBe('x');
    expect((await rejection(c.retryDead('x'))).code).toBe('ILLEGAL_TRANSITION');
    expect(live.calls).toHaveLength(2);
  });

  it('surfaces OUTCOME_UNKNOWN for cancel and retryDead instead of repeating them', async () => {
    const unknown = (): Promise<never> => Promise.reject(serviceError(grpc.status.UNAVAILABLE, 'proposal dropped by a leader change', { 'x-error-code': 'OUTCOME_UNKNOWN', 'x-outcome': 'unknown' }));
    const dropped = (): Promise<never> => Promise.reject(serviceError(grpc.status.UNAVAILABLE, 'Connection dropped'));
    const live = await fake({ Cancel: unknown, RetryDead: dropped });
    const c = client([live.address]);
    const err = await rejection(c.cancel('x'));
    expect(err.code).toBe('OUTCOME_UNKNOWN');
    expect(err.message).toMatch(/proposal dropped/);
    expect((await rejection(c.retryDead('x', 2))).code).toBe('OUTCOME_UNKNOWN');
    expect(live.count('Cancel')).toBe(1);
    expect(live.count('RetryDead')).toBe(1);
  });

  it('retries reads whose outcome is unknown', async () => {
    let n = 0;
    const live = await fake({ Get: () => (++n === 1 ? Promise.reject(serviceError(grpc.status.UNAVAILABLE, 'Connection dropped')) : Promise.resolve(wireJob())) });
    const c = client([live.address]);
    expect((await c.get('0000000001')).id).toBe('0000000001');
    expect(n).toBe(2);
  });

  it('close() ends calls in flight and their backoff at once with SHUTTING_DOWN', async () => {
    const hung = await fake({ Get: () => new Promise(() => undefined) });
    const c = client([hung.address]);
    const pending = rejection(c.get('x'));
    await vi.waitFor(() => expect(hung.count('Get')).toBe(1));
    const started = Date.now();
    c.close();
    expect((await pending).code).toBe('SHUTTING_DOWN');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('throws SHUTTING_DOWN after close', async () => {
    const live = await fake({ Get: () => Promise.resolve(wireJob()) });
    const c = client([live.address]);
    c.close();
    expect((await rejection(c.get('x'))).code).toBe('SHUTTING_DOWN');
  });
});

describe('Client reads', () => {
  it('decodes a job view', async () => {
    const live = await fake({
      Get: () =>
        Promise.resolve(
          wireJob({
            state: 'succeeded',
            result: Buffer.from('{"ok":true}'),
            hasResult: true,
            finishedAtMs: 2_000,
            lease: null,
            progress: { percent: 50, message: 'half', updatedAtMs: 1_500 },
            history: [{ attempt: 1, token: 9, workerId: 'w', startedAtMs: 1_100, endedAtMs: 2_000, outcome: 'succeeded', error: '' }],
          }),
        ),
    });
    const c = client([live.address]);
    const job = await c.get('0000000001', { stale: true });
    expect(live.calls[0]?.request).toMatchObject({ id: '0000000001', stale: true });
    expect(job.json()).toEqual({ n: 1 });
    expect(job.resultJson()).toEqual({ ok: true });
    expect(job.finishedAt).toBe(2_000);
    expect(job.lastError).toBeNull();
    expect(job.progress).toEqual({ percent: 50, message: 'half', updatedAt: 1_500 });
    expect(job.history).toEqual([{ attempt: 1, token: 9, workerId: 'w', startedAt: 1_100, endedAt: 2_000, outcome: 'succeeded', error: null }]);
  });

  it('lists pages and sums stats', async () => {
    const live = await fake({
      List: () => Promise.resolve({ jobs: [wireJob(), wireJob({ id: '0000000002' })], nextPageToken: 'next' }),
      Stats: () =>
        Promise.resolve({
          queues: [
            { queue: 'a', scheduled: 1, ready: 2, leased: 3, succeeded: 4, dead: 5, cancelled: 6 },
            { queue: 'b', scheduled: 0, ready: 1, leased: 0, succeeded: 10, dead: 0, cancelled: 0 },
          ],
        }),
    });
    const c = client([live.address]);
    const page = await c.list({ queue: 'q', state: 'ready', pageSize: 2 });
    expect(page.jobs.map((j) => j.id)).toEqual(['0000000001', '0000000002']);
    expect(page.nextPageToken).toBe('next');
    expect(live.calls[0]?.request).toMatchObject({ queue: 'q', state: 'ready', pageSize: 2, pageToken: '', stale: false });
    const stats = await c.stats();
    expect(stats.total).toEqual({ scheduled: 1, ready: 3, leased: 3, succeeded: 14, dead: 5, cancelled: 6 });
  });

  it('waitForResult waits on when a node answers early with a non-terminal state', async () => {
    let n = 0;
    const live = await fake({
      WaitForResult: (req) => {
        n++;
        expect(req['timeoutMs']).toBeGreaterThan(0);
        return Promise.resolve(wireJob({ state: n < 3 ? 'leased' : 'succeeded' }));
      },
    });
    const c = client([live.address]);
    const job = await c.waitForResult('0000000001', { timeoutMs: 5_000 });
    expect(job.state).toBe('succeeded');
    expect(n).toBe(3);
  });

  it('waitForResult returns the current state when the wait times out', async () => {
    const live = await fake({
      WaitForResult: (req) => new Promise((resolve) => setTimeout(() => resolve(wireJob({ state: 'leased' })), Number(req['timeoutMs']))),
    });
    const c = client([live.address]);
    const started = Date.now();
    const job = await c.waitForResult('0000000001', { timeoutMs: 200 });
    expect(job.state).toBe('leased');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
