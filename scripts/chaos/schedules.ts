/**
 * The recurring schedules of a chaos run: created through the SDK once the cluster is up, firing
 * into the queue the chaos workers serve (so their jobs go through the same faults), ending with
 * the load; read back at the end for `checkSchedules`.
 */
import type { Client, JobView, ScheduleInput } from '../../src/client/index.js';
import { poll, PollTimeoutError } from '../lib/index.js';
import { NORMAL_MAX_ATTEMPTS } from './jobs.js';
import type { CheckedSchedule, ScheduledJob } from './schedule-check.js';

/** The longest catch-up window the cluster takes (7 days): longer than any run, so `all` never skips. */
export const LONGEST_CATCH_UP_WINDOW_MS = 7 * 24 * 3600_000;
/** The schedules end on a multiple of this (a slot of each), ms. */
const END_GRID_MS = 2000;

/**
 * Every second and every two seconds (cron, with seconds) with catch-up `all`, which may skip no
 * slot; and every second with the default `latest` (1 h window), which skips the slots a leader
 * change leaves behind but must count each.
 */
export function chaosSchedules(queue: string, endAt: number): ScheduleInput[] {
  const job = (id: string): ScheduleInput['job'] => ({
    queue,
    // Read by the workers as a normal job (readChaosPayload) with the attempt limit below.
    payload: { schedule: id, maxAttempts: NORMAL_MAX_ATTEMPTS },
    maxAttempts: NORMAL_MAX_ATTEMPTS,
    backoff: { type: 'fixed', delayMs: 100 },
  });
  const all = { mode: 'all', windowMs: LONGEST_CATCH_UP_WINDOW_MS } as const;
  return [
    { id: 'chaos-1s-all', intervalMs: 1000, catchUp: all, endAt, job: job('chaos-1s-all') },
    { id: 'chaos-cron-2s-all', cron: '*/2 * * * * *', catchUp: all, endAt, job: job('chaos-cron-2s-all') },
    { id: 'chaos-1s-latest', intervalMs: 1000, endAt, job: job('chaos-1s-latest') },
  ];
}

/** The first time at or after `t` on the grid every chaos schedule has a slot on. */
export function scheduleEnd(t: number): number {
  return Math.ceil(t / END_GRID_MS) * END_GRID_MS;
}

/**
 * Waits (up to `timeoutMs`) until every schedule has handled its slots through `endAt`; false if
 * one has not (its unhandled slots then count as missed).
 */
export async function awaitSchedulesHandled(client: Client, ids: readonly string[], endAt: number, timeoutMs: number): Promise<boolean> {
  try {
    return await poll(
      async () => {
        for (const id of ids) {
          const s = await client.getSchedule(id).catch(() => null);
          if (s === null || s.handledThrough < endAt) return undefined;
        }
        return true;
      },
      { description: `schedules to handle their slots through ${new Date(endAt).toISOString()}`, timeoutMs, intervalMs: 200 },
    );
  } catch (err) {
    if (err instanceof PollTimeoutError) return false;
    throw err;
  }
}

/** The schedules as the checker reads them. */
export async function readSchedules(client: Client, ids: readonly string[]): Promise<CheckedSchedule[]> {
  const out: CheckedSchedule[] = [];
  for (const id of ids) out.push(await client.getSchedule(id));
  return out;
}

/** A job of the final state as the schedule checker reads it, or null for a submitted one. */
export function scheduledJob(j: JobView): ScheduledJob | null {
  if (j.scheduleId === null || j.scheduleSlot === null) return null;
  return { id: j.id, scheduleId: j.scheduleId, slot: j.scheduleSlot, submittedAt: j.submittedAt, state: j.state };
}
