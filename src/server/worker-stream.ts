import type * as grpc from '@grpc/grpc-js';
import type { LeaseGrant } from '../jobs/index.js';
import { MAX_LEASE_PUSH_BYTES } from '../limits/index.js';
import type { WorkerSession } from '../node/index.js';
import type { wire } from '../protocol/index.js';
import { grantToWire } from './wire.js';

export type WorkerDuplex = grpc.ServerDuplexStream<wire.WorkerMessage__Output, wire.ServerMessage>;

/**
 * What a LeasedJob costs on the wire beyond its payload, queue name and group key: tags, lengths,
 * a 10-char id and seven varints of at most 10 bytes, rounded up; plus the LeaseBatch and
 * ServerMessage framing, counted once per message in `PUSH_FRAMING_BYTES`.
 */
const LEASED_JOB_OVERHEAD_BYTES = 128;
const PUSH_FRAMING_BYTES = 64;

/**
 * Splits grants into pushes of at most `MAX_LEASE_PUSH_BYTES` each (estimated from above), in
 * order; a grant that alone is larger goes in a push of its own.
 */
export function splitLeasePush<T extends Pick<LeaseGrant, 'payload' | 'queue' | 'group'>>(grants: readonly T[], maxBytes = MAX_LEASE_PUSH_BYTES): T[][] {
  const pushes: T[][] = [];
  let current: T[] = [];
  let bytes = PUSH_FRAMING_BYTES;
  for (const g of grants) {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const size = g.payload.byteLength + (g.queue.length + (g.group?.length ?? 0)) * 3 + LEASED_JOB_OVERHEAD_BYTES;
    if (current.length > 0 && bytes + size > maxBytes) {
      pushes.push(current);
      current = [];
      bytes = PUSH_FRAMING_BYTES;
    }
    current.push(g);
    bytes += size;
  }
  if (current.length > 0) pushes.push(current);
  return pushes;
}

/**
 * The gRPC side of one Work stream: the node's connection (`WorkerSession`) it feeds, and the
 * encoding of what goes back (acks batched per event-loop turn for workers that take batches,
 * lease pushes split to fit a 4 MiB receive limit).
 */
export class WorkerStream {
  /** Set once the node accepted the connection. */
  conn: WorkerSession | null = null;
  /** The worker takes several acks in one message (Hello.batch_acks). */
  batchAcks = false;
  closed = false;
  private acks: wire.Ack[] = [];

  constructor(readonly call: WorkerDuplex) {}

  send(msg: wire.ServerMessage): void {
    if (!this.closed) this.call.write(msg);
  }

  /**
   * Answer one outcome. For a worker that takes batches, the acks of one event-loop turn (all the
   * outcomes one log entry settled) go out as one message.
   */
  ack(ack: wire.Ack): void {
    if (!this.batchAcks) return this.send({ ack });
    this.acks.push(ack);
    if (this.acks.length === 1) setImmediate(() => this.flushAcks());
  }

  /** Push granted leases, in messages a 4 MiB receive limit takes (see `splitLeasePush`). */
  pushLeases(grants: readonly LeaseGrant[], serverTimeMs: number): void {
    for (const part of splitLeasePush(grants)) this.send({ leases: { jobs: part.map(grantToWire), serverTimeMs } });
  }

  private flushAcks(): void {
    const acks = this.acks;
    this.acks = [];
    if (acks.length === 1) this.send({ ack: acks[0] ?? null });
    else if (acks.length > 1) this.send({ acks: { acks } });
  }
}
