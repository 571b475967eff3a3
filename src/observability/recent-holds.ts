/**
 * Lease holds per group key over the last minute, for a gauge whose label cardinality stays
 * bounded however many keys a cluster has: the busiest `top` keys get a series each, every other
 * key of a queue is summed into `group="other"`. A counter per key could not do that (a counter
 * series cannot be handed to another key without breaking `rate()`), so the per-key view is a
 * window: which keys are held back now.
 */

/** Options of {@link RecentHolds}. */
export interface RecentHoldsOptions {
  /** How far back the window reaches, ms. Default 60000. */
  readonly windowMs?: number;
  /** Buckets the window is kept in: its granularity is windowMs / buckets. Default 6. */
  readonly buckets?: number;
  /** Keys tracked one by one per bucket; more are summed per queue as `other` at once. Default 10000. */
  readonly maxKeys?: number;
  /** Keys reported one by one. Default 20. */
  readonly top?: number;
  /** Wall clock, ms. Default `Date.now`. */
  readonly now?: () => number;
}

/** One series of the window: a key (`group` "other" for the rest of its queue) and a reason. */
export interface HoldCount {
  readonly queue: string;
  readonly group: string;
  readonly reason: string;
  readonly count: number;
}

/** The label value of the keys not reported one by one. */
export const OTHER_GROUP = 'other';

interface KeyHolds {
  readonly queue: string;
  readonly group: string;
  readonly reasons: Map<string, number>;
}

interface Bucket {
  /** floor(time / bucket length); -1 while unused. */
  index: number;
  /** By `queue\0group`. */
  readonly keys: Map<string, KeyHolds>;
  /** Keys past `maxKeys`, by `queue\0reason`. */
  readonly overflow: Map<string, number>;
}

const bump = <K>(m: Map<K, number>, k: K, n: number): void => {
  m.set(k, (m.get(k) ?? 0) + n);
};

export class RecentHolds {
  private readonly bucketMs: number;
  private readonly ring: Bucket[];
  private readonly maxKeys: number;
  private readonly top: number;
  private readonly now: () => number;

  constructor(o: RecentHoldsOptions = {}) {
    const buckets = Math.max(1, o.buckets ?? 6);
    this.bucketMs = Math.max(1, Math.floor((o.windowMs ?? 60_000) / buckets));
    this.ring = Array.from({ length: buckets }, () => ({ index: -1, keys: new Map(), overflow: new Map() }));
    this.maxKeys = o.maxKeys ?? 10_000;
    this.top = o.top ?? 20;
    this.now = o.now ?? Date.now;
  }

  /** `count` holds of group key `group` of `queue` for `reason`, now. */
  add(queue: string, group: string, reason: string, count = 1): void {
    const index = Math.floor(this.now() / this.bucketMs);
    const b = this.ring[index % this.ring.length] as Bucket;
    if (b.index !== index) {
      b.index = index;
      b.keys.clear();
      b.overflow.clear();
    }
    const id = `${queue}\0${group}`;
    let k = b.keys.get(id);
    if (k === undefined) {
      if (b.keys.size >= this.maxKeys) {
        bump(b.overflow, `${queue}\0${reason}`, count);
        return;
      }
      k = { queue, group, reasons: new Map() };
      b.keys.set(id, k);
    }
    bump(k.reasons, reason, count);
  }

  /**
   * The window's holds: the `top` keys with the most holds (then by queue and key), each reason
   * its own entry, and per queue and reason the sum of the other keys as group `other`.
   */
  snapshot(): HoldCount[] {
    const current = Math.floor(this.now() / this.bucketMs);
    const keys = new Map<string, KeyHolds & { total: number }>();
    const other = new Map<string, number>();
    for (const b of this.ring) {
      if (b.index < 0 || b.index <= current - this.ring.length || b.index > current) continue;
      for (const [id, k] of b.keys) {
        let sum = keys.get(id);
        if (sum === undefined) keys.set(id, (sum = { queue: k.queue, group: k.group, reasons: new Map(), total: 0 }));
        for (const [reason, n] of k.reasons) {
          bump(sum.reasons, reason, n);
          sum.total += n;
        }
      }
      for (const [id, n] of b.overflow) bump(other, id, n);
    }
    const ranked = [...keys.values()].sort((a, b) => b.total - a.total || (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
    const out: HoldCount[] = [];
    ranked.forEach((k, i) => {
      for (const [reason, count] of k.reasons) {
        if (i < this.top) out.push({ queue: k.queue, group: k.group, reason, count });
        else bump(other, `${k.queue}\0${reason}`, count);
      }
    });
    for (const [id, count] of other) {
      const [queue = '', reason = ''] = id.split('\0');
      out.push({ queue, group: OTHER_GROUP, reason, count });
    }
    return out;
  }
}
