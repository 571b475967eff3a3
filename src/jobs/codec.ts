/**
 * Binary encoding of log entry payloads (`Batch`). On the hot path: no JSON, no base64; payloads
 * and results are raw length-prefixed bytes; optional fields cost one presence bit.
 *
 * Layout: magic `0x4a` ('J'), version, time (float64 LE), command count, then per command a tag
 * byte (`TAG`) and its fields.
 *
 * Version 3 (written now): a submitted job's presence bits are a varint (room for more than
 * eight; bit 256: its group key, bit 512: its unique key), a fail's retry byte carries a throttle
 * (bits 2-3: scope, then the pause), and there are the queueSet (tag 18) and bulk (tag 19)
 * commands.
 * Version 2: a lease carries its worker session, a release its session and mode, and there is an
 * abandon command; the schedule commands (tags 13-17) only add tags. Versions 1 and 2 still
 * decode: a version-1 lease without a session, a release as session '' in `unheld` mode.
 * Schedule templates (in `scheduleSet` and in snapshots) carry none of the version-3 job fields.
 */
import { BULK_ACTIONS, type BulkCommand, type BulkFilter, type QueueSetCommand, type RateLimit, type UniqueOption } from './flow-types.js';
import {
  CATCH_UP_MODES,
  JOB_STATES,
  OVERLAP_POLICIES,
  type Backoff,
  type Batch,
  type Command,
  type FailCommand,
  type HeartbeatCommand,
  type LeaseCommand,
  type LeaseRef,
  type ScheduleDefinition,
  type ScheduleSetCommand,
  type ScheduleTemplate,
  type SubmitJob,
} from './types.js';
import { DecodeError, Reader, Writer } from './wire.js';

const MAGIC = 0x4a;
const VERSION = 3;
/** The first version with varint job presence bits, throttled failures and queueSet. */
const V3 = 3;

/** A decoded value, or why the bytes are not one. */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const TAG = {
  submit: 1,
  lease: 2,
  heartbeat: 3,
  progress: 4,
  complete: 5,
  fail: 6,
  cancel: 7,
  retryDead: 8,
  tick: 9,
  leaderChange: 10,
  release: 11,
  abandon: 12,
  scheduleSet: 13,
  scheduleDelete: 14,
  schedulePause: 15,
  scheduleFire: 16,
  scheduleTrigger: 17,
  queueSet: 18,
  bulk: 19,
} as const satisfies Record<Command['type'], number>;

// Presence bits of a submitted job's optional fields.
const F_PRIORITY = 1;
const F_DELAY = 2;
const F_RUN_AT = 4;
const F_MAX_ATTEMPTS = 8;
const F_BACKOFF = 16;
const F_LEASE_TTL = 32;
const F_IDEMPOTENCY = 64;
const F_RETENTION = 128;
const F_GROUP = 256;
const F_UNIQUE = 512;
// Presence bits of a bulk filter's fields.
const B_QUEUE = 1;
const B_STATES = 2;
const B_GROUP = 4;
const B_OLDER = 8;

/**
 * Encodes a batch. Throws (RangeError/TypeError) on what the format cannot carry, such as a
 * fractional number where an integer belongs: validate commands before proposing them.
 */
export function encodeBatch(batch: Batch): Uint8Array {
  const w = new Writer(estimateSize(batch));
  // The oldest version that carries the batch: one with nothing of version 3 is written as
  // version 2, byte for byte what the code before version 3 wrote and reads. So while a rolling
  // upgrade has nodes of both versions, they read each other's entries until a client uses a
  // version-3 feature (a group or unique key, a throttle, a queue policy, a bulk action).
  const wide = needsV3(batch);
  w.u8(MAGIC);
  w.u8(wide ? VERSION : 2);
  w.f64(batch.time);
  w.uint(batch.commands.length);
  for (const c of batch.commands) encodeCommand(w, c, wide);
  return w.finish();
}

/** Whether `batch` carries anything version 2 cannot: a group or unique key, a throttle, queueSet, bulk. */
function needsV3(batch: Batch): boolean {
  for (const c of batch.commands) {
    if (c.type === 'queueSet' || c.type === 'bulk' || (c.type === 'fail' && c.throttle !== undefined)) return true;
    if (c.type === 'submit') for (const j of c.jobs) if (j.group !== undefined || j.unique !== undefined) return true;
  }
  return false;
}

function estimateSize(batch: Batch): number {
  let n = 64;
  for (const c of batch.commands) {
    n += 32;
    if (c.type === 'submit') for (const j of c.jobs) n += 48 + j.payload.length + j.queue.length;
    else if (c.type === 'complete' && c.result !== undefined) n += c.result.length;
    else if (c.type === 'heartbeat') n += 24 * c.leases.length;
  }
  return n;
}

/** `wide`: version 3 (varint presence bits of a job), else version 2 (one byte). */
function encodeCommand(w: Writer, c: Command, wide: boolean): void {
  const tag = (TAG as Record<string, number | undefined>)[c.type];
  if (tag === undefined) throw new TypeError(`cannot encode unknown command type ${String(c.type)}`);
  w.u8(tag);
  switch (c.type) {
    case 'submit':
      w.uint(c.jobs.length);
      for (const j of c.jobs) encodeJob(w, j, wide);
      return;
    case 'lease':
      w.str(c.workerId);
      w.optStr(c.session ?? null);
      w.uint(c.queues.length);
      for (const q of c.queues) w.str(q);
      w.sint(c.max);
      w.optSint(c.ttlMs ?? null);
      return;
    case 'heartbeat':
      w.optSint(c.ttlMs ?? null);
      w.uint(c.leases.length);
      for (const l of c.leases) {
        w.str(l.jobId);
        w.sint(l.token);
      }
      return;
    case 'progress':
      w.str(c.jobId);
      w.sint(c.token);
      w.f64(c.percent);
      w.optStr(c.message ?? null);
      return;
    case 'complete':
      w.str(c.jobId);
      w.sint(c.token);
      if (c.result === undefined) w.u8(0);
      else {
        w.u8(1);
        w.bytes(c.result);
      }
      return;
    case 'fail': {
      w.str(c.jobId);
      w.sint(c.token);
      w.str(c.error);
      const t = c.throttle;
      w.u8((c.retry === undefined ? 0 : c.retry ? 1 : 2) | (t === undefined ? 0 : t.scope === 'key' ? 4 : 8));
      if (t !== undefined) w.sint(t.retryAfterMs);
      return;
    }
    case 'cancel':
      w.str(c.jobId);
      w.optStr(c.reason ?? null);
      return;
    case 'retryDead':
      w.str(c.jobId);
      w.optSint(c.attempts ?? null);
      return;
    case 'tick':
      return;
    case 'leaderChange':
      w.sint(c.graceMs);
      return;
    case 'release':
      w.str(c.workerId);
      w.str(c.session);
      w.u8(c.mode === 'listed' ? 1 : 0);
      w.uint(c.leases.length);
      for (const l of c.leases) {
        w.str(l.jobId);
        w.sint(l.token);
      }
      return;
    case 'abandon':
      w.str(c.workerId);
      w.str(c.session);
      return;
    case 'scheduleSet':
      w.u8(SET_MODES.indexOf(c.mode));
      writeScheduleDefinition(w, c.schedule, wide);
      return;
    case 'scheduleDelete':
    case 'scheduleTrigger':
      w.str(c.id);
      return;
    case 'schedulePause':
      w.str(c.id);
      w.u8(c.paused ? 1 : 0);
      return;
    case 'scheduleFire':
      w.str(c.id);
      w.sint(c.through);
      w.uint(c.slots.length);
      for (const slot of c.slots) w.sint(slot);
      w.sint(c.skipped);
      return;
    case 'bulk':
      encodeBulk(w, c);
      return;
    case 'queueSet':
      writeQueueSet(w, c);
      return;
  }
}

/** A unique option (version 3 on), after the job's other fields. */
function encodeUnique(w: Writer, u: UniqueOption): void {
  w.str(u.key);
  if (u.mode === 'active') w.u8(0);
  else {
    w.u8(1);
    w.optSint(u.windowMs ?? null);
  }
}

function decodeUnique(r: Reader): UniqueOption {
  const key = r.str();
  const mode = r.u8();
  if (mode > 1) throw new DecodeError(`bad unique mode ${mode}`);
  if (mode === 0) return { key, mode: 'active' };
  const windowMs = r.optSint();
  return windowMs === null ? { key, mode: 'debounce' } : { key, mode: 'debounce', windowMs };
}

function encodeBulk(w: Writer, c: BulkCommand): void {
  w.u8(BULK_ACTIONS.indexOf(c.action));
  const f = c.filter;
  w.u8((f.queue !== undefined ? B_QUEUE : 0) | (f.states !== undefined ? B_STATES : 0) | (f.group !== undefined ? B_GROUP : 0) | (f.olderThanMs !== undefined ? B_OLDER : 0));
  if (f.queue !== undefined) w.str(f.queue);
  if (f.states !== undefined) {
    w.uint(f.states.length);
    for (const st of f.states) w.u8(JOB_STATES.indexOf(st));
  }
  if (f.group !== undefined) w.str(f.group);
  if (f.olderThanMs !== undefined) w.sint(f.olderThanMs);
  w.sint(c.afterSeq);
  w.sint(c.max);
  w.optStr(c.reason ?? null);
}

function decodeBulk(r: Reader): BulkCommand {
  const action = pickOf(BULK_ACTIONS, r.u8(), 'bulk action');
  const flags = r.u8();
  if (flags > 15) throw new DecodeError(`bad bulk filter flags 0x${flags.toString(16)}`);
  const filter: Mutable<BulkFilter> = {};
  if (flags & B_QUEUE) filter.queue = r.str();
  if (flags & B_STATES) {
    const n = r.count();
    const states = new Array<(typeof JOB_STATES)[number]>(n);
    for (let k = 0; k < n; k++) states[k] = pickOf(JOB_STATES, r.u8(), 'job state');
    filter.states = states;
  }
  if (flags & B_GROUP) filter.group = r.str();
  if (flags & B_OLDER) filter.olderThanMs = r.sint();
  const afterSeq = r.sint();
  const max = r.sint();
  const reason = r.optStr();
  return reason === null ? { type: 'bulk', action, filter, afterSeq, max } : { type: 'bulk', action, filter, afterSeq, max, reason };
}

// Presence bits of a queueSet's fields.
const Q_PAUSED = 1;
const Q_CONCURRENCY = 2;
const Q_GROUP_CONCURRENCY = 4;
const Q_OVERRIDES = 8;
const Q_RATE = 16;
const Q_GROUP_RATE = 32;

function writeQueueSet(w: Writer, c: QueueSetCommand): void {
  w.str(c.queue);
  w.u8(
    (c.paused !== undefined ? Q_PAUSED : 0) |
      (c.concurrency !== undefined ? Q_CONCURRENCY : 0) |
      (c.groupConcurrency !== undefined ? Q_GROUP_CONCURRENCY : 0) |
      (c.groupConcurrencyOverrides !== undefined ? Q_OVERRIDES : 0) |
      (c.rate !== undefined ? Q_RATE : 0) |
      (c.groupRate !== undefined ? Q_GROUP_RATE : 0),
  );
  if (c.paused !== undefined) w.u8(c.paused ? 1 : 0);
  if (c.concurrency !== undefined) w.optSint(c.concurrency);
  if (c.groupConcurrency !== undefined) w.optSint(c.groupConcurrency);
  if (c.groupConcurrencyOverrides !== undefined) {
    const entries = Object.entries(c.groupConcurrencyOverrides);
    w.uint(entries.length);
    for (const [key, limit] of entries) {
      w.str(key);
      w.optSint(limit);
    }
  }
  if (c.rate !== undefined) writeRate(w, c.rate);
  if (c.groupRate !== undefined) writeRate(w, c.groupRate);
}

function readQueueSet(r: Reader): QueueSetCommand {
  const queue = r.str();
  const flags = r.u8();
  if (flags > 63) throw new DecodeError(`bad queueSet flags 0x${flags.toString(16)}`);
  const c: Mutable<QueueSetCommand> = { type: 'queueSet', queue };
  if (flags & Q_PAUSED) c.paused = r.bool();
  if (flags & Q_CONCURRENCY) c.concurrency = r.optSint();
  if (flags & Q_GROUP_CONCURRENCY) c.groupConcurrency = r.optSint();
  if (flags & Q_OVERRIDES) {
    const n = r.count();
    const entries: [string, number | null][] = new Array<[string, number | null]>(n);
    for (let k = 0; k < n; k++) entries[k] = [r.str(), r.optSint()];
    // Data properties, even for a key such as `__proto__`.
    c.groupConcurrencyOverrides = Object.fromEntries(entries);
  }
  if (flags & Q_RATE) c.rate = readRate(r);
  if (flags & Q_GROUP_RATE) c.groupRate = readRate(r);
  return c;
}

/** @internal A rate limit or null, as queueSet carries it and snapshots store it. */
export function writeRate(w: Writer, rate: RateLimit | null): void {
  if (rate === null) {
    w.u8(0);
    return;
  }
  w.u8(1);
  w.sint(rate.limit);
  w.sint(rate.periodMs);
  w.optSint(rate.burst ?? null);
}

/** @internal Reads what `writeRate` wrote. */
export function readRate(r: Reader): RateLimit | null {
  if (!r.bool()) return null;
  const limit = r.sint();
  const periodMs = r.sint();
  const burst = r.optSint();
  return burst === null ? { limit, periodMs } : { limit, periodMs, burst };
}

const SET_MODES: readonly ScheduleSetCommand['mode'][] = ['create', 'update', 'upsert'];

// Presence bits of a schedule definition's optional fields.
const S_CRON = 1;
const S_INTERVAL = 2;
const S_TIME_ZONE = 4;
const S_START = 8;
const S_END = 16;
const S_CATCH_UP = 32;
const S_OVERLAP = 64;
const S_PAUSED = 128;

/**
 * @internal A schedule definition, as `scheduleSet` carries it and snapshots store it; `wide`: its
 * template's presence bits as a varint (batch version 3, snapshots), else one byte (version 2).
 */
export function writeScheduleDefinition(w: Writer, d: ScheduleDefinition, wide = true): void {
  w.str(d.id);
  w.u8(
    (d.cron !== undefined ? S_CRON : 0) |
      (d.intervalMs !== undefined ? S_INTERVAL : 0) |
      (d.timeZone !== undefined ? S_TIME_ZONE : 0) |
      (d.startAt !== undefined ? S_START : 0) |
      (d.endAt !== undefined ? S_END : 0) |
      (d.catchUp !== undefined ? S_CATCH_UP : 0) |
      (d.overlap !== undefined ? S_OVERLAP : 0) |
      (d.paused !== undefined ? S_PAUSED : 0),
  );
  if (d.cron !== undefined) w.str(d.cron);
  if (d.intervalMs !== undefined) w.sint(d.intervalMs);
  if (d.timeZone !== undefined) w.str(d.timeZone);
  if (d.startAt !== undefined) w.sint(d.startAt);
  if (d.endAt !== undefined) w.sint(d.endAt);
  if (d.catchUp !== undefined) {
    w.u8(CATCH_UP_MODES.indexOf(d.catchUp.mode));
    w.optSint(d.catchUp.windowMs ?? null);
  }
  if (d.overlap !== undefined) w.u8(OVERLAP_POLICIES.indexOf(d.overlap));
  if (d.paused !== undefined) w.u8(d.paused ? 1 : 0);
  // A template is a submitted job without its timing and key: the same encoding.
  encodeJob(w, d.template, wide);
}

/**
 * @internal Reads what `writeScheduleDefinition` wrote; `wide`: its template's presence bits are a
 * varint (batch version 3, snapshot version 5 on), else one byte.
 */
export function readScheduleDefinition(r: Reader, wide: boolean): ScheduleDefinition {
  const id = r.str();
  const flags = r.u8();
  const d: Mutable<Omit<ScheduleDefinition, 'template'>> = { id };
  if (flags & S_CRON) d.cron = r.str();
  if (flags & S_INTERVAL) d.intervalMs = r.sint();
  if (flags & S_TIME_ZONE) d.timeZone = r.str();
  if (flags & S_START) d.startAt = r.sint();
  if (flags & S_END) d.endAt = r.sint();
  if (flags & S_CATCH_UP) {
    const mode = pickOf(CATCH_UP_MODES, r.u8(), 'catch-up mode');
    const windowMs = r.optSint();
    d.catchUp = windowMs === null ? { mode } : { mode, windowMs };
  }
  if (flags & S_OVERLAP) d.overlap = pickOf(OVERLAP_POLICIES, r.u8(), 'overlap policy');
  if (flags & S_PAUSED) d.paused = r.bool();
  const template: ScheduleTemplate = decodeJob(r, wide);
  return { ...d, template };
}

function pickOf<T>(values: readonly T[], i: number, what: string): T {
  const v = values[i];
  if (v === undefined) throw new DecodeError(`bad ${what} ${i}`);
  return v;
}

/** `wide`: the presence bits as a varint (version 3), else one byte (version 2: no group or unique key). */
function encodeJob(w: Writer, j: SubmitJob, wide: boolean): void {
  const flags =
    (j.priority !== undefined ? F_PRIORITY : 0) |
    (j.delayMs !== undefined ? F_DELAY : 0) |
    (j.runAt !== undefined ? F_RUN_AT : 0) |
    (j.maxAttempts !== undefined ? F_MAX_ATTEMPTS : 0) |
    (j.backoff !== undefined ? F_BACKOFF : 0) |
    (j.leaseTtlMs !== undefined ? F_LEASE_TTL : 0) |
    (j.idempotencyKey !== undefined ? F_IDEMPOTENCY : 0) |
    (j.retentionMs !== undefined ? F_RETENTION : 0) |
    (j.group !== undefined ? F_GROUP : 0) |
    (j.unique !== undefined ? F_UNIQUE : 0);
  if (wide) w.uint(flags);
  else w.u8(flags);
  w.str(j.queue);
  w.bytes(j.payload);
  if (j.priority !== undefined) w.sint(j.priority);
  if (j.delayMs !== undefined) w.sint(j.delayMs);
  if (j.runAt !== undefined) w.sint(j.runAt);
  if (j.maxAttempts !== undefined) w.sint(j.maxAttempts);
  if (j.backoff !== undefined) encodeBackoff(w, j.backoff);
  if (j.leaseTtlMs !== undefined) w.sint(j.leaseTtlMs);
  if (j.idempotencyKey !== undefined) w.str(j.idempotencyKey);
  if (j.retentionMs !== undefined) w.sint(j.retentionMs);
  if (j.group !== undefined) w.str(j.group);
  if (j.unique !== undefined) encodeUnique(w, j.unique);
}

// Backoff head byte: bit 0 exponential, bit 1 jitter present, bit 2 factor present.
function encodeBackoff(w: Writer, b: Backoff): void {
  const factor = b.type === 'exponential' ? b.factor : undefined;
  w.u8((b.type === 'exponential' ? 1 : 0) | (b.jitter !== undefined ? 2 : 0) | (factor !== undefined ? 4 : 0));
  if (b.type === 'fixed') w.sint(b.delayMs);
  else {
    w.sint(b.initialMs);
    w.sint(b.maxMs);
    if (factor !== undefined) w.f64(factor);
  }
  if (b.jitter !== undefined) w.f64(b.jitter);
}

/** Bytes before a batch's time: magic and version. */
const TIME_OFFSET = 2;

/**
 * The time of an encoded batch without decoding its commands (O(1)), or null when `bytes` is not
 * a batch of a version this code reads (every version has the time in the same place) or too
 * short to hold a time.
 */
export function batchTime(bytes: Uint8Array): number | null {
  const version = bytes[1];
  if (bytes.length < TIME_OFFSET + 8 || bytes[0] !== MAGIC || version === undefined || version < 1 || version > VERSION) return null;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(TIME_OFFSET, true);
}

/**
 * Decodes what `encodeBatch` wrote. Malformed input (wrong magic or version, truncation, bad
 * UTF-8, unknown tags, trailing bytes) yields `{ ok: false, error }`, never a throw. Byte fields
 * are copied out, so the result does not keep `bytes` alive.
 */
export function decodeBatch(bytes: Uint8Array): Decoded<Batch> {
  try {
    const r = new Reader(bytes);
    const magic = r.u8();
    if (magic !== MAGIC) throw new DecodeError(`not a job batch (magic 0x${magic.toString(16)})`);
    const version = r.u8();
    if (version < 1 || version > VERSION) throw new DecodeError(`unsupported batch version ${version}`);
    const time = r.f64();
    const n = r.count();
    const commands: Command[] = new Array<Command>(n);
    for (let i = 0; i < n; i++) commands[i] = decodeCommand(r, i, version);
    r.end();
    return { ok: true, value: { time, commands } };
  } catch (err) {
    if (err instanceof DecodeError) return { ok: false, error: `decodeBatch: ${err.message}` };
    throw err;
  }
}

function decodeCommand(r: Reader, i: number, version: number): Command {
  const tag = r.u8();
  // Version 1 had no abandon and no schedule commands, version 2 no bulk command.
  if ((version === 1 && tag > TAG.release) || (version < 3 && tag > TAG.scheduleTrigger)) throw new DecodeError(`commands[${i}]: unknown command tag ${tag}`);
  switch (tag) {
    case TAG.submit: {
      const n = r.count();
      const jobs: SubmitJob[] = new Array<SubmitJob>(n);
      for (let k = 0; k < n; k++) jobs[k] = decodeJob(r, version >= V3);
      return { type: 'submit', jobs };
    }
    case TAG.lease: {
      const workerId = r.str();
      const session = version === 1 ? null : r.optStr();
      const nq = r.count();
      const queues: string[] = new Array<string>(nq);
      for (let k = 0; k < nq; k++) queues[k] = r.str();
      const c: Mutable<LeaseCommand> = { type: 'lease', workerId, queues, max: r.sint() };
      if (session !== null) c.session = session;
      const ttl = r.optSint();
      if (ttl !== null) c.ttlMs = ttl;
      return c;
    }
    case TAG.heartbeat: {
      const ttl = r.optSint();
      const n = r.count();
      const leases: LeaseRef[] = new Array<LeaseRef>(n);
      for (let k = 0; k < n; k++) leases[k] = { jobId: r.str(), token: r.sint() };
      const c: Mutable<HeartbeatCommand> = { type: 'heartbeat', leases };
      if (ttl !== null) c.ttlMs = ttl;
      return c;
    }
    case TAG.progress: {
      const jobId = r.str();
      const token = r.sint();
      const percent = r.f64();
      const message = r.optStr();
      return message === null ? { type: 'progress', jobId, token, percent } : { type: 'progress', jobId, token, percent, message };
    }
    case TAG.complete: {
      const jobId = r.str();
      const token = r.sint();
      return r.bool() ? { type: 'complete', jobId, token, result: r.bytes() } : { type: 'complete', jobId, token };
    }
    case TAG.fail: {
      const jobId = r.str();
      const token = r.sint();
      const error = r.str();
      const head = r.u8();
      const retry = head & 3;
      const scope = head >> 2;
      if (retry > 2 || scope > 2 || (scope > 0 && version < V3)) throw new DecodeError(`commands[${i}]: bad retry flag ${head}`);
      const c: Mutable<FailCommand> = { type: 'fail', jobId, token, error };
      if (retry !== 0) c.retry = retry === 1;
      if (scope !== 0) c.throttle = { scope: scope === 1 ? 'key' : 'queue', retryAfterMs: r.sint() };
      return c;
    }
    case TAG.cancel: {
      const jobId = r.str();
      const reason = r.optStr();
      return reason === null ? { type: 'cancel', jobId } : { type: 'cancel', jobId, reason };
    }
    case TAG.retryDead: {
      const jobId = r.str();
      const attempts = r.optSint();
      return attempts === null ? { type: 'retryDead', jobId } : { type: 'retryDead', jobId, attempts };
    }
    case TAG.tick:
      return { type: 'tick' };
    case TAG.leaderChange:
      return { type: 'leaderChange', graceMs: r.sint() };
    case TAG.release: {
      const workerId = r.str();
      const session = version === 1 ? '' : r.str();
      const modeByte = version === 1 ? 0 : r.u8();
      if (modeByte > 1) throw new DecodeError(`commands[${i}]: bad release mode ${modeByte}`);
      const n = r.count();
      const leases: LeaseRef[] = new Array<LeaseRef>(n);
      for (let k = 0; k < n; k++) leases[k] = { jobId: r.str(), token: r.sint() };
      return { type: 'release', workerId, session, mode: modeByte === 1 ? 'listed' : 'unheld', leases };
    }
    case TAG.abandon: {
      const workerId = r.str();
      return { type: 'abandon', workerId, session: r.str() };
    }
    case TAG.scheduleSet: {
      const mode = pickOf(SET_MODES, r.u8(), 'scheduleSet mode');
      return { type: 'scheduleSet', mode, schedule: readScheduleDefinition(r, version >= V3) };
    }
    case TAG.scheduleDelete:
      return { type: 'scheduleDelete', id: r.str() };
    case TAG.schedulePause: {
      const id = r.str();
      return { type: 'schedulePause', id, paused: r.bool() };
    }
    case TAG.scheduleFire: {
      const id = r.str();
      const through = r.sint();
      const n = r.count();
      const slots: number[] = new Array<number>(n);
      for (let k = 0; k < n; k++) slots[k] = r.sint();
      return { type: 'scheduleFire', id, through, slots, skipped: r.sint() };
    }
    case TAG.scheduleTrigger:
      return { type: 'scheduleTrigger', id: r.str() };
    case TAG.bulk:
      if (version < V3) throw new DecodeError(`commands[${i}]: unknown command tag ${tag}`);
      return decodeBulk(r);
    case TAG.queueSet:
      if (version < V3) throw new DecodeError(`commands[${i}]: unknown command tag ${tag}`);
      return readQueueSet(r);
    default:
      throw new DecodeError(`commands[${i}]: unknown command tag ${tag}`);
  }
}

/** `wide`: the presence bits are a varint (version 3 on), else one byte. */
function decodeJob(r: Reader, wide: boolean): SubmitJob {
  const flags = wide ? r.uint() : r.u8();
  if (flags >= 2 * F_UNIQUE) throw new DecodeError(`bad job flags 0x${flags.toString(16)}`);
  const j: Mutable<SubmitJob> = { queue: r.str(), payload: r.bytes() };
  if (flags & F_PRIORITY) j.priority = r.sint();
  if (flags & F_DELAY) j.delayMs = r.sint();
  if (flags & F_RUN_AT) j.runAt = r.sint();
  if (flags & F_MAX_ATTEMPTS) j.maxAttempts = r.sint();
  if (flags & F_BACKOFF) j.backoff = decodeBackoff(r);
  if (flags & F_LEASE_TTL) j.leaseTtlMs = r.sint();
  if (flags & F_IDEMPOTENCY) j.idempotencyKey = r.str();
  if (flags & F_RETENTION) j.retentionMs = r.sint();
  if (flags & F_GROUP) j.group = r.str();
  if (flags & F_UNIQUE) j.unique = decodeUnique(r);
  return j;
}

function decodeBackoff(r: Reader): Backoff {
  const head = r.u8();
  if (head > 7) throw new DecodeError(`bad backoff head 0x${head.toString(16)}`);
  if ((head & 1) === 0) {
    if (head & 4) throw new DecodeError('fixed backoff with a factor');
    const delayMs = r.sint();
    return head & 2 ? { type: 'fixed', delayMs, jitter: r.f64() } : { type: 'fixed', delayMs };
  }
  const b: Mutable<Extract<Backoff, { type: 'exponential' }>> = { type: 'exponential', initialMs: r.sint(), maxMs: r.sint() };
  if (head & 4) b.factor = r.f64();
  if (head & 2) b.jitter = r.f64();
  return b;
}
