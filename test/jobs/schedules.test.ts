/** The schedule commands of the state machine: tables of what each does and refuses. */
import { describe, expect, it } from 'vitest';
import { scheduleFireCommand } from '../../src/node/index.js';
import {
  applyBatch,
  decodeBatch,
  encodeBatch,
  getJob,
  restoreState,
  snapshotState,
  beginSnapshot,
  getSchedule,
  listSchedules,
  stateDigest,
  type Command,
  type JobEvent,
  type OverlapPolicy,
  type ScheduleDefinition,
  type ScheduleFireCommand,
} from '../../src/jobs/index.js';
import { GenContext } from './gen.js';
import { Harness, bytes, expectRejected, replicateRandom, rng } from './helpers.js';

const T0 = 1_700_000_000_000;

/** A schedule firing every second, UTC, with test defaults. */
function def(extra: Partial<ScheduleDefinition> = {}): ScheduleDefinition {
  return { id: 'every-second', intervalMs: 1000, template: { queue: 'reports', payload: bytes('r') }, ...extra };
}

function set(schedule: ScheduleDefinition, mode: 'create' | 'update' | 'upsert' = 'create'): Command {
  return { type: 'scheduleSet', mode, schedule };
}

function fire(through: number, slots: number[], skipped = 0, id = 'every-second'): ScheduleFireCommand {
  return { type: 'scheduleFire', id, through, slots, skipped };
}

/** A harness holding `schedule`, created at T0. */
function withSchedule(schedule: ScheduleDefinition = def()): Harness {
  const h = new Harness();
  expect(h.one(T0, set(schedule))).toEqual({ ok: true, type: 'scheduleSet', id: schedule.id, created: true });
  return h;
}

describe('scheduleSet', () => {
  it('creates with defaults filled in; nothing at or before its creation is owed', () => {
    const h = withSchedule();
    expect(getSchedule(h.state, 'every-second')).toEqual({
      id: 'every-second',
      cron: null,
      intervalMs: 1000,
      timeZone: 'UTC',
      startAt: null,
      endAt: null,
      template: { queue: 'reports', payload: bytes('r'), priority: 0, maxAttempts: null, backoff: null, leaseTtlMs: null, retentionMs: null },
      catchUp: { mode: 'latest', windowMs: 3_600_000 },
      overlap: 'allow',
      paused: false,
      handledThrough: T0,
      lastSlot: null,
      lastJobId: null,
      lastJobState: null,
      pendingSlot: null,
      fired: 0,
      skipped: 0,
      triggered: 0,
      createdAt: T0,
      updatedAt: T0,
    });
    expect(getSchedule(h.state, 'nope')).toBeNull();
  });

  it('a start after its creation owes slots from the start on', () => {
    const h = withSchedule(def({ startAt: T0 + 60_000 }));
    expect(getSchedule(h.state, 'every-second')?.handledThrough).toBe(T0 + 59_999);
    expectRejected(h.one(T0 + 70_000, fire(T0 + 70_000, [T0 + 59_000])), 'SLOT_ALREADY_FIRED');
    expect(h.one(T0 + 70_000, fire(T0 + 70_000, [T0 + 60_000]))).toMatchObject({ ok: true });
  });

  it.each([
    ['create of an existing id', 'create', 'ALREADY_EXISTS'],
    ['update of a missing id', 'update', 'NOT_FOUND'],
  ] as const)('refuses %s', (_name, mode, code) => {
    const h = new Harness();
    if (mode === 'create') h.one(T0, set(def()));
    h.apply(T0 + 1);
    const before = stateDigest(h.state);
    expectRejected(h.one(T0 + 1, set(def({ overlap: 'skip' }), mode)), code);
    expect(stateDigest(h.state)).toBe(before);
  });

  it('upsert creates, then updates; an update keeps the runtime', () => {
    const h = new Harness();
    expect(h.one(T0, set(def(), 'upsert'))).toMatchObject({ created: true });
    h.one(T0 + 2000, fire(T0 + 2000, [T0 + 1000, T0 + 2000]));
    expect(h.one(T0 + 2500, set(def({ template: { queue: 'other', payload: bytes('x'), priority: 5 } }), 'upsert'))).toMatchObject({ created: false });
    const s = getSchedule(h.state, 'every-second');
    expect(s).toMatchObject({ handledThrough: T0 + 2000, lastSlot: T0 + 2000, fired: 2, createdAt: T0, updatedAt: T0 + 2500 });
    expect(s?.template).toMatchObject({ queue: 'other', priority: 5 });
  });

  it('an update of the timing owes nothing at or before it; one of the template owes what was due', () => {
    const h = withSchedule();
    h.one(T0 + 5000, set(def({ template: { queue: 'reports', payload: bytes('v2') } }), 'update'));
    expect(getSchedule(h.state, 'every-second')?.handledThrough).toBe(T0);
    h.one(T0 + 6000, set(def({ intervalMs: 2000 }), 'update'));
    expect(getSchedule(h.state, 'every-second')?.handledThrough).toBe(T0 + 6000);
  });

  it('refuses a schedule beyond maxSchedules', () => {
    const h = new Harness({ maxSchedules: 1 });
    h.one(T0, set(def()));
    expectRejected(h.one(T0, set(def({ id: 'two' }))), 'LIMIT_EXCEEDED');
    expect(h.one(T0, set(def(), 'upsert'))).toMatchObject({ ok: true, created: false });
  });

  it.each([
    [{ id: 'bad id' }, 'schedule.id: must match [A-Za-z0-9._:-]{1,128}'],
    [{ cron: '* * * * *' }, 'schedule.cron: exactly one of cron and intervalMs is required'],
    [{ intervalMs: 999 }, 'schedule.intervalMs: must be >= 1000'],
    [{ timeZone: 'Europe/Berlin; rm' }, 'schedule.timeZone: must be an IANA time zone name (1..64 chars of [A-Za-z0-9_+/-])'],
    [{ startAt: 10, endAt: 9 }, 'schedule.endAt: must be at or after startAt'],
    [{ template: { queue: 'q', payload: bytes('p'), delayMs: 5 } }, 'schedule.template.delayMs: is set by the schedule, not the template'],
    [{ template: { queue: '', payload: bytes('p') } }, 'schedule.template.queue: must match [A-Za-z0-9._:-]{1,128}'],
    [{ template: { queue: 'q', payload: bytes('p'), maxAttempts: 0 } }, 'schedule.template.maxAttempts: must be >= 1'],
    [{ catchUp: { mode: 'every' } }, 'schedule.catchUp.mode: must be one of skip, latest, all'],
    [{ catchUp: { mode: 'all', windowMs: 8 * 86_400_000 } }, 'schedule.catchUp.windowMs: must be <= 604800000'],
    [{ overlap: 'queue' }, 'schedule.overlap: must be one of allow, skip, bufferOne, cancelPrevious'],
  ])('refuses an invalid definition: %j', (extra, problem) => {
    const h = new Harness();
    const r = expectRejected(h.one(T0, set(def(extra as Partial<ScheduleDefinition>))), 'INVALID_ARGUMENT');
    expect(r.message).toBe(problem);
    expect(listSchedules(h.state)).toEqual([]);
  });
});

describe('scheduleDelete and schedulePause', () => {
  it('delete removes the schedule; its jobs stay and keep its id', () => {
    const h = withSchedule();
    const r = h.one(T0 + 1000, fire(T0 + 1000, [T0 + 1000]));
    const jobId = r.ok && r.type === 'scheduleFire' ? r.fired[0]?.jobId : undefined;
    expect(h.one(T0 + 1500, { type: 'scheduleDelete', id: 'every-second' })).toEqual({ ok: true, type: 'scheduleDelete', id: 'every-second' });
    expectRejected(h.one(T0 + 1600, { type: 'scheduleDelete', id: 'every-second' }), 'NOT_FOUND');
    expectRejected(h.one(T0 + 2000, fire(T0 + 2000, [T0 + 2000])), 'NOT_FOUND');
    expect(getJob(h.state, jobId ?? '')).toMatchObject({ scheduleId: 'every-second', scheduleSlot: T0 + 1000 });
  });

  it('a paused schedule fires nothing; resuming owes nothing of the paused time', () => {
    const h = withSchedule();
    expect(h.one(T0 + 1000, { type: 'schedulePause', id: 'every-second', paused: true })).toEqual({ ok: true, type: 'schedulePause', id: 'every-second', paused: true, changed: true });
    expect(h.one(T0 + 1000, { type: 'schedulePause', id: 'every-second', paused: true })).toMatchObject({ changed: false });
    expectRejected(h.one(T0 + 5000, fire(T0 + 5000, [T0 + 5000])), 'ILLEGAL_TRANSITION');
    h.one(T0 + 9500, { type: 'schedulePause', id: 'every-second', paused: false });
    expect(getSchedule(h.state, 'every-second')).toMatchObject({ paused: false, handledThrough: T0 + 9500, fired: 0, skipped: 0 });
    expectRejected(h.one(T0 + 10_000, fire(T0 + 10_000, [T0 + 9000, T0 + 10_000])), 'SLOT_ALREADY_FIRED');
    expect(h.one(T0 + 10_000, fire(T0 + 10_000, [T0 + 10_000]))).toMatchObject({ ok: true });
    expectRejected(h.one(T0, { type: 'schedulePause', id: 'nope', paused: true }), 'NOT_FOUND');
  });
});

/** Applies one entry to `h` and returns its events. */
function withEvents(h: Harness, time: number, ...commands: Command[]): JobEvent[] {
  const events: JobEvent[] = [];
  applyBatch(h.state, { time, commands }, ++h.index, events);
  return events;
}

function firedIds(r: unknown): string[] {
  const res = r as { ok: boolean; type: string; fired?: { jobId: string }[] };
  return res.ok && res.type === 'scheduleFire' ? (res.fired ?? []).map((f) => f.jobId) : [];
}

describe('scheduleFire', () => {
  it('makes one job per slot through the submit path, with the schedule id, slot and key', () => {
    const h = withSchedule(def({ template: { queue: 'reports', payload: bytes('r'), priority: 7, maxAttempts: 2, leaseTtlMs: 5000 } }));
    const r = h.one(T0 + 2400, fire(T0 + 2400, [T0 + 1000, T0 + 2000], 3));
    expect(r).toMatchObject({ ok: true, type: 'scheduleFire', skipped: 3, pendingSlot: null, cancelled: [] });
    const ids = firedIds(r);
    expect(ids).toHaveLength(2);
    ids.forEach((id, i) => {
      const slot = T0 + 1000 * (i + 1);
      expect(getJob(h.state, id)).toMatchObject({
        queue: 'reports',
        payload: bytes('r'),
        priority: 7,
        maxAttempts: 2,
        leaseTtlMs: 5000,
        state: 'ready',
        idempotencyKey: `schedule:every-second:${slot}`,
        scheduleId: 'every-second',
        scheduleSlot: slot,
      });
    });
    expect(getSchedule(h.state, 'every-second')).toMatchObject({ handledThrough: T0 + 2400, lastSlot: T0 + 2000, lastJobId: ids[1], lastJobState: 'ready', fired: 2, skipped: 3 });
    const events = withEvents(h, T0 + 3100, fire(T0 + 3100, [T0 + 3000], 1));
    const jobId = (events[0] as { jobId: string }).jobId;
    expect(events).toEqual([
      { type: 'submitted', jobId, queue: 'reports', group: null, state: 'ready' },
      { type: 'scheduleFired', scheduleId: 'every-second', slot: T0 + 3000, jobId, group: null, lagMs: 100, manual: false },
      { type: 'scheduleSkipped', scheduleId: 'every-second', slots: 1 },
    ]);
  });

  it.each([
    ['a missing schedule', fire(T0 + 2000, [T0 + 2000], 0, 'nope'), 'NOT_FOUND'],
    ['through at what is handled (a duplicate)', fire(T0 + 1000, []), 'SLOT_ALREADY_FIRED'],
    ['through before what is handled (stale)', fire(T0 + 500, [T0 + 500]), 'SLOT_ALREADY_FIRED'],
    ['a slot at or before what is handled', fire(T0 + 3000, [T0 + 1000, T0 + 2000]), 'SLOT_ALREADY_FIRED'],
    ['through after the entry time', fire(T0 + 3001, [T0 + 3000]), 'INVALID_ARGUMENT'],
    ['a slot off the interval grid', fire(T0 + 3000, [T0 + 2500]), 'INVALID_ARGUMENT'],
    ['a slot after the end', fire(T0 + 3000, [T0 + 2000, T0 + 3000]), 'INVALID_ARGUMENT'],
    ['slots not ascending', fire(T0 + 3000, [T0 + 3000, T0 + 2000]), 'INVALID_ARGUMENT'],
    ['a slot after through', fire(T0 + 2000, [T0 + 3000]), 'INVALID_ARGUMENT'],
    ['a negative skip count', fire(T0 + 2000, [T0 + 2000], -1), 'INVALID_ARGUMENT'],
  ] as const)('refuses %s and changes nothing', (_name, cmd, code) => {
    const h = withSchedule(def({ endAt: T0 + 2000 }));
    h.one(T0 + 1000, fire(T0 + 1000, [T0 + 1000]));
    h.apply(T0 + 3000);
    const before = stateDigest(h.state);
    expectRejected(h.one(T0 + 3000, cmd), code);
    expect(stateDigest(h.state)).toBe(before);
  });

  it('never fires a slot twice, whatever stale, duplicate or reordered proposals arrive', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = rng(seed);
      const h = withSchedule(def({ catchUp: { mode: 'all', windowMs: 60_000 } }));
      // Proposals as leaders with views of various ages would make them: through a time, from a
      // handled point at or before the committed one, fired slots all in between.
      const proposals: ScheduleFireCommand[] = [];
      for (let k = 0; k < 40; k++) {
        const from = T0 + 1000 * r.int(0, 30);
        const through = from + 1000 * r.int(0, 5) + r.int(0, 999);
        const slots: number[] = [];
        for (let t = Math.floor(from / 1000) * 1000 + 1000; t <= through; t += 1000) slots.push(t);
        proposals.push(fire(through, slots));
      }
      const slotsFired = new Map<number, number>();
      let time = T0;
      for (let k = 0; k < 120; k++) {
        const p = r.pick(proposals);
        time = Math.max(time, p.through) + r.int(0, 50);
        const res = h.one(time, p);
        for (const id of firedIds(res)) {
          const slot = getJob(h.state, id)?.scheduleSlot as number;
          slotsFired.set(slot, (slotsFired.get(slot) ?? 0) + 1);
        }
      }
      expect([...slotsFired.values()].every((n) => n === 1), `seed ${seed}`).toBe(true);
      expect(getSchedule(h.state, 'every-second')?.fired).toBe(slotsFired.size);
      expect(h.state.jobs.size).toBe(slotsFired.size);
    }
  });
});

describe('overlap policies', () => {
  /** A schedule with `overlap` whose slot T0+1000 job is leased (unfinished). */
  function busy(overlap: OverlapPolicy): { h: Harness; first: string } {
    const h = withSchedule(def({ overlap }));
    const [first] = firedIds(h.one(T0 + 1000, fire(T0 + 1000, [T0 + 1000])));
    h.leaseOne(T0 + 1000, 'reports');
    return { h, first: first as string };
  }

  it('allow fires while the previous job runs', () => {
    const { h } = busy('allow');
    expect(firedIds(h.one(T0 + 2000, fire(T0 + 2000, [T0 + 2000])))).toHaveLength(1);
  });

  it('skip skips a slot while the previous job runs, and fires once it is done', () => {
    const { h } = busy('skip');
    expect(h.one(T0 + 3000, fire(T0 + 3000, [T0 + 2000, T0 + 3000]))).toMatchObject({ fired: [], skipped: 2 });
    const g = h.state.leased.peek();
    h.one(T0 + 3500, { type: 'complete', jobId: g?.id ?? '', token: g?.leaseToken ?? 0 });
    expect(firedIds(h.one(T0 + 4000, fire(T0 + 4000, [T0 + 4000])))).toHaveLength(1);
    expect(getSchedule(h.state, 'every-second')).toMatchObject({ fired: 2, skipped: 2 });
  });

  it('bufferOne keeps the latest waiting slot and fires it in the entry that finishes the previous job', () => {
    const { h, first } = busy('bufferOne');
    expect(h.one(T0 + 3000, fire(T0 + 3000, [T0 + 2000, T0 + 3000]))).toMatchObject({ fired: [], skipped: 1, pendingSlot: T0 + 3000 });
    expect(h.one(T0 + 4000, fire(T0 + 4000, [T0 + 4000]))).toMatchObject({ fired: [], skipped: 1, pendingSlot: T0 + 4000 });
    const token = getJob(h.state, first)?.lease?.token ?? 0;
    const events = withEvents(h, T0 + 4700, { type: 'complete', jobId: first, token });
    expect(events.map((e) => e.type)).toEqual(['completed', 'submitted', 'scheduleFired']);
    expect(events[2]).toMatchObject({ slot: T0 + 4000, lagMs: 700 });
    expect(getSchedule(h.state, 'every-second')).toMatchObject({ pendingSlot: null, lastSlot: T0 + 4000, lastJobState: 'ready', fired: 2, skipped: 2 });
  });

  it('bufferOne fires the waiting slot when the previous job expires dead in the due pass', () => {
    const h = withSchedule(def({ overlap: 'bufferOne', template: { queue: 'reports', payload: bytes('r'), maxAttempts: 1 } }));
    h.one(T0 + 1000, fire(T0 + 1000, [T0 + 1000]));
    h.leaseOne(T0 + 1000, 'reports', 'w1', 1500);
    expect(h.one(T0 + 2000, fire(T0 + 2000, [T0 + 2000]))).toMatchObject({ pendingSlot: T0 + 2000 });
    const events = withEvents(h, T0 + 2600, { type: 'tick' });
    expect(events.map((e) => e.type)).toEqual(['expired', 'submitted', 'scheduleFired']);
  });

  it('bufferOne drops the waiting slot on pause, counted as skipped', () => {
    const { h } = busy('bufferOne');
    h.one(T0 + 2000, fire(T0 + 2000, [T0 + 2000]));
    const events = withEvents(h, T0 + 2500, { type: 'schedulePause', id: 'every-second', paused: true });
    expect(events).toEqual([{ type: 'scheduleSkipped', scheduleId: 'every-second', slots: 1 }]);
    expect(getSchedule(h.state, 'every-second')).toMatchObject({ pendingSlot: null, skipped: 1 });
  });

  it('cancelPrevious cancels the running job, naming the schedule and slot, then fires', () => {
    const { h, first } = busy('cancelPrevious');
    const r = h.one(T0 + 2000, fire(T0 + 2000, [T0 + 2000]));
    expect(r).toMatchObject({ cancelled: [first], skipped: 0 });
    expect(firedIds(r)).toHaveLength(1);
    expect(getJob(h.state, first)).toMatchObject({ state: 'cancelled', cancelReason: `schedule every-second: the job of slot ${T0 + 2000} replaces it (overlap cancelPrevious)` });
  });
});

describe('scheduleTrigger', () => {
  it('fires now, paused or not, outside the slots; two triggers in one ms make one job', () => {
    const h = withSchedule(def({ paused: true }));
    const r = h.one(T0 + 1234, { type: 'scheduleTrigger', id: 'every-second' });
    expect(r).toMatchObject({ ok: true, type: 'scheduleTrigger', duplicate: false });
    const jobId = r.ok && r.type === 'scheduleTrigger' ? r.jobId : '';
    expect(getJob(h.state, jobId)).toMatchObject({ scheduleId: 'every-second', scheduleSlot: T0 + 1234, idempotencyKey: `schedule:every-second:manual:${T0 + 1234}` });
    expect(h.one(T0 + 1234, { type: 'scheduleTrigger', id: 'every-second' })).toMatchObject({ jobId, duplicate: true });
    expect(getSchedule(h.state, 'every-second')).toMatchObject({ triggered: 1, fired: 0, handledThrough: T0, lastJobId: null });
    expectRejected(h.one(T0 + 2000, { type: 'scheduleTrigger', id: 'nope' }), 'NOT_FOUND');
  });
});

describe('schedules in snapshots, digests and entries', () => {
  /** A state with a busy bufferOne schedule (a slot waiting), a paused cron one, and their jobs. */
  function busyState(): Harness {
    const h = new Harness();
    h.one(T0, set(def({ overlap: 'bufferOne', endAt: T0 + 60_000, catchUp: { mode: 'all', windowMs: 5000 } })));
    h.one(T0, set({ id: 'nightly', cron: '0 30 2 * * *', timeZone: 'Europe/Berlin', template: { queue: 'n', payload: new Uint8Array(5000), backoff: { type: 'fixed', delayMs: 10 } }, paused: true }));
    h.one(T0 + 1000, fire(T0 + 1000, [T0 + 1000]));
    h.leaseOne(T0 + 1000, 'reports');
    h.one(T0 + 2000, fire(T0 + 2000, [T0 + 2000], 4));
    h.one(T0 + 2100, { type: 'scheduleTrigger', id: 'nightly' });
    return h;
  }

  it('a snapshot restores every schedule exactly, and a restored state goes on the same', () => {
    const h = busyState();
    const bytes1 = snapshotState(h.state);
    const restored = restoreState(bytes1);
    if (!restored.ok) throw new Error(restored.error);
    expect(listSchedules(restored.value)).toEqual(listSchedules(h.state));
    expect(stateDigest(restored.value)).toBe(stateDigest(h.state));
    expect(Buffer.compare(snapshotState(restored.value), bytes1)).toBe(0);
    const copy = new Harness();
    Object.assign(copy, { state: restored.value, index: h.index });
    const token = h.state.leased.peek()?.leaseToken ?? 0;
    const jobId = h.state.leased.peek()?.id ?? '';
    expect(copy.apply(T0 + 3000, { type: 'complete', jobId, token })).toEqual(h.apply(T0 + 3000, { type: 'complete', jobId, token }));
    expect(stateDigest(copy.state)).toBe(stateDigest(h.state));
    expect(getSchedule(copy.state, 'every-second')).toMatchObject({ pendingSlot: null, fired: 2 });
  });

  it('the digest covers schedules: a pause alone changes it', () => {
    const h = busyState();
    const before = stateDigest(h.state);
    h.one(T0 + 3000, { type: 'schedulePause', id: 'nightly', paused: false });
    expect(stateDigest(h.state)).not.toBe(before);
  });

  it('a snapshot cursor writes schedules as they were when it began', () => {
    const h = busyState();
    const expected = snapshotState(h.state);
    const cursor = beginSnapshot(h.state);
    h.one(T0 + 3000, { type: 'scheduleDelete', id: 'nightly' });
    h.one(T0 + 3000, fire(T0 + 3000, [T0 + 3000]));
    expect(Buffer.compare(cursor.finish(), expected)).toBe(0);
  });

  it.each([1, 2, 3])('replicas that apply random schedule and job commands (encoded, and restored from snapshots) stay identical (seed %i)', (seed) => {
    const ctx = new GenContext();
    ctx.schedules = true;
    const { leader } = replicateRandom({}, seed, 600, 20, 45, ctx);
    // The run did exercise schedules: slots fired (its last schedules' counts alone).
    expect(listSchedules(leader).reduce((n, s) => n + s.fired, 0)).toBeGreaterThan(0);
  });

  it('every schedule command round-trips through the entry codec, every optional field set or not', () => {
    const commands: Command[] = [
      set(def()),
      set(
        {
          id: 'full.id:1-2',
          cron: '*/5 * * * * *',
          timeZone: 'America/New_York',
          startAt: 0,
          endAt: 8.64e15,
          template: { queue: 'q', payload: bytes('ü'), priority: -3, maxAttempts: 9, backoff: { type: 'exponential', initialMs: 1, maxMs: 2, factor: 3, jitter: 0.5 }, leaseTtlMs: 100, retentionMs: 0 },
          catchUp: { mode: 'all', windowMs: 1000 },
          overlap: 'cancelPrevious',
          paused: false,
        },
        'upsert',
      ),
      set(def({ catchUp: { mode: 'skip' }, overlap: 'bufferOne', paused: true }), 'update'),
      { type: 'scheduleDelete', id: 'x' },
      { type: 'schedulePause', id: 'x', paused: true },
      { type: 'schedulePause', id: 'x', paused: false },
      fire(T0, []),
      fire(T0 + 5, [1, T0, T0 + 5], 123_456_789),
      { type: 'scheduleTrigger', id: 'x' },
    ];
    const batch = { time: T0, commands };
    const decoded = decodeBatch(encodeBatch(batch));
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.value).toStrictEqual(batch);
  });

  it('an entry of the first format carries no schedule command', () => {
    const bytes1 = encodeBatch({ time: T0, commands: [{ type: 'scheduleDelete', id: 'x' }] });
    bytes1[1] = 1;
    expect(decodeBatch(bytes1)).toEqual({ ok: false, error: 'decodeBatch: commands[0]: unknown command tag 14' });
  });
});

describe('a leader runner over the committed state (dueSlots + scheduleFire)', () => {
  /**
   * Runs a runner every `step` ms from T0 to `end`, except while `stopped` says the cluster is
   * down, proposing what `scheduleFireCommand` computes from the committed schedule; a second,
   * stale runner (a deposed leader's view, `lag` proposals old) proposes too. Returns the slots of
   * the jobs made, in order.
   */
  function run(catchUp: ScheduleDefinition['catchUp'] & object, stopped: (t: number) => boolean, seed: number): { slots: number[]; skipped: number } {
    const r = rng(seed);
    const h = withSchedule(def({ catchUp }));
    const stale: ScheduleFireCommand[] = [];
    for (let t = T0 + r.int(1, 400); t < T0 + 60_000; t += r.int(100, 700)) {
      if (stopped(t)) continue;
      const view = getSchedule(h.state, 'every-second');
      const cmd = view === null ? null : scheduleFireCommand(view, t);
      const old = stale.length > 3 ? stale[stale.length - 1 - r.int(1, 3)] : undefined;
      const commands: Command[] = [];
      if (old !== undefined && r.next() < 0.5) commands.push(old);
      if (cmd !== null) {
        commands.push(cmd);
        stale.push(cmd);
        if (r.next() < 0.3) commands.push(cmd);
      }
      if (commands.length > 0) h.apply(t, ...commands);
    }
    const slots = [...h.state.jobs.values()].map((j) => j.scheduleSlot as number);
    return { slots, skipped: getSchedule(h.state, 'every-second')?.skipped ?? -1 };
  }

  const down = (t: number): boolean => t > T0 + 20_000 && t < T0 + 35_000;
  const seconds = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => T0 + (from + k) * 1000);

  it.each([1, 2, 3, 4, 5])('all (window 1 min): every slot exactly once, across a 15 s stop (seed %i)', (seed) => {
    const { slots, skipped } = run({ mode: 'all', windowMs: 60_000 }, down, seed);
    expect(slots).toEqual(seconds(1, slots.length));
    expect(slots.length).toBeGreaterThanOrEqual(58);
    expect(skipped).toBe(0);
  });

  it.each([1, 2, 3, 4, 5])('latest: once per slot while up, the latest one after the stop, the rest counted (seed %i)', (seed) => {
    const { slots, skipped } = run({ mode: 'latest', windowMs: 60_000 }, down, seed);
    expect(new Set(slots).size).toBe(slots.length);
    const missing = seconds(1, 59).filter((t) => t <= (slots[slots.length - 1] as number) && !slots.includes(t));
    // Only slots of the stop (from the last one due before it) are missing, and the catch-up skipped exactly them.
    expect(missing.every((t) => t >= T0 + 20_000 && t < T0 + 35_000)).toBe(true);
    expect(missing.length).toBeGreaterThanOrEqual(13);
    expect(skipped).toBe(missing.length);
  });
});
