/**
 * J5, how the leader stamps replicated time: from an anchor set when it becomes leader, the later
 * of its wall clock and the last replicated time it knows, then at the rate of its monotonic clock.
 * Three `JobNode`s over the in-memory twins on one virtual timeline; each node's wall clock is
 * skewed or stepped apart from it, as NTP or an operator would.
 */
import { describe, expect, it } from 'vitest';
import type { CommandResult, LeaseGrant } from '../../src/jobs/index.js';
import { clustersStoppedAfterEach, VirtualCluster, type VirtualMember as Member } from './virtual-cluster.js';

const EPOCH_MS = Date.UTC(2030, 0, 1);
const HOUR_MS = 3_600_000;
/** J6 grace: well above the election timeout (5 to 10 ticks). */
const GRACE_MS = 1_000;
const LEASE_TTL_MS = 30_000;

class TestCluster extends VirtualCluster {
  constructor() {
    super({ clusterId: 'time-test', epochMs: EPOCH_MS, leaseGraceMs: GRACE_MS, seed: 7 });
  }

  async submit(m: Member, job: { delayMs?: number } = {}): Promise<string> {
    const res = await this.propose(m, { type: 'submit', jobs: [{ queue: 'q', payload: new Uint8Array([1]), leaseTtlMs: LEASE_TTL_MS, ...job }] });
    if (!res.ok || res.type !== 'submit') throw new Error(`submit failed: ${JSON.stringify(res)}`);
    return (res.jobs[0] as { id: string }).id;
  }

  async lease(m: Member): Promise<LeaseGrant> {
    const res = await this.propose(m, { type: 'lease', workerId: 'w1', queues: ['q'], max: 1 });
    if (!res.ok || res.type !== 'lease' || res.leases.length !== 1) throw new Error(`lease failed: ${JSON.stringify(res)}`);
    return res.leases[0] as LeaseGrant;
  }

  async heartbeat(m: Member, grant: LeaseGrant): Promise<CommandResult> {
    return this.propose(m, { type: 'heartbeat', leases: [{ jobId: grant.jobId, token: grant.token }] });
  }
}

const cluster = clustersStoppedAfterEach(() => new TestCluster());

/** Stops the leader, sets every other node's wall clock `offsetMs` off the timeline, and waits for a new leader. */
async function failOver(c: TestCluster, old: Member, offsetMs: number): Promise<Member> {
  await c.stop(old.id);
  for (const m of c.members.values()) m.clock.wallOffsetMs = offsetMs;
  return c.leader();
}

describe('replicated time (J5)', () => {
  it('ignores a wall-clock step of +1 h during a term: no lease expires, time follows the monotonic clock', async () => {
    const c = cluster();
    await c.startAll();
    const leader = await c.leader();
    await c.submit(leader);
    const grant = await c.lease(leader);
    const before = leader.node.query.now();
    const startedAt = c.vt.elapsedMs;

    leader.clock.wallOffsetMs += HOUR_MS;
    await c.vt.advance(2_000);
    const hb = await c.heartbeat(leader, grant);

    expect(hb).toMatchObject({ ok: true, type: 'heartbeat', leases: [{ ok: true, jobId: grant.jobId }] });
    const now = leader.node.query.now();
    const elapsed = c.vt.elapsedMs - startedAt;
    // Replicated time moved as far as monotonic time did, not by the step.
    expect(now - before).toBeGreaterThanOrEqual(2_000);
    expect(now - before).toBeLessThanOrEqual(elapsed);
    expect(leader.node.query.getJob(grant.jobId)?.lease?.expiresAt).toBe(now + LEASE_TTL_MS);
    expect(leader.node.time()).toBeLessThan(before + HOUR_MS);
  });

  it('continues a new leader whose wall clock is 1 h behind from the last replicated time, at real rate', async () => {
    const c = cluster();
    await c.startAll();
    const old = await c.leader();
    const delayMs = 5_000;
    const jobId = await c.submit(old, { delayMs });
    const submittedAt = c.vt.elapsedMs;
    const runAt = old.node.query.getJob(jobId)?.runAt as number;
    const lastTime = old.node.time();

    const leader = await failOver(c, old, -HOUR_MS);
    // Its stamps start from the last replicated time, not from its wall clock.
    expect(leader.node.time()).toBeGreaterThanOrEqual(lastTime);
    await c.vt.until(() => (leader.node.query.getJob(jobId)?.state === 'ready' ? true : undefined), 'the delayed job is ready', 20_000);

    // Ready after its delay of real (monotonic) time, plus at most the failover's gap and one tick.
    const waited = c.vt.elapsedMs - submittedAt;
    expect(waited).toBeGreaterThanOrEqual(delayMs);
    expect(waited).toBeLessThan(delayMs + 1_000);
    expect(leader.node.query.now()).toBeGreaterThanOrEqual(runAt);
    expect(leader.node.query.now()).toBeLessThan(runAt + 1_000);
  });

  it('steps time forward once for a new leader whose wall clock is 1 h ahead; the leader-change grace keeps inherited leases', async () => {
    const c = cluster();
    await c.startAll();
    const old = await c.leader();
    await c.submit(old);
    const grant = await c.lease(old);
    const before = old.node.query.now();

    const leader = await failOver(c, old, HOUR_MS);
    const stepped = leader.node.query.now();
    expect(stepped).toBeGreaterThanOrEqual(before + HOUR_MS);
    // The lease outlived the step: the grace extended it past the new time.
    expect(leader.node.query.getJob(grant.jobId)?.lease?.expiresAt).toBeGreaterThanOrEqual(stepped);

    await c.vt.advance(GRACE_MS / 2);
    const hb = await c.heartbeat(leader, grant);
    expect(hb).toMatchObject({ ok: true, type: 'heartbeat', leases: [{ ok: true, jobId: grant.jobId }] });
    // After the step, time follows the monotonic clock again.
    expect(leader.node.query.now() - stepped).toBeLessThan(GRACE_MS);
  });

  it('lets a cluster stopped for an hour see the hour pass at the next election, so work due meanwhile runs', async () => {
    const c = cluster();
    await c.startAll();
    const leader = await c.leader();
    const jobId = await c.submit(leader, { delayMs: HOUR_MS / 2 });
    const dbs = [...c.members.values()].map((m) => ({ id: m.id, db: m.db }));
    await c.stopAll();

    // Monotonic clocks start again with the processes; the hour is seen only on the wall clocks.
    for (const { id, db } of dbs) await c.start(id, HOUR_MS, db);
    const next = await c.leader();
    await c.vt.until(() => (next.node.query.getJob(jobId)?.state === 'ready' ? true : undefined), 'the job due within the hour is ready', 2_000);
  });
});
