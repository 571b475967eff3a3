/**
 * What a worker reports (heartbeat, progress, complete, fail), checked and proposed, for worker
 * connections and the unary calls alike. Validation happens before anything is proposed: a refused
 * report is answered (an ack or a heartbeat answer naming the field and the limit), never thrown,
 * so a stream goes on; a unary call turns the refusal into its error.
 */
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { validateCommand } from '../jobs/index.js';
import type { Command, CommandResult, CompleteCommand, FailCommand, LeaseRef, ProgressCommand, RejectCode } from '../jobs/index.js';
import type { JobQueries } from './queries.js';
import type { NodeMetrics } from './types.js';

/** A report that settles or advances an attempt. */
export type WorkerReport = ProgressCommand | CompleteCommand | FailCommand;

/** The answer to a report or a release (the Ack of proto/jobs.proto, without its request id). */
export interface WorkerAck {
  readonly ok: boolean;
  /** '' when ok; else a `RejectCode` or INVALID_ARGUMENT. */
  readonly code: string;
  readonly message: string;
  /** The job's state after a completion or failure ('' otherwise). */
  readonly state: string;
}

export type HeartbeatLease =
  | { readonly jobId: string; readonly ok: true; readonly expiresAtMs: number; readonly code: ''; readonly message: '' }
  | { readonly jobId: string; readonly ok: false; readonly expiresAtMs: 0; readonly code: RejectCode | typeof ErrorCode.InvalidArgument; readonly message: string };

/** The answer to a heartbeat: one entry per listed lease, in order, and the replicated time after it applied. */
export interface HeartbeatAnswer {
  readonly leases: readonly HeartbeatLease[];
  readonly serverTimeMs: number;
  /** Set when the heartbeat was refused before it was proposed (every lease then carries this message). */
  readonly refused?: string;
}

/** What reports need of the node. */
export interface WorkerHost {
  readonly query: JobQueries;
  /** Propose on the leader; rejects NOT_LEADER elsewhere. */
  propose(command: Command): Promise<CommandResult>;
  readonly metrics?: NodeMetrics | undefined;
}

/** A refused report's ack: INVALID_ARGUMENT with the problems. */
export function refusalAck(message: string): WorkerAck {
  return { ok: false, code: ErrorCode.InvalidArgument, message, state: '' };
}

/** Check and propose a heartbeat of `leases` (at least one to propose anything). */
export async function heartbeat(host: WorkerHost, leases: readonly LeaseRef[], ttlMs: number): Promise<HeartbeatAnswer> {
  if (leases.length === 0) return { leases: [], serverTimeMs: host.query.now() };
  const v = validateCommand({ type: 'heartbeat', leases: leases.map((l) => ({ jobId: l.jobId, token: l.token })), ...(ttlMs !== 0 ? { ttlMs } : {}) }, host.query.options);
  if (!v.ok) {
    const message = v.problems.join('; ');
    return { leases: leases.map((l) => ({ jobId: l.jobId, ok: false, expiresAtMs: 0, code: ErrorCode.InvalidArgument, message })), serverTimeMs: host.query.now(), refused: message };
  }
  const res = await host.propose(v.value);
  if (!res.ok) throw rejected(res);
  if (res.type !== 'heartbeat') throw new Error(`heartbeat answered by ${res.type}`);
  return {
    leases: res.leases.map((l) => (l.ok ? { jobId: l.jobId, ok: true, expiresAtMs: l.expiresAt, code: '', message: '' } : { jobId: l.jobId, ok: false, expiresAtMs: 0, code: l.code, message: l.message })),
    serverTimeMs: host.query.now(),
  };
}

/**
 * Check and propose a progress, complete or fail. A completion or failure repeated with the token
 * of an attempt that already ended that way is acknowledged again ('already recorded'): a worker
 * resends what it never saw acknowledged when its leader died.
 */
export async function settle(host: WorkerHost, report: WorkerReport, handlerMs: number): Promise<WorkerAck> {
  const v = validateCommand(report, host.query.options);
  if (!v.ok) return refusalAck(v.problems.join('; '));
  const cmd = v.value as WorkerReport;
  const res = await host.propose(cmd);
  if (res.ok) {
    if ((cmd.type === 'complete' || cmd.type === 'fail') && handlerMs > 0) reportHandler(host, cmd.jobId, cmd.type, handlerMs);
    return { ok: true, code: '', message: '', state: res.type === 'fail' ? res.state : res.type === 'complete' ? 'succeeded' : '' };
  }
  if (cmd.type === 'complete' || cmd.type === 'fail') {
    const attempt = host.query.attemptOutcome(cmd.jobId, cmd.token);
    if (attempt?.outcome === (cmd.type === 'complete' ? 'succeeded' : 'failed')) return { ok: true, code: '', message: 'already recorded', state: attempt.jobState };
  }
  return { ok: false, code: res.code, message: res.message, state: '' };
}

/** Feed the handler latency a worker reported with an accepted completion or failure. */
function reportHandler(host: WorkerHost, jobId: string, type: 'complete' | 'fail', ms: number): void {
  const metrics = host.metrics;
  if (metrics?.handlerReported === undefined) return;
  const queue = host.query.queueOf(jobId);
  if (queue !== null) metrics.handlerReported(queue, type === 'complete' ? 'completed' : 'failed', ms);
}

/** A rejection as the error the API maps (FAILED_PRECONDITION, NOT_FOUND, ...). */
export function rejected(r: Extract<CommandResult, { ok: false }>): RaftJobsError {
  return new RaftJobsError(r.code, r.message, r.jobId !== undefined ? { jobId: r.jobId } : {});
}
