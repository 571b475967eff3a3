/**
 * A throw-away redis-server for the BullMQ comparison: loopback only, a free port, AOF on with
 * `appendfsync everysec` (BullMQ's usual durable setting), no RDB snapshots, in a temporary
 * directory removed on stop.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './cluster.js';
import { sleep } from './stats.js';

export interface RedisServer {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  readonly version: string;
  /** Drop every key (between workloads). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** The `redis-server` version line, or null when it is not installed. */
export function redisServerVersion(): string | null {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) return null;
  return /v=(\S+)/.exec(r.stdout)?.[1] ?? r.stdout.trim();
}

export async function startRedis(): Promise<RedisServer> {
  const version = redisServerVersion();
  if (version === null) throw new Error('redis-server is not installed');
  const host = '127.0.0.1';
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'raftjobs-bench-redis-'));
  const args = ['--bind', host, '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--daemonize', 'no', '--protected-mode', 'no', '--loglevel', 'warning'];
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (output += s));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);

  const redis = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined); // refused while redis-server starts; retried below
  let up = false;
  for (let i = 0; i < 100 && !up && child.exitCode === null; i++) {
    try {
      if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
      up = (await redis.ping()) === 'PONG';
    } catch {
      await sleep(50);
    }
  }
  if (!up) {
    redis.disconnect();
    kill();
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`redis-server did not start on ${host}:${port}:\n${output}`);
  }
  return {
    host,
    port,
    pid: child.pid ?? -1,
    version,
    async flush(): Promise<void> {
      await redis.flushall();
    },
    async stop(): Promise<void> {
      redis.disconnect();
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 5_000);
      await exited;
      clearTimeout(timer);
      process.off('exit', kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
