/**
 * `RaftOptions.commitNotice`: with `deferred`, a leader does not send an empty append to tell
 * followers the commit index moved; the next append with entries or heartbeat carries it, or
 * `sendCommitNotice` when the driver asks. Followers still apply everything, later.
 */
import { describe, expect, it } from 'vitest';
import { Network, ofType } from './harness.js';

const TUNING = { electionTicks: 10, heartbeatTicks: 2 } as const;

function cluster(commitNotice: 'immediate' | 'deferred'): Network {
  const net = new Network({ size: 3, seed: 5, tuning: { ...TUNING, commitNotice } });
  net.electLeader('n1');
  net.commit('n1', 'warm');
  // Let the leader's own noop and `warm` reach every follower's state machine.
  net.raft('n1').sendCommitNotice();
  net.deliverAll();
  return net;
}

const appendsTo = (net: Network, from: number, to: string): number => ofType(net.sent.slice(from), 'append').filter((m) => m.to === to).length;

describe('deferred commit notices', () => {
  it('commit on the leader without an empty append; followers apply once told', () => {
    const net = cluster('deferred');
    const mark = net.sent.length;
    net.commit('n1', 'a');
    expect(net.applied('n1')).toContain('a');
    // One append per follower carried `a`; nothing told them it committed.
    expect(appendsTo(net, mark, 'n2')).toBe(1);
    expect(net.applied('n2')).not.toContain('a');
    expect(net.raft('n1').commitNoticePending()).toBe(true);

    net.raft('n1').sendCommitNotice();
    net.deliverAll();
    expect(net.applied('n2')).toContain('a');
    expect(net.applied('n3')).toContain('a');
    expect(net.raft('n1').commitNoticePending()).toBe(false);
  });

  it('the next append with entries carries the commit: no notice is owed after it', () => {
    const net = cluster('deferred');
    net.commit('n1', 'a');
    net.commit('n1', 'b');
    // b's append told the followers that a committed; only b's own commit is owed now.
    expect(net.applied('n2')).toContain('a');
    expect(net.applied('n2')).not.toContain('b');
    net.commit('n1', 'c');
    expect(net.applied('n3')).toEqual(expect.arrayContaining(['a', 'b']));
    expect(net.raft('n1').commitNoticePending()).toBe(true);
  });

  it('a heartbeat carries the commit when the driver never sends the notice', () => {
    const net = cluster('deferred');
    net.commit('n1', 'a');
    net.tick('n1', TUNING.heartbeatTicks);
    net.deliverAll();
    expect(net.applied('n2')).toContain('a');
    expect(net.applied('n3')).toContain('a');
    expect(net.raft('n1').commitNoticePending()).toBe(false);
    // Owed to no one: sending it now sends nothing.
    const mark = net.sent.length;
    net.raft('n1').sendCommitNotice();
    net.deliverAll();
    expect(net.sent.length).toBe(mark);
  });

  it('rounds committed one at a time cost half the appends of immediate notices', () => {
    const count = (mode: 'immediate' | 'deferred'): { appends: number; applied: string[] } => {
      const net = cluster(mode);
      const mark = net.sent.length;
      for (let i = 0; i < 10; i++) net.commit('n1', `j${i}`);
      const appends = appendsTo(net, mark, 'n2') + appendsTo(net, mark, 'n3');
      net.raft('n1').sendCommitNotice();
      net.deliverAll();
      return { appends, applied: net.applied('n2') };
    };
    const immediate = count('immediate');
    const deferred = count('deferred');
    expect(immediate.appends).toBe(40);
    expect(deferred.appends).toBe(20);
    expect(deferred.applied).toEqual(immediate.applied);
  });

  it('a follower owes nothing and sends nothing; a deposed leader drops what it owed', () => {
    const net = cluster('deferred');
    expect(net.raft('n2').commitNoticePending()).toBe(false);
    net.raft('n2').sendCommitNotice();
    net.commit('n1', 'a');
    expect(net.raft('n1').commitNoticePending()).toBe(true);
    net.isolate('n1');
    net.tickUntil(() => net.leaders().some((id) => id !== 'n1'), 200, ['n2', 'n3']);
    const next = net.leaders().find((id) => id !== 'n1') as string;
    net.heal();
    net.tick(next, TUNING.heartbeatTicks);
    net.deliverAll();
    net.raft(next).sendCommitNotice();
    net.deliverAll();
    expect(net.status('n1').role).toBe('follower');
    expect(net.raft('n1').commitNoticePending()).toBe(false);
    expect(net.applied('n1')).toContain('a');
  });
});

describe('immediate commit notices (the default)', () => {
  it('followers apply as soon as the round is delivered', () => {
    const net = cluster('immediate');
    net.commit('n1', 'a');
    expect(net.applied('n2')).toContain('a');
    expect(net.raft('n1').commitNoticePending()).toBe(false);
  });
});
