import { createHash } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ErrorCode, RaftJobsError, isRaftJobsError } from '../errors/index.js';
import { BACKUP_CHUNK_BYTES } from '../limits/index.js';
import type { StateBackup } from '../node/index.js';
import type { wire } from '../protocol/index.js';
import { toServiceError } from './errors.js';

/** What `Admin.Backup` needs from a node. */
export interface BackupTarget {
  isLeader(): boolean;
  leader(): string | null;
  backup(): Promise<StateBackup>;
}

type BackupCall = grpc.ServerWritableStream<wire.BackupRequest__Output, wire.BackupChunk>;

/**
 * `Admin.Backup` (proto/admin.proto): on the leader, a consistent copy of the job state streamed
 * as a header, 1 MiB data chunks (written as the client reads them) and a trailer with the
 * SHA-256 of the data. Elsewhere NOT_LEADER with the leader's id and client address.
 */
export function backupHandler(o: {
  node: BackupTarget;
  clusterId: string;
  nodeId: string;
  /** The leader's client address, if known. */
  leaderAddress: () => string | null;
  logger: Logger;
}): wire.AdminHandlers['Backup'] {
  const notLeader = (): RaftJobsError => new RaftJobsError(ErrorCode.NotLeader, `node ${o.nodeId} is not the leader`, { leaderId: o.node.leader(), leaderAddress: o.leaderAddress() });
  return (call: BackupCall) => {
    const run = async (): Promise<void> => {
      if (!o.node.isLeader()) throw notLeader();
      const copy = await o.node.backup().catch((err: unknown) => {
        // The barrier found leadership gone: name the leader's address as the other refusals do.
        throw isRaftJobsError(err, ErrorCode.NotLeader) ? notLeader() : err;
      });
      await stream(call, copy, o.clusterId, o.nodeId);
      if (!call.cancelled) o.logger.info({ index: copy.index, bytes: copy.data.byteLength, jobs: copy.jobs, peer: call.getPeer() }, 'backup streamed');
    };
    run().catch((err: unknown) => {
      if (!call.cancelled) call.emit('error', toServiceError(err, o.logger));
    });
  };
}

/** Writes `copy` to `call` as header, chunks and trailer, waiting for the client to read each chunk. */
async function stream(call: BackupCall, copy: StateBackup, clusterId: string, nodeId: string): Promise<void> {
  const { data } = copy;
  call.write({
    header: { clusterId, nodeId, index: copy.index, term: copy.term, createdAtMs: copy.takenAt, sizeBytes: data.byteLength, jobs: copy.jobs, schedules: copy.schedules },
  });
  const hash = createHash('sha256');
  for (let at = 0; at < data.byteLength; at += BACKUP_CHUNK_BYTES) {
    if (call.cancelled) return;
    const chunk = data.subarray(at, at + BACKUP_CHUNK_BYTES);
    hash.update(chunk);
    if (!call.write({ data: chunk })) await drained(call);
  }
  if (call.cancelled) return;
  call.write({ trailer: { sha256: hash.digest('hex') } });
  call.end();
}

/** Resolves once `call` can take more, or is over (cancelled, closed). */
function drained(call: BackupCall): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      call.off('drain', done).off('cancelled', done).off('close', done);
      resolve();
    };
    call.on('drain', done).on('cancelled', done).on('close', done);
  });
}
