import type { Entry, SnapshotMeta } from './types.js';

/**
 * The in-memory Raft log of one node: entries after `startIndex` (the compaction point), which
 * of them are not yet persisted, and the commit and apply positions. Persisted entries stay in
 * memory until the application compacts them away below a snapshot.
 */
export class RaftLog {
  /** Index and term of the entry just before `entries[0]` (0/0 for an empty, uncompacted log). */
  startIndex: number;
  startTerm: number;
  private entries: Entry[];
  /** Latest snapshot the application holds (or received and will hold after the next persist). */
  snapshot: SnapshotMeta | null;
  committed: number;
  applied: number;
  /** First index not yet known to be on disk. */
  unstableFrom: number;
  /** Last index handed out for persistence (`markOffered`); writes of later ones have not started. */
  private offeredTo: number;

  constructor(init: {
    startIndex: number;
    startTerm: number;
    entries: readonly Entry[];
    snapshot: SnapshotMeta | null;
    committed: number;
    applied: number;
  }) {
    this.startIndex = init.startIndex;
    this.startTerm = init.startTerm;
    this.entries = [...init.entries];
    this.snapshot = init.snapshot;
    const last = this.lastIndex();
    for (let i = 0; i < this.entries.length; i++) {
      if (this.entries[i]?.index !== this.startIndex + 1 + i) {
        throw new Error(`raft log: entries not contiguous after index ${this.startIndex}`);
      }
    }
    const snapIndex = this.snapshot?.index ?? 0;
    this.committed = Math.max(Math.min(init.committed, last), snapIndex);
    this.applied = Math.min(Math.max(init.applied, snapIndex), this.committed);
    this.unstableFrom = last + 1;
    this.offeredTo = last;
  }

  firstIndex(): number {
    return this.startIndex + 1;
  }

  lastIndex(): number {
    return this.startIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.entries.length > 0 ? (this.entries[this.entries.length - 1] as Entry).term : this.startTerm;
  }

  /** Term of the entry at `index`, or undefined when compacted away or beyond the end. */
  term(index: number): number | undefined {
    if (index === this.startIndex) return this.startTerm;
    if (index < this.startIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.startIndex - 1]?.term;
  }

  entry(index: number): Entry | undefined {
    return this.entries[index - this.startIndex - 1];
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /**
   * §5.4.1 election restriction: a candidate's log is at least as up-to-date as ours when its
   * last term is higher, or equal with a last index at least ours.
   */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Entries in [lo, hi) bounded by count and bytes; at least one entry when any exists. */
  slice(lo: number, hi: number, maxCount = Infinity, maxBytes = Infinity): Entry[] {
    const from = Math.max(lo, this.firstIndex());
    const to = Math.min(hi, this.lastIndex() + 1, from + maxCount);
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = from; i < to; i++) {
      const e = this.entry(i) as Entry;
      bytes += e.data.length + 16;
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  /** Leader append of new entries at the end. */
  append(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.index !== this.lastIndex() + 1) throw new Error(`raft log: append at ${e.index}, last is ${this.lastIndex()}`);
      this.entries.push(e);
    }
  }

  /**
   * Follower side of AppendEntries after the consistency check passed (§5.3): skip entries we
   * already have, truncate at the first conflict, append the rest. Never truncates committed
   * entries (that would violate State Machine Safety; it throws instead).
   * Returns the index of the last new entry.
   */
  appendFromLeader(prevIndex: number, entries: readonly Entry[]): number {
    let i = 0;
    for (; i < entries.length; i++) {
      const e = entries[i] as Entry;
      if (e.index <= this.startIndex) continue;
      const t = this.term(e.index);
      if (t === undefined) break;
      if (t !== e.term) {
        if (e.index <= this.committed) {
          throw new Error(`raft log: conflict at committed index ${e.index} (committed ${this.committed})`);
        }
        this.truncateFrom(e.index);
        break;
      }
    }
    for (; i < entries.length; i++) {
      const e = entries[i] as Entry;
      if (e.index <= this.startIndex) continue;
      this.entries.push(e);
    }
    return prevIndex + entries.length;
  }

  private truncateFrom(index: number): void {
    this.entries.length = index - this.startIndex - 1;
    if (this.unstableFrom > index) this.unstableFrom = index;
    if (this.offeredTo >= index) this.offeredTo = index - 1;
  }

  /** Largest index ≤ `index` whose term is ≤ `term`, with its term (fast backtracking). */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let i = Math.min(index, this.lastIndex());
    while (i > this.startIndex) {
      const t = this.term(i) as number;
      if (t <= term) return { index: i, term: t };
      i--;
    }
    return { index: i, term: i === this.startIndex ? this.startTerm : 0 };
  }

  commitTo(index: number): boolean {
    const to = Math.min(index, this.lastIndex());
    if (to > this.committed) {
      this.committed = to;
      return true;
    }
    return false;
  }

  /** Entries not yet handed out for persistence. */
  unofferedEntries(): Entry[] {
    return this.slice(Math.max(this.unstableFrom, this.offeredTo + 1), this.lastIndex() + 1);
  }

  hasUnoffered(): boolean {
    return Math.max(this.unstableFrom, this.offeredTo + 1) <= this.lastIndex();
  }

  /** Entries up to `index` were handed out for persistence (their write may still be running). */
  markOffered(index: number): void {
    if (index > this.offeredTo) this.offeredTo = index;
  }

  /**
   * The write of entries up to (`index`, `term`) finished. Ignored when that entry was replaced
   * meanwhile (a later write of the replacement reports its own end).
   */
  stableTo(index: number, term: number): void {
    if (this.matchTerm(index, term) && index + 1 > this.unstableFrom) this.unstableFrom = index + 1;
  }

  /** Last index known to be on this node's disk. */
  stableIndex(): number {
    return this.unstableFrom - 1;
  }

  /** Replace the whole log by a received snapshot (§7). */
  restore(meta: SnapshotMeta): void {
    this.entries = [];
    this.startIndex = meta.index;
    this.startTerm = meta.term;
    this.snapshot = meta;
    this.committed = meta.index;
    this.unstableFrom = meta.index + 1;
    this.offeredTo = meta.index;
  }

  /** Drop entries below `firstIndex` (the application holds a snapshot covering them). */
  compact(firstIndex: number): void {
    if (firstIndex <= this.firstIndex()) return;
    if (firstIndex > this.applied + 1) throw new Error(`raft log: compact to ${firstIndex} beyond applied ${this.applied}`);
    const newStart = firstIndex - 1;
    this.startTerm = this.term(newStart) as number;
    this.entries = this.entries.slice(newStart - this.startIndex);
    this.startIndex = newStart;
  }
}
