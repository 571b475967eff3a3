/** Operator commands: cancel and retry of dead jobs, one job each (reduce-bulk.ts applies them to many). */
import type { JobRecord, JobsState } from './state.js';
import { endAttempt, finish, reclaimKey, reject, schedule } from './transitions.js';
import type { CancelResult, Rejection, RetryDeadResult } from './results.js';
import type { CancelCommand, JobState, RetryDeadCommand } from './types.js';

/**
 * Cancels a scheduled, ready or leased job. A leased job's attempt ends as `cancelled`, so its
 * token is stale from here on and the worker's heartbeat tells it to stop.
 */
export function applyCancel(state: JobsState, cmd: CancelCommand): CancelResult | Rejection {
  const job = state.jobs.get(cmd.jobId);
  if (job === undefined) return reject('NOT_FOUND', `job ${cmd.jobId} not found`, cmd.jobId);
  const previous = job.state;
  if (previous === 'succeeded' || previous === 'dead' || previous === 'cancelled') {
    return reject('ILLEGAL_TRANSITION', `job ${job.id} is ${previous}: only scheduled, ready or leased jobs can be cancelled`, job.id);
  }
  cancelJob(state, job, cmd.reason ?? null);
  return { ok: true, type: 'cancel', jobId: job.id, previous };
}

/** Cancels `job`, which is scheduled, ready or leased, and reports it; returns the state it left. */
export function cancelJob(state: JobsState, job: JobRecord, reason: string | null): JobState {
  const previous = job.state;
  state.cow?.preserve(job);
  const token = job.leaseToken;
  if (previous === 'leased') endAttempt(state, job, 'cancelled', reason);
  job.cancelReason = reason;
  finish(state, job, 'cancelled');
  const events = state.events;
  if (events !== null) events.push({ type: 'cancelled', jobId: job.id, queue: job.queue, group: job.group, previous, token });
  return previous;
}

/**
 * Makes a dead job ready again with `attempts` more attempts (default: its `maxAttempts`). The
 * attempt counter is extended rather than reset, so attempt numbers in the history stay unique;
 * backoff restarts from its first delay.
 */
export function applyRetryDead(state: JobsState, cmd: RetryDeadCommand): RetryDeadResult | Rejection {
  const job = state.jobs.get(cmd.jobId);
  if (job === undefined) return reject('NOT_FOUND', `job ${cmd.jobId} not found`, cmd.jobId);
  if (job.state !== 'dead') {
    return reject('ILLEGAL_TRANSITION', `job ${job.id} is ${job.state}: only dead jobs can be retried`, job.id);
  }
  retryDeadJob(state, job, cmd.attempts ?? job.spec.maxAttempts);
  return { ok: true, type: 'retryDead', jobId: job.id, attemptLimit: job.attemptLimit };
}

/** Makes `job`, which is dead, ready again with `attempts` more attempts, and reports it. */
export function retryDeadJob(state: JobsState, job: JobRecord, attempts: number): void {
  state.cow?.preserve(job);
  job.attemptLimit = job.attempts + attempts;
  job.backoffBase = job.attempts;
  // Cleared once it has left the finished indexes, which find it by finish time.
  schedule(state, job, state.now);
  job.finishedAt = null;
  job.purgeAt = null;
  // Not terminal any more: its unique key is its own again, unless another job holds it now.
  reclaimKey(state, job);
  const events = state.events;
  if (events !== null) events.push({ type: 'retried', jobId: job.id, queue: job.queue, group: job.group });
}
