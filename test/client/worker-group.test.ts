/**
 * The SDK's Worker against one real node (in this process: real gRPC on loopback, real LevelDB in
 * a temp directory): a handler sees its job's group key (`job.group`, null for a job without one),
 * so it can tell which customer's rate limit it hit, and the RateLimitedError it throws for that
 * customer holds back that key only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, RateLimitedError, Worker } from '../../src/client/index.js';
import { poll } from '../helpers/index.js';
import { startServer, type TestServer } from '../server/harness.js';

let server: TestServer;
let client: Client;
const workers: Worker[] = [];

beforeAll(async () => {
  server = await startServer();
  client = new Client({ nodes: [server.address], deadlineMs: 10_000 });
});

afterAll(async () => {
  for (const w of workers) await w.close({ timeoutMs: 1000 });
  client?.close();
  await server?.close();
});

describe('WorkerJob.group', () => {
  it('is the group key the job was submitted with, null without one; a throttle for it holds back that key only', async () => {
    const submitted = await client.submit([
      { queue: 'grouped', group: 'acme', payload: 'a' },
      { queue: 'grouped', group: 'zeta', payload: 'z' },
      { queue: 'grouped', payload: 'none' },
    ]);
    const [acme, zeta, none] = submitted.map((j) => j.id);
    const seen = new Map<string, (string | null)[]>();
    const w = new Worker({
      nodes: [server.address],
      queues: ['grouped'],
      concurrency: 3,
      workerId: 'group-reader',
      handler: (job) => {
        seen.set(job.id, [...(seen.get(job.id) ?? []), job.group]);
        // The remote side rate limits customer acme only: its jobs wait, the others go on.
        if (job.group === 'acme') return Promise.reject(new RateLimitedError(60_000, { message: '429 for acme' }));
        return Promise.resolve({ group: job.group });
      },
    });
    workers.push(w);
    await w.start();
    await poll(() => (server.job(zeta ?? '').state === 'succeeded' && server.job(none ?? '').state === 'succeeded' && seen.has(acme ?? '') ? true : undefined), {
      description: 'the jobs of zeta and without a key to succeed, and acme to be tried',
      timeoutMs: 15_000,
    });
    expect(Object.fromEntries(seen)).toEqual({ [acme ?? '']: ['acme'], [zeta ?? '']: ['zeta'], [none ?? '']: [null] });
    // The results show what each handler saw (null is JSON null).
    const result = (id: string | undefined): string => Buffer.from(server.job(id ?? '').result ?? []).toString();
    expect(result(none)).toBe('{"group":null}');
    expect(result(zeta)).toBe('{"group":"zeta"}');
    // acme's job is ready again, its attempt given back, and its key held back.
    await poll(() => (server.job(acme ?? '').state === 'ready' ? true : undefined), { description: "acme's job back to ready" });
    expect(server.job(acme ?? '')).toMatchObject({ attempts: 0, lastError: '429 for acme' });
    const flow = server.node.query.queueFlow('grouped');
    expect(flow?.groups.find((g) => g.group === 'acme')?.throttledUntil).toBeGreaterThan(server.node.query.now());
    expect(flow?.groups.find((g) => g.group === 'zeta')?.throttledUntil ?? null).toBeNull();
  });
});
