/**
 * The stored form of a recurring schedule (docs/design.md "Schedules"): its definition with
 * defaults filled in, and its runtime. Changed only by the schedule reducers (reduce-schedule.ts)
 * and by `finish` (a `bufferOne` slot wakes when the previous job finishes).
 */
import type { JobsOptions } from './options.js';
import { packBytes, unpackBytes, type PackedBytes } from './packed.js';
import type { ScheduleTemplateView, ScheduleView } from './results.js';
import type { JobsState } from './state.js';
import type { CatchUpMode, OverlapPolicy, ScheduleDefinition, ScheduleTemplate, SubmitJob } from './types.js';

/** The time zone of a schedule that names none. */
export const DEFAULT_TIME_ZONE = 'UTC';

export class ScheduleRecord {
  // Definition (replaced as a whole by an update).
  cron: string | null = null;
  intervalMs: number | null = null;
  timeZone = DEFAULT_TIME_ZONE;
  startAt: number | null = null;
  endAt: number | null = null;
  /** As given, payload included (the bytes a snapshot writes). */
  template!: ScheduleTemplate;
  /** The template's payload packed once, shared by every job the schedule creates. */
  packedPayload!: PackedBytes;
  catchUpMode: CatchUpMode = 'latest';
  catchUpWindowMs = 0;
  overlap: OverlapPolicy = 'allow';
  paused = false;
  // Runtime.
  /** Every slot at or before this time has been fired or skipped, ms. */
  handledThrough = 0;
  lastSlot: number | null = null;
  lastJobId: string | null = null;
  pendingSlot: number | null = null;
  fired = 0;
  skipped = 0;
  triggered = 0;
  createdAt = 0;
  updatedAt = 0;

  constructor(readonly id: string) {}

  /** Takes the definition's fields, defaults filled in (`paused` is the reducer's business). */
  define(def: ScheduleDefinition, o: JobsOptions): void {
    this.cron = def.cron ?? null;
    this.intervalMs = def.intervalMs ?? null;
    this.timeZone = def.timeZone ?? DEFAULT_TIME_ZONE;
    this.startAt = def.startAt ?? null;
    this.endAt = def.endAt ?? null;
    this.template = templateOf(def.template);
    this.packedPayload = packBytes(def.template.payload);
    this.catchUpMode = def.catchUp?.mode ?? 'latest';
    this.catchUpWindowMs = def.catchUp?.windowMs ?? o.defaultCatchUpWindowMs;
    this.overlap = def.overlap ?? 'allow';
  }

  /** The definition with every default filled in, as `scheduleSet` would recreate it. */
  definition(): ScheduleDefinition {
    const d: { -readonly [K in keyof ScheduleDefinition]: ScheduleDefinition[K] } = {
      id: this.id,
      timeZone: this.timeZone,
      template: this.template,
      catchUp: { mode: this.catchUpMode, windowMs: this.catchUpWindowMs },
      overlap: this.overlap,
      paused: this.paused,
    };
    if (this.cron !== null) d.cron = this.cron;
    if (this.intervalMs !== null) d.intervalMs = this.intervalMs;
    if (this.startAt !== null) d.startAt = this.startAt;
    if (this.endAt !== null) d.endAt = this.endAt;
    return d;
  }

  /** True when `def` times slots differently from this schedule (cron, interval, time zone, start). */
  timingDiffers(def: ScheduleDefinition): boolean {
    return (
      (def.cron ?? null) !== this.cron ||
      (def.intervalMs ?? null) !== this.intervalMs ||
      (def.timeZone ?? DEFAULT_TIME_ZONE) !== this.timeZone ||
      (def.startAt ?? null) !== this.startAt
    );
  }

  /** The submit a slot's job is made from, with its idempotency key. */
  submitFor(key: string): SubmitJob {
    return { ...this.template, idempotencyKey: key };
  }
}

/** Only the template's own fields, so a definition carrying more keeps none of them. */
function templateOf(t: ScheduleTemplate): ScheduleTemplate {
  const out: { -readonly [K in keyof ScheduleTemplate]: ScheduleTemplate[K] } = { queue: t.queue, payload: t.payload };
  if (t.priority !== undefined) out.priority = t.priority;
  if (t.maxAttempts !== undefined) out.maxAttempts = t.maxAttempts;
  if (t.backoff !== undefined) out.backoff = t.backoff;
  if (t.leaseTtlMs !== undefined) out.leaseTtlMs = t.leaseTtlMs;
  if (t.retentionMs !== undefined) out.retentionMs = t.retentionMs;
  return Object.freeze(out);
}

/** The schedules' ids in order: the order of snapshots, digests and listings. */
export function scheduleIds(state: JobsState): string[] {
  return [...state.schedules.keys()].sort();
}

export function toScheduleView(state: JobsState, s: ScheduleRecord): ScheduleView {
  const t = s.template;
  const template: ScheduleTemplateView = {
    queue: t.queue,
    payload: unpackBytes(s.packedPayload),
    priority: t.priority ?? 0,
    maxAttempts: t.maxAttempts ?? null,
    backoff: t.backoff ?? null,
    leaseTtlMs: t.leaseTtlMs ?? null,
    retentionMs: t.retentionMs ?? null,
  };
  const last = s.lastJobId === null ? undefined : state.jobs.get(s.lastJobId);
  return {
    id: s.id,
    cron: s.cron,
    intervalMs: s.intervalMs,
    timeZone: s.timeZone,
    startAt: s.startAt,
    endAt: s.endAt,
    template,
    catchUp: { mode: s.catchUpMode, windowMs: s.catchUpWindowMs },
    overlap: s.overlap,
    paused: s.paused,
    handledThrough: s.handledThrough,
    lastSlot: s.lastSlot,
    lastJobId: s.lastJobId,
    lastJobState: last === undefined ? null : last.state,
    pendingSlot: s.pendingSlot,
    fired: s.fired,
    skipped: s.skipped,
    triggered: s.triggered,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}
