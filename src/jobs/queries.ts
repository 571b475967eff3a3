/** Pure reads of a `JobsState`. They return copies of the small fields; byte arrays are shared. */
import type { BulkAction, BulkFilter } from './flow-types.js';
import { bulkMatcher } from './reduce-bulk.js';
import { firstPast, type JobRecord, type JobsState } from './state.js';
import { groupLimit } from './flow.js';
import { tokens } from './rate.js';
import type { GroupFlowView, JobSummary, JobView, QueueFlowView, QueueStats, ScheduleView, UniqueView } from './results.js';
import { scheduleIds, toScheduleView, type ScheduleRecord } from './schedules.js';
import { JOB_STATES, type AttemptOutcome, type JobState } from './types.js';

/** True when job `id` is leased under `token` now. O(1). */
export function isCurrentLease(state: JobsState, id: string, token: number): boolean {
  const job = state.jobs.get(id);
  return job !== undefined && job.lease !== null && job.lease.token === token;
}

/**
 * How the attempt of job `id` under `token` ended (or `running`), with the job's state now; null
 * when the job or that attempt is not known (any more: history keeps the last `historyLimit`).
 * O(history). It tells a re-sent completion or failure that already committed from a stale one.
 */
export function attemptOutcome(state: JobsState, id: string, token: number): { readonly outcome: AttemptOutcome; readonly jobState: JobState } | null {
  const job = state.jobs.get(id);
  if (job === undefined) return null;
  for (const a of job.history) if (a.token === token) return { outcome: a.outcome, jobState: job.state };
  return null;
}

/** Jobs and payload bytes, as the backlog guards count them (`JobsState.backlogJobs`). */
export interface Backlog {
  readonly jobs: number;
  readonly payloadBytes: number;
}

/** The not-finished jobs (scheduled, ready, leased) over all queues, and their payload bytes. O(1). */
export function backlog(state: JobsState): Backlog {
  return { jobs: state.backlogJobs, payloadBytes: state.backlogPayloadBytes };
}

/**
 * What a submit of `jobs` would add to the backlog: the jobs whose idempotency key is not live in
 * their queue (a duplicate is answered with the job it names and adds nothing), and their payload
 * bytes. Two jobs of one submit with the same key both count. Changes nothing. O(jobs).
 */
export function backlogOf(
  state: JobsState,
  jobs: readonly { readonly queue: string; readonly payload: Uint8Array; readonly idempotencyKey?: string | undefined }[],
): Backlog {
  let n = 0;
  let bytes = 0;
  for (const j of jobs) {
    if (j.idempotencyKey !== undefined && state.idempotency.knows(j.queue, j.idempotencyKey, state.now)) continue;
    n++;
    bytes += j.payload.length;
  }
  return { jobs: n, payloadBytes: bytes };
}

/** The queue of job `id`, or null when unknown. O(1). */
export function queueOf(state: JobsState, id: string): string | null {
  return state.jobs.get(id)?.queue ?? null;
}

/** The worker sessions holding leases (leases of no session left out), each once. O(l) for l leased jobs. */
export function leaseSessions(state: JobsState): { readonly workerId: string; readonly session: string }[] {
  const seen = new Map<string, { workerId: string; session: string }>();
  for (const job of state.leased.unordered()) {
    const lease = job.lease;
    if (lease === null || lease.session === '') continue;
    const k = `${lease.worker}\u0000${lease.session}`;
    if (!seen.has(k)) seen.set(k, { workerId: lease.worker, session: lease.session });
  }
  return [...seen.values()];
}

/** Everything about one job, or null when unknown. */
export function getJob(state: JobsState, id: string): JobView | null {
  const job = state.jobs.get(id);
  return job === undefined ? null : toView(job);
}

export interface ListJobsQuery {
  /** Only jobs of this queue. */
  readonly queue?: string;
  /** Only jobs in this state. */
  readonly state?: JobState;
  /** 1..`maxPageSize` (clamped). Default 100. */
  readonly pageSize?: number;
  /** `nextPageToken` of the previous page; omit for the first page. */
  readonly pageToken?: string;
}

export interface ListJobsPage {
  /** In id (= submit) order. */
  readonly jobs: readonly JobSummary[];
  /** Pass as `pageToken` for the next page; null when there is none. */
  readonly nextPageToken: string | null;
}

/**
 * Lists jobs in id order, one page at a time. Paging is stable: a page token is the last id
 * returned, so jobs submitted meanwhile appear on later pages and none repeats or is skipped.
 * Seeking to the token is O(log n); a filter scans the jobs after it until the page fills.
 */
export function listJobs(state: JobsState, query: ListJobsQuery = {}): ListJobsPage {
  const size = Math.min(Math.max(Math.floor(query.pageSize ?? 100) || 1, 1), state.options.maxPageSize);
  const order = state.order;
  let i = query.pageToken === undefined ? 0 : firstAfter(order, query.pageToken);
  const jobs: JobSummary[] = [];
  for (; i < order.length && jobs.length < size; i++) {
    const job = order[i] as JobRecord;
    if (job.purged) continue;
    if (query.queue !== undefined && job.queue !== query.queue) continue;
    if (query.state !== undefined && job.state !== query.state) continue;
    jobs.push(toSummary(job));
  }
  const last = jobs[jobs.length - 1];
  return { jobs, nextPageToken: jobs.length === size && i < order.length && last !== undefined ? last.id : null };
}

/** Index of the first job whose id sorts after `id`. */
function firstAfter(order: readonly JobRecord[], id: string): number {
  return firstPast(order, (job) => job.id <= id);
}

/** Job counts per queue and state, sorted by queue name. O(queues). */
export function stats(state: JobsState): QueueStats[] {
  const names = [...state.queues.keys()].sort();
  return names.map((name) => queueStats(state, name));
}

/** Job counts of one queue (all zero for an unknown queue). */
export function queueStats(state: JobsState, queue: string): QueueStats {
  const c = state.queues.get(queue)?.counts;
  const out: Record<string, number | string> = { queue };
  for (const s of JOB_STATES) out[s] = c?.[s] ?? 0;
  return out as unknown as QueueStats;
}

/**
 * True when any of `queues` has a ready job, whether or not flow control lets a lease take it
 * (that is `leasable`'s question). O(queues).
 */
export function hasReady(state: JobsState, queues: readonly string[]): boolean {
  for (const name of queues) if ((state.queues.get(name)?.counts.ready ?? 0) > 0) return true;
  return false;
}

/** Ready jobs in `queue`. O(1). */
export function readyCount(state: JobsState, queue: string): number {
  return state.queues.get(queue)?.counts.ready ?? 0;
}

/** Names of the queues that have ready jobs, sorted. O(queues). */
export function readyQueues(state: JobsState): string[] {
  const out: string[] = [];
  for (const [name, q] of state.queues) if (q.counts.ready > 0) out.push(name);
  return out.sort();
}

/** Most keys `queueFlow` lists as the busiest (and as many more throttled ones). */
export const MAX_FLOW_GROUPS = 20;

/**
 * The flow-control policy of `queue` and what it uses now: leased jobs against its concurrency,
 * tokens in its buckets, throttle pauses, and its busiest group keys. Null when the queue has
 * neither flow state nor jobs. O(k log k) for k keys with records.
 */
export function queueFlow(state: JobsState, queue: string): QueueFlowView | null {
  const f = state.flows.get(queue);
  const q = state.queues.get(queue);
  if (f === undefined && q === undefined) return null;
  const now = state.now;
  const p = f?.policy ?? null;
  const groups: GroupFlowView[] = [];
  if (f !== undefined && f.groups.size > 0) {
    const keys = [...f.groups.values()].filter((g) => g.key !== '');
    keys.sort((a, b) => b.leased - a.leased || b.ready.size - a.ready.size || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const busiest = keys.slice(0, MAX_FLOW_GROUPS);
    const throttled = keys.slice(MAX_FLOW_GROUPS).filter((g) => g.throttledUntil > now).slice(0, MAX_FLOW_GROUPS);
    for (const g of [...busiest, ...throttled]) {
      groups.push({
        group: g.key,
        leased: g.leased,
        concurrency: groupLimit(p, g.key),
        ready: g.ready.size,
        tokens: p?.groupRate == null ? null : tokens(g, p.groupRate, now),
        throttledUntil: g.throttledUntil > now ? g.throttledUntil : null,
      });
    }
  }
  return {
    queue,
    policy: p,
    paused: p?.paused ?? false,
    ready: q?.counts.ready ?? 0,
    leased: q?.counts.leased ?? 0,
    concurrency: p?.concurrency ?? null,
    tokens: f === undefined || p?.rate == null ? null : tokens(f, p.rate, now),
    throttledUntil: f !== undefined && f.throttledUntil > now ? f.throttledUntil : null,
    groupCount: f === undefined ? 0 : f.groups.size - (f.groups.has('') ? 1 : 0),
    groups,
  };
}

/** `queueFlow` of every queue that has flow state or jobs, sorted by name. */
export function listQueueFlows(state: JobsState): QueueFlowView[] {
  const names = new Set([...state.flows.keys(), ...state.queues.keys()]);
  return [...names].sort().map((name) => queueFlow(state, name) as QueueFlowView);
}

/** Schedule `id` with its runtime and its last job's state, or null when unknown. O(1). */
export function getSchedule(state: JobsState, id: string): ScheduleView | null {
  const s = state.schedules.get(id);
  return s === undefined ? null : toScheduleView(state, s);
}

/** Every schedule, in id order. O(s log s) for s schedules (at most `maxSchedules`). */
export function listSchedules(state: JobsState): ScheduleView[] {
  return scheduleIds(state).map((id) => toScheduleView(state, state.schedules.get(id) as ScheduleRecord));
}

/**
 * A bulk action's dry run: how many jobs `action` under `filter` would act on if its batches ran
 * now, from `afterSeq` 0 until done (no `max`, no scan bound). Changes nothing. O(n): it walks
 * every job; call it for an operator's preview, not per entry.
 */
export function bulkCount(state: JobsState, action: BulkAction, filter: BulkFilter): number {
  const match = bulkMatcher(state, action, filter);
  let n = 0;
  for (const job of state.order) if (!job.purged && match(job)) n++;
  return n;
}

/** The replicated clock (J5), ms. */
export function clockOf(state: JobsState): number {
  return state.now;
}

/** Raft index of the last entry applied to `state` (0 when none). */
export function lastAppliedIndex(state: JobsState): number {
  return state.lastApplied;
}

function toSummary(job: JobRecord): JobSummary {
  return {
    id: job.id,
    queue: job.queue,
    state: job.state,
    priority: job.priority,
    runAt: job.runAt,
    submittedAt: job.submittedAt,
    updatedAt: job.updatedAt,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    attemptLimit: job.attemptLimit,
    backoff: job.backoff,
    leaseTtlMs: job.leaseTtlMs,
    idempotencyKey: job.idempotencyKey,
    retentionMs: job.retentionMs,
    finishedAt: job.finishedAt,
    purgeAt: job.purgeAt,
    lease:
      job.state === 'leased'
        ? { token: job.leaseToken, workerId: job.leaseWorker, expiresAt: job.leaseExpiresAt, ttlMs: job.leaseTtl, attempt: job.attempts }
        : null,
    progress: job.progress,
    lastError: job.lastError,
    cancelReason: job.cancelReason,
    scheduleId: job.scheduleId,
    scheduleSlot: job.scheduleSlot,
    unique: uniqueView(job),
    group: job.group,
  };
}

function uniqueView(job: JobRecord): UniqueView | null {
  const u = job.unique;
  if (u === null) return null;
  return { key: u.key, mode: u.mode, windowMs: u.mode === 'debounce' ? u.windowMs : null, holdsKey: u.holds };
}

function toView(job: JobRecord): JobView {
  return { ...toSummary(job), payload: job.payload, result: job.result, history: job.history.slice() };
}
