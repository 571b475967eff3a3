/**
 * What `Jobs.Watch` sends: job transitions with their place in the log. A position is the log index
 * of the entry that made the transition and its ordinal among ALL the events that entry's apply
 * reported (see `JobEvent`), counted before any filter and including the events the watch does not
 * send (schedule fires and skips), so a position names the same event on every node, whatever a
 * watcher filters.
 */
import type { JobEvent } from '../jobs/index.js';

/** A place in the history of job events: after it come the events of later ordinals, then of later entries. */
export interface WatchPosition {
  /** Log index of the entry. */
  readonly index: number;
  /** The event's ordinal among its entry's events, from 0; `END_OF_ENTRY` stands after every one of them. */
  readonly ordinal: number;
}

/** The ordinal that stands after every event of its entry (the wire's uint32 maximum). */
export const END_OF_ENTRY = 0xffff_ffff;

/** -1, 0 or 1 as `a` comes before, at or after `b`. */
export function comparePositions(a: WatchPosition, b: WatchPosition): number {
  if (a.index !== b.index) return a.index < b.index ? -1 : 1;
  return a.ordinal === b.ordinal ? 0 : a.ordinal < b.ordinal ? -1 : 1;
}

/** `12:3`, or `12:end` for `END_OF_ENTRY`, as messages and the CLI write positions. */
export function formatPosition(p: WatchPosition): string {
  return `${p.index}:${p.ordinal === END_OF_ENTRY ? 'end' : p.ordinal}`;
}

/**
 * The transitions a watcher can see. A failure, expiry or abandon that leaves the job without
 * attempts is one `dead` event (its `cause` says which), not a failure followed by a death: every
 * event has one position.
 */
export const WATCH_EVENT_TYPES = ['submitted', 'replaced', 'leased', 'progress', 'completed', 'failed', 'throttled', 'dead', 'cancelled', 'retried', 'released', 'expired', 'abandoned', 'purged'] as const;
export type WatchEventType = (typeof WATCH_EVENT_TYPES)[number];

/** What ended the last attempt of a job that went `dead`. */
export type DeadCause = 'failed' | 'expired' | 'abandoned';

/** One job transition as the watch sends it. Fields that do not apply to its type are 0 or ''. */
export interface WatchEvent extends WatchPosition {
  readonly type: WatchEventType;
  /** The entry's replicated time (the leader's stamp, never going back; J5), ms since the epoch. */
  readonly time: number;
  readonly jobId: string;
  readonly queue: string;
  /** The job's group key (flow control), null without one. */
  readonly group: string | null;
  /** The lease's fencing token: leased, progress, completed, failed, expired, released, abandoned, dead, and cancelled of a leased job. */
  readonly token: number;
  /** The attempt number (leased). */
  readonly attempt: number;
  /** The worker holding the lease (leased, released, abandoned). */
  readonly workerId: string;
  /** dead: what ended the last attempt; '' otherwise. */
  readonly cause: DeadCause | '';
  /** progress: 0..100. */
  readonly percent: number;
  /** progress: its message ('' when none). */
  readonly message: string;
  /** throttled: no lease for the job's key (or queue) before this time, ms since the epoch; else 0. */
  readonly until: number;
}

/**
 * Sent at the start of a watch (the position it starts after), and at times when the node applied
 * entries none of whose events the watcher asked for: every matching event up to `index` has been
 * sent, so a watcher that resumes after it skips what its filter would drop anyway.
 */
export interface WatchCheckpoint extends WatchPosition {
  readonly type: 'checkpoint';
  readonly time: number;
}

export type WatchMessage = WatchEvent | WatchCheckpoint;

/** Which events a watcher wants; null (or empty) in a field: all. An event must match every field given. */
export interface WatchFilter {
  readonly queues: ReadonlySet<string> | null;
  /** Group keys; a job without one never matches a group filter. */
  readonly groups: ReadonlySet<string> | null;
  readonly jobIds: ReadonlySet<string> | null;
  readonly types: ReadonlySet<WatchEventType> | null;
}

export const MATCH_ALL: WatchFilter = { queues: null, groups: null, jobIds: null, types: null };

export function matches(f: WatchFilter, e: WatchEvent): boolean {
  return (
    (f.types === null || f.types.has(e.type)) &&
    (f.jobIds === null || f.jobIds.has(e.jobId)) &&
    (f.queues === null || f.queues.has(e.queue)) &&
    (f.groups === null || (e.group !== null && f.groups.has(e.group)))
  );
}

const NONE = { token: 0, attempt: 0, workerId: '', cause: '', percent: 0, message: '', until: 0 } as const;

/** The watch's view of one applied event at `position`, or null for events it does not send (schedule events). */
export function watchEventOf(e: JobEvent, index: number, ordinal: number, time: number): WatchEvent | null {
  const at = { index, ordinal, time };
  switch (e.type) {
    case 'submitted':
    case 'replaced':
    case 'retried':
    case 'purged':
      return { ...at, ...NONE, type: e.type, jobId: e.jobId, queue: e.queue, group: e.group };
    case 'leased':
      return { ...at, ...NONE, type: 'leased', jobId: e.jobId, queue: e.queue, group: e.group, token: e.token, attempt: e.attempt, workerId: e.workerId };
    case 'progress':
      return { ...at, ...NONE, type: 'progress', jobId: e.jobId, queue: e.queue, group: e.group, token: e.token, percent: e.percent, message: e.message };
    case 'completed':
    case 'cancelled':
      return { ...at, ...NONE, type: e.type, jobId: e.jobId, queue: e.queue, group: e.group, token: e.token };
    case 'released':
      return { ...at, ...NONE, type: 'released', jobId: e.jobId, queue: e.queue, group: e.group, token: e.token, workerId: e.workerId };
    case 'failed':
    case 'expired':
      return e.next === 'dead'
        ? { ...at, ...NONE, type: 'dead', cause: e.type, jobId: e.jobId, queue: e.queue, group: e.group, token: e.token }
        : { ...at, ...NONE, type: e.type, jobId: e.jobId, queue: e.queue, group: e.group, token: e.token };
    case 'throttled':
      return { ...at, ...NONE, type: 'throttled', jobId: e.jobId, queue: e.queue, group: e.group, token: e.token, until: e.until };
    case 'abandoned':
      return { ...at, ...NONE, type: e.next === 'dead' ? 'dead' : 'abandoned', cause: e.next === 'dead' ? 'abandoned' : '', jobId: e.jobId, queue: e.queue, group: e.group, token: e.token, workerId: e.workerId };
    case 'scheduleFired':
    case 'scheduleSkipped':
      return null;
  }
}

/**
 * About how many bytes one kept event takes in the heap: the object and its strings (one byte a
 * character for the ASCII of ids and names, two for a message that may be anything).
 */
export function watchEventBytes(e: WatchEvent): number {
  return 160 + e.jobId.length + e.queue.length + (e.group?.length ?? 0) + e.workerId.length + 2 * e.message.length;
}
