/**
 * Running real raftjobs processes from scripts (chaos, bench, failover, compaction) and tests:
 * a cluster on free loopback ports in a temporary directory, node processes, polling with
 * deadlines. Nothing here imports the test framework.
 */
export { BIN, childEnv, REPO_ROOT, runCli, runProcess, type CliResult, type RunCliOptions, type RunProcessOptions } from './cli.js';
export {
  Cluster,
  formatRow,
  type ClusterOptions,
  type Convergence,
  type ConvergenceOptions,
  type LoadedState,
  type StatusRow,
  type WaitForLeaderOptions,
  type WaitOptions,
} from './cluster.js';
export { describeExit, NodeProcess, type NodeExit, type NodeProcessOptions } from './node-process.js';
export { poll, PollTimeoutError, withDeadline, type PollOptions } from './poll.js';
export { freePort, freePorts, isPortFree } from './ports.js';
export { createObservedCluster, type ObservedCluster } from './observed-cluster.js';
