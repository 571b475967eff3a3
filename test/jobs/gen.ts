/** A seeded generator of plausible (and sometimes invalid) batches, for codec and replica tests. */
import {
  BULK_ACTIONS,
  BULK_STATES,
  CATCH_UP_MODES,
  OVERLAP_POLICIES,
  type Backoff,
  type Batch,
  type BulkFilter,
  type Command,
  type CommandResult,
  type QueueSetCommand,
  type RateLimit,
  type ScheduleDefinition,
  type SubmitJob,
} from '../../src/jobs/index.js';
import type { rng } from './rng.js';

type Rng = ReturnType<typeof rng>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const QUEUES = ['a', 'b', 'c.high', 'd:low'];

/** What the generator knows about the state it feeds: ids and leases seen in results. */
export class GenContext {
  ids: string[] = [];
  leases: { jobId: string; token: number }[] = [];
  time = 1_000_000;
  /** Also make schedule commands (off by default, so the streams of older seeds stay as they were). */
  schedules = false;
  /** Also make flow-control commands and settings: group keys, queue policies, throttled failures, unique keys and bulk commands (off by default, as `schedules`). */
  flow = false;

  /** Learns ids and tokens from the results of a batch it generated. */
  observe(results: readonly CommandResult[]): void {
    for (const r of results) {
      if (!r.ok) continue;
      if (r.type === 'submit') for (const j of r.jobs) if (!j.duplicate) this.ids.push(j.id);
      if (r.type === 'lease') for (const g of r.leases) this.leases.push({ jobId: g.jobId, token: g.token });
    }
    if (this.leases.length > 200) this.leases = this.leases.slice(-200);
  }
}

function randomBackoff(r: Rng): Backoff {
  if (r.next() < 0.5) {
    const b: Mutable<Extract<Backoff, { type: 'fixed' }>> = { type: 'fixed', delayMs: r.int(0, 3000) };
    if (r.next() < 0.5) b.jitter = r.next();
    return b;
  }
  const initialMs = r.int(0, 1000);
  const b: Mutable<Extract<Backoff, { type: 'exponential' }>> = { type: 'exponential', initialMs, maxMs: initialMs + r.int(0, 10_000) };
  if (r.next() < 0.5) b.factor = 1 + r.next() * 3;
  if (r.next() < 0.5) b.jitter = r.next();
  return b;
}

export function randomJob(r: Rng, ctx: GenContext): SubmitJob {
  const payload = new Uint8Array(r.int(0, 40));
  for (let i = 0; i < payload.length; i++) payload[i] = r.int(0, 255);
  const j: Mutable<SubmitJob> = { queue: r.pick(QUEUES), payload };
  if (r.next() < 0.5) j.priority = r.int(-3, 3);
  const when = r.next();
  if (when < 0.3) j.delayMs = r.int(0, 5000);
  else if (when < 0.4) j.runAt = ctx.time + r.int(-2000, 5000);
  if (r.next() < 0.5) j.maxAttempts = r.int(1, 4);
  if (r.next() < 0.5) j.backoff = randomBackoff(r);
  if (r.next() < 0.5) j.leaseTtlMs = r.int(100, 4000);
  if (r.next() < 0.3) j.idempotencyKey = `key-${r.int(0, 30)}`;
  if (r.next() < 0.2) j.retentionMs = r.int(0, 100_000);
  if (ctx.flow && r.next() < 0.4) {
    const key = `u-${r.int(0, 4)}`;
    if (r.next() < 0.4) j.unique = { key, mode: 'active' };
    else j.unique = r.next() < 0.5 ? { key, mode: 'debounce' } : { key, mode: 'debounce', windowMs: r.int(1, 4000) };
  }
  if (ctx.flow && r.next() < 0.6) j.group = r.pick(GROUPS);
  return j;
}

/** A bulk command over the generator's queues, from the start or from a recent sequence number. */
function randomBulk(r: Rng, ctx: GenContext): Command {
  const action = r.pick(BULK_ACTIONS);
  const filter: Mutable<BulkFilter> = {};
  if (r.next() < 0.5) filter.queue = r.pick(QUEUES);
  if (r.next() < 0.3) filter.states = [r.pick(BULK_STATES[action])];
  if (r.next() < 0.3) filter.olderThanMs = r.int(0, 5000);
  if (r.next() < 0.1) filter.group = '';
  const afterSeq = r.next() < 0.6 || ctx.ids.length === 0 ? 0 : r.int(0, ctx.ids.length);
  const c = { type: 'bulk', action, filter, afterSeq, max: r.int(1, 6) } as const;
  return action === 'cancel' && r.next() < 0.5 ? { ...c, reason: 'bulk' } : c;
}

function someLease(r: Rng, ctx: GenContext): { jobId: string; token: number } {
  if (ctx.leases.length > 0 && r.next() < 0.85) return r.pick(ctx.leases);
  return { jobId: ctx.ids.length > 0 ? r.pick(ctx.ids) : 'zzzzzzzzzz', token: r.int(1, 500) };
}

const SCHEDULE_IDS = ['s.a', 's.b', 's:c'];
const GROUPS = ['g1', 'g2', 'g3', 'tenant:4'];

function randomRate(r: Rng): RateLimit | null {
  if (r.next() < 0.3) return null;
  const rate: Mutable<RateLimit> = { limit: r.int(1, 4), periodMs: r.int(1, 3000) };
  if (r.next() < 0.5) rate.burst = r.int(1, 5);
  return rate;
}

/** A queueSet over the generator's queues: each field sometimes set, sometimes cleared. */
function randomQueueSet(r: Rng): Command {
  const c: Mutable<QueueSetCommand> = { type: 'queueSet', queue: r.pick(QUEUES) };
  if (r.next() < 0.3) c.paused = r.next() < 0.3;
  if (r.next() < 0.4) c.concurrency = r.next() < 0.2 ? null : r.int(1, 5);
  if (r.next() < 0.4) c.groupConcurrency = r.next() < 0.2 ? null : r.int(1, 3);
  if (r.next() < 0.2) c.groupConcurrencyOverrides = { [r.pick(GROUPS)]: r.next() < 0.3 ? null : r.int(1, 4) };
  if (r.next() < 0.4) c.rate = randomRate(r);
  if (r.next() < 0.4) c.groupRate = randomRate(r);
  return c;
}

/** Schedule commands over a few ids: definitions of every kind, and fire proposals that are sometimes stale or early. */
function randomScheduleCommand(r: Rng, ctx: GenContext): Command {
  const id = r.pick(SCHEDULE_IDS);
  const k = r.next();
  if (k < 0.2) {
    const d: Mutable<ScheduleDefinition> = { id, template: { queue: r.pick(QUEUES), payload: new Uint8Array([r.int(0, 255)]) } };
    if (r.next() < 0.7) d.intervalMs = 1000 * r.int(1, 3);
    else d.cron = r.pick(['* * * * * *', '*/2 * * * * *']);
    // On whole seconds, so the fire proposals below lie on interval grids.
    if (r.next() < 0.3) d.startAt = 1000 * Math.floor(ctx.time / 1000 + r.int(-3, 3));
    if (r.next() < 0.2) d.endAt = ctx.time + r.int(0, 20_000);
    if (r.next() < 0.5) d.overlap = r.pick(OVERLAP_POLICIES);
    if (r.next() < 0.5) d.catchUp = { mode: r.pick(CATCH_UP_MODES), windowMs: r.int(1000, 10_000) };
    if (r.next() < 0.2) d.paused = r.next() < 0.5;
    if (d.startAt !== undefined && d.endAt !== undefined && d.endAt < d.startAt) d.endAt = d.startAt;
    return { type: 'scheduleSet', mode: r.pick(['create', 'create', 'update', 'upsert'] as const), schedule: d };
  }
  if (k < 0.22) return { type: 'scheduleDelete', id };
  if (k < 0.3) return { type: 'schedulePause', id, paused: r.next() < 0.3 };
  if (k < 0.35) return { type: 'scheduleTrigger', id };
  const through = ctx.time - r.int(0, 1500);
  const first = Math.floor(through / 1000) * 1000 - 1000 * r.int(0, 4);
  const slots: number[] = [];
  for (let t = first; t <= through; t += 1000) if (r.next() < 0.8) slots.push(t);
  return { type: 'scheduleFire', id, through, slots, skipped: r.int(0, 2) };
}

export function randomCommand(r: Rng, ctx: GenContext): Command {
  if (ctx.schedules && r.next() < 0.25) return randomScheduleCommand(r, ctx);
  if (ctx.flow && r.next() < 0.06) return randomBulk(r, ctx);
  if (ctx.flow && r.next() < 0.06) return randomQueueSet(r);
  const k = r.next();
  if (k < 0.2) return { type: 'submit', jobs: Array.from({ length: r.int(1, 5) }, () => randomJob(r, ctx)) };
  if (k < 0.35) {
    const c: Mutable<Extract<Command, { type: 'lease' }>> = {
      type: 'lease',
      workerId: `w${r.int(1, 3)}`,
      queues: Array.from({ length: r.int(1, 3) }, () => r.pick(QUEUES)),
      max: r.int(1, 4),
    };
    if (r.next() < 0.3) c.ttlMs = r.int(100, 3000);
    if (r.next() < 0.7) c.session = `s${r.int(1, 2)}`;
    return c;
  }
  if (k < 0.45) {
    const c: Mutable<Extract<Command, { type: 'heartbeat' }>> = {
      type: 'heartbeat',
      leases: Array.from({ length: r.int(1, 3) }, () => someLease(r, ctx)),
    };
    if (r.next() < 0.5) c.ttlMs = r.int(100, 3000);
    return c;
  }
  if (k < 0.58) {
    const l = someLease(r, ctx);
    return r.next() < 0.5 ? { type: 'complete', ...l } : { type: 'complete', ...l, result: new Uint8Array([r.int(0, 255), 1, 2]) };
  }
  if (k < 0.7) {
    const l = someLease(r, ctx);
    const c: Mutable<Extract<Command, { type: 'fail' }>> = { type: 'fail', ...l, error: r.next() < 0.2 ? 'ünïcødé ⚠' : `err ${r.int(0, 9)}` };
    if (r.next() < 0.3) c.retry = r.next() < 0.5;
    if (ctx.flow && r.next() < 0.3) c.throttle = { scope: r.next() < 0.7 ? 'key' : 'queue', retryAfterMs: r.int(1, 4000) };
    return c;
  }
  if (k < 0.75) {
    const l = someLease(r, ctx);
    return r.next() < 0.5 ? { type: 'progress', ...l, percent: r.next() * 100 } : { type: 'progress', ...l, percent: r.int(0, 100), message: 'step' };
  }
  const jobId = ctx.ids.length > 0 ? r.pick(ctx.ids) : 'zzzzzzzzzz';
  if (k < 0.8) return r.next() < 0.5 ? { type: 'cancel', jobId } : { type: 'cancel', jobId, reason: 'why' };
  if (k < 0.85) return r.next() < 0.5 ? { type: 'retryDead', jobId } : { type: 'retryDead', jobId, attempts: r.int(1, 3) };
  if (k < 0.92) return { type: 'tick' };
  if (k < 0.95) {
    const workerId = `w${r.int(1, 3)}`;
    const session = `s${r.int(1, 2)}`;
    if (r.next() < 0.35) return { type: 'abandon', workerId, session };
    const leases = Array.from({ length: r.int(0, 3) }, () => someLease(r, ctx));
    if (r.next() < 0.5) return { type: 'release', workerId, session, mode: 'unheld', leases };
    return { type: 'release', workerId, session, mode: 'listed', leases: leases.length > 0 ? leases : [someLease(r, ctx)] };
  }
  if (k < 0.98) return { type: 'leaderChange', graceMs: r.int(1, 3000) };
  // Invalid on purpose: must be rejected identically everywhere.
  return { type: 'submit', jobs: [{ queue: 'bad queue', payload: new Uint8Array(), delayMs: -1 }] };
}

/** A batch with time moving forward mostly, sometimes backwards (a leader whose clock is behind). */
export function randomBatch(r: Rng, ctx: GenContext): Batch {
  ctx.time += r.next() < 0.1 ? -r.int(0, 2000) : r.int(0, 800);
  const n = r.int(0, 6);
  return { time: ctx.time, commands: Array.from({ length: n }, () => randomCommand(r, ctx)) };
}
