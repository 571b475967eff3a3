import type * as grpc from '@grpc/grpc-js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { MAX_LEASE_WAIT_MS } from '../limits/index.js';
import { validateCommand } from '../jobs/index.js';
import type { Command, LeaseRef } from '../jobs/index.js';
import { systemClock, type NodeClock, type WorkerAck, type WorkerReport } from '../node/index.js';
import { jobsServices, PACKAGE_VERSION, PROTOCOL_VERSION, type wire } from '../protocol/index.js';
import { toServiceError } from './errors.js';
import { invalid, unary, type ServiceContext } from './handler.js';
import { throttleFromWire } from './flow-wire.js';
import { grantToWire, wireMessage } from './wire.js';
import { WorkerStream, type WorkerDuplex } from './worker-stream.js';

type WorkerMessage = wire.WorkerMessage__Output;

/**
 * A goodbye is a half-close after a Hello announcing capacity 0 (what `Worker.close` sends first);
 * any other end is a break, which gets the connection grace. grpc-js reports a client's cancel
 * (RST_STREAM) as a half-close first and as cancelled a moment later (about 1 ms, a later I/O
 * turn), so the end is judged once this long has passed without a cancel, ms. A worker that
 * half-closed waits for the server's status (the SDK up to 1 s), so this only delays it.
 */
const GOODBYE_SETTLE_MS = 100;

/** Settings of the worker service (see `ServerConfig` and `LimitsConfig`). */
export interface WorkerServiceOptions {
  /** The receive limit of the server, bytes, announced in Welcome.max_message_bytes. */
  readonly maxMessageBytes: number;
  readonly clock?: NodeClock;
}

/**
 * The Workers service: decodes the Work stream's messages and the unary calls, calls the node's
 * worker API (`JobNode.workers`: sessions, dispatch, reports), and encodes its answers.
 */
export function addWorkerService(server: grpc.Server, ctx: ServiceContext, o: WorkerServiceOptions): void {
  const { Workers } = jobsServices();
  const m = Workers.service;
  const clock = o.clock ?? systemClock;
  const node = ctx.node;

  /** Close the stream (with `err`, else OK); `clean` when the worker said goodbye. */
  const endStream = (s: WorkerStream, err: grpc.ServiceError | null, clean: boolean): void => {
    if (s.closed) return;
    s.closed = true;
    s.conn?.end(clean);
    if (err) s.call.emit('error', err);
    else s.call.end();
  };

  const work = (call: WorkerDuplex): void => {
    const s = new WorkerStream(call);
    const conn = node.workers.connect(call.getPeer(), {
      leases: (grants, serverTimeMs) => s.pushLeases(grants, serverTimeMs),
      // Workers follow the new leader; their leases survive the move (J6).
      leadershipLost: () => endStream(s, toServiceError(ctx.forwarder.notLeader(), ctx.logger), false),
    });
    if (conn === null) {
      s.closed = true;
      call.emit('error', toServiceError(ctx.forwarder.notLeader(), ctx.logger));
      return;
    }
    s.conn = conn;
    call.on('data', (msg: WorkerMessage) => {
      conn.touch();
      handleMessage(s, msg).catch((err: unknown) => endStream(s, toServiceError(ctx.forwarder.withHint(err), ctx.logger), false));
    });
    call.on('end', () => {
      conn.halfClosed();
      clock.setTimeout(() => endStream(s, null, !call.cancelled && conn.capacity === 0), GOODBYE_SETTLE_MS);
    });
    call.on('error', () => endStream(s, null, false));
    call.on('cancelled', () => endStream(s, null, false));
  };

  /**
   * One message. Only an invalid Hello, a message before the first Hello and a batch inside a
   * batch end the stream (INVALID_ARGUMENT); every refused report is answered and the stream goes on.
   */
  const handleMessage = async (s: WorkerStream, msg: WorkerMessage): Promise<void> => {
    const conn = s.conn;
    if (s.closed || conn === null) return;
    if (msg.body === 'batch') {
      const inner = msg.batch?.messages ?? [];
      if (inner.some((x) => x.body === 'batch')) throw invalid('a worker batch must not hold another batch');
      // Each starts in order, exactly as if they had arrived one by one.
      await Promise.all(inner.map((x) => handleMessage(s, x)));
      return;
    }
    if (msg.body === 'hello' && msg.hello) {
      const h = msg.hello;
      if (h.protocolVersion !== 0 && h.protocolVersion !== PROTOCOL_VERSION) {
        throw new RaftJobsError(
          ErrorCode.ProtocolMismatch,
          `hello: protocol_version ${h.protocolVersion} is not spoken by this server, which speaks ${PROTOCOL_VERSION} (raftjobs ${PACKAGE_VERSION})`,
        );
      }
      s.batchAcks = h.batchAcks;
      const welcome = await conn.hello({ workerId: h.workerId, sessionId: h.sessionId, queues: h.queues, capacity: h.capacity, leaseTtlMs: h.leaseTtlMs, held: refs(h.held) }).catch((err: unknown) => {
        // The refusal names the Hello's fields as the .proto spells them.
        if (err instanceof RaftJobsError && err.code === ErrorCode.InvalidArgument) throw invalid(wireMessage(err.message, { ttlMs: 'lease_ttl_ms' }));
        throw err;
      });
      s.send({ welcome: { ...welcome, maxMessageBytes: o.maxMessageBytes, protocolVersion: PROTOCOL_VERSION, serverVersion: PACKAGE_VERSION } });
      return;
    }
    if (!conn.registered) throw invalid('the first message on a worker stream must be hello');
    const requestId = msg.requestId;
    switch (msg.body) {
      case 'heartbeat': {
        const h = msg.heartbeat ?? { leases: [], ttlMs: 0 };
        const answer = await conn.heartbeat(refs(h.leases), h.ttlMs);
        const leases = answer.leases.map((l) => (l.ok ? l : { ...l, message: wireMessage(l.message) }));
        s.send({ heartbeat: { leases, serverTimeMs: answer.serverTimeMs }, requestId });
        return;
      }
      case 'progress':
      case 'complete':
      case 'fail': {
        const d = decodeReport(msg);
        s.ack({ ...wireAck(d.ok ? await conn.report(d.report, d.handlerMs) : refusal(d.message)), requestId });
        return;
      }
      case 'release':
        s.ack({ ...wireAck(await conn.release(refs(msg.release?.leases ?? []))), requestId });
        return;
      default:
        s.ack({ ...wireAck(refusal('worker message without a body this server knows')), requestId });
    }
  };

  const handlers: wire.WorkersHandlers = {
    Work: work,
    Lease: unary(ctx, m.Lease, async (r) => {
      if (r.waitMs < 0 || r.waitMs > MAX_LEASE_WAIT_MS) throw invalid(`wait_ms: must be 0..${MAX_LEASE_WAIT_MS}, got ${r.waitMs}`);
      const v = validateCommand({ type: 'lease', workerId: r.workerId, queues: r.queues, max: r.max, ...(r.ttlMs !== 0 ? { ttlMs: r.ttlMs } : {}) } satisfies Command, node.query.options);
      if (!v.ok) throw invalid(wireMessage(v.problems.join('; ')), v.problems);
      if (!node.isLeader()) throw ctx.forwarder.notLeader();
      const leases = await node.workers.lease(v.value as Extract<Command, { type: 'lease' }>, r.waitMs);
      return { jobs: leases.map(grantToWire) };
    }),
    Heartbeat: unary(ctx, m.Heartbeat, async (r) => {
      const answer = await node.workers.heartbeat(refs(r.leases), r.ttlMs);
      if (answer.refused !== undefined) throw invalid(answer.refused);
      return { leases: [...answer.leases], serverTimeMs: answer.serverTimeMs };
    }),
    Progress: unary(ctx, m.Progress, async (progress) => report({ requestId: 0, body: 'progress', progress })),
    Complete: unary(ctx, m.Complete, async (complete) => report({ requestId: 0, body: 'complete', complete })),
    Fail: unary(ctx, m.Fail, async (fail) => report({ requestId: 0, body: 'fail', fail })),
  };
  server.addService(Workers.service, handlers);

  /** A unary report's Ack, or its error (INVALID_ARGUMENT, STALE_TOKEN, ...). */
  const report = async (msg: WorkerMessage): Promise<wire.Ack> => {
    const d = decodeReport(msg);
    if (!d.ok) throw invalid(d.message);
    const ack = await node.workers.report(d.report, d.handlerMs);
    if (!ack.ok) throw new RaftJobsError(ack.code as ErrorCode, ack.message, { jobId: d.report.jobId });
    return wireAck(ack);
  };
}

const refs = (leases: readonly wire.LeaseRef__Output[]): LeaseRef[] => leases.map((l) => ({ jobId: l.jobId, token: l.token }));

const refusal = (message: string): WorkerAck => ({ ok: false, code: ErrorCode.InvalidArgument, message, state: '' });

/** An answer to a report, its refusal naming fields as the .proto spells them. */
const wireAck = (a: WorkerAck): wire.Ack => ({ ok: a.ok, code: a.code, message: a.ok ? a.message : wireMessage(a.message), state: a.state });

/** The progress, complete or fail report of a message, with the handler time it reports, ms. */
function decodeReport(msg: WorkerMessage): { readonly ok: true; readonly report: WorkerReport; readonly handlerMs: number } | { readonly ok: false; readonly message: string } {
  if (msg.body === 'progress' && msg.progress) {
    const p = msg.progress;
    return { ok: true, report: { type: 'progress', jobId: p.jobId, token: p.token, percent: p.percent, ...(p.message !== '' ? { message: p.message } : {}) }, handlerMs: 0 };
  }
  if (msg.body === 'complete' && msg.complete) {
    const c = msg.complete;
    return { ok: true, report: { type: 'complete', jobId: c.jobId, token: c.token, ...(c.result && c.result.length > 0 ? { result: c.result } : {}) }, handlerMs: c.handlerMs ?? 0 };
  }
  if (msg.body === 'fail' && msg.fail) {
    const f = msg.fail;
    const throttle = throttleFromWire(f);
    if (!throttle.ok) return { ok: false, message: throttle.problems.join('; ') };
    const report = { type: 'fail' as const, jobId: f.jobId, token: f.token, error: f.error, ...(f.noRetry ? { retry: false } : {}), ...(throttle.value !== null ? { throttle: throttle.value } : {}) };
    return { ok: true, report, handlerMs: f.handlerMs ?? 0 };
  }
  return { ok: false, message: `${msg.body ?? 'message'}: the body is missing` };
}
