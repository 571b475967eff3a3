export { RaftNode } from './raft-node.js';
export type { RaftNodeOptions } from './raft-node.js';
export { systemClock } from './types.js';
export type { Application, JobFlowEvent, JobFlowSink, NodeClock, NodeEvents, NodeMetrics, NodeStatus, RetryCause } from './types.js';
export { JobsApp } from './jobs-app.js';
export type { AppliedEventsListener } from './jobs-app.js';
export { reportFlow } from './job-flow.js';
export { JobNode } from './job-node.js';
export type { JobNodeOptions, WakeListener } from './job-node.js';
