/**
 * Job lifecycle counts (`JobFlowEvent`) for metrics, summed from the transitions an applied entry
 * reports (`JobEvent`, emitted by src/jobs as it applies). Runs on every replica as it applies.
 */
import type { CommandResult, JobEvent } from '../jobs/index.js';
import type { JobFlowEvent, JobFlowSink, RetryCause } from './types.js';

/** The counters one batch can move, per queue: an index into a queue's row of counts. */
const SLOTS: readonly { readonly event: JobFlowEvent; readonly cause?: RetryCause }[] = [
  { event: 'submitted' },
  { event: 'completed' },
  { event: 'failed' },
  { event: 'leaseExpired' },
  { event: 'dead' },
  { event: 'cancelled' },
  { event: 'retried', cause: 'failed' },
  { event: 'retried', cause: 'expired' },
  { event: 'retried', cause: 'operator' },
];
const SUBMITTED = 0;
const COMPLETED = 1;
const FAILED = 2;
const LEASE_EXPIRED = 3;
const DEAD = 4;
const CANCELLED = 5;
const RETRIED_FAILED = 6;
const RETRIED_EXPIRED = 7;
const RETRIED_OPERATOR = 8;

/**
 * Reports what the lease commands of one applied batch held back (`LeaseResult.throttled`: each
 * queue or key and why, once per command), as every replica applies it. O(holds).
 */
export function reportHolds(results: readonly CommandResult[], sink: JobFlowSink): void {
  if (sink.leaseHeld === undefined) return;
  for (const r of results) {
    if (!r.ok || r.type !== 'lease') continue;
    for (const h of r.throttled) sink.leaseHeld(h.queue, h.group, h.reason);
  }
}

/**
 * Reports the transitions of one applied batch to `sink`, summed per event, queue and cause, and
 * each schedule fire and skip as it comes. O(events).
 */
export function reportFlow(events: readonly JobEvent[], sink: JobFlowSink): void {
  if (events.length === 0) return;
  const rows = new Map<string, number[]>();
  /** Queues of the jobs submitted in this batch: a schedule's job is submitted just before its `scheduleFired`. */
  let queues: Map<string, string> | null = null;
  const add = (queue: string, slot: number): void => {
    let row = rows.get(queue);
    if (row === undefined) rows.set(queue, (row = new Array<number>(SLOTS.length).fill(0)));
    row[slot] = (row[slot] as number) + 1;
  };
  for (const e of events) {
    switch (e.type) {
      case 'submitted':
        add(e.queue, SUBMITTED);
        if (sink.scheduleFired !== undefined) (queues ??= new Map()).set(e.jobId, e.queue);
        break;
      case 'scheduleFired':
        sink.scheduleFired?.(e.scheduleId, queues?.get(e.jobId) ?? '', e.manual, e.lagMs);
        break;
      case 'scheduleSkipped':
        sink.scheduleSkipped?.(e.scheduleId, e.slots);
        break;
      case 'completed':
        add(e.queue, COMPLETED);
        break;
      case 'failed':
        add(e.queue, FAILED);
        add(e.queue, e.next === 'dead' ? DEAD : RETRIED_FAILED);
        break;
      case 'expired':
        add(e.queue, LEASE_EXPIRED);
        add(e.queue, e.next === 'dead' ? DEAD : RETRIED_EXPIRED);
        break;
      case 'abandoned':
        // The attempt counts: on the last one the job ran out of attempts.
        if (e.next === 'dead') add(e.queue, DEAD);
        break;
      case 'cancelled':
        add(e.queue, CANCELLED);
        break;
      case 'retried':
        add(e.queue, RETRIED_OPERATOR);
        break;
      // A throttled attempt does not count: like a release, the job is simply ready again.
      case 'leased':
      case 'progress':
      case 'released':
      case 'throttled':
      case 'purged':
        break;
    }
  }
  for (const [queue, row] of rows) {
    for (let i = 0; i < row.length; i++) {
      const count = row[i] as number;
      if (count === 0) continue;
      const slot = SLOTS[i] as (typeof SLOTS)[number];
      if (slot.cause === undefined) sink.job(slot.event, queue, count);
      else sink.job(slot.event, queue, count, slot.cause);
    }
  }
}
