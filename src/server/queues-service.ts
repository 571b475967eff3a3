import type * as grpc from '@grpc/grpc-js';
import { ENTRY_HEADER_BYTES, maxCommandBytes } from '../config/limits.js';
import { encodeBatch, validateCommand, type QueueFlowView, type QueuePolicy, type QueueSetCommand, type QueueSetResult, type RateLimit } from '../jobs/index.js';
import type { JobQueries } from '../node/index.js';
import { jobsServices, type wire } from '../protocol/index.js';
import { queueSetFromWire } from './flow-wire.js';
import { invalid, proposeOk, readState, unary, type ServiceContext } from './handler.js';

/**
 * The Queues service (proto/jobs.proto): a queue's flow-control policy and usage. Writes propose
 * one `queueSet` each, checked first (fields, then the size of the command against one log entry),
 * and answer with the queue as the leader's own state has it after the write.
 */
export function addQueuesService(server: grpc.Server, ctx: ServiceContext): void {
  const { Queues } = jobsServices();
  const m = Queues.service;
  const impl: wire.QueuesHandlers = {
    Get: unary(
      ctx,
      m.Get,
      async ({ queue, stale }) => {
        // The name is checked as a change of it would be (INVALID_ARGUMENT for a bad one).
        checked(ctx, { type: 'queueSet', queue });
        return readState(ctx, (q) => flowToWire(q, queue), stale);
      },
      (req) => req.stale,
    ),
    List: unary(
      ctx,
      m.List,
      async ({ stale }) => ({ queues: await readState(ctx, (q) => q.listQueueFlows().map((v) => viewToWire(v.queue, v, q.now())), stale) }),
      (req) => req.stale,
    ),
    Set: unary(ctx, m.Set, async (r) => {
      const d = queueSetFromWire(r);
      if (!d.ok) throw invalid(d.problems.join('; '), d.problems);
      return written(ctx, await proposeOk<QueueSetResult>(ctx, checked(ctx, d.value)));
    }),
    Pause: unary(ctx, m.Pause, async ({ queue }) => written(ctx, await proposeOk<QueueSetResult>(ctx, checked(ctx, { type: 'queueSet', queue, paused: true })))),
    Resume: unary(ctx, m.Resume, async ({ queue }) => written(ctx, await proposeOk<QueueSetResult>(ctx, checked(ctx, { type: 'queueSet', queue, paused: false })))),
  };
  server.addService(Queues.service, impl);
}

/**
 * A `queueSet` checked for shape and for size: one with very many overrides could be larger than
 * a log entry, which would never replicate, so it is refused like a submit that does not fit.
 */
function checked(ctx: ServiceContext, command: QueueSetCommand): QueueSetCommand {
  const v = validateCommand(command, ctx.node.query.options);
  if (!v.ok) throw invalid(v.problems.join('; '), v.problems);
  const bytes = encodeBatch({ time: 0, commands: [command] }).length;
  if (bytes > maxCommandBytes(ctx.maxEntryBytes)) {
    throw invalid(
      `group_concurrency_overrides: a change of ${Object.keys(command.groupConcurrencyOverrides ?? {}).length} overrides takes ${bytes} bytes, over one log entry of ` +
        `limits.maxEntryBytes (${ctx.maxEntryBytes}, less ${ENTRY_HEADER_BYTES} bytes of entry header); change them in several requests`,
    );
  }
  return command;
}

/** The queue as the write left it (the leader has applied its own write). */
async function written(ctx: ServiceContext, res: QueueSetResult): Promise<wire.QueueFlow> {
  return readState(ctx, (q) => flowToWire(q, res.queue), true);
}

function flowToWire(q: JobQueries, queue: string): wire.QueueFlow {
  return viewToWire(queue, q.queueFlow(queue), q.now());
}

const rateToWire = (r: RateLimit | null): wire.RateLimit | null => (r === null ? null : { limit: r.limit, periodMs: r.periodMs, burst: r.burst ?? r.limit });

function policyToWire(p: QueuePolicy): wire.QueuePolicy {
  return {
    paused: p.paused,
    concurrency: p.concurrency ?? 0,
    groupConcurrency: p.groupConcurrency ?? 0,
    groupConcurrencyOverrides: { ...p.groupConcurrencyOverrides },
    rate: rateToWire(p.rate),
    groupRate: rateToWire(p.groupRate),
  };
}

/**
 * A queue's policy and usage as the wire `QueueFlow` (`view` null: a queue with neither jobs nor
 * a policy). The wire says "none" with 0 for limits and times and -1 for tokens.
 */
export function viewToWire(queue: string, view: QueueFlowView | null, now: number): wire.QueueFlow {
  const policy = view?.policy ?? null;
  return {
    queue,
    policy: policy === null ? policyToWire({ paused: false, concurrency: null, groupConcurrency: null, groupConcurrencyOverrides: {}, rate: null, groupRate: null }) : policyToWire(policy),
    usage: {
      leased: view?.leased ?? 0,
      ready: view?.ready ?? 0,
      tokens: view?.tokens ?? -1,
      throttledUntilMs: view?.throttledUntil ?? 0,
      busiestGroups: (view?.groups ?? []).map((g) => ({
        group: g.group,
        leased: g.leased,
        limit: g.concurrency ?? 0,
        tokens: g.tokens ?? -1,
        throttledUntilMs: g.throttledUntil ?? 0,
        ready: g.ready,
      })),
      groups: view?.groupCount ?? 0,
    },
    serverTimeMs: now,
  };
}
