import type { Writable } from 'node:stream';
import { Worker, type JobHandler, type SdkLogger, type WorkerJob } from '../client/index.js';
import type { RaftJobsError } from '../errors/index.js';
import { intFlag, parseFlags, requireFlag, UsageError } from './args.js';
import { attachNegativeNumbers, CLUSTER_FLAGS, clusterTarget, withTlsFix } from './cluster-flags.js';

const HANDLERS = ['echo', 'sleep', 'fail'] as const;
type HandlerName = (typeof HANDLERS)[number];

/** The demo handlers: `echo` returns the payload, `sleep` waits then succeeds, `fail` throws. */
export function demoHandler(name: HandlerName, sleepMs: number, out: Writable): JobHandler {
  const line = (job: WorkerJob, what: string): void => void out.write(`${job.id} attempt ${job.attempt}/${job.maxAttempts} token ${job.token}: ${what}\n`);
  switch (name) {
    case 'echo':
      return (job) => {
        line(job, 'echo');
        return Promise.resolve(job.payload);
      };
    case 'sleep':
      return async (job) => {
        line(job, `sleeping ${sleepMs} ms`);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, sleepMs);
          job.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              reject(job.signal.reason as Error);
            },
            { once: true },
          );
        });
        return { slept: sleepMs };
      };
    case 'fail':
      return (job) => {
        line(job, 'failing');
        return Promise.reject(new Error(`demo failure of job ${job.id} (attempt ${job.attempt})`));
      };
  }
}

/** Worker log lines (warnings and errors; everything with --verbose) as text on stderr. */
function textLogger(err: Writable, verbose: boolean): SdkLogger {
  const write = (level: string) => (obj: object, msg?: string) => void err.write(`raftjobs work: ${level}: ${msg ?? ''} ${JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? v.message : v))}\n`);
  const quiet = (): void => undefined;
  return { debug: verbose ? write('debug') : quiet, info: verbose ? write('info') : quiet, warn: write('warn'), error: write('error') };
}

/** Default of `raftjobs work --drain-ms`, ms. */
const DEFAULT_DRAIN_MS = 1_000;

/**
 * `raftjobs work --queue Q[,Q...] --handler echo|sleep|fail [--concurrency N] [--sleep-ms MS]
 * [--lease-ttl MS] [--drain-ms MS] [--worker-id ID] [--verbose]`: a demo worker that runs until
 * SIGINT/SIGTERM (or `signal`). It then takes no more jobs, hands back at once the leases it has
 * not started, lets running handlers finish for up to `--drain-ms` (default 1000), and aborts the
 * rest, whose jobs the cluster makes ready again at once (their attempt counts). A second signal
 * aborts them now. A cluster that refuses the worker (bad queue name, ...) stops it with the
 * reason on stderr and exit code 2.
 */
export async function workCommand(argv: readonly string[], out: Writable, err: Writable, signal?: AbortSignal): Promise<number> {
  const { values } = parseFlags('work', attachNegativeNumbers(argv, ['concurrency', 'sleep-ms', 'lease-ttl', 'drain-ms', 'timeout']), {
    ...CLUSTER_FLAGS,
    queue: { type: 'string' },
    handler: { type: 'string' },
    concurrency: { type: 'string' },
    'sleep-ms': { type: 'string' },
    'lease-ttl': { type: 'string' },
    'drain-ms': { type: 'string' },
    'worker-id': { type: 'string' },
    verbose: { type: 'boolean', default: false },
  });
  const queues = requireFlag('work', 'queue', values.queue)
    .split(',')
    .map((q) => q.trim());
  if (queues.some((q) => q === '')) throw new UsageError(`work: --queue has an empty queue name: ${JSON.stringify(values.queue)}`);
  const handlerName = requireFlag('work', 'handler', values.handler);
  if (!(HANDLERS as readonly string[]).includes(handlerName)) throw new UsageError(`work: --handler must be one of ${HANDLERS.join(', ')}, got ${JSON.stringify(handlerName)}`);
  const concurrency = intFlag('concurrency', values.concurrency, 1, 1, 10_000);
  const sleepMs = intFlag('sleep-ms', values['sleep-ms'], 1000, 0, 86_400_000);
  const leaseTtlMs = values['lease-ttl'] === undefined ? undefined : intFlag('lease-ttl', values['lease-ttl'], 0, 100, 86_400_000);
  const drainMs = intFlag('drain-ms', values['drain-ms'], DEFAULT_DRAIN_MS, 0, 3_600_000);
  const target = clusterTarget('work', values);

  let refused: RaftJobsError | null = null;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const worker = new Worker({
    nodes: target.nodes,
    // The TLS material rather than credentials made from it, so a failed handshake can be named.
    ...(target.tls !== undefined ? { tls: target.tls } : {}),
    queues,
    concurrency,
    handler: demoHandler(handlerName as HandlerName, sleepMs, out),
    logger: textLogger(err, values.verbose),
    ...(values['worker-id'] !== undefined ? { workerId: values['worker-id'] } : {}),
    ...(leaseTtlMs !== undefined ? { leaseTtlMs } : {}),
    ...(target.token !== undefined ? { token: target.token } : {}),
    onError: (e) => {
      refused = e;
      stop();
    },
  });
  let signals = 0;
  const onSignal = (): void => {
    // The first signal starts the drain below; another one cuts it short.
    if (++signals > 1) void worker.close({ timeoutMs: 0 });
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  signal?.addEventListener('abort', onSignal, { once: true });
  try {
    await worker.start();
    err.write(`raftjobs work: worker ${worker.workerId} serving ${queues.join(', ')} with ${concurrency} slot(s); Ctrl-C stops\n`);
    await stopped;
    err.write(`raftjobs work: stopping: running jobs get up to ${drainMs} ms to finish, then go back to the cluster (a second Ctrl-C: now)\n`);
    await worker.close({ timeoutMs: drainMs });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    signal?.removeEventListener('abort', onSignal);
  }
  if (refused !== null) throw withTlsFix(refused, target.tlsFiles);
  return 0;
}
