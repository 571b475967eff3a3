import { pino, type Logger } from 'pino';
import { ErrorCode, isRaftJobsError } from '../errors/index.js';
import type { JobsState, LeaseGrant, ScheduleFireCommand } from '../jobs/index.js';
import { scheduleFireCommand } from '../node/index.js';
import { StateQueries } from '../node/queries.js';
import { RaftNode } from '../node/raft-node.js';
import type { NodeClock } from '../node/types.js';
import { isMember, type Message, type NodeId, type Role } from '../raft/index.js';
import { decodeEntry, decodeEntryTerm, decodeHardState, decodeLogStart, decodeSnapshotRecord } from '../storage/codec.js';
import { MEMORY_PATH } from '../storage/failures.js';
import { entryKey, entryKeyIndex, HARD_STATE_KEY, LOG_START_KEY, SNAPSHOT_META_KEY } from '../storage/keys.js';
import { openMemoryStorage } from '../storage/open-memory.js';
import type { RaftStorage } from '../storage/raft-storage.js';
import { MemoryTransport } from '../transport/memory.js';
import type { TimerHandle, TransportClock } from '../transport/types.js';
import { SafetyChecker } from './checker.js';
import { EventQueue } from './events.js';
import { SeededRandom } from './random.js';
import { contentHash, NOOP_HASH, SimApp, type SimCommand, type SimResult } from './sim-app.js';
import { checkJobDigests, drawFlowCommand } from './sim-flow.js';
import { caughtUp, checkSchedules, createdOrExists, drawSchedules, retryable, SimScheduleDuty, SlotLedger, type SimSchedulePlan } from './sim-schedules.js';
import { diskKey, SimDisk, type DiskHost, type DiskOp } from './sim-disk.js';
import { oversizeFrameBytes, SimNetwork, wireBytes, type NetworkHost, type SimFrame } from './sim-network.js';

/** Faults the driver simulation can inject; `NodeSimOptions.faults` picks a subset. */
export const NODE_SIM_FAULTS = [
  /** Messages lost on the wire. */
  'drop',
  /** Messages delivered twice. */
  'duplicate',
  /** Some messages held back 10–100 ms. */
  'delay',
  /** Per-message jitter, so messages on one link overtake each other. */
  'reorder',
  /** The cluster split in two, the leader isolated, or one direction of one link cut. */
  'partition',
  /** A process stopped (SIGSTOP) and continued. */
  'pause',
  /** A process killed and restarted: its writes in flight are lost. */
  'crash',
  /** A graceful `stop()`, storage closed, then a restart. */
  'restart',
  /** One machine or all of them lose power: writes in flight and unsynced writes are lost. */
  'powerLoss',
  /** One node's disk replaced by an empty one (new incarnation), when a quorum of the others holds its log. */
  'diskLoss',
  /** One node's synced writes take 50–500 ms for a while. */
  'slowDisk',
  /** Proposals of commands near (and some just over) the entry byte bound. */
  'largeEntries',
  /** Bursts of 5–40 large proposals at once. */
  'burst',
  /** Leadership transfers. */
  'transfer',
] as const;
export type NodeSimFault = (typeof NODE_SIM_FAULTS)[number];

/**
 * Faults that must never cost a leader its leadership: the driver keeps ticking, heartbeating and
 * counting acknowledgements while its writes are in flight (thesis §10.2.1). A run with only these
 * injects them from the first election on, and fails on any election after it.
 */
export const LEADER_KEEPING_FAULTS: readonly NodeSimFault[] = ['slowDisk', 'largeEntries', 'burst'];

/** Options of one driver simulation run. Times are virtual milliseconds. */
export interface NodeSimOptions {
  readonly seed: number;
  /** Cluster size. Default 3. */
  readonly nodes?: number;
  /** Length of the faulty phase. Default 2000. */
  readonly durationMs?: number;
  /** Faults to inject. Default: all of `NODE_SIM_FAULTS`. */
  readonly faults?: readonly NodeSimFault[];
  /**
   * After the faults heal, a new proposal must be applied on every node within this many election
   * timeouts (`electionTicks × tickMs`). Default 5.
   */
  readonly livenessElectionTimeouts?: number;
  /** Largest gRPC frame a peer link carries (a message alone over it is dropped). Default 64 KiB. */
  readonly maxMessageBytes?: number;
  /** `RaftNodeOptions.maxAppendBytes`. Default: drawn per seed, at most half of `maxMessageBytes`. */
  readonly maxAppendBytes?: number;
  /** `RaftNodeOptions.maxEntryBytes`. Default: drawn per seed, at most half of `maxMessageBytes`. */
  readonly maxEntryBytes?: number;
  /** Election timeout in ticks of 10 ms. Default 10. */
  readonly electionTicks?: number;
  /**
   * Skew every node's wall clock by up to an hour either way and step them at random during the
   * run, as NTP or an operator may: replicated time must still never go backwards along the log
   * (J5). Draws from its own random stream, so a run without it is unchanged. Default false.
   */
  readonly clockSteps?: boolean;
  /**
   * Run the job state machine beside the simulated application and create recurring schedules
   * early in the run through the leader (src/sim/sim-schedules.ts); the leaders' real schedule
   * runners fire them through every fault. Checked: no slot fires twice (as entries apply and in
   * the final state), and after the heal, once the runner has caught up, every slot a catch-up
   * `all` schedule owes has exactly one job. Default false (a run without it is unchanged).
   */
  readonly schedules?: boolean;
  /** Receives one line per notable event (and the driver's own log lines), for replaying a seed. */
  readonly trace?: (line: string) => void;
}

/** What happened in a run: every fault kind shows up here when it was injected. */
export interface NodeSimStats {
  elections: number;
  proposals: number;
  acked: number;
  largeProposals: number;
  /** Commands over `maxEntryBytes` on their own, committed in an entry of their own. */
  aloneOversize: number;
  bursts: number;
  /** Highest index applied anywhere. */
  committed: number;
  messages: number;
  dropped: number;
  duplicated: number;
  delayed: number;
  reordered: number;
  /** Messages lost to a partition (refused by the link, or cut while in flight). */
  cut: number;
  /** Messages refused because too many were in flight on their link. */
  linkFull: number;
  /** Messages over `maxMessageBytes`, dropped as the gRPC transport drops them. */
  oversizeDropped: number;
  /** Messages in flight to a process that restarted meanwhile (a broken stream loses them). */
  lostToRestart: number;
  partitions: number;
  pauses: number;
  crashes: number;
  /** Crashes and power losses that hit a process while one of its synced writes was in flight. */
  killsDuringWrite: number;
  restarts: number;
  powerLosses: number;
  /** Power losses that hit every machine at once. */
  clusterPowerLosses: number;
  diskLosses: number;
  /** Disk losses not done because no quorum of the other nodes held the node's log yet. */
  diskLossesDeferred: number;
  slowDisks: number;
  /** Writes that took 50 ms or more. */
  slowWrites: number;
  inFlightWritesLost: number;
  unsyncedWritesLost: number;
  snapshotsTaken: number;
  snapshotsInstalled: number;
  readsConfirmed: number;
  transfers: number;
  /** Wall-clock steps (`clockSteps`), the initial skews included. */
  clockSteps: number;
  /** `schedules`: schedules created, slots fired and skipped (from the log), fires refused as SLOT_ALREADY_FIRED. */
  schedulesCreated: number;
  slotsFired: number;
  slotsSkipped: number;
  slotFiresRefused: number;
  /** `scheduleFire` commands the simulation proposed itself (replayed, or from a possibly stale view). */
  slotFiresMeddled: number;
}

export interface NodeSimResult {
  readonly seed: number;
  /** The first violation, with the virtual time it was found at; null when the run was clean. */
  readonly violation: string | null;
  readonly stats: NodeSimStats;
  readonly virtualMs: number;
  /** Virtual ms from the heal to the first probe applied on every node (null when it never was). */
  readonly recoveryMs: number | null;
  /** The limits drawn for this seed. */
  readonly limits: { readonly maxMessageBytes: number; readonly maxAppendBytes: number; readonly maxEntryBytes: number };
}

const CLUSTER = 'sim';
const TICK_MS = 10;
const HEARTBEAT_TICKS = 2;
/** Wall-clock ms at virtual time 0 (the application stamps entries with it). */
const EPOCH_MS = 1_700_000_000_000;
/** Most deferred tasks in one quiescence drain before the run is declared a livelock. */
const MAX_DRAIN_TASKS = 200_000;
/** A graceful stop (or the final one) must finish within this long, slow disks included. */
const STOP_LIMIT_MS = 5_000;
/** Link bandwidth, bytes per virtual ms (about 50 MB/s). */
const BYTES_PER_MS = 50_000;
/** After the heal, schedules must be created and caught up within this long (virtual ms). */
const SCHEDULE_CATCH_UP_MS = 5_000;

type MemberState = 'down' | 'starting' | 'up' | 'stopping';

/** The process of one life of a node: its deferred tasks, and what waits while it is paused. */
class Process {
  alive = true;
  paused = false;
  readonly tasks: (() => void)[] = [];
  private held: (() => void)[] = [];

  constructor(readonly onError: (err: unknown) => void) {}

  /** Run `fn` in this process now, or on resume when paused; never once it is dead. */
  run(fn: () => void): void {
    if (!this.alive) return;
    if (this.paused) this.held.push(fn);
    else this.guard(fn);
  }

  /** `setImmediate` of this process: runs when the simulation drains deferred work. */
  defer(fn: () => void): void {
    if (this.alive) this.tasks.push(fn);
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const fn of held) this.run(fn);
  }

  kill(): void {
    this.alive = false;
    this.tasks.length = 0;
    this.held = [];
  }

  guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }
}

/** One node id: its disk (which outlives processes) and the process running on it, if any. */
class Member {
  state: MemberState = 'down';
  /** Incremented at every start. */
  life = 0;
  proc: Process | null = null;
  node: RaftNode<SimCommand, SimResult> | null = null;
  storage: RaftStorage | null = null;
  transport: MemoryTransport | null = null;
  app: SimApp | null = null;
  /** The leader's schedule runner of this life (`schedules`). */
  duty: SimScheduleDuty | null = null;
  role: Role = 'follower';
  term = 0;
  /** Last index this life applied (contiguity check). */
  applied = 0;
  slowUntil = 0;
  /** Bumped to cancel a scheduled restart. */
  restartToken = 0;
  /** Kill the process during its next synced write (how), so the write is lost in flight. */
  trap: 'crash' | 'powerLoss' | null = null;
  /** How far this machine's wall clock is off virtual time, ms (`clockSteps`). */
  wallOffsetMs = 0;
  /**
   * Its disk was replaced: it starts outside the membership (as `raftjobs node --join` does) and
   * the operator removes its old self and adds it again (see `readmit`); 'done' once it votes again.
   */
  readmission: 'remove' | 'add' | 'done' | null = null;

  constructor(
    readonly id: NodeId,
    public disk: SimDisk,
  ) {}
}

/**
 * A seeded, virtual-time simulation of a cluster of real `RaftNode` drivers: the memory-level
 * storage twin (through `RaftStorage`, with writes that take virtual time and can be lost), the
 * memory transport (with the gRPC transport's message-size limit and bounded queues), and a small
 * deterministic application. Where {@link Simulation} drives the Raft core directly, this runs the
 * driver's own loop, write queue, snapshot reads and `stop()`, which is where liveness bugs hide.
 *
 * Virtual time: one event at a time from a queue (timers of every node, message deliveries,
 * write completions, faults, load). After each event the run drains all the work it caused
 * (promise callbacks, memory-level's, and the driver loops it deferred through
 * `RaftNodeOptions.schedule`) before time moves on, so CPU work takes no virtual time and the
 * same seed replays exactly.
 */
export class NodeSimulation {
  private readonly q = new EventQueue();
  private readonly rng: SeededRandom;
  private readonly netRng: SeededRandom;
  private readonly diskRng: SeededRandom;
  private readonly schedRng: SeededRandom;
  private readonly loadRng: SeededRandom;
  private readonly nodeRng: SeededRandom;
  private readonly ids: NodeId[];
  private readonly members: Member[];
  private readonly byId = new Map<NodeId, Member>();
  private readonly faults: ReadonlySet<NodeSimFault>;
  /** Only leader-keeping faults are on: one election in the whole run. */
  private readonly stableLeadership: boolean;
  private readonly check = new SafetyChecker();
  private readonly net: SimNetwork;
  private readonly logger: Logger;
  private readonly electionTicks: number;
  private readonly limits: { maxMessageBytes: number; maxAppendBytes: number; maxEntryBytes: number };
  private readonly tuning: { maxAppendEntries: number; maxInflight: number; snapshotEntries: number; snapshotTailEntries: number; snapshotBytes: number; snapshotPad: number; queueLimit: number; linkLimit: number };

  private faultsOn = true;
  private loadOn = true;
  private dropRate = 0;
  private dupRate = 0;
  private delayRate = 0;
  private jitterMs = 0;
  private largeRate = 0;
  private readonly cuts = new Set<string>();
  private readonly linkInFlight = new Map<string, number>();
  private readonly linkSent = new Map<string, number>();
  private readonly linkDelivered = new Map<string, number>();
  /** Per link, when its last message arrives (FIFO links when reordering is off). */
  private readonly linkLast = new Map<string, number>();

  private commandSeq = 0;
  /** index → chain hash after it, and the entry's content hash, as first applied anywhere. */
  private readonly chainAt: number[] = [];
  private readonly hashAt: number[] = [];
  private maxApplied = 0;
  /** `${index}:${term}` → content hash and the previous entry's term (-1: not known), as first stored. */
  private readonly stored = new Map<string, { hash: number; prevTerm: number }>();
  private healAt: number | null = null;
  /** The last node that lost its disk, until it rejoined (see `safeToWipe`). */
  private rejoining: { member: Member; floor: number } | null = null;
  private probeIndex: number | null = null;
  private recoveredAt: number | null = null;
  private violation: string | null = null;
  /** `schedules`: what to create, what is created, and every slot fired. */
  private readonly plan: SimSchedulePlan | null;
  /** `schedules`: leases the flow load was granted (the last 50), for its completions and throttled failures. */
  private flowGrants: LeaseGrant[] = [];
  private readonly created = new Set<string>();
  private readonly ledger = new SlotLedger();
  /** Some of the `scheduleFire` commands the runners proposed, to propose again. */
  private readonly runnerFires: ScheduleFireCommand[] = [];

  readonly stats: NodeSimStats = {
    elections: 0,
    proposals: 0,
    acked: 0,
    largeProposals: 0,
    aloneOversize: 0,
    bursts: 0,
    committed: 0,
    messages: 0,
    dropped: 0,
    duplicated: 0,
    delayed: 0,
    reordered: 0,
    cut: 0,
    linkFull: 0,
    oversizeDropped: 0,
    lostToRestart: 0,
    partitions: 0,
    pauses: 0,
    crashes: 0,
    killsDuringWrite: 0,
    restarts: 0,
    powerLosses: 0,
    clusterPowerLosses: 0,
    diskLosses: 0,
    diskLossesDeferred: 0,
    slowDisks: 0,
    slowWrites: 0,
    inFlightWritesLost: 0,
    unsyncedWritesLost: 0,
    snapshotsTaken: 0,
    snapshotsInstalled: 0,
    readsConfirmed: 0,
    transfers: 0,
    clockSteps: 0,
    schedulesCreated: 0,
    slotsFired: 0,
    slotsSkipped: 0,
    slotFiresRefused: 0,
    slotFiresMeddled: 0,
  };

  constructor(private readonly opts: NodeSimOptions) {
    this.rng = new SeededRandom(opts.seed);
    this.netRng = this.rng.fork();
    this.diskRng = this.rng.fork();
    this.schedRng = this.rng.fork();
    this.loadRng = this.rng.fork();
    this.nodeRng = this.rng.fork();
    this.faults = new Set(opts.faults ?? NODE_SIM_FAULTS);
    this.stableLeadership = [...this.faults].every((f) => LEADER_KEEPING_FAULTS.includes(f));
    this.electionTicks = opts.electionTicks ?? 10;
    const n = opts.nodes ?? 3;
    this.ids = Array.from({ length: n }, (_, i) => `n${i + 1}`);
    this.members = this.ids.map((id) => new Member(id, this.newDisk(id)));
    for (const m of this.members) this.byId.set(m.id, m);

    const r = this.rng;
    const maxMessageBytes = opts.maxMessageBytes ?? 64 * 1024;
    const half = Math.floor(maxMessageBytes / 2);
    const maxAppendBytes = opts.maxAppendBytes ?? r.between(Math.floor(maxMessageBytes / 8), half);
    const maxEntryBytes = opts.maxEntryBytes ?? r.between(Math.floor(Math.min(maxAppendBytes, half) / 2), half);
    this.limits = { maxMessageBytes, maxAppendBytes, maxEntryBytes };
    this.tuning = {
      maxAppendEntries: r.between(1, 64),
      maxInflight: r.between(1, 16),
      snapshotEntries: r.between(10, 200),
      snapshotTailEntries: r.between(0, 20),
      snapshotBytes: maxMessageBytes * r.between(2, 16),
      snapshotPad: r.int(32 * 1024),
      queueLimit: r.pick([8, 64, 1024]),
      linkLimit: r.pick([32, 256, 4096]),
    };
    this.drawNetwork();
    this.largeRate = this.on('largeEntries') ? 0.02 + r.next() * 0.2 : 0;

    const host: NetworkHost = { transmit: (to, frame, deliver) => this.transmit(to, frame, deliver) };
    this.net = new SimNetwork(host);
    this.plan = opts.schedules === true ? drawSchedules(opts.seed, opts.clockSteps === true) : null;
    const trace = opts.trace;
    this.logger = trace
      ? pino({ level: 'info', base: null, timestamp: false }, { write: (s: string) => this.trace(`log ${s.trim()}`) })
      : pino({ level: 'silent' });
  }

  /** Runs the whole simulation: faults, heal, liveness, graceful stop of every node. */
  async run(): Promise<NodeSimResult> {
    const duration = this.opts.durationMs ?? 2000;
    const electionMs = this.electionTicks * TICK_MS;
    const livenessMs = (this.opts.livenessElectionTimeouts ?? 5) * electionMs;
    this.trace(`CONFIG ${JSON.stringify({ ...this.limits, ...this.tuning, faults: [...this.faults] })}`);
    try {
      if (this.opts.clockSteps === true) this.stepClocks();
      for (const m of this.members) this.start(m);
      await this.drain();
      this.scheduleLoad();
      if (this.plan !== null) {
        this.createSchedules();
        this.after(this.loadRng.between(50, 200), () => this.meddle());
        this.flowLoad(new SeededRandom((this.opts.seed ^ 0xf10c) >>> 0));
      }
      this.q.schedule(this.rng.between(100, 400), () => this.fault());
      await this.runUntil(() => false, duration);
      if (this.violation === null) {
        this.heal();
        await this.drain();
        const deadline = this.q.now + livenessMs;
        await this.runUntil(() => this.recoveredAt !== null, deadline);
        if (this.violation === null && this.recoveredAt === null) {
          this.violate(`liveness: ${livenessMs} ms (${this.opts.livenessElectionTimeouts ?? 5} election timeouts) after the heal, no proposal was applied on every node; ${this.describe()}`);
        }
        if (this.violation === null && this.plan !== null) await this.finishSchedules();
      }
      if (this.violation === null) await this.shutdown();
    } catch (err) {
      this.violate(`simulator error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    this.stats.committed = this.maxApplied;
    this.stats.slotsFired = this.ledger.counts.fired;
    this.stats.slotsSkipped = this.ledger.counts.skipped;
    this.stats.slotFiresRefused = this.ledger.counts.refusedAsFired;
    const recoveryMs = this.recoveredAt !== null && this.healAt !== null ? this.recoveredAt - this.healAt : null;
    return { seed: this.opts.seed, violation: this.violation, stats: this.stats, virtualMs: this.q.now, recoveryMs, limits: this.limits };
  }

  // ------------------------------------------------------------------ virtual time

  /** Runs events (draining after each) until `done`, a violation, or nothing is due by `until`. */
  private async runUntil(done: () => boolean, until: number): Promise<void> {
    while (this.violation === null && !done() && this.q.runNext(until)) await this.drain();
    if (this.q.now < until && !done()) this.q.now = until;
  }

  /**
   * Lets every piece of work the last event caused run to completion: promise callbacks (and
   * memory-level's, which are all promise callbacks) by yielding one macrotask, and the tasks the
   * drivers deferred, one at a time, from a process the seed picks.
   */
  private async drain(): Promise<void> {
    for (let n = 0; ; n++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      let ready: Process | null = null;
      let count = 0;
      for (const m of this.members) {
        const p = m.proc;
        if (p !== null && p.alive && !p.paused && p.tasks.length > 0) {
          count++;
          if (ready === null || this.schedRng.int(count) === 0) ready = p;
        }
      }
      if (ready === null) return;
      if (n > MAX_DRAIN_TASKS) {
        this.violate(`livelock: ${MAX_DRAIN_TASKS} deferred tasks at one virtual instant without quiescence`);
        return;
      }
      const task = ready.tasks.shift() as () => void;
      ready.guard(task);
    }
  }

  private after(ms: number, fn: () => void): void {
    this.q.schedule(ms, fn);
  }

  /** Virtual time for one process; its timers fire up to 1 ms late, as busy event loops make them. */
  private clockFor(m: Member, proc: Process, jitter: SeededRandom): NodeClock {
    const startedAt = this.q.now;
    return {
      now: () => EPOCH_MS + this.q.now + m.wallOffsetMs,
      // Monotonic time starts near 0 in each process, as performance.now() does.
      monotonic: () => this.q.now - startedAt,
      setTimeout: (callback, ms) => {
        const handle = { cancelled: false };
        this.q.schedule(ms + jitter.next(), () => {
          if (!handle.cancelled) proc.run(callback);
        });
        return handle;
      },
      clearTimeout: (handle) => {
        (handle as { cancelled: boolean }).cancelled = true;
      },
    };
  }

  private transportClock(): TransportClock {
    return {
      now: () => this.q.now,
      setTimeout: (callback, ms): TimerHandle => {
        this.q.schedule(ms, callback);
        return {};
      },
      clearTimeout: () => undefined,
    };
  }

  // ------------------------------------------------------------------ processes

  /** An empty disk with a seeded incarnation (`RaftStorage` would draw one at random). */
  private newDisk(id: NodeId): SimDisk {
    const incarnation = 1 + this.diskRng.int(2 ** 32 - 2);
    return new SimDisk(id, incarnation, { clusterId: CLUSTER, nodeId: id }, this.diskHost());
  }

  private diskHost(): DiskHost {
    return {
      writeDelay: (disk, ops, sync) => this.writeDelay(disk, ops, sync),
      after: (ms, fn) => this.after(ms, fn),
      landing: (disk, ops, sync) => this.landing(disk, ops, sync),
      deliver: (disk, fn) => {
        const m = this.byId.get(disk.nodeId);
        if (m?.disk === disk) m.proc?.run(fn);
      },
    };
  }

  private start(m: Member): void {
    if (m.state !== 'down' || this.violation !== null) return;
    m.state = 'starting';
    m.life++;
    m.restartToken++;
    const life = m.life;
    const proc = new Process((err) => this.violate(`${m.id}: uncaught error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
    m.proc = proc;
    m.role = 'follower';
    m.term = 0;
    m.applied = 0;
    const app = new SimApp(
      {
        applied: (index, hash, chain) => this.applied(m, life, index, hash, chain),
        probeApplied: (index) => {
          if (this.healAt !== null && this.probeIndex === null) this.probeIndex = index;
        },
        restored: (index, chain) => this.restored(m, life, index, chain),
        timeWentBack: (index, time, now) => {
          if (m.life === life) this.violate(`${m.id}: entry ${index} carries time ${time}, below the replicated time ${now} (J5)`);
        },
        jobEvents: (index, events) => {
          if (m.life !== life) return;
          if (this.opts.trace) {
            for (const e of events) {
              if (e.type === 'scheduleFired') this.trace(`${m.id} APPLIED ${index}: schedule ${e.scheduleId} fired slot ${e.slot} (job ${e.jobId}, lag ${e.lagMs} ms)`);
              else if (e.type === 'scheduleSkipped') this.trace(`${m.id} APPLIED ${index}: schedule ${e.scheduleId} skipped ${e.slots}`);
            }
          }
          const v = this.ledger.note(index, events);
          if (v !== null) this.violate(v);
        },
      },
      this.tuning.snapshotPad,
      this.plan?.jobsOptions ?? null,
    );
    const transport = new MemoryTransport({ network: this.net, clusterId: CLUSTER, selfId: m.id, peers: this.ids, queueLimit: this.tuning.queueLimit, clock: this.transportClock(), logger: this.logger.child({ node: m.id, component: 'transport' }) });
    const random = this.nodeRng.fork();
    const db = m.disk.open();
    this.trace(`${m.id} START life ${life} incarnation ${m.disk.incarnation}`);
    let duty: SimScheduleDuty | null = null;
    const boot = async (): Promise<void> => {
      const storage = await openMemoryStorage({ clusterId: CLUSTER, nodeId: m.id, db });
      const clock = this.clockFor(m, proc, random.fork());
      const node: RaftNode<SimCommand, SimResult> = await RaftNode.start<SimCommand, SimResult>({
        id: m.id,
        voters: m.readmission === null ? this.ids : [],
        storage,
        transport,
        app,
        logger: this.logger.child({ node: m.id }),
        clock,
        random: () => random.next(),
        schedule: (task) => proc.defer(task),
        tickMs: TICK_MS,
        electionTicks: this.electionTicks,
        heartbeatTicks: HEARTBEAT_TICKS,
        maxAppendEntries: this.tuning.maxAppendEntries,
        maxAppendBytes: this.limits.maxAppendBytes,
        maxInflight: this.tuning.maxInflight,
        maxEntryBytes: this.limits.maxEntryBytes,
        snapshotEntries: this.tuning.snapshotEntries,
        snapshotTailEntries: this.tuning.snapshotTailEntries,
        snapshotBytes: this.tuning.snapshotBytes,
        events: {
          onRoleChange: (role, leaderId, term) => {
            this.roleChanged(m, life, role, leaderId, term);
            duty?.roleChanged(role, term);
          },
          onApplied: (index, results) => {
            app.noteApplied(index);
            if (duty !== null && m.life === life) {
              this.ledger.noteResults(index, results);
              duty.applied(results);
            }
          },
          onFatal: (err) => this.violate(`${m.id}: fatal: ${err.message}`),
        },
        metrics: {
          snapshot: (kind) => {
            if (kind === 'taken') this.stats.snapshotsTaken++;
            else this.stats.snapshotsInstalled++;
          },
        },
      });
      if (m.life !== life || !proc.alive) return;
      if (this.plan !== null) {
        duty = new SimScheduleDuty(node, app, clock, this.logger.child({ node: m.id, component: 'schedules' }), () => ++this.commandSeq, this.electionTicks * TICK_MS, (cmd) => {
          // Catch-up `all` schedules only: see `meddle`.
          if (this.plan?.definitions.find((d) => d.id === cmd.id)?.catchUp?.mode !== 'all') return;
          if (this.runnerFires.length < 64) this.runnerFires.push(cmd);
          else this.runnerFires[this.loadRng.int(64)] = cmd;
        });
        m.duty = duty;
        // A node that starts as the only voter leads before `duty` existed.
        if (node.isLeader()) duty.roleChanged('leader', node.currentTerm());
      }
      m.node = node;
      m.storage = storage;
      m.transport = transport;
      m.app = app;
      m.state = 'up';
    };
    boot().catch((err: unknown) => this.violate(`${m.id}: start failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** The process dies at once (crash, power loss, disk loss): nothing of it runs again. */
  private kill(m: Member, how: 'crash' | 'powerLoss' | 'diskLoss'): void {
    if (m.state !== 'up' && m.state !== 'stopping') return;
    const disk = m.disk;
    m.proc?.kill();
    void m.transport?.stop();
    if (how === 'powerLoss') {
      const before = disk.lost.unsynced;
      disk.powerLoss(this.diskRng.int(disk.unsyncedBatches + 1));
      this.stats.unsyncedWritesLost += disk.lost.unsynced - before;
    }
    const inFlight = disk.inFlight;
    if (how === 'diskLoss') disk.discard();
    else if (how === 'crash') disk.crash();
    this.stats.inFlightWritesLost += inFlight;
    this.trace(`${m.id} ${how.toUpperCase()} (writes in flight lost: ${inFlight})`);
    this.down(m);
  }

  private down(m: Member): void {
    m.state = 'down';
    m.proc = null;
    m.node = null;
    m.storage = null;
    m.transport = null;
    m.app = null;
    m.duty?.stop();
    m.duty = null;
    m.role = 'follower';
    m.trap = null;
  }

  /** Graceful `stop()`, then close the storage; `then` runs once the node is down. */
  private stop(m: Member, then: () => void): void {
    const { node, storage, proc } = m;
    if (m.state !== 'up' || node === null || storage === null || proc === null) return;
    m.state = 'stopping';
    const life = m.life;
    proc.resume();
    this.trace(`${m.id} STOP`);
    const stopped = async (): Promise<void> => {
      m.duty?.stop();
      await node.stop();
      await storage.close();
    };
    const started = this.q.now;
    this.after(STOP_LIMIT_MS, () => {
      if (m.life === life && m.state === 'stopping') this.violate(`${m.id}: stop() and close did not finish within ${STOP_LIMIT_MS} ms (${m.disk.inFlight} writes in flight)`);
    });
    stopped().then(
      () => {
        if (m.life !== life || m.state !== 'stopping') return;
        this.trace(`${m.id} STOPPED after ${(this.q.now - started).toFixed(1)} ms`);
        proc.kill();
        this.down(m);
        then();
      },
      (err: unknown) => this.violate(`${m.id}: stop failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  /** Start `m` again after `ms` (at once once the faults have healed), unless something else did. */
  private restartLater(m: Member, ms: number): void {
    const token = ++m.restartToken;
    this.after(this.faultsOn ? ms : 0, () => {
      if (m.restartToken === token) this.start(m);
    });
  }

  // ------------------------------------------------------------------ checks

  private violate(what: string): void {
    if (this.violation !== null) return;
    this.violation = `t=${this.q.now.toFixed(1)}ms ${what}`;
    this.trace(`VIOLATION ${what}`);
  }

  private roleChanged(m: Member, life: number, role: Role, leaderId: NodeId | null, term: number): void {
    if (m.life !== life) return;
    m.role = role;
    m.term = term;
    this.trace(`${m.id} ${role} term ${term} leader ${leaderId ?? '-'}`);
    if (role !== 'leader') return;
    this.stats.elections++;
    if (this.stableLeadership && this.stats.elections > 1) {
      this.violate(`leader stability: ${m.id} elected in term ${term} with only ${[...this.faults].join(', ')} injected`);
    }
    try {
      this.check.leaderElected(term, m.id);
    } catch (err) {
      this.violate(err instanceof Error ? err.message : String(err));
    }
  }

  /** State machine safety: every life applies one contiguous run of the one global sequence. */
  private applied(m: Member, life: number, index: number, hash: number, chain: number): void {
    if (m.life !== life) return;
    if (index !== m.applied + 1) this.violate(`${m.id}: applied index ${index} after ${m.applied}`);
    m.applied = index;
    const known = this.chainAt[index];
    if (known === undefined) {
      this.chainAt[index] = chain;
      this.hashAt[index] = hash;
    } else if (known !== chain) {
      this.violate(`state machine safety: ${m.id} applied a different sequence up to index ${index}`);
    }
    if (index > this.maxApplied) this.maxApplied = index;
    if (this.probeIndex !== null && this.recoveredAt === null && this.members.every((x) => x.state === 'up' && x.applied >= (this.probeIndex as number))) {
      this.recoveredAt = this.q.now;
      this.trace(`RECOVERED: probe at ${this.probeIndex} applied everywhere, ${(this.q.now - (this.healAt ?? 0)).toFixed(1)} ms after the heal`);
    }
  }

  private restored(m: Member, life: number, index: number, chain: number): void {
    if (m.life !== life) return;
    const known = this.chainAt[index];
    if (index > 0 && known !== undefined && known !== chain) this.violate(`${m.id}: snapshot at ${index} differs from the state applied there`);
    if (index > 0 && known === undefined) this.violate(`${m.id}: snapshot at ${index}, an index no node applied`);
    m.applied = index;
  }

  /**
   * A write is about to land on `disk`: log matching (one content per index and term, and the
   * same predecessor), the entry bound, and a leader never removing or changing an entry of its
   * own log (a write that carries entries of the term it leads).
   */
  private landing(disk: SimDisk, ops: readonly DiskOp[], sync: boolean): void {
    const m = this.byId.get(disk.nodeId);
    if (m?.disk !== disk) return;
    if (this.opts.trace) this.trace(`${m.id} WROTE ${describeOps(ops)}${sync ? '' : ' (unsynced)'}`);
    let removed = 0;
    let changed = 0;
    let logStart: { index: number; term: number } | null = null;
    const entries: { index: number; term: number; hash: number }[] = [];
    for (const op of ops) {
      const index = entryKeyIndex(op.key);
      if (index === null) {
        if (op.type === 'put' && diskKey(op.key) === diskKey(LOG_START_KEY)) logStart = decodeLogStart(op.value, MEMORY_PATH);
        continue;
      }
      const old = disk.current.get(diskKey(op.key));
      if (op.type === 'del') {
        if (old !== undefined) removed++;
        continue;
      }
      if (old !== undefined && !Buffer.from(old).equals(op.value)) changed++;
      const e = decodeEntry(index, op.value, MEMORY_PATH);
      // Commands packed together never make an entry over the bound; a command that alone is over
      // it goes in an entry of its own (the config's limits make it fit one peer message).
      if (e.data.length > this.limits.maxEntryBytes && e.type === 'normal' && new DataView(e.data.buffer, e.data.byteOffset, e.data.byteLength).getUint32(0) !== 1) {
        this.violate(`${m.id}: stores entry ${index} of ${e.data.length} bytes with several commands, over maxEntryBytes ${this.limits.maxEntryBytes}`);
      }
      entries.push({ index, term: e.term, hash: e.type === 'normal' ? contentHash(e.data) : NOOP_HASH });
    }
    const first = entries[0];
    if (first === undefined) return;
    let prevTerm = this.termOnDisk(disk, first.index - 1, logStart);
    for (const e of entries) {
      const key = `${e.index}:${e.term}`;
      const seen = this.stored.get(key);
      if (seen === undefined) this.stored.set(key, { hash: e.hash, prevTerm });
      else if (seen.hash !== e.hash || (seen.prevTerm >= 0 && prevTerm >= 0 && seen.prevTerm !== prevTerm)) {
        this.violate(`log matching: ${m.id} stores a different entry at index ${e.index} term ${e.term}`);
      }
      prevTerm = e.term;
    }
    if (m.role === 'leader' && entries.some((e) => e.term === m.term) && (removed > 0 || changed > 0)) {
      this.violate(`leader append-only: ${m.id}, leader of term ${m.term}, removes ${removed} and changes ${changed} entries of its log`);
    }
  }

  /** Term of the entry at `index` on `disk` (or of the log start); -1 when unknown. */
  private termOnDisk(disk: SimDisk, index: number, batchStart: { index: number; term: number } | null): number {
    if (index === 0) return 0;
    if (batchStart?.index === index) return batchStart.term;
    const raw = disk.current.get(diskKey(entryKey(index)));
    if (raw !== undefined) return decodeEntryTerm(index, raw, MEMORY_PATH);
    const start = disk.current.get(diskKey(LOG_START_KEY));
    if (start !== undefined) {
      const pos = decodeLogStart(start, MEMORY_PATH);
      if (pos.index === index) return pos.term;
    }
    return -1;
  }

  // ------------------------------------------------------------------ disk timing

  private writeDelay(disk: SimDisk, ops: readonly DiskOp[], sync: boolean): number {
    const r = this.diskRng;
    let bytes = 0;
    for (const op of ops) if (op.type === 'put') bytes += op.value.length;
    const m = this.byId.get(disk.nodeId);
    const slow = this.faultsOn && m !== undefined && m.slowUntil > this.q.now;
    let ms: number;
    if (slow) ms = sync ? r.between(50, 500) : 1 + r.next() * 9;
    else if (!sync) ms = 0.05 + r.next() * 0.2;
    else ms = r.chance(0.02) ? 5 + r.next() * 15 : 0.3 + r.next() * 2.5;
    if (ms >= 50) this.stats.slowWrites++;
    ms += bytes / (4 * BYTES_PER_MS);
    if (m?.trap != null && sync && this.faultsOn) {
      // Sprung: the process dies while this write is in flight (now and then just after it lands).
      const how = m.trap;
      m.trap = null;
      const life = m.life;
      this.after(r.next() * ms * 1.2, () => {
        if (m.life !== life || !this.faultsOn) return;
        this.stats.killsDuringWrite++;
        this.kill(m, how);
        this.restartLater(m, r.between(20, 600));
      });
    }
    return ms;
  }

  // ------------------------------------------------------------------ network

  private drawNetwork(): void {
    const r = this.netRng;
    this.dropRate = this.on('drop') ? r.next() * 0.12 : 0;
    this.dupRate = this.on('duplicate') ? r.next() * 0.05 : 0;
    this.delayRate = this.on('delay') ? r.next() * 0.05 : 0;
    this.jitterMs = this.on('reorder') ? r.next() * 5 : 0;
  }

  private transmit(to: NodeId, frame: SimFrame, deliver: (frame: SimFrame) => void): boolean {
    const msg = frame.message;
    const r = this.netRng;
    const link = `${frame.from}>${to}`;
    this.stats.messages++;
    if (this.cuts.has(link)) {
      this.stats.cut++;
      return false;
    }
    const over = oversizeFrameBytes(msg, CLUSTER, this.limits.maxMessageBytes);
    if (over > 0) {
      this.stats.oversizeDropped++;
      this.trace(`${link} ${msg.type} of ${over} bytes DROPPED: over maxMessageBytes ${this.limits.maxMessageBytes}`);
      return false;
    }
    const inFlight = this.linkInFlight.get(link) ?? 0;
    if (inFlight >= this.tuning.linkLimit) {
      this.stats.linkFull++;
      return false;
    }
    if (this.faultsOn && r.chance(this.dropRate)) {
      this.stats.dropped++;
      if (this.opts.trace) this.traceMessage(link, msg, ' LOST');
      return true; // written to the socket, lost on the way
    }
    const receiver = this.byId.get(to);
    if (receiver === undefined) return true;
    const life = receiver.life;
    const copies = this.faultsOn && r.chance(this.dupRate) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    if (this.opts.trace) this.traceMessage(link, msg, copies === 2 ? ' TWICE' : '');
    for (let c = 0; c < copies; c++) {
      let delay = 0.2 + (this.faultsOn ? r.next() * this.jitterMs : 0) + wireBytes(msg) / BYTES_PER_MS;
      if (this.faultsOn && r.chance(this.delayRate)) {
        delay += r.between(10, 100);
        this.stats.delayed++;
      }
      if (!this.faultsOn || this.jitterMs === 0) {
        // A FIFO link: nothing overtakes what was sent before it.
        delay = Math.max(delay, (this.linkLast.get(link) ?? 0) - this.q.now);
        this.linkLast.set(link, this.q.now + delay);
      }
      const seq = (this.linkSent.get(link) ?? 0) + 1;
      this.linkSent.set(link, seq);
      this.linkInFlight.set(link, (this.linkInFlight.get(link) ?? 0) + 1);
      this.q.schedule(delay, () => {
        this.linkInFlight.set(link, (this.linkInFlight.get(link) ?? 1) - 1);
        if (this.cuts.has(link)) {
          this.stats.cut++;
          return;
        }
        if (receiver.life !== life) {
          this.stats.lostToRestart++;
          return;
        }
        const last = this.linkDelivered.get(link) ?? 0;
        if (seq < last) this.stats.reordered++;
        else this.linkDelivered.set(link, seq);
        receiver.proc?.run(() => deliver(frame));
      });
    }
    return true;
  }

  /** Traces the messages that tell a run's story (not heartbeats, pre-votes or empty appends). */
  private traceMessage(link: string, msg: Message, fate: string): void {
    let what: string;
    if (msg.type === 'append') {
      if (msg.entries.length === 0) return;
      what = `append prev ${msg.prevLogIndex}/${msg.prevLogTerm} n ${msg.entries.length} commit ${msg.commit}`;
    } else if (msg.type === 'appendResp') what = `appendResp ${msg.success ? 'ok' : 'reject'} ${msg.index} hint ${msg.hintIndex}/${msg.hintTerm}`;
    else if (msg.type === 'vote') what = `vote last ${msg.lastLogIndex}/${msg.lastLogTerm}`;
    else if (msg.type === 'voteResp') what = `voteResp ${msg.granted ? 'granted' : 'refused'}`;
    else if (msg.type === 'snapshot') what = `snapshot ${msg.snapshot.meta.index}/${msg.snapshot.meta.term} of ${msg.snapshot.data.length} bytes`;
    else if (msg.type === 'timeoutNow') what = 'timeoutNow';
    else return;
    this.trace(`${link} ${what} t${msg.term}${fate}`);
  }

  // ------------------------------------------------------------------ load

  private leaders(): Member[] {
    return this.members.filter((m) => m.state === 'up' && m.node?.isLeader() === true);
  }

  private pickTarget(): Member | undefined {
    const leaders = this.leaders();
    const r = this.loadRng;
    if (leaders.length > 0 && r.chance(0.9)) return r.pick(leaders);
    const up = this.members.filter((m) => m.state === 'up');
    return up.length > 0 ? r.pick(up) : undefined;
  }

  private largeSize(): number {
    const e = this.limits.maxEntryBytes;
    // Most fit; about one in ten encodes just over the bound and goes in an entry of its own.
    return Math.max(1, Math.floor(e * (0.4 + this.loadRng.next() * 0.66)) - 21);
  }

  /**
   * `clockSteps`: every wall clock starts up to an hour off, and until the heal one of them steps
   * to a new offset every 20–300 ms. From a stream of its own, so other draws are unchanged.
   */
  private stepClocks(): void {
    const r = new SeededRandom((this.opts.seed ^ 0x7c10c4) >>> 0);
    const hourMs = 3_600_000;
    const step = (m: Member): void => {
      m.wallOffsetMs = r.between(-hourMs, hourMs);
      this.stats.clockSteps++;
      this.trace(`${m.id} CLOCK STEP wall clock ${m.wallOffsetMs} ms off`);
    };
    for (const m of this.members) step(m);
    const next = (): void => {
      if (!this.faultsOn) return;
      step(r.pick(this.members));
      this.after(r.between(20, 300), next);
    };
    this.after(r.between(20, 300), next);
  }

  private scheduleLoad(): void {
    const r = this.loadRng;
    const propose = (): void => {
      if (!this.loadOn) return;
      const m = this.pickTarget();
      if (m !== undefined) {
        const large = this.faultsOn && r.chance(this.largeRate);
        this.propose(m, { id: ++this.commandSeq, size: large ? this.largeSize() : r.between(1, 200) });
      }
      this.after(r.between(1, 15), propose);
    };
    const read = (): void => {
      if (!this.loadOn) return;
      const leaders = this.leaders();
      if (leaders.length > 0) this.read(r.pick(leaders));
      this.after(r.between(5, 50), read);
    };
    this.after(r.between(1, 20), propose);
    this.after(r.between(1, 50), read);
  }

  /**
   * `schedules`: create each planned schedule through a leader, again every 20–120 ms until the
   * cluster has it (a create answered ALREADY_EXISTS was committed by an earlier try).
   */
  private createSchedules(): void {
    const plan = this.plan;
    if (plan === null || !this.loadOn) return;
    const leaders = this.leaders();
    const m = leaders.length > 0 ? this.loadRng.pick(leaders) : undefined;
    const duty = m?.duty;
    for (const def of plan.definitions) {
      if (this.created.has(def.id) || m === undefined || duty == null) continue;
      m.proc?.run(() => {
        duty.propose({ type: 'scheduleSet', mode: 'create', schedule: def }).then(
          (res) => {
            if (!createdOrExists(res)) this.violate(`${m.id}: schedule ${def.id} refused: ${res.ok ? '' : `${res.code} ${res.message}`}`);
            else if (!this.created.has(def.id)) {
              this.created.add(def.id);
              this.stats.schedulesCreated++;
              this.trace(`SCHEDULE ${def.id} created`);
            }
          },
          (err: unknown) => {
            if (!retryable(err)) this.violate(`${m.id}: schedule ${def.id} proposal failed: ${err instanceof Error ? err.message : String(err)}`);
          },
        );
      });
    }
    if (this.created.size < plan.definitions.length) this.after(this.loadRng.between(20, 120), () => this.createSchedules());
  }

  /**
   * `schedules`, until the heal: besides the runners, propose `scheduleFire` commands of catch-up
   * `all` schedules that must not fire a slot twice: one a runner proposed before (a duplicate,
   * or a replay after a leader change), or one computed from a random node's state (a
   * follower's may lag: a stale leader's view) at the leader's time. Every 20–150 ms, through a leader.
   */
  private meddle(): void {
    if (!this.faultsOn || this.plan === null) return;
    const r = this.loadRng;
    this.after(r.between(20, 150), () => this.meddle());
    const leaders = this.leaders();
    const m = leaders.length > 0 ? r.pick(leaders) : undefined;
    const duty = m?.duty;
    const node = m?.node;
    if (m === undefined || duty == null || node == null) return;
    let cmd: ScheduleFireCommand | null = null;
    // Catch-up `all` schedules only. A `latest` schedule's fire computed from a stale view (or a
    // replay of one that never applied) may propose its one slot, after what the schedule has
    // handled since, with a skip count that covers slots fired since: the state machine, which
    // cannot evaluate slots, counts the proposer's figure. No slot fires twice, but `skipped` is
    // too high. Only the leader's runner proposes fires, and it starts from the committed state
    // with one fire per schedule in flight, so it never does this (seed 482 with replays of
    // `latest` fires shows the gap).
    if (this.runnerFires.length > 0 && r.chance(0.5)) cmd = r.pick(this.runnerFires);
    else {
      const all = this.plan.definitions.filter((d) => d.catchUp?.mode === 'all');
      const source = r.pick(this.members).app?.jobs;
      const view = source == null ? null : new StateQueries(() => source).getSchedule(r.pick(all).id);
      if (view != null && source != null) cmd = scheduleFireCommand(view, node.time(), source.options.maxSlotsPerFire);
    }
    if (cmd === null) return;
    const fire = cmd;
    this.stats.slotFiresMeddled++;
    m.proc?.run(() => {
      duty.propose(fire).catch((err: unknown) => {
        if (!retryable(err)) this.violate(`${m.id}: a scheduleFire proposal failed: ${err instanceof Error ? err.message : String(err)}`);
      });
    });
  }

  /**
   * After the heal and the probe: every schedule must be created, and then owe no slot at or
   * before the replicated time the leader had when this began, on every node, within `SCHEDULE_CATCH_UP_MS`;
   * then every node's state must pass `checkSchedules`.
   */
  private async finishSchedules(): Promise<void> {
    const plan = this.plan;
    if (plan === null) return;
    const ids = plan.definitions.map((d) => d.id);
    const deadline = this.q.now + SCHEDULE_CATCH_UP_MS;
    await this.runUntil(() => this.created.size === ids.length, deadline);
    const leader = this.leaders()[0];
    if (this.violation !== null) return;
    if (this.created.size < ids.length || leader?.node == null) {
      this.violate(`schedules: ${this.created.size} of ${ids.length} created ${SCHEDULE_CATCH_UP_MS} ms after the heal; ${this.describe()}`);
      return;
    }
    const through = leader.node.time();
    const done = (): boolean => this.members.every((m) => m.state === 'up' && m.app?.jobs != null && caughtUp(m.app.jobs, ids, through));
    await this.runUntil(done, deadline);
    if (this.violation !== null) return;
    if (!done()) {
      const views = this.members.map((m) => `${m.id}: ${ids.map((id) => `${id} ${m.app?.jobs?.schedules.get(id)?.handledThrough ?? '-'}`).join(', ')}`);
      this.violate(`schedules: slots at or before ${through} still owed ${SCHEDULE_CATCH_UP_MS} ms after the heal (${views.join('; ')}); ${this.describe()}`);
      return;
    }
    const replicas: { id: string; index: number; jobs: JobsState }[] = [];
    for (const m of this.members) {
      const app = m.app;
      if (app?.jobs == null) continue;
      const v = checkSchedules(app.jobs, app.index, this.ledger, m.id);
      if (v !== null) {
        this.violate(v);
        return;
      }
      replicas.push({ id: m.id, index: app.index, jobs: app.jobs });
    }
    const v = checkJobDigests(replicas);
    if (v !== null) this.violate(v);
  }

  /**
   * `schedules`, until the heal: flow-control commands (sim-flow.ts) through a leader every
   * 10–80 ms, from a stream of their own. Leases granted feed later completions and throttled
   * failures (the last 50, some stale by then).
   */
  private flowLoad(r: SeededRandom): void {
    if (!this.faultsOn) return;
    this.after(r.between(10, 80), () => this.flowLoad(r));
    const leaders = this.leaders();
    const m = leaders.length > 0 ? r.pick(leaders) : undefined;
    const duty = m?.duty;
    if (m === undefined || duty == null) return;
    const cmd = drawFlowCommand(r, this.flowGrants);
    m.proc?.run(() => {
      duty.propose(cmd).then(
        (res) => {
          if (res.ok && res.type === 'lease') this.flowGrants = [...this.flowGrants, ...res.leases].slice(-50);
        },
        (err: unknown) => {
          if (!retryable(err)) this.violate(`${m.id}: a ${cmd.type} proposal failed: ${err instanceof Error ? err.message : String(err)}`);
        },
      );
    });
  }

  /** After the heal, until one is applied: a probe to every node that believes it leads, every heartbeat. */
  private probe(): void {
    if (!this.loadOn || this.probeIndex !== null) return;
    for (const m of this.leaders()) this.propose(m, { id: ++this.commandSeq, size: 8, probe: true });
    this.after(HEARTBEAT_TICKS * TICK_MS, () => this.probe());
  }

  private propose(m: Member, cmd: SimCommand): void {
    const { node, proc } = m;
    if (node === null || proc === null) return;
    const fits = SimApp.encodedSize([cmd]) <= this.limits.maxEntryBytes;
    if (cmd.size > 1000) this.stats.largeProposals++;
    this.stats.proposals++;
    proc.run(() => {
      node.propose(cmd).then(
        (res) => {
          this.stats.acked++;
          if (!fits) this.stats.aloneOversize++;
          if (res.id !== cmd.id) this.violate(`${m.id}: proposal ${cmd.id} answered with the result of ${res.id}`);
        },
        (err: unknown) => {
          const code = isRaftJobsError(err) ? err.code : null;
          if (code === ErrorCode.InvalidArgument) {
            this.violate(`${m.id}: a command of ${SimApp.encodedSize([cmd])} bytes (bound ${this.limits.maxEntryBytes}) was refused`);
          } else if (code !== ErrorCode.NotLeader && code !== ErrorCode.OutcomeUnknown && code !== ErrorCode.ShuttingDown && code !== ErrorCode.DataLoss) {
            this.violate(`${m.id}: proposal failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        },
      );
    });
  }

  /** A linearizable read must reflect every entry applied anywhere before it began. */
  private read(m: Member): void {
    const { node, proc, app } = m;
    if (node === null || proc === null || app === null) return;
    const floor = this.maxApplied;
    proc.run(() => {
      node.readBarrier().then(
        () => {
          this.stats.readsConfirmed++;
          if (app.index < floor) this.violate(`stale read on ${m.id}: state at ${app.index}, but ${floor} was applied before the read began`);
        },
        () => undefined,
      );
    });
  }

  // ------------------------------------------------------------------ faults

  private on(f: NodeSimFault): boolean {
    return this.faults.has(f);
  }

  private fault(): void {
    if (!this.faultsOn) return;
    const r = this.rng;
    if (this.stableLeadership && this.stats.elections === 0) {
      // The property is that an elected leader keeps its leadership. Before the first election, a
      // majority of slow disks (writes longer than an election timeout) keeps any candidate from
      // winning, as Raft's timing requirement (broadcast time well below the election timeout) says.
      this.after(r.between(30, 300), () => this.fault());
      return;
    }
    const kinds: (() => void)[] = [];
    const up = this.members.filter((m) => m.state === 'up');
    const leaders = this.leaders();
    const victim = (): Member | undefined => (leaders.length > 0 && r.chance(0.5) ? r.pick(leaders) : up.length > 0 ? r.pick(up) : undefined);
    if (this.on('drop') || this.on('duplicate') || this.on('delay') || this.on('reorder')) kinds.push(() => this.drawNetwork());
    if (this.on('partition')) kinds.push(() => this.partition());
    if (this.on('pause')) {
      kinds.push(() => {
        const m = victim();
        const proc = m?.proc;
        if (m === undefined || proc === null || proc === undefined || proc.paused) return;
        proc.paused = true;
        this.stats.pauses++;
        const ms = r.between(50, 400);
        this.trace(`${m.id} PAUSE ${ms} ms`);
        this.after(ms, () => proc.resume());
      });
    }
    if (this.on('crash')) {
      kinds.push(() => {
        const m = victim();
        if (m === undefined) return;
        this.stats.crashes++;
        if (r.chance(0.5)) {
          this.trace(`${m.id} CRASH armed for its next synced write`);
          m.trap = 'crash';
          return;
        }
        this.kill(m, 'crash');
        this.restartLater(m, r.between(20, 600));
      });
    }
    if (this.on('restart')) {
      kinds.push(() => {
        const m = victim();
        if (m === undefined) return;
        this.stats.restarts++;
        this.stop(m, () => this.restartLater(m, r.between(10, 200)));
      });
    }
    if (this.on('powerLoss')) {
      kinds.push(() => {
        const all = r.chance(0.3);
        const hit = all ? this.members.filter((m) => m.state === 'up' || m.state === 'stopping') : [victim()].filter((m) => m !== undefined);
        if (hit.length === 0) return;
        this.stats.powerLosses++;
        if (all) this.stats.clusterPowerLosses++;
        const first = hit[0];
        if (!all && first !== undefined && r.chance(0.5)) {
          this.trace(`${first.id} POWER LOSS armed for its next synced write`);
          first.trap = 'powerLoss';
          return;
        }
        for (const m of hit) {
          this.kill(m, 'powerLoss');
          this.restartLater(m, r.between(20, 600));
        }
      });
    }
    if (this.on('diskLoss')) kinds.push(() => this.diskLoss(victim()));
    if (this.on('slowDisk')) {
      kinds.push(() => {
        const m = victim();
        if (m === undefined) return;
        this.stats.slowDisks++;
        const ms = r.between(200, 1500);
        m.slowUntil = this.q.now + ms;
        this.trace(`${m.id} SLOW DISK for ${ms} ms`);
      });
    }
    if (this.on('burst')) {
      kinds.push(() => {
        const m = leaders.length > 0 ? r.pick(leaders) : undefined;
        if (m === undefined) return;
        this.stats.bursts++;
        const n = r.between(5, 40);
        this.trace(`${m.id} BURST of ${n} large proposals`);
        for (let i = 0; i < n; i++) this.propose(m, { id: ++this.commandSeq, size: this.largeSize() });
      });
    }
    if (this.on('transfer')) {
      kinds.push(() => {
        const m = leaders.length > 0 ? r.pick(leaders) : undefined;
        const node = m?.node;
        if (m === undefined || node === null || node === undefined) return;
        const to = r.pick(this.ids.filter((id) => id !== m.id));
        this.stats.transfers++;
        this.trace(`${m.id} TRANSFER to ${to}`);
        m.proc?.run(() => node.transferLeadership(to));
      });
    }
    if (kinds.length > 0) r.pick(kinds)();
    this.after(r.between(30, 300), () => this.fault());
  }

  /** Split the cluster in two, isolate the leader, or cut one direction of one link. */
  private partition(): void {
    const r = this.rng;
    this.stats.partitions++;
    const leaders = this.leaders();
    const kind = r.int(3);
    const added: string[] = [];
    if (kind === 2) {
      const a = r.pick(this.ids);
      const b = r.pick(this.ids.filter((x) => x !== a));
      added.push(`${a}>${b}`);
    } else {
      let side: NodeId[];
      if (kind === 0 && leaders.length > 0) side = [r.pick(leaders).id];
      else {
        const size = r.between(1, Math.floor(this.ids.length / 2));
        side = [...this.ids].sort(() => r.next() - 0.5).slice(0, size);
      }
      for (const a of this.ids) for (const b of this.ids) if (a !== b && side.includes(a) !== side.includes(b)) added.push(`${a}>${b}`);
    }
    for (const l of added) this.cuts.add(l);
    this.trace(`PARTITION cut ${added.join(' ')}`);
    this.after(r.between(100, 800), () => {
      for (const l of added) this.cuts.delete(l);
    });
  }

  /**
   * Replace one node's disk with an empty one, but only when a quorum of the other nodes durably
   * holds everything it might have acknowledged and everything applied anywhere: losing a disk
   * whose entries were counted for a commit and exist nowhere else loses committed entries in any
   * Raft, so that is an operator's error, not a finding. And one disk at a time: not before the
   * last node that lost one has rejoined. The process is killed or stopped first. What remains is
   * the hazard disk loss brings to any Raft: the node forgot the votes it cast.
   */
  private diskLoss(m: Member | undefined): void {
    if (m === undefined || !this.safeToWipe(m)) {
      this.stats.diskLossesDeferred++;
      return;
    }
    this.stats.diskLosses++;
    this.rejoining = { member: m, floor: this.maxApplied };
    const replace = (): void => {
      m.disk.discard();
      m.disk = this.newDisk(m.id);
      this.trace(`${m.id} DISK LOST: new empty disk, incarnation ${m.disk.incarnation}`);
      this.restartLater(m, this.rng.between(20, 600));
      m.readmission = 'remove';
      this.readmit(m);
    };
    if (this.rng.chance(0.5)) {
      this.kill(m, 'diskLoss');
      replace();
    } else {
      this.stop(m, replace);
    }
  }

  /**
   * The operator's part of replacing a disk: a member back from an empty disk is refused by the
   * leader (the membership records its old data directory), so it is removed and then added again
   * as a learner with its new one; the leader promotes it once it has caught up. One change at a
   * time, on whichever node leads, retried until it takes. A call to a node that goes down before
   * it answers has failed, as an admin call over a connection that drops does (a crashed node's
   * promise never settles): the next step asks again, on the node that leads then.
   */
  private readmit(m: Member): void {
    let pending: { member: Member; node: NonNullable<Member['node']> } | null = null;
    const step = (): void => {
      if (this.violation !== null || m.readmission === null || m.readmission === 'done') return;
      this.after(20, step);
      if (pending !== null && pending.member.node !== pending.node) {
        this.trace(`OPERATOR call to ${pending.member.id} lost: it went down before answering`);
        pending = null;
      }
      const leader = this.members.find((x) => x.state === 'up' && x.node?.isLeader() === true);
      if (pending !== null || leader?.node == null) return;
      const node = leader.node;
      const membership = node.membership();
      let change: Parameters<typeof node.changeMembership>[0] | null = null;
      if (m.readmission === 'remove') {
        if (isMember(membership, m.id)) change = { kind: 'remove', id: m.id };
        else m.readmission = 'add';
      }
      if (m.readmission === 'add') {
        if (membership.voters.includes(m.id) && membership.incarnations?.[m.id] === m.disk.incarnation) {
          m.readmission = 'done';
          this.trace(`${m.id} READMITTED: a voter again, incarnation ${m.disk.incarnation}`);
          return;
        }
        if (!isMember(membership, m.id)) change = { kind: 'addLearner', id: m.id, incarnation: m.disk.incarnation };
      }
      if (change === null) return;
      const call = { member: leader, node };
      pending = call;
      this.trace(`OPERATOR ${change.kind} ${m.id} on ${leader.id}`);
      node.changeMembership(change).then(
        () => this.trace(`OPERATOR ${change.kind} ${m.id} committed`),
        (err: unknown) => this.trace(`OPERATOR ${change.kind} ${m.id} refused: ${err instanceof Error ? err.message : String(err)}`),
      ).finally(() => {
        if (pending === call) pending = null;
      });
    };
    step();
  }

  private safeToWipe(m: Member): boolean {
    if (m.state !== 'up') return false;
    const r = this.rejoining;
    if (r !== null) {
      // One disk at a time: the last node that lost one must be back, following a leader, and
      // caught up with what was applied when it lost it.
      const back = r.member.state === 'up' && r.member.node?.leader() != null && r.member.applied >= r.floor && r.member.readmission === 'done';
      if (!back) return false;
      this.rejoining = null;
    }
    const tip = m.disk.durableTip();
    const tipRaw = m.disk.durableGet(entryKey(tip));
    const others = this.members.filter((x) => x !== m);
    const quorum = Math.floor(this.ids.length / 2) + 1;
    const covering = others.filter((x) => {
      const d = x.disk;
      if (d.durableSnapshotIndex() >= Math.max(tip, this.maxApplied)) return true;
      if (tipRaw !== undefined && tip >= this.maxApplied) {
        const raw = d.durableGet(entryKey(tip));
        return raw !== undefined && Buffer.from(raw).equals(tipRaw);
      }
      if (tip > this.maxApplied) return false; // its tip is compacted on its own disk: wait
      if (this.maxApplied === 0) return true;
      const raw = d.durableGet(entryKey(this.maxApplied));
      if (raw === undefined) return false;
      const e = decodeEntry(this.maxApplied, raw, MEMORY_PATH);
      return (e.type === 'normal' ? contentHash(e.data) : NOOP_HASH) === this.hashAt[this.maxApplied];
    });
    return covering.length >= quorum;
  }

  // ------------------------------------------------------------------ heal and end

  /** Every fault ends: links whole, processes running, disks fast, nothing dropped. */
  private heal(): void {
    this.faultsOn = false;
    this.cuts.clear();
    this.healAt = this.q.now;
    this.trace('HEAL');
    for (const m of this.members) {
      m.slowUntil = 0;
      m.trap = null;
      m.disk.hurry(() => 0.3 + this.diskRng.next() * 2.5);
      m.proc?.resume();
      if (m.state === 'down') this.start(m);
    }
    this.probe();
  }

  /** Stops every node gracefully: `stop()` must finish, and nothing may fail on the way. */
  private async shutdown(): Promise<void> {
    this.loadOn = false;
    const pending = new Set<Member>();
    for (const m of this.members) {
      if (m.state !== 'up') continue;
      pending.add(m);
      this.stop(m, () => pending.delete(m));
    }
    await this.runUntil(() => pending.size === 0, this.q.now + STOP_LIMIT_MS + 1);
  }

  private describe(): string {
    return this.members
      .map((m) => {
        const st = m.node?.status({ digest: false });
        const where = st ? `${st.role} t${st.term} leader ${st.leaderId ?? '-'} commit ${st.commitIndex} applied ${st.appliedIndex} log ${st.firstLogIndex}..${st.lastLogIndex} snap ${st.snapshotIndex}` : '';
        const peers = st?.peers.map((p) => `${p.id}:${p.state} m${p.matchIndex} n${p.nextIndex}`).join(' ') ?? '';
        return `${m.id} ${m.state}${m.proc?.paused === true ? ' paused' : ''} ${where} writes ${m.disk.inFlight}${peers ? ` [${peers}]` : ''}`;
      })
      .join('; ');
  }

  private trace(line: string): void {
    this.opts.trace?.(`${this.q.now.toFixed(1).padStart(8)} ${line}`);
  }
}

/** A short account of a write for traces: entries, hard state, snapshot, deletions. */
function describeOps(ops: readonly DiskOp[]): string {
  const puts: number[] = [];
  let dels = 0;
  const other: string[] = [];
  for (const op of ops) {
    const index = entryKeyIndex(op.key);
    if (index !== null) {
      if (op.type === 'put') puts.push(index);
      else dels++;
    } else if (op.type === 'put' && diskKey(op.key) === diskKey(HARD_STATE_KEY)) {
      const hs = decodeHardState(op.value, MEMORY_PATH);
      other.push(`hard t${hs.term} v${hs.vote ?? '-'} c${hs.commit}`);
    } else if (op.type === 'put' && diskKey(op.key) === diskKey(SNAPSHOT_META_KEY)) {
      other.push(`snapshot ${decodeSnapshotRecord(op.value, MEMORY_PATH).meta.index}`);
    }
  }
  const parts = [...other];
  if (puts.length > 0) parts.unshift(`entries ${puts[0]}..${puts[puts.length - 1]}`);
  if (dels > 0) parts.push(`${dels} entries deleted`);
  return parts.join(', ') || `${ops.length} other records`;
}
