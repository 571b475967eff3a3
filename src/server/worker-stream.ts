import type * as grpc from '@grpc/grpc-js';
import type { LeaseGrant } from '../jobs/index.js';
import type { NodeClock } from '../node/index.js';
import { grantToWire } from './wire.js';

/** A lease reference as proto-loader decodes it. */
export interface LeaseRefWire {
  jobId: string;
  token: number;
}
export type HelloWire = {
  workerId: string;
  queues: string[];
  capacity: number;
  leaseTtlMs: number;
  held: LeaseRefWire[];
  batchAcks: boolean;
  sessionId: string;
};
export type HeartbeatWire = { leases: LeaseRefWire[]; ttlMs: number };
export type ProgressWire = { jobId: string; token: number; percent: number; message: string };
export type CompleteWire = { jobId: string; token: number; result: Buffer; handlerMs?: number };
export type FailWire = { jobId: string; token: number; error: string; noRetry: boolean; handlerMs?: number };
export type ReleaseWire = { leases: LeaseRefWire[] };

/** A WorkerMessage of proto/jobs.proto as proto-loader decodes it (`body` names the oneof member). */
export interface WorkerMessage {
  requestId: number;
  body?: 'hello' | 'heartbeat' | 'progress' | 'complete' | 'fail' | 'batch' | 'release';
  hello?: HelloWire;
  batch?: { messages: WorkerMessage[] };
  heartbeat?: HeartbeatWire;
  progress?: ProgressWire;
  complete?: CompleteWire;
  fail?: FailWire;
  release?: ReleaseWire;
}

export type WorkerDuplex = grpc.ServerDuplexStream<WorkerMessage, Record<string, unknown>>;

/**
 * Most bytes of one LeaseBatch push: gRPC's default receive limit (4 MiB), so a worker that never
 * raised it still gets every lease. A single lease larger than this goes alone.
 */
export const MAX_LEASE_PUSH_BYTES = 4 * 1024 * 1024;

/**
 * What a LeasedJob costs on the wire beyond its payload and queue name: tags, lengths, a 10-char
 * id and seven varints of at most 10 bytes, rounded up; plus the LeaseBatch and ServerMessage
 * framing, counted once per message in `PUSH_FRAMING_BYTES`.
 */
const LEASED_JOB_OVERHEAD_BYTES = 128;
const PUSH_FRAMING_BYTES = 64;

/**
 * Splits grants into pushes of at most `MAX_LEASE_PUSH_BYTES` each (estimated from above), in
 * order; a grant that alone is larger goes in a push of its own.
 */
export function splitLeasePush<T extends Pick<LeaseGrant, 'payload' | 'queue'>>(grants: readonly T[], maxBytes = MAX_LEASE_PUSH_BYTES): T[][] {
  const pushes: T[][] = [];
  let current: T[] = [];
  let bytes = PUSH_FRAMING_BYTES;
  for (const g of grants) {
    const size = g.payload.byteLength + g.queue.length * 3 + LEASED_JOB_OVERHEAD_BYTES;
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

/** Back-off of refused lease proposals for one stream: 100 ms doubling to 5 s, reset on success. */
const LEASE_BACKOFF_MIN_MS = 100;
const LEASE_BACKOFF_MAX_MS = 5_000;

/**
 * One connected worker stream, as the leader sees it. The leader pushes leases while the worker
 * has free capacity (capacity minus the leases it holds); a lease stops counting when the worker
 * completes, fails or releases it, a heartbeat finds it gone, or the state shows it is no longer
 * current (see `pruneHeld`).
 */
export class WorkerStream {
  workerId = '';
  /** The session its leases are granted to: the Hello's, or `anon-<uuid>` made up for this stream. */
  session = '';
  queues: string[] = [];
  capacity = 0;
  ttlMs = 0;
  /** Leases the worker holds, by job id: token. */
  readonly held = new Map<string, number>();
  /** Slots asked for by lease commands not yet applied. */
  requested = 0;
  /** Until the first Hello's release is committed, nothing is leased to this stream. */
  releasing = false;
  /** The worker takes several acks in one message (Hello.batch_acks). */
  batchAcks = false;
  closed = false;
  /** The worker half-closed the stream: a clean goodbye. */
  saidGoodbye = false;
  /** No lease proposal before this time (ms): the last one was refused. */
  leaseRetryAt = 0;
  /** Current back-off after refused lease proposals, ms; 0 when the last one was accepted. */
  leaseBackoffMs = 0;
  private acks: Record<string, unknown>[] = [];
  readonly connectedAt: number;
  lastSeenAt: number;

  constructor(
    readonly call: WorkerDuplex,
    private readonly clock: NodeClock,
  ) {
    this.connectedAt = clock.now();
    this.lastSeenAt = this.connectedAt;
  }

  /** Has said its first Hello. */
  get registered(): boolean {
    return this.workerId !== '';
  }

  free(): number {
    return this.capacity - this.held.size - this.requested;
  }

  send(msg: Record<string, unknown>): void {
    if (!this.closed) this.call.write(msg);
  }

  /**
   * Answer one outcome. For a worker that takes batches, the acks of one event-loop turn (all the
   * outcomes one log entry settled) go out as one message.
   */
  ack(ack: Record<string, unknown>): void {
    if (!this.batchAcks) return this.send({ ack });
    this.acks.push(ack);
    if (this.acks.length === 1) setImmediate(() => this.flushAcks());
  }

  /** Push granted leases, in messages a 4 MiB receive limit takes (see `splitLeasePush`). */
  pushLeases(grants: readonly LeaseGrant[], serverTimeMs: number): void {
    for (const g of grants) this.held.set(g.jobId, g.token);
    for (const part of splitLeasePush(grants)) this.send({ leases: { jobs: part.map(grantToWire), serverTimeMs } });
  }

  /** A lease proposal for this stream was refused: back off, doubling. True on the first of a streak. */
  leaseRefused(): boolean {
    const first = this.leaseBackoffMs === 0;
    this.leaseBackoffMs = first ? LEASE_BACKOFF_MIN_MS : Math.min(LEASE_BACKOFF_MAX_MS, this.leaseBackoffMs * 2);
    this.leaseRetryAt = this.clock.now() + this.leaseBackoffMs;
    return first;
  }

  leaseAccepted(): void {
    this.leaseBackoffMs = 0;
    this.leaseRetryAt = 0;
  }

  /** Drop held leases that are no longer current (`isCurrent` false): expired, cancelled, abandoned. */
  pruneHeld(isCurrent: (jobId: string, token: number) => boolean): void {
    for (const [jobId, token] of this.held) if (!isCurrent(jobId, token)) this.held.delete(jobId);
  }

  private flushAcks(): void {
    const acks = this.acks;
    this.acks = [];
    if (acks.length === 1) this.send({ ack: acks[0] });
    else if (acks.length > 1) this.send({ acks: { acks } });
  }
}
