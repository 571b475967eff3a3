/**
 * A large state on three real processes: with a million jobs queued, work proportional to the
 * state (the state digest, a snapshot) must not stop a node from heartbeating and voting. Twenty
 * status calls that ask every node for its digest leave the leader and term as they were and every
 * node reachable; with one follower stopped, the other follower snapshotting the whole state does
 * not cost the leader its quorum.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { Client } from '../../src/client/index.js';
import { serviceClient } from '../../src/protocol/index.js';
import { Cluster } from '../helpers/index.js';

const JOBS = 1_000_000;
const BATCH = 1000;

let cluster: Cluster;
let client: Client;
let failed = false;

beforeAll(async () => {
  // Snapshots only when asked: the test decides when the large one happens.
  cluster = await Cluster.start({ size: 3, clusterId: 'large', tmpPrefix: 'raftjobs-it-large-', raft: { snapshotEntries: 1_000_000, snapshotBytes: 1024 * 1024 * 1024 } });
  client = new Client({ nodes: cluster.nodes.map((n) => n.address), deadlineMs: 60_000 });
  // A million small jobs, several calls in flight.
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < JOBS) {
        const n = Math.min(BATCH, JOBS - next);
        next += n;
        await client.submit(Array.from({ length: n }, () => ({ queue: 'big', payload: 'x' })));
      }
    }),
  );
}, 300_000);

afterAll(async () => {
  client.close();
  const dir = await cluster.cleanup(failed);
  if (failed) console.error(`large-state test failed; files kept in ${dir}`);
});

function reportOnFailure(): void {
  onTestFailed(() => {
    failed = true;
    console.error(cluster.describe(40));
  });
}

interface AdminClient extends grpc.Client {
  Snapshot(req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { snapshotIndex: number }) => void): void;
}

describe('a million queued jobs', { timeout: 240_000 }, () => {
  it('twenty status calls asking every node for its digest (five rounds after new entries) leave the term unchanged and every node reachable', async () => {
    reportOnFailure();
    const before = await cluster.waitForConvergence({ ids: cluster.ids, timeoutMs: 60_000 });
    // Five rounds of a new entry (so no node can answer from a digest it computed before) and then
    // four `status --digest` calls at once, each asking all three nodes.
    for (let round = 0; round < 5; round++) {
      await client.submit({ queue: 'small', payload: { round } });
      const calls = await Promise.all(Array.from({ length: 4 }, () => cluster.statusAll()));
      for (const rows of calls) {
        expect(rows.filter((r) => r.role === 'unreachable').map((r) => `${r.id}: ${r.error ?? ''}`)).toEqual([]);
        expect(rows.map((r) => r.term)).toEqual([before.term, before.term, before.term]);
        expect(rows.every((r) => /^[0-9a-f]{16}$/.test(r.stateDigest ?? ''))).toBe(true);
      }
    }
    const after = await cluster.waitForConvergence({ ids: cluster.ids, timeoutMs: 60_000 });
    expect(after.leader.id).toBe(before.leader.id);
    expect(after.term).toBe(before.term);
  });

  it('with one follower stopped, the other follower snapshotting the whole state leaves the leader in place', async () => {
    reportOnFailure();
    const before = await cluster.waitForConvergence({ ids: cluster.ids, timeoutMs: 60_000 });
    const [stopped, snapshotting] = before.rows.filter((r) => r.role !== 'leader').map((r) => r.id) as [string, string];
    await cluster.kill(stopped, 'SIGTERM');
    const Admin = serviceClient('admin.proto', 'raftjobs.admin.v1.Admin');
    const admin = new Admin(cluster.address(snapshotting), grpc.credentials.createInsecure()) as unknown as AdminClient;
    try {
      let done = false;
      const snapshot = new Promise<number>((resolve, reject) =>
        admin.Snapshot({}, { deadline: Date.now() + 120_000 }, (err, res) => (err || !res ? reject(err ?? new Error('no answer')) : resolve(res.snapshotIndex))),
      ).finally(() => {
        done = true;
      });
      // Submits keep being acknowledged while it snapshots: the leader never loses its quorum.
      let acked = 0;
      while (!done) {
        await client.submit({ queue: 'during', payload: { acked } });
        acked++;
      }
      expect(await snapshot).toBeGreaterThanOrEqual(before.commitIndex);
      expect(acked).toBeGreaterThan(0);
      const rows = await cluster.statusAll(cluster.ids.filter((id) => id !== stopped), { digest: false });
      for (const r of rows) expect({ id: r.id, term: r.term, leaderId: r.leaderId }).toEqual({ id: r.id, term: before.term, leaderId: before.leader.id });
    } finally {
      admin.close();
      await cluster.start(stopped);
    }
  });
});
