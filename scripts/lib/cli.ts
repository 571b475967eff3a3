import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { withDeadline } from './poll.js';

/** The repository root: the working directory of every process the helpers start. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
/**
 * The `raftjobs` command, run by `process.execPath`: `src/cli/bin.js` (the TypeScript source,
 * through tsx), or under the tests the copy compiled once per change of src/
 * (`RAFTJOBS_TEST_BIN`, set by test/global-setup.ts).
 */
export const BIN = process.env['RAFTJOBS_TEST_BIN'] ?? join(REPO_ROOT, 'src', 'cli', 'bin.js');

/**
 * The environment for a child process: ours without any `RAFTJOBS_*` variable (a developer's shell
 * must not change what a test runs), plus `extra`.
 */
export function childEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('RAFTJOBS_')) env[key] = value;
  return { ...env, ...extra };
}

/** Outcome of {@link runCli}. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Added to the child's environment (see {@link childEnv}). */
  readonly env?: Readonly<Record<string, string>>;
  /** SIGKILL the command and reject after this long, ms. Default 30000. */
  readonly timeoutMs?: number;
}

/**
 * Runs `node src/cli/bin.js ...args` from the repository root to completion and collects its
 * output. For commands expected to exit by themselves; long-running nodes belong to `Cluster`.
 */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  return runProcess(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: childEnv(options.env), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  readonly cwd: string;
  /** The child's whole environment. */
  readonly env: NodeJS.ProcessEnv;
  /** SIGKILL the process and reject after this long, ms. Default 30000. */
  readonly timeoutMs?: number;
}

/** Runs `command ...args` (no shell) to completion and collects its output. */
export function runProcess(command: string, args: readonly string[], options: RunProcessOptions): Promise<CliResult> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  return withDeadline(
    done,
    timeoutMs,
    () => `${command} ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
    () => child.kill('SIGKILL'),
  );
}
