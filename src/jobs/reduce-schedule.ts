/**
 * Schedule commands (docs/design.md "Schedules"). The state machine never evaluates a cron
 * expression or a time zone: the leader computes slot times (src/node/schedule-slots.ts) and proposes them
 * in `scheduleFire`; these reducers only check a proposal against the committed schedule and
 * apply it, so a slot fires at most once whatever leader proposes it, however often.
 */
import { applyCancel } from './reduce-admin.js';
import { submitOne } from './reduce-submit.js';
import { ScheduleRecord } from './schedules.js';
import type { JobsState } from './state.js';
import { reject } from './transitions.js';
import type {
  FiredSlot,
  Rejection,
  ScheduleDeleteResult,
  ScheduleFireResult,
  SchedulePauseResult,
  ScheduleSetResult,
  ScheduleTriggerResult,
  SubmittedJob,
} from './results.js';
import {
  isTerminal,
  type ScheduleDeleteCommand,
  type ScheduleFireCommand,
  type SchedulePauseCommand,
  type ScheduleSetCommand,
  type ScheduleTriggerCommand,
} from './types.js';

/** Creates, replaces or upserts a schedule (see `ScheduleSetCommand`). */
export function applyScheduleSet(state: JobsState, cmd: ScheduleSetCommand): ScheduleSetResult | Rejection {
  const def = cmd.schedule;
  const now = state.now;
  const existing = state.schedules.get(def.id);
  if (existing === undefined) {
    if (cmd.mode === 'update') return reject('NOT_FOUND', `schedule ${def.id} not found`);
    if (state.schedules.size >= state.options.maxSchedules) {
      return reject('LIMIT_EXCEEDED', `schedule ${def.id}: the cluster holds ${state.schedules.size} schedules, the most it takes (maxSchedules)`);
    }
    const s = new ScheduleRecord(def.id);
    s.define(def, state.options);
    s.paused = def.paused ?? false;
    // Nothing at or before its creation fires, nor anything before its start.
    s.handledThrough = Math.max(now, (def.startAt ?? 0) - 1);
    s.createdAt = now;
    s.updatedAt = now;
    state.schedules.set(def.id, s);
    return { ok: true, type: 'scheduleSet', id: def.id, created: true };
  }
  if (cmd.mode === 'create') return reject('ALREADY_EXISTS', `schedule ${def.id} already exists`);
  const retimed = existing.timingDiffers(def);
  const policyChanged = (def.overlap ?? 'allow') !== existing.overlap;
  existing.define(def, state.options);
  // New timing starts after the update: its slots before it are not owed.
  if (retimed) existing.handledThrough = Math.max(existing.handledThrough, now, (def.startAt ?? 0) - 1);
  if (policyChanged) dropPending(state, existing);
  if (def.paused !== undefined) setPaused(state, existing, def.paused);
  existing.updatedAt = now;
  return { ok: true, type: 'scheduleSet', id: def.id, created: false };
}

export function applyScheduleDelete(state: JobsState, cmd: ScheduleDeleteCommand): ScheduleDeleteResult | Rejection {
  if (!state.schedules.delete(cmd.id)) return reject('NOT_FOUND', `schedule ${cmd.id} not found`);
  return { ok: true, type: 'scheduleDelete', id: cmd.id };
}

export function applySchedulePause(state: JobsState, cmd: SchedulePauseCommand): SchedulePauseResult | Rejection {
  const s = state.schedules.get(cmd.id);
  if (s === undefined) return reject('NOT_FOUND', `schedule ${cmd.id} not found`);
  const changed = setPaused(state, s, cmd.paused);
  if (changed) s.updatedAt = state.now;
  return { ok: true, type: 'schedulePause', id: cmd.id, paused: s.paused, changed };
}

/** Checks a leader's proposal against the committed schedule, then fires and skips (see `ScheduleFireCommand`). */
export function applyScheduleFire(state: JobsState, cmd: ScheduleFireCommand): ScheduleFireResult | Rejection {
  const s = state.schedules.get(cmd.id);
  if (s === undefined) return reject('NOT_FOUND', `schedule ${cmd.id} not found`);
  if (s.paused) return reject('ILLEGAL_TRANSITION', `schedule ${s.id} is paused`);
  const refusal = fireProblem(state, s, cmd);
  if (refusal !== null) return refusal;
  s.handledThrough = cmd.through;
  // A slot left waiting for a job that finished already would otherwise wait for nothing.
  firePending(state, s);
  let skipped = cmd.skipped;
  const fired: FiredSlot[] = [];
  const cancelled: string[] = [];
  for (const slot of cmd.slots) {
    const previous = unfinishedLastJob(state, s);
    if (previous !== null && s.overlap !== 'allow') {
      if (s.overlap === 'skip') {
        skipped++;
        continue;
      }
      if (s.overlap === 'bufferOne') {
        if (s.pendingSlot !== null) skipped++;
        s.pendingSlot = slot;
        continue;
      }
      const r = applyCancel(state, { type: 'cancel', jobId: previous, reason: `schedule ${s.id}: the job of slot ${slot} replaces it (overlap cancelPrevious)` });
      if (r.ok) cancelled.push(previous);
    }
    fired.push({ slot, jobId: fireSlot(state, s, slot, false).id });
  }
  countSkipped(state, s, skipped);
  s.updatedAt = state.now;
  return { ok: true, type: 'scheduleFire', id: s.id, fired, skipped, pendingSlot: s.pendingSlot, cancelled };
}

/** Why `cmd` must not apply to `s`, or null. */
function fireProblem(state: JobsState, s: ScheduleRecord, cmd: ScheduleFireCommand): Rejection | null {
  if (cmd.through <= s.handledThrough) {
    return reject('SLOT_ALREADY_FIRED', `schedule ${s.id} has handled every slot through ${s.handledThrough}; this proposal goes only through ${cmd.through}`);
  }
  if (cmd.through > state.now) return reject('INVALID_ARGUMENT', `schedule ${s.id}: through ${cmd.through} is after the entry's time ${state.now}`);
  const first = cmd.slots[0];
  if (first !== undefined && first <= s.handledThrough) {
    return reject('SLOT_ALREADY_FIRED', `schedule ${s.id}: slot ${first} is at or before ${s.handledThrough}, through which every slot is handled`);
  }
  const anchor = s.startAt ?? 0;
  for (const slot of cmd.slots) {
    if ((s.startAt !== null && slot < s.startAt) || (s.endAt !== null && slot > s.endAt)) {
      return reject('INVALID_ARGUMENT', `schedule ${s.id}: slot ${slot} lies outside its start and end`);
    }
    if (s.intervalMs !== null && (slot - anchor) % s.intervalMs !== 0) {
      return reject('INVALID_ARGUMENT', `schedule ${s.id}: slot ${slot} is not on its grid (${anchor} + k × ${s.intervalMs})`);
    }
  }
  return null;
}

/** Fires a schedule once now, outside its slots and overlap policy (see `ScheduleTriggerCommand`). */
export function applyScheduleTrigger(state: JobsState, cmd: ScheduleTriggerCommand): ScheduleTriggerResult | Rejection {
  const s = state.schedules.get(cmd.id);
  if (s === undefined) return reject('NOT_FOUND', `schedule ${cmd.id} not found`);
  const job = fireSlot(state, s, state.now, true);
  s.updatedAt = state.now;
  return { ok: true, type: 'scheduleTrigger', id: s.id, jobId: job.id, duplicate: job.duplicate };
}

/**
 * Fires the `bufferOne` slots of schedules whose last job finished during the command (or due
 * pass) just applied (`JobsState.scheduleWakes`). `applyBatch` calls it after each.
 */
export function fireWoken(state: JobsState): void {
  const wakes = state.scheduleWakes;
  for (let i = 0; i < wakes.length; i++) {
    const s = wakes[i] as ScheduleRecord;
    // Deleted, or replaced by a new schedule of the same id, since it woke: nothing to fire.
    if (state.schedules.get(s.id) === s) firePending(state, s);
  }
  wakes.length = 0;
}

/** Fires the waiting slot if the job it waits for has finished. */
function firePending(state: JobsState, s: ScheduleRecord): void {
  const slot = s.pendingSlot;
  if (slot === null || s.paused || unfinishedLastJob(state, s) !== null) return;
  s.pendingSlot = null;
  fireSlot(state, s, slot, false);
  s.updatedAt = state.now;
}

/** Creates the job of one slot through the submit path; returns what `submitOne` did. */
function fireSlot(state: JobsState, s: ScheduleRecord, slot: number, manual: boolean): SubmittedJob {
  const key = manual ? `schedule:${s.id}:manual:${slot}` : `schedule:${s.id}:${slot}`;
  const job = submitOne(state, s.submitFor(key), s.packedPayload, { scheduleId: s.id, slot });
  if (manual) {
    if (!job.duplicate) s.triggered++;
  } else {
    s.fired++;
    s.lastSlot = slot;
    s.lastJobId = job.id;
  }
  const events = state.events;
  if (events !== null && !job.duplicate) {
    // A new job of the template, which has no group key.
    events.push({ type: 'scheduleFired', scheduleId: s.id, slot, jobId: job.id, group: null, lagMs: state.now - slot, manual });
  }
  return job;
}

/** The id of the schedule's last slot job while that job is not finished, else null. */
function unfinishedLastJob(state: JobsState, s: ScheduleRecord): string | null {
  if (s.lastJobId === null) return null;
  const job = state.jobs.get(s.lastJobId);
  return job === undefined || isTerminal(job.state) ? null : s.lastJobId;
}

/** Pauses or resumes; true when that changed anything. */
function setPaused(state: JobsState, s: ScheduleRecord, paused: boolean): boolean {
  if (s.paused === paused) return false;
  s.paused = paused;
  if (paused) dropPending(state, s);
  // Slots of the paused time are not owed.
  else s.handledThrough = Math.max(s.handledThrough, state.now);
  return true;
}

/** Drops the slot waiting for the last job, counted as skipped. */
function dropPending(state: JobsState, s: ScheduleRecord): void {
  if (s.pendingSlot === null) return;
  s.pendingSlot = null;
  countSkipped(state, s, 1);
}

function countSkipped(state: JobsState, s: ScheduleRecord, n: number): void {
  if (n === 0) return;
  s.skipped += n;
  const events = state.events;
  if (events !== null) events.push({ type: 'scheduleSkipped', scheduleId: s.id, slots: n });
}
