/**
 * Time-driven work: the replicated clock (J5), the due pass (promote scheduled jobs, expire
 * leases, purge finished jobs past their retention or beyond their queue's count bound, forget old
 * idempotency keys), `tick` and `leaderChange` (J6).
 */
import { overfullBefore } from './finished.js';
import { dropIdleFlows } from './flow.js';
import type { JobLease, JobRecord, JobsState } from './state.js';
import { endAttempt, purge, retryOrDie, schedule, sweepOrder } from './transitions.js';
import type { LeaderChangeResult, TickResult } from './results.js';
import type { LeaderChangeCommand } from './types.js';

/**
 * J5: the clock only moves forward, to the entry's time when that is later. Fractions of a ms are
 * dropped, so every stored time is an integer. A non-finite time (never written by a correct
 * leader) leaves the clock where it is.
 */
export function advanceClock(state: JobsState, time: number): void {
  if (Number.isFinite(time)) {
    const t = Math.floor(time);
    if (t > state.now) state.now = t;
  }
}

/**
 * Does everything that is due at `state.now`, in a fixed order: expire leases (by expiry, then
 * submit order), promote scheduled jobs (by run-at, then submit order), purge finished jobs whose
 * retention has ended (by purge time, then submit order), purge the oldest finished jobs (by
 * finish time, then submit order) of each queue and state holding more than its count bound (by
 * queue name, then state), drop flow records whose time has come (flow.ts), forget expired
 * idempotency keys. Both purges together stop at
 * `maxPurgePerBatch` per entry. O(k log n) for k due items.
 *
 * Count bounds are applied here, by the entry after the one that finished the jobs, not by that
 * entry itself: the entry's results (and what the node derives from them) still find every job
 * it finished. Under load the next entry follows at once; an idle cluster ticks after
 * `OVERFLOW_SLACK_MS`.
 *
 * A purged job's idempotency key is kept until its own window ends (J7): a duplicate submit in
 * that time still returns the original id, with state null. At most `maxPurgedJobKeys` such keys
 * are kept; past that, those of the jobs purged longest ago are forgotten first.
 */
export function runDue(state: JobsState): void {
  const now = state.now;
  for (let job = state.leased.peek(); job !== undefined && job.leaseExpiresAt <= now; job = state.leased.peek()) {
    const token = job.leaseToken;
    endAttempt(state, job, 'expired', 'lease expired');
    job.lastError = 'lease expired';
    retryOrDie(state, job, true);
    state.batchExpired++;
    const events = state.events;
    if (events !== null) events.push({ type: 'expired', jobId: job.id, queue: job.queue, group: job.group, token, next: job.state === 'dead' ? 'dead' : 'retry' });
  }
  for (let job = state.scheduled.peek(); job !== undefined && job.runAt <= now; job = state.scheduled.peek()) {
    schedule(state, job, job.runAt);
    state.batchPromoted++;
  }
  const limit = state.options.maxPurgePerBatch;
  for (let job = state.finished.peek(); job !== undefined && (job.purgeAt ?? 0) <= now && state.batchPurged < limit; job = state.finished.peek()) {
    purge(state, job);
    state.batchPurged++;
  }
  if (state.overfull.size > 0) purgeOverflow(state, limit);
  if (state.flowIdle.size > 0) dropIdleFlows(state);
  sweepOrder(state);
  state.idempotency.forgetExpired(now);
}

/**
 * Purges the oldest jobs of every FIFO over its count bound, in `overfullBefore` order, until all
 * are within bounds or the batch has purged `limit` jobs. O(1) amortized per job (plus the purge's
 * own O(log n)), and O(f log f) for f over-bound FIFOs.
 */
function purgeOverflow(state: JobsState, limit: number): void {
  const fifos = [...state.overfull];
  if (fifos.length > 1) fifos.sort(overfullBefore);
  for (const fifo of fifos) {
    while (fifo.size > fifo.bound && state.batchPurged < limit) {
      purge(state, fifo.oldest() as JobRecord);
      state.batchPurged++;
    }
  }
}

/** `tick`: runs the due pass and reports what this batch's due work did so far. */
export function applyTick(state: JobsState): TickResult {
  runDue(state);
  return { ok: true, type: 'tick', promoted: state.batchPromoted, expired: state.batchExpired, purged: state.batchPurged };
}

/** J6: every lease expires no earlier than now + graceMs. O(l) for l leases. */
export function applyLeaderChange(state: JobsState, cmd: LeaderChangeCommand): LeaderChangeResult {
  const graceUntil = state.now + cmd.graceMs;
  let extended = 0;
  for (const job of state.leased.unordered()) {
    const lease = job.lease as JobLease;
    if (lease.expiresAt < graceUntil) {
      state.cow?.preserve(job);
      lease.expiresAt = graceUntil;
      extended++;
    }
  }
  if (extended > 0) state.leased.heapify();
  return { ok: true, type: 'leaderChange', extended, graceUntil };
}

/**
 * How long an expired idempotency key may linger before it alone makes the leader tick, ms. An
 * expired key is already ignored on lookup and any entry's due pass drops it, so this only bounds
 * how long an idle cluster keeps (and snapshots) dead keys, at one tick per interval at most.
 */
export const KEY_SWEEP_SLACK_MS = 10_000;

/**
 * How long after the last entry a queue may hold more finished jobs than its count bound before
 * that alone makes the leader tick, ms. Any entry trims them, and under load entries follow each
 * other within ms, so no tick is needed there; this only bounds how long an idle cluster keeps
 * the excess of its last entry. When the last due pass stopped at `maxPurgePerBatch`, the leader
 * ticks at once instead.
 */
export const OVERFLOW_SLACK_MS = 1000;

/**
 * The earliest time at which something becomes due (a scheduled job's run-at, a lease's expiry, a
 * finished job's purge time, a queue over its count bound (see `OVERFLOW_SLACK_MS`), or the
 * oldest idempotency key's expiry plus `KEY_SWEEP_SLACK_MS`), or null when nothing is. The leader
 * proposes a `tick` once its clock reaches it.
 */
export function nextDueTime(state: JobsState): number | null {
  const firstKey = state.idempotency.firstExpiry();
  let due = firstKey === null ? Infinity : firstKey + KEY_SWEEP_SLACK_MS;
  if (state.overfull.size > 0) {
    const cut = state.batchPurged >= state.options.maxPurgePerBatch;
    due = Math.min(due, cut ? state.now : state.now + OVERFLOW_SLACK_MS);
  }
  const s = state.scheduled.peek();
  // The minimum, like the others: a job scheduled far ahead must not postpone the key sweep.
  if (s !== undefined && s.runAt < due) due = s.runAt;
  const l = state.leased.peek();
  if (l !== undefined && l.leaseExpiresAt < due) due = l.leaseExpiresAt;
  const f = state.finished.peek();
  if (f !== undefined && f.purgeAt !== null && f.purgeAt < due) due = f.purgeAt;
  return due === Infinity ? null : due;
}
