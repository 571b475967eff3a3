import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { Level } from 'level';
import { ErrorCode, isRaftJobsError } from '../errors/index.js';
import { type StorageIdentity, checkIdentity, decodeIdentity, encodeIdentity } from './codec.js';
import { corrupt, errorCode, findCause, refuse } from './failures.js';
import { IDENTITY_KEY } from './keys.js';
import { LevelFileDamage, verifyLevelFiles } from './level-files.js';
import { RaftStorage, SNAPSHOT_BATCH_GAP_MS, type StorageDatabase } from './raft-storage.js';

/** Where a node keeps its data. */
export interface LevelStorageOptions {
  /** The node's data directory; created if missing. The LevelDB lives in `<dir>/leveldb`. */
  readonly dir: string;
  readonly clusterId: string;
  readonly nodeId: string;
}

/** LevelDB directory inside the data directory. Its presence means first boot completed. */
export const DATABASE_DIR = 'leveldb';
/** First boot builds the database here and renames it to {@link DATABASE_DIR} when complete. */
const INIT_DIR = 'leveldb.init';
/**
 * Copy of the identity record beside the LevelDB files (LevelDB ignores names it did not make), so
 * a foreign or non-raftjobs directory is refused before LevelDB opens and touches anything.
 */
export const IDENTITY_FILE = 'RAFTJOBS-IDENTITY';
/** Entries of a data directory that do not count as existing data. */
const IGNORED_ENTRIES: ReadonlySet<string> = new Set([INIT_DIR, 'lost+found']);
const RWX = fsConstants.R_OK | fsConstants.W_OK | fsConstants.X_OK;

/**
 * Opens (on first boot: creates) the node's LevelDB under `dir` and checks that it belongs to
 * this node. Refuses to start, changing nothing, with a `RaftJobsError` naming the path:
 * `STORAGE_UNREADABLE` (missing permissions, not a directory, locked by another process),
 * `STORAGE_CORRUPT` (LevelDB corruption, undecodable records, a non-empty directory that is not
 * a raftjobs database) or `STORAGE_FOREIGN` (another node id or cluster id).
 *
 * Before LevelDB opens anything, every file it will use is checked against its own checksums
 * (`verifyLevelFiles`): LevelDB as classic-level runs it would skip a damaged log record or read
 * a damaged table block without a word, and a node must not serve such data or vote with a term
 * it lost. A damaged file is refused with `STORAGE_CORRUPT` naming it; the operator wipes the
 * directory and the node rejoins empty, like a new disk.
 */
export async function openLevelStorage(opts: LevelStorageOptions): Promise<RaftStorage> {
  const dir = nodePath.resolve(opts.dir);
  const identity: StorageIdentity = { clusterId: opts.clusterId, nodeId: opts.nodeId };
  const dbPath = nodePath.join(dir, DATABASE_DIR);
  if (!(await inspectDataDir(dir))) await initialize(dir, identity);
  const manifest = await inspectDatabaseDir(dbPath, identity);
  try {
    await verifyLevelFiles(dbPath, manifest);
  } catch (err) {
    // Not passed as the cause: loggers append a cause's message, and this one says the same.
    if (err instanceof LevelFileDamage) throw corrupt(dbPath, `${err.file}: ${err.text}`);
    throw unreadable(err, dbPath);
  }

  const db = new Level<Uint8Array, Uint8Array>(dbPath, {
    createIfMissing: false,
    keyEncoding: 'view',
    valueEncoding: 'view',
  });
  try {
    await db.open();
  } catch (err) {
    throw openFailure(err, dbPath);
  }
  try {
    return await RaftStorage.open(db as StorageDatabase, identity, { path: dbPath, copyChunks: false, initializeEmpty: false, snapshotBatchGapMs: SNAPSHOT_BATCH_GAP_MS });
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

/** True when first boot completed; false when the directory is missing or holds nothing. */
async function inspectDataDir(dir: string): Promise<boolean> {
  let names: string[];
  try {
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw refuse(ErrorCode.StorageUnreadable, dir, 'is not a directory');
    await fs.access(dir, RWX);
    names = await fs.readdir(dir);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    throw unreadable(err, dir);
  }
  if (names.includes(DATABASE_DIR)) return true;
  const others = names.filter((n) => !IGNORED_ENTRIES.has(n));
  if (others.length > 0) {
    const shown = others.slice(0, 5).join(', ') + (others.length > 5 ? ', ...' : '');
    const text = `is not empty (${shown}) but holds no raftjobs database, and raftjobs never starts empty over existing data`;
    throw refuse(ErrorCode.StorageCorrupt, dir, text);
  }
  return false;
}

/**
 * First boot: builds the database with its identity in a scratch directory, then renames it into
 * place, so a crash leaves either no database or a complete one.
 */
async function initialize(dir: string, identity: StorageIdentity): Promise<void> {
  const scratch = nodePath.join(dir, INIT_DIR);
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.rm(scratch, { recursive: true, force: true }); // an earlier first boot that crashed
    const db = new Level<Uint8Array, Uint8Array>(scratch, { createIfMissing: true, errorIfExists: true });
    await db.open();
    try {
      await db.put<Uint8Array, Uint8Array>(IDENTITY_KEY, encodeIdentity(identity), { keyEncoding: 'view', valueEncoding: 'view', sync: true });
    } finally {
      await db.close();
    }
    const file = await fs.open(nodePath.join(scratch, IDENTITY_FILE), 'wx');
    try {
      await file.writeFile(encodeIdentity(identity));
      await file.sync();
    } finally {
      await file.close();
    }
    await syncDir(scratch);
    await fs.rename(scratch, nodePath.join(dir, DATABASE_DIR));
    await syncDir(dir);
    await syncDir(nodePath.dirname(dir)); // the data directory itself may be new
  } catch (err) {
    throw refuse(ErrorCode.StorageUnreadable, dir, `cannot be initialized (${message(err)})`, err);
  }
}

/**
 * Checks the database directory with plain reads, before LevelDB opens (and writes) anything.
 * Returns the name of the manifest CURRENT names.
 */
async function inspectDatabaseDir(dbPath: string, identity: StorageIdentity): Promise<string> {
  let idRaw: Buffer;
  try {
    const st = await fs.lstat(dbPath);
    if (!st.isDirectory()) throw corrupt(dbPath, 'it is not a directory');
    await fs.access(dbPath, RWX);
    idRaw = await fs.readFile(nodePath.join(dbPath, IDENTITY_FILE));
  } catch (err) {
    if (errorCode(err) === 'ENOENT') throw corrupt(dbPath, `it has no ${IDENTITY_FILE} file, so it is not a raftjobs database`);
    throw unreadable(err, dbPath);
  }
  checkIdentity(decodeIdentity(idRaw, dbPath), identity, dbPath);

  let current: string;
  try {
    current = await fs.readFile(nodePath.join(dbPath, 'CURRENT'), 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') throw corrupt(dbPath, 'its LevelDB CURRENT file is missing');
    throw unreadable(err, dbPath);
  }
  const manifest = /^(MANIFEST-[0-9]+)\n$/.exec(current)?.[1];
  if (manifest === undefined) throw corrupt(dbPath, 'its LevelDB CURRENT file does not name a manifest');
  try {
    await fs.access(nodePath.join(dbPath, manifest), fsConstants.R_OK);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') throw corrupt(dbPath, `its LevelDB manifest ${manifest} is missing`, err);
    throw unreadable(err, dbPath);
  }
  return manifest;
}

function openFailure(err: unknown, dbPath: string): Error {
  const corruption = findCause(err, ['LEVEL_CORRUPTION']);
  if (corruption !== undefined) return corrupt(dbPath, `LevelDB reports corruption (${message(corruption)})`, err);
  if (findCause(err, ['LEVEL_LOCKED']) !== undefined) {
    return refuse(ErrorCode.StorageUnreadable, dbPath, 'is locked: another process (or open handle) is using it', err);
  }
  const io = findCause(err, ['LEVEL_IO_ERROR']);
  if (io !== undefined) return refuse(ErrorCode.StorageUnreadable, dbPath, `cannot be read (${message(io)})`, err);
  return corrupt(dbPath, `LevelDB cannot open it (${message(deepestCause(err))})`, err);
}

function unreadable(err: unknown, path: string): Error {
  if (isRaftJobsError(err)) return err;
  return refuse(ErrorCode.StorageUnreadable, path, `cannot be read (${message(err)})`, err);
}

/** Makes the names just created, renamed or removed in `dir` durable (fsync of the directory). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Windows cannot fsync a directory; elsewhere a failed fsync is a real failure.
    if (!['EISDIR', 'EPERM', 'EINVAL'].includes(errorCode(err) ?? '')) throw err;
  } finally {
    await handle.close();
  }
}

function deepestCause(err: unknown): unknown {
  let e = err;
  while (e instanceof Error && e.cause !== undefined) e = e.cause;
  return e;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
