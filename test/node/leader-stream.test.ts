/**
 * A broken peer stream reaches the core (`Raft.leaderUnreachable`): when the leader's process stops,
 * its followers' streams to it break at once, and they elect a successor within a few ticks rather
 * than an election timeout. A broken stream to a follower changes nothing for the others.
 *
 * Three `JobNode`s over the in-memory twins on one virtual timeline (./virtual-cluster.ts); the
 * memory transport reports a stopped peer unreachable as a gRPC stream's end does.
 */
import { describe, expect, it } from 'vitest';
import { ELECTION_TICKS, TICK_MS, clustersStoppedAfterEach, VirtualCluster, type VirtualMember as Member } from './virtual-cluster.js';

const cluster = clustersStoppedAfterEach(() => new VirtualCluster({ clusterId: 'leader-stream-test', epochMs: Date.UTC(2030, 0, 1), leaseGraceMs: 1_000, seed: 5 }));

function liveLeader(c: VirtualCluster): Member | undefined {
  return [...c.members.values()].find((m) => m.node.isLeader());
}

describe('a broken stream to the leader', () => {
  it('gets a successor elected within a few ticks of the leader stopping, in the next term, well under the shortest election timeout', async () => {
    const c = cluster();
    await c.startAll();
    const leader = await c.leader();
    const term = leader.node.status({ digest: false }).term;
    await c.stop(leader.id);
    const stoppedAt = c.vt.elapsedMs;
    const next = await c.vt.until(() => liveLeader(c), 'a new leader', 10_000, 1);
    expect(c.vt.elapsedMs - stoppedAt).toBeLessThan(ELECTION_TICKS * TICK_MS);
    expect(next.node.status({ digest: false }).term).toBe(term + 1);
    // It serves: its term's first job command commits.
    await c.propose(next, { type: 'tick' });
  });
});

describe('a broken stream to a follower', () => {
  it('leaves the other follower following the same leader, in the same term, without a pre-vote', async () => {
    const c = cluster();
    await c.startAll();
    const leader = await c.leader();
    const term = leader.node.status({ digest: false }).term;
    const [gone, other] = [...c.members.values()].filter((m) => m !== leader) as [Member, Member];
    await c.stop(gone.id);
    // Watched every virtual ms for three longest election timeouts.
    const views = new Set<string>();
    for (let t = 0; t < 3 * 2 * ELECTION_TICKS * TICK_MS; t++) {
      const st = other.node.status({ digest: false });
      views.add(`${st.role} ${st.leaderId ?? '-'} ${st.term}`);
      await c.vt.advance(1);
    }
    expect([...views]).toEqual([`follower ${leader.id} ${term}`]);
    expect(leader.node.isLeader()).toBe(true);
  });
});
