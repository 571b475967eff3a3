import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { PeerDirectory } from './peer-directory.js';
import type { Config } from '../config/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { isTerminal, JOB_STATES } from '../jobs/index.js';
import type { CancelResult, JobState, JobView, RetryDeadResult } from '../jobs/index.js';
import type { JobNode } from '../node/index.js';
import { LeaderForwarder } from './forward.js';
import type { DialCredentials } from './node-tls.js';
import { invalid, proposeOk, readState, unary, type ServiceContext } from './handler.js';
import { jobsServices, type wire } from '../protocol/index.js';
import { jobToWire } from './wire.js';
import { submitJobs, submitStreamHandler } from './submit-stream.js';
import { addWorkerService } from './worker-service.js';
import { addSchedulesService } from './schedules-service.js';
import { bulk } from './bulk.js';
import { addQueuesService } from './queues-service.js';
import { watchHandler } from './watch-service.js';

/** Longest a WaitForResult call waits when it gives no timeout, ms. */
const MAX_WAIT_MS = 5 * 60_000;

/** Register the Jobs, Workers, Schedules and Queues services (proto/jobs.proto) on `server`. */
export function addJobsServices(
  server: grpc.Server,
  o: {
    node: JobNode;
    config: Config;
    logger: Logger;
    /** Where each member is, for leader hints and forwarding (follows the membership). */
    addresses: PeerDirectory;
    /** Credentials to dial another node with (plaintext or the node's TLS). */
    dial: DialCredentials;
    /** The server's receive limit, bytes (announced to workers). */
    maxMessageBytes: number;
  },
): { close(): void } {
  const forwarder = new LeaderForwarder(o.node, o.node.status({ digest: false }).id, o.addresses.clients, o.addresses.dialling, o.dial);
  const ctx: ServiceContext = { node: o.node, maxEntryBytes: o.config.limits.maxEntryBytes, forwarder, logger: o.logger.child({ component: 'api' }) };
  const { Jobs } = jobsServices();
  const m = Jobs.service;
  const anticipate = (queues: readonly string[]): void => o.node.workers.anticipate(queues);
  const submitStream = submitStreamHandler(ctx, anticipate);

  const impl: wire.JobsHandlers = {
    Submit: unary(ctx, m.Submit, async (req) => ({ jobs: await submitJobs(ctx, req.jobs, anticipate) })),
    SubmitStream: submitStream.handler,
    Get: unary(
      ctx,
      m.Get,
      async (req) => jobToWire(await findJob(ctx, req.id, req.stale)),
      (req) => req.stale,
    ),
    List: unary(
      ctx,
      m.List,
      async (r) => {
        if (r.state !== '' && !JOB_STATES.includes(r.state as JobState)) {
          throw invalid(`state: must be one of ${JOB_STATES.join(', ')}, got ${JSON.stringify(r.state)}`);
        }
        if (r.pageSize < 0) throw invalid(`page_size: must be >= 0, got ${r.pageSize}`);
        const page = await readState(
          ctx,
          (q) =>
            q.list({
              ...(r.queue !== '' ? { queue: r.queue } : {}),
              ...(r.state !== '' ? { state: r.state as JobState } : {}),
              ...(r.pageSize > 0 ? { pageSize: r.pageSize } : {}),
              ...(r.pageToken !== '' ? { pageToken: r.pageToken } : {}),
            }),
          r.stale,
        );
        const full = await readState(ctx, (q) => page.jobs.map((j) => q.getJob(j.id)).filter((j): j is JobView => j !== null), true);
        return { jobs: full.map(jobToWire), nextPageToken: page.nextPageToken ?? '' };
      },
      (req) => req.stale,
    ),
    Cancel: unary(ctx, m.Cancel, async ({ id, reason }) => {
      if (id === '') throw invalid('id: required');
      const res = await proposeOk<CancelResult>(ctx, { type: 'cancel', jobId: id, ...(reason !== '' ? { reason } : {}) });
      return jobToWire(await findJob(ctx, res.jobId, true));
    }),
    RetryDead: unary(ctx, m.RetryDead, async ({ id, attempts }) => {
      if (id === '') throw invalid('id: required');
      if (attempts < 0) throw invalid(`attempts: must be >= 0, got ${attempts}`);
      const res = await proposeOk<RetryDeadResult>(ctx, { type: 'retryDead', jobId: id, ...(attempts > 0 ? { attempts } : {}) });
      return jobToWire(await findJob(ctx, res.jobId, true));
    }),
    Stats: unary(
      ctx,
      m.Stats,
      async (req) => ({ queues: await readState(ctx, (q) => q.stats(), req.stale) }),
      (req) => req.stale,
    ),
    WaitForResult: unary(ctx, m.WaitForResult, async ({ id, timeoutMs }, call) => {
      if (timeoutMs < 0) throw invalid(`timeout_ms: must be >= 0, got ${timeoutMs}`);
      const job = await findJob(ctx, id, false);
      if (isTerminal(job.state)) return jobToWire(job);
      const deadline = call.getDeadline();
      const callerLeft = deadline instanceof Date ? deadline.getTime() - Date.now() - 50 : typeof deadline === 'number' && Number.isFinite(deadline) ? deadline - Date.now() - 50 : MAX_WAIT_MS;
      const waitMs = Math.max(0, Math.min(timeoutMs > 0 ? timeoutMs : MAX_WAIT_MS, callerLeft));
      const cancelled = new AbortController();
      const abort = (): void => cancelled.abort();
      call.on('cancelled', abort);
      try {
        await o.node.waitForResult(id, waitMs, cancelled.signal);
      } finally {
        call.off('cancelled', abort);
      }
      return jobToWire(await findJob(ctx, id, true));
    }),
    Bulk: unary(ctx, m.Bulk, (req, call) => bulk(ctx, req, call)),
    Watch: watchHandler(ctx, o.config.limits.maxBatchSize),
  };
  server.addService(Jobs.service, impl);
  addWorkerService(server, ctx, { maxMessageBytes: o.maxMessageBytes });
  addSchedulesService(server, ctx);
  addQueuesService(server, ctx);
  return {
    close() {
      submitStream.close();
      forwarder.close();
    },
  };
}

async function findJob(ctx: ServiceContext, id: string, stale: boolean): Promise<JobView> {
  if (id === '') throw invalid('id: required');
  const job = await readState(ctx, (q) => q.getJob(id), stale);
  if (!job) throw new RaftJobsError(ErrorCode.NotFound, `job ${id} not found`, { jobId: id });
  return job;
}
