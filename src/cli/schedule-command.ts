import type { Readable, Writable } from 'node:stream';
import type { CatchUpMode, OverlapPolicy, ScheduleInfo, ScheduleInput } from '../client/index.js';
import { intFlag, parseFlags, requireFlag, UsageError } from './args.js';
import { attachNegativeNumbers, CLUSTER_FLAGS, clusterTarget, onePositional, withClient } from './cluster-flags.js';
import { showBytes } from './job-format.js';
import { payloadFlags } from './jobs-commands.js';

const INT32_MAX = 2_147_483_647;
const SUBCOMMANDS = ['add', 'list', 'get', 'pause', 'resume', 'trigger', 'rm'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];
const CATCH_UP: readonly CatchUpMode[] = ['latest', 'all', 'skip'];
/** `--overlap` values, as typed, and the SDK's names. */
const OVERLAP: Readonly<Record<string, OverlapPolicy>> = { allow: 'allow', skip: 'skip', 'buffer-one': 'bufferOne', 'cancel-previous': 'cancelPrevious' };
const OVERLAP_SHOWN: Readonly<Record<OverlapPolicy, string>> = { allow: 'allow', skip: 'skip', bufferOne: 'buffer-one', cancelPrevious: 'cancel-previous' };
const JSON_AND_STALE = { stale: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } as const;

/**
 * `raftjobs schedule add|list|get|pause|resume|trigger|rm ...`: recurring schedules (usage.ts
 * has every flag). Every flag is checked before anything is sent.
 */
export async function scheduleCommand(argv: readonly string[], out: Writable, _err: Writable, stdin: Readable = process.stdin): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new UsageError(`schedule: expected a subcommand (${SUBCOMMANDS.join(', ')}), got ${sub === undefined ? 'none' : JSON.stringify(sub)}`);
  }
  const name = `schedule ${sub}`;
  switch (sub as Subcommand) {
    case 'add':
      return add(rest, out, stdin);
    case 'list': {
      const { values } = parseFlags(name, rest, { ...CLUSTER_FLAGS, ...JSON_AND_STALE });
      const all = await withClient(clusterTarget(name, values), async (client) => {
        const got: ScheduleInfo[] = [];
        let pageToken: string | null = null;
        do {
          const page = await client.listSchedules({ pageSize: 1000, stale: values.stale, ...(pageToken !== null ? { pageToken } : {}) });
          got.push(...page.schedules);
          pageToken = page.nextPageToken;
        } while (pageToken !== null);
        return got;
      });
      out.write(values.json ? `${JSON.stringify(all.map(scheduleJson))}\n` : formatScheduleList(all));
      return 0;
    }
    case 'get': {
      const { values, positionals } = parseFlags(name, rest, { ...CLUSTER_FLAGS, ...JSON_AND_STALE }, true);
      const id = onePositional(name, positionals);
      const s = await withClient(clusterTarget(name, values), (client) => client.getSchedule(id, { stale: values.stale }));
      out.write(values.json ? `${JSON.stringify(scheduleJson(s))}\n` : formatSchedule(s));
      return 0;
    }
    case 'pause':
    case 'resume': {
      const { values, positionals } = parseFlags(name, rest, { ...CLUSTER_FLAGS, json: { type: 'boolean', default: false } }, true);
      const id = onePositional(name, positionals);
      const s = await withClient(clusterTarget(name, values), (client) => (sub === 'pause' ? client.pauseSchedule(id) : client.resumeSchedule(id)));
      out.write(values.json ? `${JSON.stringify(scheduleJson(s))}\n` : `${s.id} ${s.paused ? 'paused' : 'active'}\n`);
      return 0;
    }
    case 'trigger': {
      const { values, positionals } = parseFlags(name, rest, { ...CLUSTER_FLAGS, json: { type: 'boolean', default: false } }, true);
      const id = onePositional(name, positionals);
      const t = await withClient(clusterTarget(name, values), (client) => client.triggerSchedule(id));
      out.write(values.json ? `${JSON.stringify(t)}\n` : `${t.jobId}\n`);
      return 0;
    }
    case 'rm': {
      const { values, positionals } = parseFlags(name, rest, CLUSTER_FLAGS, true);
      const id = onePositional(name, positionals);
      await withClient(clusterTarget(name, values), (client) => client.deleteSchedule(id));
      out.write(`${id} removed\n`);
      return 0;
    }
  }
}

async function add(argv: readonly string[], out: Writable, stdin: Readable): Promise<number> {
  const name = 'schedule add';
  const { values } = parseFlags(name, attachNegativeNumbers(argv, ['priority', 'every', 'catch-up-window', 'max-attempts', 'timeout']), {
    ...CLUSTER_FLAGS,
    id: { type: 'string' },
    cron: { type: 'string' },
    every: { type: 'string' },
    tz: { type: 'string' },
    queue: { type: 'string' },
    payload: { type: 'string' },
    'payload-file': { type: 'string' },
    'catch-up': { type: 'string' },
    'catch-up-window': { type: 'string' },
    overlap: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    'max-attempts': { type: 'string' },
    priority: { type: 'string' },
    paused: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const id = requireFlag(name, 'id', values.id);
  const queue = requireFlag(name, 'queue', values.queue);
  if ((values.cron === undefined) === (values.every === undefined)) throw new UsageError(`${name}: give exactly one of --cron and --every`);
  const every = values.every === undefined ? undefined : intFlag('every', values.every, 0, 1, Number.MAX_SAFE_INTEGER);
  const mode = values['catch-up'];
  if (mode !== undefined && !(CATCH_UP as readonly string[]).includes(mode)) throw new UsageError(`${name}: --catch-up must be one of ${CATCH_UP.join(', ')}, got ${JSON.stringify(mode)}`);
  const windowMs = values['catch-up-window'] === undefined ? undefined : intFlag('catch-up-window', values['catch-up-window'], 0, 1, Number.MAX_SAFE_INTEGER);
  const overlap = values.overlap === undefined ? undefined : OVERLAP[values.overlap];
  if (values.overlap !== undefined && overlap === undefined) throw new UsageError(`${name}: --overlap must be one of ${Object.keys(OVERLAP).join(', ')}, got ${JSON.stringify(values.overlap)}`);
  const priority = values.priority === undefined ? undefined : intFlag('priority', values.priority, 0, -INT32_MAX - 1, INT32_MAX);
  const maxAttempts = values['max-attempts'] === undefined ? undefined : intFlag('max-attempts', values['max-attempts'], 0, 1, 1000);
  const startAt = values.start === undefined ? undefined : timeFlag('start', values.start);
  const endAt = values.end === undefined ? undefined : timeFlag('end', values.end);
  const target = clusterTarget(name, values);
  const payload = await payloadFlags(values, stdin);
  const input: ScheduleInput = {
    id,
    ...(values.cron !== undefined ? { cron: values.cron } : {}),
    ...(every !== undefined ? { intervalMs: every } : {}),
    ...(values.tz !== undefined ? { timeZone: values.tz } : {}),
    ...(startAt !== undefined ? { startAt } : {}),
    ...(endAt !== undefined ? { endAt } : {}),
    job: {
      queue,
      ...(payload !== undefined ? { payload } : {}),
      ...(priority !== undefined ? { priority } : {}),
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    },
    ...(mode !== undefined || windowMs !== undefined ? { catchUp: { mode: (mode ?? 'latest') as CatchUpMode, ...(windowMs !== undefined ? { windowMs } : {}) } } : {}),
    ...(overlap !== undefined ? { overlap } : {}),
    ...(values.paused ? { paused: true } : {}),
  };
  const s = await withClient(target, (client) => client.createSchedule(input));
  out.write(values.json ? `${JSON.stringify(scheduleJson(s))}\n` : formatSchedule(s));
  return 0;
}

/** A time flag: ms since the epoch, or a date the JavaScript Date parser reads (ISO 8601). */
function timeFlag(name: string, value: string): number {
  const ms = /^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new UsageError(`--${name} must be ms since the epoch or an ISO 8601 time (2025-01-31T09:00:00Z), got ${JSON.stringify(value)}`);
  return ms;
}

/** One schedule as `--json` prints it; times are ms since the epoch. */
export function scheduleJson(s: ScheduleInfo): Record<string, unknown> {
  const payload = showBytes(s.job.payload);
  return { ...s, overlap: OVERLAP_SHOWN[s.overlap], job: { ...s.job, payload: payload.value, payloadEncoding: payload.encoding } };
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

function timing(s: ScheduleInfo): string {
  return s.cron !== null ? `cron ${JSON.stringify(s.cron)} in ${s.timeZone}` : `every ${s.intervalMs ?? 0} ms`;
}

/** `schedule get`: the definition, the next five fire times, the last slot and job, the counts. */
export function formatSchedule(s: ScheduleInfo): string {
  const rows: [string, string][] = [
    ['id', s.id],
    ['timing', timing(s)],
    ['job', `queue ${s.job.queue}, priority ${s.job.priority}${s.job.maxAttempts !== null ? `, max attempts ${s.job.maxAttempts}` : ''}`],
    ['catch-up', `${s.catchUp.mode} within ${s.catchUp.windowMs} ms`],
    ['overlap', OVERLAP_SHOWN[s.overlap]],
    ['paused', s.paused ? 'yes' : 'no'],
  ];
  if (s.startAt !== null || s.endAt !== null) rows.push(['window', `${iso(s.startAt)} .. ${iso(s.endAt)}`]);
  rows.push(
    ['next', s.nextFireTimes.length === 0 ? '-' : s.nextFireTimes.map(iso).join('\n             ')],
    ['last slot', s.lastSlot === null ? '-' : `${iso(s.lastSlot)} (job ${s.lastJobId ?? '-'}: ${s.lastJobState ?? 'purged'})`],
  );
  if (s.pendingSlot !== null) rows.push(['waiting', `${iso(s.pendingSlot)} (for the last job to finish)`]);
  rows.push(['counts', `fired ${s.fired}, skipped ${s.skipped}, triggered ${s.triggered}`], ['created', iso(s.createdAt)], ['updated', iso(s.updatedAt)]);
  return rows.map(([k, v]) => `${k.padEnd(11)}  ${v}\n`).join('');
}

/** `schedule list`: one line per schedule. */
export function formatScheduleList(list: readonly ScheduleInfo[]): string {
  if (list.length === 0) return 'no schedules\n';
  const head = ['ID', 'TIMING', 'QUEUE', 'PAUSED', 'NEXT', 'LAST SLOT', 'LAST JOB', 'FIRED', 'SKIPPED'];
  const rows = list.map((s) => [
    s.id,
    timing(s),
    s.job.queue,
    s.paused ? 'yes' : 'no',
    iso(s.nextFireTimes[0] ?? null),
    iso(s.lastSlot),
    s.lastJobId === null ? '-' : `${s.lastJobId} ${s.lastJobState ?? 'purged'}`,
    String(s.fired),
    String(s.skipped),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [head, ...rows].map((r) => `${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`).join('');
}
