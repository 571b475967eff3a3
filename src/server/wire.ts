import type { AttemptRecord, Backoff, JobView, LeaseGrant, OverlapPolicy, ScheduleDefinition, ScheduleView, SubmitJob } from '../jobs/index.js';
import type { GuardStatus, NodeStatus } from '../node/index.js';
import { PACKAGE_VERSION, PROTOCOL_VERSION, type wire } from '../protocol/index.js';
import { PEER_PROTOCOL_VERSION } from '../transport/index.js';
import { uniqueToWire } from './flow-wire.js';

/*
 * The server's mappers between wire and domain types: requests decode into `src/jobs` commands,
 * and jobs, leases and node status encode into messages. (The SDK has the other direction of each,
 * in src/client/codec.ts.)
 */

/**
 * proto3 has no "unset" for plain scalars: zero means "use the default" for those fields (for each
 * of them 0 is either the default itself or invalid). `retentionMs` is `optional`, so 0 there
 * (purge as soon as finished) is passed on. Negative numbers are passed through so validation
 * reports them precisely.
 */
export function specToSubmitJob(s: wire.JobSpec__Output): SubmitJob {
  const job: Record<string, unknown> = { queue: s.queue, payload: s.payload ?? Buffer.alloc(0) };
  if (s.priority) job['priority'] = s.priority;
  if (s.delayMs) job['delayMs'] = s.delayMs;
  if (s.runAtMs) job['runAt'] = s.runAtMs;
  if (s.maxAttempts) job['maxAttempts'] = s.maxAttempts;
  if (s.leaseTtlMs) job['leaseTtlMs'] = s.leaseTtlMs;
  if (s.idempotencyKey) job['idempotencyKey'] = s.idempotencyKey;
  if (s.retentionMs !== undefined) job['retentionMs'] = s.retentionMs;
  const b = s.backoff;
  if (b && b.type !== '') {
    const backoff: Record<string, unknown> = { type: b.type };
    if (b.type === 'fixed') backoff['delayMs'] = b.delayMs;
    else {
      backoff['initialMs'] = b.initialMs;
      backoff['maxMs'] = b.maxMs;
      if (b.factor) backoff['factor'] = b.factor;
    }
    if (b.jitter) backoff['jitter'] = b.jitter;
    job['backoff'] = backoff;
  }
  return job as unknown as SubmitJob;
}

function attemptToWire(a: AttemptRecord): wire.Attempt {
  return {
    attempt: a.attempt,
    token: a.token,
    workerId: a.workerId,
    startedAtMs: a.startedAt,
    endedAtMs: a.endedAt ?? 0,
    outcome: a.outcome,
    error: a.error ?? '',
  };
}

/** A job as the wire `Job` message. */
export function jobToWire(j: JobView): wire.Job {
  return {
    id: j.id,
    queue: j.queue,
    state: j.state,
    payload: Buffer.from(j.payload.buffer, j.payload.byteOffset, j.payload.byteLength),
    priority: j.priority,
    runAtMs: j.runAt,
    attempts: j.attempts,
    maxAttempts: j.attemptLimit,
    lease: j.lease
      ? { token: j.lease.token, workerId: j.lease.workerId, expiresAtMs: j.lease.expiresAt, ttlMs: j.lease.ttlMs, attempt: j.lease.attempt }
      : null,
    progress: j.progress ? { percent: j.progress.percent, message: j.progress.message, updatedAtMs: j.progress.updatedAt } : null,
    result: j.result ? Buffer.from(j.result.buffer, j.result.byteOffset, j.result.byteLength) : Buffer.alloc(0),
    hasResult: j.result !== null,
    lastError: j.lastError ?? '',
    submittedAtMs: j.submittedAt,
    finishedAtMs: j.finishedAt ?? 0,
    idempotencyKey: j.idempotencyKey ?? '',
    history: j.history.map(attemptToWire),
    scheduleId: j.scheduleId ?? '',
    scheduleSlotMs: j.scheduleSlot ?? 0,
    group: j.group ?? '',
    unique: j.unique === null ? null : uniqueToWire(j.unique),
    holdsUniqueKey: j.unique?.holdsKey ?? false,
  };
}

/** Overlap policies as the wire spells them (`ScheduleSpec.overlap`), by their name in `src/jobs`. */
const OVERLAP_TO_WIRE: Readonly<Record<OverlapPolicy, string>> = { allow: 'allow', skip: 'skip', bufferOne: 'buffer_one', cancelPrevious: 'cancel_previous' };
const OVERLAP_FROM_WIRE: Readonly<Record<string, OverlapPolicy>> = Object.fromEntries(Object.entries(OVERLAP_TO_WIRE).map(([k, v]) => [v, k as OverlapPolicy]));

/**
 * A `ScheduleSpec` as the definition `scheduleSet` carries. Zero and empty mean the default (see
 * the .proto); values the wire does not know (an overlap policy, a catch-up mode) pass through
 * so the state machine's validation names them.
 */
export function specToScheduleDefinition(s: wire.ScheduleSpec__Output): ScheduleDefinition {
  const def: Record<string, unknown> = { id: s.id };
  if (s.cron !== undefined) def['cron'] = s.cron;
  if (s.intervalMs !== undefined) def['intervalMs'] = s.intervalMs;
  if (s.timeZone !== '') def['timeZone'] = s.timeZone;
  if (s.startAtMs !== 0) def['startAt'] = s.startAtMs;
  if (s.endAtMs !== 0) def['endAt'] = s.endAtMs;
  if (s.template !== null) def['template'] = specToSubmitJob({ ...s.template, delayMs: 0, runAtMs: 0, idempotencyKey: '', group: '', unique: null });
  if (s.catchUp !== null) {
    const c: Record<string, unknown> = { mode: s.catchUp.mode === '' ? 'latest' : s.catchUp.mode };
    if (s.catchUp.windowMs !== 0) c['windowMs'] = s.catchUp.windowMs;
    def['catchUp'] = c;
  }
  if (s.overlap !== '') def['overlap'] = OVERLAP_FROM_WIRE[s.overlap] ?? s.overlap;
  if (s.paused !== undefined) def['paused'] = s.paused;
  return def as unknown as ScheduleDefinition;
}

function backoffToWire(b: Backoff): wire.Backoff {
  return b.type === 'fixed'
    ? { type: 'fixed', delayMs: b.delayMs, jitter: b.jitter ?? 0 }
    : { type: 'exponential', initialMs: b.initialMs, maxMs: b.maxMs, factor: b.factor ?? 0, jitter: b.jitter ?? 0 };
}

function templateToWire(t: ScheduleView['template']): wire.ScheduleTemplate {
  const out: wire.ScheduleTemplate = {
    queue: t.queue,
    payload: Buffer.from(t.payload.buffer, t.payload.byteOffset, t.payload.byteLength),
    priority: t.priority,
    maxAttempts: t.maxAttempts ?? 0,
    backoff: t.backoff === null ? null : backoffToWire(t.backoff),
    leaseTtlMs: t.leaseTtlMs ?? 0,
  };
  if (t.retentionMs !== null) out.retentionMs = t.retentionMs;
  return out;
}

/** A schedule as the wire `Schedule` message, with the next fire times the serving node computed. */
export function scheduleToWire(v: ScheduleView, nextFireTimes: readonly number[]): wire.Schedule {
  const spec: wire.ScheduleSpec = {
    id: v.id,
    timeZone: v.timeZone,
    startAtMs: v.startAt ?? 0,
    endAtMs: v.endAt ?? 0,
    template: templateToWire(v.template),
    catchUp: { mode: v.catchUp.mode, windowMs: v.catchUp.windowMs },
    overlap: OVERLAP_TO_WIRE[v.overlap],
    paused: v.paused,
  };
  if (v.cron !== null) spec.cron = v.cron;
  if (v.intervalMs !== null) spec.intervalMs = v.intervalMs;
  return {
    spec,
    handledThroughMs: v.handledThrough,
    lastSlotMs: v.lastSlot ?? 0,
    lastJobId: v.lastJobId ?? '',
    lastJobState: v.lastJobState ?? '',
    pendingSlotMs: v.pendingSlot ?? 0,
    fired: v.fired,
    skipped: v.skipped,
    triggered: v.triggered,
    createdAtMs: v.createdAt,
    updatedAtMs: v.updatedAt,
    nextFireTimesMs: [...nextFireTimes],
  };
}

/** A lease grant as the wire `LeasedJob` message. */
export function grantToWire(g: LeaseGrant): wire.LeasedJob {
  return {
    jobId: g.jobId,
    queue: g.queue,
    payload: Buffer.from(g.payload.buffer, g.payload.byteOffset, g.payload.byteLength),
    priority: g.priority,
    token: g.token,
    attempt: g.attempt,
    maxAttempts: g.attemptLimit,
    expiresAtMs: g.expiresAt,
    ttlMs: g.ttlMs,
    submittedAtMs: g.submittedAt,
    group: g.group ?? '',
  };
}

/** A node's status as the wire `NodeStatus` message. */
export function statusToWire(s: NodeStatus, clusterId: string, address: string, guards: GuardStatus): wire.NodeStatus {
  return {
    guards: guardsToWire(guards),
    id: s.id,
    clusterId,
    role: s.role,
    term: s.term,
    leaderId: s.leaderId ?? '',
    commitIndex: s.commitIndex,
    appliedIndex: s.appliedIndex,
    firstLogIndex: s.firstLogIndex,
    lastLogIndex: s.lastLogIndex,
    snapshotIndex: s.snapshotIndex,
    stateDigest: s.stateDigest,
    pid: s.pid,
    address,
    peers: s.peers.map((p) => ({ id: p.id, matchIndex: p.matchIndex, nextIndex: p.nextIndex, state: p.state })),
    contacts: s.contacts.map((c) => ({ id: c.id, agoMs: c.agoMs })),
    version: PACKAGE_VERSION,
    protocolVersion: PROTOCOL_VERSION,
    peerProtocolVersion: PEER_PROTOCOL_VERSION,
  };
}

/** The resource guards as `NodeStatus.guards` carries them (as decoded, so the dashboard reads its own node through `guardsFromWire` too). */
export function guardsToWire(g: GuardStatus): wire.ResourceGuards__Output {
  return {
    backlogJobs: g.backlog.jobs,
    backlogPayloadBytes: g.backlog.payloadBytes,
    maxBacklogJobs: g.limits.maxBacklogJobs,
    maxBacklogPayloadBytes: g.limits.maxBacklogPayloadBytes,
    diskChecked: g.disk !== null,
    diskFreeBytes: g.disk?.freeBytes ?? 0,
    minFreeDiskBytes: g.limits.minFreeDiskBytes,
    refusedLimit: g.refusal?.limit ?? '',
    refusedReason: g.refusal?.message ?? '',
    diskLow: g.diskLow !== null,
  };
}

/**
 * Proto field names (as a client writes them in the .proto) of the command fields whose name in
 * `src/jobs` is not simply the snake_case of its camelCase name, or whose camelCase name may
 * appear inside a problem's text (`cannot be combined with delayMs`).
 */
const WIRE_FIELD_NAMES: Readonly<Record<string, string>> = {
  runAt: 'run_at_ms',
  delayMs: 'delay_ms',
  maxAttempts: 'max_attempts',
  leaseTtlMs: 'lease_ttl_ms',
  idempotencyKey: 'idempotency_key',
  retentionMs: 'retention_ms',
  initialMs: 'initial_ms',
  maxMs: 'max_ms',
  jobId: 'job_id',
  workerId: 'worker_id',
  ttlMs: 'ttl_ms',
  session: 'session_id',
  retry: 'no_retry',
  startAt: 'start_at_ms',
  endAt: 'end_at_ms',
  intervalMs: 'interval_ms',
  timeZone: 'time_zone',
  catchUp: 'catch_up',
  windowMs: 'window_ms',
  // Overlap policies, named in the text of a problem with `schedule.overlap`.
  bufferOne: 'buffer_one',
  cancelPrevious: 'cancel_previous',
};

/** Names of `WIRE_FIELD_NAMES` safe to translate inside a problem's text (camelCase, never a plain word). */
const TEXT_NAMES = new RegExp(`\\b(${Object.keys(WIRE_FIELD_NAMES).filter((k) => /[A-Z]/.test(k)).join('|')})\\b`, 'g');

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * One validation problem of `src/jobs/validate.ts` (`path: problem`, the path in the command's
 * camelCase names, e.g. `jobs[0].delayMs: must be >= 0`) in the names of the request message a
 * client wrote (`jobs[0].delay_ms: must be >= 0`). `renames` maps command fields whose request
 * field is named otherwise in this request (Cancel's `jobId` is `id`). Names already in
 * snake_case pass unchanged, so translating twice changes nothing.
 */
export function wireProblem(problem: string, renames: Readonly<Record<string, string>> = {}): string {
  const m = FIELD_PATH.exec(problem);
  if (m === null) return problem; // not a field path: leave the text alone
  const path = m[0];
  const rest = problem.slice(path.length);
  // Map keys in the path (`groupConcurrencyOverrides["acme"]`) are data: they stay as they are.
  const wirePath = path.replace(/"(?:[^"\\]|\\.)*"|[A-Za-z_]\w*/g, (name) => (name.startsWith('"') ? name : (renames[name] ?? WIRE_FIELD_NAMES[name] ?? snake(name))));
  return wirePath + rest.replace(TEXT_NAMES, (name) => renames[name] ?? WIRE_FIELD_NAMES[name] ?? name);
}

/** A problem's field path, up to its `: ` or the end: names, `.`, `[i]` and map keys `["key"]`. */
const FIELD_PATH = /^[A-Za-z_](?:[\w.[\]]|\["(?:[^"\\]|\\.)*"\])*(?=: |$)/;

/** `wireProblem` over a message of problems joined with `; `. */
export function wireMessage(message: string, renames: Readonly<Record<string, string>> = {}): string {
  return message
    .split('; ')
    .map((p) => wireProblem(p, renames))
    .join('; ');
}
