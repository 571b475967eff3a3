/**
 * The resource guards on a real node process, from a user's steps: fill a cluster to a small
 * backlog cap; submits are refused with RESOURCE_EXHAUSTED naming the limit while reads, cancel
 * and a worker's leases, completions and failures go on, and /readyz, /metrics say why; once the
 * worker has finished the jobs, submits work again. Then the same node restarted with a disk floor
 * above the real free space: submits refused naming the floor, the worker still drains the queue.
 * One node: the guards are the leader's, and a single process keeps this file short.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { Client, NonRetryableError, Worker } from '../../src/client/index.js';
import { ErrorCode } from '../../src/errors/index.js';
import { createObservedCluster, poll, rejectionOf, type ObservedCluster } from '../helpers/index.js';

let oc: ObservedCluster;
let failed = false;
const open: { close(): unknown }[] = [];

beforeAll(async () => {
  oc = await createObservedCluster({ size: 1, clusterId: 'guards', tmpPrefix: 'raftjobs-it-guards-', config: { limits: { maxBacklogJobs: 3 } } });
  await oc.cluster.startAll();
  await oc.cluster.waitForLeader();
});

afterAll(async () => {
  for (const c of open.splice(0)) await c.close();
  await oc?.cluster.cleanup(failed);
});

function onFailure(): void {
  onTestFailed(() => {
    failed = true;
    console.error(oc.cluster.describe(40));
  });
}

function client(): Client {
  const c = new Client({ nodes: oc.addresses, deadlineMs: 20_000 });
  open.push(c);
  return c;
}

async function http(path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://${oc.http.get('n1') ?? ''}${path}`);
  return { status: res.status, text: await res.text() };
}

/** Completes jobs of `g`, fails those of `g-fail` for good. */
function worker(): Worker {
  const w = new Worker({
    nodes: oc.addresses,
    queues: ['g', 'g-fail'],
    concurrency: 4,
    handler: (job) => (job.queue === 'g-fail' ? Promise.reject(new NonRetryableError('no')) : Promise.resolve('done')),
  });
  open.push({ close: () => w.close({ timeoutMs: 5000 }) });
  return w;
}

describe('resource guards on a real node', () => {
  it('past limits.maxBacklogJobs submits are refused, naming it, while reads, cancel, leases and outcomes go on; then they work again', { timeout: 120_000 }, async () => {
    onFailure();
    const c = client();
    const [done, cancelled, dead] = await c.submit([
      { queue: 'g', payload: 'one' },
      { queue: 'g', payload: 'two', delayMs: 600_000 },
      { queue: 'g-fail', payload: 'three' },
    ]);

    const err = await rejectionOf(c.submit({ queue: 'g', payload: 'four' }));
    expect(err.code).toBe(ErrorCode.LimitExceeded);
    expect(err.details.limit).toBe('limits.maxBacklogJobs');
    expect(err.message).toContain('holds 3 not-finished jobs (scheduled, ready, leased) and this submit adds 1: over limits.maxBacklogJobs (3)');
    expect((err.cause as { code?: number }).code).toBe(8); // RESOURCE_EXHAUSTED

    // Reads go on, and the node stays ready, saying why submits are refused.
    expect((await c.stats()).total).toMatchObject({ ready: 2, scheduled: 1 });
    expect((await c.get(done!.id)).state).toBe('ready');
    const ready = await http('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.text).toMatch(/^ready: leader in term \d+\nsubmits refused \(limits\.maxBacklogJobs\): the cluster holds 3 not-finished jobs \(scheduled, ready, leased\), at limits\.maxBacklogJobs \(3\)\n$/);
    const metrics = (await http('/metrics')).text;
    for (const line of ['raftjobs_backlog_jobs 3', 'raftjobs_backlog_max_jobs 3', 'raftjobs_guard_refusing{limit="limits.maxBacklogJobs"} 1', 'raftjobs_submits_refused_total{limit="limits.maxBacklogJobs"} 1']) {
      expect(metrics).toContain(line);
    }

    // Cancel is not refused, and makes room for exactly one.
    expect((await c.cancel(cancelled!.id)).state).toBe('cancelled');
    const [again] = await c.submit({ queue: 'g', payload: 'five' });
    expect((await rejectionOf(c.submit({ queue: 'g', payload: 'six' }))).details.limit).toBe('limits.maxBacklogJobs');
    // One refusal per submit, whether it went on the SDK's stream or unary (a refusal is not resent).
    expect((await http('/metrics')).text).toContain('raftjobs_submits_refused_total{limit="limits.maxBacklogJobs"} 2');

    // A worker leases, completes and fails while submits are refused.
    const w = worker();
    await w.start();
    await poll(async () => ((await c.stats()).total.succeeded === 2 && (await c.stats()).total.dead === 1 ? true : undefined), { timeoutMs: 30_000, description: 'the worker drained the backlog' });
    expect((await c.get(done!.id)).state).toBe('succeeded');
    expect((await c.get(again!.id)).state).toBe('succeeded');
    expect((await c.get(dead!.id)).state).toBe('dead');

    // Room again: a full cap's worth is accepted, and /readyz says nothing more.
    expect(await c.submit([{ queue: 'g', payload: 'a' }, { queue: 'g', payload: 'b' }, { queue: 'g', payload: 'c' }])).toHaveLength(3);
    await poll(async () => ((await c.stats()).total.succeeded === 5 ? true : undefined), { timeoutMs: 30_000, description: 'the new jobs done' });
    expect((await http('/readyz')).text).toMatch(/^ready: leader in term \d+\n$/);
    await w.close({ timeoutMs: 5000 });
  });

  it('restarted with limits.minFreeDiskBytes above the free space: submits refused naming the floor, /readyz says so, a worker still drains', { timeout: 120_000 }, async () => {
    onFailure();
    const c = client();
    const queued = await c.submit([{ queue: 'g', payload: 'x' }, { queue: 'g', payload: 'y' }]);
    oc.cluster.setNodeEnv(() => ({ RAFTJOBS_MIN_FREE_DISK_BYTES: String(2 ** 50), RAFTJOBS_MAX_BACKLOG_JOBS: '0' }));
    await oc.cluster.restart('n1');
    await oc.cluster.waitForLeader();
    const err = await rejectionOf(c.submit({ queue: 'g', payload: 'disk' }));
    expect(err.code).toBe(ErrorCode.LimitExceeded);
    expect(err.details.limit).toBe('limits.minFreeDiskBytes');
    expect(err.message).toMatch(/^the data directory of n1 \(.*n1\) has \d+ bytes \(.*\) free, below limits\.minFreeDiskBytes \(1125899906842624 bytes/);
    const ready = await http('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.text).toContain('submits refused (limits.minFreeDiskBytes): the data directory of n1');
    expect((await http('/metrics')).text).toMatch(/\nraftjobs_disk_free_bytes \d+\n/);

    await worker().start();
    await poll(async () => ((await Promise.all(queued.map((j) => c.get(j.id)))).every((j) => j.state === 'succeeded') ? true : undefined), { timeoutMs: 30_000, description: 'the queued jobs done' });
  });
});
