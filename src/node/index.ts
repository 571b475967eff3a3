export { RaftNode } from './raft-node.js';
export type { RaftNodeOptions } from './raft-node.js';
export { systemClock } from './types.js';
export type { Application, NodeClock, NodeEvents, NodeMetrics, NodeStatus } from './types.js';
export { JobsApp } from './jobs-app.js';
export { JobNode } from './job-node.js';
export type { JobNodeOptions, WakeListener } from './job-node.js';
