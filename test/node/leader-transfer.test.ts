/**
 * A leader that hands leadership over (thesis §3.10): while the transfer is in progress its log
 * must not grow, so commands wait in the driver; once the transfer ends they are proposed (it was
 * abandoned) or rejected with NOT_LEADER (the target took over), never lost or applied later. A
 * new leader that starts a transfer right after winning (a rolling restart, `raftjobs
 * transfer-leader`) and whose transfer fails still gets its term's `leaderChange` committed, so
 * inherited leases get their grace (J6) and its duties (due ticks, schedules) start.
 *
 * Three `JobNode`s over the in-memory twins on one virtual timeline (./virtual-cluster.ts).
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, RaftJobsError } from '../../src/errors/index.js';
import type { Command, LeaseGrant } from '../../src/jobs/index.js';
import { ELECTION_TICKS, TICK_MS, clustersStoppedAfterEach, VirtualCluster, type VirtualMember as Member } from './virtual-cluster.js';

/** J6 grace: well above the election timeout (5 to 10 ticks). */
const GRACE_MS = 1_000;

class TestCluster extends VirtualCluster {
  constructor() {
    super({ clusterId: 'transfer-test', epochMs: Date.UTC(2030, 0, 1), leaseGraceMs: GRACE_MS, seed: 11 });
  }

  /** The follower whose log matches the leader's (a transfer to it can succeed at once). */
  async caughtUpFollower(leader: Member): Promise<Member> {
    return this.vt.until(() => {
      const st = leader.node.status({ digest: false });
      const peer = st.peers.find((p) => p.matchIndex === st.lastLogIndex);
      return peer === undefined ? undefined : this.members.get(peer.id);
    }, 'a caught-up follower');
  }
}

const cluster = clustersStoppedAfterEach(() => new TestCluster());

function submit(n: number): Command {
  return { type: 'submit', jobs: [{ queue: 'q', payload: new Uint8Array([n]), leaseTtlMs: 200 }] };
}

/** Payload bytes of the jobs in queue `q`, in submit order. */
function payloads(m: Member): number[] {
  return m.node.query.list({ queue: 'q' }).jobs.map((j) => m.node.query.getJob(j.id)?.payload[0] as number);
}

/** Settles `p` without throwing: the value or the error. */
function settled<T>(p: Promise<T>): { value?: T; error?: unknown; done: boolean } {
  const out: { value?: T; error?: unknown; done: boolean } = { done: false };
  p.then(
    (value) => Object.assign(out, { value, done: true }),
    (error: unknown) => Object.assign(out, { error, done: true }),
  );
  return out;
}

describe('leadership transfer in the driver', () => {
  it('a new leader whose transfer right after winning fails still commits its leader change: inherited leases get the grace, ticks and schedules start', async () => {
    const c = cluster();
    await c.startAll();
    const old = await c.leader();
    const schedule = { id: 'every', intervalMs: 1_000, template: { queue: 'reports', payload: new Uint8Array() }, catchUp: { mode: 'all', windowMs: 60_000 } } as const;
    expect(await c.propose(old, { type: 'scheduleSet', mode: 'create', schedule })).toMatchObject({ ok: true });
    expect(await c.propose(old, submit(1))).toMatchObject({ ok: true });
    const lease = await c.propose(old, { type: 'lease', workerId: 'w1', queues: ['q'], max: 1 });
    if (!lease.ok || lease.type !== 'lease') throw new Error(`lease failed: ${JSON.stringify(lease)}`);
    const grant = lease.leases[0] as LeaseGrant;
    // A delayed job: only a tick proposed by the new leader's due timer makes it ready.
    expect(await c.propose(old, { type: 'submit', jobs: [{ queue: 'later', payload: new Uint8Array([2]), delayMs: 500 }] })).toMatchObject({ ok: true });

    // The new leader asks to hand leadership to the node that just went down, in the same turn it
    // learns it leads: the request reaches the core before its leader-change command does.
    const transfers: { id: string; term: number }[] = [];
    for (const m of c.members.values()) {
      if (m.id === old.id) continue;
      m.node.onRoleChange((role) => {
        if (role !== 'leader' || transfers.length > 0) return;
        transfers.push({ id: m.id, term: m.node.status({ digest: false }).term });
        m.node.transferLeadership(old.id);
      });
    }
    const stoppedAt = old.node.time();
    await c.stop(old.id);

    const winner = await c.vt.until(() => transfers[0], 'a new leader that started a transfer');
    const leader = c.members.get(winner.id) as Member;
    // The transfer fails (its target is down); the leader change commits after all. J6: it
    // extended the inherited lease (200 ms TTL) to a grace past the failover.
    const expiresAt = (): number | undefined => leader.node.query.getJob(grant.jobId)?.lease?.expiresAt;
    await c.vt.until(() => ((expiresAt() ?? 0) >= stoppedAt + GRACE_MS ? true : undefined), 'the inherited lease gets the grace', 1_000);
    // Its duties started: the schedule fires under it, and its due timer makes the delayed job ready.
    const reports = (): number => leader.node.query.list({ queue: 'reports' }).jobs.length;
    const reportsBefore = reports();
    await c.vt.until(() => (reports() >= reportsBefore + 2 ? true : undefined), 'the schedule fires under the new leader', 3_000);
    await c.vt.until(() => (leader.node.query.list({ queue: 'later' }).jobs.some((j) => j.state === 'ready') ? true : undefined), 'the delayed job is ready', 2_000);
    // It led its term throughout: the transfer was abandoned, not completed.
    expect(leader.node.isLeader()).toBe(true);
    expect(leader.node.status({ digest: false }).term).toBe(winner.term);
  });

  it('a command proposed while the leader hands over to a node that is down waits, and commits in order once the transfer is abandoned', async () => {
    const c = cluster();
    await c.startAll();
    const leader = await c.leader();
    const term = leader.node.status({ digest: false }).term;
    const down = [...c.members.values()].find((m) => m !== leader) as Member;
    await c.stop(down.id);

    leader.node.transferLeadership(down.id);
    const first = settled(leader.node.propose(submit(1)));
    const second = settled(leader.node.propose(submit(2)));
    // Held for as long as the transfer lasts (an election timeout), not refused.
    await c.vt.advance((ELECTION_TICKS - 1) * TICK_MS);
    expect(first.done).toBe(false);
    expect(payloads(leader)).toEqual([]);
    await c.vt.until(() => (first.done && second.done ? true : undefined), 'both commands settled', 1_000);
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    expect(first.value).toMatchObject({ ok: true, type: 'submit' });
    expect(payloads(leader)).toEqual([1, 2]);
    expect(leader.node.isLeader()).toBe(true);
    expect(leader.node.status({ digest: false }).term).toBe(term);
  });

  it('a command proposed while the leader hands over to a caught-up follower is rejected with NOT_LEADER when the target takes over, and never applied', async () => {
    const c = cluster();
    await c.startAll();
    const leader = await c.leader();
    expect(await c.propose(leader, submit(1))).toMatchObject({ ok: true });
    const target = await c.caughtUpFollower(leader);

    leader.node.transferLeadership(target.id);
    const held = settled(leader.node.propose(submit(2)));
    await c.vt.until(() => (held.done ? true : undefined), 'the command settled', 1_000);
    expect(held.error).toBeInstanceOf(RaftJobsError);
    expect((held.error as RaftJobsError).code).toBe(ErrorCode.NotLeader);
    const next = await c.vt.until(() => (target.node.isLeader() ? target : undefined), 'the target leads');
    expect(await c.propose(next, submit(3))).toMatchObject({ ok: true });
    await c.vt.advance(20 * TICK_MS);
    for (const m of c.members.values()) expect(payloads(m), m.id).toEqual([1, 3]);
  });
});
