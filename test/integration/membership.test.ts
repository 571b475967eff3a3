/**
 * Membership changes on real processes, under a steady submit-and-work load, one cluster through
 * every step: three nodes grow to five (each new one joins as a learner and is promoted once it
 * caught up), the leader is killed, the cluster shrinks to three on ids other than the ones it
 * started with, a node whose data directory was deleted is refused until it is removed and added
 * again, and the leader itself is removed; at the end it is backed up and restored into a new
 * cluster. Nothing acknowledged is lost or left unfinished, and
 * the longest gap between acknowledged submits is recorded for each step (printed; asserted only
 * against a bound far above an election, to catch a wedged cluster, never as a speed figure).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { changeMembersOnLeader, Client, NodeAdmin, Worker, type MembersInfo } from '../../src/client/index.js';
import { Cluster, poll, runCli } from '../helpers/index.js';

let cluster: Cluster;
/** The cluster restored from a backup of `cluster` at the end. */
let restored: Cluster | null = null;
let failed = false;
const open: { close(): unknown }[] = [];
/** The nodes a client may call: every node the cluster will have, made up front. */
let everyAddress: string[] = [];

/** Longest pause between two acknowledged submits while a step ran, ms, by step. */
const gaps: Record<string, number> = {};

/** One submit every few ms, each acknowledged id kept; `mark` starts a step's gap measurement. */
class Load {
  readonly acked: string[] = [];
  private running = true;
  private lastAck = Date.now();
  private step: string | null = null;
  private readonly done: Promise<void>;

  constructor(private readonly client: Client) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    let n = 0;
    while (this.running) {
      const [job] = await this.client.submit([{ queue: 'members', payload: { n: n++ } }]);
      if (job === undefined) throw new Error('submit returned no job');
      this.acked.push(job.id);
      const now = Date.now();
      if (this.step !== null) gaps[this.step] = Math.max(gaps[this.step] ?? 0, now - this.lastAck);
      this.lastAck = now;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  mark(step: string | null): void {
    this.step = step;
    if (step !== null) gaps[step] = 0;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

let load: Load;
let client: Client;
const completed = new Set<string>();

beforeAll(async () => {
  cluster = await Cluster.start({ size: 3, clusterId: 'members', tmpPrefix: 'raftjobs-members-' });
  for (let i = 0; i < 3; i++) await cluster.addNode();
  everyAddress = cluster.nodes.map((n) => n.address);
  await cluster.waitForLeader();
  client = new Client({ nodes: everyAddress, deadlineMs: 30_000 });
  open.push(client);
  const worker = new Worker({
    nodes: everyAddress,
    queues: ['members'],
    concurrency: 16,
    workerId: 'members-worker',
    handler: (job) => {
      completed.add(job.id);
      return Promise.resolve({ ok: true });
    },
  });
  open.push({ close: () => worker.close({ timeoutMs: 5000 }) });
  await worker.start();
  load = new Load(client);
  await poll(() => (load.acked.length > 20 ? true : undefined), { description: 'the load to run', timeoutMs: 20_000 });
}, 60_000);

afterAll(async () => {
  console.log(`membership: longest gap between acknowledged submits, ms: ${JSON.stringify(gaps)}`);
  for (const c of open.splice(0)) await c.close();
  await restored?.cleanup(failed);
  await cluster.cleanup(failed);
});

function onFailure(): void {
  onTestFailed(() => {
    failed = true;
    console.error(cluster.describe(40));
  });
}

/** The membership as the leader sees it (with progress). */
async function members(): Promise<MembersInfo> {
  return poll(
    async () => {
      for (const id of cluster.liveIds()) {
        const admin = new NodeAdmin(cluster.address(id));
        try {
          const info = await admin.members({ timeoutMs: 1000 });
          if (info.leaderId === id) return info;
        } catch {
          // Try the next node.
        } finally {
          admin.close();
        }
      }
      return undefined;
    },
    { description: 'a leader to answer Members', timeoutMs: 20_000 },
  );
}

function change(c: Parameters<typeof changeMembersOnLeader>[1]): Promise<MembersInfo> {
  return changeMembersOnLeader(cluster.liveIds().map((id) => cluster.address(id)), c, { timeoutMs: 20_000 });
}

const shape = (info: MembersInfo): string => info.members.map((m) => `${m.id}:${m.role}`).sort().join(' ');

async function waitForShape(want: string): Promise<MembersInfo> {
  return poll(async () => {
    const info = await members();
    return shape(info) === want ? info : undefined;
  }, { description: `membership ${want}`, timeoutMs: 30_000, diagnostics: () => cluster.describe(10) });
}

const LIMIT_MS = 10_000;

describe('membership changes on a real cluster under load', { timeout: 90_000 }, () => {
  it('grows from three to five: each new node joins as a learner and is promoted once caught up', async () => {
    onFailure();
    load.mark('grow to five');
    await cluster.start('n4', { join: cluster.address('n1') });
    await waitForShape('n1:voter n2:voter n3:voter n4:voter');
    await cluster.start('n5', { join: cluster.address('n2') });
    const info = await waitForShape('n1:voter n2:voter n3:voter n4:voter n5:voter');
    expect(info.members.find((m) => m.id === 'n5')?.incarnation).not.toBeNull();
    load.mark(null);
    expect(gaps['grow to five']).toBeLessThan(LIMIT_MS);
  });

  it('loses its leader and goes on with four', async () => {
    onFailure();
    const leader = await cluster.waitForLeader();
    load.mark('leader killed');
    await cluster.kill(leader.id, 'SIGKILL');
    await cluster.waitForLeader({ exclude: [leader.id] });
    const before = load.acked.length;
    await poll(() => (load.acked.length > before + 20 ? true : undefined), { description: 'submits after the kill', timeoutMs: 20_000 });
    load.mark(null);
    expect(gaps['leader killed']).toBeLessThan(LIMIT_MS);
  });

  it('shrinks to three on ids it did not start with (n4, n5, n6)', async () => {
    onFailure();
    load.mark('shrink to new ids');
    await cluster.start('n6', { join: cluster.address('n4') });
    await waitForShape('n1:voter n2:voter n3:voter n4:voter n5:voter n6:voter');
    for (const id of ['n1', 'n2', 'n3']) {
      // The CLI, as an operator would; the dead one goes first.
      const dead = !cluster.isRunning(id);
      const r = await runCli(['members', 'remove', id, '--addresses', cluster.liveIds().map((x) => cluster.address(x)).join(','), '--timeout', '20000']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(new RegExp(`^${id}\\s`, 'm'));
      if (!dead) await cluster.kill(id, 'SIGTERM');
    }
    await waitForShape('n4:voter n5:voter n6:voter');
    load.mark(null);
    expect(gaps['shrink to new ids']).toBeLessThan(LIMIT_MS);
  });

  it('refuses a node back from a deleted data directory until it is removed and added again', async () => {
    onFailure();
    load.mark('replace a lost disk');
    await cluster.kill('n6', 'SIGKILL');
    cluster.wipe('n6');
    await cluster.start('n6');
    const refused = await poll(async () => {
      const info = await members();
      return info.members.find((m) => m.id === 'n6' && m.refused) === undefined ? undefined : info;
    }, { description: 'the leader to refuse n6', timeoutMs: 20_000 });
    expect(refused.members.find((m) => m.id === 'n6')?.matchIndex).toBe(0);
    // Refused, it holds nothing of the log.
    expect((await cluster.status('n6', { digest: false })).lastLogIndex).toBe(0);
    await change({ kind: 'remove', id: 'n6' });
    await cluster.kill('n6', 'SIGTERM');
    await cluster.start('n6', { join: cluster.address('n4') });
    await waitForShape('n4:voter n5:voter n6:voter');
    load.mark(null);
    expect(gaps['replace a lost disk']).toBeLessThan(LIMIT_MS);
  });

  it('removes the current leader: it commits its removal, hands over and steps down', async () => {
    onFailure();
    const leader = await cluster.waitForLeader();
    load.mark('remove the leader');
    const after = await change({ kind: 'remove', id: leader.id });
    expect(after.members.map((m) => m.id)).not.toContain(leader.id);
    const next = await cluster.waitForLeader({ exclude: [leader.id] });
    expect(next.id).not.toBe(leader.id);
    await poll(async () => ((await cluster.status(leader.id, { digest: false })).role !== 'leader' ? true : undefined), { description: `${leader.id} to step down`, timeoutMs: 10_000 });
    await cluster.kill(leader.id, 'SIGTERM');
    const before = load.acked.length;
    await poll(() => (load.acked.length > before + 20 ? true : undefined), { description: 'submits after the removal', timeoutMs: 20_000 });
    load.mark(null);
    expect(gaps['remove the leader']).toBeLessThan(LIMIT_MS);
  });

  it('lost nothing: every acknowledged job completed', async () => {
    onFailure();
    await load.stop();
    const acked = [...new Set(load.acked)];
    expect(acked.length).toBeGreaterThan(100);
    await poll(() => (acked.every((id) => completed.has(id)) ? true : undefined), {
      description: 'every acknowledged job to complete',
      timeoutMs: 60_000,
      diagnostics: () => `${acked.filter((id) => !completed.has(id)).length} of ${acked.length} not completed`,
    });
    const stats = await client.stats();
    const q = stats.queues.find((x) => x.queue === 'members');
    expect(q?.succeeded).toBe(acked.length);
  });

  it('is backed up and restored into a new cluster holding every job, none unfinished', async () => {
    onFailure();
    const acked = [...new Set(load.acked)];
    const file = join(cluster.dir, 'members.rjb');
    const backup = await runCli(['backup', '--addresses', cluster.liveIds().map((id) => cluster.address(id)).join(','), '--out', file, '--json'], { timeoutMs: 60_000 });
    expect(backup.code, backup.stderr).toBe(0);
    restored = await Cluster.create({ size: 3, clusterId: 'members-restored', tmpPrefix: 'raftjobs-members-restored-' });
    const restore = await runCli(['restore', '--from', file, '--config', restored.configPath], { timeoutMs: 60_000 });
    expect(restore.code, restore.stderr).toBe(0);
    await restored.startAll();
    await restored.waitForLeader();
    const c = new Client({ nodes: restored.nodes.map((n) => n.address), deadlineMs: 20_000 });
    open.push(c);
    const q = (await c.stats()).queues.find((x) => x.queue === 'members');
    expect(q).toMatchObject({ succeeded: acked.length, ready: 0, scheduled: 0, leased: 0, dead: 0 });
    for (const id of acked.slice(-20)) expect((await c.get(id))?.state).toBe('succeeded');
  });
});
