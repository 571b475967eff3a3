/**
 * Data types of the Raft core. Everything here is plain data: it crosses the storage and
 * transport boundaries unchanged, so it must stay serialisable (numbers, strings, bytes, arrays).
 */

/** A node's id within its cluster, e.g. `"n1"`. */
export type NodeId = string;

/** Entry kinds. `noop` is the empty entry a new leader appends to commit its term (§5.4.2). */
export const EntryType = {
  Normal: 'normal',
  Noop: 'noop',
  Config: 'config',
} as const;
export type EntryType = (typeof EntryType)[keyof typeof EntryType];

/** One log entry. `data` is opaque to the core. */
export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** What must be on disk before any message that depends on it leaves the node (Figure 2). */
export interface HardState {
  readonly term: number;
  /** Candidate voted for in `term`, or `null`. */
  readonly vote: NodeId | null;
  readonly commit: number;
}

/**
 * Cluster membership: replicated state, changed one server at a time by `config` entries (see
 * membership.ts). Learners receive the log but neither vote nor count toward a majority.
 */
export interface ClusterMembership {
  readonly voters: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  /** Where each member listens for peers, as the operator who added it said; the core only carries it. */
  readonly addresses?: Readonly<Record<NodeId, string>>;
  /**
   * Each member's data-directory incarnation (see `RaftOptions.incarnation`), once known. A member
   * whose replies show another one lost its disk: the leader stops replicating to it and counts
   * nothing it says until it is removed and added again.
   */
  readonly incarnations?: Readonly<Record<NodeId, number>>;
}

/** One membership change (thesis §4.1: one server at a time). */
export type MembershipChange =
  /** `incarnation`: the data directory it must answer from (0 or absent: the leader binds the first it hears). */
  | { readonly kind: 'addLearner'; readonly id: NodeId; readonly address?: string; readonly incarnation?: number }
  | { readonly kind: 'promote'; readonly id: NodeId }
  | { readonly kind: 'remove'; readonly id: NodeId }
  /** Records a member's data-directory incarnation (the leader proposes it when it first hears one). */
  | { readonly kind: 'bind'; readonly id: NodeId; readonly incarnation: number };

/** Describes a snapshot: the state machine after applying every entry up to `index`. */
export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly membership: ClusterMembership;
}

/** A snapshot with its opaque state-machine bytes. */
export interface Snapshot {
  readonly meta: SnapshotMeta;
  readonly data: Uint8Array;
}

/** Peer message kinds. */
export const MessageType = {
  PreVote: 'preVote',
  PreVoteResp: 'preVoteResp',
  Vote: 'vote',
  VoteResp: 'voteResp',
  Append: 'append',
  AppendResp: 'appendResp',
  Heartbeat: 'heartbeat',
  HeartbeatResp: 'heartbeatResp',
  Snapshot: 'snapshot',
  TimeoutNow: 'timeoutNow',
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

/** RequestVote (§5.2), also used for pre-vote (thesis §9.6) with `term` = the term it would campaign in. */
export interface VoteRequest extends Envelope {
  readonly type: 'preVote' | 'vote';
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  /** Set when campaigning because of a leadership transfer (TimeoutNow): ignores leader stickiness. */
  readonly transfer: boolean;
}

export interface VoteResponse extends Envelope {
  readonly type: 'preVoteResp' | 'voteResp';
  readonly granted: boolean;
  /**
   * The voter's `RaftOptions.incarnation` (0 or absent: none). A candidate counts no grant from a
   * member whose membership records another one: a voter back from an empty disk may have voted in
   * this term before and forgotten it.
   */
  readonly incarnation?: number;
}

/** AppendEntries (§5.3). */
export interface AppendRequest extends Envelope {
  readonly type: 'append';
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

/**
 * Reply to AppendEntries or to an installed snapshot.
 * On success `index` is the last index known to match the leader.
 * On rejection `index` is the rejected `prevLogIndex`, and (`hintIndex`, `hintTerm`) is the
 * follower's last entry at or below it whose term is at most the leader's `prevLogTerm`
 * (fast backtracking, §5.3 "optimisation").
 */
export interface AppendResponse extends Envelope {
  readonly type: 'appendResp';
  readonly success: boolean;
  readonly index: number;
  readonly hintIndex: number;
  readonly hintTerm: number;
  /** The responder's `RaftOptions.incarnation` (0: none); see there. */
  readonly incarnation: number;
}

/** Leader heartbeat. `context` is non-zero when it confirms leadership for a ReadIndex request. */
export interface HeartbeatRequest extends Envelope {
  readonly type: 'heartbeat';
  readonly commit: number;
  readonly context: number;
}

export interface HeartbeatResponse extends Envelope {
  readonly type: 'heartbeatResp';
  readonly context: number;
  /** The responder's `RaftOptions.incarnation` (0: none); see there. */
  readonly incarnation: number;
}

/**
 * InstallSnapshot (§7). The core emits it with `data` empty; the driver fills `data` from its
 * snapshot store before sending (the transport sends it in chunks). A receiving core passes
 * `data` through untouched to `Ready.snapshot`.
 */
export interface SnapshotRequest extends Envelope {
  readonly type: 'snapshot';
  readonly snapshot: Snapshot;
}

/** Leadership transfer (thesis §3.10): the recipient campaigns at once. */
export interface TimeoutNowRequest extends Envelope {
  readonly type: 'timeoutNow';
}

export type Message =
  | VoteRequest
  | VoteResponse
  | AppendRequest
  | AppendResponse
  | HeartbeatRequest
  | HeartbeatResponse
  | SnapshotRequest
  | TimeoutNowRequest;

export const Role = {
  Follower: 'follower',
  PreCandidate: 'preCandidate',
  Candidate: 'candidate',
  Leader: 'leader',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** A linearizable read confirmed by a quorum: serve it once `appliedIndex >= index`. */
export interface ReadState {
  readonly context: number;
  readonly index: number;
}

/**
 * Output of the core. A driver that writes synchronously handles it in this order:
 * 1. send `sendNow` (messages that depend on nothing unwritten: a leader's appends and heartbeats,
 *    and heartbeat replies, while term and vote are already on disk);
 * 2. persist `snapshot`, then `entries` (overwriting any stored entries from `entries[0].index` on),
 *    then `hardState`, as one synced batch;
 * 3. send `sendAfterPersist`;
 * 4. apply `committedEntries` in order; serve `readStates`; fail `droppedReads`;
 * 5. call `advance(ready)`. No other call may reach the core between `ready()` and `advance()`.
 *
 * A driver that keeps the core running while its writes are in flight calls `accept(ready)` right
 * after `ready()` (and after applying `committedEntries`) instead, writes the Readies in the order
 * it got them, and for each, once its write (and every earlier one) is done, sends
 * `sendAfterPersist` and calls `persisted(ready)`. `advance` is `accept` then `persisted`.
 */
export interface Ready {
  readonly hardState: HardState | null;
  readonly entries: readonly Entry[];
  readonly snapshot: Snapshot | null;
  readonly sendNow: readonly Message[];
  readonly sendAfterPersist: readonly Message[];
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  /** ReadIndex contexts that will never be confirmed (lost leadership): fail them, the client retries. */
  readonly droppedReads: readonly number[];
  /** Present when role or leader changed since the last Ready. */
  readonly softState: { readonly role: Role; readonly leaderId: NodeId | null } | null;
}

/** What the core restarts from: exactly what was persisted. */
export interface InitialState {
  readonly hardState: HardState;
  /** Latest snapshot, or null. Entries start right after `snapshot.index` (or after `firstIndex - 1`). */
  readonly snapshot: SnapshotMeta | null;
  /** Entries in index order, contiguous. */
  readonly entries: readonly Entry[];
  /** The state machine has applied up to here (at least `snapshot.index`). */
  readonly applied: number;
  /**
   * Index and term of the entry just before `entries[0]` when the log was compacted below a
   * snapshot but keeps a tail. Defaults to the snapshot's (or 0/0).
   */
  readonly logStart?: { readonly index: number; readonly term: number };
}

/** Tuning of the core. Times are in ticks; the driver decides how long a tick is. */
export interface RaftOptions {
  readonly id: NodeId;
  /** Membership when the log holds none (first boot). */
  readonly membership: ClusterMembership;
  /** Ticks without hearing from a leader before campaigning; randomized in [electionTicks, 2*electionTicks). Default `LIMITS.electionTicks` (10). */
  readonly electionTicks?: number;
  /** Ticks between leader heartbeats. Default `LIMITS.heartbeatTicks` (2), as the config's. */
  readonly heartbeatTicks?: number;
  /** Returns a number in [0, 1). Must be seeded for reproducible simulations. */
  readonly random: () => number;
  /** Pre-vote (thesis §9.6). Default `LIMITS.preVote` (true). */
  readonly preVote?: boolean;
  /** Leader steps down when it has not heard from a quorum within an election timeout. Default `LIMITS.checkQuorum` (true). */
  readonly checkQuorum?: boolean;
  /** Most entries in one append. Default `LIMITS.maxAppendEntries` (512). */
  readonly maxAppendEntries?: number;
  /** Most entry bytes in one append (at least one entry is always sent). Default `LIMITS.maxAppendBytes` (2 MiB), as the config's. */
  readonly maxAppendBytes?: number;
  /** Most appends in flight to one follower before pausing. Default `LIMITS.maxInflight` (64). */
  readonly maxInflight?: number;
  readonly initial?: InitialState;
  /**
   * Identifies this node's data directory (non-zero, chosen at random when the directory was
   * created; 0: none). It travels in append and heartbeat replies, so a leader can tell a follower
   * that lost its disk (a new incarnation, whose log may be shorter than what the leader recorded as
   * matched) from a stale reply. While the membership records no incarnation for the follower, the
   * leader replicates to it from scratch; the leader records each member's the first time it hears
   * it (a `bind` change), and from then on refuses a member that answers from another until it is
   * removed and added again (`ClusterMembership.incarnations`). Default 0.
   */
  readonly incarnation?: number;
  /**
   * A node that starts with nothing on disk (first boot, or a wiped data directory) grants no
   * vote for this many ticks, or until it hears from a leader. A wiped node has forgotten any
   * vote it cast; waiting out an election lets the election it may have voted in end before it
   * votes again. Default 0 (off).
   */
  readonly emptyStartVoteDelayTicks?: number;
  /**
   * How a leader tells followers that the commit index moved. `immediate`: at once, with an
   * append (empty when there is nothing new to send) to each follower. `deferred`: with the next
   * append that carries entries or the next heartbeat, or when the driver calls `sendCommitNotice`
   * (`commitNoticePending` says one is owed). Raft needs neither: a follower applies what it
   * learns is committed whenever it learns it. Deferring saves an empty append and its reply per
   * follower and commit round when entries are committed one round at a time (each round's
   * append carries the previous round's commit). Default `immediate`.
   */
  readonly commitNotice?: 'immediate' | 'deferred';
}

/** Result of a proposal: where the entry will land if it commits. */
export type ProposeResult =
  | { readonly ok: true; readonly index: number; readonly term: number }
  | { readonly ok: false; readonly reason: 'not-leader' | 'transferring'; readonly leaderId: NodeId | null };

/**
 * Result of a membership change. Refused while an earlier change is not committed yet
 * (`pending`), before the leader has committed an entry of its own term (`not-ready`: the fix to
 * the one-server-at-a-time bug, thesis §4.1 erratum), or when it does not apply (`invalid`).
 */
export type ChangeResult =
  | { readonly ok: true; readonly index: number; readonly term: number; readonly membership: ClusterMembership }
  | { readonly ok: false; readonly reason: 'not-leader' | 'transferring'; readonly leaderId: NodeId | null }
  | { readonly ok: false; readonly reason: 'pending' | 'not-ready' | 'invalid'; readonly leaderId: NodeId | null; readonly detail: string };

export interface ProgressStatus {
  readonly id: NodeId;
  readonly match: number;
  readonly next: number;
  readonly state: 'probe' | 'replicate' | 'snapshot';
  readonly recentActive: boolean;
  /** It answered from a data directory other than the one the membership records (lost disk). */
  readonly refused: boolean;
}

export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly vote: NodeId | null;
  readonly leaderId: NodeId | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly firstLogIndex: number;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  readonly snapshotIndex: number;
  readonly membership: ClusterMembership;
  /** Leader only: per-peer replication progress. */
  readonly progress: readonly ProgressStatus[];
}
