/**
 * The Python example (scripts/python), written from proto/jobs.proto and the README alone, against a
 * real three-node cluster: its client submits jobs with idempotency keys, its worker runs them on a
 * Workers.Work stream and reports each with its fencing token, fails one on purpose, carries on
 * through a kill -9 of the leader, and says goodbye on SIGTERM. What the cluster recorded is read
 * back through the TypeScript SDK.
 *
 * Needs a python3 with Debian's python3-grpcio and python3-grpc-tools (`.ci/run` installs them
 * where they are missing). Without them the test is skipped with a warning, except in CI (CI set),
 * where it always runs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { Client, type JobView } from '../../src/client/index.js';
import { serviceClient } from '../../src/protocol/index.js';
import { Cluster, poll, REPO_ROOT, withDeadline, type StatusRow } from '../helpers/index.js';

const EXAMPLE = join(REPO_ROOT, 'scripts', 'python');
/** The first python3 that has grpc and grpc_tools: Debian's, ahead of any other on PATH. */
const PYTHON = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import grpc, grpc_tools'], { stdio: 'ignore' }).status === 0);
const inCI = (process.env['CI'] ?? '') !== '' && process.env['CI'] !== 'false' && process.env['CI'] !== '0';
const skip = PYTHON === undefined && !inCI;
if (skip) console.warn('python-worker.test.ts: skipped: no python3 with grpc and grpc_tools (apt-get install python3-grpcio python3-grpc-tools); in CI (CI set) this test always runs');

/** A Python process of the example, with its output collected. */
interface PyProcess {
  readonly script: string;
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<PyProcess>();
/** Every process started, for the output of a failed test. */
const spawned: PyProcess[] = [];

function python(script: string, args: readonly string[]): PyProcess {
  const child = spawn(PYTHON ?? '/usr/bin/python3', [join(EXAMPLE, script), ...args], { cwd: REPO_ROOT, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: PyProcess = {
    script,
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
    }),
  };
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (p.stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (p.stderr += s));
  running.add(p);
  spawned.push(p);
  void p.exited.finally(() => running.delete(p));
  return p;
}

/** A line of submit.py's output; `result` and `error` with --wait. */
interface SubmitLine {
  id: string;
  n: number;
  duplicate: boolean;
  state: string;
  result?: unknown;
  error?: string;
}

/** SIGTERM (Ctrl-C's twin) to a worker.py, and how it exited. */
function stop(worker: PyProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  worker.child.kill('SIGTERM');
  return withDeadline(worker.exited, 15_000, () => `worker.py did not exit within 15 s of SIGTERM\nstderr:\n${worker.stderr}`);
}

/** Runs submit.py to the end; its JSON lines. */
async function submit(args: readonly string[]): Promise<SubmitLine[]> {
  const p = python('submit.py', args);
  const exit = await withDeadline(p.exited, 30_000, () => `submit.py did not exit within 30 s\nstderr:\n${p.stderr}`, () => p.child.kill('SIGKILL'));
  expect(exit, `submit.py stderr:\n${p.stderr}`).toEqual({ code: 0, signal: null });
  return p.stdout.trim().split('\n').map((line) => JSON.parse(line) as SubmitLine);
}

type Unary = (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Record<string, unknown>) => void) => void;

/** Admin.Workers of one node: the worker sessions it serves. */
async function adminWorkers(address: string): Promise<{ workerId: string; sessionId: string }[]> {
  const Admin = serviceClient('admin.proto', 'raftjobs.admin.v1.Admin');
  const admin = new Admin(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, Unary>;
  try {
    const r = await new Promise<Record<string, unknown>>((resolve, reject) =>
      (admin['Workers'] as Unary).call(admin, {}, { deadline: Date.now() + 5000 }, (err, res) => (err ? reject(err) : resolve(res ?? {}))),
    );
    return r['workers'] as { workerId: string; sessionId: string }[];
  } finally {
    admin.close();
  }
}

describe.skipIf(skip)('the Python example client and worker on a real three-node cluster', () => {
  let cluster: Cluster;
  let client: Client;

  beforeAll(async () => {
    cluster = await Cluster.start({ size: 3, clusterId: 'python', tmpPrefix: 'raftjobs-python-' });
    await cluster.waitForLeader();
    client = new Client({ nodes: cluster.nodes.map((n) => n.address), deadlineMs: 20_000 });
  });

  afterAll(async () => {
    for (const p of running) p.child.kill('SIGKILL');
    client?.close();
    await cluster?.cleanup(); // RAFTJOBS_KEEP_TEST_DIRS=1 keeps the nodes' data and logs
  });

  /**
   * On failure, the output of this test's Python processes and the nodes' log tails. Returns the
   * leader and the cluster's addresses for --nodes, followers first: unary calls are forwarded,
   * Work must follow x-leader-addr.
   */
  async function begin(): Promise<{ leader: StatusRow; nodes: string }> {
    const from = spawned.length;
    onTestFailed(() => {
      for (const p of spawned.slice(from)) console.error(`${p.script} stderr:\n${p.stderr}`);
      console.error(cluster.describe(30));
    });
    const leader = await cluster.waitForLeader();
    const nodes = [...cluster.nodes].sort((a, b) => Number(a.id === leader.id) - Number(b.id === leader.id)).map((n) => n.address).join(',');
    return { leader, nodes };
  }
  /** Every job of a queue as the cluster has it now, in submit order (one page holds them all). */
  const jobs = async (queue: string): Promise<readonly JobView[]> => (await client.list({ queue })).jobs;
  const isFinished = (v: JobView): boolean => v.state === 'succeeded' || v.state === 'dead';

  it('submits, works every job with its token through a leader kill, fails one with its error, and says goodbye', { timeout: 60_000 }, async () => {
    const { leader, nodes } = await begin();
    const count = 24;
    const submitArgs = ['--nodes', nodes, '--queue', 'py', '--count', String(count), '--fail', 'n is unlucky', '--work-ms', '400', '--run-id', 'run-1'];
    const submitted = await submit(submitArgs);
    expect(submitted).toHaveLength(count + 1);
    expect(submitted.every((j) => !j.duplicate && j.state === 'ready')).toBe(true);

    const worker = python('worker.py', ['--nodes', nodes, '--queue', 'py', '--capacity', '4', '--worker-id', 'py-worker']);
    // Kill the leader while the worker is part way through (4 at a time, 400 ms each: about 2.5 s in all).
    await poll(async (observe) => {
      const done = (await jobs('py')).filter(isFinished).length;
      observe(done);
      return done >= 4 ? true : undefined;
    }, { timeoutMs: 20_000, description: 'the Python worker finishing its first jobs' });
    expect((await jobs('py')).filter(isFinished).length).toBeLessThan(count + 1);
    await cluster.kill(leader.id, 'SIGKILL');
    await cluster.waitForLeader({ exclude: [leader.id], minTerm: (leader.term ?? 0) + 1 });

    const views = await poll(async (observe) => {
      const all = await jobs('py');
      observe(all.map((v) => `${v.id} ${v.state}`).join(', '));
      return all.length === submitted.length && all.every(isFinished) ? all : undefined;
    }, { timeoutMs: 30_000, description: 'every job finished' });

    expect(views.map((v) => v.id)).toEqual(submitted.map((j) => j.id));
    for (const [i, v] of views.entries()) {
      const n = submitted[i]?.n as number;
      const last = v.history.at(-1);
      if (n === count) {
        expect(v.state).toBe('dead');
        expect(v.lastError).toBe('n is unlucky');
        expect(last).toMatchObject({ outcome: 'failed', error: 'n is unlucky', workerId: 'py-worker' });
      } else {
        // Leases survive the failover: every job ran once, and its result carries its token.
        expect({ state: v.state, attempts: v.attempts }).toEqual({ state: 'succeeded', attempts: 1 });
        expect(last?.outcome).toBe('succeeded');
        expect(v.resultJson()).toEqual({ square: n * n, token: last?.token });
      }
    }
    // The worker followed the leader to another node, keeping its session.
    const sessions = [...worker.stderr.matchAll(/ working on \S+ as py-worker, session (\S+),/g)].map((m) => m[1]);
    expect(sessions.length, worker.stderr).toBeGreaterThanOrEqual(2);
    expect(new Set(sessions).size).toBe(1);

    // The same submit again: the idempotency keys name the jobs already there, whose results the
    // Python client reads back (WaitForResult).
    const again = await submit([...submitArgs, '--wait']);
    expect(again.map((j) => [j.id, j.duplicate])).toEqual(submitted.map((j) => [j.id, true]));
    expect(again.at(-1)).toMatchObject({ state: 'dead', error: 'n is unlucky', result: null });
    expect(again.at(0)).toMatchObject({ state: 'succeeded', result: { square: 0 } });

    // Goodbye: the worker leaves the leader's list of sessions and exits 0 with its counts.
    const next = await cluster.waitForLeader({ exclude: [leader.id] });
    expect((await adminWorkers(next.address)).map((w) => w.workerId)).toContain('py-worker');
    expect(await stop(worker)).toEqual({ code: 0, signal: null });
    expect(JSON.parse(worker.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ completed: count, failed: 1, lost: 0 });
    await poll(async (observe) => {
      const ids = (await adminWorkers(next.address)).map((w) => w.workerId);
      observe(ids);
      return ids.includes('py-worker') ? undefined : true;
    }, { timeoutMs: 5000, description: 'the session gone from Admin.Workers after the goodbye' });
  });

  it('stopped mid-queue (SIGTERM), the worker finishes what it runs and leaves the rest ready, no attempt used', { timeout: 60_000 }, async () => {
    const { nodes } = await begin();
    const submitted = await submit(['--nodes', nodes, '--queue', 'py-stop', '--count', '12', '--work-ms', '600', '--run-id', 'run-2']);
    const worker = python('worker.py', ['--nodes', nodes, '--queue', 'py-stop', '--capacity', '3', '--worker-id', 'py-stopper']);
    await poll(async () => ((await jobs('py-stop')).some(isFinished) ? true : undefined), { timeoutMs: 20_000, description: 'the first job done' });
    expect(await stop(worker)).toEqual({ code: 0, signal: null });

    const views = await jobs('py-stop');
    expect(views).toHaveLength(submitted.length);
    const done = views.filter((v) => v.state === 'succeeded');
    const left = views.filter((v) => v.state !== 'succeeded');
    // Three at a time, 600 ms each: the worker stopped long before the queue was empty.
    expect(left.length).toBeGreaterThan(0);
    expect(done.every((v) => v.attempts === 1)).toBe(true);
    // A clean goodbye abandons nothing: what the worker did not finish is ready, its attempt unused.
    expect(left.map((v) => [v.state, v.attempts])).toEqual(left.map(() => ['ready', 0]));
    expect(views.flatMap((v) => v.history.map((a) => a.outcome)).filter((o) => o !== 'succeeded' && o !== 'released')).toEqual([]);
    expect(JSON.parse(worker.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ completed: done.length, lost: 0 });
  });
});
