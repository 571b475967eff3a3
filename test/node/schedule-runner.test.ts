/**
 * The schedule runner against a host backed by the real job state machine on virtual time: what it
 * proposes, and when. Regressions found by the driver simulation (`npm run sim -- --driver
 * --schedules`, issue 16):
 * - seed 1: the runner proposed up to the default 1,000 slots per scheduleFire whatever the
 *   state machine's `maxSlotsPerFire`; a catch-up longer than the cluster's bound was refused
 *   (INVALID_ARGUMENT) and proposed again at once, forever: the schedule never fired again;
 * - seed 2: a leader handing over leadership refuses proposals (NOT_LEADER) while it still leads;
 *   the runner proposed again at once from the rejection, in a loop that never waited for a timer
 *   (the simulation's livelock check: 200,000 tasks at one instant).
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RaftJobsError } from '../../src/errors/index.js';
import { applyBatch, createState, type Command, type CommandResult, type ScheduleFireCommand } from '../../src/jobs/index.js';
import { StateQueries } from '../../src/node/queries.js';
import { HOLD_WHILE_REFUSED_MS, RETRY_AFTER_FAILURE_MS, ScheduleRunner } from '../../src/node/schedule-runner.js';
import { VirtualTime } from './virtual-clock.js';

const EPOCH = 1_700_000_000_000;

/** A leader whose proposals apply at once to a real job state at the clock's time. */
function host(maxSlotsPerFire: number) {
  const time = new VirtualTime(EPOCH);
  const clock = time.clock();
  const state = createState({ maxSlotsPerFire });
  let index = 0;
  const proposed: Command[] = [];
  const h = {
    leading: true,
    refuse: false,
    /** What the resource guards say (null: room for new jobs). */
    guard: null as { message: string } | null,
    refusal: () => h.guard,
    isLeader: () => h.leading,
    query: new StateQueries(() => state),
    time: () => clock.now(),
    propose: (cmd: Command): Promise<CommandResult> => {
      proposed.push(cmd);
      // A runner that proposes in a loop is stopped here, so the test fails instead of hanging.
      if (proposed.length > 100) return new Promise<CommandResult>(() => undefined);
      if (h.refuse) return Promise.reject(new RaftJobsError(ErrorCode.NotLeader, 'handing over leadership', { leaderId: null }));
      const [res] = applyBatch(state, { time: clock.now(), commands: [cmd] }, ++index);
      runner.applied([res as CommandResult]);
      return Promise.resolve(res as CommandResult);
    },
  };
  const runner = new ScheduleRunner(h, clock, pino({ level: 'silent' }));
  return { time, state, proposed, h, runner, fires: () => proposed.filter((c): c is ScheduleFireCommand => c.type === 'scheduleFire') };
}

const create = (id: string): Command => ({
  type: 'scheduleSet',
  mode: 'create',
  schedule: { id, intervalMs: 1000, template: { queue: 'q', payload: new Uint8Array() }, catchUp: { mode: 'all', windowMs: 3_600_000 } },
});

describe('the schedule runner', () => {
  it("proposes at most the state machine's maxSlotsPerFire slots per command, and catches up in several", async () => {
    const t = host(3);
    await t.h.propose(create('s'));
    // Ten slots owed at once, as after a cluster stop: the runner starts late.
    await t.time.advance(10_000);
    t.runner.start();
    await t.time.until(() => (t.state.schedules.get('s')?.fired === 10 ? true : undefined), 'ten slots fired', 1_000);
    const fires = t.fires();
    expect(fires.map((c) => c.slots.length)).toEqual([3, 3, 3, 1]);
    expect(t.state.schedules.get('s')).toMatchObject({ fired: 10, skipped: 0 });
    t.runner.stop();
  });

  it('waits RETRY_AFTER_FAILURE_MS after a failed proposal instead of proposing again at once', async () => {
    const t = host(1000);
    await t.h.propose(create('s'));
    await t.time.advance(1_000);
    t.h.refuse = true; // still leading, handing over: every proposal fails
    t.runner.start();
    await t.time.advance(0);
    expect(t.fires()).toHaveLength(1);
    await t.time.advance(RETRY_AFTER_FAILURE_MS - 1);
    expect(t.fires()).toHaveLength(1);
    t.h.refuse = false;
    await t.time.advance(1);
    expect(t.fires()).toHaveLength(2);
    expect(t.state.schedules.get('s')).toMatchObject({ fired: 1 });
    t.runner.stop();
  });

  it('holds due schedules while the resource guards refuse new jobs, then fires every owed slot (catch-up all)', async () => {
    const t = host(1000);
    await t.h.propose(create('s'));
    t.h.guard = { message: 'the cluster holds 10 not-finished jobs, at limits.maxBacklogJobs (10)' };
    t.runner.start();
    // Five slots come due (one a second) while new jobs are refused: nothing is proposed, nothing handled.
    await t.time.advance(5_000);
    expect(t.fires()).toEqual([]);
    expect(t.state.schedules.get('s')).toMatchObject({ fired: 0, skipped: 0 });
    // Room again: within one hold interval the five owed slots fire, and the one that came due
    // meanwhile; none is skipped.
    t.h.guard = null;
    await t.time.advance(HOLD_WHILE_REFUSED_MS);
    expect(t.state.schedules.get('s')).toMatchObject({ fired: 6, skipped: 0 });
    const slots = t.fires().flatMap((c) => c.slots);
    expect(slots.map((slot) => slot - (slots[0] ?? 0))).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    t.runner.stop();
  });
});
