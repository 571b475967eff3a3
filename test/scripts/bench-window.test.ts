import { describe, expect, it } from 'vitest';
import { EVENT_LOOP_DELAY_BUCKETS } from '../../src/observability/event-loop-delay.js';
import type { Scrape } from '../../scripts/bench/metrics.js';
import { loopDelay, pollGaps, RECENT_MAX_SPAN_MS, summarizeWindow, termChanges, worstOf, type Poll } from '../../scripts/bench/window.js';

const T0 = 1_800_000_000_000;

/**
 * A node's /metrics: the delay histogram from a list of observations (ms), the recent maximum (ms),
 * term and process start (s).
 */
function scrapeOf(o: { delaysMs: readonly number[]; recentMaxMs?: number; term?: number; startS?: number }): Scrape {
  const m = new Map<string, number>();
  for (const le of [...EVENT_LOOP_DELAY_BUCKETS, Infinity]) {
    m.set(`raftjobs_event_loop_delay_seconds_bucket{le="${Number.isFinite(le) ? String(le) : '+Inf'}"}`, o.delaysMs.filter((d) => d / 1000 <= le).length);
  }
  m.set('raftjobs_event_loop_delay_seconds_count', o.delaysMs.length);
  m.set('raftjobs_event_loop_delay_recent_max_seconds', (o.recentMaxMs ?? 0) / 1000);
  m.set('raftjobs_raft_term', o.term ?? 1);
  m.set('process_start_time_seconds', o.startS ?? 1_700_000_000);
  return m;
}

const ones = (n: number, ms: number): number[] => Array.from({ length: n }, () => ms);

describe('bench window: event-loop delay', () => {
  it('takes p99 from the window only: the buckets at its end minus those at its start', () => {
    // Before the window: 1000 observations of 400 ms, which must not show.
    const before = ones(1000, 400);
    const during = [...ones(990, 0.5), ...ones(10, 30)];
    const polls: Poll[] = [
      { at: T0, scrape: scrapeOf({ delaysMs: before, recentMaxMs: 400 }) },
      { at: T0 + 6_000, scrape: scrapeOf({ delaysMs: [...before, ...during], recentMaxMs: 30 }) },
    ];
    const lag = loopDelay(polls, T0);
    expect(lag.samples).toBe(1000);
    // The 990th of 1000 observations is the last of the sub-millisecond ones: p99 in the first bucket.
    expect(lag.p99Ms).toBeCloseTo(1, 6);
    expect(lag.maxMs).toBe(30);
    expect(lag.maxExact).toBe(true);
    expect(lag.restarted).toBe(false);
  });

  it('ignores recent-max readings that may look back before the window, and falls back to the top bucket', () => {
    const before = ones(10, 400);
    // 120 ms in the window's first second: only a reading within the first span saw it, and that
    // reading may also have seen the 400 ms from before.
    const polls: Poll[] = [
      { at: T0, scrape: scrapeOf({ delaysMs: before, recentMaxMs: 400 }) },
      { at: T0 + 1_000, scrape: scrapeOf({ delaysMs: [...before, 120], recentMaxMs: 400 }) },
      { at: T0 + RECENT_MAX_SPAN_MS + 2_000, scrape: scrapeOf({ delaysMs: [...before, 120, 1], recentMaxMs: 1 }) },
    ];
    const lag = loopDelay(polls, T0);
    expect(lag.maxExact).toBe(false);
    expect(lag.maxMs).toBe(150);
  });

  it('trusts an early reading above what the first poll read: it is from the window', () => {
    const before = ones(10, 4);
    const polls: Poll[] = [
      { at: T0, scrape: scrapeOf({ delaysMs: before, recentMaxMs: 4 }) },
      { at: T0 + 1_000, scrape: scrapeOf({ delaysMs: [...before, 120], recentMaxMs: 120 }) },
      { at: T0 + 1_300, scrape: scrapeOf({ delaysMs: [...before, 120, 2], recentMaxMs: 120 }) },
    ];
    expect(loopDelay(polls, T0)).toMatchObject({ maxMs: 120, maxExact: true, samples: 2 });
  });

  it('counts a node restarted in the window from its new process start, and trusts its readings at once', () => {
    const polls: Poll[] = [
      { at: T0, scrape: scrapeOf({ delaysMs: ones(5000, 1), startS: 1_700_000_000 }) },
      { at: T0 + 500, scrape: null },
      { at: T0 + 2_000, scrape: scrapeOf({ delaysMs: [...ones(99, 0.2), 1800], recentMaxMs: 1800, startS: 1_800_000_001 }) },
    ];
    const lag = loopDelay(polls, T0);
    expect(lag.restarted).toBe(true);
    expect(lag.samples).toBe(100);
    expect(lag.maxMs).toBe(1800);
    expect(lag.maxExact).toBe(true);
    expect(lag.p99Ms).toBeGreaterThan(0);
    expect(lag.p99Ms).toBeLessThanOrEqual(1);
  });

  it('counts a node whose first poll failed and whose first answer came from a process started in the window as restarted', () => {
    const startS = Math.round(T0 / 1000) + 3;
    const polls: Poll[] = [
      { at: T0, scrape: null },
      { at: T0 + 4_000, scrape: scrapeOf({ delaysMs: [900, 1], recentMaxMs: 900, startS }) },
      { at: T0 + 4_250, scrape: scrapeOf({ delaysMs: [900, 1, 2], recentMaxMs: 900, startS }) },
    ];
    expect(loopDelay(polls, T0)).toMatchObject({ restarted: true, samples: 3, maxMs: 900, maxExact: true });
    // Failed first, but the process is older than the window: not a restart, and the figures are the window's.
    const older: Poll[] = [{ at: T0, scrape: null }, ...polls.slice(1).map((p) => ({ at: p.at, scrape: new Map([...(p.scrape ?? []), ['process_start_time_seconds', startS - 60]]) }))];
    expect(loopDelay(older, T0)).toMatchObject({ restarted: false, samples: 1 });
  });

  it('has no figure without two answers or without observations', () => {
    expect(loopDelay([{ at: T0, scrape: null }], T0).samples).toBe(0);
    expect(Number.isNaN(loopDelay([{ at: T0, scrape: scrapeOf({ delaysMs: [3] }) }], T0).p99Ms)).toBe(true);
  });
});

describe('bench window: polls and terms', () => {
  it('counts failed polls and the longest stretch without an answer, the window edges included', () => {
    const ok = scrapeOf({ delaysMs: [] });
    expect(pollGaps([{ at: T0 + 100, scrape: ok }, { at: T0 + 400, scrape: null }, { at: T0 + 1400, scrape: null }, { at: T0 + 2600, scrape: ok }, { at: T0 + 2900, scrape: ok }], T0, T0 + 3000)).toEqual({ failed: 2, longestGapMs: 2500 });
    expect(pollGaps([{ at: T0 + 100, scrape: ok }], T0, T0 + 5000)).toEqual({ failed: 0, longestGapMs: 4900 });
    expect(pollGaps([], T0, T0 + 700)).toEqual({ failed: 0, longestGapMs: 700 });
  });

  it('term changes: highest term at the end minus highest at the start', () => {
    expect(termChanges([{ start: 3, end: 3 }, { start: 3, end: 3 }])).toBe(0);
    expect(termChanges([{ start: 3, end: 5 }, { start: 2, end: 5 }, { start: NaN, end: 4 }])).toBe(2);
    expect(Number.isNaN(termChanges([{ start: NaN, end: NaN }]))).toBe(true);
  });

  it('summarizes every node and picks the worst, leaving out the nodes asked', () => {
    const poll = (at: number, delays: number[], max: number, term: number): Poll => ({ at, scrape: scrapeOf({ delaysMs: delays, recentMaxMs: max, term }) });
    const end = T0 + RECENT_MAX_SPAN_MS + 1_000;
    const w = summarizeWindow(
      new Map([
        ['n1', [poll(T0, [], 0, 4), poll(end, ones(100, 2), 2, 4)]],
        ['n2', [poll(T0, [], 0, 4), { at: T0 + 300, scrape: null }, poll(end, [...ones(99, 2), 90], 90, 5)]],
      ]),
      T0,
      end,
    );
    expect(w.termChanges).toBe(1);
    expect(w.nodes.map((n) => [n.id, n.failedPolls, n.lagMaxMs])).toEqual([
      ['n1', 0, 2],
      ['n2', 1, 90],
    ]);
    expect(worstOf(w)).toMatchObject({ lagMaxMs: 90, failedPolls: 1 });
    expect(worstOf(w, ['n2'])).toMatchObject({ lagMaxMs: 2, failedPolls: 0 });
  });
});
