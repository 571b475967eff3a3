import type { ClusterStats, JobView } from '../client/index.js';

/** Bytes as shown by the CLI: parsed JSON when they hold JSON, else base64; empty is `none`. */
export interface ShownBytes {
  readonly value: unknown;
  readonly encoding: 'json' | 'base64' | 'none';
}

export function showBytes(bytes: Buffer | null): ShownBytes {
  if (bytes === null || bytes.length === 0) return { value: null, encoding: 'none' };
  try {
    return { value: JSON.parse(bytes.toString('utf8')) as unknown, encoding: 'json' };
  } catch {
    return { value: bytes.toString('base64'), encoding: 'base64' };
  }
}

/** One job as `raftjobs get --json` prints it; times are ms since the epoch. */
export function jobJson(job: JobView): Record<string, unknown> {
  const payload = showBytes(job.payload);
  const result = showBytes(job.result);
  return {
    id: job.id,
    queue: job.queue,
    state: job.state,
    priority: job.priority,
    runAt: job.runAt,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    payload: payload.value,
    payloadEncoding: payload.encoding,
    result: result.value,
    resultEncoding: result.encoding,
    lastError: job.lastError,
    progress: job.progress,
    lease: job.lease,
    submittedAt: job.submittedAt,
    finishedAt: job.finishedAt,
    idempotencyKey: job.idempotencyKey,
    scheduleId: job.scheduleId,
    scheduleSlot: job.scheduleSlot,
    group: job.group,
    unique: job.unique,
    history: job.history,
  };
}

function time(ms: number | null): string {
  return ms === null || ms <= 0 ? '-' : new Date(ms).toISOString();
}

function shown(b: ShownBytes): string {
  if (b.encoding === 'none') return '-';
  return b.encoding === 'json' ? JSON.stringify(b.value) : `base64:${String(b.value)}`;
}

/** One job as readable `key: value` lines. */
export function formatJob(job: JobView): string {
  const lines: [string, string][] = [
    ['id', job.id],
    ['queue', job.queue],
    ['group', job.group ?? '-'],
    ['unique', job.unique === null ? '-' : `${job.unique.key} (${job.unique.mode}${job.unique.windowMs !== null ? ` ${job.unique.windowMs} ms` : ''}${job.unique.holdsKey ? '' : ', key released'})`],
    ['state', job.state],
    ['priority', String(job.priority)],
    ['attempts', `${job.attempts} of ${job.maxAttempts}`],
    ['run at', time(job.runAt)],
    ['submitted', time(job.submittedAt)],
    ['finished', time(job.finishedAt)],
    ['payload', shown(showBytes(job.payload))],
    ['result', shown(showBytes(job.result))],
    ['last error', job.lastError ?? '-'],
    ['progress', job.progress ? `${job.progress.percent}%${job.progress.message ? ` ${job.progress.message}` : ''}` : '-'],
    ['lease', job.lease ? `token ${job.lease.token}, worker ${job.lease.workerId}, expires ${time(job.lease.expiresAt)}` : '-'],
  ];
  let s = lines.map(([k, v]) => `${`${k}:`.padEnd(12)}${v}\n`).join('');
  if (job.history.length > 0) {
    s += 'history:\n';
    for (const a of job.history) {
      s += `  #${a.attempt} token ${a.token} ${a.outcome} worker ${a.workerId} ${time(a.startedAt)} → ${time(a.endedAt)}${a.error ? ` error: ${a.error}` : ''}\n`;
    }
  }
  return s;
}

/** Rows padded into columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd() + '\n';
  return line(header) + rows.map(line).join('');
}

export function formatJobList(jobs: readonly JobView[]): string {
  return table(
    ['ID', 'QUEUE', 'STATE', 'ATTEMPTS', 'PRIORITY', 'RUN AT', 'LAST ERROR'],
    jobs.map((j) => [j.id, j.queue, j.state, `${j.attempts}/${j.maxAttempts}`, String(j.priority), time(j.runAt), (j.lastError ?? '').replace(/\s+/g, ' ').slice(0, 60)]),
  );
}

export function formatStats(stats: ClusterStats): string {
  const row = (name: string, c: Omit<ClusterStats['total'], never>): string[] => [name, ...(['scheduled', 'ready', 'leased', 'succeeded', 'dead', 'cancelled'] as const).map((k) => String(c[k]))];
  return table(['QUEUE', 'SCHEDULED', 'READY', 'LEASED', 'SUCCEEDED', 'DEAD', 'CANCELLED'], [...stats.queues.map((q) => row(q.queue, q)), row('(total)', stats.total)]);
}
