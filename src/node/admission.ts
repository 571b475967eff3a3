/**
 * The resource guards' decision: whether the leader admits a submit's new jobs, given the backlog
 * of not-finished jobs, the caps and the free space of its data directory. Pure: the numbers come
 * in (`ResourceGuards` in resource-guards.ts gathers them), a refusal or null comes out.
 *
 * The backlog caps are soft caps, checked at admission against the leader's applied state plus
 * what it has admitted and not applied yet: exact on a steady leader, but a new leader does not
 * know what its predecessor admitted, and jobs that come back without a submit (an operator's
 * RetryDead, a schedule's fire once there is room) are not refused. The disk floor is per node:
 * a leader refuses while its own data directory is low.
 */
import type { Backlog } from '../jobs/index.js';

/** Each guard, named by its config path (what `x-limit` and `Refusal.limit` carry). */
export const GuardLimit = {
  BacklogJobs: 'limits.maxBacklogJobs',
  BacklogPayloadBytes: 'limits.maxBacklogPayloadBytes',
  FreeDisk: 'limits.minFreeDiskBytes',
} as const;
export type GuardLimit = (typeof GuardLimit)[keyof typeof GuardLimit];

/** The caps and the floor; 0 turns one off. */
export interface GuardLimits {
  /** Most not-finished jobs (scheduled, ready, leased) in the cluster. */
  readonly maxBacklogJobs: number;
  /** Most payload bytes of not-finished jobs. */
  readonly maxBacklogPayloadBytes: number;
  /** Least free bytes of the leader's data directory's file system. */
  readonly minFreeDiskBytes: number;
}

/** The free space of a node's data directory at its last check. */
export interface DiskReading {
  readonly path: string;
  /** Bytes free for unprivileged users (`df`'s "Avail"). */
  readonly freeBytes: number;
}

/** Why new jobs are refused: the guard, and a message naming it with its value and the current one. */
export interface Refusal {
  readonly limit: GuardLimit;
  readonly message: string;
}

/** No jobs, no bytes. */
export const NO_BACKLOG: Backlog = Object.freeze({ jobs: 0, payloadBytes: 0 });

/**
 * Why a submit adding `incoming` (its new jobs: duplicates of live keys add nothing) is refused,
 * or null when it is admitted. `backlog` is what the state holds plus what was admitted and not
 * applied yet; `disk` is null when the free space is not known (never checked, or the check
 * failed): the floor then refuses nothing. A submit that adds no job is always admitted. The
 * floor is checked first, then the job cap, then the byte cap.
 */
export function admission(limits: GuardLimits, backlog: Backlog, incoming: Backlog, disk: DiskReading | null, nodeId: string): Refusal | null {
  if (incoming.jobs === 0) return null;
  const low = diskBelowFloor(limits, disk, nodeId);
  if (low !== null) return low;
  const cap = limits.maxBacklogJobs;
  if (cap > 0 && backlog.jobs + incoming.jobs > cap) {
    return {
      limit: GuardLimit.BacklogJobs,
      message: `the cluster holds ${backlog.jobs} not-finished jobs (scheduled, ready, leased) and this submit adds ${incoming.jobs}: over limits.maxBacklogJobs (${cap}); submit again once workers have finished jobs`,
    };
  }
  const bytesCap = limits.maxBacklogPayloadBytes;
  if (bytesCap > 0 && backlog.payloadBytes + incoming.payloadBytes > bytesCap) {
    return {
      limit: GuardLimit.BacklogPayloadBytes,
      message: `the not-finished jobs hold ${bytesText(backlog.payloadBytes)} of payload and this submit adds ${bytesText(incoming.payloadBytes)}: over limits.maxBacklogPayloadBytes (${bytesText(bytesCap)}); submit again once workers have finished jobs`,
    };
  }
  return null;
}

/**
 * The refusal standing now, for readiness, the dashboard and a schedule's fires: the one a submit
 * of one job with a one-byte payload would get, said of the state rather than of a submit (the
 * backlog is at or over a cap, or the disk is below the floor). Null when there is room.
 */
export function standingRefusal(limits: GuardLimits, backlog: Backlog, disk: DiskReading | null, nodeId: string): Refusal | null {
  const low = diskBelowFloor(limits, disk, nodeId);
  if (low !== null) return low;
  const cap = limits.maxBacklogJobs;
  if (cap > 0 && backlog.jobs >= cap) {
    return {
      limit: GuardLimit.BacklogJobs,
      message: `the cluster holds ${backlog.jobs} not-finished jobs (scheduled, ready, leased), ${backlog.jobs === cap ? 'at' : 'over'} limits.maxBacklogJobs (${cap})`,
    };
  }
  const bytesCap = limits.maxBacklogPayloadBytes;
  if (bytesCap > 0 && backlog.payloadBytes >= bytesCap) {
    return {
      limit: GuardLimit.BacklogPayloadBytes,
      message: `the not-finished jobs hold ${bytesText(backlog.payloadBytes)} of payload, ${backlog.payloadBytes === bytesCap ? 'at' : 'over'} limits.maxBacklogPayloadBytes (${bytesText(bytesCap)})`,
    };
  }
  return null;
}

/** The floor's refusal when `disk` is known and below it, else null. */
export function diskBelowFloor(limits: GuardLimits, disk: DiskReading | null, nodeId: string): Refusal | null {
  const floor = limits.minFreeDiskBytes;
  if (floor === 0 || disk === null || disk.freeBytes >= floor) return null;
  return {
    limit: GuardLimit.FreeDisk,
    message: `the data directory of ${nodeId} (${disk.path}) has ${bytesText(disk.freeBytes)} free, below limits.minFreeDiskBytes (${bytesText(floor)}); free space on its disk, or move leadership to a node with room`,
  };
}

/** Adds up two backlogs. */
export function plus(a: Backlog, b: Backlog): Backlog {
  return { jobs: a.jobs + b.jobs, payloadBytes: a.payloadBytes + b.payloadBytes };
}

const UNITS = [
  [1024 ** 4, 'TiB'],
  [1024 ** 3, 'GiB'],
  [1024 ** 2, 'MiB'],
  [1024, 'KiB'],
] as const;

/** `1073741824 bytes (1.0 GiB)`, `512 bytes`: exact, with a readable size when it is large. */
export function bytesText(n: number): string {
  for (const [size, name] of UNITS) if (n >= size) return `${n} bytes (${(n / size).toFixed(1)} ${name})`;
  return `${n} bytes`;
}
