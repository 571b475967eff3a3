/**
 * Time-driven work: the replicated clock (J5), the due pass (promote scheduled jobs, expire
 * leases, forget old idempotency keys), `tick` and `leaderChange` (J6).
 */
import type { JobsState } from './state.js';
import { endAttempt, retryOrDie, schedule } from './transitions.js';
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
 * submit order), promote scheduled jobs (by run-at, then submit order), forget expired
 * idempotency keys. O(k log n) for k due items.
 */
export function runDue(state: JobsState): void {
  const now = state.now;
  for (let job = state.leased.peek(); job !== undefined && job.leaseExpiresAt <= now; job = state.leased.peek()) {
    endAttempt(state, job, 'expired', 'lease expired');
    job.lastError = 'lease expired';
    retryOrDie(state, job, true);
    state.batchExpired++;
  }
  for (let job = state.scheduled.peek(); job !== undefined && job.runAt <= now; job = state.scheduled.peek()) {
    schedule(state, job, job.runAt);
    state.batchPromoted++;
  }
  for (const [key, entry] of state.idempotency) {
    if (entry.expiresAt > now) break;
    state.idempotency.delete(key);
  }
}

/** `tick`: runs the due pass and reports what this batch's due work did so far. */
export function applyTick(state: JobsState): TickResult {
  runDue(state);
  return { ok: true, type: 'tick', promoted: state.batchPromoted, expired: state.batchExpired };
}

/** J6: every lease expires no earlier than now + graceMs. O(l) for l leases. */
export function applyLeaderChange(state: JobsState, cmd: LeaderChangeCommand): LeaderChangeResult {
  const graceUntil = state.now + cmd.graceMs;
  let extended = 0;
  for (const job of state.leased.unordered()) {
    if (job.leaseExpiresAt < graceUntil) {
      job.leaseExpiresAt = graceUntil;
      extended++;
    }
  }
  if (extended > 0) state.leased.heapify();
  return { ok: true, type: 'leaderChange', extended, graceUntil };
}

/**
 * The earliest time at which something becomes due (a scheduled job's run-at or a lease's
 * expiry), or null when nothing is. The leader proposes a `tick` once its clock reaches it.
 */
export function nextDueTime(state: JobsState): number | null {
  const s = state.scheduled.peek();
  const l = state.leased.peek();
  if (s === undefined) return l === undefined ? null : l.leaseExpiresAt;
  return l === undefined ? s.runAt : Math.min(s.runAt, l.leaseExpiresAt);
}
