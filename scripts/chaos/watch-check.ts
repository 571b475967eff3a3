/**
 * The chaos checker of the watch stream: what a watcher that ran through the whole run (and
 * reconnected across every fault) received, against the cluster's final account of each
 * acknowledged job. Pure, like check.ts.
 */
import type { AckedSubmit, FinalJob } from './check.js';

/** One event as the run's watcher received it. */
export interface WatchedEvent {
  readonly type: string;
  readonly jobId: string;
  readonly token: number;
  readonly index: number;
  readonly ordinal: number;
}

export interface WatchReport {
  /** Events the watcher received. */
  watchEvents: number;
  /** Transitions of acknowledged jobs, by their final account, that the watcher never received. Must be 0. */
  watchGaps: number;
  /** Events received more than once (the copies beyond the first). Must be 0. */
  watchDuplicates: number;
  /** Events received at a position not after the one before. Must be 0. */
  watchOutOfOrder: number;
  /** Events of acknowledged jobs that their final account does not have (checked for jobs with a full history). Must be 0. */
  watchUnexplained: number;
  /** The error that ended the watch for good, if one did (then events after it are gaps). */
  watchError: string | null;
}

/** Attempts a job's history keeps (the cluster keeps the most recent 20). */
const HISTORY_LIMIT = 20;

const END_BY_OUTCOME: Readonly<Record<string, string>> = { succeeded: 'completed', failed: 'failed', expired: 'expired', released: 'released', abandoned: 'abandoned', cancelled: 'cancelled' };

/** `<job> <type> <token>`: how an event is counted. */
export function watchKey(e: { readonly jobId: string; readonly type: string; readonly token: number }): string {
  return `${e.jobId} ${e.type} ${e.token}`;
}

/**
 * The events a watcher must have received for a job, by its final account: submitted once; for
 * each attempt its lease, and once it ended, its end (`dead` for the last attempt of a dead job,
 * whatever ended it).
 */
export function expectedWatchEvents(job: Pick<FinalJob, 'id' | 'state' | 'history'>): string[] {
  const keys = [watchKey({ jobId: job.id, type: 'submitted', token: 0 })];
  job.history.forEach((a, i) => {
    keys.push(watchKey({ jobId: job.id, type: 'leased', token: a.token }));
    if (a.outcome === 'running') return;
    const end = i === job.history.length - 1 && job.state === 'dead' ? 'dead' : (END_BY_OUTCOME[a.outcome] ?? a.outcome);
    keys.push(watchKey({ jobId: job.id, type: end, token: a.token }));
  });
  return keys;
}

export function checkWatch(input: {
  readonly events: readonly WatchedEvent[];
  readonly acked: readonly AckedSubmit[];
  readonly finalJobs: ReadonlyMap<string, FinalJob>;
  readonly error: string | null;
}): WatchReport & { examples: string[] } {
  const examples: string[] = [];
  const note = (s: string): void => {
    if (examples.length < 10) examples.push(s);
  };
  const seen = new Map<string, number>();
  let outOfOrder = 0;
  input.events.forEach((e, i) => {
    seen.set(watchKey(e), (seen.get(watchKey(e)) ?? 0) + 1);
    const prev = input.events[i - 1];
    if (prev !== undefined && !(e.index > prev.index || (e.index === prev.index && e.ordinal > prev.ordinal))) {
      outOfOrder++;
      note(`watch out of order: ${e.index}:${e.ordinal} after ${prev.index}:${prev.ordinal}`);
    }
  });
  let duplicates = 0;
  for (const [key, n] of seen) {
    if (n <= 1) continue;
    duplicates += n - 1;
    note(`watch duplicate: ${key} received ${n} times`);
  }
  let gaps = 0;
  let unexplained = 0;
  const byJob = new Map<string, string[]>();
  for (const key of seen.keys()) {
    const id = key.slice(0, key.indexOf(' '));
    const list = byJob.get(id) ?? [];
    if (list.length === 0) byJob.set(id, list);
    list.push(key);
  }
  for (const id of new Set(input.acked.map((a) => a.jobId))) {
    const job = input.finalJobs.get(id);
    if (job === undefined) continue; // lost: check.ts counts it
    const expected = new Set(expectedWatchEvents(job));
    for (const key of expected) {
      if (seen.has(key)) continue;
      gaps++;
      note(`watch gap: ${key} (job ${job.state}, ${job.history.length} attempts) never received`);
    }
    if (job.history.length >= HISTORY_LIMIT) continue;
    for (const key of byJob.get(id) ?? []) {
      if (expected.has(key)) continue;
      unexplained++;
      note(`watch unexplained: ${key} is not in the job's history`);
    }
  }
  if (input.error !== null) note(`watch ended: ${input.error}`);
  return { watchEvents: input.events.length, watchGaps: gaps, watchDuplicates: duplicates, watchOutOfOrder: outOfOrder, watchUnexplained: unexplained, watchError: input.error, examples };
}

/** True when the watch held: nothing missing, nothing twice, in order, nothing made up, never ended. */
export function watchPasses(r: WatchReport): boolean {
  return r.watchGaps === 0 && r.watchDuplicates === 0 && r.watchOutOfOrder === 0 && r.watchUnexplained === 0 && r.watchError === null;
}
