/**
 * The raftjobs SDK: `Client` submits and reads jobs, `Worker` runs them. Both talk gRPC to any
 * node of the cluster and follow the leader through failovers.
 */
export { guardsFromWire, NodeAdmin, nodeStatusFromWire, workerFromWire, type BackupSink, type BackupStreamHeader, type ConnectedWorker, type GuardsInfo, type MemberInfo, type MembersInfo, type NodeStatusInfo } from './admin.js';
export { backupFromLeader } from './backup.js';
export { changeMembersOnLeader, membersFromLeader, transferLeadershipOnLeader, type LeaderCallOptions, type LeadershipMoved, type MembersChange } from './members.js';
export { Client, type ClientOptions, type JobPage, type SubmitOptions } from './client.js';
export type {
  BulkAction,
  BulkFilter,
  BulkOptions,
  BulkOutcome,
  GroupUsage,
  QueueInfo,
  QueuePolicy,
  QueueReadOptions,
  QueueSettings,
  QueueUsage,
  RateLimitInfo,
  RateLimitOptions,
  UniqueOptions,
} from './flow-types.js';
export type { QueuesApi } from './queues.js';
export { DEFAULT_BACKOFF, systemClock, type BackoffPolicy, type Clock, type Random, type TimerHandle } from './clock.js';
export { JobView } from './codec.js';
export { JobWatch, WATCH_END_OF_ENTRY, WATCH_EVENT_TYPES, type JobWatchEvent, type WatchEventType, type WatchInput, type WatchPosition } from './watch.js';
export type {
  CatchUpMode,
  ListSchedulesOptions,
  OverlapPolicy,
  ScheduleCatchUp,
  ScheduleInfo,
  ScheduleInput,
  ScheduleJobInput,
  ScheduleJobTemplate,
  SchedulePage,
  TriggeredJob,
  UpdateScheduleOptions,
} from './schedule-types.js';
export {
  JOB_STATES,
  isTerminalState,
  silentLogger,
  type BackoffOptions,
  type CallOptions,
  type ClusterStats,
  type GetOptions,
  type JobAttempt,
  type JobData,
  type JobInput,
  type JobLease,
  type JobProgress,
  type JobUnique,
  type JobState,
  type ListOptions,
  type QueueStats,
  type SdkLogger,
  type StatsOptions,
  type SubmittedJob,
  type WaitOptions,
} from './types.js';
export { Worker, type WorkerCloseOptions, type WorkerOptions, type WorkerOutcome } from './worker.js';
export { clientCredentials, type ClientTls } from '../tls/index.js';
export { NonRetryableError, RateLimitedError, type JobHandler, type ThrottleScope, type WorkerJob } from './worker-job.js';
