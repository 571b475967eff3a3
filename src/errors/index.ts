/**
 * The one error class of raftjobs. `code` is machine-readable and drives the gRPC status mapping
 * (see src/server); structured fields carry what a caller needs to act (leader hint, job id, path).
 */
export const ErrorCode = {
  NotLeader: 'NOT_LEADER',
  NoLeader: 'NO_LEADER',
  ShuttingDown: 'SHUTTING_DOWN',
  InvalidArgument: 'INVALID_ARGUMENT',
  NotFound: 'NOT_FOUND',
  StaleToken: 'STALE_TOKEN',
  /** A worker's lease passed its deadline before the handler returned (the SDK aborts the handler with it). */
  LeaseExpired: 'LEASE_EXPIRED',
  IllegalTransition: 'ILLEGAL_TRANSITION',
  /** The other side speaks a protocol version this node cannot (a worker's Hello, a peer's stream). */
  ProtocolMismatch: 'PROTOCOL_MISMATCH',
  /** A create of something (a schedule) whose id is taken. */
  AlreadyExists: 'ALREADY_EXISTS',
  /** A schedule slot already fired or skipped (a duplicate or stale proposal; harmless). */
  SlotAlreadyFired: 'SLOT_ALREADY_FIRED',
  /**
   * A bound of the cluster's state was reached (most schedules), or a resource guard refused new
   * jobs (a backlog cap, the leader's free-disk floor: `details.limit`). Nothing happened.
   */
  LimitExceeded: 'LIMIT_EXCEEDED',
  Overloaded: 'OVERLOADED',
  /**
   * A watch asked to start after a position the node no longer holds (older than its ring of
   * events, or from before its restart). Resync: read the current state, then watch from now.
   */
  WatchPositionCompacted: 'WATCH_POSITION_COMPACTED',
  /** A watcher read so slowly that the events it had still to receive left the node's ring. Resync. */
  WatcherTooSlow: 'WATCHER_TOO_SLOW',
  /**
   * A membership change was refused for now: an earlier one is not committed yet, or a new leader
   * has not committed an entry of its term. Nothing changed; retry shortly.
   */
  ChangePending: 'CHANGE_PENDING',
  /** No token, or one the cluster does not know (auth is on); nothing happened. */
  Unauthenticated: 'UNAUTHENTICATED',
  /** The token is valid but lacks the role the call needs; nothing happened. */
  PermissionDenied: 'PERMISSION_DENIED',
  OutcomeUnknown: 'OUTCOME_UNKNOWN',
  DataLoss: 'DATA_LOSS',
  StorageCorrupt: 'STORAGE_CORRUPT',
  StorageForeign: 'STORAGE_FOREIGN',
  StorageUnreadable: 'STORAGE_UNREADABLE',
  ConfigInvalid: 'CONFIG_INVALID',
  Timeout: 'TIMEOUT',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Why a TLS handshake between a client and a node failed, when the client can tell: the `tls`
 * field of an error that says no node could be reached. Each names its fix in docs/sdk.md.
 */
export const TlsMismatch = {
  /** The node speaks TLS; the client dialled in plaintext. */
  ServerSpeaksTls: 'server-speaks-tls',
  /** The node is plaintext; the client dialled TLS. */
  ServerPlaintext: 'server-plaintext',
  /** The node's certificate is not signed by a CA the client trusts. */
  UntrustedServer: 'untrusted-server',
  /** The node's certificate has expired, or is not valid yet. */
  ServerCertificateExpired: 'server-certificate-expired',
  /** The node's certificate does not name the host dialled, or names no raftjobs node. */
  ServerIdentity: 'server-identity',
  /** The node requires a client certificate; the client sent none. */
  ClientCertificateRequired: 'client-certificate-required',
  /** The node refused the client's certificate (not issued by the cluster CA, expired). */
  ClientCertificateRefused: 'client-certificate-refused',
} as const;
export type TlsMismatch = (typeof TlsMismatch)[keyof typeof TlsMismatch];

export interface ErrorDetails {
  readonly leaderId?: string | null;
  readonly leaderAddress?: string | null;
  readonly jobId?: string;
  readonly path?: string;
  /** Every problem found, for validation errors that report all at once. */
  readonly problems?: readonly string[];
  /** No node could be reached because every one refused this client's TLS settings, or it theirs. */
  readonly tls?: TlsMismatch;
  /**
   * The config path of the resource guard that refused new jobs (`x-limit`): `limits.maxBacklogJobs`,
   * `limits.maxBacklogPayloadBytes` or `limits.minFreeDiskBytes`.
   */
  readonly limit?: string;
  /**
   * With WATCH_POSITION_COMPACTED and WATCHER_TOO_SLOW: the position (`index:ordinal`, `end` for
   * after a whole entry) after which the node holds every event (`x-watch-oldest`).
   */
  readonly oldestPosition?: string;
}

export class RaftJobsError extends Error {
  override readonly name = 'RaftJobsError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

export function isRaftJobsError(err: unknown, code?: ErrorCode): err is RaftJobsError {
  return err instanceof RaftJobsError && (code === undefined || err.code === code);
}
