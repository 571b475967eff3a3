/**
 * Bulk actions (`BulkCommand`): retry dead jobs, cancel or purge many jobs at once, one bounded
 * batch per command, each job through the transition its single-job command uses. A dry run
 * (`bulkCount`, queries.ts) counts with the same filter.
 */
import { BULK_STATES, type BulkAction, type BulkCommand, type BulkFilter } from './flow-types.js';
import { cancelJob, retryDeadJob } from './reduce-admin.js';
import { firstPast, type JobRecord, type JobsState } from './state.js';
import { purge } from './transitions.js';
import type { BulkResult } from './results.js';
import type { JobState } from './types.js';

/**
 * Most jobs one bulk command looks at (purged slots of `JobsState.order` included), whatever it
 * matches, so applying one entry stays short however few jobs match.
 */
export const MAX_BULK_SCAN = 50_000;

/** Applies one batch of a validated bulk command (see `BulkCommand`). O(scanned + affected × log n). */
export function applyBulk(state: JobsState, cmd: BulkCommand): BulkResult {
  const match = bulkMatcher(state, cmd.action, cmd.filter);
  const order = state.order;
  const jobIds: string[] = [];
  let lastSeq = cmd.afterSeq;
  let i = firstPast(order, (job) => job.seq <= cmd.afterSeq);
  // Whatever an action does, it never adds to or reorders `order` (purge only marks), so positions hold.
  for (let scanned = 0; i < order.length && jobIds.length < cmd.max && scanned < MAX_BULK_SCAN; i++, scanned++) {
    const job = order[i] as JobRecord;
    lastSeq = job.seq;
    if (job.purged || !match(job)) continue;
    act(state, job, cmd);
    jobIds.push(job.id);
  }
  return { ok: true, type: 'bulk', affected: jobIds.length, jobIds, lastSeq, done: i >= order.length };
}

function act(state: JobsState, job: JobRecord, cmd: BulkCommand): void {
  switch (cmd.action) {
    case 'retryDead':
      retryDeadJob(state, job, job.spec.maxAttempts);
      return;
    case 'cancel':
      cancelJob(state, job, cmd.reason ?? null);
      return;
    case 'purge':
      purge(state, job);
      return;
  }
}

/**
 * The test a job must pass for `action` under `filter` at the state's time: in a state the action
 * applies to (and the filter names), of the queue, of the group, submitted early enough.
 */
export function bulkMatcher(state: JobsState, action: BulkAction, filter: BulkFilter): (job: JobRecord) => boolean {
  const states: readonly JobState[] = filter.states ?? BULK_STATES[action];
  const applies = BULK_STATES[action];
  const queue = filter.queue;
  const group = filter.group;
  const submittedBy = filter.olderThanMs === undefined ? Infinity : state.now - filter.olderThanMs;
  return (job) =>
    states.includes(job.state) &&
    applies.includes(job.state) &&
    (queue === undefined || job.queue === queue) &&
    (group === undefined || (job.group ?? '') === group) &&
    job.submittedAt <= submittedBy;
}
