/**
 * Flag values of the flow-control commands (`raftjobs queue set`, `bulk`, `submit --unique-key`):
 * durations (`5s`, `1h`), limits (`N` or `none`), rates (`100/1s` or `none`) and per-key limits
 * (`KEY=N` or `KEY=none`). Each bad value is a usage error naming its flag.
 */
import type { RateLimitOptions } from '../client/index.js';
import { UsageError } from './args.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)?(ms|s|m|h|d)?$/;
/** Most a limit or burst may be (the cluster's bound). */
const MAX_LIMIT = 1_000_000;

/**
 * A duration: ms as a plain number, or a number with a unit `ms`, `s`, `m`, `h` or `d` (`1.5s`);
 * a unit alone is one of it (`s` is 1000). It must come to a whole number of ms from `min`.
 */
export function durationFlag(name: string, value: string, min = 0): number {
  const m = DURATION.exec(value.trim());
  const count = m?.[1];
  const unit = m?.[2];
  const ms = m === null || (count === undefined && unit === undefined) ? Number.NaN : Number(count ?? 1) * (UNIT_MS[unit ?? 'ms'] ?? Number.NaN);
  if (!Number.isSafeInteger(ms) || ms < min) {
    throw new UsageError(`--${name} must be a duration of at least ${min} ms: a number of ms or one with a unit (500ms, 5s, 2m, 1h, 1d), got ${JSON.stringify(value)}`);
  }
  return ms;
}

/** A limit: a whole number 1..1,000,000, or `none` (null) to remove it. */
export function limitFlag(name: string, value: string): number | null {
  const v = value.trim();
  if (v === 'none') return null;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${MAX_LIMIT}, or none to remove the limit, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A rate `N/PERIOD` (`100/1s`, `5/m`), or `none` (null) to remove the bucket; `burst` as given with it. */
export function rateFlag(name: string, value: string, burst: number | undefined): RateLimitOptions | null {
  const v = value.trim();
  if (v === 'none') {
    if (burst !== undefined) throw new UsageError(`--${name} none removes the bucket: give no burst with it`);
    return null;
  }
  const slash = v.indexOf('/');
  if (slash < 0) throw new UsageError(`--${name} must be N/PERIOD (100/1s: 100 leases per second, 5/m) or none, got ${JSON.stringify(value)}`);
  const limit = limitFlag(name, v.slice(0, slash));
  if (limit === null) throw new UsageError(`--${name} must be N/PERIOD or none, got ${JSON.stringify(value)}`);
  const periodMs = durationFlag(name, v.slice(slash + 1), 1);
  return { limit, periodMs, ...(burst !== undefined ? { burst } : {}) };
}

/** `--group-limit KEY=N` (repeatable) as key → limit, `KEY=none` removing that key's override. */
export function groupLimitFlags(name: string, values: readonly string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const v of values) {
    // The key may hold "=": the limit never does.
    const eq = v.lastIndexOf('=');
    if (eq <= 0) throw new UsageError(`--${name} must be KEY=N or KEY=none, got ${JSON.stringify(v)}`);
    out[v.slice(0, eq)] = limitFlag(name, v.slice(eq + 1));
  }
  return out;
}
