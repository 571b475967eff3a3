/**
 * Three `JobNode`s over the in-memory storage and transport twins on one virtual timeline
 * (`VirtualTime`), for driver tests that need failovers on a deterministic clock. Each node's wall
 * clock can be set apart from the timeline; a node stopped keeps its database for a restart.
 */
import { MemoryLevel } from 'memory-level';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import type { Command, CommandResult } from '../../src/jobs/index.js';
import { JobNode } from '../../src/node/index.js';
import { SeededRandom } from '../../src/sim/index.js';
import { openMemoryStorage, type RaftStorage } from '../../src/storage/index.js';
import { MemoryNetwork, MemoryTransport } from '../../src/transport/index.js';
import { VirtualTime, type VirtualClock } from './virtual-clock.js';

export const IDS = ['a', 'b', 'c'] as const;
/** One tick, ms; the election timeout is 5 to 10 ticks. */
export const TICK_MS = 10;
export const ELECTION_TICKS = 5;
const logger = pino({ level: 'silent' });

export interface VirtualMember {
  readonly id: string;
  readonly node: JobNode;
  readonly db: MemoryLevel<Uint8Array, Uint8Array>;
  readonly storage: RaftStorage;
  readonly clock: VirtualClock;
}

export interface VirtualClusterOptions {
  readonly clusterId: string;
  /** Wall-clock time at the start of the timeline, ms. */
  readonly epochMs: number;
  /** J6 grace of a new leader, ms (`JobNodeOptions.leaseGraceMs`). */
  readonly leaseGraceMs: number;
  /** Seeds the nodes' random sources (election timeouts). */
  readonly seed: number;
}

export class VirtualCluster {
  readonly vt: VirtualTime;
  readonly network = new MemoryNetwork();
  readonly members = new Map<string, VirtualMember>();
  private readonly random: SeededRandom;

  constructor(private readonly o: VirtualClusterOptions) {
    this.vt = new VirtualTime(o.epochMs);
    this.random = new SeededRandom(o.seed);
  }

  /** Starts `id` with its wall clock `wallOffsetMs` off the timeline, on `db` when restarting. */
  async start(id: string, wallOffsetMs = 0, db = new MemoryLevel<Uint8Array, Uint8Array>()): Promise<VirtualMember> {
    const storage = await openMemoryStorage({ clusterId: this.o.clusterId, nodeId: id, db });
    const clock = this.vt.clock(wallOffsetMs);
    const random = this.random.fork();
    const node = await JobNode.start({
      id,
      voters: [...IDS],
      storage,
      transport: new MemoryTransport({ network: this.network, clusterId: this.o.clusterId, selfId: id, peers: IDS }),
      logger,
      clock,
      random: () => random.next(),
      tickMs: TICK_MS,
      electionTicks: ELECTION_TICKS,
      heartbeatTicks: 1,
      leaseGraceMs: this.o.leaseGraceMs,
      workerConnectionGraceMs: 10_000,
    });
    const m = { id, node, db, storage, clock };
    this.members.set(id, m);
    return m;
  }

  async startAll(wallOffsetMs = 0): Promise<void> {
    for (const id of IDS) await this.start(id, wallOffsetMs);
  }

  /** Stops `id`; its database keeps what it wrote, for a restart. */
  async stop(id: string): Promise<VirtualMember> {
    const m = this.members.get(id) as VirtualMember;
    this.members.delete(id);
    await m.node.stop();
    await m.storage.close();
    return m;
  }

  async stopAll(): Promise<void> {
    for (const id of [...this.members.keys()]) await this.stop(id);
  }

  /** The leader once it has committed its term's leader-change entry (J6). */
  async leader(): Promise<VirtualMember> {
    const leader = await this.vt.until(() => [...this.members.values()].find((m) => m.node.isLeader()), 'a leader');
    // Any command commits after the term's first job entry (the leader change).
    await this.propose(leader, { type: 'tick' });
    return leader;
  }

  propose(m: VirtualMember, command: Command): Promise<CommandResult> {
    return this.vt.run(m.node.propose(command));
  }
}

/**
 * Returns a maker of clusters, each stopped after the test that made it, even when the test fails.
 * Call once at the top of a test file.
 */
export function clustersStoppedAfterEach<T extends VirtualCluster>(make: () => T): () => T {
  const made: T[] = [];
  afterEach(async () => {
    for (const c of made.splice(0)) await c.stopAll();
  });
  return () => {
    const c = make();
    made.push(c);
    return c;
  };
}
