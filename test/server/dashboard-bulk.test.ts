/**
 * The dashboard's bulk actions on one real node (real gRPC, LevelDB and HTTP, actions enabled),
 * through its HTTP API as the page calls it: a dry run of retry-dead, cancel or purge counts the
 * jobs of the queue that match its state, group key and age and changes nothing; the real run acts
 * on exactly those (a cancel with the dashboard's reason); a request the page should never send is
 * refused with 400 and changes nothing.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_HEADER } from '../../src/observability/index.js';
import { serviceClient } from '../../src/protocol/index.js';
import { startServer, type TestServer } from './harness.js';

type Msg = Record<string, unknown>;
type UnaryFn = (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Msg) => void) => void;

let server: TestServer;
let workers: grpc.Client;

beforeAll(async () => {
  server = await startServer({ dashboard: { actionsEnabled: true } }, { http: true });
  workers = new (serviceClient('jobs.proto', 'raftjobs.jobs.v1.Workers'))(server.address, grpc.credentials.createInsecure());
});

afterAll(async () => {
  workers?.close();
  await server?.close();
});

/** A unary call of the Workers service, as a worker would make it. */
function call(method: string, req: object): Promise<Msg> {
  return new Promise((resolve, reject) =>
    ((workers as unknown as Record<string, UnaryFn>)[method] as UnaryFn).call(workers, req, { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(err) : resolve(res ?? {}))),
  );
}

/** POST a dashboard action; its status and JSON body. */
async function post(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://${server.httpAddress ?? ''}${path}`, { method: 'POST', headers: { [ACTION_HEADER]: '1' }, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const counts = (queue: string) => server.node.query.stats().find((q) => q.queue === queue);

describe('dashboard bulk actions on a real node', () => {
  it("cancel: the dry run counts the queue's ready jobs of a key, the real run cancels those with the dashboard's reason", async () => {
    const acme = await server.submit('dash-cancel', [Buffer.from('a1'), Buffer.from('a2'), Buffer.from('a3')], { group: 'acme' });
    const zeta = await server.submit('dash-cancel', [Buffer.from('z1'), Buffer.from('z2')], { group: 'zeta' });
    const [later] = await server.submit('dash-cancel', [Buffer.from('s')], { delayMs: 3_600_000 });
    await server.submit('dash-other', [Buffer.from('o')], { group: 'acme' });

    expect(await post('/api/queues/dash-cancel/cancel?state=ready&group=acme&dryRun=1')).toEqual({
      status: 200,
      body: { action: 'cancel', dryRun: true, matched: 3, affected: 0, batches: 0 },
    });
    expect(counts('dash-cancel')).toMatchObject({ ready: 5, scheduled: 1, cancelled: 0 });
    // Nothing was submitted a day ago.
    expect((await post('/api/queues/dash-cancel/cancel?state=ready&olderThanMs=86400000&dryRun=1')).body).toMatchObject({ matched: 0 });

    expect(await post('/api/queues/dash-cancel/cancel?state=ready&group=acme')).toEqual({
      status: 200,
      body: { action: 'cancel', dryRun: false, matched: 0, affected: 3, batches: 1 },
    });
    for (const id of acme) expect(server.job(id)).toMatchObject({ state: 'cancelled', cancelReason: 'cancelled from the dashboard' });
    for (const id of zeta) expect(server.job(id).state).toBe('ready');
    expect(server.job(later ?? '').state).toBe('scheduled');
    expect(counts('dash-other')).toMatchObject({ ready: 1 });
  });

  it('purge: removes the jobs of the states named, and retry-dead still retries every dead job', async () => {
    const ids = await server.submit('dash-purge', [Buffer.from('1'), Buffer.from('2'), Buffer.from('3')], { maxAttempts: 1 });
    const [first, second, third] = ids;
    // One cancelled, two dead (their one attempt failed for good).
    await post(`/api/jobs/${first}/cancel`);
    const leased = (await call('Lease', { workerId: 'w', queues: ['dash-purge'], max: 2 }))['jobs'] as { jobId: string; token: number }[];
    expect(leased.map((l) => l.jobId)).toEqual([second, third]);
    for (const l of leased) expect(await call('Fail', { jobId: l.jobId, token: l.token, error: 'no', noRetry: true })).toMatchObject({ ok: true, state: 'dead' });
    expect(counts('dash-purge')).toMatchObject({ cancelled: 1, dead: 2 });

    expect((await post('/api/queues/dash-purge/purge?state=cancelled&state=succeeded&dryRun=1')).body).toMatchObject({ action: 'purge', dryRun: true, matched: 1 });
    expect((await post('/api/queues/dash-purge/purge?state=cancelled&state=succeeded')).body).toMatchObject({ action: 'purge', dryRun: false, affected: 1 });
    expect(server.node.query.getJob(first ?? '')).toBeNull();
    expect(counts('dash-purge')).toMatchObject({ cancelled: 0, dead: 2 });

    expect((await post('/api/queues/dash-purge/retry-dead?dryRun=1')).body).toMatchObject({ action: 'retryDead', matched: 2 });
    expect((await post('/api/queues/dash-purge/retry-dead')).body).toMatchObject({ action: 'retryDead', affected: 2 });
    for (const id of [second, third]) expect(server.job(id ?? '').state).toBe('ready');
  });

  it('refuses what the page never sends with 400, changing nothing', async () => {
    await server.submit('dash-refuse', [Buffer.from('r')]);
    for (const path of [
      '/api/queues/dash-refuse/purge',
      '/api/queues/dash-refuse/purge?state=leased',
      '/api/queues/dash-refuse/cancel?state=dead',
      '/api/queues/dash-refuse/cancel?states=ready',
      '/api/queues/dash-refuse/cancel?state=ready&olderThanMs=7d',
    ]) {
      const res = await post(path);
      expect(res.status, path).toBe(400);
      expect(res.body['code'], path).toBe('INVALID_ARGUMENT');
    }
    expect(counts('dash-refuse')).toMatchObject({ ready: 1, cancelled: 0 });
  });
});
