/**
 * Flow control through the server of one real node (real gRPC, real LevelDB), called with raw
 * requests as a client written from proto/jobs.proto would send them: a bulk action's dry run
 * counts what the real run then acts on, batch by batch; unique keys answer duplicates and
 * replacements; a leased job carries its group key; and every bad request is refused with
 * INVALID_ARGUMENT naming its field as the .proto spells it, changing nothing.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceClient } from '../../src/protocol/index.js';
import { RawWorker, startServer, type TestServer } from './harness.js';

type Msg = Record<string, unknown>;
type UnaryFn = (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Msg) => void) => void;

let server: TestServer;
let jobs: grpc.Client;
let workers: grpc.Client;

beforeAll(async () => {
  server = await startServer();
  jobs = new (serviceClient('jobs.proto', 'raftjobs.jobs.v1.Jobs'))(server.address, grpc.credentials.createInsecure());
  workers = new (serviceClient('jobs.proto', 'raftjobs.jobs.v1.Workers'))(server.address, grpc.credentials.createInsecure());
});

afterAll(async () => {
  jobs?.close();
  workers?.close();
  await server?.close();
});

function call(client: grpc.Client, method: string, req: object): Promise<Msg> {
  return new Promise((resolve, reject) =>
    ((client as unknown as Record<string, UnaryFn>)[method] as UnaryFn).call(client, req, { deadline: Date.now() + 20_000 }, (err, res) => (err ? reject(err) : resolve(res ?? {}))),
  );
}

/** The refusal of a call that must fail: its status, `x-error-code` and text. */
async function refusal(client: grpc.Client, method: string, req: object): Promise<{ status: grpc.status; code: string; details: string }> {
  const err = await call(client, method, req).then(
    () => {
      throw new Error(`${method} succeeded`);
    },
    (e: unknown) => e as grpc.ServiceError,
  );
  return { status: err.code, code: String(err.metadata.get('x-error-code')[0] ?? ''), details: err.details };
}

async function submit(specs: Msg[]): Promise<{ id: string; duplicate: boolean; state: string; replaced: boolean }[]> {
  return (await call(jobs, 'Submit', { jobs: specs }))['jobs'] as { id: string; duplicate: boolean; state: string; replaced: boolean }[];
}

const countIn = (queue: string, state: string): number => server.node.query.stats().find((q) => q.queue === queue)?.[state as 'ready'] ?? 0;

describe('Jobs.Bulk', () => {
  it('a dry run counts what the real run then acts on, in several batches; a second run finds nothing left', async () => {
    for (let i = 0; i < 3; i++) await submit(Array.from({ length: 1000 }, (_, j) => ({ queue: 'bulk', payload: Buffer.from(`${i}-${j}`) })));
    await submit(Array.from({ length: 10 }, () => ({ queue: 'other' })));
    const filter = { queue: 'bulk', states: ['ready'] };
    const dry = await call(jobs, 'Bulk', { action: 'BULK_ACTION_CANCEL', filter, dryRun: true });
    expect(dry).toEqual({ matched: 3000, affected: 0, batches: 0, dryRun: true });
    expect(countIn('bulk', 'ready')).toBe(3000);
    const real = await call(jobs, 'Bulk', { action: 'BULK_ACTION_CANCEL', filter, batchSize: 700, reason: 'load shedding' });
    expect(real).toMatchObject({ matched: 0, affected: 3000, dryRun: false });
    expect(real['batches']).toBeGreaterThanOrEqual(5);
    expect(countIn('bulk', 'cancelled')).toBe(3000);
    expect(countIn('other', 'ready')).toBe(10);
    expect(await call(jobs, 'Bulk', { action: 'BULK_ACTION_CANCEL', filter })).toMatchObject({ affected: 0, dryRun: false });
    // Purge of what was cancelled, without a filter on states: the dry run counts it, the run removes it.
    expect(await call(jobs, 'Bulk', { action: 'BULK_ACTION_PURGE', filter: { queue: 'bulk' }, dryRun: true })).toMatchObject({ matched: 3000 });
    expect(await call(jobs, 'Bulk', { action: 'BULK_ACTION_PURGE', filter: { queue: 'bulk' } })).toMatchObject({ affected: 3000 });
    expect(server.node.query.stats().find((q) => q.queue === 'bulk')?.cancelled ?? 0).toBe(0);
  });

  it('filters by group key: a key, or "" for jobs without one', async () => {
    await submit([{ queue: 'grp', group: 'acme' }, { queue: 'grp', group: 'acme' }, { queue: 'grp', group: 'zeta' }, { queue: 'grp' }]);
    const count = async (group: string): Promise<unknown> => (await call(jobs, 'Bulk', { action: 'BULK_ACTION_CANCEL', filter: { queue: 'grp', group }, dryRun: true }))['matched'];
    expect([await count('acme'), await count('zeta'), await count(''), await count('none')]).toEqual([2, 1, 1, 0]);
    expect(await call(jobs, 'Bulk', { action: 'BULK_ACTION_CANCEL', filter: { queue: 'grp', group: 'acme' } })).toMatchObject({ affected: 2 });
    expect([countIn('grp', 'cancelled'), countIn('grp', 'ready')]).toEqual([2, 2]);
  });

  it('refuses a bad request with INVALID_ARGUMENT naming the field, and changes nothing', async () => {
    await submit(Array.from({ length: 5 }, () => ({ queue: 'keep' })));
    const cases: [Msg, RegExp][] = [
      [{ action: 'BULK_ACTION_UNSPECIFIED' }, /^action: must be BULK_ACTION_RETRY_DEAD, BULK_ACTION_CANCEL or BULK_ACTION_PURGE, got "BULK_ACTION_UNSPECIFIED"$/],
      [{ action: 'BULK_ACTION_CANCEL', filter: { queue: 'keep', states: ['dead'] } }, /^filter\.states\[0\]: cancel applies to scheduled, ready, leased jobs only$/],
      [{ action: 'BULK_ACTION_CANCEL', filter: { queue: 'keep', states: ['zombie'] } }, /^filter\.states\[0\]: must be one of /],
      [{ action: 'BULK_ACTION_CANCEL', filter: { queue: 'keep' }, batchSize: 20_000 }, /^batch_size: /],
      [{ action: 'BULK_ACTION_PURGE', filter: { queue: 'keep' }, reason: 'no' }, /^reason: only with action cancel$/],
      [{ action: 'BULK_ACTION_CANCEL', filter: { queue: 'bad queue!' } }, /^filter\.queue: /],
      [{ action: 'BULK_ACTION_CANCEL', filter: { queue: 'keep', olderThanMs: -1 } }, /^filter\.older_than_ms: /],
    ];
    for (const [req, message] of cases) {
      for (const dryRun of [false, true]) {
        const r = await refusal(jobs, 'Bulk', { ...req, dryRun });
        expect(r, JSON.stringify(req)).toMatchObject({ status: grpc.status.INVALID_ARGUMENT, code: 'INVALID_ARGUMENT' });
        expect(r.details, JSON.stringify(req)).toMatch(message);
      }
    }
    expect(countIn('keep', 'ready')).toBe(5);
  });
});

describe('JobSpec.unique', () => {
  it('active: a second submit with the key answers the unfinished job; debounce: a pending job takes the new payload', async () => {
    const [first] = await submit([{ queue: 'u', unique: { key: 'order-1', mode: 'UNIQUE_MODE_ACTIVE' } }]);
    const [again] = await submit([{ queue: 'u', unique: { key: 'order-1', mode: 'UNIQUE_MODE_ACTIVE' } }]);
    expect(again).toEqual({ id: first?.id, duplicate: true, state: 'ready', replaced: false });

    const [pending] = await submit([{ queue: 'u', delayMs: 60_000, payload: Buffer.from('v1'), unique: { key: 'doc-7', mode: 'UNIQUE_MODE_DEBOUNCE', windowMs: 30_000 } }]);
    const [replaced] = await submit([{ queue: 'u', delayMs: 60_000, payload: Buffer.from('v2'), unique: { key: 'doc-7', mode: 'UNIQUE_MODE_DEBOUNCE', windowMs: 30_000 } }]);
    expect(replaced).toEqual({ id: pending?.id, duplicate: true, state: 'scheduled', replaced: true });
    const job = await call(jobs, 'Get', { id: pending?.id });
    expect(job).toMatchObject({ payload: Buffer.from('v2'), unique: { key: 'doc-7', mode: 'UNIQUE_MODE_DEBOUNCE', windowMs: 30_000 }, holdsUniqueKey: true });
    expect(await call(jobs, 'Get', { id: first?.id })).toMatchObject({ unique: { key: 'order-1', mode: 'UNIQUE_MODE_ACTIVE', windowMs: 0 }, holdsUniqueKey: true });
  });

  it('a unique option without a mode, or out of range, is refused naming the field; nothing is submitted', async () => {
    const before = countIn('u-bad', 'ready');
    const cases: [Msg, RegExp][] = [
      [{ key: 'k', mode: 'UNIQUE_MODE_UNSPECIFIED' }, /^jobs\[1\]\.unique\.mode: must be UNIQUE_MODE_ACTIVE or UNIQUE_MODE_DEBOUNCE, got "UNIQUE_MODE_UNSPECIFIED"$/],
      [{ key: '', mode: 'UNIQUE_MODE_ACTIVE' }, /^jobs\[1\]\.unique\.key: /],
      [{ key: 'k', mode: 'UNIQUE_MODE_ACTIVE', windowMs: 5 }, /^jobs\[1\]\.unique\.window_ms: only with mode debounce$/],
      [{ key: 'k', mode: 'UNIQUE_MODE_DEBOUNCE', windowMs: 8 * 86_400_000 }, /^jobs\[1\]\.unique\.window_ms: /],
    ];
    for (const [unique, message] of cases) {
      const r = await refusal(jobs, 'Submit', { jobs: [{ queue: 'u-bad' }, { queue: 'u-bad', unique }] });
      expect(r, JSON.stringify(unique)).toMatchObject({ status: grpc.status.INVALID_ARGUMENT, code: 'INVALID_ARGUMENT' });
      expect(r.details, JSON.stringify(unique)).toMatch(message);
    }
    expect(countIn('u-bad', 'ready')).toBe(before);
  });
});

describe('Queues', () => {
  const queues = (): grpc.Client => new (serviceClient('jobs.proto', 'raftjobs.jobs.v1.Queues'))(server.address, grpc.credentials.createInsecure());

  it('Set changes what it names, 0 removes, Pause and Resume flip the pause; Get and List show policy and usage', async () => {
    const q = queues();
    try {
      await submit([{ queue: 'flow', group: 'acme' }, { queue: 'flow', group: 'acme' }, { queue: 'flow', group: 'zeta' }]);
      expect(await call(q, 'Get', { queue: 'flow' })).toMatchObject({
        queue: 'flow',
        policy: { paused: false, concurrency: 0, groupConcurrency: 0, groupConcurrencyOverrides: {}, rate: null, groupRate: null },
        usage: { leased: 0, ready: 3, tokens: -1, throttledUntilMs: 0 },
      });
      const set = await call(q, 'Set', { queue: 'flow', concurrency: 5, groupConcurrency: 1, groupConcurrencyOverrides: { acme: 2 }, rate: { limit: 10, periodMs: 1000 } });
      expect(set).toMatchObject({
        policy: { paused: false, concurrency: 5, groupConcurrency: 1, groupConcurrencyOverrides: { acme: 2 }, rate: { limit: 10, periodMs: 1000, burst: 10 }, groupRate: null },
        usage: { leased: 0, ready: 3, tokens: 10 },
      });
      const busiest = (set['usage'] as { busiestGroups: { group: string; ready: number; limit: number }[] }).busiestGroups;
      expect(busiest.map((g) => [g.group, g.ready, g.limit])).toEqual([
        ['acme', 2, 2],
        ['zeta', 1, 1],
      ]);
      // Absent fields stay; 0 removes; a removed override falls back to group_concurrency.
      const cleared = await call(q, 'Set', { queue: 'flow', concurrency: 0, groupConcurrencyOverrides: { acme: 0 }, rate: { limit: 0 } });
      expect(cleared['policy']).toEqual({ paused: false, concurrency: 0, groupConcurrency: 1, groupConcurrencyOverrides: {}, rate: null, groupRate: null });
      expect(await call(q, 'Pause', { queue: 'flow' })).toMatchObject({ policy: { paused: true, groupConcurrency: 1 } });
      const leased = (await call(workers, 'Lease', { workerId: 'w', queues: ['flow'], max: 3 }))['jobs'] as unknown[];
      expect(leased).toEqual([]);
      expect(await call(q, 'Resume', { queue: 'flow' })).toMatchObject({ policy: { paused: false } });
      // A queue may get a policy before its first job; List shows every queue with jobs or a policy.
      await call(q, 'Pause', { queue: 'empty-yet' });
      const list = (await call(q, 'List', {}))['queues'] as { queue: string; policy: { paused: boolean } }[];
      expect(list.find((x) => x.queue === 'empty-yet')?.policy.paused).toBe(true);
      expect(list.map((x) => x.queue)).toEqual([...list.map((x) => x.queue)].sort());
    } finally {
      q.close();
    }
  });

  it('refuses a bad change with INVALID_ARGUMENT naming the field, and changes nothing', async () => {
    const q = queues();
    try {
      await call(q, 'Set', { queue: 'strict', concurrency: 3 });
      const cases: [string, Msg, RegExp][] = [
        ['Set', { queue: 'strict', concurrency: 2_000_000 }, /^concurrency: /],
        ['Set', { queue: 'strict', groupConcurrency: -1 }, /^group_concurrency: /],
        ['Set', { queue: 'strict', groupConcurrencyOverrides: { k: -2 } }, /^group_concurrency_overrides/],
        ['Set', { queue: 'strict', rate: { limit: 10, periodMs: 0 } }, /^rate\.period_ms: /],
        ['Set', { queue: 'strict', rate: { limit: 0, periodMs: 1000 } }, /^rate: limit 0 removes the bucket; leave period_ms and burst 0 with it/],
        ['Set', { queue: 'strict', groupRate: { limit: 5, periodMs: 1000, burst: 2_000_000 } }, /^group_rate\.burst: /],
        ['Set', { queue: 'bad queue!', concurrency: 1 }, /^queue: /],
        ['Pause', { queue: '' }, /^queue: /],
        ['Get', { queue: 'bad queue!' }, /^queue: /],
      ];
      for (const [method, req, message] of cases) {
        const r = await refusal(q, method, req);
        expect(r, `${method} ${JSON.stringify(req)}`).toMatchObject({ status: grpc.status.INVALID_ARGUMENT, code: 'INVALID_ARGUMENT' });
        expect(r.details, `${method} ${JSON.stringify(req)}`).toMatch(message);
      }
      // A change too large for one log entry is refused by its size.
      const many = Object.fromEntries(Array.from({ length: 9000 }, (_, i) => [`${String(i).padStart(6, '0')}${'k'.repeat(244)}`, 1]));
      const big = await refusal(q, 'Set', { queue: 'strict', groupConcurrencyOverrides: many });
      expect(big.details).toMatch(/^group_concurrency_overrides: a change of 9000 overrides takes \d+ bytes, over one log entry of limits\.maxEntryBytes/);
      expect((await call(q, 'Get', { queue: 'strict' }))['policy']).toEqual({ paused: false, concurrency: 3, groupConcurrency: 0, groupConcurrencyOverrides: {}, rate: null, groupRate: null });
    } finally {
      q.close();
    }
  });
});

describe('LeasedJob.group', () => {
  it("carries the job's group key, '' without one, in the unary Lease response and in the stream's lease batches", async () => {
    const [unary, unaryNone] = await submit([{ queue: 'lg-unary', group: 'acme' }, { queue: 'lg-unary' }]);
    const leased = (await call(workers, 'Lease', { workerId: 'w', queues: ['lg-unary'], max: 2 }))['jobs'] as { jobId: string; group: string }[];
    expect(leased.map((l) => [l.jobId, l.group])).toEqual([
      [unary?.id, 'acme'],
      [unaryNone?.id, ''],
    ]);
    const [pushed, pushedNone] = await submit([{ queue: 'lg-stream', group: 'k'.repeat(256) }, { queue: 'lg-stream' }]);
    const w = new RawWorker(server.address);
    try {
      w.hello({ workerId: 'lg', queues: ['lg-stream'], capacity: 2 });
      const jobs = await w.untilLeases(2);
      expect(jobs.map((l) => [l.jobId, l.group])).toEqual([
        [pushed?.id, 'k'.repeat(256)],
        [pushedNone?.id, ''],
      ]);
    } finally {
      w.close();
    }
  });
});

describe('FailRequest.throttle', () => {
  it('holds the key back without using the attempt: the job is ready again, its attempt throttled', async () => {
    const [job] = await submit([{ queue: 'thr-ok', group: 'acme' }]);
    const [token] = ((await call(workers, 'Lease', { workerId: 'w', queues: ['thr-ok'], max: 1 }))['jobs'] as { token: number }[]).map((l) => l.token);
    const ack = await call(workers, 'Fail', { jobId: job?.id, token, error: '429 from the API', throttle: { scope: 'THROTTLE_SCOPE_KEY', retryAfterMs: 60_000 } });
    expect(ack).toMatchObject({ ok: true, state: 'ready' });
    expect(server.job(job?.id ?? '')).toMatchObject({ state: 'ready', attempts: 0, lastError: '429 from the API' });
    expect(server.job(job?.id ?? '').history.map((a) => a.outcome)).toEqual(['throttled']);
    // The key is held back: nothing to lease from it for the next minute.
    expect((await call(workers, 'Lease', { workerId: 'w', queues: ['thr-ok'], max: 1 }))['jobs']).toEqual([]);
    const flow = server.node.query.queueFlow('thr-ok');
    expect(flow?.groups.find((g) => g.group === 'acme')?.throttledUntil).toBeGreaterThan(server.node.query.now());
  });


  it('with no_retry, or a scope that is none, is refused; the lease stays', async () => {
    const [job] = await submit([{ queue: 'thr' }]);
    const leased = (await call(workers, 'Lease', { workerId: 'w', queues: ['thr'], max: 1 }))['jobs'] as { jobId: string; token: number }[];
    expect(leased.map((l) => l.jobId)).toEqual([job?.id]);
    const token = leased[0]?.token;
    const noRetry = await refusal(workers, 'Fail', { jobId: job?.id, token, error: '429', noRetry: true, throttle: { scope: 'THROTTLE_SCOPE_KEY', retryAfterMs: 1000 } });
    expect(noRetry).toMatchObject({ status: grpc.status.INVALID_ARGUMENT, code: 'INVALID_ARGUMENT' });
    expect(noRetry.details).toBe('throttle: cannot be combined with no_retry (a throttled attempt does not count; no_retry ends the job)');
    const scope = await refusal(workers, 'Fail', { jobId: job?.id, token, error: '429', throttle: { scope: 7, retryAfterMs: 1000 } });
    expect(scope.details).toBe('throttle.scope: must be THROTTLE_SCOPE_KEY or THROTTLE_SCOPE_QUEUE, got 7');
    expect(server.job(job?.id ?? '')).toMatchObject({ state: 'leased', attempts: 1 });
  });
});
