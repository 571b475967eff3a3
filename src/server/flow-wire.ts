/*
 * The server's mappers of flow control (issue 19) from the wire to the commands of
 * src/jobs/flow-types.ts: JobSpec.group and unique, FailRequest.throttle, SetQueueRequest and
 * BulkRequest. As in wire.ts, numbers pass through unchanged, so the state machine's validation
 * (`validateCommand`) reports a value out of range once, with its bounds; what only the wire can
 * get wrong (an enum value that is not one, fields that contradict each other, "0 removes" next to
 * other settings) is reported here, naming the fields as proto/jobs.proto spells them.
 */
import type { BulkCommand, BulkFilter, JobState, QueueSetCommand, RateLimit, Throttle, UniqueOption, UniqueView } from '../jobs/index.js';
import type { wire } from '../protocol/index.js';

/** A decoded value, or the problems that keep it from being one (field paths as the .proto spells them). */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

/** Unique modes as the wire spells them (`UniqueMode`), by their name in src/jobs. */
const UNIQUE_MODE_TO_WIRE = { active: 'UNIQUE_MODE_ACTIVE', debounce: 'UNIQUE_MODE_DEBOUNCE' } as const;
const UNIQUE_MODES: Readonly<Record<string, UniqueOption['mode']>> = Object.fromEntries(Object.entries(UNIQUE_MODE_TO_WIRE).map(([k, v]) => [v, k as UniqueOption['mode']]));
const THROTTLE_SCOPES: Readonly<Record<string, Throttle['scope']>> = { THROTTLE_SCOPE_UNSPECIFIED: 'key', THROTTLE_SCOPE_KEY: 'key', THROTTLE_SCOPE_QUEUE: 'queue' };

/** Bulk actions as the wire spells them (`BulkAction`), by their name in src/jobs. */
export const BULK_ACTION_TO_WIRE: Readonly<Record<BulkCommand['action'], string>> = {
  retryDead: 'BULK_ACTION_RETRY_DEAD',
  cancel: 'BULK_ACTION_CANCEL',
  purge: 'BULK_ACTION_PURGE',
};
const WIRE_BULK_ACTIONS: Readonly<Record<string, BulkCommand['action']>> = Object.fromEntries(Object.entries(BULK_ACTION_TO_WIRE).map(([k, v]) => [v, k as BulkCommand['action']]));

/** Jobs acted on per bulk command when BulkRequest.batch_size is 0. */
export const DEFAULT_BULK_BATCH = 1000;

/** How an enum value that is not one of `names` is reported. */
function enumProblem(path: string, value: unknown, names: readonly string[]): string {
  return `${path}: must be ${names.slice(0, -1).join(', ')}${names.length > 1 ? ' or ' : ''}${names[names.length - 1] ?? ''}, got ${JSON.stringify(value)}`;
}

/**
 * The flow-control fields of one JobSpec (`jobs[index]`), to add to its `SubmitJob`: the group key
 * when set, and the unique option with its mode by the state machine's name (a window of 0 is
 * none). A unique option whose mode is missing or unknown is a problem.
 */
export function jobSpecFlow(s: wire.JobSpec__Output, index: number): Decoded<{ readonly group?: string; readonly unique?: UniqueOption }> {
  const out: { group?: string; unique?: UniqueOption } = {};
  if (s.group !== '') out.group = s.group;
  const u = s.unique;
  if (u === null) return { ok: true, value: out };
  const at = `jobs[${index}].unique`;
  const mode = UNIQUE_MODES[String(u.mode)];
  if (mode === undefined) return { ok: false, problems: [enumProblem(`${at}.mode`, u.mode, Object.keys(UNIQUE_MODES))] };
  // A window with mode ACTIVE passes on, for the validation to refuse.
  out.unique = { key: u.key, mode, ...(u.windowMs !== 0 ? { windowMs: u.windowMs } : {}) };
  return { ok: true, value: out };
}

/** A job's unique key as the wire `Unique` message (window 0 for mode active). */
export function uniqueToWire(u: UniqueView): wire.Unique {
  return { key: u.key, mode: UNIQUE_MODE_TO_WIRE[u.mode], windowMs: u.windowMs ?? 0 };
}

/** A FailRequest's throttle (null when it has none), by the state machine's names. */
export function throttleFromWire(f: wire.FailRequest__Output): Decoded<Throttle | null> {
  const t = f.throttle;
  if (t === null) return { ok: true, value: null };
  const scope = THROTTLE_SCOPES[String(t.scope)];
  const problems: string[] = [];
  if (scope === undefined) problems.push(enumProblem('throttle.scope', t.scope, ['THROTTLE_SCOPE_KEY', 'THROTTLE_SCOPE_QUEUE']));
  if (f.noRetry) problems.push('throttle: cannot be combined with no_retry (a throttled attempt does not count; no_retry ends the job)');
  return scope === undefined || problems.length > 0 ? { ok: false, problems } : { ok: true, value: { scope, retryAfterMs: t.retryAfterMs } };
}

/**
 * A rate as SetQueueRequest carries it: absent keeps the bucket (undefined), `limit` 0 removes it
 * (null, and then the other fields must be 0 too), anything else is the new bucket (`burst` 0:
 * the default). Negative numbers pass through for the validation to report.
 */
function rateChange(r: wire.RateLimit__Output | null, path: string, problems: string[]): RateLimit | null | undefined {
  if (r === null) return undefined;
  if (r.limit === 0) {
    if (r.periodMs !== 0 || r.burst !== 0) problems.push(`${path}: limit 0 removes the bucket; leave period_ms and burst 0 with it, got period_ms ${r.periodMs} and burst ${r.burst}`);
    return null;
  }
  return { limit: r.limit, periodMs: r.periodMs, ...(r.burst !== 0 ? { burst: r.burst } : {}) };
}

/** A limit as SetQueueRequest carries it: absent keeps it (undefined), 0 removes it (null). */
const limitChange = (v: number | undefined): number | null | undefined => (v === undefined ? undefined : v === 0 ? null : v);

/**
 * A SetQueueRequest as the `queueSet` command: what is absent stays, 0 removes (null). The listed
 * overrides merge into the stored ones, 0 removing a key's.
 */
export function queueSetFromWire(r: wire.SetQueueRequest__Output): Decoded<QueueSetCommand> {
  const problems: string[] = [];
  const command: { -readonly [K in keyof QueueSetCommand]: QueueSetCommand[K] } = { type: 'queueSet', queue: r.queue };
  if (r.paused !== undefined) command.paused = r.paused;
  const concurrency = limitChange(r.concurrency);
  if (concurrency !== undefined) command.concurrency = concurrency;
  const groupConcurrency = limitChange(r.groupConcurrency);
  if (groupConcurrency !== undefined) command.groupConcurrency = groupConcurrency;
  const rate = rateChange(r.rate, 'rate', problems);
  if (rate !== undefined) command.rate = rate;
  const groupRate = rateChange(r.groupRate, 'group_rate', problems);
  if (groupRate !== undefined) command.groupRate = groupRate;
  const overrides = Object.entries(r.groupConcurrencyOverrides);
  if (overrides.length > 0) command.groupConcurrencyOverrides = Object.fromEntries(overrides.map(([key, limit]) => [key, limitChange(limit) ?? null]));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: command };
}

/** A BulkRequest as the first batch's command (afterSeq 0) and whether it is a dry run. */
export function bulkCommandFromWire(r: wire.BulkRequest__Output): Decoded<{ readonly command: BulkCommand; readonly dryRun: boolean }> {
  const problems: string[] = [];
  const action = WIRE_BULK_ACTIONS[String(r.action)];
  if (action === undefined) problems.push(enumProblem('action', r.action, Object.keys(WIRE_BULK_ACTIONS)));
  const f = r.filter;
  const filter: { -readonly [K in keyof BulkFilter]: BulkFilter[K] } = {};
  if (f !== null) {
    if (f.queue !== '') filter.queue = f.queue;
    // States it does not know, or that the action does not apply to, pass on for the validation.
    if (f.states.length > 0) filter.states = f.states as JobState[];
    if (f.group !== undefined) filter.group = f.group;
    if (f.olderThanMs !== 0) filter.olderThanMs = f.olderThanMs;
  }
  if (action === undefined) return { ok: false, problems };
  const command: BulkCommand = {
    type: 'bulk',
    action,
    filter,
    afterSeq: 0,
    max: r.batchSize === 0 ? DEFAULT_BULK_BATCH : r.batchSize,
    ...(r.reason !== '' ? { reason: r.reason } : {}),
  };
  return { ok: true, value: { command, dryRun: r.dryRun } };
}
