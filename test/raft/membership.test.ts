/**
 * One named test per rule of membership changes (thesis §4: one server at a time, learners,
 * removing the leader; §4.1 erratum), plus the incarnations the membership records and the
 * validation of changes and of memberships read from outside.
 */
import { describe, expect, it } from 'vitest';
import { applyChange, checkMembership, decodeMembership, encodeMembership, Raft } from '../../src/raft/index.js';
import type { ClusterMembership, MembershipChange, Message } from '../../src/raft/index.js';
import { SeededRandom } from '../../src/sim/index.js';
import { drain, msg, Network, stepAndCollect } from './harness.js';

const enc = new TextEncoder();

/**
 * n1 leads voters n1..n{size} and has committed one entry everywhere. `plain`: pre-vote and
 * check-quorum off, so another node can be elected at once (`electLeader`) while n1 is cut off.
 */
function cluster(size = 3, plain = false): Network {
  const net = new Network({ size, seed: 11, ...(plain ? { tuning: { preVote: false, checkQuorum: false } } : {}) });
  net.electLeader('n1');
  net.commit('n1', 'a');
  return net;
}

/** `id` starts with an empty disk and joins as a learner through `leader`. */
function addLearner(net: Network, leader: string, id: string): void {
  net.join(id);
  net.change(leader, { kind: 'addLearner', id });
}

/** Campaign messages (pre-votes and votes) `id` sent. */
const campaigns = (net: Network, id: string): Message[] => net.sent.filter((m) => m.from === id && (m.type === 'preVote' || m.type === 'vote'));

const progressOf = (net: Network, leader: string, id: string) => net.status(leader).progress.find((p) => p.id === id);

/** Voters and learners (the bootstrap membership lists no learners; a config entry lists them, maybe none). */
const ranks = (m: ClusterMembership) => ({ voters: m.voters, learners: m.learners ?? [] });

// ---------------------------------------------------------------------- learners

describe('adding a learner (thesis §4.2.1)', () => {
  it('receives the log from the start, and every node’s membership lists it as a learner', () => {
    const net = cluster();
    net.commit('n1', 'b');
    addLearner(net, 'n1', 'n4');
    net.commit('n1', 'c');
    expect(net.logIds('n4')).toEqual(net.logIds('n1'));
    expect(net.applied('n4')).toEqual(['a', 'b', 'c']);
    for (const id of net.ids) expect(net.membership(id)).toEqual({ voters: ['n1', 'n2', 'n3'], learners: ['n4'] });
  });

  it('never campaigns, even with no leader for many election timeouts', () => {
    const net = cluster();
    addLearner(net, 'n1', 'n4');
    net.crash('n1');
    net.tickAll(100, ['n4']);
    net.raft('n4').campaignNow();
    net.deliverAll();
    expect(campaigns(net, 'n4')).toEqual([]);
    expect(net.status('n4').role).toBe('follower');
  });

  it('its acknowledgement does not count toward a commit', () => {
    const net = cluster();
    addLearner(net, 'n1', 'n4');
    net.crash('n2');
    net.crash('n3');
    const commit = net.status('n1').commitIndex;
    const { index } = net.propose('n1', 'b') as { index: number };
    net.tickAll(5, ['n1', 'n4']);
    expect(progressOf(net, 'n1', 'n4')?.match).toBeGreaterThanOrEqual(index);
    expect(net.status('n1').commitIndex).toBe(commit);
  });
});

describe('a node outside the membership', () => {
  it('does not campaign: a node started with the membership { voters: [] } waits to be added', () => {
    const net = cluster();
    net.join('n4');
    net.tickAll(100, ['n4']);
    net.raft('n4').campaignNow();
    net.deliverAll();
    expect(campaigns(net, 'n4')).toEqual([]);
    expect(net.status('n4')).toMatchObject({ role: 'follower', membership: { voters: [] } });
  });
});

describe('a node that may not campaign', () => {
  it('lets its lease on the last leader end: after an election timeout without hearing from it, a learner answers vote requests', () => {
    // Whatever the number of ticks past the timeout (before, a learner renewed the lease at each of
    // its own timeouts and ignored a vote request just after one, even when its vote was needed).
    for (let ticks = 10; ticks <= 40; ticks++) {
      const rng = new SeededRandom(ticks);
      const r = new Raft({
        id: 'n2',
        membership: { voters: ['n1', 'n3'], learners: ['n2'] },
        random: () => rng.next(),
        electionTicks: 10,
        heartbeatTicks: 1,
        initial: { hardState: { term: 1, vote: null, commit: 0 }, snapshot: null, entries: [], applied: 0 },
      });
      stepAndCollect(r, msg.heartbeat('n1', 'n2', 1, 0));
      for (let i = 0; i < ticks; i++) {
        r.tick();
        drain(r);
      }
      expect(stepAndCollect(r, msg.vote('n3', 'n2', 2, 0, 0)), `${ticks} ticks`).toEqual([msg.voteResp('n2', 'n3', 2, true)]);
    }
  });
});

describe('promoting a learner', () => {
  it('counts toward the quorum from the moment the entry is appended: the entry that promotes it needs its acknowledgement', () => {
    const net = new Network({ size: 1, seed: 3 });
    net.electLeader('n1');
    net.commit('n1', 'a');
    addLearner(net, 'n1', 'n2');
    net.isolate('n2');
    const res = net.proposeChange('n1', { kind: 'promote', id: 'n2' });
    net.deliverAll();
    // n1 alone was a majority of { n1 }, not of { n1, n2 }.
    expect(res.ok && net.status('n1').commitIndex).toBe(res.ok ? res.index - 1 : -1);
    expect(net.membership('n1').voters).toEqual(['n1', 'n2']);
    net.heal();
    net.tickAll(2);
    expect(net.status('n1').commitIndex).toBe(res.ok ? res.index : -1);
  });

  it('counts toward the quorum from the moment the entry is appended: its acknowledgement commits with the leader where the old majority could not', () => {
    const net = cluster(2);
    addLearner(net, 'n1', 'n3');
    net.isolate('n2');
    const res = net.proposeChange('n1', { kind: 'promote', id: 'n3' });
    net.deliverAll();
    // { n1, n3 } is no majority of { n1, n2 }, and is one of { n1, n2, n3 }.
    expect(res.ok && net.status('n1').commitIndex).toBe(res.ok ? res.index : -1);
    net.commit('n1', 'b');
    expect(net.applied('n3').at(-1)).toBe('b');
  });
});

// ---------------------------------------------------------------------- removing

describe('removing a member', () => {
  it('a removed follower is sent nothing more, the remaining voters make the majority, and it cannot disrupt them', () => {
    const net = cluster();
    const term = net.status('n1').term;
    net.change('n1', { kind: 'remove', id: 'n3' });
    const sentBefore = net.sent.length;
    net.commit('n1', 'b');
    net.tickAll(50);
    expect(net.sent.slice(sentBefore).filter((m) => m.to === 'n3' && m.from === 'n1')).toEqual([]);
    expect(net.membership('n1')).toEqual({ voters: ['n1', 'n2'], learners: [] });
    expect(net.applied('n2').at(-1)).toBe('b');
    // It never learnt of its removal and campaigns, but pre-vote and leases keep the leader in office.
    expect(campaigns(net, 'n3').length).toBeGreaterThan(0);
    expect(net.status('n1')).toMatchObject({ role: 'leader', term });
    // Two of two now: without n2 nothing commits.
    net.isolate('n2');
    const commit = net.status('n1').commitIndex;
    net.propose('n1', 'c');
    net.tickAll(3, ['n1']);
    expect(net.status('n1').commitIndex).toBe(commit);
  });

  it('a removed learner is sent nothing more', () => {
    const net = cluster();
    addLearner(net, 'n1', 'n4');
    net.change('n1', { kind: 'remove', id: 'n4' });
    const sentBefore = net.sent.length;
    net.commit('n1', 'b');
    net.tickAll(5);
    expect(net.sent.slice(sentBefore).filter((m) => m.to === 'n4')).toEqual([]);
    expect(net.membership('n1')).toEqual({ voters: ['n1', 'n2', 'n3'], learners: [] });
  });

  it('the leader keeps leading until its removal commits, counting only the others, then steps down and a remaining voter leads at once (TimeoutNow, thesis §4.2.2)', () => {
    const net = cluster();
    const term = net.status('n1').term;
    // Hold back n3's acknowledgements: of { n2, n3 }, n2 alone is no majority, and n1 no longer counts.
    net.dropIf((m) => m.from === 'n3' && m.to === 'n1' && m.type === 'appendResp');
    const res = net.proposeChange('n1', { kind: 'remove', id: 'n1' });
    expect(res.ok).toBe(true);
    net.deliverAll();
    expect(net.status('n1')).toMatchObject({ role: 'leader', term, membership: { voters: ['n2', 'n3'] } });
    expect(net.status('n1').commitIndex).toBeLessThan(res.ok ? res.index : 0);
    // It still replicates proposals meanwhile.
    expect(net.propose('n1', 'b').ok).toBe(true);
    net.deliverAll();
    expect(net.logIds('n2')).toEqual(net.logIds('n1'));
    // Once n3 answers, the removal commits: n1 hands over without anyone waiting out a timeout.
    net.filter = null;
    net.tickAll(1, ['n1']);
    expect(net.sent.some((m) => m.type === 'timeoutNow' && m.from === 'n1')).toBe(true);
    const leaders = net.leaders();
    expect(leaders).toHaveLength(1);
    expect(['n2', 'n3']).toContain(leaders[0]);
    const now = leaders[0] as string;
    expect(net.status(now).term).toBe(term + 1);
    expect(net.status('n1').role).toBe('follower');
    // The new leader commits what the old one left, and the removed node never campaigns again.
    net.commit(now, 'c');
    expect(net.applied(now)).toEqual(['a', 'b', 'c']);
    const before = campaigns(net, 'n1').length;
    net.tickAll(60, ['n1']);
    expect(campaigns(net, 'n1').length).toBe(before);
  });
});

describe('a node whose removal is not committed yet (thesis §4.2.2)', () => {
  it('still campaigns, without counting its own vote: a leader that removed itself from two voters and lost leadership does not stall the cluster', () => {
    const net = cluster(2);
    // Cut off from n2, n1 goes on appending, then removes itself: n2's log falls behind n1's.
    net.cut('n1', 'n2');
    net.propose('n1', 'b');
    expect(net.proposeChange('n1', { kind: 'remove', id: 'n1' }).ok).toBe(true);
    net.deliverAll();
    // Check-quorum: n2, the only voter of n1's latest configuration, is silent.
    net.tickUntil(() => net.status('n1').role !== 'leader', 40, ['n1']);
    net.heal();
    // n2 cannot win (n1's log is ahead); n1 wins by n2's vote alone, commits its removal, and hands over.
    net.tickUntil(() => net.leaders()[0] === 'n2' && net.status('n2').commitIndex === net.status('n2').lastLogIndex, 200);
    expect(ranks(net.membership('n2'))).toEqual({ voters: ['n2'], learners: [] });
    expect(net.applied('n2')).toEqual(['a', 'b']);
    expect(net.sent.some((m) => m.from === 'n1' && m.type === 'vote')).toBe(true);
  });
});

// ---------------------------------------------------------------------- one at a time

describe('one change at a time (thesis §4.1)', () => {
  it('a change is refused (pending) while the one before is not committed', () => {
    const net = cluster();
    net.join('n4');
    net.join('n5');
    net.isolate('n2');
    net.isolate('n3');
    expect(net.proposeChange('n1', { kind: 'addLearner', id: 'n4' }).ok).toBe(true);
    net.deliverAll();
    expect(net.proposeChange('n1', { kind: 'addLearner', id: 'n5' })).toMatchObject({ ok: false, reason: 'pending', leaderId: 'n1' });
    net.heal();
    net.tickAll(2);
    expect(net.proposeChange('n1', { kind: 'addLearner', id: 'n5' }).ok).toBe(true);
  });

  it('a new leader refuses a change (not-ready) until it has committed an entry of its term', () => {
    const net = cluster();
    addLearner(net, 'n1', 'n4');
    // n2 takes over, but nobody acknowledges its first entry.
    net.dropIf((m) => m.to === 'n2' && m.type === 'appendResp');
    expect(net.raft('n1').transferLeadership('n2')).toBe(true);
    net.deliverAll();
    expect(net.leaders()).toEqual(['n2']);
    expect(net.proposeChange('n2', { kind: 'promote', id: 'n4' })).toMatchObject({ ok: false, reason: 'not-ready', leaderId: 'n2' });
    net.filter = null;
    net.tickAll(1);
    expect(net.proposeChange('n2', { kind: 'promote', id: 'n4' }).ok).toBe(true);
  });

  describe('why: the thesis §4.1 erratum', () => {
    /**
     * Voters n1..n4 with learners n5 and n6. n1 (term 1) promotes n5, only n5 and n6 get that entry
     * (C1: n1..n5), and n1 crashes. n2, cut off from n5 and n6, is to be elected in term 2 under C0
     * (n1..n4). Pre-vote and check-quorum are off so the votes follow Figure 2 alone.
     */
    function erratum(): Network {
      const net = new Network({ size: 4, seed: 21, tuning: { preVote: false, checkQuorum: false } });
      net.electLeader('n1');
      net.commit('n1', 'a');
      addLearner(net, 'n1', 'n5');
      addLearner(net, 'n1', 'n6');
      for (const other of ['n2', 'n3', 'n4']) net.cut('n1', other);
      net.change('n1', { kind: 'promote', id: 'n5' });
      expect(net.membership('n5').voters).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
      expect(net.membership('n2').voters).toEqual(['n1', 'n2', 'n3', 'n4']);
      net.crash('n1');
      net.heal();
      for (const other of ['n5', 'n6']) net.cut('n2', other);
      return net;
    }

    /** n1 restarts and campaigns (twice at most: n4 voted for n2 in term 2) with only n4 and n5 reachable. */
    function n1Campaigns(net: Network): void {
      net.restart('n1');
      net.heal();
      net.filter = null;
      for (const other of ['n2', 'n3', 'n6']) net.isolate(other);
      for (let i = 0; i < 2 && net.status('n1').role !== 'leader'; i++) {
        net.raft('n1').campaignNow();
        net.deliverAll();
      }
    }

    it('a leader that has not committed in its term may hold a configuration a leader of another one overrules: n2 is refused', () => {
      const net = erratum();
      // n2's first entry reaches n3 only: no majority of C0.
      net.dropIf((m) => m.from === 'n2' && m.to === 'n4' && m.type === 'append');
      net.electLeader('n2');
      expect(net.status('n2').commitIndex).toBeLessThan(net.status('n2').lastLogIndex);
      expect(net.proposeChange('n2', { kind: 'promote', id: 'n6' })).toMatchObject({ ok: false, reason: 'not-ready' });
      // Had n2 promoted n6 (C2: n1..n4, n6), n2, n3 and n6 would have committed it. Yet n1 still wins
      // an election through n4 and n5, a majority of C1, and its log would overwrite C2.
      n1Campaigns(net);
      expect(net.status('n1')).toMatchObject({ role: 'leader', membership: { voters: ['n1', 'n2', 'n3', 'n4', 'n5'] } });
      expect(net.status('n1').term).toBeGreaterThan(2);
    });

    it('once the new leader has committed an entry of its term, the change is accepted and the old configuration can no longer win', () => {
      const net = erratum();
      net.electLeader('n2');
      // n2's first entry is on n2, n3 and n4: a majority of C0, and n4 now holds a term-2 entry.
      expect(net.status('n2').commitIndex).toBe(net.status('n2').lastLogIndex);
      expect(net.proposeChange('n2', { kind: 'promote', id: 'n6' }).ok).toBe(true);
      net.deliverAll();
      n1Campaigns(net);
      expect(net.status('n1').role).not.toBe('leader');
    });
  });
});

// ---------------------------------------------------------------------- log and snapshots

describe('membership is replicated state', () => {
  it('a config entry cut off by a new leader reverts the membership, on the old leader and on a follower that held it', () => {
    const net = cluster(5, true);
    net.join('n6');
    // Only n2 gets n1's change; n1 is then cut off and n3 leads with n4 and n5.
    for (const other of ['n3', 'n4', 'n5']) net.cut('n1', other);
    net.dropIf((m) => m.to === 'n1' && m.type === 'appendResp');
    expect(net.proposeChange('n1', { kind: 'addLearner', id: 'n6' }).ok).toBe(true);
    net.deliverAll();
    for (const id of ['n1', 'n2']) expect(net.membership(id).learners).toEqual(['n6']);
    net.filter = null;
    net.isolate('n1');
    net.isolate('n2');
    net.electLeader('n3');
    net.commit('n3', 'b');
    net.heal();
    net.tickAll(3);
    for (const id of ['n1', 'n2', 'n3']) {
      expect(ranks(net.membership(id)), id).toEqual({ voters: ['n1', 'n2', 'n3', 'n4', 'n5'], learners: [] });
      expect(net.applied(id), id).toEqual(['a', 'b']);
    }
  });

  it('survives a restart, from the config entries in the log', () => {
    const net = cluster();
    addLearner(net, 'n1', 'n4');
    net.change('n1', { kind: 'remove', id: 'n3' });
    const want = { voters: ['n1', 'n2'], learners: ['n4'] };
    for (const id of ['n1', 'n2', 'n4']) {
      net.crash(id);
      net.restart(id);
      expect(net.membership(id), id).toEqual(want);
    }
    net.tickUntil(() => net.leaders().length === 1, 100);
    net.commit(net.leaders()[0] as string, 'b');
    expect(net.applied('n4').at(-1)).toBe('b');
  });

  it('a snapshot carries the membership as of its index, not the latest (compact and snapshotMeta)', () => {
    const net = cluster();
    addLearner(net, 'n1', 'n4');
    const learnerAt = net.status('n1').commitIndex;
    net.change('n1', { kind: 'promote', id: 'n4' });
    const voterAt = net.status('n1').commitIndex;
    net.commit('n1', 'b');
    const raft = net.raft('n1');
    expect(raft.snapshotMeta(learnerAt).membership).toEqual({ voters: ['n1', 'n2', 'n3'], learners: ['n4'] });
    expect(raft.snapshotMeta(voterAt).membership).toEqual({ voters: ['n1', 'n2', 'n3', 'n4'], learners: [] });
    expect(net.compact('n1', learnerAt).meta.membership).toEqual({ voters: ['n1', 'n2', 'n3'], learners: ['n4'] });
    // Compacting below a later config entry leaves it in force, and a restart finds it again.
    expect(net.membership('n1').voters).toEqual(['n1', 'n2', 'n3', 'n4']);
    net.crash('n1');
    net.restart('n1');
    expect(net.membership('n1').voters).toEqual(['n1', 'n2', 'n3', 'n4']);
  });

  it('a follower that installs a snapshot takes its membership, then the config entries after it', () => {
    const net = cluster();
    net.isolate('n3');
    addLearner(net, 'n1', 'n4');
    const snapAt = net.status('n1').commitIndex;
    net.commit('n1', 'b');
    net.change('n1', { kind: 'promote', id: 'n4' });
    net.tickAll(1);
    net.compact('n1', snapAt, snapAt + 1);
    net.compact('n2', snapAt, snapAt + 1);
    net.heal();
    net.tickAll(3);
    expect(net.node('n3').snapshotsInstalled.map((s) => s.meta.membership)).toEqual([{ voters: ['n1', 'n2', 'n3'], learners: ['n4'] }]);
    expect(net.membership('n3')).toEqual({ voters: ['n1', 'n2', 'n3', 'n4'], learners: [] });
    expect(net.applied('n3')).toEqual(['a', 'b']);
  });

  it('a follower that installs a snapshot forgets the config entries of the log it discards', () => {
    // n3 holds a long uncommitted tail from n1's term, ending in a config entry, past the index of
    // the snapshot the next leader sends it.
    const net = cluster(5, true);
    net.join('n6');
    for (const other of ['n2', 'n4', 'n5']) net.cut('n1', other);
    net.dropIf((m) => m.to === 'n1' && m.type === 'appendResp');
    for (let i = 0; i < 6; i++) net.propose('n1', `stale${i}`);
    expect(net.proposeChange('n1', { kind: 'addLearner', id: 'n6' }).ok).toBe(true);
    net.deliverAll();
    expect(net.membership('n3').learners).toEqual(['n6']);
    const staleEnd = net.status('n3').lastLogIndex;
    net.filter = null;
    net.isolate('n1');
    net.isolate('n3');
    net.electLeader('n2');
    net.commit('n2', 'b', 'c', 'd');
    const snapAt = net.status('n2').commitIndex - 1;
    expect(snapAt).toBeLessThan(staleEnd);
    net.compact('n2', snapAt);
    // n3 gets the snapshot; what follows it is held back, so n3's membership is the snapshot's alone.
    let installed = false;
    net.filter = (m) => {
      if (m.to === 'n3' && m.type === 'snapshot') installed = true;
      return installed && m.to === 'n3' && m.type === 'append' ? null : m;
    };
    net.heal();
    net.isolate('n1');
    net.tickAll(4);
    expect(net.node('n3').snapshotsInstalled.map((s) => s.meta.index)).toEqual([snapAt]);
    expect(ranks(net.membership('n3'))).toEqual({ voters: ['n1', 'n2', 'n3', 'n4', 'n5'], learners: [] });
  });
});

// ---------------------------------------------------------------------- voters only

describe('only voters count', () => {
  /** Voters n1..n3 and learners n4, n5, all caught up; then n2 and n3 crash. */
  function votersDown(): Network {
    const net = cluster();
    addLearner(net, 'n1', 'n4');
    addLearner(net, 'n1', 'n5');
    net.tickAll(2);
    net.crash('n2');
    net.crash('n3');
    return net;
  }

  it('check-quorum: a leader that hears only from learners steps down', () => {
    const net = votersDown();
    net.tickAll(30, ['n1', 'n4', 'n5']);
    expect(net.status('n1').role).not.toBe('leader');
  });

  it('ReadIndex: learners’ heartbeat acknowledgements confirm no read', () => {
    const net = votersDown();
    const res = net.raft('n1').readIndex();
    net.tickAll(3, ['n1', 'n4', 'n5']);
    expect(net.node('n1').readStates).toEqual([]);
    net.restart('n2');
    net.tickAll(2, ['n1', 'n2', 'n4', 'n5']);
    expect(net.node('n1').readStates.map((r) => r.context)).toEqual([res.ok ? res.context : -1]);
  });

  it('transferLeadership never targets a learner', () => {
    const net = cluster();
    addLearner(net, 'n1', 'n4');
    const sentBefore = net.sent.length;
    expect(net.raft('n1').transferLeadership('n4')).toBe(false);
    net.tickAll(3);
    expect(net.sent.slice(sentBefore).some((m) => m.type === 'timeoutNow')).toBe(false);
    expect(net.propose('n1', 'b').ok).toBe(true);
  });
});

// ---------------------------------------------------------------------- incarnations

describe('incarnations in the membership', () => {
  it('a learner added with its incarnation is refused when it answers from another data directory', () => {
    const net = cluster();
    net.join('n4', { incarnation: 41 });
    net.change('n1', { kind: 'addLearner', id: 'n4', incarnation: 40 });
    net.tickAll(3);
    expect(progressOf(net, 'n1', 'n4')).toMatchObject({ refused: true, match: 0 });
    expect(net.log('n4')).toEqual([]);
  });

  it('a learner added without one is bound by the leader the first time it answers', () => {
    const net = cluster();
    net.join('n4', { incarnation: 41 });
    net.change('n1', { kind: 'addLearner', id: 'n4' });
    net.tickAll(3);
    expect(net.membership('n1').incarnations).toEqual({ n4: 41 });
    expect(net.membership('n4').incarnations).toEqual({ n4: 41 });
    expect(progressOf(net, 'n1', 'n4')?.refused).toBe(false);
  });

  it('a member whose id is also a name on Object.prototype (constructor) is bound too', () => {
    const net = new Network({ size: 3, seed: 11, tuning: { incarnation: 5 } });
    net.electLeader('n1');
    net.tickAll(4);
    expect(net.membership('n1').incarnations).toEqual({ n1: 5, n2: 5, n3: 5 });
    net.join('constructor', { incarnation: 9 });
    net.change('n1', { kind: 'addLearner', id: 'constructor' });
    net.tickAll(3);
    expect(net.membership('n1').incarnations).toEqual({ constructor: 9, n1: 5, n2: 5, n3: 5 });
  });

  it('leadership is not transferred to a refused voter (it would never catch up)', () => {
    const net = new Network({ size: 3, seed: 11, nodeTuning: { n1: { incarnation: 1 }, n2: { incarnation: 2 }, n3: { incarnation: 3 } } });
    net.electLeader('n1');
    net.tickAll(4);
    net.wipe('n3', 4);
    net.tickAll(2);
    expect(progressOf(net, 'n1', 'n3')?.refused).toBe(true);
    expect(net.raft('n1').transferLeadership('n3')).toBe(false);
    expect(net.raft('n1').transferLeadership('n2')).toBe(true);
  });
});

// ---------------------------------------------------------------------- validation

describe('applyChange', () => {
  const m: ClusterMembership = { voters: ['n1', 'n2'], learners: ['n3'], incarnations: { n1: 7 } };
  it.each<[string, ClusterMembership, MembershipChange, string]>([
    ['adding a voter', m, { kind: 'addLearner', id: 'n1' }, 'n1 is already a member'],
    ['adding a learner again', m, { kind: 'addLearner', id: 'n3' }, 'n3 is already a member'],
    ['adding an empty id', m, { kind: 'addLearner', id: '' }, 'learners must be a list of ids'],
    ['adding with a fractional incarnation', m, { kind: 'addLearner', id: 'n4', incarnation: 1.5 }, 'an incarnation is a positive integer'],
    ['adding with a negative incarnation', m, { kind: 'addLearner', id: 'n4', incarnation: -1 }, 'an incarnation is a positive integer'],
    ['promoting a voter', m, { kind: 'promote', id: 'n1' }, 'n1 is already a voter'],
    ['promoting a stranger', m, { kind: 'promote', id: 'n9' }, 'n9 is not a member'],
    ['removing a stranger', m, { kind: 'remove', id: 'n9' }, 'n9 is not a member'],
    ['removing the last voter', { voters: ['n1'], learners: ['n2'] }, { kind: 'remove', id: 'n1' }, 'n1 is the last voter'],
    ['binding a stranger', m, { kind: 'bind', id: 'n9', incarnation: 3 }, 'n9 is not a member'],
    ['binding 0', m, { kind: 'bind', id: 'n2', incarnation: 0 }, 'an incarnation is a positive integer'],
    ['binding a fraction', m, { kind: 'bind', id: 'n2', incarnation: 2.5 }, 'an incarnation is a positive integer'],
  ])('refuses %s', (_what, from, change, why) => {
    expect(applyChange(from, change)).toBe(why);
  });

  it.each<[string, MembershipChange, ClusterMembership]>([
    ['adds a learner with its address and incarnation', { kind: 'addLearner', id: 'n4', address: 'h4:7000', incarnation: 4 }, { voters: ['n1', 'n2'], learners: ['n3', 'n4'], addresses: { n4: 'h4:7000' }, incarnations: { n1: 7, n4: 4 } }],
    ['adds a learner with incarnation 0 as one without', { kind: 'addLearner', id: 'n4', incarnation: 0 }, { voters: ['n1', 'n2'], learners: ['n3', 'n4'], incarnations: { n1: 7 } }],
    ['promotes a learner', { kind: 'promote', id: 'n3' }, { voters: ['n1', 'n2', 'n3'], learners: [], incarnations: { n1: 7 } }],
    ['removes a voter and what the membership recorded for it', { kind: 'remove', id: 'n1' }, { voters: ['n2'], learners: ['n3'] }],
    ['binds an incarnation', { kind: 'bind', id: 'n3', incarnation: 3 }, { voters: ['n1', 'n2'], learners: ['n3'], incarnations: { n1: 7, n3: 3 } }],
  ])('%s', (_what, change, want) => {
    expect(applyChange(m, change)).toEqual(want);
  });

  it('a leader answers an invalid change with the reason and appends nothing', () => {
    const net = cluster();
    const last = net.status('n1').lastLogIndex;
    expect(net.proposeChange('n1', { kind: 'addLearner', id: 'n2' })).toEqual({ ok: false, reason: 'invalid', leaderId: 'n1', detail: 'n2 is already a member' });
    expect(net.proposeChange('n1', { kind: 'addLearner', id: 'n4', incarnation: 0.5 })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(net.status('n1').lastLogIndex).toBe(last);
    expect(net.proposeChange('n2', { kind: 'addLearner', id: 'n4' })).toEqual({ ok: false, reason: 'not-leader', leaderId: 'n1' });
  });
});

describe('checkMembership and the config entry encoding', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'not an object'],
    ['a number', 5, 'not an object'],
    ['an array', [], 'not an object'],
    ['voters not a list', { voters: 'n1' }, 'voters must be a list of ids'],
    ['an empty id', { voters: ['n1', ''] }, 'voters must be a list of ids'],
    ['a non-string id', { voters: ['n1'], learners: [2] }, 'learners must be a list of ids'],
    ['an id twice', { voters: ['n1'], learners: ['n1'] }, 'an id appears twice'],
    ['addresses not an object', { voters: ['n1'], addresses: ['x'] }, 'addresses must be an object'],
    ['an address of a stranger', { voters: ['n1'], addresses: { n2: 'h:1' } }, 'addresses names n2, not a member'],
    ['an address not a string', { voters: ['n1'], addresses: { n1: 1 } }, 'addresses.n1 is malformed'],
    ['an incarnation not a number', { voters: ['n1'], incarnations: { n1: '1' } }, 'incarnations.n1 is malformed'],
    ['an incarnation 0', { voters: ['n1'], incarnations: { n1: 0 } }, 'incarnations.n1 is malformed'],
    ['an incarnation beyond safe integers', { voters: ['n1'], incarnations: { n1: 2 ** 60 } }, 'incarnations.n1 is malformed'],
  ])('refuses %s', (_what, raw, why) => {
    expect(checkMembership(raw)).toBe(why);
  });

  it('canonicalises: learners default to none, records sorted by id, empty records dropped', () => {
    expect(checkMembership({ voters: ['n2', 'n1'], addresses: {}, incarnations: { n2: 2, n1: 1 } })).toEqual({ voters: ['n2', 'n1'], learners: [], incarnations: { n1: 1, n2: 2 } });
    expect(JSON.stringify(checkMembership({ voters: ['n2', 'n1'], incarnations: { n2: 2, n1: 1 } }))).toBe('{"voters":["n2","n1"],"learners":[],"incarnations":{"n1":1,"n2":2}}');
  });

  it('a config entry decodes to the membership encoded, and a malformed one throws', () => {
    const m = { voters: ['n1', 'n2'], learners: ['n3'], addresses: { n3: 'h3:1' }, incarnations: { n1: 1 } };
    expect(decodeMembership(encodeMembership(m))).toEqual(m);
    expect(() => decodeMembership(enc.encode('{"voters":["n1","n1"]}'))).toThrow('raft: malformed config entry: an id appears twice');
  });
});
