import type * as grpc from '@grpc/grpc-js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { validateCommand } from '../jobs/index.js';
import { nextSlots, validateScheduleSpec } from '../node/index.js';
import type { Command, ScheduleDefinition, SchedulePauseResult, ScheduleSetResult, ScheduleTriggerResult, ScheduleView } from '../jobs/index.js';
import type { JobQueries } from '../node/index.js';
import { jobsServices, type wire } from '../protocol/index.js';
import { invalid, proposeOk, readState, unary, type ServiceContext } from './handler.js';
import { scheduleToWire, specToScheduleDefinition } from './wire.js';

/** How many next fire times a Schedule message carries. */
const NEXT_FIRE_TIMES = 5;
/** Schedules per List page: default and most. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/**
 * The Schedules service (proto/jobs.proto): decode, check, propose or read, encode. The cron
 * expression and time zone are checked here, on the leader (replicas never evaluate them), before
 * `scheduleSet` is proposed.
 */
export function addSchedulesService(server: grpc.Server, ctx: ServiceContext): void {
  const { Schedules } = jobsServices();
  const m = Schedules.service;
  const impl: wire.SchedulesHandlers = {
    Create: unary(ctx, m.Create, async (r) => written(ctx, (await setSchedule(ctx, 'create', r.schedule)).id)),
    Update: unary(ctx, m.Update, async (r) => written(ctx, (await setSchedule(ctx, r.createMissing ? 'upsert' : 'update', r.schedule)).id)),
    Delete: unary(ctx, m.Delete, async ({ id }) => {
      await proposeOk(ctx, checked(ctx, { type: 'scheduleDelete', id }));
      return {};
    }),
    Pause: unary(ctx, m.Pause, async ({ id }) => written(ctx, (await proposeOk<SchedulePauseResult>(ctx, checked(ctx, { type: 'schedulePause', id, paused: true }))).id)),
    Resume: unary(ctx, m.Resume, async ({ id }) => written(ctx, (await proposeOk<SchedulePauseResult>(ctx, checked(ctx, { type: 'schedulePause', id, paused: false }))).id)),
    Trigger: unary(ctx, m.Trigger, async ({ id }) => {
      const res = await proposeOk<ScheduleTriggerResult>(ctx, checked(ctx, { type: 'scheduleTrigger', id }));
      return { jobId: res.jobId, duplicate: res.duplicate };
    }),
    Get: unary(
      ctx,
      m.Get,
      async ({ id, stale }) => {
        // The id is checked as every other call on one schedule checks it (INVALID_ARGUMENT, not NOT_FOUND).
        checked(ctx, { type: 'scheduleDelete', id });
        return found(id, await readState(ctx, (q) => withNext(q, q.getSchedule(id)), stale));
      },
      (req) => req.stale,
    ),
    List: unary(
      ctx,
      m.List,
      async ({ pageSize, pageToken, stale }) => {
        if (pageSize < 0) throw invalid(`page_size: must be >= 0, got ${pageSize}`);
        const size = pageSize === 0 ? DEFAULT_PAGE : Math.min(pageSize, MAX_PAGE);
        return readState(
          ctx,
          (q) => {
            // Ids are listed in order, so a page token is the last id of the previous page.
            const after = q.listSchedules().filter((s) => s.id > pageToken);
            const page = after.slice(0, size);
            const next = after.length > size ? (page[page.length - 1]?.id ?? '') : '';
            return { schedules: page.map((s) => withNext(q, s) as wire.Schedule), nextPageToken: next };
          },
          stale,
        );
      },
      (req) => req.stale,
    ),
  };
  server.addService(Schedules.service, impl);
}

/** Propose `scheduleSet` once the definition's shape, cron expression and time zone are checked. */
async function setSchedule(ctx: ServiceContext, mode: 'create' | 'update' | 'upsert', spec: wire.ScheduleSpec__Output | null): Promise<ScheduleSetResult> {
  if (spec === null) throw invalid('schedule: required');
  const def: ScheduleDefinition = specToScheduleDefinition(spec);
  const v = validateCommand({ type: 'scheduleSet', mode, schedule: def } satisfies Command, ctx.node.query.options);
  const problems = v.ok ? [] : [...v.problems];
  // Meaning after shape: a cron expression or zone of the wrong shape is reported once.
  if (!problems.some((p) => p.startsWith('schedule.cron') || p.startsWith('schedule.timeZone'))) {
    problems.push(...validateScheduleSpec({ cron: def.cron, timeZone: def.timeZone }).map((p) => `schedule.${p}`));
  }
  if (problems.length > 0) throw invalid(problems.join('; '), problems);
  return proposeOk<ScheduleSetResult>(ctx, { type: 'scheduleSet', mode, schedule: def });
}

/** A command checked for shape (a schedule id), its problems as INVALID_ARGUMENT. */
function checked(ctx: ServiceContext, command: Command): Command {
  const v = validateCommand(command, ctx.node.query.options);
  if (!v.ok) throw invalid(v.problems.join('; '), v.problems);
  return command;
}

/** The schedule as the write left it (the leader has applied its own write). */
async function written(ctx: ServiceContext, id: string): Promise<wire.Schedule> {
  return found(id, await readState(ctx, (q) => withNext(q, q.getSchedule(id)), true));
}

function withNext(q: JobQueries, s: ScheduleView | null): wire.Schedule | null {
  if (s === null) return null;
  const next = s.paused ? [] : nextSlots(s, Math.max(s.handledThrough, q.now()), NEXT_FIRE_TIMES);
  return scheduleToWire(s, next);
}

function found(id: string, s: wire.Schedule | null): wire.Schedule {
  if (s === null) throw new RaftJobsError(ErrorCode.NotFound, `schedule ${id} not found`);
  return s;
}
