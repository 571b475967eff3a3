import type * as grpc from '@grpc/grpc-js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { validateCommand, type BulkResult } from '../jobs/index.js';
import type { wire } from '../protocol/index.js';
import { bulkCommandFromWire } from './flow-wire.js';
import { invalid, proposeOk, readState, type ServiceContext } from './handler.js';

/**
 * `Jobs.Bulk`: a dry run counts on the leader's state (a linearizable read); a real run proposes
 * one `bulk` command per batch, each resuming after the last job the previous one looked at, until
 * the walk is done. A batch looks at a bounded number of jobs (`MAX_BULK_SCAN`), so each entry
 * applies quickly and other commands go on between batches. It stops before the next batch when
 * the caller went away (its deadline, a cancel). A failure after some batches committed is
 * OUTCOME_UNKNOWN naming how far it got: those batches stay done, and running it again finds only
 * what is left.
 */
export async function bulk(ctx: ServiceContext, req: wire.BulkRequest__Output, call: grpc.ServerUnaryCall<unknown, unknown>): Promise<wire.BulkResponse> {
  const decoded = bulkCommandFromWire(req);
  if (!decoded.ok) throw invalid(decoded.problems.join('; '), decoded.problems);
  const { command, dryRun } = decoded.value;
  const v = validateCommand(command, ctx.node.query.options);
  if (!v.ok) throw invalid(v.problems.join('; '), v.problems);
  if (dryRun) {
    const matched = await readState(ctx, (q) => q.bulkCount(command.action, command.filter), false);
    return { matched, affected: 0, batches: 0, dryRun: true };
  }
  let afterSeq = 0;
  let affected = 0;
  let batches = 0;
  for (;;) {
    let res: BulkResult;
    try {
      if (call.cancelled) throw new RaftJobsError(ErrorCode.Timeout, 'the call was cancelled (its deadline passed, or the caller went away)');
      res = await proposeOk<BulkResult>(ctx, { ...command, afterSeq });
    } catch (err) {
      if (batches === 0) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new RaftJobsError(
        ErrorCode.OutcomeUnknown,
        `bulk ${command.action} stopped after ${batches} batch(es) that acted on ${affected} job(s), which stay done: ${why}; run it again to act on the rest`,
        {},
        { cause: err },
      );
    }
    batches++;
    affected += res.affected;
    afterSeq = res.lastSeq;
    if (res.done) return { matched: 0, affected, batches, dryRun: false };
  }
}
