/**
 * Worker commands: heartbeat, progress, complete, fail, release, abandon (lease is in lease.ts).
 * Every command that names a lease is fenced by its token (J3): only the current lease of a leased
 * job is accepted.
 */
import { packBytes } from './packed.js';
import { throttle } from './flow.js';
import type { JobLease, JobRecord, JobsState } from './state.js';
import { currentLease, endAttempt, finish, requeueInPlace, retryOrDie, schedule } from './transitions.js';
import type {
  AbandonResult,
  CompleteResult,
  FailResult,
  HeartbeatOutcome,
  HeartbeatResult,
  ProgressResult,
  Rejection,
  ReleaseResult,
} from './results.js';
import type { AbandonCommand, CompleteCommand, FailCommand, HeartbeatCommand, ProgressCommand, ReleaseCommand } from './types.js';

/** Extends each current lease to now + ttl; stale or unknown ones are rejected one by one. */
export function applyHeartbeat(state: JobsState, cmd: HeartbeatCommand): HeartbeatResult {
  const leases: HeartbeatOutcome[] = [];
  for (const ref of cmd.leases) {
    const job = currentLease(state, ref.jobId, ref.token);
    if ('ok' in job) {
      leases.push({ ok: false, jobId: ref.jobId, code: job.code, message: job.message });
      continue;
    }
    state.cow?.preserve(job);
    const lease = job.lease as JobLease;
    const ttl = cmd.ttlMs ?? lease.ttl;
    lease.ttl = ttl;
    lease.expiresAt = state.now + ttl;
    job.updatedAt = state.now;
    state.leased.update(job);
    leases.push({ ok: true, jobId: ref.jobId, expiresAt: lease.expiresAt });
  }
  return { ok: true, type: 'heartbeat', leases };
}

/** Stores the current attempt's progress. It does not extend the lease: heartbeats do. */
export function applyProgress(state: JobsState, cmd: ProgressCommand): ProgressResult | Rejection {
  const job = currentLease(state, cmd.jobId, cmd.token);
  if ('ok' in job) return job;
  state.cow?.preserve(job);
  job.progress = { percent: cmd.percent, message: cmd.message ?? '', updatedAt: state.now };
  job.updatedAt = state.now;
  state.events?.push({ type: 'progress', jobId: cmd.jobId, queue: job.queue, group: job.group, token: cmd.token, percent: cmd.percent, message: cmd.message ?? '' });
  return { ok: true, type: 'progress', jobId: cmd.jobId };
}

/** Succeeds the current attempt (J4: terminal; a second completion finds no lease and is stale). */
export function applyComplete(state: JobsState, cmd: CompleteCommand): CompleteResult | Rejection {
  const job = currentLease(state, cmd.jobId, cmd.token);
  if ('ok' in job) return job;
  endAttempt(state, job, 'succeeded', null);
  job.packedResult = cmd.result === undefined ? null : packBytes(cmd.result);
  finish(state, job, 'succeeded');
  const events = state.events;
  if (events !== null) events.push({ type: 'completed', jobId: cmd.jobId, queue: job.queue, group: job.group, token: cmd.token });
  return { ok: true, type: 'complete', jobId: cmd.jobId, finishedAt: state.now };
}

/**
 * Fails the current attempt: back to scheduled (or ready) after backoff while attempts remain, else
 * dead. A throttled failure (`cmd.throttle`) uses no attempt: see `FailCommand.throttle`.
 */
export function applyFail(state: JobsState, cmd: FailCommand): FailResult | Rejection {
  const job = currentLease(state, cmd.jobId, cmd.token);
  if ('ok' in job) return job;
  if (cmd.throttle !== undefined) return failThrottled(state, job, cmd);
  endAttempt(state, job, 'failed', cmd.error);
  job.lastError = cmd.error;
  retryOrDie(state, job, cmd.retry !== false);
  const events = state.events;
  if (events !== null) events.push({ type: 'failed', jobId: cmd.jobId, queue: job.queue, group: job.group, token: cmd.token, next: job.state === 'dead' ? 'dead' : 'retry' });
  return { ok: true, type: 'fail', jobId: cmd.jobId, state: job.state, runAt: job.state === 'dead' ? null : job.runAt };
}

/**
 * The remote side rate limited the attempt: it does not count (as a release) and the job is ready
 * again in its place; its key, or its queue, gets no lease until now + `retryAfterMs`. A job without
 * a key and scope `key` waits alone: scheduled at that time.
 */
function failThrottled(state: JobsState, job: JobRecord, cmd: FailCommand): FailResult {
  const t = cmd.throttle as NonNullable<FailCommand['throttle']>;
  const until = state.now + t.retryAfterMs;
  endAttempt(state, job, 'throttled', cmd.error);
  // The attempt never counted against the job. (The attempt limit is never raised.)
  job.attempts--;
  job.lastError = cmd.error;
  if (t.scope === 'key' && job.group === null) schedule(state, job, until);
  else {
    requeueInPlace(state, job);
    throttle(state, job, t.scope, until);
  }
  const events = state.events;
  if (events !== null) {
    events.push({ type: 'throttled', jobId: cmd.jobId, queue: job.queue, group: job.group, token: cmd.token, scope: t.scope, until, state: job.state });
  }
  return { ok: true, type: 'fail', jobId: cmd.jobId, state: job.state, runAt: until };
}

/**
 * Gives back leases of the session that never started them (see `ReleaseCommand`). `unheld` scans
 * every leased job, O(l); it runs once per worker stream. `listed` costs O(k) for k listed leases.
 */
export function applyRelease(state: JobsState, cmd: ReleaseCommand): ReleaseResult {
  const victims: JobRecord[] = [];
  const adopted: string[] = [];
  const ignored: string[] = [];
  if (cmd.mode === 'unheld') {
    const held = new Map<string, number>();
    for (const l of cmd.leases) held.set(l.jobId, l.token);
    const adopters: JobRecord[] = [];
    for (const job of state.leased.unordered()) {
      const lease = job.lease as JobLease;
      if (lease.worker !== cmd.workerId) continue;
      const listed = held.get(job.id) === lease.token;
      if (lease.session === cmd.session) {
        if (!listed) victims.push(job);
      } else if (listed) adopters.push(job);
    }
    adopters.sort((a, b) => a.seq - b.seq);
    for (const job of adopters) {
      state.cow?.preserve(job);
      (job.lease as JobLease).session = cmd.session;
      job.updatedAt = state.now;
      adopted.push(job.id);
    }
  } else {
    const seen = new Set<JobRecord>();
    for (const ref of cmd.leases) {
      const job = state.jobs.get(ref.jobId);
      const lease = job === undefined ? null : job.lease;
      if (job === undefined || lease === null || lease.token !== ref.token || lease.worker !== cmd.workerId || lease.session !== cmd.session || seen.has(job)) {
        ignored.push(ref.jobId);
      } else {
        seen.add(job);
        victims.push(job);
      }
    }
  }
  victims.sort((a, b) => a.seq - b.seq);
  const events = state.events;
  for (const job of victims) {
    if (events !== null) events.push({ type: 'released', jobId: job.id, queue: job.queue, group: job.group, token: job.leaseToken, workerId: cmd.workerId, session: cmd.session });
    endAttempt(state, job, 'released', cmd.mode === 'unheld' ? 'released: the worker session never received this lease' : 'released: the worker gave it back unstarted');
    // The attempt never ran: it does not count. (The attempt limit is never raised.)
    job.attempts--;
    requeueInPlace(state, job);
  }
  return { ok: true, type: 'release', released: victims.map((j) => j.id), adopted, ignored };
}

/**
 * Ends every lease of the session (see `AbandonCommand`): each counts as an attempt; back to
 * ready in its old place while attempts remain, else dead. O(l) in the number of leased jobs.
 */
export function applyAbandon(state: JobsState, cmd: AbandonCommand): AbandonResult {
  const victims = state.leased.unordered().filter((job) => job.lease?.worker === cmd.workerId && job.lease.session === cmd.session);
  victims.sort((a, b) => a.seq - b.seq);
  const requeued: string[] = [];
  const dead: string[] = [];
  const events = state.events;
  for (const job of victims) {
    const token = job.leaseToken;
    const why = `abandoned: worker ${cmd.workerId} (session ${cmd.session}) went away during attempt ${job.attempts}`;
    endAttempt(state, job, 'abandoned', why);
    if (job.attempts >= job.attemptLimit) {
      job.lastError = `${why}, its last (${job.attempts} of ${job.attemptLimit})`;
      finish(state, job, 'dead');
      dead.push(job.id);
    } else {
      job.lastError = why;
      requeueInPlace(state, job);
      requeued.push(job.id);
    }
    if (events !== null) {
      events.push({ type: 'abandoned', jobId: job.id, queue: job.queue, group: job.group, token, workerId: cmd.workerId, session: cmd.session, next: job.state === 'dead' ? 'dead' : 'retry' });
    }
  }
  return { ok: true, type: 'abandon', requeued, dead };
}
