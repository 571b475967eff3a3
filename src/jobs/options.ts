import type { ResolvedBackoff } from './types.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * Limits and defaults of the job state machine. They are part of the replicated behaviour:
 * every replica must run with the same options (take them from the cluster config), or replicas
 * diverge.
 */
export interface JobsOptions {
  /** Largest job payload, bytes. Default 1 MiB. */
  readonly maxPayloadBytes: number;
  /** Largest completion result, bytes. Default 1 MiB. */
  readonly maxResultBytes: number;
  /** Longest queue name, chars (names are `[A-Za-z0-9._:-]`). Default 128. */
  readonly maxQueueNameLength: number;
  /** Longest idempotency key, chars. Default 256. */
  readonly maxIdempotencyKeyLength: number;
  /** Most jobs in one submit command. Default 1000. */
  readonly maxJobsPerSubmit: number;
  /** Largest `max` of a lease command, and most leases in one heartbeat. Default 1000. */
  readonly maxLeaseBatch: number;
  /** Most queues named by one lease command. Default 64. */
  readonly maxQueuesPerLease: number;
  /** Longest worker id, chars. Default 256. */
  readonly maxWorkerIdLength: number;
  /** Longest error of a fail command (and cancel reason), chars. Default 16384. */
  readonly maxErrorLength: number;
  /** Longest progress message, chars. Default 256. */
  readonly maxProgressMessageLength: number;
  /** Upper bound of a job's `maxAttempts` and of `retryDead`'s extra attempts. Default 1000. */
  readonly maxAttemptsLimit: number;
  /** Shortest lease TTL, ms. Default 100. */
  readonly minLeaseTtlMs: number;
  /** Longest lease TTL, and longest leader-change grace, ms. Default 24 h. */
  readonly maxLeaseTtlMs: number;
  /** Longest submit delay (and farthest `runAt` ahead of the entry time), ms. Default 365 days. */
  readonly maxDelayMs: number;
  /** Longest backoff delay or cap, ms. Default 30 days. */
  readonly maxBackoffMs: number;
  /** Longest retention, ms. Default 365 days. */
  readonly maxRetentionMs: number;
  /** J7 window: how long an idempotency key is remembered after its submit, ms. Default 24 h. */
  readonly idempotencyWindowMs: number;
  /** Default of `SubmitJob.maxAttempts`. Default 3. */
  readonly defaultMaxAttempts: number;
  /** Default of `SubmitJob.leaseTtlMs`, ms. Default 30 s. */
  readonly defaultLeaseTtlMs: number;
  /** Default of `SubmitJob.retentionMs`, ms. Default 7 days. */
  readonly defaultRetentionMs: number;
  /** Default of `SubmitJob.backoff`. Default exponential 1 s, ×2, cap 1 h, jitter 0.1. */
  readonly defaultBackoff: ResolvedBackoff;
  /** Attempts kept per job, most recent. Default 20. */
  readonly historyLimit: number;
  /** Largest page of `listJobs`. Default 1000. */
  readonly maxPageSize: number;
}

/** The defaults of every option. */
export const DEFAULT_JOBS_OPTIONS: JobsOptions = Object.freeze({
  maxPayloadBytes: 1024 * 1024,
  maxResultBytes: 1024 * 1024,
  maxQueueNameLength: 128,
  maxIdempotencyKeyLength: 256,
  maxJobsPerSubmit: 1000,
  maxLeaseBatch: 1000,
  maxQueuesPerLease: 64,
  maxWorkerIdLength: 256,
  maxErrorLength: 16_384,
  maxProgressMessageLength: 256,
  maxAttemptsLimit: 1000,
  minLeaseTtlMs: 100,
  maxLeaseTtlMs: DAY_MS,
  maxDelayMs: 365 * DAY_MS,
  maxBackoffMs: 30 * DAY_MS,
  maxRetentionMs: 365 * DAY_MS,
  idempotencyWindowMs: DAY_MS,
  defaultMaxAttempts: 3,
  defaultLeaseTtlMs: 30_000,
  defaultRetentionMs: 7 * DAY_MS,
  defaultBackoff: Object.freeze({ type: 'exponential', initialMs: 1000, maxMs: HOUR_MS, factor: 2, jitter: 0.1 }),
  historyLimit: 20,
  maxPageSize: 1000,
});

/** Fills in defaults. Throws RangeError on an option that makes no sense (a configuration bug). */
export function resolveOptions(partial: Partial<JobsOptions> = {}): JobsOptions {
  const merged: JobsOptions = { ...DEFAULT_JOBS_OPTIONS, ...stripUndefined(partial) };
  for (const [name, value] of Object.entries(merged)) {
    if (name === 'defaultBackoff') continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`jobs options: ${name} must be a non-negative integer, got ${String(value)}`);
    }
  }
  if (merged.minLeaseTtlMs < 1 || merged.minLeaseTtlMs > merged.maxLeaseTtlMs) {
    throw new RangeError('jobs options: need 1 <= minLeaseTtlMs <= maxLeaseTtlMs');
  }
  const ttl = merged.defaultLeaseTtlMs;
  if (ttl < merged.minLeaseTtlMs || ttl > merged.maxLeaseTtlMs) {
    throw new RangeError('jobs options: defaultLeaseTtlMs must lie within [minLeaseTtlMs, maxLeaseTtlMs]');
  }
  if (merged.defaultMaxAttempts < 1 || merged.defaultMaxAttempts > merged.maxAttemptsLimit) {
    throw new RangeError('jobs options: defaultMaxAttempts must lie within [1, maxAttemptsLimit]');
  }
  if (merged.historyLimit < 1 || merged.maxPageSize < 1 || merged.maxQueueNameLength < 1) {
    throw new RangeError('jobs options: historyLimit, maxPageSize and maxQueueNameLength must be at least 1');
  }
  return Object.freeze(merged);
}

function stripUndefined(partial: Partial<JobsOptions>): Partial<JobsOptions> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) out[k] = v;
  return out;
}
