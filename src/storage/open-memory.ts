import { MemoryLevel } from 'memory-level';
import type { StorageIdentity } from './codec.js';
import { MEMORY_PATH } from './failures.js';
import { RaftStorage, type StorageDatabase } from './raft-storage.js';

/** The in-memory twin of `openLevelStorage`, for tests and the simulator. */
export interface MemoryStorageOptions<K, V> {
  readonly clusterId: string;
  readonly nodeId: string;
  /**
   * The database to use. Pass the `db` of a closed storage to simulate a restart: its contents
   * survive `close()`. Default: a new, empty `MemoryLevel`.
   */
  readonly db?: MemoryLevel<K, V>;
}

/**
 * Opens storage over a `MemoryLevel`, with the identity checks of `openLevelStorage`: an empty
 * database gets this node's identity; one holding another node's or cluster's identity is
 * refused with `STORAGE_FOREIGN`, one holding data but no identity with `STORAGE_CORRUPT`.
 */
export async function openMemoryStorage<K = Uint8Array, V = Uint8Array>(
  opts: MemoryStorageOptions<K, V>,
): Promise<RaftStorage> {
  const identity: StorageIdentity = { clusterId: opts.clusterId, nodeId: opts.nodeId };
  const db = (opts.db ?? new MemoryLevel<K, V>()) as StorageDatabase;
  await db.open();
  try {
    return await RaftStorage.open(db, identity, { path: MEMORY_PATH, copyChunks: true, initializeEmpty: true });
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
