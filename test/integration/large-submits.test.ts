/**
 * Issue "twenty valid submits wedge the cluster for good", from the user's steps, against three
 * real `raftjobs node` processes with the default limits (1 MiB payloads):
 *
 * 1. twenty separate `Client`s each submit one job of 1 MiB minus a little, at the same moment;
 * 2. then one small submit;
 * 3. every submit is acknowledged within the clients' deadline, and a worker runs all 21 jobs.
 *
 * Before entries were packed by bytes the leader put the twenty submits into one ~20 MB entry,
 * the peer links dropped every append carrying it ("message over maxMessageBytes dropped") and
 * nothing committed again while the leader lived: the submits time out. The failure message
 * counts those log lines on each node.
 *
 * Also: one job exactly at the payload limit replicates to every node and runs, so do twelve at
 * the limit submitted at once from one client, and what does not fit (a payload one byte over, a batch bigger than an entry) is refused with INVALID_ARGUMENT
 * naming the limit, without stalling anything.
 *
 * Each test has its own cluster, so a wedged one cannot fail the other.
 */
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { Client, Worker, type SubmittedJob } from '../../src/client/index.js';
import { TOO_LARGE_DROPPED } from '../../src/transport/index.js';
import { Cluster, poll } from '../helpers/index.js';

const MiB = 1024 * 1024;
/** The default `limits.maxPayloadBytes`. */
const PAYLOAD_LIMIT = MiB;
/** How long a submit may take, retries included, before it counts as not acknowledged, ms. */
const SUBMIT_DEADLINE_MS = 20_000;
const TEST_TIMEOUT_MS = 120_000;

const clusters: Cluster[] = [];
const open: { close(): unknown }[] = [];

afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  for (const cluster of clusters.splice(0)) await cluster.cleanup();
});

async function startCluster(clusterId: string): Promise<Cluster> {
  const cluster = await Cluster.create({ size: 3, clusterId, tmpPrefix: `raftjobs-it-${clusterId}-` });
  clusters.push(cluster);
  onTestFailed(() => {
    console.error(cluster.describe(40));
  });
  await cluster.startAll();
  await cluster.waitForLeader();
  return cluster;
}

function newClient(cluster: Cluster): Client {
  const c = new Client({ nodes: cluster.nodes.map((n) => n.address), deadlineMs: SUBMIT_DEADLINE_MS });
  open.push(c);
  return c;
}

/** Bytes of job `n`: distinct per job, so a mixed-up payload is caught. */
function payload(n: number, size: number): Buffer {
  return Buffer.alloc(size, n % 251);
}

/** "message over maxMessageBytes dropped" lines per node, for failure messages. */
function tooLargeDrops(cluster: Cluster): string {
  return cluster.ids.map((id) => `${id}: ${cluster.process(id)?.records.filter((r) => r['msg'] === TOO_LARGE_DROPPED).length ?? 0}`).join(', ');
}

/** Runs every job of `queues` with a worker until `expected` (id -> payload) have all been handled; returns the handled payload per id. */
async function runAll(cluster: Cluster, queues: string[], expected: ReadonlyMap<string, Buffer>): Promise<Map<string, Buffer>> {
  const handled = new Map<string, Buffer>();
  const w = new Worker({
    nodes: cluster.nodes.map((n) => n.address),
    queues,
    concurrency: 4,
    workerId: 'large-submits-worker',
    handler: (job) => {
      handled.set(job.id, job.payload);
      return Promise.resolve();
    },
  });
  open.push({ close: () => w.close({ timeoutMs: 5000 }) });
  await w.start();
  await poll(() => ([...expected.keys()].every((id) => handled.has(id)) ? true : undefined), {
    timeoutMs: 30_000,
    description: `a worker to run all ${expected.size} jobs`,
    diagnostics: () => `handled ${handled.size} of ${expected.size}`,
  });
  return handled;
}

describe('large submits against a real three-node cluster', { timeout: TEST_TIMEOUT_MS }, () => {
  it('twenty clients each submit a job of 1 MiB minus a little at the same moment, then a small one: all acknowledged, all run', async () => {
    const cluster = await startCluster('twenty');
    const size = PAYLOAD_LIMIT - 1024;
    const clients = Array.from({ length: 20 }, () => newClient(cluster));

    const outcomes = await Promise.allSettled(clients.map((c, i) => c.submit({ queue: 'large', payload: payload(i, size) })));
    const failures = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`client ${i}: ${String(o.reason)}`] : []));
    expect(failures, `submits not acknowledged within ${SUBMIT_DEADLINE_MS} ms; "${TOO_LARGE_DROPPED}" lines per node: ${tooLargeDrops(cluster)}`).toEqual([]);

    const small = await newClient(cluster).submit({ queue: 'small', payload: 'small' });

    const expected = new Map<string, Buffer>();
    outcomes.forEach((o, i) => {
      const [job] = (o as PromiseFulfilledResult<SubmittedJob[]>).value;
      expected.set(job?.id ?? `missing-${i}`, payload(i, size));
    });
    expected.set(small[0]?.id ?? 'missing-small', Buffer.from('small'));
    expect(expected.size).toBe(21);

    const handled = await runAll(cluster, ['large', 'small'], expected);
    for (const [id, bytes] of expected) expect(Buffer.compare(handled.get(id) ?? Buffer.alloc(0), bytes), `payload of job ${id}`).toBe(0);
    await cluster.waitForConvergence();
  });

  it('one job exactly at the payload limit replicates and runs; one byte over, or a batch bigger than an entry, is refused naming the limit', async () => {
    const cluster = await startCluster('at-limit');
    const client = newClient(cluster);

    const atLimit = payload(7, PAYLOAD_LIMIT);
    const [job] = await client.submit({ queue: 'limit', payload: atLimit });
    // Every node holds and has applied the entry: same log, same state digest.
    await cluster.waitForConvergence();

    const over = await client.submit({ queue: 'limit', payload: payload(8, PAYLOAD_LIMIT + 1) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(over).toMatchObject({ code: 'INVALID_ARGUMENT', message: `jobs[0].payload: must be at most ${PAYLOAD_LIMIT} bytes (maxPayloadBytes), got ${PAYLOAD_LIMIT + 1}` });

    // Three jobs at the limit in one atomic submit: each is valid, together they exceed an entry (2 MiB).
    const batch = await client.submit([0, 1, 2].map((n) => ({ queue: 'limit', payload: payload(n, PAYLOAD_LIMIT) }))).then(
      () => null,
      (e: unknown) => e,
    );
    expect(batch).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('does not fit in one log entry of limits.maxEntryBytes (2097152') as string });

    // Twelve separate submits at the limit from ONE client at the same moment: the SDK may send
    // them together, but never in one message over what the server receives, so none fails.
    const concurrent = await Promise.allSettled([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21].map((n) => client.submit({ queue: 'limit', payload: payload(n, PAYLOAD_LIMIT) })));
    expect(concurrent.flatMap((o, i) => (o.status === 'rejected' ? [`submit ${i}: ${String(o.reason)}`] : []))).toEqual([]);

    const expected = new Map([[job?.id ?? 'missing', atLimit]]);
    concurrent.forEach((o, i) => expected.set((o as PromiseFulfilledResult<SubmittedJob[]>).value[0]?.id ?? `missing-${i}`, payload(10 + i, PAYLOAD_LIMIT)));
    const handled = await runAll(cluster, ['limit'], expected);
    for (const [id, bytes] of expected) expect(Buffer.compare(handled.get(id) ?? Buffer.alloc(0), bytes), `payload of job ${id}`).toBe(0);
    const done = await client.get(job?.id ?? '');
    expect(done.state).toBe('succeeded');
    await cluster.waitForConvergence();
  });
});
