import type { ResolvedBackoff } from './types.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long finished jobs are kept, per terminal state, ms. A job is purged (removed with its
 * result and history) this long after it entered the state.
 */
export interface RetentionPolicy {
  /** Default 24 h. */
  readonly succeededMs: number;
  /** Default 24 h. */
  readonly cancelledMs: number;
  /** Default 7 days: dead jobs wait for an operator to look at them. */
  readonly deadMs: number;
}

/** A queue's overrides of `RetentionPolicy`; a field left out (or undefined) falls back to it. */
export interface QueueRetention {
  readonly succeededMs?: number | undefined;
  readonly cancelledMs?: number | undefined;
  readonly deadMs?: number | undefined;
}

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
  /**
   * Retention of finished jobs per terminal state, used unless the job (`SubmitJob.retentionMs`)
   * or its queue (`queueRetention`) says otherwise. Default succeeded 24 h, cancelled 24 h, dead 7 days.
   */
  readonly retention: RetentionPolicy;
  /** Per-queue overrides of `retention`, by queue name; a field left out falls back to `retention`. Default none. */
  readonly queueRetention: Readonly<Record<string, QueueRetention>>;
  /**
   * Most finished jobs one entry's due pass purges, so an entry never stalls the apply loop for
   * long; the rest stay due and the leader ticks again at once. Default 10000.
   */
  readonly maxPurgePerBatch: number;
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
  retention: Object.freeze({ succeededMs: DAY_MS, cancelledMs: DAY_MS, deadMs: 7 * DAY_MS }),
  queueRetention: Object.freeze({}),
  maxPurgePerBatch: 10_000,
  defaultBackoff: Object.freeze({ type: 'exponential', initialMs: 1000, maxMs: HOUR_MS, factor: 2, jitter: 0.1 }),
  historyLimit: 20,
  maxPageSize: 1000,
});

/** Fills in defaults. Throws RangeError on an option that makes no sense (a configuration bug). */
export function resolveOptions(partial: Partial<JobsOptions> = {}): JobsOptions {
  const merged: JobsOptions = { ...DEFAULT_JOBS_OPTIONS, ...stripUndefined(partial) };
  for (const [name, value] of Object.entries(merged)) {
    if (name === 'defaultBackoff' || name === 'retention' || name === 'queueRetention') continue;
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
  if (merged.maxPurgePerBatch < 1) throw new RangeError('jobs options: maxPurgePerBatch must be at least 1');
  const retention = Object.freeze({ ...DEFAULT_JOBS_OPTIONS.retention, ...stripUndefined(merged.retention) }) as RetentionPolicy;
  checkRetention('retention', retention, merged.maxRetentionMs);
  const queueRetention: Record<string, QueueRetention> = {};
  for (const [queue, policy] of Object.entries(merged.queueRetention)) {
    const own = Object.freeze(stripUndefined(policy));
    checkRetention(`queueRetention[${JSON.stringify(queue)}]`, own, merged.maxRetentionMs);
    queueRetention[queue] = own;
  }
  return Object.freeze({ ...merged, retention, queueRetention: Object.freeze(queueRetention) });
}

/**
 * How long a job of `queue` is kept after entering `terminal`, ms: its own retention (`own`,
 * from `SubmitJob.retentionMs`) if it has one, else its queue's override for that state, else the
 * state's default.
 */
export function retentionFor(o: JobsOptions, queue: string, own: number | null, terminal: 'succeeded' | 'dead' | 'cancelled'): number {
  if (own !== null) return own;
  const field = terminal === 'succeeded' ? 'succeededMs' : terminal === 'dead' ? 'deadMs' : 'cancelledMs';
  const override = Object.hasOwn(o.queueRetention, queue) ? o.queueRetention[queue]?.[field] : undefined;
  return override ?? o.retention[field];
}

function checkRetention(name: string, policy: QueueRetention, max: number): void {
  for (const [field, value] of Object.entries(policy)) {
    if (field !== 'succeededMs' && field !== 'cancelledMs' && field !== 'deadMs') {
      throw new RangeError(`jobs options: ${name}.${field} is not a retention field`);
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
      throw new RangeError(`jobs options: ${name}.${field} must be an integer from 0 to maxRetentionMs (${max}), got ${String(value)}`);
    }
  }
}

function stripUndefined<T extends object>(partial: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}
