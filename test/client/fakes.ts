import * as grpc from '@grpc/grpc-js';
import type { Clock, TimerHandle } from '../../src/client/clock.js';
import { jobsServices, type wire } from '../../src/protocol/index.js';

/** A clock whose time moves only by `advance`; due timers fire in time order. */
export class ManualClock implements Clock {
  private time = 1_000_000;
  private seq = 0;
  private readonly timers = new Map<object, { at: number; seq: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = {};
    this.timers.set(handle, { at: this.time + Math.max(0, ms), seq: this.seq++, fn });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle);
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[1].seq - b[1].seq)[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }
}

/** A gRPC error as a raftjobs server sends it: status, message, and metadata such as x-error-code. */
export function serviceError(code: grpc.status, details: string, meta: Record<string, string> = {}): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(meta)) metadata.set(k, v);
  return Object.assign(new Error(details), { code, details, metadata });
}

export async function bind(server: grpc.Server): Promise<string> {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return `127.0.0.1:${port}`;
}

export function stopServer(server: grpc.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 500);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** An address where nothing listens (a port that was just free). */
export async function deadAddress(): Promise<string> {
  const s = new grpc.Server();
  const address = await bind(s);
  s.forceShutdown();
  return address;
}

type Unary = (request: Record<string, unknown>, call: grpc.ServerUnaryCall<unknown, unknown>) => Promise<unknown>;

/** One recorded unary call. */
export interface Recorded {
  readonly method: string;
  readonly request: Record<string, unknown>;
}

/**
 * A Jobs service whose methods are test functions (unimplemented ones answer UNIMPLEMENTED).
 * Every call is recorded in order.
 */
export class FakeJobs {
  readonly calls: Recorded[] = [];
  address = '';
  private readonly server = new grpc.Server();

  constructor(readonly impl: Partial<Record<'Submit' | 'Get' | 'List' | 'Cancel' | 'RetryDead' | 'Stats' | 'WaitForResult', Unary>>) {
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const method of ['Submit', 'Get', 'List', 'Cancel', 'RetryDead', 'Stats', 'WaitForResult'] as const) {
      handlers[method] = (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        this.calls.push({ method, request: call.request });
        const fn = this.impl[method];
        if (!fn) {
          cb(serviceError(grpc.status.UNIMPLEMENTED, `${method} not implemented`));
          return;
        }
        fn(call.request, call).then(
          (res) => cb(null, res),
          (err: unknown) => cb(err as grpc.ServiceError),
        );
      };
    }
    handlers['SubmitStream'] = (call: grpc.ServerDuplexStream<Record<string, unknown>, Record<string, unknown>>) => {
      const stream = this.submitStream;
      if (stream === null) {
        call.emit('error', serviceError(grpc.status.UNIMPLEMENTED, 'SubmitStream not implemented'));
        return;
      }
      this.submitStreams.push(call);
      call.sendMetadata(new grpc.Metadata());
      call.on('data', (req: Record<string, unknown>) => {
        this.calls.push({ method: 'SubmitStream', request: req });
        stream(req, call);
      });
      call.on('error', () => undefined);
      call.on('end', () => call.end());
    };
    this.server.addService(jobsServices().Jobs.service, handlers);
  }

  /** Answers each SubmitStream request (null: the method is unimplemented). */
  submitStream: ((req: Record<string, unknown>, call: grpc.ServerDuplexStream<Record<string, unknown>, Record<string, unknown>>) => void) | null = null;
  readonly submitStreams: grpc.ServerDuplexStream<Record<string, unknown>, Record<string, unknown>>[] = [];

  static async start(impl: FakeJobs['impl']): Promise<FakeJobs> {
    const f = new FakeJobs(impl);
    f.address = await bind(f.server);
    return f;
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  stop(): Promise<void> {
    return stopServer(this.server);
  }
}

/** A wire Job message with every field set (proto3 defaults elsewhere). */
export function wireJob(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '0000000001',
    queue: 'q',
    state: 'ready',
    payload: Buffer.from('{"n":1}'),
    priority: 0,
    runAtMs: 1_000,
    attempts: 0,
    maxAttempts: 3,
    lease: null,
    progress: null,
    result: Buffer.alloc(0),
    hasResult: false,
    lastError: '',
    submittedAtMs: 1_000,
    finishedAtMs: 0,
    idempotencyKey: 'k',
    history: [],
    ...over,
  };
}

type Duplex = grpc.ServerDuplexStream<wire.WorkerMessage__Output, Record<string, unknown>>;

type Kind = 'heartbeat' | 'complete' | 'fail' | 'progress' | 'release';

/** One worker stream as the fake server sees it. */
export class FakeStream {
  readonly messages: wire.WorkerMessage__Output[] = [];
  /** What arrived, as sent: a WorkerBatch is one frame here and its members in `messages`. */
  readonly frames: wire.WorkerMessage__Output[] = [];
  /** Welcomes sent on this stream. */
  welcomed = 0;
  ended = false;

  constructor(
    readonly call: Duplex,
    private readonly serverTime: () => number,
  ) {}

  get hellos(): NonNullable<wire.WorkerMessage__Output['hello']>[] {
    return this.messages.flatMap((m) => (m.hello ? [m.hello] : []));
  }

  of(kind: Kind): wire.WorkerMessage__Output[] {
    return this.messages.filter((m) => m[kind] !== undefined && m[kind] !== null);
  }

  send(msg: Record<string, unknown>): void {
    if (!this.ended) this.call.write(msg);
  }

  /** Push leases, stamped with the server's time (as LeaseBatch.server_time_ms). */
  push(jobs: Record<string, unknown>[], serverTimeMs = this.serverTime()): void {
    this.send({ leases: { jobs, serverTimeMs } });
  }

  ack(requestId: number, ok = true, code = '', message = '', state = ''): void {
    this.send({ ack: { requestId, ok, code, message, state } });
  }

  /** End the stream with an error status (e.g. UNAVAILABLE with a leader hint). */
  fail(err: grpc.ServiceError): void {
    if (this.ended) return;
    this.ended = true;
    this.call.emit('error', err);
  }
}

/** A lease as the server pushes it. */
export function leased(jobId: string, token: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jobId,
    queue: 'q',
    payload: Buffer.from(JSON.stringify({ job: jobId })),
    priority: 0,
    token,
    attempt: 1,
    maxAttempts: 3,
    expiresAtMs: Date.now() + 30_000,
    ttlMs: 30_000,
    submittedAtMs: 1_000,
    ...over,
  };
}

/** The bounds the fake announces unless a test sets others (the server's defaults). */
export const FAKE_WELCOME: Omit<wire.Welcome__Output, 'sessionId' | 'serverTimeMs'> = {
  maxLeasesPerMessage: 1000,
  maxMessageBytes: 4 * 1024 * 1024,
  maxResultBytes: 1024 * 1024,
  maxErrorLength: 16_384,
  connectionGraceMs: 5_000,
  protocolVersion: 1,
  serverVersion: 'fake',
};

/**
 * A Workers service with a scriptable Work stream that speaks the worker-stream contract of
 * proto/jobs.proto: it answers the first Hello of a stream with a Welcome (unless `welcome` is
 * null: a node that accepts the stream and never answers), stamps lease pushes and heartbeat
 * answers with its time, and holds messages to the Welcome's bounds the way the server does: an
 * invalid heartbeat is answered with every lease ok=false INVALID_ARGUMENT, an invalid complete,
 * fail, progress or release with an Ack ok=false INVALID_ARGUMENT (never a torn-down stream); each
 * refusal is recorded in `refused`. By default it answers every valid heartbeat with ok for each
 * lease and acks every valid complete/fail/progress/release with ok; turn those off per test.
 */
export class FakeWorkers {
  readonly streams: FakeStream[] = [];
  /** Why each refused message was refused. */
  readonly refused: string[] = [];
  address = '';
  /** The Welcome's bounds; null: never send a Welcome (nor anything else unprompted). */
  welcome: Omit<wire.Welcome__Output, 'sessionId' | 'serverTimeMs'> | null = { ...FAKE_WELCOME };
  /** The server's clock (server_time_ms of Welcome, lease pushes and heartbeat answers). */
  serverTime: () => number = () => Date.now();
  autoHeartbeat: ((ref: { jobId: string; token: number }) => Record<string, unknown>) | null = (ref) => ({ jobId: ref.jobId, ok: true, expiresAtMs: this.serverTime() + 30_000, code: '', message: '' });
  autoAck: ((msg: wire.WorkerMessage__Output) => Record<string, unknown> | null) | null = () => ({ ok: true, code: '', message: '', state: 'succeeded' });
  /** Called for each new stream before any message; may end it at once. */
  onStream: ((s: FakeStream) => void) | null = null;
  /** Called after each message is recorded. */
  onMessage: ((s: FakeStream, msg: wire.WorkerMessage__Output) => void) | null = null;
  private readonly server: grpc.Server;

  constructor(options: grpc.ServerOptions = {}) {
    this.server = new grpc.Server(options);
    const Work = (call: Duplex): void => {
      const s = new FakeStream(call, () => this.serverTime());
      this.streams.push(s);
      call.on('data', (data: wire.WorkerMessage__Output) => {
        s.frames.push(data);
        // A batch is handled as its messages one by one, as the real server does.
        for (const msg of data.batch ? data.batch.messages : [data]) this.receive(s, msg);
      });
      call.on('end', () => {
        if (s.ended) return;
        s.ended = true;
        call.end();
      });
      call.on('error', () => undefined);
      call.on('cancelled', () => {
        s.ended = true;
      });
      this.onStream?.(s);
    };
    this.server.addService(jobsServices().Workers.service, { Work });
  }

  /** Why the server would refuse `msg`, or null (the bounds of the Welcome, and percent 0..100). */
  private problem(msg: wire.WorkerMessage__Output): string | null {
    const b = this.welcome ?? FAKE_WELCOME;
    const leases = msg.heartbeat?.leases ?? msg.release?.leases;
    if (leases && (leases.length < 1 || leases.length > b.maxLeasesPerMessage)) return `leases: must be an array of 1..${b.maxLeasesPerMessage}, got ${leases.length}`;
    if (msg.complete && msg.complete.result.length > b.maxResultBytes) return `result: ${msg.complete.result.length} bytes is over ${b.maxResultBytes}`;
    if (msg.fail && msg.fail.error.length > b.maxErrorLength) return `error: ${msg.fail.error.length} characters is over ${b.maxErrorLength}`;
    if (msg.progress && !(msg.progress.percent >= 0 && msg.progress.percent <= 100)) return `percent: must be 0..100, got ${msg.progress.percent}`;
    if (msg.progress && msg.progress.message.length > 256) return `message: must be at most 256 characters`;
    return null;
  }

  private receive(s: FakeStream, msg: wire.WorkerMessage__Output): void {
    s.messages.push(msg);
    if (msg.hello && s.welcomed === 0 && this.welcome) {
      s.welcomed++;
      s.send({ welcome: { sessionId: msg.hello.sessionId, serverTimeMs: this.serverTime(), ...this.welcome } });
    }
    const problem = this.problem(msg);
    if (problem !== null) {
      this.refused.push(problem);
      if (msg.heartbeat) s.send({ requestId: msg.requestId, heartbeat: { leases: msg.heartbeat.leases.map((l) => ({ jobId: l.jobId, ok: false, expiresAtMs: 0, code: 'INVALID_ARGUMENT', message: problem })), serverTimeMs: this.serverTime() } });
      else s.ack(msg.requestId, false, 'INVALID_ARGUMENT', problem);
    } else {
      if (msg.heartbeat && this.autoHeartbeat) s.send({ requestId: msg.requestId, heartbeat: { leases: msg.heartbeat.leases.map(this.autoHeartbeat), serverTimeMs: this.serverTime() } });
      if ((msg.complete || msg.fail || msg.progress || msg.release) && this.autoAck) {
        const ack = msg.release ? { ok: true, code: '', message: '', state: '' } : this.autoAck(msg);
        if (ack) s.send({ ack: { requestId: msg.requestId, ...ack } });
      }
    }
    this.onMessage?.(s, msg);
  }

  static async start(options: grpc.ServerOptions = {}): Promise<FakeWorkers> {
    const f = new FakeWorkers(options);
    f.address = await bind(f.server);
    return f;
  }

  get last(): FakeStream | undefined {
    return this.streams[this.streams.length - 1];
  }

  all(kind: Kind): wire.WorkerMessage__Output[] {
    return this.streams.flatMap((s) => s.of(kind));
  }

  stop(): Promise<void> {
    for (const s of this.streams) s.ended = true;
    return stopServer(this.server);
  }
}
