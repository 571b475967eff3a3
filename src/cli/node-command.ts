import { loadConfig } from '../config/index.js';
import { isRaftJobsError } from '../errors/index.js';
import { createLogger } from '../observability/index.js';
import { startNode } from '../server/node-server.js';
import { parseFlags, requireFlag } from './args.js';

/**
 * `raftjobs node --config FILE --id ID`: run one node until SIGTERM/SIGINT. The config is
 * validated before anything else happens; a second signal exits at once.
 */
export async function nodeCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags('node', argv, { config: { type: 'string' }, id: { type: 'string' } });
  const configPath = requireFlag('node', 'config', values.config);
  const id = requireFlag('node', 'id', values.id);
  const config = loadConfig(configPath, { nodeId: id });
  const logger = createLogger({ nodeId: id, clusterId: config.clusterId });

  let fatal: Error | null = null;
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let running: Awaited<ReturnType<typeof startNode>>;
  try {
    running = await startNode(config, id, logger, (err) => {
      fatal = err;
      void stop('fatal error', 70);
    });
  } catch (err) {
    logger.fatal({ err, code: isRaftJobsError(err) ? err.code : undefined }, 'node failed to start');
    throw err;
  }

  let signals = 0;
  const stop = async (reason: string, code: number): Promise<void> => {
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
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal: sig }, 'second signal: exiting now');
      process.exit(130);
    }
    void stop(sig, 0);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const code = await exited;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  return code;
}
