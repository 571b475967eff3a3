import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { readBackupFile } from '../backup/index.js';
import { nodeDataDir, type Config } from '../config/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { checkJobsState, seedStorage } from '../node/index.js';
import { DATABASE_DIR, openLevelStorage, syncDir } from '../storage/index.js';
import { jobsOptions } from './node-server.js';

/** What `restoreBackup` wrote. */
export interface RestoreReport {
  /** The new cluster's id (the config's). */
  readonly clusterId: string;
  /** The cluster the backup was taken from. */
  readonly sourceClusterId: string;
  /** The backup's log index, where the new cluster's log starts (its snapshot, of term `SEED_TERM`). */
  readonly index: number;
  readonly createdAtMs: number;
  readonly jobs: number;
  readonly schedules: number;
  readonly bytes: number;
  readonly sha256: string;
  /** Every node of the config, with the data directory seeded for it. */
  readonly nodes: readonly { readonly id: string; readonly address: string; readonly dataDir: string }[];
}

/** Entries of a data directory that are not data (as the storage itself counts them). */
const NOT_DATA: ReadonlySet<string> = new Set(['lost+found']);
/** Where a node's data is built before it is moved into place, inside its data directory. */
const STAGING_DIR = '.restoring';

/**
 * Seeds a new cluster from a backup file: for every node of `config`, a data directory whose
 * snapshot is the backup's state (at the backup's index, of term `SEED_TERM`, with the config's
 * nodes as the voters at their addresses) under the config's cluster id and the node's id, so
 * that `raftjobs node --config ... --id X` on each starts a cluster holding the backup's jobs,
 * schedules and idempotency keys.
 *
 * Refuses, changing nothing: a file that is not a complete, undamaged backup (INVALID_ARGUMENT);
 * a config whose cluster id is the backup's own (CONFIG_INVALID: a restore makes a new cluster);
 * any data directory of the config's nodes that holds data already (ALREADY_EXISTS). Each node's
 * database is built in `<dir>/.restoring` and moved into place once every node's is built; a
 * failure removes what it made. A restore cut short by a crash leaves `.restoring` behind, which a
 * node refuses to start on (the directory is not empty) rather than starting an empty cluster.
 */
export async function restoreBackup(file: string, config: Config): Promise<RestoreReport> {
  const { header, data } = await readBackupFile(file);
  if (header.clusterId === config.clusterId) {
    throw new RaftJobsError(
      ErrorCode.ConfigInvalid,
      `clusterId: the backup was taken from cluster ${JSON.stringify(header.clusterId)}, the config's own id; a restore makes a new cluster, so give its config another clusterId`,
    );
  }
  const checked = checkJobsState(data, jobsOptions(config));
  if (!checked.ok) throw new RaftJobsError(ErrorCode.InvalidArgument, `${file}: its state does not restore with this config: ${checked.error}`, { path: file });
  if (checked.value.index > header.index) {
    throw new RaftJobsError(ErrorCode.InvalidArgument, `${file}: its state is of index ${checked.value.index}, past the index ${header.index} its header names`, { path: file });
  }

  const nodes = config.nodes.map((n) => ({ id: n.id, address: n.address, dataDir: nodeDataDir(config, n.id) }));
  const occupied = (await Promise.all(nodes.map(async (n) => ((await holdsData(n.dataDir)) ? n : null)))).filter((n) => n !== null);
  if (occupied.length > 0) {
    throw new RaftJobsError(
      ErrorCode.AlreadyExists,
      `a restore writes only into empty data directories, and ${occupied.map((n) => `${n.id}'s (${n.dataDir})`).join(', ')} ${occupied.length === 1 ? 'holds' : 'hold'} data; nothing was written. ` +
        'Remove them, or give the config another dataDir',
    );
  }

  const membership = { voters: nodes.map((n) => n.id), addresses: Object.fromEntries(nodes.map((n) => [n.id, n.address])) };
  const made: string[] = [];
  const placed: string[] = [];
  try {
    for (const n of nodes) {
      if (!(await exists(n.dataDir))) {
        await fs.mkdir(n.dataDir, { recursive: true });
        made.push(n.dataDir);
      }
      const storage = await openLevelStorage({ dir: join(n.dataDir, STAGING_DIR), clusterId: config.clusterId, nodeId: n.id });
      try {
        await seedStorage(storage, { index: header.index, data, membership });
      } finally {
        await storage.close();
      }
    }
    for (const n of nodes) {
      await fs.rename(join(n.dataDir, STAGING_DIR, DATABASE_DIR), join(n.dataDir, DATABASE_DIR));
      placed.push(n.dataDir);
      await fs.rm(join(n.dataDir, STAGING_DIR), { recursive: true, force: true });
      await syncDir(n.dataDir);
    }
  } catch (err) {
    await Promise.all(nodes.map((n) => fs.rm(join(n.dataDir, STAGING_DIR), { recursive: true, force: true }).catch(() => undefined)));
    await Promise.all(placed.map((dir) => fs.rm(join(dir, DATABASE_DIR), { recursive: true, force: true }).catch(() => undefined)));
    await Promise.all(made.map((dir) => fs.rm(dir, { recursive: true, force: true }).catch(() => undefined)));
    throw err;
  }
  return {
    clusterId: config.clusterId,
    sourceClusterId: header.clusterId,
    index: header.index,
    createdAtMs: header.createdAtMs,
    jobs: checked.value.jobs,
    schedules: checked.value.schedules,
    bytes: header.sizeBytes,
    sha256: header.sha256,
    nodes,
  };
}

/** True when `dir` exists and holds anything but what a fresh file system puts there. */
async function holdsData(dir: string): Promise<boolean> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code === 'ENOTDIR') return true;
    throw new RaftJobsError(ErrorCode.StorageUnreadable, `${dir} cannot be read (${(err as Error).message})`, { path: dir }, { cause: err });
  }
  return names.some((n) => !NOT_DATA.has(n));
}

async function exists(path: string): Promise<boolean> {
  return fs.stat(path).then(
    () => true,
    () => false,
  );
}
