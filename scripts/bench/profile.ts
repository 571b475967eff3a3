/**
 * CPU profile of the nodes under the end-to-end workload. `--cpu-prof` is not allowed in
 * NODE_OPTIONS, so the three nodes are started here, as the harness would, with
 * `node --cpu-prof --cpu-prof-dir DIR src/cli/bin.js node --config FILE --id nX`, on the config the
 * harness wrote. They are stopped with SIGTERM so that each writes its profile on exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { raftjobsTarget, BIN, childEnv, Cluster, REPO_ROOT } from './cluster.js';
import { formatSummary, summarise, type ProfileSummary } from './cpuprofile.js';
import { wallMs } from './protocol.js';
import type { Target } from './protocol.js';
import { runE2e, type E2eConfig, type E2eResult } from './workloads.js';

export interface ProfileResult<T = E2eResult> {
  readonly dir: string;
  readonly e2e: T;
  readonly leaderId: string;
  readonly leader: ProfileSummary;
  readonly follower: ProfileSummary | null;
  readonly text: readonly string[];
}

/** Runs the e2e configuration `cfg` on three nodes started under `--cpu-prof`; summarises the leader's and a follower's profile. */
export function runProfile(cfg: E2eConfig, log: (line: string) => void): Promise<ProfileResult> {
  return profileNodes(`e2e ${cfg.name}`, (target) => runE2e(target, cfg, 'profile'), log);
}

/**
 * Runs `workload` against three nodes started under `--cpu-prof` (`target` names them all; the
 * leader is `leaderAddress`) and summarises the leader's and a follower's profile.
 */
export async function profileNodes<T>(name: string, workload: (target: Target, leaderAddress: string) => Promise<T>, log: (line: string) => void): Promise<ProfileResult<T>> {
  const cluster = await Cluster.create({ size: 3, clusterId: 'bench', tmpPrefix: 'raftjobs-bench-prof-', statusTimeoutMs: 3_000, waitTimeoutMs: 60_000 });
  const profDir = join(cluster.dir, 'profiles');
  mkdirSync(profDir);
  const procs = new Map<string, ChildProcess>();
  const exited = new Map<string, Promise<void>>();
  const killAll = (): void => {
    for (const p of procs.values()) p.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const spawnedAt = wallMs();
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
    log(`  profiling: nodes started with --cpu-prof, ${lead.id} leads; running ${name}`);
    // Start-up (module loading, compilation) is left out of the summary.
    const skipMs = wallMs() - spawnedAt;
    const e2e = await workload(raftjobsTarget(cluster), cluster.address(lead.id));
    // Not asked again: a Status call computes the state digest (a pass over every job) and would show in the profile.
    const leaderId = lead.id;
    const pids = new Map(cluster.ids.map((id) => [id, procs.get(id)?.pid ?? -1]));
    for (const p of procs.values()) p.kill('SIGTERM');
    await Promise.race([Promise.all(exited.values()), new Promise((r) => setTimeout(r, 30_000))]);
    const files = readdirSync(profDir);
    const fileOf = (id: string): string | undefined => {
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx runs a loader thread too).
      const f = files.find((name) => name.includes(`.${String(pids.get(id))}.0.`));
      return f === undefined ? undefined : join(profDir, f);
    };
    const leaderFile = fileOf(leaderId);
    if (leaderFile === undefined) throw new Error(`no profile of the leader ${leaderId} in ${profDir} (${files.join(', ')})`);
    const followerId = cluster.ids.find((id) => id !== leaderId && fileOf(id) !== undefined);
    const followerFile = followerId === undefined ? undefined : fileOf(followerId);
    const leader = summarise(leaderFile, 25, skipMs);
    const follower = followerFile === undefined ? null : summarise(followerFile, 15, skipMs);
    const text = [`leader ${leaderId}:`, ...formatSummary(leader), ...(follower === null ? [] : [`follower ${String(followerId)}:`, ...formatSummary(follower, 8)])];
    return { dir: cluster.dir, e2e, leaderId, leader, follower, text };
  } finally {
    killAll();
    process.off('exit', killAll);
  }
}
