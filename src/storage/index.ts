/**
 * Durable storage of one raftjobs node: the Raft hard state, log and snapshot in one LevelDB
 * (`openLevelStorage`), and an in-memory twin over `memory-level` (`openMemoryStorage`).
 */
export { type LogPosition, type StorageIdentity, FORMAT_VERSION } from './codec.js';
export { type LevelStorageOptions, DATABASE_DIR, IDENTITY_FILE, openLevelStorage, syncDir } from './open-level.js';
export { type MemoryStorageOptions, openMemoryStorage } from './open-memory.js';
export {
  type PersistBatch,
  type SnapshotToSave,
  type StorageDatabase,
  type StoredState,
  RaftStorage,
  SNAPSHOT_CHUNK_BYTES,
} from './raft-storage.js';
