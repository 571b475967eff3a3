/**
 * The transitions applying a batch made, as values: emitted by the reducers at the point where each
 * transition happens (no scan of the state afterwards), in the order they happened. Every replica
 * applying the same entry emits the same events. Consumers (the driver's metrics, the leader's
 * worker sessions, result waiters) read these instead of the mutable state.
 *
 * Every event that names a job carries its group key (`SubmitJob.group`, null without one), so a
 * consumer can filter by key without reading the state.
 */
import type { JobState } from './types.js';

/** Where a job went after an attempt ended without success: round again, or dead (no attempts left). */
export type AfterAttempt = 'retry' | 'dead';

export type JobEvent =
  /** A new job (an idempotent duplicate emits nothing); `state` is ready or scheduled. */
  | { readonly type: 'submitted'; readonly jobId: string; readonly queue: string; readonly group: string | null; readonly state: JobState }
  /** A lease was granted to (`workerId`, `session`); `session` is '' for a unary lease. */
  | { readonly type: 'leased'; readonly jobId: string; readonly queue: string; readonly group: string | null; readonly token: number; readonly workerId: string; readonly session: string; readonly attempt: number }
  /** The current attempt reported progress (`percent` 0..100, `message` possibly ''); the lease is unchanged. */
  | { readonly type: 'progress'; readonly jobId: string; readonly queue: string; readonly group: string | null; readonly token: number; readonly percent: number; readonly message: string }
  | { readonly type: 'completed'; readonly jobId: string; readonly queue: string; readonly group: string | null; readonly token: number }
  /** A worker reported the attempt failed. */
  | { readonly type: 'failed'; readonly jobId: string; readonly queue: string; readonly group: string | null; readonly token: number; readonly next: AfterAttempt }
  /** The lease's TTL passed without a heartbeat. */
  | { readonly type: 'expired'; readonly jobId: string; readonly queue: string; readonly group: string | null; readonly token: number; readonly next: AfterAttempt }
  /** The session gave the lease back unstarted (no attempt used); the job is ready again. */
  | { readonly type: 'released'; readonly jobId: string; readonly queue: string; readonly group: string | null; readonly token: number; readonly workerId: string; readonly session: string }
  /**
   * A worker reported the remote side rate limited it (`FailCommand.throttle`): the attempt does
   * not count, the job is `ready` again in its place (or `scheduled` until `until`, a job without
   * a key and scope `key`), and its key or queue (`scope`) gets no lease before `until`.
   */
  | { readonly type: 'throttled'; readonly jobId: string; readonly queue: string; readonly group: string | null; readonly token: number; readonly scope: 'key' | 'queue'; readonly until: number; readonly state: JobState }
  /** The session went away holding the lease (the attempt counts). */
  | { readonly type: 'abandoned'; readonly jobId: string; readonly queue: string; readonly group: string | null; readonly token: number; readonly workerId: string; readonly session: string; readonly next: AfterAttempt }
  /** `token` is the ended lease's when the job was leased, else 0. */
  | { readonly type: 'cancelled'; readonly jobId: string; readonly queue: string; readonly group: string | null; readonly previous: JobState; readonly token: number }
  /**
   * A `debounce` submit replaced the payload, priority and run-at of this pending job; `state` is
   * its state now (ready or scheduled).
   */
  | { readonly type: 'replaced'; readonly jobId: string; readonly queue: string; readonly group: string | null; readonly state: JobState }
  /** An operator's retry of a dead job. */
  | { readonly type: 'retried'; readonly jobId: string; readonly queue: string; readonly group: string | null }
  /**
   * A job removed for good: finished, by retention or its queue's count bound; or by a bulk
   * `purge`, which also removes scheduled and ready jobs. `state` is the state it was removed in.
   */
  | { readonly type: 'purged'; readonly jobId: string; readonly queue: string; readonly group: string | null; readonly state: JobState }
  /**
   * A schedule slot became a job (its `submitted` event comes just before). `lagMs` is the entry's
   * time minus the slot; `manual` for `scheduleTrigger` (slot = entry time, lag 0). The job may be
   * an earlier one with the same idempotency key.
   */
  | { readonly type: 'scheduleFired'; readonly scheduleId: string; readonly slot: number; readonly jobId: string; readonly group: string | null; readonly lagMs: number; readonly manual: boolean }
  /** Slots of a schedule that will never fire (catch-up or overlap policy, a dropped waiting slot), counted. */
  | { readonly type: 'scheduleSkipped'; readonly scheduleId: string; readonly slots: number };

export type JobEventType = JobEvent['type'];
