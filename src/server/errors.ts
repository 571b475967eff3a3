import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { Meta } from '../protocol/index.js';

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
  OVERLOADED: grpc.status.RESOURCE_EXHAUSTED,
  DATA_LOSS: grpc.status.DATA_LOSS,
  STORAGE_CORRUPT: grpc.status.DATA_LOSS,
  STORAGE_FOREIGN: grpc.status.DATA_LOSS,
  STORAGE_UNREADABLE: grpc.status.DATA_LOSS,
  INTERNAL: grpc.status.INTERNAL,
};


/**
 * The one mapping from errors to gRPC status for every service. Unexpected errors become
 * INTERNAL with a generic message; their stack goes to the log only.
 */
export function toServiceError(err: unknown, logger: Logger): grpc.ServiceError {
  const md = new grpc.Metadata();
  if (err instanceof RaftJobsError) {
    md.set(Meta.ErrorCode, err.code);
    if (err.details.leaderId) md.set(Meta.LeaderId, err.details.leaderId);
    if (err.details.leaderAddress) md.set(Meta.LeaderAddress, err.details.leaderAddress);
    if (err.details.jobId) md.set(Meta.JobId, err.details.jobId);
    if (err.code === ErrorCode.OutcomeUnknown) md.set(Meta.Outcome, 'unknown');
    return Object.assign(new Error(err.message), { code: STATUS[err.code], details: err.message, metadata: md });
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
