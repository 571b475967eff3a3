/**
 * The "Done when" of recurring schedules, on three real `raftjobs node` processes: a schedule
 * added with the CLI fires every 2 s while the leader is killed (-9) twice and every node is
 * restarted once, one at a time, as a deploy would; then every 2-second slot of the window has
 * exactly one job, by the schedule's own counters and by the jobs' slot times, except slots the
 * catch-up policy skipped (counted in `skipped`), and no slot has two. Then the whole cluster stops
 * for longer than several slots and starts again: the default catch-up policy (the latest missed
 * slot within 1 h) fires exactly one job, for the latest missed slot, and counts the rest skipped.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { Client, type JobView, type ScheduleInfo } from '../../src/client/index.js';
import { Cluster, poll, runCli } from '../helpers/index.js';

const SLOT_MS = 2000;
/**
 * The kills and the rolling restart repeat until the window is at least this long (default: one
 * round, about 33 s). `RAFTJOBS_SCHEDULES_MIN_WINDOW_MS=120000` runs the two minutes.
 */
const MIN_WINDOW_MS = Number(process.env['RAFTJOBS_SCHEDULES_MIN_WINDOW_MS'] ?? 0);
const ID = 'reports';

let cluster: Cluster;
let client: Client;
let failed = false;

beforeAll(async () => {
  cluster = await Cluster.start({ size: 3, clusterId: 'itest-sched', tmpPrefix: 'raftjobs-it-schedules-' });
  client = new Client({ nodes: cluster.nodes.map((n) => n.address), deadlineMs: 20_000 });
});

afterAll(async () => {
  client?.close();
  const dir = await cluster?.cleanup(failed);
  if (failed) console.error(`schedules test failed; files kept in ${dir}`);
});

function reportOnFailure(): void {
  onTestFailed(() => {
    failed = true;
    console.error(cluster.describe(40));
  });
}

async function allJobs(queue: string): Promise<JobView[]> {
  const jobs: JobView[] = [];
  let pageToken: string | null = null;
  do {
    const page = await client.list({ queue, pageSize: 1000, ...(pageToken !== null ? { pageToken } : {}) });
    jobs.push(...page.jobs);
    pageToken = page.nextPageToken;
  } while (pageToken !== null);
  return jobs;
}

/** Waits until the schedule has fired at least `n` more slots than `from` shows. */
async function firedMore(from: ScheduleInfo, n: number): Promise<ScheduleInfo> {
  return poll(
    async () => {
      const s = await client.getSchedule(ID);
      return s.fired >= from.fired + n ? s : undefined;
    },
    { description: `schedule ${ID} to fire ${n} more slot(s)`, timeoutMs: 20_000, intervalMs: 100, diagnostics: () => cluster.describe(10) },
  );
}

/** The 2-second slots in (lo, hi]. */
function slotsIn(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let t = (Math.floor(lo / SLOT_MS) + 1) * SLOT_MS; t <= hi; t += SLOT_MS) out.push(t);
  return out;
}

/**
 * Resolves `aheadMs` before the next slot boundary: a node stopped then leaves the cluster
 * without a leader across that slot, so the slot fires late, from the new leader (time has to
 * pass here; there is no state to wait for).
 */
function beforeNextSlot(aheadMs: number): Promise<void> {
  const now = Date.now();
  let at = (Math.floor(now / SLOT_MS) + 1) * SLOT_MS - aheadMs;
  if (at <= now) at += SLOT_MS;
  return new Promise((resolve) => setTimeout(resolve, at - now));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The jobs by slot; fails on a slot with two jobs or a job off the 2-second grid. */
function bySlot(jobs: readonly JobView[]): Map<number, JobView> {
  const map = new Map<number, JobView>();
  for (const j of jobs) {
    expect(j.scheduleId).toBe(ID);
    const slot = j.scheduleSlot ?? NaN;
    expect(slot % SLOT_MS, `job ${j.id} slot ${slot}`).toBe(0);
    expect(map.has(slot), `slot ${new Date(slot).toISOString()} has two jobs: ${map.get(slot)?.id} and ${j.id}`).toBe(false);
    map.set(slot, j);
  }
  return map;
}

describe('a 2-second schedule on three real nodes', () => {
  let created: ScheduleInfo;

  it('fires every slot exactly once through two leader kills (-9) and a rolling restart', { timeout: 75_000 + 2 * MIN_WINDOW_MS }, async () => {
    reportOnFailure();
    const add = await runCli(['schedule', 'add', '--id', ID, '--cron', '*/2 * * * * *', '--queue', 'reports', '--payload', '{"report":"daily"}', '--config', cluster.configPath, '--json']);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    created = JSON.parse(add.stdout) as ScheduleInfo;
    let s = await firedMore(created, 2);

    do {
      // Two leader crashes just before a slot (the election spans it), each node back at once.
      for (let i = 0; i < 2; i++) {
        const leader = await cluster.waitForLeader();
        await beforeNextSlot(150);
        await cluster.kill(leader.id, 'SIGKILL');
        await cluster.waitForLeader({ exclude: [leader.id], minTerm: (leader.term ?? 0) + 1 });
        await cluster.start(leader.id);
        s = await firedMore(s, 3);
      }
      // A deploy: every node stopped (SIGTERM: a leader hands over first) and started, one at a time.
      for (const id of cluster.ids) {
        await beforeNextSlot(150);
        await cluster.restart(id, 'SIGTERM');
        await cluster.waitForLeader();
        s = await firedMore(s, 3);
      }
    } while (Date.now() - created.createdAt < MIN_WINDOW_MS);

    const end = await client.getSchedule(ID);
    const jobs = bySlot(await allJobs('reports'));
    const window = slotsIn(created.createdAt, end.handledThrough);
    const missing = window.filter((t) => !jobs.has(t));
    // Every job is for a slot of the window; every slot of the window has its job or was skipped.
    for (const slot of jobs.keys()) expect(window).toContain(slot);
    expect(end.fired).toBe(jobs.size);
    expect(missing.length).toBe(end.skipped);
    expect(end.fired + end.skipped).toBe(window.length);
    expect(end.triggered).toBe(0);

    const lags = [...jobs.values()].map((j) => j.submittedAt - (j.scheduleSlot ?? 0)).sort((a, b) => a - b);
    console.log(
      `schedules: ${window.length} slots over ${((end.handledThrough - created.createdAt) / 1000).toFixed(0)} s, ${end.fired} fired, ${end.skipped} skipped ` +
        `(${missing.map((t) => new Date(t).toISOString()).join(', ') || 'none'}); slot lag p50 ${percentile(lags, 50)} ms, max ${lags[lags.length - 1]} ms`,
    );
    // Every slot fires within the window: the lag is the runner's delay, or an election's.
    expect(lags[0]).toBeGreaterThanOrEqual(0);
  });

  it('after a full stop longer than several slots, fires only the latest missed slot and counts the rest skipped', { timeout: 45_000 }, async () => {
    reportOnFailure();
    const before = await client.getSchedule(ID);
    await cluster.stopAll('SIGKILL');
    const stoppedAt = Date.now();
    // The cluster stays down for five slots: time has to pass, there is no state to wait for.
    await new Promise((resolve) => setTimeout(resolve, 5 * SLOT_MS));
    await cluster.startAll();
    const leader = await cluster.waitForLeader();
    const after = await poll(
      async () => {
        const s = await client.getSchedule(ID);
        return s.lastSlot !== null && s.lastSlot > stoppedAt + 4 * SLOT_MS && s.fired >= before.fired + 2 ? s : undefined;
      },
      { description: 'the schedule to fire again after the restart', timeoutMs: 20_000, intervalMs: 100 },
    );
    const jobs = bySlot(await allJobs('reports'));
    const window = slotsIn(before.handledThrough, after.handledThrough);
    const fired = window.filter((t) => jobs.has(t));
    const missing = window.filter((t) => !jobs.has(t));
    // What was skipped is exactly the missed slots without a job.
    expect(after.skipped - before.skipped).toBe(missing.length);
    expect(after.fired - before.fired).toBe(fired.length);
    // The missed slots are one run: from the stop to the first slot fired after the restart,
    // which is the latest one due then (the only missed slot that fired).
    const firstAfter = fired.find((t) => t > stoppedAt) ?? NaN;
    const missedRun = missing.filter((t) => t < firstAfter);
    expect(missing).toEqual(missedRun);
    expect(missing.length).toBeGreaterThanOrEqual(4);
    const first = jobs.get(firstAfter) as JobView;
    expect(first.submittedAt - firstAfter).toBeLessThan(SLOT_MS);
    for (const t of window.filter((x) => x > firstAfter)) expect(jobs.has(t), `slot ${new Date(t).toISOString()} after the restart`).toBe(true);
    console.log(
      `full stop: ${missing.length + 1} slots missed while stopped, leader ${leader.id} fired the latest (${new Date(firstAfter).toISOString()}, ` +
        `${first.submittedAt - firstAfter} ms late) and skipped ${missing.length}`,
    );
  });
});
