import { constants as bufferConstants } from 'node:buffer';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { SnapshotRequest } from '../raft/types.js';
import type { WireChunk } from './codec.js';

/** Result of feeding one chunk to a `SnapshotAssembler`. */
export interface AssemblyStep {
  /** The whole snapshot message, once its last chunk arrived. */
  readonly complete: SnapshotRequest | null;
  /** True when a new snapshot began before the previous one finished (the partial one is lost). */
  readonly abandoned: boolean;
}

/**
 * Reassembles one sender's chunked snapshot. Chunks of a snapshot arrive in order on one stream, so
 * the state belongs to the stream: a broken stream loses its partial snapshot and Raft resends it.
 */
export class SnapshotAssembler {
  private current: { header: SnapshotRequest; total: number; parts: Uint8Array[]; received: number } | null = null;

  /** True while a snapshot is partly received. */
  get busy(): boolean {
    return this.current !== null;
  }

  /**
   * Feeds the next chunk. The delivered data is a fresh buffer, independent of the frames it came in.
   *
   * @throws RaftJobsError `INVALID_ARGUMENT` on a gap, an overrun or a chunk without a snapshot.
   */
  push(chunk: WireChunk): AssemblyStep {
    let abandoned = false;
    if (chunk.header !== null) {
      abandoned = this.current !== null;
      if (chunk.offset !== 0) throw this.fail(`first chunk at offset ${chunk.offset}`);
      if (chunk.totalBytes > bufferConstants.MAX_LENGTH) throw this.fail(`snapshot of ${chunk.totalBytes} bytes`);
      this.current = { header: chunk.header, total: chunk.totalBytes, parts: [], received: 0 };
    }
    const cur = this.current;
    if (cur === null) throw this.fail('chunk without a snapshot in progress');
    if (chunk.offset !== cur.received) throw this.fail(`chunk at offset ${chunk.offset}, expected ${cur.received}`);
    if (chunk.totalBytes !== cur.total) throw this.fail('chunk total changed mid-snapshot');
    if (cur.received + chunk.data.length > cur.total) throw this.fail('chunk overruns the snapshot');
    cur.parts.push(chunk.data);
    cur.received += chunk.data.length;
    if (cur.received < cur.total) return { complete: null, abandoned };

    this.current = null;
    const data = new Uint8Array(cur.total);
    let at = 0;
    for (const part of cur.parts) {
      data.set(part, at);
      at += part.length;
    }
    const { header } = cur;
    return { complete: { ...header, snapshot: { meta: header.snapshot.meta, data } }, abandoned };
  }

  /** Forget any partial snapshot. */
  reset(): void {
    this.current = null;
  }

  private fail(what: string): RaftJobsError {
    this.current = null;
    return new RaftJobsError(ErrorCode.InvalidArgument, `raft wire: ${what}`);
  }
}
