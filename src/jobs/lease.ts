/**
 * `lease`: which ready jobs a lease command gets, under flow control (docs/design.md "Flow
 * control"), and the dispatcher's questions about it (`leasable`, `nextLeasableTime`).
 *
 * Across the named queues the best job goes first (`readyBefore`). A queue offers its best job
 * that no limit holds back: none while it is paused, throttled, at its concurrency or out of
 * tokens; in a grouped queue, the best job of the first key in service order (`groupHeap`) that is
 * not throttled, at its limit or out of tokens. A key held back is set aside for the rest of the
 * command (nothing in one command can free it) and put back at its end. Each lease takes a token
 * from the queue's bucket and its key's, and stamps the key as served last.
 *
 * The keys held back are mostly those served last (at their limit, out of tokens, throttled after
 * a lease), which the service order puts last, so a command seldom sets many aside before it finds
 * a key to serve; when every key is held back the dispatcher does not ask (`leasable`).
 */
import { groupHold, groupLimit, groupOf, queueHold, regroup, type GroupFlow, type QueueFlow } from './flow.js';
import { fitsAt, take } from './rate.js';
import { readyBefore, type JobLease, type JobRecord, type JobsState, type QueueIndex } from './state.js';
import { grantLease } from './transitions.js';
import type { LeaseGrant, LeaseHold, LeaseResult } from './results.js';
import type { LeaseCommand } from './types.js';

/** The `throttled` of a lease that nothing held back: shared, so the common case allocates nothing. */
const NO_HOLDS: readonly LeaseHold[] = Object.freeze([]);

/**
 * Grants up to `max` leases from the named queues, best job first across all of them. Each grant
 * costs O(q + log n) for q named queues and n ready jobs in the chosen queue; in a grouped queue
 * O(log k) more for k keys with ready jobs, plus O(log k) per key set aside.
 */
export function applyLease(state: JobsState, cmd: LeaseCommand): LeaseResult {
  const queues: QueueIndex[] = [];
  let flow = false;
  for (const name of cmd.queues) {
    const q = state.queues.get(name);
    if (q !== undefined && q.counts.ready > 0 && !queues.includes(q)) {
      queues.push(q);
      if (q.flow !== null) flow = true;
    }
  }
  if (flow) return leaseWithFlow(state, cmd, queues);
  // No flow state: every ready job is in its queue's heap.
  const leases: LeaseGrant[] = [];
  while (leases.length < cmd.max) {
    let best: JobRecord | undefined;
    for (const q of queues) {
      const top = q.ready.peek();
      if (top !== undefined && (best === undefined || readyBefore(top, best))) best = top;
    }
    if (best === undefined) break;
    grantTo(state, cmd, best, leases);
  }
  return { ok: true, type: 'lease', leases, throttled: NO_HOLDS };
}

/** Grants `job` to the command's worker and records the grant and its event. */
function grantTo(state: JobsState, cmd: LeaseCommand, job: JobRecord, leases: LeaseGrant[]): void {
  const ttlMs = cmd.ttlMs ?? job.spec.leaseTtlMs;
  grantLease(state, job, cmd.workerId, cmd.session ?? '', ttlMs);
  const lease = job.lease as JobLease;
  const jobId = job.id;
  const events = state.events;
  if (events !== null) {
    events.push({ type: 'leased', jobId, queue: job.queue, group: job.group, token: lease.token, workerId: cmd.workerId, session: lease.session, attempt: job.attempts });
  }
  leases.push({
    jobId,
    queue: job.queue,
    payload: job.payload,
    priority: job.priority,
    runAt: job.runAt,
    submittedAt: job.submittedAt,
    token: lease.token,
    attempt: job.attempts,
    attemptLimit: job.attemptLimit,
    expiresAt: lease.expiresAt,
    ttlMs,
    group: job.group,
  });
}

/** One named queue during a lease under flow control. */
interface Source {
  readonly q: QueueIndex;
  readonly f: QueueFlow | null;
  /** False once the queue can grant nothing more in this command. */
  live: boolean;
  /** Keys set aside in this command, put back at its end. */
  skipped: GroupFlow[] | null;
}

function leaseWithFlow(state: JobsState, cmd: LeaseCommand, queues: readonly QueueIndex[]): LeaseResult {
  const now = state.now;
  const holds: LeaseHold[] = [];
  const sources: Source[] = [];
  for (const q of queues) {
    const f = q.flow;
    const why = f === null ? null : queueHold(f, q.counts.leased, now);
    if (why !== null) holds.push({ queue: q.name, group: null, reason: why });
    else sources.push({ q, f, live: true, skipped: null });
  }
  const leases: LeaseGrant[] = [];
  while (leases.length < cmd.max) {
    let best: JobRecord | undefined;
    let from: Source | undefined;
    for (const src of sources) {
      if (!src.live) continue;
      const top = candidate(src, now, holds);
      if (top !== undefined && (best === undefined || readyBefore(top, best))) {
        best = top;
        from = src;
      }
    }
    if (best === undefined || from === undefined) break;
    const { q, f } = from;
    // Its key's record, looked up while the job is still ready (open).
    const g = f !== null && f.groups.size > 0 ? groupOf(f, best) : null;
    grantTo(state, cmd, best, leases);
    if (f === null) continue;
    const p = f.policy;
    if (p !== null && p.rate !== null) take(f, p.rate, now);
    if (g !== null) {
      if (p !== null && p.groupRate !== null && g.key !== '') take(g, p.groupRate, now);
      g.lastServed = ++f.serveClock;
      // Still in the heap if it has ready jobs left (a key set aside gets no lease).
      if (g.heapPos !== -1) f.groupHeap.update(g);
    }
    const why = queueHold(f, q.counts.leased, now);
    if (why !== null) {
      from.live = false;
      if (q.counts.ready > 0) holds.push({ queue: q.name, group: null, reason: why });
    }
  }
  for (const src of sources) {
    if (src.skipped !== null) for (const g of src.skipped) regroup(src.f as QueueFlow, g);
  }
  return { ok: true, type: 'lease', leases, throttled: holds.length === 0 ? NO_HOLDS : holds };
}

/** The best job `src` may grant now, setting aside (and reporting) the keys held back on the way. */
function candidate(src: Source, now: number, holds: LeaseHold[]): JobRecord | undefined {
  const f = src.f;
  if (f === null || f.groups.size === 0) return src.q.ready.peek();
  for (;;) {
    const g = f.groupHeap.peek();
    if (g === undefined) return undefined;
    const why = groupHold(f, g, now);
    if (why === null) return g.ready.peek();
    f.groupHeap.pop();
    (src.skipped ??= []).push(g);
    holds.push({ queue: f.queue, group: g.key, reason: why });
  }
}

/**
 * Whether a lease of `queues` applied at time `at` (ms; the state's clock if later) could grant
 * at least one job: the dispatcher's cue to propose one, so a paused, throttled or limited queue
 * never makes the leader propose empty leases. Leaves out what that entry's due pass would change
 * (jobs coming due, leases expiring): the leader ticks for those, which wakes the dispatcher
 * again. O(q) for q queues, plus O(k) for k keys with ready jobs in a grouped queue whose first
 * keys are held back.
 */
export function leasable(state: JobsState, queues: readonly string[], at: number): boolean {
  const now = Math.max(state.now, Math.floor(at));
  for (const name of queues) {
    const q = state.queues.get(name);
    if (q === undefined || q.counts.ready === 0) continue;
    const f = q.flow;
    if (f === null) return true;
    if (queueHold(f, q.counts.leased, now) !== null) continue;
    if (f.groups.size === 0) return true;
    // The first is the heap's top, the key served next: usually the only one looked at.
    for (const g of f.groupHeap.unordered()) if (groupHold(f, g, now) === null) return true;
  }
  return false;
}

/**
 * The earliest time after `at` (ms; default, and at least, the state's clock) at which a rate
 * bucket refilling or a throttle pause ending lets a ready job of `queues` that is held back at
 * `at` be leased, or null when none waits for time (nothing is held back, or only by a pause or a
 * concurrency limit, which a command or a lease ending lifts). The dispatcher wakes then. O(q + k)
 * as `leasable`, over every key with ready jobs.
 */
export function nextLeasableTime(state: JobsState, queues: readonly string[], at = state.now): number | null {
  const now = Math.max(state.now, Math.floor(at));
  let best = Infinity;
  for (const name of queues) {
    const q = state.queues.get(name);
    if (q === undefined || q.counts.ready === 0 || q.flow === null) continue;
    const f = q.flow;
    const queueAt = queueFreeAt(f, q.counts.leased, now);
    if (queueAt === Infinity) continue;
    let keyAt = f.groups.size === 0 ? now : Infinity;
    for (const g of f.groupHeap.unordered()) keyAt = Math.min(keyAt, groupFreeAt(f, g, now));
    const t = Math.max(queueAt, keyAt);
    if (t > now && t < best) best = t;
  }
  return best === Infinity ? null : best;
}

/** When time alone lets queue `f` (with `leased` leased jobs) grant again: `now` if it may now, Infinity if time alone never does. */
function queueFreeAt(f: QueueFlow, leased: number, now: number): number {
  const p = f.policy;
  if (p !== null && (p.paused || (p.concurrency !== null && leased >= p.concurrency))) return Infinity;
  let t = Math.max(now, f.throttledUntil);
  if (p !== null && p.rate !== null) t = Math.max(t, fitsAt(f, p.rate, now));
  return t;
}

/** As `queueFreeAt`, for key `g` of `f`. */
function groupFreeAt(f: QueueFlow, g: GroupFlow, now: number): number {
  if (g.key === '') return now;
  const p = f.policy;
  const limit = groupLimit(p, g.key);
  if (limit !== null && g.leased >= limit) return Infinity;
  let t = Math.max(now, g.throttledUntil);
  if (p !== null && p.groupRate !== null) t = Math.max(t, fitsAt(g, p.groupRate, now));
  return t;
}
