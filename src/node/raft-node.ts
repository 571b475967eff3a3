import type { Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { Raft } from '../raft/index.js';
import type { Entry, HardState, Message, NodeId, Ready, Role, Snapshot } from '../raft/index.js';
import type { RaftStorage } from '../storage/index.js';
import type { Transport } from '../transport/index.js';
import { systemClock } from './types.js';
import type { Application, NodeClock, NodeEvents, NodeMetrics, NodeStatus } from './types.js';

/** Tuning of one node. Times in ms or ticks as named. */
export interface RaftNodeOptions<C, R> {
  readonly id: NodeId;
  readonly voters: readonly NodeId[];
  readonly storage: RaftStorage;
  readonly transport: Transport;
  readonly app: Application<C, R>;
  readonly logger: Logger;
  readonly clock?: NodeClock;
  readonly random?: () => number;
  /** Length of one Raft tick. Default 50 ms. */
  readonly tickMs?: number;
  /** Election timeout in ticks (randomized up to twice this). Default 10. */
  readonly electionTicks?: number;
  /** Heartbeat interval in ticks. Default 2. */
  readonly heartbeatTicks?: number;
  readonly maxAppendEntries?: number;
  readonly maxAppendBytes?: number;
  readonly maxInflight?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  /** Most commands packed into one log entry. Default 1000. */
  readonly maxCommandsPerEntry?: number;
  /** Take a snapshot and compact the log after this many applied entries. Default 20000. */
  readonly snapshotEntries?: number;
  /** Entries kept below a snapshot for followers that are only a little behind. Default 1000. */
  readonly snapshotTailEntries?: number;
  /**
   * Also take a snapshot once the entries applied since the last one hold this many bytes
   * (whichever threshold comes first). Default 64 MiB.
   */
  readonly snapshotBytes?: number;
  readonly events?: NodeEvents<R>;
  readonly metrics?: NodeMetrics;
}

interface Waiter<R> {
  resolve(result: R): void;
  reject(err: Error): void;
}

interface PendingEntry<R> {
  readonly term: number;
  /** performance.now() when proposed. */
  readonly at: number;
  readonly waiters: Waiter<R>[];
}

/**
 * The one imperative driver of a node. It owns the tick timer and the order of effects:
 * inputs are stepped into the Raft core; each Ready is handled as leader-sends, one synced
 * storage batch, follower-sends, apply, advance. Inputs that arrive while a batch is being
 * written wait and go into the next Ready together (group commit).
 */
export class RaftNode<C, R> {
  readonly id: NodeId;
  private readonly raft: Raft;
  private readonly o: RaftNodeOptions<C, R>;
  private readonly clock: NodeClock;
  private readonly log: Logger;

  private inbox: Message[] = [];
  private pendingTicks = 0;
  private commands: { command: C; waiter: Waiter<R> }[] = [];
  private readRequests: Waiter<void>[] = [];
  private readonly proposals = new Map<number, PendingEntry<R>>();
  private readonly reads = new Map<number, Waiter<void>>();
  private readWaits: { index: number; waiter: Waiter<void> }[] = [];
  /**
   * Index of the snapshot in storage (taken here or installed), 0 for none. Its data is not kept
   * in memory (it is as large as the whole job table): it is read back from storage on the rare
   * occasion a follower needs it.
   */
  private lastSnapshotIndex: number;
  /** Bytes of the entries applied since the last snapshot (taken or installed) or start. */
  private bytesSinceSnapshot = 0;

  private scheduled = false;
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private tickTimer: unknown = null;
  private stopped = false;
  private failed: Error | null = null;
  private role: Role = 'follower';
  private leaderId: NodeId | null = null;
  private term: number;
  /** Term and vote as last written to disk. */
  private durable: { term: number; vote: NodeId | null };
  /**
   * A hard state whose only change (the commit index) is not written yet: it goes with the next
   * write, or on its own (unsynced) at the next tick the node is idle at.
   */
  private unwrittenHard: HardState | null = null;
  /** A tick passed since the last idle check (see `unwrittenHard`). */
  private ticked = false;
  /** Last entry applied to the application (ahead of the core's count until `advance`). */
  private appliedIndex: number;
  /** When each peer's last message arrived (clock ms), for status. */
  private readonly contacts = new Map<NodeId, number>();

  private constructor(o: RaftNodeOptions<C, R>, raft: Raft, snapshotIndex: number) {
    this.o = o;
    this.id = o.id;
    this.raft = raft;
    this.clock = o.clock ?? systemClock;
    this.log = o.logger.child({ component: 'raft' });
    this.lastSnapshotIndex = snapshotIndex;
    this.term = raft.status().term;
    this.appliedIndex = raft.status().appliedIndex;
    const hard = raft.hardState();
    this.durable = { term: hard.term, vote: hard.vote };
  }

  /** Load persisted state, restore the application from its snapshot, and start ticking. */
  static async start<C, R>(o: RaftNodeOptions<C, R>): Promise<RaftNode<C, R>> {
    const stored = await o.storage.load();
    const snapshot = stored.snapshot ? await o.storage.loadSnapshot() : null;
    if (snapshot) o.app.restore(snapshot.data);
    const raft = new Raft({
      id: o.id,
      membership: { voters: [...o.voters] },
      electionTicks: o.electionTicks ?? 10,
      heartbeatTicks: o.heartbeatTicks ?? 2,
      random: o.random ?? Math.random,
      ...(o.maxAppendEntries !== undefined ? { maxAppendEntries: o.maxAppendEntries } : {}),
      ...(o.maxAppendBytes !== undefined ? { maxAppendBytes: o.maxAppendBytes } : {}),
      ...(o.maxInflight !== undefined ? { maxInflight: o.maxInflight } : {}),
      ...(o.preVote !== undefined ? { preVote: o.preVote } : {}),
      ...(o.checkQuorum !== undefined ? { checkQuorum: o.checkQuorum } : {}),
      emptyStartVoteDelayTicks: 2 * (o.electionTicks ?? 10),
      initial: {
        hardState: stored.hardState,
        snapshot: stored.snapshot,
        entries: stored.entries,
        applied: stored.snapshot?.index ?? 0,
        logStart: stored.logStart,
      },
    });
    const node = new RaftNode(o, raft, snapshot?.meta.index ?? 0);
    o.transport.onMessage((m) => node.receive(m));
    o.transport.onReport((r) => node.enqueue(() => (r.type === 'snapshot' && !r.ok ? raft.reportSnapshotFailure(r.to) : r.type === 'unreachable' ? raft.reportUnreachable(r.to) : undefined)));
    const st = raft.status();
    // firstLogIndex > 1 with snapshotIndex > 0: the state came from the snapshot, and only the
    // entries after it are replayed.
    node.log.info(
      { term: st.term, commitIndex: st.commitIndex, lastLogIndex: st.lastLogIndex, snapshotIndex: st.snapshotIndex, firstLogIndex: st.firstLogIndex, replayEntries: Math.max(0, st.commitIndex - st.snapshotIndex) },
      'raft state loaded',
    );
    await o.transport.start();
    node.scheduleTick();
    node.kick();
    return node;
  }

  // ------------------------------------------------------------------ public API

  /**
   * Replicate one command and return its result once the entry is committed and applied here.
   * Commands from concurrent calls share log entries. Rejects with NOT_LEADER (with a leader
   * hint) on a follower, and with OUTCOME_UNKNOWN when leadership is lost before the outcome is
   * known (the command may or may not commit).
   */
  propose(command: C): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const err = this.unavailable();
      if (err) return reject(err);
      if (this.role !== 'leader') return reject(this.notLeader());
      this.commands.push({ command, waiter: { resolve, reject } });
      this.kick();
    });
  }

  /** Resolve once this node's state reflects every write committed before the call (ReadIndex). */
  readBarrier(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const err = this.unavailable();
      if (err) return reject(err);
      if (this.role !== 'leader') return reject(this.notLeader());
      this.readRequests.push({ resolve, reject });
      this.kick();
    });
  }

  /** Ask the core to hand leadership to `to`. */
  transferLeadership(to: NodeId): void {
    this.enqueue(() => this.raft.transferLeadership(to));
  }

  isLeader(): boolean {
    return this.role === 'leader';
  }

  leader(): NodeId | null {
    return this.leaderId;
  }

  /**
   * This node's view. The state digest hashes the whole job state, so it is computed only when
   * asked (`digest: true`, the default) and reused while the applied index stays the same.
   */
  status(opts: { readonly digest?: boolean } = {}): NodeStatus {
    const st = this.raft.status();
    return {
      id: this.id,
      role: st.role,
      term: st.term,
      leaderId: st.leaderId,
      commitIndex: st.commitIndex,
      appliedIndex: st.appliedIndex,
      firstLogIndex: st.firstLogIndex,
      lastLogIndex: st.lastLogIndex,
      snapshotIndex: st.snapshotIndex,
      stateDigest: opts.digest === false ? '' : this.digest(st.appliedIndex),
      pid: process.pid,
      peers: st.progress.map((p) => ({ id: p.id, matchIndex: p.match, nextIndex: p.next, state: p.state })),
      contacts: [...this.contacts].map(([id, at]) => ({ id, agoMs: Math.max(0, this.clock.now() - at) })),
    };
  }

  private digestCache = { index: -1, digest: '' };

  private digest(appliedIndex: number): string {
    if (this.digestCache.index !== appliedIndex) this.digestCache = { index: appliedIndex, digest: this.o.app.digest() };
    return this.digestCache.digest;
  }

  /** Snapshot the application now and compact the log below it. */
  async snapshotNow(): Promise<number> {
    await new Promise<void>((resolve, reject) => this.enqueue(() => void this.takeSnapshot().then(resolve, reject)));
    return this.lastSnapshotIndex;
  }

  /**
   * Stop: no more ticks or inputs, fail everything pending with SHUTTING_DOWN, wait for the
   * batch being written, stop the transport. The caller closes storage afterwards. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.stopped) return this.idle;
    this.stopped = true;
    if (this.tickTimer !== null) this.clock.clearTimeout(this.tickTimer);
    const err = new RaftJobsError(ErrorCode.ShuttingDown, `node ${this.id} is shutting down`, { leaderId: null });
    this.failAll(err);
    await this.idle;
    if (!this.failed) await this.writeUnwrittenHard().catch((e: unknown) => this.log.warn({ err: e }, 'could not write the last commit index'));
    await this.o.transport.stop();
  }

  // ------------------------------------------------------------------ inputs

  private receive(m: Message): void {
    if (this.stopped) return;
    this.contacts.set(m.from, this.clock.now());
    this.inbox.push(m);
    this.kick();
  }

  private readonly deferred: (() => void)[] = [];

  private enqueue(fn: () => void): void {
    if (this.stopped) return;
    this.deferred.push(fn);
    this.kick();
  }

  private scheduleTick(): void {
    const tickMs = this.o.tickMs ?? 50;
    const loop = (): void => {
      if (this.stopped) return;
      this.pendingTicks++;
      this.kick();
      this.tickTimer = this.clock.setTimeout(loop, tickMs);
    };
    this.tickTimer = this.clock.setTimeout(loop, tickMs);
  }

  private kick(): void {
    if (this.scheduled || this.running || this.failed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.idle = this.runLoop();
    });
  }

  private async runLoop(): Promise<void> {
    if (this.running || this.failed) return;
    this.running = true;
    try {
      for (;;) {
        this.stepInputs();
        if (!this.raft.hasReady()) break;
        const rd = this.raft.ready();
        await this.handleReady(rd);
        this.raft.advance(rd);
        await this.maybeSnapshot();
      }
      if (this.ticked && this.unwrittenHard !== null) await this.writeUnwrittenHard();
      this.ticked = false;
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.running = false;
    }
    if (!this.failed && !this.stopped && (this.inbox.length > 0 || this.pendingTicks > 0 || this.commands.length > 0 || this.deferred.length > 0 || this.readRequests.length > 0)) {
      this.kick();
    }
  }

  private stepInputs(): void {
    const raft = this.raft;
    if (this.pendingTicks > 0) {
      // After a long stall only a few ticks count: catching up on missed time all at once
      // would only cause a spurious election.
      const n = Math.min(this.pendingTicks, 3);
      this.pendingTicks = 0;
      this.ticked = true;
      for (let i = 0; i < n; i++) raft.tick();
    }
    const msgs = this.inbox;
    this.inbox = [];
    for (const m of msgs) raft.step(m);
    const deferred = this.deferred.splice(0);
    for (const fn of deferred) fn();
    if (this.role === 'leader') this.o.events?.beforePropose?.();
    this.proposeCommands();
    const reads = this.readRequests;
    this.readRequests = [];
    for (const w of reads) {
      const res = raft.readIndex();
      if (res.ok) this.reads.set(res.context, w);
      else w.reject(this.notLeader());
    }
  }

  private proposeCommands(): void {
    if (this.commands.length === 0) return;
    const max = this.o.maxCommandsPerEntry ?? 1000;
    const all = this.commands;
    this.commands = [];
    for (let i = 0; i < all.length; i += max) {
      const chunk = all.slice(i, i + max);
      const data = this.o.app.encode(this.clock.now(), chunk.map((c) => c.command));
      const res = this.raft.propose(data);
      if (!res.ok) {
        const err = res.reason === 'transferring'
          ? new RaftJobsError(ErrorCode.NotLeader, `node ${this.id} is handing over leadership`, { leaderId: null })
          : this.notLeader();
        for (const c of chunk) c.waiter.reject(err);
        continue;
      }
      this.proposals.set(res.index, { term: res.term, at: performance.now(), waiters: chunk.map((c) => c.waiter) });
    }
  }

  // ------------------------------------------------------------------ ready

  private async handleReady(rd: Ready): Promise<void> {
    if (rd.sendNow.length > 0) this.o.transport.send(hasSnapshot(rd.sendNow) ? await this.withSnapshotData(rd.sendNow) : rd.sendNow);
    // Committed entries are durable on a majority (and, on a leader, here: the core counts the
    // leader's own match only after its write), so they are applied and answered while this
    // Ready's write runs instead of after it. An installed snapshot must come first, though.
    if (rd.snapshot === null) this.applyCommitted(rd.committedEntries);
    // Term and vote must be durable before the messages that depend on them, entries before they
    // are acknowledged. The commit index need not be (a restarted node learns it again from the
    // leader), so a Ready that only moves it writes nothing now: the index goes with the next write,
    // or unsynced at the next tick the node is idle at (so a killed process still recovers it).
    // Under load that saves a disk write per commit round on every node.
    const hs = rd.hardState;
    const termOrVote = hs !== null && (hs.term !== this.durable.term || hs.vote !== this.durable.vote);
    if (termOrVote || rd.entries.length > 0 || rd.snapshot) {
      const started = performance.now();
      await this.o.storage.persist(hs === null && this.unwrittenHard !== null ? { ...rd, hardState: this.unwrittenHard } : rd);
      this.unwrittenHard = null;
      this.o.metrics?.persisted?.(performance.now() - started, rd.entries.length);
      if (hs) this.durable = { term: hs.term, vote: hs.vote };
    } else if (hs) {
      this.unwrittenHard = hs;
    }
    if (rd.sendAfterPersist.length > 0) this.o.transport.send(hasSnapshot(rd.sendAfterPersist) ? await this.withSnapshotData(rd.sendAfterPersist) : rd.sendAfterPersist);
    if (rd.hardState && rd.hardState.term !== this.term) {
      this.log.info({ term: rd.hardState.term, previousTerm: this.term, vote: rd.hardState.vote }, 'term changed');
      this.term = rd.hardState.term;
    }
    if (rd.softState) this.roleChanged(rd.softState.role, rd.softState.leaderId);
    if (rd.snapshot) {
      this.installSnapshot(rd.snapshot);
      this.applyCommitted(rd.committedEntries);
    }
    for (const rs of rd.readStates) {
      const w = this.reads.get(rs.context);
      if (!w) continue;
      this.reads.delete(rs.context);
      this.readWaits.push({ index: rs.index, waiter: w });
    }
    for (const ctx of rd.droppedReads) {
      const w = this.reads.get(ctx);
      this.reads.delete(ctx);
      w?.reject(this.notLeader());
    }
    this.releaseReads();
  }

  /** Writes a pending commit-index-only hard state (unsynced: it need only survive a killed process). */
  private async writeUnwrittenHard(): Promise<void> {
    const hardState = this.unwrittenHard;
    if (hardState === null) return;
    this.unwrittenHard = null;
    await this.o.storage.persist({ hardState, entries: [], snapshot: null }, { sync: false });
  }

  /**
   * The core names the snapshot to send; its data is read from storage here (only for Readies
   * that carry one: the others are sent without waiting). If storage holds a different one (a
   * snapshot taken meanwhile is still being written), that message is dropped and reported as
   * failed, so the core sends it again later.
   */
  private async withSnapshotData(msgs: readonly Message[]): Promise<readonly Message[]> {
    const stored = await this.o.storage.loadSnapshot();
    const out: Message[] = [];
    for (const m of msgs) {
      if (m.type !== 'snapshot') out.push(m);
      else if (stored !== null && stored.meta.index === m.snapshot.meta.index && stored.meta.term === m.snapshot.meta.term) out.push({ ...m, snapshot: stored });
      else {
        this.log.warn({ to: m.to, wanted: m.snapshot.meta.index, stored: stored?.meta.index ?? null }, 'snapshot to send is not the stored one yet; will retry');
        this.enqueue(() => this.raft.reportSnapshotFailure(m.to));
      }
    }
    return out;
  }

  private roleChanged(role: Role, leaderId: NodeId | null): void {
    const prevRole = this.role;
    this.role = role;
    this.leaderId = leaderId;
    if (role !== prevRole) {
      const msg = role === 'leader' ? 'became leader' : role === 'candidate' ? 'election started' : role === 'preCandidate' ? 'pre-vote started' : 'became follower';
      this.log.info({ role, previousRole: prevRole, term: this.term, leaderId }, msg);
    } else {
      this.log.info({ role, term: this.term, leaderId }, 'leader changed');
    }
    if (prevRole === 'leader' && role !== 'leader') {
      const err = new RaftJobsError(ErrorCode.OutcomeUnknown, `node ${this.id} lost leadership before the outcome was known`, { leaderId });
      for (const p of this.proposals.values()) for (const w of p.waiters) w.reject(err);
      this.proposals.clear();
      for (const c of this.commands) c.waiter.reject(this.notLeader());
      this.commands = [];
    }
    this.o.events?.onRoleChange?.(role, leaderId, this.term);
  }

  private installSnapshot(snap: Snapshot): void {
    this.o.app.restore(snap.data);
    this.lastSnapshotIndex = snap.meta.index;
    this.appliedIndex = snap.meta.index;
    this.bytesSinceSnapshot = 0;
    this.log.info({ snapshotIndex: snap.meta.index, bytes: snap.data.length }, 'snapshot installed');
    this.o.metrics?.snapshot?.('installed', snap.data.length);
  }

  private applyCommitted(entries: readonly Entry[]): void {
    for (const e of entries) this.applyEntry(e);
    if (entries.length > 0) this.o.metrics?.applied?.(entries.length);
  }

  private applyEntry(e: Entry): void {
    this.appliedIndex = e.index;
    this.bytesSinceSnapshot += e.data.length;
    const pending = this.proposals.get(e.index);
    if (pending) this.proposals.delete(e.index);
    if (e.type !== 'normal') {
      if (pending) this.rejectOverwritten(pending);
      this.o.events?.onApplied?.(e.index, []);
      return;
    }
    const results = this.o.app.apply(e.index, e.data);
    if (pending) {
      if (pending.term !== e.term) this.rejectOverwritten(pending);
      else {
        pending.waiters.forEach((w, i) => w.resolve(results[i] as R));
        this.o.metrics?.proposalCommitted?.(performance.now() - pending.at, pending.waiters.length);
      }
    }
    this.o.events?.onApplied?.(e.index, results);
  }

  private rejectOverwritten(p: PendingEntry<R>): void {
    const err = new RaftJobsError(ErrorCode.OutcomeUnknown, 'the entry was replaced by a new leader; it did not commit', { leaderId: this.leaderId });
    for (const w of p.waiters) w.reject(err);
  }

  private releaseReads(): void {
    if (this.readWaits.length === 0) return;
    const still: typeof this.readWaits = [];
    for (const r of this.readWaits) {
      if (r.index <= this.appliedIndex) r.waiter.resolve();
      else still.push(r);
    }
    this.readWaits = still;
  }

  // ------------------------------------------------------------------ snapshots

  private async maybeSnapshot(): Promise<void> {
    const every = this.o.snapshotEntries ?? 20_000;
    const bytes = this.o.snapshotBytes ?? 64 * 1024 * 1024;
    if (this.appliedIndex - this.lastSnapshotIndex >= every || this.bytesSinceSnapshot >= bytes) await this.takeSnapshot();
  }

  private async takeSnapshot(): Promise<void> {
    const applied = this.raft.status().appliedIndex;
    if (applied <= this.lastSnapshotIndex) return;
    const data = this.o.app.snapshot();
    const keep = this.o.snapshotTailEntries ?? 1000;
    const firstIndex = Math.max(applied + 1 - keep, this.raft.status().firstLogIndex);
    const meta = this.raft.compact(applied, firstIndex);
    const snap: Snapshot = { meta, data };
    await this.o.storage.saveSnapshot(snap);
    await this.o.storage.compact(firstIndex);
    this.lastSnapshotIndex = applied;
    this.bytesSinceSnapshot = 0;
    this.log.info({ snapshotIndex: applied, bytes: data.length, firstLogIndex: firstIndex }, 'snapshot taken, log compacted');
    this.o.metrics?.snapshot?.('taken', data.length);
  }

  // ------------------------------------------------------------------ errors

  private notLeader(): RaftJobsError {
    return new RaftJobsError(ErrorCode.NotLeader, `node ${this.id} is not the leader`, { leaderId: this.leaderId });
  }

  private unavailable(): RaftJobsError | null {
    if (this.failed) return new RaftJobsError(ErrorCode.DataLoss, `node ${this.id} stopped after a storage failure`, {}, { cause: this.failed });
    if (this.stopped) return new RaftJobsError(ErrorCode.ShuttingDown, `node ${this.id} is shutting down`, { leaderId: null });
    return null;
  }

  private failAll(err: Error): void {
    for (const c of this.commands) c.waiter.reject(err);
    this.commands = [];
    for (const p of this.proposals.values()) for (const w of p.waiters) w.reject(err);
    this.proposals.clear();
    for (const w of this.readRequests) w.reject(err);
    this.readRequests = [];
    for (const w of this.reads.values()) w.reject(err);
    this.reads.clear();
    for (const r of this.readWaits) r.waiter.reject(err);
    this.readWaits = [];
  }

  private fail(err: Error): void {
    this.failed = err;
    this.stopped = true;
    if (this.tickTimer !== null) this.clock.clearTimeout(this.tickTimer);
    this.log.fatal({ err, code: ErrorCode.DataLoss }, 'node stopped: a write or an invariant failed; nothing more is acknowledged');
    this.failAll(new RaftJobsError(ErrorCode.DataLoss, `node ${this.id} stopped: ${err.message}`, {}, { cause: err }));
    this.o.events?.onFatal?.(err);
  }
}

function hasSnapshot(msgs: readonly Message[]): boolean {
  return msgs.some((m) => m.type === 'snapshot');
}
