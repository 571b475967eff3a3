import * as grpc from '@grpc/grpc-js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { Meta } from '../protocol/index.js';


const CODES = new Set<string>(Object.values(ErrorCode));

/** Codes with which the server says it did nothing and another node (or a later try) may succeed. */
const NOT_DONE = new Set<string>([ErrorCode.NotLeader, ErrorCode.NoLeader, ErrorCode.ShuttingDown, ErrorCode.Overloaded]);

/**
 * Codes with which a node says its own storage failed (it stops). The cluster may be fine: a
 * write it had proposed may still commit through the others, so the outcome is unknown, and the
 * call moves to another node.
 */
const NODE_STORAGE_FAILED = new Set<string>([ErrorCode.DataLoss, ErrorCode.StorageCorrupt, ErrorCode.StorageForeign, ErrorCode.StorageUnreadable]);

/** grpc-js details of failures that happen before a request reaches any server. */
const NEVER_SENT = [/No connection established/, /^Stream refused by server/, /^Name resolution failed/];

export function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as Partial<grpc.ServiceError>).code === 'number';
}

/** First string value of a metadata key, or null. */
export function metaString(md: grpc.Metadata | undefined, key: string): string | null {
  const v = md?.get(key)[0];
  if (v === undefined) return null;
  const s = typeof v === 'string' ? v : v.toString('utf8');
  return s === '' ? null : s;
}

function fallbackCode(status: grpc.status): ErrorCode {
  switch (status) {
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.OUT_OF_RANGE:
      return ErrorCode.InvalidArgument;
    case grpc.status.NOT_FOUND:
      return ErrorCode.NotFound;
    case grpc.status.FAILED_PRECONDITION:
      return ErrorCode.IllegalTransition;
    case grpc.status.RESOURCE_EXHAUSTED:
      return ErrorCode.Overloaded;
    case grpc.status.DEADLINE_EXCEEDED:
      return ErrorCode.Timeout;
    case grpc.status.UNAVAILABLE:
      return ErrorCode.NoLeader;
    case grpc.status.DATA_LOSS:
      return ErrorCode.DataLoss;
    case grpc.status.UNAUTHENTICATED:
      return ErrorCode.Unauthenticated;
    case grpc.status.PERMISSION_DENIED:
      return ErrorCode.PermissionDenied;
    default:
      return ErrorCode.Internal;
  }
}

/**
 * The RaftJobsError a failed call surfaces: the code from `x-error-code` (else one derived from the
 * status), the server's message, and the leader and job hints from metadata. The gRPC error is
 * the `cause`.
 */
export function toRaftJobsError(err: unknown, context: string): RaftJobsError {
  if (err instanceof RaftJobsError) return err;
  if (!isServiceError(err)) return new RaftJobsError(ErrorCode.Internal, `${context}: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
  const md = err.metadata as grpc.Metadata | undefined;
  const given = metaString(md, Meta.ErrorCode);
  const code = given !== null && CODES.has(given) ? (given as ErrorCode) : fallbackCode(err.code);
  const leaderId = metaString(md, Meta.LeaderId);
  const leaderAddress = metaString(md, Meta.LeaderAddress);
  const jobId = metaString(md, Meta.JobId);
  const limit = metaString(md, Meta.Limit);
  const oldestPosition = metaString(md, Meta.WatchOldest);
  const details = {
    ...(leaderId !== null ? { leaderId } : {}),
    ...(leaderAddress !== null ? { leaderAddress } : {}),
    ...(jobId !== null ? { jobId } : {}),
    ...(limit !== null ? { limit } : {}),
    ...(oldestPosition !== null ? { oldestPosition } : {}),
  };
  const message = err.details !== undefined && err.details !== '' ? err.details : err.message;
  const tooLarge = given === null ? oversizeMessage(err) : null;
  if (tooLarge !== null) return new RaftJobsError(ErrorCode.InvalidArgument, tooLarge, details, { cause: err });
  return new RaftJobsError(code, message, details, { cause: err });
}

/**
 * grpc-js refuses a message over the receiving side's limit with RESOURCE_EXHAUSTED ("Received
 * message larger than max (N vs M)"). Resending cannot help and nothing was done, so it surfaces
 * as INVALID_ARGUMENT, not OVERLOADED, with both sizes; null for any other error.
 */
function oversizeMessage(err: grpc.ServiceError): string | null {
  if (err.code !== grpc.status.RESOURCE_EXHAUSTED) return null;
  const m = /Received message larger than max \((\d+) vs\.? (\d+)\)/.exec(err.details ?? '');
  if (m === null) return null;
  return (
    `a message of ${m[1]} bytes is over the receiver's limit of ${m[2]} bytes (a node accepts limits.maxPeerMessageBytes plus 64 KiB); ` +
    'submit smaller jobs, or fewer at a time'
  );
}

/** What to do after a failed attempt. */
export type Verdict =
  /** Try again: at `leaderAddress` at once when the server named the leader, else the next node after a backoff. */
  | { readonly retry: true; readonly leaderAddress: string | null; readonly sameNode: boolean }
  /** Give up and surface this error. */
  | { readonly retry: false; readonly error: RaftJobsError };

/**
 * Classify a failed attempt of a unary call.
 *
 * - The server said it did nothing (NOT_LEADER, NO_LEADER, SHUTTING_DOWN, OVERLOADED), or the
 *   request never left this process (no connection): retry, following `x-leader-addr` if given.
 * - The outcome is unknown (`x-outcome: unknown`, a connection dropped mid-call, an attempt's own
 *   deadline, a node whose storage failed): retry only an idempotent call, on another node;
 *   otherwise surface OUTCOME_UNKNOWN.
 * - Anything else (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, INTERNAL, ...) is final.
 */
export function classify(err: unknown, idempotent: boolean, context: string): Verdict {
  const error = toRaftJobsError(err, context);
  if (!isServiceError(err)) return { retry: false, error };
  const md = err.metadata as grpc.Metadata | undefined;
  const given = metaString(md, Meta.ErrorCode);
  const leaderAddress = metaString(md, Meta.LeaderAddress);
  const outcomeUnknown = metaString(md, Meta.Outcome) === 'unknown' || given === ErrorCode.OutcomeUnknown;
  const unknown = (): Verdict =>
    idempotent
      ? { retry: true, leaderAddress, sameNode: false }
      : {
          retry: false,
          error: new RaftJobsError(
            ErrorCode.OutcomeUnknown,
            `${context}: the outcome is unknown (${error.message}); the call was not retried because repeating it is not safe — read the job to find out`,
            error.details,
            { cause: err },
          ),
        };
  if (outcomeUnknown || (given !== null && NODE_STORAGE_FAILED.has(given))) return unknown();
  if (given !== null && NOT_DONE.has(given)) return { retry: true, leaderAddress, sameNode: given === ErrorCode.Overloaded };
  if (given !== null) return { retry: false, error };
  // No x-error-code: the status came from grpc-js or the network, not from a raftjobs handler.
  switch (err.code) {
    case grpc.status.UNAVAILABLE:
      if (NEVER_SENT.some((re) => re.test(err.details ?? ''))) return { retry: true, leaderAddress, sameNode: false };
      return unknown();
    case grpc.status.DEADLINE_EXCEEDED:
    case grpc.status.CANCELLED:
    case grpc.status.INTERNAL:
    case grpc.status.UNKNOWN:
      // A stream reset or an attempt's own deadline: the request may or may not have been applied.
      return unknown();
    default:
      return { retry: false, error };
  }
}
