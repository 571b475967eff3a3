/**
 * Recurring schedules in the driver simulation (`NodeSimOptions.schedules`): what the run creates,
 * the leader's real `ScheduleRunner` wired to a simulated node as `JobNode` wires it, and the
 * checks: no slot fires twice (as entries are applied, and in the final state), and, once the
 * faults have healed and the runner has caught up, every slot a catch-up `all` schedule owes has
 * its job and every slot of the others is fired or counted as skipped.
 */
import type { Logger } from 'pino';
import { ErrorCode, isRaftJobsError } from '../errors/index.js';
import { nextSlots, slotsBetween } from '../node/index.js';
import { type Command, type CommandResult, type JobEvent, type JobsOptions, type JobsState, type ScheduleDefinition, type ScheduleFireCommand } from '../jobs/index.js';
import { StateQueries } from '../node/queries.js';
import type { RaftNode } from '../node/raft-node.js';
import { ScheduleRunner } from '../node/schedule-runner.js';
import { TermStart } from '../node/term-start.js';
import type { NodeClock } from '../node/types.js';
import type { Role } from '../raft/index.js';
import { SeededRandom } from './random.js';
import { jobCommand, type SimApp, type SimCommand, type SimResult } from './sim-app.js';

/** The schedules a run creates and the job options its state machines use. */
export interface SimSchedulePlan {
  readonly definitions: readonly ScheduleDefinition[];
  readonly jobsOptions: Partial<JobsOptions>;
}

/** Longest catch-up window (7 days): a catch-up `all` schedule owes every slot of a run. */
const WEEK_MS = 7 * 24 * 3_600_000;

/**
 * Three schedules, drawn from a stream of their own: an interval and a cron schedule with catch-up
 * `all` over a week (every slot must fire, however long the cluster had no leader or however far
 * a leader's clock jumped), and an interval one with the default `latest` (skips allowed, but
 * each slot fired or counted). Intervals are tens of ms (the options allow 10 ms) so a two-second
 * run has dozens of slots; with `clockSteps`, replicated time may jump an hour or two at an
 * election, so slots are tens of seconds apart and the cron fires every 30 s. `maxSlotsPerFire`
 * is small, so catching up takes several commands.
 */
export function drawSchedules(seed: number, clockSteps: boolean): SimSchedulePlan {
  const r = new SeededRandom((seed ^ 0x5c4ed) >>> 0);
  const template = { queue: 'sim', payload: new Uint8Array([1, 2, 3]) };
  const interval = clockSteps ? r.between(20, 90) * 1000 : r.between(40, 250);
  const latest = clockSteps ? r.between(20, 90) * 1000 : r.between(30, 200);
  return {
    definitions: [
      { id: 'every', intervalMs: interval, template, catchUp: { mode: 'all', windowMs: WEEK_MS } },
      { id: 'cron', cron: clockSteps ? '*/30 * * * * *' : '* * * * * *', template, catchUp: { mode: 'all', windowMs: WEEK_MS } },
      { id: 'latest', intervalMs: latest, template },
    ],
    jobsOptions: { minScheduleIntervalMs: 10, maxSlotsPerFire: r.between(2, 20) },
  };
}

/**
 * The leader's schedule duties of one simulated node, as `JobNode` has them: on becoming leader
 * it proposes the term's first job command (`leaderChange`), again until it is committed while it
 * leads that term (`TermStart`), and starts the runner once it is; applied entries go to the
 * runner while it leads; losing leadership stops it.
 */
export class SimScheduleDuty {
  private readonly runner: ScheduleRunner;
  private readonly termStart: TermStart;
  private stopped = false;

  constructor(
    private readonly node: RaftNode<SimCommand, SimResult>,
    app: SimApp,
    clock: NodeClock,
    log: Logger,
    private readonly nextId: () => number,
    graceMs: number,
    /** Receives every `scheduleFire` the runner proposes (the simulation proposes some again). */
    private readonly fires: (cmd: ScheduleFireCommand) => void,
  ) {
    const query = new StateQueries(() => {
      if (app.jobs === null) throw new Error('a schedule runner needs the job state machine');
      return app.jobs;
    });
    const propose = (cmd: Command): Promise<CommandResult> => {
      if (cmd.type === 'scheduleFire') this.fires(cmd);
      return this.propose(cmd);
    };
    this.runner = new ScheduleRunner({ isLeader: () => node.isLeader(), query, time: () => node.time(), propose }, clock, log);
    this.termStart = new TermStart(
      { isLeader: () => node.isLeader(), currentTerm: () => node.currentTerm(), propose: (cmd) => this.propose(cmd) },
      graceMs,
      () => this.runner.start(),
      clock,
      log,
    );
  }

  /** A job command through this node, resolving with its result. */
  propose(command: Command): Promise<CommandResult> {
    return this.node.propose(jobCommand(this.nextId(), command)).then((r) => {
      if (r.job === undefined) throw new Error(`command ${r.id} has no job result`);
      return r.job;
    });
  }

  roleChanged(role: Role, term: number): void {
    if (this.stopped) return;
    if (role !== 'leader') {
      this.termStart.lostLeadership();
      this.runner.stop();
      return;
    }
    this.termStart.becameLeader(term);
  }

  applied(results: readonly SimResult[]): void {
    if (this.stopped || !this.node.isLeader()) return;
    const jobs: CommandResult[] = [];
    for (const r of results) if (r.job !== undefined) jobs.push(r.job);
    this.runner.applied(jobs);
  }

  stop(): void {
    this.stopped = true;
    this.termStart.stop();
    this.runner.stop();
  }
}

/** What a create proposal came to: created (or found created), or try again. */
export function createdOrExists(res: CommandResult): boolean {
  return res.ok || res.code === ErrorCode.AlreadyExists;
}

/** Errors of a proposal that only mean "try again elsewhere". */
export function retryable(err: unknown): boolean {
  const code = isRaftJobsError(err) ? err.code : null;
  return code === ErrorCode.NotLeader || code === ErrorCode.OutcomeUnknown || code === ErrorCode.ShuttingDown || code === ErrorCode.DataLoss;
}

/** Slots fired and skipped over a run, from the first application of every entry. */
export interface SlotCounts {
  fired: number;
  skipped: number;
  /** `scheduleFire` proposals refused as already fired (a duplicate or a stale leader's). */
  refusedAsFired: number;
}

/**
 * Every slot fire the log holds, from the first application of each index anywhere (the chain
 * check makes every other application the same): a slot fired at two indexes fired twice.
 */
export class SlotLedger {
  readonly counts: SlotCounts = { fired: 0, skipped: 0, refusedAsFired: 0 };
  /** `${scheduleId} ${slot}` → the index that fired it. */
  private readonly fired = new Map<string, number>();
  /** Per schedule, the indexes of its slot fires, one per slot, ascending. */
  private readonly firedBySchedule = new Map<string, number[]>();
  private readonly seen = new Set<number>();
  private readonly seenResults = new Set<number>();

  /** The job events of entry `index`; returns a violation, or null. */
  note(index: number, events: readonly JobEvent[]): string | null {
    if (this.seen.has(index)) return null;
    this.seen.add(index);
    for (const e of events) {
      if (e.type === 'scheduleSkipped') this.counts.skipped += e.slots;
      if (e.type !== 'scheduleFired' || e.manual) continue;
      this.counts.fired++;
      const list = this.firedBySchedule.get(e.scheduleId) ?? [];
      list.push(index);
      this.firedBySchedule.set(e.scheduleId, list);
      const key = `${e.scheduleId} ${e.slot}`;
      const before = this.fired.get(key);
      if (before !== undefined) return `schedule slot fired twice: ${e.scheduleId} slot ${e.slot} at index ${before} and again at ${index} (job ${e.jobId})`;
      this.fired.set(key, index);
    }
    return null;
  }

  /** The results of entry `index` (counted once per index). */
  noteResults(index: number, results: readonly SimResult[]): void {
    if (this.seenResults.has(index)) return;
    this.seenResults.add(index);
    for (const r of results) if (r.job !== undefined && !r.job.ok && r.job.code === ErrorCode.SlotAlreadyFired) this.counts.refusedAsFired++;
  }

  /** Slot fires of `scheduleId` in the log up to `index`. */
  firedOf(scheduleId: string, index: number): number {
    return (this.firedBySchedule.get(scheduleId) ?? []).filter((i) => i <= index).length;
  }
}

/**
 * True once no schedule in `state` owes a slot at or before `through`: the first slot after what
 * each has handled comes later (a schedule's `handledThrough` moves only when it fires or skips).
 */
export function caughtUp(state: JobsState, ids: readonly string[], through: number): boolean {
  const q = new StateQueries(() => state);
  return ids.every((id) => {
    const s = q.getSchedule(id);
    if (s === null) return false;
    const next = nextSlots(s, s.handledThrough, 1)[0];
    return next === undefined || next > through;
  });
}

/**
 * The final checks on one replica's state (`where` names it), applied through `appliedIndex`: no
 * two jobs of one slot; each schedule's fired count equals its jobs (and the fires in the log up
 * to that index); every slot of a catch-up
 * `all` schedule in (created, handledThrough] has its job and none was skipped; every slot of the
 * others is fired or counted skipped. Returns the first violation, or null.
 */
export function checkSchedules(state: JobsState, appliedIndex: number, ledger: SlotLedger, where: string): string | null {
  const bySlot = new Map<string, string>();
  const jobsOf = new Map<string, number[]>();
  for (const job of state.jobs.values()) {
    const id = job.scheduleId;
    const slot = job.scheduleSlot;
    if (id === null || slot === null) continue;
    const key = `${id} ${slot}`;
    const other = bySlot.get(key);
    if (other !== undefined) return `${where}: schedule ${id} slot ${slot} has two jobs, ${other} and ${job.id}`;
    bySlot.set(key, job.id);
    const list = jobsOf.get(id) ?? [];
    list.push(slot);
    jobsOf.set(id, list);
  }
  for (const s of new StateQueries(() => state).listSchedules()) {
    const jobs = jobsOf.get(s.id) ?? [];
    if (jobs.length !== s.fired) return `${where}: schedule ${s.id} counts ${s.fired} fired slots but has ${jobs.length} jobs`;
    const logged = ledger.firedOf(s.id, appliedIndex);
    if (logged !== s.fired) return `${where}: schedule ${s.id} counts ${s.fired} fired slots at index ${appliedIndex}, the log fired ${logged} up to there`;
    const owed = slotsBetween(s, s.createdAt, s.handledThrough);
    const have = new Set(jobs);
    for (const slot of jobs) {
      if (slot <= s.createdAt || slot > s.handledThrough) return `${where}: schedule ${s.id} fired slot ${slot}, outside (${s.createdAt}, ${s.handledThrough}]`;
    }
    if (s.catchUp.mode === 'all') {
      const missing = owed.filter((slot) => !have.has(slot));
      if (missing.length > 0 || s.skipped > 0) {
        return `${where}: schedule ${s.id} (catch-up all) missed ${missing.length} of ${owed.length} slots in (${s.createdAt}, ${s.handledThrough}] (first ${missing[0] ?? '-'}), skipped ${s.skipped}`;
      }
    } else if (s.fired + s.skipped !== owed.length) {
      return `${where}: schedule ${s.id} (catch-up ${s.catchUp.mode}) fired ${s.fired} and skipped ${s.skipped} of ${owed.length} slots in (${s.createdAt}, ${s.handledThrough}]`;
    }
  }
  return null;
}
