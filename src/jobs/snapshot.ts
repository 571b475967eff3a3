/**
 * Snapshots and the state digest. Both walk the same canonical encoding: header (clock, counters),
 * live jobs in id order (purged ones are gone, whether or not `order` was swept yet), idempotency
 * keys in the table's order (live, then purged jobs'). Indexes (heaps, counts, finished FIFOs) are
 * not stored; restore rebuilds them, and since every index order is total the rebuilt state behaves
 * exactly like the saved one. The same walk runs whole (`snapshotState`, `stateDigest`) or in steps between applied
 * entries (`beginSnapshot`, `beginDigest`), with identical output.
 */
import { readRate, readScheduleDefinition, writeRate, writeScheduleDefinition, type Decoded } from './codec.js';
import { hasFlowRecord, internGroup, resolveRate, restoreFlow, sortedRecord, type FlowRecord, type GroupFlow, type QueueFlow } from './flow.js';
import type { QueuePolicy } from './flow-types.js';
import { Hasher64, hashBytes } from './hash.js';
import { resolveOptions, type JobsOptions } from './options.js';
import { packBytes, type PackedBytes } from './packed.js';
import { ScheduleRecord, scheduleIds } from './schedules.js';
import { JobRecord, JobUnique, JobsState, formatJobId, specFor, type JobsCow } from './state.js';
import { KeyEntry, optKey, type IdempotencyTable, type KeyOrderMark, type KeyWatch } from './tables.js';
import { addJob } from './transitions.js';
import type { AttemptRecord } from './results.js';
import { AttemptOutcome, JOB_STATES, isTerminal, type ResolvedBackoff } from './types.js';
import { DecodeError, Reader, Writer } from './wire.js';

const MAGIC = 0x53; // 'S'
/**
 * 2: a job's retention is optional (null: queue or state default) and its purge time is stored.
 * 3: a lease records its worker session.
 * 4: recurring schedules (after the counters), and each job's schedule id and slot.
 * 5: flow state (after the schedules: queue policies, buckets, throttle pauses, group keys'
 *    records), each job's group key and unique key (`writeUnique`, after its schedule slot),
 *    schedule templates' presence bits as a varint (codec.ts, batch version 3).
 * Versions 1 to 4 still restore: their retention was always resolved at submit (1), their leases
 * belong to no session (''), they hold no schedules and no job of one (1-3), no flow state and no
 * job with a group or unique key (1-4).
 */
const VERSION = 5;
const OUTCOMES: readonly AttemptOutcome[] = Object.values(AttemptOutcome);
/** Digest chunk size: the hasher is fed at job boundaries once this much is buffered. */
const DIGEST_CHUNK = 64 * 1024;

/** Serialises the whole state (everything `restoreState` needs, nothing derived). */
export function snapshotState(state: JobsState): Uint8Array {
  return new SnapshotWalk(state, false, false).finish();
}

/**
 * Hex hash (16 digits) of the canonical encoding of the job state: clock, counters, every job
 * with its history, idempotency keys. Equal on replicas that applied the same entries; the last
 * applied index is left out. Payloads and results enter as their own hashes, cached per job, so a
 * repeated digest over ~100k jobs costs one pass over the small fields.
 */
export function stateDigest(state: JobsState): string {
  return new DigestWalk(state, false).finish();
}

/**
 * A snapshot or digest of the state as of one applied index, computed a few thousand jobs at a
 * time while the state keeps applying entries: `snapshotState` and `stateDigest` walk every job at
 * once, which for a million jobs holds a node's event loop for seconds (heartbeats stop, the
 * leader is deposed). Begun with `beginSnapshot` or `beginDigest`.
 *
 * Copy-on-write: beginning records the header (clock, counters, last applied index, job and key
 * counts) and nothing per job. From then on every change to a job the cursor has not reached yet
 * first encodes the job as it was (`JobsState.cow`), and every idempotency key forgotten before
 * the cursor wrote it is kept aside; jobs submitted since are skipped. So `finish` returns exactly
 * what `snapshotState` / `stateDigest` returned when the cursor began, whatever was applied in
 * between. While no cursor is in progress the hooks cost one null check per change.
 */
export interface StateCursor<R> {
  /** The last applied index the result is of (`lastAppliedIndex` when the cursor began). */
  readonly index: number;
  /** True once every job and key is encoded (`finish` is then O(1) for a snapshot). */
  readonly done: boolean;
  /**
   * Encodes up to `maxItems` more items (a job, a slot of a purged job not yet swept, a slot of the
   * idempotency table's orders, whether its key is still there or not), and
   * stops early once this call has written `maxBytes` (default: no byte limit), so a few large
   * payloads do not make one step long. Returns `done`. Throws RangeError unless `maxItems >= 1`,
   * Error after `cancel`.
   */
  step(maxItems: number, maxBytes?: number): boolean;
  /**
   * The result; runs whatever is left at once if the cursor is not done. Idempotent. Throws after
   * `cancel`, and on a broken invariant (a change to a job that skipped the hook).
   */
  finish(): R;
  /**
   * Abandons the cursor: the state stops keeping old versions for it and what it holds is freed;
   * `step` and `finish` throw from then on. A driver that gives up on a snapshot must cancel (or
   * finish) it: a cursor left walking keeps copying every job that changes.
   */
  cancel(): void;
}

/** A snapshot in progress: `finish` gives the bytes `snapshotState` gave when it began. */
export type SnapshotCursor = StateCursor<Uint8Array>;

/**
 * A snapshot in progress whose `finish` gives the bytes of `snapshotState` cut in pieces of about
 * `SNAPSHOT_PIECE_BYTES`, in order (see `beginSnapshotPieces`).
 */
export type SnapshotPiecesCursor = StateCursor<readonly Uint8Array[]>;

/** About how many bytes one piece of a `beginSnapshotPieces` snapshot holds (1 MiB; a piece ends at a job or key). */
export const SNAPSHOT_PIECE_BYTES = 1024 * 1024;

/** A digest in progress: `finish` gives the hex string `stateDigest` gave when it began. */
export type DigestCursor = StateCursor<string>;

/**
 * Begins a snapshot of the state as it is now, without walking the jobs. How a driver uses it:
 * begin right after applying the entry at the index it wants the snapshot of (`cursor.index`);
 * then, on each turn of its event loop, call `step` with a small budget and go on applying
 * committed entries between turns as usual; when `step` returns true, `finish` gives the bytes, to
 * store as the snapshot at `cursor.index` (they are `snapshotState`'s bytes at that point,
 * restorable with `restoreState`). Restoring replaces the state, and the cursor with it.
 *
 *     const cursor = beginSnapshot(state);
 *     const turn = () => (cursor.step(5000, 2 << 20) ? store(cursor.index, cursor.finish()) : setImmediate(turn));
 *     setImmediate(turn);
 *
 * A step costs about 1 µs per item (0.7 for a snapshot, 0.9 for a digest, with small payloads), so
 * `step(5000)` takes some 4 ms; the byte limit keeps steps over large payloads short too
 * (scripts/bench/snapshot-cursor.ts measures both).
 * Beginning allocates the output buffer, sized once from a sample of the jobs: on a heap of a million
 * jobs V8 follows an allocation that large (hundreds of MB) with one full collection, a pause of a
 * few hundred ms, as it does inside `snapshotState`, which allocates the same buffer. A digest
 * allocates nothing that large.
 *
 * At most one snapshot cursor (and one digest cursor) is in progress per state: while one is,
 * this returns that one, whose `index` may be earlier than the last applied index.
 */
export function beginSnapshot(state: JobsState): SnapshotCursor {
  const hub = hubOf(state);
  return (hub.snapshot ??= new SnapshotWalk(state, true, false));
}

/**
 * `beginSnapshot`, but the bytes come in pieces of about `SNAPSHOT_PIECE_BYTES`, each allocated as
 * the cursor reaches it: no buffer the size of the whole snapshot is ever allocated. (On a heap of a
 * million jobs V8 answers one allocation of hundreds of MB with a full collection in large steps,
 * which holds the event loop for hundreds of ms; pieces grow external memory gradually.) Joined,
 * the pieces are `snapshotState`'s bytes. While a snapshot cursor of either kind is in progress,
 * this returns that one (a whole one finishes as one piece).
 */
export function beginSnapshotPieces(state: JobsState): SnapshotPiecesCursor {
  const hub = hubOf(state);
  const walk = (hub.snapshot ??= new SnapshotWalk(state, true, true));
  return {
    get index() {
      return walk.index;
    },
    get done() {
      return walk.done;
    },
    step: (maxItems, maxBytes) => walk.step(maxItems, maxBytes),
    finish: () => walk.finishPieces(),
    cancel: () => walk.cancel(),
  };
}

/**
 * Begins a digest of the state as it is now, in O(1): `stateDigest` over many event-loop turns, used
 * as `beginSnapshot` is (for `raftjobs status`, the digest is of `cursor.index`). At most one digest
 * cursor is in progress per state: while one is, this returns that one (check its `index`). A
 * digest and a snapshot cursor may run at the same time.
 */
export function beginDigest(state: JobsState): DigestCursor {
  const hub = hubOf(state);
  return (hub.digest ??= new DigestWalk(state, true));
}

/** The cursors in progress on one state: `JobsState.cow` and the key table's watch while any is. */
class CowHub implements JobsCow, KeyWatch<JobRecord> {
  snapshot: SnapshotWalk | null = null;
  digest: DigestWalk | null = null;

  preserve(job: JobRecord): void {
    this.snapshot?.preserve(job);
    this.digest?.preserve(job);
  }

  keyGone(value: KeyValue): void {
    this.snapshot?.keyGone(value);
    this.digest?.keyGone(value);
  }
}

function hubOf(state: JobsState): CowHub {
  if (state.cow instanceof CowHub) return state.cow;
  const hub = new CowHub();
  state.cow = hub;
  state.idempotency.watch = hub;
  return hub;
}

/** A value of the idempotency table. */
type KeyValue = JobRecord | KeyEntry;

/** Walk phases (numbers, so `phase >= DONE` reads as "no longer walking"). */
const JOBS = 0;
const LIVE_KEYS = 1;
const RELEASED_KEYS = 2;
const DONE = 3;
const CANCELLED = 4;

/**
 * The one walk behind the snapshot and the digest, whole (`snapshotState`, `stateDigest`: nothing
 * changes while it runs) or in steps (a cursor, registered in the state's `CowHub`).
 *
 * Jobs: `order` by position, up to its length when the walk began (it is not compacted while a
 * cursor is registered, so positions hold and purged jobs keep their slots). A job changed or
 * purged after the walk began and before it reached the job was encoded then (`preserve`, into
 * `side`); the walk writes those bytes in its place. A purged slot with no such bytes was purged
 * before the walk began.
 *
 * Keys: the table's two order arrays, live keys then released ones (purged jobs'), by slot from
 * where they stood when the walk began (`IdempotencyTable.mark`) to where they ended then. Slots
 * only join at the end and hold their positions while a cursor is registered (no trimming), and a
 * key's encoding never changes while it is in the table. A live slot counted at begin if its key
 * named its job then; a released slot if its entry was in the map then. A value that leaves the
 * map since (forgotten by age or by the `maxPurgedJobKeys` bound, or a live key released by its
 * job's purge) is told to the walk first (`keyGone`) and kept: a live one by its job's sequence
 * number (`goneLive`), a released one by identity (`goneReleased`). So at each slot: still current
 * now, or kept as gone, means it counted at begin, and is written; else it is skipped. Slots after
 * the mark (keys submitted or released since) are not visited.
 */
abstract class Walk<R> implements StateCursor<R> {
  readonly index: number;
  protected w: Writer;
  private phase = JOBS;
  private out: R | null = null;
  // Jobs.
  private readonly order: readonly JobRecord[];
  private readonly orderEnd: number;
  private readonly maxSeq: number;
  private readonly jobCount: number;
  private pos = 0;
  /** Every job up to this sequence number has been written (or skipped). */
  private passedSeq = 0;
  private jobsWritten = 0;
  /** Old encodings of jobs changed since the walk began: `saved` maps a job's seq to its span in `spans`. */
  private side: Writer | null = null;
  private readonly saved = new Map<number, number>();
  private spans: number[] = [];
  // Keys.
  private readonly table: IdempotencyTable<JobRecord>;
  private readonly keyCount: number;
  private keysWritten = 0;
  /** The table's slots when the walk began; `slot` is the next to visit (live, then released). */
  private readonly mark: KeyOrderMark;
  private slot: number;
  /** Live keys that left the map since the walk began, by their job's sequence number. */
  private goneLive = new Map<number, JobRecord>();
  /** Released keys that left the map since the walk began. */
  private goneReleased = new Set<KeyEntry>();
  /** Bytes already handed to the hasher (digest). */
  protected flushed = 0;

  protected constructor(
    private readonly state: JobsState,
    protected readonly digest: boolean,
    private readonly registered: boolean,
    initialBytes: number,
  ) {
    const w = (this.w = new Writer(initialBytes));
    this.index = state.lastApplied;
    if (!digest) {
      w.u8(MAGIC);
      w.u8(VERSION);
      w.sint(state.lastApplied);
    }
    w.sint(state.now);
    w.sint(state.lastSeq);
    w.sint(state.lastToken);
    // Schedules are few (`maxSchedules`): written whole here, as they are when the walk begins.
    writeSchedules(w, state);
    // Flow records are one per queue and group key with open jobs (or a bucket still refilling):
    // written whole here too, as they are when the walk begins.
    writeFlows(w, state);
    w.uint(state.jobs.size);
    this.order = state.order;
    this.orderEnd = state.order.length;
    this.maxSeq = state.lastSeq;
    this.jobCount = state.jobs.size;
    this.table = state.idempotency;
    this.keyCount = this.table.size;
    this.mark = this.table.mark();
    this.slot = this.mark.liveFrom;
  }

  get done(): boolean {
    return this.phase === DONE;
  }

  step(maxItems: number, maxBytes = Infinity): boolean {
    if (this.phase === CANCELLED) throw new Error('step: the cursor was cancelled');
    if (!(maxItems >= 1)) throw new RangeError(`step: maxItems must be at least 1, got ${maxItems}`);
    const byteLimit = this.written() + maxBytes;
    let budget = Math.floor(maxItems);
    if (this.phase === JOBS) budget = this.stepJobs(budget, byteLimit);
    if (this.phase !== JOBS && this.phase < DONE && budget > 0 && this.written() < byteLimit) this.stepKeys(budget, byteLimit);
    return this.phase === DONE;
  }

  finish(): R {
    if (this.phase === CANCELLED) throw new Error('finish: the cursor was cancelled');
    if (this.phase !== DONE) this.step(Infinity);
    return (this.out ??= this.result());
  }

  cancel(): void {
    this.phase = CANCELLED;
    this.unregister();
    this.out = null;
    this.w = new Writer(0);
    this.side = null;
    this.saved.clear();
    this.spans = [];
    this.goneLive.clear();
    this.goneReleased.clear();
  }

  /** The result, once done. */
  protected abstract result(): R;

  /** Digest: feeds the hasher what is buffered, after a job (so the split matches `stateDigest`'s). */
  protected abstract afterJob(): void;

  /** Digest: feeds the hasher whole words of what is buffered, which leaves the hash as one call would. */
  protected abstract afterKey(): void;

  /** Bytes written so far (fed to the hasher or buffered). */
  private written(): number {
    return this.flushed + this.w.pos;
  }

  /** The hook: `job` is about to change (or be purged). */
  preserve(job: JobRecord): void {
    const seq = job.seq;
    if (seq <= this.passedSeq || seq > this.maxSeq || this.saved.has(seq)) return;
    const side = (this.side ??= new Writer(64 * 1024));
    const start = side.pos;
    writeJob(side, job, this.digest);
    this.saved.set(seq, this.spans.length);
    this.spans.push(start, side.pos);
  }

  /**
   * The hook: `value` is about to leave the idempotency table (forgotten, or a live key replaced
   * by its released form). Kept while the walk may still reach its slot; values added since the
   * walk began have no slot it visits, and are kept for nothing (a few, at most one per change).
   */
  keyGone(value: KeyValue): void {
    if (value instanceof KeyEntry) {
      if (this.phase < DONE) this.goneReleased.add(value);
    } else if (this.phase <= LIVE_KEYS && value.seq <= this.maxSeq) this.goneLive.set(value.seq, value);
  }

  /** Walks up to `budget` slots of `order`; returns what is left of the budget. */
  private stepJobs(budget: number, byteLimit: number): number {
    const order = this.order;
    const end = this.orderEnd;
    const saved = this.saved;
    let pos = this.pos;
    while (pos < end && budget > 0) {
      const job = order[pos++] as JobRecord;
      budget--;
      const span = saved.size === 0 ? undefined : saved.get(job.seq);
      if (span !== undefined) {
        this.writeSaved(span);
        saved.delete(job.seq);
      } else if (job.purged) continue;
      else writeJob(this.w, job, this.digest);
      this.jobsWritten++;
      this.afterJob();
      if (this.written() >= byteLimit) break;
    }
    this.pos = pos;
    if (pos > 0) this.passedSeq = (order[pos - 1] as JobRecord).seq;
    if (pos < end) return budget;
    if (this.jobsWritten !== this.jobCount || saved.size !== 0) {
      throw new Error(`snapshot cursor: wrote ${this.jobsWritten} of ${this.jobCount} jobs, ${saved.size} saved unused (a job changed without state.cow?.preserve)`);
    }
    this.passedSeq = Infinity;
    this.side = null;
    this.spans = [];
    this.w.uint(this.keyCount);
    this.phase = LIVE_KEYS;
    return budget;
  }

  private writeSaved(span: number): void {
    const side = this.side as Writer;
    const start = this.spans[span] as number;
    const n = (this.spans[span + 1] as number) - start;
    const w = this.w;
    w.ensure(n);
    w.buf.set(side.buf.subarray(start, start + n), w.pos);
    w.pos += n;
  }

  private stepKeys(budget: number, byteLimit: number): void {
    const table = this.table;
    const mark = this.mark;
    let slot = this.slot;
    try {
      if (this.phase === LIVE_KEYS) {
        const gone = this.goneLive;
        for (; budget > 0 && slot < mark.liveTo; slot++, budget--) {
          let value = table.liveAt(slot);
          if (value === undefined && gone.size > 0) {
            const seq = table.liveSeqAt(slot);
            value = gone.get(seq);
            if (value !== undefined) gone.delete(seq);
          }
          if (value === undefined) continue;
          this.writeKey(value);
          if (this.written() >= byteLimit) {
            slot++;
            return;
          }
        }
        if (slot < mark.liveTo) return;
        this.goneLive.clear();
        this.phase = RELEASED_KEYS;
        slot = mark.releasedFrom;
      }
      const gone = this.goneReleased;
      for (; budget > 0 && slot < mark.releasedTo; slot++, budget--) {
        const e = table.releasedAt(slot);
        if (!table.remembers(e) && !(gone.size > 0 && gone.delete(e))) continue;
        this.writeKey(e);
        if (this.written() >= byteLimit) {
          slot++;
          return;
        }
      }
      if (slot === mark.releasedTo) this.endKeys();
    } finally {
      this.slot = slot;
    }
  }

  /** What `snapshotState` writes for one key. */
  private writeKey(value: KeyValue): void {
    const w = this.w;
    // From its parts: writing the joined key would flatten it, a copy of the key per job.
    if (value instanceof KeyEntry) {
      w.strJoined(value.queue, value.key);
      w.str(value.jobId);
    } else {
      w.strJoined(value.queue, value.idempotencyKey as string);
      writeJobId(w, value.seq);
    }
    w.sint(this.table.expiresAt(value));
    this.keysWritten++;
    this.afterKey();
  }

  private endKeys(): void {
    if (this.keysWritten !== this.keyCount) {
      throw new Error(`snapshot cursor: wrote ${this.keysWritten} of ${this.keyCount} idempotency keys`);
    }
    this.phase = DONE;
    this.unregister();
    this.goneLive.clear();
    this.goneReleased.clear();
  }

  private unregister(): void {
    const hub = this.state.cow;
    if (!this.registered || !(hub instanceof CowHub)) return;
    if (hub.snapshot === (this as unknown)) hub.snapshot = null;
    if (hub.digest === (this as unknown)) hub.digest = null;
    if (hub.snapshot === null && hub.digest === null) {
      this.state.cow = null;
      this.state.idempotency.watch = null;
    }
  }
}

class SnapshotWalk extends Walk<Uint8Array> {
  /** Pieces cut so far, in pieces mode (`beginSnapshotPieces`); null when writing one buffer. */
  private readonly pieces: Uint8Array[] | null;
  private lastCut = false;

  constructor(state: JobsState, registered: boolean, pieces: boolean) {
    super(state, false, registered, pieces ? SNAPSHOT_PIECE_BYTES + 64 * 1024 : snapshotCapacity(state));
    this.pieces = pieces ? [] : null;
  }

  protected result(): Uint8Array {
    if (this.pieces === null) return this.w.finish();
    const pieces = this.finishPieces();
    const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
    pieces.reduce((at, p) => {
      out.set(p, at);
      return at + p.length;
    }, 0);
    return out;
  }

  /** The bytes in pieces: those cut as the walk went, and the rest as the last (a whole walk: one). */
  finishPieces(): Uint8Array[] {
    if (this.pieces === null) return [this.finish()];
    if (!this.done) this.step(Infinity);
    if (!this.lastCut) {
      this.lastCut = true;
      if (this.w.pos > 0 || this.pieces.length === 0) this.cut();
    }
    return this.pieces;
  }

  override cancel(): void {
    super.cancel();
    this.pieces?.splice(0);
  }

  private cut(): void {
    const w = this.w;
    this.pieces?.push(w.buf.slice(0, w.pos));
    this.flushed += w.pos;
    w.pos = 0;
  }

  protected afterJob(): void {
    if (this.pieces !== null && this.w.pos >= SNAPSHOT_PIECE_BYTES) this.cut();
  }

  protected afterKey(): void {
    if (this.pieces !== null && this.w.pos >= SNAPSHOT_PIECE_BYTES) this.cut();
  }
}

/** Jobs `snapshotCapacity` encodes to estimate the size of the rest. */
const SIZE_SAMPLE = 64;

/**
 * Bytes to reserve for the snapshot of `state`: an evenly spaced sample of its jobs, encoded, scaled
 * to all of them with some slack, plus its keys. The snapshot is written into one buffer of that
 * size, allocated once: a buffer grown by doubling copies everything written so far (in one step of
 * a cursor), and on a large heap V8 answers each allocation of hundreds of MB with a full collection
 * (external memory pressure), so one allocation costs one such pause and pieces would cost several.
 */
function snapshotCapacity(state: JobsState): number {
  const order = state.order;
  const sample = new Writer(16 * 1024);
  const stride = Math.max(1, Math.floor(order.length / SIZE_SAMPLE));
  let jobs = 0;
  let keyed = 0;
  let keyBytes = 0;
  for (let i = 0; i < order.length && jobs < SIZE_SAMPLE; i += stride) {
    const job = order[i] as JobRecord;
    if (job.purged) continue;
    writeJob(sample, job, false);
    jobs++;
    if (job.idempotencyKey !== null) {
      keyed++;
      keyBytes += job.queue.length + job.idempotencyKey.length + 24;
    }
  }
  const perJob = jobs === 0 ? 0 : (sample.pos / jobs) * 1.125;
  const perKey = keyed === 0 ? 64 : keyBytes / keyed;
  let schedules = 0;
  for (const s of state.schedules.values()) schedules += 256 + s.template.payload.length;
  for (const f of state.flows.values()) {
    schedules += 128 + f.queue.length;
    for (const key of f.groups.keys()) schedules += 40 + 3 * key.length;
  }
  return Math.ceil(1024 + schedules + state.jobs.size * perJob + state.idempotency.size * perKey);
}

class DigestWalk extends Walk<string> {
  private readonly hasher = new Hasher64();

  constructor(state: JobsState, registered: boolean) {
    super(state, true, registered, DIGEST_CHUNK + 4096);
  }

  protected result(): string {
    this.hasher.update(this.w.buf, 0, this.w.pos);
    return this.hasher.hex();
  }

  protected afterJob(): void {
    const w = this.w;
    if (w.pos < DIGEST_CHUNK) return;
    this.hasher.update(w.buf, 0, w.pos);
    this.flushed += w.pos;
    w.pos = 0;
  }

  protected afterKey(): void {
    const w = this.w;
    if (w.pos < DIGEST_CHUNK) return;
    const n = w.pos & ~3;
    this.hasher.update(w.buf, 0, n);
    w.buf.copyWithin(0, n, w.pos);
    this.flushed += n;
    w.pos -= n;
  }
}

/**
 * Rebuilds a state from `snapshotState` bytes. `options` must equal the cluster's (as for
 * `createState`). Malformed or inconsistent bytes yield `{ ok: false, error }`.
 */
export function restoreState(bytes: Uint8Array, options: Partial<JobsOptions> = {}): Decoded<JobsState> {
  try {
    const walk = new RestoreWalk(bytes, options);
    walk.step(Infinity);
    return { ok: true, value: walk.finish() };
  } catch (err) {
    if (err instanceof DecodeError) return { ok: false, error: `restoreState: ${err.message}` };
    throw err;
  }
}

/**
 * `restoreState` in steps: a state rebuilt a few thousand jobs at a time, so a driver restoring a
 * million jobs keeps its event loop free between steps (about 1-3 µs per job). Begun with
 * `beginRestore`; `step` and `finish` as a `StateCursor`'s. The state it builds is its own until
 * `finish` hands it over: nothing else sees it half-built.
 */
export interface RestoreCursor {
  /** The last applied index of the snapshot (its header, read at begin). */
  readonly index: number;
  /** The replicated time of the snapshot's state, ms (its header, read at begin). */
  readonly time: number;
  /** True once every job and key is read. */
  readonly done: boolean;
  /**
   * Reads up to `maxItems` more jobs or idempotency keys, stopping early once this call has read
   * `maxBytes` (default: no byte limit). Returns `done`. Throws `DecodeError` on malformed or
   * inconsistent bytes (as `restoreState` reports them), RangeError unless `maxItems >= 1`, Error
   * after `cancel`.
   */
  step(maxItems: number, maxBytes?: number): boolean;
  /** The restored state; reads whatever is left at once if not done. Throws as `step`. */
  finish(): JobsState;
  /** Abandons the restore; `step` and `finish` throw from then on. */
  cancel(): void;
}

/**
 * Begins restoring `bytes` (`snapshotState`'s) with `options` (the cluster's): reads the header
 * (counters, clock, schedules, flow state) now, and nothing per job. Throws `DecodeError` when the
 * header is malformed.
 */
export function beginRestore(bytes: Uint8Array, options: Partial<JobsOptions> = {}): RestoreCursor {
  return new RestoreWalk(bytes, options);
}

class RestoreWalk implements RestoreCursor {
  private readonly r: Reader;
  private readonly version: number;
  private state: JobsState | null;
  /** Jobs, then keys, still to read. */
  private jobsLeft: number;
  private keysLeft = -1;
  private prevSeq = 0;
  private cancelled = false;

  constructor(bytes: Uint8Array, options: Partial<JobsOptions>) {
    const state = new JobsState(resolveOptions(options));
    const r = new Reader(bytes);
    if (r.u8() !== MAGIC) throw new DecodeError('not a jobs snapshot');
    const version = r.u8();
    if (version < 1 || version > VERSION) throw new DecodeError(`unsupported snapshot version ${version}`);
    state.lastApplied = r.sint();
    state.now = r.sint();
    state.lastSeq = r.sint();
    state.lastToken = r.sint();
    if (version >= 4) readSchedules(r, state, version);
    if (version >= 5) readFlows(r, state);
    this.jobsLeft = r.count();
    this.r = r;
    this.version = version;
    this.state = state;
  }

  get index(): number {
    return this.live().lastApplied;
  }

  get time(): number {
    return this.live().now;
  }

  get done(): boolean {
    return this.jobsLeft === 0 && this.keysLeft === 0;
  }

  private live(): JobsState {
    if (this.cancelled || this.state === null) throw new Error('restore cursor used after cancel');
    return this.state;
  }

  step(maxItems: number, maxBytes = Infinity): boolean {
    if (!(maxItems >= 1)) throw new RangeError(`step: maxItems must be at least 1, got ${maxItems}`);
    const state = this.live();
    const r = this.r;
    const until = r.pos + maxBytes;
    let items = 0;
    for (; this.jobsLeft > 0 && items < maxItems && r.pos < until; items++, this.jobsLeft--) this.readOne(state);
    if (this.jobsLeft === 0 && this.keysLeft < 0) this.keysLeft = r.count();
    for (; this.keysLeft > 0 && items < maxItems && r.pos < until; items++, this.keysLeft--) {
      const key = r.str();
      const jobId = r.str();
      const expiresAt = r.sint();
      const job = state.jobs.get(jobId);
      const prefix = job === undefined ? undefined : state.queues.get(job.queue)?.keyPrefix;
      if (!state.idempotency.restore(key, jobId, expiresAt, job, prefix)) throw new DecodeError(`idempotency key ${JSON.stringify(key)} names no queue`);
    }
    if (this.keysLeft === 0) r.end();
    return this.done;
  }

  private readOne(state: JobsState): void {
    const job = readJob(this.r, this.version, state);
    if (job.seq <= this.prevSeq || job.seq > state.lastSeq) {
      throw new DecodeError(`job ${job.id}: id or sequence out of order`);
    }
    if (job.state === 'leased' && job.leaseToken > state.lastToken) throw new DecodeError(`job ${job.id}: token beyond counter`);
    if ((job.purgeAt !== null) !== isTerminal(job.state)) throw new DecodeError(`job ${job.id}: purge time does not match state ${job.state}`);
    const unique = job.unique;
    if (unique !== null && unique.holds) {
      if (isTerminal(job.state)) throw new DecodeError(`job ${job.id}: a ${job.state} job holds unique key ${JSON.stringify(unique.key)}`);
      if (state.unique.has(state.queue(job.queue).keyPrefix + unique.key)) throw new DecodeError(`job ${job.id}: unique key ${JSON.stringify(unique.key)} held twice`);
    }
    if (!isTerminal(job.state) && !hasFlowRecord(state, job)) throw new DecodeError(`job ${job.id}: no flow record for its group key`);
    this.prevSeq = job.seq;
    addJob(state, job);
  }

  finish(): JobsState {
    const state = this.live();
    if (!this.done) this.step(Infinity);
    return state;
  }

  cancel(): void {
    this.cancelled = true;
    this.state = null;
  }
}

/** What a snapshot holds, read from its head without decoding the jobs (see {@link snapshotSummary}). */
export interface SnapshotSummary {
  /** The last applied log index the snapshot is of. */
  readonly index: number;
  /** The replicated time of the state, ms since the epoch. */
  readonly time: number;
  /** Jobs in it (finished ones not purged yet included). */
  readonly jobs: number;
  readonly schedules: number;
}

/**
 * The index, clock and counts of `snapshotState` bytes, from the header and the schedules that
 * precede the jobs (a few thousand at most), in time independent of the number of jobs: for
 * reporting what a backup holds. It checks nothing past the job count; `restoreState` checks all.
 */
export function snapshotSummary(bytes: Uint8Array): Decoded<SnapshotSummary> {
  const scratch = new JobsState(resolveOptions({}));
  try {
    const r = new Reader(bytes);
    if (r.u8() !== MAGIC) throw new DecodeError('not a jobs snapshot');
    const version = r.u8();
    if (version < 1 || version > VERSION) throw new DecodeError(`unsupported snapshot version ${version}`);
    const index = r.sint();
    const time = r.sint();
    r.sint(); // lastSeq
    r.sint(); // lastToken
    if (version >= 4) readSchedules(r, scratch, version);
    if (version >= 5) readFlows(r, scratch);
    return { ok: true, value: { index, time, jobs: r.count(), schedules: scratch.schedules.size } };
  } catch (err) {
    if (err instanceof DecodeError) return { ok: false, error: `snapshotSummary: ${err.message}` };
    throw err;
  }
}

/** Hash of packed bytes, as the digest records them (`hashBytes` of the bytes). */
function packedHash(p: PackedBytes): string {
  return typeof p === 'string' ? new Hasher64().updateLatin1(p).hex() : hashBytes(p);
}

/**
 * Byte fields shorter than this are hashed on each digest rather than cached: hashing a small
 * field costs about as much as writing the cached hex string, and the cache costs a string per job.
 */
const HASH_CACHE_MIN_BYTES = 256;

const smallHasher = new Hasher64();

/** What `w.str(packedHash(p))` writes, for a small packed string, without making the hex string. */
function writeSmallHash(w: Writer, p: string): void {
  smallHasher.reset().updateLatin1(p);
  w.uint(16);
  w.ensure(16);
  smallHasher.hexInto(w.buf, w.pos);
  w.pos += 16;
}

/** What `w.str(formatJobId(seq))` writes, without making the id string. */
function writeJobId(w: Writer, seq: number): void {
  if (!(seq >= 1 && seq < ID_LIMIT)) {
    w.str(formatJobId(seq));
    return;
  }
  w.uint(10);
  w.ensure(10);
  const buf = w.buf;
  const pos = w.pos;
  for (let i = 9; i >= 0; i--) {
    const d = seq % 36;
    buf[pos + i] = d < 10 ? 48 + d : 87 + d;
    seq = (seq - d) / 36;
  }
  w.pos = pos + 10;
}

/** Sequence numbers below this have 10-digit ids (`formatJobId` pads to 10). */
const ID_LIMIT = 36 ** 10;

function writeJob(w: Writer, job: JobRecord, digest: boolean): void {
  writeJobId(w, job.seq);
  w.sint(job.seq);
  w.str(job.queue);
  const payload = job.packedPayload;
  if (!digest) w.packed(payload);
  else if (typeof payload === 'string' && payload.length < HASH_CACHE_MIN_BYTES) writeSmallHash(w, payload);
  else w.str((job.payloadHash ??= packedHash(payload)));
  w.sint(job.priority);
  w.sint(job.submittedAt);
  const spec = job.spec;
  w.sint(spec.maxAttempts);
  writeBackoff(w, spec.backoff);
  w.sint(spec.leaseTtlMs);
  w.optSint(spec.retentionMs);
  w.optStr(job.idempotencyKey);
  w.u8(JOB_STATES.indexOf(job.state));
  w.sint(job.runAt);
  w.sint(job.updatedAt);
  w.sint(job.attempts);
  w.sint(job.attemptLimit);
  w.sint(job.backoffBase);
  if (job.state === 'leased') {
    w.sint(job.leaseToken);
    w.str(job.leaseWorker);
    w.str(job.leaseSession);
    w.sint(job.leaseExpiresAt);
    w.sint(job.leaseTtl);
  }
  if (job.progress === null) w.u8(0);
  else {
    w.u8(1);
    w.f64(job.progress.percent);
    w.str(job.progress.message);
    w.sint(job.progress.updatedAt);
  }
  const result = job.packedResult;
  if (result === null) w.u8(0);
  else {
    w.u8(1);
    if (!digest) w.packed(result);
    else if (typeof result === 'string' && result.length < HASH_CACHE_MIN_BYTES) writeSmallHash(w, result);
    else w.str((job.resultHash ??= packedHash(result)));
  }
  w.optStr(job.lastError);
  w.optStr(job.cancelReason);
  w.optSint(job.finishedAt);
  w.optSint(job.purgeAt);
  w.optStr(job.scheduleId);
  w.optSint(job.scheduleSlot);
  w.optStr(job.group);
  writeUnique(w, job);
  w.uint(job.history.length);
  for (const h of job.history) {
    w.sint(h.attempt);
    w.sint(h.token);
    w.str(h.workerId);
    w.sint(h.startedAt);
    w.optSint(h.endedAt);
    w.u8(OUTCOMES.indexOf(h.outcome));
    w.optStr(h.error);
  }
}

function readJob(r: Reader, version: number, state: JobsState): JobRecord {
  const id = r.str();
  const seq = r.sint();
  if (id !== formatJobId(seq)) throw new DecodeError(`job ${id}: id or sequence out of order`);
  // The queue index's copy of the name, shared by all its jobs (as on the replica that submitted them).
  const q = state.queue(r.str());
  // Equal consecutive payloads of a queue share one string, as on the replica that submitted them.
  const payload = q.packPayload(r.bytes());
  const priority = r.sint();
  const submittedAt = r.sint();
  const maxAttempts = r.sint();
  const backoff = readBackoff(r);
  const leaseTtlMs = r.sint();
  const retentionMs = version === 1 ? r.sint() : r.optSint();
  const job = new JobRecord({
    seq,
    queue: q.name,
    payload,
    priority,
    submittedAt,
    spec: specFor(state, q, maxAttempts, backoff, leaseTtlMs, retentionMs),
    idempotencyKey: optKey(r.optStr()),
    group: null,
  });
  job.state = pick(JOB_STATES, r.u8(), 'job state');
  job.runAt = r.sint();
  job.updatedAt = r.sint();
  job.attempts = r.sint();
  job.attemptLimit = r.sint();
  job.backoffBase = r.sint();
  if (job.state === 'leased') {
    const token = r.sint();
    const worker = r.str();
    const session = version >= 3 ? r.str() : '';
    const expiresAt = r.sint();
    job.lease = { token, worker, session, expiresAt, ttl: r.sint() };
  }
  if (r.bool()) job.progress = { percent: r.f64(), message: r.str(), updatedAt: r.sint() };
  if (r.bool()) job.packedResult = packBytes(r.bytes());
  job.lastError = r.optStr();
  job.cancelReason = r.optStr();
  job.finishedAt = r.optSint();
  if (version === 1) job.purgeAt = isTerminal(job.state) ? (job.finishedAt ?? 0) + (job.retentionMs ?? 0) : null;
  else job.purgeAt = r.optSint();
  if (version >= 4) {
    job.scheduleId = r.optStr();
    job.scheduleSlot = r.optSint();
  }
  if (version >= 5) {
    const group = r.optStr();
    // The record's string, shared by the key's jobs.
    if (group !== null) (job as { group: string | null }).group = internGroup(state, q.name, group);
    job.unique = readUnique(r);
  }
  const n = r.count();
  if (n === 0) return job;
  const history: AttemptRecord[] = [];
  for (let i = 0; i < n; i++) {
    history.push({
      attempt: r.sint(),
      token: r.sint(),
      workerId: r.str(),
      startedAt: r.sint(),
      endedAt: r.optSint(),
      outcome: pick(OUTCOMES, r.u8(), 'attempt outcome'),
      error: r.optStr(),
    });
  }
  job.history = history;
  return job;
}

/**
 * A job's unique key (version 5): 0 for none, else 1 (`active`) or 2 (`debounce`), the key, its
 * window, when it was submitted or last replaced, and whether the key names the job (from which
 * restore rebuilds `JobsState.unique`). Its own pair of functions, so the group key written before
 * it in the same version stays a separate line.
 */
function writeUnique(w: Writer, job: JobRecord): void {
  const u = job.unique;
  if (u === null) {
    w.u8(0);
    return;
  }
  w.u8(u.mode === 'active' ? 1 : 2);
  w.str(u.key);
  w.sint(u.windowMs);
  w.sint(u.since);
  w.u8(u.holds ? 1 : 0);
}

function readUnique(r: Reader): JobUnique | null {
  const mode = r.u8();
  if (mode === 0) return null;
  if (mode > 2) throw new DecodeError(`bad unique mode ${mode}`);
  const key = r.str();
  const windowMs = r.sint();
  const since = r.sint();
  return new JobUnique(key, mode === 1 ? 'active' : 'debounce', windowMs, since, r.bool());
}

/** Every schedule in id order: its definition (defaults filled in), then its runtime. */
function writeSchedules(w: Writer, state: JobsState): void {
  w.uint(state.schedules.size);
  for (const id of scheduleIds(state)) {
    const s = state.schedules.get(id) as ScheduleRecord;
    writeScheduleDefinition(w, s.definition());
    w.sint(s.handledThrough);
    w.optSint(s.lastSlot);
    w.optStr(s.lastJobId);
    w.optSint(s.pendingSlot);
    w.uint(s.fired);
    w.uint(s.skipped);
    w.uint(s.triggered);
    w.sint(s.createdAt);
    w.sint(s.updatedAt);
  }
}

function readSchedules(r: Reader, state: JobsState, version: number): void {
  const n = r.count();
  let previous = '';
  for (let i = 0; i < n; i++) {
    const def = readScheduleDefinition(r, version >= 5);
    if (i > 0 && def.id <= previous) throw new DecodeError(`schedule ${def.id}: ids out of order`);
    previous = def.id;
    const s = new ScheduleRecord(def.id);
    s.define(def, state.options);
    s.paused = def.paused ?? false;
    s.handledThrough = r.sint();
    s.lastSlot = r.optSint();
    s.lastJobId = r.optStr();
    s.pendingSlot = r.optSint();
    s.fired = r.uint();
    s.skipped = r.uint();
    s.triggered = r.uint();
    s.createdAt = r.sint();
    s.updatedAt = r.sint();
    state.schedules.set(s.id, s);
  }
}

/**
 * Every queue's flow state in name order: its policy, fairness counter, bucket and throttle pause,
 * then its group keys' records in key order (fairness stamp, bucket, throttle pause). Counts and
 * heaps are not stored: the jobs rebuild them.
 */
function writeFlows(w: Writer, state: JobsState): void {
  const names = [...state.flows.keys()].sort();
  w.uint(names.length);
  for (const name of names) {
    const f = state.flows.get(name) as QueueFlow;
    w.str(name);
    writePolicy(w, f.policy);
    w.sint(f.serveClock);
    w.sint(f.tatMs);
    w.sint(f.tatFrac);
    w.sint(f.throttledUntil);
    const keys = [...f.groups.keys()].sort();
    w.uint(keys.length);
    for (const key of keys) {
      const g = f.groups.get(key) as GroupFlow;
      w.str(key);
      w.sint(g.lastServed);
      w.sint(g.tatMs);
      w.sint(g.tatFrac);
      w.sint(g.throttledUntil);
    }
  }
}

function readFlows(r: Reader, state: JobsState): void {
  const n = r.count();
  let previous = '';
  for (let i = 0; i < n; i++) {
    const name = r.str();
    if (i > 0 && name <= previous) throw new DecodeError(`flow ${name}: queues out of order`);
    previous = name;
    const records: FlowRecord[] = [];
    const policy = readPolicy(r);
    const queue: FlowRecord = { key: null, lastServed: r.sint(), tatMs: r.sint(), tatFrac: r.sint(), throttledUntil: r.sint() };
    const keys = r.count();
    let previousKey = '';
    for (let k = 0; k < keys; k++) {
      const key = r.str();
      if (k > 0 && key <= previousKey) throw new DecodeError(`flow ${name}: group keys out of order`);
      previousKey = key;
      records.push({ key, lastServed: r.sint(), tatMs: r.sint(), tatFrac: r.sint(), throttledUntil: r.sint() });
    }
    restoreFlow(state, name, policy, queue, records);
  }
}

function writePolicy(w: Writer, p: QueuePolicy | null): void {
  if (p === null) {
    w.u8(0);
    return;
  }
  w.u8(1);
  w.u8(p.paused ? 1 : 0);
  w.optSint(p.concurrency);
  w.optSint(p.groupConcurrency);
  const keys = Object.keys(p.groupConcurrencyOverrides);
  w.uint(keys.length);
  for (const key of keys) {
    w.str(key);
    w.sint(p.groupConcurrencyOverrides[key] as number);
  }
  writeRate(w, p.rate);
  writeRate(w, p.groupRate);
}

function readPolicy(r: Reader): QueuePolicy | null {
  if (!r.bool()) return null;
  const paused = r.bool();
  const concurrency = r.optSint();
  const groupConcurrency = r.optSint();
  const n = r.count();
  const overrides: [string, number][] = [];
  for (let i = 0; i < n; i++) overrides.push([r.str(), r.sint()]);
  const rate = resolveRate(readRate(r));
  const groupRate = resolveRate(readRate(r));
  return Object.freeze({ paused, concurrency, groupConcurrency, groupConcurrencyOverrides: Object.freeze(sortedRecord(Object.fromEntries(overrides))), rate, groupRate });
}

function writeBackoff(w: Writer, b: ResolvedBackoff): void {
  if (b.type === 'fixed') {
    w.u8(0);
    w.sint(b.delayMs);
  } else {
    w.u8(1);
    w.sint(b.initialMs);
    w.sint(b.maxMs);
    w.f64(b.factor);
  }
  w.f64(b.jitter);
}

function readBackoff(r: Reader): ResolvedBackoff {
  const kind = r.u8();
  if (kind === 0) {
    const delayMs = r.sint();
    return { type: 'fixed', delayMs, jitter: r.f64() };
  }
  if (kind !== 1) throw new DecodeError(`bad backoff kind ${kind}`);
  const initialMs = r.sint();
  const maxMs = r.sint();
  const factor = r.f64();
  return { type: 'exponential', initialMs, maxMs, factor, jitter: r.f64() };
}

function pick<T>(values: readonly T[], i: number, what: string): T {
  const v = values[i];
  if (v === undefined) throw new DecodeError(`bad ${what} ${i}`);
  return v;
}
