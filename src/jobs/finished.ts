/**
 * Count bounds of finished jobs (`JobsOptions.maxSucceeded`, `maxCancelled`, `maxDead`, and their
 * per-queue overrides): one FIFO per queue and terminal state, oldest finished first, so the due
 * pass finds the jobs to purge without scanning the job table.
 *
 * The FIFOs are derived indexes, not state: a snapshot does not store them, and `restoreState`
 * rebuilds them from the job records (`addJob`). Their order is a function of the records alone
 * (finish time, then submit order), so a rebuilt FIFO purges exactly what the original would have.
 */
import { countBoundFor, type TerminalState } from './options.js';
import type { JobRecord, JobsState, QueueIndex } from './state.js';

/**
 * The slot a job leaves behind when it leaves a FIFO anywhere but at the front (a dead job retried
 * by an operator, a job purged by age out of finish order). It keeps the job's sort key, so the
 * slots stay sorted and binary search still works, and it holds no reference to the job, whose
 * memory can then be reclaimed.
 */
class Gap {
  constructor(
    readonly seq: number,
    readonly finishedAt: number,
  ) {}
}

type Slot = JobRecord | Gap;

/** Below this many gaps a FIFO is not compacted, nor its consumed front cut off. */
const MIN_COMPACT = 64;
/** How far back from the end `insert` looks before it binary-searches. */
const NEAR_TAIL = 16;

/** Finish time, then submit order: the order in which over-bound jobs are purged. */
function slotBefore(a: Slot, b: Slot): boolean {
  const fa = a.finishedAt ?? 0;
  const fb = b.finishedAt ?? 0;
  return fa !== fb ? fa < fb : a.seq < b.seq;
}

function compareSlots(a: Slot, b: Slot): number {
  return (a.finishedAt ?? 0) - (b.finishedAt ?? 0) || a.seq - b.seq;
}

/**
 * The finished jobs of one queue in one terminal state, oldest first (finish time, then seq).
 *
 * Jobs finish in clock order, which never goes back, so a finished job almost always goes at the
 * end: only jobs finished in the same ms may have to move past each other (by seq), which costs a
 * short walk back from the end (a binary search when it is not short) and a splice as long as
 * the move. A job leaving from the front costs O(1); one leaving from
 * elsewhere leaves a `Gap`, and gaps are compacted away once they are half the slots, so each
 * costs amortized O(1) there too. Restore appends in seq order and sorts once, on first use.
 */
export class FinishedFifo {
  private slots: Slot[] = [];
  /** First slot still in use. */
  private head = 0;
  /** Gaps at or after `head`. */
  private gaps = 0;
  /** False after an out-of-order `append` (restore), until the next use sorts. */
  private sorted = true;
  /** Jobs in the FIFO (slots that are not gaps): the queue's count of the state. */
  size = 0;
  /** In `JobsState.overfull`: kept here so a finish or purge costs no set operation unless it changes. */
  overfull = false;

  /**
   * @param bound most jobs kept (`countBoundFor`), fixed for the FIFO's life: options do not change.
   */
  constructor(
    readonly queue: string,
    readonly terminal: TerminalState,
    readonly bound: number,
  ) {}

  /** Adds a job that has just finished: in order (see the class comment). */
  insert(job: JobRecord): void {
    this.ensureSorted();
    const slots = this.slots;
    const n = slots.length;
    if (n === this.head || slotBefore(slots[n - 1] as Slot, job)) slots.push(job);
    else {
      // Finished in the same ms as the last few: usually a few places back (completions come in
      // about lease order).
      let i = n - 1;
      const stop = Math.max(this.head, n - NEAR_TAIL);
      while (i > stop && !slotBefore(slots[i - 1] as Slot, job)) i--;
      slots.splice(i > stop ? i : this.lowerBound(job), 0, job);
    }
    this.size++;
  }

  /** Adds a restored job, in any order; the FIFO sorts itself before its next use. */
  append(job: JobRecord): void {
    const slots = this.slots;
    const n = slots.length;
    if (this.sorted && n > this.head && !slotBefore(slots[n - 1] as Slot, job)) this.sorted = false;
    slots.push(job);
    this.size++;
  }

  /** Takes out `job`, which must be in this FIFO. O(1) at the front, O(log n) elsewhere. */
  remove(job: JobRecord): void {
    this.size--;
    // Sorted first: sorting may bring the job to the front, where it must not leave a gap.
    this.ensureSorted();
    if (this.slots[this.head] === job) {
      this.head++;
      this.skipGaps();
      return;
    }
    const slots = this.slots;
    let i = this.lowerBound(job);
    // A gap with the same key may come first: the same job, dead, retried and dead again within one ms.
    while (slots[i] !== job) {
      if (i >= slots.length) throw new Error(`FinishedFifo.remove: job ${job.id} is not in the ${this.terminal} FIFO of ${this.queue}`);
      i++;
    }
    slots[i] = new Gap(job.seq, job.finishedAt ?? 0);
    this.gaps++;
    if (this.gaps >= MIN_COMPACT && 2 * this.gaps >= slots.length - this.head) this.compact();
  }

  /** The oldest job, or undefined when empty. */
  oldest(): JobRecord | undefined {
    this.ensureSorted();
    return this.slots[this.head] as JobRecord | undefined;
  }

  /** Jobs in order, oldest first (for tests and inspection). */
  *[Symbol.iterator](): IterableIterator<JobRecord> {
    this.ensureSorted();
    for (let i = this.head; i < this.slots.length; i++) {
      const s = this.slots[i] as Slot;
      if (!(s instanceof Gap)) yield s;
    }
  }

  /** First slot at or after `head` whose key is not before `job`'s. */
  private lowerBound(job: JobRecord): number {
    let lo = this.head;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (slotBefore(this.slots[mid] as Slot, job)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Moves `head` past gaps, then drops the consumed front once it is most of the array. */
  private skipGaps(): void {
    const slots = this.slots;
    while (this.head < slots.length && slots[this.head] instanceof Gap) {
      this.head++;
      this.gaps--;
    }
    if (this.head >= MIN_COMPACT && 2 * this.head >= slots.length) {
      this.slots = slots.slice(this.head);
      this.head = 0;
    }
  }

  private compact(): void {
    const kept: Slot[] = [];
    for (let i = this.head; i < this.slots.length; i++) {
      const s = this.slots[i] as Slot;
      if (!(s instanceof Gap)) kept.push(s);
    }
    this.slots = kept;
    this.head = 0;
    this.gaps = 0;
  }

  private ensureSorted(): void {
    if (this.sorted) return;
    // Gaps, if any, sort by their keys like the jobs they stand for.
    this.slots = this.slots.slice(this.head).sort(compareSlots);
    this.head = 0;
    this.sorted = true;
  }
}

/** `q`'s FIFO of `terminal`, made on first use. */
export function finishedFifo(state: JobsState, q: QueueIndex, terminal: TerminalState): FinishedFifo {
  switch (terminal) {
    case 'succeeded':
      return (q.succeededFifo ??= new FinishedFifo(q.name, terminal, countBoundFor(state.options, q.name, terminal)));
    case 'dead':
      return (q.deadFifo ??= new FinishedFifo(q.name, terminal, countBoundFor(state.options, q.name, terminal)));
    case 'cancelled':
      return (q.cancelledFifo ??= new FinishedFifo(q.name, terminal, countBoundFor(state.options, q.name, terminal)));
  }
}

/**
 * Adds a job that is in a terminal state to its FIFO: `inOrder` when it has just finished, else
 * (restore) in any order. A FIFO over its bound joins `state.overfull`, for the due pass.
 */
export function enterFinished(state: JobsState, job: JobRecord, q: QueueIndex, inOrder: boolean): void {
  const fifo = finishedFifo(state, q, job.state as TerminalState);
  if (inOrder) fifo.insert(job);
  else fifo.append(job);
  if (!fifo.overfull && fifo.size > fifo.bound) {
    fifo.overfull = true;
    state.overfull.add(fifo);
  }
}

/** Takes a job that is leaving its terminal state (purged, or retried) out of its FIFO. */
export function leaveFinished(state: JobsState, job: JobRecord): void {
  const fifo = finishedFifo(state, state.queue(job.queue), job.state as TerminalState);
  fifo.remove(job);
  if (fifo.overfull && fifo.size <= fifo.bound) {
    fifo.overfull = false;
    state.overfull.delete(fifo);
  }
}

const TERMINAL_RANK: Readonly<Record<TerminalState, number>> = { succeeded: 0, dead: 1, cancelled: 2 };

/**
 * The order in which the due pass trims over-bound FIFOs: by queue name, then state. Fixed, so
 * that replicas agree on which jobs go first when `maxPurgePerBatch` stops the pass, and on the
 * order purged jobs' idempotency keys are released in.
 */
export function overfullBefore(a: FinishedFifo, b: FinishedFifo): number {
  if (a.queue !== b.queue) return a.queue < b.queue ? -1 : 1;
  return TERMINAL_RANK[a.terminal] - TERMINAL_RANK[b.terminal];
}
