/**
 * The chaos checker's schedule part: judges the jobs of a run's recurring schedules against each
 * schedule's slot time line and its own counters. Pure: the slot times come from `slotsBetween` (the
 * leader's slot calculator), everything else is passed in, so it is unit-tested on hand-made
 * schedules and jobs.
 *
 * A schedule owes one job for every slot after its creation (docs/design.md "Schedules"), unless
 * its catch-up policy skips the slot, and then the slot is counted in `skipped`:
 * - a slot with two or more jobs is doubled, whatever the policy;
 * - a catch-up `all` schedule whose window outlasts the run may skip nothing: every owed slot
 *   without a job is missed;
 * - a `latest` (or `skip`) schedule may skip, but exactly: owed slots without a job beyond its
 *   `skipped` count are missed, and `fired + skipped` must equal the slots it has considered.
 */
import type { CatchUpMode } from '../../src/client/index.js';
import { slotsBetween, type SlotSpec } from '../../src/node/index.js';

/** A schedule as read at the end of a run (a `ScheduleInfo` has it all). */
export interface CheckedSchedule extends SlotSpec {
  readonly id: string;
  readonly catchUp: { readonly mode: CatchUpMode; readonly windowMs: number };
  /** Nothing at or before this is owed. */
  readonly createdAt: number;
  /** The cluster has fired or skipped every slot at or before this. */
  readonly handledThrough: number;
  readonly fired: number;
  readonly skipped: number;
}

/** A job a schedule created, as read from the final state. */
export interface ScheduledJob {
  readonly id: string;
  readonly scheduleId: string;
  readonly slot: number;
  /** When the cluster created it (the firing entry's time), ms. */
  readonly submittedAt: number;
  readonly state: string;
}

/** One schedule's account. */
export interface ScheduleTally {
  readonly id: string;
  readonly mode: CatchUpMode;
  /** Slots in (createdAt, max(handledThrough, horizon)]. */
  readonly owed: number;
  /** The schedule's own counters. */
  readonly fired: number;
  readonly skipped: number;
  /** Owed slots with at least one job. */
  readonly withJob: number;
  readonly missed: number;
  readonly doubled: number;
  /** Jobs of the schedule for a time that is no owed slot. */
  readonly offSlot: number;
  /** `fired` equals the considered slots with a job, and `fired + skipped` the considered slots. */
  readonly countsAgree: boolean;
  /** Jobs not succeeded, dead or cancelled. */
  readonly unfinished: number;
  /** Slot lag (job created − slot) of each slot's first job, ms; null without jobs. */
  readonly lagP50Ms: number | null;
  readonly lagMaxMs: number | null;
}

export interface ScheduleReport {
  /**
   * Owed slots without a job: of an `all` schedule, every one; of a `latest` or `skip` one, those
   * beyond its `skipped` count. Slots after `handledThrough` (up to the horizon) count too: the
   * cluster never considered them. Must be 0.
   */
  scheduleSlotsMissed: number;
  /** Slots with more than one job. Must be 0. */
  scheduleSlotsDoubled: number;
  /** Jobs for a time that is no owed slot of their schedule. Must be 0. */
  scheduleJobsOffSlot: number;
  /** Schedules whose own `fired` and `skipped` do not account exactly for their slots. Must be 0. */
  scheduleCountsOff: number;
  /** Schedule jobs not terminal after the drain. Must be 0. */
  scheduleJobsUnfinished: number;
  /** Slot lag over every schedule's slots, ms. */
  scheduleSlotLag: { p50Ms: number | null; maxMs: number | null };
  schedules: ScheduleTally[];
  examples: string[];
}

const TERMINAL = new Set(['succeeded', 'dead', 'cancelled']);

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

/**
 * Checks every schedule. `horizon`: slots at or before it must be accounted for even if the
 * cluster's `handledThrough` has not reached them (the run waited for it to; the cluster had
 * healed).
 */
export function checkSchedules(input: {
  readonly schedules: readonly CheckedSchedule[];
  readonly jobs: readonly ScheduledJob[];
  readonly horizon: number;
}): ScheduleReport {
  const examples: string[] = [];
  const note = (s: string): void => {
    if (examples.length < 20) examples.push(s);
  };
  const iso = (t: number): string => new Date(t).toISOString();
  const jobsOf = new Map<string, ScheduledJob[]>();
  for (const j of input.jobs) jobsOf.set(j.scheduleId, [...(jobsOf.get(j.scheduleId) ?? []), j]);
  const allLags: number[] = [];
  const tallies: ScheduleTally[] = [];
  for (const s of input.schedules) {
    const bySlot = new Map<number, ScheduledJob[]>();
    for (const j of jobsOf.get(s.id) ?? []) bySlot.set(j.slot, [...(bySlot.get(j.slot) ?? []), j]);
    const owed = slotsBetween(s, s.createdAt, Math.max(s.handledThrough, input.horizon));
    const owedSet = new Set(owed);
    let doubled = 0;
    let offSlot = 0;
    let unfinished = 0;
    const lags: number[] = [];
    for (const [slot, jobs] of bySlot) {
      if (!owedSet.has(slot)) {
        offSlot += jobs.length;
        note(`schedule job off the slots: ${s.id} job ${jobs.map((j) => j.id).join(', ')} for ${iso(slot)}, no slot of the schedule in (${iso(s.createdAt)}, ${iso(Math.max(s.handledThrough, input.horizon))}]`);
      }
      if (jobs.length > 1) {
        doubled++;
        note(`schedule slot doubled: ${s.id} slot ${iso(slot)} has ${jobs.length} jobs: ${jobs.map((j) => j.id).join(', ')}`);
      }
      for (const j of jobs) {
        if (TERMINAL.has(j.state)) continue;
        unfinished++;
        note(`schedule job unfinished: ${s.id} job ${j.id} (slot ${iso(slot)}) is ${j.state}`);
      }
      lags.push(Math.min(...jobs.map((j) => j.submittedAt)) - slot);
    }
    const considered = owed.filter((t) => t <= s.handledThrough);
    const consideredWithJob = considered.filter((t) => bySlot.has(t)).length;
    const withoutJob = owed.filter((t) => !bySlot.has(t));
    const unconsideredWithoutJob = withoutJob.filter((t) => t > s.handledThrough);
    // `all` may skip nothing; the others may skip what they counted, and no more.
    const missed = s.catchUp.mode === 'all' ? withoutJob.length : Math.max(0, considered.length - consideredWithJob - s.skipped) + unconsideredWithoutJob.length;
    if (missed > 0) {
      const allowance = s.catchUp.mode === 'all' ? '' : ` (it counts ${s.skipped} skipped)`;
      note(`schedule slots missed: ${s.id} (${s.catchUp.mode}) has ${withoutJob.length} owed slot${withoutJob.length === 1 ? '' : 's'} without a job${allowance}, e.g. ${withoutJob.slice(0, 3).map(iso).join(', ')}`);
    }
    if (unconsideredWithoutJob.length > 0) note(`schedule not caught up: ${s.id} has handled only through ${iso(s.handledThrough)}, ${unconsideredWithoutJob.length} slot(s) before ${iso(input.horizon)} never considered`);
    const countsAgree = s.fired === consideredWithJob && s.fired + s.skipped === considered.length;
    if (!countsAgree) note(`schedule counts off: ${s.id} says fired ${s.fired} + skipped ${s.skipped}, but of its ${considered.length} slots through ${iso(s.handledThrough)} ${consideredWithJob} have a job`);
    lags.sort((a, b) => a - b);
    allLags.push(...lags);
    tallies.push({
      id: s.id,
      mode: s.catchUp.mode,
      owed: owed.length,
      fired: s.fired,
      skipped: s.skipped,
      withJob: owed.length - withoutJob.length,
      missed,
      doubled,
      offSlot,
      countsAgree,
      unfinished,
      lagP50Ms: percentile(lags, 50),
      lagMaxMs: lags.at(-1) ?? null,
    });
  }
  // Jobs naming a schedule the run did not create (or deleted) belong to no time line.
  const known = new Set(input.schedules.map((s) => s.id));
  const strays = input.jobs.filter((j) => !known.has(j.scheduleId));
  for (const j of strays.slice(0, 3)) note(`schedule job off the slots: job ${j.id} names schedule ${j.scheduleId}, which the run does not know`);
  allLags.sort((a, b) => a - b);
  const sum = (f: (t: ScheduleTally) => number): number => tallies.reduce((n, t) => n + f(t), 0);
  return {
    scheduleSlotsMissed: sum((t) => t.missed),
    scheduleSlotsDoubled: sum((t) => t.doubled),
    scheduleJobsOffSlot: sum((t) => t.offSlot) + strays.length,
    scheduleCountsOff: tallies.filter((t) => !t.countsAgree).length,
    scheduleJobsUnfinished: sum((t) => t.unfinished),
    scheduleSlotLag: { p50Ms: percentile(allLags, 50), maxMs: allLags.at(-1) ?? null },
    schedules: tallies,
    examples,
  };
}

/** True when every must-hold of the schedule report holds. */
export function schedulesPass(r: ScheduleReport): boolean {
  return r.scheduleSlotsMissed === 0 && r.scheduleSlotsDoubled === 0 && r.scheduleJobsOffSlot === 0 && r.scheduleCountsOff === 0 && r.scheduleJobsUnfinished === 0;
}
