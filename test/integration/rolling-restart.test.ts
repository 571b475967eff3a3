/**
 * `npm run rolling-restart -- --local` on a three-node cluster run by the `npm start` launcher
 * (scripts/cluster.ts, in this process), while a client submits one job after another as the SDK
 * does (retrying within its deadline): no submit fails, every node runs as a new process at the
 * end, and the node that led when its turn came had handed leadership over before it was stopped.
 * That last check reads the nodes' own logs, not the script's report: the last role a node logged
 * before "shutting down" must not be leader (a node that leads at SIGTERM hands over by itself
 * after that line, which would hide a script that skipped the transfer).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { runCluster } from '../../scripts/cluster.js';
import type { RollingRestartReport } from '../../scripts/rolling-restart/procedure.js';
import { Client } from '../../src/client/index.js';
import { childEnv, Cluster, poll, REPO_ROOT, runProcess } from '../helpers/index.js';

const ROLES = new Set(['became leader', 'became follower', 'election started', 'pre-vote started']);

interface Run {
  readonly pid: number;
  /** The role messages it logged before "shutting down". */
  readonly roles: string[];
  shutDown: boolean;
}

/** Each run (process) of a node as its log tells it, oldest first. */
function runsOf(logPath: string): Run[] {
  const runs: Run[] = [];
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const { msg = '', pid = 0 } = JSON.parse(line) as { msg?: string; pid?: number };
    if (runs.at(-1)?.pid !== pid) runs.push({ pid, roles: [], shutDown: false });
    const run = runs.at(-1) as Run;
    if (ROLES.has(msg) && !run.shutDown) run.roles.push(msg);
    if (msg === 'shutting down') run.shutDown = true;
  }
  return runs;
}

describe('rolling restart of a cluster run by npm start', { timeout: 240_000 }, () => {
  let cluster: Cluster | null = null;
  let client: Client | null = null;
  const stop = new AbortController();
  let launcher: Promise<number> | null = null;
  let launcherOut = '';

  afterAll(async () => {
    client?.close();
    stop.abort();
    await launcher;
    await cluster?.cleanup();
  });

  it('restarts every node one at a time while submits go on, none failing', async () => {
    cluster = await Cluster.create({ size: 3, clusterId: 'rolling', tmpPrefix: 'raftjobs-rolling-' });
    const c = cluster;
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => (launcherOut += chunk.toString()));
    onTestFailed(() => console.error(`launcher output:\n${launcherOut}`));
    launcher = runCluster({ config: c.configPath, out, cwd: c.dir, env: childEnv(), handleSignals: false, signal: stop.signal });
    const everyNode = { ids: () => c.ids, timeoutMs: 60_000 };
    const leader = await c.waitFor('a leader', (rows) => rows.find((r) => r.role === 'leader'), everyNode);
    const pidsBefore = new Map((await c.statusAll(c.ids, { digest: false })).map((r) => [r.id, r.pid]));

    client = new Client({ nodes: c.nodes.map((n) => n.address) });
    const load = client;
    const acked: string[] = [];
    const failures: string[] = [];
    let running = true;
    const submitting = (async () => {
      for (let n = 0; running; n++) {
        try {
          const [job] = await load.submit({ queue: 'rolling', payload: { n } });
          if (job !== undefined) acked.push(job.id);
        } catch (err) {
          failures.push(err instanceof Error ? err.message : String(err));
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await poll(() => (acked.length >= 20 ? true : undefined), { description: '20 acknowledged submits', timeoutMs: 30_000 });

    const r = await runProcess(process.execPath, ['--import', 'tsx', 'scripts/rolling-restart.ts', '--config', c.configPath, '--local', '--json', '--step-timeout', '60000'], {
      cwd: REPO_ROOT,
      env: childEnv(),
      timeoutMs: 200_000,
    });
    const ackedDuring = acked.length;
    await poll(() => (acked.length >= ackedDuring + 20 ? true : undefined), { description: 'submits after the rolling restart', timeoutMs: 30_000 });
    running = false;
    await submitting;

    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as RollingRestartReport;
    expect(failures).toEqual([]);
    expect(report.nodes.map((n) => n.id).sort()).toEqual(['n1', 'n2', 'n3']);
    // The leader goes last, after leadership moved away from it.
    expect(report.nodes.at(-1)?.id).toBe(leader.id);
    expect(report.nodes.at(-1)?.ledBefore).toBe(true);

    // Every node is another process now.
    const pidsAfter = new Map((await c.statusAll(c.ids, { digest: false })).map((row) => [row.id, row.pid]));
    for (const id of c.ids) {
      expect(pidsAfter.get(id), id).toBeDefined();
      expect(pidsAfter.get(id), id).not.toBe(pidsBefore.get(id));
    }
    // No node led when it was told to stop; the first leader had stepped down before.
    for (const id of c.ids) {
      const runs = runsOf(join(c.dataDir, `${id}.log`));
      expect(runs.length, id).toBe(2);
      const first = runs[0] as Run;
      expect(first.shutDown, id).toBe(true);
      expect(first.roles.at(-1), `${id}: ${first.roles.join(', ')}`).not.toBe('became leader');
      if (id === leader.id) expect(first.roles).toContain('became leader');
    }
    expect(launcherOut).not.toContain('exited unexpectedly');

    // Nothing acknowledged was lost, nothing duplicated.
    const converged = await c.waitForConvergence({ ids: c.ids, timeoutMs: 60_000 });
    expect(converged.rows).toHaveLength(3);
    const stats = await load.stats();
    expect(stats.queues.find((q) => q.queue === 'rolling')?.ready).toBe(acked.length);
  });
});
