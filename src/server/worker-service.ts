import type * as grpc from '@grpc/grpc-js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { getJob, hasReady, validateCommand } from '../jobs/index.js';
import type { Command, CommandResult, HeartbeatResult, JobsState, LeaseResult } from '../jobs/index.js';
import { toServiceError } from './errors.js';
import { invalid, rejection, unary, type ServiceContext } from './handler.js';
import { serviceClient } from '../protocol/index.js';
import { grantToWire } from './wire.js';

type Def = Record<string, grpc.MethodDefinition<unknown, unknown>>;
type Duplex = grpc.ServerDuplexStream<WorkerMessage, Record<string, unknown>>;

interface LeaseRefWire {
  jobId: string;
  token: number;
}
type ProgressWire = { jobId: string; token: number; percent: number; message: string };
type CompleteWire = { jobId: string; token: number; result: Buffer; handlerMs?: number };
type FailWire = { jobId: string; token: number; error: string; noRetry: boolean; handlerMs?: number };
interface WorkerMessage {
  requestId: number;
  body?: 'hello' | 'heartbeat' | 'progress' | 'complete' | 'fail' | 'batch';
  hello?: { workerId: string; queues: string[]; capacity: number; leaseTtlMs: number; held: LeaseRefWire[]; batchAcks: boolean };
  batch?: { messages: WorkerMessage[] };
  heartbeat?: { leases: LeaseRefWire[]; ttlMs: number };
  progress?: ProgressWire;
  complete?: CompleteWire;
  fail?: FailWire;
}

/** Largest `capacity` a worker may announce. */
const MAX_CAPACITY = 10_000;

/** One connected worker as the leader sees it (Admin.Workers, the dashboard). Times in ms since the epoch. */
export interface WorkerInfo {
  readonly workerId: string;
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

/**
 * One connected worker stream. The leader pushes leases while the worker has free capacity
 * (capacity minus the leases it holds); a lease stops counting when the worker completes or
 * fails it, or a heartbeat finds it gone.
 */
class WorkerSession {
  workerId = '';
  queues: string[] = [];
  capacity = 0;
  ttlMs = 0;
  readonly held = new Map<string, number>();
  /** Slots asked for by lease commands not yet applied. */
  requested = 0;
  /** Until the first Hello's release is committed, nothing is leased to this session. */
  releasing = false;
  /** The worker takes several acks in one message (Hello.batch_acks). */
  batchAcks = false;
  closed = false;
  private acks: Record<string, unknown>[] = [];
  readonly connectedAt = Date.now();
  lastSeenAt = this.connectedAt;

  constructor(readonly call: Duplex) {}

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

  private flushAcks(): void {
    const acks = this.acks;
    this.acks = [];
    if (acks.length === 1) this.send({ ack: acks[0] });
    else if (acks.length > 1) this.send({ acks: { acks } });
  }
}

/**
 * The Workers service and the leader's dispatcher: it wakes when jobs may have become ready and
 * leases them to workers with free capacity, batching every lease of a round into the same log
 * entries.
 */
export function addWorkerService(server: grpc.Server, ctx: ServiceContext): WorkerRegistry {
  const Workers = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Workers');
  const def = Workers.service as unknown as Def;
  const m = (name: string): grpc.MethodDefinition<unknown, unknown> => def[name] as grpc.MethodDefinition<unknown, unknown>;
  const sessions = new Set<WorkerSession>();
  const node = ctx.node;
  let rotation = 0;
  let dispatchWanted = false;
  let dispatchQueued = false;
  const anticipatedQueues = new Set<string>();

  /**
   * Ask for a dispatch round (with `anticipated`, see {@link dispatch}). It runs just before the
   * leader packs its next log entry, so every slot freed and every job submitted meanwhile is
   * leased by one command per worker in that entry; or on the next event-loop turn if no entry is
   * due sooner.
   */
  const dispatchSoon = (anticipated?: readonly string[]): void => {
    dispatchWanted = true;
    if (anticipated !== undefined) for (const q of anticipated) anticipatedQueues.add(q);
    if (dispatchQueued) return;
    dispatchQueued = true;
    setImmediate(() => {
      dispatchQueued = false;
      dispatchNow();
    });
  };

  const dispatchNow = (): void => {
    if (!dispatchWanted) return;
    dispatchWanted = false;
    const anticipated = anticipatedQueues.size > 0 ? [...anticipatedQueues] : undefined;
    anticipatedQueues.clear();
    dispatch(anticipated);
  };

  /**
   * Propose a lease for every session with free slots whose queues have ready jobs. With
   * `anticipated`, also for sessions serving those queues when nothing is ready yet: a submit
   * proposed in the same round lands in the same entry just before the lease, so an idle worker
   * gets a new job after one commit instead of two.
   */
  const dispatch = (anticipated?: readonly string[]): void => {
    if (!node.isLeader()) return;
    const list = [...sessions];
    rotation = (rotation + 1) % Math.max(1, list.length);
    for (let i = 0; i < list.length; i++) {
      const s = list[(i + rotation) % list.length] as WorkerSession;
      const free = s.free();
      if (s.closed || s.releasing || free <= 0 || s.workerId === '') continue;
      const wanted = hasReady(node.state, s.queues) || (anticipated !== undefined && s.queues.some((q) => anticipated.includes(q)));
      if (!wanted) continue;
      const max = Math.min(free, 1000);
      s.requested += max;
      const cmd: Command = { type: 'lease', workerId: s.workerId, queues: s.queues, max, ...(s.ttlMs > 0 ? { ttlMs: s.ttlMs } : {}) };
      node.propose(cmd).then(
        (res) => {
          s.requested -= max;
          if (res.ok && res.type === 'lease' && res.leases.length > 0) {
            if (s.closed) return; // the leases expire and the jobs run elsewhere
            for (const g of res.leases) s.held.set(g.jobId, g.token);
            s.send({ leases: { jobs: res.leases.map(grantToWire) } });
          }
          dispatchSoon();
        },
        () => {
          s.requested -= max;
        },
      );
    }
  };

  node.onWake(dispatchSoon);
  node.onBeforePropose(dispatchNow);
  node.onRoleChange((role) => {
    if (role === 'leader') return;
    // Workers follow the new leader; their leases survive the move (J6).
    const err = toServiceError(ctx.forwarder.notLeader(), ctx.logger);
    for (const s of sessions) endSession(s, err);
  });

  const endSession = (s: WorkerSession, err: grpc.ServiceError | null): void => {
    if (s.closed) return;
    s.closed = true;
    sessions.delete(s);
    if (err) s.call.emit('error', err);
    else s.call.end();
  };

  const work = (call: Duplex): void => {
    const s = new WorkerSession(call);
    if (!node.isLeader()) {
      s.closed = true;
      call.emit('error', toServiceError(ctx.forwarder.notLeader(), ctx.logger));
      return;
    }
    sessions.add(s);
    call.on('data', (msg: WorkerMessage) => {
      s.lastSeenAt = Date.now();
      handleMessage(s, msg).catch((err: unknown) => endSession(s, toServiceError(ctx.forwarder.withHint(err), ctx.logger)));
    });
    call.on('end', () => endSession(s, null));
    call.on('error', () => endSession(s, null));
    call.on('cancelled', () => endSession(s, null));
  };

  const handleMessage = async (s: WorkerSession, msg: WorkerMessage): Promise<void> => {
    if (s.closed) return;
    if (msg.body === 'batch') {
      const inner = msg.batch?.messages ?? [];
      if (inner.some((m) => m.body === 'batch')) throw invalid('a worker batch must not hold another batch');
      // Each starts in order, exactly as if they had arrived one by one.
      await Promise.all(inner.map((m) => handleMessage(s, m)));
      return;
    }
    if (msg.body === 'hello' && msg.hello) {
      const h = msg.hello;
      const problems = helloProblems(h, node.state);
      if (problems.length > 0) throw invalid(`hello: ${problems.join('; ')}`, problems);
      const first = s.workerId === '';
      s.workerId = h.workerId;
      s.queues = h.queues;
      s.capacity = h.capacity;
      s.ttlMs = h.leaseTtlMs;
      s.batchAcks = h.batchAcks;
      for (const ref of h.held) s.held.set(ref.jobId, ref.token);
      if (first) {
        // Leases granted to this worker id that it does not hold never reached it (its stream
        // broke first, or it restarted): release them now rather than after their TTL.
        s.releasing = true;
        try {
          const res = await node.propose({ type: 'release', workerId: h.workerId, session: '', mode: 'unheld', leases: h.held.map((l) => ({ jobId: l.jobId, token: l.token })) });
          if (!res.ok) throw rejection(res);
          if (res.type === 'release' && res.released.length > 0) {
            ctx.logger.info({ workerId: h.workerId, released: res.released.length }, 'released leases the worker never received');
          }
        } finally {
          s.releasing = false;
        }
      }
      dispatchSoon();
      return;
    }
    if (s.workerId === '') throw invalid('the first message on a worker stream must be hello');
    const requestId = msg.requestId;
    switch (msg.body) {
      case 'heartbeat': {
        const res = (await heartbeat(ctx, msg.heartbeat ?? { leases: [], ttlMs: 0 })) as { leases: { jobId: string; ok: boolean }[] };
        for (const l of res.leases) if (!l.ok) s.held.delete(l.jobId);
        s.send({ heartbeat: res, requestId });
        if (res.leases.some((l) => !l.ok)) dispatchSoon();
        return;
      }
      case 'progress':
      case 'complete':
      case 'fail': {
        const settled = settle(ctx, msg);
        const jobId = (msg[msg.body] as { jobId: string }).jobId;
        const token = s.held.get(jobId);
        if (msg.body !== 'progress' && token !== undefined) {
          // The handler is done, so the slot is free now: the next lease joins the same entry as
          // this outcome instead of waiting a commit round for it.
          s.held.delete(jobId);
          dispatchSoon();
        }
        const ack = await settled;
        if (msg.body !== 'progress' && token !== undefined && !ack['ok'] && ack['code'] === ErrorCode.InvalidArgument) {
          s.held.set(jobId, token); // the worker still holds it and will fail it instead
        }
        s.ack({ ...ack, requestId });
        return;
      }
      default:
        throw invalid('worker message without a body');
    }
  };

  server.addService(Workers.service, {
    Work: work,
    Lease: unary(ctx, m('Lease'), async (req) => leaseUnary(ctx, req as LeaseRequest)),
    Heartbeat: unary(ctx, m('Heartbeat'), async (req) => heartbeat(ctx, req as { leases: LeaseRefWire[]; ttlMs: number })),
    Progress: unary(ctx, m('Progress'), async (req) => okOrThrow(await settle(ctx, { requestId: 0, body: 'progress', progress: req as ProgressWire }))),
    Complete: unary(ctx, m('Complete'), async (req) => okOrThrow(await settle(ctx, { requestId: 0, body: 'complete', complete: req as CompleteWire }))),
    Fail: unary(ctx, m('Fail'), async (req) => okOrThrow(await settle(ctx, { requestId: 0, body: 'fail', fail: req as FailWire }))),
  });
  return {
    anticipate: (queues) => dispatchSoon(queues),
    list: () =>
      [...sessions]
        .filter((s) => !s.closed && s.workerId !== '')
        .map((s) => ({
          workerId: s.workerId,
          queues: [...s.queues],
          capacity: s.capacity,
          leaseTtlMs: s.ttlMs,
          held: [...s.held].map(([jobId, token]) => ({ jobId, token })),
          connectedAt: s.connectedAt,
          lastSeenAt: s.lastSeenAt,
          peer: s.call.getPeer(),
        })),
  };
}

function helloProblems(h: NonNullable<WorkerMessage['hello']>, state: JobsState): string[] {
  const problems: string[] = [];
  const o = state.options;
  if (h.workerId === '' || h.workerId.length > o.maxWorkerIdLength) problems.push(`worker_id: must be 1..${o.maxWorkerIdLength} characters`);
  if (!Number.isInteger(h.capacity) || h.capacity < 0 || h.capacity > MAX_CAPACITY) problems.push(`capacity: must be 0..${MAX_CAPACITY}, got ${h.capacity}`);
  // Queue names and the TTL are checked exactly as a lease command would be.
  const v = validateCommand({ type: 'lease', workerId: h.workerId || 'w', queues: h.queues, max: 1, ...(h.leaseTtlMs ? { ttlMs: h.leaseTtlMs } : {}) }, o);
  if (!v.ok) problems.push(...v.problems);
  return problems;
}

async function proposeChecked(ctx: ServiceContext, cmd: Command): Promise<CommandResult> {
  const v = validateCommand(cmd, ctx.node.state.options);
  if (!v.ok) throw invalid(v.problems.join('; '), v.problems);
  if (!ctx.node.isLeader()) throw ctx.forwarder.notLeader();
  return ctx.node.propose(v.value);
}

async function heartbeat(ctx: ServiceContext, req: { leases: LeaseRefWire[]; ttlMs: number }): Promise<Record<string, unknown>> {
  if (req.leases.length === 0) return { leases: [] };
  const res = (await proposeChecked(ctx, {
    type: 'heartbeat',
    leases: req.leases.map((l) => ({ jobId: l.jobId, token: l.token })),
    ...(req.ttlMs > 0 ? { ttlMs: req.ttlMs } : {}),
  })) as HeartbeatResult | Exclude<CommandResult, { ok: true }>;
  if (!res.ok) throw rejection(res);
  return {
    leases: res.leases.map((l) =>
      l.ok ? { jobId: l.jobId, ok: true, expiresAtMs: l.expiresAt, code: '', message: '' } : { jobId: l.jobId, ok: false, expiresAtMs: 0, code: l.code, message: l.message },
    ),
  };
}

/**
 * Progress, complete or fail; answers an Ack. A completion or failure repeated with the token of
 * an attempt that already ended that way is acknowledged again (a worker resends what it never
 * saw acknowledged when its leader died).
 */
async function settle(ctx: ServiceContext, msg: WorkerMessage): Promise<Record<string, unknown>> {
  let cmd: Command;
  if (msg.body === 'progress' && msg.progress) {
    const p = msg.progress;
    cmd = { type: 'progress', jobId: p.jobId, token: p.token, percent: p.percent, ...(p.message !== '' ? { message: p.message } : {}) };
  } else if (msg.body === 'complete' && msg.complete) {
    const c = msg.complete;
    cmd = { type: 'complete', jobId: c.jobId, token: c.token, ...(c.result && c.result.length > 0 ? { result: c.result } : {}) };
  } else if (msg.body === 'fail' && msg.fail) {
    const f = msg.fail;
    cmd = { type: 'fail', jobId: f.jobId, token: f.token, error: f.error, ...(f.noRetry ? { retry: false } : {}) };
  } else {
    throw invalid('progress, complete or fail message without its body');
  }
  const res = await proposeChecked(ctx, cmd);
  if (res.ok && (cmd.type === 'complete' || cmd.type === 'fail')) reportHandler(ctx, cmd.jobId, cmd.type, msg);
  if (res.ok) return { ok: true, code: '', message: '', state: res.type === 'fail' ? res.state : res.type === 'complete' ? 'succeeded' : '' };
  if (cmd.type === 'complete' || cmd.type === 'fail') {
    const job = getJob(ctx.node.state, cmd.jobId);
    const attempt = job?.history.find((a) => a.token === cmd.token);
    const expected = cmd.type === 'complete' ? 'succeeded' : 'failed';
    if (job && attempt?.outcome === expected) return { ok: true, code: '', message: 'already recorded', state: job.state };
  }
  return { ok: false, code: res.code, message: res.message, state: '' };
}

/** Feed the handler latency a worker reported with an accepted completion or failure. */
function reportHandler(ctx: ServiceContext, jobId: string, type: 'complete' | 'fail', msg: WorkerMessage): void {
  const ms = (type === 'complete' ? msg.complete?.handlerMs : msg.fail?.handlerMs) ?? 0;
  if (ctx.observer?.handlerReported === undefined || !(ms > 0)) return;
  const queue = ctx.node.state.jobs.get(jobId)?.queue;
  if (queue !== undefined) ctx.observer.handlerReported(queue, type === 'complete' ? 'completed' : 'failed', ms);
}

function okOrThrow(ack: Record<string, unknown>): Record<string, unknown> {
  if (ack['ok']) return ack;
  throw new RaftJobsError(ack['code'] as ErrorCode, String(ack['message']));
}

interface LeaseRequest {
  workerId: string;
  queues: string[];
  max: number;
  ttlMs: number;
  waitMs: number;
}

/** Unary lease with an optional long poll: waits for ready jobs up to `wait_ms`. */
async function leaseUnary(ctx: ServiceContext, req: LeaseRequest): Promise<Record<string, unknown>> {
  if (req.waitMs < 0 || req.waitMs > 60_000) throw invalid(`wait_ms: must be 0..60000, got ${req.waitMs}`);
  const cmd: Command = { type: 'lease', workerId: req.workerId, queues: req.queues, max: req.max, ...(req.ttlMs > 0 ? { ttlMs: req.ttlMs } : {}) };
  const v = validateCommand(cmd, ctx.node.state.options);
  if (!v.ok) throw invalid(v.problems.join('; '), v.problems);
  const deadline = Date.now() + req.waitMs;
  for (;;) {
    if (!ctx.node.isLeader()) throw ctx.forwarder.notLeader();
    if (hasReady(ctx.node.state, req.queues)) {
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
