import type { Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { LIMITS } from '../limits/index.js';
import { nextDueTime, snapshotSummary } from '../jobs/index.js';
import type { Backlog, Command, CommandResult, JobsOptions } from '../jobs/index.js';
import type { ClusterMembership, MembershipChange, NodeId, Role } from '../raft/index.js';
import { reportFlow, reportHolds } from './job-flow.js';
import { JobsApp } from './jobs-app.js';
import { StateQueries, type JobQueries } from './queries.js';
import { ResourceGuards, type GuardStatus, type ResourceGuardOptions } from './resource-guards.js';
import { ResultWaiters } from './result-waiters.js';
import { ScheduleRunner } from './schedule-runner.js';
import { TermStart } from './term-start.js';
import { WatchLog } from './watch-log.js';
import { Workers } from './workers.js';
import { RaftNode, type RaftNodeOptions } from './raft-node.js';
import { systemClock, type JobFlowSink, type NodeClock, type NodeMetrics, type NodeStatus, type StateBackup } from './types.js';

export interface JobNodeOptions extends Omit<RaftNodeOptions<Command, CommandResult>, 'app' | 'events'> {
  /**
   * Largest log entry, bytes (`limits.maxEntryBytes`): the driver packs waiting commands into
   * entries of at most this many bytes of encoded data. Passed on to `RaftNode` with the other
   * options; the server never proposes a command that alone would exceed it.
   */
  readonly maxEntryBytes?: number;
  readonly jobs?: Partial<JobsOptions>;
  /** Grace a new leader gives inherited leases (J6), ms. At least one election timeout. */
  readonly leaseGraceMs: number;
  /** Called when the node stops on an unrecoverable error. */
  readonly onFatal?: (err: Error) => void;
  /** Receives the job transitions of every applied entry (for metrics). */
  readonly jobFlow?: JobFlowSink;
  /**
   * How long a worker session whose stream broke may take to say Hello again before the leader
   * abandons its leases, ms (`server.workerConnectionGraceMs`); also how long a new leader waits
   * for the sessions holding leases to say Hello.
   */
  readonly workerConnectionGraceMs: number;
  /**
   * Backlog caps and the free-disk floor (`limits.maxBacklogJobs`, `maxBacklogPayloadBytes`,
   * `minFreeDiskBytes`), checked by {@link JobNode.propose} for new jobs. Absent: none.
   */
  readonly guards?: ResourceGuardOptions;
  /** What the node keeps for `Jobs.Watch` (`watch.retainEvents`, `watch.retainBytes`). Absent: the defaults. */
  readonly watch?: { readonly retainEvents: number; readonly retainBytes: number };
}

/** Fires when jobs may have become ready or leases changed, so worker streams can be served. */
export type WakeListener = () => void;

/**
 * A raftjobs node: the Raft driver with the job state machine, plus the leader's duties: it
 * proposes `leaderChange` first thing in its term (J6), again until it is committed (`TermStart`),
 * and once it is, a `tick` whenever something is due (J5) and the schedules; and it runs the
 * worker sessions (`workers`): the dispatcher, woken when jobs may have become
 * ready and run just before the leader packs an entry, and the watch that abandons the leases of
 * sessions that went away. An idle cluster writes nothing. The layers above read through `query`
 * and never see the mutable state.
 */
export class JobNode {
  /** Read-only queries of this node's applied state (no read barrier: see {@link read}). */
  readonly query: JobQueries;
  /** Worker connections, dispatch and the sessionless worker calls (they serve on the leader). */
  readonly workers: Workers;
  /** The newest job events this node applied, and the watches it serves from them (any role). */
  readonly watchLog: WatchLog;
  private readonly raft: RaftNode<Command, CommandResult>;
  private readonly app: JobsApp;
  private readonly clock: NodeClock;
  private readonly log: Logger;
  private readonly wakeListeners = new Set<WakeListener>();
  private readonly results: ResultWaiters;
  private readonly schedules: ScheduleRunner;
  private readonly termStart: TermStart;
  private readonly roleListeners = new Set<(role: Role, leaderId: NodeId | null) => void>();
  private readonly membershipListeners = new Set<(membership: ClusterMembership) => void>();
  private readonly guard: ResourceGuards;
  private readonly metrics: NodeMetrics | undefined;
  private dueTimer: unknown = null;
  private dueAt = Infinity;
  private tickInFlight = false;
  private stopped = false;

  private constructor(app: JobsApp, raft: RaftNode<Command, CommandResult>, watchLog: WatchLog, o: JobNodeOptions) {
    this.app = app;
    this.watchLog = watchLog;
    this.raft = raft;
    this.clock = o.clock ?? systemClock;
    this.log = o.logger.child({ component: 'jobs' });
    this.query = new StateQueries(() => app.state);
    this.results = new ResultWaiters(this.clock);
    this.metrics = o.metrics;
    this.guard = new ResourceGuards(
      o.guards ?? { maxBacklogJobs: 0, maxBacklogPayloadBytes: 0, minFreeDiskBytes: 0, dataDir: null, diskCheckIntervalMs: 1000 },
      this.query,
      o.id,
      this.clock,
      o.logger.child({ component: 'guards' }),
    );
    this.schedules = new ScheduleRunner(
      { isLeader: () => raft.isLeader(), query: this.query, time: () => raft.time(), propose: (cmd) => raft.propose(cmd), refusal: () => this.guard.refusal() },
      this.clock,
      this.log,
    );
    this.termStart = new TermStart(
      { isLeader: () => raft.isLeader(), currentTerm: () => raft.currentTerm(), propose: (cmd) => this.propose(cmd) },
      o.leaseGraceMs,
      () => {
        this.scheduleDue();
        // Schedules start from the committed state, once this term's first job command is in it.
        this.schedules.start();
      },
      this.clock,
      this.log,
    );
    this.workers = new Workers(
      { isLeader: () => raft.isLeader(), query: this.query, time: () => raft.time(), propose: (cmd) => raft.propose(cmd), onWake: (l) => this.onWake(l) },
      o.workerConnectionGraceMs,
      this.clock,
      o.logger,
      o.metrics,
    );
  }

  static async start(o: JobNodeOptions): Promise<JobNode> {
    const flow = o.jobFlow;
    const log = o.logger;
    let self: JobNode | null = null;
    const clock = o.clock ?? systemClock;
    // Made before Raft starts, so it sees the snapshot the state starts from and every entry after.
    const watchLog = new WatchLog({
      retainEvents: o.watch?.retainEvents ?? LIMITS.watchRetainEvents.default,
      retainBytes: o.watch?.retainBytes ?? LIMITS.watchRetainBytes.default,
      nodeId: o.id,
      monotonic: () => clock.monotonic(),
    });
    const app = new JobsApp(o.jobs ?? {}, (index, events, time) => {
      watchLog.applied(index, events, time);
      self?.results.applied(events);
      self?.workers.applied(events);
      if (flow === undefined) return;
      try {
        reportFlow(events, flow);
      } catch (err) {
        // Metrics must never stop a replica from applying the log.
        log.warn({ err }, 'job-flow metrics failed');
      }
    }, (index) => watchLog.restored(index));
    const raft = await RaftNode.start<Command, CommandResult>({
      ...o,
      app,
      events: {
        onRoleChange: (role, leaderId, term) => self?.roleChanged(role, leaderId, term),
        onApplied: (_index, results) => {
          if (flow !== undefined) {
            try {
              reportHolds(results, flow);
            } catch (err) {
              log.warn({ err }, 'lease-hold metrics failed');
            }
          }
          self?.applied(results);
        },
        onFatal: (err) => o.onFatal?.(err),
        beforePropose: () => self?.beforePropose(),
        onMembershipChange: (m) => {
          if (self !== null) for (const l of self.membershipListeners) l(m);
        },
      },
    });
    self = new JobNode(app, raft, watchLog, o);
    await self.guard.start();
    if (raft.isLeader()) self.roleChanged('leader', raft.leader(), raft.currentTerm());
    return self;
  }

  /**
   * Replicate one job command; resolves with its result once applied here. A command that creates
   * jobs (`submit`, `scheduleTrigger`) first passes the resource guards: past a backlog cap or
   * below the disk floor it is rejected with LIMIT_EXCEEDED (`details.limit` names the guard) and
   * never proposed. Duplicates of live idempotency keys add nothing, so a submit of only those
   * always passes. Every other command (leases, outcomes, cancels, RetryDead) is never refused.
   */
  propose(command: Command): Promise<CommandResult> {
    if (!this.raft.isLeader() || (command.type !== 'submit' && command.type !== 'scheduleTrigger')) return this.raft.propose(command);
    // With both backlog caps off and the disk above its floor, every submit is admitted: nothing to
    // count per job (the state machine looks a submit's idempotency keys up once) or to release.
    if (!this.guard.mustCount()) return this.raft.propose(command);
    const incoming = this.newJobs(command);
    if (incoming === null) return this.raft.propose(command);
    const admitted = this.guard.admit(incoming);
    if (typeof admitted !== 'function') {
      this.metrics?.submitRefused?.(admitted.limit);
      return Promise.reject(new RaftJobsError(ErrorCode.LimitExceeded, admitted.message, { limit: admitted.limit }));
    }
    const proposed = this.raft.propose(command);
    // Counted until applied (or failed): concurrent submits see each other before they commit.
    void proposed.then(admitted, admitted);
    return proposed;
  }

  /** What a command that creates jobs adds to the backlog, or null for any other command. */
  private newJobs(command: Command): Backlog | null {
    if (command.type === 'submit') return this.query.backlogOf(command.jobs);
    if (command.type === 'scheduleTrigger') {
      const s = this.query.getSchedule(command.id);
      return s === null ? null : { jobs: 1, payloadBytes: s.template.payload.length };
    }
    return null;
  }

  /** The resource guards' view: backlog and caps, the last disk check, and why submits would be refused. */
  guards(): GuardStatus {
    return this.guard.status();
  }

  /**
   * Run a query against the job state: linearizable by default (ReadIndex through this node,
   * which must lead), or this node's possibly stale state with `stale`.
   */
  async read<T>(query: (q: JobQueries) => T, stale = false): Promise<T> {
    // A stale read still waits for the state the node restarted from, not the empty one before it.
    if (stale) await this.raft.whenRestored();
    else await this.raft.readBarrier();
    return query(this.query);
  }

  isLeader(): boolean {
    return this.raft.isLeader();
  }

  /**
   * Replicated time (J5), ms since the epoch: on the leader, the time its next entry is stamped
   * with; elsewhere, the latest replicated time this node knows. See {@link RaftNode.time}.
   */
  time(): number {
    return this.raft.time();
  }

  leader(): NodeId | null {
    return this.raft.leader();
  }

  /** See {@link RaftNode.status}: pass `{ digest: false }` where the state digest is not shown. */
  status(opts: { readonly digest?: boolean } = {}): NodeStatus {
    return this.raft.status(opts);
  }

  /** See {@link RaftNode.statusWithDigest}. */
  statusWithDigest(): Promise<NodeStatus> {
    return this.raft.statusWithDigest();
  }

  /** Snapshot the job state now and compact the log below it; returns the snapshot index. */
  snapshotNow(): Promise<number> {
    return this.raft.snapshotNow();
  }

  /**
   * A consistent copy of the job state for a backup, on the leader: it holds every write committed
   * before the call (see {@link RaftNode.backupSnapshot}). NOT_LEADER on a follower.
   */
  async backup(): Promise<StateBackup> {
    const snap = await this.raft.backupSnapshot();
    const summary = snapshotSummary(snap.data);
    // The node wrote these bytes itself: not decoding is a bug, not input.
    if (!summary.ok) throw new Error(`the stored snapshot at ${snap.meta.index} does not decode: ${summary.error}`);
    const { jobs, schedules } = summary.value;
    return { index: snap.meta.index, term: snap.meta.term, data: snap.data, takenAt: this.clock.now(), jobs, schedules };
  }

  /** See {@link RaftNode.membership}. */
  membership(): ClusterMembership {
    return this.raft.membership();
  }

  /** See {@link RaftNode.changeMembership}. */
  changeMembership(change: MembershipChange): Promise<ClusterMembership> {
    return this.raft.changeMembership(change);
  }

  /** Calls `listener` whenever the membership in force changes; returns the unsubscribe function. */
  onMembershipChange(listener: (membership: ClusterMembership) => void): () => void {
    this.membershipListeners.add(listener);
    return () => this.membershipListeners.delete(listener);
  }

  /** Ask the core to hand leadership to `to` (a caught-up follower); see {@link RaftNode.transferLeadership}. */
  transferLeadership(to: NodeId): void {
    this.raft.transferLeadership(to);
  }

  /**
   * Resolves when job `id` may have finished (it succeeded, went dead, was cancelled or purged),
   * when this node stops leading, after `ms`, or when `signal` aborts; the caller reads the job
   * again to see which.
   */
  waitForResult(id: string, ms: number, signal?: AbortSignal): Promise<void> {
    return this.results.wait(id, ms, signal);
  }

  /**
   * A leader about to stop hands leadership to its most caught-up follower, so clients see no
   * election gap; resolves once it no longer leads or after `timeoutMs`. The follower it chose,
   * or null when it was not leading or has no peers.
   */
  async handOver(timeoutMs: number): Promise<NodeId | null> {
    if (!this.isLeader()) return null;
    const voters = this.membership().voters;
    const best = this.status({ digest: false }).peers.filter((p) => voters.includes(p.id) && !p.refused).sort((a, b) => b.matchIndex - a.matchIndex)[0];
    if (!best) return null;
    await new Promise<void>((resolve) => {
      const timer = this.clock.setTimeout(done, timeoutMs);
      const off = this.onRoleChange((role) => {
        if (role !== 'leader') done();
      });
      const clock = this.clock;
      function done(): void {
        clock.clearTimeout(timer);
        off();
        resolve();
      }
      this.raft.transferLeadership(best.id);
    });
    return best.id;
  }

  onWake(listener: WakeListener): () => void {
    this.wakeListeners.add(listener);
    return () => this.wakeListeners.delete(listener);
  }

  onRoleChange(listener: (role: Role, leaderId: NodeId | null) => void): () => void {
    this.roleListeners.add(listener);
    return () => this.roleListeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.guard.stop();
    this.termStart.stop();
    this.clearDue();
    this.schedules.stop();
    this.workers.stop();
    this.results.wakeAll();
    this.watchLog.close(new RaftJobsError(ErrorCode.ShuttingDown, 'the node is shutting down; watch again on another node'));
    await this.raft.stop();
  }

  // ------------------------------------------------------------------ leader duties

  private roleChanged(role: Role, leaderId: NodeId | null, term: number): void {
    if (role === 'leader') {
      // J6: the first job command of the term gives every inherited lease a grace period, so
      // workers that keep heartbeating through the failover keep their jobs.
      this.termStart.becameLeader(term);
      this.workers.becameLeader();
    } else {
      this.termStart.lostLeadership();
      this.clearDue();
      this.schedules.stop();
      this.workers.lostLeadership();
      this.results.wakeAll();
    }
    for (const l of this.roleListeners) l(role, leaderId);
    this.wake();
  }

  private applied(results: readonly CommandResult[]): void {
    if (!this.raft.isLeader()) return;
    this.scheduleDue();
    this.schedules.applied(results);
    if (results.length > 0) this.wake();
  }

  /**
   * On the leader, just before the commands waiting to be replicated are packed into the next log
   * entry: the dispatcher leases here, so what it proposes joins that entry and the leases freed
   * by a whole round of completions go out as one command per worker.
   */
  private beforePropose(): void {
    this.workers.beforePropose();
  }

  private wake(): void {
    this.workers.wake();
    for (const l of this.wakeListeners) l();
  }

  /**
   * Arm one timer for the earliest due time; propose a tick when it comes. Not before this term's
   * `leaderChange` is committed: a tick applied ahead of it would expire inherited leases with no
   * grace (J6).
   */
  private scheduleDue(): void {
    if (this.stopped || !this.raft.isLeader() || !this.termStart.committed || this.tickInFlight) return;
    const due = nextDueTime(this.app.state);
    if (due === null) {
      this.clearDue();
      return;
    }
    if (due >= this.dueAt && this.dueTimer !== null) return;
    this.clearDue();
    this.dueAt = due;
    // Due times are replicated time, which on the leader follows its monotonic clock (J5), as timers do.
    const delay = Math.max(0, due - this.raft.time());
    this.dueTimer = this.clock.setTimeout(() => this.fireDue(), Math.min(delay, 2_147_000_000));
  }

  private fireDue(): void {
    this.dueTimer = null;
    this.dueAt = Infinity;
    if (this.stopped || !this.raft.isLeader()) return;
    const due = nextDueTime(this.app.state);
    if (due === null) return;
    if (due > this.raft.time()) {
      this.scheduleDue();
      return;
    }
    this.tickInFlight = true;
    this.propose({ type: 'tick' })
      .catch((err: unknown) => {
        if (!(err instanceof RaftJobsError && (err.code === ErrorCode.NotLeader || err.code === ErrorCode.ShuttingDown || err.code === ErrorCode.OutcomeUnknown))) {
          this.log.warn({ err }, 'tick proposal failed');
        }
      })
      .finally(() => {
        this.tickInFlight = false;
        this.scheduleDue();
      });
  }

  private clearDue(): void {
    if (this.dueTimer !== null) this.clock.clearTimeout(this.dueTimer);
    this.dueTimer = null;
    this.dueAt = Infinity;
  }
}
