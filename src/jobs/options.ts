import { LIMITS as L } from '../limits/index.js';
import type { ResolvedBackoff } from './types.js';

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

/**
 * A queue's overrides of `RetentionPolicy` (ms) and of the count bounds `JobsOptions.maxSucceeded`,
 * `maxCancelled` and `maxDead` (jobs); a field left out (or undefined) falls back to those.
 */
export interface QueueRetention {
  readonly succeededMs?: number | undefined;
  readonly cancelledMs?: number | undefined;
  readonly deadMs?: number | undefined;
  readonly maxSucceeded?: number | undefined;
  readonly maxCancelled?: number | undefined;
  readonly maxDead?: number | undefined;
}

/** The terminal states, the ones retention applies to. */
export type TerminalState = 'succeeded' | 'dead' | 'cancelled';

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
  /**
   * Most succeeded jobs kept per queue: when a queue holds more, the oldest (by finish time, then
   * submit order) are purged by the next entry's due pass, before their retention ends, as
   * BullMQ's `removeOnComplete: <count>` does. Age alone does not bound the state: at 5,000 jobs/s
   * a 24 h retention keeps 432 million jobs. A small finished job takes about 0.5-0.7 KB of heap
   * (534 bytes measured without an idempotency key, 680 with a 36-character one) and a few
   * hundred bytes of every snapshot, so this keeps a busy queue's succeeded jobs to ~7 MB: the
   * last 2 s of results at 5,000 jobs/s, the last 2.8 h at 1 job/s (below 0.12 jobs/s the 24 h
   * age bound comes first). Results are meant to be read soon after the job ends. 0 keeps none.
   * Default 10,000.
   */
  readonly maxSucceeded: number;
  /** Most cancelled jobs kept per queue, as `maxSucceeded`. Default 10,000. */
  readonly maxCancelled: number;
  /**
   * Most dead jobs kept per queue, as `maxSucceeded`. Ten times the others: a dead job waits for
   * an operator to look at it or retry it, and a burst of failures (a broken dependency) should
   * survive until someone does; 100,000 dead jobs with their attempt history take ~70-100 MB.
   * Default 100,000.
   */
  readonly maxDead: number;
  /**
   * Per-queue overrides of `retention` (ms) and of `maxSucceeded`, `maxCancelled` and `maxDead`,
   * by queue name; a field left out falls back to the option it overrides. Default none.
   */
  readonly queueRetention: Readonly<Record<string, QueueRetention>>;
  /**
   * Most idempotency keys of purged jobs remembered, over all queues. A purged job's key is kept
   * until its window ends (J7) so a late duplicate still gets the job's id; but the SDK gives
   * every job a key, so without a bound the table holds every job of the window (432 million at
   * 5,000 jobs/s for 24 h). Past this many, the keys of the jobs purged longest ago are forgotten
   * first: keys are released in purge order, so that order costs O(1) per key to keep.
   *
   * A forgotten key no longer deduplicates: a duplicate submit of it creates a new job. That is
   * acceptable because duplicates are retries of the same submit, which come soon after it (the
   * SDK retries within its call deadline, 10 s by default), while a key is only at risk once its
   * job has finished, been purged (by age or its queue's count bound), and this many later
   * purges have followed: at 5,000 purges/s that is 100 s after the purge, at 100/s 83 min, and
   * below 5.8/s the whole 24 h window. Node-wide rather than per queue: memory is per node, and queues are
   * as many as clients name. A remembered key takes about 275 bytes of heap (measured with
   * 36-character keys), so the default bound costs ~140 MB at most. 0 remembers none. Default
   * 500,000.
   */
  readonly maxPurgedJobKeys: number;
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
  /** Most schedules in the state; a create beyond it is refused (LIMIT_EXCEEDED). Default 10,000. */
  readonly maxSchedules: number;
  /** Longest schedule id, chars (ids are `[A-Za-z0-9._:-]`). Default 128. */
  readonly maxScheduleIdLength: number;
  /** Shortest `intervalMs` of a schedule, ms. Default 1 s. */
  readonly minScheduleIntervalMs: number;
  /** Catch-up window of a schedule that names none, ms. Default 1 h. */
  readonly defaultCatchUpWindowMs: number;
  /** Longest catch-up window of a schedule, ms. Default 7 days. */
  readonly maxCatchUpWindowMs: number;
  /** Most slots one `scheduleFire` command fires. Default 1000. */
  readonly maxSlotsPerFire: number;
}

/**
 * The defaults of every option, from the limits table (src/limits/settings.ts). The ones a cluster
 * config sets (`limits.*`, `jobs.*`) take their config field's default, so a state machine built
 * without a config behaves as one built from a config that leaves them out.
 */
export const DEFAULT_JOBS_OPTIONS: JobsOptions = Object.freeze({
  maxPayloadBytes: L.maxPayloadBytes.default,
  maxResultBytes: L.maxResultBytes.default,
  maxQueueNameLength: L.maxQueueNameLength.default,
  maxIdempotencyKeyLength: L.maxKeyLength.default,
  maxJobsPerSubmit: L.maxBatchSize.default,
  maxLeaseBatch: L.maxBatchSize.default,
  maxQueuesPerLease: L.maxQueuesPerLease.default,
  maxWorkerIdLength: L.maxWorkerIdLength.default,
  maxErrorLength: L.maxErrorLength.default,
  maxProgressMessageLength: L.maxProgressMessageLength.default,
  maxAttemptsLimit: L.maxAttemptsLimit.default,
  minLeaseTtlMs: L.minLeaseTtlMs.default,
  maxLeaseTtlMs: L.maxLeaseTtlMs.default,
  maxDelayMs: L.maxDelayMs.default,
  maxBackoffMs: L.maxBackoffMs.default,
  maxRetentionMs: L.maxRetentionMs.default,
  idempotencyWindowMs: L.idempotencyWindowMs.default,
  defaultMaxAttempts: L.defaultMaxAttempts.default,
  defaultLeaseTtlMs: L.defaultLeaseTtlMs.default,
  retention: Object.freeze({ succeededMs: L.retentionSucceededMs.default, cancelledMs: L.retentionCancelledMs.default, deadMs: L.retentionDeadMs.default }),
  maxSucceeded: L.maxSucceeded.default,
  maxCancelled: L.maxCancelled.default,
  maxDead: L.maxDead.default,
  queueRetention: Object.freeze({}),
  maxPurgedJobKeys: L.maxPurgedJobKeys.default,
  maxPurgePerBatch: L.maxPurgePerBatch.default,
  defaultBackoff: Object.freeze({
    type: 'exponential',
    initialMs: L.defaultBackoffInitialMs.default,
    maxMs: L.defaultBackoffMaxMs.default,
    factor: L.defaultBackoffFactor.default,
    jitter: L.defaultBackoffJitter.default,
  }),
  historyLimit: L.historyLimit.default,
  maxPageSize: L.maxPageSize.default,
  maxSchedules: L.maxSchedules.default,
  maxScheduleIdLength: L.maxScheduleIdLength.default,
  minScheduleIntervalMs: L.minScheduleIntervalMs.default,
  defaultCatchUpWindowMs: L.defaultCatchUpWindowMs.default,
  maxCatchUpWindowMs: L.maxCatchUpWindowMs.default,
  maxSlotsPerFire: L.maxSlotsPerFire.default,
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
  if (merged.maxScheduleIdLength < 1 || merged.maxScheduleIdLength > 128 || merged.minScheduleIntervalMs < 1 || merged.maxSlotsPerFire < 1) {
    throw new RangeError('jobs options: need 1 <= maxScheduleIdLength <= 128, minScheduleIntervalMs >= 1 and maxSlotsPerFire >= 1');
  }
  if (merged.defaultCatchUpWindowMs < 1 || merged.defaultCatchUpWindowMs > merged.maxCatchUpWindowMs) {
    throw new RangeError('jobs options: defaultCatchUpWindowMs must lie within [1, maxCatchUpWindowMs]');
  }
  const retention = Object.freeze({ ...DEFAULT_JOBS_OPTIONS.retention, ...stripUndefined(merged.retention) }) as RetentionPolicy;
  checkRetention('retention', retention, merged.maxRetentionMs, false);
  const queueRetention: Record<string, QueueRetention> = {};
  for (const [queue, policy] of Object.entries(merged.queueRetention)) {
    const own = Object.freeze(stripUndefined(policy));
    checkRetention(`queueRetention[${JSON.stringify(queue)}]`, own, merged.maxRetentionMs, true);
    queueRetention[queue] = own;
  }
  return Object.freeze({ ...merged, retention, queueRetention: Object.freeze(queueRetention) });
}

/**
 * How long a job of `queue` is kept after entering `terminal`, ms: its own retention (`own`,
 * from `SubmitJob.retentionMs`) if it has one, else its queue's override for that state, else the
 * state's default.
 */
export function retentionFor(o: JobsOptions, queue: string, own: number | null, terminal: TerminalState): number {
  if (own !== null) return own;
  const field = terminal === 'succeeded' ? 'succeededMs' : terminal === 'dead' ? 'deadMs' : 'cancelledMs';
  const override = Object.hasOwn(o.queueRetention, queue) ? o.queueRetention[queue]?.[field] : undefined;
  return override ?? o.retention[field];
}

/**
 * Most finished jobs of `queue` kept in `terminal`: its queue's override, else `maxSucceeded`,
 * `maxCancelled` or `maxDead`. A job's own retention does not change it.
 */
export function countBoundFor(o: JobsOptions, queue: string, terminal: TerminalState): number {
  const field = terminal === 'succeeded' ? 'maxSucceeded' : terminal === 'dead' ? 'maxDead' : 'maxCancelled';
  const override = Object.hasOwn(o.queueRetention, queue) ? o.queueRetention[queue]?.[field] : undefined;
  return override ?? o[field];
}

const RETENTION_MS_FIELDS: readonly string[] = ['succeededMs', 'cancelledMs', 'deadMs'];
const COUNT_FIELDS: readonly string[] = ['maxSucceeded', 'maxCancelled', 'maxDead'];

/** Checks the fields of `retention` (ms only) or of a queue's override (`counts`: ms and count bounds). */
function checkRetention(name: string, policy: QueueRetention, max: number, counts: boolean): void {
  for (const [field, value] of Object.entries(policy)) {
    const isCount = counts && COUNT_FIELDS.includes(field);
    if (!isCount && !RETENTION_MS_FIELDS.includes(field)) {
      throw new RangeError(`jobs options: ${name}.${field} is not a retention field`);
    }
    const top = isCount ? Number.MAX_SAFE_INTEGER : max;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > top) {
      const range = isCount ? 'a non-negative integer' : `an integer from 0 to maxRetentionMs (${max})`;
      throw new RangeError(`jobs options: ${name}.${field} must be ${range}, got ${String(value)}`);
    }
  }
}

function stripUndefined<T extends object>(partial: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}
