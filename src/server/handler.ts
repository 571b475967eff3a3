import type * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type { Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { CommandResult, Rejection } from '../jobs/index.js';
import type { JobNode, JobQueries } from '../node/index.js';
import { toServiceError } from './errors.js';
import type { LeaderForwarder } from './forward.js';

/** What every service handler needs. */
export interface ServiceContext {
  readonly node: JobNode;
  /**
   * `limits.maxEntryBytes`: a submit whose command would not fit in one log entry of this size is
   * refused with INVALID_ARGUMENT, so no accepted request can make an entry too big to replicate.
   */
  readonly maxEntryBytes: number;
  readonly forwarder: LeaderForwarder;
  readonly logger: Logger;
}

type UnaryImpl<Req, Res> = (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>;

/**
 * A unary method as proto-loader defines it: sent as `ReqIn`/`ResIn`, decoded as `ReqOut`/`ResOut`
 * (a decoded message can always be sent again, which forwarding does).
 */
export type UnaryMethod<ReqIn, ResIn, ReqOut extends ReqIn, ResOut extends ResIn> = MethodDefinition<ReqIn, ResIn, ReqOut, ResOut>;

/**
 * Command fields that a request names otherwise than the snake_case of their name, by method:
 * Cancel and RetryDead name the job `id`, Bulk names a batch's `max` `batch_size`. Every other field path translates by its name alone
 * (see `wireProblem`).
 */
const REQUEST_RENAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '/raftjobs.jobs.v1.Jobs/Cancel': { jobId: 'id' },
  '/raftjobs.jobs.v1.Jobs/RetryDead': { jobId: 'id' },
  '/raftjobs.jobs.v1.Jobs/Bulk': { max: 'batch_size' },
};

/**
 * Wrap an async unary implementation: forward to the leader when this node is a follower
 * (unless the call may be served locally), map every error through the one mapping.
 */
export function unary<ReqIn, ResIn, ReqOut extends ReqIn, ResOut extends ResIn>(
  ctx: ServiceContext,
  method: UnaryMethod<ReqIn, ResIn, ReqOut, ResOut>,
  impl: UnaryImpl<ReqOut, ResIn>,
  servedLocally: (req: ReqOut) => boolean = () => false,
): grpc.handleUnaryCall<ReqOut, ResIn> {
  return (call, cb) => {
    if (!servedLocally(call.request) && ctx.forwarder.shouldForward(call)) {
      ctx.forwarder.forward(method, call, cb);
      return;
    }
    impl(call.request, call).then(
      (res) => cb(null, res),
      (err: unknown) => cb(toServiceError(ctx.forwarder.withHint(err), ctx.logger, REQUEST_RENAMES[method.path])),
    );
  };
}

/** Propose a command on the leader; a rejection becomes a RaftJobsError. */
export async function proposeOk<T extends CommandResult>(ctx: ServiceContext, command: Parameters<JobNode['propose']>[0]): Promise<Exclude<T, Rejection>> {
  if (!ctx.node.isLeader()) throw ctx.forwarder.notLeader();
  const res = await ctx.node.propose(command);
  if (!res.ok) throw rejection(res);
  return res as Exclude<T, Rejection>;
}

export function rejection(r: Rejection): RaftJobsError {
  return new RaftJobsError(r.code, r.message, r.jobId !== undefined ? { jobId: r.jobId } : {});
}

/** Read the state: linearizable on the leader, or local with `stale`. */
export async function readState<T>(ctx: ServiceContext, query: (q: JobQueries) => T, stale: boolean): Promise<T> {
  if (!stale && !ctx.node.isLeader()) throw ctx.forwarder.notLeader();
  return ctx.node.read(query, stale);
}

export function invalid(message: string, problems?: readonly string[]): RaftJobsError {
  return new RaftJobsError(ErrorCode.InvalidArgument, message, problems ? { problems } : {});
}
