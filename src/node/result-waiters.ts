/**
 * Callers waiting for jobs to finish (WaitForResult), woken by the transitions applied entries
 * report: a job that finished (succeeded, dead, cancelled) or was purged wakes its waiters. A
 * leader change wakes everyone: their re-read answers or redirects.
 */
import type { JobEvent } from '../jobs/index.js';
import type { NodeClock } from './types.js';

export class ResultWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(private readonly clock: NodeClock) {}

  /** Resolves when job `id` may have finished, after `ms`, or when `signal` aborts, whichever is first. */
  wait(id: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const set = this.waiting.get(id) ?? new Set();
      this.waiting.set(id, set);
      const done = (): void => {
        this.clock.clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(id);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.clock.setTimeout(done, ms);
      signal?.addEventListener('abort', done);
      set.add(done);
    });
  }

  /** The transitions of one applied entry. */
  applied(events: readonly JobEvent[]): void {
    if (this.waiting.size === 0) return;
    for (const e of events) {
      // Schedule events without a job (`scheduleSkipped`) finish nothing.
      if (!('jobId' in e) || !this.waiting.has(e.jobId) || !finishes(e)) continue;
      for (const done of [...(this.waiting.get(e.jobId) ?? [])]) done();
    }
  }

  /** Wake everyone (leadership lost, or the node stops). */
  wakeAll(): void {
    for (const set of [...this.waiting.values()]) for (const done of [...set]) done();
  }
}

function finishes(e: JobEvent): boolean {
  switch (e.type) {
    case 'completed':
    case 'cancelled':
    case 'purged':
      return true;
    case 'failed':
    case 'expired':
    case 'abandoned':
      return e.next === 'dead';
    default:
      return false;
  }
}
