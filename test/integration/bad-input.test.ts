/**
 * `raftjobs node` and `raftjobs status` as real processes given bad input: they must refuse
 * clearly (every problem, the offending path), exit non-zero, and neither bind a port nor touch
 * data. Each test runs its own processes in its own temp directory, so they run concurrently.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, it } from 'vitest';
import { parseLogLine } from '../../scripts/cluster-output.js';
import { Cluster, fingerprint, freePorts, isPortFree, runCli, type CliResult, type StatusRow } from '../helpers/index.js';

const TIMEOUT_MS = 45_000;
const dirs: string[] = [];
const clusters: Cluster[] = [];

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.cleanup()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'raftjobs-it-bad-'));
  dirs.push(dir);
  return dir;
}

/** A valid three-node config on free ports in a fresh directory (data in `<dir>/data`). */
async function writeConfig(overrides: Record<string, unknown> = {}): Promise<{ dir: string; path: string; ports: number[] }> {
  const dir = tempDir();
  const ports = await freePorts(3);
  const config = { clusterId: 'badinput', dataDir: './data', nodes: ports.map((p, i) => ({ id: `n${i + 1}`, address: `127.0.0.1:${p}` })), ...overrides };
  const path = join(dir, 'cluster.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return { dir, path, ports };
}

/** The pino records a run printed on stdout. */
function records(r: CliResult): Record<string, unknown>[] {
  return r.stdout.split('\n').flatMap((line) => {
    const record = parseLogLine(line);
    return record === undefined ? [] : [record];
  });
}

/** A node that refused to start: `node failed to start` with this code, never `node ready`. */
function failedStartCode(r: CliResult): unknown {
  const msgs = records(r).map((rec) => rec['msg']);
  if (msgs.includes('node ready')) return 'node was ready';
  return records(r).find((rec) => rec['msg'] === 'node failed to start')?.['code'];
}

async function portsFree(ports: readonly number[]): Promise<boolean[]> {
  return Promise.all(ports.map((p) => isPortFree(p)));
}

describe('raftjobs node refuses a bad command line or config (exit 2, nothing started)', () => {
  it.concurrent('missing --config', { timeout: TIMEOUT_MS }, async ({ expect }) => {
    const r = await runCli(['node', '--id', 'n1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--config is required');
    expect(r.stderr).toContain('usage: raftjobs node --config FILE --id ID');
    expect(r.stdout).toBe('');
  });

  it.concurrent('an --id the config does not list', { timeout: TIMEOUT_MS }, async ({ expect }) => {
    const { dir, path, ports } = await writeConfig();
    const r = await runCli(['node', '--config', path, '--id', 'n9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toContain('own node id "n9" is not listed (ids: n1, n2, n3)');
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'data'))).toBe(false);
    expect(await portsFree(ports)).toEqual([true, true, true]);
  });

  it.concurrent('duplicate ids, duplicate addresses and heartbeat >= election: all listed in one run', { timeout: TIMEOUT_MS }, async ({ expect }) => {
    const [a, b] = (await freePorts(2)) as [number, number];
    const dir = tempDir();
    const path = join(dir, 'cluster.json');
    writeFileSync(
      path,
      JSON.stringify({
        clusterId: 'badinput',
        dataDir: './data',
        nodes: [
          { id: 'n1', address: `127.0.0.1:${a}` },
          { id: 'n1', address: `127.0.0.1:${b}` },
          { id: 'n2', address: `127.0.0.1:${a}` },
        ],
        raft: { electionTicks: 4, heartbeatTicks: 4 },
      }),
    );
    const r = await runCli(['node', '--config', path, '--id', 'n1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}: invalid config (3 problems)`);
    expect(r.stderr).toContain('nodes[1].id: duplicate of nodes[0].id ("n1")');
    expect(r.stderr).toContain(`nodes[2].address: duplicate of nodes[0].address (127.0.0.1:${a})`);
    expect(r.stderr).toMatch(/raft\.heartbeatTicks: must be at most raft\.electionTicks \/ 3 \(electionTicks 4, heartbeatTicks 4\)/);
    // Refused before anything started: no log line, no data directory, no listener.
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'data'))).toBe(false);
    expect(await portsFree([a, b])).toEqual([true, true]);
  });

  it.concurrent('a config that is not JSON', { timeout: TIMEOUT_MS }, async ({ expect }) => {
    const dir = tempDir();
    const path = join(dir, 'cluster.json');
    writeFileSync(path, '{\n  "clusterId": "badinput",\n  "nodes": [,]\n}\n');
    const r = await runCli(['node', '--config', path, '--id', 'n1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path);
    // Line and column are added only when V8's message carries a position; Node 20's message for
    // an unexpected token does not, so only the reason is required here.
    expect(r.stderr).toContain(`${path}: invalid config (1 problem)`);
    expect(r.stderr).toContain('not valid JSON');
    expect(r.stdout).toBe('');
  });

  it.concurrent('a config file that does not exist', { timeout: TIMEOUT_MS }, async ({ expect }) => {
    const path = join(tempDir(), 'missing.json');
    const r = await runCli(['node', '--config', path, '--id', 'n1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}: invalid config (1 problem)`);
    expect(r.stderr).toContain('no such file');
  });
});

describe('raftjobs node refuses a data directory that is not its own (exit 1, data untouched)', () => {
  it.concurrent("another node's data directory, and its own directory under another cluster id", { timeout: TIMEOUT_MS }, async ({ expect }) => {
    const cluster = await Cluster.create({ clusterId: 'badinput', tmpPrefix: 'raftjobs-it-bad-' });
    clusters.push(cluster);
    // A real n1 data directory: start n1 alone (no quorum, nothing else happens), stop it.
    await cluster.start('n1');
    expect(await cluster.kill('n1', 'SIGTERM')).toEqual({ code: 0, signal: null });
    const n1Dir = join(cluster.dataDir, 'n1');
    const n2Dir = join(cluster.dataDir, 'n2');
    cpSync(n1Dir, n2Dir, { recursive: true });
    const before = { n1: await fingerprint(n1Dir), n2: await fingerprint(n2Dir) };

    const foreign = await runCli(['node', '--config', cluster.configPath, '--id', 'n2']);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain(`Data directory ${join(n2Dir, 'leveldb')} belongs to node "n1" of cluster "badinput", not to this node "n2"`);
    expect(foreign.stderr).toContain('refusing to start');
    expect(failedStartCode(foreign)).toBe('STORAGE_FOREIGN');

    const otherCluster = await runCli(['node', '--config', cluster.configPath, '--id', 'n1'], { env: { RAFTJOBS_CLUSTER_ID: 'elsewhere' } });
    expect(otherCluster.code).toBe(1);
    expect(otherCluster.stderr).toContain(`Data directory ${join(n1Dir, 'leveldb')} belongs to node "n1" of cluster "badinput", not to this node "n1" of cluster "elsewhere"`);
    expect(failedStartCode(otherCluster)).toBe('STORAGE_FOREIGN');

    expect(await fingerprint(n1Dir)).toEqual(before.n1);
    expect(await fingerprint(n2Dir)).toEqual(before.n2);
    expect(await portsFree([cluster.address('n1'), cluster.address('n2')].map((a) => Number(a.split(':')[1])))).toEqual([true, true]);
  });

  const garbage = [
    {
      name: 'a directory of unrelated files',
      make: (nodeDir: string) => {
        mkdirSync(join(nodeDir, 'sub'), { recursive: true });
        writeFileSync(join(nodeDir, 'CURRENT'), randomBytes(64));
        writeFileSync(join(nodeDir, '000001.log'), randomBytes(4096));
        writeFileSync(join(nodeDir, 'sub', 'notes.txt'), 'not a database');
      },
      refused: (nodeDir: string) => nodeDir,
      text: 'is not empty (',
      code: 'STORAGE_CORRUPT',
    },
    {
      name: 'a leveldb directory of random bytes',
      make: (nodeDir: string) => {
        mkdirSync(join(nodeDir, 'leveldb'), { recursive: true });
        writeFileSync(join(nodeDir, 'leveldb', 'CURRENT'), randomBytes(64));
        writeFileSync(join(nodeDir, 'leveldb', 'MANIFEST-000001'), randomBytes(1024));
        writeFileSync(join(nodeDir, 'leveldb', '000003.ldb'), randomBytes(8192));
      },
      refused: (nodeDir: string) => join(nodeDir, 'leveldb'),
      text: 'is not a raftjobs database',
      code: 'STORAGE_CORRUPT',
    },
  ] as const;

  it.concurrent.for(garbage)('$name', { timeout: TIMEOUT_MS }, async (c, { expect }) => {
    const { dir, path, ports } = await writeConfig();
    const nodeDir = join(dir, 'data', 'n1');
    c.make(nodeDir);
    const before = await fingerprint(nodeDir);
    const r = await runCli(['node', '--config', path, '--id', 'n1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Data directory ${c.refused(nodeDir)} `);
    expect(r.stderr).toContain(c.text);
    expect(failedStartCode(r)).toBe(c.code);
    expect(await fingerprint(nodeDir)).toEqual(before);
    expect(await portsFree(ports)).toEqual([true, true, true]);
  });

  it.concurrent('a node data directory that is a regular file', { timeout: TIMEOUT_MS }, async ({ expect }) => {
    const { dir, path } = await writeConfig();
    const nodePath = join(dir, 'data', 'n1');
    mkdirSync(join(dir, 'data'));
    writeFileSync(nodePath, 'I am a file');
    const before = await fingerprint(nodePath);
    const r = await runCli(['node', '--config', path, '--id', 'n1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Data directory ${nodePath} is not a directory; refusing to start`);
    expect(failedStartCode(r)).toBe('STORAGE_UNREADABLE');
    expect(await fingerprint(nodePath)).toEqual(before);
  });

  it.concurrent('a base data directory (RAFTJOBS_DATA_DIR) that is a regular file', { timeout: TIMEOUT_MS }, async ({ expect }) => {
    const { dir, path } = await writeConfig();
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'I am a file too');
    const before = await fingerprint(file);
    const r = await runCli(['node', '--config', path, '--id', 'n1'], { env: { RAFTJOBS_DATA_DIR: file } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Data directory ${join(file, 'n1')} cannot be read`);
    expect(failedStartCode(r)).toBe('STORAGE_UNREADABLE');
    expect(await fingerprint(file)).toEqual(before);
  });
});

describe('raftjobs status with every node down', () => {
  it.concurrent('reports each node as unreachable, in config order, and exits 1: no leader is known', { timeout: TIMEOUT_MS }, async ({ expect }) => {
    const { path, ports } = await writeConfig();
    const json = await runCli(['status', '--config', path, '--json']);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('raftjobs status: no leader known: 0 of 3 nodes reachable\n');
    const rows = JSON.parse(json.stdout) as StatusRow[];
    expect(rows.map((r) => ({ id: r.id, address: r.address, role: r.role }))).toEqual(
      ports.map((p, i) => ({ id: `n${i + 1}`, address: `127.0.0.1:${p}`, role: 'unreachable' })),
    );

    const table = await runCli(['status', '--config', path]);
    expect(table.code).toBe(1);
    for (const p of ports) expect(table.stdout).toMatch(new RegExp(`127\\.0\\.0\\.1:${p}\\s+unreachable`));
  });
});
