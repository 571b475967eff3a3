import { PassThrough } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { workCommand } from '../../src/cli/work-command.js';
import { baseConfig, writeConfig } from '../config/helpers.js';
import { FakeJobs, FakeWorkers, leased, serviceError, wireJob } from './fakes.js';
import { runMain as run } from './in-process-cli.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function fake(impl: FakeJobs['impl']): Promise<FakeJobs> {
  const f = await FakeJobs.start(impl);
  cleanup.push(() => f.stop());
  return f;
}

let seq = 0;
const submitted = (req: Record<string, unknown>): Promise<unknown> =>
  Promise.resolve({ jobs: (req['jobs'] as unknown[]).map(() => ({ id: `id${++seq}`, duplicate: false, state: 'ready' })), index: 1 });

describe('raftjobs submit', () => {
  it('prints one id per line, or a JSON array with --json, and batches large counts', async () => {
    const f = await fake({ Submit: submitted });
    const plain = await run(['submit', '--addresses', f.address, '--queue', 'q', '--payload', '{"a":1}', '--delay', '100', '--priority', '-3', '--max-attempts', '2']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^id\d+\n$/);
    const job = (f.calls[0]?.request['jobs'] as Record<string, unknown>[])[0];
    expect(job).toMatchObject({ queue: 'q', delayMs: 100, priority: -3, maxAttempts: 2 });
    expect((job?.['payload'] as Buffer).toString()).toBe('{"a":1}');

    const many = await run(['submit', '--addresses', f.address, '--queue', 'q', '--count', '2500', '--json']);
    expect(many.code, many.stderr).toBe(0);
    const ids = JSON.parse(many.stdout) as string[];
    expect(ids).toHaveLength(2500);
    expect(f.calls.slice(1).map((c) => (c.request['jobs'] as unknown[]).length)).toEqual([1000, 1000, 500]);
    // Every job got its own idempotency key.
    const keys = f.calls.slice(1).flatMap((c) => (c.request['jobs'] as { idempotencyKey: string }[]).map((j) => j.idempotencyKey));
    expect(new Set(keys).size).toBe(2500);
  });

  it.each([
    [['--queue', 'q', '--delay', '-5'], /--delay must be an integer from 0/],
    [['--queue', 'q', '--delay=-5'], /--delay must be an integer from 0/],
    [['--queue', 'q', '--count', 'ten'], /--count must be an integer/],
    [['--queue', 'q', '--count', '0'], /--count must be an integer from 1/],
    [['--queue', 'q', '--payload', '{bad'], /--payload must be JSON/],
    [['--queue', 'q', '--priority', '1.5'], /--priority must be an integer/],
    [['--queue', 'q', '--max-attempts', '0'], /--max-attempts must be an integer from 1/],
    [['--queue', 'q', '--count', '2', '--idempotency-key', 'k'], /--idempotency-key needs/],
    [['--payload', '{}'], /--queue is required/],
    [['--queue', 'q', '--bogus'], /Unknown option '--bogus'/],
    [['--queue', 'q', '--priority', '-2147483649'], /--priority must be an integer from -2147483648/],
  ])('refuses %j with exit 2 and sends nothing', async (args, message) => {
    const f = await fake({ Submit: submitted });
    const r = await run(['submit', '--addresses', f.address, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/usage: raftjobs submit/);
    expect(f.calls).toHaveLength(0);
  });

  it('list and status refuse contradictory flags before calling anyone', async () => {
    const f = await fake({ List: () => Promise.resolve({ jobs: [], nextPageToken: '' }) });
    const both = await run(['list', '--addresses', f.address, '--all', '--limit', '5']);
    expect(both).toMatchObject({ code: 2, stdout: '' });
    expect(both.stderr).toMatch(/list: give --limit or --all, not both/);
    expect((await run(['list', '--addresses', f.address, '--page-token', ''])).stderr).toMatch(/--page-token must not be empty/);
    expect((await run(['status', '--addresses', f.address, '--config', 'x.json'])).stderr).toMatch(/give --config or --addresses, not both/);
    expect((await run(['status'])).stderr).toMatch(/--config FILE or --addresses HOST:PORT,... is required/);
    expect(f.calls).toHaveLength(0);
  });

  it('needs exactly one way to find the cluster', async () => {
    expect((await run(['submit', '--queue', 'q'])).stderr).toMatch(/--config FILE or --addresses/);
    expect((await run(['stats', '--addresses', 'nohost'])).stderr).toMatch(/expected "host:port"/);
    expect((await run(['stats', '--addresses', 'a:1', '--config', 'x.json'])).code).toBe(2);
    const missing = await run(['stats', '--config', '/nonexistent/cluster.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
  });

  it('prints each problem of a bad config once, with a did-you-mean for a misspelt field', async () => {
    const path = writeConfig({ ...baseConfig(), raft: { tickMss: 50 }, nodes: [{ id: 'n1', adress: '127.0.0.1:7001' }] });
    const r = await run(['stats', '--config', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `raftjobs stats: ${path}: invalid config (3 problems):\n` +
        '  - nodes[0].address: required\n' +
        '  - nodes[0].adress: unknown field; did you mean "address"?\n' +
        '  - raft.tickMss: unknown field; did you mean "tickMs"?\n',
    );
  });

  it('exits 2 for INVALID_ARGUMENT from the cluster and 1 for other refusals, with the reason on stderr', async () => {
    const f = await fake({
      Submit: () => Promise.reject(serviceError(grpc.status.INVALID_ARGUMENT, 'jobs[0].queue: must match [A-Za-z0-9._:-]', { 'x-error-code': 'INVALID_ARGUMENT' })),
      Get: () => Promise.reject(serviceError(grpc.status.NOT_FOUND, 'job nope not found', { 'x-error-code': 'NOT_FOUND' })),
      Cancel: () => Promise.reject(serviceError(grpc.status.FAILED_PRECONDITION, 'job x is succeeded', { 'x-error-code': 'ILLEGAL_TRANSITION' })),
    });
    const bad = await run(['submit', '--addresses', f.address, '--queue', 'bad queue']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe('raftjobs submit: jobs[0].queue: must match [A-Za-z0-9._:-]\n');
    const missing = await run(['get', 'nope', '--addresses', f.address]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('raftjobs get: job nope not found\n');
    const late = await run(['cancel', 'x', '--addresses', f.address]);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/job x is succeeded/);
  });

  it('exits 1 with TIMEOUT when no node answers', async () => {
    const r = await run(['stats', '--addresses', '127.0.0.1:1', '--timeout', '300']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no answer within the 300 ms deadline/);
  });
});

describe('raftjobs get / list / cancel / retry / stats', () => {
  it('get --json shows states, JSON results parsed and other bytes as base64', async () => {
    const f = await fake({
      Get: (req) =>
        Promise.resolve(
          req['id'] === 'a'
            ? wireJob({ id: 'a', state: 'succeeded', hasResult: true, result: Buffer.from('{"ok":1}'), finishedAtMs: 5 })
            : wireJob({ id: 'b', state: 'dead', hasResult: true, result: Buffer.from([0xff, 0x00]), payload: Buffer.from([1]), lastError: 'boom' }),
        ),
    });
    const a = JSON.parse((await run(['get', 'a', '--addresses', f.address, '--json'])).stdout) as Record<string, unknown>;
    expect(a).toMatchObject({ id: 'a', state: 'succeeded', result: { ok: 1 }, resultEncoding: 'json', payload: { n: 1 }, finishedAt: 5, lastError: null, progress: null, lease: null });
    const b = JSON.parse((await run(['get', 'b', '--addresses', f.address, '--json'])).stdout) as Record<string, unknown>;
    expect(b).toMatchObject({ state: 'dead', result: '/wA=', resultEncoding: 'base64', payload: 'AQ==', payloadEncoding: 'base64', lastError: 'boom' });
    const text = await run(['get', 'b', '--addresses', f.address]);
    expect(text.stdout).toMatch(/^id:\s+b\n/);
    expect(text.stdout).toMatch(/last error:\s+boom/);
    expect((await run(['get', '--addresses', f.address])).code).toBe(2);
    expect((await run(['get', 'a', 'b', '--addresses', f.address])).code).toBe(2);
  });

  it('list pages until --limit and validates --state', async () => {
    let page = 0;
    const f = await fake({
      List: (req) => {
        page++;
        const size = Number(req['pageSize']);
        return Promise.resolve({ jobs: Array.from({ length: size }, (_, i) => wireJob({ id: `p${page}-${i}` })), nextPageToken: `t${page}` });
      },
    });
    const r = await run(['list', '--addresses', f.address, '--queue', 'q', '--state', 'ready', '--limit', '1500', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(1500);
    expect(f.calls.map((c) => [c.request['pageSize'], c.request['pageToken'], c.request['state']])).toEqual([
      [1000, '', 'ready'],
      [500, 't1', 'ready'],
    ]);
    const bad = await run(['list', '--addresses', f.address, '--state', 'done']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--state must be one of scheduled, ready, leased, succeeded, dead, cancelled/);
    const table = await run(['list', '--addresses', f.address, '--limit', '2']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+QUEUE\s+STATE/);
  });

  it('cancel, retry and stats', async () => {
    const f = await fake({
      Cancel: (req) => Promise.resolve(wireJob({ id: req['id'], state: 'cancelled' })),
      RetryDead: (req) => Promise.resolve(wireJob({ id: req['id'], state: 'ready', attempts: 3, maxAttempts: 5 })),
      Stats: () => Promise.resolve({ queues: [{ queue: 'q', scheduled: 1, ready: 2, leased: 3, succeeded: 4, dead: 5, cancelled: 6 }] }),
    });
    expect((await run(['cancel', 'j1', '--reason', 'why', '--addresses', f.address])).stdout).toBe('j1 cancelled\n');
    expect(f.calls[0]?.request).toMatchObject({ id: 'j1', reason: 'why' });
    expect((await run(['retry', 'j2', '--attempts', '2', '--addresses', f.address])).stdout).toBe('j2 ready (attempt limit 5, 3 used)\n');
    expect(f.calls[1]?.request).toMatchObject({ id: 'j2', attempts: 2 });
    const stats = JSON.parse((await run(['stats', '--addresses', f.address, '--json'])).stdout) as { total: Record<string, number> };
    expect(stats.total).toEqual({ scheduled: 1, ready: 2, leased: 3, succeeded: 4, dead: 5, cancelled: 6 });
    expect((await run(['stats', '--addresses', f.address])).stdout).toMatch(/\(total\)\s+1\s+2\s+3\s+4\s+5\s+6/);
  });
});

describe('raftjobs work', () => {
  async function work(args: string[], server: FakeWorkers, pushes: Record<string, unknown>[], until: () => void): Promise<{ code: number; stdout: string }> {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    out.on('data', (c: Buffer) => (stdout += c.toString()));
    err.resume();
    const ac = new AbortController();
    const streams = server.streams.length;
    const running = workCommand(['--addresses', server.address, ...args], out, err, ac.signal);
    await vi.waitFor(() => expect(server.streams[streams]?.hellos.length).toBeGreaterThanOrEqual(1));
    server.streams[streams]?.push(pushes);
    await vi.waitFor(until);
    ac.abort();
    return { code: await running, stdout };
  }

  it('echo returns the payload as the result; fail fails; sleep sleeps', async () => {
    const server = await FakeWorkers.start();
    cleanup.push(() => server.stop());
    const echo = await work(['--queue', 'q', '--handler', 'echo', '--concurrency', '2'], server, [leased('e1', 4, { payload: Buffer.from('{"v":1}') })], () =>
      expect(server.all('complete')).toHaveLength(1),
    );
    expect(echo.code).toBe(0);
    expect(echo.stdout).toMatch(/e1 attempt 1\/3 token 4: echo/);
    expect(Buffer.from(server.all('complete')[0]?.complete?.result ?? []).toString()).toBe('{"v":1}');
    expect(server.streams[0]?.hellos[0]).toMatchObject({ queues: ['q'], capacity: 2 });

    await work(['--queue', 'q', '--handler', 'fail'], server, [leased('f1', 5)], () => expect(server.all('fail')).toHaveLength(1));
    expect(server.all('fail')[0]?.fail).toMatchObject({ jobId: 'f1', noRetry: false });
    expect(server.all('fail')[0]?.fail?.error).toMatch(/demo failure of job f1/);

    await work(['--queue', 'q', '--handler', 'sleep', '--sleep-ms', '30'], server, [leased('s1', 6)], () => expect(server.all('complete')).toHaveLength(2));
    expect(JSON.parse(Buffer.from(server.all('complete')[1]?.complete?.result ?? []).toString())).toEqual({ slept: 30 });
  });

  it('validates its flags', async () => {
    const r = await run(['work', '--addresses', '127.0.0.1:1', '--queue', 'q', '--handler', 'dance']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--handler must be one of echo, sleep, fail/);
    expect((await run(['work', '--addresses', '127.0.0.1:1', '--queue', 'q,', '--handler', 'echo'])).code).toBe(2);
    expect((await run(['work', '--addresses', '127.0.0.1:1', '--queue', 'q', '--handler', 'echo', '--concurrency', '0'])).code).toBe(2);
    const drain = await run(['work', '--addresses', '127.0.0.1:1', '--queue', 'q', '--handler', 'echo', '--drain-ms', '-1']);
    expect(drain.code).toBe(2);
    expect(drain.stderr).toMatch(/--drain-ms must be an integer from 0/);
  });
});
