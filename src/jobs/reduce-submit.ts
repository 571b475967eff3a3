/** Submit: new jobs, or the original job for a remembered idempotency key (J7). */
import { resolveBackoff } from './backoff.js';
import { packBytes, type PackedBytes } from './packed.js';
import { JobRecord, specFor, type JobsState } from './state.js';
import { internGroup } from './flow.js';
import { KeyEntry } from './tables.js';
import { addJob } from './transitions.js';
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
  // Built on the queue's shared prefix, so the key stored below costs no characters of its own.
  let mapKey: string | null = null;
  if (s.idempotencyKey !== undefined) {
    // Not `state.queue(...)`: a duplicate must not bring back the index of a queue whose jobs are all gone.
    const known = state.queues.get(s.queue);
    mapKey = known === undefined ? null : known.keyPrefix + s.idempotencyKey;
    const seen = state.idempotency.live(mapKey ?? `${s.queue}\u0000${s.idempotencyKey}`, now);
    if (seen !== undefined) {
      if (seen instanceof KeyEntry) return { id: seen.jobId, duplicate: true, state: state.jobs.get(seen.jobId)?.state ?? null };
      return { id: seen.id, duplicate: true, state: seen.state };
    }
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
    payload: packed ?? packBytes(s.payload),
    priority: s.priority ?? 0,
    submittedAt: now,
    spec,
    idempotencyKey: s.idempotencyKey ?? null,
    group: s.group === undefined ? null : internGroup(state, q.name, s.group),
  });
  // An explicit run-at in the past counts from now: a client cannot jump the queue by back-dating.
  const runAt = s.delayMs !== undefined ? now + s.delayMs : Math.max(s.runAt ?? now, now);
  job.runAt = runAt;
  job.state = runAt > now ? 'scheduled' : 'ready';
  job.updatedAt = now;
  job.attemptLimit = spec.maxAttempts;
  if (origin !== null) {
    job.scheduleId = origin.scheduleId;
    job.scheduleSlot = origin.slot;
  }
  addJob(state, job);
  if (s.idempotencyKey !== undefined) state.idempotency.add(mapKey ?? q.keyPrefix + s.idempotencyKey, job);
  const id = job.id;
  const events = state.events;
  if (events !== null) events.push({ type: 'submitted', jobId: id, queue: job.queue, group: job.group, state: job.state });
  return { id, duplicate: false, state: job.state };
}
