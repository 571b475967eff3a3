/**
 * `restoreBackup` (`raftjobs restore`) on real LevelDB in temporary directories. A backup taken
 * from a running node (`JobNode.backup`, in process) seeds a new cluster whose node starts holding
 * the backup's jobs, with their states, and takes new work. A config with the backup's own cluster
 * id, a data directory that holds data, and a damaged file are each refused, writing nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupFileWriter, sha256Hex } from '../../src/backup/index.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { isRaftJobsError } from '../../src/errors/index.js';
import type { CommandResult, Rejection } from '../../src/jobs/index.js';
import type { JobNode, StateBackup } from '../../src/node/index.js';
import { restoreBackup } from '../../src/server/index.js';
import { DATABASE_DIR, openLevelStorage, type RaftStorage } from '../../src/storage/index.js';
import { fingerprint, tempDir } from '../helpers/index.js';
import { startOneNode } from '../node/one-node.js';

const root = tempDir('raftjobs-restore-');
const payload = (s: string): Uint8Array => new TextEncoder().encode(s);
let source: { node: JobNode; storage: RaftStorage };
let copy: StateBackup;
let backupFile: string;
let configs = 0;

/** A one-node config `clusterId` with its own data directory; node `a`, as `startOneNode` names it. */
function config(clusterId: string): Config {
  const dir = join(root, `c${++configs}`);
  mkdirSync(dir);
  const path = join(dir, 'cluster.json');
  writeFileSync(path, JSON.stringify({ clusterId, dataDir: './data', nodes: [{ id: 'a', address: '127.0.0.1:7999' }] }));
  return loadConfig(path, { env: {} });
}

function ok(r: CommandResult): Exclude<CommandResult, Rejection> {
  if (!r.ok) throw new Error(`command refused: ${r.message}`);
  return r;
}

async function refused(fn: () => Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await fn().then(
    () => null,
    (e: unknown) => e,
  );
  expect(isRaftJobsError(err) ? `${err.code}: ${err.message}` : String(err)).toMatch(new RegExp(`^${code}: ${message.source}`));
}

beforeAll(async () => {
  source = await startOneNode('src');
  const { node } = source;
  ok(await node.propose({ type: 'submit', jobs: [{ queue: 'q', payload: payload('ready-1') }, { queue: 'q', payload: payload('ready-2') }, { queue: 'later', payload: payload('delayed'), delayMs: 3_600_000 }] }));
  ok(await node.propose({ type: 'submit', jobs: [{ queue: 'done', payload: payload('done') }] }));
  const leased = ok(await node.propose({ type: 'lease', workerId: 'w', queues: ['done'], max: 1 }));
  if (leased.type !== 'lease' || leased.leases[0] === undefined) throw new Error('nothing leased');
  ok(await node.propose({ type: 'complete', jobId: leased.leases[0].jobId, token: leased.leases[0].token, result: payload('ok') }));
  const before = node.status({ digest: false }).commitIndex;
  copy = await node.backup();
  // It holds every write committed before the call.
  expect(copy.index).toBeGreaterThanOrEqual(before);
  expect({ jobs: copy.jobs, schedules: copy.schedules }).toEqual({ jobs: 4, schedules: 0 });
  backupFile = join(root, 'src.rjb');
  const w = await BackupFileWriter.create(backupFile);
  await w.begin({ clusterId: 'src', nodeId: 'a', index: copy.index, term: copy.term, createdAtMs: copy.takenAt, sizeBytes: copy.data.byteLength, jobs: copy.jobs, schedules: copy.schedules });
  await w.write(copy.data);
  await w.finish(sha256Hex(copy.data));
});

afterAll(async () => {
  await source.node.stop();
  await source.storage.close();
});

describe('restoreBackup', () => {
  it('seeds a new cluster that starts with the backup’s jobs in their states and takes new work', async () => {
    const c = config('dst');
    const report = await restoreBackup(backupFile, c);
    const dir = join(c.dataDir, 'a');
    expect(report).toMatchObject({ clusterId: 'dst', sourceClusterId: 'src', index: copy.index, jobs: 4, schedules: 0, bytes: copy.data.byteLength, nodes: [{ id: 'a', address: '127.0.0.1:7999', dataDir: dir }] });
    expect(readdirSync(dir)).toEqual([DATABASE_DIR]);

    const storage = await openLevelStorage({ dir, clusterId: 'dst', nodeId: 'a' });
    const stored = await storage.load();
    expect(stored.hardState).toEqual({ term: 1, vote: null, commit: copy.index });
    expect(stored.snapshot).toEqual({ index: copy.index, term: 1, membership: { voters: ['a'], addresses: { a: '127.0.0.1:7999' } } });
    expect(stored.entries).toEqual([]);

    const restored = await startOneNode('dst', storage);
    try {
      const jobs = (n: JobNode) => n.query.list({ pageSize: 1000 }).jobs;
      expect(jobs(restored.node)).toEqual(jobs(source.node));
      expect(jobs(restored.node).map((j) => j.state)).toEqual(['ready', 'ready', 'scheduled', 'succeeded']);
      const more = ok(await restored.node.propose({ type: 'submit', jobs: [{ queue: 'q', payload: payload('new') }] }));
      if (more.type !== 'submit') throw new Error('not a submit');
      expect(jobs(source.node).map((j) => j.id)).not.toContain(more.jobs[0]?.id);
      expect(restored.node.status({ digest: false }).term).toBeGreaterThan(1);
    } finally {
      await restored.node.stop();
      await storage.close();
    }
  });

  it('refuses a config with the backup’s own cluster id, writing nothing', async () => {
    const c = config('src');
    await refused(() => restoreBackup(backupFile, c), 'CONFIG_INVALID', /clusterId: the backup was taken from cluster "src", .*a restore makes a new cluster/);
    expect(existsSync(c.dataDir)).toBe(false);
  });

  it('refuses when a data directory holds anything, writing nothing', async () => {
    const c = config('dst2');
    mkdirSync(join(c.dataDir, 'a'), { recursive: true });
    writeFileSync(join(c.dataDir, 'a', 'notes.txt'), 'mine');
    const before = await fingerprint(c.dataDir);
    await refused(() => restoreBackup(backupFile, c), 'ALREADY_EXISTS', /a restore writes only into empty data directories, and a's \(.*\) holds data; nothing was written/);
    expect(await fingerprint(c.dataDir)).toEqual(before);
  });

  it('refuses a damaged backup, writing nothing', async () => {
    const c = config('dst3');
    const bytes = readFileSync(backupFile);
    const damaged = join(root, 'damaged.rjb');
    writeFileSync(damaged, bytes.subarray(0, bytes.byteLength - 1));
    await refused(() => restoreBackup(damaged, c), 'INVALID_ARGUMENT', /.*damaged\.rjb is truncated/);
    const flipped = Buffer.from(bytes);
    flipped[flipped.byteLength - 1] = (flipped[flipped.byteLength - 1] as number) ^ 0xff;
    writeFileSync(damaged, flipped);
    await refused(() => restoreBackup(damaged, c), 'INVALID_ARGUMENT', /.*damaged\.rjb is damaged: the SHA-256/);
    expect(existsSync(c.dataDir)).toBe(false);
  });
});
