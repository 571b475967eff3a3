import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { JOB_STATES, type JobInput, type JobState, type JobView, type SubmittedJob, type UniqueOptions } from '../client/index.js';
import { intFlag, parseFlags, requireFlag, UsageError } from './args.js';
import { attachNegativeNumbers, CLUSTER_FLAGS, clusterTarget, onePositional, withClient } from './cluster-flags.js';
import { durationFlag } from './flow-flags.js';
import { formatJob, formatJobList, formatStats, jobJson } from './job-format.js';

const INT32_MAX = 2_147_483_647;
/** Longest delay accepted from the command line: one year, ms. */
const MAX_DELAY_MS = 365 * 24 * 3_600_000;

/** A JSON flag value, parsed, or a usage error naming the flag. */
export function jsonFlag(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`--${name} must be JSON (quote strings: '"text"'): ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The payload of `--payload JSON` or `--payload-file FILE` (`-`: standard input), or undefined when
 * neither is given. A file's bytes are sent as they are (JSON or not); an empty file is no payload.
 */
export async function payloadFlags(values: { payload?: string | undefined; 'payload-file'?: string | undefined }, stdin: Readable): Promise<unknown> {
  const file = values['payload-file'];
  if (file === undefined) return values.payload === undefined ? undefined : jsonFlag('payload', values.payload);
  if (values.payload !== undefined) throw new UsageError('submit: give --payload or --payload-file, not both');
  if (file === '') throw new UsageError('submit: --payload-file needs a file name, or - for standard input');
  try {
    return file === '-' ? Buffer.concat(await stdin.toArray()) : await readFile(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new UsageError(`submit: --payload-file ${JSON.stringify(file)}: cannot read: ${why}`);
  }
}

/**
 * `raftjobs submit --queue Q [--payload JSON | --payload-file FILE|-] [--delay MS] [--priority P]
 * [--count N] [--max-attempts N] [--idempotency-key K] [--json]`: prints the new job ids, one per
 * line (a JSON array with --json). A submit whose idempotency key was used before names the
 * earlier job, and says so on stderr. Every flag is checked before anything is sent. More jobs
 * than one submit may carry go in several atomic batches.
 */
export async function submitCommand(argv: readonly string[], out: Writable, err: Writable, stdin: Readable = process.stdin): Promise<number> {
  const { values } = parseFlags('submit', attachNegativeNumbers(argv, ['delay', 'priority', 'count', 'max-attempts', 'timeout']), {
    ...CLUSTER_FLAGS,
    queue: { type: 'string' },
    payload: { type: 'string' },
    'payload-file': { type: 'string' },
    delay: { type: 'string' },
    priority: { type: 'string' },
    count: { type: 'string' },
    'max-attempts': { type: 'string' },
    'idempotency-key': { type: 'string' },
    group: { type: 'string' },
    'unique-key': { type: 'string' },
    'unique-mode': { type: 'string' },
    'debounce-window': { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const queue = requireFlag('submit', 'queue', values.queue);
  const unique = uniqueFlags(values);
  if (values.group === '') throw new UsageError('submit: --group must not be empty (leave it out for no group)');
  const delayMs = values.delay === undefined ? undefined : intFlag('delay', values.delay, 0, 0, MAX_DELAY_MS);
  const priority = values.priority === undefined ? undefined : intFlag('priority', values.priority, 0, -INT32_MAX - 1, INT32_MAX);
  const count = intFlag('count', values.count, 1, 1, 1_000_000);
  const maxAttempts = values['max-attempts'] === undefined ? undefined : intFlag('max-attempts', values['max-attempts'], 0, 1, 1000);
  const key = values['idempotency-key'];
  if (key !== undefined && (key === '' || count !== 1)) throw new UsageError('submit: --idempotency-key needs a non-empty key and --count 1');
  const target = clusterTarget('submit', values);
  const payload = await payloadFlags(values, stdin);
  const job: JobInput = {
    queue,
    ...(payload !== undefined ? { payload } : {}),
    ...(delayMs !== undefined ? { delayMs } : {}),
    ...(priority !== undefined ? { priority } : {}),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    ...(key !== undefined ? { idempotencyKey: key } : {}),
    ...(values.group !== undefined ? { group: values.group } : {}),
    ...(unique !== undefined ? { unique } : {}),
  };
  const jobs = await withClient(target, async (client) => {
    const all: SubmittedJob[] = [];
    for (let done = 0; done < count; ) {
      const n = Math.min(target.maxBatchSize, count - done);
      all.push(...(await client.submit(Array.from({ length: n }, () => job))));
      done += n;
    }
    return all;
  });
  const ids = jobs.map((j) => j.id);
  out.write(values.json ? `${JSON.stringify(ids)}\n` : ids.map((id) => `${id}\n`).join(''));
  for (const j of jobs.filter((j) => j.duplicate)) {
    // The idempotency key is looked up first: a duplicate names the job of the first that matched.
    const why = j.replaced
      ? `unique key ${JSON.stringify(unique?.key)} names pending job ${j.id}, which took this submit's payload, priority and run time; no new job`
      : key !== undefined
        ? `idempotency key ${JSON.stringify(key)} was submitted before as job ${j.id} (now ${j.state ?? 'purged'}); nothing new was submitted`
        : `unique key ${JSON.stringify(unique?.key)} names job ${j.id}, not finished (now ${j.state ?? 'purged'}); nothing new was submitted`;
    err.write(`raftjobs submit: duplicate: ${why}\n`);
  }
  return 0;
}

/** `--unique-key K [--unique-mode active|debounce] [--debounce-window D]`, or undefined without a key. */
export function uniqueFlags(v: { 'unique-key'?: string | undefined; 'unique-mode'?: string | undefined; 'debounce-window'?: string | undefined }): UniqueOptions | undefined {
  const key = v['unique-key'];
  const mode = v['unique-mode'] ?? (v['debounce-window'] !== undefined ? 'debounce' : 'active');
  if (key === undefined) {
    if (v['unique-mode'] !== undefined || v['debounce-window'] !== undefined) throw new UsageError('submit: --unique-mode and --debounce-window go with --unique-key');
    return undefined;
  }
  if (key === '') throw new UsageError('submit: --unique-key must not be empty');
  if (mode !== 'active' && mode !== 'debounce') throw new UsageError(`submit: --unique-mode must be active or debounce, got ${JSON.stringify(mode)}`);
  if (mode === 'active') {
    if (v['debounce-window'] !== undefined) throw new UsageError('submit: --debounce-window goes with --unique-mode debounce');
    return { key, mode };
  }
  const window = v['debounce-window'];
  return window === undefined ? { key, mode } : { key, mode, windowMs: durationFlag('debounce-window', window, 1) };
}

/** `raftjobs get ID [--stale] [--json]` */
export async function getCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values, positionals } = parseFlags('get', argv, { ...CLUSTER_FLAGS, stale: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } }, true);
  const id = onePositional('get', positionals);
  const job = await withClient(clusterTarget('get', values), (client) => client.get(id, { stale: values.stale }));
  out.write(values.json ? `${JSON.stringify(jobJson(job))}\n` : formatJob(job));
  return 0;
}

/**
 * `raftjobs list [--queue Q] [--state S] [--limit N | --all] [--page-token T] [--stale] [--json]`:
 * jobs in submit order, at most `--limit` (default 100) of them, or every one with `--all`. When
 * more are left, stderr says so and gives the `--page-token` that lists on from there.
 */
export async function listCommand(argv: readonly string[], out: Writable, err: Writable): Promise<number> {
  const { values } = parseFlags('list', attachNegativeNumbers(argv, ['limit', 'timeout']), {
    ...CLUSTER_FLAGS,
    queue: { type: 'string' },
    state: { type: 'string' },
    limit: { type: 'string' },
    all: { type: 'boolean', default: false },
    'page-token': { type: 'string' },
    stale: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const state = values.state;
  if (state !== undefined && !(JOB_STATES as readonly string[]).includes(state)) throw new UsageError(`list: --state must be one of ${JOB_STATES.join(', ')}, got ${JSON.stringify(state)}`);
  if (values.queue === '') throw new UsageError('list: --queue must not be empty');
  if (values.all && values.limit !== undefined) throw new UsageError('list: give --limit or --all, not both');
  if (values['page-token'] === '') throw new UsageError('list: --page-token must not be empty (it comes from an earlier list)');
  const limit = values.all ? Number.POSITIVE_INFINITY : intFlag('limit', values.limit, 100, 1, 1_000_000);
  const { jobs, more } = await withClient(clusterTarget('list', values), async (client) => {
    const got: JobView[] = [];
    let pageToken: string | null = values['page-token'] ?? null;
    do {
      const page = await client.list({
        ...(values.queue !== undefined ? { queue: values.queue } : {}),
        ...(state !== undefined ? { state: state as JobState } : {}),
        pageSize: Math.min(1000, limit - got.length),
        ...(pageToken !== null ? { pageToken } : {}),
        stale: values.stale,
      });
      got.push(...page.jobs.slice(0, limit - got.length));
      pageToken = page.nextPageToken;
    } while (pageToken !== null && got.length < limit);
    return { jobs: got, more: pageToken };
  });
  out.write(values.json ? `${JSON.stringify(jobs.map(jobJson))}\n` : formatJobList(jobs));
  if (more !== null) err.write(`raftjobs list: more jobs after these ${jobs.length}: add --page-token ${more} for the next ones, or --all for every one\n`);
  return 0;
}

/** `raftjobs cancel ID [--reason TEXT] [--json]` */
export async function cancelCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values, positionals } = parseFlags('cancel', argv, { ...CLUSTER_FLAGS, reason: { type: 'string' }, json: { type: 'boolean', default: false } }, true);
  const id = onePositional('cancel', positionals);
  const job = await withClient(clusterTarget('cancel', values), (client) => client.cancel(id, values.reason));
  out.write(values.json ? `${JSON.stringify(jobJson(job))}\n` : `${job.id} ${job.state}\n`);
  return 0;
}

/** `raftjobs retry ID [--attempts N] [--json]`: operator retry of a dead job. */
export async function retryCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values, positionals } = parseFlags('retry', attachNegativeNumbers(argv, ['attempts', 'timeout']), { ...CLUSTER_FLAGS, attempts: { type: 'string' }, json: { type: 'boolean', default: false } }, true);
  const id = onePositional('retry', positionals);
  const attempts = values.attempts === undefined ? undefined : intFlag('attempts', values.attempts, 0, 1, 1000);
  const job = await withClient(clusterTarget('retry', values), (client) => client.retryDead(id, attempts));
  out.write(values.json ? `${JSON.stringify(jobJson(job))}\n` : `${job.id} ${job.state} (attempt limit ${job.maxAttempts}, ${job.attempts} used)\n`);
  return 0;
}

/** `raftjobs stats [--stale] [--json]` */
export async function statsCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values } = parseFlags('stats', argv, { ...CLUSTER_FLAGS, stale: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } });
  const stats = await withClient(clusterTarget('stats', values), (client) => client.stats({ stale: values.stale }));
  out.write(values.json ? `${JSON.stringify(stats)}\n` : formatStats(stats));
  return 0;
}
