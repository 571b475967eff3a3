/**
 * The replicated job state: one mutable object per replica, changed only by `applyBatch` (or
 * rebuilt by `restoreState`). Everything in it is a function of the applied entries, so replicas
 * that applied the same entries hold the same state, bit for bit (`stateDigest` checks it).
 */
import { IndexedHeap, type HeapItem } from './heap.js';
import { resolveOptions, type JobsOptions } from './options.js';
import type { AttemptRecord, JobProgress } from './results.js';
import type { JobState, ResolvedBackoff } from './types.js';

/** Immutable facts of a job, fixed at submit. */
export interface JobInit {
  readonly id: string;
  readonly seq: number;
  readonly queue: string;
  readonly payload: Uint8Array;
  readonly priority: number;
  readonly submittedAt: number;
  readonly maxAttempts: number;
  readonly backoff: ResolvedBackoff;
  readonly leaseTtlMs: number;
  /** `SubmitJob.retentionMs`, or null to use the queue's or the state's default. */
  readonly retentionMs: number | null;
  readonly idempotencyKey: string | null;
}

/** The stored form of a job. A class so every record has one shape (fast property access). */
export class JobRecord implements HeapItem {
  readonly id: string;
  /** Submit order, 1-based; the last tie-break of every ordering. */
  readonly seq: number;
  readonly queue: string;
  readonly payload: Uint8Array;
  readonly priority: number;
  readonly submittedAt: number;
  readonly maxAttempts: number;
  readonly backoff: ResolvedBackoff;
  /** Default TTL of this job's leases, ms. */
  readonly leaseTtlMs: number;
  /** Retention asked for at submit, ms; null: the queue's or the state's default (see `retentionFor`). */
  readonly retentionMs: number | null;
  readonly idempotencyKey: string | null;

  heapPos = -1;
  state: JobState = 'ready';
  runAt = 0;
  updatedAt = 0;
  /** Attempts started (leases granted). */
  attempts = 0;
  /** Dead when an attempt with this number fails. */
  attemptLimit = 0;
  /** `attempts` when the current run began (0, or the count at the last `retryDead`): backoff restarts there. */
  backoffBase = 0;
  /** Current lease; meaningful only while leased (zero/empty otherwise). */
  leaseToken = 0;
  leaseWorker = '';
  leaseExpiresAt = 0;
  leaseTtl = 0;
  progress: JobProgress | null = null;
  result: Uint8Array | null = null;
  lastError: string | null = null;
  cancelReason: string | null = null;
  finishedAt: number | null = null;
  /** When the job is removed: set on entering a terminal state (finishedAt + retention), else null. */
  purgeAt: number | null = null;
  /**
   * Set once the job is purged. `JobsState.order` drops purged jobs lazily, so readers of `order`
   * skip them; derived, not state.
   */
  purged = false;
  /** Oldest first, at most `historyLimit`. */
  history: AttemptRecord[] = [];

  /** Digest cache of `payload` and `result` hashes; derived, not state. */
  payloadHash: string | null = null;
  resultHash: string | null = null;

  constructor(init: JobInit) {
    this.id = init.id;
    this.seq = init.seq;
    this.queue = init.queue;
    this.payload = init.payload;
    this.priority = init.priority;
    this.submittedAt = init.submittedAt;
    this.maxAttempts = init.maxAttempts;
    this.backoff = init.backoff;
    this.leaseTtlMs = init.leaseTtlMs;
    this.retentionMs = init.retentionMs;
    this.idempotencyKey = init.idempotencyKey;
  }
}

/** Per-state job counts of one queue. */
export type StateCounts = Record<JobState, number>;

/** One queue: its ready jobs in lease order, and counts per state. */
export class QueueIndex {
  /** Highest priority, then earliest run-at, then submit order. */
  readonly ready = new IndexedHeap<JobRecord>(readyBefore);
  readonly counts: StateCounts = { scheduled: 0, ready: 0, leased: 0, succeeded: 0, dead: 0, cancelled: 0 };
  constructor(readonly name: string) {}
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

/** What an idempotency key maps to (J7). */
export interface IdempotencyEntry {
  readonly jobId: string;
  /** Forgotten from this time on, ms. */
  readonly expiresAt: number;
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
  readonly jobs = new Map<string, JobRecord>();
  /**
   * Every job in id (= seq) order, for paging, plus purged ones not yet swept out (their `purged`
   * is set; readers skip them). Purging only marks a job; the array is compacted once half of it
   * is purged, so removal is amortized O(1) and never splices.
   */
  readonly order: JobRecord[] = [];
  /** Purged jobs still in `order`. */
  orderHoles = 0;
  readonly queues = new Map<string, QueueIndex>();
  /** Scheduled jobs by run-at. */
  readonly scheduled = new IndexedHeap<JobRecord>(dueBefore);
  /** Leased jobs by expiry. */
  readonly leased = new IndexedHeap<JobRecord>(expiresBefore);
  /** Finished (succeeded, dead, cancelled) jobs by purge time. */
  readonly finished = new IndexedHeap<JobRecord>(purgesBefore);
  /**
   * `queue + "\0" + key` → entry, in insertion order. Keys expire in roughly that order, so the
   * forgetting pass stops at the first live one; lookups check expiry themselves.
   */
  readonly idempotency = new Map<string, IdempotencyEntry>();
  /** Due-pass counters of the batch being applied (reported by `tick`). */
  batchPromoted = 0;
  batchExpired = 0;
  batchPurged = 0;

  constructor(options: JobsOptions) {
    this.options = options;
  }

  queue(name: string): QueueIndex {
    let q = this.queues.get(name);
    if (q === undefined) {
      q = new QueueIndex(name);
      this.queues.set(name, q);
    }
    return q;
  }
}

/** A fresh, empty state. Every replica must use the same options. */
export function createState(options: Partial<JobsOptions> = {}): JobsState {
  return new JobsState(resolveOptions(options));
}

/** Job ids are 10 base-36 digits: short, and their string order is submit order. */
export function formatJobId(seq: number): string {
  return seq.toString(36).padStart(10, '0');
}

/** Key of the idempotency map. Queue names never contain NUL, so this is unambiguous. */
export function idempotencyMapKey(queue: string, key: string): string {
  return `${queue}\u0000${key}`;
}
