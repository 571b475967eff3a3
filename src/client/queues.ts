import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { wire } from '../protocol/index.js';
import type {
  BulkAction,
  BulkOptions,
  BulkOutcome,
  GroupUsage,
  QueueInfo,
  QueuePolicy,
  QueueReadOptions,
  QueueSettings,
  RateLimitInfo,
  RateLimitOptions,
} from './flow-types.js';
import type { Router } from './router.js';
import type { CallOptions } from './types.js';

/** The methods of the Queues service (all unary). */
export type QueuesMethod = 'Get' | 'List' | 'Set' | 'Pause' | 'Resume';

/**
 * Flow control of queues (`client.queues`): pause and resume, concurrency limits per queue and
 * per group key, and token-bucket rate limits, read with what each queue uses of them. Changes
 * are replicated, hold through leader changes, and are safe to resend (each sets values). Reads
 * are linearizable unless `stale`. See proto/jobs.proto (the Queues service) and the README's
 * "Flow control". With auth on, reads need the `read` role, changes `admin`.
 */
export class QueuesApi {
  /** @internal built by `Client`. */
  constructor(private readonly router: Router<wire.QueuesDefinition, QueuesMethod>) {}

  /** One queue's policy and usage (an empty policy for a queue that has none). */
  async get(queue: string, opts: QueueReadOptions = {}): Promise<QueueInfo> {
    return queueFromWire(await this.router.call('Get', { queue, stale: opts.stale ?? false }, { idempotent: true }, opts));
  }

  /** Every queue with jobs or a policy, by name. */
  async list(opts: QueueReadOptions = {}): Promise<QueueInfo[]> {
    return (await this.router.call('List', { stale: opts.stale ?? false }, { idempotent: true }, opts)).queues.map(queueFromWire);
  }

  /**
   * Change a queue's policy: what `settings` gives changes, what it leaves out stays, `null`
   * removes a limit or bucket. A queue may get a policy before its first job.
   *
   * @throws RaftJobsError INVALID_ARGUMENT (a bad queue name or value: nothing changes), LIMIT_EXCEEDED
   */
  async set(queue: string, settings: QueueSettings, opts: CallOptions = {}): Promise<QueueInfo> {
    return queueFromWire(await this.router.call('Set', settingsToWire(queue, settings), { idempotent: true }, opts));
  }

  /** Stop new leases from the queue: leased jobs run on, submits are accepted. */
  async pause(queue: string, opts: CallOptions = {}): Promise<QueueInfo> {
    return queueFromWire(await this.router.call('Pause', { queue }, { idempotent: true }, opts));
  }

  /** Let the queue be leased from again. */
  async resume(queue: string, opts: CallOptions = {}): Promise<QueueInfo> {
    return queueFromWire(await this.router.call('Resume', { queue }, { idempotent: true }, opts));
  }

  close(): void {
    this.router.close();
  }
}

/** A count or limit the wire carries as an int32, or INVALID_ARGUMENT naming the field. */
function wholeNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new RaftJobsError(ErrorCode.InvalidArgument, `${name}: must be a whole number, got ${String(v)}`);
  return v;
}

/**
 * A limit to set: the wire removes one with 0, so 0 (which would read as "remove") is refused
 * here and `null` is the way to remove it.
 */
function limitToWire(name: string, v: number | null): number {
  if (v === null) return 0;
  if (wholeNumber(name, v) === 0) throw new RaftJobsError(ErrorCode.InvalidArgument, `${name}: must be at least 1; null removes the limit`);
  return v;
}

function rateToWire(name: string, r: RateLimitOptions | null): wire.RateLimit {
  if (r === null) return { limit: 0, periodMs: 0, burst: 0 };
  if (typeof r !== 'object') throw new RaftJobsError(ErrorCode.InvalidArgument, `${name}: must be { limit, periodMs, burst? } or null`);
  const burst = r.burst === undefined ? 0 : limitToWire(`${name}.burst`, r.burst);
  return { limit: limitToWire(`${name}.limit`, r.limit), periodMs: wholeNumber(`${name}.periodMs`, r.periodMs), burst };
}

/** The SetQueueRequest of `settings`. Ranges are the server's to check; only what cannot be encoded is refused here. */
export function settingsToWire(queue: string, s: QueueSettings): wire.SetQueueRequest {
  if (s === null || typeof s !== 'object') throw new RaftJobsError(ErrorCode.InvalidArgument, 'settings: must be an object');
  const req: wire.SetQueueRequest = { queue };
  if (s.paused !== undefined) req.paused = s.paused;
  if (s.concurrency !== undefined) req.concurrency = limitToWire('concurrency', s.concurrency);
  if (s.groupConcurrency !== undefined) req.groupConcurrency = limitToWire('groupConcurrency', s.groupConcurrency);
  if (s.groupConcurrencyOverrides !== undefined) {
    const overrides: Record<string, number> = {};
    for (const [key, limit] of Object.entries(s.groupConcurrencyOverrides)) overrides[key] = limitToWire(`groupConcurrencyOverrides[${JSON.stringify(key)}]`, limit);
    req.groupConcurrencyOverrides = overrides;
  }
  if (s.rate !== undefined) req.rate = rateToWire('rate', s.rate);
  if (s.groupRate !== undefined) req.groupRate = rateToWire('groupRate', s.groupRate);
  return req;
}

const rateFromWire = (r: wire.RateLimit__Output | null): RateLimitInfo | null =>
  r === null || r.limit === 0 ? null : { limit: r.limit, periodMs: r.periodMs, burst: r.burst > 0 ? r.burst : r.limit };

const orNull = (v: number): number | null => (v > 0 ? v : null);
const tokens = (v: number): number | null => (v < 0 ? null : v);

function groupFromWire(g: wire.GroupUsage__Output): GroupUsage {
  return { group: g.group, leased: g.leased, ready: g.ready, limit: orNull(g.limit), tokens: tokens(g.tokens), throttledUntil: orNull(g.throttledUntilMs) };
}

/** A `QueueFlow` message as the SDK's `QueueInfo`. */
export function queueFromWire(w: wire.QueueFlow__Output): QueueInfo {
  const p = w.policy;
  const u = w.usage;
  const policy: QueuePolicy = {
    paused: p?.paused ?? false,
    concurrency: orNull(p?.concurrency ?? 0),
    groupConcurrency: orNull(p?.groupConcurrency ?? 0),
    groupConcurrencyOverrides: { ...(p?.groupConcurrencyOverrides ?? {}) },
    rate: rateFromWire(p?.rate ?? null),
    groupRate: rateFromWire(p?.groupRate ?? null),
  };
  return {
    queue: w.queue,
    policy,
    usage: {
      leased: u?.leased ?? 0,
      ready: u?.ready ?? 0,
      tokens: tokens(u?.tokens ?? -1),
      throttledUntil: orNull(u?.throttledUntilMs ?? 0),
      busiestGroups: (u?.busiestGroups ?? []).map(groupFromWire),
      groups: u?.groups ?? 0,
    },
    time: w.serverTimeMs,
  };
}

/** Bulk actions as the wire spells them (`BulkAction`). */
const BULK_ACTION_TO_WIRE: Readonly<Record<BulkAction, wire.BulkAction>> = {
  retryDead: 'BULK_ACTION_RETRY_DEAD',
  cancel: 'BULK_ACTION_CANCEL',
  purge: 'BULK_ACTION_PURGE',
};

/** The BulkRequest of `client.bulk`'s options. Ranges are the server's; only what cannot be encoded is refused here. */
export function bulkToWire(o: BulkOptions): wire.BulkRequest {
  if (o === null || typeof o !== 'object') throw new RaftJobsError(ErrorCode.InvalidArgument, 'bulk: options { action, filter?, dryRun? } are required');
  const action = BULK_ACTION_TO_WIRE[o.action];
  if (action === undefined) throw new RaftJobsError(ErrorCode.InvalidArgument, `action: must be one of ${Object.keys(BULK_ACTION_TO_WIRE).join(', ')}, got ${JSON.stringify(o.action)}`);
  // The wire reads a batch size of 0 as the default.
  if (o.batchSize !== undefined && wholeNumber('batchSize', o.batchSize) === 0) throw new RaftJobsError(ErrorCode.InvalidArgument, 'batchSize: must be at least 1 (leave it out for the default)');
  const f = o.filter ?? {};
  const filter: wire.BulkFilter = {};
  if (f.queue !== undefined) filter.queue = f.queue;
  if (f.states !== undefined) filter.states = [...f.states];
  if (f.group !== undefined) filter.group = f.group;
  if (f.olderThanMs !== undefined) filter.olderThanMs = wholeNumber('filter.olderThanMs', f.olderThanMs);
  return {
    action,
    filter,
    dryRun: o.dryRun ?? false,
    batchSize: o.batchSize ?? 0,
    reason: o.reason ?? '',
  };
}

/** A BulkResponse as the SDK's `BulkOutcome`. */
export function bulkOutcomeFromWire(action: BulkAction, w: wire.BulkResponse__Output): BulkOutcome {
  return { action, dryRun: w.dryRun, matched: w.matched, affected: w.affected, batches: w.batches };
}
