/**
 * Shared helpers for tests and scripts that run real raftjobs processes. Nothing here imports the
 * test framework, so `scripts/` can use it as well.
 */
export { BIN, childEnv, REPO_ROOT, runCli, type CliResult, type RunCliOptions } from './cli.js';
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
export { fingerprint } from './files.js';
export { describeExit, NodeProcess, type NodeExit, type NodeProcessOptions } from './node-process.js';
export { poll, PollTimeoutError, withDeadline, type PollOptions } from './poll.js';
export { freePort, freePorts, isPortFree } from './ports.js';
