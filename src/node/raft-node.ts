import type { Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { LIMITS } from '../limits/index.js';
import { decodeMembership, Raft } from '../raft/index.js';
import type { ChangeResult, ClusterMembership, Entry, HardState, MembershipChange, Message, NodeId, Ready, Role, Snapshot } from '../raft/index.js';
import type { RaftStorage } from '../storage/index.js';
import type { PeerReport, Transport } from '../transport/index.js';
import { systemClock } from './types.js';
import type { Application, NodeClock, NodeEvents, NodeMetrics, NodeStatus, RestoreStep, StepCursor } from './types.js';

/** Tuning of one node. Times in ms or ticks as named. */
export interface RaftNodeOptions<C, R> {
  readonly id: NodeId;
  /**
   * The voters a new cluster starts with (the config file's nodes), used only while the log and
   * snapshot hold no membership; empty for a node joining a running cluster, which learns the
   * membership from the leader.
   */
  readonly voters: readonly NodeId[];
  /** Peer addresses of the bootstrap voters, recorded in the membership so that nodes added later can reach them. */
  readonly addresses?: Readonly<Record<NodeId, string>>;
  /**
   * On the leader, promote a learner to voter once it has caught up: its match index reached the
   * leader's commit index as it was one check (a heartbeat interval) earlier. Default true; false
   * leaves promotion to the operator.
   */
  readonly autoPromote?: boolean;
  readonly storage: RaftStorage;
  readonly transport: Transport;
  readonly app: Application<C, R>;
  readonly logger: Logger;
  readonly clock?: NodeClock;
  readonly random?: () => number;
  /** Length of one Raft tick, ms. Default `LIMITS.tickMs` (50). */
  readonly tickMs?: number;
  /** Election timeout in ticks (randomized up to twice this). Default `LIMITS.electionTicks` (10). */
  readonly electionTicks?: number;
  /** Heartbeat interval in ticks. Default `LIMITS.heartbeatTicks` (2). */
  readonly heartbeatTicks?: number;
  /** The Raft core's tuning (`RaftOptions`); each defaults to its entry in `LIMITS`. */
  readonly maxAppendEntries?: number;
  readonly maxAppendBytes?: number;
  readonly maxInflight?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  /** Most commands packed into one log entry. Default `LIMITS.maxCommandsPerEntry` (1000). */
  readonly maxCommandsPerEntry?: number;
  /**
   * Most bytes of one log entry's data (`limits.maxEntryBytes`). Commands proposed together are
   * split over as many entries as it takes. A command that alone encodes larger goes in an entry of
   * its own: the config's limits make sure every command the node accepts fits one peer message
   * (src/config/limits.ts). Default: `maxAppendBytes` (`LIMITS.maxAppendBytes`, 2 MiB), as
   * `limits.maxEntryBytes` is in the config, so an entry always fits in one append.
   */
  readonly maxEntryBytes?: number;
  /**
   * Most work in one entry, in the application's units (`Application.cost`): commands proposed
   * together are split over entries of at most this cost, so applying one entry never holds a
   * replica's event loop for long (a command over it goes alone). Default `DEFAULT_MAX_ENTRY_COST`.
   */
  readonly maxEntryCost?: number;
  /**
   * Take a snapshot and compact the log after about this many applied entries. Each node draws its
   * own threshold between 0.75 and 1.25 times this after every snapshot, so the nodes of a cluster
   * do not all snapshot at the same moment. Default `LIMITS.snapshotEntries` (20000).
   */
  readonly snapshotEntries?: number;
  /** Entries kept below a snapshot for followers that are only a little behind. Default `LIMITS.snapshotTailEntries` (1000). */
  readonly snapshotTailEntries?: number;
  /**
   * Also take a snapshot once the entries applied since the last one hold this many bytes
   * (whichever threshold comes first). Default `LIMITS.snapshotBytes` (64 MiB).
   */
  readonly snapshotBytes?: number;
  /**
   * A leader tells its followers that the commit index moved this long after it did, ms, unless
   * an append carrying entries or a heartbeat told them first (`RaftOptions.commitNotice`
   * `deferred`); 0 tells them at once, with an empty append when nothing else is due. When
   * entries commit one round at a time (few commands in flight), each round's append carries the
   * previous round's commit, which saves an append and its reply per follower and round. Followers
   * apply up to this much later when the cluster goes idle. Default `DEFAULT_COMMIT_NOTICE_MS`.
   */
  readonly commitNoticeMs?: number;
  readonly events?: NodeEvents<R>;
  readonly metrics?: NodeMetrics;
  /**
   * Runs the node's loop soon after the current turn. Default `setImmediate`; a simulation passes
   * its own so that the loop runs in virtual time, interleaved with other nodes as its seed decides.
   */
  readonly schedule?: (task: () => void) => void;
}

/**
 * A snapshot or digest runs in slices of about this long, ms, with the event loop free between
 * them (ticks, heartbeats, votes, applying entries): well below a heartbeat interval.
 */
const CURSOR_SLICE_MS = 5;
/** Jobs per `StepCursor.step` call, and bytes after which one call stops early. */
const CURSOR_STEP_ITEMS = 1000;
const CURSOR_STEP_BYTES = 1024 * 1024;

/** Default of `RaftNodeOptions.commitNoticeMs`: about a client's round trip, well below a heartbeat interval. */
export const DEFAULT_COMMIT_NOTICE_MS = 2;

/**
 * Default of `RaftNodeOptions.maxEntryCost`: 4,000 jobs, which a replica applies in a few tens of
 * ms; four full submit batches of the default `limits.maxBatchSize` (1,000).
 */
export const DEFAULT_MAX_ENTRY_COST = 4000;

/**
 * Committed entries are applied for at most about this long, ms (on the node's clock), before the
 * rest wait for the next turn of the event loop: a long log replay at start, or a backlog of large
 * entries, then does not hold heartbeats and votes up.
 */
const APPLY_SLICE_MS = 10;

/** Default of `RaftNodeOptions.maxEntryBytes` when `maxAppendBytes` is not set either. */
export const DEFAULT_MAX_ENTRY_BYTES = LIMITS.maxAppendBytes.default;

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
 * The one imperative driver of a node. It owns the tick timer and the order of effects: inputs
 * are stepped into the Raft core; each Ready's early messages are sent and its committed entries
 * applied at once, and its write is queued behind the writes before it; when a write finishes, the
 * messages that vouch for it are sent and the core is told (`Raft.persisted`).
 *
 * The core keeps running while writes are in flight: ticks, heartbeats, heartbeat replies, votes
 * and acknowledgements from followers are handled at once, so a slow disk never silences a leader
 * (thesis §10.2.1). What would only make more to write waits for the write in flight and then goes
 * into the next one together (group commit): new proposals on a leader, appends and snapshots on a
 * follower.
 */
export class RaftNode<C, R> {
  readonly id: NodeId;
  private readonly raft: Raft;
  private readonly o: RaftNodeOptions<C, R>;
  private readonly clock: NodeClock;
  private readonly log: Logger;
  private readonly random: () => number;
  private readonly schedule: (task: () => void) => void;

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
  /** Applied entries after the last snapshot at which the next one is due (see `snapshotEntries`). */
  private snapshotDue: number;
  /** The snapshot being taken and written, if any. */
  private snapshotting: Promise<void> | null = null;
  /**
   * The stored snapshot being restored in steps since start (`Application.beginRestore`), and its
   * index; null once restored (or replaced by one installed from the leader). Until then the
   * application holds its initial state (`appliedIndex` 0) and committed entries wait in `held`.
   */
  private restoring: { readonly cursor: RestoreStep; readonly index: number; readonly started: number } | null = null;
  /** Settles when `restoring` ends: restored, replaced, or the node stopped (rejected then). */
  private restored: Promise<void> = Promise.resolve();
  private settleRestored: (err: Error | null) => void = () => undefined;
  /**
   * Committed entries the core handed out and not applied yet, in log order, from `heldHead` on:
   * applied in slices of `APPLY_SLICE_MS`, after the restore.
   */
  private held: Entry[] = [];
  private heldHead = 0;
  /** A turn is scheduled to go on applying `held`. */
  private applyScheduled = false;

  private scheduled = false;
  private running = false;
  private tickTimer: unknown = null;
  /** Timer of a deferred commit notice (`commitNoticeMs`), or null. */
  private commitNoticeTimer: unknown = null;
  private stopped = false;
  private stopping: Promise<void> | null = null;
  private failed: Error | null = null;
  private role: Role = 'follower';
  private leaderId: NodeId | null = null;
  private term: number;
  /** Term and vote as of the last write queued (what the disk holds once the queue drains). */
  private queued: { term: number; vote: NodeId | null };
  /** Writes queued and not finished (the unsynced commit-index writes not counted). */
  private writing = 0;
  /** The last queued write, or the step after it: every write and its follow-up run in this order. */
  private tail: Promise<void> = Promise.resolve();
  /** Work that outlives a loop (snapshot reads for followers): `stop` waits for it. */
  private readonly background = new Set<Promise<unknown>>();
  /**
   * A hard state whose only change (the commit index) is not written yet: it goes with the next
   * write, or on its own (unsynced) at the next tick the node is idle at.
   */
  private unwrittenHard: HardState | null = null;
  /** A tick passed since the last idle check (see `unwrittenHard`). */
  private ticked = false;
  /** Last entry applied to the application. */
  private appliedIndex: number;
  /** The membership in force (the core's), as last seen; `onMembershipChange` fires when it changes. */
  private membershipSeen: ClusterMembership;
  /** Membership changes proposed here, by log index, waiting to be applied. */
  private readonly changes = new Map<number, { readonly term: number; readonly waiter: Waiter<ClusterMembership> }>();
  private changeRequests: { change: MembershipChange; waiter: Waiter<ClusterMembership> }[] = [];
  /** Auto-promotion: the commit index at the last check, which a learner must reach to count as caught up. */
  private promoteMark = 0;
  private ticksSincePromoteCheck = 0;
  /** When each peer's last message arrived (clock ms), for status. */
  private readonly contacts = new Map<NodeId, number>();
  /**
   * The latest replicated time this node knows (J5), ms since the epoch: the largest stamp of the
   * entries it appended (those loaded from storage included) and the time of its applied state.
   */
  private knownTime: number;
  /**
   * While leader: the replicated time its term started from and the monotonic reading then (see
   * `time()`). Null on other roles.
   */
  private anchor: { readonly term: number; readonly time: number; readonly monotonic: number } | null = null;

  private constructor(o: RaftNodeOptions<C, R>, raft: Raft, snapshotIndex: number) {
    this.o = o;
    this.id = o.id;
    this.raft = raft;
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? Math.random;
    this.schedule = o.schedule ?? ((task) => void setImmediate(task));
    this.log = o.logger.child({ component: 'raft' });
    this.lastSnapshotIndex = snapshotIndex;
    this.term = raft.status().term;
    this.appliedIndex = raft.status().appliedIndex;
    this.membershipSeen = raft.status().membership;
    const hard = raft.hardState();
    this.queued = { term: hard.term, vote: hard.vote };
    this.snapshotDue = this.drawSnapshotDue();
    this.knownTime = 0;
    this.noteTime(o.app.time());
  }

  /** Load persisted state, restore the application from its snapshot, and start ticking. */
  static async start<C, R>(o: RaftNodeOptions<C, R>): Promise<RaftNode<C, R>> {
    const stored = await o.storage.load();
    const snapshot = stored.snapshot ? await o.storage.loadSnapshot() : null;
    // A large state is rebuilt in steps once the node runs (`restoreSteps`), so it serves at once.
    const restore = snapshot !== null && o.app.beginRestore !== undefined ? o.app.beginRestore(snapshot.data) : null;
    if (snapshot && restore === null) o.app.restore(snapshot.data);
    const raft = new Raft({
      id: o.id,
      membership: { voters: [...o.voters], ...(o.addresses ? { addresses: Object.fromEntries(o.voters.flatMap((id) => (o.addresses?.[id] === undefined ? [] : [[id, o.addresses[id]]]))) } : {}) },
      electionTicks: o.electionTicks ?? LIMITS.electionTicks.default,
      heartbeatTicks: o.heartbeatTicks ?? LIMITS.heartbeatTicks.default,
      random: o.random ?? Math.random,
      incarnation: o.storage.incarnation,
      ...(o.maxAppendEntries !== undefined ? { maxAppendEntries: o.maxAppendEntries } : {}),
      ...(o.maxAppendBytes !== undefined ? { maxAppendBytes: o.maxAppendBytes } : {}),
      ...(o.maxInflight !== undefined ? { maxInflight: o.maxInflight } : {}),
      ...(o.preVote !== undefined ? { preVote: o.preVote } : {}),
      ...(o.checkQuorum !== undefined ? { checkQuorum: o.checkQuorum } : {}),
      emptyStartVoteDelayTicks: 2 * (o.electionTicks ?? LIMITS.electionTicks.default),
      commitNotice: (o.commitNoticeMs ?? DEFAULT_COMMIT_NOTICE_MS) > 0 ? 'deferred' : 'immediate',
      initial: {
        hardState: stored.hardState,
        snapshot: stored.snapshot,
        entries: stored.entries,
        applied: stored.snapshot?.index ?? 0,
        logStart: stored.logStart,
      },
    });
    const node = new RaftNode(o, raft, snapshot?.meta.index ?? 0);
    if (restore !== null && snapshot !== null) node.beginRestoring(restore, snapshot.meta.index);
    node.noteEntries(stored.entries);
    o.transport.onMessage((m) => node.receive(m));
    o.transport.onReport((r) => node.enqueue(() => node.peerReport(r)));
    const st = raft.status();
    // firstLogIndex > 1 with snapshotIndex > 0: the state came from the snapshot, and only the
    // entries after it are replayed.
    node.log.info(
      { term: st.term, commitIndex: st.commitIndex, lastLogIndex: st.lastLogIndex, snapshotIndex: st.snapshotIndex, firstLogIndex: st.firstLogIndex, replayEntries: Math.max(0, st.commitIndex - st.snapshotIndex), incarnation: o.storage.incarnation },
      'raft state loaded',
    );
    await o.transport.start();
    node.scheduleTick();
    node.kick();
    if (node.restoring !== null) {
      const r = node.restoring;
      node.schedule(() => node.restoreSteps(r));
    }
    return node;
  }

  private beginRestoring(cursor: RestoreStep, index: number): void {
    this.restoring = { cursor, index, started: performance.now() };
    // Until the state is rebuilt this node would lead an empty state machine (admission, dispatch,
    // reads): it votes and follows, and campaigns only once restored.
    this.raft.holdCampaigns(true);
    this.appliedIndex = 0;
    this.noteTime(cursor.time);
    this.restored = new Promise<void>((resolve, reject) => {
      this.settleRestored = (err) => (err === null ? resolve() : reject(err));
    });
    this.restored.catch(() => undefined);
  }

  /** One slice of the restore begun at start; schedules the next, or applies what waited for it. */
  private restoreSteps(r: NonNullable<typeof this.restoring>): void {
    if (this.restoring !== r || this.stopped) return;
    try {
      const until = performance.now() + CURSOR_SLICE_MS;
      let done = false;
      do done = r.cursor.step(CURSOR_STEP_ITEMS, CURSOR_STEP_BYTES);
      while (!done && performance.now() < until);
      if (!done) {
        this.schedule(() => this.restoreSteps(r));
        return;
      }
      r.cursor.finish();
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.endRestoring(null);
    this.appliedIndex = r.index;
    this.noteTime(this.o.app.time());
    this.log.info({ snapshotIndex: r.index, ms: Math.round(performance.now() - r.started), held: this.held.length - this.heldHead }, 'snapshot restored');
    this.applyHeldNow();
  }

  private endRestoring(err: Error | null): void {
    if (this.restoring === null) return;
    this.restoring = null;
    this.raft.holdCampaigns(false);
    this.settleRestored(err);
  }

  /**
   * Resolves once the application holds this node's state: at once, except while the snapshot it
   * started from is still being restored (a large one takes seconds). Rejects if the node stops first.
   */
  whenRestored(): Promise<void> {
    return this.restored;
  }

  // ------------------------------------------------------------------ public API

  /**
   * Replicate one command and return its result once the entry is committed and applied here.
   * Commands from concurrent calls share log entries. Rejects with NOT_LEADER (with a leader
   * hint) on a follower, and with OUTCOME_UNKNOWN when leadership is lost before the outcome is
   * known (the command may or may not commit). While the leader hands leadership over
   * (`transferLeadership`), a command waits, at most an election timeout: it is proposed if the
   * transfer is abandoned, and rejected with NOT_LEADER if the transfer succeeds.
   */
  propose(command: C): Promise<R> {
    return this.leaderRequest<R>((waiter) => this.commands.push({ command, waiter }));
  }

  /** Queues a request only a running leader takes (`queue` keeps its waiter) and wakes the loop; rejects at once elsewhere. */
  private leaderRequest<T>(queue: (waiter: Waiter<T>) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const err = this.unavailable();
      if (err) return reject(err);
      if (this.role !== 'leader') return reject(this.notLeader());
      queue({ resolve, reject });
      this.kick();
    });
  }

  /** Resolve once this node's state reflects every write committed before the call (ReadIndex). */
  readBarrier(): Promise<void> {
    return this.leaderRequest<void>((waiter) => this.readRequests.push(waiter));
  }

  /**
   * Ask the core to hand leadership to `to` (thesis §3.10). Until the transfer ends, proposals wait
   * (see `propose`) and membership changes are refused with NOT_LEADER.
   */
  transferLeadership(to: NodeId): void {
    this.enqueue(() => this.raft.transferLeadership(to));
  }

  /**
   * Propose one membership change (on the leader) and resolve with the membership after it once
   * it is committed and applied here. Rejects with NOT_LEADER on a follower, CHANGE_PENDING while
   * an earlier change is not committed or the leader has not committed an entry of its term yet
   * (retry shortly), INVALID_ARGUMENT when it does not apply (adding a member, promoting a voter,
   * removing the last voter), and OUTCOME_UNKNOWN when leadership is lost before it commits.
   */
  changeMembership(change: MembershipChange): Promise<ClusterMembership> {
    return this.leaderRequest<ClusterMembership>((waiter) => this.changeRequests.push({ change, waiter }));
  }

  /** The membership in force on this node: the latest in its log, committed or not. */
  membership(): ClusterMembership {
    return this.membershipSeen;
  }

  isLeader(): boolean {
    return this.role === 'leader';
  }

  /** The term this node is in, as of the last Ready handled (the one `onRoleChange` reported). */
  currentTerm(): number {
    return this.term;
  }

  /**
   * Replicated time (J5), ms since the epoch. On the leader it is the time its next entry is
   * stamped with: `anchor + (monotonic now - monotonic at anchor)`, where the anchor, set when it
   * became leader, is the later of its wall clock and the latest replicated time it knew. During a
   * term it follows the monotonic clock, so wall-clock steps do not move it, and it never goes
   * below a time already replicated. On other roles: the latest replicated time this node knows.
   */
  time(): number {
    const a = this.anchor;
    if (a === null) return this.knownTime;
    return Math.max(this.knownTime, Math.floor(a.time + (this.clock.monotonic() - a.monotonic)));
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
      appliedIndex: this.appliedIndex,
      firstLogIndex: st.firstLogIndex,
      lastLogIndex: st.lastLogIndex,
      snapshotIndex: st.snapshotIndex,
      stateDigest: opts.digest === false ? '' : this.digest(this.appliedIndex),
      pid: process.pid,
      peers: st.progress.map((p) => ({ id: p.id, matchIndex: p.match, nextIndex: p.next, state: p.state, refused: p.refused })),
      membership: st.membership,
      contacts: [...this.contacts].map(([id, at]) => ({ id, agoMs: Math.max(0, this.clock.now() - at) })),
    };
  }

  private digestCache = { index: -1, digest: '' };
  /** The digest being computed in steps, with the status it completes. */
  private digestRun: Promise<NodeStatus> | null = null;

  private digest(appliedIndex: number): string {
    if (this.digestCache.index !== appliedIndex) this.digestCache = { index: appliedIndex, digest: this.o.app.digest() };
    return this.digestCache.digest;
  }

  /**
   * This node's view with the state digest, computed in steps while the node goes on (a pass over
   * a million jobs takes seconds). Every field is as of the moment the digest began, so the digest
   * is of the state at `appliedIndex`. A call while one is being computed waits for that one.
   */
  statusWithDigest(): Promise<NodeStatus> {
    const st = this.status({ digest: false });
    if (this.digestCache.index === st.appliedIndex) return Promise.resolve({ ...st, stateDigest: this.digestCache.digest });
    if (this.digestRun !== null) return this.digestRun;
    const app = this.o.app;
    const run = (async () => {
      const digest = app.beginDigest === undefined ? app.digest() : await this.runCursor(app.beginDigest());
      this.digestCache = { index: st.appliedIndex, digest };
      return { ...st, stateDigest: digest };
    })();
    this.digestRun = run;
    this.track(run);
    void run.finally(() => {
      if (this.digestRun === run) this.digestRun = null;
    }).catch(() => undefined);
    return run;
  }

  /** Runs `cursor` to its end in slices of `CURSOR_SLICE_MS`, the event loop free between them. */
  private async runCursor<T>(cursor: StepCursor<T>): Promise<T> {
    for (;;) {
      if (this.stopped) {
        cursor.cancel();
        throw this.unavailable() ?? new RaftJobsError(ErrorCode.ShuttingDown, `node ${this.id} is shutting down`, { leaderId: null });
      }
      const until = performance.now() + CURSOR_SLICE_MS;
      let done = false;
      do done = cursor.step(CURSOR_STEP_ITEMS, CURSOR_STEP_BYTES);
      while (!done && performance.now() < until);
      if (done) return cursor.finish();
      await new Promise<void>((resolve) => this.schedule(resolve));
    }
  }

  /** Snapshot the application now and compact the log below it; resolves to the snapshot's index. */
  async snapshotNow(): Promise<number> {
    const err = this.unavailable();
    if (err) throw err;
    // One already being written covers less than now: wait for it, then take another.
    while (this.snapshotting !== null) await this.snapshotting;
    if (this.appliedIndex > this.lastSnapshotIndex) await this.startSnapshot();
    return this.lastSnapshotIndex;
  }

  /**
   * The state for a backup, on the leader: after a read barrier (so it holds every write committed
   * before the call), the stored snapshot, taken first (`snapshotNow`, which compacts the log as
   * usual) unless the stored one already covers the applied index. Read back from storage whole.
   * The node goes on serving throughout; one taken meanwhile by the node itself is newer and just
   * as good. Rejects with NOT_LEADER on a follower, DATA_LOSS when storage failed.
   */
  async backupSnapshot(): Promise<Snapshot> {
    await this.readBarrier();
    const floor = this.appliedIndex;
    await this.snapshotNow();
    const err = this.unavailable();
    if (err) throw err;
    const snap = await this.o.storage.loadSnapshot();
    if (snap === null || snap.meta.index < floor) {
      throw new Error(`node ${this.id}: the stored snapshot (${snap === null ? 'none' : `at ${snap.meta.index}`}) does not cover the applied index ${floor}`);
    }
    return snap;
  }

  /**
   * Stop: no more ticks or inputs, fail everything pending with SHUTTING_DOWN, wait for every
   * write queued and every loop or background read already scheduled, stop the transport. The
   * caller closes storage afterwards. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.tickTimer !== null) this.clock.clearTimeout(this.tickTimer);
    if (this.commitNoticeTimer !== null) this.clock.clearTimeout(this.commitNoticeTimer);
    const err = new RaftJobsError(ErrorCode.ShuttingDown, `node ${this.id} is shutting down`, { leaderId: null });
    this.restoring?.cursor.cancel();
    this.endRestoring(err);
    this.failAll(err);
    // A loop scheduled before the stop returns at once (`stopped`); the writes it queued earlier
    // and any snapshot or snapshot read in progress finish before storage may be closed.
    await this.tail;
    while (this.snapshotting !== null || this.background.size > 0) {
      await Promise.allSettled([this.snapshotting, ...this.background]);
    }
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

  /**
   * A report of the transport, for the core. A broken or failed connection to a peer is news to a
   * leader (stop pipelining to it) and to a follower of that peer (its leader may have died: the
   * core campaigns within a few ticks, `Raft.leaderUnreachable`, and ignores it for other peers).
   */
  private peerReport(r: PeerReport): void {
    if (r.type === 'snapshot') {
      this.raft.reportSnapshot(r.to, r.ok);
      return;
    }
    this.raft.reportUnreachable(r.to);
    this.raft.leaderUnreachable(r.to);
  }

  private readonly deferred: (() => void)[] = [];

  private enqueue(fn: () => void): void {
    if (this.stopped) return;
    this.deferred.push(fn);
    this.kick();
  }

  private scheduleTick(): void {
    const tickMs = this.o.tickMs ?? LIMITS.tickMs.default;
    const loop = (): void => {
      if (this.stopped) return;
      this.pendingTicks++;
      this.kick();
      this.tickTimer = this.clock.setTimeout(loop, tickMs);
    };
    this.tickTimer = this.clock.setTimeout(loop, tickMs);
  }

  private kick(): void {
    if (this.scheduled || this.running || this.failed || this.stopped) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.runLoop();
    });
  }

  /** Steps inputs and hands out Readies until the core has nothing more; never waits for I/O. */
  private runLoop(): void {
    if (this.running || this.failed || this.stopped) return;
    this.running = true;
    try {
      for (;;) {
        this.stepInputs();
        if (!this.raft.hasReady()) break;
        this.handleReady(this.raft.ready());
      }
      if (this.ticked && this.unwrittenHard !== null && this.writing === 0) this.queueUnwrittenHard();
      this.ticked = false;
      if (this.commitNoticeTimer === null && this.raft.commitNoticePending()) this.armCommitNotice();
      this.maybeSnapshot();
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.running = false;
    }
  }

  private armCommitNotice(): void {
    this.commitNoticeTimer = this.clock.setTimeout(() => {
      this.commitNoticeTimer = null;
      this.enqueue(() => this.raft.sendCommitNotice());
    }, this.o.commitNoticeMs ?? DEFAULT_COMMIT_NOTICE_MS);
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
      this.ticksSincePromoteCheck += n;
      if (this.ticksSincePromoteCheck >= (this.o.heartbeatTicks ?? LIMITS.heartbeatTicks.default)) {
        this.ticksSincePromoteCheck = 0;
        this.autoPromote();
      }
    }
    // While a write is in flight, appends and snapshots (which only add to what must be written)
    // wait for it, in their order, and are written together next; everything else is handled now.
    const holding = this.writing > 0;
    const msgs = this.inbox;
    this.inbox = [];
    for (const m of msgs) {
      if (holding && (m.type === 'append' || m.type === 'snapshot')) this.inbox.push(m);
      else raft.step(m);
    }
    const deferred = this.deferred.splice(0);
    for (const fn of deferred) fn();
    this.proposeChanges();
    // While the core hands leadership over, its log must stop growing so the target can catch up
    // (thesis §3.10), and it refuses proposals. Commands wait here instead, in their order, as they
    // do behind a write: if the transfer is abandoned (after an election timeout, at a tick stepped
    // above) they go out then, so a new leader's `leaderChange` stays its term's first job command
    // (J6); if the target wins, losing leadership rejects every one with NOT_LEADER (`roleChanged`).
    if (!holding && this.raft.transferringTo() === null) {
      if (this.role === 'leader') this.o.events?.beforePropose?.();
      this.proposeCommands();
    }
    const reads = this.readRequests;
    this.readRequests = [];
    for (const w of reads) {
      const res = raft.readIndex();
      if (res.ok) this.reads.set(res.context, w);
      else w.reject(this.notLeader());
    }
  }

  private proposeChanges(): void {
    const requests = this.changeRequests;
    this.changeRequests = [];
    for (const { change, waiter } of requests) {
      const res = this.raft.proposeChange(change);
      if (res.ok) this.changes.set(res.index, { term: res.term, waiter });
      else waiter.reject(this.changeRefused(res));
    }
  }

  private changeRefused(res: Exclude<ChangeResult, { ok: true }>): RaftJobsError {
    switch (res.reason) {
      case 'not-leader':
        return this.notLeader();
      case 'transferring':
        return new RaftJobsError(ErrorCode.NotLeader, `node ${this.id} is handing over leadership`, { leaderId: null });
      case 'pending':
      case 'not-ready':
        return new RaftJobsError(ErrorCode.ChangePending, `membership change refused for now: ${res.detail}; retry shortly`, { leaderId: this.id });
      case 'invalid':
        return new RaftJobsError(ErrorCode.InvalidArgument, res.detail);
    }
  }

  /**
   * Leader, once per heartbeat interval: promote the first learner that has caught up, i.e. whose
   * match index reached the commit index as it was at the previous check (thesis §4.2.1: a new
   * server joins the majority only once it can keep up, so it does not stall commits).
   */
  private autoPromote(): void {
    if (this.o.autoPromote === false || this.role !== 'leader') return;
    const st = this.raft.status();
    const learners = st.membership.learners ?? [];
    const mark = this.promoteMark;
    this.promoteMark = st.commitIndex;
    if (learners.length === 0 || this.changeRequests.length > 0) return;
    const ready = st.progress.find((p) => learners.includes(p.id) && !p.refused && p.match >= mark && mark > 0);
    if (ready === undefined) return;
    const res = this.raft.proposeChange({ kind: 'promote', id: ready.id });
    if (res.ok) this.log.info({ learner: ready.id, matchIndex: ready.match, index: res.index }, 'learner caught up: promoting it to voter');
  }

  private proposeCommands(): void {
    if (this.commands.length === 0) return;
    const max = this.o.maxCommandsPerEntry ?? LIMITS.maxCommandsPerEntry.default;
    const all = this.commands;
    this.commands = [];
    const now = this.time();
    const cost = this.o.app.cost?.bind(this.o.app);
    if (cost === undefined) {
      for (let i = 0; i < all.length; i += max) this.proposeChunk(now, all.slice(i, i + max));
      return;
    }
    // Up to `max` commands and `maxEntryCost` of work per entry; a command over the cost goes alone.
    const maxCost = this.o.maxEntryCost ?? DEFAULT_MAX_ENTRY_COST;
    let start = 0;
    let sum = 0;
    for (let i = 0; i < all.length; i++) {
      const c = cost((all[i] as { command: C }).command);
      if (i > start && (i - start >= max || sum + c > maxCost)) {
        this.proposeChunk(now, all.slice(start, i));
        start = i;
        sum = 0;
      }
      sum += c;
    }
    this.proposeChunk(now, all.slice(start));
  }

  /**
   * Proposes `chunk` as one entry, or as several when it encodes over `maxEntryBytes`, so commands
   * packed together never make an entry larger than the bound. A single command over it goes alone
   * (see `maxEntryBytes`).
   */
  private proposeChunk(now: number, chunk: { command: C; waiter: Waiter<R> }[]): void {
    const maxBytes = this.o.maxEntryBytes ?? this.o.maxAppendBytes ?? DEFAULT_MAX_ENTRY_BYTES;
    const data = this.o.app.encode(now, chunk.map((c) => c.command));
    if (data.length > maxBytes && chunk.length > 1) {
      // Split by count in proportion to the excess; each part is checked again.
      const parts = Math.min(chunk.length, Math.ceil(data.length / maxBytes) + 1);
      const size = Math.ceil(chunk.length / parts);
      for (let i = 0; i < chunk.length; i += size) this.proposeChunk(now, chunk.slice(i, i + size));
      return;
    }
    const res = this.raft.propose(data);
    if (!res.ok) {
      const err = res.reason === 'transferring'
        ? new RaftJobsError(ErrorCode.NotLeader, `node ${this.id} is handing over leadership`, { leaderId: null })
        : this.notLeader();
      for (const c of chunk) c.waiter.reject(err);
      return;
    }
    this.proposals.set(res.index, { term: res.term, at: performance.now(), waiters: chunk.map((c) => c.waiter) });
  }

  // ------------------------------------------------------------------ ready

  /**
   * Handles one Ready without waiting: early messages out, snapshot installed and committed entries
   * applied (they are durable on a majority; on a leader its own write counts only once done), the
   * core given it back (`accept`), and its write queued. Role, term and reads are settled here too.
   */
  private handleReady(rd: Ready): void {
    this.send(rd.sendNow);
    // Term and vote must be durable before the messages that depend on them, entries before they
    // are acknowledged. The commit index need not be (a restarted node learns it again from the
    // leader), so a Ready that only moves it writes nothing now: the index goes with the next write,
    // or unsynced at the next tick the node is idle at (so a killed process still recovers it).
    const hs = rd.hardState;
    const termOrVote = hs !== null && (hs.term !== this.queued.term || hs.vote !== this.queued.vote);
    const writes = termOrVote || rd.entries.length > 0 || rd.snapshot !== null;
    if (rd.snapshot) this.installSnapshot(rd.snapshot);
    this.noteEntries(rd.entries);
    // A write's storage call is made in this turn's microtasks. Entries committed with a Ready that
    // writes are applied from the next turn, once that call is made, so the disk works while they
    // apply (a follower learns a commit with the next append, whose entries it must write and
    // acknowledge first). Entries of a Ready without a write are applied at once (in slices).
    if (writes && rd.committedEntries.length > 0) this.holdCommitted(rd.committedEntries);
    else this.applyCommitted(rd.committedEntries);
    this.raft.accept(rd);

    if (writes) {
      const batch = hs === null && this.unwrittenHard !== null ? { ...rd, hardState: this.unwrittenHard } : rd;
      this.unwrittenHard = null;
      if (hs) this.queued = { term: hs.term, vote: hs.vote };
      this.writing++;
      // An installed snapshot replaces the stored one: never while this node's own is being written.
      const own = rd.snapshot !== null ? this.snapshotting : null;
      this.queue(async () => {
        if (own !== null) await own.catch(() => undefined);
        const started = performance.now();
        await this.o.storage.persist(batch);
        this.writing--;
        this.o.metrics?.persisted?.(performance.now() - started, rd.entries.length);
        this.written(rd);
      });
    } else {
      if (hs) this.unwrittenHard = hs;
      if (this.writing > 0) this.queue(() => this.written(rd));
      else this.written(rd);
    }

    if (hs && hs.term !== this.term) {
      this.log.info({ term: hs.term, previousTerm: this.term, vote: hs.vote }, 'term changed');
      this.term = hs.term;
    }
    if (rd.softState) this.roleChanged(rd.softState.role, rd.softState.leaderId);
    if (rd.entries.length > 0 || rd.snapshot !== null) this.checkMembership();
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

  /** After `rd`'s write (and every earlier one) finished: what vouches for it goes out. */
  private written(rd: Ready): void {
    if (this.failed) return;
    this.send(rd.sendAfterPersist);
    this.raft.persisted(rd);
    this.kick();
  }

  /** Runs `step` after everything queued before it; a failure stops the node. */
  private queue(step: () => Promise<void> | void): void {
    this.tail = this.tail.then(async () => {
      if (this.failed) return;
      try {
        await step();
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private send(msgs: readonly Message[]): void {
    if (msgs.length === 0) return;
    if (!msgs.some((m) => m.type === 'snapshot')) {
      this.o.transport.send(msgs);
      return;
    }
    this.o.transport.send(msgs.filter((m) => m.type !== 'snapshot'));
    this.track(this.sendSnapshots(msgs.filter((m) => m.type === 'snapshot')));
  }

  private track(p: Promise<unknown>): void {
    const done = p.catch((err: unknown) => this.log.warn({ err }, 'background work failed')).finally(() => this.background.delete(done));
    this.background.add(done);
  }

  /** Writes a pending commit-index-only hard state after the writes queued before it. */
  private queueUnwrittenHard(): void {
    this.queue(() => this.writeUnwrittenHard());
  }

  /** Writes a pending commit-index-only hard state (unsynced: it need only survive a killed process). */
  private async writeUnwrittenHard(): Promise<void> {
    const hardState = this.unwrittenHard;
    if (hardState === null) return;
    this.unwrittenHard = null;
    await this.o.storage.persist({ hardState, entries: [], snapshot: null }, { sync: false });
  }

  /**
   * The core names the snapshot to send; its data is read from storage here, off the loop. If
   * storage holds a different one (a snapshot taken meanwhile is still being written), that
   * message is dropped and reported as failed, so the core sends it again later.
   */
  private async sendSnapshots(msgs: readonly Message[]): Promise<void> {
    let stored: Snapshot | null = null;
    try {
      stored = await this.o.storage.loadSnapshot();
    } catch (err) {
      this.log.warn({ err }, 'could not read the snapshot to send; will retry');
    }
    for (const m of msgs) {
      if (m.type !== 'snapshot') continue;
      if (stored !== null && stored.meta.index === m.snapshot.meta.index && stored.meta.term === m.snapshot.meta.term) {
        if (!this.stopped) this.o.transport.send([{ ...m, snapshot: stored }]);
      } else {
        this.log.warn({ to: m.to, wanted: m.snapshot.meta.index, stored: stored?.meta.index ?? null }, 'snapshot to send is not the stored one yet; will retry');
        this.enqueue(() => this.raft.reportSnapshot(m.to, false));
      }
    }
  }

  /** Tells the application when the membership in force changed (an entry appended or cut off, a snapshot installed). */
  private checkMembership(): void {
    const m = this.raft.currentMembership();
    if (m === this.membershipSeen) return;
    this.membershipSeen = m;
    this.log.info({ voters: m.voters, learners: m.learners ?? [] }, 'membership changed');
    this.o.events?.onMembershipChange?.(m);
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
    if (role !== 'leader') this.anchor = null;
    else if (this.anchor?.term !== this.term) this.anchorTime();
    if (prevRole === 'leader' && role !== 'leader') {
      const err = new RaftJobsError(ErrorCode.OutcomeUnknown, `node ${this.id} lost leadership before the outcome was known`, { leaderId });
      for (const p of this.proposals.values()) for (const w of p.waiters) w.reject(err);
      this.proposals.clear();
      for (const c of this.commands) c.waiter.reject(this.notLeader());
      this.commands = [];
      for (const c of this.changes.values()) c.waiter.reject(err);
      this.changes.clear();
      for (const c of this.changeRequests) c.waiter.reject(this.notLeader());
      this.changeRequests = [];
    }
    this.o.events?.onRoleChange?.(role, leaderId, this.term);
  }

  /**
   * J5: a new leader's replicated time starts from the later of its wall clock and the latest
   * replicated time it knows (it holds every committed entry), so a clock behind does not freeze
   * timed work and a cluster that was down sees that time pass. During the term it then follows the
   * monotonic clock (`time()`). A clock ahead moves time forward once, here; the J6 grace of the
   * term's first job command keeps inherited leases alive across that step.
   */
  private anchorTime(): void {
    const wall = Math.floor(this.clock.now());
    const time = Number.isFinite(wall) ? Math.max(wall, this.knownTime) : this.knownTime;
    this.anchor = { term: this.term, time, monotonic: this.clock.monotonic() };
    this.log.info({ term: this.term, time, wallClock: wall, lastReplicatedTime: this.knownTime }, 'replicated time anchored');
  }

  /** Raises `knownTime` to `t` when later (fractions of a ms dropped, as the state does). */
  private noteTime(t: number | null): void {
    if (t !== null && Number.isFinite(t) && Math.floor(t) > this.knownTime) this.knownTime = Math.floor(t);
  }

  /** Raises `knownTime` to the latest stamp of `entries` (appended or loaded). */
  private noteEntries(entries: readonly Entry[]): void {
    for (const e of entries) if (e.type === 'normal') this.noteTime(this.o.app.entryTime(e.data));
  }

  private installSnapshot(snap: Snapshot): void {
    // It replaces the state being restored, if any, and the entries it covers that wait.
    this.restoring?.cursor.cancel();
    this.endRestoring(null);
    this.held = this.held.slice(this.heldHead).filter((e) => e.index > snap.meta.index);
    this.heldHead = 0;
    this.o.app.restore(snap.data);
    this.noteTime(this.o.app.time());
    this.lastSnapshotIndex = snap.meta.index;
    this.appliedIndex = snap.meta.index;
    this.bytesSinceSnapshot = 0;
    this.log.info({ snapshotIndex: snap.meta.index, bytes: snap.data.length }, 'snapshot installed');
    this.o.metrics?.snapshot?.('installed', snap.data.length);
  }

  /** `applyHeld` outside the loop (a later turn, the end of the restore): a failure stops the node. */
  private applyHeldNow(): void {
    try {
      this.applyHeld();
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
    this.kick();
  }

  /** Queues committed entries behind those waiting, to be applied from the next turn on. */
  private holdCommitted(entries: readonly Entry[]): void {
    for (const e of entries) this.held.push(e);
    this.scheduleApply();
  }

  /** Goes on applying `held` in a later turn. */
  private scheduleApply(): void {
    if (this.applyScheduled) return;
    this.applyScheduled = true;
    this.schedule(() => {
      this.applyScheduled = false;
      if (!this.stopped) this.applyHeldNow();
    });
  }

  /** Queues committed entries behind those waiting, and applies what a slice allows. */
  private applyCommitted(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    for (const e of entries) this.held.push(e);
    this.applyHeld();
  }

  /**
   * Applies waiting entries for up to `APPLY_SLICE_MS`, then (if any are left) goes on in a later
   * turn; nothing while the start's snapshot is being restored.
   */
  private applyHeld(): void {
    if (this.restoring !== null || this.failed) return;
    const held = this.held;
    const until = this.clock.monotonic() + APPLY_SLICE_MS;
    let i = this.heldHead;
    while (i < held.length) {
      this.applyEntry(held[i++] as Entry);
      if (this.clock.monotonic() >= until) break;
    }
    const applied = i - this.heldHead;
    if (i >= held.length) {
      this.held = [];
      this.heldHead = 0;
    } else {
      this.heldHead = i;
      this.scheduleApply();
    }
    if (applied > 0) {
      this.noteTime(this.o.app.time());
      this.o.metrics?.applied?.(applied);
      this.releaseReads();
    }
  }

  private applyEntry(e: Entry): void {
    this.appliedIndex = e.index;
    this.bytesSinceSnapshot += e.data.length;
    const pending = this.proposals.get(e.index);
    if (pending) this.proposals.delete(e.index);
    if (e.type !== 'normal') {
      if (pending) this.rejectOverwritten(pending);
      const change = this.changes.get(e.index);
      if (change !== undefined) {
        this.changes.delete(e.index);
        if (change.term === e.term && e.type === 'config') change.waiter.resolve(decodeMembership(e.data));
        else change.waiter.reject(new RaftJobsError(ErrorCode.OutcomeUnknown, 'the change was replaced by a new leader; it did not commit', { leaderId: this.leaderId }));
      }
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

  private drawSnapshotDue(): number {
    const every = this.o.snapshotEntries ?? LIMITS.snapshotEntries.default;
    return Math.max(1, Math.round(every * (0.75 + 0.5 * this.random())));
  }

  private maybeSnapshot(): void {
    if (this.snapshotting !== null || this.stopped || this.restoring !== null) return;
    const bytes = this.o.snapshotBytes ?? LIMITS.snapshotBytes.default;
    if (this.appliedIndex - this.lastSnapshotIndex >= this.snapshotDue || this.bytesSinceSnapshot >= bytes) {
      this.startSnapshot().catch(() => undefined);
    }
  }

  /**
   * Takes a snapshot at the applied index and writes it while the node goes on; only then is the
   * log compacted below it (so until the write is done, followers are served from the log).
   */
  private startSnapshot(): Promise<void> {
    const run = this.takeSnapshot()
      .catch((err: unknown) => this.fail(err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        this.snapshotting = null;
      });
    this.snapshotting = run;
    return run;
  }

  private async takeSnapshot(): Promise<void> {
    const applied = this.appliedIndex;
    if (applied <= this.lastSnapshotIndex) return;
    const meta = this.raft.snapshotMeta(applied);
    // Written after the writes queued before it began: they hold entries it covers (committed
    // entries are applied before this node's own write of them lands) and any snapshot installed
    // from the leader. Written first, it could end up past the end of the stored log, or be replaced
    // by the older installed one, and compacting to it would fail. (Not the writes queued later: an
    // install queued while this one is taken waits for it.)
    const queuedBefore = this.tail;
    const app = this.o.app;
    const data: Uint8Array | readonly Uint8Array[] =
      app.beginSnapshotPieces !== undefined ? await this.runCursor(app.beginSnapshotPieces()) : app.beginSnapshot !== undefined ? await this.runCursor(app.beginSnapshot()) : app.snapshot();
    const bytes = data instanceof Uint8Array ? data.length : data.reduce((n, p) => n + p.length, 0);
    this.bytesSinceSnapshot = 0;
    this.snapshotDue = this.drawSnapshotDue();
    await queuedBefore;
    if (this.failed || applied <= this.lastSnapshotIndex) return;
    await this.o.storage.saveSnapshot({ meta, data });
    // A snapshot from the leader installed meanwhile is newer: it already replaced the log.
    if (this.failed || applied <= this.lastSnapshotIndex) return;
    const keep = this.o.snapshotTailEntries ?? LIMITS.snapshotTailEntries.default;
    const firstIndex = Math.max(applied + 1 - keep, this.raft.status().firstLogIndex);
    this.raft.compact(applied, firstIndex);
    this.lastSnapshotIndex = applied;
    await this.o.storage.compact(firstIndex);
    this.log.info({ snapshotIndex: applied, bytes, firstLogIndex: firstIndex }, 'snapshot taken, log compacted');
    this.o.metrics?.snapshot?.('taken', bytes);
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
    for (const c of this.changeRequests) c.waiter.reject(err);
    this.changeRequests = [];
    for (const c of this.changes.values()) c.waiter.reject(err);
    this.changes.clear();
    for (const w of this.reads.values()) w.reject(err);
    this.reads.clear();
    for (const r of this.readWaits) r.waiter.reject(err);
    this.readWaits = [];
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = err;
    this.stopped = true;
    if (this.tickTimer !== null) this.clock.clearTimeout(this.tickTimer);
    if (this.commitNoticeTimer !== null) this.clock.clearTimeout(this.commitNoticeTimer);
    this.log.fatal({ err, code: ErrorCode.DataLoss }, 'node stopped: a write or an invariant failed; nothing more is acknowledged');
    const failure = new RaftJobsError(ErrorCode.DataLoss, `node ${this.id} stopped: ${err.message}`, {}, { cause: err });
    this.restoring?.cursor.cancel();
    this.endRestoring(failure);
    this.failAll(failure);
    this.o.events?.onFatal?.(err);
  }
}
