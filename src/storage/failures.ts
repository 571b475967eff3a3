import { ErrorCode, RaftJobsError } from '../errors/index.js';

/** Where storage errors say the data lives when it is not on disk. */
export const MEMORY_PATH = '(memory)';

/** A refusal to use a data directory or database: `text` completes "Data directory <path> ...". */
export function refuse(
  code: typeof ErrorCode.StorageUnreadable | typeof ErrorCode.StorageCorrupt | typeof ErrorCode.StorageForeign,
  path: string,
  text: string,
  cause?: unknown,
): RaftJobsError {
  return new RaftJobsError(code, `Data directory ${path} ${text}; refusing to start`, { path }, { cause });
}

/** A record that does not decode: the database holds something raftjobs did not write. */
export function corrupt(path: string, text: string, cause?: unknown): RaftJobsError {
  return refuse(ErrorCode.StorageCorrupt, path, `is corrupt: ${text}`, cause);
}

/** A write that did not reach the disk: the node must stop rather than acknowledge it. */
export function dataLoss(path: string, what: string, cause: unknown): RaftJobsError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RaftJobsError(
    ErrorCode.DataLoss,
    `Storage at ${path} failed to ${what} (${reason}); the node must stop`,
    { path },
    { cause },
  );
}

/** A caller broke a storage precondition (a bug in the driver or the core, not a disk problem). */
export function misuse(path: string, text: string): RaftJobsError {
  return new RaftJobsError(ErrorCode.Internal, `Storage at ${path}: ${text}`, { path });
}

/** The `code` property of a Node or LevelDB error, if any. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = err.code;
  return typeof code === 'string' ? code : undefined;
}

/** The first cause in a chain whose code is one of `codes` (abstract-level wraps open errors). */
export function findCause(err: unknown, codes: readonly string[]): unknown {
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 8; depth++) {
    const code = errorCode(e);
    if (code !== undefined && codes.includes(code)) return e;
    e = typeof e === 'object' && e !== null && 'cause' in e ? e.cause : undefined;
  }
  return undefined;
}
