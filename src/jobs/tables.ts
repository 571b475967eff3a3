/**
 * The two tables that grow with the backlog, shaped to cost little per job: jobs by sequence
 * number (the id string is derived, not stored), and idempotency keys whose value is the job
 * itself while it lives (its expiry is derived from its submit time).
 */

/** Job ids are 10 base-36 digits: short, and their string order is submit order. */
export function formatJobId(seq: number): string {
  return seq.toString(36).padStart(10, '0');
}

/**
 * The sequence number whose `formatJobId` is `id`, or 0 when there is none (not a canonical id:
 * wrong length, a leading zero beyond the padding, a character outside [0-9a-z], out of range).
 */
export function parseJobId(id: string): number {
  const n = id.length;
  if (n < 10 || (n > 10 && id.charCodeAt(0) === 48)) return 0;
  let seq = 0;
  for (let i = 0; i < n; i++) {
    const c = id.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 122) d = c - 87;
    else return 0;
    seq = seq * 36 + d;
  }
  return Number.isSafeInteger(seq) ? seq : 0;
}

/**
 * An idempotency key as the table and the job record keep it: a UUID in its canonical lowercase
 * form (what the SDK gives every job) as its 128-bit number, a BigInt of 32 bytes on 64-bit Node
 * against 56 for the 36-character string; any other key as its string. A BigInt and a string never
 * equal each other as map keys, and the canonical form maps one to one, so keys stay distinct.
 */
export type StoredKey = string | bigint;

/** Whether `key` is a UUID in canonical form: 8-4-4-4-12 lowercase hex digits (a loop, about 5 times faster than a regular expression). */
function isCanonicalUuid(key: string): boolean {
  if (key.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = key.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** `key` as it is stored (see `StoredKey`). */
export function storeKey(key: string): StoredKey {
  if (!isCanonicalUuid(key)) return key;
  return BigInt(`0x${key.slice(0, 8)}${key.slice(9, 13)}${key.slice(14, 18)}${key.slice(19, 23)}${key.slice(24)}`);
}

/** `storeKey(key)`, or null for no key. */
export function optKey(key: string | null): StoredKey | null {
  return key === null ? null : storeKey(key);
}

/** The key a `StoredKey` stands for, as it was given (a new string for a UUID). */
export function keyText(stored: StoredKey): string {
  if (typeof stored === 'string') return stored;
  const h = stored.toString(16).padStart(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** What the tables need of a job. */
export interface TableJob {
  readonly seq: number;
  readonly id: string;
  readonly queue: string;
  /** The key as given (made from `storedKey` on each read). */
  readonly idempotencyKey: string | null;
  readonly storedKey: StoredKey | null;
  readonly submittedAt: number;
  /** Set once the job is purged: it may still sit in the order array until it is swept. */
  readonly purged: boolean;
}

/** Interpolation steps `JobTable` tries before it falls back to halving. */
const GUESSES = 4;

/**
 * Live jobs by id, found by sequence number in the state's order array (every job in sequence
 * order, purged ones marked until swept; `JobsState.order`): the array every job is in anyway, so a
 * job costs no map entry (about 37 bytes at a million jobs) and no id string. A lookup guesses the
 * position from the sequence numbers at the ends of the range (they are dense unless many jobs
 * were purged), a few times, then halves: O(log n), a few steps in practice.
 */
export class JobTable<J extends TableJob> {
  private count = 0;

  /** @param order the array `add` appends to; only `add` and an in-place sweep of purged jobs may change it. */
  constructor(private readonly order: J[]) {}

  get size(): number {
    return this.count;
  }

  /** The live job with this id. */
  get(id: string): J | undefined {
    const seq = parseJobId(id);
    return seq === 0 ? undefined : this.bySequence(seq);
  }

  /** The live job with this sequence number. */
  bySequence(seq: number): J | undefined {
    const order = this.order;
    let lo = 0;
    let hi = order.length - 1;
    for (let guesses = 0; lo <= hi; guesses++) {
      const a = (order[lo] as J).seq;
      const b = (order[hi] as J).seq;
      if (seq < a || seq > b) return undefined;
      const mid = guesses < GUESSES && b > a ? lo + Math.floor(((seq - a) * (hi - lo)) / (b - a)) : (lo + hi) >>> 1;
      const job = order[mid] as J;
      if (job.seq === seq) return job.purged ? undefined : job;
      if (job.seq < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Appends `job`, whose sequence number is above every other's, to the order array. */
  add(job: J): void {
    const last = this.order[this.order.length - 1];
    if (last !== undefined && last.seq >= job.seq) throw new Error(`JobTable.add: job ${job.seq} after job ${last.seq}`);
    this.order.push(job);
    this.count++;
  }

  /** `job` is being purged (it stays in the order array, marked, until swept). */
  delete(job: J): void {
    if (this.bySequence(job.seq) === job) this.count--;
  }

  /** In sequence order. */
  *values(): IterableIterator<J> {
    for (const job of this.order) if (!job.purged) yield job;
  }
}

/** An idempotency key whose job is gone (purged), or that did not match its job when restored. */
export class KeyEntry {
  constructor(
    readonly jobId: string,
    /** Forgotten from this time on, ms. */
    readonly expiresAt: number,
    readonly queue: string,
    readonly key: string,
    /** `storeKey(key)`: the table's map key. */
    readonly stored: StoredKey = storeKey(key),
  ) {}
}

/** What `IdempotencyTable.watch` hears: a value whose key is about to be deleted or replaced. */
export interface KeyWatch<J extends TableJob> {
  keyGone(value: J | KeyEntry): void;
}

/**
 * Where the two orders of an `IdempotencyTable` stood at one moment (`mark`): the slots a
 * snapshot written then would visit. Slots keep their positions while a watch is set (no trimming).
 */
export interface KeyOrderMark {
  readonly liveFrom: number;
  readonly liveTo: number;
  readonly releasedFrom: number;
  readonly releasedTo: number;
}

/** What an idempotency key maps to (J7), as read. */
export interface IdempotencyEntry {
  readonly jobId: string;
  /** Forgotten from this time on, ms. */
  readonly expiresAt: number;
}

/**
 * The values of one key string used in more than one queue (rare: a client's keys are its own and
 * UUIDs), by queue name. A key used in one queue maps to its value directly.
 */
class ByQueue<J> {
  readonly values = new Map<string, J | KeyEntry>();
}

/** Below this many dead slots an order array is not compacted, nor its consumed front cut off. */
const MIN_COMPACT = 1024;

/**
 * J7's memory: (queue, key) → the job submitted with it while it lives; once it is purged,
 * a `KeyEntry` takes its place until the key's window ends, or until more than `maxReleased` keys
 * of purged jobs are remembered, whichever comes first.
 *
 * The map only answers lookups. Two order arrays say what to forget first, each with a moving
 * front instead of deletion from the map's own front (a new `Map` iterator steps over every entry
 * deleted since the table was last rehashed, so forgetting from the front of a large map costs
 * O(n) per call):
 * - live keys (those whose value is a job), in submit order, which is expiry order: the sequence
 *   number of the job each was added for, so the array holds no job (a purged job must not stay
 *   reachable from here); the job is found by it (`bySeq`, the state's job table), and a slot
 *   whose job is gone or whose key now means something else (released, forgotten, submitted
 *   again) is told apart and skipped. The sequence number, not the expiry, tells them apart: a key
 *   released, pushed out by the count bound and submitted again within one ms names a new job with
 *   the same expiry;
 * - released keys (`KeyEntry`), in the order their jobs were purged: the count bound drops from
 *   the front of this one.
 * Slots no longer in use are skipped at the front and compacted away once they are half of an
 * array, so every operation is amortized O(1). A released key whose window has ended while an
 * older-released one still has time left waits behind it: lookups ignore it, and it still counts
 * towards the bound.
 *
 * The map is keyed by the key alone as stored (`StoredKey`: the job's own, or the `KeyEntry`'s),
 * and its value names its queue (`TableJob.queue`, `KeyEntry.queue`); a key used in several queues
 * maps to a `ByQueue`. So a key costs nothing beyond what the job keeps: no joined queue-and-key string.
 *
 * Snapshots list the live keys, then the released ones, each in its order, and `restore` takes
 * them back in that order: a restored table forgets the same keys at the same entries. (A snapshot
 * written before this order existed lists released keys in submit order; restored, that is
 * their release order from then on.)
 *
 * A snapshot or digest cursor (snapshot.ts) walks the slots as they were when it began (`mark`):
 * while `watch` is set, every value that leaves the map (forgotten by age or by the count bound,
 * or a live key turned into a released one) is told to it first, and the arrays are not trimmed,
 * so slot positions hold.
 */
export class IdempotencyTable<J extends TableJob> {
  private readonly map = new Map<StoredKey, J | KeyEntry | ByQueue<J>>();
  /** Values in the map (`ByQueue` ones counted by their entries). */
  private count = 0;
  /** Sequence numbers of the jobs of live keys, submit order, from `liveHead` on. */
  private liveSeqs: number[] = [];
  private liveHead = 0;
  /** Released keys, purge order, from `releasedHead` on. */
  private released: KeyEntry[] = [];
  private releasedHead = 0;
  /** `KeyEntry` values in the map (the rest are jobs). */
  private releasedCount = 0;
  /**
   * Told of every value about to leave the map while a snapshot or digest cursor is in progress
   * (snapshot.ts), so the cursor can still write the key as it was when it began; null otherwise.
   * While set, the order arrays are not trimmed, so the cursor's slot positions hold.
   */
  watch: KeyWatch<J> | null = null;

  /**
   * @param windowMs `JobsOptions.idempotencyWindowMs`.
   * @param maxReleased `JobsOptions.maxPurgedJobKeys`.
   * @param bySeq the live (not purged) job with a sequence number, if any.
   */
  constructor(
    private readonly windowMs: number,
    private readonly maxReleased: number,
    private readonly bySeq: (seq: number) => J | undefined,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Keys of purged jobs remembered (at most `maxPurgedJobKeys`). */
  get releasedSize(): number {
    return this.releasedCount;
  }

  /** When `value` is forgotten, ms. */
  expiresAt(value: J | KeyEntry): number {
    return value instanceof KeyEntry ? value.expiresAt : value.submittedAt + this.windowMs;
  }

  /**
   * The value of key `stored` (`storeKey`) in `queue` if its window has not ended at `now`. An expired one is
   * forgotten at once, so a re-insert goes to the end of the order.
   */
  live(queue: string, stored: StoredKey, now: number): J | KeyEntry | undefined {
    const seen = this.get(queue, stored);
    if (seen === undefined) return undefined;
    if (this.expiresAt(seen) > now) return seen;
    this.forget(queue, stored, seen);
    return undefined;
  }

  /** Whether `key` is remembered in `queue` and its window has not ended at `now`; unlike `live`, changes nothing. */
  knows(queue: string, key: string, now: number): boolean {
    const seen = this.get(queue, storeKey(key));
    return seen !== undefined && this.expiresAt(seen) > now;
  }

  /** Remembers `job`, just submitted with a key, under its queue and key (no value there yet, or an expired one). */
  add(job: J): void {
    this.set(job.queue, job.storedKey as StoredKey, job);
    this.liveSeqs.push(job.seq);
  }

  /**
   * Restores one snapshot entry, in snapshot order. The job itself becomes the value when it is the
   * one the key names and its derived expiry matches; `prefix` is its queue's key prefix. Anything
   * else becomes a released key. False when `mapKey` has no queue part (not a key this table wrote).
   */
  restore(mapKey: string, jobId: string, expiresAt: number, job: J | undefined, prefix: string | undefined): boolean {
    if (job !== undefined && prefix !== undefined && job.idempotencyKey !== null && job.submittedAt + this.windowMs === expiresAt) {
      const key = job.idempotencyKey;
      if (mapKey.length === prefix.length + key.length && mapKey.startsWith(prefix) && mapKey.endsWith(key)) {
        // The job's own strings, not the ones read.
        this.add(job);
        return true;
      }
    }
    const nul = mapKey.indexOf('\u0000');
    if (nul < 0) return false;
    this.remember(new KeyEntry(jobId, expiresAt, mapKey.slice(0, nul), mapKey.slice(nul + 1)));
    return true;
  }

  /**
   * `job` is being purged: if its key still names it, a `KeyEntry` keeps the key until its window
   * ends, or until the keys of later purged jobs push it out (`maxPurgedJobKeys`).
   */
  release(job: J): void {
    const stored = job.storedKey;
    if (stored === null) return;
    if (this.get(job.queue, stored) === job) this.remember(new KeyEntry(job.id, this.expiresAt(job), job.queue, keyText(stored), stored));
  }

  /** Forgets every key whose window has ended at `now`: live keys exactly, released ones from the front of their order. */
  forgetExpired(now: number): void {
    const n = this.liveSeqs.length;
    let i = this.liveHead;
    // Slots whose key has moved on are skipped whatever their time, so the front is a live key.
    for (; i < n; i++) {
      const value = this.liveAt(i);
      if (value === undefined) continue;
      if (value.submittedAt + this.windowMs > now) break;
      this.watch?.keyGone(value);
      this.delete(value.queue, value.storedKey as StoredKey);
    }
    this.liveHead = i;
    this.trimLive();
    for (let e = this.firstReleased(); e !== undefined && e.expiresAt <= now; e = this.firstReleased()) {
      this.forget(e.queue, e.stored, e);
    }
  }

  /**
   * Expiry of the oldest live key or of the released key at the front of its order, whichever is
   * earlier, or null when there is none. May be earlier than any key's (a released key freed since
   * the last `forgetExpired`): the leader then ticks once for nothing. Moves the live order's
   * front past slots whose key has moved on (amortized O(1)).
   */
  firstExpiry(): number | null {
    let i = this.liveHead;
    while (i < this.liveSeqs.length && this.liveAt(i) === undefined) i++;
    this.liveHead = i;
    const job = this.liveAt(i);
    let first = job === undefined ? Infinity : job.submittedAt + this.windowMs;
    const r = this.released[this.releasedHead];
    if (r !== undefined && r.expiresAt < first) first = r.expiresAt;
    return first === Infinity ? null : first;
  }

  /**
   * Calls `fn` with each key's parts: live keys in submit order, then released ones in purge order
   * (the map key is `queue + "\0" + key`). The job is named by `jobId`, or when that is null (a
   * live job: its id is not stored) by `formatJobId(seq)`.
   */
  forEach(fn: (queue: string, key: string, jobId: string | null, seq: number, expiresAt: number) => void): void {
    for (let i = this.liveHead; i < this.liveSeqs.length; i++) {
      const value = this.liveAt(i);
      if (value !== undefined) fn(value.queue, value.idempotencyKey as string, null, value.seq, value.submittedAt + this.windowMs);
    }
    for (let i = this.releasedHead; i < this.released.length; i++) {
      const e = this.released[i] as KeyEntry;
      if (this.remembers(e)) fn(e.queue, e.key, e.jobId, 0, e.expiresAt);
    }
  }

  /**
   * Where the orders stand now: a snapshot written now visits the live slots in
   * `[liveFrom, liveTo)` whose key still names their job, then the released slots in
   * `[releasedFrom, releasedTo)` still in the map, as `forEach` does. A cursor keeps the mark and
   * reads those slots later (`liveAt`, `liveSeqAt`, `releasedAt`): slots added since lie beyond it,
   * and while `watch` is set none moves.
   */
  mark(): KeyOrderMark {
    return { liveFrom: this.liveHead, liveTo: this.liveSeqs.length, releasedFrom: this.releasedHead, releasedTo: this.released.length };
  }

  /** The job of live slot `i` while its key still names that job, else undefined (the slot is dead). */
  liveAt(i: number): J | undefined {
    const seq = this.liveSeqs[i];
    const job = seq === undefined ? undefined : this.bySeq(seq);
    if (job === undefined || job.storedKey === null) return undefined;
    return this.get(job.queue, job.storedKey) === job ? job : undefined;
  }

  /** Sequence number of the job live slot `i` was added for. */
  liveSeqAt(i: number): number {
    return this.liveSeqs[i] as number;
  }

  /** The released key of slot `i` (in the map or not: see `remembers`). */
  releasedAt(i: number): KeyEntry {
    return this.released[i] as KeyEntry;
  }

  /** Whether `e` is still the map's value under its key. */
  remembers(e: KeyEntry): boolean {
    return this.get(e.queue, e.stored) === e;
  }

  /** `[queue + "\0" + key, { jobId, expiresAt }]` in `forEach` order (for tests and inspection). */
  *[Symbol.iterator](): IterableIterator<[string, IdempotencyEntry]> {
    const out: [string, IdempotencyEntry][] = [];
    this.forEach((queue, key, jobId, seq, expiresAt) => out.push([`${queue}\u0000${key}`, { jobId: jobId ?? formatJobId(seq), expiresAt }]));
    yield* out;
  }

  /** Puts a released key in the map (in place of its job, if there) and at the end of the release order; drops the oldest beyond the bound. */
  private remember(entry: KeyEntry): void {
    const before = this.get(entry.queue, entry.stored);
    // A live key becoming a released one leaves the live order: a cursor must still see it there.
    if (before !== undefined) this.watch?.keyGone(before);
    if (before instanceof KeyEntry) this.releasedCount--;
    this.set(entry.queue, entry.stored, entry);
    this.released.push(entry);
    this.releasedCount++;
    while (this.releasedCount > this.maxReleased) {
      const oldest = this.firstReleased() as KeyEntry;
      this.forget(oldest.queue, oldest.stored, oldest);
    }
  }

  /** The value of `key` in `queue`, whatever its age. */
  private get(queue: string, key: StoredKey): J | KeyEntry | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    if (v instanceof ByQueue) return v.values.get(queue);
    return v.queue === queue ? v : undefined;
  }

  /** Sets the value of `key` in `queue` (`value.queue` is `queue`). */
  private set(queue: string, key: StoredKey, value: J | KeyEntry): void {
    const v = this.map.get(key);
    if (v === undefined || (!(v instanceof ByQueue) && v.queue === queue)) {
      if (v === undefined) this.count++;
      this.map.set(key, value);
    } else if (v instanceof ByQueue) {
      if (!v.values.has(queue)) this.count++;
      v.values.set(queue, value);
    } else {
      const both = new ByQueue<J>();
      both.values.set(v.queue, v);
      both.values.set(queue, value);
      this.map.set(key, both);
      this.count++;
    }
  }

  /** Deletes the value of `key` in `queue`, if any. */
  private delete(queue: string, key: StoredKey): void {
    const v = this.map.get(key);
    if (v === undefined) return;
    if (v instanceof ByQueue) {
      if (!v.values.delete(queue)) return;
      if (v.values.size === 0) this.map.delete(key);
    } else if (v.queue === queue) this.map.delete(key);
    else return;
    this.count--;
  }

  /** Drops `value`, the value of `key` in `queue`; its slot in an order array is skipped from now on. */
  private forget(queue: string, key: StoredKey, value: J | KeyEntry): void {
    this.watch?.keyGone(value);
    this.delete(queue, key);
    if (!(value instanceof KeyEntry)) return;
    this.releasedCount--;
    if (this.released[this.releasedHead] === value) this.releasedHead++;
    this.trimReleased();
  }

  /** The released key at the front of the order, after skipping slots no longer in the map. */
  private firstReleased(): KeyEntry | undefined {
    const released = this.released;
    let i = this.releasedHead;
    while (i < released.length && !this.remembers(released[i] as KeyEntry)) i++;
    this.releasedHead = i;
    return released[i];
  }

  /** Cuts off the consumed front of the live order, or compacts it once most of its slots are dead. */
  private trimLive(): void {
    // A cursor in progress reads slots by position.
    if (this.watch !== null) return;
    const used = this.count - this.releasedCount;
    const slots = this.liveSeqs.length - this.liveHead;
    if (this.liveHead >= MIN_COMPACT && 2 * this.liveHead >= this.liveSeqs.length) {
      this.liveSeqs = this.liveSeqs.slice(this.liveHead);
      this.liveHead = 0;
    } else if (slots >= MIN_COMPACT && slots >= 2 * used) {
      const seqs: number[] = [];
      for (let i = this.liveHead; i < this.liveSeqs.length; i++) if (this.liveAt(i) !== undefined) seqs.push(this.liveSeqs[i] as number);
      this.liveSeqs = seqs;
      this.liveHead = 0;
    }
  }

  /** As `trimLive`, for the release order. */
  private trimReleased(): void {
    if (this.watch !== null) return;
    const slots = this.released.length - this.releasedHead;
    if (this.releasedHead >= MIN_COMPACT && 2 * this.releasedHead >= this.released.length) {
      this.released = this.released.slice(this.releasedHead);
      this.releasedHead = 0;
    } else if (slots >= MIN_COMPACT && slots >= 2 * this.releasedCount) {
      this.released = this.released.slice(this.releasedHead).filter((e) => this.remembers(e));
      this.releasedHead = 0;
    }
  }
}
