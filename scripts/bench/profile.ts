/**
 * CPU profile of the nodes under the end-to-end workload. `--cpu-prof` is not allowed in
 * NODE_OPTIONS, so the three nodes are started here, as the harness would, with
 * `node --cpu-prof --cpu-prof-dir DIR src/cli/bin.js node --config FILE --id nX`, on the config the
 * harness wrote. They are stopped with SIGTERM so that each writes its profile on exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, childEnv, REPO_ROOT } from '../../test/helpers/index.js';
import { addresses, Cluster } from './cluster.js';
import { formatSummary, summarise, type ProfileSummary } from './cpuprofile.js';
import { runE2e, type E2eConfig, type E2eResult } from './workloads.js';

export interface ProfileResult {
  readonly dir: string;
  readonly e2e: E2eResult;
  readonly leaderId: string;
  readonly leader: ProfileSummary;
  readonly follower: ProfileSummary | null;
  readonly text: readonly string[];
}

export async function runProfile(cfg: E2eConfig, log: (line: string) => void): Promise<ProfileResult> {
  const cluster = await Cluster.create({ size: 3, clusterId: 'bench', tmpPrefix: 'raftjobs-bench-prof-', statusTimeoutMs: 3_000, waitTimeoutMs: 60_000 });
  const profDir = join(cluster.dir, 'profiles');
  mkdirSync(profDir);
  const procs = new Map<string, ChildProcess>();
  const exited = new Map<string, Promise<void>>();
  const killAll = (): void => {
    for (const p of procs.values()) p.kill('SIGKILL');
  };
  process.once('exit', killAll);
  try {
    for (const { id } of cluster.nodes) {
      const out = createWriteStream(cluster.logPath(id), { flags: 'a' });
      const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, BIN, 'node', '--config', cluster.configPath, '--id', id], {
        cwd: REPO_ROOT,
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(out);
      child.stderr?.pipe(out);
      procs.set(id, child);
      exited.set(id, new Promise<void>((resolve) => child.once('exit', () => resolve())));
    }
    const everyone = { ids: () => cluster.ids, timeoutMs: 120_000, intervalMs: 100 };
    const lead = await cluster.waitFor('three profiled nodes and a leader', (rows) => (rows.every((r) => r.role !== 'unreachable') ? rows.find((r) => r.role === 'leader') : undefined), everyone);
    log(`  profiling: nodes started with --cpu-prof, ${lead.id} leads; running e2e ${cfg.name}`);
    const e2e = await runE2e({ kind: 'raftjobs', nodes: addresses(cluster) }, cfg, 'profile');
    const rows = await cluster.statusAll();
    const leaderId = rows.find((r) => r.role === 'leader')?.id ?? lead.id;
    const pids = new Map(cluster.ids.map((id) => [id, procs.get(id)?.pid ?? -1]));
    for (const p of procs.values()) p.kill('SIGTERM');
    await Promise.race([Promise.all(exited.values()), new Promise((r) => setTimeout(r, 30_000))]);
    const files = readdirSync(profDir);
    const fileOf = (id: string): string | undefined => {
      const f = files.find((name) => name.includes(`.${String(pids.get(id))}.`));
      return f === undefined ? undefined : join(profDir, f);
    };
    const leaderFile = fileOf(leaderId);
    if (leaderFile === undefined) throw new Error(`no profile of the leader ${leaderId} in ${profDir} (${files.join(', ')})`);
    const followerId = cluster.ids.find((id) => id !== leaderId && fileOf(id) !== undefined);
    const followerFile = followerId === undefined ? undefined : fileOf(followerId);
    const leader = summarise(leaderFile);
    const follower = followerFile === undefined ? null : summarise(followerFile, 15);
    const text = [`leader ${leaderId}:`, ...formatSummary(leader), ...(follower === null ? [] : [`follower ${String(followerId)}:`, ...formatSummary(follower, 8)])];
    return { dir: cluster.dir, e2e, leaderId, leader, follower, text };
  } finally {
    killAll();
    process.off('exit', killAll);
  }
}
