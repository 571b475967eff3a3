import type { Writable } from 'node:stream';
import { WATCH_END_OF_ENTRY, WATCH_EVENT_TYPES, type JobWatchEvent, type WatchEventType, type WatchPosition } from '../client/index.js';
import { parseFlags, UsageError } from './args.js';
import { CLUSTER_FLAGS, clusterTarget, withClient } from './cluster-flags.js';

/** `12:3`, or `12:end` after every event of entry 12, as `--after` takes it. */
export function formatWatchPosition(p: WatchPosition): string {
  return `${p.index}:${p.ordinal === WATCH_END_OF_ENTRY ? 'end' : p.ordinal}`;
}

/** A `--after INDEX:ORDINAL` value (ORDINAL may be `end`), or a usage error. */
export function parseWatchPosition(text: string): WatchPosition {
  const m = /^(\d{1,16}):(\d{1,10}|end)$/.exec(text.trim());
  const index = m === null ? NaN : Number(m[1]);
  const ordinal = m === null ? NaN : m[2] === 'end' ? WATCH_END_OF_ENTRY : Number(m[2]);
  if (!Number.isSafeInteger(index) || !Number.isInteger(ordinal) || ordinal > WATCH_END_OF_ENTRY) {
    throw new UsageError(`watch: --after must be INDEX:ORDINAL (as the first column prints it, e.g. 1042:3 or 1042:end), got ${JSON.stringify(text)}`);
  }
  return { index, ordinal };
}

/** One event as a line: position, time, type, job, then the fields its type has. */
export function formatWatchEvent(e: JobWatchEvent): string {
  const extra = [
    e.group !== null ? `group=${e.group}` : '',
    e.token !== 0 ? `token=${e.token}` : '',
    e.attempt !== 0 ? `attempt=${e.attempt}` : '',
    e.workerId !== '' ? `worker=${e.workerId}` : '',
    e.cause !== '' ? `cause=${e.cause}` : '',
    e.type === 'progress' ? `percent=${e.percent}` : '',
    e.message !== '' ? `message=${JSON.stringify(e.message)}` : '',
    e.until !== 0 ? `until=${new Date(e.until).toISOString()}` : '',
  ].filter((s) => s !== '');
  return [formatWatchPosition(e.position), new Date(e.time).toISOString(), e.type.padEnd(9), e.jobId, `queue=${e.queue}`, ...extra].join('  ');
}

/** One event as a JSON line. */
export function watchEventJson(e: JobWatchEvent): Record<string, unknown> {
  return { position: formatWatchPosition(e.position), index: e.position.index, ordinal: e.position.ordinal, time: new Date(e.time).toISOString(), type: e.type, jobId: e.jobId, queue: e.queue, group: e.group, until: e.until, token: e.token, attempt: e.attempt, workerId: e.workerId, cause: e.cause, percent: e.percent, message: e.message };
}

/**
 * `raftjobs watch [--queue Q]... [--group G]... [--job ID]... [--type T]... [--after INDEX:ORDINAL | --from-now]
 * [--json]`: prints one line per job transition, in log order, until Ctrl-C (or `signal`). It
 * follows the cluster through node failures without gaps or repeats. On stop, stderr names the
 * position to go on from (`--after`). A position no node holds any more ends it with
 * WATCH_POSITION_COMPACTED (exit 1).
 */
export async function watchCommand(argv: readonly string[], out: Writable, err: Writable, signal?: AbortSignal): Promise<number> {
  const { values } = parseFlags('watch', argv, {
    ...CLUSTER_FLAGS,
    queue: { type: 'string', multiple: true },
    group: { type: 'string', multiple: true },
    job: { type: 'string', multiple: true },
    type: { type: 'string', multiple: true },
    after: { type: 'string' },
    'from-now': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (values.after !== undefined && values['from-now']) throw new UsageError('watch: give --after or --from-now, not both');
  const after = values.after === undefined ? undefined : parseWatchPosition(values.after);
  const types = values.type ?? [];
  const unknown = types.filter((t) => !(WATCH_EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) throw new UsageError(`watch: --type must be one of ${WATCH_EVENT_TYPES.join(', ')}; got ${unknown.join(', ')}`);
  for (const [flag, list] of [['queue', values.queue], ['group', values.group], ['job', values.job]] as const) {
    if ((list ?? []).some((v) => v === '')) throw new UsageError(`watch: --${flag} needs a value`);
  }
  const target = clusterTarget('watch', values);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  signal?.addEventListener('abort', onSignal, { once: true });
  try {
    return await withClient(target, async (client) => {
      const watch = client.watch({
        ...(after !== undefined ? { after } : { fromNow: true }),
        ...(values.queue !== undefined ? { queues: values.queue } : {}),
        ...(values.group !== undefined ? { groups: values.group } : {}),
        ...(values.job !== undefined ? { jobIds: values.job } : {}),
        ...(types.length > 0 ? { types: types as WatchEventType[] } : {}),
        signal: stop.signal,
      });
      for await (const e of watch) out.write(values.json ? `${JSON.stringify(watchEventJson(e))}\n` : `${formatWatchEvent(e)}\n`);
      if (watch.position !== null) err.write(`raftjobs watch: stopped; go on from here with --after ${formatWatchPosition(watch.position)}\n`);
      return 0;
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    signal?.removeEventListener('abort', onSignal);
  }
}
