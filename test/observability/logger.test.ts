import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, createSilentLogger, LogMessage, logLevelFromEnv, type LoggerOptions } from '../../src/observability/index.js';

function capture(options: LoggerOptions = {}) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ env: {}, ...options, destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) } });
  return { logger, lines };
}

describe('createLogger', () => {
  it('binds nodeId and clusterId to every line, including child loggers', () => {
    const { logger, lines } = capture({ nodeId: 'n1', clusterId: 'local' });
    logger.info({ address: '127.0.0.1:7001' }, LogMessage.NodeReady);
    logger.child({ component: 'raft' }).warn('term changed');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, nodeId: 'n1', clusterId: 'local', msg: 'node ready', address: '127.0.0.1:7001', pid: process.pid }),
      expect.objectContaining({ level: 40, nodeId: 'n1', clusterId: 'local', component: 'raft', msg: 'term changed' }),
    ]);
    expect(lines[0]?.['time']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('omits ids it was not given', () => {
    const { logger, lines } = capture();
    logger.info('x');
    expect(lines[0]).not.toHaveProperty('nodeId');
    expect(lines[0]).not.toHaveProperty('clusterId');
  });

  it('serializes { err } with type, message and stack', () => {
    const { logger, lines } = capture();
    logger.error({ err: new TypeError('bad') }, 'failed');
    expect(lines[0]?.['err']).toEqual(expect.objectContaining({ type: 'TypeError', message: 'bad', stack: expect.stringContaining('TypeError: bad') as string }));
  });

  it('takes its level from RAFTJOBS_LOG_LEVEL unless given one', () => {
    const quiet = capture({ env: { RAFTJOBS_LOG_LEVEL: 'WARN' } });
    quiet.logger.info('dropped');
    quiet.logger.warn('kept');
    expect(quiet.lines.map((l) => l['msg'])).toEqual(['kept']);
    const explicit = capture({ env: { RAFTJOBS_LOG_LEVEL: 'warn' }, level: 'debug' });
    explicit.logger.debug('kept');
    expect(explicit.lines).toHaveLength(1);
    expect(capture().logger.level).toBe('info');
  });

  it('rejects an unknown RAFTJOBS_LOG_LEVEL with CONFIG_INVALID', () => {
    expect(() => logLevelFromEnv({ RAFTJOBS_LOG_LEVEL: 'verbose' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('RAFTJOBS_LOG_LEVEL') as string }) as Error);
    expect(logLevelFromEnv({ RAFTJOBS_LOG_LEVEL: '' }, 'error')).toBe('error');
  });

  it('keeps every line written before a SIGKILL (synchronous stdout)', () => {
    const fixture = join(import.meta.dirname, 'fixtures', 'log-then-kill.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', env: { ...process.env, RAFTJOBS_LOG_LEVEL: '' } });
    expect(run.signal).toBe('SIGKILL');
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(201);
    expect(lines[200]).toEqual(expect.objectContaining({ msg: 'last words', nodeId: 'n1', clusterId: 'local', err: expect.objectContaining({ message: 'boom' }) as unknown }));
  });
});

describe('createSilentLogger', () => {
  it('has every level disabled', () => {
    const logger = createSilentLogger();
    expect(logger.isLevelEnabled('fatal')).toBe(false);
    expect(logger.child({ component: 'x' }).isLevelEnabled('error')).toBe(false);
  });
});
