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

/**
 * One watch event. Every event is made here (from an applied event by `watchEventOf`, from the
 * ring's columns by src/node/watch-ring.ts), with every field in the same order, so they all share
 * one object shape (object spreads would give each a slow dictionary-like one of its own).
 */
export function watchEvent(
  type: WatchEventType,
  index: number,
  ordinal: number,
  time: number,
  jobId: string,
  queue: string,
  group: string | null,
  token: number,
  attempt: number,
  workerId: string,
  cause: DeadCause | '',
  percent: number,
  message: string,
  until: number,
): WatchEvent {
  return { index, ordinal, time, type, jobId, queue, group, token, attempt, workerId, cause, percent, message, until };
}

/** The job events the watch sends: every one about a job (schedule fires and skips are not). */
export type WatchedJobEvent = Exclude<JobEvent, { readonly type: 'scheduleFired' | 'scheduleSkipped' }>;

/** Whether the watch sends `e` at all (schedule fires and skips it does not). */
export function isWatched(e: JobEvent): e is WatchedJobEvent {
  return e.type !== 'scheduleFired' && e.type !== 'scheduleSkipped';
}

/** The watch's view of one applied event at `at`, or null for events it does not send (schedule events). */
export function watchEventOf(e: JobEvent, at: WatchPosition & { readonly time: number }): WatchEvent | null {
  if (!isWatched(e)) return null;
  const ev = (type: WatchEventType, token: number, attempt: number, workerId: string, cause: DeadCause | '', percent: number, message: string, until: number): WatchEvent =>
    watchEvent(type, at.index, at.ordinal, at.time, e.jobId, e.queue, e.group, token, attempt, workerId, cause, percent, message, until);
  switch (e.type) {
    case 'submitted':
    case 'replaced':
    case 'retried':
    case 'purged':
      return ev(e.type, 0, 0, '', '', 0, '', 0);
    case 'leased':
      return ev('leased', e.token, e.attempt, e.workerId, '', 0, '', 0);
    case 'progress':
      return ev('progress', e.token, 0, '', '', e.percent, e.message, 0);
    case 'completed':
    case 'cancelled':
      return ev(e.type, e.token, 0, '', '', 0, '', 0);
    case 'released':
      return ev('released', e.token, 0, e.workerId, '', 0, '', 0);
    case 'failed':
    case 'expired':
      return e.next === 'dead' ? ev('dead', e.token, 0, '', e.type, 0, '', 0) : ev(e.type, e.token, 0, '', '', 0, '', 0);
    case 'throttled':
      return ev('throttled', e.token, 0, '', '', 0, '', e.until);
    case 'abandoned':
      return e.next === 'dead' ? ev('dead', e.token, 0, e.workerId, 'abandoned', 0, '', 0) : ev('abandoned', e.token, 0, e.workerId, '', 0, '', 0);
  }
}

/**
 * About how many bytes one kept event takes in the heap, as `watch.retainBytes` counts it: a fixed
 * part and its strings (one byte a character for the ASCII of ids and names, two for a progress
 * message, which may be anything). A function of the event alone, so adding and evicting count the
 * same. The fixed part was the applied event and its place in the ring when each was an object; the
 * ring now keeps an event in columns (src/node/watch-ring.ts: some 60 bytes, its id as a number and
 * its names shared), so this bounds more than it spends, and the setting keeps its meaning.
 */
export function jobEventBytes(e: JobEvent): number {
  if (e.type === 'scheduleFired' || e.type === 'scheduleSkipped') return 0;
  let n = 160 + e.jobId.length + e.queue.length + (e.group?.length ?? 0);
  if (e.type === 'leased' || e.type === 'released' || e.type === 'abandoned') n += e.workerId.length;
  if (e.type === 'progress') n += 2 * e.message.length;
  return n;
}
