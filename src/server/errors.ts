import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { Meta, UndecodableRequest } from '../protocol/index.js';
import { wireMessage } from './wire.js';

const STATUS: Record<ErrorCode, grpc.status> = {
  NOT_LEADER: grpc.status.UNAVAILABLE,
  NO_LEADER: grpc.status.UNAVAILABLE,
  SHUTTING_DOWN: grpc.status.UNAVAILABLE,
  OUTCOME_UNKNOWN: grpc.status.UNAVAILABLE,
  TIMEOUT: grpc.status.DEADLINE_EXCEEDED,
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  CONFIG_INVALID: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  STALE_TOKEN: grpc.status.FAILED_PRECONDITION,
  LEASE_EXPIRED: grpc.status.FAILED_PRECONDITION,
  ILLEGAL_TRANSITION: grpc.status.FAILED_PRECONDITION,
  PROTOCOL_MISMATCH: grpc.status.FAILED_PRECONDITION,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  SLOT_ALREADY_FIRED: grpc.status.ALREADY_EXISTS,
  LIMIT_EXCEEDED: grpc.status.RESOURCE_EXHAUSTED,
  OVERLOADED: grpc.status.RESOURCE_EXHAUSTED,
  WATCH_POSITION_COMPACTED: grpc.status.FAILED_PRECONDITION,
  WATCHER_TOO_SLOW: grpc.status.RESOURCE_EXHAUSTED,
  CHANGE_PENDING: grpc.status.UNAVAILABLE,
  DATA_LOSS: grpc.status.DATA_LOSS,
  STORAGE_CORRUPT: grpc.status.DATA_LOSS,
  STORAGE_FOREIGN: grpc.status.DATA_LOSS,
  STORAGE_UNREADABLE: grpc.status.DATA_LOSS,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  INTERNAL: grpc.status.INTERNAL,
};


/** The gRPC status of an error code (proto/jobs.proto lists them for client authors). */
export function statusOf(code: ErrorCode): grpc.status {
  return STATUS[code];
}

/**
 * The one mapping from errors to gRPC status for every service. Unexpected errors become
 * INTERNAL with a generic message; their stack goes to the log only. The message of an
 * INVALID_ARGUMENT names the request's fields as the .proto spells them (`jobs[0].delay_ms`), not
 * the command's (`jobs[0].delayMs`); `renames` maps the command fields a request names otherwise
 * (see `wireProblem`).
 */
export function toServiceError(err: unknown, logger: Logger, renames?: Readonly<Record<string, string>>): grpc.ServiceError {
  const md = new grpc.Metadata();
  if (err instanceof RaftJobsError) {
    md.set(Meta.ErrorCode, err.code);
    if (err.details.leaderId) md.set(Meta.LeaderId, err.details.leaderId);
    if (err.details.leaderAddress) md.set(Meta.LeaderAddress, err.details.leaderAddress);
    if (err.details.jobId) md.set(Meta.JobId, err.details.jobId);
    if (err.details.limit) md.set(Meta.Limit, err.details.limit);
    if (err.details.oldestPosition) md.set(Meta.WatchOldest, err.details.oldestPosition);
    if (err.code === ErrorCode.OutcomeUnknown) md.set(Meta.Outcome, 'unknown');
    const message = err.code === ErrorCode.InvalidArgument ? wireMessage(err.message, renames) : err.message;
    return Object.assign(new Error(message), { code: STATUS[err.code], details: message, metadata: md });
  }
  if (isServiceError(err)) return err;
  logger.error({ err }, 'unexpected error in a request handler');
  md.set(Meta.ErrorCode, ErrorCode.Internal);
  return Object.assign(new Error('internal error'), { code: grpc.status.INTERNAL, details: 'internal error (see the node log)', metadata: md });
}

/** A gRPC error as raised by grpc-js clients (a forwarded call's failure passes through unchanged). */
export function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as Partial<grpc.ServiceError>).code === 'number' && (err as Partial<grpc.ServiceError>).metadata instanceof grpc.Metadata;
}

/**
 * Ends every call whose request bytes did not decode as its message type (the service decoders of
 * src/protocol return an `UndecodableRequest` for them) with INVALID_ARGUMENT and `x-error-code`,
 * on unary calls and streams alike; without it grpc-js answers INTERNAL. A stream ends at the first
 * such message: it names no request id that an answer could carry.
 */
export const rejectUndecodable: grpc.ServerInterceptor = (method, call) => new UndecodableGuard(method.path, call);

/** The call of `rejectUndecodable`: it keeps the handler's listener to tell it the call is over. */
class UndecodableGuard extends grpc.ServerInterceptingCall {
  private rejected = false;
  /** The handler's side of the call (grpc-js does not export its type). */
  private handler: { onCancel(): void } | null = null;

  constructor(path: string, call: grpc.ServerInterceptingCallInterface) {
    super(call, {
      start: (next) => {
        next({
          onReceiveMessage: (message: unknown, pass: (message: unknown) => void) => {
            if (this.rejected) return;
            if (!(message instanceof UndecodableRequest)) {
              pass(message);
              return;
            }
            this.rejected = true;
            const md = new grpc.Metadata();
            md.set(Meta.ErrorCode, ErrorCode.InvalidArgument);
            call.sendStatus({ code: grpc.status.INVALID_ARGUMENT, details: `${path}: the request is not a valid ${message.type} message (${message.reason})`, metadata: md });
            // The handler already runs on a stream: it must learn that the call is over.
            this.handler?.onCancel();
          },
          onReceiveHalfClose: (pass: () => void) => {
            if (!this.rejected) pass();
          },
        });
      },
    });
  }

  override start(listener: Parameters<grpc.ServerInterceptingCall['start']>[0]): void {
    this.handler = listener;
    super.start(listener);
  }
}
