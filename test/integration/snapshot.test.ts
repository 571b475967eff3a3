/**
 * Snapshots, compaction and retention on three real `raftjobs node` processes with LevelDB:
 * `raftjobs snapshot` compacts every node; a follower whose data directory was deleted, removed
 * and added again, receives the leader's snapshot and converges to the same state digest at the same applied index; a node
 * restarted with a large state starts from its snapshot; finished jobs are purged on every node.
 */
import { rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { changeMembersOnLeader, Client } from '../../src/client/index.js';
import type { SnapshotRow } from '../../src/cli/snapshot-command.js';
import { serviceClient } from '../../src/protocol/index.js';
import { Cluster, runCli, type StatusRow } from '../helpers/index.js';

let cluster: Cluster;
let client: Client;
let failed = false;

/** A short purge window for one queue, to see retention replicate. */
const SHORT_QUEUE = 'short';
const SHORT_RETENTION_MS = 1500;

beforeAll(async () => {
  cluster = await Cluster.start({
    size: 3,
    clusterId: 'snaptest',
    tmpPrefix: 'raftjobs-it-snapshot-',
    // Small thresholds, so a few hundred entries cross several automatic snapshots.
    raft: { snapshotEntries: 40, snapshotTailEntries: 5 },
    config: { jobs: { retention: { queues: { [SHORT_QUEUE]: { succeededMs: SHORT_RETENTION_MS, cancelledMs: SHORT_RETENTION_MS } } } } },
  });
  client = new Client({ nodes: cluster.nodes.map((n) => n.address), deadlineMs: 20_000 });
});

afterAll(async () => {
  client.close();
  const dir = await cluster.cleanup(failed);
  if (failed) console.error(`snapshot test failed; files kept in ${dir}`);
});

function reportOnFailure(): void {
  onTestFailed(() => {
    failed = true;
    console.error(cluster.describe(40));
  });
}

interface Leased {
  readonly jobId: string;
  readonly token: number;
}

interface WorkersClient extends grpc.Client {
  Lease(req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { jobs: Leased[] }) => void): void;
  Complete(req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { ok: boolean; code: string }) => void): void;
}

/** Unary Workers calls against one node (a follower forwards them to the leader). */
function workers(address: string): WorkersClient {
  const Workers = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Workers');
  return new Workers(address, grpc.credentials.createInsecure()) as unknown as WorkersClient;
}

function unary<T>(fn: (cb: (err: grpc.ServiceError | null, res?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, res) => (err || res === undefined ? reject(err ?? new Error('no answer')) : resolve(res))));
}

/** Leases up to `max` jobs of `queue` and completes them all; returns how many. */
async function leaseAndComplete(address: string, queue: string, max: number): Promise<number> {
  const w = workers(address);
  try {
    const deadline = (): grpc.CallOptions => ({ deadline: Date.now() + 10_000 });
    const { jobs } = await unary<{ jobs: Leased[] }>((cb) => w.Lease({ workerId: 'it-worker', queues: [queue], max, ttlMs: 60_000 }, deadline(), cb));
    const acks = await Promise.all(jobs.map((j) => unary<{ ok: boolean; code: string }>((cb) => w.Complete({ jobId: j.jobId, token: j.token }, deadline(), cb))));
    expect(acks.every((a) => a.ok), JSON.stringify(acks.filter((a) => !a.ok))).toBe(true);
    return jobs.length;
  } finally {
    w.close();
  }
}

/** Submits `batches` submit calls of `size` jobs each (each call becomes at least one log entry). */
async function submitBatches(batches: number, size: number, queue = 'work', payloadBytes = 64): Promise<string[]> {
  const ids: string[] = [];
  for (let b = 0; b < batches; b++) {
    const jobs = Array.from({ length: size }, (_, i) => ({ queue, payload: new Uint8Array(payloadBytes).fill((b + i) & 0xff) }));
    ids.push(...(await client.submit(jobs)).map((j) => j.id));
  }
  return ids;
}

async function snapshotCli(): Promise<{ code: number | null; rows: SnapshotRow[]; stderr: string }> {
  const r = await runCli(['snapshot', '--config', cluster.configPath, '--json'], { timeoutMs: 60_000 });
  return { code: r.code, rows: JSON.parse(r.stdout) as SnapshotRow[], stderr: r.stderr };
}

function row(rows: readonly StatusRow[], id: string): StatusRow {
  const r = rows.find((x) => x.id === id);
  if (r === undefined) throw new Error(`no row for ${id}`);
  return r;
}

describe('snapshots and log compaction on a real cluster', () => {
  it('snapshots automatically past snapshotEntries, and `raftjobs snapshot` compacts every node now', async () => {
    reportOnFailure();
    await submitBatches(60, 20);
    expect(await leaseAndComplete(cluster.nodes[0]!.address, 'work', 300)).toBe(300);
    const settled = await cluster.waitForConvergence({ ids: cluster.ids });
    // Automatic snapshots: every node snapshotted on its own and dropped most of its log.
    for (const r of settled.rows) {
      expect(r.snapshotIndex, `${r.id} snapshot index`).toBeGreaterThan(0);
      expect(r.firstLogIndex, `${r.id} first log index`).toBeGreaterThan(1);
    }

    const { code, rows, stderr } = await snapshotCli();
    expect(code, stderr).toBe(0);
    expect(rows.map((r) => r.id)).toEqual(cluster.ids);
    for (const r of rows) {
      if (!r.ok) throw new Error(`${r.id}: ${r.error}`);
      // Each node snapshots at its own applied index, which is at least what had converged.
      expect(r.snapshotIndex).toBeGreaterThanOrEqual(settled.commitIndex);
      // Only the configured tail stays below the snapshot.
      expect(r.firstLogIndex).toBe(r.snapshotIndex + 1 - 5);
    }
  });

  it('a follower whose data directory was deleted, removed and added again, receives the snapshot and converges to the same digest at the same applied index', async () => {
    reportOnFailure();
    const before = await cluster.waitForConvergence({ ids: cluster.ids });
    const victim = before.rows.find((r) => r.role !== 'leader')!.id;
    await cluster.kill(victim, 'SIGKILL');
    const dir = join(cluster.dataDir, victim);
    expect(existsSync(dir)).toBe(true);
    rmSync(dir, { recursive: true, force: true });

    // With a node down, the operator command still snapshots the others and says who failed.
    const partial = await snapshotCli();
    expect(partial.code).toBe(1);
    expect(partial.stderr).toContain(victim);
    expect(partial.rows.filter((r) => !r.ok).map((r) => r.id)).toEqual([victim]);

    // More work while it is gone, so the leader's log has moved far past anything it could replay.
    await submitBatches(50, 20);
    await leaseAndComplete(cluster.address(before.leader.id), 'work', 500);

    // Back empty under its old id it would be refused (test/integration/liveness.test.ts): the
    // operator removes it and it joins again, as a new learner, through the leader.
    await changeMembersOnLeader(cluster.nodes.map((n) => n.address), { kind: 'remove', id: victim }, { timeoutMs: 20_000 });
    await cluster.start(victim, { join: cluster.address(before.leader.id) });
    expect(cluster.loadedState(victim)).toMatchObject({ term: 0, commitIndex: 0, lastLogIndex: 0, snapshotIndex: 0 });
    const installed = await cluster.waitForLog(victim, (r) => r['msg'] === 'snapshot installed', '"snapshot installed"');
    expect(installed['snapshotIndex']).toBeGreaterThan(0);

    // Appends keep flowing while (and after) it catches up.
    await submitBatches(10, 20);
    const after = await cluster.waitForConvergence({ ids: cluster.ids });
    const rejoined = row(after.rows, victim);
    expect(rejoined.stateDigest).toBe(after.leader.stateDigest);
    expect(rejoined.appliedIndex).toBe(after.leader.appliedIndex);
    expect(rejoined.snapshotIndex).toBeGreaterThan(0);
    expect(rejoined.firstLogIndex).toBeGreaterThan(1);
    expect(after.stateDigest).not.toBe(before.stateDigest);
  });

  it('a node restarted with a large state starts from its snapshot and replays only the log after it', async () => {
    reportOnFailure();
    // A few thousand jobs with 1 KiB payloads: megabytes of state, hundreds of entries.
    await submitBatches(40, 100, 'bulk', 1024);
    const before = await cluster.waitForConvergence({ ids: cluster.ids });
    const target = before.rows.find((r) => r.role !== 'leader')!.id;
    const { code } = await snapshotCli();
    expect(code).toBe(0);
    const snapped = (await cluster.status(target)).snapshotIndex ?? 0;
    expect(snapped).toBeGreaterThanOrEqual(before.commitIndex);

    await cluster.kill(target, 'SIGTERM');
    await submitBatches(3, 10);
    await cluster.start(target);
    const loaded = cluster.process(target)?.lastRecord('raft state loaded');
    expect(loaded?.['snapshotIndex']).toBeGreaterThanOrEqual(snapped);
    expect(loaded?.['firstLogIndex']).toBeGreaterThan(1);
    // It replays at most the entries after its snapshot, never history from index 1.
    expect(loaded?.['replayEntries']).toBeLessThan(before.commitIndex);
    expect(cluster.process(target)?.records.some((r) => r['msg'] === 'snapshot installed')).toBe(false);

    const after = await cluster.waitForConvergence({ ids: cluster.ids });
    expect(row(after.rows, target).stateDigest).toBe(after.leader.stateDigest);
    expect((await client.stats()).queues.find((q) => q.queue === 'bulk')?.ready).toBe(4000);
  });

  it('finished jobs are purged after their retention, as a replicated entry: every node agrees', async () => {
    reportOnFailure();
    const ids = await submitBatches(2, 25, SHORT_QUEUE);
    expect(await leaseAndComplete(cluster.nodes[1]!.address, SHORT_QUEUE, 30)).toBe(30);
    await client.cancel(ids[ids.length - 1]!);
    const finished = (await client.stats()).queues.find((q) => q.queue === SHORT_QUEUE);
    expect(finished).toMatchObject({ succeeded: 30, cancelled: 1, ready: 19 });
    await expect(client.get(ids[0]!)).resolves.toMatchObject({ state: 'succeeded' });

    // No client call needed: the leader proposes the purge tick when the retention ends.
    await expect
      .poll(async () => (await client.stats()).queues.find((q) => q.queue === SHORT_QUEUE), { timeout: 15_000, interval: 200 })
      .toMatchObject({ succeeded: 0, cancelled: 0, ready: 19 });
    await expect(client.get(ids[0]!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const after = await cluster.waitForConvergence({ ids: cluster.ids });
    for (const r of after.rows) expect(r.stateDigest).toBe(after.stateDigest);
    // Every node answers the same from its own state.
    for (const n of cluster.nodes) {
      const local = new Client({ nodes: [n.address] });
      try {
        await expect(local.get(ids[0]!, { stale: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await expect(local.get(ids[40]!, { stale: true })).resolves.toMatchObject({ state: 'ready' });
      } finally {
        local.close();
      }
    }
  });
});
