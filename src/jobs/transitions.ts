/**
 * The lifecycle moves every reducer is built from. Each keeps the indexes (heaps, per-queue
 * counts) in step with `job.state`; reducers never touch the indexes directly.
 */
import { backoffDelay } from './backoff.js';
import { enterFinished, leaveFinished } from './finished.js';
import { flowMove, groupOf, regroup, type QueueFlow } from './flow.js';
import { retentionFor, type TerminalState } from './options.js';
import type { PackedBytes } from './packed.js';
import type { JobRecord, JobsState, QueueIndex, StateCounts } from './state.js';
import type { AttemptRecord, Rejection } from './results.js';
import { isTerminal, type AttemptOutcome, type JobState } from './types.js';

/**
 * Adds a new job (whose `state` and `runAt` are set) to the state and its indexes, the unique-key
 * table included when its key names it (submit, or restore).
 */
export function addJob(state: JobsState, job: JobRecord): void {
  state.jobs.add(job);
  const q = state.queue(job.queue);
  if (q.flow !== null || job.group !== null) flowMove(state, q, job, null, job.state);
  count(q.counts, job.state, 1);
  if (!isTerminal(job.state)) backlog(state, job, 1);
  attach(state, job, q, false);
  const unique = job.unique;
  if (unique !== null && unique.holds) state.unique.set(q.keyPrefix + unique.key, job);
}

/**
 * Frees `job`'s unique key if the key names it (the job is finishing or being purged). The caller
 * has told the snapshot cursor (`detach` does).
 */
function releaseKey(state: JobsState, job: JobRecord): void {
  const extra = job.extra;
  if (extra === null || extra.unique === null || !extra.unique.holds) return;
  extra.unique.holds = false;
  state.unique.delete(state.queue(job.queue).keyPrefix + extra.unique.key);
}

/**
 * Gives `job`, dead and just retried, its unique key back if no job holds it now. The caller has
 * told the snapshot cursor.
 */
export function reclaimKey(state: JobsState, job: JobRecord): void {
  const unique = job.unique;
  if (unique === null || unique.holds) return;
  const mapKey = state.queue(job.queue).keyPrefix + unique.key;
  if (state.unique.has(mapKey)) return;
  unique.holds = true;
  state.unique.set(mapKey, job);
}

/**
 * A debounce submit's replacement of a pending (scheduled or ready) job: new payload, priority and
 * run-at, in the indexes too (its heap position, the backlog's payload bytes). The caller has told
 * the snapshot cursor.
 */
export function replacePending(state: JobsState, job: JobRecord, payload: PackedBytes, priority: number, runAt: number): void {
  if (job.state !== 'scheduled' && job.state !== 'ready') throw new Error(`replacePending: job ${job.id} is ${job.state}`);
  detach(state, job);
  backlog(state, job, -1);
  job.packedPayload = payload;
  job.priority = priority;
  job.payloadHash = null;
  backlog(state, job, 1);
  job.runAt = runAt;
  enter(state, job, runAt <= state.now ? 'ready' : 'scheduled');
}

/** Puts a detached job into `next`: counts, state, and the heap of `next`. */
function enter(state: JobsState, job: JobRecord, next: JobState): void {
  const q = state.queue(job.queue);
  if (q.flow !== null || job.group !== null) flowMove(state, q, job, job.state, next);
  count(q.counts, job.state, -1);
  count(q.counts, next, 1);
  const wasOpen = !isTerminal(job.state);
  if (wasOpen !== !isTerminal(next)) backlog(state, job, wasOpen ? -1 : 1);
  job.state = next;
  job.updatedAt = state.now;
  attach(state, job, q, true);
}

/** Counts `job` into (`sign` 1) or out of (-1) the backlog of not-finished jobs and their payload bytes. */
function backlog(state: JobsState, job: JobRecord, sign: 1 | -1): void {
  state.backlogJobs += sign;
  // A packed payload's length is its byte count, as a one-byte string or as the array.
  state.backlogPayloadBytes += sign * job.packedPayload.length;
}

/**
 * Adds `delta` to the count of `s`. A switch, not `counts[s] += delta`: a property key that varies
 * makes that access megamorphic, and every transition counts twice.
 */
function count(counts: StateCounts, s: JobState, delta: number): void {
  switch (s) {
    case 'scheduled':
      counts.scheduled += delta;
      return;
    case 'ready':
      counts.ready += delta;
      return;
    case 'leased':
      counts.leased += delta;
      return;
    case 'succeeded':
      counts.succeeded += delta;
      return;
    case 'dead':
      counts.dead += delta;
      return;
    case 'cancelled':
      counts.cancelled += delta;
      return;
  }
}

/**
 * Puts `job` into the heap of its state; `q` is its queue's index. A finished job also joins its
 * queue's FIFO of the state: `inOrder` when it has just finished, not when it is restored.
 */
function attach(state: JobsState, job: JobRecord, q: QueueIndex, inOrder: boolean): void {
  if (job.state === 'ready') {
    const f = q.flow;
    if (f === null || f.groups.size === 0) q.ready.push(job);
    else pushGrouped(f, job);
  } else if (job.state === 'scheduled') state.scheduled.push(job);
  else if (job.state === 'leased') state.leased.push(job);
  else {
    state.finished.push(job);
    enterFinished(state, job, q, inOrder);
  }
}

/**
 * Takes `job` out of the heap of its state, if it is in one, so its keys may change. Every move
 * below starts here, so this is where a snapshot cursor in progress keeps the job's old form.
 */
function detach(state: JobsState, job: JobRecord): void {
  state.cow?.preserve(job);
  if (job.heapPos === -1) return;
  if (job.state === 'ready') {
    const q = state.queue(job.queue);
    const f = q.flow;
    if (f === null || f.groups.size === 0) q.ready.remove(job);
    else removeGrouped(f, job);
  } else if (job.state === 'scheduled') state.scheduled.remove(job);
  else if (job.state === 'leased') state.leased.remove(job);
  else {
    state.finished.remove(job);
    leaveFinished(state, job);
  }
}

/** Puts a ready job of a grouped queue into its key's heap, and the key in its place in `f.groupHeap`. */
function pushGrouped(f: QueueFlow, job: JobRecord): void {
  const g = groupOf(f, job);
  g.ready.push(job);
  regroup(f, g);
}

/** Takes a ready job of a grouped queue out of its key's heap, and moves the key in `f.groupHeap`. */
function removeGrouped(f: QueueFlow, job: JobRecord): void {
  const g = groupOf(f, job);
  g.ready.remove(job);
  regroup(f, g);
}

/** Makes `job` due at `runAt`: ready at once when that is now or earlier, else scheduled. */
export function schedule(state: JobsState, job: JobRecord, runAt: number): void {
  detach(state, job);
  job.runAt = runAt;
  enter(state, job, runAt <= state.now ? 'ready' : 'scheduled');
}

/** Grants a lease on a ready job and starts its next attempt. */
export function grantLease(state: JobsState, job: JobRecord, workerId: string, session: string, ttlMs: number): void {
  detach(state, job);
  const token = ++state.lastToken;
  job.attempts++;
  job.lease = { token, worker: workerId, session, expiresAt: state.now + ttlMs, ttl: ttlMs };
  job.progress = null;
  const record: AttemptRecord = { attempt: job.attempts, token, workerId, startedAt: state.now, endedAt: null, outcome: 'running', error: null };
  if (job.history.length === 0) {
    // A one-element literal: `push` onto an empty array reserves room for 16, kept for the job's
    // lifetime (and the empty one is the shared, frozen `NO_HISTORY`).
    job.history = [record];
  } else {
    job.history.push(record);
    if (job.history.length > state.options.historyLimit) job.history.shift();
  }
  enter(state, job, 'leased');
}

/**
 * Ends the running attempt of a leased job and clears its lease. The job is left out of every
 * index, still in state `leased`; the caller moves it on at once with `schedule`, `finish` or `retryOrDie`.
 */
export function endAttempt(state: JobsState, job: JobRecord, outcome: AttemptOutcome, error: string | null): void {
  if (job.state !== 'leased') throw new Error(`endAttempt: job ${job.id} is ${job.state}, not leased`);
  detach(state, job);
  const last = job.history.length - 1;
  const running = job.history[last];
  if (running !== undefined && running.token === job.leaseToken) {
    // The fields of `AttemptRecord`, in the order `grantLease` creates them (what a spread gave).
    job.history[last] = {
      attempt: running.attempt,
      token: running.token,
      workerId: running.workerId,
      startedAt: running.startedAt,
      endedAt: state.now,
      outcome,
      error,
    };
  }
  job.lease = null;
}

/** Moves a job that is out of every index (after `endAttempt`) or in one to a terminal state. */
export function finish(state: JobsState, job: JobRecord, terminal: TerminalState): void {
  detach(state, job);
  job.finishedAt = state.now;
  job.purgeAt = state.now + retentionFor(state.options, job.queue, job.retentionMs, terminal);
  enter(state, job, terminal);
  releaseKey(state, job);
  wakeSchedule(state, job);
}

/** A `bufferOne` slot waiting for `job`, which is finishing (or purged unfinished), fires once the command is done. */
function wakeSchedule(state: JobsState, job: JobRecord): void {
  const scheduleId = job.scheduleId;
  if (scheduleId === null) return;
  const s = state.schedules.get(scheduleId);
  if (s !== undefined && s.pendingSlot !== null && s.lastJobId === job.id) state.scheduleWakes.push(s);
}

/**
 * Removes a job for good: a finished one (retention, count bounds, bulk purge), or a scheduled or
 * ready one (bulk purge; never a leased one: its worker holds a lease). Out of its heap, its FIFO,
 * the job map, the counts and the backlog (a queue left with no jobs goes too, as on a replica
 * restored from a snapshot). `order` keeps it, marked, until `sweepOrder`. Its unique key is
 * freed; its idempotency key, if it still names it, stays until its window ends (within
 * `maxPurgedJobKeys`), so a duplicate submit still answers with its id (state null). A schedule
 * slot waiting for an unfinished job purged here fires, as if the job had finished. O(log n).
 */
export function purge(state: JobsState, job: JobRecord): void {
  if (job.state === 'leased') throw new Error(`purge: job ${job.id} is leased`);
  const events = state.events;
  if (events !== null) events.push({ type: 'purged', jobId: job.id, queue: job.queue, group: job.group, state: job.state });
  detach(state, job);
  releaseKey(state, job);
  if (!isTerminal(job.state)) wakeSchedule(state, job);
  state.jobs.delete(job);
  job.markPurged();
  state.orderHoles++;
  const q = state.queue(job.queue);
  state.idempotency.release(job);
  if (q.flow !== null || job.group !== null) flowMove(state, q, job, job.state, null);
  const c = q.counts;
  count(c, job.state, -1);
  if (!isTerminal(job.state)) backlog(state, job, -1);
  if (c.scheduled === 0 && c.ready === 0 && c.leased === 0 && c.succeeded === 0 && c.dead === 0 && c.cancelled === 0) {
    state.queues.delete(job.queue);
  }
}

/**
 * Drops purged jobs from `order` once they are at least half of it (and more than a few), so
 * each purge costs amortized O(1) here and `order` stays within twice the live job count.
 */
export function sweepOrder(state: JobsState): void {
  const order = state.order;
  // A snapshot cursor in progress walks `order` by position: compact it after.
  if (state.orderHoles < 64 || state.orderHoles * 2 < order.length || state.cow !== null) return;
  let w = 0;
  for (let r = 0; r < order.length; r++) {
    const job = order[r] as JobRecord;
    if (!job.purged) order[w++] = job;
  }
  order.length = w;
  state.orderHoles = 0;
}

/** After a failed or expired attempt: retry after backoff while attempts remain, else dead. */
export function retryOrDie(state: JobsState, job: JobRecord, allowRetry: boolean): void {
  if (!allowRetry || job.attempts >= job.attemptLimit) {
    finish(state, job, 'dead');
    return;
  }
  const delay = backoffDelay(job.spec.backoff, job.id, job.attempts, job.attempts - job.backoffBase);
  schedule(state, job, state.now + delay);
}

/**
 * Back to ready in the place the job had before it was leased: its run-at (at or before now, as it
 * was ready when leased) and submit order are kept, so it goes ahead of jobs that became ready
 * later. For an attempt that ended without the job's fault or a backoff (released, abandoned).
 */
export function requeueInPlace(state: JobsState, job: JobRecord): void {
  schedule(state, job, Math.min(job.runAt, state.now));
}

/** A rejection value. */
export function reject(code: Rejection['code'], message: string, jobId?: string): Rejection {
  return jobId === undefined ? { ok: false, code, message } : { ok: false, code, message, jobId };
}

/**
 * The job leased under `token`, or why not (J3). A job that is not leased, or leased under another
 * token, rejects with STALE_TOKEN; an unknown job with NOT_FOUND.
 */
export function currentLease(state: JobsState, jobId: string, token: number): JobRecord | Rejection {
  const job = state.jobs.get(jobId);
  if (job === undefined) return reject('NOT_FOUND', `job ${jobId} not found`, jobId);
  if (job.state !== 'leased') {
    return reject('STALE_TOKEN', `token ${token} is stale: job ${jobId} is ${job.state}, not leased`, jobId);
  }
  if (job.leaseToken !== token) {
    return reject('STALE_TOKEN', `token ${token} is stale: job ${jobId} is leased under token ${job.leaseToken}`, jobId);
  }
  return job;
}
