/**
 * What a worker reports, as commands: heartbeat, progress, complete, fail and release, for the
 * Work stream and the unary calls alike. Validation happens here, before anything is proposed: on
 * the stream a refused report is answered (an Ack or a HeartbeatResponse naming the field and the
 * limit) and the stream goes on; a unary call fails with INVALID_ARGUMENT.
 */
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { validateCommand } from '../jobs/index.js';
import type { Command, CommandResult, HeartbeatResult, LeaseRef } from '../jobs/index.js';
import { rejection, type ServiceContext } from './handler.js';
import type { HeartbeatWire, LeaseRefWire, WorkerMessage } from './worker-stream.js';

/** A command built from a worker report, or why it is refused (problems, each naming its field and limit). */
export type Built = { readonly ok: true; readonly cmd: Command } | { readonly ok: false; readonly message: string };

function checked(cmd: Command, ctx: ServiceContext): Built {
  const v = validateCommand(cmd, ctx.node.query.options);
  return v.ok ? { ok: true, cmd: v.value } : { ok: false, message: v.problems.join('; ') };
}

const refs = (leases: readonly LeaseRefWire[]): LeaseRef[] => leases.map((l) => ({ jobId: l.jobId, token: l.token }));

/** The heartbeat command of a request (which must list at least one lease). */
export function heartbeatCommand(ctx: ServiceContext, req: HeartbeatWire): Built {
  return checked({ type: 'heartbeat', leases: refs(req.leases), ...(req.ttlMs !== 0 ? { ttlMs: req.ttlMs } : {}) }, ctx);
}

/** The progress, complete or fail command of a message. */
export function outcomeCommand(ctx: ServiceContext, msg: WorkerMessage): Built {
  if (msg.body === 'progress' && msg.progress) {
    const p = msg.progress;
    return checked({ type: 'progress', jobId: p.jobId, token: p.token, percent: p.percent, ...(p.message !== '' ? { message: p.message } : {}) }, ctx);
  }
  if (msg.body === 'complete' && msg.complete) {
    const c = msg.complete;
    return checked({ type: 'complete', jobId: c.jobId, token: c.token, ...(c.result && c.result.length > 0 ? { result: c.result } : {}) }, ctx);
  }
  if (msg.body === 'fail' && msg.fail) {
    const f = msg.fail;
    return checked({ type: 'fail', jobId: f.jobId, token: f.token, error: f.error, ...(f.noRetry ? { retry: false } : {}) }, ctx);
  }
  return { ok: false, message: `${msg.body ?? 'message'}: the body is missing` };
}

/** The release (`listed`) of leases a worker stream of `session` received and will not run. */
export function releaseCommand(ctx: ServiceContext, workerId: string, session: string, leases: readonly LeaseRefWire[]): Built {
  return checked({ type: 'release', workerId, session, mode: 'listed', leases: refs(leases) }, ctx);
}

/** A built command's refusal as an Ack (without request id). */
export function refusalAck(message: string): Record<string, unknown> {
  return { ok: false, code: ErrorCode.InvalidArgument, message, state: '' };
}

/** A refused heartbeat's answer: every listed lease refused with the same reason. */
export function refusedHeartbeat(ctx: ServiceContext, req: HeartbeatWire, message: string): Record<string, unknown> {
  return {
    leases: req.leases.map((l) => ({ jobId: l.jobId, ok: false, expiresAtMs: 0, code: ErrorCode.InvalidArgument, message })),
    serverTimeMs: ctx.node.query.now(),
  };
}

async function proposeOnLeader(ctx: ServiceContext, cmd: Command): Promise<CommandResult> {
  if (!ctx.node.isLeader()) throw ctx.forwarder.notLeader();
  return ctx.node.propose(cmd);
}

/** Propose a validated heartbeat; the HeartbeatResponse, with the leader's time after it applied. */
export async function heartbeat(ctx: ServiceContext, cmd: Command): Promise<Record<string, unknown>> {
  const res = (await proposeOnLeader(ctx, cmd)) as HeartbeatResult | Exclude<CommandResult, { ok: true }>;
  if (!res.ok) throw rejection(res);
  return {
    leases: res.leases.map((l) =>
      l.ok ? { jobId: l.jobId, ok: true, expiresAtMs: l.expiresAt, code: '', message: '' } : { jobId: l.jobId, ok: false, expiresAtMs: 0, code: l.code, message: l.message },
    ),
    serverTimeMs: ctx.node.query.now(),
  };
}

/**
 * Propose a validated progress, complete or fail; the Ack (without request id). A completion or
 * failure repeated with the token of an attempt that already ended that way is acknowledged
 * again (a worker resends what it never saw acknowledged when its leader died).
 */
export async function settle(ctx: ServiceContext, cmd: Command, handlerMs: number): Promise<Record<string, unknown>> {
  const res = await proposeOnLeader(ctx, cmd);
  if (res.ok && (cmd.type === 'complete' || cmd.type === 'fail')) reportHandler(ctx, cmd.jobId, cmd.type, handlerMs);
  if (res.ok) return { ok: true, code: '', message: '', state: res.type === 'fail' ? res.state : res.type === 'complete' ? 'succeeded' : '' };
  if (cmd.type === 'complete' || cmd.type === 'fail') {
    const attempt = ctx.node.query.attemptOutcome(cmd.jobId, cmd.token);
    const expected = cmd.type === 'complete' ? 'succeeded' : 'failed';
    if (attempt?.outcome === expected) return { ok: true, code: '', message: 'already recorded', state: attempt.jobState };
  }
  return { ok: false, code: res.code, message: res.message, state: '' };
}

/** Propose a validated release; the Ack (without request id) and the job ids the worker no longer holds. */
export async function release(ctx: ServiceContext, cmd: Command): Promise<{ ack: Record<string, unknown>; dropped: string[] }> {
  const res = await proposeOnLeader(ctx, cmd);
  if (!res.ok) return { ack: { ok: false, code: res.code, message: res.message, state: '' }, dropped: [] };
  if (res.type !== 'release') throw new Error(`release answered by ${res.type}`);
  const message =
    res.ignored.length === 0
      ? ''
      : `ignored ${res.ignored.length} of ${res.ignored.length + res.released.length}: not current leases of this session (${res.ignored.slice(0, 10).join(', ')}${res.ignored.length > 10 ? ', ...' : ''})`;
  return { ack: { ok: true, code: '', message, state: '' }, dropped: [...res.released, ...res.ignored] };
}

/** Feed the handler latency a worker reported with an accepted completion or failure. */
function reportHandler(ctx: ServiceContext, jobId: string, type: 'complete' | 'fail', ms: number): void {
  if (ctx.observer?.handlerReported === undefined || !(ms > 0)) return;
  const queue = ctx.node.query.queueOf(jobId);
  if (queue !== null) ctx.observer.handlerReported(queue, type === 'complete' ? 'completed' : 'failed', ms);
}

/** A unary call's answer: the Ack when ok, else its error. */
export function okOrThrow(ack: Record<string, unknown>): Record<string, unknown> {
  if (ack['ok']) return ack;
  throw new RaftJobsError(ack['code'] as ErrorCode, String(ack['message']));
}
