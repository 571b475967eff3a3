/** `applyBatch`: the one entry point that changes a `JobsState`. */
import { advanceClock, applyLeaderChange, applyTick, runDue } from './due.js';
import { applyCancel, applyRetryDead } from './reduce-admin.js';
import { applyBulk } from './reduce-bulk.js';
import { applyQueueSet } from './flow.js';
import { applyLease } from './lease.js';
import { applyAbandon, applyComplete, applyFail, applyHeartbeat, applyProgress, applyRelease } from './reduce-lease.js';
import { applyScheduleDelete, applyScheduleFire, applySchedulePause, applyScheduleSet, applyScheduleTrigger, fireWoken } from './reduce-schedule.js';
import { applySubmit } from './reduce-submit.js';
import type { JobsState } from './state.js';
import { reject } from './transitions.js';
import type { JobEvent } from './events.js';
import type { CommandResult } from './results.js';
import type { Batch, Command } from './types.js';
import { checkCommand } from './validate.js';

/**
 * Applies one committed log entry and returns one result per command, in order.
 *
 * Order of work: the clock advances to max(clock, `batch.time`) (J5); `leaderChange` commands take
 * effect (J6); the due pass runs (expire leases, promote scheduled jobs, purge finished jobs
 * past their retention, forget old idempotency keys); then the other commands apply in order.
 * After the due pass and after each command, schedule slots waiting for a job that just finished
 * (`bufferOne`) fire.
 * Each command is validated again and rejected as a value if invalid; a rejected command changes
 * nothing.
 *
 * Throws only on a broken invariant: `index` not greater than the last applied index (an entry
 * applied twice or out of order is a driver bug, and silently skipping it would hide one).
 *
 * With `events`, the transitions the batch made are appended to it as they happen, in order (see
 * `JobEvent`); every replica applying the same entry appends the same events.
 *
 * @param index the entry's Raft log index; indexes must increase, gaps (noop, config entries) are fine.
 */
export function applyBatch(state: JobsState, batch: Batch, index: number, events?: JobEvent[]): CommandResult[] {
  if (!Number.isSafeInteger(index) || index <= state.lastApplied) {
    throw new RangeError(`applyBatch: index ${index} is not after the last applied index ${state.lastApplied}`);
  }
  if (events === undefined) return applyInOrder(state, batch, index);
  state.events = events;
  try {
    return applyInOrder(state, batch, index);
  } finally {
    state.events = null;
  }
}

function applyInOrder(state: JobsState, batch: Batch, index: number): CommandResult[] {
  state.lastApplied = index;
  advanceClock(state, batch.time);
  state.batchPromoted = 0;
  state.batchExpired = 0;
  state.batchPurged = 0;
  const commands = batch.commands;
  const results = new Array<CommandResult | undefined>(commands.length);
  for (let i = 0; i < commands.length; i++) {
    if (commands[i]?.type === 'leaderChange') results[i] = applyCommand(state, commands[i] as Command);
  }
  runDue(state);
  if (state.scheduleWakes.length > 0) fireWoken(state);
  for (let i = 0; i < commands.length; i++) {
    if (results[i] === undefined) {
      results[i] = applyCommand(state, commands[i] as Command);
      if (state.scheduleWakes.length > 0) fireWoken(state);
    }
  }
  return results as CommandResult[];
}

/**
 * `checkCommand`'s problem list, reused so that a valid command (nearly all of them) allocates
 * none. Emptied before each use; applying is synchronous and never re-entered.
 */
const problems: string[] = [];

function applyCommand(state: JobsState, cmd: Command): CommandResult {
  if (problems.length !== 0) problems.length = 0;
  checkCommand(cmd, '', state.options, problems);
  if (problems.length > 0) {
    const message = problems.join('; ');
    problems.length = 0;
    const jobId = typeof cmd === 'object' && cmd !== null ? (cmd as { jobId?: unknown }).jobId : undefined;
    return reject('INVALID_ARGUMENT', message, typeof jobId === 'string' ? jobId : undefined);
  }
  switch (cmd.type) {
    case 'submit':
      return applySubmit(state, cmd);
    case 'lease':
      return applyLease(state, cmd);
    case 'heartbeat':
      return applyHeartbeat(state, cmd);
    case 'progress':
      return applyProgress(state, cmd);
    case 'complete':
      return applyComplete(state, cmd);
    case 'fail':
      return applyFail(state, cmd);
    case 'cancel':
      return applyCancel(state, cmd);
    case 'retryDead':
      return applyRetryDead(state, cmd);
    case 'tick':
      return applyTick(state);
    case 'leaderChange':
      return applyLeaderChange(state, cmd);
    case 'release':
      return applyRelease(state, cmd);
    case 'abandon':
      return applyAbandon(state, cmd);
    case 'scheduleSet':
      return applyScheduleSet(state, cmd);
    case 'scheduleDelete':
      return applyScheduleDelete(state, cmd);
    case 'schedulePause':
      return applySchedulePause(state, cmd);
    case 'scheduleFire':
      return applyScheduleFire(state, cmd);
    case 'scheduleTrigger':
      return applyScheduleTrigger(state, cmd);
    case 'bulk':
      return applyBulk(state, cmd);
    case 'queueSet':
      return applyQueueSet(state, cmd);
  }
}
