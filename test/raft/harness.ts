/**
 * A tiny synchronous test network for the Raft core: N nodes (`n1`..`nN`, the voters it starts
 * with) and any that `join` later, each with an in-memory "disk" written when a Ready is handled, a
 * state machine that records applied payloads, and one FIFO message queue. Nothing here is asynchronous: `deliverAll()` runs the
 * cluster until no node has a Ready and no message is in flight.
 *
 * The Ready of every node is handled in the documented order (types.ts): send `sendNow`,
 * persist snapshot → entries → hard state, send `sendAfterPersist`, apply, `advance`.
 */
import { Raft } from '../../src/raft/index.js';
import type {
  AppendRequest,
  AppendResponse,
  ChangeResult,
  ClusterMembership,
  Entry,
  EntryType,
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
  Snapshot,
  VoteRequest,
  VoteResponse,
} from '../../src/raft/index.js';
import { emptyDisk, persistReady, SeededRandom, type Disk } from '../../src/sim/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Tuning knobs a test may set; everything else the harness owns. */
export type Tuning = Partial<
  Pick<RaftOptions, 'electionTicks' | 'heartbeatTicks' | 'preVote' | 'checkQuorum' | 'maxAppendEntries' | 'maxAppendBytes' | 'maxInflight' | 'emptyStartVoteDelayTicks' | 'incarnation' | 'commitNotice'>
>;

/**
 * What the harness runs with unless a test says otherwise: a heartbeat (and so a round of appends)
 * on every tick, so hand-stepped tests see one round of messages per `tick`. The core's own default
 * is the cluster's (`LIMITS.heartbeatTicks`, 2).
 */
const HARNESS_TUNING: Tuning = { heartbeatTicks: 1 };

/** A node's starting disk, written compactly. */
export interface DiskSeed {
  readonly term?: number;
  readonly vote?: NodeId | null;
  readonly commit?: number;
  /** Terms of entries 1..n. Entry `i` of term `t` carries the payload `i{i}t{t}` (see {@link entry}). */
  readonly log?: readonly number[];
}


export interface AppliedItem {
  readonly index: number;
  readonly payload: string;
}

/** One entry; by default its payload names index and term, so equal (index, term) means equal content. */
export function entry(index: number, term: number, payload = `i${index}t${term}`, type: EntryType = 'normal'): Entry {
  return { index, term, type, data: enc.encode(payload) };
}

/** Entries 1..n with the given terms. */
export function logOf(terms: readonly number[]): Entry[] {
  return terms.map((t, i) => entry(i + 1, t));
}

export function payload(e: Entry): string {
  return dec.decode(e.data);
}

export function ids(n: number): NodeId[] {
  return Array.from({ length: n }, (_, i) => `n${i + 1}`);
}

function diskFrom(seed: DiskSeed | undefined): Disk {
  return {
    hard: { term: seed?.term ?? 0, vote: seed?.vote ?? null, commit: seed?.commit ?? 0 },
    snapshot: null,
    entries: logOf(seed?.log ?? []),
    logStart: { index: 0, term: 0 },
  };
}

function encodeSm(items: readonly AppliedItem[]): Uint8Array {
  return enc.encode(JSON.stringify(items));
}

function decodeSm(data: Uint8Array): AppliedItem[] {
  return JSON.parse(dec.decode(data)) as AppliedItem[];
}

/** One process: the core (null while crashed), its disk, and its state machine. */
export class TestNode {
  /** The membership it starts with while its log and snapshot hold none (the config file's). */
  bootstrap: ClusterMembership = { voters: [] };
  /** Tuning of this node on top of the network's (`join`). */
  tuning: Tuning = {};
  raft: Raft | null = null;
  incarnation = 0;
  /** The data directory's incarnation passed to the core (`RaftOptions.incarnation`); undefined: the tuning's. */
  diskIncarnation: number | undefined = undefined;
  /** Applied normal entries; lost on crash and rebuilt from the snapshot on restart. */
  sm: AppliedItem[] = [];
  smIndex = 0;
  /** Indices of committed entries handed to the state machine in this incarnation, in order. */
  applyLog: number[] = [];
  readStates: ReadState[] = [];
  droppedReads: number[] = [];
  /** Snapshots received through `Ready.snapshot` (with their data). */
  snapshotsInstalled: Snapshot[] = [];

  constructor(
    readonly id: NodeId,
    public disk: Disk,
  ) {}
}

export interface ReadyRecord {
  readonly id: NodeId;
  readonly ready: Ready;
  /** The node's hard state on disk before this Ready was persisted. */
  readonly hardBefore: HardState;
  /** The node's role after the Ready was handled. */
  readonly role: RaftStatus['role'];
}

/** Called after a Ready was persisted and before its `sendAfterPersist` leaves. */
export type PersistHook = (node: TestNode, rd: Ready, hardBefore: HardState) => void;

export interface NetworkOptions {
  /** Cluster size. Default 3. */
  readonly size?: number;
  /** Seeds every node's `random`. Default 1. */
  readonly seed?: number;
  readonly tuning?: Tuning;
  /** Per-node tuning on top of `tuning`. */
  readonly nodeTuning?: Readonly<Record<NodeId, Tuning>>;
  readonly disks?: Readonly<Record<NodeId, DiskSeed>>;
}

/** Returns the message to deliver (possibly rewritten), or null to drop it. */
export type MessageFilter = (m: Message) => Message | null;

export class Network {
  private readonly idList: NodeId[];
  readonly nodes = new Map<NodeId, TestNode>();
  /** Every message the nodes emitted, in order (including later-dropped ones). */
  readonly sent: Message[] = [];
  /** Every message stepped into a node, in order. */
  readonly delivered: Message[] = [];
  /** Every Ready handled, in order. */
  readonly readies: ReadyRecord[] = [];
  readonly persistHooks: PersistHook[] = [];
  filter: MessageFilter | null = null;
  dropped = 0;
  private queue: Message[] = [];
  private readonly isolated = new Set<NodeId>();
  private readonly cuts = new Set<string>();
  private readonly rng: SeededRandom;

  constructor(private readonly opts: NetworkOptions = {}) {
    this.idList = ids(opts.size ?? 3);
    this.rng = new SeededRandom(opts.seed ?? 1);
    for (const id of this.idList) {
      const node = new TestNode(id, diskFrom(opts.disks?.[id]));
      node.bootstrap = { voters: [...this.idList] };
      this.nodes.set(id, node);
      this.start(node);
    }
  }

  // ------------------------------------------------------------------ access

  /** Every node, the first `size` and those that joined later, in the order they were created. */
  get ids(): readonly NodeId[] {
    return this.idList;
  }

  node(id: NodeId): TestNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  raft(id: NodeId): Raft {
    const r = this.node(id).raft;
    if (!r) throw new Error(`${id} is crashed`);
    return r;
  }

  status(id: NodeId): RaftStatus {
    return this.raft(id).status();
  }

  /** Live nodes that believe they lead. */
  leaders(): NodeId[] {
    return this.ids.filter((id) => this.node(id).raft?.status().role === 'leader');
  }

  /** Payloads of the normal entries applied by `id`'s state machine, in index order. */
  applied(id: NodeId): string[] {
    return this.node(id).sm.map((i) => i.payload);
  }

  /** The in-memory log of `id` as entries. */
  log(id: NodeId): Entry[] {
    const st = this.status(id);
    return this.raft(id).entries(st.firstLogIndex, st.lastLogIndex + 1);
  }

  /** `index:term` of every entry in `id`'s in-memory log. */
  logIds(id: NodeId): string[] {
    return this.log(id).map((e) => `${e.index}:${e.term}`);
  }

  /** `index:term` of every entry on `id`'s disk. */
  diskIds(id: NodeId): string[] {
    return this.node(id).disk.entries.map((e) => `${e.index}:${e.term}`);
  }

  // ------------------------------------------------------------------ faults

  isolate(id: NodeId): void {
    this.isolated.add(id);
  }

  /** Cut the link between `a` and `b` in both directions. */
  cut(a: NodeId, b: NodeId): void {
    this.cuts.add(`${a}>${b}`);
    this.cuts.add(`${b}>${a}`);
  }

  /** Undo every isolation and cut (the filter stays). */
  heal(): void {
    this.isolated.clear();
    this.cuts.clear();
  }

  /** Drop every message matching `pred` (replaces the current filter). */
  dropIf(pred: (m: Message) => boolean): void {
    this.filter = (m) => (pred(m) ? null : m);
  }

  /** Lose everything that was not persisted: the core, its state machine, its queued inputs. */
  crash(id: NodeId): void {
    const n = this.node(id);
    if (!n.raft) throw new Error(`${id} already crashed`);
    n.raft = null;
    n.incarnation++;
  }

  /**
   * The node loses its disk: crashed (if running), given an empty one, and started again under the
   * same id with a new data-directory incarnation (`incarnation`, which should differ from the one
   * it had, as a real node's new data directory would).
   */
  wipe(id: NodeId, incarnation: number): Raft {
    this.loseDisk(id, incarnation);
    return this.start(this.node(id));
  }

  /** As {@link wipe}, but the node stays down until `restart`. */
  loseDisk(id: NodeId, incarnation: number): void {
    const n = this.node(id);
    if (n.raft) this.crash(id);
    n.disk = emptyDisk();
    n.diskIncarnation = incarnation;
  }

  /**
   * A new process `id` with an empty disk, outside the cluster until a membership change adds it:
   * it starts with the membership `{ voters: [] }`, as a node joining a running cluster does.
   */
  join(id: NodeId, tuning: Tuning = {}): Raft {
    if (this.nodes.has(id)) throw new Error(`${id} exists`);
    const n = new TestNode(id, emptyDisk());
    n.tuning = tuning;
    this.nodes.set(id, n);
    this.idList.push(id);
    return this.start(n);
  }

  /** Start a new core from exactly what is on `id`'s disk. */
  restart(id: NodeId): Raft {
    const n = this.node(id);
    if (n.raft) throw new Error(`${id} is running`);
    return this.start(n);
  }

  // ------------------------------------------------------------------ inputs

  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) {
      this.raft(id).tick();
      this.deliverAll();
    }
  }

  /** Tick every live node (or those in `only`) `n` times, delivering after each round. */
  tickAll(n = 1, only?: readonly NodeId[]): void {
    for (let i = 0; i < n; i++) {
      for (const id of only ?? this.ids) this.node(id).raft?.tick();
      this.deliverAll();
    }
  }

  /** Tick every live node until `pred` holds; returns the rounds taken. Throws after `max`. */
  tickUntil(pred: () => boolean, max = 200, only?: readonly NodeId[]): number {
    for (let i = 0; i <= max; i++) {
      if (pred()) return i;
      this.tickAll(1, only);
    }
    throw new Error(`condition not reached within ${max} ticks`);
  }

  /** `campaignNow` then deliver; throws unless `id` ends up leader. */
  electLeader(id: NodeId): Raft {
    const r = this.raft(id);
    r.campaignNow();
    this.deliverAll();
    const st = r.status();
    if (st.role !== 'leader') throw new Error(`${id} did not win: ${st.role} in term ${st.term}`);
    return r;
  }

  /** Propose without delivering. */
  propose(id: NodeId, data: string): ProposeResult {
    return this.raft(id).propose(enc.encode(data));
  }

  /** Propose each payload on `id` (which must accept it) and deliver. Returns their indices. */
  commit(id: NodeId, ...data: string[]): number[] {
    const out: number[] = [];
    for (const d of data) {
      const res = this.propose(id, d);
      if (!res.ok) throw new Error(`${id} refused a proposal: ${res.reason}`);
      out.push(res.index);
    }
    this.deliverAll();
    return out;
  }

  /** Propose a membership change on `id` without delivering. */
  proposeChange(id: NodeId, change: MembershipChange): ChangeResult {
    return this.raft(id).proposeChange(change);
  }

  /** Propose a membership change on `id` (which must accept it) and deliver. Returns its index. */
  change(id: NodeId, change: MembershipChange): number {
    const res = this.proposeChange(id, change);
    if (!res.ok) throw new Error(`${id} refused ${change.kind} ${change.id}: ${res.reason}${'detail' in res ? ` (${res.detail})` : ''}`);
    this.deliverAll();
    return res.index;
  }

  /** The membership in force on `id`. */
  membership(id: NodeId): ClusterMembership {
    return this.status(id).membership;
  }

  /**
   * Take a snapshot of `id`'s state machine at `index` (default: everything applied) and let the
   * core compact its log below `firstIndex` (default `index + 1`), like the simulator does.
   */
  compact(id: NodeId, index?: number, firstIndex?: number): Snapshot {
    const n = this.node(id);
    const raft = this.raft(id);
    const at = index ?? n.smIndex;
    const first = Math.min(firstIndex ?? at + 1, at + 1);
    const data = encodeSm(n.sm.filter((i) => i.index <= at));
    const meta = raft.compact(at, first);
    const snap: Snapshot = { meta, data };
    const d = n.disk;
    d.snapshot = snap;
    const drop = first - 1 - d.logStart.index;
    if (drop > 0) {
      const newStart = d.entries[drop - 1];
      if (!newStart) throw new Error(`${id}: compacting entries that are not on disk`);
      d.entries = d.entries.slice(drop);
      d.logStart = { index: newStart.index, term: newStart.term };
    }
    return snap;
  }

  // ------------------------------------------------------------------ the loop

  /**
   * Handle every Ready and deliver every message until quiescent. Throws when the cluster does
   * not settle within `maxRounds` (a message storm is a bug too).
   */
  deliverAll(maxRounds = 1000): void {
    for (let round = 0; round < maxRounds; round++) {
      for (const id of this.ids) {
        const n = this.node(id);
        while (n.raft?.hasReady()) this.handleReady(n, n.raft);
      }
      if (this.queue.length === 0) return;
      const batch = this.queue;
      this.queue = [];
      for (const m of batch) this.deliver(m);
    }
    throw new Error(`network did not settle within ${maxRounds} rounds`);
  }

  /** Messages waiting for the next delivery round. */
  inFlight(): readonly Message[] {
    return this.queue;
  }

  private deliver(raw: Message): void {
    const reachable = !this.isolated.has(raw.from) && !this.isolated.has(raw.to) && !this.cuts.has(`${raw.from}>${raw.to}`);
    const m = reachable ? (this.filter ? this.filter(raw) : raw) : null;
    const target = m ? this.nodes.get(m.to)?.raft : undefined;
    if (!m || !target) {
      this.dropped++;
      return;
    }
    this.delivered.push(m);
    target.step(m);
  }

  private start(node: TestNode): Raft {
    const d = node.disk;
    const tuning = { ...HARNESS_TUNING, ...this.opts.tuning, ...this.opts.nodeTuning?.[node.id], ...node.tuning };
    const rng = this.rng.fork();
    const raft = new Raft({
      id: node.id,
      membership: node.bootstrap,
      random: () => rng.next(),
      ...tuning,
      ...(node.diskIncarnation !== undefined ? { incarnation: node.diskIncarnation } : {}),
      initial: {
        hardState: d.hard,
        snapshot: d.snapshot?.meta ?? null,
        entries: d.entries,
        applied: d.snapshot?.meta.index ?? 0,
        logStart: d.logStart,
      },
    });
    node.raft = raft;
    node.sm = d.snapshot ? decodeSm(d.snapshot.data) : [];
    node.smIndex = d.snapshot?.meta.index ?? 0;
    node.applyLog = [];
    return raft;
  }

  private handleReady(node: TestNode, raft: Raft): void {
    const rd = raft.ready();
    const hardBefore = node.disk.hard;
    this.route(node, rd.sendNow);
    this.persist(node, rd);
    for (const hook of this.persistHooks) hook(node, rd, hardBefore);
    this.route(node, rd.sendAfterPersist);
    if (rd.snapshot) {
      node.sm = decodeSm(rd.snapshot.data);
      node.smIndex = rd.snapshot.meta.index;
      node.snapshotsInstalled.push(rd.snapshot);
    }
    for (const e of rd.committedEntries) {
      // Exactly once, in order: the core must hand out index smIndex + 1 next.
      if (e.index !== node.smIndex + 1) throw new Error(`${node.id}: applied index ${e.index} after ${node.smIndex}`);
      node.smIndex = e.index;
      node.applyLog.push(e.index);
      if (e.type === 'normal') node.sm.push({ index: e.index, payload: payload(e) });
    }
    node.readStates.push(...rd.readStates);
    node.droppedReads.push(...rd.droppedReads);
    raft.advance(rd);
    this.readies.push({ id: node.id, ready: rd, hardBefore, role: raft.status().role });
  }

  private persist(node: TestNode, rd: Ready): void {
    persistReady(node.disk, rd, node.id);
  }

  private route(node: TestNode, msgs: readonly Message[]): void {
    for (let m of msgs) {
      if (m.type === 'snapshot') {
        // The core sends snapshot metadata only; the driver attaches the data it holds.
        const snap = node.disk.snapshot;
        if (!snap || snap.meta.index !== m.snapshot.meta.index) throw new Error(`${node.id} sends a snapshot it does not hold`);
        m = { ...m, snapshot: snap };
      }
      this.sent.push(m);
      this.queue.push(m);
    }
  }
}

/**
 * Drive `net` with `steps` random actions (proposals, crashes, restarts, isolations, heals,
 * transfers, ReadIndex), one tick of every live node after each. Keeps a majority alive.
 */
export function randomWorkload(net: Network, rng: SeededRandom, steps: number): void {
  const majority = Math.floor(net.ids.length / 2) + 1;
  for (let step = 0; step < steps; step++) {
    const live = net.ids.filter((id) => net.node(id).raft !== null);
    const down = net.ids.filter((id) => net.node(id).raft === null);
    const leader = net.leaders().at(-1);
    const k = rng.int(12);
    if (k < 4 && leader) net.propose(leader, `p${step}`);
    else if (k === 4 && live.length > majority) net.crash(rng.pick(live));
    else if (k === 5 && down.length > 0) net.restart(rng.pick(down));
    else if (k === 6) net.isolate(rng.pick(net.ids));
    else if (k === 7) net.heal();
    else if (k === 8 && leader && live.length > 1) net.raft(leader).transferLeadership(rng.pick(live.filter((x) => x !== leader)));
    else if (k === 9 && leader) net.raft(leader).readIndex();
    else if (k === 10 && live.length > 0) {
      const id = rng.pick(live);
      const n = net.node(id);
      const snapAt = n.disk.snapshot?.meta.index ?? 0;
      if (n.smIndex > snapAt) net.compact(id, n.smIndex, Math.max(snapAt + 1, n.smIndex + 1 - rng.int(4)));
    }
    net.tickAll(1);
  }
}

// -------------------------------------------------------------------- single-core helpers

/** A lone core (no network) with the given disk, for stepping hand-written messages. */
export function makeRaft(id: NodeId, voters: readonly NodeId[], seed: DiskSeed = {}, tuning: Tuning = {}, rngSeed = 7): Raft {
  const rng = new SeededRandom(rngSeed);
  const disk = diskFrom(seed);
  return new Raft({
    id,
    membership: { voters: [...voters] },
    random: () => rng.next(),
    ...HARNESS_TUNING,
    ...tuning,
    initial: { hardState: disk.hard, snapshot: null, entries: disk.entries, applied: 0 },
  });
}

/** Handle every Ready of a lone core (persisting is a no-op); returns them in order. */
export function drain(r: Raft): Ready[] {
  const out: Ready[] = [];
  while (r.hasReady()) {
    const rd = r.ready();
    out.push(rd);
    r.advance(rd);
  }
  return out;
}

/** All messages of the given Readies, `sendNow` before `sendAfterPersist` within each. */
export function messagesOf(readies: readonly Ready[]): Message[] {
  return readies.flatMap((rd) => [...rd.sendNow, ...rd.sendAfterPersist]);
}

/** Step `m` into `r` and return the messages it produced. */
export function stepAndCollect(r: Raft, m: Message): Message[] {
  r.step(m);
  return messagesOf(drain(r));
}

/** Hand-written peer messages with sensible defaults. */
export const msg = {
  vote(from: NodeId, to: NodeId, term: number, lastLogIndex: number, lastLogTerm: number, pre = false, transfer = false): VoteRequest {
    return { type: pre ? 'preVote' : 'vote', from, to, term, lastLogIndex, lastLogTerm, transfer };
  },
  voteResp(from: NodeId, to: NodeId, term: number, granted: boolean, pre = false): VoteResponse {
    return { type: pre ? 'preVoteResp' : 'voteResp', from, to, term, granted };
  },
  append(from: NodeId, to: NodeId, term: number, prevLogIndex: number, prevLogTerm: number, entries: readonly Entry[], commit: number): AppendRequest {
    return { type: 'append', from, to, term, prevLogIndex, prevLogTerm, entries, commit };
  },
  appendResp(from: NodeId, to: NodeId, term: number, success: boolean, index: number, hintIndex = 0, hintTerm = 0, incarnation = 0): AppendResponse {
    return { type: 'appendResp', from, to, term, success, index, hintIndex, hintTerm, incarnation };
  },
  heartbeat(from: NodeId, to: NodeId, term: number, commit: number, context = 0): HeartbeatRequest {
    return { type: 'heartbeat', from, to, term, commit, context };
  },
  heartbeatResp(from: NodeId, to: NodeId, term: number, context = 0, incarnation = 0): HeartbeatResponse {
    return { type: 'heartbeatResp', from, to, term, context, incarnation };
  },
} as const;

/** The message interface whose `type` may be `T` (VoteRequest covers both 'vote' and 'preVote'). */
export type MessageOf<T extends Message['type'], M extends Message = Message> = M extends Message ? (T extends M['type'] ? M : never) : never;

/** Narrow a message list to one type. */
export function ofType<T extends Message['type']>(msgs: readonly Message[], type: T): MessageOf<T>[] {
  return msgs.filter((m): m is MessageOf<T> => m.type === type);
}
