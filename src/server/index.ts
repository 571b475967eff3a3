/**
 * The `raftjobs/server` entry point: run a cluster node inside your own process. Load and check a
 * config, make the node's logger, then start it:
 *
 * ```ts
 * const config = loadConfig('cluster.json', { nodeId: 'n1' });
 * const node = await startNode(config, 'n1', createLogger({ nodeId: 'n1', clusterId: config.clusterId }), (err) => ...);
 * // ... later
 * await node.shutdown('stopping');
 * ```
 *
 * `restoreBackup` seeds the data directories of a new cluster from a backup file (`raftjobs
 * restore`). The SDK (`raftjobs`) never loads this: it pulls in LevelDB, metrics and the node's
 * logger.
 */
export { startNode, type RunningNode } from './node-server.js';
export { restoreBackup, type RestoreReport } from './restore.js';
export { loadConfig, validateConfig, type Config, type LoadOptions } from '../config/index.js';
export { createLogger, type Logger, type LoggerOptions } from '../observability/index.js';
