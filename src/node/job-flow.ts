/**
 * Job lifecycle counts (`JobFlowEvent`) for metrics, summed from the transitions an applied entry
 * reports (`JobEvent`, emitted by src/jobs as it applies). Runs on every replica as it applies.
 */
import type { JobEvent } from '../jobs/index.js';
import type { JobFlowEvent, JobFlowSink, RetryCause } from './types.js';

/** Reports the transitions of one applied batch to `sink`, summed per event, queue and cause. O(events). */
export function reportFlow(events: readonly JobEvent[], sink: JobFlowSink): void {
  if (events.length === 0) return;
  const sums = new Map<string, { event: JobFlowEvent; queue: string; cause: RetryCause | undefined; count: number }>();
  const add = (event: JobFlowEvent, queue: string, cause?: RetryCause): void => {
    const key = `${event}\u0000${queue}\u0000${cause ?? ''}`;
    const s = sums.get(key);
    if (s) s.count++;
    else sums.set(key, { event, queue, cause, count: 1 });
  };
  for (const e of events) {
    switch (e.type) {
      case 'submitted':
        add('submitted', e.queue);
        break;
      case 'completed':
        add('completed', e.queue);
        break;
      case 'failed':
        add('failed', e.queue);
        if (e.next === 'dead') add('dead', e.queue);
        else add('retried', e.queue, 'failed');
        break;
      case 'expired':
        add('leaseExpired', e.queue);
        if (e.next === 'dead') add('dead', e.queue);
        else add('retried', e.queue, 'expired');
        break;
      case 'abandoned':
        // The attempt counts: on the last one the job ran out of attempts.
        if (e.next === 'dead') add('dead', e.queue);
        break;
      case 'cancelled':
        add('cancelled', e.queue);
        break;
      case 'retried':
        add('retried', e.queue, 'operator');
        break;
      case 'leased':
      case 'released':
      case 'purged':
        break;
    }
  }
  for (const s of sums.values()) sink.job(s.event, s.queue, s.count, s.cause);
}
