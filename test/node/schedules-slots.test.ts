/**
 * The leader-side slot calculator (schedule-slots.ts): catch-up policies, start and end, and what
 * croner does at daylight-saving transitions in two zones.
 */
import { describe, expect, it } from 'vitest';
import { ON_TIME_MS, dueSlots, nextSlots, scheduleFireCommand, slotsBetween, validateScheduleSpec, type SlotSchedule } from '../../src/node/index.js';

const S = 1000;
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0); // a whole minute

function every(extra: Partial<SlotSchedule> = {}): SlotSchedule {
  return { cron: null, intervalMs: S, timeZone: 'UTC', startAt: null, endAt: null, catchUp: { mode: 'latest', windowMs: 3_600_000 }, handledThrough: T0, ...extra };
}

const iso = (ms: readonly number[]): string[] => ms.map((t) => new Date(t).toISOString());

describe('dueSlots: catch-up policies', () => {
  // Handled through T0; now is 10.5 s later: slots T0+1 s .. T0+10 s are due.
  const now = T0 + 10_500;
  it.each([
    ['all, window covering every slot', { mode: 'all', windowMs: 60_000 }, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0],
    ['all, window of the last 3.5 s', { mode: 'all', windowMs: 3500 }, [8, 9, 10], 7],
    ['latest within the window', { mode: 'latest', windowMs: 3_600_000 }, [10], 9],
    ['latest out of a 400 ms window', { mode: 'latest', windowMs: 400 }, [], 10],
    ['skip: the latest is on time', { mode: 'skip', windowMs: 3_600_000 }, [10], 9],
  ] as const)('%s', (_name, catchUp, fired, skipped) => {
    expect(dueSlots(every({ catchUp }), now)).toEqual({ slots: fired.map((k) => T0 + k * S), skipped, through: now, nextSlot: T0 + 11 * S });
  });

  it(`skip: a slot ON_TIME_MS (${ON_TIME_MS} ms) late or later is skipped, whatever the window`, () => {
    const hourly = every({ intervalMs: 3_600_000, handledThrough: T0 - 1, catchUp: { mode: 'skip', windowMs: 3_600_000 } });
    expect(dueSlots(hourly, T0 + ON_TIME_MS - 1)).toMatchObject({ slots: [T0], skipped: 0 });
    expect(dueSlots(hourly, T0 + ON_TIME_MS)).toMatchObject({ slots: [], skipped: 1, through: T0 + ON_TIME_MS });
  });

  it('all: at most maxSlots per proposal, through the last of them; the next proposal goes on', () => {
    const s = every({ catchUp: { mode: 'all', windowMs: 60_000 } });
    const first = dueSlots(s, T0 + 10_500, 4);
    expect(first).toEqual({ slots: [1, 2, 3, 4].map((k) => T0 + k * S), skipped: 0, through: T0 + 4 * S, nextSlot: T0 + 5 * S });
    const second = dueSlots({ ...s, handledThrough: first.through }, T0 + 10_500, 4);
    expect(second.slots).toEqual([5, 6, 7, 8].map((k) => T0 + k * S));
  });

  it('nothing due: no slots, nothing skipped, and when to look again', () => {
    expect(dueSlots(every(), T0 + 999)).toEqual({ slots: [], skipped: 0, through: T0 + 999, nextSlot: T0 + S });
    expect(dueSlots(every(), T0)).toEqual({ slots: [], skipped: 0, through: T0, nextSlot: T0 + S });
  });

  it('a per-second cron stopped for three hours counts its skipped slots (past the walk, by density)', () => {
    const s = every({ cron: '* * * * * *', intervalMs: null });
    expect(dueSlots(s, T0 + 3 * 3_600_000 + 200)).toEqual({ slots: [T0 + 3 * 3_600_000], skipped: 3 * 3600 - 1, through: T0 + 3 * 3_600_000 + 200, nextSlot: T0 + 3 * 3_600_000 + S });
  });
});

describe('dueSlots and nextSlots: start and end', () => {
  it('interval slots lie on the grid of the start, within start and end', () => {
    const s = every({ intervalMs: 5000, startAt: T0 + 1234, endAt: T0 + 20_000 });
    expect(nextSlots(s, T0, 10)).toEqual([T0 + 1234, T0 + 6234, T0 + 11_234, T0 + 16_234]);
    expect(dueSlots({ ...s, handledThrough: T0 + 16_234 }, T0 + 60_000)).toEqual({ slots: [], skipped: 0, through: T0 + 60_000, nextSlot: null });
  });

  it('cron slots too: an ended schedule has no next slot', () => {
    const s = every({ cron: '*/10 * * * * *', intervalMs: null, startAt: T0 + 15_000, endAt: T0 + 40_000 });
    expect(nextSlots(s, T0, 10)).toEqual([T0 + 20_000, T0 + 30_000, T0 + 40_000]);
    // slotsBetween: (after, through], bounded by the end however far `through` goes.
    expect(slotsBetween(s, T0 + 20_000, T0 + 30_000)).toEqual([T0 + 30_000]);
    expect(slotsBetween(s, T0, T0 + 3_600_000)).toEqual([T0 + 20_000, T0 + 30_000, T0 + 40_000]);
    expect(slotsBetween(every(), T0, T0 + 2500)).toEqual([T0 + S, T0 + 2 * S]);
    expect(dueSlots({ ...s, catchUp: { mode: 'all', windowMs: 60_000 } }, T0 + 45_000)).toEqual({ slots: [T0 + 20_000, T0 + 30_000, T0 + 40_000], skipped: 0, through: T0 + 45_000, nextSlot: null });
  });

  it('a standard five-field expression fires at second 0', () => {
    expect(nextSlots(every({ cron: '*/15 * * * *', intervalMs: null }), T0, 3)).toEqual([T0 + 15 * 60 * S, T0 + 30 * 60 * S, T0 + 45 * 60 * S]);
  });
});

describe('dueSlots across daylight-saving transitions', () => {
  const daily = (cron: string, timeZone: string): SlotSchedule => every({ cron, intervalMs: null, timeZone });

  it.each([
    // Spring forward: 02:30 does not exist that night; it fires at 03:30 local time.
    ['Europe/Berlin, spring forward', '0 30 2 * * *', 'Europe/Berlin', '2024-03-29T12:00:00Z', ['2024-03-30T01:30:00.000Z', '2024-03-31T01:30:00.000Z', '2024-04-01T00:30:00.000Z']],
    ['America/New_York, spring forward', '30 2 * * *', 'America/New_York', '2024-03-08T12:00:00Z', ['2024-03-09T07:30:00.000Z', '2024-03-10T07:30:00.000Z', '2024-03-11T06:30:00.000Z']],
    // Fall back: 02:30 (Berlin) and 01:30 (New York) happen twice that night; they fire once, the first time.
    ['Europe/Berlin, fall back', '0 30 2 * * *', 'Europe/Berlin', '2024-10-25T12:00:00Z', ['2024-10-26T00:30:00.000Z', '2024-10-27T00:30:00.000Z', '2024-10-28T01:30:00.000Z']],
    ['America/New_York, fall back', '30 1 * * *', 'America/New_York', '2024-11-01T12:00:00Z', ['2024-11-02T05:30:00.000Z', '2024-11-03T05:30:00.000Z', '2024-11-04T06:30:00.000Z']],
  ])('%s: a daily slot fires once a day', (_name, cron, zone, from, expected) => {
    expect(iso(nextSlots(daily(cron, zone), Date.parse(from), 3))).toEqual(expected);
  });

  it.each([
    // New York falls back at 06:00Z (02:00 EDT → 01:00 EST): the repeated hour has no slots.
    ['America/New_York, fall back', 'America/New_York', '2024-11-03T04:50:00Z', ['05:00', '05:15', '05:30', '05:45', '07:00', '07:15']],
    // Berlin springs forward at 01:00Z (02:00 → 03:00 CEST): no slot is lost in real time, none repeats.
    ['Europe/Berlin, spring forward', 'Europe/Berlin', '2024-03-31T00:20:00Z', ['00:30', '00:45', '01:00', '01:15', '01:30', '01:45']],
    ['America/New_York, spring forward', 'America/New_York', '2024-03-10T06:20:00Z', ['06:30', '06:45', '07:00', '07:15', '07:30', '07:45']],
    // Berlin falls back at 01:00Z (03:00 CEST → 02:00 CET): the repeated hour has no slots.
    ['Europe/Berlin, fall back', 'Europe/Berlin', '2024-10-27T00:20:00Z', ['00:30', '00:45', '02:00', '02:15', '02:30', '02:45']],
  ])('%s: every 15 minutes, slots strictly ascending', (_name, zone, from, hours) => {
    const slots = nextSlots(daily('*/15 * * * *', zone), Date.parse(from), 6);
    expect(slots.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(hours);
  });

  it('catch-up "latest" after a stop across the Berlin fall-back fires the latest slot and counts the rest', () => {
    const s = { ...daily('0 */15 * * * *', 'Europe/Berlin'), handledThrough: Date.parse('2024-10-27T00:10:00Z') };
    const now = Date.parse('2024-10-27T02:20:00Z');
    // 00:15 00:30 00:45 | (01:00-01:59Z: the repeated hour, none) | 02:00 02:15.
    expect(dueSlots(s, now)).toEqual({ slots: [Date.parse('2024-10-27T02:15:00Z')], skipped: 4, through: now, nextSlot: Date.parse('2024-10-27T02:30:00Z') });
  });
});

describe('scheduleFireCommand and validateScheduleSpec', () => {
  it('proposes what is due, nothing when paused or when nothing is', () => {
    const s = { ...every(), id: 'a', paused: false };
    expect(scheduleFireCommand(s, T0 + 2500)).toEqual({ type: 'scheduleFire', id: 'a', through: T0 + 2500, slots: [T0 + 2000], skipped: 1 });
    expect(scheduleFireCommand({ ...s, paused: true }, T0 + 2500)).toBeNull();
    expect(scheduleFireCommand(s, T0 + 999)).toBeNull();
  });

  it.each([
    [{ cron: '*/2 * * * * *', timeZone: 'Europe/Berlin' }, []],
    [{ cron: '0 9 * * MON-FRI' }, []],
    [{ cron: '@daily', timeZone: 'America/New_York' }, []],
    [{ cron: '* * * *' }, ['cron: ']],
    [{ cron: '* * * * * * *' }, ['cron: ']],
    [{ cron: '61 * * * *' }, ['cron: ']],
    [{ cron: '0 0 30 2 *' }, ['cron: never fires']],
    [{ cron: '* * * * *', timeZone: 'Mars/Olympus_Mons' }, ['timeZone: "Mars/Olympus_Mons" is not an IANA time zone this server knows']],
    [{ timeZone: 'Asia/Kolkata' }, []],
  ])('%j', (spec, expected) => {
    const problems = validateScheduleSpec(spec);
    expect(problems).toHaveLength(expected.length);
    problems.forEach((p, i) => expect(p.startsWith(expected[i] as string)).toBe(true));
  });
});
