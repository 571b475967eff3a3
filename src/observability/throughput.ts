import type { FlowTotals } from './metrics.js';

/** Throughput of the last minutes, per queue: what happened in each sampling interval. */
export interface ThroughputSeries {
  /** Length of one interval, ms. */
  readonly intervalMs: number;
  /** End of each interval, ms since the epoch, oldest first. */
  readonly times: readonly number[];
  /** Length of each interval, ms: `intervalMs`, except the last one, which is still running. */
  readonly spansMs: readonly number[];
  /** Per queue, one count per interval (aligned with `times`). */
  readonly queues: Readonly<Record<string, { readonly submitted: readonly number[]; readonly completed: readonly number[]; readonly failed: readonly number[]; readonly dead: readonly number[] }>>;
}

/** Options of {@link ThroughputHistory}. */
export interface ThroughputOptions {
  /** Sampling interval, ms. Default 2000. */
  readonly intervalMs?: number;
  /** Samples kept (a ring buffer). Default 300: ten minutes at the default interval. */
  readonly samples?: number;
  /** Wall clock, ms. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * A ring buffer of the node's job-flow totals, sampled on a timer, so the dashboard can chart
 * throughput over the last minutes as soon as it opens. Every replica counts the same applied
 * entries, so any node's chart shows the cluster's throughput. A background loop: `start()`/`stop()`.
 */
export class ThroughputHistory {
  private readonly intervalMs: number;
  private readonly capacity: number;
  private readonly now: () => number;
  private readonly ring: { at: number; totals: Map<string, FlowTotals> }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly read: () => ReadonlyMap<string, Readonly<FlowTotals>>,
    o: ThroughputOptions = {},
  ) {
    this.intervalMs = o.intervalMs ?? 2000;
    this.capacity = Math.max(2, o.samples ?? 300);
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.timer !== null) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Record the current totals (the timer calls this). */
  sample(): void {
    const copy = new Map<string, FlowTotals>();
    for (const [q, t] of this.read()) copy.set(q, { ...t });
    this.ring.push({ at: this.now(), totals: copy });
    if (this.ring.length > this.capacity) this.ring.shift();
  }

  /** Counts per interval between consecutive samples, plus the interval still running (if 100 ms old). */
  series(): ThroughputSeries {
    const points = [...this.ring];
    const now = this.now();
    const last = points[points.length - 1];
    if (last === undefined || now - last.at >= 100) points.push({ at: now, totals: new Map([...this.read()].map(([q, t]) => [q, { ...t }])) });
    const names = new Set<string>();
    for (const p of points) for (const q of p.totals.keys()) names.add(q);
    const zero: FlowTotals = { submitted: 0, completed: 0, failed: 0, dead: 0 };
    const queues: Record<string, { submitted: number[]; completed: number[]; failed: number[]; dead: number[] }> = {};
    for (const q of [...names].sort()) queues[q] = { submitted: [], completed: [], failed: [], dead: [] };
    const times: number[] = [];
    const spansMs: number[] = [];
    for (let i = 1; i < points.length; i++) {
      const prev = points[i - 1];
      const cur = points[i];
      if (prev === undefined || cur === undefined) continue;
      times.push(cur.at);
      spansMs.push(Math.max(1, cur.at - prev.at));
      for (const [q, s] of Object.entries(queues)) {
        const a = prev.totals.get(q) ?? zero;
        const b = cur.totals.get(q) ?? zero;
        s.submitted.push(Math.max(0, b.submitted - a.submitted));
        s.completed.push(Math.max(0, b.completed - a.completed));
        s.failed.push(Math.max(0, b.failed - a.failed));
        s.dead.push(Math.max(0, b.dead - a.dead));
      }
    }
    return { intervalMs: this.intervalMs, times, spansMs, queues };
  }
}
