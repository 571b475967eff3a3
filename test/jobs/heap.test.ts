/**
 * `IndexedHeap`: a binary heap plus a run of items pushed in order. Whatever the mix of pushes,
 * pops, removals, re-keyings and bulk re-keyings, it pops exactly what a sorted list would; items
 * pushed in order cost a constant number of comparisons each.
 */
import { describe, expect, it } from 'vitest';
import { IndexedHeap, type HeapItem } from '../../src/jobs/heap.js';
import { SeededRandom } from '../../src/sim/random.js';

interface Item extends HeapItem {
  key: number;
  readonly seq: number;
}

const before = (a: Item, b: Item): boolean => (a.key !== b.key ? a.key < b.key : a.seq < b.seq);

/** Applies `ops` random operations to a heap and to a plain list, checking they agree after each. */
function runAgainstList(seed: number, ops: number, inOrderBias: number): void {
  const seeded = new SeededRandom(seed);
  const random = (): number => seeded.next();
  const heap = new IndexedHeap<Item>(before);
  const list: Item[] = [];
  let seq = 0;
  let clock = 0;
  const first = (): Item | undefined => list.reduce<Item | undefined>((m, x) => (m === undefined || before(x, m) ? x : m), undefined);
  for (let op = 0; op < ops; op++) {
    const r = random();
    if (r < 0.45) {
      // Mostly in order (a clock that moves forward), sometimes anywhere.
      clock += Math.floor(random() * 3);
      const key = random() < inOrderBias ? clock : Math.floor(random() * (clock + 10));
      const item: Item = { heapPos: -1, key, seq: ++seq };
      heap.push(item);
      list.push(item);
    } else if (r < 0.7) {
      const want = first();
      expect(heap.pop()).toBe(want);
      if (want !== undefined) list.splice(list.indexOf(want), 1);
    } else if (r < 0.82 && list.length > 0) {
      const victim = list[Math.floor(random() * list.length)] as Item;
      heap.remove(victim);
      expect(victim.heapPos).toBe(-1);
      list.splice(list.indexOf(victim), 1);
    } else if (r < 0.95 && list.length > 0) {
      const item = list[Math.floor(random() * list.length)] as Item;
      item.key = Math.floor(random() * (clock + 10));
      heap.update(item);
    } else if (list.length > 0) {
      for (const item of heap.unordered()) if (random() < 0.3) item.key = Math.floor(random() * (clock + 10));
      heap.heapify();
    }
    expect(heap.size).toBe(list.length);
    expect(heap.peek()).toBe(first());
    for (const item of list) expect(item.heapPos).not.toBe(-1);
  }
  expect(new Set(heap.unordered())).toEqual(new Set(list));
  while (list.length > 0) {
    const want = first() as Item;
    expect(heap.pop()).toBe(want);
    list.splice(list.indexOf(want), 1);
  }
  expect(heap.pop()).toBeUndefined();
  expect(heap.size).toBe(0);
}

describe('IndexedHeap', () => {
  it.each([
    { seed: 1, bias: 0.9 },
    { seed: 2, bias: 0.5 },
    { seed: 3, bias: 0 },
    { seed: 4, bias: 1 },
  ])('pops what a sorted list would through random pushes, pops, removals and re-keyings (seed $seed, $bias in order)', ({ seed, bias }) => {
    runAgainstList(seed, 1500, bias);
  });

  it('keeps order across the run’s compaction: thousands of in-order items, most removed from the middle', () => {
    const heap = new IndexedHeap<Item>(before);
    const items = Array.from({ length: 20_000 }, (_, i): Item => ({ heapPos: -1, key: i, seq: i }));
    for (const item of items) heap.push(item);
    const kept = items.filter((_, i) => i % 7 === 0);
    for (const item of items) if (item.seq % 7 !== 0) heap.remove(item);
    expect(heap.size).toBe(kept.length);
    for (const item of kept) expect(heap.pop()).toBe(item);
    expect(heap.size).toBe(0);
  });

  it('costs a few comparisons per push and pop for items pushed in order, whatever the backlog', () => {
    let comparisons = 0;
    const heap = new IndexedHeap<Item>((a, b) => {
      comparisons++;
      return before(a, b);
    });
    const n = 200_000;
    let seq = 0;
    for (let i = 0; i < n; i++) heap.push({ heapPos: -1, key: i, seq: ++seq });
    comparisons = 0;
    // A lease and a new submit, a thousand times, behind a backlog of 200k.
    for (let i = 0; i < 1000; i++) {
      heap.pop();
      heap.push({ heapPos: -1, key: n + i, seq: ++seq });
    }
    expect(comparisons / 1000).toBeLessThanOrEqual(3);
  });
});
