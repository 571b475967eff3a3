/**
 * The watch stream on a real three-node cluster (real processes, gRPC on loopback, LevelDB): a
 * watcher connected to the leader is cut off when the leader is killed with -9 under a steady
 * submit-and-work load, resumes on another node by itself, and sees every transition of every
 * acknowledged job exactly once, as the jobs' final histories account for them. A node restarted
 * from a snapshot refuses a position from before it (WATCH_POSITION_COMPACTED), and the SDK goes
 * on at a node that holds it.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { Client, NodeAdmin, Worker, type JobView, type JobWatchEvent } from '../../src/client/index.js';
import { isRaftJobsError } from '../../src/errors/index.js';
import { expectedWatchEvents, watchKey } from '../../scripts/chaos/watch-check.js';
import { Cluster, poll } from '../helpers/index.js';

let cluster: Cluster;
let failed = false;
const open: { close(): unknown }[] = [];

beforeAll(async () => {
  cluster = await Cluster.start({ size: 3, clusterId: 'watch', tmpPrefix: 'raftjobs-watch-' });
  await cluster.waitForLeader();
});

afterAll(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
  const dir = await cluster.cleanup(failed);
  if (failed) console.error(`watch integration test failed; files kept in ${dir}`);
});

function onFailure(): void {
  onTestFailed(() => {
    failed = true;
    console.error(cluster.describe(40));
  });
}

/** A client that tries `first` before the others. */
function client(first?: string): Client {
  const addresses = cluster.nodes.map((n) => n.address);
  const nodes = first === undefined ? addresses : [first, ...addresses.filter((a) => a !== first)];
  const c = new Client({ nodes, deadlineMs: 20_000, random: () => 0 });
  open.push(c);
  return c;
}

/** Every event a watch yields, in the background; `error` once it fails. */
function collect(w: AsyncIterable<JobWatchEvent>): { events: JobWatchEvent[]; error: () => unknown } {
  const events: JobWatchEvent[] = [];
  let error: unknown = null;
  void (async () => {
    try {
      for await (const e of w) events.push(e);
    } catch (err) {
      error = err;
    }
  })();
  return { events, error: () => error };
}


describe('watch through a kill -9 of the leader', () => {
  it('a watcher on the leader resumes elsewhere and sees every transition of every acknowledged job exactly once', async () => {
    onFailure();
    const leader = await cluster.waitForLeader();
    const queue = 'watched';
    const watcher = client(cluster.address(leader.id));
    const watch = watcher.watch({ queues: [queue] });
    const seen = collect(watch);
    await watch.started;

    const progressed = new Set<string>();
    const worker = new Worker({
      nodes: cluster.nodes.map((n) => n.address),
      queues: [queue],
      concurrency: 8,
      workerId: 'watch-w1',
      handler: async (job) => {
        if (await job.progress(50, 'half')) progressed.add(`${job.id} ${job.token}`);
        return { ok: true };
      },
    });
    open.push({ close: () => worker.close({ timeoutMs: 5_000 }) });
    await worker.start();

    const submitter = client();
    const acked: string[] = [];
    let loading = true;
    const load = (async () => {
      let n = 0;
      while (loading) {
        try {
          const res = await submitter.submit(Array.from({ length: 4 }, () => ({ queue, payload: { n: n++ } })));
          acked.push(...res.map((j) => j.id));
        } catch {
          // An unknown outcome during the failover: the job may or may not exist; only acknowledged ones are checked.
        }
        // Pacing of the load, not waiting for state.
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    await poll(() => (acked.length >= 200 && seen.events.length >= 400 ? true : undefined), { timeoutMs: 60_000, description: '200 jobs acknowledged and watched' });
    const before = seen.events.length;
    await cluster.kill(leader.id, 'SIGKILL');
    const next = await cluster.waitForLeader({ exclude: [leader.id], minTerm: (leader.term ?? 0) + 1 });
    expect(next.id).not.toBe(leader.id);
    const ackedAtKill = acked.length;
    await poll(() => (acked.length >= ackedAtKill + 200 ? true : undefined), { timeoutMs: 60_000, description: '200 more jobs acknowledged after the kill' });
    loading = false;
    await load;

    // Every acknowledged job finishes, and its terminal event reaches the watcher.
    const finals = new Map<string, JobView>();
    await poll(
      async () => {
        for (const id of acked) {
          if (finals.has(id)) continue;
          const j = await submitter.get(id);
          if (j.state !== 'succeeded' && j.state !== 'dead' && j.state !== 'cancelled') return undefined;
          finals.set(id, j);
        }
        const terminal = new Set(seen.events.filter((e) => e.type === 'completed' || e.type === 'dead').map((e) => e.jobId));
        return acked.every((id) => terminal.has(id)) ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250, description: 'every acknowledged job finished and watched' },
    );
    expect(seen.error()).toBeNull();
    expect(seen.events.length).toBeGreaterThan(before);

    // In log order, no position twice.
    const events = seen.events;
    for (let i = 1; i < events.length; i++) {
      const [a, b] = [events[i - 1] as JobWatchEvent, events[i] as JobWatchEvent];
      expect(b.position.index > a.position.index || (b.position.index === a.position.index && b.position.ordinal > a.position.ordinal), `${JSON.stringify(a.position)} then ${JSON.stringify(b.position)}`).toBe(true);
    }
    const count = new Map<string, number>();
    for (const e of events) count.set(watchKey(e), (count.get(watchKey(e)) ?? 0) + 1);

    // Against each job's final history: submitted once, every attempt's lease once, every ended attempt's end once, nothing else.
    const problems: string[] = [];
    for (const id of acked) {
      const job = finals.get(id) as JobView;
      const expected = new Set(expectedWatchEvents({ id, state: job.state, history: job.history }));
      for (const a of job.history) if (progressed.has(`${id} ${a.token}`)) expected.add(watchKey({ jobId: id, type: 'progress', token: a.token }));
      const got = [...count].filter(([k]) => k.startsWith(`${id} `) && !(k.includes(' progress ') && !expected.has(k)));
      for (const k of expected) if (count.get(k) !== 1) problems.push(`${k}: expected once, seen ${count.get(k) ?? 0} times`);
      for (const [k, n] of got) if (!expected.has(k)) problems.push(`${k}: seen ${n} times, not in the job's history`);
    }
    // A progress report the handler did not see confirmed may or may not have committed: never twice.
    for (const [k, n] of count) if (n > 1) problems.push(`${k}: seen ${n} times`);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(finals.size).toBe(acked.length);
  }, 300_000);

  it('a node that restarted from a snapshot holds nothing from before it: a watch from there goes on at another node', async () => {
    onFailure();
    for (const id of cluster.ids.filter((x) => !cluster.isRunning(x))) await cluster.start(id);
    await cluster.waitForConvergence({ timeoutMs: 60_000 });
    const c = client();
    const [early] = await c.submit({ queue: 'restart' });
    const first = c.watch({ after: { index: 0, ordinal: 0 }, jobIds: [early?.id as string] });
    let from: JobWatchEvent | undefined;
    for await (const e of first) {
      from = e;
      break;
    }
    expect(from?.type).toBe('submitted');
    // A follower snapshots past that position and restarts: it starts from the snapshot, without the events before it.
    const leader = await cluster.waitForLeader();
    const follower = cluster.ids.find((id) => id !== leader.id) as string;
    const admin = new NodeAdmin(cluster.address(follower));
    open.push(admin);
    const snapshotAt = await admin.snapshot({ timeoutMs: 20_000 });
    expect(snapshotAt).toBeGreaterThanOrEqual(from?.position.index ?? Infinity);
    await cluster.restart(follower, 'SIGKILL');
    await cluster.waitForConvergence({ timeoutMs: 60_000 });
    const refused = collect(client(cluster.address(follower)).watch({ after: from?.position as JobWatchEvent['position'], queues: ['restart'] }));
    const [later] = await c.submit({ queue: 'restart' });
    await poll(() => (refused.events.some((e) => e.jobId === later?.id) || refused.error() !== null ? true : undefined), { timeoutMs: 30_000, description: 'the later job watched' });
    expect(refused.error()).toBeNull();
    expect(refused.events.map((e) => [e.type, e.jobId])).toEqual([['submitted', later?.id]]);
    // The restarted node itself refuses it, naming what it holds.
    const alone = new Client({ nodes: [cluster.address(follower)], deadlineMs: 10_000 });
    open.push(alone);
    const only = collect(alone.watch({ after: from?.position as JobWatchEvent['position'] }));
    await poll(() => (only.error() !== null ? true : undefined), { timeoutMs: 30_000, description: 'the refusal' });
    const err = only.error();
    expect(isRaftJobsError(err) && err.code).toBe('WATCH_POSITION_COMPACTED');
    expect(isRaftJobsError(err) && err.details.oldestPosition).toBe(`${snapshotAt}:end`);
  }, 180_000);
});
