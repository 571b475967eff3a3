/**
 * An indexed binary min-heap: every item remembers its position, so removal and re-keying are
 * O(log n) without lazy deletion or garbage. A job is in at most one heap at a time (its state's
 * index), which is why one `heapPos` field per item suffices.
 *
 * Ordering must be total (the job's sequence number breaks ties) so that the pop order is a pure
 * function of the items, whatever the internal layout: a heap rebuilt from a snapshot behaves
 * exactly like the one that was saved.
 */

/** Something that can sit in an `IndexedHeap`. */
export interface HeapItem {
  /** Position in the heap's array, or -1 when in no heap. Owned by the heap. */
  heapPos: number;
}

/** A min-heap of `HeapItem`s under `before`; push, pop, remove and update are O(log n). */
export class IndexedHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  /** @param before true when `a` must pop before `b`. */
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** The item that pops next, or undefined when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    if (item.heapPos !== -1) throw new Error('IndexedHeap.push: item is already in a heap');
    item.heapPos = this.items.length;
    this.items.push(item);
    this.up(item.heapPos);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Removes `item`, which must be in this heap. */
  remove(item: T): void {
    if (this.items[item.heapPos] !== item) throw new Error('IndexedHeap.remove: item is not in this heap');
    this.removeAt(item.heapPos);
  }

  /** Restores order after `item`'s key changed. */
  update(item: T): void {
    if (this.items[item.heapPos] !== item) throw new Error('IndexedHeap.update: item is not in this heap');
    this.down(this.up(item.heapPos));
  }

  /** The items in internal (not sorted) order; do not change their keys without `update`/`heapify`. */
  unordered(): readonly T[] {
    return this.items;
  }

  /** Restores order after the keys of many items changed, O(n). */
  heapify(): void {
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.down(i);
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
