/**
 * Token buckets on the replicated clock, as GCRA (the generic cell rate algorithm): a bucket is one
 * time, its theoretical arrival time (TAT). A lease fits at `now` when TAT − now ≤ (burst − 1) × T,
 * where T = periodMs / limit is the time one lease "costs"; granting it moves TAT to
 * max(TAT, now) + T. A bucket whose TAT is at or before now is full (`burst` leases at once), and
 * over any window of `periodMs` it grants at most burst + limit.
 *
 * The arithmetic is exact: TAT is kept as whole ms (`tatMs`) plus a fraction in units of
 * 1/limit ms (`tatFrac`, 0..limit−1), so T = ⌊periodMs / limit⌋ ms + (periodMs mod limit) / limit,
 * and every comparison is between integers below 2^53 (at most burst × periodMs, 8.64e13). Floats
 * would drift: at 1.7e12 ms one ulp is 2.4e-4 ms, a quarter of T for a million leases a second.
 * Replicas apply the same entries at the same times, so they hold the same buckets.
 */
import type { RateLimit } from './flow-types.js';

/** The TAT of one bucket. A new bucket (0, 0) is full at any time. */
export interface Bucket {
  tatMs: number;
  tatFrac: number;
}

/** Leases a bucket grants at once when full. */
export function burstOf(rate: RateLimit): number {
  return rate.burst ?? rate.limit;
}

/** Whether one more lease fits at `now`. O(1). */
export function fits(b: Bucket, rate: RateLimit, now: number): boolean {
  if (b.tatMs < now || (b.tatMs === now && b.tatFrac === 0)) return true;
  return (b.tatMs - now) * rate.limit + b.tatFrac <= (burstOf(rate) - 1) * rate.periodMs;
}

/** Takes one lease (check `fits` first). O(1). */
export function take(b: Bucket, rate: RateLimit, now: number): void {
  const limit = rate.limit;
  let ms = b.tatMs;
  let frac = b.tatFrac;
  if (ms < now || (ms === now && frac === 0)) {
    ms = now;
    frac = 0;
  }
  frac += rate.periodMs % limit;
  ms += Math.floor(rate.periodMs / limit);
  if (frac >= limit) {
    frac -= limit;
    ms += 1;
  }
  b.tatMs = ms;
  b.tatFrac = frac;
}

/** The first whole ms at or after `now` at which one more lease fits. O(1). */
export function fitsAt(b: Bucket, rate: RateLimit, now: number): number {
  if (fits(b, rate, now)) return now;
  // Smallest t with (tatMs − t) × limit + frac ≤ (burst − 1) × period.
  return b.tatMs - floorDiv((burstOf(rate) - 1) * rate.periodMs - b.tatFrac, rate.limit);
}

/** When the bucket is full again (TAT at or before it), ms. */
export function fullAt(b: Bucket): number {
  return b.tatFrac > 0 ? b.tatMs + 1 : b.tatMs;
}

/** Leases the bucket would grant at once at `now`: 0..burst. O(1). */
export function tokens(b: Bucket, rate: RateLimit, now: number): number {
  const burst = burstOf(rate);
  if (b.tatMs < now || (b.tatMs === now && b.tatFrac === 0)) return burst;
  const used = (b.tatMs - now) * rate.limit + b.tatFrac;
  const n = floorDiv((burst - 1) * rate.periodMs - used, rate.periodMs) + 1;
  return Math.max(0, Math.min(burst, n));
}

/**
 * Rounds the TAT up to a whole ms, so it no longer depends on the limit its fraction counted in:
 * done when a bucket's rate changes (a bucket keeps what it used, to the ms).
 */
export function roundUp(b: Bucket): void {
  if (b.tatFrac > 0) {
    b.tatMs += 1;
    b.tatFrac = 0;
  }
}

/** ⌊a / b⌋ for integers (b > 0), exact where `Math.floor(a / b)` rounds. */
function floorDiv(a: number, b: number): number {
  const r = ((a % b) + b) % b;
  return (a - r) / b;
}

/** Two rates that act alike (burst resolved). */
export function sameRate(a: RateLimit | null, b: RateLimit | null): boolean {
  if (a === null || b === null) return a === b;
  return a.limit === b.limit && a.periodMs === b.periodMs && burstOf(a) === burstOf(b);
}
