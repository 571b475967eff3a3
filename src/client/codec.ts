import { randomUUID } from 'node:crypto';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { UniqueOptions } from './flow-types.js';
import type { CatchUpMode, OverlapPolicy, ScheduleInfo, ScheduleInput, ScheduleJobTemplate } from './schedule-types.js';
import type { BackoffOptions, JobAttempt, JobData, JobInput, JobLease, JobProgress, JobState, JobUnique } from './types.js';
import { JOB_STATES } from './types.js';
import type { SizedJob } from '../limits/index.js';
import type { wire } from '../protocol/index.js';

const EMPTY = new Uint8Array(0);

/** A JobSpec as the SDK sends it: queue, payload and idempotency key always set (what its byte caps count). */
export type SubmitSpec = wire.JobSpec & SizedJob;

/** Bytes as they are, a string as UTF-8, `undefined` as empty, anything else as JSON text. */
export function encodeData(value: JobData, what: string): Uint8Array {
  if (value === undefined) return EMPTY;
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new RaftJobsError(ErrorCode.InvalidArgument, `${what}: cannot be encoded as JSON: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
  }
  if (text === undefined) throw new RaftJobsError(ErrorCode.InvalidArgument, `${what}: ${typeof value} cannot be encoded as JSON`);
  return Buffer.from(text, 'utf8');
}

/** A view of bytes as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Parse JSON bytes; empty bytes are `undefined` (the encoding of an absent payload).
 *
 * @throws RaftJobsError `INVALID_ARGUMENT` naming `what` when the bytes are not JSON.
 */
export function decodeJson<T>(bytes: Uint8Array, what: string): T {
  if (bytes.byteLength === 0) return undefined as T;
  try {
    return JSON.parse(asBuffer(bytes).toString('utf8')) as T;
  } catch (err) {
    throw new RaftJobsError(ErrorCode.InvalidArgument, `${what} is not JSON: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
  }
}

function optionalNumber(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RaftJobsError(ErrorCode.InvalidArgument, `${name}: must be a finite number, got ${String(value)}`);
  return value;
}

/**
 * The wire spec of one job. An idempotency key is generated when the job has none: this happens
 * once, before the first attempt, so every retry of the submit carries the same key (J7).
 * Range checks are the server's; only what cannot be encoded is refused here.
 */
export function toWireSpec(job: JobInput, index: number): SubmitSpec {
  const at = `jobs[${index}]`;
  if (job === null || typeof job !== 'object') throw new RaftJobsError(ErrorCode.InvalidArgument, `${at}: must be an object`);
  if (typeof job.queue !== 'string' || job.queue === '') throw new RaftJobsError(ErrorCode.InvalidArgument, `${at}.queue: required`);
  if (job.delayMs !== undefined && job.runAt !== undefined) throw new RaftJobsError(ErrorCode.InvalidArgument, `${at}: give at most one of delayMs and runAt`);
  const spec: SubmitSpec = {
    queue: job.queue,
    payload: encodeData(job.payload, `${at}.payload`),
    idempotencyKey: job.idempotencyKey ?? randomUUID(),
  };
  const set = (key: 'priority' | 'delayMs' | 'maxAttempts' | 'leaseTtlMs' | 'retentionMs'): void => {
    const v = optionalNumber(`${at}.${key}`, job[key]);
    if (v !== undefined) spec[key] = v;
  };
  set('priority');
  set('delayMs');
  set('maxAttempts');
  set('leaseTtlMs');
  set('retentionMs');
  if (job.runAt !== undefined) {
    const ms = job.runAt instanceof Date ? job.runAt.getTime() : job.runAt;
    spec.runAtMs = optionalNumber(`${at}.runAt`, ms) as number;
  }
  if (job.backoff !== undefined) spec.backoff = backoffToWire(job.backoff);
  if (job.group !== undefined) {
    if (typeof job.group !== 'string') throw new RaftJobsError(ErrorCode.InvalidArgument, `${at}.group: must be a string, got ${typeof job.group}`);
    spec.group = job.group;
  }
  if (job.unique !== undefined) spec.unique = uniqueToWire(job.unique, `${at}.unique`);
  return spec;
}

/** Unique modes as the wire spells them (`UniqueMode`). */
const UNIQUE_MODE_TO_WIRE = { active: 'UNIQUE_MODE_ACTIVE', debounce: 'UNIQUE_MODE_DEBOUNCE' } as const;

function uniqueFromWire(u: wire.Unique__Output, holdsKey: boolean): JobUnique {
  const mode = u.mode === 'UNIQUE_MODE_DEBOUNCE' ? 'debounce' : 'active';
  return { key: u.key, mode, windowMs: mode === 'debounce' ? u.windowMs : null, holdsKey };
}

function uniqueToWire(u: UniqueOptions, at: string): wire.Unique {
  if (u === null || typeof u !== 'object') throw new RaftJobsError(ErrorCode.InvalidArgument, `${at}: must be an object`);
  const mode = UNIQUE_MODE_TO_WIRE[u.mode];
  if (mode === undefined) throw new RaftJobsError(ErrorCode.InvalidArgument, `${at}.mode: must be "active" or "debounce", got ${JSON.stringify(u.mode)}`);
  if (typeof u.key !== 'string') throw new RaftJobsError(ErrorCode.InvalidArgument, `${at}.key: must be a string, got ${typeof u.key}`);
  const windowMs = u.mode === 'debounce' ? optionalNumber(`${at}.windowMs`, u.windowMs) : undefined;
  return { key: u.key, mode, ...(windowMs !== undefined ? { windowMs } : {}) };
}

function backoffToWire(b: BackoffOptions): wire.Backoff {
  return b.type === 'fixed'
    ? { type: 'fixed', delayMs: b.delayMs, jitter: b.jitter ?? 0 }
    : { type: 'exponential', initialMs: b.initialMs, maxMs: b.maxMs, factor: b.factor ?? 0, jitter: b.jitter ?? 0 };
}

/** Overlap policies as the wire spells them (`ScheduleSpec.overlap`). */
const OVERLAP_TO_WIRE: Readonly<Record<OverlapPolicy, string>> = { allow: 'allow', skip: 'skip', bufferOne: 'buffer_one', cancelPrevious: 'cancel_previous' };
const OVERLAP_FROM_WIRE: Readonly<Record<string, OverlapPolicy>> = Object.fromEntries(Object.entries(OVERLAP_TO_WIRE).map(([k, v]) => [v, k as OverlapPolicy]));

function timeOf(name: string, t: Date | number | undefined): number | undefined {
  return optionalNumber(name, t instanceof Date ? t.getTime() : t);
}

/**
 * The wire `ScheduleSpec` of a schedule input. Range checks are the server's; only what cannot be
 * encoded is refused here (the template's fields as `job.<field>`).
 */
export function toWireScheduleSpec(s: ScheduleInput): wire.ScheduleSpec {
  if (s === null || typeof s !== 'object') throw new RaftJobsError(ErrorCode.InvalidArgument, 'schedule: must be an object');
  if (typeof s.id !== 'string' || s.id === '') throw new RaftJobsError(ErrorCode.InvalidArgument, 'id: required');
  if (s.job === null || typeof s.job !== 'object') throw new RaftJobsError(ErrorCode.InvalidArgument, 'job: required');
  let job: SubmitSpec;
  try {
    job = toWireSpec(s.job, 0);
  } catch (err) {
    // The template's problems by the input's own names (`job.queue`, not `jobs[0].queue`).
    if (err instanceof RaftJobsError) throw new RaftJobsError(err.code, err.message.replaceAll('jobs[0]', 'job'), err.details, { cause: err });
    throw err;
  }
  const template: wire.ScheduleTemplate = { queue: job.queue, payload: job.payload };
  if (job.priority !== undefined) template.priority = job.priority;
  if (job.maxAttempts !== undefined) template.maxAttempts = job.maxAttempts;
  if (job.backoff !== undefined) template.backoff = job.backoff;
  if (job.leaseTtlMs !== undefined) template.leaseTtlMs = job.leaseTtlMs;
  if (job.retentionMs !== undefined) template.retentionMs = job.retentionMs;
  const spec: wire.ScheduleSpec = { id: s.id, template };
  if (s.cron !== undefined) spec.cron = s.cron;
  const interval = optionalNumber('intervalMs', s.intervalMs);
  if (interval !== undefined) spec.intervalMs = interval;
  if (s.timeZone !== undefined) spec.timeZone = s.timeZone;
  const start = timeOf('startAt', s.startAt);
  if (start !== undefined) spec.startAtMs = start;
  const end = timeOf('endAt', s.endAt);
  if (end !== undefined) spec.endAtMs = end;
  if (s.catchUp !== undefined) spec.catchUp = { mode: s.catchUp.mode, windowMs: optionalNumber('catchUp.windowMs', s.catchUp.windowMs) ?? 0 };
  if (s.overlap !== undefined) spec.overlap = OVERLAP_TO_WIRE[s.overlap] ?? s.overlap;
  if (s.paused !== undefined) spec.paused = s.paused;
  return spec;
}

function backoffFromWire(b: wire.Backoff__Output | null): BackoffOptions | null {
  if (b === null || b.type === '') return null;
  const jitter = b.jitter !== 0 ? { jitter: b.jitter } : {};
  return b.type === 'fixed' ? { type: 'fixed', delayMs: b.delayMs, ...jitter } : { type: 'exponential', initialMs: b.initialMs, maxMs: b.maxMs, ...(b.factor !== 0 ? { factor: b.factor } : {}), ...jitter };
}

/** A `Schedule` message as the SDK's `ScheduleInfo`. */
export function scheduleFromWire(w: wire.Schedule__Output): ScheduleInfo {
  const spec = w.spec;
  if (spec === null || spec.template === null) throw new RaftJobsError(ErrorCode.Internal, 'the server sent a schedule without its spec');
  const t = spec.template;
  const job: ScheduleJobTemplate = {
    queue: t.queue,
    payload: t.payload ?? Buffer.alloc(0),
    priority: t.priority,
    maxAttempts: t.maxAttempts > 0 ? t.maxAttempts : null,
    backoff: backoffFromWire(t.backoff),
    leaseTtlMs: t.leaseTtlMs > 0 ? t.leaseTtlMs : null,
    retentionMs: t.retentionMs ?? null,
  };
  return {
    id: spec.id,
    cron: spec.cron ?? null,
    intervalMs: spec.intervalMs ?? null,
    timeZone: spec.timeZone,
    startAt: spec.startAtMs > 0 ? spec.startAtMs : null,
    endAt: spec.endAtMs > 0 ? spec.endAtMs : null,
    job,
    catchUp: { mode: (spec.catchUp?.mode || 'latest') as CatchUpMode, windowMs: spec.catchUp?.windowMs ?? 0 },
    overlap: OVERLAP_FROM_WIRE[spec.overlap] ?? 'allow',
    paused: spec.paused ?? false,
    handledThrough: w.handledThroughMs,
    lastSlot: w.lastSlotMs > 0 ? w.lastSlotMs : null,
    lastJobId: w.lastJobId !== '' ? w.lastJobId : null,
    lastJobState: w.lastJobState !== '' ? toJobState(w.lastJobState) : null,
    pendingSlot: w.pendingSlotMs > 0 ? w.pendingSlotMs : null,
    fired: w.fired,
    skipped: w.skipped,
    triggered: w.triggered,
    createdAt: w.createdAtMs,
    updatedAt: w.updatedAtMs,
    nextFireTimes: w.nextFireTimesMs,
  };
}

/** A state string from the server, checked. */
export function toJobState(state: string): JobState {
  if ((JOB_STATES as readonly string[]).includes(state)) return state as JobState;
  throw new RaftJobsError(ErrorCode.Internal, `the server sent an unknown job state ${JSON.stringify(state)}`);
}

function toAttempt(a: wire.Attempt__Output): JobAttempt {
  return {
    attempt: a.attempt,
    token: a.token,
    workerId: a.workerId,
    startedAt: a.startedAtMs,
    endedAt: a.endedAtMs > 0 ? a.endedAtMs : null,
    outcome: a.outcome as JobAttempt['outcome'],
    error: a.error !== '' ? a.error : null,
  };
}

/**
 * A job as read from the cluster. Fields are plain data; `json()` and `resultJson()` decode the
 * payload and result when they hold JSON (as the SDK writes non-byte values).
 */
export class JobView {
  readonly id: string;
  readonly queue: string;
  readonly state: JobState;
  /** Payload bytes as submitted. */
  readonly payload: Buffer;
  readonly priority: number;
  /** When the job is (or was) due to run. */
  readonly runAt: number;
  /** Attempts started so far. */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** The current lease while `leased`, else `null`. */
  readonly lease: JobLease | null;
  readonly progress: JobProgress | null;
  /** Result bytes of a succeeded job that returned one, else `null`. */
  readonly result: Buffer | null;
  readonly lastError: string | null;
  readonly submittedAt: number;
  /** When it reached a terminal state, else `null`. */
  readonly finishedAt: number | null;
  readonly idempotencyKey: string | null;
  /** Every attempt, oldest first. */
  readonly history: readonly JobAttempt[];
  /** The schedule that created the job, or `null` for a submitted one. */
  readonly scheduleId: string | null;
  /** The schedule slot it was created for (the trigger's time for `triggerSchedule`), or `null`. */
  readonly scheduleSlot: number | null;
  /** Its group key (`JobInput.group`), or `null`. */
  readonly group: string | null;
  /** Its unique key (`JobInput.unique`), or `null`. */
  readonly unique: JobUnique | null;

  constructor(w: wire.Job__Output) {
    this.id = w.id;
    this.queue = w.queue;
    this.state = toJobState(w.state);
    this.payload = w.payload ?? Buffer.alloc(0);
    this.priority = w.priority;
    this.runAt = w.runAtMs;
    this.attempts = w.attempts;
    this.maxAttempts = w.maxAttempts;
    this.lease = w.lease && w.lease.token > 0 ? { token: w.lease.token, workerId: w.lease.workerId, expiresAt: w.lease.expiresAtMs, ttlMs: w.lease.ttlMs, attempt: w.lease.attempt } : null;
    this.progress = w.progress && w.progress.updatedAtMs > 0 ? { percent: w.progress.percent, message: w.progress.message, updatedAt: w.progress.updatedAtMs } : null;
    this.result = w.hasResult ? (w.result ?? Buffer.alloc(0)) : null;
    this.lastError = w.lastError !== '' ? w.lastError : null;
    this.submittedAt = w.submittedAtMs;
    this.finishedAt = w.finishedAtMs > 0 ? w.finishedAtMs : null;
    this.idempotencyKey = w.idempotencyKey !== '' ? w.idempotencyKey : null;
    this.history = (w.history ?? []).map(toAttempt);
    this.scheduleId = w.scheduleId !== '' ? w.scheduleId : null;
    this.scheduleSlot = w.scheduleId !== '' ? w.scheduleSlotMs : null;
    this.group = w.group !== '' ? w.group : null;
    this.unique = w.unique ? uniqueFromWire(w.unique, w.holdsUniqueKey) : null;
  }

  /** The payload parsed as JSON (`undefined` when empty). @throws RaftJobsError INVALID_ARGUMENT when not JSON. */
  json<T = unknown>(): T {
    return decodeJson<T>(this.payload, `payload of job ${this.id}`);
  }

  /** The result parsed as JSON (`undefined` when there is none). @throws RaftJobsError INVALID_ARGUMENT when not JSON. */
  resultJson<T = unknown>(): T | undefined {
    return this.result === null ? undefined : decodeJson<T>(this.result, `result of job ${this.id}`);
  }
}
