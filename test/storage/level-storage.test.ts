import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RaftJobsError, isRaftJobsError } from '../../src/errors/index.js';
import { DATABASE_DIR, IDENTITY_FILE, type RaftStorage, openLevelStorage } from '../../src/storage/index.js';
import { CLUSTER, NODE, fingerprint, makeEntries, makeSnapshot, makeTempDir, patternBytes } from './helpers.js';

const VIEW = { keyEncoding: 'view', valueEncoding: 'view' } as const;

async function refusal(promise: Promise<RaftStorage>): Promise<RaftJobsError> {
  const err = await promise.then(
    async (s) => {
      await s.close();
      return new Error('expected openLevelStorage to refuse');
    },
    (e: unknown) => e,
  );
  if (!isRaftJobsError(err)) throw err;
  return err;
}

describe('openLevelStorage (LevelDB on disk)', () => {
  let root: string;
  let dir: string;
  const open = (nodeId = NODE, clusterId = CLUSTER) => openLevelStorage({ dir, clusterId, nodeId });

  beforeEach(async () => {
    root = await makeTempDir();
    dir = nodePath.join(root, 'nested', 'node-1');
  });

  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  /** A stopped node's directory holding some state. */
  async function seed(): Promise<void> {
    const s = await open();
    await s.persist({ hardState: { term: 2, vote: 'n2', commit: 3 }, entries: makeEntries(1, 5, 2), snapshot: null });
    await s.saveSnapshot(makeSnapshot(3, 2, patternBytes(2048)));
    await s.close();
  }

  it('creates the directory on first boot and recovers everything after close and reopen', async () => {
    await seed();
    const names = await fs.readdir(nodePath.join(dir, DATABASE_DIR));
    expect(names).toContain('CURRENT');
    expect(names).toContain(IDENTITY_FILE);
    expect(await fs.readdir(dir)).toEqual([DATABASE_DIR]);

    const s = await open();
    expect(await s.load()).toEqual({
      hardState: { term: 2, vote: 'n2', commit: 3 },
      snapshot: makeSnapshot(3, 2, new Uint8Array(0)).meta,
      entries: makeEntries(1, 5, 2),
      logStart: { index: 0, term: 0 },
    });
    expect(s.path).toBe(nodePath.join(dir, DATABASE_DIR));
    await s.close();
  });

  it.each([
    ['node id', 'n2', CLUSTER],
    ['cluster id', NODE, 'cluster-b'],
  ])('refuses another %s with STORAGE_FOREIGN, naming the path and leaving the files untouched', async (_what, nodeId, clusterId) => {
    await seed();
    const before = await fingerprint(dir);
    const err = await refusal(open(nodeId, clusterId));
    expect(err.code).toBe('STORAGE_FOREIGN');
    expect(err.message).toContain(dir);
    expect(err.details.path).toContain(dir);
    expect(await fingerprint(dir)).toEqual(before);
    const s = await open();
    expect((await s.load()).entries).toEqual(makeEntries(1, 5, 2));
    await s.close();
  });

  it('refuses a non-empty directory that holds no raftjobs database, without touching it', async () => {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(nodePath.join(dir, 'notes.txt'), 'hello');
    await fs.writeFile(nodePath.join(dir, '000005.ldb'), patternBytes(4096));
    const before = await fingerprint(dir);
    const err = await refusal(open());
    expect(err.code).toBe('STORAGE_CORRUPT');
    expect(err.message).toContain(dir);
    expect(await fingerprint(dir)).toEqual(before);
  });

  it('refuses a database directory of garbage files (no CURRENT, no identity), without touching it', async () => {
    await fs.mkdir(nodePath.join(dir, DATABASE_DIR), { recursive: true });
    await fs.writeFile(nodePath.join(dir, DATABASE_DIR, 'MANIFEST-000002'), patternBytes(300));
    await fs.writeFile(nodePath.join(dir, DATABASE_DIR, 'garbage.bin'), patternBytes(300, 7));
    const before = await fingerprint(dir);
    const err = await refusal(open());
    expect(err.code).toBe('STORAGE_CORRUPT');
    expect(err.message).toContain(dir);
    expect(await fingerprint(dir)).toEqual(before);
  });

  it('refuses a regular file given as the data directory with STORAGE_UNREADABLE', async () => {
    dir = nodePath.join(root, 'a-file');
    await fs.writeFile(dir, 'not a directory');
    const err = await refusal(open());
    expect(err.code).toBe('STORAGE_UNREADABLE');
    expect(err.message).toContain(dir);
    expect(await fs.readFile(dir, 'utf8')).toBe('not a directory');

    dir = nodePath.join(root, 'a-file', 'below');
    const below = await refusal(open());
    expect(below.code).toBe('STORAGE_UNREADABLE');
    expect(below.message).toContain(dir);
  });

  it('refuses a database another process (or handle) holds open', async () => {
    const first = await open();
    const err = await refusal(open());
    expect(err.code).toBe('STORAGE_UNREADABLE');
    expect(err.message).toMatch(/locked/);
    await first.close();
  });

  it('refuses an undecodable log entry with STORAGE_CORRUPT on load', async () => {
    await seed();
    const s = await open();
    const key = Uint8Array.of(0x65, 0, 0, 0, 0, 0, 0, 0, 4); // entry 4
    await s.db.put<Uint8Array, Uint8Array>(key, Uint8Array.of(9, 9), VIEW);
    await s.close();
    const reopened = await open();
    const err: unknown = await reopened.load().catch((e: unknown) => e);
    expect(isRaftJobsError(err, 'STORAGE_CORRUPT')).toBe(true);
    expect(String(err)).toContain(dir);
    expect(String(err)).toMatch(/entry 4/);
    await reopened.close();
  });

  it('refuses an undecodable hard state record with STORAGE_CORRUPT on open', async () => {
    await seed();
    const s = await open();
    await s.db.put<Uint8Array, Uint8Array>(new TextEncoder().encode('mhardState'), new TextEncoder().encode('{"term":'), VIEW);
    await s.close();
    const err = await refusal(open());
    expect(err.code).toBe('STORAGE_CORRUPT');
    expect(err.message).toContain(dir);
  });

  it('refuses LevelDB files that are corrupt with STORAGE_CORRUPT', async () => {
    await seed();
    const dbDir = nodePath.join(dir, DATABASE_DIR);
    const manifest = (await fs.readFile(nodePath.join(dbDir, 'CURRENT'), 'utf8')).trim();
    await fs.writeFile(nodePath.join(dbDir, manifest), patternBytes(512, 3));
    const err = await refusal(open());
    expect(err.code).toBe('STORAGE_CORRUPT');
    expect(err.message).toContain(dir);

    await fs.writeFile(nodePath.join(dbDir, 'CURRENT'), 'garbage\n');
    const current = await refusal(open());
    expect(current.code).toBe('STORAGE_CORRUPT');
  });

  it('refuses an identity file that does not decode', async () => {
    await seed();
    await fs.writeFile(nodePath.join(dir, DATABASE_DIR, IDENTITY_FILE), 'not json');
    const err = await refusal(open());
    expect(err.code).toBe('STORAGE_CORRUPT');
    expect(err.message).toContain(dir);
  });

  it('completes a first boot that crashed before the database was renamed into place', async () => {
    await fs.mkdir(nodePath.join(dir, 'leveldb.init'), { recursive: true });
    await fs.writeFile(nodePath.join(dir, 'leveldb.init', 'LOG'), 'half-built');
    await fs.mkdir(nodePath.join(dir, 'lost+found'));
    const s = await open();
    expect((await s.load()).entries).toEqual([]);
    await s.close();
    expect((await fs.readdir(dir)).sort()).toEqual([DATABASE_DIR, 'lost+found']);
  });
});
