import { LIMITS } from '../limits/index.js';
import { RaftLog } from './log.js';
import { applyChange, ConfigHistory, encodeMembership, incarnationOf, isMember, members } from './membership.js';
import { Progress } from './progress.js';
import type {
  AppendRequest,
  AppendResponse,
  ChangeResult,
  ClusterMembership,
  Entry,
  HardState,
  HeartbeatRequest,
  HeartbeatResponse,
  MembershipChange,
  Message,
  NodeId,
  ProposeResult,
  RaftOptions,
  RaftStatus,
  ReadState,
  Ready,
  Role,
  Snapshot,
  SnapshotMeta,
  SnapshotRequest,
  VoteRequest,
  VoteResponse,
} from './types.js';

const EMPTY = new Uint8Array(0);

/** Messages a leader may send before its own write of the same Ready completes (thesis §10.2.1). */
const LEADER_EARLY = new Set<Message['type']>(['append', 'heartbeat', 'snapshot', 'timeoutNow']);
/** A heartbeat reply says nothing about the log, so it need not wait for any write of it. */
const ANY_EARLY = new Set<Message['type']>(['heartbeatResp']);

type ReadResult = { ok: true; context: number } | { ok: false; reason: 'not-leader'; leaderId: NodeId | null };

/**
 * The Raft consensus core: a deterministic state machine over ticks, peer messages and
 * proposals. It performs no I/O; the driver collects a {@link Ready}, persists, sends, applies,
 * and calls {@link Raft.advance}. Section numbers refer to the Raft paper (Ongaro & Ousterhout,
 * 2014) and, where marked "thesis", to Ongaro's dissertation.
 */
export class Raft {
  readonly id: NodeId;
  /** The membership in force: the latest config entry in the log (committed or not), see membership.ts. */
  private membership: ClusterMembership;
  private readonly configs: ConfigHistory;
  private readonly electionTicks: number;
  private readonly heartbeatTicks: number;
  private readonly random: () => number;
  private readonly preVote: boolean;
  private readonly checkQuorum: boolean;
  private readonly maxAppendEntries: number;
  private readonly maxAppendBytes: number;
  private readonly maxInflight: number;
  private readonly maxApplyEntries = 4096;
  private readonly snapshotRetryTicks: number;
  private readonly incarnation: number;

  private term = 0;
  private vote: NodeId | null = null;
  private role: Role = 'follower';
  private leaderId: NodeId | null = null;
  private readonly log: RaftLog;

  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private ticks = 0;
  private votes = new Map<NodeId, boolean>();
  private progress = new Map<NodeId, Progress>();
  /**
   * Leader: the incarnations each member removed in this term was known by. Its replies to this
   * leader may still be on the way when it is added again (only replies of this term reach a
   * leader; older ones fail the term check), so its new record must not take them for its own.
   */
  private formerIncarnations = new Map<NodeId, number[]>();
  private transferTarget: NodeId | null = null;
  /** Ticks left during which this node, started empty, grants no vote. */
  private voteGuardTicks = 0;
  /**
   * Set after an empty start while the cluster may have history this node forgot (see
   * `rejoinAllows`): the highest term each other voter has been seen at since the start, whether
   * any sign of history was seen, and once enough voters were heard from, the term floor.
   */
  private rejoin: { heard: Map<NodeId, number>; history: boolean; floor: number | null } | null = null;
  /**
   * Follower: ticks left before it starts a pre-vote because its stream to its leader broke
   * (`leaderUnreachable`); null when no such campaign is pending.
   */
  private leaderLostTicks: number | null = null;
  /** Ticks since the transfer started; it is abandoned after an election timeout. */
  private transferElapsed = 0;
  /** Leader: new entries or commit to push to followers at the next Ready. */
  private appendPending = false;
  /** Set by the driver (`holdCampaigns`): no election or pre-vote of its own, votes still granted. */
  private campaignsHeld = false;
  /** `RaftOptions.commitNotice` is `deferred`. */
  private readonly deferCommitNotice: boolean;
  /** Leader, deferred commit notices: the commit index moved and some follower has not been sent it. */
  private commitNoticeOwed = false;

  private readSeq = 0;
  /** Leader: reads waiting for a quorum of heartbeat acks, in context order. */
  private pendingReads: ReadState[] = [];
  /** Leader: reads waiting for the first commit of this term (thesis §6.4 step 1). */
  private queuedReads: number[] = [];
  private readStates: ReadState[] = [];
  private droppedReads: number[] = [];
  private readHeartbeatPending = false;

  private msgs: Message[] = [];
  private pendingSnapshot: Snapshot | null = null;
  private prevHard: HardState;
  private prevSoft: { role: Role; leaderId: NodeId | null } = { role: 'follower', leaderId: null };
  private inReady = false;
  /** Term and vote as last reported written (`persisted`): messages that depend on newer ones wait. */
  private durable: { term: number; vote: NodeId | null };

  constructor(opts: RaftOptions) {
    this.id = opts.id;
    this.electionTicks = opts.electionTicks ?? LIMITS.electionTicks.default;
    this.heartbeatTicks = opts.heartbeatTicks ?? LIMITS.heartbeatTicks.default;
    if (this.heartbeatTicks >= this.electionTicks) throw new Error('raft: heartbeatTicks must be below electionTicks');
    this.random = opts.random;
    this.preVote = opts.preVote ?? LIMITS.preVote.default;
    this.checkQuorum = opts.checkQuorum ?? LIMITS.checkQuorum.default;
    this.maxAppendEntries = opts.maxAppendEntries ?? LIMITS.maxAppendEntries.default;
    this.maxAppendBytes = opts.maxAppendBytes ?? LIMITS.maxAppendBytes.default;
    this.maxInflight = opts.maxInflight ?? LIMITS.maxInflight.default;
    this.snapshotRetryTicks = 10 * this.electionTicks;
    this.incarnation = opts.incarnation ?? 0;
    this.deferCommitNotice = opts.commitNotice === 'deferred';
    const init = opts.initial;
    const snap = init?.snapshot ?? null;
    this.configs = new ConfigHistory(snap?.membership ?? opts.membership);
    this.configs.appended(init?.entries ?? []);
    this.membership = this.configs.current();
    const start = init?.logStart ?? { index: snap?.index ?? 0, term: snap?.term ?? 0 };
    this.log = new RaftLog({
      startIndex: start.index,
      startTerm: start.term,
      entries: init?.entries ?? [],
      snapshot: snap,
      committed: init?.hardState.commit ?? 0,
      applied: init?.applied ?? 0,
    });
    this.term = init?.hardState.term ?? 0;
    this.vote = init?.hardState.vote ?? null;
    this.prevHard = this.hardState();
    this.durable = { term: this.term, vote: this.vote };
    const empty = this.term === 0 && this.vote === null && this.log.lastIndex() === 0 && this.log.snapshot === null;
    this.voteGuardTicks = empty ? (opts.emptyStartVoteDelayTicks ?? 0) : 0;
    if (empty && (opts.emptyStartVoteDelayTicks ?? 0) > 0) this.rejoin = { heard: new Map(), history: false, floor: null };
    this.resetTimers();
  }

  // ---------------------------------------------------------------- inputs

  /** Advance logical time by one tick. */
  tick(): void {
    this.assertNotInReady();
    this.ticks++;
    if (this.voteGuardTicks > 0) this.voteGuardTicks--;
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  /** Propose one entry. Only a leader not transferring leadership accepts. */
  propose(data: Uint8Array): ProposeResult {
    this.assertNotInReady();
    if (this.role !== 'leader') return { ok: false, reason: 'not-leader', leaderId: this.leaderId };
    if (this.transferTarget !== null) return { ok: false, reason: 'transferring', leaderId: this.leaderId };
    const index = this.log.lastIndex() + 1;
    this.log.append([{ index, term: this.term, type: 'normal', data }]);
    this.appendPending = true;
    return { ok: true, index, term: this.term };
  }

  /**
   * Propose one membership change (thesis §4.1, one server at a time). It takes effect on each node
   * as soon as the entry is in its log; the next is accepted once it is committed.
   */
  proposeChange(change: MembershipChange): ChangeResult {
    this.assertNotInReady();
    if (this.role !== 'leader') return { ok: false, reason: 'not-leader', leaderId: this.leaderId };
    if (this.transferTarget !== null) return { ok: false, reason: 'transferring', leaderId: this.leaderId };
    const refuse = (reason: 'pending' | 'not-ready' | 'invalid', detail: string): ChangeResult => ({ ok: false, reason, leaderId: this.id, detail });
    if (this.configs.lastIndex() > this.log.committed) return refuse('pending', `the change at index ${this.configs.lastIndex()} is not committed yet`);
    // Thesis §4.1 erratum: a leader that has not committed an entry of its own term may hold a stale
    // configuration; a change it made could be overruled by a leader elected under another one.
    if (!this.committedInTerm()) return refuse('not-ready', 'the leader has not committed an entry of its term yet');
    const next = applyChange(this.membership, change);
    if (typeof next === 'string') return refuse('invalid', next);
    const index = this.log.lastIndex() + 1;
    const entry: Entry = { index, term: this.term, type: 'config', data: encodeMembership(next) };
    this.log.append([entry]);
    this.configs.appended([entry]);
    this.membershipChanged();
    this.appendPending = true;
    return { ok: true, index, term: this.term, membership: next };
  }

  /**
   * Request a linearizable read (thesis §6.4). The returned context appears in
   * `Ready.readStates` with the index to wait for, or in `Ready.droppedReads` if leadership is lost.
   */
  readIndex(): ReadResult {
    this.assertNotInReady();
    if (this.role !== 'leader') return { ok: false, reason: 'not-leader', leaderId: this.leaderId };
    const context = ++this.readSeq;
    if (!this.committedInTerm()) {
      this.queuedReads.push(context);
    } else {
      this.registerRead(context);
    }
    return { ok: true, context };
  }

  /**
   * Start a leadership transfer (thesis §3.10). Only to another voter, and not to one the leader
   * refuses (a lost disk: it would never catch up).
   */
  transferLeadership(to: NodeId): boolean {
    this.assertNotInReady();
    const pr = this.progress.get(to);
    if (this.role !== 'leader' || to === this.id || !this.isVoter(to) || pr === undefined || pr.refused) return false;
    this.transferTarget = to;
    this.transferElapsed = 0;
    if (pr.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', from: this.id, to, term: this.term });
    else this.sendAppend(to, false);
    return true;
  }

  /** Force an election now (tests, operators). */
  campaignNow(): void {
    this.assertNotInReady();
    if (this.role !== 'leader') this.campaign(this.preVote ? 'pre' : 'election', false);
  }

  /** Feed one peer message. Messages for another node are ignored. */
  step(m: Message): void {
    this.assertNotInReady();
    if (m.to !== this.id) return;
    if (this.rejoin !== null) this.noteRejoinTerm(m);
    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        // §4.2.3 (thesis): ignore a vote request while we believe a leader is alive, so a
        // partitioned node cannot depose a working leader. A transfer overrides this.
        const inLease = this.checkQuorum && this.leaderId !== null && this.electionElapsed < this.electionTicks;
        if (inLease && !m.transfer) return;
      }
      if (m.type === 'preVote' || (m.type === 'preVoteResp' && m.granted)) {
        // Pre-vote never changes terms (thesis §9.6).
      } else {
        const lead = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot' ? m.from : null;
        this.becomeFollower(m.term, lead);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'append' || m.type === 'heartbeat')) {
        // A stale leader: answer with our term so it steps down (it may otherwise never learn,
        // because pre-vote keeps us from raising terms at it).
        this.send({ type: 'appendResp', from: this.id, to: m.from, term: this.term, success: false, index: 0, hintIndex: 0, hintTerm: 0, incarnation: this.incarnation });
      } else if (m.type === 'preVote') {
        this.send({ type: 'preVoteResp', from: this.id, to: m.from, term: this.term, granted: false });
      }
      return;
    }

    if (m.type === 'vote' || m.type === 'preVote') {
      this.handleVoteRequest(m);
      return;
    }
    switch (this.role) {
      case 'leader':
        this.stepLeader(m);
        break;
      case 'candidate':
      case 'preCandidate':
        this.stepCandidate(m);
        break;
      case 'follower':
        this.stepFollower(m);
        break;
    }
  }

  /**
   * The application holds a snapshot of its state at `index` (≤ applied). The core may compact
   * its log below `firstIndex` (default `index + 1`; pass less to keep a tail for followers that
   * are only a little behind). Returns the snapshot's metadata.
   */
  compact(index: number, firstIndex = index + 1): SnapshotMeta {
    this.assertNotInReady();
    if (index > this.log.applied) throw new Error(`raft: snapshot at ${index} beyond applied ${this.log.applied}`);
    const term = this.log.term(index);
    if (term === undefined) throw new Error(`raft: snapshot at compacted index ${index}`);
    const meta: SnapshotMeta = { index, term, membership: this.configs.at(index) };
    if (!this.log.snapshot || index >= this.log.snapshot.index) this.log.snapshot = meta;
    this.log.compact(Math.min(firstIndex, index + 1));
    this.configs.compacted(index, meta.membership);
    return meta;
  }

  /**
   * Metadata of a snapshot at `index` (≤ applied) without compacting anything: a driver that
   * writes its snapshot before compacting (`compact`) stores it with this.
   */
  snapshotMeta(index: number): SnapshotMeta {
    if (index > this.log.applied) throw new Error(`raft: snapshot at ${index} beyond applied ${this.log.applied}`);
    const term = this.log.term(index);
    if (term === undefined) throw new Error(`raft: snapshot at compacted index ${index}`);
    return { index, term, membership: this.configs.at(index) };
  }

  /**
   * The transport wrote a snapshot to `to` whole (`ok`) or lost it. Either way the follower goes
   * back to probing: after a loss from where it was; after a delivery from just past the snapshot,
   * paused until it replies (to the snapshot or to a heartbeat), so a lost reply costs one
   * heartbeat interval rather than the snapshot retry timeout.
   */
  reportSnapshot(to: NodeId, ok: boolean): void {
    this.assertNotInReady();
    const pr = this.progress.get(to);
    if (this.role !== 'leader' || pr?.state !== 'snapshot') return;
    pr.becomeProbe();
    if (ok) pr.probeSent = true;
    else this.sendAppend(to, false);
  }

  /** The transport could not deliver a snapshot to `to`: go back to probing. */
  reportSnapshotFailure(to: NodeId): void {
    this.reportSnapshot(to, false);
  }

  /** The peer is unreachable: stop optimistic pipelining to it. */
  reportUnreachable(to: NodeId): void {
    const pr = this.progress.get(to);
    if (this.role === 'leader' && pr?.state === 'replicate') pr.becomeProbe();
  }

  /**
   * The transport's connection to `id` closed or failed (a crashed process's sockets are closed by
   * its kernel at once), as opposed to a quiet link. When `id` is this follower's leader, the
   * follower forgets it and starts a pre-vote within a few ticks instead of waiting out an election
   * timeout. Forgetting it also ends its lease on that leader: it then grants others' pre-votes
   * (thesis §4.2.3 holds them off only while a leader is believed alive), so followers that each
   * saw their own stream to a crashed leader break elect a successor within a few ticks.
   *
   * It cannot depose a live leader: a pre-vote still needs a majority that has not heard from the
   * leader within an election timeout and has not lost its own stream to it either (§9.6 pre-vote,
   * §4.2.3 lease), and no term changes unless it wins one. A heartbeat or append from the leader
   * before the pre-vote starts cancels it. Only with both pre-vote and check-quorum on (without
   * them an early campaign could disrupt a leader that is alive), and only for a node that may
   * campaign; otherwise ignored, as is a report about any other peer.
   *
   * The delay is staggered so the survivors do not split the vote: each ranks itself among the
   * voters other than the lost leader (by id, the same order on every node) and waits
   * `rank × heartbeatTicks` plus a random part of `heartbeatTicks`, at least one tick. The first
   * usually wins before the next starts; a later one still campaigns if it did not.
   */
  leaderUnreachable(id: NodeId): void {
    this.assertNotInReady();
    if (!this.preVote || !this.checkQuorum || this.role !== 'follower' || this.leaderId !== id || !this.mayCampaign()) return;
    this.leaderId = null;
    const survivors = this.membership.voters.filter((v) => v !== id).sort();
    const rank = survivors.indexOf(this.id);
    const place = rank < 0 ? survivors.length : rank;
    this.leaderLostTicks = 1 + place * this.heartbeatTicks + Math.floor(this.random() * this.heartbeatTicks);
  }

  /**
   * While `held`, this node starts no election or pre-vote (nor one a leadership transfer asks
   * for), as a learner does; it still votes, follows, and counts the time since it heard a leader.
   * For a node that cannot serve as leader yet: one still rebuilding its state machine at start.
   */
  holdCampaigns(held: boolean): void {
    this.campaignsHeld = held;
  }

  /**
   * Leader with deferred commit notices (`RaftOptions.commitNotice`): whether some follower has
   * not been sent the current commit index. The driver then calls `sendCommitNotice` soon.
   */
  commitNoticePending(): boolean {
    if (!this.commitNoticeOwed) return false;
    if (this.role === 'leader') {
      for (const [id, pr] of this.progress) if (id !== this.id && pr.commitSent < this.log.committed) return true;
    }
    this.commitNoticeOwed = false;
    return false;
  }

  /** Send the current commit index to each follower that has not been sent it (an empty append if nothing else is due). */
  sendCommitNotice(): void {
    this.assertNotInReady();
    if (!this.commitNoticeOwed) return;
    this.commitNoticeOwed = false;
    if (this.role !== 'leader') return;
    for (const [id, pr] of this.progress) if (id !== this.id && pr.commitSent < this.log.committed) this.sendAppend(id, true);
  }

  // ---------------------------------------------------------------- ready / advance

  hasReady(): boolean {
    if (this.inReady) return false;
    this.flushPending();
    return (
      this.msgs.length > 0 ||
      this.log.hasUnoffered() ||
      this.pendingSnapshot !== null ||
      this.log.applied < this.log.committed ||
      this.readStates.length > 0 ||
      this.droppedReads.length > 0 ||
      !sameHardState(this.hardState(), this.prevHard) ||
      this.prevSoft.role !== this.role ||
      this.prevSoft.leaderId !== this.leaderId
    );
  }

  /** Collect the work for the driver. No other call may reach the core until `advance`. */
  ready(): Ready {
    this.assertNotInReady();
    this.flushPending();
    const hs = this.hardState();
    const hardChanged = !sameHardState(hs, this.prevHard);
    const sendNow: Message[] = [];
    const sendAfterPersist: Message[] = [];
    // Nothing leaves early while a term or vote is still unwritten (Figure 2: persist before responding).
    const durable = this.term === this.durable.term && this.vote === this.durable.vote;
    const leader = this.role === 'leader';
    for (const m of this.msgs) {
      if (durable && (ANY_EARLY.has(m.type) || (leader && LEADER_EARLY.has(m.type)))) sendNow.push(m);
      else sendAfterPersist.push(m);
    }
    const applyFrom = Math.max(this.log.applied, this.pendingSnapshot?.meta.index ?? 0) + 1;
    const applyTo = Math.min(this.log.committed, applyFrom + this.maxApplyEntries - 1);
    const soft = { role: this.role, leaderId: this.leaderId };
    const softChanged = soft.role !== this.prevSoft.role || soft.leaderId !== this.prevSoft.leaderId;
    const rd: Ready = {
      hardState: hardChanged ? hs : null,
      entries: this.log.unofferedEntries(),
      snapshot: this.pendingSnapshot,
      sendNow,
      sendAfterPersist,
      committedEntries: applyTo >= applyFrom ? this.log.slice(applyFrom, applyTo + 1) : [],
      readStates: this.readStates,
      droppedReads: this.droppedReads,
      softState: softChanged ? soft : null,
    };
    this.msgs = [];
    this.readStates = [];
    this.droppedReads = [];
    this.prevSoft = soft;
    this.inReady = true;
    return rd;
  }

  /** The driver persisted, sent and applied everything in `rd`: `accept(rd)` then `persisted(rd)`. */
  advance(rd: Ready): void {
    this.accept(rd);
    this.persisted(rd);
  }

  /**
   * The driver took `rd` over: it applied `committedEntries` (and installed `snapshot`) and will
   * write the rest. The core takes inputs again; later Readies carry only what is newer.
   */
  accept(rd: Ready): void {
    if (!this.inReady) throw new Error('raft: accept without ready');
    this.inReady = false;
    if (rd.hardState) this.prevHard = rd.hardState;
    if (rd.snapshot) {
      this.pendingSnapshot = null;
      if (rd.snapshot.meta.index > this.log.applied) this.log.applied = rd.snapshot.meta.index;
    }
    const lastEntry = rd.entries[rd.entries.length - 1];
    if (lastEntry) this.log.markOffered(lastEntry.index);
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied && lastApplied.index > this.log.applied) this.log.applied = lastApplied.index;
  }

  /**
   * The write of an accepted `rd` finished (and those of every Ready accepted before it). A
   * leader counts its own log toward a commit only from here (thesis §10.2.1).
   */
  persisted(rd: Ready): void {
    this.assertNotInReady();
    if (rd.hardState) this.durable = { term: rd.hardState.term, vote: rd.hardState.vote };
    const lastEntry = rd.entries[rd.entries.length - 1];
    if (lastEntry) this.log.stableTo(lastEntry.index, lastEntry.term);
    if (this.role === 'leader') {
      const self = this.progress.get(this.id) as Progress;
      self.maybeUpdate(this.log.stableIndex());
      if (this.maybeCommit()) this.committed();
    }
  }

  // ---------------------------------------------------------------- status

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  status(): RaftStatus {
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      vote: this.vote,
      leaderId: this.leaderId,
      commitIndex: this.log.committed,
      appliedIndex: this.log.applied,
      firstLogIndex: this.log.firstIndex(),
      lastLogIndex: this.log.lastIndex(),
      lastLogTerm: this.log.lastTerm(),
      snapshotIndex: this.log.snapshot?.index ?? 0,
      membership: this.membership,
      progress: this.role === 'leader' ? [...this.progress.values()].filter((p) => p.id !== this.id).map((p) => p.status()) : [],
    };
  }

  /**
   * Leader: the voter leadership is being handed to, while the transfer is in progress (thesis
   * §3.10); null otherwise. The transfer ends when the target wins (this node steps down) or after
   * an election timeout (abandoned); meanwhile `propose` refuses, so a driver can hold proposals
   * back instead. Cheap, for drivers that check it at every loop.
   */
  transferringTo(): NodeId | null {
    return this.transferTarget;
  }

  /** The membership in force (the latest config entry in the log, committed or not); cheap, for drivers that watch it. */
  currentMembership(): ClusterMembership {
    return this.membership;
  }

  /** Entries in [lo, hi) still held in memory (for tests and the simulator's checks). */
  entries(lo: number, hi: number): Entry[] {
    return this.log.slice(lo, hi);
  }

  // ---------------------------------------------------------------- roles

  private becomeFollower(term: number, leaderId: NodeId | null): void {
    const wasLeader = this.role === 'leader';
    if (term !== this.term) {
      this.term = term;
      this.vote = null;
    }
    this.role = 'follower';
    this.leaderId = leaderId;
    this.resetTimers();
    if (wasLeader) this.abandonLeadership();
  }

  private abandonLeadership(): void {
    this.progress.clear();
    this.commitNoticeOwed = false;
    this.formerIncarnations.clear();
    this.transferTarget = null;
    this.appendPending = false;
    this.readHeartbeatPending = false;
    for (const r of this.pendingReads) this.droppedReads.push(r.context);
    this.droppedReads.push(...this.queuedReads);
    this.pendingReads = [];
    this.queuedReads = [];
  }

  private becomeLeader(): void {
    this.role = 'leader';
    this.leaderId = this.id;
    this.resetTimers();
    this.progress.clear();
    this.formerIncarnations.clear();
    const last = this.log.lastIndex();
    for (const id of new Set([...members(this.membership), this.id])) {
      const pr = this.newProgress(id, last + 1);
      if (id === this.id) {
        pr.match = this.log.stableIndex();
        pr.becomeReplicate();
      }
      this.progress.set(id, pr);
    }
    // §5.4.2 / §8: commit an entry of the new term so earlier entries commit with it.
    this.log.append([{ index: last + 1, term: this.term, type: 'noop', data: EMPTY }]);
    this.appendPending = true;
  }

  private campaign(kind: 'pre' | 'election', transfer: boolean): void {
    if (!this.mayCampaign()) return;
    // Voting for itself is a vote too (see `rejoinAllows`).
    if (kind === 'election' && !this.rejoinAllows(this.term + 1)) {
      if (this.role !== 'follower') this.becomeFollower(this.term, null);
      else this.resetTimers();
      return;
    }
    let voteTerm: number;
    if (kind === 'pre') {
      this.role = 'preCandidate';
      this.leaderId = null;
      this.resetTimers();
      voteTerm = this.term + 1;
    } else {
      // §5.2: increment the term, vote for self.
      this.role = 'candidate';
      this.leaderId = null;
      this.term += 1;
      this.vote = this.id;
      this.resetTimers();
      voteTerm = this.term;
    }
    this.votes = new Map([[this.id, true]]);
    if (this.tally().won) {
      if (kind === 'pre') this.campaign('election', transfer);
      else this.becomeLeader();
      return;
    }
    for (const id of this.membership.voters) {
      if (id === this.id) continue;
      this.send({
        type: kind === 'pre' ? 'preVote' : 'vote',
        from: this.id,
        to: id,
        term: voteTerm,
        lastLogIndex: this.log.lastIndex(),
        lastLogTerm: this.log.lastTerm(),
        transfer,
      });
    }
  }

  private tally(): { won: boolean; lost: boolean } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.membership.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    const q = this.quorum();
    return { won: granted >= q, lost: rejected >= q };
  }

  // ---------------------------------------------------------------- ticks

  private tickElection(): void {
    this.electionElapsed++;
    if (this.leaderLostTicks !== null && --this.leaderLostTicks <= 0) {
      this.leaderLostTicks = null;
      if (this.role === 'follower' && this.mayCampaign()) {
        this.electionElapsed = 0;
        this.campaign('pre', false);
        return;
      }
    }
    // A node that may not campaign (a learner, a node outside the membership) lets the time since it
    // heard from a leader grow: resetting it here renewed its lease on a leader that was gone, and
    // it ignored vote requests (step) even when its vote was needed.
    if (this.electionElapsed >= this.randomizedElectionTimeout && this.mayCampaign()) {
      this.electionElapsed = 0;
      this.campaign(this.preVote ? 'pre' : 'election', false);
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    // A transfer that did not finish within an election timeout is abandoned (thesis §3.10).
    if (this.transferTarget !== null && ++this.transferElapsed >= this.electionTicks) this.transferTarget = null;
    if (this.electionElapsed >= this.electionTicks) {
      this.electionElapsed = 0;
      if (this.checkQuorum) {
        // Check-quorum (thesis §6.2): a leader that has not heard from a majority within an
        // election timeout steps down, so clients stop waiting on a deposed leader.
        let active = 0;
        for (const id of this.membership.voters) if (id === this.id || this.progress.get(id)?.recentActive === true) active++;
        for (const [id, pr] of this.progress) if (id !== this.id) pr.recentActive = false;
        if (active < this.quorum()) {
          this.becomeFollower(this.term, null);
          return;
        }
      }
    }
    if (this.heartbeatElapsed >= this.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.bindIncarnations();
      this.bcastHeartbeat();
      for (const [id, pr] of this.progress) {
        if (pr.state === 'snapshot' && this.ticks - pr.snapshotSentTick > this.snapshotRetryTicks) {
          pr.becomeProbe();
          this.sendAppend(id, false);
        }
      }
    }
  }

  private resetTimers(): void {
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.leaderLostTicks = null;
    // §5.2: randomized election timeouts in [T, 2T) make split votes rare.
    this.randomizedElectionTimeout = this.electionTicks + Math.floor(this.random() * this.electionTicks);
  }

  // ---------------------------------------------------------------- votes

  private handleVoteRequest(m: VoteRequest): void {
    const pre = m.type === 'preVote';
    // Figure 2, RequestVote: grant if we have not voted for someone else in this term (a
    // pre-vote for a later term is always free) and the candidate's log is up to date (§5.4.1).
    const canVote =
      this.vote === m.from || (this.vote === null && this.leaderId === null) || (pre && m.term > this.term);
    // A pre-vote is granted only where the vote would be (the rejoin guard included): a pre-vote
    // the real vote then refuses only lets a candidate that cannot win bump everyone's term.
    const granted = canVote && this.voteGuardTicks === 0 && this.rejoinAllows(m.term) && this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);
    const respType = pre ? 'preVoteResp' : 'voteResp';
    if (granted) {
      this.send({ type: respType, from: this.id, to: m.from, term: m.term, granted: true, ...this.voterIncarnation() });
      if (!pre) {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, from: this.id, to: m.from, term: this.term, granted: false, ...this.voterIncarnation() });
    }
  }

  /**
   * A node that lost its disk may have voted, before, in a term it no longer knows: voting again in
   * that term could elect a second leader in it. Every voter that granted a vote in term T, the
   * candidate included, has been at term T or above ever since. So once this node has heard, since
   * its start, from more other voters than there can be outside a majority that excludes it
   * (N - quorum + 1 of the others), some member of every such majority is among them, and the
   * highest term they showed bounds every term it could have voted in: it votes only above that
   * floor, and the guard ends once its own (durable) term is past it. Until then it grants no vote
   * and starts no election, at the price of waiting for enough peers to be heard from. A node whose
   * first message from a peer shows a fresh cluster (`showsHistory`) is on a first boot: nothing
   * held back. (Two nodes that lost their disks at once, or a peer that missed the whole history,
   * are beyond what this covers, as beyond what a majority of disks can cover.)
   */
  private rejoinAllows(term: number): boolean {
    const r = this.rejoin;
    if (r === null || !r.history) return true;
    return r.floor !== null && term > r.floor;
  }

  private noteRejoinTerm(m: Message): void {
    const r = this.rejoin as NonNullable<typeof this.rejoin>;
    if (m.from === this.id || !this.isVoter(m.from)) return;
    // A granted pre-vote carries the term asked for, not the granter's (which may be lower): it
    // bounds nothing from below. Counted, it raised the floor to the term this node itself asked
    // for, and the guard then refused every pre-vote for that term, its own election included.
    if (m.type === 'preVoteResp' && m.granted) return;
    if (!r.history) {
      // The first message from a peer tells a first boot (a fresh cluster: term 1 at most, empty
      // logs, nothing committed) from a rejoin; on a first boot there is nothing to forget.
      if (!showsHistory(m)) {
        this.rejoin = null;
        return;
      }
      r.history = true;
    }
    // A pre-vote request carries the pre-candidate's next term (it has one less); a vote request
    // the candidate's own, already raised, term: counting one less there let this node vote again
    // in the term of a candidate it may have voted for before it lost its disk.
    const seen = m.type === 'preVote' ? m.term - 1 : m.term;
    r.heard.set(m.from, Math.max(r.heard.get(m.from) ?? 0, seen));
    if (r.floor === null && r.heard.size >= this.membership.voters.length - this.quorum() + 1) r.floor = Math.max(...r.heard.values());
    if (r.floor !== null && this.durable.term > r.floor) this.rejoin = null;
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'append':
      case 'heartbeat':
      case 'snapshot':
        // §5.2: a candidate that hears from a leader of its term returns to follower.
        this.becomeFollower(this.term, m.from);
        this.stepFollower(m);
        break;
      case 'preVoteResp':
      case 'voteResp':
        if ((m.type === 'preVoteResp') !== (this.role === 'preCandidate')) return;
        this.pollVote(m);
        break;
      default:
        break;
    }
  }

  private pollVote(m: VoteResponse): void {
    // A grant counts only for the campaign it answers (a late pre-vote grant is stale).
    const expectedTerm = this.role === 'preCandidate' ? this.term + 1 : this.term;
    if (!this.isVoter(m.from) || (m.granted && m.term !== expectedTerm)) return;
    // A grant from another data directory than the membership records for the voter (it lost its
    // disk and may have voted in this term before) does not count; nor does its refusal matter.
    const recorded = incarnationOf(this.membership, m.from);
    if (recorded !== 0 && (m.incarnation ?? 0) !== 0 && m.incarnation !== recorded) return;
    if (!this.votes.has(m.from)) this.votes.set(m.from, m.granted);
    const { won, lost } = this.tally();
    if (won) {
      if (this.role === 'preCandidate') this.campaign('election', false);
      else this.becomeLeader();
    } else if (lost) {
      this.becomeFollower(this.term, null);
    }
  }

  // ---------------------------------------------------------------- follower

  private stepFollower(m: Message): void {
    if (m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot') {
      this.voteGuardTicks = 0;
      // The leader is alive after all (only the stream back to it broke): no early campaign.
      this.leaderLostTicks = null;
    }
    switch (m.type) {
      case 'append':
        this.electionElapsed = 0;
        this.leaderId = m.from;
        this.handleAppend(m);
        break;
      case 'heartbeat':
        this.electionElapsed = 0;
        this.leaderId = m.from;
        this.handleHeartbeat(m);
        break;
      case 'snapshot':
        this.electionElapsed = 0;
        this.leaderId = m.from;
        this.handleSnapshot(m);
        break;
      case 'timeoutNow':
        // Thesis §3.10: the transfer target campaigns at once, skipping pre-vote.
        this.campaign('election', true);
        break;
      default:
        break;
    }
  }

  private handleAppend(m: AppendRequest): void {
    const reply = (success: boolean, index: number, hintIndex = 0, hintTerm = 0): void =>
      this.send({ type: 'appendResp', from: this.id, to: m.from, term: this.term, success, index, hintIndex, hintTerm, incarnation: this.incarnation });
    if (m.prevLogIndex < this.log.committed) {
      // Everything up to our commit index is known to match; tell the leader where we are.
      const skip = this.log.committed - m.prevLogIndex;
      if (skip >= m.entries.length) {
        reply(true, this.log.committed);
        return;
      }
      const rest = m.entries.slice(skip);
      const lastNew = this.log.appendFromLeader(this.log.committed, rest);
      this.noteAppended(rest);
      this.log.commitTo(Math.min(m.commit, lastNew));
      reply(true, lastNew);
      return;
    }
    // Figure 2, AppendEntries 2: reject when our log lacks prevLogIndex with prevLogTerm.
    if (this.log.matchTerm(m.prevLogIndex, m.prevLogTerm)) {
      // Figure 2, AppendEntries 3–4: drop a conflicting suffix, append what is new.
      const lastNew = this.log.appendFromLeader(m.prevLogIndex, m.entries);
      this.noteAppended(m.entries);
      // Figure 2, AppendEntries 5: commitIndex = min(leaderCommit, index of last new entry).
      this.log.commitTo(Math.min(m.commit, lastNew));
      reply(true, lastNew);
      return;
    }
    const hint = this.log.findConflictByTerm(Math.min(m.prevLogIndex, this.log.lastIndex()), m.prevLogTerm);
    reply(false, m.prevLogIndex, hint.index, hint.term);
  }

  private handleHeartbeat(m: HeartbeatRequest): void {
    // The leader sends min(match, commit), so every index up to it is in our log.
    this.log.commitTo(m.commit);
    this.send({ type: 'heartbeatResp', from: this.id, to: m.from, term: this.term, context: m.context, incarnation: this.incarnation });
  }

  private handleSnapshot(m: SnapshotRequest): void {
    const meta = m.snapshot.meta;
    const reply = (index: number): void =>
      this.send({ type: 'appendResp', from: this.id, to: m.from, term: this.term, success: true, index, hintIndex: 0, hintTerm: 0, incarnation: this.incarnation });
    if (meta.index <= this.log.committed) {
      reply(this.log.committed);
      return;
    }
    if (this.log.matchTerm(meta.index, meta.term)) {
      // We already hold every entry the snapshot covers: just move commit forward.
      this.log.commitTo(meta.index);
      reply(this.log.committed);
      return;
    }
    // §7: discard the log and restore from the snapshot.
    this.log.restore(meta);
    this.configs.restore(meta.membership);
    this.membershipChanged();
    this.pendingSnapshot = m.snapshot;
    reply(meta.index);
  }

  // ---------------------------------------------------------------- leader

  private stepLeader(m: Message): void {
    if (m.type !== 'appendResp' && m.type !== 'heartbeatResp') return;
    const pr = this.progress.get(m.from);
    if (!pr) {
      // A reply from a member removed since: the disk it came from is one it was known by.
      if (m.incarnation !== 0) this.noteFormer(m.from, [m.incarnation]);
      return;
    }
    const incarnation = pr.checkIncarnation(m.incarnation);
    if (incarnation === 'stale' || incarnation === 'refused') return;
    pr.recentActive = true;
    if (m.type === 'appendResp') this.handleAppendResponse(pr, m);
    else this.handleHeartbeatResponse(pr, m);
    // A follower that lost its disk is replicated to from the start at once.
    if (incarnation === 'lostDisk') this.sendAppend(pr.id, false);
  }

  private handleAppendResponse(pr: Progress, m: AppendResponse): void {
    if (!m.success) {
      let probeAt = m.hintIndex;
      if (m.hintTerm > 0) probeAt = this.log.findConflictByTerm(m.hintIndex, m.hintTerm).index;
      if (pr.maybeDecrTo(m.index, probeAt)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(pr.id, false);
      }
      return;
    }
    const wasPaused = pr.paused();
    if (pr.maybeUpdate(m.index)) {
      if (pr.state === 'probe') pr.becomeReplicate();
      else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
        pr.becomeProbe();
        pr.becomeReplicate();
      }
      if (this.maybeCommit()) this.committed();
      if (this.role !== 'leader') return;
      if (pr.id === this.transferTarget && pr.match === this.log.lastIndex()) {
        this.send({ type: 'timeoutNow', from: this.id, to: pr.id, term: this.term });
      }
    }
    if (wasPaused || pr.next <= this.log.lastIndex()) {
      while (this.sendAppend(pr.id, false)) {
        /* fill the in-flight window */
      }
    }
  }

  private handleHeartbeatResponse(pr: Progress, m: HeartbeatResponse): void {
    // A snapshot that was neither acknowledged nor reported within an election timeout, while its
    // follower answers heartbeats, was lost on the way: probe again (resending it if still needed).
    if (pr.state === 'snapshot' && this.ticks - pr.snapshotSentTick >= this.electionTicks) pr.becomeProbe();
    if (pr.state === 'probe') pr.probeSent = false;
    // An append lost in replicate state would otherwise never be resent: free a slot and send
    // an append from `next`; if the follower lacks what came before, its rejection probes back.
    if (pr.state === 'replicate' && pr.paused()) pr.inflights.shift();
    if (pr.match < this.log.lastIndex()) this.sendAppend(pr.id, true);
    if (m.context > pr.readAck) {
      pr.readAck = m.context;
      this.confirmReads();
    }
  }

  /** §5.3/§5.4.2: commit the highest index stored on a quorum, but only by counting current-term entries. */
  private maybeCommit(): boolean {
    const matches: number[] = [];
    for (const id of this.membership.voters) matches.push(this.progress.get(id)?.match ?? 0);
    matches.sort((a, b) => b - a);
    const idx = matches[this.quorum() - 1] ?? 0;
    if (idx > this.log.committed && this.log.term(idx) === this.term) {
      this.log.commitTo(idx);
      if (this.queuedReads.length > 0 && this.committedInTerm()) {
        const queued = this.queuedReads;
        this.queuedReads = [];
        for (const ctx of queued) this.registerRead(ctx);
      }
      return true;
    }
    return false;
  }

  private committedInTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  private registerRead(context: number): void {
    // Thesis §6.4 steps 2–3: record the commit index, then confirm leadership with a quorum.
    this.pendingReads.push({ context, index: this.log.committed });
    if (this.quorum() === 1 && this.isVoter(this.id)) this.confirmReads();
    else this.readHeartbeatPending = true;
  }

  private confirmReads(): void {
    while (this.pendingReads.length > 0) {
      const r = this.pendingReads[0] as ReadState;
      let acks = 0;
      for (const id of this.membership.voters) if (id === this.id || (this.progress.get(id)?.readAck ?? 0) >= r.context) acks++;
      if (acks < this.quorum()) break;
      this.pendingReads.shift();
      this.readStates.push(r);
    }
  }

  private flushPending(): void {
    if (this.role !== 'leader') return;
    if (this.appendPending) {
      this.appendPending = false;
      for (const id of this.progress.keys()) if (id !== this.id) this.sendAppend(id, true);
    }
    if (this.readHeartbeatPending) {
      this.readHeartbeatPending = false;
      this.bcastHeartbeat();
    }
  }

  /**
   * Send the next batch of entries to `to`, or a snapshot when they were compacted away.
   * With `allowEmpty` an append without entries still goes out (to carry the commit index).
   */
  private sendAppend(to: NodeId, allowEmpty: boolean): boolean {
    const pr = this.progress.get(to);
    if (!pr || pr.paused()) return false;
    const prevLogIndex = pr.next - 1;
    const prevLogTerm = this.log.term(prevLogIndex);
    if (prevLogTerm === undefined) return this.sendSnapshot(pr);
    const entries = this.log.slice(pr.next, this.log.lastIndex() + 1, this.maxAppendEntries, this.maxAppendBytes);
    if (entries.length === 0 && !allowEmpty) return false;
    this.send({ type: 'append', from: this.id, to, term: this.term, prevLogIndex, prevLogTerm, entries, commit: this.log.committed });
    if (this.log.committed > pr.commitSent) pr.commitSent = this.log.committed;
    const last = entries[entries.length - 1];
    pr.sentAppend(last ? last.index : null);
    return entries.length > 0;
  }

  private sendSnapshot(pr: Progress): boolean {
    const meta = this.log.snapshot;
    if (!meta) throw new Error(`raft: entries for ${pr.id} compacted without a snapshot`);
    this.send({ type: 'snapshot', from: this.id, to: pr.id, term: this.term, snapshot: { meta, data: EMPTY } });
    pr.becomeSnapshot(meta.index, this.ticks);
    return false;
  }

  private bcastHeartbeat(): void {
    const context = this.pendingReads.length > 0 ? (this.pendingReads[this.pendingReads.length - 1] as ReadState).context : 0;
    for (const [id, pr] of this.progress) {
      if (id === this.id) continue;
      const commit = Math.min(pr.match, this.log.committed);
      this.send({ type: 'heartbeat', from: this.id, to: id, term: this.term, commit, context });
      if (commit > pr.commitSent) pr.commitSent = commit;
    }
  }

  // ---------------------------------------------------------------- helpers

  private send(m: Message): void {
    this.msgs.push(m);
  }

  private quorum(): number {
    return Math.floor(this.membership.voters.length / 2) + 1;
  }

  private isVoter(id: NodeId): boolean {
    return this.membership.voters.includes(id);
  }

  /**
   * A voter campaigns; so does a node whose latest configuration removed it while that one is not
   * committed yet, for it may still be needed to commit it (thesis §4.2.2: a leader that appended
   * its own removal and lost leadership may hold the only log that can win). Its own vote does not
   * count then (`tally` counts the voters of the latest configuration). Learners, nodes outside the
   * membership and nodes whose removal committed never campaign.
   */
  private mayCampaign(): boolean {
    if (this.campaignsHeld) return false;
    if (this.isVoter(this.id)) return true;
    return this.configs.lastIndex() > this.log.committed && this.configs.previous().voters.includes(this.id);
  }

  /** The incarnation a vote reply carries (none when this node has none). */
  private voterIncarnation(): { incarnation?: number } {
    return this.incarnation === 0 ? {} : { incarnation: this.incarnation };
  }

  private newProgress(id: NodeId, next: number): Progress {
    return new Progress(id, next, this.maxInflight, incarnationOf(this.membership, id), this.formerIncarnations.get(id) ?? []);
  }

  private noteFormer(id: NodeId, incarnations: readonly number[]): void {
    const known = this.formerIncarnations.get(id) ?? [];
    for (const x of incarnations) if (!known.includes(x)) known.push(x);
    this.formerIncarnations.set(id, known);
  }

  /** A follower took `entries` from the leader: the config entries among them (and any cut off) count now. */
  private noteAppended(entries: readonly Entry[]): void {
    const before = this.membership;
    this.configs.truncated((i) => this.log.term(i));
    this.configs.appended(entries.filter((e) => this.log.term(e.index) === e.term));
    if (this.configs.current() !== before) this.membershipChanged();
  }

  /**
   * The membership in force changed. A leader tracks every member: new ones are probed from its
   * log's end, removed ones forgotten but for the incarnations they were known by (a member added
   * back gets a new record, which must know them); a member's recorded incarnation follows the
   * membership.
   */
  private membershipChanged(): void {
    this.membership = this.configs.current();
    if (this.role !== 'leader') return;
    const last = this.log.lastIndex();
    for (const id of members(this.membership)) {
      const pr = this.progress.get(id);
      if (pr === undefined) this.progress.set(id, this.newProgress(id, last + 1));
      else pr.expect(incarnationOf(this.membership, id));
    }
    for (const [id, pr] of [...this.progress]) {
      if (id === this.id || isMember(this.membership, id)) continue;
      this.noteFormer(id, pr.known());
      this.progress.delete(id);
    }
    if (this.transferTarget !== null && !this.isVoter(this.transferTarget)) this.transferTarget = null;
  }

  /** The leader's commit index moved: push it, and step down if the membership it committed left it out. */
  private committed(): void {
    if (this.deferCommitNotice) this.commitNoticeOwed = true;
    else this.appendPending = true;
    if (this.isVoter(this.id) || this.configs.lastIndex() > this.log.committed) return;
    // Thesis §4.2.2: a leader removed from the cluster steps down once its removal is committed
    // (until then it leads a cluster it is not part of, counting only the others). It hands over
    // to the most up-to-date voter so the cluster need not wait out an election timeout.
    let best: Progress | undefined;
    for (const id of this.membership.voters) {
      const pr = this.progress.get(id);
      if (pr !== undefined && (best === undefined || pr.match > best.match)) best = pr;
    }
    // It holds the committed removal; what it lacks goes just ahead of the TimeoutNow on the same
    // link (entries after the removal, proposed here, may be lost either way: their callers learn
    // OUTCOME_UNKNOWN). A target whose log is still behind loses its election and an ordinary one
    // follows.
    if (best !== undefined) {
      if (best.match < this.log.lastIndex()) this.sendAppend(best.id, true);
      this.send({ type: 'timeoutNow', from: this.id, to: best.id, term: this.term });
    }
    this.becomeFollower(this.term, null);
  }

  /**
   * Records, one change at a time, the data-directory incarnation of each member the leader has
   * heard from (itself included) that the membership does not name yet, so that every later leader
   * knows a member that comes back from an empty disk under an old id and refuses it. Not one a
   * member removed in this term was known by (`Progress.bindable`): a late reply from its old disk
   * may be the first this leader hears after it was added back; a later leader records it if it
   * is the one the member answers from.
   */
  private bindIncarnations(): void {
    if (this.configs.lastIndex() > this.log.committed || !this.committedInTerm() || this.transferTarget !== null) return;
    for (const id of members(this.membership)) {
      if (incarnationOf(this.membership, id) !== 0) continue;
      const incarnation = id === this.id ? this.incarnation : (this.progress.get(id)?.bindable() ?? 0);
      if (incarnation > 0) {
        this.proposeChange({ kind: 'bind', id, incarnation });
        return;
      }
    }
  }

  private assertNotInReady(): void {
    if (this.inReady) throw new Error('raft: input between ready() and advance()');
  }
}

/** A message that could only come from a cluster that has been running: see `Raft.rejoinAllows`. */
function showsHistory(m: Message): boolean {
  if (m.term > 1) return true;
  switch (m.type) {
    case 'vote':
    case 'preVote':
      return m.lastLogIndex > 0;
    case 'append':
      return m.prevLogIndex > 0 || m.commit > 0;
    case 'heartbeat':
      return m.commit > 0;
    case 'snapshot':
      return true;
    default:
      return false;
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
