import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { loadConfig, type Config, type Env } from '../src/config/index.js';
import { isRaftJobsError } from '../src/errors/index.js';
import { LogMessage } from '../src/observability/index.js';
import { displayPath, formatLogLine, LineSplitter, parseLogLine, shellWord, TailBuffer } from './cluster-output.js';
import { LauncherError, launcherSocketPath, serveLauncherControl, type LauncherNode, type LauncherRestart } from './launcher-control.js';

const REPO_ROOT = resolve(import.meta.dirname, '..');
const BIN = join(REPO_ROOT, 'src', 'cli', 'bin.js');
const DEFAULT_CONFIG = join(REPO_ROOT, 'cluster-configs', 'three-node.json');
/** Slack on top of `config.shutdownTimeoutMs` before a node that ignored SIGTERM gets SIGKILL, ms. */
const KILL_SLACK_MS = 2000;

/** Starts a child process; `child_process.spawn` by default, replaceable in tests. */
export type Spawner = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

/** Options of `runCluster`. */
export interface RunClusterOptions {
  /** Cluster config file; relative to `cwd`. Default: the repository's `cluster-configs/three-node.json`. */
  readonly config?: string;
  /** Overrides the config's `dataDir` (relative to `cwd`); passed to every node as `RAFTJOBS_DATA_DIR`. */
  readonly dataDir?: string;
  /** Start only these node ids. Default: every node in the config. */
  readonly nodes?: readonly string[];
  /** Where the launcher prints its readable lines (node output goes to `<dataDir>/<id>.log`). */
  readonly out: Writable;
  /** Environment for config overrides and the children. Default: `process.env`. */
  readonly env?: Env;
  /** Working directory for relative paths and the children. Default: `process.cwd()`. */
  readonly cwd?: string;
  /** Stops the cluster when aborted, as SIGINT does. */
  readonly signal?: AbortSignal;
  /** Stop on SIGINT/SIGTERM (a second one SIGKILLs at once). Default: true. */
  readonly handleSignals?: boolean;
  /** Warn (with the log tail) about a node not ready after this long, ms. Default: 30000. */
  readonly readyTimeoutMs?: number;
  readonly spawn?: Spawner;
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

interface RunningNode {
  readonly id: string;
  readonly child: ChildProcess;
  readonly logPath: string;
  readonly log: WriteStream;
  readonly tail: TailBuffer;
  readonly exited: Promise<Exit>;
  /** Resolves true once the node logged "node ready", false if it exited first. */
  readonly up: Promise<boolean>;
  ready: boolean;
  exit: Exit | undefined;
  /** Stopped on request, to be started again: its exit is not reported as unexpected. */
  restarting: boolean;
}

function describeExit(exit: Exit): string {
  if (exit.error !== undefined) return `failed to start: ${exit.error.message}`;
  return exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${String(exit.code)}`;
}

/**
 * Runs a local cluster in the foreground: validates the config (printing every problem and
 * returning 1 before anything starts), spawns `node src/cli/bin.js node --config <config> --id
 * <id>` per node with output appended to `<dataDir>/<id>.log`, prints one line per node once it
 * logs "node ready", and on SIGINT/SIGTERM (or `signal`) stops every node with SIGTERM, SIGKILLing
 * any still alive after `shutdownTimeoutMs` + 2 s. A node that dies meanwhile is reported with the
 * tail of its log; the others keep running. On `<dataDir>/launcher.sock` it restarts one of its
 * nodes on request (scripts/launcher-control.ts; `npm run rolling-restart -- --local`), keeping
 * the new process as its own.
 *
 * Children get their own process group, so a terminal's Ctrl-C reaches only the launcher and each
 * node sees exactly one SIGTERM (a second signal would make a node skip its orderly shutdown).
 *
 * @returns the exit code: 0 after a requested stop, 1 for an invalid config or unknown node id, 1
 *   when every node exited on its own.
 */
export async function runCluster(options: RunClusterOptions): Promise<number> {
  const { out } = options;
  const print = (line: string): void => void out.write(`${line}\n`);
  const cwd = options.cwd ?? process.cwd();
  const baseEnv = options.env ?? process.env;
  const configPath = options.config === undefined ? DEFAULT_CONFIG : resolve(cwd, options.config);
  const env: Env = options.dataDir === undefined ? baseEnv : { ...baseEnv, RAFTJOBS_DATA_DIR: resolve(cwd, options.dataDir) };

  let config: Config;
  try {
    config = loadConfig(configPath, { env, cwd, onWarning: (w) => print(`warning: ${w}`) });
  } catch (err) {
    if (!isRaftJobsError(err)) throw err;
    print(err.message);
    return 1;
  }
  const known = config.nodes.map((n) => n.id);
  const ids = [...new Set(options.nodes ?? known)];
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0 || ids.length === 0) {
    print(`${displayPath(configPath, cwd)}: unknown node id(s) ${unknown.join(', ') || '(none given)'}; the config has ${known.join(', ')}`);
    return 1;
  }

  mkdirSync(config.dataDir, { recursive: true });
  const spawn: Spawner = options.spawn ?? ((command, args, spawnOptions) => nodeSpawn(command, args, spawnOptions));
  const childEnv = { ...env };
  const nodeCommand = (id: string): string[] => [BIN, 'node', '--config', configPath, '--id', id];
  const shownConfig = displayPath(configPath, cwd);
  print(`starting ${ids.length} node(s) of cluster "${config.clusterId}" from ${shownConfig}, data in ${displayPath(config.dataDir, cwd)}`);
  if (config.tls === undefined) {
    print('insecure: no "tls" section, so peers, clients and workers talk plaintext with no authentication; for local development only (README: Running securely)');
  } else {
    print(`tls: cluster CA ${displayPath(config.tls.caFile, cwd)}, node certificates in ${displayPath(config.tls.certsDir, cwd)}, client certificates ${config.tls.clientCertificates === 'require' ? 'required' : 'optional'}`);
  }

  let stopping = false;
  let notifyChange: () => void = () => {};
  const changed = (): Promise<void> => new Promise((res) => (notifyChange = res));
  const timers: NodeJS.Timeout[] = [];
  const logs = new Map<string, WriteStream>();
  const logPathOf = (id: string): string => join(config.dataDir, `${id}.log`);
  for (const id of ids) {
    const log = createWriteStream(logPathOf(id), { flags: 'a' });
    log.on('error', (err) => print(`${id}: cannot write ${displayPath(logPathOf(id), cwd)}: ${err.message}`));
    logs.set(id, log);
  }

  /** Starts node `id`'s process; its output goes to its log file, its exit is reported. */
  const launch = (id: string): RunningNode => {
    const logPath = logPathOf(id);
    const log = logs.get(id) as WriteStream;
    const child = spawn(process.execPath, nodeCommand(id), { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const tail = new TailBuffer(20);
    let resolveExit: (exit: Exit) => void = () => {};
    let resolveUp: (up: boolean) => void = () => {};
    const node: RunningNode = {
      id, child, logPath, log, tail,
      exited: new Promise((res) => (resolveExit = res)),
      up: new Promise((res) => (resolveUp = res)),
      ready: false, exit: undefined, restarting: false,
    };
    const member = config.nodes.find((n) => n.id === id);

    const stdout = new LineSplitter((line) => {
      tail.push(line);
      if (!node.ready && parseLogLine(line)?.['msg'] === LogMessage.NodeReady) {
        node.ready = true;
        resolveUp(true);
        const http = member?.httpAddress === undefined ? '' : `  ${config.tls === undefined ? 'http' : 'https'} ${member.httpAddress}`;
        print(`${id.padEnd(4)} ready  grpc ${member?.address ?? '?'}${http}  pid ${String(child.pid)}  log ${displayPath(logPath, cwd)}`);
        if (nodes.every((n) => n.ready)) {
          print(`all ${nodes.length} node(s) ready. status: npx raftjobs status --config ${shellWord(shownConfig)}   stop: Ctrl-C`);
        }
      }
    });
    const stderr = new LineSplitter((line) => tail.push(line));
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      stdout.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      stderr.push(chunk);
    });

    const finish = (exit: Exit): void => {
      if (node.exit !== undefined) return;
      stdout.end();
      stderr.end();
      node.exit = exit;
      resolveExit(exit);
      resolveUp(false);
      if (!stopping && !node.restarting) {
        print(`${id} exited unexpectedly (${describeExit(exit)}); last lines of ${displayPath(logPath, cwd)}:`);
        for (const line of tail.lines()) print(`  | ${formatLogLine(line)}`);
        const alive = nodes.filter((n) => n.exit === undefined).length;
        print(`${alive} of ${nodes.length} node(s) still running; restart it with: ${restartHint(id)}`);
      }
      notifyChange();
    };
    child.on('error', (error) => finish({ code: null, signal: null, error }));
    child.on('close', (code, signal) => finish({ code, signal }));

    const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
    timers.push(
      setTimeout(() => {
        if (node.ready || node.exit !== undefined || stopping) return;
        print(`${id} not ready after ${readyTimeoutMs} ms; last lines of ${displayPath(logPath, cwd)}:`);
        for (const line of tail.lines()) print(`  | ${formatLogLine(line)}`);
      }, readyTimeoutMs),
    );
    return node;
  };
  const nodes: RunningNode[] = [];
  for (const id of ids) nodes.push(launch(id));

  function restartHint(id: string): string {
    const prefix = options.dataDir === undefined ? '' : `RAFTJOBS_DATA_DIR=${shellWord(config.dataDir)} `;
    return `${prefix}node ${displayPath(BIN, cwd)} node --config ${shellWord(shownConfig)} --id ${id}`;
  }

  const alive = (): RunningNode[] => nodes.filter((n) => n.exit === undefined);
  const killAll = (signal: NodeJS.Signals): void => {
    for (const n of alive()) n.child.kill(signal);
  };
  const stopDeadlineMs = config.shutdownTimeoutMs + KILL_SLACK_MS;
  /** Waits for `node` to exit, SIGKILLing it after the stop deadline; says so if it had to. */
  const reap = async (node: RunningNode): Promise<void> => {
    let deadline: NodeJS.Timeout | undefined;
    const expired = new Promise<boolean>((res) => (deadline = setTimeout(() => res(false), stopDeadlineMs)));
    const exited = await Promise.race([node.exited.then(() => true), expired]);
    clearTimeout(deadline);
    if (!exited) {
      print(`${node.id} still running after ${stopDeadlineMs} ms; sending SIGKILL`);
      node.child.kill('SIGKILL');
      await node.exited;
    }
  };

  let restarts = 0;
  /** Restarts node `id` on a request of the control socket: SIGTERM, wait, start, wait until ready. */
  const restart = async (id: string): Promise<LauncherRestart> => {
    const i = nodes.findIndex((n) => n.id === id);
    const old = nodes[i];
    if (old === undefined) throw new LauncherError(404, `this launcher runs ${ids.join(', ')}, not ${JSON.stringify(id)}`);
    if (stopping) throw new LauncherError(409, 'the cluster is stopping');
    if (old.restarting) throw new LauncherError(409, `${id} is being restarted already`);
    const oldPid = old.exit === undefined ? (old.child.pid ?? null) : null;
    old.restarting = true;
    restarts += 1;
    try {
      if (old.exit === undefined) {
        print(`${id}: restart requested; stopping pid ${String(oldPid)}`);
        old.child.kill('SIGTERM');
        await reap(old);
      }
      if (stopping) throw new LauncherError(409, 'the cluster is stopping');
      const node = launch(id);
      nodes[i] = node;
      if (!(await node.up) || node.child.pid === undefined) throw new LauncherError(500, `${id} did not come up again (${describeExit(node.exit ?? { code: null, signal: null })}); see ${displayPath(node.logPath, cwd)}`);
      return { id, oldPid, pid: node.child.pid };
    } finally {
      restarts -= 1;
      notifyChange();
    }
  };
  const list = (): LauncherNode[] => nodes.map((n) => ({ id: n.id, pid: n.exit === undefined ? (n.child.pid ?? null) : null, ready: n.ready && n.exit === undefined }));
  const socketPath = launcherSocketPath(config.dataDir);
  let control: { close(): Promise<void> } | null = null;

  let signals = 0;
  const onSignal = (name: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 1) {
      print(`${name}: stopping ${alive().length} node(s)...`);
      stopping = true;
      notifyChange();
    } else {
      print(`${name} again: killing ${alive().length} node(s)`);
      killAll('SIGKILL');
    }
  };
  const onAbort = (): void => onSignal('SIGTERM');
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  if (options.signal?.aborted === true) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    control = await serveLauncherControl(socketPath, { list, restart }).catch((err: unknown) => {
      print(`warning: no control socket at ${displayPath(socketPath, cwd)} (${err instanceof Error ? err.message : String(err)}), so npm run rolling-restart -- --local cannot restart these nodes`);
      return null;
    });
    while (!stopping && (alive().length > 0 || restarts > 0)) await changed();
    const crashedOut = !stopping;
    if (crashedOut) print('every node has exited; stopping');
    stopping = true;
    for (const t of timers) clearTimeout(t);

    const stopped = alive();
    killAll('SIGTERM');
    await Promise.all(stopped.map(reap));
    for (const n of stopped) print(`${n.id} stopped (${describeExit(n.exit ?? { code: null, signal: null })})`);
    await Promise.all([...logs.values()].map((log) => new Promise<void>((res) => log.end(res))));
    print('cluster stopped');
    return crashedOut ? 1 : 0;
  } finally {
    await control?.close();
    if (handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    options.signal?.removeEventListener('abort', onAbort);
  }
}
