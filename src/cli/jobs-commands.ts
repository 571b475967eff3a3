import type { Writable } from 'node:stream';
import { JOB_STATES, type JobInput, type JobState, type JobView } from '../client/index.js';
import { intFlag, parseFlags, requireFlag, UsageError } from './args.js';
import { attachNegativeNumbers, CLUSTER_FLAGS, clusterTarget, onePositional, withClient } from './cluster-flags.js';
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
 * `raftjobs submit --queue Q [--payload JSON] [--delay MS] [--priority P] [--count N]
 * [--max-attempts N] [--idempotency-key K] [--json]`: prints the new job ids, one per line (a JSON
 * array with --json). Every flag is checked before anything is sent. More jobs than one submit may
 * carry go in several atomic batches.
 */
export async function submitCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values } = parseFlags('submit', attachNegativeNumbers(argv, ['delay', 'priority', 'count', 'max-attempts', 'timeout']), {
    ...CLUSTER_FLAGS,
    queue: { type: 'string' },
    payload: { type: 'string' },
    delay: { type: 'string' },
    priority: { type: 'string' },
    count: { type: 'string' },
    'max-attempts': { type: 'string' },
    'idempotency-key': { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const queue = requireFlag('submit', 'queue', values.queue);
  const payload = values.payload === undefined ? undefined : jsonFlag('payload', values.payload);
  const delayMs = values.delay === undefined ? undefined : intFlag('delay', values.delay, 0, 0, MAX_DELAY_MS);
  const priority = values.priority === undefined ? undefined : intFlag('priority', values.priority, 0, -INT32_MAX - 1, INT32_MAX);
  const count = intFlag('count', values.count, 1, 1, 1_000_000);
  const maxAttempts = values['max-attempts'] === undefined ? undefined : intFlag('max-attempts', values['max-attempts'], 0, 1, 1000);
  const key = values['idempotency-key'];
  if (key !== undefined && (key === '' || count !== 1)) throw new UsageError('submit: --idempotency-key needs a non-empty key and --count 1');
  const target = clusterTarget('submit', values);
  const job: JobInput = {
    queue,
    ...(payload !== undefined ? { payload } : {}),
    ...(delayMs !== undefined ? { delayMs } : {}),
    ...(priority !== undefined ? { priority } : {}),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    ...(key !== undefined ? { idempotencyKey: key } : {}),
  };
  const ids = await withClient(target, async (client) => {
    const all: string[] = [];
    for (let done = 0; done < count; ) {
      const n = Math.min(target.maxBatchSize, count - done);
      const res = await client.submit(Array.from({ length: n }, () => job));
      all.push(...res.map((j) => j.id));
      done += n;
    }
    return all;
  });
  out.write(values.json ? `${JSON.stringify(ids)}\n` : ids.map((id) => `${id}\n`).join(''));
  return 0;
}

/** `raftjobs get ID [--stale] [--json]` */
export async function getCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values, positionals } = parseFlags('get', argv, { ...CLUSTER_FLAGS, stale: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } }, true);
  const id = onePositional('get', positionals);
  const job = await withClient(clusterTarget('get', values), (client) => client.get(id, { stale: values.stale }));
  out.write(values.json ? `${JSON.stringify(jobJson(job))}\n` : formatJob(job));
  return 0;
}

/** `raftjobs list [--queue Q] [--state S] [--limit N] [--stale] [--json]`: jobs in submit order. */
export async function listCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values } = parseFlags('list', attachNegativeNumbers(argv, ['limit', 'timeout']), {
    ...CLUSTER_FLAGS,
    queue: { type: 'string' },
    state: { type: 'string' },
    limit: { type: 'string' },
    stale: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const state = values.state;
  if (state !== undefined && !(JOB_STATES as readonly string[]).includes(state)) throw new UsageError(`list: --state must be one of ${JOB_STATES.join(', ')}, got ${JSON.stringify(state)}`);
  if (values.queue === '') throw new UsageError('list: --queue must not be empty');
  const limit = intFlag('limit', values.limit, 100, 1, 1_000_000);
  const jobs = await withClient(clusterTarget('list', values), async (client) => {
    const got: JobView[] = [];
    let pageToken: string | null = null;
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
    return got;
  });
  out.write(values.json ? `${JSON.stringify(jobs.map(jobJson))}\n` : formatJobList(jobs));
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
