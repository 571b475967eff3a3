/*
 * The server's mappers of flow control (issue 19) from the wire to the commands of
 * src/jobs/flow-types.ts: JobSpec.group and unique, FailRequest.throttle, SetQueueRequest and
 * BulkRequest. As in wire.ts, numbers pass through unchanged, so the state machine's validation
 * (`validateCommand`) reports a value out of range once, with its bounds; what only the wire can
 * get wrong (an enum value that is not one, fields that contradict each other, "0 removes" next to
 * other settings) is reported here, naming the fields as proto/jobs.proto spells them.
 */
import { JOB_STATES, type JobState } from '../jobs/index.js';
import type { BulkCommand, BulkFilter, QueueSetCommand, RateLimit, Throttle, UniqueOption } from '../jobs/flow-types.js';
import type { wire } from '../protocol/index.js';

/** A decoded value, or the problems that keep it from being one (field paths as the .proto spells them). */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

const UNIQUE_MODES: Readonly<Record<string, UniqueOption['mode']>> = { UNIQUE_MODE_ACTIVE: 'active', UNIQUE_MODE_DEBOUNCE: 'debounce' };
const THROTTLE_SCOPES: Readonly<Record<string, Throttle['scope']>> = { THROTTLE_SCOPE_UNSPECIFIED: 'key', THROTTLE_SCOPE_KEY: 'key', THROTTLE_SCOPE_QUEUE: 'queue' };

/** Bulk actions as the wire spells them (`BulkAction`), by their name in src/jobs. */
export const BULK_ACTION_TO_WIRE: Readonly<Record<BulkCommand['action'], string>> = {
  retryDead: 'BULK_ACTION_RETRY_DEAD',
  cancel: 'BULK_ACTION_CANCEL',
  purge: 'BULK_ACTION_PURGE',
};
const BULK_ACTIONS: Readonly<Record<string, BulkCommand['action']>> = Object.fromEntries(Object.entries(BULK_ACTION_TO_WIRE).map(([k, v]) => [v, k as BulkCommand['action']]));

/** Jobs acted on per bulk command when BulkRequest.batch_size is 0. */
export const DEFAULT_BULK_BATCH = 1000;

/** How an enum value that is not one of `names` is reported. */
function enumProblem(path: string, value: unknown, names: readonly string[]): string {
  return `${path}: must be ${names.slice(0, -1).join(', ')}${names.length > 1 ? ' or ' : ''}${names[names.length - 1] ?? ''}, got ${JSON.stringify(value)}`;
}

/**
 * The flow-control fields of one JobSpec (`jobs[index]`), to add to its `SubmitJob`: the group key
 * when set, and the unique option with its mode by the state machine's name. A unique option whose
 * mode is missing or unknown, or a window with mode ACTIVE, is a problem.
 */
export function jobSpecFlow(s: wire.JobSpec__Output, index: number): Decoded<{ readonly group?: string; readonly unique?: UniqueOption }> {
  const out: { group?: string; unique?: UniqueOption } = {};
  if (s.group !== '') out.group = s.group;
  const u = s.unique;
  if (u === null) return { ok: true, value: out };
  const at = `jobs[${index}].unique`;
  const mode = UNIQUE_MODES[String(u.mode)];
  const problems: string[] = [];
  if (mode === undefined) problems.push(enumProblem(`${at}.mode`, u.mode, Object.keys(UNIQUE_MODES)));
  if (mode === 'active' && u.windowMs !== 0) problems.push(`${at}.window_ms: only with UNIQUE_MODE_DEBOUNCE (leave it 0), got ${u.windowMs}`);
  if (problems.length > 0) return { ok: false, problems };
  out.unique = mode === 'debounce' ? { key: u.key, mode, ...(u.windowMs !== 0 ? { windowMs: u.windowMs } : {}) } : { key: u.key, mode: 'active' };
  return { ok: true, value: out };
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
 * What a SetQueueRequest changes. `overrides` are the listed keys, each to set (a number) or to
 * remove (null); `clearOverrides` removes every other one first. How they become the command's
 * `groupConcurrencyOverrides` depends on the policy they change (see `queueSetCommand`).
 */
export interface QueueChange {
  readonly command: Omit<QueueSetCommand, 'groupConcurrencyOverrides'>;
  readonly overrides: Readonly<Record<string, number | null>>;
  readonly clearOverrides: boolean;
}

/** A SetQueueRequest as the changes it asks for. */
export function queueChangeFromWire(r: wire.SetQueueRequest__Output): Decoded<QueueChange> {
  const problems: string[] = [];
  const command: { -readonly [K in keyof QueueChange['command']]: QueueChange['command'][K] } = { type: 'queueSet', queue: r.queue };
  if (r.paused !== undefined) command.paused = r.paused;
  const concurrency = limitChange(r.concurrency);
  if (concurrency !== undefined) command.concurrency = concurrency;
  const groupConcurrency = limitChange(r.groupConcurrency);
  if (groupConcurrency !== undefined) command.groupConcurrency = groupConcurrency;
  const rate = rateChange(r.rate, 'rate', problems);
  if (rate !== undefined) command.rate = rate;
  const groupRate = rateChange(r.groupRate, 'group_rate', problems);
  if (groupRate !== undefined) command.groupRate = groupRate;
  const overrides: Record<string, number | null> = {};
  for (const [key, limit] of Object.entries(r.groupConcurrencyOverrides)) overrides[key] = limit === 0 ? null : limit;
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { command, overrides, clearOverrides: r.clearGroupConcurrencyOverrides } };
}

/** A BulkRequest as the first batch's command (afterSeq 0) and whether it is a dry run. */
export function bulkCommandFromWire(r: wire.BulkRequest__Output): Decoded<{ readonly command: BulkCommand; readonly dryRun: boolean }> {
  const problems: string[] = [];
  const action = BULK_ACTIONS[String(r.action)];
  if (action === undefined) problems.push(enumProblem('action', r.action, Object.keys(BULK_ACTIONS)));
  const f = r.filter;
  const filter: { -readonly [K in keyof BulkFilter]: BulkFilter[K] } = {};
  if (f !== null) {
    if (f.queue !== '') filter.queue = f.queue;
    f.states.forEach((s, i) => {
      if (!(JOB_STATES as readonly string[]).includes(s)) problems.push(`filter.states[${i}]: must be one of ${JOB_STATES.join(', ')}, got ${JSON.stringify(s)}`);
    });
    if (f.states.length > 0) filter.states = f.states as JobState[];
    if (f.group !== undefined) filter.group = f.group;
    if (f.olderThanMs !== 0) filter.olderThanMs = f.olderThanMs;
  }
  if (r.reason !== '' && (action === 'retryDead' || action === 'purge')) problems.push('reason: only with BULK_ACTION_CANCEL');
  if (action === undefined || problems.length > 0) return { ok: false, problems };
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
