/**
 * The CLI and the SDK as a new user meets them (issue 15), each on real processes: a three-node
 * cluster whose nodes also serve HTTP, the `raftjobs` command run as a child process, and the SDK
 * in this process.
 *
 * - `status` takes `--addresses`, and exits 1 when no node knows a leader.
 * - `submit --payload-file FILE|-`, and a repeated idempotency key said to be a duplicate.
 * - `list` says when more jobs are left and pages on with `--page-token`; `--all` lists every one.
 * - A client or worker pointed at a node's HTTP port, or at a host that does not resolve, is told so.
 * - Ctrl-C (SIGINT/SIGTERM) of `raftjobs work` holding 64 running jobs hands them back at once
 *   (not after the 10 s connection grace or the 30 s lease TTL); a second signal cuts the drain.
 * - With two of three nodes down, a submit fails with "no leader: 1 of 3 nodes reachable".
 * - `raftjobs node --data-dir DIR` runs the node on `DIR/<id>`, as `npm start -- --data-dir DIR`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { Client, Worker } from '../../src/client/index.js';
import { isRaftJobsError, type RaftJobsError } from '../../src/errors/index.js';
import { BIN, childEnv, Cluster, freePorts, poll, REPO_ROOT, runCli } from '../helpers/index.js';

/** Every child this file starts, killed by PID afterwards (also when a test fails). */
const children = new Set<ChildProcess>();
const open: { close(): unknown }[] = [];

afterAll(async () => {
  for (const c of open.splice(0)) await c.close();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** `raftjobs ...args` as a child process that runs until it exits or is signalled. */
function startCli(args: readonly string[], stdin?: string): { child: ChildProcess; output: () => { stdout: string; stderr: string }; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdin?.end(stdin ?? '');
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** What `fn` rejects with, which must be a RaftJobsError. */
async function rejection(fn: () => Promise<unknown>): Promise<RaftJobsError> {
  try {
    await fn();
  } catch (err) {
    if (isRaftJobsError(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('raftjobs and the SDK against a real three-node cluster', () => {
  let cluster: Cluster;
  let failed = false;
  let http: string[] = [];

  beforeAll(async () => {
    cluster = await Cluster.create({ size: 3, clusterId: 'cli-user', tmpPrefix: 'raftjobs-cli-user-' });
    // The nodes serve HTTP too (metrics, dashboard), as in cluster-configs/three-node.json.
    const ports = await freePorts(3);
    http = ports.map((p) => `127.0.0.1:${p}`);
    const config = JSON.parse(readFileSync(cluster.configPath, 'utf8')) as { nodes: Record<string, unknown>[] };
    config.nodes.forEach((n, i) => (n['httpAddress'] = http[i]));
    writeFileSync(cluster.configPath, JSON.stringify(config, null, 2));
    await cluster.startAll();
    await cluster.waitForLeader();
  });

  afterAll(async () => {
    const dir = await cluster.cleanup(failed);
    if (failed) console.error(`files kept in ${dir}`);
  });

  function onFailure(): void {
    onTestFailed(() => {
      failed = true;
      console.error(cluster.describe(30));
    });
  }

  const addresses = (): string => cluster.nodes.map((n) => n.address).join(',');

  function client(nodes: readonly string[] = cluster.nodes.map((n) => n.address), deadlineMs = 20_000): Client {
    const c = new Client({ nodes, deadlineMs });
    open.push(c);
    return c;
  }

  async function queueCounts(queue: string): Promise<{ ready: number; leased: number }> {
    const q = (await client().stats()).queues.find((s) => s.queue === queue);
    return { ready: q?.ready ?? 0, leased: q?.leased ?? 0 };
  }

  it('status takes --addresses and exits 0 while a leader is known', async () => {
    onFailure();
    const r = await runCli(['status', '--addresses', addresses(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { id: string; role: string }[];
    expect(rows.map((row) => row.id)).toEqual(['n1', 'n2', 'n3']);
    expect(rows.filter((row) => row.role === 'leader')).toHaveLength(1);
  });

  it('submit --payload-file FILE or - sends the bytes; a repeated idempotency key is said to be a duplicate', async () => {
    onFailure();
    const file = join(cluster.dir, 'payload.json');
    writeFileSync(file, '{"to":"a@b.c"}\n');
    const first = await runCli(['submit', '--addresses', addresses(), '--queue', 'files', '--payload-file', file, '--idempotency-key', 'k-1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    const id = first.stdout.trim();
    expect((await client().get(id)).json()).toEqual({ to: 'a@b.c' });

    const again = startCli(['submit', '--addresses', addresses(), '--queue', 'files', '--payload-file', '-', '--idempotency-key', 'k-1', '--json'], '{"other":1}');
    expect(await again.exited, again.output().stderr).toBe(0);
    expect(JSON.parse(again.output().stdout)).toEqual([id]);
    expect(again.output().stderr).toBe(`raftjobs submit: duplicate: idempotency key "k-1" was submitted before as job ${id} (now ready); nothing new was submitted\n`);

    const piped = startCli(['submit', '--addresses', addresses(), '--queue', 'files', '--payload-file', '-'], '[1,2,3]');
    expect(await piped.exited, piped.output().stderr).toBe(0);
    expect((await client().get(piped.output().stdout.trim())).json()).toEqual([1, 2, 3]);

    const missing = await runCli(['submit', '--addresses', addresses(), '--queue', 'files', '--payload-file', join(cluster.dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--payload-file ".*nope\.json": cannot read: no such file/);
    const both = await runCli(['submit', '--addresses', addresses(), '--queue', 'files', '--payload-file', file, '--payload', '{}']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give --payload or --payload-file, not both/);
    expect((await client().list({ queue: 'files' })).jobs).toHaveLength(2);
  });

  it('list says when more jobs are left and pages on with --page-token; --all lists every one', async () => {
    onFailure();
    await client().submit(Array.from({ length: 7 }, (_, n) => ({ queue: 'pages', payload: { n } })));
    const ids = (await client().list({ queue: 'pages' })).jobs.map((j) => j.id);
    const first = await runCli(['list', '--addresses', addresses(), '--queue', 'pages', '--limit', '3', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect((JSON.parse(first.stdout) as { id: string }[]).map((j) => j.id)).toEqual(ids.slice(0, 3));
    const token = /--page-token (\S+)/.exec(first.stderr)?.[1];
    expect(first.stderr).toMatch(/^raftjobs list: more jobs after these 3: add --page-token \S+ for the next ones, or --all for every one\n$/);

    const next = await runCli(['list', '--addresses', addresses(), '--queue', 'pages', '--limit', '3', '--page-token', token ?? '', '--json']);
    expect((JSON.parse(next.stdout) as { id: string }[]).map((j) => j.id)).toEqual(ids.slice(3, 6));
    const last = await runCli(['list', '--addresses', addresses(), '--queue', 'pages', '--limit', '3', '--page-token', /--page-token (\S+)/.exec(next.stderr)?.[1] ?? '', '--json']);
    expect((JSON.parse(last.stdout) as { id: string }[]).map((j) => j.id)).toEqual(ids.slice(6));
    expect(last.stderr).toBe('');

    const all = await runCli(['list', '--addresses', addresses(), '--queue', 'pages', '--all']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trim().split('\n')).toHaveLength(1 + 7);
    expect(all.stderr).toBe('');
    expect((await runCli(['list', '--addresses', addresses(), '--all', '--limit', '5'])).stderr).toMatch(/give --limit or --all, not both/);
  });

  it("a client or worker pointed at a node's HTTP port, or at a host that does not resolve, is told so at once", async () => {
    onFailure();
    const atHttp = await rejection(() => client([http[0] as string], 60_000).stats());
    expect(atHttp.code).toBe('INVALID_ARGUMENT');
    expect(atHttp.message).toBe(`Stats: no node can be reached at the addresses given: ${http[0]} does not speak gRPC (an HTTP port, such as a node's httpAddress? give the node's gRPC address)`);
    const nowhere = await rejection(() => client(['nosuchhost.invalid:7001'], 60_000).submit({ queue: 'q' }));
    expect(nowhere.code).toBe('INVALID_ARGUMENT');
    expect(nowhere.message).toMatch(/no node can be reached at the addresses given: host name of nosuchhost\.invalid:7001 does not resolve/);
    const cli = await runCli(['submit', '--addresses', http.join(','), '--queue', 'q', '--timeout', '60000']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/^raftjobs submit: Submit: no node can be reached .* does not speak gRPC/);
    // Nothing was submitted anywhere.
    expect(await queueCounts('q')).toEqual({ ready: 0, leased: 0 });
    // A worker too: the demo worker stops with the reason.
    const work = await runCli(['work', '--addresses', `${http[1]},nosuchhost.invalid:7001`, '--queue', 'q', '--handler', 'echo']);
    expect(work.code).toBe(2);
    expect(work.stderr).toMatch(/^raftjobs work: no node can be reached at the addresses given: /m);
    expect(work.stderr).toContain('does not speak gRPC');
    expect(work.stderr).toContain('host name of nosuchhost.invalid:7001 does not resolve');
  });

  it('SIGTERM of `raftjobs work` hands its 64 running jobs back at once; a second signal cuts a long drain', async () => {
    onFailure();
    await client().submit(Array.from({ length: 100 }, () => ({ queue: 'ctrl-c' })));
    for (const [signals, drain] of [[1, []], [2, ['--drain-ms', '600000']]] as const) {
      const work = startCli(['work', '--addresses', addresses(), '--queue', 'ctrl-c', '--handler', 'sleep', '--sleep-ms', '600000', '--concurrency', '64', ...drain]);
      await poll(async () => ((await queueCounts('ctrl-c')).leased === 64 ? true : undefined), { description: '64 leased jobs' });
      work.child.kill('SIGTERM');
      if (signals === 2) {
        await poll(() => (work.output().stderr.includes('stopping') ? true : undefined), { description: 'the worker to start its drain' });
        work.child.kill('SIGTERM');
      }
      // Well inside the connection grace (10 s) and the lease TTL (30 s).
      await poll(async () => ((await queueCounts('ctrl-c')).leased === 0 ? true : undefined), { timeoutMs: 5_000, description: 'every lease handed back' });
      expect(await queueCounts('ctrl-c')).toEqual({ ready: 100, leased: 0 });
      expect(await work.exited, work.output().stderr).toBe(0);
    }
    // Their handlers ran and were aborted: the attempt counts, and the job is ready again at once.
    const jobs = (await client().list({ queue: 'ctrl-c', pageSize: 1000 })).jobs;
    const abandoned = jobs.filter((j) => j.history.some((a) => a.outcome === 'abandoned'));
    expect(abandoned.length).toBeGreaterThanOrEqual(64);
    expect(jobs.every((j) => j.state === 'ready')).toBe(true);
  });

  it('Worker.close: a second close with timeoutMs 0 aborts the running handlers now, and their jobs are ready again', async () => {
    onFailure();
    await client().submit(Array.from({ length: 4 }, () => ({ queue: 'close-twice' })));
    const started = new Set<string>();
    const worker = new Worker({
      nodes: cluster.nodes.map((n) => n.address),
      queues: ['close-twice'],
      concurrency: 4,
      handler: (job) => {
        started.add(job.id);
        return new Promise((_, reject) => job.signal.addEventListener('abort', () => reject(job.signal.reason as Error), { once: true }));
      },
    });
    open.push({ close: () => worker.close({ timeoutMs: 0 }) });
    await worker.start();
    await poll(() => (started.size === 4 ? true : undefined), { description: 'four running handlers' });
    const closing = worker.close({ timeoutMs: 600_000 });
    await worker.close({ timeoutMs: 0 });
    await closing;
    expect(worker.running).toBe(0);
    await poll(async () => ((await queueCounts('close-twice')).ready === 4 ? true : undefined), { timeoutMs: 5_000, description: 'the four jobs ready again' });
  });

  it('with two of three nodes down, a submit fails saying no leader can be elected, and status exits 1', async () => {
    onFailure();
    const leader = await cluster.waitForLeader();
    const down = cluster.ids.filter((id) => id !== leader.id);
    for (const id of down) await cluster.kill(id, 'SIGKILL');
    const err = await rejection(() => client(undefined, 60_000).submit({ queue: 'nobody' }));
    expect(err.code).toBe('NO_LEADER');
    expect(err.message).toMatch(/^Submit: no leader: 1 of 3 nodes reachable \(.*connection refused.*\); a leader needs a majority of the nodes$/);
    for (const id of down) expect(err.message).toContain(cluster.address(id));

    const status = await runCli(['status', '--config', cluster.configPath]);
    expect(status.code).toBe(1);
    expect(status.stderr).toBe('raftjobs status: no leader known: 1 of 3 nodes reachable\n');
    expect(status.stdout.match(/unreachable/g)).toHaveLength(2);
  });
});

describe('raftjobs node --data-dir', () => {
  it('keeps the node on DIR/<id>, not on the config dataDir, across a restart', async () => {
    const cluster = await Cluster.create({ size: 1, clusterId: 'data-dir', tmpPrefix: 'raftjobs-data-dir-' });
    try {
      const dir = join(cluster.dir, 'elsewhere');
      const address = cluster.address('n1');
      const run = async (): Promise<ReturnType<typeof startCli>> => {
        const node = startCli(['node', '--config', cluster.configPath, '--id', 'n1', '--data-dir', dir]);
        await poll(async () => ((await runCli(['status', '--addresses', address])).code === 0 ? true : undefined), { description: 'n1 to lead' });
        return node;
      };
      let node = await run();
      const [job] = await client1(address).submit({ queue: 'kept', payload: { n: 1 } });
      node.child.kill('SIGTERM');
      expect(await node.exited).toBe(0);
      expect(existsSync(join(dir, 'n1'))).toBe(true);
      expect(existsSync(cluster.dataDir)).toBe(false);

      node = await run();
      expect((await client1(address).get(job?.id ?? '')).json()).toEqual({ n: 1 });
      node.child.kill('SIGTERM');
      expect(await node.exited).toBe(0);
      expect((await runCli(['node', '--config', cluster.configPath, '--id', 'n1', '--data-dir', ''])).stderr).toMatch(/--data-dir must not be empty/);
    } finally {
      await cluster.cleanup();
    }
  });

  function client1(address: string): Client {
    const c = new Client({ nodes: [address], deadlineMs: 20_000 });
    open.push(c);
    return c;
  }
});
