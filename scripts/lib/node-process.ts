import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { LogMessage } from '../../src/observability/index.js';
import { LineSplitter, parseLogLine } from '../cluster-output.js';
import { BIN, REPO_ROOT } from './cli.js';
import { withDeadline } from './poll.js';

/** How a node process ended. */
export interface NodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** `exit code 0`, `killed by SIGKILL`. */
export function describeExit(exit: NodeExit): string {
  return exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${String(exit.code)}`;
}

/** Options of {@link NodeProcess.spawn}. */
export interface NodeProcessOptions {
  readonly id: string;
  readonly configPath: string;
  /** Output of every run of this node is appended here, each run after a header line. */
  readonly logPath: string;
  readonly env: NodeJS.ProcessEnv;
  /** Which start of this node this is (1 = first), for the log header. */
  readonly run: number;
  /** Give up waiting for "node ready" after this long (the process is then SIGKILLed), ms. */
  readonly readyTimeoutMs: number;
  /** More arguments of `raftjobs node` (e.g. `--join HOST:PORT`). */
  readonly args?: readonly string[];
}

/**
 * Every node process a harness started and that has not exited yet. If the harness's own process
 * exits without stopping them (an uncaught error, a forgotten `stopAll`), they are SIGKILLed by PID
 * on the way out, so no test leaves a node behind.
 */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

/**
 * One run of `node src/cli/bin.js node --config FILE --id ID`: stdout and stderr go to the log
 * file and, parsed, to {@link records}; {@link ready} settles on the "node ready" line. Signals
 * go only to this child's PID, and only while it is alive.
 */
export class NodeProcess {
  readonly id: string;
  readonly pid: number;
  /** Parsed pino lines of this run, oldest first. */
  readonly records: Record<string, unknown>[] = [];
  /** Raw output lines of this run (stdout and stderr interleaved), oldest first. */
  readonly lines: string[] = [];
  /** Resolves once the node logged "node ready"; rejects if it exits or times out first. */
  readonly ready: Promise<void>;
  /** Resolves when the process has exited and its output is flushed to the log file. */
  readonly exited: Promise<NodeExit>;
  /** Set once the process has exited. */
  exit: NodeExit | undefined;
  /** True between {@link pause} and {@link resume}. */
  paused = false;
  readonly #child: ChildProcess;

  private constructor(id: string, child: ChildProcess, pid: number, ready: Promise<void>, exited: Promise<NodeExit>) {
    this.id = id;
    this.#child = child;
    this.pid = pid;
    this.ready = ready;
    this.exited = exited;
  }

  static spawn(o: NodeProcessOptions): NodeProcess {
    const log = createWriteStream(o.logPath, { flags: 'a' });
    const child = spawn(process.execPath, [BIN, 'node', '--config', o.configPath, '--id', o.id, ...(o.args ?? [])], {
      cwd: REPO_ROOT,
      env: o.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) {
      log.end();
      throw new Error(`${o.id}: could not start ${process.execPath} ${BIN}`);
    }
    track(child);
    log.write(`--- test harness: ${o.id} run ${o.run}, pid ${child.pid}, ${new Date().toISOString()} ---\n`);

    let markReady: () => void = () => undefined;
    let failReady: (err: Error) => void = () => undefined;
    const readySignal = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    let resolveExit: (exit: NodeExit) => void = () => undefined;
    const exited = new Promise<NodeExit>((resolve) => (resolveExit = resolve));
    const ready = withDeadline(readySignal, o.readyTimeoutMs, () => `${o.id} (pid ${child.pid}) not ready after ${o.readyTimeoutMs} ms`, () => child.kill('SIGKILL'));

    const node = new NodeProcess(o.id, child, child.pid, ready, exited);
    // A caller that never awaits `ready` (the process was killed first) must not see an unhandled rejection.
    ready.catch(() => undefined);

    const onLine = (line: string): void => {
      node.lines.push(line);
      const record = parseLogLine(line);
      if (record === undefined) return;
      node.records.push(record);
      if (record['msg'] === LogMessage.NodeReady) markReady();
    };
    const out = new LineSplitter(onLine);
    const err = new LineSplitter(onLine);
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      out.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      err.push(chunk);
    });
    child.once('error', (e) => failReady(e));
    child.once('close', (code, signal) => {
      out.end();
      err.end();
      const exit: NodeExit = { code, signal };
      node.exit = exit;
      node.paused = false;
      failReady(new Error(`${o.id} (pid ${child.pid}) ${describeExit(exit)} before it was ready:\n${node.tail(25).join('\n')}`));
      log.end(() => resolveExit(exit));
    });
    return node;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Sends `signal` to this process if it is still running; false if it had already exited. */
  signal(signal: NodeJS.Signals): boolean {
    if (!this.running) return false;
    return this.#child.kill(signal);
  }

  /** SIGSTOP: the process freezes (a hung or swapped-out node), keeping its sockets open. */
  pause(): void {
    if (this.signal('SIGSTOP')) this.paused = true;
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    if (this.signal('SIGCONT')) this.paused = false;
  }

  /** The last `n` output lines, pino lines shortened to `time LEVEL msg {fields}`. */
  tail(n = 30): string[] {
    return this.lines.slice(-n).map(shortLine);
  }

  /** The last record whose `msg` is `msg`, if any. */
  lastRecord(msg: string): Record<string, unknown> | undefined {
    for (let i = this.records.length - 1; i >= 0; i--) if (this.records[i]?.['msg'] === msg) return this.records[i];
    return undefined;
  }
}

const NOISE = new Set(['level', 'time', 'pid', 'hostname', 'nodeId', 'clusterId', 'msg', 'component']);
const LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function shortLine(line: string): string {
  const r = parseLogLine(line);
  if (r === undefined) return line;
  const time = typeof r['time'] === 'string' ? r['time'].slice(11, 23) : '';
  const level = typeof r['level'] === 'number' ? (LEVELS[r['level']] ?? String(r['level'])) : '';
  const fields = Object.entries(r).filter(([k]) => !NOISE.has(k));
  const extra = fields.length === 0 ? '' : ` ${JSON.stringify(Object.fromEntries(fields))}`;
  return `${time} ${level} ${String(r['msg'])}${extra}`;
}
