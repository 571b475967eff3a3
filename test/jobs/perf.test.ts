import { describe, expect, it } from 'vitest';
import { IndexedHeap, type HeapItem } from '../../src/jobs/heap.js';
import { applyBatch, createState, readyCount, type SubmitJob } from '../../src/jobs/index.js';

// Sanity, not a benchmark: structural bounds are asserted, wall-clock figures only printed on request.
const report = (line: string): void => {
  if (process.env['JOBS_PERF'] === '1') console.log(line);
};

describe('performance sanity', () => {
  it('the ready index costs O(log n) comparisons per lease, not O(n)', () => {
    interface Item extends HeapItem {
      key: number;
    }
    let comparisons = 0;
    const heap = new IndexedHeap<Item>((a, b) => {
      comparisons++;
      return a.key < b.key;
    });
    const n = 100_000;
    for (let i = 0; i < n; i++) heap.push({ heapPos: -1, key: (i * 7919) % n });
    comparisons = 0;
    let prev = -1;
    for (let i = 0; i < 1000; i++) {
      const item = heap.pop()!;
      expect(item.key).toBeGreaterThan(prev);
      prev = item.key;
    }
    const perPop = comparisons / 1000;
    // A binary heap pop is at most 2·log2(n) ≈ 34 comparisons; an O(n) scan would be ~100k.
    expect(perPop).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)));
  });

  it('leasing from a queue of 100k ready jobs', () => {
    const s = createState();
    const payload = new Uint8Array(16);
    let index = 0;
    let t = performance.now();
    for (let b = 0; b < 100; b++) {
      const jobs: SubmitJob[] = Array.from({ length: 1000 }, (_, i) => ({ queue: 'q', payload, priority: (b * 1000 + i) % 7 }));
      applyBatch(s, { time: 1000, commands: [{ type: 'submit', jobs }] }, ++index);
    }
    report(`submit: ${((performance.now() - t) / 100).toFixed(2)} µs per job (100k)`);
    expect(readyCount(s, 'q')).toBe(100_000);

    t = performance.now();
    const priorities: number[] = [];
    for (let b = 0; b < 100; b++) {
      const [r] = applyBatch(s, { time: 1001, commands: [{ type: 'lease', workerId: 'w', queues: ['q'], max: 1000 }] }, ++index);
      if (!r?.ok || r.type !== 'lease') throw new Error('lease failed');
      for (const g of r.leases) priorities.push(g.priority);
    }
    report(`lease: ${((performance.now() - t) / 100).toFixed(2)} µs per job (100k ready)`);
    expect(priorities).toHaveLength(100_000);
    expect(priorities.every((p, i) => i === 0 || p <= priorities[i - 1]!)).toBe(true);
    expect(readyCount(s, 'q')).toBe(0);
  });
});
