/**
 * The node's worker API: connections (one per worker stream), the dispatcher that leases to
 * them, the watch that abandons the leases of sessions that went away, and the sessionless calls
 * (unary lease with long poll, heartbeat, reports). Leader duties, driven by the node: it is told
 * of role changes, of applied entries and of the moment before the leader packs an entry.
 */
import type { Logger } from 'pino';
import type { Command, CommandResult, JobEvent, LeaseCommand, LeaseGrant, LeaseRef } from '../jobs/index.js';
import { Dispatcher } from './dispatcher.js';
import type { JobQueries } from './queries.js';
import { SessionWatch } from './session-watch.js';
import type { NodeClock, NodeMetrics } from './types.js';
import { heartbeat, rejected, settle, type HeartbeatAnswer, type WorkerAck, type WorkerReport } from './worker-reports.js';
import { WorkerSession, type SessionHub, type WorkerConnectionEvents, type WorkerInfo } from './worker-session.js';

/** What the hub needs of the node. */
export interface WorkersHost {
  isLeader(): boolean;
  readonly query: JobQueries;
  /** Replicated time (J5), ms: on the leader, the time its next entry is stamped with. */
  time(): number;
  propose(command: Command): Promise<CommandResult>;
  /** Calls `listener` when jobs may have become ready or leases changed; returns its removal. */
  onWake(listener: () => void): () => void;
}

/** Read-only view of the worker connections of this node (only a leader has any). */
export interface WorkerRegistry {
  list(): WorkerInfo[];
  /**
   * Jobs for these queues are being proposed right now: lease to idle workers serving them in the
   * same round, so the lease lands in the same log entry right after the submit.
   */
  anticipate(queues: readonly string[]): void;
}


export class Workers implements WorkerRegistry {
  private readonly sessions = new Set<WorkerSession>();
  /** Registered open connections by worker id and session (`sessionKey`): where a `leased` event's slot goes. */
  private readonly bySession = new Map<string, WorkerSession>();
  private readonly dispatcher: Dispatcher;
  private readonly watch: SessionWatch;
  private readonly hub: SessionHub;
  private readonly log: Logger;

  /** @param connectionGraceMs how long a session whose stream broke may take to say Hello again before its leases are abandoned, ms. */
  constructor(
    private readonly node: WorkersHost,
    readonly connectionGraceMs: number,
    private readonly clock: NodeClock,
    logger: Logger,
    metrics?: NodeMetrics,
  ) {
    this.log = logger.child({ component: 'workers' });
    this.dispatcher = new Dispatcher(node, this.sessions, clock, this.log);
    this.watch = new SessionWatch(node, connectionGraceMs, clock, this.log);
    const sessions = this.sessions;
    const watch = this.watch;
    const dispatcher = this.dispatcher;
    const log = this.log;
    const bySession = this.bySession;
    this.hub = {
      query: node.query,
      propose: (cmd) => node.propose(cmd),
      metrics,
      connectionGraceMs,
      clock,
      dispatchSoon: () => dispatcher.soon(),
      registered: (s) => {
        bySession.set(sessionKey(s.workerId, s.session), s);
        watch.registered(s);
      },
      ended: (s, clean) => {
        sessions.delete(s);
        const key = sessionKey(s.workerId, s.session);
        if (bySession.get(key) === s) bySession.delete(key);
        watch.ended(s, clean);
      },
      reconnected: (s, released, adopted) => {
        if (released + adopted > 0) log.info({ workerId: s.workerId, session: s.session, released, adopted }, 'worker session (re)connected');
      },
      heartbeat: (leases, ttlMs) => heartbeat(this.hub, leases, ttlMs),
      settle: (report, handlerMs) => settle(this.hub, report, handlerMs),
    };
  }

  /**
   * A worker stream opened on this node, which must lead (else NOT_LEADER: the worker follows the
   * leader). Its first message must be a Hello (`WorkerSession.hello`).
   */
  connect(peer: string, events: WorkerConnectionEvents): WorkerSession | null {
    if (!this.node.isLeader()) return null;
    const s = new WorkerSession(this.hub, peer, events);
    this.sessions.add(s);
    return s;
  }

  list(): WorkerInfo[] {
    return [...this.sessions].filter((s) => !s.closed && s.registered).map((s) => s.info());
  }

  anticipate(queues: readonly string[]): void {
    this.dispatcher.soon(queues);
  }

  /** A heartbeat outside any session (the unary call). */
  heartbeat(leases: readonly LeaseRef[], ttlMs: number): Promise<HeartbeatAnswer> {
    return heartbeat(this.hub, leases, ttlMs);
  }

  /** A progress, completion or failure outside any session (the unary calls). */
  report(report: WorkerReport, handlerMs: number): Promise<WorkerAck> {
    return settle(this.hub, report, handlerMs);
  }

  /**
   * A lease of no session (it ends only by its TTL), waiting up to `waitMs` for ready jobs that
   * flow control lets go (it wakes when entries apply, and when a bucket or throttle pause lets a
   * held-back job go). The command must be valid (`validateCommand`). Rejects NOT_LEADER when
   * this node stops leading.
   */
  async lease(cmd: LeaseCommand, waitMs: number): Promise<readonly LeaseGrant[]> {
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      // On a follower the proposal rejects at once with NOT_LEADER.
      const at = this.node.time();
      if (this.node.query.leasable(cmd.queues, at) || !this.node.isLeader()) {
        const res = await this.node.propose(cmd);
        if (!res.ok) throw rejected(res);
        if (res.type !== 'lease') throw new Error(`lease answered by ${res.type}`);
        if (res.leases.length > 0 || this.clock.now() >= deadline) return res.leases;
      }
      const left = deadline - this.clock.now();
      if (left <= 0) return [];
      const next = this.node.query.nextLeasableTime(cmd.queues, at);
      const wait = next === null ? left : Math.min(left, Math.max(1, next - at));
      await new Promise<void>((resolve) => {
        const timer = this.clock.setTimeout(done, wait);
        const off = this.node.onWake(done);
        const clock = this.clock;
        function done(): void {
          clock.clearTimeout(timer);
          off();
          resolve();
        }
      });
    }
  }

  // ------------------------------------------------------------------ driven by the node

  /**
   * The transitions of one applied entry: a lease granted to a session here takes one of its
   * slots; a lease that ended (completed, failed, expired, released, abandoned, cancelled) frees
   * it. Slots follow the log in its order, so nothing needs to re-read the state to find them.
   */
  applied(events: readonly JobEvent[]): void {
    if (this.sessions.size === 0 || events.length === 0) return;
    let ended: Map<string, number> | null = null;
    for (const e of events) {
      if (e.type === 'leased') {
        if (e.session !== '') this.bySession.get(sessionKey(e.workerId, e.session))?.leased(e.jobId, e.token);
        continue;
      }
      const token = endedLease(e);
      if (token === 0 || !('jobId' in e)) continue;
      ended ??= new Map();
      ended.set(e.jobId, token);
    }
    if (ended === null) return;
    let freed = false;
    for (const s of this.sessions) freed = s.leasesEnded(ended) || freed;
    if (freed) this.dispatcher.soon();
  }

  /** Jobs may have become ready or slots free. */
  wake(): void {
    this.dispatcher.soon();
  }

  /** The leader is about to pack an entry: what the dispatcher proposes now joins it. */
  beforePropose(): void {
    this.dispatcher.now();
  }

  becameLeader(): void {
    this.watch.becameLeader();
  }

  /** No longer leader: every connection ends (its worker follows the new leader; its leases survive, J6). */
  lostLeadership(): void {
    this.watch.stopTimers();
    for (const s of [...this.sessions]) {
      s.end(false);
      s.events.leadershipLost();
    }
  }

  stop(): void {
    this.dispatcher.stop();
    this.watch.stopTimers();
  }
}

const sessionKey = (workerId: string, session: string): string => `${workerId}\u0000${session}`;

/** The token of the lease an event ends, or 0 when it ends none. */
function endedLease(e: JobEvent): number {
  switch (e.type) {
    case 'completed':
    case 'failed':
    case 'expired':
    case 'released':
    case 'throttled':
    case 'abandoned':
    case 'cancelled':
      return e.token;
    default:
      return 0;
  }
}
