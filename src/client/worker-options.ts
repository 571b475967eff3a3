/** The options of `Worker` and the shape of what it reports. */
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { tokenProblem } from './auth.js';
import type { BackoffPolicy, Clock, Random } from './clock.js';
import type { SdkLogger } from './types.js';
import type { ClientTls } from '../tls/index.js';
import type * as grpc from '@grpc/grpc-js';
import type { JobHandler } from './worker-job.js';

/** Options of `new Worker(...)`. */
export interface WorkerOptions {
  /** `host:port` of every node of the cluster. */
  readonly nodes: readonly string[];
  /**
   * TLS to the nodes (PEM contents): `ca` to check their certificates against (default: the
   * system roots), and a client certificate `cert` with its `key` for clusters that ask for one
   * (`tls.clientCertificates` in the cluster config). Every node's certificate must name it as a
   * raftjobs node. Absent: plaintext, which a TLS cluster refuses.
   */
  readonly tls?: ClientTls;
  /** Channel credentials to use instead of `tls`, e.g. ones whose certificates are reloaded. */
  readonly credentials?: grpc.ChannelCredentials;
  /** Queues to take jobs from. */
  readonly queues: readonly string[];
  /**
   * Most handlers running at once, 1..10000. The capacity announced to the cluster is this minus the
   * handlers still running after their lease was lost (they keep their slot until they settle).
   */
  readonly concurrency: number;
  readonly handler: JobHandler;
  /** Shown in job history. Default: `<hostname>-<pid>-<random>`. */
  readonly workerId?: string;
  /** Lease TTL to ask for, ms; heartbeats extend leases by this much. Default: each job's own. */
  readonly leaseTtlMs?: number;
  /**
   * How often all held leases are extended, ms (in messages of at most the server's
   * `max_leases_per_message` leases each). Default: a third of `leaseTtlMs`, or of the shortest TTL
   * among held leases.
   */
  readonly heartbeatIntervalMs?: number;
  /**
   * How long a heartbeat may go unanswered before the stream counts as dead (a frozen or
   * partitioned node): it is cancelled and the worker reconnects, to the next node. Default: the
   * larger of the heartbeat interval and 5000 ms.
   */
  readonly heartbeatTimeoutMs?: number;
  /**
   * How long the server has to answer the Hello with a Welcome, ms. Without one in time the stream
   * is cancelled and the next node tried (with the reconnect backoff). Default 5000.
   */
  readonly connectTimeoutMs?: number;
  /** Backoff between reconnects. Default 100 ms doubling to 2 s, with jitter. */
  readonly reconnectBackoff?: BackoffPolicy;
  readonly logger?: SdkLogger;
  /**
   * Called when the cluster refuses the stream for a reason that retrying will not fix (an invalid
   * queue name or worker id, a server without the Workers service), or with INVALID_ARGUMENT once
   * when no address in `nodes` can be a node (none resolves or speaks gRPC: a node's HTTP port,
   * say). The worker keeps retrying at its longest backoff until closed.
   */
  readonly onError?: (err: RaftJobsError) => void;
  /**
   * Called once per completion or failure the cluster answered for good: accepted, or refused
   * (e.g. STALE_TOKEN when the lease was taken away). For metrics and audit trails; must not throw.
   */
  readonly onOutcome?: (outcome: WorkerOutcome) => void;
  /**
   * Bearer token sent on the worker's stream and calls, for a cluster with `auth.enabled`; it
   * needs the `work` role. Default: none.
   */
  readonly token?: string;
  /** For tests. Default: the system clock. */
  readonly clock?: Clock;
  /** For tests. Default: `Math.random`. */
  readonly random?: Random;
}

/** How the cluster answered one completion or failure (see `WorkerOptions.onOutcome`). */
export interface WorkerOutcome {
  readonly jobId: string;
  readonly token: number;
  readonly kind: 'complete' | 'fail';
  /** The cluster recorded it (a repeat of an already recorded outcome counts as accepted). */
  readonly accepted: boolean;
  /** Why it was refused (STALE_TOKEN, NOT_FOUND, ILLEGAL_TRANSITION, INVALID_ARGUMENT, ...); '' when accepted. */
  readonly code: string;
  readonly message: string;
  /** The job's state afterwards when accepted: `succeeded`, or for a failure `scheduled`, `ready` or `dead`. */
  readonly state: string;
  /** A failure sent with a throttle (the handler threw a `RateLimitedError`): it uses no attempt. */
  readonly throttled: boolean;
}

/** Options of `Worker.close`. */
export interface WorkerCloseOptions {
  /** How long running handlers may take to finish before they are aborted, ms. Default 30000. */
  readonly timeoutMs?: number;
  /** How long to wait afterwards for the cluster to acknowledge outcomes and releases, ms. Default 5000. */
  readonly flushTimeoutMs?: number;
}

/** Most handlers of one worker: a Hello announces at most this capacity and lists at most this many held leases. */
export const MAX_CONCURRENCY = 10_000;

/** @throws RaftJobsError INVALID_ARGUMENT naming every problem of `options` at once. */
export function checkWorkerOptions(options: WorkerOptions): void {
  const problems: string[] = [];
  if (!Array.isArray(options.queues) || options.queues.length === 0 || options.queues.some((q) => typeof q !== 'string' || q === '')) problems.push('queues: at least one non-empty queue name is required');
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1 || options.concurrency > MAX_CONCURRENCY) problems.push(`concurrency: must be an integer from 1 to ${MAX_CONCURRENCY}, got ${String(options.concurrency)}`);
  if (typeof options.handler !== 'function') problems.push('handler: must be a function');
  for (const key of ['leaseTtlMs', 'heartbeatIntervalMs', 'heartbeatTimeoutMs', 'connectTimeoutMs'] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) problems.push(`${key}: must be a positive number of ms, got ${String(v)}`);
  }
  const tokenError = tokenProblem(options.token);
  if (tokenError !== null) problems.push(tokenError);
  if (problems.length > 0) throw new RaftJobsError(ErrorCode.InvalidArgument, `invalid worker options: ${problems.join('; ')}`, { problems });
}
