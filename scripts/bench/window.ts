/**
 * What every node went through during a window of a workload, from polls of its `/metrics`
 * (bench/watch.ts takes them): event-loop delay p99 and maximum, failed polls and the longest time
 * without an answer, and term changes. Pure functions of the polls, so they are tested on tables.
 *
 * Event-loop delay comes from the node's `raftjobs_event_loop_delay_seconds` histogram, cumulative
 * from the node's start: the window's observations are the last poll's buckets minus the first's
 * (minus nothing for a process that started inside the window: its whole life is in it), whoever
 * else scrapes the node. The maximum comes from `raftjobs_event_loop_delay_recent_max_seconds`, the
 * largest delay of the node's last few seconds: the largest of the readings that cover only the
 * window (or exceed what the first poll read as the window opened), checked against the
 * histogram's highest non-empty bucket (when the readings missed it, e.g. a delay in the window's
 * first seconds below one just before it, that bucket's upper bound stands in, marked inexact).
 */
import { bucketDelta, quantileMs, type Scrape } from './metrics.js';

export const LOOP_DELAY = 'raftjobs_event_loop_delay_seconds';
export const LOOP_DELAY_RECENT_MAX = 'raftjobs_event_loop_delay_recent_max_seconds';
/** Span of {@link LOOP_DELAY_RECENT_MAX} in the node (src/observability/event-loop-delay.ts), ms. */
export const RECENT_MAX_SPAN_MS = 5_000;
const START_TIME = 'process_start_time_seconds';
const TERM = 'raftjobs_raft_term';

/** One poll of one node: when it was sent (wall clock, ms), and what it got (null: failed or late). */
export interface Poll {
  readonly at: number;
  readonly scrape: Scrape | null;
}

/** One node over a window. */
export interface NodeWindow {
  readonly id: string;
  readonly polls: number;
  readonly failedPolls: number;
  /** Longest time without a successful poll (from the window's start, between answers, to its end), ms. */
  readonly longestGapMs: number;
  /** Event-loop delay observations in the window (about one per 20 ms the node ran, one per stall). */
  readonly lagSamples: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  /** False when the maximum is a bucket bound (see the module comment). */
  readonly lagMaxExact: boolean;
  /** The node's process started during the window: its figures cover it from its start. */
  readonly restarted: boolean;
  readonly termStart: number;
  readonly termEnd: number;
}

/** Every node over one window. */
export interface WindowSummary {
  readonly durationMs: number;
  /** Highest term at the end minus highest at the start. */
  readonly termChanges: number;
  readonly nodes: readonly NodeWindow[];
  /**
   * The bench process's own event-loop delay over the window, ms (it only polls then): what the
   * machine alone does to a nearly idle process, against which to read the nodes' figures.
   */
  readonly control?: { readonly p99Ms: number; readonly maxMs: number };
}

/** Event-loop delay of a window: p99 and maximum (ms) and how many observations, from a node's polls. */
export function loopDelay(polls: readonly Poll[], startAt: number): { samples: number; p99Ms: number; maxMs: number; maxExact: boolean; restarted: boolean } {
  const ok = polls.filter((p): p is Poll & { scrape: Scrape } => p.scrape !== null);
  const first = ok[0];
  const last = ok.at(-1);
  if (first === undefined || last === undefined) return { samples: 0, p99Ms: NaN, maxMs: NaN, maxExact: false, restarted: false };
  // The node's process (its start time, whole seconds) changed during the window: the new one's
  // whole life is in the window. The first poll is taken as the window opens, by the old process;
  // if that one failed, the first answer may already come from a process started since (the start
  // time is rounded to a second: a second of slack).
  const processOf = (s: Scrape): number => s.get(START_TIME) ?? NaN;
  const restarted = processOf(first.scrape) !== processOf(last.scrape) || (polls[0]?.scrape === null && processOf(first.scrape) * 1000 >= startAt - 1000);
  const base: Scrape = restarted ? new Map() : first.scrape;
  const buckets = bucketDelta(base, last.scrape, LOOP_DELAY);
  const samples = buckets.at(-1)?.[1] ?? 0;
  if (samples <= 0) return { samples: 0, p99Ms: NaN, maxMs: NaN, maxExact: false, restarted };
  // The highest bucket that gained an observation: (lo, hi].
  let lo = 0;
  let hi = Infinity;
  for (let i = buckets.length - 1; i >= 0; i--) {
    const below = i > 0 ? (buckets[i - 1]?.[1] ?? 0) : 0;
    if ((buckets[i]?.[1] ?? 0) > below) {
      hi = (buckets[i]?.[0] ?? Infinity) * 1000;
      lo = i > 0 ? (buckets[i - 1]?.[0] ?? 0) * 1000 : 0;
      break;
    }
  }
  // Readings that look back only into the window: taken a full span after it opened, or by a
  // process that started inside it (the last one's, when the node restarted). An earlier reading
  // also sees part of the span before the window, whose largest delay is at most what the first
  // poll (as the window opened) read: a value above that is the window's.
  const before = restarted ? Infinity : (first.scrape.get(LOOP_DELAY_RECENT_MAX) ?? Infinity) * 1000;
  let seen = -Infinity;
  for (const p of ok) {
    const value = p.scrape.get(LOOP_DELAY_RECENT_MAX);
    if (value === undefined || p.at < startAt) continue;
    const ms = value * 1000;
    if (p.at >= startAt + RECENT_MAX_SPAN_MS || (restarted && processOf(p.scrape) === processOf(last.scrape)) || ms > before) seen = Math.max(seen, ms);
  }
  const exact = seen > lo && seen <= hi;
  const maxMs = exact ? seen : Number.isFinite(hi) ? hi : Math.max(lo, seen);
  // Interpolating within the top bucket may overshoot the largest observation.
  return { samples, p99Ms: Math.min(quantileMs(buckets, 0.99), maxMs), maxMs, maxExact: exact, restarted };
}

/** Failed polls, and the longest stretch of the window without a successful one, ms. */
export function pollGaps(polls: readonly Poll[], startAt: number, endAt: number): { failed: number; longestGapMs: number } {
  let failed = 0;
  let lastOk = startAt;
  let longest = 0;
  for (const p of polls) {
    if (p.scrape === null) {
      failed++;
      continue;
    }
    longest = Math.max(longest, p.at - lastOk);
    lastOk = Math.max(lastOk, p.at);
  }
  return { failed, longestGapMs: Math.max(longest, endAt - lastOk) };
}

/** A node's term at its first and last successful poll (NaN without one). */
function terms(polls: readonly Poll[]): { start: number; end: number } {
  const ok = polls.flatMap((p) => (p.scrape === null ? [] : [p.scrape.get(TERM) ?? NaN]));
  return { start: ok[0] ?? NaN, end: ok.at(-1) ?? NaN };
}

/** Highest term at the end minus highest at the start, over the nodes that answered. */
export function termChanges(perNode: readonly { start: number; end: number }[]): number {
  const starts = perNode.map((t) => t.start).filter(Number.isFinite);
  const ends = perNode.map((t) => t.end).filter(Number.isFinite);
  if (starts.length === 0 || ends.length === 0) return NaN;
  return Math.max(...ends) - Math.max(...starts);
}

/** The whole window: every node's polls, by id. */
export function summarizeWindow(polls: ReadonlyMap<string, readonly Poll[]>, startAt: number, endAt: number): WindowSummary {
  const nodes: NodeWindow[] = [];
  const allTerms: { start: number; end: number }[] = [];
  for (const [id, list] of polls) {
    const lag = loopDelay(list, startAt);
    const gaps = pollGaps(list, startAt, endAt);
    const t = terms(list);
    allTerms.push(t);
    nodes.push({
      id,
      polls: list.length,
      failedPolls: gaps.failed,
      longestGapMs: gaps.longestGapMs,
      lagSamples: lag.samples,
      lagP99Ms: lag.p99Ms,
      lagMaxMs: lag.maxMs,
      lagMaxExact: lag.maxExact,
      restarted: lag.restarted,
      termStart: t.start,
      termEnd: t.end,
    });
  }
  return { durationMs: endAt - startAt, termChanges: termChanges(allTerms), nodes };
}

/** The worst node of a window (optionally leaving some out): highest p99, highest max, most failed polls, longest gap. */
export function worstOf(w: WindowSummary, exclude: readonly string[] = []): { lagP99Ms: number; lagMaxMs: number; failedPolls: number; longestGapMs: number } {
  const nodes = w.nodes.filter((n) => !exclude.includes(n.id));
  const top = (f: (n: NodeWindow) => number): number => (nodes.length === 0 || nodes.some((n) => !Number.isFinite(f(n))) ? NaN : Math.max(...nodes.map(f)));
  return { lagP99Ms: top((n) => n.lagP99Ms), lagMaxMs: top((n) => n.lagMaxMs), failedPolls: top((n) => n.failedPolls), longestGapMs: top((n) => n.longestGapMs) };
}

/** A window as `--json` shows it, figures rounded by `r`. */
export function windowJson(w: WindowSummary, r: (n: number) => number | null): Record<string, unknown> {
  return {
    durationMs: r(w.durationMs),
    termChanges: r(w.termChanges),
    control: w.control === undefined ? null : { p99Ms: r(w.control.p99Ms), maxMs: r(w.control.maxMs) },
    nodes: Object.fromEntries(
      w.nodes.map((n) => [
        n.id,
        { lagP99Ms: r(n.lagP99Ms), lagMaxMs: r(n.lagMaxMs), lagMaxExact: n.lagMaxExact, lagSamples: n.lagSamples, polls: n.polls, failedPolls: n.failedPolls, longestGapMs: r(n.longestGapMs), restarted: n.restarted, termStart: r(n.termStart), termEnd: r(n.termEnd) },
      ]),
    ),
  };
}
