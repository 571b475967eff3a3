import type { Logger } from 'pino';
import type { DispatchHost } from './dispatcher.js';
import type { NodeClock } from './types.js';
import type { WorkerSession } from './worker-session.js';

const key = (workerId: string, session: string): string => `${workerId}\u0000${session}`;

/**
 * The leader's view of worker sessions, for abandoning the leases of those that went away. A
 * session's leases are abandoned (each counts as an attempt; see `AbandonCommand`):
 * - at once when its stream ends cleanly (the worker half-closed it after its goodbye);
 * - when its stream broke (error, cancel, keepalive timeout) and no stream of the same session
 *   said Hello within the connection grace;
 * - on a new leader, when it held leases and no stream of it said Hello within the connection
 *   grace from the start of the term (it died during the failover, or restarted under a new session).
 * Leases of no session (the unary Lease call) are never abandoned: they end by their TTL.
 */
export class SessionWatch {
  /** Registered connections by session key. */
  private readonly live = new Map<string, Set<WorkerSession>>();
  /** Grace timers of sessions whose last stream broke. */
  private readonly graceTimers = new Map<string, unknown>();
  /** Sessions that said Hello on this node since its term began. */
  private readonly seenThisTerm = new Set<string>();
  private termTimer: unknown = null;

  constructor(
    private readonly node: DispatchHost,
    private readonly graceMs: number,
    private readonly clock: NodeClock,
    private readonly logger: Logger,
  ) {}

  /** A stream's first Hello registered it under (workerId, session). */
  registered(s: WorkerSession): void {
    const k = key(s.workerId, s.session);
    this.seenThisTerm.add(k);
    const timer = this.graceTimers.get(k);
    if (timer !== undefined) {
      this.clock.clearTimeout(timer);
      this.graceTimers.delete(k);
    }
    const others = [...this.live.values()].flatMap((set) => [...set]).filter((o) => o.workerId === s.workerId && o.session !== s.session);
    if (others.length > 0) {
      this.logger.warn(
        { workerId: s.workerId, session: s.session, otherSessions: [...new Set(others.map((o) => o.session))] },
        'several live sessions share one worker id; each keeps its own leases (give each process its own worker id)',
      );
    }
    let set = this.live.get(k);
    if (set === undefined) this.live.set(k, (set = new Set()));
    set.add(s);
  }

  /** A registered stream ended: `clean` when the worker half-closed it. */
  ended(s: WorkerSession, clean: boolean): void {
    if (!s.registered) return;
    const k = key(s.workerId, s.session);
    const set = this.live.get(k);
    set?.delete(s);
    if (set !== undefined && set.size > 0) return;
    this.live.delete(k);
    if (!this.node.isLeader()) return;
    if (clean || this.graceMs === 0) {
      this.abandon(s.workerId, s.session, clean ? 'its stream ended after a goodbye' : 'its stream broke');
      return;
    }
    if (this.graceTimers.has(k)) return;
    const workerId = s.workerId;
    const session = s.session;
    this.graceTimers.set(
      k,
      this.clock.setTimeout(() => {
        this.graceTimers.delete(k);
        if (!this.live.has(k)) this.abandon(workerId, session, `its stream broke and it did not reconnect within ${this.graceMs} ms`);
      }, this.graceMs),
    );
  }

  /** This node became leader: sessions holding leases must say Hello within the grace. */
  becameLeader(): void {
    this.stopTimers();
    this.seenThisTerm.clear();
    this.termTimer = this.clock.setTimeout(() => {
      this.termTimer = null;
      this.sweep();
    }, this.graceMs);
  }

  /** This node is no longer leader, or is closing. */
  stopTimers(): void {
    for (const t of this.graceTimers.values()) this.clock.clearTimeout(t);
    this.graceTimers.clear();
    if (this.termTimer !== null) this.clock.clearTimeout(this.termTimer);
    this.termTimer = null;
  }

  /** Abandon every session holding leases that has said no Hello this term and has no live stream. */
  private sweep(): void {
    if (!this.node.isLeader()) return;
    const gone = this.node.query.leaseSessions().filter((s) => !this.seenThisTerm.has(key(s.workerId, s.session)) && !this.live.has(key(s.workerId, s.session)));
    for (const { workerId, session } of gone) this.abandon(workerId, session, `it did not connect within ${this.graceMs} ms of this leader's term`);
  }

  private abandon(workerId: string, session: string, why: string): void {
    if (!this.node.isLeader()) return;
    this.node.propose({ type: 'abandon', workerId, session }).then(
      (res) => {
        if (res.ok && res.type === 'abandon' && res.requeued.length + res.dead.length > 0) {
          this.logger.info({ workerId, session, requeued: res.requeued.length, dead: res.dead.length }, `abandoned the leases of a worker session: ${why}`);
        } else if (!res.ok) {
          this.logger.warn({ workerId, session, code: res.code, message: res.message }, 'abandon refused');
        }
      },
      (err: unknown) => this.logger.debug({ err, workerId, session }, 'abandon not committed'),
    );
  }
}
