/** Submit: new jobs, or the original job for a remembered idempotency key (J7). */
import { resolveBackoff } from './backoff.js';
import { JobRecord, formatJobId, idempotencyMapKey, type JobsState } from './state.js';
import { addJob } from './transitions.js';
import type { SubmitResult, SubmittedJob } from './results.js';
import type { SubmitCommand, SubmitJob } from './types.js';

/** Applies a validated submit command. */
export function applySubmit(state: JobsState, cmd: SubmitCommand): SubmitResult {
  const out: SubmittedJob[] = new Array<SubmittedJob>(cmd.jobs.length);
  for (let i = 0; i < cmd.jobs.length; i++) out[i] = submitOne(state, cmd.jobs[i] as SubmitJob);
  return { ok: true, type: 'submit', jobs: out };
}

function submitOne(state: JobsState, s: SubmitJob): SubmittedJob {
  const o = state.options;
  const now = state.now;
  let mapKey: string | null = null;
  if (s.idempotencyKey !== undefined) {
    mapKey = idempotencyMapKey(s.queue, s.idempotencyKey);
    const seen = state.idempotency.get(mapKey);
    if (seen !== undefined) {
      if (seen.expiresAt > now) {
        return { id: seen.jobId, duplicate: true, state: state.jobs.get(seen.jobId)?.state ?? null };
      }
      // Expired but not yet forgotten: forget now, so the re-insert below goes to the end of the map.
      state.idempotency.delete(mapKey);
    }
  }
  const seq = ++state.lastSeq;
  const job = new JobRecord({
    id: formatJobId(seq),
    seq,
    // The queue index's copy of the name: every job of a queue then shares one string, not one decoded per command.
    queue: state.queue(s.queue).name,
    payload: s.payload,
    priority: s.priority ?? 0,
    submittedAt: now,
    maxAttempts: s.maxAttempts ?? o.defaultMaxAttempts,
    backoff: s.backoff === undefined ? o.defaultBackoff : resolveBackoff(s.backoff),
    leaseTtlMs: s.leaseTtlMs ?? o.defaultLeaseTtlMs,
    retentionMs: s.retentionMs ?? null,
    idempotencyKey: s.idempotencyKey ?? null,
  });
  // An explicit run-at in the past counts from now: a client cannot jump the queue by back-dating.
  const runAt = s.delayMs !== undefined ? now + s.delayMs : Math.max(s.runAt ?? now, now);
  job.runAt = runAt;
  job.state = runAt > now ? 'scheduled' : 'ready';
  job.updatedAt = now;
  job.attemptLimit = job.maxAttempts;
  addJob(state, job);
  if (mapKey !== null) state.idempotency.set(mapKey, { jobId: job.id, expiresAt: now + o.idempotencyWindowMs });
  return { id: job.id, duplicate: false, state: job.state };
}
