import { hostname } from 'node:os';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../errors/index.js';

export type { Logger } from 'pino';

/** Levels accepted by `createLogger` and `RAFTJOBS_LOG_LEVEL`, quietest last. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Log messages other processes look for, so the text lives in one place. The node logs
 * `NodeReady` once its gRPC server is bound; the cluster launcher waits for it on stdout.
 */
export const LogMessage = {
  NodeReady: 'node ready',
} as const;
export type LogMessage = (typeof LogMessage)[keyof typeof LogMessage];

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Bound to every line as `nodeId`. */
  readonly nodeId?: string;
  /** Bound to every line as `clusterId`. */
  readonly clusterId?: string;
  /** Minimum level. Default: `RAFTJOBS_LOG_LEVEL` from `env`, else `info`. */
  readonly level?: LogLevel;
  /**
   * Where JSON lines go. Default: synchronous stdout, so that a node killed with SIGKILL has
   * already written every line it logged.
   */
  readonly destination?: DestinationStream;
  /** Environment to read `RAFTJOBS_LOG_LEVEL` from. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function isLogLevel(text: string): text is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(text);
}

/**
 * The level named by `RAFTJOBS_LOG_LEVEL`, or `fallback` when unset or empty.
 *
 * @throws RaftJobsError `CONFIG_INVALID` when the variable names no level.
 */
export function logLevelFromEnv(env: Readonly<Record<string, string | undefined>>, fallback: LogLevel = 'info'): LogLevel {
  const text = env['RAFTJOBS_LOG_LEVEL']?.trim().toLowerCase();
  if (text === undefined || text === '') return fallback;
  if (isLogLevel(text)) return text;
  const problem = `RAFTJOBS_LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env['RAFTJOBS_LOG_LEVEL'])}`;
  throw new RaftJobsError(ErrorCode.ConfigInvalid, problem, { problems: [problem] });
}

/**
 * Creates the one root logger of a process; components take `logger.child({ component })` in
 * their constructors. Lines are pino JSON with an ISO `time`, `pid`, `hostname`, and `nodeId` /
 * `clusterId` when given. Log errors as `{ err }` so pino's serializer keeps type, message and
 * stack.
 *
 * @throws RaftJobsError `CONFIG_INVALID` when `RAFTJOBS_LOG_LEVEL` names no level.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level: Level | 'silent' = options.level ?? logLevelFromEnv(options.env ?? process.env);
  const base: Record<string, unknown> = { pid: process.pid, hostname: hostname() };
  if (options.nodeId !== undefined) base['nodeId'] = options.nodeId;
  if (options.clusterId !== undefined) base['clusterId'] = options.clusterId;
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  return pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** A logger that writes nothing, for tests and library callers that did not pass one. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
