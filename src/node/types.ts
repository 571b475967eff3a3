import type { HoldReason } from '../jobs/index.js';
import type { ClusterMembership, NodeId, Role } from '../raft/index.js';

/**
 * The replicated application a node drives: it turns batches of commands into log entries and
 * applies committed entries. Implementations must be deterministic: every replica applies the
 * same entries and must reach the same state (src/jobs is the real one).
 */
export interface Application<C, R> {
  /**
   * Encode one log entry: a batch of commands stamped with the leader's replicated time (ms since
   * the epoch; see `RaftNode.time`).
   */
  encode(time: number, commands: readonly C[]): Uint8Array;
  /**
   * The time stamp of an entry `encode` made, ms since the epoch, or null if `data` carries none.
   * Must be cheap (the driver reads it for every entry it appends); it need not validate the rest.
   */
  entryTime(data: Uint8Array): number | null;
  /** The replicated time of the applied state (the latest stamp applied, J5), ms; 0 before any. */
  time(): number;
  /** Apply one committed entry; one result per command, in order. */
  apply(index: number, data: Uint8Array): R[];
  /**
   * About how much work applying `command` is, in units of the application's choosing (the jobs
   * it touches, for the job state machine). The driver packs commands into an entry up to
   * `RaftNodeOptions.maxEntryCost`, so no entry holds the event loop for long on any replica.
   * Without it every command costs 1.
   */
  cost?(command: C): number;
  /** Serialise the whole state (for snapshots). */
  snapshot(): Uint8Array;
  /** Replace the whole state with a snapshot's. */
  restore(data: Uint8Array): void;
  /** A short hash of the state; equal on replicas at the same applied index. */
  digest(): string;
  /**
   * `snapshot()` in steps, of the state as it is when called, while later entries keep being
   * applied between steps (see {@link StepCursor}). Without it the driver calls `snapshot()`, which
   * holds the event loop for as long as it takes.
   */
  beginSnapshot?(): StepCursor<Uint8Array>;
  /**
   * `beginSnapshot`, the bytes in pieces (joined, they are `snapshot()`'s), each allocated as the
   * cursor reaches it, so that no allocation the size of the state stalls the event loop.
   * Preferred over `beginSnapshot` when present.
   */
  beginSnapshotPieces?(): StepCursor<readonly Uint8Array[]>;
  /** `digest()` in steps, as `beginSnapshot`. */
  beginDigest?(): StepCursor<string>;
  /**
   * `restore(data)` in steps, so that a node holding a large state starts serving at once and
   * rebuilds it between turns of its event loop. Nothing changes until `finish`, which replaces
   * the state at once; `cancel` leaves the state as it was. Throws (at begin, `step` or `finish`)
   * when `data` does not decode. Without it the driver calls `restore(data)`, which holds the
   * event loop for as long as it takes.
   */
  beginRestore?(data: Uint8Array): RestoreStep;
}

/** A restore in progress (`Application.beginRestore`). */
export interface RestoreStep extends StepCursor<void> {
  /** The replicated time of the state being restored, ms (read at begin). */
  readonly time: number;
}

/**
 * Work proportional to the whole state (a snapshot, a digest) done a little at a time: the
 * driver calls `step` on each turn of its event loop, applying entries in between, until it
 * returns true, then takes the result with `finish`. `cancel` abandons it (the application stops
 * keeping what it needed).
 */
export interface StepCursor<T> {
  /** Encodes up to `maxItems` more items, stopping early after `maxBytes`; true once done. */
  step(maxItems: number, maxBytes?: number): boolean;
  finish(): T;
  cancel(): void;
}

/** Time and timers of a node, injectable for tests and simulations. */
export interface NodeClock {
  /** Wall-clock time, ms since the epoch. May step backwards or forwards (NTP, an operator). */
  now(): number;
  /**
   * Monotonic time, ms from an arbitrary origin: never steps, advances at real rate. A leader's
   * replicated time follows it during its term (J5), and timers are measured on it.
   */
  monotonic(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Real clock: `Date.now()`, `performance.now()` and unref'ed Node timers. */
export const systemClock: NodeClock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Observable events of a node, for the layers above (job scheduling, worker streams). */
export interface NodeEvents<R> {
  /** Role or leader changed. `term` is the node's current term. */
  onRoleChange?(role: Role, leaderId: NodeId | null, term: number): void;
  /** An entry was applied; `results` has one result per command (empty for no-op entries). */
  onApplied?(index: number, results: readonly R[]): void;
  /** The node hit an unrecoverable error (disk write failed) and stopped. */
  onFatal?(err: Error): void;
  /** The membership in force changed (a config entry appended or cut off, or a snapshot installed). */
  onMembershipChange?(membership: ClusterMembership): void;
  /**
   * On a leader, just before the commands proposed since the last round are packed into a log
   * entry: commands proposed from here join that same entry (after the ones already waiting).
   */
  beforePropose?(): void;
}

/**
 * Measurements the driver reports as it works (src/observability turns them into Prometheus
 * metrics). Every method is optional and must be cheap: it runs on the hot path.
 */
export interface NodeMetrics {
  /** One Ready written to disk: batch write + fsync time, ms, and the entries in it. */
  persisted?(ms: number, entries: number): void;
  /** A proposal on this leader was applied: time from propose to apply, ms. */
  proposalCommitted?(ms: number, commands: number): void;
  /** Entries applied to the state machine (any role). */
  applied?(entries: number): void;
  /** A snapshot was taken (`taken`) or installed from the leader (`installed`). */
  snapshot?(kind: 'taken' | 'installed', bytes: number): void;
  /** A worker reported how long its handler ran, for a completion or failure this leader accepted, ms. */
  handlerReported?(queue: string, outcome: 'completed' | 'failed', ms: number): void;
  /** This leader refused a submit (or trigger) at a resource guard, named by its config path (`limits.maxBacklogJobs`). */
  submitRefused?(limit: string): void;
}

/** A copy of the job state for a backup (`JobNode.backup`). */
export interface StateBackup {
  /** The state is the one after applying every log entry up to `index`, of term `term`. */
  readonly index: number;
  readonly term: number;
  /** The state machine's snapshot bytes (`snapshotState`'s encoding). */
  readonly data: Uint8Array;
  /** When the copy was taken, ms since the epoch (the node's wall clock). */
  readonly takenAt: number;
  /** Jobs in the copy (finished ones not purged yet included), and schedules. */
  readonly jobs: number;
  readonly schedules: number;
}

/** What `raftjobs status --json` shows for one node. */
export interface NodeStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly leaderId: NodeId | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly firstLogIndex: number;
  readonly lastLogIndex: number;
  readonly snapshotIndex: number;
  readonly stateDigest: string;
  readonly pid: number;
  /**
   * Leader only: every other member's replication progress; `refused` when it answers from another
   * data directory than the membership records (it lost its disk: remove it and add it again).
   */
  readonly peers: readonly { readonly id: NodeId; readonly matchIndex: number; readonly nextIndex: number; readonly state: string; readonly refused: boolean }[];
  /** The membership in force on this node (the latest in its log, committed or not). */
  readonly membership: ClusterMembership;
  /** Every node this one has received a Raft message from since it started, and how long ago, ms. */
  readonly contacts: readonly { readonly id: NodeId; readonly agoMs: number }[];
}

/**
 * Job lifecycle transitions, observed as entries are applied. Every replica applies the same
 * entries, so every node reports the same transitions (counting from its own start).
 * - `submitted`: a new job (idempotent duplicates are not counted);
 * - `completed`: an attempt succeeded; `failed`: a worker reported an attempt failed;
 * - `leaseExpired`: an attempt's lease ran out;
 * - `retried`: the job goes round again: after a failed attempt (`cause` failed), an expired lease
 *   (`expired`), or an operator's retry of a dead job (`operator`);
 * - `dead`: no attempts left (after a failed, expired or abandoned attempt); `cancelled`: cancelled
 *   before finishing.
 * Derived from the `JobEvent`s each applied entry reports (see `reportFlow`).
 */
export type JobFlowEvent = 'submitted' | 'completed' | 'failed' | 'leaseExpired' | 'retried' | 'dead' | 'cancelled';

/** Why a job was retried (see `JobFlowEvent`). */
export type RetryCause = 'failed' | 'expired' | 'operator';

/** Receives job lifecycle transitions (src/observability counts them). Must be cheap. */
export interface JobFlowSink {
  /** `count` jobs of `queue` went through `event`; `cause` is set for `retried` only. */
  job(event: JobFlowEvent, queue: string, count: number, cause?: RetryCause): void;
  /**
   * Schedule `scheduleId` fired one slot as a job of `queue` (`manual`: a trigger, whose slot is
   * its own entry's time), `lagMs` after the slot (the entry's replicated time minus the slot).
   */
  scheduleFired?(scheduleId: string, queue: string, manual: boolean, lagMs: number): void;
  /** `slots` slots of schedule `scheduleId` will never fire (catch-up or overlap policy). */
  scheduleSkipped?(scheduleId: string, slots: number): void;
  /**
   * A lease held back ready jobs of `queue` (`group` null) or of one of its group keys, for
   * `reason` (a pause, a full limit, an empty bucket, a throttle): once per lease command and key
   * (`LeaseResult.throttled`).
   */
  leaseHeld?(queue: string, group: string | null, reason: HoldReason): void;
}
