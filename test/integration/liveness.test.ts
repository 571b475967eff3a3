/**
 * Liveness on three real `raftjobs node` processes, each case in its plainest form, the way an
 * operator meets it: a follower whose data directory is deleted while the leader stays the same
 * is refused, and rejoins once removed and added again (without a leader change); a node stopped
 * while clients submit exits cleanly. The tests share one cluster and
 * each starts by waiting for it to settle.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { changeMembersOnLeader, Client, NodeAdmin } from '../../src/client/index.js';
import { Cluster, poll, type StatusRow } from '../helpers/index.js';

let cluster: Cluster;
let client: Client;
let failed = false;

beforeAll(async () => {
  cluster = await Cluster.start({ size: 3, clusterId: 'liveness', tmpPrefix: 'raftjobs-it-liveness-' });
  client = new Client({ nodes: cluster.nodes.map((n) => n.address), deadlineMs: 20_000 });
});

afterAll(async () => {
  client.close();
  const dir = await cluster.cleanup(failed);
  if (failed) console.error(`liveness test failed; files kept in ${dir}`);
});

function reportOnFailure(): void {
  onTestFailed(() => {
    failed = true;
    console.error(cluster.describe(40));
  });
}

function row(rows: readonly StatusRow[], id: string): StatusRow {
  const r = rows.find((x) => x.id === id);
  if (r === undefined) throw new Error(`no row for ${id}`);
  return r;
}

describe('liveness on a real cluster', { timeout: 90_000 }, () => {
  it('a follower whose data directory is deleted under a stable leader is refused, and once removed and added again rejoins with the same digest at the same applied index', async () => {
    reportOnFailure();
    await client.submit(Array.from({ length: 20 }, (_, n) => ({ queue: 'wipe', payload: { n } })));
    const before = await cluster.waitForConvergence({ ids: cluster.ids });
    const victim = before.rows.find((r) => r.role !== 'leader')?.id ?? 'n2';
    await cluster.kill(victim, 'SIGTERM');
    const dir = join(cluster.dataDir, victim);
    expect(existsSync(dir)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
    // Back under its old id, empty: it may have forgotten votes and acknowledgements, so the
    // leader (which recorded its data directory in the membership) sends it nothing and says so.
    await cluster.start(victim);
    expect(cluster.loadedState(victim)).toMatchObject({ term: 0, commitIndex: 0, lastLogIndex: 0, snapshotIndex: 0 });
    const leaderAdmin = new NodeAdmin(before.leader.address);
    try {
      await poll(async () => ((await leaderAdmin.members({ timeoutMs: 1000 })).members.find((m) => m.id === victim)?.refused === true ? true : undefined), {
        description: `the leader to refuse ${victim}`,
        timeoutMs: 10_000,
      });
    } finally {
      leaderAdmin.close();
    }
    expect((await cluster.status(victim, { digest: false })).lastLogIndex).toBe(0);
    // The operator's way back: remove it, then start it with --join.
    const addresses = cluster.nodes.map((n) => n.address);
    await changeMembersOnLeader(addresses, { kind: 'remove', id: victim }, { timeoutMs: 10_000 });
    await cluster.kill(victim, 'SIGTERM');
    await cluster.start(victim, { join: before.leader.address });
    const after = await cluster.waitForConvergence({ ids: cluster.ids, timeoutMs: 10_000 });
    expect(after.leader.id).toBe(before.leader.id);
    expect(after.term).toBe(before.term);
    const rejoined = row(after.rows, victim);
    expect(rejoined.appliedIndex).toBe(after.leader.appliedIndex);
    expect(rejoined.stateDigest).toBe(after.leader.stateDigest);
    // A voter again, and it keeps up with new work.
    await poll(async () => {
      const admin = new NodeAdmin(after.leader.address);
      try {
        return (await admin.members({ timeoutMs: 1000 })).members.find((m) => m.id === victim)?.role === 'voter' ? true : undefined;
      } finally {
        admin.close();
      }
    }, { description: `${victim} to be a voter again`, timeoutMs: 10_000 });
    await client.submit({ queue: 'wipe', payload: 'after' });
    const again = await cluster.waitForConvergence({ ids: cluster.ids, timeoutMs: 5_000 });
    expect(row(again.rows, victim).stateDigest).toBe(again.leader.stateDigest);
  });

  it('a node stopped while clients submit exits 0, follower and leader alike', async () => {
    reportOnFailure();
    for (const pick of ['follower', 'leader'] as const) {
      const c = await cluster.waitForConvergence({ ids: cluster.ids });
      const target = pick === 'leader' ? c.leader.id : (c.rows.find((r) => r.role !== 'leader')?.id ?? 'n3');
      let stop = false;
      const submitters = Array.from({ length: 4 }, async () => {
        let acked = 0;
        while (!stop) {
          await client.submit(Array.from({ length: 10 }, (_, n) => ({ queue: 'stop', payload: { n } }))).then(
            () => acked++,
            () => undefined,
          );
        }
        return acked;
      });
      // Traffic is flowing before the stop.
      const start = c.commitIndex;
      await cluster.waitFor('commits under load', (rows) => (Math.max(...rows.map((r) => r.commitIndex ?? 0)) > start + 20 ? true : undefined));
      const exit = await cluster.kill(target, 'SIGTERM');
      stop = true;
      const acked = await Promise.all(submitters);
      expect(acked.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(exit, `${pick} ${target}`).toEqual({ code: 0, signal: null });
      expect(cluster.logTail(target, 200).join('\n')).not.toContain('node stopped');
      await cluster.start(target);
    }
  });
});
