export { RaftNode } from './raft-node.js';
export type { RaftNodeOptions } from './raft-node.js';
export { systemClock } from './types.js';
export type { Application, JobFlowEvent, JobFlowSink, NodeClock, NodeEvents, NodeMetrics, NodeStatus, RetryCause, StateBackup } from './types.js';
export { JobsApp } from './jobs-app.js';
export { checkJobsState, SEED_TERM, seedStorage } from './seed.js';
export type { AppliedEventsListener, RestoredListener } from './jobs-app.js';
export { WatchLog, CHECKPOINT_INTERVAL_MS } from './watch-log.js';
export type { WatchLogOptions, WatchSink, WatchSubscription } from './watch-log.js';
export { comparePositions, END_OF_ENTRY, formatPosition, MATCH_ALL, WATCH_EVENT_TYPES } from './watch-events.js';
export type { DeadCause, WatchCheckpoint, WatchEvent, WatchEventType, WatchFilter, WatchMessage, WatchPosition } from './watch-events.js';
export { reportFlow, reportHolds } from './job-flow.js';
export { JobNode } from './job-node.js';
export type { JobQueries } from './queries.js';
export { Workers } from './workers.js';
export type { WorkerRegistry, WorkersHost } from './workers.js';
export { MAX_WORKER_CAPACITY, WorkerSession } from './worker-session.js';
export type { Welcome, WorkerConnectionEvents, WorkerHello, WorkerInfo } from './worker-session.js';
export type { HeartbeatAnswer, HeartbeatLease, WorkerAck, WorkerReport } from './worker-reports.js';
export type { JobNodeOptions, WakeListener } from './job-node.js';
export { GuardLimit, admission, bytesText, diskBelowFloor, standingRefusal } from './admission.js';
export type { DiskReading, GuardLimits, Refusal } from './admission.js';
export { ResourceGuards } from './resource-guards.js';
export type { GuardStatus, ResourceGuardOptions, StatFs } from './resource-guards.js';
export {
  ON_TIME_MS,
  SKIP_COUNT_SCAN,
  dueSlots,
  nextSlots,
  scheduleFireCommand,
  slotsBetween,
  validateScheduleSpec,
  type DueSlots,
  type SlotSchedule,
  type SlotSpec,
} from './schedule-slots.js';
/** The membership as the node layer hands it on (the Raft core's types; src/server does not import src/raft). */
export { isMember, members } from '../raft/index.js';
export type { ClusterMembership, MembershipChange } from '../raft/index.js';
