/**
 * The package as a user gets it: `npm pack` of this repository (which builds dist/ through
 * `prepare`), installed from the tarball into a fresh project outside the repository, whose other
 * dependencies come from the registry. There the SDK is imported from ESM, required from CommonJS,
 * compiled against by a strict TypeScript user, the `raftjobs` command runs, and one job is
 * submitted and worked against a real three-node cluster. Slow: npm installs from the registry.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, Cluster, REPO_ROOT, runProcess, type CliResult } from '../helpers/index.js';

/** Deadline of `npm pack` (which builds) and of `npm install` from the registry, ms. */
const INSTALL_TIMEOUT_MS = 300_000;
/** The repository's pins of the TypeScript the user compiles with and of Node's types. */
const DEV = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };

/** Packages only the server side loads; the SDK must load none of them. */
const SERVER_ONLY = ['level', 'classic-level', 'abstract-level', 'memory-level', 'prom-client', 'pino', 'zod'];
/** Loaded by `raftjobs certs` alone: neither the SDK nor a node loads them. */
const CERTS_ONLY = ['@peculiar/x509', 'reflect-metadata'];

let project = '';
let tracedRuns = 0;
let packed: { filename: string; files: { path: string }[] };
let cluster: Cluster | undefined;

/**
 * The environment of a command run in the user's project: ours without `npm_*` (set when this runs
 * under `npm test`; `npm_config_*` would carry the repository's npm settings into the project's
 * npm) and without `RAFTJOBS_*`.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env = childEnv();
  for (const key of Object.keys(env)) if (/^npm_/i.test(key) || key === 'INIT_CWD') delete env[key];
  return env;
}

function inProject(command: string, args: readonly string[], timeoutMs = 60_000): Promise<CliResult> {
  return runProcess(command, args, { cwd: project, env: userEnv(), timeoutMs });
}

function node(args: readonly string[], timeoutMs?: number): Promise<CliResult> {
  return inProject(process.execPath, args, timeoutMs);
}

function ok(r: CliResult): CliResult {
  expect(r.code, `exit ${String(r.code)} ${String(r.signal)}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
  return r;
}

/** Lines of `file`, written into the project. */
function write(file: string, ...lines: string[]): void {
  writeFileSync(join(project, file), lines.join('\n') + '\n');
}

/** A script's last line of output, as JSON. */
function lastJson<T>(r: CliResult): T {
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '') as T;
}

/**
 * Runs a user's script with a module loader hook that lists what it loads: `modules`, the
 * package's own files (`dist/...`), and `packages`, the other npm packages, from the hook (ES modules,
 * and the first file of each CommonJS package imported from one) and from `require`'s cache (the
 * rest of the CommonJS files).
 */
async function traced(script: string, ...args: string[]): Promise<{ result: CliResult; modules: string[]; packages: string[] }> {
  const list = join(project, `loaded-${String(++tracedRuns)}.txt`);
  write('loaded-hooks.mjs',
    "import { appendFileSync } from 'node:fs';",
    'export async function load(url, context, next) {',
    "  appendFileSync(process.env.LOADED_LIST, url + '\\n');",
    '  return next(url, context);',
    '}');
  write('trace-loaded.mjs',
    "import { createRequire, register } from 'node:module';",
    "import { appendFileSync } from 'node:fs';",
    "register('./loaded-hooks.mjs', import.meta.url);",
    "process.on('exit', () => appendFileSync(process.env.LOADED_LIST, Object.keys(createRequire(import.meta.url).cache).join('\\n') + '\\n'));");
  const result = ok(await runProcess(process.execPath, ['--import', './trace-loaded.mjs', script, ...args], { cwd: project, env: { ...userEnv(), LOADED_LIST: list } }));
  const paths = readFileSync(list, 'utf8').split('\n').filter((l) => l !== '').map((l) => (l.startsWith('file:') ? fileURLToPath(l) : l));
  const own = join(project, 'node_modules', 'raftjobs') + sep;
  const modules = [...new Set(paths.filter((p) => p.startsWith(own)).map((p) => p.slice(own.length)))];
  const packages = [...new Set(paths.map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1]).filter((p) => p !== undefined))].filter((p) => p !== 'raftjobs');
  return { result, modules, packages };
}

/** `npm pack` into the user's project, then `npm install` of the tarball and the TypeScript to compile with. */
async function packAndInstall(): Promise<void> {
  const pack = ok(await runProcess('npm', ['pack', '--json', '--pack-destination', project], { cwd: REPO_ROOT, env: userEnv(), timeoutMs: INSTALL_TIMEOUT_MS }));
  [packed] = JSON.parse(pack.stdout) as [typeof packed];
  write('package.json', JSON.stringify({ name: 'raftjobs-user', version: '1.0.0', private: true, type: 'module' }, null, 2));
  const deps = [`./${packed.filename}`, `typescript@${DEV.devDependencies['typescript']}`, `@types/node@${DEV.devDependencies['@types/node']}`];
  ok(await inProject('npm', ['install', '--no-audit', '--no-fund', ...deps], INSTALL_TIMEOUT_MS));
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'raftjobs-pack-'));
  expect(relative(REPO_ROOT, project).startsWith('..')).toBe(true);
  // The cluster of the last test starts while npm packs and installs; both have settled (and the
  // cluster, if it started, is cleaned up after) before a failure of either is reported.
  const results = await Promise.allSettled([
    packAndInstall(),
    Cluster.start({ size: 3, tmpPrefix: 'raftjobs-pack-cluster-' }).then((c) => (cluster = c)),
  ]);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}, INSTALL_TIMEOUT_MS * 2);

afterAll(async () => {
  await cluster?.cleanup();
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

// Each test runs npm, tsc or a cluster round trip, on a machine busy with the other test files.
describe('the packed raftjobs package', { timeout: 300_000 }, () => {
  it('holds the compiled code, its types and the .proto files, and no sources, tests or scripts', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths.filter((p) => !/^(bin\/|dist\/|proto\/|package\.json$|README\.md$|LICENSE)/.test(p))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    // The simulator runs from the repository only (npm run sim).
    expect(paths.filter((p) => p.startsWith('dist/sim/'))).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining([
      'bin/raftjobs.js', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/server/index.js', 'dist/cli/main.js',
      'proto/jobs.proto', 'proto/admin.proto', 'proto/raft.proto',
      'dist/observability/dashboard/index.html', 'dist/observability/dashboard/app.js', 'dist/observability/dashboard/style.css',
    ]));
  });

  it("is installed with its dependencies in the project's own node_modules, and none of the repository's", async () => {
    const r = ok(await node(['--input-type=commonjs', '-e', "console.log(require.resolve('@grpc/grpc-js')); try { require.resolve('vitest'); console.log('vitest found') } catch { console.log('no vitest') }"]));
    const [grpcPath, vitest] = r.stdout.trim().split('\n');
    expect(grpcPath?.startsWith(join(project, 'node_modules'))).toBe(true);
    expect(vitest).toBe('no vitest');
  });

  it('imports from ESM: Client, Worker and the error type, and no server code', async () => {
    write('sdk.mjs',
      "import * as sdk from 'raftjobs';",
      'console.log(JSON.stringify({ Client: typeof sdk.Client, Worker: typeof sdk.Worker, RaftJobsError: typeof sdk.RaftJobsError }));');
    const sdk = await traced('sdk.mjs');
    expect(lastJson(sdk.result)).toEqual({ Client: 'function', Worker: 'function', RaftJobsError: 'function' });
    // The SDK's own folders, and src/tls for its TLS credentials (node:tls and node:crypto only).
    expect(sdk.modules.filter((m) => m.startsWith('dist/')).filter((m) => !/^dist\/(index|client\/|protocol\/|errors\/|limits\/|tls\/)/.test(m))).toEqual([]);
    expect(sdk.packages).toContain('@grpc/grpc-js');
    expect(sdk.packages.filter((p) => SERVER_ONLY.includes(p) || CERTS_ONLY.includes(p))).toEqual([]);

    // The same check sees the server's code and packages where they are loaded: 'raftjobs/server'.
    write('server.mjs',
      "import { startNode, loadConfig } from 'raftjobs/server';",
      'console.log(JSON.stringify({ startNode: typeof startNode, loadConfig: typeof loadConfig }));');
    const server = await traced('server.mjs');
    expect(lastJson(server.result)).toEqual({ startNode: 'function', loadConfig: 'function' });
    expect(server.modules).toEqual(expect.arrayContaining(['dist/server/index.js', 'dist/storage/index.js', 'dist/observability/index.js']));
    expect(server.packages).toEqual(expect.arrayContaining(SERVER_ONLY));
    expect(server.packages.filter((p) => CERTS_ONLY.includes(p))).toEqual([]);
  });

  it('requires from CommonJS', async () => {
    write('sdk.cjs',
      "const sdk = require('raftjobs');",
      'console.log(JSON.stringify({ Client: typeof sdk.Client, Worker: typeof sdk.Worker, isRaftJobsError: typeof sdk.isRaftJobsError }));');
    const r = ok(await node(['sdk.cjs']));
    expect(lastJson(r)).toEqual({ Client: 'function', Worker: 'function', isRaftJobsError: 'function' });
    expect(r.stderr).toBe('');
  });

  it.each([
    ['node16', ['--module', 'node16', '--moduleResolution', 'node16']],
    ['bundler', ['--module', 'esnext', '--moduleResolution', 'bundler']],
  ])('compiles a strict TypeScript user with moduleResolution %s, and refuses a wrong one', async (name, resolution) => {
    write('user.ts',
      "import { Client, ErrorCode, isRaftJobsError, Worker, type JobView, type WorkerJob } from 'raftjobs';",
      "import { loadConfig, type Config } from 'raftjobs/server';",
      '',
      "const client = new Client({ nodes: ['127.0.0.1:7001'], deadlineMs: 5_000 });",
      'export async function finish(id: string): Promise<string> {',
      '  try {',
      '    const job: JobView = await client.waitForResult(id, { timeoutMs: 1_000 });',
      '    return job.state;',
      '  } catch (err) {',
      "    if (isRaftJobsError(err) && err.code === ErrorCode.NotFound) return 'gone';",
      '    throw err;',
      '  }',
      '}',
      'export const worker = new Worker({',
      "  nodes: ['127.0.0.1:7001'],",
      "  queues: ['q'],",
      '  concurrency: 2,',
      '  async handler(job: WorkerJob) {',
      '    const { n } = job.json<{ n: number }>();',
      '    return { doubled: n * 2, token: job.token };',
      '  },',
      '});',
      "export const config = (path: string): Config => loadConfig(path, { nodeId: 'n1' });");
    write('wrong.ts',
      "import { Client } from 'raftjobs';",
      "export const client = new Client({ nodes: '127.0.0.1:7001' });");
    // The second compile reuses what the first one checked of the same declaration files (an
    // incremental build's record, one per resolution); its own file is checked afresh.
    const tsc = (file: string): Promise<CliResult> => node([join('node_modules', 'typescript', 'bin', 'tsc'), '--strict', '--noEmit', '--target', 'es2022', '--types', 'node', ...resolution, '--incremental', '--tsBuildInfoFile', `${name}.tsbuildinfo`, file], 240_000);
    ok(await tsc('user.ts'));
    const wrong = await tsc('wrong.ts');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout).toMatch(/wrong\.ts\(2,.*Type 'string' is not assignable to type 'readonly string\[\]'/);
  });

  it('runs the raftjobs command from dist/, loading only what the command needs', async () => {
    const help = ok(await inProject(join(project, 'node_modules', '.bin', 'raftjobs'), ['--help']));
    expect(help.stdout).toMatch(/^usage: raftjobs <command>/);
    const helpLoads = await traced(join('node_modules', 'raftjobs', 'bin', 'raftjobs.js'), 'submit', '--help');
    expect(helpLoads.result.stdout).toMatch(/^usage: raftjobs submit /);
    expect(helpLoads.modules.sort()).toEqual(['bin/raftjobs.js', 'dist/cli/args.js', 'dist/cli/main.js', 'dist/cli/usage.js', 'dist/errors/index.js']);
    expect(helpLoads.packages).toEqual([]);
    const version = ok(await inProject('npx', ['raftjobs', '--version']));
    expect(version.stdout).toBe(`raftjobs ${DEV.version}\n`);
    const submitHelp = ok(await inProject('npx', ['raftjobs', 'submit', '--help']));
    expect(submitHelp.stdout).toContain('--addresses HOST:PORT,...');
  });

  it('submits one job and works it against a real three-node cluster', async () => {
    if (cluster === undefined) throw new Error('no cluster');
    await cluster.waitForLeader();
    const addresses = cluster.nodes.map((n) => n.address).join(',');
    write('work.mjs',
      "import { Client, Worker } from 'raftjobs';",
      "const nodes = process.argv[2].split(',');",
      'const client = new Client({ nodes, deadlineMs: 20_000 });',
      "const worker = new Worker({ nodes, queues: ['pack'], concurrency: 1, async handler(job) { return { echoed: job.json(), token: job.token }; } });",
      'await worker.start();',
      "const [job] = await client.submit({ queue: 'pack', payload: { hello: 'from the tarball' } });",
      'const done = await client.waitForResult(job.id, { timeoutMs: 30_000 });',
      'await worker.close({ timeoutMs: 10_000 });',
      'client.close();',
      'console.log(JSON.stringify({ id: job.id, state: done.state, result: done.resultJson() }));');
    const r = lastJson<{ id: string; state: string; result: { echoed: unknown; token: number } }>(ok(await node(['work.mjs', addresses], 90_000)));
    expect(r.state).toBe('succeeded');
    expect(r.result.echoed).toEqual({ hello: 'from the tarball' });
    expect(r.result.token).toBeGreaterThan(0);

    // The installed command reads it back from the cluster (and finds the .proto files from dist/).
    const status = await traced(join('node_modules', 'raftjobs', 'bin', 'raftjobs.js'), 'status', '--config', cluster.configPath, '--json');
    expect((JSON.parse(status.result.stdout) as { role: string }[]).map((row) => row.role).sort()).toEqual(['follower', 'follower', 'leader']);
    // Only the config's validation (zod) of the server side's packages.
    expect(status.packages.filter((p) => SERVER_ONLY.includes(p))).toEqual(['zod']);
    const got = ok(await inProject(join(project, 'node_modules', '.bin', 'raftjobs'), ['get', r.id, '--addresses', addresses, '--json']));
    expect(JSON.parse(got.stdout)).toMatchObject({ id: r.id, queue: 'pack', state: 'succeeded' });
  });
});
