/**
 * Validation of commands against the limits in `JobsOptions`. The server runs it before proposing
 * (an invalid command is never written); `applyBatch` runs it again and rejects as a value, so a
 * replica never trusts what the log carries.
 *
 * Every problem is reported at once, each prefixed with the path of the offending field, e.g.
 * `jobs[3].queue: must match [A-Za-z0-9._:-]{1,128}`.
 */
import { MAX_GROUP_OVERRIDES } from './flow.js';
import { DEFAULT_JOBS_OPTIONS, type JobsOptions } from './options.js';
import { BULK_ACTIONS, BULK_STATES, type BulkAction } from './flow-types.js';
import { CATCH_UP_MODES, COMMAND_TYPES, JOB_STATES, OVERLAP_POLICIES, type Batch, type Command, type JobState, type SubmitJob } from './types.js';

/** A validated value, or every problem found. */
export type Validation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly string[] };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** Largest time a JavaScript Date can hold; bounds absolute times. */
const MAX_TIME_MS = 8.64e15;
/** Job ids are short (10 chars); anything longer than this cannot name a job. */
const MAX_JOB_ID_LENGTH = 64;

/** Validates the `jobs` array of a submit command. Paths start with `jobs`. */
export function validateSubmit(jobs: unknown, options: JobsOptions = DEFAULT_JOBS_OPTIONS): Validation<readonly SubmitJob[]> {
  const problems: string[] = [];
  checkJobs(jobs, '', options, problems);
  return problems.length === 0 ? { ok: true, value: jobs as readonly SubmitJob[] } : { ok: false, problems };
}

/** Validates one command. Paths are relative to the command, e.g. `jobs[0].payload`. */
export function validateCommand(command: unknown, options: JobsOptions = DEFAULT_JOBS_OPTIONS): Validation<Command> {
  const problems: string[] = [];
  checkCommand(command, '', options, problems);
  return problems.length === 0 ? { ok: true, value: command as Command } : { ok: false, problems };
}

/** Validates a whole log entry payload. Paths start with `time` or `commands[i]`. */
export function validateBatch(batch: unknown, options: JobsOptions = DEFAULT_JOBS_OPTIONS): Validation<Batch> {
  const problems: string[] = [];
  if (!isObject(batch)) return { ok: false, problems: ['batch: must be an object'] };
  if (typeof batch['time'] !== 'number' || !Number.isFinite(batch['time']) || batch['time'] < 0) {
    problems.push('time: must be a finite number >= 0');
  }
  const commands = batch['commands'];
  if (!Array.isArray(commands)) problems.push('commands: must be an array');
  else commands.forEach((c, i) => checkCommand(c, `commands[${i}].`, options, problems));
  return problems.length === 0 ? { ok: true, value: batch as unknown as Batch } : { ok: false, problems };
}

/** Most leases a reconnecting worker may say it holds (`release.leases` in `unheld` mode). */
export const MAX_RELEASE_KEEP = 10_000;

/** Longest worker session id, characters. */
export const MAX_SESSION_LENGTH = 128;

/** Longest unique key (`SubmitJob.unique.key`), characters. */
export const MAX_UNIQUE_KEY_LENGTH = 256;

/** Longest debounce window (`SubmitJob.unique.windowMs`), ms: 7 days. */
export const MAX_DEBOUNCE_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** Most jobs one bulk command acts on (`BulkCommand.max`). */
export const MAX_BULK_BATCH = 10_000;

/** Longest group key a bulk filter names (`BulkFilter.group`), characters. */
const MAX_GROUP_FILTER_LENGTH = 256;

/**
 * Records `problem` (when not null) under the path `prefix + field`. A module-level function, not
 * a closure per call: every replica validates every command it applies.
 */
function need(problems: string[], prefix: string, field: string, problem: string | null): void {
  if (problem !== null) problems.push(`${prefix}${field}: ${problem}`);
}

/** @internal Appends the problems of `command` to `problems`, paths prefixed with `prefix`. */
export function checkCommand(command: unknown, prefix: string, o: JobsOptions, problems: string[]): void {
  if (!isObject(command)) {
    problems.push(`${prefix === '' ? 'command' : prefix.slice(0, -1)}: must be an object`);
    return;
  }
  const c = command;
  switch (c['type']) {
    case 'submit':
      checkJobs(c['jobs'], prefix, o, problems);
      return;
    case 'lease': {
      need(problems, prefix, 'workerId', stringProblem(c['workerId'], 1, o.maxWorkerIdLength, true));
      need(problems, prefix, 'session', stringProblem(c['session'], 0, MAX_SESSION_LENGTH, false));
      need(problems, prefix, 'max', intProblem(c['max'], 1, o.maxLeaseBatch, true));
      need(problems, prefix, 'ttlMs', intProblem(c['ttlMs'], o.minLeaseTtlMs, o.maxLeaseTtlMs, false));
      const queues = c['queues'];
      if (!Array.isArray(queues) || queues.length < 1 || queues.length > o.maxQueuesPerLease) {
        problems.push(`${prefix}queues: must be an array of 1..${o.maxQueuesPerLease} queue names`);
      } else {
        for (let i = 0; i < queues.length; i++) {
          if (!(i in queues)) continue; // as forEach did: holes are skipped
          const problem = queueProblem(queues[i] as unknown, o);
          if (problem !== null) need(problems, prefix, `queues[${i}]`, problem);
        }
      }
      return;
    }
    case 'heartbeat': {
      need(problems, prefix, 'ttlMs', intProblem(c['ttlMs'], o.minLeaseTtlMs, o.maxLeaseTtlMs, false));
      const leases = c['leases'];
      if (!Array.isArray(leases) || leases.length < 1 || leases.length > o.maxLeaseBatch) {
        problems.push(`${prefix}leases: must be an array of 1..${o.maxLeaseBatch} {jobId, token}`);
        return;
      }
      checkLeaseRefs(leases, prefix, 'leases', problems);
      return;
    }
    case 'progress':
      need(problems, prefix, 'jobId', jobIdProblem(c['jobId']));
      need(problems, prefix, 'token', tokenProblem(c['token']));
      need(problems, prefix, 'percent', numberProblem(c['percent'], 0, 100, true));
      need(problems, prefix, 'message', stringProblem(c['message'], 0, o.maxProgressMessageLength, false));
      return;
    case 'complete':
      need(problems, prefix, 'jobId', jobIdProblem(c['jobId']));
      need(problems, prefix, 'token', tokenProblem(c['token']));
      need(problems, prefix, 'result', bytesProblem(c['result'], o.maxResultBytes, 'maxResultBytes', false));
      return;
    case 'fail':
      need(problems, prefix, 'jobId', jobIdProblem(c['jobId']));
      need(problems, prefix, 'token', tokenProblem(c['token']));
      need(problems, prefix, 'error', stringProblem(c['error'], 0, o.maxErrorLength, true));
      if (c['retry'] !== undefined && typeof c['retry'] !== 'boolean') need(problems, prefix, 'retry', 'must be a boolean');
      if (c['throttle'] !== undefined) checkThrottle(c['throttle'], prefix, problems);
      return;
    case 'cancel':
      need(problems, prefix, 'jobId', jobIdProblem(c['jobId']));
      need(problems, prefix, 'reason', stringProblem(c['reason'], 0, o.maxErrorLength, false));
      return;
    case 'retryDead':
      need(problems, prefix, 'jobId', jobIdProblem(c['jobId']));
      need(problems, prefix, 'attempts', intProblem(c['attempts'], 1, o.maxAttemptsLimit, false));
      return;
    case 'tick':
      return;
    case 'leaderChange':
      need(problems, prefix, 'graceMs', intProblem(c['graceMs'], 1, o.maxLeaseTtlMs, true));
      return;
    case 'release': {
      need(problems, prefix, 'workerId', stringProblem(c['workerId'], 1, o.maxWorkerIdLength, true));
      need(problems, prefix, 'session', stringProblem(c['session'], 0, MAX_SESSION_LENGTH, true));
      const mode = c['mode'];
      if (mode !== 'unheld' && mode !== 'listed') {
        need(problems, prefix, 'mode', "must be 'unheld' or 'listed'");
        return;
      }
      const leases = c['leases'];
      const [min, max] = mode === 'unheld' ? [0, MAX_RELEASE_KEEP] : [1, o.maxLeaseBatch];
      if (!Array.isArray(leases) || leases.length < min || leases.length > max) {
        problems.push(`${prefix}leases: must be an array of ${min}..${max} {jobId, token}`);
        return;
      }
      checkLeaseRefs(leases, prefix, 'leases', problems);
      return;
    }
    case 'abandon':
      need(problems, prefix, 'workerId', stringProblem(c['workerId'], 1, o.maxWorkerIdLength, true));
      need(problems, prefix, 'session', stringProblem(c['session'], 1, MAX_SESSION_LENGTH, true));
      return;
    case 'scheduleSet': {
      const mode = c['mode'];
      if (mode !== 'create' && mode !== 'update' && mode !== 'upsert') need(problems, prefix, 'mode', "must be 'create', 'update' or 'upsert'");
      checkSchedule(c['schedule'], `${prefix}schedule`, o, problems);
      return;
    }
    case 'scheduleDelete':
    case 'scheduleTrigger':
      need(problems, prefix, 'id', scheduleIdProblem(c['id'], o));
      return;
    case 'schedulePause':
      need(problems, prefix, 'id', scheduleIdProblem(c['id'], o));
      if (typeof c['paused'] !== 'boolean') need(problems, prefix, 'paused', 'must be a boolean');
      return;
    case 'scheduleFire': {
      need(problems, prefix, 'id', scheduleIdProblem(c['id'], o));
      const through = c['through'];
      need(problems, prefix, 'through', intProblem(through, 0, MAX_TIME_MS, true));
      need(problems, prefix, 'skipped', intProblem(c['skipped'], 0, Number.MAX_SAFE_INTEGER, true));
      const slots = c['slots'];
      if (!Array.isArray(slots) || slots.length > o.maxSlotsPerFire) {
        need(problems, prefix, 'slots', `must be an array of at most ${o.maxSlotsPerFire} slot times (maxSlotsPerFire)`);
        return;
      }
      let previous = -Infinity;
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i] as unknown;
        const problem = intProblem(slot, 0, MAX_TIME_MS, true);
        if (problem !== null) need(problems, prefix, `slots[${i}]`, problem);
        else if ((slot as number) <= previous) need(problems, prefix, `slots[${i}]`, 'must be after the slot before it (strictly ascending)');
        else if (typeof through === 'number' && (slot as number) > through) need(problems, prefix, `slots[${i}]`, 'must be at or before through');
        else previous = slot as number;
      }
      return;
    }
    case 'bulk':
      checkBulk(c, prefix, o, problems);
      return;
    case 'queueSet':
      checkQueueSet(c, prefix, o, problems);
      return;
    default:
      problems.push(`${prefix}type: must be one of ${COMMAND_TYPES.join(', ')}`);
  }
}

/** A bulk command's fields (see `BulkCommand`). */
function checkBulk(c: Record<string, unknown>, prefix: string, o: JobsOptions, problems: string[]): void {
  const action = c['action'];
  const known = BULK_ACTIONS.includes(action as never);
  if (!known) need(problems, prefix, 'action', `must be one of ${BULK_ACTIONS.join(', ')}`);
  need(problems, prefix, 'afterSeq', intProblem(c['afterSeq'], 0, Number.MAX_SAFE_INTEGER, true));
  need(problems, prefix, 'max', intProblem(c['max'], 1, MAX_BULK_BATCH, true));
  need(problems, prefix, 'reason', stringProblem(c['reason'], 0, o.maxErrorLength, false));
  if (c['reason'] !== undefined && known && action !== 'cancel') need(problems, prefix, 'reason', 'only with action cancel');
  const f = c['filter'];
  if (!isObject(f)) {
    need(problems, prefix, 'filter', 'must be an object');
    return;
  }
  if (f['queue'] !== undefined) need(problems, prefix, 'filter.queue', queueProblem(f['queue'], o));
  need(problems, prefix, 'filter.olderThanMs', intProblem(f['olderThanMs'], 0, MAX_TIME_MS, false));
  const group = f['group'];
  need(problems, prefix, 'filter.group', stringProblem(group, 0, MAX_GROUP_FILTER_LENGTH, false));
  if (typeof group === 'string' && group.includes('\u0000')) need(problems, prefix, 'filter.group', 'must not contain NUL');
  const states = f['states'];
  if (states === undefined) return;
  if (!Array.isArray(states) || states.length < 1 || states.length > JOB_STATES.length) {
    need(problems, prefix, 'filter.states', `must be an array of 1..${JOB_STATES.length} job states`);
    return;
  }
  const allowed = known ? BULK_STATES[action as BulkAction] : JOB_STATES;
  for (let i = 0; i < states.length; i++) {
    const st = states[i] as unknown;
    if (!JOB_STATES.includes(st as JobState)) need(problems, prefix, `filter.states[${i}]`, `must be one of ${JOB_STATES.join(', ')}`);
    else if (!allowed.includes(st as JobState)) need(problems, prefix, `filter.states[${i}]`, `${action as string} applies to ${allowed.join(', ')} jobs only`);
    else if (states.indexOf(st) !== i) need(problems, prefix, `filter.states[${i}]`, 'is listed twice');
  }
}

/** The `unique` option of job `i` (see `UniqueOption`), paths as `needJob` makes them. */
function uniqueProblems(u: unknown, prefix: string, i: number, problems: string[]): void {
  if (u === undefined) return;
  if (!isObject(u)) return needJob(problems, prefix, i, 'unique', 'must be an object');
  needJob(problems, prefix, i, 'unique.key', stringProblem(u['key'], 1, MAX_UNIQUE_KEY_LENGTH, true));
  const mode = u['mode'];
  if (mode === 'debounce') needJob(problems, prefix, i, 'unique.windowMs', intProblem(u['windowMs'], 1, MAX_DEBOUNCE_WINDOW_MS, false));
  else if (mode === 'active') {
    if (u['windowMs'] !== undefined) needJob(problems, prefix, i, 'unique.windowMs', 'only with mode debounce');
  } else needJob(problems, prefix, i, 'unique.mode', "must be 'active' or 'debounce'");
}

/** The `{ jobId, token }` items of `refs` (the array named `field`). */
function checkLeaseRefs(refs: readonly unknown[], prefix: string, field: string, problems: string[]): void {
  for (let i = 0; i < refs.length; i++) {
    if (!(i in refs)) continue; // as forEach did: holes are skipped
    const l = refs[i];
    if (!isObject(l)) {
      need(problems, prefix, `${field}[${i}]`, 'must be an object');
      continue;
    }
    const idProblem = jobIdProblem(l['jobId']);
    if (idProblem !== null) need(problems, prefix, `${field}[${i}].jobId`, idProblem);
    const tokProblem = tokenProblem(l['token']);
    if (tokProblem !== null) need(problems, prefix, `${field}[${i}].token`, tokProblem);
  }
}

function checkJobs(jobs: unknown, prefix: string, o: JobsOptions, problems: string[]): void {
  if (!Array.isArray(jobs) || jobs.length < 1 || jobs.length > o.maxJobsPerSubmit) {
    problems.push(`${prefix}jobs: must be an array of 1..${o.maxJobsPerSubmit} jobs`);
    return;
  }
  for (let i = 0; i < jobs.length; i++) checkJob(jobs[i] as unknown, i, prefix, o, problems);
}

/**
 * The fields of job `i` of a submit, paths `jobs[i].field`; or, with `i` = -1, of a schedule's
 * template, paths `prefix + field` (`prefix` then ends in `template.`).
 */
function checkJob(job: unknown, i: number, prefix: string, o: JobsOptions, problems: string[]): void {
  if (!isObject(job)) {
    problems.push(i < 0 ? `${prefix.slice(0, -1)}: must be an object` : `${prefix}jobs[${i}]: must be an object`);
    return;
  }
  needJob(problems, prefix, i, 'queue', queueProblem(job['queue'], o));
  needJob(problems, prefix, i, 'payload', bytesProblem(job['payload'], o.maxPayloadBytes, 'maxPayloadBytes', true));
  needJob(problems, prefix, i, 'priority', intProblem(job['priority'], INT32_MIN, INT32_MAX, false));
  needJob(problems, prefix, i, 'delayMs', intProblem(job['delayMs'], 0, o.maxDelayMs, false));
  needJob(problems, prefix, i, 'runAt', intProblem(job['runAt'], 0, MAX_TIME_MS, false));
  if (job['delayMs'] !== undefined && job['runAt'] !== undefined) needJob(problems, prefix, i, 'runAt', 'cannot be combined with delayMs');
  needJob(problems, prefix, i, 'maxAttempts', intProblem(job['maxAttempts'], 1, o.maxAttemptsLimit, false));
  needJob(problems, prefix, i, 'leaseTtlMs', intProblem(job['leaseTtlMs'], o.minLeaseTtlMs, o.maxLeaseTtlMs, false));
  needJob(problems, prefix, i, 'idempotencyKey', stringProblem(job['idempotencyKey'], 1, o.maxIdempotencyKeyLength, false));
  needJob(problems, prefix, i, 'retentionMs', intProblem(job['retentionMs'], 0, o.maxRetentionMs, false));
  // A template may carry neither (checkSchedule says so): its jobs are checked as submitted.
  if (i >= 0) {
    uniqueProblems(job['unique'], prefix, i, problems);
    needJob(problems, prefix, i, 'group', groupProblem(job['group'], false));
  }
  const b = job['backoff'];
  if (b === undefined) return;
  if (!isObject(b)) return needJob(problems, prefix, i, 'backoff', 'must be an object');
  if (b['type'] === 'fixed') {
    needJob(problems, prefix, i, 'backoff.delayMs', intProblem(b['delayMs'], 0, o.maxBackoffMs, true));
  } else if (b['type'] === 'exponential') {
    needJob(problems, prefix, i, 'backoff.initialMs', intProblem(b['initialMs'], 0, o.maxBackoffMs, true));
    const initial = typeof b['initialMs'] === 'number' ? b['initialMs'] : 0;
    const capProblem = intProblem(b['maxMs'], 0, o.maxBackoffMs, true);
    needJob(problems, prefix, i, 'backoff.maxMs', capProblem ?? ((b['maxMs'] as number) < initial ? 'must be >= backoff.initialMs' : null));
    needJob(problems, prefix, i, 'backoff.factor', numberProblem(b['factor'], 1, 100, false));
  } else {
    return needJob(problems, prefix, i, 'backoff.type', "must be 'fixed' or 'exponential'");
  }
  needJob(problems, prefix, i, 'backoff.jitter', numberProblem(b['jitter'], 0, 1, false));
}

/** `need` for a field of `jobs[i]` (or of a template, `i` = -1); the path is built only when there is a problem. */
function needJob(problems: string[], prefix: string, i: number, field: string, problem: string | null): void {
  if (problem !== null) problems.push(i < 0 ? `${prefix}${field}: ${problem}` : `${prefix}jobs[${i}].${field}: ${problem}`);
}

/** Longest group key, chars (`SubmitJob.group`). */
export const MAX_GROUP_LENGTH = 256;
/** Largest limit of a queue policy (`concurrency`, `groupConcurrency`, an override), leased jobs. */
export const MAX_FLOW_LIMIT = 1_000_000;
/** Largest `limit` and `burst` of a rate limit, leases. */
export const MAX_RATE_LIMIT = 1_000_000;
/** Longest `periodMs` of a rate limit, and longest throttle pause, ms (24 h). */
export const MAX_FLOW_PERIOD_MS = 24 * 3600 * 1000;

/** 1..`MAX_GROUP_LENGTH` chars with no NUL (NUL joins keys to queue names). */
function groupProblem(v: unknown, required: boolean): string | null {
  if (v === undefined) return required ? 'is required' : null;
  if (typeof v !== 'string' || v.length < 1 || v.length > MAX_GROUP_LENGTH) return `must be 1..${MAX_GROUP_LENGTH} chars`;
  return v.includes('\u0000') ? 'must not contain NUL' : null;
}

function checkThrottle(t: unknown, prefix: string, problems: string[]): void {
  if (!isObject(t)) {
    need(problems, prefix, 'throttle', 'must be an object');
    return;
  }
  if (t['scope'] !== 'key' && t['scope'] !== 'queue') need(problems, prefix, 'throttle.scope', "must be 'key' or 'queue'");
  need(problems, prefix, 'throttle.retryAfterMs', intProblem(t['retryAfterMs'], 1, MAX_FLOW_PERIOD_MS, true));
}

/** Null (clear) or a limit: what `concurrency` and `groupConcurrency` of a queueSet may be. */
function limitProblem(v: unknown): string | null {
  return v === null ? null : intProblem(v, 1, MAX_FLOW_LIMIT, true);
}

function checkQueueSet(c: Record<string, unknown>, prefix: string, o: JobsOptions, problems: string[]): void {
  need(problems, prefix, 'queue', queueProblem(c['queue'], o));
  if (c['paused'] !== undefined && typeof c['paused'] !== 'boolean') need(problems, prefix, 'paused', 'must be a boolean');
  if (c['concurrency'] !== undefined) need(problems, prefix, 'concurrency', limitProblem(c['concurrency']));
  if (c['groupConcurrency'] !== undefined) need(problems, prefix, 'groupConcurrency', limitProblem(c['groupConcurrency']));
  const overrides = c['groupConcurrencyOverrides'];
  if (overrides !== undefined) {
    if (!isObject(overrides)) need(problems, prefix, 'groupConcurrencyOverrides', 'must be an object of group key → limit or null');
    else {
      const keys = Object.keys(overrides);
      if (keys.length > MAX_GROUP_OVERRIDES) need(problems, prefix, 'groupConcurrencyOverrides', `must name at most ${MAX_GROUP_OVERRIDES} keys`);
      else {
        for (const key of keys) {
          const field = `groupConcurrencyOverrides[${JSON.stringify(key)}]`;
          const keyProblem = groupProblem(key, true);
          if (keyProblem !== null) need(problems, prefix, field, `key ${keyProblem}`);
          else need(problems, prefix, field, limitProblem(overrides[key]));
        }
      }
    }
  }
  for (const field of ['rate', 'groupRate'] as const) {
    const rate = c[field];
    if (rate === undefined || rate === null) continue;
    if (!isObject(rate)) {
      need(problems, prefix, field, 'must be null or { limit, periodMs, burst? }');
      continue;
    }
    need(problems, prefix, `${field}.limit`, intProblem(rate['limit'], 1, MAX_RATE_LIMIT, true));
    need(problems, prefix, `${field}.periodMs`, intProblem(rate['periodMs'], 1, MAX_FLOW_PERIOD_MS, true));
    need(problems, prefix, `${field}.burst`, intProblem(rate['burst'], 1, MAX_RATE_LIMIT, false));
  }
}

/** Longest cron expression, chars. */
export const MAX_CRON_LENGTH = 256;
/** Longest time zone name, chars (the longest IANA name is 32). */
export const MAX_TIME_ZONE_LENGTH = 64;
/** Longest interval of an interval schedule, ms (365 days). */
export const MAX_SCHEDULE_INTERVAL_MS = 365 * 24 * 3600 * 1000;

/** Fields a template may not carry: the schedule sets them. */
const NOT_IN_TEMPLATE: readonly string[] = ['delayMs', 'runAt', 'idempotencyKey'];

/**
 * The stateless checks of a schedule definition (paths under `path`). The cron expression and
 * time zone are checked for shape only: whether they mean anything is `validateScheduleSpec`'s
 * question, which the server asks before proposing; the state machine never evaluates them.
 */
function checkSchedule(def: unknown, path: string, o: JobsOptions, problems: string[]): void {
  if (!isObject(def)) {
    problems.push(`${path}: must be an object`);
    return;
  }
  const prefix = `${path}.`;
  need(problems, prefix, 'id', scheduleIdProblem(def['id'], o));
  const cron = def['cron'];
  const interval = def['intervalMs'];
  if ((cron === undefined) === (interval === undefined)) need(problems, prefix, 'cron', 'exactly one of cron and intervalMs is required');
  else if (cron !== undefined) need(problems, prefix, 'cron', printableProblem(cron, MAX_CRON_LENGTH));
  else need(problems, prefix, 'intervalMs', intProblem(interval, o.minScheduleIntervalMs, MAX_SCHEDULE_INTERVAL_MS, true));
  const zone = def['timeZone'];
  if (zone !== undefined && (typeof zone !== 'string' || !TIME_ZONE.test(zone))) {
    need(problems, prefix, 'timeZone', `must be an IANA time zone name (1..${MAX_TIME_ZONE_LENGTH} chars of [A-Za-z0-9_+/-])`);
  }
  need(problems, prefix, 'startAt', intProblem(def['startAt'], 0, MAX_TIME_MS, false));
  need(problems, prefix, 'endAt', intProblem(def['endAt'], 0, MAX_TIME_MS, false));
  const start = def['startAt'];
  const end = def['endAt'];
  if (typeof start === 'number' && typeof end === 'number' && end < start) need(problems, prefix, 'endAt', 'must be at or after startAt');
  const template = def['template'];
  checkJob(template, -1, `${prefix}template.`, o, problems);
  if (isObject(template)) {
    for (const field of NOT_IN_TEMPLATE) if (template[field] !== undefined) need(problems, prefix, `template.${field}`, 'is set by the schedule, not the template');
    // Each slot's job has its own idempotency key; a unique key would make slots duplicates of each other.
    if (template['unique'] !== undefined) need(problems, prefix, 'template.unique', 'is not allowed in a template');
  }
  const catchUp = def['catchUp'];
  if (catchUp !== undefined) {
    if (!isObject(catchUp)) need(problems, prefix, 'catchUp', 'must be an object');
    else {
      if (!CATCH_UP_MODES.includes(catchUp['mode'] as never)) need(problems, prefix, 'catchUp.mode', `must be one of ${CATCH_UP_MODES.join(', ')}`);
      need(problems, prefix, 'catchUp.windowMs', intProblem(catchUp['windowMs'], 1000, o.maxCatchUpWindowMs, false));
    }
  }
  const overlap = def['overlap'];
  if (overlap !== undefined && !OVERLAP_POLICIES.includes(overlap as never)) need(problems, prefix, 'overlap', `must be one of ${OVERLAP_POLICIES.join(', ')}`);
  if (def['paused'] !== undefined && typeof def['paused'] !== 'boolean') need(problems, prefix, 'paused', 'must be a boolean');
}

/** A time zone name's shape (`Europe/Berlin`, `Etc/GMT+5`, `UTC`). */
const TIME_ZONE = new RegExp(`^[A-Za-z0-9_+/-]{1,${MAX_TIME_ZONE_LENGTH}}$`);

function scheduleIdProblem(v: unknown, o: JobsOptions): string | null {
  if (v === undefined) return 'is required';
  return isName(v, o.maxScheduleIdLength) ? null : `must match [A-Za-z0-9._:-]{1,${o.maxScheduleIdLength}}`;
}

/** 1..`max` chars of printable ASCII (space included). */
function printableProblem(v: unknown, max: number): string | null {
  if (typeof v !== 'string' || v.length < 1 || v.length > max) return `must be 1..${max} chars`;
  for (let i = 0; i < v.length; i++) {
    const ch = v.charCodeAt(i);
    if (ch < 0x20 || ch > 0x7e) return 'must be printable ASCII';
  }
  return v.trim() === '' ? 'must not be blank' : null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Allowed queue-name characters: [A-Za-z0-9._:-]. */
const QUEUE_CHARS = ((): Uint8Array => {
  const table = new Uint8Array(128);
  const allowed = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-';
  for (let i = 0; i < allowed.length; i++) table[allowed.charCodeAt(i)] = 1;
  return table;
})();

/** @internal True when `v` is a valid queue name under `o`. */
export function isQueueName(v: unknown, o: JobsOptions): v is string {
  return isName(v, o.maxQueueNameLength);
}

/** 1..`max` chars of [A-Za-z0-9._:-]: a queue name or a schedule id. */
function isName(v: unknown, max: number): v is string {
  if (typeof v !== 'string' || v.length < 1 || v.length > max) return false;
  for (let i = 0; i < v.length; i++) {
    const ch = v.charCodeAt(i);
    if (ch >= 128 || QUEUE_CHARS[ch] !== 1) return false;
  }
  return true;
}

function queueProblem(v: unknown, o: JobsOptions): string | null {
  if (v === undefined) return 'is required';
  return isQueueName(v, o) ? null : `must match [A-Za-z0-9._:-]{1,${o.maxQueueNameLength}}`;
}

function intProblem(v: unknown, min: number, max: number, required: boolean): string | null {
  if (v === undefined) return required ? 'is required' : null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) return 'must be an integer';
  if (v < min) return `must be >= ${min}`;
  if (v > max) return `must be <= ${max}`;
  return null;
}

function numberProblem(v: unknown, min: number, max: number, required: boolean): string | null {
  if (v === undefined) return required ? 'is required' : null;
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a finite number';
  if (v < min) return `must be >= ${min}`;
  if (v > max) return `must be <= ${max}`;
  return null;
}

function stringProblem(v: unknown, min: number, max: number, required: boolean): string | null {
  if (v === undefined) return required ? 'is required' : null;
  if (typeof v !== 'string') return 'must be a string';
  if (v.length < min || v.length > max) return min > 0 ? `must be ${min}..${max} chars` : `must be at most ${max} chars`;
  return null;
}

/** `limit` names the option (and config field, under `limits.`) in the message. */
function bytesProblem(v: unknown, max: number, limit: string, required: boolean): string | null {
  if (v === undefined) return required ? 'is required' : null;
  if (!(v instanceof Uint8Array)) return 'must be bytes (Uint8Array)';
  if (v.byteLength > max) return `must be at most ${max} bytes (${limit}), got ${v.byteLength}`;
  return null;
}

function jobIdProblem(v: unknown): string | null {
  return stringProblem(v, 1, MAX_JOB_ID_LENGTH, true);
}

function tokenProblem(v: unknown): string | null {
  return intProblem(v, 1, Number.MAX_SAFE_INTEGER, true);
}
