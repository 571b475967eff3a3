/**
 * The storage of the watch log (src/node/watch-log.ts): the newest kept job events, as columns.
 * A node keeps up to `watch.retainEvents` of them (100,000 by default), so a kept event must not be
 * an object of its own: each one the ring held (and the id string the state machine formatted for
 * it) lived long enough to be promoted out of the young generation, and every job paid for it in
 * old-generation GC. Here an event is a row across typed arrays (its numbers, its job's sequence
 * number instead of its id) and three plain arrays holding strings that exist anyway: the queue
 * name and group key (the state's interned strings) and the worker id (the lease command's) or the
 * progress message. The watch's `WatchEvent` is made only when a watcher reads the event.
 *
 * Event `seq` (the ring's own numbering, from `startSeq` to `endSeq`) is in row
 * `(head + seq - startSeq) % capacity`. The capacity starts small and doubles, up to the most the
 * log keeps, when a push finds the ring full: most nodes never see 100,000 events between restarts.
 */
import { formatJobId, parseJobId } from '../jobs/index.js';
import { watchEvent, type DeadCause, type WatchedJobEvent, type WatchEvent, type WatchEventType, type WatchFilter, type WatchPosition } from './watch-events.js';

/** Rows a ring starts with (fewer when it may keep fewer). */
const INITIAL_CAPACITY = 1024;

/** What a row keeps of an event's type: the watch's type, with a `dead` event's cause folded in. */
const Kind = {
  submitted: 0,
  replaced: 1,
  leased: 2,
  progress: 3,
  completed: 4,
  failed: 5,
  throttled: 6,
  cancelled: 7,
  retried: 8,
  released: 9,
  expired: 10,
  abandoned: 11,
  purged: 12,
  deadFailed: 13,
  deadExpired: 14,
  deadAbandoned: 15,
} as const;

/** The watch's type of each kind, by its number. */
const KIND_TYPE: readonly WatchEventType[] = ['submitted', 'replaced', 'leased', 'progress', 'completed', 'failed', 'throttled', 'cancelled', 'retried', 'released', 'expired', 'abandoned', 'purged', 'dead', 'dead', 'dead'];
/** A `dead` event's cause of each kind, by its number ('' for the others). */
const KIND_CAUSE: readonly (DeadCause | '')[] = ['', '', '', '', '', '', '', '', '', '', '', '', '', 'failed', 'expired', 'abandoned'];

function kindOf(e: WatchedJobEvent): number {
  switch (e.type) {
    case 'failed':
      return e.next === 'dead' ? Kind.deadFailed : Kind.failed;
    case 'expired':
      return e.next === 'dead' ? Kind.deadExpired : Kind.expired;
    case 'abandoned':
      return e.next === 'dead' ? Kind.deadAbandoned : Kind.abandoned;
    default:
      return Kind[e.type];
  }
}

/** The lease's fencing token, 0 for the types without one. */
function tokenOf(e: WatchedJobEvent): number {
  return e.type === 'submitted' || e.type === 'replaced' || e.type === 'retried' || e.type === 'purged' ? 0 : e.token;
}

/** The one number a row keeps beside the token: leased its attempt, progress its percent, throttled its until. */
function detailOf(e: WatchedJobEvent): number {
  return e.type === 'leased' ? e.attempt : e.type === 'progress' ? e.percent : e.type === 'throttled' ? e.until : 0;
}

/** The one string a row keeps beside the names: the worker id (leased, released, abandoned) or a progress message. */
function textOf(e: WatchedJobEvent): string {
  return e.type === 'leased' || e.type === 'released' || e.type === 'abandoned' ? e.workerId : e.type === 'progress' ? e.message : '';
}

/**
 * A filter's job ids as the sequence numbers rows keep. A string that is no job id becomes 0,
 * which no job has (they are numbered from 1), so it matches nothing, as the string never did.
 */
export function jobSeqsOf(ids: ReadonlySet<string> | null): ReadonlySet<number> | null {
  return ids === null ? null : new Set(Array.from(ids, parseJobId));
}

type Column = Float64Array | Uint32Array | Uint8Array;

/** A full column's rows in event order, from row 0, in a new one of `capacity` rows. */
function unrolled<C extends Column>(a: C, head: number, capacity: number, make: (n: number) => C): C {
  const b = make(capacity);
  b.set(a.subarray(head));
  b.set(a.subarray(0, head), a.length - head);
  return b;
}

export class WatchRing {
  private capacity: number;
  /** Row of event `startSeq`. */
  private head = 0;
  private start = 0;
  private end = 0;
  private total = 0;
  private index: Float64Array;
  private ordinal: Uint32Array;
  /** ms since the epoch. */
  private time: Float64Array;
  /** The job's sequence number: its id is `formatJobId` of it. */
  private jobSeq: Float64Array;
  private token: Float64Array;
  /** See `detailOf`. */
  private detail: Float64Array;
  /** `jobEventBytes` of the event, as counted when it came. */
  private bytes: Uint32Array;
  private kind: Uint8Array;
  /**
   * Plain arrays, written only in row order (appending until the first wrap), so they stay packed;
   * one made at full length up front would be a slow dictionary beyond 100,000 rows.
   */
  private queue: string[] = [];
  private group: (string | null)[] = [];
  /** See `textOf`. */
  private text: string[] = [];

  /** @param max the most events kept (`watch.retainEvents`); the log evicts before pushing beyond it. */
  constructor(private readonly max: number) {
    this.capacity = Math.min(INITIAL_CAPACITY, max);
    const n = this.capacity;
    this.index = new Float64Array(n);
    this.ordinal = new Uint32Array(n);
    this.time = new Float64Array(n);
    this.jobSeq = new Float64Array(n);
    this.token = new Float64Array(n);
    this.detail = new Float64Array(n);
    this.bytes = new Uint32Array(n);
    this.kind = new Uint8Array(n);
  }

  /** Sequence number of the oldest kept event. */
  get startSeq(): number {
    return this.start;
  }

  /** Sequence number the next event will get. */
  get endSeq(): number {
    return this.end;
  }

  get size(): number {
    return this.end - this.start;
  }

  /** Sum of the kept events' `jobEventBytes`. */
  get totalBytes(): number {
    return this.total;
  }

  /** Keeps `e`, applied at (`index`, `ordinal`) at `time`, as event `endSeq`. The log keeps `size` below `max`. */
  push(index: number, ordinal: number, time: number, e: WatchedJobEvent, bytes: number): void {
    if (this.size === this.capacity) this.grow();
    let r = this.head + this.size;
    if (r >= this.capacity) r -= this.capacity;
    this.index[r] = index;
    this.ordinal[r] = ordinal;
    this.time[r] = time;
    this.jobSeq[r] = parseJobId(e.jobId);
    this.token[r] = tokenOf(e);
    this.detail[r] = detailOf(e);
    this.bytes[r] = bytes;
    this.kind[r] = kindOf(e);
    this.queue[r] = e.queue;
    this.group[r] = e.group;
    this.text[r] = textOf(e);
    this.end++;
    this.total += bytes;
  }

  /** Drops the oldest event. */
  shift(): void {
    const r = this.head;
    this.total -= this.bytes[r] as number;
    // A progress message may be long: let it go now rather than when the row is written again.
    this.text[r] = '';
    this.start++;
    this.head = r + 1 === this.capacity ? 0 : r + 1;
  }

  /** Drops every event; numbering starts again from 0. */
  clear(): void {
    this.start = this.end = this.head = this.total = 0;
    this.queue = [];
    this.group = [];
    this.text = [];
  }

  /** The position of kept event `seq`. */
  position(seq: number): WatchPosition {
    return { index: this.indexOf(seq), ordinal: this.ordinalOf(seq) };
  }

  /** The log index of kept event `seq`. */
  indexOf(seq: number): number {
    return this.index[this.row(seq)] as number;
  }

  /** The ordinal of kept event `seq` in its entry. */
  ordinalOf(seq: number): number {
    return this.ordinal[this.row(seq)] as number;
  }

  /** The job sequence number of kept event `seq`. */
  jobSeqAt(seq: number): number {
    return this.jobSeq[this.row(seq)] as number;
  }

  /** Sequence number of the first kept event after `p` (binary search: the ring is in position order). */
  firstAfter(p: WatchPosition): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.row(mid);
      const index = this.index[r] as number;
      if (index < p.index || (index === p.index && (this.ordinal[r] as number) <= p.ordinal)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Whether kept event `seq` passes `f` (every field given must match; a job without a group key
   * never matches a group filter), read from the row so an event nobody wants is never made.
   * `jobSeqs` is `jobSeqsOf(f.jobIds)`.
   */
  matches(seq: number, f: WatchFilter, jobSeqs: ReadonlySet<number> | null): boolean {
    const r = this.row(seq);
    if (f.types !== null && !f.types.has(KIND_TYPE[this.kind[r] as number] as WatchEventType)) return false;
    if (jobSeqs !== null && !jobSeqs.has(this.jobSeq[r] as number)) return false;
    if (f.queues !== null && !f.queues.has(this.queue[r] as string)) return false;
    if (f.groups === null) return true;
    const group = this.group[r] as string | null;
    return group !== null && f.groups.has(group);
  }

  /** The watch's form of kept event `seq`: what `watchEventOf` makes of the event it was. */
  view(seq: number): WatchEvent {
    const r = this.row(seq);
    const kind = this.kind[r] as number;
    const type = KIND_TYPE[kind] as WatchEventType;
    const detail = this.detail[r] as number;
    const text = this.text[r] as string;
    const progress = type === 'progress';
    return watchEvent(
      type,
      this.index[r] as number,
      this.ordinal[r] as number,
      this.time[r] as number,
      formatJobId(this.jobSeq[r] as number),
      this.queue[r] as string,
      this.group[r] as string | null,
      this.token[r] as number,
      type === 'leased' ? detail : 0,
      progress ? '' : text,
      KIND_CAUSE[kind] as DeadCause | '',
      progress ? detail : 0,
      progress ? text : '',
      type === 'throttled' ? detail : 0,
    );
  }

  private row(seq: number): number {
    const r = this.head + (seq - this.start);
    return r >= this.capacity ? r - this.capacity : r;
  }

  /** Twice the rows (at most `max`), the events moved to rows 0.. in order. */
  private grow(): void {
    const h = this.head;
    const n = Math.min(this.capacity * 2, this.max);
    this.index = unrolled(this.index, h, n, (k) => new Float64Array(k));
    this.ordinal = unrolled(this.ordinal, h, n, (k) => new Uint32Array(k));
    this.time = unrolled(this.time, h, n, (k) => new Float64Array(k));
    this.jobSeq = unrolled(this.jobSeq, h, n, (k) => new Float64Array(k));
    this.token = unrolled(this.token, h, n, (k) => new Float64Array(k));
    this.detail = unrolled(this.detail, h, n, (k) => new Float64Array(k));
    this.bytes = unrolled(this.bytes, h, n, (k) => new Uint32Array(k));
    this.kind = unrolled(this.kind, h, n, (k) => new Uint8Array(k));
    this.queue = this.queue.slice(h).concat(this.queue.slice(0, h));
    this.group = this.group.slice(h).concat(this.group.slice(0, h));
    this.text = this.text.slice(h).concat(this.text.slice(0, h));
    this.capacity = n;
    this.head = 0;
  }
}
