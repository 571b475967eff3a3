import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { ErrorCode } from '../errors/index.js';
import { MAX_SESSION_LENGTH, validateCommand } from '../jobs/index.js';
import type { Command, CommandResult, JobsOptions, LeaseResult } from '../jobs/index.js';
import { systemClock, type NodeClock } from '../node/index.js';
import { serviceClient } from '../protocol/index.js';
import { Dispatcher } from './dispatcher.js';
import { toServiceError } from './errors.js';
import { invalid, rejection, unary, type ServiceContext } from './handler.js';
import { SessionWatch } from './session-watch.js';
import { grantToWire } from './wire.js';
import {
  heartbeat,
  heartbeatCommand,
  okOrThrow,
  outcomeCommand,
  refusalAck,
  refusedHeartbeat,
  release,
  releaseCommand,
  settle,
  type Built,
} from './worker-outcomes.js';
import { WorkerStream, type HeartbeatWire, type HelloWire, type LeaseRefWire, type WorkerDuplex, type WorkerMessage } from './worker-stream.js';

type Def = Record<string, grpc.MethodDefinition<unknown, unknown>>;

/** Largest `capacity` a worker may announce. */
const MAX_CAPACITY = 10_000;

/**
 * A goodbye is a half-close after a Hello announcing capacity 0 (what `Worker.close` sends first);
 * any other end is a break, which gets the connection grace. grpc-js reports a client's cancel
 * (RST_STREAM) as a half-close first and as cancelled a moment later (about 1 ms, a later I/O
 * turn), so the end is judged once this long has passed without a cancel, ms. A worker that
 * half-closed waits for the server's status (the SDK up to 1 s), so this only delays it.
 */
const GOODBYE_SETTLE_MS = 100;

/** One connected worker as the leader sees it (Admin.Workers, the dashboard). Times in ms since the epoch. */
export interface WorkerInfo {
  readonly workerId: string;
  /** The session its leases are granted to (see Hello.session_id); absent when relayed by another node. */
  readonly session?: string;
  readonly queues: readonly string[];
  readonly capacity: number;
  /** Lease TTL the worker asked for; 0 uses each job's. */
  readonly leaseTtlMs: number;
  /** Leases in flight. */
  readonly held: readonly { readonly jobId: string; readonly token: number }[];
  readonly connectedAt: number;
  readonly lastSeenAt: number;
  /** The worker's address as this node sees it. */
  readonly peer: string;
}

/** Read-only view of the worker streams connected to this node (only a leader has any). */
export interface WorkerRegistry {
  list(): WorkerInfo[];
  /**
   * Jobs for these queues are being proposed right now: lease to idle workers serving them in the
   * same round, so the lease lands in the same log entry right after the submit.
   */
  anticipate(queues: readonly string[]): void;
}

/** Settings of the worker service (see `ServerConfig` and `LimitsConfig`). */
export interface WorkerServiceOptions {
  /** How long a session whose stream broke may take to reconnect before its leases are abandoned, ms. */
  readonly connectionGraceMs: number;
  /** The receive limit of the server, bytes, announced in Welcome.max_message_bytes. */
  readonly maxMessageBytes: number;
  readonly clock?: NodeClock;
}

/**
 * The Workers service: the Work stream (sessions, reports, lease pushes), the unary calls, the
 * dispatcher and the watch on sessions that went away.
 */
export function addWorkerService(server: grpc.Server, ctx: ServiceContext, o: WorkerServiceOptions): WorkerRegistry & { close(): void } {
  const Workers = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Workers');
  const def = Workers.service as unknown as Def;
  const m = (name: string): grpc.MethodDefinition<unknown, unknown> => def[name] as grpc.MethodDefinition<unknown, unknown>;
  const clock = o.clock ?? systemClock;
  const node = ctx.node;
  const streams = new Set<WorkerStream>();
  const logger = ctx.logger.child({ component: 'workers' });
  const dispatcher = new Dispatcher(node, streams, clock, logger);
  const watch = new SessionWatch(node, o.connectionGraceMs, clock, logger);

  const offWake = node.onWake(() => dispatcher.soon());
  const offRound = node.onBeforePropose(() => dispatcher.now());
  const offRole = node.onRoleChange((role) => {
    if (role === 'leader') {
      watch.becameLeader();
      return;
    }
    watch.stopTimers();
    // Workers follow the new leader; their leases survive the move (J6).
    const err = toServiceError(ctx.forwarder.notLeader(), ctx.logger);
    for (const s of streams) endStream(s, err, false);
  });
  if (node.isLeader()) watch.becameLeader();

  /** Close the stream (with `err`, else OK); `clean` when the worker half-closed it. */
  const endStream = (s: WorkerStream, err: grpc.ServiceError | null, clean: boolean): void => {
    if (s.closed) return;
    s.closed = true;
    streams.delete(s);
    watch.ended(s, clean);
    if (err) s.call.emit('error', err);
    else s.call.end();
  };

  const work = (call: WorkerDuplex): void => {
    const s = new WorkerStream(call, clock);
    if (!node.isLeader()) {
      s.closed = true;
      call.emit('error', toServiceError(ctx.forwarder.notLeader(), ctx.logger));
      return;
    }
    streams.add(s);
    call.on('data', (msg: WorkerMessage) => {
      s.lastSeenAt = clock.now();
      handleMessage(s, msg).catch((err: unknown) => endStream(s, toServiceError(ctx.forwarder.withHint(err), ctx.logger), false));
    });
    call.on('end', () => {
      s.saidGoodbye = true;
      clock.setTimeout(() => endStream(s, null, !call.cancelled && s.capacity === 0), GOODBYE_SETTLE_MS);
    });
    call.on('error', () => endStream(s, null, false));
    call.on('cancelled', () => endStream(s, null, false));
  };

  /**
   * One message. Only an invalid Hello, a message before the first Hello and a batch inside a
   * batch end the stream (INVALID_ARGUMENT); every refused report is answered and the stream goes on.
   */
  const handleMessage = async (s: WorkerStream, msg: WorkerMessage): Promise<void> => {
    if (s.closed) return;
    if (msg.body === 'batch') {
      const inner = msg.batch?.messages ?? [];
      if (inner.some((x) => x.body === 'batch')) throw invalid('a worker batch must not hold another batch');
      // Each starts in order, exactly as if they had arrived one by one.
      await Promise.all(inner.map((x) => handleMessage(s, x)));
      return;
    }
    if (msg.body === 'hello' && msg.hello) return hello(s, msg.hello);
    if (!s.registered) throw invalid('the first message on a worker stream must be hello');
    const requestId = msg.requestId;
    switch (msg.body) {
      case 'heartbeat':
        return onHeartbeat(s, requestId, msg.heartbeat ?? { leases: [], ttlMs: 0 });
      case 'progress':
      case 'complete':
      case 'fail':
        return onOutcome(s, msg, outcomeCommand(ctx, msg));
      case 'release':
        return onRelease(s, requestId, msg.release?.leases ?? []);
      default:
        s.ack({ ...refusalAck('worker message without a body this server knows'), requestId });
    }
  };

  const hello = async (s: WorkerStream, h: HelloWire): Promise<void> => {
    const problems = helloProblems(h, node.query.options, s);
    if (problems.length > 0) throw invalid(`hello: ${problems.join('; ')}`, problems);
    const first = !s.registered;
    if (first) {
      s.workerId = h.workerId;
      s.session = h.sessionId !== '' ? h.sessionId : `anon-${randomUUID()}`;
    }
    s.queues = h.queues;
    s.capacity = h.capacity;
    s.ttlMs = h.leaseTtlMs;
    s.batchAcks = h.batchAcks;
    for (const ref of h.held) s.held.set(ref.jobId, ref.token);
    if (first) {
      watch.registered(s);
      // Leases of this session the process does not list never reached it (its stream broke
      // first): back to ready without using an attempt. Listed ones of an earlier session of
      // this worker are adopted, so a reconnect under a new session keeps what it holds.
      s.releasing = true;
      try {
        if (!node.isLeader()) throw ctx.forwarder.notLeader();
        const res = await node.propose({ type: 'release', workerId: s.workerId, session: s.session, mode: 'unheld', leases: h.held.map((l) => ({ jobId: l.jobId, token: l.token })) });
        if (!res.ok) throw rejection(res);
        if (res.type === 'release' && res.released.length + res.adopted.length > 0) {
          logger.info({ workerId: s.workerId, session: s.session, released: res.released.length, adopted: res.adopted.length }, 'worker session (re)connected');
        }
      } finally {
        s.releasing = false;
      }
    }
    const options = node.query.options;
    s.send({
      welcome: {
        sessionId: s.session,
        serverTimeMs: node.query.now(),
        maxLeasesPerMessage: options.maxLeaseBatch,
        maxMessageBytes: o.maxMessageBytes,
        maxResultBytes: options.maxResultBytes,
        maxErrorLength: options.maxErrorLength,
        connectionGraceMs: o.connectionGraceMs,
      },
    });
    dispatcher.soon();
  };

  const onHeartbeat = async (s: WorkerStream, requestId: number, req: HeartbeatWire): Promise<void> => {
    if (req.leases.length === 0) {
      s.send({ heartbeat: { leases: [], serverTimeMs: node.query.now() }, requestId });
      return;
    }
    const built = heartbeatCommand(ctx, req);
    if (!built.ok) {
      s.send({ heartbeat: refusedHeartbeat(ctx, req, built.message), requestId });
      return;
    }
    const res = (await heartbeat(ctx, built.cmd)) as { leases: { jobId: string; ok: boolean }[] };
    let lost = false;
    for (const l of res.leases) {
      if (l.ok) continue;
      s.held.delete(l.jobId);
      lost = true;
    }
    s.send({ heartbeat: res, requestId });
    if (lost) dispatcher.soon();
  };

  const onOutcome = async (s: WorkerStream, msg: WorkerMessage, built: Built): Promise<void> => {
    const requestId = msg.requestId;
    if (!built.ok) {
      s.ack({ ...refusalAck(built.message), requestId });
      return;
    }
    const cmd = built.cmd as Extract<Command, { type: 'progress' | 'complete' | 'fail' }>;
    const handlerMs = (cmd.type === 'complete' ? msg.complete?.handlerMs : cmd.type === 'fail' ? msg.fail?.handlerMs : 0) ?? 0;
    const settled = settle(ctx, cmd, handlerMs);
    const token = s.held.get(cmd.jobId);
    const ends = cmd.type !== 'progress' && token === cmd.token;
    if (ends) {
      // The handler is done, so the slot is free now: the next lease joins the same entry as
      // this outcome instead of waiting a commit round for it.
      s.held.delete(cmd.jobId);
      dispatcher.soon();
    }
    const ack = await settled;
    if (ends && !ack['ok'] && ack['code'] === ErrorCode.InvalidArgument) {
      s.held.set(cmd.jobId, token); // the worker still holds it and will fail it instead
    }
    s.ack({ ...ack, requestId });
  };

  const onRelease = async (s: WorkerStream, requestId: number, leases: LeaseRefWire[]): Promise<void> => {
    const built = releaseCommand(ctx, s.workerId, s.session, leases);
    if (!built.ok) {
      s.ack({ ...refusalAck(built.message), requestId });
      return;
    }
    const { ack, dropped } = await release(ctx, built.cmd);
    const gone = new Set(dropped);
    for (const l of leases) if (gone.has(l.jobId) && s.held.get(l.jobId) === l.token) s.held.delete(l.jobId);
    s.ack({ ...ack, requestId });
    if (gone.size > 0) dispatcher.soon();
  };

  server.addService(Workers.service, {
    Work: work,
    Lease: unary(ctx, m('Lease'), async (req) => leaseUnary(ctx, req as LeaseRequest)),
    Heartbeat: unary(ctx, m('Heartbeat'), async (req) => {
      const r = req as HeartbeatWire;
      if (r.leases.length === 0) return { leases: [], serverTimeMs: node.query.now() };
      return heartbeat(ctx, unaryChecked(heartbeatCommand(ctx, r)));
    }),
    Progress: unary(ctx, m('Progress'), async (req) => okOrThrow(await settle(ctx, unaryChecked(outcomeCommand(ctx, { requestId: 0, body: 'progress', progress: req as NonNullable<WorkerMessage['progress']> })), 0))),
    Complete: unary(ctx, m('Complete'), async (req) => {
      const c = req as NonNullable<WorkerMessage['complete']>;
      return okOrThrow(await settle(ctx, unaryChecked(outcomeCommand(ctx, { requestId: 0, body: 'complete', complete: c })), c.handlerMs ?? 0));
    }),
    Fail: unary(ctx, m('Fail'), async (req) => {
      const f = req as NonNullable<WorkerMessage['fail']>;
      return okOrThrow(await settle(ctx, unaryChecked(outcomeCommand(ctx, { requestId: 0, body: 'fail', fail: f })), f.handlerMs ?? 0));
    }),
  });
  return {
    anticipate: (queues) => dispatcher.soon(queues),
    list: () =>
      [...streams]
        .filter((s) => !s.closed && s.registered)
        .map((s) => ({
          workerId: s.workerId,
          session: s.session,
          queues: [...s.queues],
          capacity: s.capacity,
          leaseTtlMs: s.ttlMs,
          held: [...s.held].map(([jobId, token]) => ({ jobId, token })),
          connectedAt: s.connectedAt,
          lastSeenAt: s.lastSeenAt,
          peer: s.call.getPeer(),
        })),
    close: () => {
      offWake();
      offRound();
      offRole();
      dispatcher.stop();
      watch.stopTimers();
    },
  };
}

/** A unary call's command, or its INVALID_ARGUMENT. */
function unaryChecked(built: Built): Command {
  if (!built.ok) throw invalid(built.message);
  return built.cmd;
}

/** Why a Hello is refused (empty when it is not). A later Hello may not change the worker id or session. */
function helloProblems(h: HelloWire, o: JobsOptions, s: WorkerStream): string[] {
  const problems: string[] = [];
  if (h.workerId === '' || h.workerId.length > o.maxWorkerIdLength) problems.push(`worker_id: must be 1..${o.maxWorkerIdLength} characters`);
  if (h.sessionId.length > MAX_SESSION_LENGTH) problems.push(`session_id: must be at most ${MAX_SESSION_LENGTH} characters`);
  if (!Number.isInteger(h.capacity) || h.capacity < 0 || h.capacity > MAX_CAPACITY) problems.push(`capacity: must be 0..${MAX_CAPACITY}, got ${h.capacity}`);
  if (s.registered) {
    if (h.workerId !== s.workerId) problems.push(`worker_id: a later hello on a stream must keep ${JSON.stringify(s.workerId)}`);
    if (h.sessionId !== '' && h.sessionId !== s.session) problems.push(`session_id: a later hello on a stream must keep ${JSON.stringify(s.session)} (or leave it empty)`);
  }
  // Queue names and the TTL are checked exactly as a lease command would be; held leases as a release.
  const lease = validateCommand({ type: 'lease', workerId: h.workerId || 'w', queues: h.queues, max: 1, ...(h.leaseTtlMs ? { ttlMs: h.leaseTtlMs } : {}) }, o);
  if (!lease.ok) problems.push(...lease.problems);
  const held = validateCommand({ type: 'release', workerId: h.workerId || 'w', session: 's', mode: 'unheld', leases: h.held.map((l) => ({ jobId: l.jobId, token: l.token })) }, o);
  if (!held.ok) problems.push(...held.problems.map((p) => p.replace(/^leases/, 'held')));
  return problems;
}

interface LeaseRequest {
  workerId: string;
  queues: string[];
  max: number;
  ttlMs: number;
  waitMs: number;
}

/** Unary lease (of no session: it ends only by its TTL) with an optional long poll: waits for ready jobs up to `wait_ms`. */
async function leaseUnary(ctx: ServiceContext, req: LeaseRequest): Promise<Record<string, unknown>> {
  if (req.waitMs < 0 || req.waitMs > 60_000) throw invalid(`wait_ms: must be 0..60000, got ${req.waitMs}`);
  const cmd: Command = { type: 'lease', workerId: req.workerId, queues: req.queues, max: req.max, ...(req.ttlMs > 0 ? { ttlMs: req.ttlMs } : {}) };
  const v = validateCommand(cmd, ctx.node.query.options);
  if (!v.ok) throw invalid(v.problems.join('; '), v.problems);
  const deadline = Date.now() + req.waitMs;
  for (;;) {
    if (!ctx.node.isLeader()) throw ctx.forwarder.notLeader();
    if (ctx.node.query.hasReady(req.queues)) {
      const res = (await ctx.node.propose(cmd)) as LeaseResult | Exclude<CommandResult, { ok: true }>;
      if (!res.ok) throw rejection(res);
      if (res.leases.length > 0 || Date.now() >= deadline) return { jobs: res.leases.map(grantToWire) };
    }
    const left = deadline - Date.now();
    if (left <= 0) return { jobs: [] };
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, left);
      const off = ctx.node.onWake(done);
      function done(): void {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }
}
