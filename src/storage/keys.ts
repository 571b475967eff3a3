/**
 * Key layout of a node's database. Every key starts with a one-byte prefix so each table is one
 * contiguous key range:
 *
 * | prefix | table | key after the prefix |
 * |---|---|---|
 * | `m` | meta records (identity, hard state, log start) | ASCII record name |
 * | `e` | raft log entries | index, 8 bytes big-endian |
 * | `s` | stored snapshot | `0x00` = snapshot meta; `0x02` + generation + chunk number (4 bytes big-endian each) = data chunk (`0x01` + chunk number: generation 0, written before generations existed) |
 *
 * Other tables sharing the database (job records, queue indexes, idempotency keys) must take
 * other prefixes.
 */

const PREFIX_META = 0x6d; // 'm'
const PREFIX_ENTRY = 0x65; // 'e'
const PREFIX_SNAPSHOT = 0x73; // 's'

const SNAPSHOT_META = 0x00;
const SNAPSHOT_CHUNK = 0x01;
const SNAPSHOT_GEN_CHUNK = 0x02;

/** Largest index a key can hold without losing precision in a JS number. */
const MAX_INDEX = Number.MAX_SAFE_INTEGER;

function metaKey(name: string): Uint8Array {
  const key = new Uint8Array(1 + name.length);
  key[0] = PREFIX_META;
  key.set(new TextEncoder().encode(name), 1);
  return key;
}

export const IDENTITY_KEY = metaKey('identity');
export const HARD_STATE_KEY = metaKey('hardState');
export const LOG_START_KEY = metaKey('logStart');
/** The data directory's incarnation: 4 bytes, big-endian, non-zero (see `RaftStorage.incarnation`). */
export const INCARNATION_KEY = metaKey('incarnation');
export const SNAPSHOT_META_KEY = Uint8Array.of(PREFIX_SNAPSHOT, SNAPSHOT_META);

/** Key of the log entry at `index` (sorts by index). */
export function entryKey(index: number): Uint8Array {
  const key = new Uint8Array(9);
  const view = new DataView(key.buffer);
  key[0] = PREFIX_ENTRY;
  view.setUint32(1, Math.floor(index / 2 ** 32));
  view.setUint32(5, index >>> 0);
  return key;
}

/** Index held by an entry key, or `null` if `key` is not an entry key. */
export function entryKeyIndex(key: Uint8Array): number | null {
  if (key.length !== 9 || key[0] !== PREFIX_ENTRY) return null;
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return view.getUint32(1) * 2 ** 32 + view.getUint32(5);
}

/** Key range covering every log entry. */
export const ENTRY_RANGE = { gte: entryKey(0), lte: entryKey(MAX_INDEX) } as const;

/**
 * Key of data chunk `n` (0-based) of the snapshot of `generation`. Every stored snapshot has its
 * own generation, so a new one is written beside the old one (in several batches, while the log
 * keeps being written) and replaces it with one small write of the meta record.
 */
export function snapshotChunkKey(n: number, generation = 0): Uint8Array {
  if (generation === 0) {
    const key = new Uint8Array(6);
    key[0] = PREFIX_SNAPSHOT;
    key[1] = SNAPSHOT_CHUNK;
    new DataView(key.buffer).setUint32(2, n);
    return key;
  }
  const key = new Uint8Array(10);
  key[0] = PREFIX_SNAPSHOT;
  key[1] = SNAPSHOT_GEN_CHUNK;
  const view = new DataView(key.buffer);
  view.setUint32(2, generation);
  view.setUint32(6, n);
  return key;
}

/** Generation and chunk number held by a snapshot chunk key, or `null` if `key` is not one. */
export function snapshotChunkOf(key: Uint8Array): { readonly generation: number; readonly n: number } | null {
  if (key[0] !== PREFIX_SNAPSHOT) return null;
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  if (key.length === 6 && key[1] === SNAPSHOT_CHUNK) return { generation: 0, n: view.getUint32(2) };
  if (key.length === 10 && key[1] === SNAPSHOT_GEN_CHUNK) return { generation: view.getUint32(2), n: view.getUint32(6) };
  return null;
}

/** Key range of every chunk of one snapshot generation. */
export function snapshotGenerationRange(generation: number): { readonly gte: Uint8Array; readonly lt: Uint8Array } {
  if (generation === 0) return { gte: snapshotChunkKey(0, 0), lt: Uint8Array.of(PREFIX_SNAPSHOT, SNAPSHOT_GEN_CHUNK) };
  return { gte: snapshotChunkKey(0, generation), lt: snapshotChunkKey(0, generation + 1) };
}

/** Key range covering the snapshot meta and all its chunks, in that order. */
export const SNAPSHOT_RANGE = { gte: SNAPSHOT_META_KEY, lt: Uint8Array.of(PREFIX_SNAPSHOT + 1) } as const;

