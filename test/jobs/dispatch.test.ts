/** The dispatcher's policy (src/jobs/dispatch.ts): free slots, lease size, refusal back-off, the order of a round. */
import { describe, expect, it } from 'vitest';
import { LEASE_REFUSAL_BACKOFF_MAX_MS, LEASE_REFUSAL_BACKOFF_MIN_MS, dispatchOrder, freeSlots, leaseSize, refusalBackoff } from '../../src/jobs/index.js';

describe('dispatch policy', () => {
  it('free slots are capacity less held and requested; a lease asks for all of them, at most maxLeaseBatch', () => {
    expect(freeSlots(10, 3, 2)).toBe(5);
    expect(freeSlots(2, 3, 0)).toBe(-1);
    expect(leaseSize(5, 1000)).toBe(5);
    expect(leaseSize(5000, 1000)).toBe(1000);
    expect(leaseSize(0, 1000)).toBe(0);
    expect(leaseSize(-1, 1000)).toBe(0);
  });

  it('refusals back off from 100 ms, doubling to 5 s; an accepted lease starts over', () => {
    const seen: number[] = [];
    let b = 0;
    for (let i = 0; i < 8; i++) seen.push((b = refusalBackoff(b)));
    expect(seen).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(LEASE_REFUSAL_BACKOFF_MIN_MS).toBe(100);
    expect(LEASE_REFUSAL_BACKOFF_MAX_MS).toBe(5000);
    expect(refusalBackoff(0)).toBe(100);
  });

  it('each round starts one session further, so every session comes first in turn', () => {
    let rotation = 0;
    const firsts: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { order, next } = dispatchOrder(['a', 'b', 'c'], rotation);
      expect([...order].sort()).toEqual(['a', 'b', 'c']);
      firsts.push(order[0] as string);
      rotation = next;
    }
    expect(firsts).toEqual(['b', 'c', 'a', 'b', 'c', 'a']);
    expect(dispatchOrder([], 3)).toEqual({ order: [], next: 0 });
  });
});
