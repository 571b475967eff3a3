/**
 * Slot times of recurring schedules, for the leader (and for reads that show next fire times).
 * Pure functions of their arguments, but they evaluate cron expressions and time zones (croner,
 * with the machine's ICU time-zone data), which may differ between machines: so the state
 * machine NEVER calls them. The leader's runner computes with them and proposes the result in a
 * `scheduleFire` command; the reducer only checks the proposal against the committed schedule
 * (docs/design.md "Schedules").
 *
 * Time zones and daylight saving time, as croner computes them (test/node/schedules-slots.test.ts
 * checks both transitions in Europe/Berlin and America/New_York):
 * - a wall-clock time skipped by a spring-forward jump fires one hour later in wall-clock time
 *   (a daily 02:30 fires at 03:30 on that day), unless that later time is itself a slot: so an
 *   every-15-minutes schedule has no slots in the skipped hour and goes on at 03:00;
 * - a wall-clock time repeated by a fall-back fires once, the first time: a daily 02:30
 *   (Berlin) fires at 02:30 summer time only, and an every-15-minutes schedule has no slots
 *   during the repeated hour's second pass (one hour of real time without slots).
 * 'UTC' is computed without time-zone data (fixed offset 0), which is also much faster.
 *
 * Interval schedules fire on the grid `startAt` (else 0, the epoch) + k × `intervalMs`, whatever
 * the time zone.
 */
import { Cron } from 'croner';
import { LIMITS } from '../limits/index.js';
import type { CatchUpMode, ScheduleFireCommand } from '../jobs/index.js';

/** What slot times depend on (a `ScheduleView` has it all). */
export interface SlotSpec {
  readonly cron: string | null;
  readonly intervalMs: number | null;
  readonly timeZone: string;
  readonly startAt: number | null;
  readonly endAt: number | null;
}

/** What `dueSlots` needs besides: the catch-up policy and the committed runtime. */
export interface SlotSchedule extends SlotSpec {
  readonly catchUp: { readonly mode: CatchUpMode; readonly windowMs: number };
  /** Every slot at or before this time has been fired or skipped (from the committed state). */
  readonly handledThrough: number;
}

/**
 * A slot less than this late still counts as on time under catch-up mode `skip` (or less than the
 * schedule's window, when that is shorter), ms: covers a leader election (about a second) and the
 * runner's own delay, so a healthy cluster never skips a slot.
 */
export const ON_TIME_MS = 5000;

/**
 * Most slots `dueSlots` walks to count skipped ones. A longer gap of a cron schedule (a per-second
 * schedule of a cluster stopped for hours) is counted this far exactly and the rest estimated from
 * the density so far: walking costs up to a few hundred µs per slot with time-zone data, and the
 * leader's event loop must not stall. Interval schedules are always counted exactly. Which slots
 * fire never depends on this.
 */
export const SKIP_COUNT_SCAN = 2000;

/** What is due of one schedule at `now`. */
export interface DueSlots {
  /** Slots to fire, ascending (at most `maxSlots`). */
  readonly slots: readonly number[];
  /** Slots the catch-up policy skips (all at or before `through`, before the fired ones). */
  readonly skipped: number;
  /**
   * What the schedule will have handled: `now`, or the last slot fired when more than
   * `maxSlots` were due (propose again for the rest).
   */
  readonly through: number;
  /** The first slot after `through` (at or before `now`: due at once), or null when there is none (past `endAt`). */
  readonly nextSlot: number | null;
}

/** The first up to `n` slots after `after` (ms), within `startAt`..`endAt`: "the next five fire times". */
export function nextSlots(spec: SlotSpec, after: number, n: number): number[] {
  const clock = slotClock(spec);
  const out: number[] = [];
  for (let t = clock.after(after); t !== null && out.length < n; t = clock.after(t)) out.push(t);
  return out;
}

/** Every slot of `spec` in (after, through], ascending: what a schedule owes over that time. */
export function slotsBetween(spec: SlotSpec, after: number, through: number): number[] {
  const clock = slotClock(spec);
  const out: number[] = [];
  for (let t = clock.after(after); t !== null && t <= through; t = clock.after(t)) out.push(t);
  return out;
}

/**
 * The slots of `s` due at `now` under its catch-up policy (see `CatchUpMode`), from the slot after
 * `s.handledThrough`. Slots in (now − window, now] are in the window; for mode `skip` the window
 * is `min(windowMs, ON_TIME_MS)`.
 * - `all`: every slot in the window fires, oldest first, `maxSlots` at most (then `through` is the
 *   last of them); older ones are skipped;
 * - `latest`, `skip`: the latest slot at or before `now` fires if it is in the window; every other
 *   slot since `handledThrough` is skipped.
 *
 * `now` must be the leader's replicated clock (the time it stamps entries with, J5), not the
 * machine's wall clock: a `through` after the entry's time is refused.
 */
export function dueSlots(s: SlotSchedule, now: number, maxSlots: number = LIMITS.maxSlotsPerFire.default): DueSlots {
  const clock = slotClock(s);
  const lo = s.handledThrough;
  if (now <= lo) return { slots: [], skipped: 0, through: lo, nextSlot: clock.after(lo) };
  const window = s.catchUp.mode === 'skip' ? Math.min(s.catchUp.windowMs, ON_TIME_MS) : s.catchUp.windowMs;
  const windowStart = now - window;
  if (s.catchUp.mode === 'all') {
    const skipped = windowStart > lo ? clock.count(lo, windowStart) : 0;
    const slots: number[] = [];
    let t = Math.max(lo, windowStart);
    let next = clock.after(t);
    while (next !== null && next <= now && slots.length < maxSlots) {
      slots.push(next);
      t = next;
      next = clock.after(t);
    }
    const through = next !== null && next <= now ? t : now;
    return { slots, skipped, through, nextSlot: through === now ? next : clock.after(through) };
  }
  const latest = clock.latestIn(lo, now);
  const next = clock.after(now);
  if (latest === null) return { slots: [], skipped: 0, through: now, nextSlot: next };
  if (latest > windowStart) return { slots: [latest], skipped: clock.count(lo, latest - 1), through: now, nextSlot: next };
  return { slots: [], skipped: clock.count(lo, latest), through: now, nextSlot: next };
}

/**
 * The `scheduleFire` command the leader proposes for `s` at `now`, or null when there is nothing
 * to fire or skip (or `s` is paused). Its `nextSlot` (`dueSlots`) says when to look again.
 */
export function scheduleFireCommand(
  s: SlotSchedule & { readonly id: string; readonly paused: boolean },
  now: number,
  maxSlots: number = LIMITS.maxSlotsPerFire.default,
): ScheduleFireCommand | null {
  if (s.paused) return null;
  const due = dueSlots(s, now, maxSlots);
  if (due.slots.length === 0 && due.skipped === 0) return null;
  return { type: 'scheduleFire', id: s.id, through: due.through, slots: due.slots, skipped: due.skipped };
}

/**
 * What is wrong with a schedule's timing, as `field: problem` strings (empty when nothing is):
 * the cron expression must parse (five or six fields, or a nickname) and ever fire, the time zone
 * must be one this machine knows. The server checks this before proposing `scheduleSet`; the
 * state machine checks only the shape (`validateCommand`), never the meaning.
 */
export function validateScheduleSpec(spec: { readonly cron?: string | undefined; readonly timeZone?: string | undefined }): string[] {
  const problems: string[] = [];
  const zone = spec.timeZone ?? 'UTC';
  if (zone !== 'UTC') {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
    } catch {
      problems.push(`timeZone: ${JSON.stringify(zone)} is not an IANA time zone this server knows`);
      return problems;
    }
  }
  if (spec.cron !== undefined) {
    try {
      if (cronOf(spec.cron, zone).nextRun(new Date(0)) === null) problems.push('cron: never fires');
    } catch (err) {
      problems.push(`cron: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return problems;
}

function cronOf(pattern: string, timeZone: string): Cron {
  // Without a function croner starts no timer: the object only computes times.
  return new Cron(pattern, timeZone === 'UTC' ? { utcOffset: 0, mode: '5-or-6-parts' } : { timezone: timeZone, mode: '5-or-6-parts' });
}

/** Slot arithmetic of one schedule: every answer respects `startAt` and `endAt`. */
interface SlotClock {
  /** The first slot after `t`, or null. */
  after(t: number): number | null;
  /** The last slot in (lo, hi], or null. */
  latestIn(lo: number, hi: number): number | null;
  /** Slots in (lo, hi] (estimated beyond `SKIP_COUNT_SCAN` for cron schedules). */
  count(lo: number, hi: number): number;
}

function slotClock(spec: SlotSpec): SlotClock {
  return spec.intervalMs !== null ? new IntervalClock(spec, spec.intervalMs) : new CronClock(spec, spec.cron ?? '');
}

class IntervalClock implements SlotClock {
  private readonly anchor: number;
  private readonly end: number;

  constructor(
    spec: SlotSpec,
    private readonly interval: number,
  ) {
    this.anchor = spec.startAt ?? 0;
    this.end = spec.endAt ?? Infinity;
  }

  /** Slots at or before `t`, counted from the anchor (0 before it). */
  private upTo(t: number): number {
    return t < this.anchor ? 0 : Math.floor((Math.min(t, this.end) - this.anchor) / this.interval) + 1;
  }

  after(t: number): number | null {
    const next = this.anchor + this.upTo(t) * this.interval;
    return next > this.end ? null : next;
  }

  latestIn(lo: number, hi: number): number | null {
    const k = this.upTo(hi);
    return k > this.upTo(lo) ? this.anchor + (k - 1) * this.interval : null;
  }

  count(lo: number, hi: number): number {
    return hi <= lo ? 0 : this.upTo(hi) - this.upTo(lo);
  }
}

class CronClock implements SlotClock {
  private readonly cron: Cron;
  private readonly start: number;
  private readonly end: number;

  constructor(spec: SlotSpec, pattern: string) {
    this.cron = cronOf(pattern, spec.timeZone);
    this.start = spec.startAt ?? -Infinity;
    this.end = spec.endAt ?? Infinity;
  }

  after(t: number): number | null {
    const from = Math.max(t, this.start - 1);
    let next = this.cron.nextRun(new Date(from))?.getTime() ?? null;
    // Chained through Dates croner only moves forward; make sure of it, since slots must ascend.
    for (let retry = 1; next !== null && next <= from; retry++) {
      if (retry > 3) throw new Error(`cron ${this.cron.getPattern() ?? ''}: no slot after ${from} moves forward`);
      next = this.cron.nextRun(new Date(from + retry * 1000))?.getTime() ?? null;
    }
    return next === null || next > this.end ? null : next;
  }

  latestIn(lo: number, hi: number): number | null {
    const first = this.after(lo);
    if (first === null || first > hi) return null;
    // croner's previous run is a hint (one call instead of a walk over the window); it is checked
    // against `after`, which is the definition of a slot here.
    const top = Math.min(hi, this.end);
    const hint = this.cron.previousRuns(1, new Date(Math.floor(top / 1000) * 1000 + 1000))[0]?.getTime();
    let p = hint !== undefined && hint > first && hint <= top && this.after(hint - 1) === hint ? hint : first;
    for (let next = this.after(p); next !== null && next <= hi; next = this.after(p)) p = next;
    return p;
  }

  count(lo: number, hi: number): number {
    let n = 0;
    let t = lo;
    while (n < SKIP_COUNT_SCAN) {
      const next = this.after(t);
      if (next === null || next > hi) return n;
      n++;
      t = next;
    }
    // Estimated from the density of the slots walked (see `SKIP_COUNT_SCAN`).
    return n + Math.floor(((hi - t) * n) / (t - lo));
  }
}
