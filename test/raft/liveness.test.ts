/**
 * Liveness rules of the core, each in its plainest form: a follower that lost its disk under a
 * stable leader rejoins, from scratch while the membership records no incarnation for it, and only
 * once removed and added again after it does (late replies from its old disk notwithstanding); a
 * snapshot whose reply was lost resumes at the next heartbeat reply; a leader whose own disk is slow
 * keeps heartbeating and commits on its followers' acks (thesis §10.2.1).
 */
import { describe, expect, it } from 'vitest';
import type { Message, ProgressStatus, Raft, Ready } from '../../src/raft/index.js';
import { drain, makeRaft, msg, Network, stepAndCollect } from './harness.js';

const enc = new TextEncoder();

const DISKS = { n1: { incarnation: 11 }, n2: { incarnation: 22 }, n3: { incarnation: 33 } };

/**
 * n1 leads and has replicated a..d everywhere. The leader was never ticked, so it has had no
 * heartbeat round in which to bind incarnations: the membership records none yet.
 */
function replicatedUnbound(): Network {
  const net = new Network({ size: 3, seed: 5, nodeTuning: DISKS });
  net.electLeader('n1');
  net.commit('n1', 'a', 'b', 'c', 'd');
  expect(net.applied('n3')).toEqual(['a', 'b', 'c', 'd']);
  expect(net.membership('n1').incarnations).toBeUndefined();
  return net;
}

/** As {@link replicatedUnbound}, then heartbeat rounds until every node's membership records every incarnation. */
function replicatedBound(): Network {
  const net = replicatedUnbound();
  const all = { n1: 11, n2: 22, n3: 33 };
  net.tickUntil(() => net.ids.every((id) => JSON.stringify(net.membership(id).incarnations) === JSON.stringify(all)), 20);
  return net;
}

const progressOf = (net: Network, leader: string, id: string): ProgressStatus | undefined => net.status(leader).progress.find((p) => p.id === id);

describe('a follower that lost its disk under a stable leader, before the membership records its incarnation', () => {
  it('is replicated to from the start again, and catches up without a leader change', () => {
    const net = replicatedUnbound();
    const term = net.status('n1').term;
    net.wipe('n3', 34);
    // New work first (the leader has not bound n3's incarnation yet), then heartbeats.
    net.commit('n1', 'e');
    expect(net.applied('n3')).toEqual(['a', 'b', 'c', 'd', 'e']);
    net.tickAll(5);
    net.commit('n1', 'f');
    expect(net.applied('n3')).toEqual(net.applied('n1'));
    expect(net.logIds('n3')).toEqual(net.logIds('n1'));
    expect(net.status('n1')).toMatchObject({ role: 'leader', term });
    expect(progressOf(net, 'n1', 'n3')).toMatchObject({ match: net.status('n1').lastLogIndex, refused: false });
    // The heartbeat rounds bound the incarnation it came back with.
    expect(net.membership('n1').incarnations).toEqual({ n1: 11, n2: 22, n3: 34 });
  });

  it('drops what the leader recorded as matched at once, so no heartbeat vouches for entries the node no longer has', () => {
    const net = replicatedUnbound();
    expect(progressOf(net, 'n1', 'n3')?.match).toBeGreaterThan(0);
    net.wipe('n3', 34);
    const heartbeats: Message[] = [];
    // Hold the leader's appends back so the reset is visible on its own.
    net.filter = (m) => {
      if (m.from === 'n1' && m.to === 'n3' && m.type === 'append') return null;
      if (m.from === 'n1' && m.to === 'n3' && m.type === 'heartbeat') heartbeats.push(m);
      return m;
    };
    net.tickAll(4);
    expect(progressOf(net, 'n1', 'n3')?.match).toBe(0);
    const last = heartbeats.at(-1);
    expect(last?.type === 'heartbeat' ? last.commit : -1).toBe(0);
  });

  it('ignores a late reply from the disk the follower had before', () => {
    const net = replicatedUnbound();
    const leader = net.raft('n1');
    net.wipe('n3', 34);
    net.commit('n1', 'x');
    expect(net.applied('n3').at(-1)).toBe('x');
    net.filter = (m) => (m.from === 'n1' && m.to === 'n3' ? null : m);
    net.commit('n1', 'y');
    const lastIndex = net.status('n1').lastLogIndex;
    // A reply from the old data directory vouching for everything: it must not count.
    leader.step({ type: 'appendResp', from: 'n3', to: 'n1', term: net.status('n1').term, success: true, index: lastIndex, hintIndex: 0, hintTerm: 0, incarnation: 33 });
    net.deliverAll();
    expect(progressOf(net, 'n1', 'n3')?.match).toBeLessThan(lastIndex);
  });

  it('keeps the old behaviour for nodes that report no incarnation (0), and binds none', () => {
    const net = new Network({ size: 3, seed: 5 });
    net.electLeader('n1');
    net.commit('n1', 'a', 'b');
    net.tickAll(3);
    expect(net.applied('n2')).toEqual(['a', 'b']);
    expect(progressOf(net, 'n1', 'n2')?.match).toBe(net.status('n1').lastLogIndex);
    expect(net.membership('n1').incarnations).toBeUndefined();
  });
});

describe('a follower that lost its disk under a stable leader, once the membership records its incarnation', () => {
  it('the leader records each member’s incarnation, its own included, the first time it hears it', () => {
    const net = replicatedBound();
    for (const id of net.ids) expect(net.membership(id)).toEqual({ voters: ['n1', 'n2', 'n3'], learners: [], incarnations: { n1: 11, n2: 22, n3: 33 } });
  });

  it('is refused: nothing of the log is sent to it, its replies count for nothing, and the leader shows it refused', () => {
    const net = replicatedBound();
    const term = net.status('n1').term;
    net.wipe('n3', 34);
    // One heartbeat round: its reply shows the leader the new incarnation.
    net.tickAll(1);
    expect(progressOf(net, 'n1', 'n3')).toMatchObject({ refused: true, match: 0 });
    const toN3: Message[] = [];
    net.filter = (m) => {
      if (m.from === 'n1' && m.to === 'n3') toN3.push(m);
      return m;
    };
    net.tickAll(2);
    net.commit('n1', 'e');
    net.tickAll(3);
    expect(progressOf(net, 'n1', 'n3')).toMatchObject({ refused: true, match: 0 });
    expect(net.log('n3')).toEqual([]);
    expect(net.applied('n3')).toEqual([]);
    // Heartbeats only (they keep it from campaigning), and none vouches for a commit.
    expect(toN3.length).toBeGreaterThan(0);
    for (const m of toN3) expect(m).toMatchObject({ type: 'heartbeat', commit: 0 });
    expect(net.status('n1')).toMatchObject({ role: 'leader', term });
    expect(net.applied('n2').at(-1)).toBe('e');
    // Its acknowledgements count for nothing: with n2 cut off, nothing commits.
    net.isolate('n2');
    const commit = net.status('n1').commitIndex;
    net.propose('n1', 'f');
    net.tickAll(3, ['n1', 'n3']);
    expect(net.status('n1').commitIndex).toBe(commit);
  });

  it('stays refused when a late reply from the disk the membership records arrives', () => {
    const net = replicatedBound();
    net.wipe('n3', 34);
    net.tickAll(2);
    expect(progressOf(net, 'n1', 'n3')?.refused).toBe(true);
    const { term, lastLogIndex } = net.status('n1');
    net.raft('n1').step({ type: 'appendResp', from: 'n3', to: 'n1', term, success: true, index: lastLogIndex, hintIndex: 0, hintTerm: 0, incarnation: 33 });
    net.deliverAll();
    expect(progressOf(net, 'n1', 'n3')).toMatchObject({ refused: true, match: 0 });
  });

  it('catches up, and counts toward commits again, once removed and added back as a learner with its new incarnation, then promoted', () => {
    const net = replicatedBound();
    net.wipe('n3', 34);
    net.tickAll(2);
    expect(progressOf(net, 'n1', 'n3')?.refused).toBe(true);
    net.change('n1', { kind: 'remove', id: 'n3' });
    net.tickAll(1);
    net.change('n1', { kind: 'addLearner', id: 'n3', incarnation: 34 });
    net.tickUntil(() => net.applied('n3').length === net.applied('n1').length, 20);
    expect(net.applied('n3')).toEqual(['a', 'b', 'c', 'd']);
    expect(progressOf(net, 'n1', 'n3')).toMatchObject({ refused: false, match: net.status('n1').lastLogIndex });
    net.tickAll(1);
    net.change('n1', { kind: 'promote', id: 'n3' });
    net.tickAll(1);
    expect(net.membership('n1')).toEqual({ voters: ['n1', 'n2', 'n3'], learners: [], incarnations: { n1: 11, n2: 22, n3: 34 } });
    // n1 and n3 alone now make a majority.
    net.isolate('n2');
    net.commit('n1', 'e');
    expect(net.applied('n1').at(-1)).toBe('e');
    expect(net.applied('n3').at(-1)).toBe('e');
  });
});

describe('a member that lost its disk, removed and added back as a learner while it is down, with late replies from its old disk', () => {
  /**
   * n1 leads with every incarnation recorded. n3's replies of one round to the leader are held on
   * the way; n3 loses its disk and stays down; the operator removes it and adds it back as a learner
   * (with the new disk's incarnation 34, or without one); the leader compacts its log, so n3 can
   * only catch up from a snapshot. `deliverHeld` lets the held replies of the old disk (33) arrive.
   */
  function readmittedWhileDown(late: 'appendResp' | 'heartbeatResp', incarnation: number | undefined): { net: Network; deliverHeld: () => void } {
    const net = replicatedBound();
    const held: Message[] = [];
    net.filter = (m) => {
      if (m.from !== 'n3' || m.to !== 'n1' || m.type !== late) return m;
      held.push(m);
      return null;
    };
    net.commit('n1', 'e');
    net.tickAll(1);
    net.filter = null;
    expect(held.length).toBeGreaterThan(0);
    net.loseDisk('n3', 34);
    net.change('n1', { kind: 'remove', id: 'n3' });
    net.change('n1', { kind: 'addLearner', id: 'n3', ...(incarnation !== undefined ? { incarnation } : {}) });
    net.commit('n1', 'f');
    net.compact('n1');
    const deliverHeld = (): void => {
      for (const m of held.splice(0)) net.raft('n1').step(m);
      net.deliverAll();
    };
    return { net, deliverHeld };
  }

  /** n3 is back on its new disk and has caught up from a snapshot, under the leader of the same term, with incarnation 34 recorded. */
  function expectCaughtUp(net: Network, term: number): void {
    net.tickUntil(() => net.applied('n3').length === net.applied('n1').length && net.membership('n1').incarnations?.['n3'] === 34, 30);
    expect(net.applied('n3')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(net.node('n3').snapshotsInstalled).toHaveLength(1);
    expect(progressOf(net, 'n1', 'n3')).toMatchObject({ refused: false, match: net.status('n1').lastLogIndex });
    expect(net.status('n1')).toMatchObject({ role: 'leader', term });
    expect(net.membership('n1').incarnations).toEqual({ n1: 11, n2: 22, n3: 34 });
  }

  const LATE = [
    ['an append reply', 'appendResp'],
    ['a heartbeat reply', 'heartbeatResp'],
  ] as const;

  it.each(LATE)('added back with its new incarnation, it comes back on the empty disk and catches up from a snapshot under the same leader (%s from the old disk arrives first)', (_, late) => {
    const { net, deliverHeld } = readmittedWhileDown(late, 34);
    const term = net.status('n1').term;
    deliverHeld();
    net.restart('n3');
    expectCaughtUp(net, term);
  });

  it.each(LATE)('added back without an incarnation, the leader does not record the old disk’s, and records the new one once it answers (%s from the old disk arrives first)', (_, late) => {
    const { net, deliverHeld } = readmittedWhileDown(late, undefined);
    const term = net.status('n1').term;
    deliverHeld();
    // Heartbeat rounds in which the leader records the incarnations it has heard, n3 still down.
    net.tickAll(4, ['n1', 'n2']);
    expect(net.membership('n1').incarnations).toEqual({ n1: 11, n2: 22 });
    net.restart('n3');
    expectCaughtUp(net, term);
  });

  const AFTER_BACK = LATE.flatMap(([what, late]) => [
    [what, 'once the new disk has answered, before it is recorded', late, false],
    [what, 'once the new disk is recorded', late, true],
  ] as const);

  it.each(AFTER_BACK)('added back without an incarnation, %s from the old disk that arrives %s is ignored', (_, _when, late, recorded) => {
    const { net, deliverHeld } = readmittedWhileDown(late, undefined);
    const term = net.status('n1').term;
    net.restart('n3');
    if (recorded) {
      expectCaughtUp(net, term);
    } else {
      // One heartbeat round: the leader hears 34; it records it in the next one.
      net.tickAll(1);
      expect(net.membership('n1').incarnations?.['n3']).toBeUndefined();
    }
    deliverHeld();
    expectCaughtUp(net, term);
    net.commit('n1', 'g');
    expect(net.applied('n3').at(-1)).toBe('g');
    expect(progressOf(net, 'n1', 'n3')).toMatchObject({ refused: false, match: net.status('n1').lastLogIndex });
  });

  it('replies from a disk the leader never heard of before the removal, arriving on both sides of the re-add, are ignored', () => {
    const net = replicatedBound();
    net.join('n4', { incarnation: 41 });
    // None of n4's replies reach the leader before it loses its disk: the leader never hears 41.
    const held: Message[] = [];
    net.filter = (m) => {
      if (m.from !== 'n4' || m.to !== 'n1') return m;
      held.push(m);
      return null;
    };
    net.change('n1', { kind: 'addLearner', id: 'n4' });
    net.tickAll(2);
    net.filter = null;
    expect(held.length).toBeGreaterThan(1);
    expect(net.membership('n1').incarnations?.['n4']).toBeUndefined();
    net.loseDisk('n4', 44);
    net.change('n1', { kind: 'remove', id: 'n4' });
    // One arrives while n4 is not a member, the rest once it is one again.
    net.raft('n1').step(held.shift() as Message);
    net.deliverAll();
    net.change('n1', { kind: 'addLearner', id: 'n4', incarnation: 44 });
    for (const m of held) net.raft('n1').step(m);
    net.deliverAll();
    net.restart('n4');
    net.tickUntil(() => net.applied('n4').length === net.applied('n1').length, 30);
    expect(net.applied('n4')).toEqual(['a', 'b', 'c', 'd']);
    expect(progressOf(net, 'n1', 'n4')).toMatchObject({ refused: false, match: net.status('n1').lastLogIndex });
  });

  it('removed and added back without an incarnation on the disk it kept, it is still replicated to (its own replies are not taken for an old disk’s)', () => {
    const net = replicatedBound();
    net.change('n1', { kind: 'remove', id: 'n3' });
    net.commit('n1', 'e');
    net.change('n1', { kind: 'addLearner', id: 'n3' });
    net.commit('n1', 'f');
    net.tickUntil(() => net.applied('n3').length === net.applied('n1').length, 30);
    expect(net.applied('n3')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(progressOf(net, 'n1', 'n3')).toMatchObject({ refused: false, match: net.status('n1').lastLogIndex });
  });
});

describe('a follower that lost its disk never votes twice in a term', () => {
  it('after voting a leader in, losing its disk, and its leader being cut off, it refuses a lagging candidate of the same term', () => {
    const net = new Network({ size: 3, seed: 3, tuning: { emptyStartVoteDelayTicks: 4 } });
    net.tickAll(5); // first boot: the empty-start delay passes before any election timeout
    net.electLeader('n1');
    net.commit('n1', 'a');
    net.tickAll(2);
    // n2 misses the next election: n1 restarts, and n1 and n3 elect a leader in a new term.
    net.isolate('n2');
    net.crash('n1');
    net.restart('n1');
    net.tickUntil(() => net.leaders().some((id) => id !== 'n2' && net.status(id).term > net.status('n2').term), 100, ['n1', 'n3']);
    const leader = net.leaders().find((id) => id !== 'n2') as string;
    const voter = leader === 'n1' ? 'n3' : 'n1';
    const term = net.status(leader).term;
    expect(net.node(voter).disk.hard).toMatchObject({ term, vote: leader });
    // The voter loses its disk, the leader is cut off, n2 comes back a term behind.
    net.wipe(voter, 99);
    net.heal();
    net.isolate(leader);
    net.tickAll(80, ['n2', voter]);
    // No second leader in that term: the wiped node cannot know it voted in it, so it waits.
    for (const id of ['n2', voter]) expect(net.status(id).role === 'leader' && net.status(id).term === term, id).toBe(false);
    // Once the leader is back, the cluster has one leader again (that of the term, which lost no
    // vote, or a later one) and commits through it on every node. The wiped voter's first replies
    // carry an incarnation where its acknowledgements to this leader carried none: the leader must
    // forget what it acknowledged (else it probes forever at an index the voter no longer has).
    net.heal();
    net.tickUntil(() => net.leaders().length === 1 && net.status(net.leaders()[0] as string).term >= term, 300);
    const now = net.leaders()[0] as string;
    net.commit(now, 'after');
    net.tickUntil(() => ['n1', 'n2', 'n3'].every((id) => net.applied(id).at(-1) === 'after'), 300);
  });
});

describe('a node back from an empty disk counts the terms it hears exactly', () => {
  it('a pre-vote granted to it does not raise the term it waits to be past, so it still helps elect a leader', () => {
    const net = new Network({ size: 3, seed: 3, tuning: { emptyStartVoteDelayTicks: 4, checkQuorum: false } });
    net.tickAll(5);
    net.electLeader('n1');
    net.commit('n1', 'a');
    const term = net.status('n1').term;
    net.wipe('n2', 22);
    net.tickAll(2); // n2 hears the leader: a cluster with history, one voter heard at `term`
    net.crash('n1');
    // n2 asks first: n3 grants its pre-vote for term + 1, yet one voter heard is too few for n2 to campaign.
    net.raft('n2').campaignNow();
    net.deliverAll();
    expect(net.status('n2')).toMatchObject({ role: 'follower', term });
    // n3's own pre-vote shows n2 a second voter at `term`: n2 votes above it, and a leader is elected.
    // (Before, the granted pre-vote counted as n3 being at term + 1: n2 refused every pre-vote for
    // term + 1, its own election included, until n1 came back.)
    net.tickUntil(() => net.leaders().length === 1, 100, ['n2', 'n3']);
    expect(net.status(net.leaders()[0] as string).term).toBeGreaterThan(term);
  });

  it('a vote request counts as its candidate’s own term, so it never votes again in the term of a candidate it may have voted for', () => {
    const r = makeRaft('n1', ['n1', 'n2', 'n3', 'n4', 'n5'], {}, { emptyStartVoteDelayTicks: 1 });
    r.tick();
    drain(r);
    // Term 5: n2 and n3 campaign (n1 may have voted for n2 before it lost its disk), n4 asks a pre-vote from term 4.
    stepAndCollect(r, msg.vote('n2', 'n1', 5, 10, 4));
    stepAndCollect(r, msg.vote('n3', 'n1', 5, 10, 4));
    stepAndCollect(r, msg.vote('n4', 'n1', 5, 10, 4, true));
    // Three voters heard: the highest term they are at is 5, so no vote in 5 (n3's request, again).
    const out = stepAndCollect(r, msg.vote('n3', 'n1', 5, 10, 4));
    expect(out.filter((m) => m.type === 'voteResp')).toEqual([msg.voteResp('n1', 'n3', 5, false)]);
    expect(r.status().vote).toBeNull();
  });
});

describe('a rejoining node grants no pre-vote it would refuse as a vote', () => {
  it('a stale candidate gets no pre-vote from a node that lost its disk, so it never starts real elections that only bump terms', () => {
    const net = new Network({ size: 3, seed: 5, tuning: { emptyStartVoteDelayTicks: 4 } });
    net.tickAll(5);
    net.electLeader('n1');
    net.commit('n1', 'a');
    net.tickAll(2);
    // n2 falls behind; n3 loses its disk; the leader dies.
    net.isolate('n2');
    net.commit('n1', 'b', 'c');
    net.tickAll(2, ['n1', 'n3']);
    net.wipe('n3', 77);
    net.crash('n1');
    net.heal();
    const votes: string[] = [];
    net.filter = (m) => {
      if (m.type === 'vote' && m.from === 'n2') votes.push(`${m.to}@${m.term}`);
      if (m.type === 'preVoteResp' && m.from === 'n3' && m.to === 'n2' && m.granted) votes.push('pre-vote granted by n3');
      return m;
    };
    const term = net.status('n2').term;
    net.tickAll(60, ['n2', 'n3']);
    // Before: n3 granted n2's pre-vote (its empty log is behind n2's), then refused the vote, and
    // n2 went on bumping the term of every node it reached, one election timeout after another.
    expect(votes).toEqual([]);
    expect(net.status('n2').term).toBe(term);
    // With the leader back, the cluster elects a leader holding every committed entry.
    net.restart('n1');
    net.tickUntil(() => net.leaders().length === 1, 300);
    expect(net.applied(net.leaders()[0] as string)).toEqual(['a', 'b', 'c']);
  });
});

describe('a snapshot whose reply is lost', () => {
  /** n3 falls behind a compacted log, receives the snapshot, and its reply to it is lost. */
  function snapshotReplyLost(): Network {
    const net = new Network({ size: 3, seed: 9, tuning: { electionTicks: 10, heartbeatTicks: 1 } });
    net.electLeader('n1');
    net.isolate('n3');
    net.commit('n1', 'a', 'b', 'c');
    net.tickAll(2, ['n1', 'n2']);
    net.compact('n1');
    net.heal();
    let dropped = 0;
    net.filter = (m) => {
      if (m.from === 'n3' && m.to === 'n1' && m.type === 'appendResp' && net.node('n3').disk.snapshot !== null && dropped === 0) {
        dropped++;
        return null;
      }
      return m;
    };
    net.tickUntil(() => dropped === 1, 20);
    expect(net.status('n1').progress.find((p) => p.id === 'n3')?.state).toBe('snapshot');
    return net;
  }

  it('resumes once the transport reports it delivered and the follower answers a heartbeat, well before the retry timeout', () => {
    const net = snapshotReplyLost();
    net.raft('n1').reportSnapshot('n3', true);
    net.deliverAll();
    net.commit('n1', 'd');
    // Within two heartbeat intervals (the retry timeout is 100 ticks).
    net.tickAll(2);
    expect(net.applied('n3').at(-1)).toBe('d');
  });

  it('resumes on heartbeat replies alone when no report ever comes', () => {
    const net = snapshotReplyLost();
    net.commit('n1', 'd');
    const ticks = net.tickUntil(() => net.applied('n3').at(-1) === 'd', 100);
    // An election timeout and a heartbeat or two, not the ten election timeouts of the retry.
    expect(ticks).toBeLessThanOrEqual(13);
  });
});

describe('a leader whose own write is slow (thesis §10.2.1)', () => {
  const voters = ['n1', 'n2', 'n3'];

  /** Hand every message to its core and run the followers' Readies synchronously. */
  function route(nodes: Map<string, Raft>, msgs: readonly Message[], toLeader: Message[]): void {
    const queue = [...msgs];
    while (queue.length > 0) {
      const m = queue.shift() as Message;
      if (m.to === 'n1') {
        toLeader.push(m);
        continue;
      }
      const r = nodes.get(m.to) as Raft;
      r.step(m);
      while (r.hasReady()) {
        const rd = r.ready();
        r.advance(rd);
        queue.push(...rd.sendNow, ...rd.sendAfterPersist);
      }
    }
  }

  it('keeps heartbeating and commits on its followers’ acks while its own write is still running', () => {
    const leader = makeRaft('n1', voters, {}, { electionTicks: 10, heartbeatTicks: 1 });
    const nodes = new Map<string, Raft>([
      ['n2', makeRaft('n2', voters, {}, { electionTicks: 10, heartbeatTicks: 1 })],
      ['n3', makeRaft('n3', voters, {}, { electionTicks: 10, heartbeatTicks: 1 })],
    ]);
    const toLeader: Message[] = [];
    const flush = (): Ready[] => {
      const written: Ready[] = [];
      for (;;) {
        for (const m of toLeader.splice(0)) leader.step(m);
        if (!leader.hasReady()) return written;
        const rd = leader.ready();
        leader.accept(rd);
        route(nodes, rd.sendNow, toLeader);
        written.push(rd);
      }
    };
    // Elect n1 with every write finishing at once.
    leader.campaignNow();
    for (let i = 0; i < 10 && leader.status().role !== 'leader'; i++) {
      for (const rd of flush()) {
        route(nodes, rd.sendAfterPersist, toLeader);
        leader.persisted(rd);
      }
    }
    for (const rd of flush()) {
      route(nodes, rd.sendAfterPersist, toLeader);
      leader.persisted(rd);
    }
    expect(leader.status().role).toBe('leader');
    const committedBefore = leader.status().commitIndex;

    // Now the leader's disk stalls: nothing it writes from here reports done.
    const res = leader.propose(enc.encode('slow'));
    expect(res.ok).toBe(true);
    const stalled = flush();
    expect(stalled.some((rd) => rd.entries.length > 0)).toBe(true);
    // Its followers wrote the entry and acknowledged it: that is a majority without the leader.
    expect(leader.status().commitIndex).toBeGreaterThan(committedBefore);
    // And it keeps its followers' election timers reset through many election timeouts.
    for (let t = 0; t < 40; t++) {
      leader.tick();
      flush();
    }
    expect(leader.status().role).toBe('leader');
    for (const r of nodes.values()) expect(r.status()).toMatchObject({ role: 'follower', leaderId: 'n1', term: leader.status().term });
  });

  it('does not count its own unwritten entries toward a commit', () => {
    const leader = makeRaft('n1', voters, {}, { electionTicks: 10, heartbeatTicks: 1 });
    leader.campaignNow();
    leader.advance(leader.ready());
    leader.step({ type: 'preVoteResp', from: 'n2', to: 'n1', term: 1, granted: true });
    leader.advance(leader.ready());
    leader.step({ type: 'voteResp', from: 'n2', to: 'n1', term: 1, granted: true });
    expect(leader.status().role).toBe('leader');
    const first = leader.ready();
    leader.accept(first);
    const index = first.entries.at(-1)?.index ?? 0;
    expect(index).toBeGreaterThan(0);
    // n2 acknowledges the leader's first entry while the leader's own write runs: one of three.
    leader.step({ type: 'appendResp', from: 'n2', to: 'n1', term: 1, success: true, index, hintIndex: 0, hintTerm: 0, incarnation: 0 });
    expect(leader.status().commitIndex).toBe(0);
    // The write finishes: two of three.
    leader.persisted(first);
    expect(leader.status().commitIndex).toBe(index);
  });
});
