import { ErrorCode, RaftJobsError, isRaftJobsError } from '../errors/index.js';
import type { BackupSink } from './admin.js';
import { onLeader, type LeaderCallOptions } from './members.js';

/** Failures after which another node, or the same one a little later, may serve the backup. */
const TRY_ELSEWHERE = new Set<string>([ErrorCode.NotLeader, ErrorCode.NoLeader, ErrorCode.ShuttingDown, ErrorCode.Timeout]);

/**
 * Streams a backup from whichever node leads into `sink`, starting at `addresses[0]`: a NOT_LEADER
 * answer sends it to the leader it names, and no leader or an unreachable node to the next address
 * after a short pause, until `timeoutMs` has passed. Nothing is tried again once the header
 * arrived (the sink holds part of a copy by then). Resolves with the address that served it.
 */
export async function backupFromLeader(addresses: readonly string[], sink: BackupSink, o: LeaderCallOptions): Promise<string> {
  let begun = false;
  const tracked: BackupSink = {
    begin: (header) => {
      begun = true;
      return sink.begin(header);
    },
    data: (chunk) => sink.data(chunk),
    end: (sha256) => sink.end(sha256),
  };
  const { address } = await onLeader(
    addresses,
    o,
    (admin, leftMs) => admin.backup(tracked, { timeoutMs: leftMs }),
    (err) => !begun && isRaftJobsError(err) && TRY_ELSEWHERE.has(err.code),
    (last) => new RaftJobsError(ErrorCode.NoLeader, `no leader served the backup within ${o.timeoutMs} ms${isRaftJobsError(last) ? ` (last: ${last.message})` : ''}`, {}, { cause: last }),
  );
  return address;
}
