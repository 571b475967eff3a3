/**
 * The leader's own view of a workload, from its Prometheus endpoint (`/metrics` on the node's
 * httpAddress): how many Readies it wrote and how long each took (one synced LevelDB batch), how
 * many log entries, and how long proposals took from propose to apply. Read before and after a
 * workload; the difference describes the workload alone.
 */

/** Brackets a measurement with two scrapes of the leader's metrics. */
export interface Probe {
  begin(): Promise<void>;
  end(): Promise<LeaderStats | null>;
}

/** One scrape: every sample line, by series (`name{labels}`) and value. */
export type Scrape = ReadonlyMap<string, number>;

export async function scrape(httpAddress: string, timeoutMs = 10_000): Promise<Scrape> {
  const res = await fetch(`http://${httpAddress}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET http://${httpAddress}/metrics: HTTP ${res.status}`);
  return parseScrape(await res.text());
}

/** Parses Prometheus text exposition into a {@link Scrape}. */
export function parseScrape(text: string): Scrape {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    const value = Number(line.slice(sp + 1));
    if (sp > 0 && Number.isFinite(value)) out.set(line.slice(0, sp), value);
  }
  return out;
}

/** Cumulative bucket counts of a histogram between two scrapes, by upper bound (seconds), ascending. */
export function bucketDelta(before: Scrape, after: Scrape, name: string): [number, number][] {
  const out: [number, number][] = [];
  const prefix = `${name}_bucket{`;
  for (const [series, v] of after) {
    if (!series.startsWith(prefix)) continue;
    const le = /le="([^"]+)"/.exec(series)?.[1];
    if (le === undefined) continue;
    out.push([le === '+Inf' ? Infinity : Number(le), v - (before.get(series) ?? 0)]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Quantile `q` (0..1) of a histogram's observations between two scrapes, interpolated within its bucket, ms. */
export function quantileMs(buckets: readonly [number, number][], q: number): number {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total <= 0) return NaN;
  const want = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= want) {
      if (!Number.isFinite(le)) return prevLe * 1000;
      const inBucket = count - prevCount;
      const frac = inBucket > 0 ? (want - prevCount) / inBucket : 1;
      return (prevLe + (le - prevLe) * frac) * 1000;
    }
    prevLe = le;
    prevCount = count;
  }
  return NaN;
}

function sumDelta(before: Scrape, after: Scrape, series: string): number {
  return (after.get(series) ?? 0) - (before.get(series) ?? 0);
}

/** What the leader did during a workload. */
export interface LeaderStats {
  /** Readies written (each one synced LevelDB batch). */
  readonly readies: number;
  readonly readiesPerSec: number;
  readonly fsyncAvgMs: number;
  readonly fsyncP50Ms: number;
  readonly fsyncP99Ms: number;
  /** Log entries written per Ready. */
  readonly entriesPerReady: number;
  /** Proposed entries, propose to apply, ms (bucket-interpolated). */
  readonly commitP50Ms: number;
  readonly commitP99Ms: number;
  /** Jobs submitted plus jobs completed per proposed entry: how well commands share entries (group commit). */
  readonly jobsPerEntry: number;
}

export function leaderStats(before: Scrape, after: Scrape, seconds: number): LeaderStats {
  const fsync = 'raftjobs_storage_fsync_seconds';
  const commit = 'raftjobs_proposal_commit_seconds';
  const readies = sumDelta(before, after, `${fsync}_count`);
  const entries = sumDelta(before, after, 'raftjobs_storage_persisted_entries_total');
  // Observed once per entry this leader proposed.
  const proposals = sumDelta(before, after, `${commit}_count`);
  const fb = bucketDelta(before, after, fsync);
  const cb = bucketDelta(before, after, commit);
  const jobs = jobsBetween(before, after);
  return {
    readies,
    readiesPerSec: seconds > 0 ? readies / seconds : NaN,
    fsyncAvgMs: readies > 0 ? (sumDelta(before, after, `${fsync}_sum`) * 1000) / readies : NaN,
    fsyncP50Ms: quantileMs(fb, 0.5),
    fsyncP99Ms: quantileMs(fb, 0.99),
    entriesPerReady: readies > 0 ? entries / readies : NaN,
    commitP50Ms: quantileMs(cb, 0.5),
    commitP99Ms: quantileMs(cb, 0.99),
    jobsPerEntry: proposals > 0 && jobs > 0 ? jobs / proposals : NaN,
  };
}

/** Jobs submitted plus jobs completed, as the leader applied them (job-flow counters). */
function jobsBetween(before: Scrape, after: Scrape): number {
  let n = 0;
  for (const [series, v] of after) {
    if (series.startsWith('raftjobs_jobs_submitted_total') || series.startsWith('raftjobs_jobs_completed_total')) n += v - (before.get(series) ?? 0);
  }
  return n;
}
