import { MemoryLevel } from 'memory-level';
import { decodeLogStart, decodeSnapshotRecord, encodeIdentity, type StorageIdentity } from '../storage/codec.js';
import { MEMORY_PATH } from '../storage/failures.js';
import { entryKeyIndex, IDENTITY_KEY, INCARNATION_KEY, LOG_START_KEY, SNAPSHOT_META_KEY } from '../storage/keys.js';

/** One write of a batch as memory-level hands it to `_batch` (keys and values as `Uint8Array`). */
export type DiskOp = { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array } | { readonly type: 'del'; readonly key: Uint8Array };

/** What the simulation decides about each write, and what it learns when one lands. */
export interface DiskHost {
  /** Virtual ms this write takes (it lands, atomically, when they have passed). */
  writeDelay(disk: SimDisk, ops: readonly DiskOp[], sync: boolean): number;
  /** Run `fn` after `ms` virtual ms. */
  after(ms: number, fn: () => void): void;
  /** A write is about to land on `disk` (checks see the disk as it was before it). */
  landing(disk: SimDisk, ops: readonly DiskOp[], sync: boolean): void;
  /**
   * Hand the end of a write to the process that made it (held while that process is paused, and
   * dropped when it is dead). The write itself has landed already.
   */
  deliver(disk: SimDisk, fn: () => void): void;
}

/** The key of `key` in the disk's maps. */
export function diskKey(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

interface PendingWrite {
  done: boolean;
  land(): void;
}

/** memory-level's own `_batch` (not in its type declarations): applies a batch to the tree at once. */
const baseBatch = (MemoryLevel.prototype as unknown as { readonly _batch: (this: MemoryLevel<Uint8Array, Uint8Array>, ops: readonly DiskOp[], options: object) => Promise<void> })._batch;

/**
 * A node's disk in the driver simulation, as it outlives the processes that use it: the contents
 * every completed write left (`current`), the part of it that is synced (`durable`), and writes
 * still in flight. A process crash loses the writes in flight; a power loss also loses completed
 * writes made with `sync: false` since the last synced one (LevelDB's log is sequential: a synced
 * write makes every earlier one durable). Each process life opens a fresh {@link SimLevel} over
 * what survived.
 */
export class SimDisk {
  /** Everything completed writes left, synced or not: what a restarted process reads. */
  readonly current = new Map<string, Uint8Array>();
  /** What a power loss leaves. */
  private readonly durable = new Map<string, Uint8Array>();
  /** Completed unsynced batches since the last synced write, oldest first. */
  private unsynced: DiskOp[][] = [];
  private readonly pending = new Set<PendingWrite>();
  /** Bumped when a crash or power loss ends the process: its writes in flight never land. */
  private epoch = 0;
  /** Set once this disk was thrown away (disk loss): nothing lands on it any more. */
  private discarded = false;
  /** Writes that were in flight at a crash, and unsynced batches a power loss dropped. */
  readonly lost = { inFlight: 0, unsynced: 0 };

  /**
   * @param incarnation written into the new disk (as `RaftStorage` would on first open, but chosen
   *   by the simulation's seed so a run replays exactly).
   */
  constructor(
    readonly nodeId: string,
    readonly incarnation: number,
    identity: StorageIdentity,
    private readonly host: DiskHost,
  ) {
    const inc = new Uint8Array(4);
    new DataView(inc.buffer).setUint32(0, incarnation);
    for (const [k, v] of [[IDENTITY_KEY, encodeIdentity(identity)], [INCARNATION_KEY, inc]] as const) {
      this.current.set(diskKey(k), v);
      this.durable.set(diskKey(k), v);
    }
  }

  /** Writes in flight now. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Completed writes not yet synced. */
  get unsyncedBatches(): number {
    return this.unsynced.length;
  }

  /** The synced value under `key`, if any: what survives anything but the loss of the disk. */
  durableGet(key: Uint8Array): Uint8Array | undefined {
    return this.durable.get(diskKey(key));
  }

  /** Index of the last synced log entry, or of the log start (snapshot) when the log is empty. */
  durableTip(): number {
    let tip = 0;
    for (const k of this.durable.keys()) {
      const index = k.length === 9 ? entryKeyIndex(Buffer.from(k, 'latin1')) : null;
      if (index !== null && index > tip) tip = index;
    }
    const start = this.durable.get(diskKey(LOG_START_KEY));
    if (start !== undefined) tip = Math.max(tip, decodeLogStart(start, MEMORY_PATH).index);
    return tip;
  }

  /** Index of the synced snapshot, 0 for none. */
  durableSnapshotIndex(): number {
    const raw = this.durable.get(diskKey(SNAPSHOT_META_KEY));
    return raw === undefined ? 0 : decodeSnapshotRecord(raw, MEMORY_PATH).meta.index;
  }

  /**
   * A database for a new process life over what this disk holds. Opening recovers LevelDB's log,
   * so everything the new life reads is durable from then on.
   */
  open(): SimLevel {
    this.promote();
    const db = new SimLevel(this, this.epoch);
    const ops: DiskOp[] = [];
    for (const [k, value] of this.current) ops.push({ type: 'put', key: Buffer.from(k, 'latin1'), value });
    // memory-level's _batch does its work synchronously; the promise carries nothing.
    void baseBatch.call(db, ops, {});
    return db;
  }

  /** The process died: its writes in flight are lost; completed ones stay (the OS has them). */
  crash(): void {
    this.epoch++;
    this.lost.inFlight += this.pending.size;
    this.pending.clear();
  }

  /**
   * The machine lost power: writes in flight are lost, and of the unsynced completed batches only
   * the first `keep` survive (the OS may have flushed some).
   */
  powerLoss(keep: number): void {
    this.crash();
    const kept = this.unsynced.slice(0, Math.max(0, keep));
    this.lost.unsynced += this.unsynced.length - kept.length;
    this.unsynced = [];
    this.current.clear();
    for (const [k, v] of this.durable) this.current.set(k, v);
    for (const ops of kept) applyOps(this.current, ops);
  }

  /** The disk is gone (replaced by a new one): nothing in flight lands. */
  discard(): void {
    this.crash();
    this.discarded = true;
  }

  /** Writes in flight land within `ms` from now (a slow disk recovered). */
  hurry(ms: () => number): void {
    for (const w of this.pending) this.host.after(ms(), () => w.land());
  }

  /** @internal A write by the process life `epoch` on `db`; resolves when it lands. */
  write(db: SimLevel, epoch: number, ops: readonly DiskOp[], sync: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      if (epoch !== this.epoch || this.discarded) return; // a dead process: never completes
      const w: PendingWrite = {
        done: false,
        land: () => {
          if (w.done || epoch !== this.epoch || this.discarded) return;
          w.done = true;
          this.pending.delete(w);
          this.host.landing(this, ops, sync);
          applyOps(this.current, ops);
          if (sync) {
            this.promote();
            applyOps(this.durable, ops);
          } else {
            this.unsynced.push([...ops]);
          }
          void baseBatch.call(db, ops, {});
          this.host.deliver(this, resolve);
        },
      };
      this.pending.add(w);
      this.host.after(this.host.writeDelay(this, ops, sync), () => w.land());
    });
  }

  /** Every completed write becomes durable (a synced write, or recovery at open). */
  private promote(): void {
    for (const ops of this.unsynced) applyOps(this.durable, ops);
    this.unsynced = [];
  }
}

function applyOps(map: Map<string, Uint8Array>, ops: readonly DiskOp[]): void {
  for (const op of ops) {
    if (op.type === 'put') map.set(diskKey(op.key), op.value);
    else map.delete(diskKey(op.key));
  }
}

/**
 * A `MemoryLevel` whose writes take virtual time and land on a {@link SimDisk}; reads are
 * memory-level's own (they see every landed write). `RaftStorage` opens it like any database.
 */
export class SimLevel extends MemoryLevel<Uint8Array, Uint8Array> {
  constructor(
    private readonly disk: SimDisk,
    private readonly epoch: number,
  ) {
    super({ storeEncoding: 'view', keyEncoding: 'view', valueEncoding: 'view' });
  }

  /** memory-level's batch, landing after the disk's delay. LevelDB's `sync` option decides durability. */
  _batch(ops: readonly DiskOp[], options: { readonly sync?: boolean }): Promise<void> {
    return this.disk.write(this, this.epoch, ops, options.sync !== false);
  }

  _put(key: Uint8Array, value: Uint8Array, options: { readonly sync?: boolean }): Promise<void> {
    return this.disk.write(this, this.epoch, [{ type: 'put', key, value }], options.sync !== false);
  }

  _del(key: Uint8Array, options: { readonly sync?: boolean }): Promise<void> {
    return this.disk.write(this, this.epoch, [{ type: 'del', key }], options.sync !== false);
  }
}
