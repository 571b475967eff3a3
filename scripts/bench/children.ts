import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { childEnv } from './cluster.js';
import type { ChildCommand, ChildEvent, ChildInit, OpenResult, RunResult, WorkProgress, WorkReport } from './protocol.js';

const CHILD_MAIN = join(import.meta.dirname, 'child', 'main.ts');
const READY_TIMEOUT_MS = 30_000;

/** Every child still running; SIGKILLed by PID if the bench exits without closing them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

interface Waiter {
  readonly match: (e: ChildEvent) => boolean;
  readonly resolve: (e: ChildEvent) => void;
  readonly reject: (err: Error) => void;
}

/**
 * A bench client or worker process (scripts/bench/child/main.ts) and its JSON-lines conversation.
 * Signals go only to this child's PID.
 */
export class BenchChild {
  readonly name: string;
  readonly pid: number;
  /** The latest counters of a worker child. */
  progress: WorkProgress = { ev: 'progress', completed: 0, lastCompleteMs: 0, handlerStarts: 0 };
  readonly #child: ChildProcess;
  readonly #stderr: string[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #listeners = new Set<() => void>();
  #exit: string | null = null;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.#child = child;
    this.pid = child.pid ?? -1;
    let buffered = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        this.#onLine(line);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr.push(chunk);
      if (this.#stderr.length > 200) this.#stderr.splice(0, 100);
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      this.#exit = signal !== null ? `killed by ${signal}` : `exit code ${String(code)}`;
      const err = new Error(`${this.name} (pid ${this.pid}) ended (${this.#exit}):\n${this.stderrTail()}`);
      for (const w of this.#waiters) w.reject(err);
      this.#waiters.clear();
    });
  }

  /** Starts a child and waits until it says it is ready (connected, warmed up). */
  static async start(name: string, init: ChildInit): Promise<BenchChild> {
    // RAFTJOBS_BENCH_CHILD_PROF_DIR=DIR profiles every client and worker process too (one .cpuprofile each, on exit).
    const profDir = process.env['RAFTJOBS_BENCH_CHILD_PROF_DIR'];
    // Files are named CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread (tsx adds a loader thread).
    const prof = profDir === undefined || profDir === '' ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir];
    const child = spawn(process.execPath, [...prof, '--import', 'tsx', CHILD_MAIN, JSON.stringify(init)], {
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: childEnv(),
    });
    live.add(child);
    const c = new BenchChild(name, child);
    await c.waitFor('ready', READY_TIMEOUT_MS);
    return c;
  }

  get running(): boolean {
    return this.#exit === null;
  }

  send(command: ChildCommand): void {
    this.#child.stdin?.write(JSON.stringify(command) + '\n');
  }

  /** The next event of kind `ev` (and matching `match`). */
  waitFor<E extends ChildEvent['ev']>(ev: E, timeoutMs: number, match: (e: Extract<ChildEvent, { ev: E }>) => boolean = () => true): Promise<Extract<ChildEvent, { ev: E }>> {
    if (this.#exit !== null) return Promise.reject(new Error(`${this.name} already ended (${this.#exit}):\n${this.stderrTail()}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(w);
        reject(new Error(`${this.name}: no "${ev}" within ${timeoutMs} ms:\n${this.stderrTail()}`));
      }, timeoutMs);
      const w: Waiter = {
        match: (e) => e.ev === ev && match(e as Extract<ChildEvent, { ev: E }>),
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as Extract<ChildEvent, { ev: E }>);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.#waiters.add(w);
    });
  }

  /** Closed-loop submits; resolves with the run's result. */
  run(c: Omit<Extract<ChildCommand, { cmd: 'run' }>, 'cmd'>, timeoutMs: number): Promise<RunResult> {
    const result = this.waitFor('run', timeoutMs);
    this.send({ cmd: 'run', ...c });
    return result;
  }

  report(timeoutMs = 10_000): Promise<WorkReport> {
    const result = this.waitFor('report', timeoutMs);
    this.send({ cmd: 'report' });
    return result;
  }

  stopOpen(timeoutMs: number): Promise<OpenResult> {
    const result = this.waitFor('open', timeoutMs);
    this.send({ cmd: 'stop' });
    return result;
  }

  /** Calls `fn` after every progress line (until it returns true). */
  onProgress(fn: () => boolean): void {
    const l = (): void => {
      if (fn()) this.#listeners.delete(l);
    };
    this.#listeners.add(l);
    l();
  }

  /** Asks the child to close and exit; SIGKILLs it if it has not after `timeoutMs`. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.#exit !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.send({ cmd: 'exit' });
    this.#child.stdin?.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  stderrTail(lines = 20): string {
    return this.#stderr.join('').split('\n').slice(-lines).join('\n');
  }

  #onLine(line: string): void {
    if (!line.startsWith('{')) return;
    let e: ChildEvent;
    try {
      e = JSON.parse(line) as ChildEvent;
    } catch {
      return;
    }
    if (e.ev === 'fatal') {
      for (const w of this.#waiters) w.reject(new Error(`${this.name}: ${e.message}`));
      this.#waiters.clear();
      return;
    }
    if (e.ev === 'progress') {
      this.progress = e;
      for (const l of [...this.#listeners]) l();
    }
    for (const w of [...this.#waiters]) {
      if (!w.match(e)) continue;
      this.#waiters.delete(w);
      w.resolve(e);
    }
  }
}

/** Starts several children at once. */
export function startChildren(prefix: string, n: number, init: ChildInit): Promise<BenchChild[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => BenchChild.start(`${prefix}${i + 1}`, init)));
}

/** Closes children, never rejecting. */
export async function closeAll(children: readonly BenchChild[]): Promise<void> {
  await Promise.allSettled(children.map((c) => c.close()));
}

/** Sum of the workers' acknowledged completions. */
export function completedSum(workers: readonly BenchChild[]): number {
  return workers.reduce((n, w) => n + w.progress.completed, 0);
}

/** Resolves once the workers together have `target` acknowledged completions; rejects after `timeoutMs`. */
export function waitForCompleted(workers: readonly BenchChild[], target: number, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(new Error(`only ${completedSum(workers)} of ${target} completions within ${timeoutMs} ms`));
    }, timeoutMs);
    const check = (): boolean => {
      if (done) return true;
      if (completedSum(workers) < target) return false;
      done = true;
      clearTimeout(timer);
      resolve();
      return true;
    };
    for (const w of workers) w.onProgress(check);
  });
}
