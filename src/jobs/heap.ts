/**
 * An indexed min-heap: every item remembers its position, so removal and re-keying are
 * O(log n) without lazy deletion or garbage. A job is in at most one heap at a time (its state's
 * index), which is why one `heapPos` field per item suffices.
 *
 * Most items arrive in order: jobs submitted to run now are ready in submit order, leases of one
 * TTL expire in grant order, finished jobs of one retention are purged in finish order. So besides
 * the binary heap there is a run: a plain queue of items each pushed after the one pushed before it
 * (under `before`), appended and taken from the front in O(1), touching no other item. An item
 * that does not sort after the run's last goes into the binary heap. `peek` and `pop` take the
 * first of the run's head and the heap's top. A backlog of a million ready jobs then costs a lease
 * one comparison instead of twenty, each of which would read a job record far from the last.
 *
 * Ordering must be total (the job's sequence number breaks ties) so that the pop order is a pure
 * function of the items, whatever the internal layout: a heap rebuilt from a snapshot behaves
 * exactly like the one that was saved.
 */

/** Something that can sit in an `IndexedHeap`. */
export interface HeapItem {
  /**
   * Where the item is, or -1 when in no heap. Owned by the heap: its index in the binary heap
   * (>= 0), or `RUN_BASE - i` for place `i` of the run (<= -3; -2 is left for owners' own marks).
   */
  heapPos: number;
}

/** `heapPos` of place 0 of a heap's run; place i is `RUN_BASE - i`. */
const RUN_BASE = -3;
/** The run's array is compacted once this many places at its front are consumed (and half of it). */
const RUN_COMPACT_MIN = 1024;

/** A min-heap of `HeapItem`s under `before`; push and pop are O(1) for items pushed in order, else O(log n); remove and update O(log n). */
export class IndexedHeap<T extends HeapItem> {
  private readonly items: T[] = [];
  /** The run: `run[runHead..]` in ascending order, with holes (undefined) where items were removed. */
  private run: (T | undefined)[] = [];
  private runHead = 0;
  /** Items in the run (places that are not holes). */
  private runLive = 0;

  /** @param before true when `a` must pop before `b`. */
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length + this.runLive;
  }

  /** The item that pops next, or undefined when empty. */
  peek(): T | undefined {
    const r = this.runFirst();
    const h = this.items[0];
    if (r === undefined) return h;
    return h !== undefined && this.before(h, r) ? h : r;
  }

  push(item: T): void {
    if (item.heapPos !== -1) throw new Error('IndexedHeap.push: item is already in a heap');
    const last = this.runLast();
    if (last === undefined || this.before(last, item)) {
      item.heapPos = RUN_BASE - this.run.length;
      this.run.push(item);
      this.runLive++;
      return;
    }
    item.heapPos = this.items.length;
    this.items.push(item);
    this.up(item.heapPos);
  }

  pop(): T | undefined {
    const r = this.runFirst();
    const h = this.items[0];
    if (r !== undefined && (h === undefined || !this.before(h, r))) {
      this.takeFromRun(this.runHead);
      return r;
    }
    if (h !== undefined) this.removeAt(0);
    return h;
  }

  /** Removes `item`, which must be in this heap. */
  remove(item: T): void {
    const pos = item.heapPos;
    if (pos >= 0 && this.items[pos] === item) this.removeAt(pos);
    else if (pos <= RUN_BASE && this.run[RUN_BASE - pos] === item) this.takeFromRun(RUN_BASE - pos);
    else throw new Error('IndexedHeap.remove: item is not in this heap');
  }

  /** Restores order after `item`'s key changed. */
  update(item: T): void {
    const pos = item.heapPos;
    if (pos >= 0 && this.items[pos] === item) this.down(this.up(pos));
    else if (pos <= RUN_BASE && this.run[RUN_BASE - pos] === item) {
      this.takeFromRun(RUN_BASE - pos);
      this.push(item);
    } else throw new Error('IndexedHeap.update: item is not in this heap');
  }

  /** The items in internal (not sorted) order; do not change their keys without `update`/`heapify`. */
  unordered(): readonly T[] {
    if (this.runLive === 0) return this.items;
    const all = this.items.slice();
    for (let i = this.runHead; i < this.run.length; i++) {
      const r = this.run[i];
      if (r !== undefined) all.push(r);
    }
    return all;
  }

  /** Restores order after the keys of many items changed, O(n). */
  heapify(): void {
    const items = this.items;
    for (let i = this.runHead; i < this.run.length; i++) {
      const r = this.run[i];
      if (r === undefined) continue;
      r.heapPos = items.length;
      items.push(r);
    }
    this.run = [];
    this.runHead = 0;
    this.runLive = 0;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  /** The run's first item (skipping holes at its front), or undefined when it is empty. */
  private runFirst(): T | undefined {
    const run = this.run;
    while (this.runHead < run.length && run[this.runHead] === undefined) this.runHead++;
    return run[this.runHead];
  }

  /** The run's last item (dropping holes at its end), or undefined when it is empty. */
  private runLast(): T | undefined {
    const run = this.run;
    while (run.length > this.runHead && run[run.length - 1] === undefined) run.pop();
    return run.length > this.runHead ? run[run.length - 1] : undefined;
  }

  /** Takes the item at place `i` of the run out of it. */
  private takeFromRun(i: number): void {
    const item = this.run[i] as T;
    this.run[i] = undefined;
    item.heapPos = -1;
    this.runLive--;
    if (i === this.runHead) this.runHead++;
    if (this.runLive === 0) {
      this.run = [];
      this.runHead = 0;
    } else if (this.runHead >= RUN_COMPACT_MIN && this.runHead * 2 >= this.run.length) {
      this.compactRun();
    } else if (this.run.length - this.runHead >= RUN_COMPACT_MIN && this.runLive * 2 < this.run.length - this.runHead) {
      this.compactRun();
    }
  }

  /** Drops the consumed front and the holes of the run: O(items in it), at most once per as many removals. */
  private compactRun(): void {
    const run: T[] = [];
    for (let i = this.runHead; i < this.run.length; i++) {
      const r = this.run[i];
      if (r === undefined) continue;
      r.heapPos = RUN_BASE - run.length;
      run.push(r);
    }
    this.run = run;
    this.runHead = 0;
  }

  /**
   * Floyd's bottom-up deletion: the hole left at `pos` moves down to a leaf along the better child
   * (one comparison per level), then the last item fills it and sifts up. The last item came from
   * the bottom and nearly always belongs near it, so this takes about half the comparisons of
   * sifting it down from `pos` (two per level). Any layout is fine: the order is total.
   */
  private removeAt(pos: number): void {
    const items = this.items;
    const removed = items[pos] as T;
    const last = items.pop() as T;
    removed.heapPos = -1;
    const n = items.length;
    if (pos === n) return;
    for (;;) {
      const left = 2 * pos + 1;
      if (left >= n) break;
      let child = left;
      let childItem = items[left] as T;
      const right = left + 1;
      if (right < n) {
        const r = items[right] as T;
        if (this.before(r, childItem)) {
          child = right;
          childItem = r;
        }
      }
      items[pos] = childItem;
      childItem.heapPos = pos;
      pos = child;
    }
    items[pos] = last;
    last.heapPos = pos;
    this.up(pos);
  }

  /** Sifts up from `pos`; returns the final position. */
  private up(pos: number): number {
    const items = this.items;
    const item = items[pos] as T;
    while (pos > 0) {
      const parentPos = (pos - 1) >> 1;
      const parent = items[parentPos] as T;
      if (!this.before(item, parent)) break;
      items[pos] = parent;
      parent.heapPos = pos;
      pos = parentPos;
    }
    items[pos] = item;
    item.heapPos = pos;
    return pos;
  }

  private down(pos: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[pos] as T;
    for (;;) {
      const left = 2 * pos + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      let childItem = items[left] as T;
      if (right < n) {
        const r = items[right] as T;
        if (this.before(r, childItem)) {
          child = right;
          childItem = r;
        }
      }
      if (!this.before(childItem, item)) break;
      items[pos] = childItem;
      childItem.heapPos = pos;
      pos = child;
    }
    items[pos] = item;
    item.heapPos = pos;
  }
}
