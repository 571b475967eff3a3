import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCluster, type RunClusterOptions, type Spawner } from '../../scripts/cluster.js';
import { launcherNodes, launcherSocketPath, restartThroughLauncher } from '../../scripts/launcher-control.js';
import { tempDir } from '../helpers/files.js';

const REPO = resolve(import.meta.dirname, '../..');
const FAKE_NODE = join(import.meta.dirname, 'fixtures', 'fake-node.js');

function output() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { out, text: () => text };
}

function tempConfig(extra: Record<string, unknown> = {}): { dir: string; path: string } {
  const dir = tempDir('raftjobs-launcher-');
  const path = join(dir, 'cluster.json');
  const nodes = ['n1', 'n2', 'n3'].map((id, i) => ({ id, address: `127.0.0.1:${17001 + i}` }));
  writeFileSync(path, JSON.stringify({ clusterId: 'test', dataDir: './data', nodes, ...extra }));
  return { dir, path };
}

/** Records each spawn and runs the fake node with the same arguments instead of bin.js. */
function fakeSpawner() {
  const calls: { command: string; args: readonly string[]; env: NodeJS.ProcessEnv | undefined }[] = [];
  const spawner: Spawner = (command, args, options): ChildProcess => {
    calls.push({ command, args, env: options.env });
    return spawn(process.execPath, [FAKE_NODE, ...args.slice(1)], options);
  };
  return { spawner, calls };
}

/** Clusters started by a test; stopped afterwards even when an assertion failed midway. */
const started: { stop: AbortController; run: Promise<number> }[] = [];

function start(options: Omit<RunClusterOptions, 'signal' | 'handleSignals'>): { stop: AbortController; run: Promise<number> } {
  const stop = new AbortController();
  const entry = { stop, run: runCluster({ ...options, handleSignals: false, signal: stop.signal }) };
  started.push(entry);
  return entry;
}

afterEach(async () => {
  for (const { stop, run } of started.splice(0)) {
    stop.abort();
    await run;
  }
});

describe('runCluster', () => {
  it('lists every config problem and starts nothing', async () => {
    const { path } = tempConfig({ nodes: [{ id: 'n1', address: 'x' }, { id: 'n1', address: 'y:1' }], raft: { heartbeatTicks: 9 } });
    const { out, text } = output();
    const spawner = vi.fn<Spawner>();
    await expect(runCluster({ config: path, out, env: {}, handleSignals: false, spawn: spawner })).resolves.toBe(1);
    expect(text()).toContain(`${path}: invalid config (3 problems)`);
    expect(text()).toContain('nodes[0].address: expected "host:port", got "x"');
    expect(text()).toContain('nodes[1].id: duplicate of nodes[0].id ("n1")');
    expect(text()).toContain('raft.heartbeatTicks: must be at most');
    expect(spawner).not.toHaveBeenCalled();
  });

  it('refuses unknown node ids', async () => {
    const { path } = tempConfig();
    const { out, text } = output();
    const spawner = vi.fn<Spawner>();
    await expect(runCluster({ config: path, nodes: ['n1', 'n7'], out, env: {}, handleSignals: false, spawn: spawner })).resolves.toBe(1);
    expect(text()).toContain('unknown node id(s) n7; the config has n1, n2, n3');
    expect(spawner).not.toHaveBeenCalled();
  });

  it('starts each node with the node command, reports ready, survives a crash, and stops on abort', async () => {
    const { dir, path } = tempConfig();
    const { out, text } = output();
    const { spawner, calls } = fakeSpawner();
    const { stop, run } = start({ config: path, out, env: { ...process.env, FAKE_CRASH: 'n2' }, spawn: spawner, cwd: dir });

    await vi.waitFor(() => expect(text()).toContain('n2 exited unexpectedly (exit code 3)'), { timeout: 15_000 });
    await vi.waitFor(() => expect(text()).toMatch(/n1 {3}ready {2}grpc 127\.0\.0\.1:17001 {2}pid \d+ {2}log data\/n1\.log/), { timeout: 15_000 });
    await vi.waitFor(() => expect(text()).toContain('n3   ready'), { timeout: 15_000 });
    expect(calls.map((c) => [c.command, ...c.args])).toEqual(
      ['n1', 'n2', 'n3'].map((id) => [process.execPath, join(REPO, 'src/cli/bin.js'), 'node', '--config', path, '--id', id]),
    );
    expect(calls[0]?.env?.['RAFTJOBS_DATA_DIR']).toBeUndefined();
    expect(text()).toMatch(/ {2}\| [0-9:.]+ ERROR disk write failed: EIO: i\/o error\n/);
    expect(text()).toContain('2 of 3 node(s) still running; restart it with: node ');

    stop.abort();
    await expect(run).resolves.toBe(0);
    expect(text()).toContain('n1 stopped (exit code 0)');
    expect(text()).toContain('n3 stopped (exit code 0)');
    expect(text()).not.toContain('n2 stopped');
    expect(text()).toMatch(/cluster stopped\n$/);
    const log = readFileSync(join(dir, 'data', 'n1.log'), 'utf8');
    expect(log).toContain('"msg":"node ready"');
    expect(log).toContain('stderr line from n1');
    expect(log).toContain('"msg":"stopped"');
  });

  it('passes a data-dir override as RAFTJOBS_DATA_DIR, starts a subset, and SIGKILLs a node that ignores SIGTERM', async () => {
    const { dir, path } = tempConfig({ shutdownTimeoutMs: 100 });
    const { out, text } = output();
    const { spawner, calls } = fakeSpawner();
    const { stop, run } = start({
      config: path, dataDir: 'elsewhere', nodes: ['n1', 'n3'], out, cwd: dir, env: { ...process.env, FAKE_STUBBORN: 'n3' }, spawn: spawner,
    });
    await vi.waitFor(() => expect(text()).toContain('all 2 node(s) ready'), { timeout: 15_000 });
    expect(calls.map((c) => c.args.at(-1))).toEqual(['n1', 'n3']);
    expect(calls[0]?.env?.['RAFTJOBS_DATA_DIR']).toBe(join(dir, 'elsewhere'));
    // The launcher appends a node's output to its log file through a stream: the line it read
    // "ready" from reaches the file a moment later.
    await vi.waitFor(() => expect(readFileSync(join(dir, 'elsewhere', 'n3.log'), 'utf8')).toContain('node ready'), { timeout: 5_000 });

    stop.abort();
    await expect(run).resolves.toBe(0);
    expect(text()).toContain('n3 still running after 2100 ms; sending SIGKILL');
    expect(text()).toContain('n3 stopped (killed by SIGKILL)');
    expect(text()).toContain('n1 stopped (exit code 0)');
  });

  it('restarts a node on a request of its control socket, keeping the new process as its own', async () => {
    const { dir, path } = tempConfig();
    const { out, text } = output();
    const { spawner, calls } = fakeSpawner();
    const { stop, run } = start({ config: path, out, cwd: dir, env: process.env, spawn: spawner });
    await vi.waitFor(() => expect(text()).toContain('all 3 node(s) ready'), { timeout: 15_000 });
    const socket = launcherSocketPath(join(dir, 'data'));
    await vi.waitFor(() => expect(existsSync(socket)).toBe(true), { timeout: 5000 });
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    const before = await launcherNodes(socket, 5000);
    expect(before.map((n) => [n.id, n.ready])).toEqual([['n1', true], ['n2', true], ['n3', true]]);

    const restarted = await restartThroughLauncher(socket, 'n2', 15_000);
    expect(restarted).toEqual({ id: 'n2', oldPid: before[1]?.pid, pid: expect.any(Number) as number });
    expect(restarted.pid).not.toBe(restarted.oldPid);
    expect(calls.map((c) => c.args.at(-1))).toEqual(['n1', 'n2', 'n3', 'n2']);
    expect((await launcherNodes(socket, 5000)).find((n) => n.id === 'n2')).toEqual({ id: 'n2', pid: restarted.pid, ready: true });
    expect(text()).toContain(`n2: restart requested; stopping pid ${String(restarted.oldPid)}`);
    expect(text()).not.toContain('exited unexpectedly');
    await expect(restartThroughLauncher(socket, 'n9', 5000)).rejects.toThrow(/runs n1, n2, n3, not "n9"/);

    stop.abort();
    await expect(run).resolves.toBe(0);
    expect(text()).toContain('n2 stopped (exit code 0)');
    expect(existsSync(socket)).toBe(false);
    await expect(launcherNodes(socket, 1000)).rejects.toThrow(/no cluster launcher listens at/);
    // Both runs of n2 wrote to its one log file.
    expect(readFileSync(join(dir, 'data', 'n2.log'), 'utf8').match(/"msg":"node ready"/g)).toHaveLength(2);
  });

  it('returns 1 once every node has exited on its own', async () => {
    const { dir, path } = tempConfig({ nodes: [{ id: 'solo', address: '127.0.0.1:17101' }] });
    const { out, text } = output();
    const { spawner } = fakeSpawner();
    await expect(start({ config: path, out, cwd: dir, env: { ...process.env, FAKE_CRASH: 'solo' }, spawn: spawner }).run).resolves.toBe(1);
    expect(text()).toContain('solo exited unexpectedly (exit code 3)');
    expect(text()).toContain('every node has exited');
  });
});
