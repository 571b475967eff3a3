/**
 * The driver's deferred commit notice (`RaftNodeOptions.commitNoticeMs`, default 2 ms): a command
 * committed while the cluster is otherwise idle reaches every follower's state machine within a
 * few ms, well before the next heartbeat would have carried the commit index.
 *
 * Three `JobNode`s over the in-memory twins on one virtual timeline (./virtual-cluster.ts), with a
 * heartbeat every tick (10 ms).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_COMMIT_NOTICE_MS } from '../../src/node/raft-node.js';
import { TICK_MS, clustersStoppedAfterEach, VirtualCluster } from './virtual-cluster.js';

const cluster = clustersStoppedAfterEach(() => new VirtualCluster({ clusterId: 'commit-notice-test', epochMs: Date.UTC(2030, 0, 1), leaseGraceMs: 1_000, seed: 11 }));

describe('a command committed on an idle cluster', () => {
  it('is applied on every follower within the commit notice delay, before a heartbeat could carry it', async () => {
    expect(DEFAULT_COMMIT_NOTICE_MS * 2).toBeLessThan(TICK_MS);
    const c = cluster();
    await c.startAll();
    const leader = await c.leader();
    const followers = [...c.members.values()].filter((m) => m !== leader);
    for (let round = 0; round < 5; round++) {
      // Let a heartbeat tell the followers everything so far, then commit one command.
      await c.vt.advance(2 * TICK_MS);
      await c.propose(leader, { type: 'tick' });
      const committed = leader.node.status({ digest: false }).commitIndex;
      const start = c.vt.elapsedMs;
      await c.vt.until(() => (followers.every((f) => f.node.status({ digest: false }).appliedIndex >= committed) ? true : undefined), 'followers applied it', TICK_MS, 1);
      expect(c.vt.elapsedMs - start).toBeLessThanOrEqual(DEFAULT_COMMIT_NOTICE_MS + 1);
    }
  });
});
