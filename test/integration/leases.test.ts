/**
 * Lease invariants on a real three-node cluster:
 * - J6: a leader killed while workers hold leases does not take their jobs away; the workers
 *   finish against the new leader and their completions are accepted (one attempt each).
 * - J2/J3: a worker that stalls past its lease loses the job to a new lease with a higher token,
 *   and its late completion is rejected with FAILED_PRECONDITION / STALE_TOKEN.
 * (Worker sessions, release and abandon are tested in test/server/worker-stream.test.ts.)
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { Client, Worker, type WorkerOutcome } from '../../src/client/index.js';
import { serviceClient } from '../../src/protocol/index.js';
import { Cluster, poll } from '../helpers/index.js';

let cluster: Cluster;
let failed = false;
const open: { close(): unknown }[] = [];

beforeAll(async () => {
  cluster = await Cluster.start({ size: 3, clusterId: 'leases', tmpPrefix: 'raftjobs-leases-' });
  await cluster.waitForLeader();
});

afterAll(async () => {
  for (const c of open.splice(0)) await c.close();
  await cluster.cleanup(failed);
});

function onFailure(): void {
  onTestFailed(() => {
    failed = true;
    console.error(cluster.describe(40));
  });
}

const addresses = (): string[] => cluster.nodes.map((n) => n.address);

function client(): Client {
  const c = new Client({ nodes: addresses(), deadlineMs: 20_000 });
  open.push(c);
  return c;
}

type Unary = (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Record<string, unknown>) => void) => void;

/** A raw Workers client on one node (unary calls; followers forward to the leader). */
function rawWorkers(address: string): { call(method: string, req: object): Promise<Record<string, unknown>>; close(): void } {
  const Workers = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Workers');
  const c = new Workers(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, Unary>;
  open.push(c);
  return {
    call: (method, req) =>
      new Promise((resolve, reject) => (c[method] as Unary).call(c, req, { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(err) : resolve(res ?? {})))),
    close: () => c.close(),
  };
}

describe('leases on a real cluster', () => {
  it('J6: workers keep their leases through a kill -9 of the leader and finish against the new one', async () => {
    onFailure();
    const c = client();
    const jobs = await c.submit(Array.from({ length: 12 }, (_, n) => ({ queue: 'j6', payload: { n } })));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const started = new Set<string>();
    const outcomes: WorkerOutcome[] = [];
    const w = new Worker({
      nodes: addresses(),
      queues: ['j6'],
      concurrency: 12,
      workerId: 'j6-worker',
      leaseTtlMs: 4000,
      handler: async (job) => {
        started.add(job.id);
        await gate;
        return { token: job.token };
      },
      onOutcome: (o) => outcomes.push(o),
    });
    open.push({ close: () => w.close({ timeoutMs: 5000 }) });
    await w.start();
    await poll(() => (started.size === jobs.length ? true : undefined), { timeoutMs: 20_000, description: 'every job leased and running' });

    const leader = await cluster.waitForLeader();
    await cluster.kill(leader.id, 'SIGKILL');
    const next = await cluster.waitForLeader({ exclude: [leader.id], minTerm: (leader.term ?? 0) + 1 });
    expect(next.id).not.toBe(leader.id);
    // Hold the jobs past the old leases' expiry: only heartbeats through the new leader keep them.
    await new Promise((r) => setTimeout(r, 4500));
    release();

    await poll(() => (outcomes.length >= jobs.length ? true : undefined), { timeoutMs: 30_000, description: 'every completion acknowledged' });
    expect(outcomes.every((o) => o.accepted && o.kind === 'complete')).toBe(true);
    for (const j of jobs) {
      const v = await c.get(j.id);
      expect(v.state).toBe('succeeded');
      expect(v.attempts).toBe(1);
    }
    await cluster.start(leader.id);
    await cluster.waitForConvergence();
  });

  it('J3: a stalled worker loses its job to a new lease with a higher token; its late completion is rejected', async () => {
    onFailure();
    const c = client();
    const [job] = await c.submit({ queue: 'fence', payload: 'x', leaseTtlMs: 500, backoff: { type: 'fixed', delayMs: 1 } });
    const workers = rawWorkers((await cluster.waitForLeader()).address);
    const first = (await workers.call('Lease', { workerId: 'stalled', queues: ['fence'], max: 1, waitMs: 5000 }))['jobs'] as { jobId: string; token: number }[];
    expect(first[0]?.jobId).toBe(job?.id);
    const oldToken = first[0]?.token as number;
    // The stalled worker sends nothing; the lease expires and the job is leased again.
    const second = await poll(
      async () => {
        const r = (await workers.call('Lease', { workerId: 'healthy', queues: ['fence'], max: 1, waitMs: 1000 }))['jobs'] as { jobId: string; token: number }[];
        return r.length > 0 ? r : undefined;
      },
      { timeoutMs: 20_000, description: 'job leased again after the TTL' },
    );
    const newToken = second[0]?.token as number;
    expect(newToken).toBeGreaterThan(oldToken);
    const late = await workers.call('Complete', { jobId: job?.id, token: oldToken, result: Buffer.from('late') }).catch((e: unknown) => e);
    expect(late).toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    expect((late as grpc.ServiceError).metadata.get('x-error-code')).toEqual(['STALE_TOKEN']);
    await workers.call('Complete', { jobId: job?.id, token: newToken, result: Buffer.from('ok') });
    const v = await c.get(job?.id as string);
    expect(v.state).toBe('succeeded');
    expect(v.history.map((a) => [a.token, a.outcome])).toEqual([
      [oldToken, 'expired'],
      [newToken, 'succeeded'],
    ]);
  });
});
