import * as grpc from '@grpc/grpc-js';
import { ENTRY_HEADER_BYTES, maxCommandBytes, submitBytes } from '../config/limits.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { validateSubmit, type SubmitResult } from '../jobs/index.js';
import { toServiceError } from './errors.js';
import { invalid, proposeOk, type ServiceContext } from './handler.js';
import type { wire } from '../protocol/index.js';
import { jobSpecFlow } from './flow-wire.js';
import { specToSubmitJob, wireMessage } from './wire.js';

/**
 * One atomic Submit: validates (fields, then the size of the whole submit against
 * `limits.maxEntryBytes`), proposes and resolves once committed. `anticipate` lets idle
 * workers of these queues get a lease in the same log entry.
 */
export async function submitJobs(ctx: ServiceContext, specs: readonly wire.JobSpec__Output[], anticipate: (queues: readonly string[]) => void): Promise<wire.SubmittedJob[]> {
  if (specs.length === 0) throw invalid('jobs: at least one job is required');
  const flow = specs.map(jobSpecFlow);
  const jobs = specs.map((s, i) => {
    const f = flow[i];
    return f?.ok === true ? { ...specToSubmitJob(s), ...f.value } : specToSubmitJob(s);
  });
  const v = validateSubmit(jobs, ctx.node.query.options);
  const problems = [...flow.flatMap((f) => (f.ok ? [] : f.problems)), ...(v.ok ? [] : v.problems)];
  if (!v.ok || problems.length > 0) throw invalid(problems.join('; '), problems);
  const farthest = runAtProblems(v.value, Math.max(Date.now(), ctx.node.query.now()), ctx.node.query.options.maxDelayMs);
  if (farthest.length > 0) throw invalid(farthest.join('; '), farthest);
  const bytes = submitBytes(v.value);
  if (bytes > maxCommandBytes(ctx.maxEntryBytes)) {
    throw invalid(
      `jobs: a submit of ${v.value.length} jobs taking up to ${bytes} bytes does not fit in one log entry of limits.maxEntryBytes (${ctx.maxEntryBytes}, ` +
        `less ${ENTRY_HEADER_BYTES} bytes of entry header); submit fewer or smaller jobs at a time`,
    );
  }
  const proposed = proposeOk<SubmitResult>(ctx, { type: 'submit', jobs: v.value });
  anticipate([...new Set(v.value.map((j) => j.queue))]);
  const res = await proposed;
  return res.jobs.map((j) => ({ id: j.id, duplicate: j.duplicate, state: j.state ?? '', replaced: j.replaced === true }));
}

/**
 * A `runAt` farther ahead than the longest delay is refused like a `delayMs` that long would be
 * (the field rules cannot see the time, so this check sits here, against this node's clock or the
 * replicated time, whichever is later).
 */
function runAtProblems(jobs: readonly { readonly runAt?: number }[], now: number, maxDelayMs: number): string[] {
  const problems: string[] = [];
  jobs.forEach((j, i) => {
    if (j.runAt !== undefined && j.runAt - now > maxDelayMs) {
      problems.push(`jobs[${i}].runAt: at most ${maxDelayMs} ms (the longest delay, jobs.maxDelayMs) ahead of now, got ${j.runAt - now} ms ahead`);
    }
  });
  return problems;
}

type Duplex = grpc.ServerDuplexStream<wire.SubmitStreamRequest__Output, wire.SubmitStreamResponse>;

/**
 * `Jobs.SubmitStream`: Submits on one stream, served by the leader only. A follower refuses the
 * stream with NOT_LEADER (and the leader's address); when this node stops leading, every open
 * stream ends the same way, and whatever it had not answered has an unknown outcome for the
 * client, which resends (the jobs carry idempotency keys).
 */
export function submitStreamHandler(ctx: ServiceContext, anticipate: (queues: readonly string[]) => void): { handler: wire.JobsHandlers['SubmitStream']; close(): void } {
  const streams = new Set<Duplex>();
  const end = (call: Duplex, err: RaftJobsError | null): void => {
    if (!streams.delete(call)) return;
    if (err) call.emit('error', toServiceError(err, ctx.logger));
    else call.end();
  };
  const off = ctx.node.onRoleChange((role) => {
    if (role === 'leader') return;
    for (const call of [...streams]) end(call, ctx.forwarder.notLeader());
  });
  const handler = (call: Duplex): void => {
    if (!ctx.node.isLeader()) {
      call.emit('error', toServiceError(ctx.forwarder.notLeader(), ctx.logger));
      return;
    }
    streams.add(call);
    call.sendMetadata(new grpc.Metadata());
    call.on('data', (req: wire.SubmitStreamRequest__Output) => {
      submitJobs(ctx, req.jobs, anticipate).then(
        (jobs) => {
          if (streams.has(call)) call.write({ requestId: req.requestId, jobs, code: '', message: '', limit: '' });
        },
        (err: unknown) => {
          if (!streams.has(call)) return;
          const e = err instanceof RaftJobsError ? err : new RaftJobsError(ErrorCode.Internal, 'internal error (see the node log)');
          if (!(err instanceof RaftJobsError)) ctx.logger.error({ err }, 'unexpected error in a submit stream');
          call.write({ requestId: req.requestId, jobs: [], code: e.code, message: e.code === ErrorCode.InvalidArgument ? wireMessage(e.message) : e.message, limit: e.details.limit ?? '' });
        },
      );
    });
    call.on('end', () => end(call, null));
    call.on('error', () => streams.delete(call));
    call.on('cancelled', () => streams.delete(call));
  };
  return {
    handler,
    close() {
      off();
      for (const call of [...streams]) end(call, new RaftJobsError(ErrorCode.ShuttingDown, 'the node is shutting down'));
    },
  };
}
