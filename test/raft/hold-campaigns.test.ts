/**
 * `Raft.holdCampaigns`: a node still rebuilding its state machine at start must not lead it
 * empty. While held it starts no pre-vote or election of its own, but votes, so the others elect a
 * leader without it; released, it campaigns as any follower.
 */
import { describe, expect, it } from 'vitest';
import { Network } from './harness.js';

const TUNING = { electionTicks: 10, heartbeatTicks: 2 } as const;

/** n1 leads a three-node cluster and has committed an entry; n2 holds its campaigns. */
function ledByN1WithN2Held(): Network {
  const net = new Network({ size: 3, seed: 9, tuning: TUNING });
  net.electLeader('n1');
  net.commit('n1', 'a');
  net.raft('n2').holdCampaigns(true);
  return net;
}

describe('a node holding its campaigns', () => {
  it('starts no pre-vote past its election timeout, and campaigns once released', () => {
    const net = ledByN1WithN2Held();
    net.isolate('n1');
    net.isolate('n3');
    const mark = net.sent.length;
    for (let i = 0; i < 5 * TUNING.electionTicks; i++) {
      net.tick('n2');
      net.deliverAll();
    }
    expect(net.sent.slice(mark).filter((m) => m.from === 'n2' && (m.type === 'preVote' || m.type === 'vote'))).toEqual([]);
    expect(net.status('n2').role).toBe('follower');

    net.raft('n2').holdCampaigns(false);
    const released = net.sent.length;
    for (let i = 0; i < 2 * TUNING.electionTicks; i++) {
      net.tick('n2');
      net.deliverAll();
    }
    expect(net.sent.slice(released).some((m) => m.from === 'n2' && m.type === 'preVote')).toBe(true);
  });

  it('still votes, so the others elect a leader without it when the old one is gone', () => {
    const net = ledByN1WithN2Held();
    net.isolate('n1');
    net.tickUntil(() => net.leaders().some((id) => id !== 'n1'), 200, ['n2', 'n3']);
    expect(net.leaders().filter((id) => id !== 'n1')).toEqual(['n3']);
    // The new leader commits with the held node's acknowledgements.
    net.commit('n3', 'b');
    net.raft('n3').sendCommitNotice();
    net.deliverAll();
    expect(net.applied('n3')).toContain('b');
  });

  it('ignores a leadership transfer to it while held', () => {
    const net = ledByN1WithN2Held();
    net.raft('n1').transferLeadership('n2');
    net.deliverAll();
    expect(net.status('n2').role).toBe('follower');
    expect(net.leaders()).toEqual(['n1']);
  });
});
