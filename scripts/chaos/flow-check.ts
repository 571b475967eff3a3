/**
 * Flow-control checks on the cluster's own account of a run: each job's attempts, with the
 * replicated times the leader stamped on them. Pure, so they are unit-tested on hand-made
 * histories; the chaos run and the flow acceptance test feed them the final `Get` of every job.
 *
 * An attempt holds its key's slot from its lease (`startedAt`) until its end (`endedAt`); a lease
 * entry and the entry that ends an attempt can carry the same time, so an attempt ending at `t`
 * and one starting at `t` do not overlap.
 */

/** One attempt of a job, as the cluster recorded it. */
export interface FlowAttempt {
  readonly startedAt: number;
  /** null (or 0) while running: it holds its slot to the end of the run. */
  readonly endedAt: number | null;
}

/** A job of the run: its group key ('' for none) and its attempts. */
export interface FlowJob {
  readonly id: string;
  readonly group: string;
  readonly attempts: readonly FlowAttempt[];
  /** When it reached its terminal state, ms; null if it has not. */
  readonly finishedAt: number | null;
}

export interface ConcurrencyReport {
  /** The most attempts any key held at once. */
  readonly maxConcurrent: number;
  /** A key that reached `maxConcurrent`. */
  readonly busiestGroup: string;
  /** Keys that held more than the limit at some moment. */
  readonly keysOverLimit: number;
  /** Moments (attempt starts) at which a key held more than the limit. */
  readonly exceeded: number;
}

/**
 * The most attempts each key held at once, and how often a key held more than `limit`. Jobs
 * without a key (group '') are left out: no per-key limit applies to them. O(a log a).
 */
export function concurrencyPerKey(jobs: readonly FlowJob[], limit: number): ConcurrencyReport {
  const byKey = new Map<string, [number, number][]>();
  for (const job of jobs) {
    if (job.group === '') continue;
    let list = byKey.get(job.group);
    if (list === undefined) byKey.set(job.group, (list = []));
    for (const a of job.attempts) list.push([a.startedAt, a.endedAt === null || a.endedAt === 0 ? Infinity : a.endedAt]);
  }
  let maxConcurrent = 0;
  let busiestGroup = '';
  let keysOverLimit = 0;
  let exceeded = 0;
  for (const [group, intervals] of byKey) {
    // Ends before starts at the same time: an end at t frees the slot a start at t takes.
    const points: [number, number][] = [];
    for (const [s, e] of intervals) points.push([s, 1], [e, -1]);
    points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let held = 0;
    let over = false;
    for (const [, delta] of points) {
      held += delta;
      if (held > maxConcurrent) {
        maxConcurrent = held;
        busiestGroup = group;
      }
      if (delta === 1 && held > limit) {
        exceeded++;
        over = true;
      }
    }
    if (over) keysOverLimit++;
  }
  return { maxConcurrent, busiestGroup, keysOverLimit, exceeded };
}

export interface RateReport {
  /** The most leases granted within any window [t, t + `windowMs`). */
  readonly maxInWindow: number;
  /** Where that window started, ms. */
  readonly windowStart: number;
  /** Leases granted in all. */
  readonly total: number;
  /** From the first lease to the last, ms. */
  readonly spanMs: number;
}

/**
 * The most lease starts within any window of `windowMs`, over every attempt of every job (a lease
 * that was later released or expired still took a token). O(a log a).
 */
export function leasesPerWindow(jobs: readonly FlowJob[], windowMs: number): RateReport {
  const starts: number[] = [];
  for (const job of jobs) for (const a of job.attempts) starts.push(a.startedAt);
  starts.sort((a, b) => a - b);
  let best = 0;
  let windowStart = starts[0] ?? 0;
  let lo = 0;
  for (let hi = 0; hi < starts.length; hi++) {
    while ((starts[hi] as number) - (starts[lo] as number) >= windowMs) lo++;
    if (hi - lo + 1 > best) {
      best = hi - lo + 1;
      windowStart = starts[lo] as number;
    }
  }
  const spanMs = starts.length === 0 ? 0 : (starts[starts.length - 1] as number) - (starts[0] as number);
  return { maxInWindow: best, windowStart, total: starts.length, spanMs };
}

export interface FinishSpread {
  /** Keys with every job finished. */
  readonly keys: number;
  /** Earliest and latest time a key's last job finished, measured from `since`, ms. */
  readonly firstMs: number;
  readonly lastMs: number;
  /** lastMs / firstMs: 1 when every key finished at the same time. */
  readonly ratio: number;
  /** Keys with a job not finished. */
  readonly unfinished: number;
}

/**
 * When each key finished (its last job's `finishedAt`), measured from `since` (the start of the
 * run): the spread between the first key to finish and the last. Fair service gives keys with equal
 * backlogs equal finish times; a key served ahead of the others finishes early.
 */
export function finishSpread(jobs: readonly FlowJob[], since: number): FinishSpread {
  const last = new Map<string, number>();
  const open = new Set<string>();
  for (const job of jobs) {
    if (job.finishedAt === null) {
      open.add(job.group);
      continue;
    }
    last.set(job.group, Math.max(last.get(job.group) ?? -Infinity, job.finishedAt - since));
  }
  for (const g of open) last.delete(g);
  const times = [...last.values()];
  const firstMs = times.length === 0 ? 0 : Math.min(...times);
  const lastMs = times.length === 0 ? 0 : Math.max(...times);
  return { keys: times.length, firstMs, lastMs, ratio: firstMs > 0 ? lastMs / firstMs : times.length === 0 ? 1 : Infinity, unfinished: open.size };
}
