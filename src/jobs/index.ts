/**
 * The replicated job state machine (DESIGN.md J1–J7). Pure: no I/O, timers, clocks or randomness;
 * every replica that applies the same entries holds the same state.
 *
 * Driver loop: `createState(options)` (or `restoreState(snapshot, options)`), then for each
 * committed normal entry `applyBatch(state, decodeBatch(entry.data).value, entry.index)`. The leader
 * proposes `{ type: 'tick' }` when `nextDueTime(state)` has come, and `{ type: 'leaderChange', graceMs }`
 * in the first entry of its term. For recurring schedules, the leader's runner calls
 * `scheduleFireCommand(getSchedule(...), now)` for each schedule whose `nextSlot` has come and
 * proposes what it returns (the state machine never evaluates cron expressions: see
 * src/node/schedule-slots.ts); `nextDueTime` leaves schedules out. The leader's dispatcher proposes
 * a lease only when `leasable(state, queues, at)` (flow control lets a ready job go), and when time
 * alone holds jobs back it wakes at `nextLeasableTime(state, queues, at)`. A large state's snapshot
 * or digest is taken in steps between entries, with `beginSnapshot` / `beginDigest` (see there), so
 * the event loop never stalls on it.
 */
export { applyBatch } from './apply.js';
export { MAX_GROUP_OVERRIDES } from './flow.js';
export { HOLD_REASONS, type HoldReason, type QueuePolicy, type QueueSetCommand, type RateLimit, type Throttle } from './flow-types.js';
export { leasable, nextLeasableTime } from './lease.js';
export { backoffDelay, resolveBackoff } from './backoff.js';
export { batchTime, decodeBatch, encodeBatch, type Decoded } from './codec.js';
export {
  LEASE_REFUSAL_BACKOFF_MAX_MS,
  LEASE_REFUSAL_BACKOFF_MIN_MS,
  dispatchOrder,
  freeSlots,
  leaseSize,
  refusalBackoff,
} from './dispatch.js';
export type { AfterAttempt, JobEvent, JobEventType } from './events.js';
export { BULK_ACTIONS, BULK_STATES, type BulkAction, type BulkCommand, type BulkFilter, type UniqueOption } from './flow-types.js';
export { MAX_BULK_SCAN } from './reduce-bulk.js';
export { KEY_SWEEP_SLACK_MS, OVERFLOW_SLACK_MS, nextDueTime } from './due.js';
export {
  DEFAULT_JOBS_OPTIONS,
  countBoundFor,
  resolveOptions,
  retentionFor,
  type JobsOptions,
  type QueueRetention,
  type RetentionPolicy,
  type TerminalState,
} from './options.js';
export {
  attemptOutcome,
  backlog,
  backlogOf,
  bulkCount,
  clockOf,
  getJob,
  hasReady,
  isCurrentLease,
  lastAppliedIndex,
  leaseSessions,
  listJobs,
  queueOf,
  queueStats,
  readyCount,
  readyQueues,
  stats,
  getSchedule,
  listSchedules,
  listQueueFlows,
  queueFlow,
  MAX_FLOW_GROUPS,
  type Backlog,
  type ListJobsPage,
  type ListJobsQuery,
} from './queries.js';
export type {
  AbandonResult,
  AttemptRecord,
  BulkResult,
  CancelResult,
  CommandResult,
  CompleteResult,
  FailResult,
  FiredSlot,
  GroupFlowView,
  LeaseHold,
  QueueFlowView,
  QueueSetResult,
  HeartbeatOutcome,
  HeartbeatResult,
  JobProgress,
  JobSummary,
  JobView,
  LeaderChangeResult,
  ReleaseResult,
  LeaseGrant,
  LeaseInfo,
  LeaseResult,
  ProgressResult,
  QueueStats,
  Rejection,
  RetryDeadResult,
  ScheduleDeleteResult,
  ScheduleFireResult,
  SchedulePauseResult,
  ScheduleSetResult,
  ScheduleTemplateView,
  ScheduleTriggerResult,
  ScheduleView,
  SubmitResult,
  SubmittedJob,
  TickResult,
  UniqueView,
} from './results.js';
export {
  beginDigest,
  beginRestore,
  beginSnapshot,
  beginSnapshotPieces,
  restoreState,
  SNAPSHOT_PIECE_BYTES,
  snapshotState,
  snapshotSummary,
  stateDigest,
  type DigestCursor,
  type RestoreCursor,
  type SnapshotCursor,
  type SnapshotPiecesCursor,
  type SnapshotSummary,
  type StateCursor,
} from './snapshot.js';
export { createState, formatJobId, type JobsState } from './state.js';
/** The inverse of `formatJobId` (0: not a job id), so a consumer of events can keep a job's number instead of its id string. */
export { parseJobId } from './tables.js';
export {
  AttemptOutcome,
  CATCH_UP_MODES,
  COMMAND_TYPES,
  OVERLAP_POLICIES,
  JOB_STATES,
  JobState,
  RejectCode,
  isTerminal,
  type AbandonCommand,
  type Backoff,
  type Batch,
  type CancelCommand,
  type CatchUpMode,
  type CatchUpPolicy,
  type Command,
  type CommandType,
  type CompleteCommand,
  type FailCommand,
  type HeartbeatCommand,
  type LeaderChangeCommand,
  type LeaseCommand,
  type LeaseRef,
  type OverlapPolicy,
  type ProgressCommand,
  type ResolvedBackoff,
  type ReleaseCommand,
  type RetryDeadCommand,
  type ScheduleDefinition,
  type ScheduleDeleteCommand,
  type ScheduleFireCommand,
  type SchedulePauseCommand,
  type ScheduleSetCommand,
  type ScheduleTemplate,
  type ScheduleTriggerCommand,
  type SubmitCommand,
  type SubmitJob,
  type TickCommand,
} from './types.js';
export { DEFAULT_TIME_ZONE } from './schedules.js';
export {
  MAX_BULK_BATCH,
  MAX_CRON_LENGTH,
  MAX_DEBOUNCE_WINDOW_MS,
  MAX_FLOW_LIMIT,
  MAX_FLOW_PERIOD_MS,
  MAX_GROUP_LENGTH,
  MAX_RATE_LIMIT,
  MAX_RELEASE_KEEP,
  MAX_SCHEDULE_INTERVAL_MS,
  MAX_SESSION_LENGTH,
  MAX_TIME_ZONE_LENGTH,
  MAX_UNIQUE_KEY_LENGTH,
  validateBatch,
  validateCommand,
  validateSubmit,
  type Validation,
} from './validate.js';
