/**
 * Submit: new jobs, or the original job for a remembered idempotency key (J7), or the job a unique
 * key names (see `UniqueOption`).
 */
import { resolveBackoff } from './backoff.js';
import type { UniqueOption } from './flow-types.js';
import { packBytes, type PackedBytes } from './packed.js';
import { JobRecord, JobUnique, specFor, type JobsState, type QueueIndex } from './state.js';
import { internGroup } from './flow.js';
import { KeyEntry, storeKey } from './tables.js';
import { addJob, replacePending } from './transitions.js';
import type { SubmitResult, SubmittedJob } from './results.js';
import type { SubmitCommand, SubmitJob } from './types.js';

/** Applies a validated submit command. */
export function applySubmit(state: JobsState, cmd: SubmitCommand): SubmitResult {
  const out: SubmittedJob[] = new Array<SubmittedJob>(cmd.jobs.length);
  for (let i = 0; i < cmd.jobs.length; i++) out[i] = submitOne(state, cmd.jobs[i] as SubmitJob, null, null);
  return { ok: true, type: 'submit', jobs: out };
}

/** The schedule slot a job is created for (see `scheduleFire`). */
export interface ScheduleOrigin {
  readonly scheduleId: string;
  readonly slot: number;
}

/**
 * Adds one job, or finds the one its idempotency key names (J7): the one path every job is
 * created by, submitted or fired by a schedule (`origin`). `packed`, when given, is the payload
 * already packed (a schedule's, shared by its jobs); else `s.payload` is packed.
 */
export function submitOne(state: JobsState, s: SubmitJob, packed: PackedBytes | null, origin: ScheduleOrigin | null): SubmittedJob {
  const o = state.options;
  const now = state.now;
  // Converted once: a UUID key becomes a BigInt (`storeKey`).
  const key = s.idempotencyKey === undefined ? null : storeKey(s.idempotencyKey);
  if (key !== null) {
    const seen = state.idempotency.live(s.queue, key, now);
    if (seen !== undefined) {
      if (seen instanceof KeyEntry) return { id: seen.jobId, duplicate: true, state: state.jobs.get(seen.jobId)?.state ?? null };
      return { id: seen.id, duplicate: true, state: seen.state };
    }
  }
  if (s.unique !== undefined) {
    const answer = uniqueAnswer(state, s, s.unique);
    if (answer !== null) return answer;
  }
  const seq = ++state.lastSeq;
  const q = state.queue(s.queue);
  const spec =
    s.maxAttempts === undefined && s.backoff === undefined && s.leaseTtlMs === undefined && s.retentionMs === undefined
      ? state.defaultSpec
      : specFor(
          state,
          q,
          s.maxAttempts ?? o.defaultMaxAttempts,
          s.backoff === undefined ? o.defaultBackoff : resolveBackoff(s.backoff),
          s.leaseTtlMs ?? o.defaultLeaseTtlMs,
          s.retentionMs ?? null,
        );
  const job = new JobRecord({
    seq,
    // The queue index's copy of the name: every job of a queue then shares one string, not one decoded per command.
    queue: q.name,
    payload: packed ?? q.packPayload(s.payload),
    priority: s.priority ?? 0,
    submittedAt: now,
    spec,
    idempotencyKey: key,
    group: s.group === undefined ? null : internGroup(state, q.name, s.group),
  });
  const runAt = runAtOf(s, now);
  job.runAt = runAt;
  job.state = runAt > now ? 'scheduled' : 'ready';
  job.updatedAt = now;
  job.attemptLimit = spec.maxAttempts;
  if (origin !== null) {
    job.scheduleId = origin.scheduleId;
    job.scheduleSlot = origin.slot;
  }
  if (s.unique !== undefined) takeKey(state, q, job, s.unique, runAt);
  addJob(state, job);
  if (key !== null) state.idempotency.add(job);
  const id = job.id;
  const events = state.events;
  if (events !== null) events.push({ type: 'submitted', jobId: id, queue: job.queue, group: job.group, state: job.state });
  return { id, duplicate: false, state: job.state };
}

/** When a submitted job is due. An explicit run-at in the past counts from now: a client cannot jump the queue by back-dating. */
function runAtOf(s: SubmitJob, now: number): number {
  return s.delayMs !== undefined ? now + s.delayMs : Math.max(s.runAt ?? now, now);
}

/** A debounce submit's window, ms: as given, else its delay (at least 1 ms); 0 for `active`. */
function windowOf(u: UniqueOption, runAt: number, now: number): number {
  if (u.mode === 'active') return 0;
  return u.windowMs ?? Math.max(1, runAt - now);
}

/**
 * What a submit with unique key `u` is answered with instead of a new job, or null when it makes
 * one: the job the key names, as a duplicate when either side is `active`; replaced by this
 * submit when both are `debounce` and the job is pending, never leased (no history: a released
 * lease leaves one) and within its window.
 */
function uniqueAnswer(state: JobsState, s: SubmitJob, u: UniqueOption): SubmittedJob | null {
  // Not `state.queue(...)`: a duplicate must not bring back the index of a queue whose jobs are all gone.
  const q = state.queues.get(s.queue);
  const holder = q === undefined ? undefined : state.unique.get(q.keyPrefix + u.key);
  if (holder === undefined) return null;
  const held = holder.unique as JobUnique;
  if (held.mode === 'active' || u.mode === 'active') return { id: holder.id, duplicate: true, state: holder.state };
  const now = state.now;
  const pending = holder.state === 'scheduled' || holder.state === 'ready';
  if (!pending || holder.history.length !== 0 || now - held.since >= held.windowMs) return null;
  state.cow?.preserve(holder);
  const runAt = runAtOf(s, now);
  held.windowMs = windowOf(u, runAt, now);
  held.since = now;
  replacePending(state, holder, packBytes(s.payload), s.priority ?? 0, runAt);
  const id = holder.id;
  const events = state.events;
  if (events !== null) events.push({ type: 'replaced', jobId: id, queue: holder.queue, group: holder.group, state: holder.state });
  return { id, duplicate: true, state: holder.state, replaced: true };
}

/** Gives the unique key `u` to `job`, a new job of queue `q` not yet added; the job the key named, if any, loses it. */
function takeKey(state: JobsState, q: QueueIndex, job: JobRecord, u: UniqueOption, runAt: number): void {
  const previous = state.unique.get(q.keyPrefix + u.key);
  if (previous !== undefined) {
    state.cow?.preserve(previous);
    (previous.unique as JobUnique).holds = false;
  }
  job.unique = new JobUnique(u.key, u.mode, windowOf(u, runAt, state.now), state.now, true);
}
