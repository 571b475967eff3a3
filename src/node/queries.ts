/**
 * The read-only face of the job state that the layers above the driver get: copies and views,
 * never the mutable `JobsState` (which only `applyBatch` changes).
 */
import {
  attemptOutcome,
  backlog,
  backlogOf,
  bulkCount,
  getJob,
  getSchedule,
  isCurrentLease,
  leasable,
  leaseSessions,
  listJobs,
  listQueueFlows,
  listSchedules,
  nextLeasableTime,
  queueFlow,
  queueOf,
  stats,
  type AttemptOutcome,
  type Backlog,
  type BulkAction,
  type BulkFilter,
  type JobState,
  type JobView,
  type JobsOptions,
  type JobsState,
  type ListJobsPage,
  type ListJobsQuery,
  type QueueFlowView,
  type QueueStats,
  type ScheduleView,
} from '../jobs/index.js';

/** Queries of this node's applied job state. Each answers from the state as applied so far, on any role. */
export interface JobQueries {
  /** The state machine's options (limits and defaults a request is checked against). */
  readonly options: Readonly<JobsOptions>;
  /** Replicated time of the applied state (J5), ms since the epoch: the latest entry stamp applied. */
  now(): number;
  getJob(id: string): JobView | null;
  list(query?: ListJobsQuery): ListJobsPage;
  stats(): QueueStats[];
  /** The not-finished jobs (scheduled, ready, leased) over all queues and their payload bytes. O(1). */
  backlog(): Backlog;
  /** What a submit of `jobs` would add to the backlog (jobs whose key is live in their queue add nothing). O(jobs). */
  backlogOf(jobs: readonly { readonly queue: string; readonly payload: Uint8Array; readonly idempotencyKey?: string | undefined }[]): Backlog;
  /**
   * True when a lease of `queues` applied at replicated time `at` (ms) could grant a job: some
   * ready job that no pause, limit, empty bucket or throttle holds back. O(queues), more for
   * grouped queues whose first keys are held back.
   */
  leasable(queues: readonly string[], at: number): boolean;
  /**
   * The earliest replicated time after `at` (ms) at which a bucket refilling or a throttle pause
   * ending lets a held-back ready job of `queues` go, or null when none waits for time.
   */
  nextLeasableTime(queues: readonly string[], at: number): number | null;
  /** A queue's flow-control policy and usage, or null for a queue with neither flow state nor jobs. */
  queueFlow(queue: string): QueueFlowView | null;
  /** `queueFlow` of every queue with flow state or jobs, by name. */
  listQueueFlows(): QueueFlowView[];
  /** True when job `id` is leased under `token` now. O(1). */
  isCurrentLease(id: string, token: number): boolean;
  /** The worker sessions holding leases, each once. O(leased jobs). */
  leaseSessions(): { readonly workerId: string; readonly session: string }[];
  /** How the attempt of `id` under `token` ended, and the job's state; null when unknown. */
  attemptOutcome(id: string, token: number): { readonly outcome: AttemptOutcome; readonly jobState: JobState } | null;
  /** The queue of job `id`, or null when unknown. O(1). */
  queueOf(id: string): string | null;
  /** Schedule `id` with its committed runtime, or null when unknown. O(1). */
  getSchedule(id: string): ScheduleView | null;
  /** Every schedule, in id order. */
  listSchedules(): ScheduleView[];
  /** How many jobs a bulk `action` over `filter` would act on now (its dry run). O(jobs): an operator's preview. */
  bulkCount(action: BulkAction, filter: BulkFilter): number;
}

/** `JobQueries` over whatever state `current` returns (a restored snapshot replaces the object). */
export class StateQueries implements JobQueries {
  constructor(private readonly current: () => JobsState) {}

  get options(): Readonly<JobsOptions> {
    return this.current().options;
  }

  now(): number {
    return this.current().now;
  }

  getJob(id: string): JobView | null {
    return getJob(this.current(), id);
  }

  list(query: ListJobsQuery = {}): ListJobsPage {
    return listJobs(this.current(), query);
  }

  stats(): QueueStats[] {
    return stats(this.current());
  }

  backlog(): Backlog {
    return backlog(this.current());
  }

  backlogOf(jobs: readonly { readonly queue: string; readonly payload: Uint8Array; readonly idempotencyKey?: string | undefined }[]): Backlog {
    return backlogOf(this.current(), jobs);
  }

  leasable(queues: readonly string[], at: number): boolean {
    return leasable(this.current(), queues, at);
  }

  nextLeasableTime(queues: readonly string[], at: number): number | null {
    return nextLeasableTime(this.current(), queues, at);
  }

  queueFlow(queue: string): QueueFlowView | null {
    return queueFlow(this.current(), queue);
  }

  listQueueFlows(): QueueFlowView[] {
    return listQueueFlows(this.current());
  }

  isCurrentLease(id: string, token: number): boolean {
    return isCurrentLease(this.current(), id, token);
  }

  leaseSessions(): { readonly workerId: string; readonly session: string }[] {
    return leaseSessions(this.current());
  }

  getSchedule(id: string): ScheduleView | null {
    return getSchedule(this.current(), id);
  }

  bulkCount(action: BulkAction, filter: BulkFilter): number {
    return bulkCount(this.current(), action, filter);
  }

  listSchedules(): ScheduleView[] {
    return listSchedules(this.current());
  }

  attemptOutcome(id: string, token: number): { readonly outcome: AttemptOutcome; readonly jobState: JobState } | null {
    return attemptOutcome(this.current(), id, token);
  }

  queueOf(id: string): string | null {
    return queueOf(this.current(), id);
  }
}
