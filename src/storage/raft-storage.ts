import type { AbstractLevel } from 'abstract-level';
import { randomInt } from 'node:crypto';
import { ErrorCode, RaftJobsError, isRaftJobsError } from '../errors/index.js';
import { MAX_INCARNATION } from '../limits/index.js';
import type { Entry, HardState, Snapshot, SnapshotMeta } from '../raft/types.js';
import {
  type LogPosition,
  type SnapshotRecord,
  type StorageIdentity,
  checkIdentity,
  decodeEntry,
  decodeEntryTerm,
  decodeHardState,
  decodeIdentity,
  decodeLogStart,
  decodeSnapshotRecord,
  encodeEntry,
  encodeHardState,
  encodeIdentity,
  encodeLogStart,
  encodeSnapshotRecord,
} from './codec.js';
import { corrupt, dataLoss, errorCode, misuse, refuse } from './failures.js';
import {
  ENTRY_RANGE,
  HARD_STATE_KEY,
  IDENTITY_KEY,
  INCARNATION_KEY,
  LOG_START_KEY,
  SNAPSHOT_META_KEY,
  SNAPSHOT_RANGE,
  entryKey,
  entryKeyIndex,
  snapshotChunkKey,
  snapshotChunkOf,
  snapshotGenerationRange,
} from './keys.js';

/**
 * Any abstract-level database: `Level` from `level` on disk, `MemoryLevel` from `memory-level` in
 * tests and simulations. Storage passes its encodings on every call, so the database's default
 * encodings do not matter.
 */
export type StorageDatabase = AbstractLevel<string | Buffer | Uint8Array, unknown, unknown>;

/** What one Ready asks to make durable. A `Ready` from the core fits as is. */
export interface PersistBatch {
  readonly hardState: HardState | null;
  readonly entries: readonly Entry[];
  readonly snapshot: Snapshot | null;
}

/** Everything persisted, as the core restarts from it. */
export interface StoredState {
  /** First boot: term 0, vote null, commit 0. */
  readonly hardState: HardState;
  /** Meta of the stored snapshot, or null. */
  readonly snapshot: SnapshotMeta | null;
  /** Contiguous, in index order, starting at `logStart.index + 1`. */
  readonly entries: Entry[];
  /** Index and term of the entry just before `entries[0]` (0/0 when nothing was ever compacted). */
  readonly logStart: LogPosition;
}

/** Snapshot data is stored in values of at most this many bytes (1 MiB). */
export const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

/**
 * A snapshot to store: its data in one buffer, or in pieces that joined in order are its data (a
 * large state's snapshot is made in pieces, so that no buffer the size of the state is allocated;
 * `loadSnapshot` reads it back joined).
 */
export interface SnapshotToSave {
  readonly meta: SnapshotMeta;
  readonly data: Uint8Array | readonly Uint8Array[];
}

/** `data` cut into the values it is stored in: each piece in order, in views of at most `SNAPSHOT_CHUNK_BYTES`. */
function chunksOf(data: Uint8Array | readonly Uint8Array[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (const piece of data instanceof Uint8Array ? [data] : data) {
    for (let at = 0; at < piece.byteLength; at += SNAPSHOT_CHUNK_BYTES) chunks.push(piece.subarray(at, at + SNAPSHOT_CHUNK_BYTES));
  }
  return chunks;
}
/**
 * `saveSnapshot` writes its data in batches of this many chunks: LevelDB holds every other write
 * while one batch goes in, so one batch of a whole large snapshot would stall the log for as long
 * as it takes (about 300 ms for 80 MB on this class of machine); 2 MiB batches stall it for tens of ms.
 */
const SNAPSHOT_CHUNKS_PER_BATCH = 2;
/**
 * Pause between those batches, ms. LevelDB buffers writes in a 4 MB memtable and, when it fills
 * while the previous one is still being written out, holds every write ("Current memtable full;
 * waiting..." in its LOG): batches written back to back made a 33 MB snapshot do that one to three
 * times, each a stall of the log's synced writes. Paced, the memtable is written out between them
 * (a 33 MB snapshot takes about 0.7 s longer to store; it is written beside the old one meanwhile).
 */
export const SNAPSHOT_BATCH_GAP_MS = 40;

const INITIAL_HARD_STATE: HardState = { term: 0, vote: null, commit: 0 };
const VIEW = { keyEncoding: 'view', valueEncoding: 'view' } as const;
/** abstract-level's option types do not know LevelDB's `sync`; classic-level reads it. */
const SYNCED_WRITE: typeof VIEW & { readonly sync: boolean } = { ...VIEW, sync: true };
const UNSYNCED_WRITE: typeof VIEW & { readonly sync: boolean } = { ...VIEW, sync: false };

type Op = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

/** @internal Options of {@link RaftStorage.open}, set by `openLevelStorage` / `openMemoryStorage`. */
export interface RaftStorageOpenOptions {
  /** Named in every error message. */
  readonly path: string;
  /** Copy snapshot chunks before writing (an in-memory store would otherwise alias the caller's buffer). */
  readonly copyChunks: boolean;
  /** Write the identity record when the database is completely empty (first boot). */
  readonly initializeEmpty: boolean;
  /** Pause between the batches of a snapshot's data, ms (LevelDB: `SNAPSHOT_BATCH_GAP_MS`; in-memory stores: 0). */
  readonly snapshotBatchGapMs?: number;
}

/**
 * Durable Raft state of one node: hard state, log, snapshot. Every write is one atomic batch
 * written with `sync: true`; writes run one at a time in call order. A failed write poisons the
 * storage: that call and every later one reject with `DATA_LOSS`, and the node must stop.
 */
export class RaftStorage {
  /** The underlying database. Other tables of this node may share it under their own key prefixes. */
  readonly db: StorageDatabase;
  /** Where the data lives, as named in error messages. */
  readonly path: string;
  /**
   * A random non-zero number fixed when this database first opened. A node whose data directory was
   * wiped comes back with a new one, which tells its leader that the entries it acknowledged before
   * are gone (`RaftOptions.incarnation`).
   */
  readonly incarnation: number;

  readonly #copyChunks: boolean;
  #logStart: LogPosition;
  /** Index of the last stored entry (`logStart.index` when the log is empty). */
  #lastIndex: number;
  #snapshot: SnapshotRecord | null;
  /** Last snapshot generation handed out (`snapshotChunkKey`). */
  #generation: number;
  #queue: Promise<unknown> = Promise.resolve();
  /** LevelDB compactions started by `compact`, running in the background (awaited by `close`). */
  #reclaim: Promise<void> = Promise.resolve();
  #failure: RaftJobsError | null = null;
  #closed = false;
  readonly #snapshotBatchGapMs: number;

  private constructor(
    db: StorageDatabase,
    opts: RaftStorageOpenOptions,
    logStart: LogPosition,
    lastIndex: number,
    snapshot: SnapshotRecord | null,
    incarnation: number,
  ) {
    this.db = db;
    this.path = opts.path;
    this.incarnation = incarnation;
    this.#copyChunks = opts.copyChunks;
    this.#snapshotBatchGapMs = opts.snapshotBatchGapMs ?? 0;
    this.#logStart = logStart;
    this.#lastIndex = lastIndex;
    this.#snapshot = snapshot;
    this.#generation = snapshot?.generation ?? 0;
  }

  /**
   * @internal Checks the identity record of an open database and reads the log bounds. Throws
   * `STORAGE_FOREIGN`, `STORAGE_CORRUPT` or `STORAGE_UNREADABLE` without writing anything, except
   * the identity record into a completely empty database when `initializeEmpty` is set.
   */
  static async open(db: StorageDatabase, identity: StorageIdentity, opts: RaftStorageOpenOptions): Promise<RaftStorage> {
    const { path } = opts;
    try {
      const raw = await db.get<Uint8Array, Uint8Array>(IDENTITY_KEY, VIEW);
      if (raw === undefined) {
        const [any] = await db.keys<Uint8Array>({ keyEncoding: 'view', limit: 1 }).all();
        if (any !== undefined) throw corrupt(path, 'it holds data but no raftjobs identity record');
        if (!opts.initializeEmpty) throw corrupt(path, 'it has no raftjobs identity record');
        await db.put<Uint8Array, Uint8Array>(IDENTITY_KEY, encodeIdentity(identity), SYNCED_WRITE);
      } else {
        checkIdentity(decodeIdentity(raw, path), identity, path);
      }
      const logStartRaw = await db.get<Uint8Array, Uint8Array>(LOG_START_KEY, VIEW);
      const logStart = logStartRaw === undefined ? { index: 0, term: 0 } : decodeLogStart(logStartRaw, path);
      const snapRaw = await db.get<Uint8Array, Uint8Array>(SNAPSHOT_META_KEY, VIEW);
      const snapshot = snapRaw === undefined ? null : decodeSnapshotRecord(snapRaw, path);
      const hardRaw = await db.get<Uint8Array, Uint8Array>(HARD_STATE_KEY, VIEW);
      if (hardRaw !== undefined) decodeHardState(hardRaw, path);
      const [lastKey] = await db.keys<Uint8Array>({ ...ENTRY_RANGE, keyEncoding: 'view', reverse: true, limit: 1 }).all();
      const lastIndex = lastKey === undefined ? logStart.index : (entryKeyIndex(lastKey) ?? logStart.index);
      if (lastIndex < logStart.index) {
        throw corrupt(path, `the log ends at ${lastIndex}, before its start ${logStart.index}`);
      }
      const incarnation = await readIncarnation(db, path);
      return new RaftStorage(db, opts, logStart, lastIndex, snapshot, incarnation);
    } catch (err) {
      throw readFailure(err, path, 'read its raft state');
    }
  }

  /** Index of the last stored entry, or of the log start when the log is empty. */
  get lastIndex(): number {
    return this.#lastIndex;
  }

  /** Reads everything persisted: what the core restarts from. */
  load(): Promise<StoredState> {
    return this.#serial('read its raft state', async () => {
      const { db, path } = this;
      const hardRaw = await db.get<Uint8Array, Uint8Array>(HARD_STATE_KEY, VIEW);
      const hardState = hardRaw === undefined ? INITIAL_HARD_STATE : decodeHardState(hardRaw, path);
      const logStart = this.#logStart;
      const entries: Entry[] = [];
      const it = db.iterator<Uint8Array, Uint8Array>({ gt: entryKey(logStart.index), lte: ENTRY_RANGE.lte, ...VIEW });
      for await (const [key, value] of it) {
        const index = entryKeyIndex(key);
        const expected = logStart.index + entries.length + 1;
        if (index !== expected) throw corrupt(path, `log entry ${expected} is missing (found ${String(index)})`);
        entries.push(decodeEntry(index, value, path));
      }
      return { hardState, snapshot: this.#snapshot?.meta ?? null, entries, logStart };
    });
  }

  /**
   * Makes one Ready durable in one synced batch: `snapshot` (replacing the stored one and
   * discarding the whole log), then `entries` (overwriting stored entries from `entries[0].index`
   * on and deleting any stored entries after the last new one), then `hardState`.
   *
   * With `sync: false` the batch reaches the operating system but is not fsynced: it survives the
   * process being killed, not the machine losing power. For what need not be durable at once (a
   * hard state whose only change is the commit index, which a restarted node learns again).
   */
  persist(batch: PersistBatch, opts: { readonly sync?: boolean } = {}): Promise<void> {
    return this.#serial('persist a Ready', async () => {
      const ops: Op[] = [];
      let logStart = this.#logStart;
      let lastIndex = this.#lastIndex;
      let snapshot = this.#snapshot;
      const replaced = this.#snapshot;
      if (batch.snapshot !== null) {
        this.#deleteEntries(ops, logStart.index + 1, lastIndex);
        snapshot = this.#putSnapshot(ops, batch.snapshot, await this.#newGeneration());
        logStart = { index: batch.snapshot.meta.index, term: batch.snapshot.meta.term };
        lastIndex = logStart.index;
        ops.push({ type: 'put', key: LOG_START_KEY, value: encodeLogStart(logStart) });
      }
      const first = batch.entries[0];
      if (first !== undefined) {
        if (first.index <= logStart.index || first.index > lastIndex + 1) {
          throw misuse(this.path, `entries start at ${first.index}, outside the stored log (${logStart.index}, ${lastIndex + 1}]`);
        }
        batch.entries.forEach((entry, i) => {
          if (entry.index !== first.index + i) throw misuse(this.path, `entries are not contiguous at ${entry.index}`);
          ops.push({ type: 'put', key: entryKey(entry.index), value: encodeEntry(entry) });
        });
        const newLast = first.index + batch.entries.length - 1;
        this.#deleteEntries(ops, newLast + 1, lastIndex);
        lastIndex = newLast;
      }
      if (batch.hardState !== null) ops.push({ type: 'put', key: HARD_STATE_KEY, value: encodeHardState(batch.hardState) });
      if (ops.length === 0) return;
      await this.#write(ops, 'persist a Ready', opts.sync ?? true);
      this.#logStart = logStart;
      this.#lastIndex = lastIndex;
      this.#snapshot = snapshot;
      if (batch.snapshot !== null) {
        // An installed snapshot replaced the whole log and the previous snapshot.
        this.#reclaimSpace(ENTRY_RANGE.gte, entryKey(logStart.index + 1));
        await this.#dropGeneration(replaced);
      }
    });
  }

  /**
   * Stores the node's own snapshot of its state machine, replacing any stored snapshot. The log is
   * kept: call {@link compact} afterwards to discard entries the snapshot covers.
   *
   * The data goes in beside the stored snapshot in small batches that other writes (`persist`) run
   * between, so a large snapshot does not hold up the log; one small synced write of its meta record
   * then replaces the old snapshot, whose chunks are deleted. A reader sees the old snapshot or the
   * new one, whole, and a crash midway leaves the old one.
   */
  async saveSnapshot(snapshot: SnapshotToSave): Promise<void> {
    const refused = this.#unusable();
    if (refused !== null) throw refused;
    const generation = await this.#serial('save a snapshot', () => this.#newGeneration());
    const parts = chunksOf(snapshot.data);
    const chunks = parts.length;
    const size = parts.reduce((n, p) => n + p.byteLength, 0);
    for (let first = 0; first < chunks; first += SNAPSHOT_CHUNKS_PER_BATCH) {
      const ops: Op[] = [];
      for (let n = first; n < Math.min(chunks, first + SNAPSHOT_CHUNKS_PER_BATCH); n++) ops.push(this.#chunkOp(parts[n] as Uint8Array, n, generation));
      await this.#serial('save a snapshot', () => this.#write(ops, 'save a snapshot', false));
      const gap = this.#snapshotBatchGapMs;
      if (gap > 0 && first + SNAPSHOT_CHUNKS_PER_BATCH < chunks) await new Promise((resolve) => setTimeout(resolve, gap));
    }
    await this.#serial('save a snapshot', async () => {
      if (snapshot.meta.index < this.#logStart.index) {
        await this.db.clear({ ...snapshotGenerationRange(generation), ...VIEW });
        throw misuse(this.path, `snapshot at ${snapshot.meta.index} is older than the log start ${this.#logStart.index}`);
      }
      const record: SnapshotRecord = { meta: snapshot.meta, size, chunks, generation };
      // Synced: it also makes the unsynced chunk batches before it durable.
      await this.#write([{ type: 'put', key: SNAPSHOT_META_KEY, value: encodeSnapshotRecord(record) }], 'save a snapshot');
      const replaced = this.#snapshot;
      this.#snapshot = record;
      await this.#dropGeneration(replaced);
    });
  }

  /** Reads the stored snapshot with its data, or null. Reads one consistent view of the database. */
  async loadSnapshot(): Promise<Snapshot | null> {
    const refused = this.#unusable();
    if (refused !== null) throw refused;
    const { path } = this;
    try {
      let record: SnapshotRecord | null = null;
      let data = new Uint8Array(0);
      let offset = 0;
      let next = 0;
      // One iterator: one consistent view of the meta record and its generation's chunks.
      const it = this.db.iterator<Uint8Array, Uint8Array>({ ...SNAPSHOT_RANGE, ...VIEW });
      for await (const [key, value] of it) {
        if (record === null) {
          if (snapshotChunkOf(key) !== null) return null; // chunks of a first snapshot still being written
          record = decodeSnapshotRecord(value, path);
          data = new Uint8Array(record.size);
          continue;
        }
        const chunk = snapshotChunkOf(key);
        if (chunk === null || chunk.generation !== record.generation) continue; // being written, or left over
        const n = chunk.n;
        if (n >= record.chunks) continue; // left over: never read
        if (n !== next || offset + value.byteLength > record.size) throw corrupt(path, `snapshot chunk ${next} is missing or too long`);
        data.set(value, offset);
        offset += value.byteLength;
        next++;
      }
      if (record === null) return null;
      if (next !== record.chunks || offset !== record.size) throw corrupt(path, 'snapshot data is incomplete');
      return { meta: record.meta, data };
    } catch (err) {
      throw readFailure(err, path, 'read its snapshot', ErrorCode.DataLoss);
    }
  }

  /**
   * Deletes the entries below `firstIndex` and records the log start as (`firstIndex - 1`, its
   * term). Only entries a stored snapshot covers can go. A `firstIndex` at or below the current
   * start is a no-op.
   */
  compact(firstIndex: number): Promise<void> {
    return this.#serial('compact the log', async () => {
      const newStart = firstIndex - 1;
      if (newStart <= this.#logStart.index) return;
      if (newStart > this.#lastIndex) throw misuse(this.path, `cannot compact to ${firstIndex}: the log ends at ${this.#lastIndex}`);
      const snapIndex = this.#snapshot?.meta.index ?? 0;
      if (newStart > snapIndex) throw misuse(this.path, `cannot compact to ${firstIndex}: no snapshot covers ${newStart}`);
      const raw = await this.db.get<Uint8Array, Uint8Array>(entryKey(newStart), VIEW);
      if (raw === undefined) throw corrupt(this.path, `log entry ${newStart} is missing`);
      const logStart = { index: newStart, term: decodeEntryTerm(newStart, raw, this.path) };
      const ops: Op[] = [];
      this.#deleteEntries(ops, this.#logStart.index + 1, newStart);
      ops.push({ type: 'put', key: LOG_START_KEY, value: encodeLogStart(logStart) });
      await this.#write(ops, 'compact the log');
      this.#logStart = logStart;
      this.#reclaimSpace(entryKey(0), entryKey(newStart));
    });
  }

  /**
   * Deleted keys only leave LevelDB's files when a compaction rewrites them, which a quiet node
   * may not do for a long time. Compacting the deleted range (which also flushes the write-ahead
   * log) gives the space back now. It runs in LevelDB's background thread, not in the write queue:
   * Raft writes go on meanwhile. Only the on-disk layout changes, so a failure is harmless.
   */
  #reclaimSpace(start: Uint8Array, end: Uint8Array): void {
    const db = this.db as unknown as { compactRange?: (start: Uint8Array, end: Uint8Array, options: typeof VIEW) => Promise<void> };
    const compactRange = db.compactRange;
    if (typeof compactRange !== 'function') return; // memory-level: nothing on disk
    this.#reclaim = this.#reclaim.then(() => compactRange.call(db, start, end, VIEW)).catch(() => undefined);
  }

  /** Waits for pending writes, then closes the database. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    await this.#reclaim;
    await this.db.close();
  }

  /** Why no new call may start, or null. */
  #unusable(): RaftJobsError | null {
    if (this.#failure !== null) return this.#failure;
    if (this.#closed) return new RaftJobsError(ErrorCode.ShuttingDown, `Storage at ${this.path} is closed`, { path: this.path });
    return null;
  }

  /**
   * Runs `fn` after every earlier call (calls made before `close()` still run). Any failure other
   * than a caller's misuse poisons the storage.
   */
  #serial<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const refused = this.#unusable();
    if (refused !== null) return Promise.reject(refused);
    const run = this.#queue.then(async () => {
      if (this.#failure !== null) throw this.#failure;
      try {
        return await fn();
      } catch (err) {
        if (isRaftJobsError(err, ErrorCode.Internal)) throw err;
        this.#failure ??= readFailure(err, this.path, what, ErrorCode.DataLoss);
        throw this.#failure;
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #write(ops: Op[], what: string, sync = true): Promise<void> {
    try {
      await this.db.batch<Uint8Array, Uint8Array>(ops, sync ? SYNCED_WRITE : UNSYNCED_WRITE);
    } catch (err) {
      throw dataLoss(this.path, what, err);
    }
  }

  /** Deletes stored entries `from..to` (inclusive); the log is contiguous, so no scan is needed. */
  #deleteEntries(ops: Op[], from: number, to: number): void {
    for (let i = from; i <= to; i++) ops.push({ type: 'del', key: entryKey(i) });
  }

  /** Writes `snapshot` as meta plus 1 MiB chunks of `generation` (the caller drops the previous one's). */
  #putSnapshot(ops: Op[], snapshot: Snapshot, generation: number): SnapshotRecord {
    const { data } = snapshot;
    const parts = chunksOf(data);
    const record: SnapshotRecord = { meta: snapshot.meta, size: data.byteLength, chunks: parts.length, generation };
    ops.push({ type: 'put', key: SNAPSHOT_META_KEY, value: encodeSnapshotRecord(record) });
    parts.forEach((part, n) => ops.push(this.#chunkOp(part, n, generation)));
    return record;
  }

  #chunkOp(part: Uint8Array, n: number, generation: number): Op {
    return { type: 'put', key: snapshotChunkKey(n, generation), value: this.#copyChunks ? new Uint8Array(part) : part };
  }

  /** A generation no stored snapshot uses, cleared of chunks a crash in an earlier save left behind. */
  async #newGeneration(): Promise<number> {
    const generation = ++this.#generation;
    await this.db.clear({ ...snapshotGenerationRange(generation), ...VIEW });
    return generation;
  }

  /** Deletes the chunks of a snapshot that was replaced, and gives their space back. */
  async #dropGeneration(replaced: SnapshotRecord | null): Promise<void> {
    if (replaced === null) return;
    const range = snapshotGenerationRange(replaced.generation);
    await this.db.clear({ ...range, ...VIEW });
    this.#reclaimSpace(range.gte, range.lt);
  }
}

/** The database's incarnation, made (and written, synced) on the first open that finds none. */
async function readIncarnation(db: StorageDatabase, path: string): Promise<number> {
  const raw = await db.get<Uint8Array, Uint8Array>(INCARNATION_KEY, VIEW);
  if (raw !== undefined) {
    if (raw.byteLength !== 4) throw corrupt(path, 'the incarnation record is malformed');
    const n = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0);
    if (n === 0) throw corrupt(path, 'the incarnation record is zero');
    return n;
  }
  const n = randomInt(1, MAX_INCARNATION + 1);
  const value = new Uint8Array(4);
  new DataView(value.buffer).setUint32(0, n);
  await db.put<Uint8Array, Uint8Array>(INCARNATION_KEY, value, SYNCED_WRITE);
  return n;
}

/** Maps a read failure: our own errors pass through; LevelDB corruption is STORAGE_CORRUPT. */
function readFailure(err: unknown, path: string, what: string, otherwise: ErrorCode = ErrorCode.StorageUnreadable): RaftJobsError {
  if (isRaftJobsError(err)) return err;
  if (errorCode(err) === 'LEVEL_CORRUPTION') return corrupt(path, `LevelDB reports corruption (${err instanceof Error ? err.message : ''})`, err);
  if (otherwise === ErrorCode.DataLoss) return dataLoss(path, what, err);
  return refuse(ErrorCode.StorageUnreadable, path, `cannot be read (${err instanceof Error ? err.message : String(err)})`, err);
}
