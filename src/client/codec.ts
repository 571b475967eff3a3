import { randomUUID } from 'node:crypto';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { JobAttempt, JobData, JobInput, JobLease, JobProgress, JobState } from './types.js';
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
  if (job.backoff !== undefined) {
    const b = job.backoff;
    spec.backoff =
      b.type === 'fixed'
        ? { type: 'fixed', delayMs: b.delayMs, jitter: b.jitter ?? 0 }
        : { type: 'exponential', initialMs: b.initialMs, maxMs: b.maxMs, factor: b.factor ?? 0, jitter: b.jitter ?? 0 };
  }
  return spec;
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
