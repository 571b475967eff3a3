/**
 * Derives job lifecycle transitions (`JobFlowEvent`) from applied entries, for metrics. Runs on
 * every replica as it applies; reads the job state, never changes it.
 */
import type { Batch, CommandResult, JobsState } from '../jobs/index.js';
import type { JobFlowEvent, JobFlowSink, RetryCause } from './types.js';

/** A lease that the due pass of the next batch will end, unless a leader change extends it first. */
export interface ExpiringLease {
  readonly jobId: string;
  readonly token: number;
}

/**
 * Leases whose expiry is at or before the time the batch will run at (max of the state clock and
 * the batch's time, J5): captured before the batch is applied, because its results say only how
 * many expired, not which. O(1) when nothing expires (the heap's top is checked first), O(leased)
 * otherwise, which is rare.
 */
export function expiringLeases(state: JobsState, batch: Batch): ExpiringLease[] {
  const time = Number.isFinite(batch.time) ? Math.max(state.now, Math.floor(batch.time)) : state.now;
  const first = state.leased.peek();
  if (first === undefined || first.leaseExpiresAt > time) return [];
  const out: ExpiringLease[] = [];
  for (const job of state.leased.unordered()) if (job.leaseExpiresAt <= time) out.push({ jobId: job.id, token: job.leaseToken });
  return out;
}

/** Reports the transitions of one applied batch to `sink`, summed per event, queue and cause. */
export function reportFlow(state: JobsState, results: readonly CommandResult[], expiring: readonly ExpiringLease[], sink: JobFlowSink): void {
  const sums = new Map<string, { event: JobFlowEvent; queue: string; cause: RetryCause | undefined; count: number }>();
  const add = (event: JobFlowEvent, jobId: string, cause?: RetryCause): void => {
    const queue = state.jobs.get(jobId)?.queue;
    if (queue === undefined) return;
    const key = `${event}\u0000${queue}\u0000${cause ?? ''}`;
    const s = sums.get(key);
    if (s) s.count++;
    else sums.set(key, { event, queue, cause, count: 1 });
  };
  for (const r of results) {
    if (!r.ok) continue;
    switch (r.type) {
      case 'submit':
        for (const j of r.jobs) if (!j.duplicate) add('submitted', j.id);
        break;
      case 'complete':
        add('completed', r.jobId);
        break;
      case 'fail':
        add('failed', r.jobId);
        if (r.state === 'dead') add('dead', r.jobId);
        else add('retried', r.jobId, 'failed');
        break;
      case 'cancel':
        add('cancelled', r.jobId);
        break;
      case 'retryDead':
        add('retried', r.jobId, 'operator');
        break;
      default:
        break;
    }
  }
  for (const e of expiring) {
    const job = state.jobs.get(e.jobId);
    // A leader change in the same batch may have extended the lease instead.
    const attempt = job?.history.find((a) => a.token === e.token);
    if (job === undefined || attempt?.outcome !== 'expired') continue;
    add('leaseExpired', e.jobId);
    if (job.state === 'dead') add('dead', e.jobId);
    else add('retried', e.jobId, 'expired');
  }
  for (const s of sums.values()) sink.job(s.event, s.queue, s.count, s.cause);
}
