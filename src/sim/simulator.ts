import { decodeMembership, isMember, members, Raft } from '../raft/index.js';
import type { ClusterMembership, Entry, MembershipChange, Message, NodeId, Ready, Snapshot } from '../raft/index.js';
import { entryKey, SafetyChecker, SafetyViolation } from './checker.js';
import { emptyDisk, persistReady, type Disk } from './disk.js';
import { EventQueue } from './events.js';
import { SeededRandom } from './random.js';

/** Options of one simulated run. Times are virtual milliseconds. */
export interface SimOptions {
  readonly seed: number;
  /** Cluster size. Default 3. */
  readonly nodes?: number;
  /** Faulty phase length. Default 3000. */
  readonly durationMs?: number;
  /** After faults heal, a new proposal must be applied everywhere within this long. Default 5000. */
  readonly livenessMs?: number;
  /** Receives one line per notable event (role changes, writes, commits, faults), for replaying a seed. */
  readonly trace?: (line: string) => void;
  /**
   * Chance (0..1) that a node writing a snapshot received from the leader crashes around that
   * write: usually before it lands (the install is lost), sometimes just after. Random crashes
   * alone almost never hit the ~1 ms write. Default 0 (and then no extra random draws, so every
   * seed replays as before).
   */
  readonly snapshotInstallCrashRate?: number;
  /**
   * Membership changes during the faults: new nodes (`n4`, `n5`, … with empty disks, outside the
   * membership) join as learners, learners are promoted (usually once caught up) and voters
   * (the leader too) and learners are removed, keeping about `nodes` voters but going down to two
   * and one now and then. A node stops for good a while after its removal commits. Every node then
   * has a data-directory incarnation, so leaders bind them. Default false (and then no extra random
   * draws, so every seed replays as before).
   */
  readonly membershipChanges?: boolean;
}

export interface SimStats {
  elections: number;
  proposalsAccepted: number;
  committed: number;
  messagesSent: number;
  messagesDropped: number;
  crashes: number;
  pauses: number;
  partitions: number;
  snapshotsTaken: number;
  snapshotsInstalled: number;
  /** Crashes of a node while it was writing a snapshot received from the leader (the install is lost). */
  crashesDuringSnapshotInstall: number;
  /** Append messages that reached a node while it was writing a snapshot received from the leader. */
  appendsDuringSnapshotInstall: number;
  readsConfirmed: number;
  transfers: number;
  /** Membership changes the simulation proposed that a leader accepted, by kind. */
  learnersAdded: number;
  promotions: number;
  removals: number;
  /** Removals a leader accepted of itself. */
  leaderRemovals: number;
  /** Config entries committed (binds included). */
  configsCommitted: number;
  /** Of those, configurations with fewer than three voters. */
  smallConfigs: number;
  /** Removed nodes stopped for good. */
  decommissioned: number;
}

export interface SimResult {
  readonly seed: number;
  readonly violation: string | null;
  readonly stats: SimStats;
  readonly virtualMs: number;
}

const TICK_MS = 10;
const ELECTION_TICKS = 10;
const HEARTBEAT_TICKS = 2;

/** One simulated process: a Raft core, its disk (what survives a crash) and its state machine. */
class SimNode {
  raft: Raft | null = null;
  /** Incremented on every crash, so callbacks of a dead incarnation are ignored. */
  incarnation = 0;
  disk: Disk = emptyDisk();
  /** Its disk's data-directory incarnation (`RaftOptions.incarnation`); 0 without membership changes. */
  diskIncarnation = 0;
  /** Stopped for good (removed from the cluster): never restarted. */
  retired = false;
  /** Its commit index as last checked against the disks of its configuration's voters (see `checkCommitQuorum`). */
  quorumChecked = 0;
  busy = false;
  /** True while the Ready being written carries a snapshot from the leader. */
  installing = false;
  pausedUntil = 0;
  inbox: ((raft: Raft) => void)[] = [];
  smIndex = 0;
  smHash = 0x811c9dc5;
  lastCommit = 0;
  readStarts = new Map<number, number>();

  /** `bootstrap`: the membership it starts with while its log and snapshot hold none. */
  constructor(
    readonly id: NodeId,
    readonly bootstrap: ClusterMembership,
  ) {}
}

/**
 * A seeded, virtual-time simulation of a Raft cluster on an unreliable network: messages are
 * dropped, duplicated, delayed and reordered; partitions come and go; nodes crash (losing
 * whatever they had not persisted), restart from their disk, and pause. A steady stream of
 * proposals, linearizable reads and leadership transfers runs throughout, and, with
 * `membershipChanges`, nodes join, are promoted and are removed. Every step is checked by
 * {@link SafetyChecker} (one leader per term whatever the configurations, a commit only on a
 * majority of the committing leader's voters' disks, committed entries never changing, the same
 * state on every node at every applied index); after the faults heal a leader must emerge and
 * commit a new proposal on every member of the latest committed configuration.
 */
export class Simulation {
  private readonly rng: SeededRandom;
  private readonly q = new EventQueue();
  private readonly check = new SafetyChecker();
  private readonly nodes: SimNode[];
  private readonly ids: NodeId[];
  private readonly byId = new Map<NodeId, SimNode>();
  /** The configuration of the highest config entry any node has applied (or installed in a snapshot). */
  private committedConfig: { index: number; membership: ClusterMembership };
  /** A node started to join, until the configuration that adds it commits. */
  private joining: SimNode | null = null;
  /** Removed nodes whose stop is scheduled. */
  private readonly retiring = new Set<NodeId>();
  private readonly blocked = new Set<string>();
  private dropRate: number;
  private dupRate: number;
  private readonly snapshotEvery: number;
  private faultsOn = true;
  private proposalSeq = 0;
  private probe: { index: number; key: string } | null = null;
  readonly stats: SimStats = {
    elections: 0,
    proposalsAccepted: 0,
    committed: 0,
    messagesSent: 0,
    messagesDropped: 0,
    crashes: 0,
    pauses: 0,
    partitions: 0,
    snapshotsTaken: 0,
    snapshotsInstalled: 0,
    crashesDuringSnapshotInstall: 0,
    appendsDuringSnapshotInstall: 0,
    readsConfirmed: 0,
    transfers: 0,
    learnersAdded: 0,
    promotions: 0,
    removals: 0,
    leaderRemovals: 0,
    configsCommitted: 0,
    smallConfigs: 0,
    decommissioned: 0,
  };

  constructor(private readonly opts: SimOptions) {
    this.rng = new SeededRandom(opts.seed);
    const n = opts.nodes ?? 3;
    this.ids = Array.from({ length: n }, (_, i) => `n${i + 1}`);
    const initial: ClusterMembership = { voters: [...this.ids] };
    this.committedConfig = { index: 0, membership: initial };
    this.nodes = [];
    for (const id of this.ids) this.addNode(new SimNode(id, initial));
    this.dropRate = this.rng.next() * 0.1;
    this.dupRate = this.rng.next() * 0.05;
    this.snapshotEvery = this.rng.between(15, 150);
  }

  run(): SimResult {
    const duration = this.opts.durationMs ?? 3000;
    const liveness = this.opts.livenessMs ?? 5000;
    let violation: string | null = null;
    try {
      for (const node of this.nodes) this.start(node);
      this.scheduleLoad();
      this.q.schedule(this.rng.between(200, 600), () => this.fault());
      if (this.opts.membershipChanges === true) this.q.schedule(this.rng.between(100, 400), () => this.changeMembership());
      while (this.q.runNext(duration)) {
        /* faulty phase */
      }
      this.healAll();
      const deadline = duration + liveness;
      while (!this.converged() && this.q.runNext(deadline)) {
        /* calm phase: wait for a leader to commit a new proposal everywhere */
      }
      if (!this.converged()) {
        violation = `liveness: no proposal committed on every node within ${liveness} ms after healing`;
      }
    } catch (err) {
      // A broken internal invariant (thrown by the core) is as much a failure as a safety check.
      violation = err instanceof SafetyViolation ? err.message : `crash: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    }
    this.stats.committed = this.check.maxCommitted;
    return { seed: this.opts.seed, violation, stats: this.stats, virtualMs: this.q.now };
  }

  // ------------------------------------------------------------------ processes

  private start(node: SimNode): void {
    const d = node.disk;
    this.trace(`${node.id} START from disk term ${d.hard.term} vote ${d.hard.vote ?? '-'} commit ${d.hard.commit} last ${d.logStart.index + d.entries.length}`);
    node.raft = new Raft({
      id: node.id,
      membership: node.bootstrap,
      ...(node.diskIncarnation !== 0 ? { incarnation: node.diskIncarnation } : {}),
      electionTicks: ELECTION_TICKS,
      heartbeatTicks: HEARTBEAT_TICKS,
      random: () => this.rng.next(),
      maxAppendEntries: this.rng.between(1, 64),
      maxInflight: this.rng.between(1, 16),
      emptyStartVoteDelayTicks: 2 * ELECTION_TICKS,
      initial: {
        hardState: d.hard,
        snapshot: d.snapshot?.meta ?? null,
        entries: d.entries,
        applied: d.snapshot?.meta.index ?? 0,
        logStart: d.logStart,
      },
    });
    node.busy = false;
    node.inbox = [];
    node.readStarts.clear();
    node.smIndex = 0;
    node.smHash = 0x811c9dc5;
    if (d.snapshot) this.restoreSm(node, d.snapshot);
    node.lastCommit = node.raft.status().commitIndex;
    node.quorumChecked = node.lastCommit;
    const inc = node.incarnation;
    const tick = (): void => {
      if (node.incarnation !== inc) return;
      // A stopped process's timers do not pile up: it sees at most one late tick on resume.
      if (node.pausedUntil <= this.q.now) this.input(node, (r) => r.tick());
      this.q.schedule(TICK_MS, tick);
    };
    this.q.schedule(this.rng.between(1, TICK_MS), tick);
  }

  /** Kill the process: what it had not written is lost. `stop`: it was removed and stops for good (no crash counted). */
  private crash(node: SimNode, stop = false): void {
    if (!node.raft) return;
    this.trace(`${node.id} ${stop ? 'STOP' : 'CRASH'} (disk last ${node.disk.logStart.index + node.disk.entries.length})`);
    if (node.installing) this.stats.crashesDuringSnapshotInstall++;
    node.installing = false;
    node.raft = null;
    node.incarnation++;
    node.pausedUntil = 0;
    node.busy = false;
    node.inbox = [];
    if (!stop) this.stats.crashes++;
    // Its peers' streams to it break as its kernel closes its sockets: each learns within a few ms.
    for (const other of this.nodes) {
      if (other === node || other.raft === null) continue;
      this.q.schedule(this.rng.between(0, 3), () => this.input(other, (r) => r.leaderUnreachable(node.id)));
    }
  }

  /** Run an input now, or queue it while the node is writing a Ready or paused. */
  private input(node: SimNode, fn: (raft: Raft) => void): void {
    if (!node.raft) return;
    if (node.busy || node.pausedUntil > this.q.now) {
      if (node.inbox.length < 10_000) node.inbox.push(fn);
      return;
    }
    this.feed(node, node.raft, fn);
    this.pump(node);
  }

  /** Hand one input to the core, and check any commit it made as leader. */
  private feed(node: SimNode, raft: Raft, fn: (raft: Raft) => void): void {
    const wasLeader = raft.status().role === 'leader';
    fn(raft);
    this.checkCommitQuorum(node, raft, wasLeader);
  }

  /** Every commit a leader makes, in the configuration in force in its log at that moment (see `SafetyChecker.leaderCommitted`). */
  private checkCommitQuorum(node: SimNode, raft: Raft, wasLeader: boolean): void {
    const st = raft.status();
    if (st.commitIndex <= node.quorumChecked) return;
    if (wasLeader) {
      for (let i = node.quorumChecked + 1; i <= st.commitIndex; i++) {
        const e = raft.entries(i, i + 1)[0];
        if (e) this.check.leaderCommitted(node.id, st.term, e, st.membership.voters, (v) => this.diskHolds(v, e));
      }
    }
    node.quorumChecked = st.commitIndex;
  }

  /** `id`'s disk holds `e`, or a snapshot covering it. */
  private diskHolds(id: NodeId, e: Entry): boolean {
    const d = this.byId.get(id)?.disk;
    if (!d) return false;
    if (d.snapshot !== null && d.snapshot.meta.index >= e.index) return true;
    return d.entries[e.index - d.logStart.index - 1]?.term === e.term;
  }

  private trace(line: string): void {
    this.opts.trace?.(`${this.q.now.toFixed(1).padStart(8)} ${line}`);
  }

  private pump(node: SimNode): void {
    const raft = node.raft;
    if (!raft || node.busy || !raft.hasReady()) return;
    const rd = raft.ready();
    if (this.opts.trace) {
      const st = raft.status();
      if (rd.softState) this.trace(`${node.id} ${rd.softState.role} term ${st.term} leader ${rd.softState.leaderId ?? '-'} last ${st.lastLogIndex}/${st.lastLogTerm}`);
      const e0 = rd.entries[0];
      if (e0) this.trace(`${node.id} write entries ${e0.index}..${e0.index + rd.entries.length - 1} terms ${[...new Set(rd.entries.map((e) => e.term))].join(',')}`);
      if (rd.hardState) this.trace(`${node.id} write hard ${JSON.stringify(rd.hardState)}`);
      if (rd.snapshot) this.trace(`${node.id} write snapshot ${rd.snapshot.meta.index}/${rd.snapshot.meta.term}`);
      for (const m of [...rd.sendNow, ...rd.sendAfterPersist]) {
        if (m.type === 'append' && m.entries.length > 0) this.trace(`${m.from}->${m.to} append prev ${m.prevLogIndex}/${m.prevLogTerm} n ${m.entries.length} commit ${m.commit} t${m.term}`);
        else if (m.type === 'appendResp') this.trace(`${m.from}->${m.to} appendResp ${m.success ? 'ok' : 'reject'} ${m.index} hint ${m.hintIndex}/${m.hintTerm} t${m.term}`);
        else if (m.type === 'vote' || m.type === 'voteResp' || m.type === 'preVote' || m.type === 'preVoteResp' || m.type === 'snapshot' || m.type === 'timeoutNow') {
          const detail = m.type === 'vote' || m.type === 'preVote' ? [m.lastLogIndex, m.lastLogTerm] : m.type === 'voteResp' || m.type === 'preVoteResp' ? m.granted : '';
          this.trace(`${m.from}->${m.to} ${m.type} t${m.term} ${JSON.stringify(detail)}`);
        }
      }
    }
    if (rd.softState?.role === 'leader') {
      const st = raft.status();
      this.stats.elections++;
      this.check.leaderElected(st.term, node.id);
      this.check.checkLeaderComplete(node.id, st.term, st.firstLogIndex, st.lastLogIndex, (i) => raft.entries(i, i + 1)[0]);
    }
    this.sendAll(node, rd.sendNow);
    // As the node driver does: committed entries are applied while the write runs (they are
    // durable on a majority already), unless a snapshot must be installed first.
    if (rd.snapshot === null) for (const e of rd.committedEntries) this.applyEntry(node, e);
    const needsWrite = rd.hardState !== null || rd.entries.length > 0 || rd.snapshot !== null;
    if (!needsWrite) {
      this.finishReady(node, rd);
      return;
    }
    node.busy = true;
    node.installing = rd.snapshot !== null;
    const inc = node.incarnation;
    const writeMs = 0.2 + this.rng.next() * 2.5;
    this.q.schedule(writeMs, () => {
      if (node.incarnation !== inc) return; // crashed mid-write: nothing reached the disk
      node.installing = false;
      this.persist(node, rd);
      this.finishReady(node, rd);
    });
    const crashRate = this.opts.snapshotInstallCrashRate ?? 0;
    if (rd.snapshot !== null && crashRate > 0 && this.faultsOn && this.rng.chance(crashRate)) {
      this.q.schedule(this.rng.next() * writeMs * 1.5, () => {
        if (node.incarnation !== inc) return;
        this.crash(node);
        this.q.schedule(this.rng.between(20, 300), () => {
          if (!node.raft && !node.retired) this.start(node);
        });
      });
    }
  }

  private persist(node: SimNode, rd: Ready): void {
    const prevTerm = persistReady(node.disk, rd, node.id);
    if (prevTerm !== null) this.check.entriesStored(node.id, rd.entries, prevTerm);
  }

  private finishReady(node: SimNode, rd: Ready): void {
    const raft = node.raft as Raft;
    this.sendAll(node, rd.sendAfterPersist);
    if (rd.snapshot) {
      this.restoreSm(node, rd.snapshot);
      this.stats.snapshotsInstalled++;
      for (const e of rd.committedEntries) this.applyEntry(node, e);
    }
    for (const rs of rd.readStates) {
      const start = node.readStarts.get(rs.context);
      if (start === undefined) throw new SafetyViolation(`${node.id}: read state for unknown context ${rs.context}`);
      node.readStarts.delete(rs.context);
      this.check.readConfirmed(node.id, rs.index, start);
      this.stats.readsConfirmed++;
    }
    for (const ctx of rd.droppedReads) node.readStarts.delete(ctx);
    this.feed(node, raft, (r) => r.advance(rd));
    node.busy = false;
    const { commitIndex: commit, term } = raft.status();
    if (commit > node.lastCommit) {
      this.trace(`${node.id} commit ${commit}`);
      this.check.commitAdvanced(node.id, term, node.lastCommit, commit, (i) => raft.entries(i, i + 1)[0]);
      node.lastCommit = commit;
    }
    this.maybeSnapshot(node);
    this.drainInbox(node);
  }

  private drainInbox(node: SimNode): void {
    if (!node.raft || node.busy || node.pausedUntil > this.q.now) return;
    const queued = node.inbox;
    node.inbox = [];
    for (const fn of queued) this.feed(node, node.raft, fn);
    this.pump(node);
  }

  // ------------------------------------------------------------------ state machine

  private applyEntry(node: SimNode, e: Entry): void {
    if (e.index !== node.smIndex + 1) {
      throw new SafetyViolation(`${node.id}: applied index ${e.index} after ${node.smIndex} (out of order or twice)`);
    }
    node.smIndex = e.index;
    node.smHash = fnv(node.smHash, `${e.index}|${entryKey(e)}`);
    this.check.applied(node.id, e.index, node.smHash);
    if (e.type === 'config') this.configCommitted(e.index, decodeMembership(e.data), true);
  }

  /** A configuration is known committed: a config entry applied (`entry`), or a snapshot's. */
  private configCommitted(index: number, membership: ClusterMembership, entry: boolean): void {
    if (index <= this.committedConfig.index) return;
    this.committedConfig = { index, membership };
    if (!entry) return;
    this.stats.configsCommitted++;
    if (membership.voters.length < 3) this.stats.smallConfigs++;
    this.trace(`CONFIG ${index} committed: voters ${membership.voters.join(',')} learners ${(membership.learners ?? []).join(',') || '-'}`);
    if (this.joining !== null && isMember(membership, this.joining.id)) this.joining = null;
  }

  private restoreSm(node: SimNode, snap: Snapshot): void {
    const v = new DataView(snap.data.buffer, snap.data.byteOffset, snap.data.byteLength);
    node.smIndex = v.getUint32(0);
    node.smHash = v.getUint32(4);
    if (node.smIndex !== snap.meta.index) throw new SafetyViolation(`${node.id}: snapshot data at ${node.smIndex}, meta at ${snap.meta.index}`);
    this.check.snapshotRestored(node.id, node.smIndex, node.smHash);
    // A node that joined took the log from its start, where its own bootstrap ({ voters: [] }) is
    // the base: its snapshots below the first config entry say nothing of the cluster's.
    if (snap.meta.membership.voters.length > 0) this.configCommitted(snap.meta.index, snap.meta.membership, false);
  }

  private maybeSnapshot(node: SimNode): void {
    const raft = node.raft as Raft;
    const d = node.disk;
    const snapIndex = d.snapshot?.meta.index ?? 0;
    if (node.smIndex - snapIndex < this.snapshotEvery) return;
    const data = new Uint8Array(8);
    const v = new DataView(data.buffer);
    v.setUint32(0, node.smIndex);
    v.setUint32(4, node.smHash);
    const keep = this.rng.int(8);
    const firstIndex = Math.max(d.logStart.index + 1, node.smIndex + 1 - keep);
    const meta = raft.compact(node.smIndex, firstIndex);
    d.snapshot = { meta, data };
    const drop = firstIndex - 1 - d.logStart.index;
    if (drop > 0) {
      const newStart = d.entries[drop - 1] as Entry;
      d.entries = d.entries.slice(drop);
      d.logStart = { index: newStart.index, term: newStart.term };
    }
    this.stats.snapshotsTaken++;
  }

  // ------------------------------------------------------------------ network

  private sendAll(node: SimNode, msgs: readonly Message[]): void {
    for (let m of msgs) {
      if (m.type === 'snapshot') {
        const snap = node.disk.snapshot;
        if (!snap || snap.meta.index !== m.snapshot.meta.index) throw new SafetyViolation(`${node.id}: sends a snapshot it does not hold`);
        m = { ...m, snapshot: snap };
      }
      this.stats.messagesSent++;
      const copies = this.faultsOn && this.rng.chance(this.dupRate) ? 2 : 1;
      for (let c = 0; c < copies; c++) this.transmit(m);
    }
  }

  private transmit(m: Message): void {
    if (this.blocked.has(`${m.from}>${m.to}`) || (this.faultsOn && this.rng.chance(this.dropRate))) {
      this.stats.messagesDropped++;
      return;
    }
    const delay = this.faultsOn && this.rng.chance(0.02) ? this.rng.between(10, 60) : 0.1 + this.rng.next() * 3;
    this.q.schedule(delay, () => {
      if (this.blocked.has(`${m.from}>${m.to}`)) {
        this.stats.messagesDropped++;
        return;
      }
      const to = this.byId.get(m.to);
      if (to?.installing === true && m.type === 'append') this.stats.appendsDuringSnapshotInstall++;
      if (to) this.input(to, (r) => r.step(m));
    });
  }

  // ------------------------------------------------------------------ load and faults

  private leaders(): SimNode[] {
    return this.nodes.filter((n) => n.raft?.status().role === 'leader');
  }

  private scheduleLoad(): void {
    const propose = (): void => {
      const leaders = this.leaders();
      const target = leaders.length > 0 && this.rng.chance(0.9) ? this.rng.pick(leaders) : this.rng.pick(this.nodes);
      const seq = ++this.proposalSeq;
      const data = new TextEncoder().encode(`p${seq}`);
      this.input(target, (r) => {
        const res = r.propose(data);
        if (!res.ok) return;
        this.stats.proposalsAccepted++;
        if (!this.faultsOn && this.probe === null) this.probe = { index: res.index, key: `normal:p${seq}` };
      });
      this.q.schedule(this.rng.between(1, 12), propose);
    };
    const read = (): void => {
      const leaders = this.leaders();
      if (leaders.length > 0) {
        const node = this.rng.pick(leaders);
        this.input(node, (r) => {
          const res = r.readIndex();
          if (res.ok) node.readStarts.set(res.context, this.check.maxCommitted);
        });
      }
      this.q.schedule(this.rng.between(5, 40), read);
    };
    this.q.schedule(this.rng.between(1, 20), propose);
    this.q.schedule(this.rng.between(1, 50), read);
  }

  private fault(): void {
    if (!this.faultsOn) return;
    const live = this.nodes.filter((n) => n.raft !== null);
    const kind = this.rng.int(8);
    if (kind <= 1 && live.length > 0) {
      // crash a node (the leader half the time); restart it later from its disk
      const leaders = this.leaders();
      const victim = kind === 0 && leaders.length > 0 ? this.rng.pick(leaders) : this.rng.pick(live);
      this.crash(victim);
      this.q.schedule(this.rng.between(20, 600), () => {
        if (!victim.raft && !victim.retired) this.start(victim);
      });
    } else if (kind === 2 && live.length > 0) {
      // pause (SIGSTOP) longer than an election timeout, then continue
      const victim = this.rng.pick(live);
      victim.pausedUntil = this.q.now + this.rng.between(50, 400);
      this.stats.pauses++;
      const inc = victim.incarnation;
      this.q.schedule(victim.pausedUntil - this.q.now, () => {
        if (victim.incarnation === inc) this.drainInbox(victim);
      });
    } else if (kind === 3 || kind === 4) {
      this.partition(kind === 3);
      this.q.schedule(this.rng.between(100, 800), () => this.blocked.clear());
    } else if (kind === 5) {
      // one-way link failure
      const a = this.rng.pick(this.nodes);
      const b = this.rng.pick(this.ids.filter((x) => x !== a.id));
      this.blocked.add(`${a.id}>${b}`);
      // Sometimes a's stream to b breaks while b lives (a leader b must not be deposed for it).
      if (this.rng.chance(0.5)) this.input(a, (r) => r.leaderUnreachable(b));
      this.q.schedule(this.rng.between(100, 800), () => this.blocked.delete(`${a.id}>${b}`));
    } else if (kind === 6) {
      const leaders = this.leaders();
      if (leaders.length > 0) {
        const l = this.rng.pick(leaders);
        const to = this.rng.pick(this.ids.filter((x) => x !== l.id));
        this.input(l, (r) => {
          if (r.transferLeadership(to)) this.stats.transfers++;
        });
      }
    } else {
      this.dropRate = this.rng.next() * 0.15;
      this.dupRate = this.rng.next() * 0.05;
    }
    this.q.schedule(this.rng.between(50, 400), () => this.fault());
  }

  /** Split the cluster in two, or isolate the leader. */
  private partition(isolateLeader: boolean): void {
    this.stats.partitions++;
    const leaders = this.leaders();
    let side: NodeId[];
    if (isolateLeader && leaders.length > 0) side = [this.rng.pick(leaders).id];
    else {
      const size = this.rng.between(1, Math.floor(this.ids.length / 2));
      side = [...this.ids].sort(() => this.rng.next() - 0.5).slice(0, size);
    }
    for (const a of this.ids) {
      for (const b of this.ids) {
        if (a !== b && side.includes(a) !== side.includes(b)) this.blocked.add(`${a}>${b}`);
      }
    }
    this.trace(`PARTITION ${side.join(',')} | rest`);
  }

  private healAll(): void {
    this.faultsOn = false;
    this.blocked.clear();
    for (const n of this.nodes) {
      if (!n.raft) {
        if (!n.retired) this.start(n);
      } else if (n.pausedUntil > this.q.now) {
        n.pausedUntil = 0;
        this.drainInbox(n);
      }
    }
  }

  private converged(): boolean {
    const p = this.probe;
    if (!p) return false;
    const key = this.check.committedKey(p.index);
    if (key !== undefined && key !== p.key) {
      this.probe = null; // accepted by a leader that was then deposed: wait for the next one
      return false;
    }
    // Every member of the latest committed configuration (everyone, without membership changes).
    const current = members(this.committedConfig.membership).map((id) => this.byId.get(id) as SimNode);
    return current.every((n) => n.raft !== null && n.smIndex >= p.index) && this.check.committedKey(p.index) === p.key;
  }

  // ------------------------------------------------------------------ membership changes

  private addNode(node: SimNode): void {
    if (this.opts.membershipChanges === true) node.diskIncarnation = this.rng.between(1, 2 ** 31);
    this.nodes.push(node);
    this.byId.set(node.id, node);
    if (!this.ids.includes(node.id)) this.ids.push(node.id);
  }

  /**
   * One random membership change through a leader (see `SimOptions.membershipChanges`), and the
   * stop, a while later, of nodes the latest committed configuration no longer has.
   */
  private changeMembership(): void {
    if (!this.faultsOn) return;
    this.retireRemoved();
    const leaders = this.leaders();
    if (leaders.length > 0) {
      const leader = this.rng.pick(leaders);
      // Now and then a burst: the leader must refuse all but the first (pending).
      const burst = this.rng.chance(0.2) ? this.rng.between(2, 3) : 1;
      this.input(leader, (r) => {
        for (let i = 0; i < burst; i++) {
          const change = this.pickChange(leader);
          if (change === null) continue;
          const res = r.proposeChange(change);
          this.trace(`${leader.id} proposeChange ${JSON.stringify(change)}: ${res.ok ? `index ${res.index}` : res.reason}`);
          if (!res.ok) continue;
          if (change.kind === 'addLearner') this.stats.learnersAdded++;
          else if (change.kind === 'promote') this.stats.promotions++;
          else if (change.kind === 'remove') {
            this.stats.removals++;
            if (change.id === leader.id) this.stats.leaderRemovals++;
          }
        }
      });
    }
    this.q.schedule(this.rng.between(50, 400), () => this.changeMembership());
  }

  /** A change that applies to `leader`'s configuration, or null this round. */
  private pickChange(leader: SimNode): MembershipChange | null {
    const st = (leader.raft as Raft).status();
    const m = st.membership;
    const voters = m.voters;
    const learners = m.learners ?? [];
    const size = this.opts.nodes ?? 3;
    switch (this.rng.int(4)) {
      case 0: {
        // A new node joins (or the one joining is proposed again: its last try was lost).
        if (this.joining === null) {
          if (members(m).length >= size + 2) return null;
          const node = new SimNode(`n${this.nodes.length + 1}`, { voters: [] });
          this.addNode(node);
          this.start(node);
          this.joining = node;
        }
        if (isMember(m, this.joining.id)) return null;
        // Half the time the leader learns its incarnation from its first reply (a bind).
        const incarnation = this.rng.chance(0.5) ? { incarnation: this.joining.diskIncarnation } : {};
        return { kind: 'addLearner', id: this.joining.id, ...incarnation };
      }
      case 1: {
        if (learners.length === 0 || voters.length >= size + 2) return null;
        const id = this.rng.pick(learners);
        const caughtUp = (st.progress.find((p) => p.id === id)?.match ?? 0) >= st.commitIndex;
        return caughtUp || this.rng.chance(0.2) ? { kind: 'promote', id } : null;
      }
      case 2: {
        // Keep about `size` voters; now and then go below, down to one.
        if (voters.length <= 1 || (voters.length <= size && !this.rng.chance(0.15))) return null;
        const id = this.rng.chance(0.4) ? leader.id : this.rng.pick(voters);
        return { kind: 'remove', id };
      }
      default:
        return learners.length > 0 ? { kind: 'remove', id: this.rng.pick(learners) } : null;
    }
  }

  /** Stop for good, a while later, each node the latest committed configuration no longer has. */
  private retireRemoved(): void {
    for (const n of this.nodes) {
      if (n.retired || n === this.joining || this.retiring.has(n.id) || isMember(this.committedConfig.membership, n.id)) continue;
      this.retiring.add(n.id);
      this.q.schedule(this.rng.between(0, 1500), () => {
        this.crash(n, true);
        n.retired = true;
        this.stats.decommissioned++;
      });
    }
  }
}

function fnv(h: number, s: string): number {
  let x = h;
  for (let i = 0; i < s.length; i++) {
    x ^= s.charCodeAt(i);
    x = Math.imul(x, 0x01000193) >>> 0;
  }
  return x;
}
