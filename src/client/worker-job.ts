import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { decodeJson } from './codec.js';
import type { JobData } from './types.js';
import type { wire } from '../protocol/index.js';

/**
 * Throw this from a handler to fail the job without further attempts: it goes dead at once
 * (`no_retry`). Any other error fails the attempt, and the job retries while attempts remain.
 */
export class NonRetryableError extends Error {
  override readonly name = 'NonRetryableError';
}

/** Whether a handler's error asks for no retry. */
export function isNonRetryable(err: unknown): boolean {
  return err instanceof NonRetryableError || (err instanceof Error && err.name === 'NonRetryableError');
}

/** What a {@link RateLimitedError} holds back: the job's group key (`key`, the default) or its whole queue. */
export type ThrottleScope = 'key' | 'queue';

/** Longest hold a throttle may ask for, ms (24 h; `Throttle.retry_after_ms` in proto/jobs.proto). */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * Throw this from a handler when the remote side it calls rate limited it ("429, retry after T"):
 * the job goes back to ready without using up an attempt, and for `retryAfterMs` the cluster
 * leases no job of its group key (`scope: 'key'`, the default; a job without a group key waits
 * alone) or of its whole queue (`scope: 'queue'`). The worker sends it as a failure with a
 * throttle (`FailRequest.throttle`); the job's `lastError` is the error's message.
 *
 * `retryAfterMs` is rounded up to a whole ms, at least 1 and at most 24 h (the cluster's bound).
 *
 * @throws RaftJobsError INVALID_ARGUMENT when `retryAfterMs` is not a finite number, or `scope`
 * is neither `key` nor `queue`.
 */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  /** How long the key or queue is held back, ms: a whole number from 1 to 24 h. */
  readonly retryAfterMs: number;
  readonly scope: ThrottleScope;

  constructor(retryAfterMs: number, options: { readonly scope?: ThrottleScope; readonly message?: string; readonly cause?: unknown } = {}) {
    if (typeof retryAfterMs !== 'number' || !Number.isFinite(retryAfterMs)) {
      throw new RaftJobsError(ErrorCode.InvalidArgument, `RateLimitedError: retryAfterMs must be a finite number of ms, got ${String(retryAfterMs)}`);
    }
    const scope = options.scope ?? 'key';
    if (scope !== 'key' && scope !== 'queue') throw new RaftJobsError(ErrorCode.InvalidArgument, `RateLimitedError: scope must be "key" or "queue", got ${JSON.stringify(scope)}`);
    const ms = wholeRetryAfter(retryAfterMs);
    super(options.message ?? `rate limited by the remote side; retry after ${ms} ms (${scope})`, options.cause === undefined ? {} : { cause: options.cause });
    this.retryAfterMs = ms;
    this.scope = scope;
  }
}

/** The throttle a handler's error asks for (a {@link RateLimitedError}, also from another copy of the SDK), or null. */
export function throttleOf(err: unknown): { readonly scope: ThrottleScope; readonly retryAfterMs: number } | null {
  if (err instanceof RateLimitedError) return { scope: err.scope, retryAfterMs: err.retryAfterMs };
  if (!(err instanceof Error) || err.name !== 'RateLimitedError') return null;
  const { scope, retryAfterMs } = err as Partial<RateLimitedError>;
  if (typeof retryAfterMs !== 'number' || !Number.isFinite(retryAfterMs) || (scope !== 'key' && scope !== 'queue')) return null;
  return { scope, retryAfterMs: wholeRetryAfter(retryAfterMs) };
}

/** A hold in whole ms within the cluster's bounds: 1 ms..24 h. */
function wholeRetryAfter(ms: number): number {
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(1, Math.ceil(ms)));
}

/**
 * Cut `text` to at most `maxLength` characters (UTF-16 code units, as the server counts them),
 * saying in the text that it was cut and how long it was.
 */
export function truncateError(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const note = ` … [truncated: ${text.length} characters, over the cluster's limit of ${maxLength}]`;
  if (note.length >= maxLength) return text.slice(0, maxLength);
  return `${text.slice(0, maxLength - note.length)}${note}`;
}

/** The text a failure is recorded with, at most `maxLength` characters (see {@link truncateError}). */
export function errorText(err: unknown, maxLength: number): string {
  let text: string;
  if (err instanceof Error) text = err.message !== '' ? err.message : err.name;
  else if (typeof err === 'string') text = err;
  else {
    try {
      text = JSON.stringify(err) ?? String(err);
    } catch {
      text = String(err);
    }
  }
  if (text === '') text = 'handler failed';
  return truncateError(text, maxLength);
}

/** Longest `job.progress` message, characters (ProgressRequest.message in proto/jobs.proto). */
export const MAX_PROGRESS_MESSAGE_LENGTH = 256;

/** Why a `job.progress(percent, message)` call is invalid, or null when it is fine. */
export function progressProblem(percent: unknown, message: unknown, maxMessageLength = MAX_PROGRESS_MESSAGE_LENGTH): string | null {
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) return `percent must be a number from 0 to 100, got ${String(percent)}`;
  if (message !== undefined && typeof message !== 'string') return `message must be a string, got ${typeof message}`;
  if (typeof message === 'string' && message.length > maxMessageLength) return `message is ${message.length} characters, over the cluster's limit of ${maxMessageLength}`;
  return null;
}

/**
 * One leased job as a handler sees it.
 *
 * The `token` is the lease's fencing token (J3): it grows with every attempt of the job, and only
 * the holder of the current token can complete it. Pass it to downstream writes (a database row's
 * version check, a storage object's precondition) so that a stale attempt — one whose lease
 * lapsed while it was still running — cannot overwrite the work of a newer attempt.
 */
export interface WorkerJob {
  readonly id: string;
  readonly queue: string;
  /** Payload bytes as submitted. */
  readonly payload: Buffer;
  readonly priority: number;
  /** 1-based number of this attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Fencing token of this attempt's lease. */
  readonly token: number;
  readonly submittedAt: number;
  /**
   * The job's group key (`JobInput.group`: a customer, tenant or API key), or null when it has
   * none. A {@link RateLimitedError} of scope `key` holds back the jobs of this key.
   */
  readonly group: string | null;
  /**
   * Fires when the handler should stop: the lease's local deadline passed without a heartbeat
   * extending it (reason code LEASE_EXPIRED), the cluster said the lease is gone (the job was cancelled,
   * the lease expired and the job went elsewhere: STALE_TOKEN, NOT_FOUND, ...), or
   * `Worker.close()` ran out of time (SHUTTING_DOWN). Its `reason` is a RaftJobsError saying which.
   * Whatever the handler returns afterwards is discarded. Until the handler settles it keeps its
   * slot: the worker takes one job fewer meanwhile.
   */
  readonly signal: AbortSignal;
  /** The payload parsed as JSON (`undefined` when empty). @throws RaftJobsError INVALID_ARGUMENT when not JSON. */
  json<T = unknown>(): T;
  /**
   * Record progress (0..100) and an optional message on the job. Best effort: resolves `true` once
   * the cluster accepted it, `false` when the cluster refused it or it could not be sent (no
   * stream, lease lost).
   *
   * @throws RaftJobsError INVALID_ARGUMENT (as a rejected promise, nothing sent) when `percent` is
   * not a number from 0 to 100 or `message` is longer than 256 characters.
   */
  progress(percent: number, message?: string): Promise<boolean>;
}

/**
 * A job handler. What it resolves to becomes the job's result: bytes as they are, a string as
 * UTF-8, `undefined` as no result, anything else as JSON. Throwing fails the attempt (see
 * `NonRetryableError`), except a `RateLimitedError`, which hands the job back unharmed and holds
 * back its key or queue for a while.
 */
export type JobHandler = (job: WorkerJob) => Promise<JobData | void>;

export function makeWorkerJob(leased: wire.LeasedJob__Output, signal: AbortSignal, progress: (percent: number, message?: string) => Promise<boolean>): WorkerJob {
  const payload = leased.payload ?? Buffer.alloc(0);
  return {
    id: leased.jobId,
    queue: leased.queue,
    payload,
    priority: leased.priority,
    attempt: leased.attempt,
    maxAttempts: leased.maxAttempts,
    token: leased.token,
    submittedAt: leased.submittedAtMs,
    // '' is none (also what a server from before group keys decodes as).
    group: leased.group !== '' ? leased.group : null,
    signal,
    json: <T>() => decodeJson<T>(payload, `payload of job ${leased.jobId}`),
    progress,
  };
}
