/**
 * The leader's resource guards (README "Configuration"): backlog caps in jobs and in payload bytes,
 * and a free-disk floor for the node's data directory. They decide at admission, before anything
 * is proposed, so a refused submit never reaches the log; leases, outcomes, cancels and reads are
 * never refused by them. The decision itself is `admission` (admission.ts); this object gathers its
 * inputs: the replicated backlog, what this leader admitted and has not applied yet, and the free
 * space its disk watch last read.
 */
import { statfs as fsStatfs } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Backlog } from '../jobs/index.js';
import { admission, diskBelowFloor, NO_BACKLOG, plus, standingRefusal, type DiskReading, type GuardLimits, type Refusal } from './admission.js';
import type { JobQueries } from './queries.js';
import type { NodeClock } from './types.js';

/** Free space of the file system holding `path`, as `fs.promises.statfs` reports it. */
export type StatFs = (path: string) => Promise<{ readonly bavail: number | bigint; readonly bsize: number | bigint }>;

/** Options of the guards (`JobNodeOptions.guards`). */
export interface ResourceGuardOptions extends GuardLimits {
  /** The node's data directory, whose file system the floor is about; null: no disk check. */
  readonly dataDir: string | null;
  /** Interval of the disk checks, ms (`server.diskCheckIntervalMs`). */
  readonly diskCheckIntervalMs: number;
  /** Reads the free space (tests inject one). Default: `fs.promises.statfs`. */
  readonly statfs?: StatFs;
}

/** What the guards see now, for status, readiness, metrics and the dashboard. */
export interface GuardStatus {
  readonly limits: GuardLimits;
  /** Not-finished jobs and their payload bytes in this node's applied state. */
  readonly backlog: Backlog;
  /** Admitted by this leader and not applied yet. */
  readonly pending: Backlog;
  /** The last disk check (null: none made, none succeeded since the last failure, or no data directory). */
  readonly disk: (DiskReading & { readonly checkedAt: number }) | null;
  /**
   * Why a submit would be refused now were this node the leader (its backlog or its own disk), else
   * null. On a follower, a backlog refusal holds for the cluster (the leader's state is the same);
   * a disk refusal is this node's own.
   */
  readonly refusal: Refusal | null;
  /** This node's disk is below the floor (whatever its role), else null. */
  readonly diskLow: Refusal | null;
}

export class ResourceGuards {
  private pending: Backlog = NO_BACKLOG;
  private disk: (DiskReading & { readonly checkedAt: number }) | null = null;
  private timer: unknown = null;
  private running = false;
  /** The last check failed; logged once until one succeeds. */
  private failing = false;
  private readonly statfs: StatFs;
  readonly limits: GuardLimits;

  constructor(
    private readonly o: ResourceGuardOptions,
    private readonly query: JobQueries,
    private readonly nodeId: string,
    private readonly clock: NodeClock,
    private readonly log: Logger,
  ) {
    this.limits = { maxBacklogJobs: o.maxBacklogJobs, maxBacklogPayloadBytes: o.maxBacklogPayloadBytes, minFreeDiskBytes: o.minFreeDiskBytes };
    this.statfs = o.statfs ?? fsStatfs;
  }

  /** Reads the disk once (so the first answer knows it), then every `diskCheckIntervalMs`. */
  async start(): Promise<void> {
    if (this.running || this.o.dataDir === null || this.o.minFreeDiskBytes === 0) return;
    this.running = true;
    await this.check();
    this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Admit a submit adding `incoming` (see `JobQueries.backlogOf`): a refusal, or the function that
   * releases its reservation, to be called once its proposal has been applied or has failed.
   */
  /**
   * A submit must have its new jobs counted (`backlogOf`) to be admitted: a backlog cap is on, or
   * this node's disk is below the floor (where jobs that already exist still pass). Otherwise every
   * submit is admitted as it is.
   */
  mustCount(): boolean {
    return this.limits.maxBacklogJobs > 0 || this.limits.maxBacklogPayloadBytes > 0 || diskBelowFloor(this.limits, this.disk, this.nodeId) !== null;
  }

  admit(incoming: Backlog): Refusal | (() => void) {
    const refused = admission(this.limits, plus(this.query.backlog(), this.pending), incoming, this.disk, this.nodeId);
    if (refused !== null) return refused;
    this.pending = plus(this.pending, incoming);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pending = { jobs: this.pending.jobs - incoming.jobs, payloadBytes: this.pending.payloadBytes - incoming.payloadBytes };
    };
  }

  /** The refusal standing now (see `GuardStatus.refusal`), counting what is admitted and not applied. */
  refusal(): Refusal | null {
    return standingRefusal(this.limits, plus(this.query.backlog(), this.pending), this.disk, this.nodeId);
  }

  status(): GuardStatus {
    return {
      limits: this.limits,
      backlog: this.query.backlog(),
      pending: this.pending,
      disk: this.disk,
      refusal: this.refusal(),
      diskLow: diskBelowFloor(this.limits, this.disk, this.nodeId),
    };
  }

  /** One statfs of the data directory; a failure forgets the last reading (the floor refuses nothing unknown). */
  private async check(): Promise<void> {
    const path = this.o.dataDir;
    if (path === null) return;
    const wasLow = diskBelowFloor(this.limits, this.disk, this.nodeId);
    try {
      const s = await this.statfs(path);
      this.disk = { path, freeBytes: Number(s.bavail) * Number(s.bsize), checkedAt: this.clock.now() };
      this.failing = false;
    } catch (err) {
      this.disk = null;
      if (!this.failing) this.log.warn({ err, path }, 'cannot read the free space of the data directory; limits.minFreeDiskBytes refuses nothing until it can');
      this.failing = true;
      return;
    }
    const low = diskBelowFloor(this.limits, this.disk, this.nodeId);
    if (low !== null && wasLow === null) this.log.warn({ freeBytes: this.disk.freeBytes, minFreeDiskBytes: this.limits.minFreeDiskBytes, path }, `disk below its floor: ${low.message}`);
    if (low === null && wasLow !== null) this.log.info({ freeBytes: this.disk.freeBytes, path }, 'disk back above limits.minFreeDiskBytes');
  }

  private arm(): void {
    if (!this.running) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.check().finally(() => this.arm());
    }, this.o.diskCheckIntervalMs);
  }
}
