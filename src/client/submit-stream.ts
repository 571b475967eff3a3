import * as grpc from '@grpc/grpc-js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { Meta, type wire } from '../protocol/index.js';
import type { Clock, TimerHandle } from './clock.js';
import { metaString } from './errors.js';
import type { AddressBook } from './router.js';
import type { SdkLogger } from './types.js';
import type { SubmitSpec } from './codec.js';

interface StreamResponse {
  requestId: number;
  jobs: wire.SubmittedJob__Output[];
  code: string;
  message: string;
  limit: string;
}

type Call = grpc.ClientDuplexStream<{ requestId: number; jobs: readonly SubmitSpec[] }, StreamResponse>;

interface Pending {
  resolve(jobs: wire.SubmittedJob__Output[]): void;
  reject(err: Error): void;
  readonly timer: TimerHandle;
}

interface Conn {
  readonly address: string;
  readonly call: Call;
  open: boolean;
  readonly pending: Map<number, Pending>;
}

/** Longest pause before trying to open the stream again after it could not be opened, ms. */
const MAX_REOPEN_DELAY_MS = 5_000;

/**
 * Why a request sent on the stream has no answer: the stream ended or the request timed out. The
 * caller resends it as a unary Submit (the jobs carry idempotency keys, so that never duplicates).
 */
export class StreamUnavailable extends Error {}

export interface SubmitStreamOptions {
  readonly book: AddressBook;
  /** The Jobs service client (channel) for an address. */
  readonly client: (address: string) => grpc.Client;
  readonly clock: Clock;
  readonly logger: SdkLogger;
}

/**
 * `Jobs.SubmitStream` for the client: one long-lived stream to the leader carries submits as
 * messages, which costs far less per submit than a unary call each (no HTTP/2 stream, headers or
 * trailers per call). It is an accelerator, not a second path to get right: whenever there is no
 * open stream, or the stream cannot answer a request (it ended, the leader moved, the request timed
 * out), the caller sends that submit as a plain unary Submit, which has all the retry and
 * leader-following logic. The stream opens in the background once a client submits a second time,
 * so a one-shot client (the CLI) never opens one.
 */
export class SubmitStream {
  private conn: Conn | null = null;
  private nextId = 1;
  private uses = 0;
  private reopenAt = 0;
  private failures = 0;
  private disabled = false;
  private closed = false;

  constructor(private readonly o: SubmitStreamOptions) {}

  /**
   * Sends one submit on the open stream and resolves with its jobs; rejects with the server's
   * error (INVALID_ARGUMENT, ...) or with `StreamUnavailable`. Returns null when no stream is open
   * (and starts opening one).
   */
  send(specs: readonly SubmitSpec[], timeoutMs: number): Promise<wire.SubmittedJob__Output[]> | null {
    const c = this.conn;
    if (c === null || !c.open) {
      if (c === null && ++this.uses >= 2) this.open();
      return null;
    }
    return new Promise<wire.SubmittedJob__Output[]>((resolve, reject) => {
      const requestId = this.nextId++;
      const timer = this.o.clock.setTimeout(() => {
        // A leader that stopped answering: drop the stream; what it still owes goes unary.
        this.end(c, `no answer within ${timeoutMs} ms`);
      }, timeoutMs);
      c.pending.set(requestId, { resolve, reject, timer });
      try {
        c.call.write({ requestId, jobs: specs });
      } catch {
        this.end(c, 'the stream ended');
      }
    });
  }

  /** Ends the stream; what it still owes fails with SHUTTING_DOWN. */
  close(): void {
    this.closed = true;
    const c = this.conn;
    if (c === null) return;
    this.conn = null;
    c.call.cancel();
    this.failAll(c, new RaftJobsError(ErrorCode.ShuttingDown, 'the client is closed'));
  }

  private open(): void {
    if (this.closed || this.disabled || this.o.clock.now() < this.reopenAt) return;
    const address = this.o.book.current;
    const stub = this.o.client(address) as unknown as { SubmitStream(metadata: grpc.Metadata, options: grpc.CallOptions): Call };
    const call = stub.SubmitStream(new grpc.Metadata(), {});
    const c: Conn = { address, call, open: false, pending: new Map() };
    this.conn = c;
    call.on('metadata', () => {
      if (this.conn !== c) return;
      c.open = true;
      this.failures = 0;
    });
    call.on('data', (res: StreamResponse) => this.onResponse(c, res));
    call.on('error', () => undefined); // every end is handled once, from 'status'
    call.on('status', (status: grpc.StatusObject) => this.onStatus(c, status));
  }

  private onResponse(c: Conn, res: StreamResponse): void {
    const p = c.pending.get(res.requestId);
    if (p === undefined) return;
    c.pending.delete(res.requestId);
    this.o.clock.clearTimeout(p.timer);
    if (res.code === '') p.resolve(res.jobs);
    else if (res.code === ErrorCode.InvalidArgument) p.reject(new RaftJobsError(ErrorCode.InvalidArgument, res.message));
    // A resource guard: final, as from a unary Submit (resending cannot help).
    else if (res.code === ErrorCode.LimitExceeded) p.reject(new RaftJobsError(ErrorCode.LimitExceeded, res.message, res.limit === '' ? {} : { limit: res.limit }));
    // NOT_LEADER, OUTCOME_UNKNOWN, SHUTTING_DOWN, ...: the unary path knows how to carry on.
    else p.reject(new StreamUnavailable(`${res.code}: ${res.message}`));
  }

  private onStatus(c: Conn, status: grpc.StatusObject): void {
    if (this.conn === c) this.conn = null;
    const hint = metaString(status.metadata, Meta.LeaderAddress);
    if (hint !== null && hint !== c.address) this.o.book.follow(hint);
    if (status.code === grpc.status.UNIMPLEMENTED) {
      // A server without SubmitStream: unary calls only, from now on.
      this.disabled = true;
      this.o.logger.debug({ address: c.address }, 'the node has no SubmitStream; using unary Submit');
    } else if (!c.open || status.code !== grpc.status.OK) {
      // Named the leader: try there at once; else back off before the next attempt.
      const delay = hint !== null && c.open === false && this.failures === 0 ? 0 : Math.min(MAX_REOPEN_DELAY_MS, 50 * 2 ** Math.min(this.failures, 10));
      this.failures++;
      this.reopenAt = this.o.clock.now() + delay;
    }
    this.failAll(c, new StreamUnavailable(`submit stream to ${c.address} ended: ${status.details || grpc.status[status.code]}`));
  }

  private end(c: Conn, why: string): void {
    if (this.conn === c) this.conn = null;
    c.call.cancel();
    this.failAll(c, new StreamUnavailable(`submit stream to ${c.address}: ${why}`));
  }

  private failAll(c: Conn, err: Error): void {
    const pending = [...c.pending.values()];
    c.pending.clear();
    for (const p of pending) {
      this.o.clock.clearTimeout(p.timer);
      p.reject(err);
    }
  }
}
