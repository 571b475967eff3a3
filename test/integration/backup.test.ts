/**
 * Backup and restore on real processes, as an operator does it: a three-node cluster holds jobs in
 * several states (ready, delayed, succeeded, dead) and a schedule; `raftjobs backup` runs while a
 * client keeps submitting, asked at a follower first (it follows the leader hint); `raftjobs
 * restore` seeds a new config (its own cluster id, ports and data directory); its nodes start with
 * every job acknowledged before the backup began, in the same state, and the schedule, and take
 * new work. One source cluster and one restored cluster, to keep the suite's time.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { readBackupFile } from '../../src/backup/index.js';
import { Client, Worker, type JobView } from '../../src/client/index.js';
import { Cluster, runCli } from '../helpers/index.js';
import { runMain } from '../client/in-process-cli.js';

let source: Cluster;
let restored: Cluster | null = null;
let client: Client;
let failed = false;

beforeAll(async () => {
  source = await Cluster.start({ size: 3, clusterId: 'backup-src', tmpPrefix: 'raftjobs-it-backup-' });
  client = new Client({ nodes: source.nodes.map((n) => n.address), deadlineMs: 20_000 });
});

afterAll(async () => {
  client.close();
  for (const c of [source, restored]) {
    if (c === null) continue;
    const dir = await c.cleanup(failed);
    if (failed) console.error(`backup test failed; files kept in ${dir}`);
  }
});

/** What must survive a restore of one job. */
function essence(j: JobView): Record<string, unknown> {
  return {
    id: j.id,
    queue: j.queue,
    state: j.state,
    payload: j.payload.toString('hex'),
    attempts: j.attempts,
    runAt: j.runAt,
    result: j.result?.toString('hex') ?? null,
    lastError: j.lastError,
    idempotencyKey: j.idempotencyKey,
    scheduleId: j.scheduleId,
  };
}

async function allJobs(c: Client): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  let pageToken: string | null = null;
  do {
    const page: Awaited<ReturnType<Client['list']>> = await c.list({ pageSize: 1000, ...(pageToken === null ? {} : { pageToken }) });
    for (const j of page.jobs) out.set(j.id, essence(j));
    pageToken = page.nextPageToken;
  } while (pageToken !== null);
  return out;
}

/** Runs a worker on `nodes` until `ids` have all finished; a payload `{ "fail": true }` throws. */
async function work(nodes: readonly string[], queue: string, ids: readonly string[], c: Client): Promise<JobView[]> {
  const worker = new Worker({
    nodes,
    queues: [queue],
    concurrency: 2,
    handler: (job) => {
      if (job.json<{ fail?: boolean }>().fail === true) throw new Error('boom');
      return Promise.resolve({ done: job.id });
    },
  });
  await worker.start();
  try {
    return await Promise.all(ids.map((id) => c.waitForResult(id, { timeoutMs: 30_000 })));
  } finally {
    await worker.close({ timeoutMs: 10_000 });
  }
}

describe('raftjobs backup and restore', () => {
  it('a backup taken while clients submit restores into a new cluster with every acknowledged job, its state and the schedule; the new cluster takes work', { timeout: 300_000 }, async () => {
    onTestFailed(() => {
      failed = true;
      console.error(source.describe(40));
      if (restored !== null) console.error(restored.describe(40));
    });
    const nodes = source.nodes.map((n) => n.address);

    // Jobs in several states, and a schedule (with a slot far ahead, so none fires on its own).
    await client.submit([{ queue: 'ready', payload: { n: 1 } }, { queue: 'ready', payload: { n: 2 }, priority: 5 }]);
    await client.submit({ queue: 'later', payload: { n: 3 }, delayMs: 3_600_000, idempotencyKey: 'later-3' });
    const [ok, bad] = await client.submit([{ queue: 'work', payload: { n: 4 } }, { queue: 'work', payload: { fail: true }, maxAttempts: 1 }]);
    const settled = await work(nodes, 'work', [ok!.id, bad!.id], client);
    expect(settled.map((j) => j.state)).toEqual(['succeeded', 'dead']);
    await client.createSchedule({ id: 'hourly-report', intervalMs: 3_600_000, startAt: Date.now() + 30 * 86_400_000, job: { queue: 'reports', payload: { kind: 'hourly' } } });
    await client.triggerSchedule('hourly-report');
    const schedule = await client.getSchedule('hourly-report');
    const before = await allJobs(client);
    expect([...before.values()].map((j) => j['state']).sort()).toEqual(['dead', 'ready', 'ready', 'ready', 'scheduled', 'succeeded']);

    // A client keeps submitting while the backup runs.
    const hot = { acked: [] as string[], stop: false };
    const submitters = [0, 1, 2].map(async (k) => {
      for (let i = 0; !hot.stop; i++) {
        const [j] = await client.submit({ queue: 'hot', payload: { k, i } });
        hot.acked.push(j!.id);
      }
    });
    await expect.poll(() => hot.acked.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(5);
    const ackedBefore = [...hot.acked];
    const leader = await source.waitForLeader();
    const followersFirst = [...source.nodes].sort((a, b) => Number(a.id === leader.id) - Number(b.id === leader.id)).map((n) => n.address);
    const file = join(source.dir, 'backup.rjb');
    const backup = await runCli(['backup', '--addresses', followersFirst.join(','), '--out', file, '--json'], { timeoutMs: 120_000 });
    const ackedDuring = hot.acked.length - ackedBefore.length;
    hot.stop = true;
    await Promise.all(submitters);
    expect(backup.code, backup.stderr).toBe(0);
    const report = JSON.parse(backup.stdout) as { file: string; from: string; clusterId: string; nodeId: string; index: number; jobs: number; schedules: number; sizeBytes: number; sha256: string };
    expect(report).toMatchObject({ file, from: leader.address, clusterId: 'backup-src', nodeId: leader.id, schedules: 1 });
    expect(report.jobs).toBeGreaterThanOrEqual(before.size + ackedBefore.length);
    // The cluster kept acknowledging submits while the backup command ran.
    expect(ackedDuring).toBeGreaterThan(0);
    const onDisk = await readBackupFile(file);
    expect(onDisk.header).toMatchObject({ index: report.index, sizeBytes: report.sizeBytes, sha256: report.sha256 });

    // Restore into a new config: another cluster id, other ports, another data directory.
    restored = await Cluster.create({ size: 3, clusterId: 'backup-dst', tmpPrefix: 'raftjobs-it-restored-' });
    const restore = await runCli(['restore', '--from', file, '--config', restored.configPath, '--json'], { timeoutMs: 60_000 });
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ clusterId: 'backup-dst', sourceClusterId: 'backup-src', index: report.index, jobs: report.jobs, schedules: 1 });
    // Run again, it refuses: the data directories hold data now.
    const again = await runMain(['restore', '--from', file, '--config', restored.configPath]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/a restore writes only into empty data directories, .*nothing was written/);

    await restored.startAll();
    await restored.waitForLeader();
    const rclient = new Client({ nodes: restored.nodes.map((n) => n.address), deadlineMs: 20_000 });
    try {
      const after = await allJobs(rclient);
      for (const [id, job] of before) expect(after.get(id), id).toEqual(job);
      for (const id of ackedBefore) expect(after.get(id)?.['state'], id).toBe('ready');
      expect(await rclient.getSchedule('hourly-report')).toEqual(schedule);

      // New work: ids go on from the backup's, and a worker runs it.
      const [fresh] = await rclient.submit({ queue: 'fresh', payload: { n: 5 } });
      expect(after.has(fresh!.id)).toBe(false);
      const [done] = await work(restored.nodes.map((n) => n.address), 'fresh', [fresh!.id], rclient);
      expect(done?.state).toBe('succeeded');
    } finally {
      rclient.close();
    }
  });
});
