import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { loadConfig, parseHostPort } from '../config/index.js';
import { isRaftJobsError } from '../errors/index.js';
import { createLogger } from '../observability/index.js';
import { startNode, type RunningNode } from '../server/index.js';
import { parseFlags, requireFlag, UsageError } from './args.js';

/**
 * `raftjobs node --config FILE --id ID [--data-dir DIR]`: run one node until SIGTERM/SIGINT;
 * SIGHUP rereads its TLS certificate, key and CA and `auth.tokensFile` (`RunningNode.reload`;
 * the node also rereads them when they change, see `server.fileWatchIntervalMs`).
 * `--data-dir` overrides the config's `dataDir` (the node keeps its data in `DIR/ID`), as `npm
 * start -- --data-dir DIR` does for every node, so one node of such a cluster restarts on its own
 * data; it wins over `RAFTJOBS_DATA_DIR`. The config is
 * validated before anything else happens; a second signal exits at once. Signal handlers are in
 * place before start-up, so a stop requested while the node starts still runs the orderly
 * shutdown once it is up.
 */
export async function nodeCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags('node', argv, { config: { type: 'string' }, id: { type: 'string' }, 'data-dir': { type: 'string' }, join: { type: 'string' } });
  const join = values.join;
  if (join !== undefined && typeof parseHostPort(join) === 'string') throw new UsageError(`node: --join: ${parseHostPort(join) as string}`);
  const configPath = requireFlag('node', 'config', values.config);
  const id = requireFlag('node', 'id', values.id);
  const dataDir = values['data-dir'];
  if (dataDir === '') throw new UsageError('node: --data-dir must not be empty');
  // The same override the launcher passes its nodes (scripts/cluster.ts).
  const env = dataDir === undefined ? process.env : { ...process.env, RAFTJOBS_DATA_DIR: resolve(dataDir) };
  const config = loadConfig(configPath, { nodeId: id, env });
  const logger = createLogger({ nodeId: id, clusterId: config.clusterId });
  // Process-wide, so here and not in startNode (which tests also run in their own process). Left to
  // V8, the old heap may grow to several times what is live before a full collection: a leader
  // filled with a million jobs held 150-250 bytes of garbage per job more than its followers.
  if (config.server.heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.server.heapGrowingPercent}`);

  let running: RunningNode | null = null;
  /** A stop asked for before start-up finished (a holder object: closures assign it). */
  const early: { stop: { reason: string; code: number } | null } = { stop: null };
  let fatal = false;
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let stopping = false;

  const stop = async (reason: string, code: number): Promise<void> => {
    if (!running) {
      early.stop ??= { reason, code };
      return;
    }
    if (stopping) return;
    stopping = true;
    const hard = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown deadline passed; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    hard.unref();
    try {
      await running.shutdown(reason);
      resolveExit(fatal ? 70 : code);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      resolveExit(1);
    }
  };
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal: sig }, 'second signal: exiting now');
      process.exit(130);
    }
    void stop(sig, 0);
  };
  // SIGHUP rereads what can change while running (the TLS certificates, the tokens file); a bad
  // file changes nothing.
  const onHangUp = (): void => {
    if (running && !stopping) running.reload().catch(() => undefined);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHangUp);
  try {
    try {
      running = await startNode(config, id, logger, () => {
        fatal = true;
        void stop('fatal error', 70);
      }, process.env, join === undefined ? {} : { join });
    } catch (err) {
      logger.fatal({ err, code: isRaftJobsError(err) ? err.code : undefined }, 'node failed to start');
      throw err;
    }
    if (early.stop) void stop(early.stop.reason, early.stop.code);
    return await exited;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('SIGHUP', onHangUp);
  }
}
