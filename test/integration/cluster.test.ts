/**
 * Three real `raftjobs node` processes on free loopback ports, LevelDB in a temp directory:
 * elections, crash failover, rejoin and catch-up, graceful handover, and durability across
 * graceful and kill -9 restarts. The tests run in order on one cluster; each starts by waiting
 * for the cluster to settle, so it does not depend on how the previous one left it.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { Client, type SubmittedJob } from '../../src/client/index.js';
import { Cluster, formatRow, runCli, type Convergence, type StatusRow } from '../helpers/index.js';

let cluster: Cluster;
let client: Client;
let failed = false;

beforeAll(async () => {
  cluster = await Cluster.start({ size: 3, clusterId: 'itest', tmpPrefix: 'raftjobs-it-cluster-' });
  client = new Client({ nodes: cluster.nodes.map((n) => n.address), deadlineMs: 20_000 });
});

afterAll(async () => {
  client.close();
  // Keep the directory (config, data, logs) of a failed run for a post-mortem.
  const dir = await cluster.cleanup(failed);
  if (failed) console.error(`cluster test failed; files kept in ${dir}`);
});

/** On failure, print every node's log tail and state next to the assertion error. */
function reportOnFailure(): void {
  onTestFailed(() => {
    failed = true;
    console.error(cluster.describe(40));
  });
}

function byId(c: Convergence, id: string): StatusRow {
  const row = c.rows.find((r) => r.id === id);
  if (row === undefined) throw new Error(`no status row for ${id} in ${c.rows.map(formatRow).join(' | ')}`);
  return row;
}

/**
 * Submits `count` jobs to queue `queue` in batches of 10 and returns them once acknowledged (an
 * acknowledged submit is committed on a majority), with the highest commit index then reported.
 */
async function submitJobs(queue: string, count: number): Promise<{ jobs: { id: string; payload: string }[]; commitIndex: number }> {
  const jobs: { id: string; payload: string }[] = [];
  for (let i = 0; i < count; i += 10) {
    const payloads = Array.from({ length: Math.min(10, count - i) }, (_, k) => `${queue} job ${i + k}`);
    const acked: SubmittedJob[] = await client.submit(payloads.map((payload) => ({ queue, payload })));
    acked.forEach((a, k) => jobs.push({ id: a.id, payload: payloads[k] ?? '' }));
  }
  const rows = await cluster.statusAll();
  return { jobs, commitIndex: Math.max(...rows.map((r) => r.commitIndex ?? 0)) };
}

/** Every job is there, on the (possibly new) leader, as submitted. */
async function expectJobs(queue: string, jobs: readonly { id: string; payload: string }[]): Promise<void> {
  for (const job of jobs) {
    const view = await client.get(job.id);
    expect({ queue: view.queue, payload: view.payload.toString('utf8'), state: view.state }).toEqual({ queue, payload: job.payload, state: 'ready' });
  }
}

describe('a three-node cluster of real processes', { timeout: 60_000 }, () => {
  it('elects exactly one leader; the others follow it in the same term', async () => {
    reportOnFailure();
    const c = await cluster.waitForConvergence({ ids: cluster.ids });
    expect(c.rows.map((r) => r.role).sort()).toEqual(['follower', 'follower', 'leader']);
    for (const r of c.rows) {
      expect(r.term).toBe(c.term);
      expect(r.leaderId).toBe(c.leader.id);
      expect(r.pid).toBe(cluster.pid(r.id));
    }
    expect(c.term).toBeGreaterThanOrEqual(1);
    // The new leader's first entries are committed everywhere.
    expect(c.commitIndex).toBeGreaterThanOrEqual(1);

    // The operator command sees the same cluster.
    const cli = await runCli(['status', '--config', cluster.configPath, '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    const rows = JSON.parse(cli.stdout) as StatusRow[];
    expect(rows.map((r) => [r.id, r.role === 'leader' ? 'leader' : 'other'])).toEqual(
      cluster.ids.map((id) => [id, id === c.leader.id ? 'leader' : 'other']),
    );
    // The state digest costs a pass over the whole state: only `--digest` asks for it.
    expect(rows.map((r) => r.stateDigest)).toEqual(['', '', '']);
    const withDigest = await runCli(['status', '--config', cluster.configPath, '--json', '--digest']);
    expect(withDigest.code, withDigest.stderr).toBe(0);
    const digests = (JSON.parse(withDigest.stdout) as StatusRow[]).map((r) => r.stateDigest);
    expect(digests[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(digests).size).toBe(1);
  });

  it('kill -9 of the leader: another node leads in a higher term; the old leader rejoins as a follower and catches up', async () => {
    reportOnFailure();
    const before = await cluster.waitForConvergence({ ids: cluster.ids });
    const old = before.leader.id;
    const submitted = await submitJobs('failover', 20);

    const exit = await cluster.kill(old, 'SIGKILL');
    expect(exit.signal).toBe('SIGKILL');

    const next = await cluster.waitForLeader({ exclude: [old], minTerm: before.term + 1 });
    expect(next.id).not.toBe(old);
    expect(next.term).toBeGreaterThan(before.term);
    const survivors = await cluster.waitForConvergence({ ids: cluster.ids.filter((id) => id !== old) });
    expect(survivors.commitIndex).toBeGreaterThan(submitted.commitIndex); // the new term's first entries
    await expectJobs('failover', submitted.jobs);

    await cluster.start(old);
    // What the crashed leader had on disk: its term and every entry it had acknowledged.
    const loaded = cluster.loadedState(old);
    expect(loaded.term).toBeGreaterThanOrEqual(before.term);
    expect(loaded.lastLogIndex).toBeGreaterThanOrEqual(before.lastLogIndex);
    expect(loaded.commitIndex).toBeGreaterThanOrEqual(before.commitIndex);

    const after = await cluster.waitForConvergence({ ids: cluster.ids });
    const rejoined = byId(after, old);
    expect(rejoined.role).toBe('follower');
    expect(rejoined.term).toBe(after.term);
    expect(after.term).toBeGreaterThanOrEqual(next.term ?? Infinity);
    expect(rejoined.leaderId).toBe(after.leader.id);
    expect(rejoined.lastLogIndex).toBe(after.leader.lastLogIndex);
    expect(rejoined.commitIndex).toBe(after.leader.commitIndex);
    expect(rejoined.stateDigest).toBe(after.leader.stateDigest);
  });

  it('SIGTERM to the leader hands leadership to a follower and exits 0', async () => {
    reportOnFailure();
    const before = await cluster.waitForConvergence({ ids: cluster.ids });
    const old = before.leader.id;

    const exit = await cluster.kill(old, 'SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    const proc = cluster.process(old);
    const handover = proc?.lastRecord('leadership handed over before shutdown');
    expect(handover, 'the leader logs its handover').toBeDefined();
    expect(handover?.['transferred'], 'the transfer completed before the process exited').toBe(true);
    expect(proc?.lastRecord('shutdown complete')).toBeDefined();

    // The handover target already leads, in the next term: no election timeout had to pass.
    const next = await cluster.waitForLeader({ exclude: [old], minTerm: before.term + 1 });
    expect(next.id).toBe(handover?.['to']);
    expect(next.term).toBeGreaterThan(before.term);

    await cluster.start(old);
    const after = await cluster.waitForConvergence({ ids: cluster.ids });
    expect(byId(after, old).role).toBe('follower');
    expect(after.commitIndex).toBeGreaterThan(before.commitIndex);
  });

  it('a graceful restart of every node keeps terms, the log and the state', async () => {
    reportOnFailure();
    const before = await cluster.waitForConvergence({ ids: cluster.ids });

    // Followers first: a leader stopping while others run hands over, and the new leader's first
    // entries could commit after `before` was taken. Alone, the leader can commit nothing.
    const followers = cluster.ids.filter((id) => id !== before.leader.id);
    const exits = await Promise.all(followers.map((id) => cluster.kill(id, 'SIGTERM')));
    exits.push(await cluster.kill(before.leader.id, 'SIGTERM'));
    expect(exits).toEqual(cluster.ids.map(() => ({ code: 0, signal: null })));

    // One node alone has no quorum (and pre-vote keeps it from raising its term), so it shows
    // exactly what it recovered: the old term, and the state replayed up to the old commit index.
    const [first, ...rest] = cluster.ids as [string, ...string[]];
    await cluster.start(first);
    const alone = await cluster.waitFor(`${first} to apply its recovered log`, ([r]) => (r?.appliedIndex === before.commitIndex ? r : undefined), {
      ids: () => [first],
    });
    expect(alone.role).not.toBe('leader');
    expect(alone.term).toBeGreaterThanOrEqual(before.term);
    expect(alone.commitIndex).toBe(before.commitIndex);
    expect(alone.lastLogIndex).toBeGreaterThanOrEqual(before.lastLogIndex);
    expect(alone.stateDigest).toBe(before.stateDigest);

    await cluster.startAll(rest);
    for (const id of cluster.ids) {
      const loaded = cluster.loadedState(id);
      expect(loaded.term, `${id} term`).toBeGreaterThanOrEqual(byId(before, id).term ?? Infinity);
      expect(loaded.commitIndex, `${id} commit index`).toBeGreaterThanOrEqual(before.commitIndex);
      expect(loaded.lastLogIndex, `${id} last log index`).toBeGreaterThanOrEqual(before.lastLogIndex);
    }

    const after = await cluster.waitForConvergence({ ids: cluster.ids });
    expect(after.term).toBeGreaterThan(before.term);
    expect(after.commitIndex).toBeGreaterThan(before.commitIndex);
  });

  it('kill -9 of every node right after acknowledged submits loses nothing that was committed', async () => {
    reportOnFailure();
    const before = await cluster.waitForConvergence({ ids: cluster.ids });
    const submitted = await submitJobs('durable', 30);
    expect(submitted.commitIndex).toBeGreaterThan(before.commitIndex);

    const exits = await Promise.all(cluster.ids.map((id) => cluster.kill(id, 'SIGKILL')));
    expect(exits.map((e) => e.signal)).toEqual(['SIGKILL', 'SIGKILL', 'SIGKILL']);

    await cluster.startAll();
    for (const id of cluster.ids) {
      // Everything from the idle state before the submits was on every disk.
      const loaded = cluster.loadedState(id);
      expect(loaded.term, `${id} term`).toBeGreaterThanOrEqual(byId(before, id).term ?? Infinity);
      expect(loaded.commitIndex, `${id} commit index`).toBeGreaterThanOrEqual(before.commitIndex);
      expect(loaded.lastLogIndex, `${id} last log index`).toBeGreaterThanOrEqual(before.lastLogIndex);
    }
    // An acknowledged entry is on a majority's disks (a lagging follower may not have it yet).
    const holders = cluster.ids.filter((id) => cluster.loadedState(id).lastLogIndex >= submitted.commitIndex);
    expect(holders.length, `nodes holding index ${submitted.commitIndex}: ${holders.join(', ')}`).toBeGreaterThanOrEqual(2);

    const after = await cluster.waitForConvergence({ ids: cluster.ids });
    expect(after.term).toBeGreaterThan(before.term);
    expect(after.commitIndex).toBeGreaterThan(submitted.commitIndex);
    await expectJobs('durable', submitted.jobs);
  });
});
