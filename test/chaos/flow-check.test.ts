import { describe, expect, it } from 'vitest';
import { concurrencyPerKey, finishSpread, leasesPerWindow, type FlowJob } from '../../scripts/chaos/flow-check.js';

function job(id: string, group: string, attempts: [number, number | null][], finishedAt: number | null = null): FlowJob {
  return { id, group, attempts: attempts.map(([startedAt, endedAt]) => ({ startedAt, endedAt })), finishedAt };
}

describe('concurrencyPerKey', () => {
  it('counts overlapping attempts per key, an end at t freeing the slot a start at t takes', () => {
    const jobs = [job('a', 'k', [[0, 10]]), job('b', 'k', [[5, 20]]), job('c', 'k', [[10, 30]]), job('d', 'other', [[0, 100]])];
    const r = concurrencyPerKey(jobs, 2);
    expect(r).toEqual({ maxConcurrent: 2, busiestGroup: 'k', keysOverLimit: 0, exceeded: 0 });
  });

  it('reports each start above the limit, and a running attempt holds its slot to the end', () => {
    const jobs = [job('a', 'k', [[0, null]]), job('b', 'k', [[5, 0]]), job('c', 'k', [[50, 60]]), job('d', 'k', [[55, 70]])];
    const r = concurrencyPerKey(jobs, 2);
    expect(r.maxConcurrent).toBe(4);
    expect(r.keysOverLimit).toBe(1);
    expect(r.exceeded).toBe(2);
  });

  it('leaves jobs without a key out', () => {
    const jobs = [job('a', '', [[0, 10]]), job('b', '', [[0, 10]]), job('c', '', [[0, 10]])];
    expect(concurrencyPerKey(jobs, 1).maxConcurrent).toBe(0);
  });
});

describe('leasesPerWindow', () => {
  it('finds the busiest window [t, t + w) of lease starts, every attempt counted', () => {
    const jobs = [job('a', '', [[0, 1], [1000, 1001]]), job('b', '', [[500, 501]]), job('c', '', [[1001, 1002]]), job('d', '', [[1600, 1601]]), job('e', '', [[1500, 1501]])];
    const r = leasesPerWindow(jobs, 1000);
    expect(r.maxInWindow).toBe(4);
    expect(r.total).toBe(6);
    expect(r.windowStart).toBe(1000);
    expect(r.spanMs).toBe(1600);
    expect(leasesPerWindow(jobs, 400).maxInWindow).toBe(2);
  });

  it('is zero on no leases', () => {
    expect(leasesPerWindow([], 1000)).toEqual({ maxInWindow: 0, windowStart: 0, total: 0, spanMs: 0 });
  });
});

describe('finishSpread', () => {
  it('measures when each key finished its last job', () => {
    const jobs = [job('a', 'x', [], 1100), job('b', 'x', [], 1050), job('c', 'y', [], 1200), job('d', 'z', [], null)];
    const r = finishSpread(jobs, 1000);
    expect(r).toEqual({ keys: 2, firstMs: 100, lastMs: 200, ratio: 2, unfinished: 1 });
  });
});
