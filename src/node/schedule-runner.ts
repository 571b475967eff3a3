/**
 * The leader's schedule runner: it fires recurring schedules from the committed state alone.
 *
 * For each schedule it computes, with the leader-side slot calculator (`dueSlots` in src/jobs),
 * the next slot after what the state has handled, and keeps one timer for the earliest. When it
 * comes, it proposes `scheduleFire` with the slots due by the catch-up policy; the state machine
 * refuses a slot already handled (SLOT_ALREADY_FIRED), so a duplicate proposal, one that races a
 * leader change, or a new leader that proposes what its predecessor already committed fires
 * nothing twice. Time is the leader's replicated time (J5): a leader whose wall clock is behind
 * still stamps no earlier than the last replicated time, so it never refires; one whose clock
 * jumps ahead fires only what the catch-up policy allows.
 *
 * Only the leader runs it; a new leader starts from the committed state once its first entry
 * (the lease grace) is committed. Cron and time zones are evaluated here, never by replicas.
 */
import type { Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { Command, CommandResult, ScheduleView } from '../jobs/index.js';
import { dueSlots, scheduleFireCommand } from './schedule-slots.js';
import type { JobQueries } from './queries.js';
import type { NodeClock } from './types.js';

/** What the runner needs of the node. */
export interface ScheduleHost {
  isLeader(): boolean;
  readonly query: JobQueries;
  /** The leader's replicated time now (what its next entry is stamped with), ms. */
  time(): number;
  propose(command: Command): Promise<CommandResult>;
  /**
   * Why new jobs are refused now (a backlog cap reached, the leader's disk below its floor), else
   * null. While it says so, due schedules are held, not fired: their slots stay owed.
   */
  refusal?(): { readonly message: string } | null;
}

/** A schedule's next slot as computed for one version of its committed state. */
interface Planned {
  /** Changes whenever the committed schedule does: its definition or what it has handled. */
  readonly key: string;
  /** The first slot after what it has handled (null: ended, or paused). */
  readonly nextSlot: number | null;
}

/** Longest a timer is armed for; a schedule further ahead is looked at again then, ms. */
const MAX_WAIT_MS = 60 * 60_000;
/**
 * After a proposal failed (refused while this node still leads, or the command was refused for a
 * reason other than a slot already fired), the schedule waits this long before it is proposed
 * again, ms: a leader that refuses proposals would otherwise be asked again at once, in a loop
 * that never yields to a timer.
 */
export const RETRY_AFTER_FAILURE_MS = 100;
/**
 * While the resource guards refuse new jobs, a due schedule is looked at again after this long,
 * ms. Its slots are not handled meanwhile: once there is room they fire as the schedule's catch-up
 * policy says of slots missed while the cluster was down (and what the policy skips is counted),
 * so a full backlog delays a schedule's jobs and never makes them beyond the cap.
 */
export const HOLD_WHILE_REFUSED_MS = 1000;

export class ScheduleRunner {
  private readonly plans = new Map<string, Planned>();
  private readonly inFlight = new Set<string>();
  /** Schedules whose last proposal failed, and the replicated time before which they wait. */
  private readonly holds = new Map<string, number>();
  private timer: unknown = null;
  private timerAt = Infinity;
  private active = false;
  private dirty = true;
  /** The refusal that holds the due schedules, as last logged; null while they fire. */
  private heldBy: string | null = null;

  constructor(
    private readonly host: ScheduleHost,
    private readonly clock: NodeClock,
    private readonly log: Logger,
  ) {}

  /** This node leads and its first entry of the term is committed: start from the committed state. */
  start(): void {
    this.active = true;
    this.dirty = true;
    this.run();
  }

  /** No longer leader (or stopping). */
  stop(): void {
    this.active = false;
    this.heldBy = null;
    this.plans.clear();
    this.inFlight.clear();
    this.holds.clear();
    this.clearTimer();
  }

  /** Entries were applied: when any changed a schedule, plan again. */
  applied(results: readonly CommandResult[]): void {
    if (!this.active) return;
    for (const r of results) {
      if (r.ok && (r.type === 'scheduleSet' || r.type === 'scheduleDelete' || r.type === 'schedulePause' || r.type === 'scheduleFire')) {
        this.dirty = true;
        break;
      }
    }
    if (this.dirty) this.run();
  }

  /** Plan every schedule whose committed state changed, propose what is due, arm the timer. */
  private run(): void {
    if (!this.active || !this.host.isLeader()) return;
    const now = this.host.time();
    if (this.dirty) {
      this.dirty = false;
      this.replan();
    }
    let earliest = Infinity;
    let refused: string | null | undefined;
    for (const [id, plan] of this.plans) {
      if (plan.nextSlot === null || this.inFlight.has(id)) continue;
      const hold = this.holds.get(id) ?? -Infinity;
      if (plan.nextSlot <= now && hold <= now) {
        // Asked once per run, and only when something is due.
        if (refused === undefined) refused = this.host.refusal?.()?.message ?? null;
        if (refused === null) {
          this.fire(id, now);
          continue;
        }
        this.holds.set(id, now + HOLD_WHILE_REFUSED_MS);
        earliest = Math.min(earliest, now + HOLD_WHILE_REFUSED_MS);
      } else earliest = Math.min(earliest, Math.max(plan.nextSlot, hold));
    }
    if (refused !== undefined) this.noteHeld(refused);
    this.arm(earliest, now);
  }

  /** Logs when due schedules start being held by the resource guards, and when they fire again. */
  private noteHeld(refused: string | null): void {
    if (refused !== null && this.heldBy === null) this.log.warn({ reason: refused }, 'schedule fires held: new jobs are refused; the slots stay owed');
    if (refused === null && this.heldBy !== null) this.log.info('schedule fires resumed');
    this.heldBy = refused;
  }

  private replan(): void {
    const seen = new Set<string>();
    for (const s of this.host.query.listSchedules()) {
      seen.add(s.id);
      const key = `${s.updatedAt}:${s.handledThrough}:${s.paused ? 1 : 0}`;
      if (this.plans.get(s.id)?.key === key) continue;
      this.plans.set(s.id, { key, nextSlot: s.paused ? null : nextSlotOf(s, this.host.query.options.maxSlotsPerFire) });
    }
    for (const id of this.plans.keys()) if (!seen.has(id)) this.plans.delete(id);
  }

  private fire(id: string, now: number): void {
    const s = this.host.query.getSchedule(id);
    // At most the cluster's own maxSlotsPerFire: the state machine refuses a longer list.
    const cmd = s === null ? null : scheduleFireCommand(s, now, this.host.query.options.maxSlotsPerFire);
    if (cmd === null) {
      // Nothing due after all (the state moved on meanwhile): plan it again from the state.
      this.plans.delete(id);
      this.dirty = true;
      return;
    }
    this.inFlight.add(id);
    const holdOff = (): void => void this.holds.set(id, this.host.time() + RETRY_AFTER_FAILURE_MS);
    this.host.propose(cmd).then(
      (res) => {
        if (res.ok || res.code === ErrorCode.SlotAlreadyFired) {
          this.holds.delete(id);
          return;
        }
        holdOff();
        this.log.warn({ scheduleId: id, code: res.code, message: res.message }, 'schedule fire refused');
      },
      (err: unknown) => {
        holdOff();
        if (!(err instanceof RaftJobsError && (err.code === ErrorCode.NotLeader || err.code === ErrorCode.ShuttingDown || err.code === ErrorCode.OutcomeUnknown))) {
          this.log.warn({ err, scheduleId: id }, 'schedule fire proposal failed');
        }
      },
    ).finally(() => {
      this.inFlight.delete(id);
      // Whatever happened, the committed state says what is next.
      this.plans.delete(id);
      this.dirty = true;
      this.run();
    });
  }

  private arm(at: number, now: number): void {
    if (at === Infinity) {
      this.clearTimer();
      return;
    }
    if (this.timer !== null && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    // Replicated time on the leader follows its monotonic clock (J5), as timers do.
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.run();
    }, Math.min(Math.max(0, at - now), MAX_WAIT_MS));
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }
}

/** The first slot of `s` after what it has handled; a schedule with missed slots has one in the past. */
function nextSlotOf(s: ScheduleView, maxSlots: number): number | null {
  return dueSlots(s, s.handledThrough, maxSlots).nextSlot;
}
