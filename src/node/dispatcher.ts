import type { Logger } from 'pino';
import { dispatchOrder, leaseSize, type Command, type CommandResult } from '../jobs/index.js';
import type { JobQueries } from './queries.js';
import type { NodeClock } from './types.js';
import type { WorkerSession } from './worker-session.js';

/** What the dispatcher needs of the node. */
export interface DispatchHost {
  isLeader(): boolean;
  readonly query: JobQueries;
  /** Replicated time (J5), ms: on the leader, the time its next entry is stamped with. */
  time(): number;
  propose(command: Command): Promise<CommandResult>;
}

/**
 * The leader's dispatcher: it wakes when jobs may have become ready or slots free, and proposes a
 * lease for every worker session with free slots whose queues have ready jobs that flow control
 * lets go (`leasable`: not paused, limited, out of tokens or throttled), batching the leases
 * of a round into the same log entries. How many jobs each asks for, the order sessions are
 * offered leases in and the refusal back-off are policy, in src/jobs/dispatch.ts; which jobs a
 * lease gets is decided when it is applied.
 *
 * It never proposes what validation refuses (at most `maxLeaseBatch` jobs per lease); a lease the
 * state machine refuses anyway backs off for that session (100 ms doubling to 5 s, reset by the
 * next accepted one) and is logged once per streak, so a refusal can never spin the log.
 */
export class Dispatcher {
  private rotation = 0;
  private wanted = false;
  private queued = false;
  private readonly anticipated = new Set<string>();
  private retryTimer: unknown = null;
  private retryAt = Infinity;

  constructor(
    private readonly node: DispatchHost,
    private readonly sessions: ReadonlySet<WorkerSession>,
    private readonly clock: NodeClock,
    private readonly logger: Logger,
  ) {}

  /**
   * Ask for a dispatch round (with `anticipated`, see {@link dispatch}). It runs just before the
   * leader packs its next log entry, so every slot freed and every job submitted meanwhile is
   * leased by one command per worker in that entry; or on the next event-loop turn if no entry is
   * due sooner.
   */
  soon(anticipated?: readonly string[]): void {
    this.wanted = true;
    if (anticipated !== undefined) for (const q of anticipated) this.anticipated.add(q);
    if (this.queued) return;
    this.queued = true;
    setImmediate(() => {
      this.queued = false;
      this.now();
    });
  }

  /** Run the round asked for, if any (the driver calls this before it packs an entry). */
  now(): void {
    if (!this.wanted) return;
    this.wanted = false;
    const anticipated = this.anticipated.size > 0 ? [...this.anticipated] : undefined;
    this.anticipated.clear();
    this.dispatch(anticipated);
  }

  stop(): void {
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryAt = Infinity;
  }

  /**
   * Propose a lease for every session with free slots whose queues have leasable jobs. When time
   * alone holds them back (a bucket refilling, a throttle pause), wake when it lets them go
   * (`nextLeasableTime`); a lease ending or a policy change applies an entry, which wakes it. With
   * `anticipated`, also for sessions serving those queues when nothing is ready yet: a submit
   * proposed in the same round lands in the same entry just before the lease, so an idle worker
   * gets a new job after one commit instead of two.
   */
  private dispatch(anticipated?: readonly string[]): void {
    const node = this.node;
    if (!node.isLeader()) return;
    const query = node.query;
    const maxLeaseBatch = query.options.maxLeaseBatch;
    const now = this.clock.now();
    const at = node.time();
    const { order, next } = dispatchOrder([...this.sessions], this.rotation);
    this.rotation = next;
    for (const s of order) {
      if (s.closed || s.closing || s.releasing || !s.registered) continue;
      if (s.leaseRetryAt > now) {
        this.retryLater(s.leaseRetryAt);
        continue;
      }
      const max = leaseSize(s.free(), maxLeaseBatch);
      if (max === 0) continue;
      const wanted = query.leasable(s.queues, at) || (anticipated !== undefined && s.queues.some((q) => anticipated.includes(q)));
      if (!wanted) {
        // Replicated time runs at the leader's monotonic rate, as timers do (J5).
        const next = query.nextLeasableTime(s.queues, at);
        if (next !== null) this.retryLater(now + (next - at));
        continue;
      }
      s.requested += max;
      const cmd: Command = { type: 'lease', workerId: s.workerId, session: s.session, queues: [...s.queues], max, ...(s.ttlMs > 0 ? { ttlMs: s.ttlMs } : {}) };
      node.propose(cmd).then(
        (res) => {
          s.requested -= max;
          if (!res.ok) {
            if (s.leaseRefused()) {
              this.logger.warn({ workerId: s.workerId, session: s.session, code: res.code, message: res.message, max }, 'lease proposal refused; backing off for this worker session');
            }
            this.retryLater(s.leaseRetryAt);
            return;
          }
          s.leaseAccepted();
          if (res.type === 'lease' && res.leases.length > 0) {
            if (s.closed) return; // the session's grace or abandonment deals with them
            if (s.closing) {
              // Granted while the worker half-closed (it can no longer receive, so never started
              // them): give them back unstarted rather than let its goodbye abandon them.
              s.release(res.leases).catch((err: unknown) => this.logger.warn({ err, workerId: s.workerId, session: s.session }, 'could not release leases granted during a goodbye'));
              return;
            }
            s.granted(res.leases, query.now());
          }
          this.soon();
        },
        () => {
          s.requested -= max;
        },
      );
    }
  }

  /** Run a round at `at` (ms), for sessions backing off. */
  private retryLater(at: number): void {
    if (at >= this.retryAt) return;
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = this.clock.setTimeout(
      () => {
        this.retryTimer = null;
        this.retryAt = Infinity;
        this.soon();
      },
      Math.max(0, at - this.clock.now()),
    );
  }
}
