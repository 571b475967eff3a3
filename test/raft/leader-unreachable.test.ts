/**
 * `Raft.leaderUnreachable`: the transport saw the stream to a follower's leader break (a killed
 * process's sockets close at once). The follower campaigns (pre-vote) within a few ticks instead of
 * an election timeout; a voter still hearing from the leader refuses such a pre-vote (thesis
 * §4.2.3), one that lost the leader too grants it; a pre-vote that fails changes no term (§9.6).
 */
import { describe, expect, it } from 'vitest';
import type { Raft } from '../../src/raft/index.js';
import { makeRaft, msg, Network, ofType, stepAndCollect, drain, messagesOf } from './harness.js';

const VOTERS = ['n1', 'n2', 'n3'] as const;
const TUNING = { electionTicks: 10, heartbeatTicks: 2 };

/** A follower of `n1` in term 1, which has just heard a heartbeat from it. */
function followerOfN1(id: string): Raft {
  const r = makeRaft(id, VOTERS, { term: 1, log: [1], commit: 1 }, TUNING);
  stepAndCollect(r, msg.heartbeat('n1', id, 1, 1));
  expect(r.status()).toMatchObject({ role: 'follower', leaderId: 'n1', term: 1 });
  return r;
}

/** Ticks `r` until it sends a pre-vote; returns the ticks taken, or null if none within `max`. */
function ticksToPreVote(r: Raft, max: number): number | null {
  for (let i = 1; i <= max; i++) {
    r.tick();
    if (ofType(messagesOf(drain(r)), 'preVote').length > 0) return i;
  }
  return null;
}

/** n1 leads term 2 of a three-node cluster (heartbeat every 2 ticks) and has committed `a`. */
function clusterLedByN1(): Network {
  const net = new Network({ size: 3, seed: 3, tuning: TUNING });
  net.electLeader('n1');
  net.commit('n1', 'a');
  return net;
}

describe('a follower told its leader is unreachable', () => {
  it('starts a pre-vote within a few ticks, well before its election timeout, without changing its term', () => {
    const r = followerOfN1('n2');
    r.leaderUnreachable('n1');
    expect(r.status().leaderId).toBeNull();
    // n2 ranks first among the survivors n2, n3: one tick plus a random part of a heartbeat interval.
    const ticks = ticksToPreVote(r, TUNING.electionTicks);
    expect(ticks).not.toBeNull();
    expect(ticks).toBeLessThanOrEqual(1 + TUNING.heartbeatTicks);
    expect(r.status()).toMatchObject({ role: 'preCandidate', term: 1, vote: null });
  });

  it('waits a heartbeat interval longer when it ranks second among the survivors, so the two do not split the vote', () => {
    const r = followerOfN1('n3');
    r.leaderUnreachable('n1');
    const ticks = ticksToPreVote(r, TUNING.electionTicks);
    expect(ticks).toBeGreaterThan(TUNING.heartbeatTicks);
    expect(ticks).toBeLessThanOrEqual(1 + 2 * TUNING.heartbeatTicks);
  });

  it('does not campaign early when the leader is heard from again before the pre-vote starts', () => {
    const r = followerOfN1('n3');
    r.leaderUnreachable('n1');
    r.tick();
    stepAndCollect(r, msg.heartbeat('n1', 'n3', 1, 1));
    expect(r.status().leaderId).toBe('n1');
    expect(ticksToPreVote(r, TUNING.electionTicks - 1)).toBeNull();
  });

  it('ignores a report about a peer that is not its leader', () => {
    const r = followerOfN1('n2');
    r.leaderUnreachable('n3');
    expect(r.status().leaderId).toBe('n1');
    expect(ticksToPreVote(r, TUNING.electionTicks - 1)).toBeNull();
  });

  it('ignores the report without pre-vote or check-quorum, where an early campaign could depose a live leader', () => {
    for (const off of [{ preVote: false }, { checkQuorum: false }]) {
      const r = makeRaft('n2', VOTERS, { term: 1, log: [1], commit: 1 }, { ...TUNING, ...off });
      stepAndCollect(r, msg.heartbeat('n1', 'n2', 1, 1));
      r.leaderUnreachable('n1');
      expect(r.status().leaderId).toBe('n1');
      for (let i = 0; i < TUNING.electionTicks - 1; i++) r.tick();
      expect(r.status().role).toBe('follower');
    }
  });
});

describe('a voter asked for a pre-vote by a follower whose stream to the leader broke', () => {
  it('refuses while it still hears from its leader, and grants once its own stream to the leader broke too', () => {
    const r = followerOfN1('n3');
    // Still in its lease on n1: the request is dropped unanswered (thesis §4.2.3).
    expect(stepAndCollect(r, msg.vote('n2', 'n3', 2, 1, 1, true))).toEqual([]);
    // A broken stream to another peer changes nothing.
    r.leaderUnreachable('n2');
    expect(stepAndCollect(r, msg.vote('n2', 'n3', 2, 1, 1, true))).toEqual([]);
    r.leaderUnreachable('n1');
    const out = ofType(stepAndCollect(r, msg.vote('n2', 'n3', 2, 1, 1, true)), 'preVoteResp');
    expect(out).toEqual([expect.objectContaining({ to: 'n2', term: 2, granted: true })]);
    // Granting a pre-vote changes neither term nor vote.
    expect(r.status()).toMatchObject({ term: 1, vote: null });
  });
});

describe('the leader crashes and its followers see their streams to it break', () => {
  it('a successor is elected within a few ticks, in the next term, with the committed entry', () => {
    const net = clusterLedByN1();
    const term = net.status('n1').term;
    net.crash('n1');
    net.raft('n2').leaderUnreachable('n1');
    net.raft('n3').leaderUnreachable('n1');
    const ticks = net.tickUntil(() => net.leaders().length === 1, TUNING.electionTicks);
    expect(ticks).toBeLessThanOrEqual(1 + TUNING.heartbeatTicks);
    const [leader] = net.leaders();
    expect(net.status(leader as string).term).toBe(term + 1);
    expect(net.applied(leader as string)).toEqual(['a']);
  });

  it('without the signal, the survivors wait out an election timeout (the case above is faster only through it)', () => {
    const net = clusterLedByN1();
    net.crash('n1');
    const ticks = net.tickUntil(() => net.leaders().length === 1, 4 * TUNING.electionTicks);
    expect(ticks).toBeGreaterThanOrEqual(TUNING.electionTicks);
  });
});

describe('a follower whose stream to a live leader broke', () => {
  it('cannot depose it: its pre-vote fails unanswered, no term changes, and it follows the leader again', () => {
    const net = clusterLedByN1();
    const term = net.status('n1').term;
    // Hold the leader's messages to n2 back until n2 has started its pre-vote.
    net.cut('n1', 'n2');
    net.raft('n2').leaderUnreachable('n1');
    net.tickUntil(() => net.status('n2').role === 'preCandidate', TUNING.electionTicks - 1);
    net.tickAll(2);
    expect(net.delivered.filter((m) => m.type === 'preVote' && m.from === 'n2').length).toBeGreaterThan(0);
    expect(net.delivered.filter((m) => m.type === 'preVoteResp' && m.to === 'n2')).toEqual([]);
    net.heal();
    net.tickAll(2 * TUNING.heartbeatTicks);
    for (const id of net.ids) expect(net.status(id)).toMatchObject({ term, leaderId: 'n1' });
    expect(net.status('n1').role).toBe('leader');
    expect(net.status('n2').role).toBe('follower');
    net.commit('n1', 'b');
    expect(net.applied('n2')).toEqual(['a', 'b']);
  });
});
