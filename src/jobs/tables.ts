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

/** What the tables need of a job. */
export interface TableJob {
  readonly seq: number;
  readonly id: string;
  readonly queue: string;
  readonly idempotencyKey: string | null;
  readonly submittedAt: number;
}

/** Live jobs by id, stored by sequence number: a small-integer key, and no id string per job. */
export class JobTable<J extends TableJob> {
  private readonly bySeq = new Map<number, J>();

  get size(): number {
    return this.bySeq.size;
  }

  /** The live job with this id. */
  get(id: string): J | undefined {
    const seq = parseJobId(id);
    return seq === 0 ? undefined : this.bySeq.get(seq);
  }

  /** The live job with this sequence number. */
  bySequence(seq: number): J | undefined {
    return this.bySeq.get(seq);
  }

  add(job: J): void {
    this.bySeq.set(job.seq, job);
  }

  delete(job: J): void {
    this.bySeq.delete(job.seq);
  }

  /** In insertion order, which is sequence order. */
  values(): IterableIterator<J> {
    return this.bySeq.values();
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
  ) {}
}

/** What `IdempotencyTable.watch` hears: a value whose key is about to be deleted. */
export interface KeyWatch<J extends TableJob> {
  keyGone(value: J | KeyEntry): void;
}

/** What an idempotency key maps to (J7), as read. */
export interface IdempotencyEntry {
  readonly jobId: string;
  /** Forgotten from this time on, ms. */
  readonly expiresAt: number;
}

/**
 * J7's memory: `queue + "\0" + key` → the job submitted with it, in insertion order. Keys expire
 * in roughly that order, so the forgetting pass stops at the first live one; lookups check expiry
 * themselves.
 *
 * While the job lives the value is the job (expiry: its submit time + the window); when it is
 * purged, a `KeyEntry` takes its place (at the same position in the order). The key string joins
 * the queue's shared prefix and the job's own key string, and is written out from those parts, so
 * a key costs no characters of its own.
 */
export class IdempotencyTable<J extends TableJob> {
  private readonly map = new Map<string, J | KeyEntry>();
  /**
   * Told of every key about to be forgotten while a snapshot or digest cursor is in progress
   * (snapshot.ts), so the cursor can still write the key as it was when it began; null otherwise.
   */
  watch: KeyWatch<J> | null = null;
  /**
   * True while the map's order is the order of the jobs its values name (by sequence number, each
   * at most the state's `lastSeq`): always so for keys added by submits, since a key is added only
   * for a job just submitted. Cleared by `restoreState` for a snapshot whose keys are not in that
   * order (not one this code wrote); a cursor then copies the keys when it begins.
   */
  seqOrdered = true;

  /** @param windowMs `JobsOptions.idempotencyWindowMs`. */
  constructor(private readonly windowMs: number) {}

  get size(): number {
    return this.map.size;
  }

  /** When `value` is forgotten, ms. */
  expiresAt(value: J | KeyEntry): number {
    return value instanceof KeyEntry ? value.expiresAt : value.submittedAt + this.windowMs;
  }

  /**
   * The value under `mapKey` if its window has not ended at `now`. An expired one is forgotten at
   * once, so a re-insert goes to the end of the order.
   */
  live(mapKey: string, now: number): J | KeyEntry | undefined {
    const seen = this.map.get(mapKey);
    if (seen === undefined) return undefined;
    if (this.expiresAt(seen) > now) return seen;
    this.watch?.keyGone(seen);
    this.map.delete(mapKey);
    return undefined;
  }

  /** Remembers `job` (just submitted, with a key) under `mapKey` (its queue's prefix + its key). */
  add(mapKey: string, job: J): void {
    this.map.set(mapKey, job);
  }

  /**
   * Restores one snapshot entry. The job itself becomes the value when it is the one the key names
   * and its derived expiry matches; `prefix` is its queue's key prefix. False when `mapKey` has
   * no queue part (not a key this table wrote).
   */
  restore(mapKey: string, jobId: string, expiresAt: number, job: J | undefined, prefix: string | undefined): boolean {
    if (job !== undefined && prefix !== undefined && job.idempotencyKey !== null && job.submittedAt + this.windowMs === expiresAt) {
      const key = job.idempotencyKey;
      // Compared by parts: comparing a joined string would flatten it, a copy of the key per job.
      if (mapKey.length === prefix.length + key.length && mapKey.startsWith(prefix) && mapKey.endsWith(key)) {
        // The key built from shared parts, not the one read.
        this.map.set(prefix + key, job);
        return true;
      }
    }
    const nul = mapKey.indexOf('\u0000');
    if (nul < 0) return false;
    this.map.set(mapKey, new KeyEntry(jobId, expiresAt, mapKey.slice(0, nul), mapKey.slice(nul + 1)));
    return true;
  }

  /** `job` is being purged: if its key still names it, a `KeyEntry` keeps the key until its window ends. */
  release(job: J, prefix: string): void {
    const key = job.idempotencyKey;
    if (key === null) return;
    const mapKey = prefix + key;
    if (this.map.get(mapKey) === job) this.map.set(mapKey, new KeyEntry(job.id, this.expiresAt(job), job.queue, key));
  }

  /** Forgets every key whose window has ended at `now`, oldest first, stopping at the first live one. */
  forgetExpired(now: number): void {
    for (const [mapKey, value] of this.map) {
      if (this.expiresAt(value) > now) break;
      this.watch?.keyGone(value);
      this.map.delete(mapKey);
    }
  }

  /** Expiry of the oldest key, or null when there is none. */
  firstExpiry(): number | null {
    for (const value of this.map.values()) return this.expiresAt(value);
    return null;
  }

  /**
   * The values in order, as a live iterator: a value deleted before the iterator reaches it is
   * skipped, one added meanwhile is visited (at the end). A live job's key is
   * `job.queue + "\0" + job.idempotencyKey`, a `KeyEntry`'s `queue + "\0" + key`.
   */
  values(): IterableIterator<J | KeyEntry> {
    return this.map.values();
  }

  /** `[queue + "\0" + key, { jobId, expiresAt }]` in order (for tests and inspection). */
  *[Symbol.iterator](): IterableIterator<[string, IdempotencyEntry]> {
    for (const [mapKey, value] of this.map) yield [mapKey, { jobId: value instanceof KeyEntry ? value.jobId : value.id, expiresAt: this.expiresAt(value) }];
  }
}
