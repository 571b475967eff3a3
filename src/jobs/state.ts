/**
 * The replicated job state: one mutable object per replica, changed only by `applyBatch` (or
 * rebuilt by `restoreState`). Everything in it is a function of the applied entries, so replicas
 * that applied the same entries hold the same state, bit for bit (`stateDigest` checks it).
 */
import type { JobEvent } from './events.js';
import type { FinishedFifo } from './finished.js';
import type { QueueFlow } from './flow.js';
import { IndexedHeap, type HeapItem } from './heap.js';
import { resolveOptions, type JobsOptions } from './options.js';
import { SHARE_MAX_BYTES, packShared, unpackBytes, type PackedBytes } from './packed.js';
import type { AttemptRecord, JobProgress } from './results.js';
import type { ScheduleRecord } from './schedules.js';
import { IdempotencyTable, JobTable, formatJobId, keyText, type StoredKey } from './tables.js';
import type { JobState, ResolvedBackoff } from './types.js';

export { formatJobId };

/**
 * The settings a job keeps for its whole life. Frozen and shared: every job submitted with the
 * defaults holds the state's one default spec, and consecutive jobs of a queue submitted with the
 * same settings share one (see `specFor`), so a record spends one pointer on them.
 */
export interface JobSpec {
  readonly maxAttempts: number;
  readonly backoff: ResolvedBackoff;
  /** Default TTL of the job's leases, ms. */
  readonly leaseTtlMs: number;
  /** Retention asked for at submit, ms; null: the queue's or the state's default (see `retentionFor`). */
  readonly retentionMs: number | null;
}

/** Immutable facts of a job, fixed at submit. */
export interface JobInit {
  readonly seq: number;
  readonly queue: string;
  /** As `packBytes` returns it. */
  readonly payload: PackedBytes;
  readonly priority: number;
  readonly submittedAt: number;
  readonly spec: JobSpec;
  /** The idempotency key as stored (`storeKey`), or null. */
  readonly idempotencyKey: StoredKey | null;
  /** The group key (`SubmitJob.group`), or null. */
  readonly group: string | null;
}

/** The lease of a leased job (`JobRecord.lease`); a leased job is the only one that has one. */
export interface JobLease {
  readonly token: number;
  readonly worker: string;
  /** The worker session it was granted to (adopted by, see `ReleaseCommand`); '' for a unary lease. */
  session: string;
  /** When the lease ends unless extended, ms. */
  expiresAt: number;
  /** TTL it was granted or last extended with, ms. */
  ttl: number;
}

/**
 * A job's unique key (`SubmitJob.unique`), as the job keeps it. Whether the key names the job
 * (`holds`) is part of the record, so `JobsState.unique` can be rebuilt from the records alone: a
 * key may have named several jobs over time (debounce makes a new one while an older one runs),
 * and only the records say which one it names now.
 */
export class JobUnique {
  constructor(
    readonly key: string,
    readonly mode: 'active' | 'debounce',
    /** `debounce`: a submit replaces the job while less than this has passed since `since`, ms; 0 for `active`. */
    public windowMs: number,
    /** When the job was submitted or last replaced, ms. */
    public since: number,
    /**
     * Whether `JobsState.unique` names this job: set at submit (and when a retried dead job takes
     * a free key back); cleared once the job is terminal or purged, or a newer job takes the key.
     */
    public holds: boolean,
  ) {}
}

/**
 * The fields of a job that most jobs never set: progress (only reported by some handlers), the
 * last error (failed attempts), a cancel reason, the schedule slot a job was created for, its
 * unique key, and digest caches of large byte fields. Kept apart so a record spends one pointer
 * on them; created on the first non-null write.
 */
export class JobExtra {
  progress: JobProgress | null = null;
  lastError: string | null = null;
  cancelReason: string | null = null;
  scheduleId: string | null = null;
  scheduleSlot: number | null = null;
  unique: JobUnique | null = null;
  payloadHash: string | null = null;
  resultHash: string | null = null;
}

/** The `history` of a job that has never been leased: one shared, frozen empty array. */
export const NO_HISTORY = Object.freeze([]) as unknown as AttemptRecord[];

/**
 * The fields of a job that its leases and its end set: attempts, the current lease, the result,
 * the attempt history, the finish and purge times. A ready job that has never been leased (most of
 * a backlog) has none of them set, so they are kept apart and the record spends one pointer on
 * them (56 bytes less per such job on 64-bit Node); created on the first write of a value other
 * than the initial one. `attemptLimit` starts as the spec's `maxAttempts`.
 */
export class JobRun {
  /** See `JobRecord`'s time offsets; null while not finished. */
  finishOffset: number | null = null;
  purgeOffset: number | null = null;
  attempts = 0;
  backoffBase = 0;
  lease: JobLease | null = null;
  packedResult: PackedBytes | null = null;
  history: AttemptRecord[] = NO_HISTORY;
  constructor(public attemptLimit: number) {}
}

/** `heapPos` of a purged job: in no heap, and never again in one. */
const PURGED = -2;

/**
 * The stored form of a job. A class so every record has one shape (fast property access).
 *
 * A backlog of millions of records lives in memory, so a record holds only what is its own:
 * the id is derived from `seq`, the settings are a shared `JobSpec`, the lease is an object that
 * exists only while leased, rarely set fields live in a `JobExtra` made on demand, payload and
 * result bytes are packed (`packBytes`), and a job never leased shares one empty history.
 * Accessors give the rest of the code the plain view.
 */
export class JobRecord implements HeapItem {
  /** Submit order, 1-based; the last tie-break of every ordering. */
  readonly seq: number;
  readonly queue: string;
  /**
   * The payload as `packBytes` keeps it; read it through `payload`. Changed only by a debounce
   * replacement (`replacePending`), as is `priority`.
   */
  packedPayload: PackedBytes;
  priority: number;
  readonly submittedAt: number;
  readonly spec: JobSpec;
  /** The idempotency key as stored (`storeKey`: a UUID as a BigInt); read the key through `idempotencyKey`. */
  readonly storedKey: StoredKey | null;
  /**
   * The group key, or null. A field of its own, not in `extra`: every transition of a job in a
   * queue with flow state reads it. Jobs of a key share its string while the key has a flow record.
   */
  readonly group: string | null;

  heapPos = -1;
  state: JobState = 'ready';
  /**
   * `runAt`, `updatedAt`, `finishedAt` and `purgeAt` are kept as offsets from `submittedAt`: an
   * absolute time does not fit a small integer, so V8 boxes it (16 bytes per field and job),
   * while an offset of less than about 24 days (12 on a pointer-compressed build) is stored inline.
   * All four fields start out as null so V8 types them as tagged (any value), not as unboxed
   * numbers: a larger offset then costs a box for that job alone rather than switching the field
   * to boxed doubles for every record. Every stored time is an integer, so the sums are exact.
   * The last two live in `run`.
   */
  private runOffset: number | null = null;
  private updateOffset: number | null = null;
  /** The fields leases and the job's end set (see `JobRun`); null while all of them have their initial value. */
  run: JobRun | null = null;
  /** The fields most jobs never set (see `JobExtra`); null while all of them are null. */
  extra: JobExtra | null = null;

  constructor(init: JobInit) {
    this.seq = init.seq;
    this.queue = init.queue;
    this.packedPayload = init.payload;
    this.priority = init.priority;
    this.submittedAt = init.submittedAt;
    this.spec = init.spec;
    this.storedKey = init.idempotencyKey;
    this.group = init.group;
    this.runOffset = 0;
    this.updateOffset = 0;
  }

  /** When the job became (or becomes) due, ms. */
  get runAt(): number {
    return this.submittedAt + (this.runOffset as number);
  }

  set runAt(t: number) {
    this.runOffset = t - this.submittedAt;
  }

  /** Last change, ms. */
  get updatedAt(): number {
    return this.submittedAt + (this.updateOffset as number);
  }

  set updatedAt(t: number) {
    this.updateOffset = t - this.submittedAt;
  }

  /** When it entered a terminal state, ms; null while not finished. */
  get finishedAt(): number | null {
    const offset = this.run === null ? null : this.run.finishOffset;
    return offset === null ? null : this.submittedAt + offset;
  }

  set finishedAt(t: number | null) {
    if (t !== null || this.run !== null) this.runFields().finishOffset = t === null ? null : t - this.submittedAt;
  }

  /** When the job is removed, ms: set on entering a terminal state (finishedAt + retention), else null. */
  get purgeAt(): number | null {
    const offset = this.run === null ? null : this.run.purgeOffset;
    return offset === null ? null : this.submittedAt + offset;
  }

  set purgeAt(t: number | null) {
    if (t !== null || this.run !== null) this.runFields().purgeOffset = t === null ? null : t - this.submittedAt;
  }

  /** Attempts started (leases granted). */
  get attempts(): number {
    return this.run === null ? 0 : this.run.attempts;
  }

  set attempts(n: number) {
    if (this.run !== null || !Object.is(n, 0)) this.runFields().attempts = n;
  }

  /** Dead when an attempt with this number fails; the spec's `maxAttempts` until changed. */
  get attemptLimit(): number {
    return this.run === null ? this.spec.maxAttempts : this.run.attemptLimit;
  }

  set attemptLimit(n: number) {
    if (this.run !== null || !Object.is(n, this.spec.maxAttempts)) this.runFields().attemptLimit = n;
  }

  /** `attempts` when the current run began (0, or the count at the last `retryDead`): backoff restarts there. */
  get backoffBase(): number {
    return this.run === null ? 0 : this.run.backoffBase;
  }

  set backoffBase(n: number) {
    if (this.run !== null || !Object.is(n, 0)) this.runFields().backoffBase = n;
  }

  /** The current lease while leased, else null. */
  get lease(): JobLease | null {
    return this.run === null ? null : this.run.lease;
  }

  set lease(v: JobLease | null) {
    if (v !== null || this.run !== null) this.runFields().lease = v;
  }

  /** The completion result as `packBytes` keeps it; read it through `result`. */
  get packedResult(): PackedBytes | null {
    return this.run === null ? null : this.run.packedResult;
  }

  set packedResult(v: PackedBytes | null) {
    if (v !== null || this.run !== null) this.runFields().packedResult = v;
  }

  /** Oldest first, at most `historyLimit`. `NO_HISTORY` (frozen) until the first lease. */
  get history(): AttemptRecord[] {
    return this.run === null ? NO_HISTORY : this.run.history;
  }

  set history(v: AttemptRecord[]) {
    if (v !== NO_HISTORY || this.run !== null) this.runFields().history = v;
  }

  private runFields(): JobRun {
    return (this.run ??= new JobRun(this.spec.maxAttempts));
  }

  /** The idempotency key as submitted, or null; made on each read of a UUID key. */
  get idempotencyKey(): string | null {
    return this.storedKey === null ? null : keyText(this.storedKey);
  }

  /** `formatJobId(seq)`, made on each read: read it once per use. */
  get id(): string {
    return formatJobId(this.seq);
  }

  /** A fresh copy of the payload bytes (or the stored array, for large payloads). */
  get payload(): Uint8Array {
    return unpackBytes(this.packedPayload);
  }

  /** The completion result, as `payload`. */
  get result(): Uint8Array | null {
    return this.packedResult === null ? null : unpackBytes(this.packedResult);
  }

  get maxAttempts(): number {
    return this.spec.maxAttempts;
  }

  get backoff(): ResolvedBackoff {
    return this.spec.backoff;
  }

  /** Default TTL of this job's leases, ms. */
  get leaseTtlMs(): number {
    return this.spec.leaseTtlMs;
  }

  /** Retention asked for at submit, ms; null: the queue's or the state's default (see `retentionFor`). */
  get retentionMs(): number | null {
    return this.spec.retentionMs;
  }

  /** Current lease's fencing token; 0 when not leased. */
  get leaseToken(): number {
    return this.lease === null ? 0 : this.lease.token;
  }

  /** Current lease's worker; '' when not leased. */
  get leaseWorker(): string {
    return this.lease === null ? '' : this.lease.worker;
  }

  /** Current lease's worker session; '' when not leased or leased with no session. */
  get leaseSession(): string {
    return this.lease === null ? '' : this.lease.session;
  }

  /** Current lease's expiry, ms; 0 when not leased. */
  get leaseExpiresAt(): number {
    return this.lease === null ? 0 : this.lease.expiresAt;
  }

  /** Current lease's TTL, ms; 0 when not leased. */
  get leaseTtl(): number {
    return this.lease === null ? 0 : this.lease.ttl;
  }

  get progress(): JobProgress | null {
    return this.extra === null ? null : this.extra.progress;
  }

  set progress(v: JobProgress | null) {
    if (v !== null || this.extra !== null) this.extraFields().progress = v;
  }

  get lastError(): string | null {
    return this.extra === null ? null : this.extra.lastError;
  }

  set lastError(v: string | null) {
    if (v !== null || this.extra !== null) this.extraFields().lastError = v;
  }

  get cancelReason(): string | null {
    return this.extra === null ? null : this.extra.cancelReason;
  }

  set cancelReason(v: string | null) {
    if (v !== null || this.extra !== null) this.extraFields().cancelReason = v;
  }

  /** The schedule that created the job (fixed at creation), or null. */
  get scheduleId(): string | null {
    return this.extra === null ? null : this.extra.scheduleId;
  }

  set scheduleId(v: string | null) {
    if (v !== null || this.extra !== null) this.extraFields().scheduleId = v;
  }

  /** The schedule slot it was created for, ms, or null. */
  get scheduleSlot(): number | null {
    return this.extra === null ? null : this.extra.scheduleSlot;
  }

  set scheduleSlot(v: number | null) {
    if (v !== null || this.extra !== null) this.extraFields().scheduleSlot = v;
  }

  /** The job's unique key (see `JobUnique`), or null. */
  get unique(): JobUnique | null {
    return this.extra === null ? null : this.extra.unique;
  }

  set unique(v: JobUnique | null) {
    if (v !== null || this.extra !== null) this.extraFields().unique = v;
  }

  /** Digest cache of the payload's hash (large payloads only); derived, not state. */
  get payloadHash(): string | null {
    return this.extra === null ? null : this.extra.payloadHash;
  }

  set payloadHash(v: string | null) {
    if (v !== null || this.extra !== null) this.extraFields().payloadHash = v;
  }

  /** Digest cache of the result's hash (large results only); derived, not state. */
  get resultHash(): string | null {
    return this.extra === null ? null : this.extra.resultHash;
  }

  set resultHash(v: string | null) {
    if (v !== null || this.extra !== null) this.extraFields().resultHash = v;
  }

  private extraFields(): JobExtra {
    return (this.extra ??= new JobExtra());
  }

  /**
   * Set once the job is purged. `JobsState.order` drops purged jobs lazily, so readers of `order`
   * skip them; derived, not state.
   */
  get purged(): boolean {
    return this.heapPos === PURGED;
  }

  /** Marks the job purged; it must be in no heap. */
  markPurged(): void {
    if (this.heapPos !== -1) throw new Error(`markPurged: job ${this.id} is still in a heap`);
    this.heapPos = PURGED;
  }
}

/** Per-state job counts of one queue. */
export type StateCounts = Record<JobState, number>;

/** One queue: its ready jobs in lease order, and counts per state. */
export class QueueIndex {
  /**
   * Highest priority, then earliest run-at, then submit order. Every ready job of the queue while
   * it has no group records (`flow.groups` empty); none while it has some: each key's ready jobs
   * are then in its `GroupFlow.ready` (flow.ts). `counts.ready` counts them either way.
   */
  ready = new IndexedHeap<JobRecord>(readyBefore);
  /** The queue's flow state (policy, buckets, group keys; flow.ts), or null: `JobsState.flows` by name. */
  flow: QueueFlow | null = null;
  readonly counts: StateCounts = { scheduled: 0, ready: 0, leased: 0, succeeded: 0, dead: 0, cancelled: 0 };
  /** `name + "\0"`: the head of this queue's unique-key map keys (and of its idempotency keys as a snapshot lists them), one string shared by all of them. */
  readonly keyPrefix: string;
  /** The last short payload a job of this queue got, for the next one to share when equal (`packPayload`). */
  private lastPayload: string | null = null;
  /** The last non-default spec a job of this queue got, for the next one to share (`specFor`). */
  lastSpec: JobSpec | null = null;
  /** Finished jobs per terminal state, oldest first, for the count bounds (finished.ts); made on first use. */
  succeededFifo: FinishedFifo | null = null;
  deadFifo: FinishedFifo | null = null;
  cancelledFifo: FinishedFifo | null = null;
  constructor(readonly name: string) {
    this.keyPrefix = `${name}\u0000`;
  }

  /** A new job's payload, packed: the string of the queue's last short payload when the bytes are equal (`packShared`). */
  packPayload(bytes: Uint8Array): PackedBytes {
    const packed = packShared(bytes, this.lastPayload);
    if (typeof packed === 'string' && packed.length <= SHARE_MAX_BYTES) this.lastPayload = packed;
    return packed;
  }
}

/** Lease order (DESIGN.md: higher priority, then earlier run-at, then submit order). */
export function readyBefore(a: JobRecord, b: JobRecord): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.runAt !== b.runAt) return a.runAt < b.runAt;
  return a.seq < b.seq;
}

function dueBefore(a: JobRecord, b: JobRecord): boolean {
  return a.runAt !== b.runAt ? a.runAt < b.runAt : a.seq < b.seq;
}

function purgesBefore(a: JobRecord, b: JobRecord): boolean {
  const pa = a.purgeAt ?? 0;
  const pb = b.purgeAt ?? 0;
  return pa !== pb ? pa < pb : a.seq < b.seq;
}

function expiresBefore(a: JobRecord, b: JobRecord): boolean {
  return a.leaseExpiresAt !== b.leaseExpiresAt ? a.leaseExpiresAt < b.leaseExpiresAt : a.seq < b.seq;
}

/**
 * A flow record the due pass may drop once `idleAt` has come (flow.ts): a group key's record with
 * no open jobs (`key` its name), or a queue's flow with no policy and no keys (`key` null).
 */
export interface IdleFlow extends HeapItem {
  /** Set when it joins `JobsState.flowIdle`; fixed while there. */
  idleAt: number;
  readonly queue: string;
  readonly key: string | null;
}

/** Drop order: idle time, then queue name, then the queue's flow before its keys, then key. */
function idleBefore(a: IdleFlow, b: IdleFlow): boolean {
  if (a.idleAt !== b.idleAt) return a.idleAt < b.idleAt;
  if (a.queue !== b.queue) return a.queue < b.queue;
  if (a.key === null || b.key === null) return a.key === null && b.key !== null;
  return a.key < b.key;
}

/**
 * What a snapshot or digest cursor in progress (`beginSnapshot`, `beginDigest`) must hear before a
 * job changes: it keeps the job as it was when the cursor began, if the cursor still needs it.
 */
export interface JobsCow {
  preserve(job: JobRecord): void;
}

/** The state machine. Create with `createState`, change only with `applyBatch`. */
export class JobsState {
  readonly options: JobsOptions;
  /** The replicated clock, ms: max of every applied entry's time (J5). */
  now = 0;
  /** Raft index of the last applied entry. */
  lastApplied = 0;
  /** Sequence number of the last submitted job. */
  lastSeq = 0;
  /** The last fencing token issued; tokens are global, so each exceeds every earlier one (J2). */
  lastToken = 0;
  /**
   * Every job in id (= seq) order, for paging, plus purged ones not yet swept out (their `purged`
   * is set; readers skip them). Purging only marks a job; the array is compacted once half of it
   * is purged, so removal is amortized O(1) and never splices. `jobs.add` appends to it.
   */
  readonly order: JobRecord[] = [];
  /** Live jobs by id, looked up in `order`. */
  readonly jobs = new JobTable<JobRecord>(this.order);
  /** Purged jobs still in `order`. */
  orderHoles = 0;
  readonly queues = new Map<string, QueueIndex>();
  /** Scheduled jobs by run-at. */
  readonly scheduled = new IndexedHeap<JobRecord>(dueBefore);
  /** Leased jobs by expiry. */
  readonly leased = new IndexedHeap<JobRecord>(expiresBefore);
  /** Finished (succeeded, dead, cancelled) jobs by purge time. */
  readonly finished = new IndexedHeap<JobRecord>(purgesBefore);
  /** Idempotency keys within their window (J7). */
  readonly idempotency: IdempotencyTable<JobRecord>;
  /**
   * Finished-job FIFOs holding more jobs than their count bound: the due pass purges their oldest
   * (finished.ts). Derived from the job records, like the heaps.
   */
  readonly overfull = new Set<FinishedFifo>();
  /**
   * Unique keys (`SubmitJob.unique`): queue key prefix + key → the job the key names, while it is
   * not terminal. Derived from the job records (`JobUnique.holds`), like the heaps: restore
   * rebuilds it, snapshots do not store it.
   */
  readonly unique = new Map<string, JobRecord>();
  /** Recurring schedules by id (docs/design.md "Schedules"); walked in id order (`scheduleIds`). */
  readonly schedules = new Map<string, ScheduleRecord>();
  /**
   * Flow state by queue name (flow.ts): the queue's policy, its buckets and throttle, its group
   * keys' records. A queue may have one before its first job and keeps it after its last, as
   * long as it holds anything (see `flowIdle`). Iterated only in name order.
   */
  readonly flows = new Map<string, QueueFlow>();
  /** Flow records waiting to be dropped, by `idleBefore`: the due pass drops those whose time has come. */
  readonly flowIdle = new IndexedHeap<IdleFlow>(idleBefore);
  /**
   * Schedules whose last job finished while a `bufferOne` slot waited for it: `finish` adds them,
   * and `applyBatch` fires their slots after the command (or due pass) that finished the job, so
   * the finish's own events come first. Empty between commands; not state.
   */
  readonly scheduleWakes: ScheduleRecord[] = [];
  /** The spec of every job submitted with the default settings. */
  readonly defaultSpec: JobSpec;
  /**
   * Not-finished jobs (scheduled, ready, leased) over all queues, and the payload bytes they hold:
   * the backlog the leader's admission checks against `limits.maxBacklogJobs` and
   * `limits.maxBacklogPayloadBytes`. Derived from the job records (transitions.ts keeps them), like
   * the per-queue counts; not in snapshots or the digest.
   */
  backlogJobs = 0;
  backlogPayloadBytes = 0;
  /** Due-pass counters of the batch being applied (reported by `tick`). */
  batchPromoted = 0;
  batchExpired = 0;
  batchPurged = 0;
  /**
   * Set while a snapshot or digest cursor is in progress, else null. Every change to what a
   * snapshot records of an existing job (its fields, lease, history, extra fields, its purge) must
   * call `state.cow?.preserve(job)` first; `order` is not compacted meanwhile.
   */
  cow: JobsCow | null = null;
  /**
   * Where the batch being applied reports its transitions (see `applyBatch`), else null. Not
   * state: set and cleared by `applyBatch` around each batch.
   */
  events: JobEvent[] | null = null;

  constructor(options: JobsOptions) {
    this.options = options;
    this.idempotency = new IdempotencyTable<JobRecord>(options.idempotencyWindowMs, options.maxPurgedJobKeys, (seq) => this.jobs.bySequence(seq));
    this.defaultSpec = Object.freeze({
      maxAttempts: options.defaultMaxAttempts,
      backoff: options.defaultBackoff,
      leaseTtlMs: options.defaultLeaseTtlMs,
      retentionMs: null,
    });
  }

  queue(name: string): QueueIndex {
    let q = this.queues.get(name);
    if (q === undefined) {
      q = new QueueIndex(name);
      q.flow = this.flows.get(name) ?? null;
      this.queues.set(name, q);
    }
    return q;
  }
}

/**
 * Position of the first job in `order` (`JobsState.order`, purged slots included) for which
 * `notYet` is false; `notYet` must hold for a prefix of `order` and nothing after (a bound in id
 * order). O(log n).
 */
export function firstPast(order: readonly JobRecord[], notYet: (job: JobRecord) => boolean): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (notYet(order[mid] as JobRecord)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A fresh, empty state. Every replica must use the same options. */
export function createState(options: Partial<JobsOptions> = {}): JobsState {
  return new JobsState(resolveOptions(options));
}

/**
 * A spec with these settings, shared when possible: the state's default spec, or the last one a
 * job of `q` got. Numbers are compared with `Object.is`, so a shared spec holds exactly the values
 * asked for (-0 and 0 snapshot differently).
 */
export function specFor(
  state: JobsState,
  q: QueueIndex,
  maxAttempts: number,
  backoff: ResolvedBackoff,
  leaseTtlMs: number,
  retentionMs: number | null,
): JobSpec {
  const d = state.defaultSpec;
  if (sameSpec(d, maxAttempts, backoff, leaseTtlMs, retentionMs)) return d;
  const last = q.lastSpec;
  if (last !== null && sameSpec(last, maxAttempts, backoff, leaseTtlMs, retentionMs)) return last;
  const spec: JobSpec = Object.freeze({ maxAttempts, backoff, leaseTtlMs, retentionMs });
  q.lastSpec = spec;
  return spec;
}

function sameSpec(s: JobSpec, maxAttempts: number, backoff: ResolvedBackoff, leaseTtlMs: number, retentionMs: number | null): boolean {
  return (
    Object.is(s.maxAttempts, maxAttempts) &&
    Object.is(s.leaseTtlMs, leaseTtlMs) &&
    Object.is(s.retentionMs, retentionMs) &&
    sameBackoff(s.backoff, backoff)
  );
}

function sameBackoff(a: ResolvedBackoff, b: ResolvedBackoff): boolean {
  if (a === b) return true;
  if (!Object.is(a.jitter, b.jitter)) return false;
  if (a.type === 'fixed') return b.type === 'fixed' && Object.is(a.delayMs, b.delayMs);
  return b.type === 'exponential' && Object.is(a.initialMs, b.initialMs) && Object.is(a.maxMs, b.maxMs) && Object.is(a.factor, b.factor);
}
