/**
 * Liveness rules of the core, each in its plainest form: a follower that lost its disk under a
 * stable leader rejoins; a snapshot whose reply was lost resumes at the next heartbeat reply; a
 * leader whose own disk is slow keeps heartbeating and commits on its followers' acks
 * (thesis §10.2.1).
 */
import { describe, expect, it } from 'vitest';
import type { Message, Raft, Ready } from '../../src/raft/index.js';
import { makeRaft, Network } from './harness.js';

const enc = new TextEncoder();

describe('a follower that lost its disk under a stable leader', () => {
  function replicatedCluster(): Network {
    const net = new Network({ size: 3, seed: 5, nodeTuning: { n1: { incarnation: 11 }, n2: { incarnation: 22 }, n3: { incarnation: 33 } } });
    net.electLeader('n1');
    net.commit('n1', 'a', 'b', 'c', 'd');
    net.tickAll(3);
    expect(net.applied('n3')).toEqual(['a', 'b', 'c', 'd']);
    return net;
  }

  it('is replicated to from the start again, and catches up without a leader change', () => {
    const net = replicatedCluster();
    const term = net.status('n1').term;
    net.wipe('n3', 34);
    // Idle first (heartbeats only), then new work: both must bring it back.
    net.tickAll(5);
    net.commit('n1', 'e');
    net.tickUntil(() => net.applied('n3').at(-1) === 'e', 50);
    expect(net.applied('n3')).toEqual(net.applied('n1'));
    expect(net.logIds('n3')).toEqual(net.logIds('n1'));
    expect(net.status('n1')).toMatchObject({ role: 'leader', term });
    const pr = net.status('n1').progress.find((p) => p.id === 'n3');
    expect(pr?.match).toBe(net.status('n1').lastLogIndex);
  });

  it('drops what the leader recorded as matched at once, so no heartbeat vouches for entries the node no longer has', () => {
    const net = replicatedCluster();
    const before = net.status('n1').progress.find((p) => p.id === 'n3')?.match ?? 0;
    expect(before).toBeGreaterThan(0);
    net.wipe('n3', 34);
    const heartbeats: Message[] = [];
    // Hold the leader's appends back so the reset is visible on its own.
    net.filter = (m) => {
      if (m.from === 'n1' && m.to === 'n3' && m.type === 'append') return null;
      if (m.from === 'n1' && m.to === 'n3' && m.type === 'heartbeat') heartbeats.push(m);
      return m;
    };
    net.tickAll(4);
    expect(net.status('n1').progress.find((p) => p.id === 'n3')?.match).toBe(0);
    const last = heartbeats.at(-1);
    expect(last?.type === 'heartbeat' ? last.commit : -1).toBe(0);
  });

  it('ignores a late reply from the disk the follower had before', () => {
    const net = replicatedCluster();
    const leader = net.raft('n1');
    net.wipe('n3', 34);
    net.tickAll(4);
    net.filter = (m) => (m.from === 'n1' && m.to === 'n3' ? null : m);
    net.commit('n1', 'x');
    const lastIndex = net.status('n1').lastLogIndex;
    // A reply from the old data directory vouching for everything: it must not count.
    leader.step({ type: 'appendResp', from: 'n3', to: 'n1', term: net.status('n1').term, success: true, index: lastIndex, hintIndex: 0, hintTerm: 0, incarnation: 33 });
    net.deliverAll();
    expect(net.status('n1').progress.find((p) => p.id === 'n3')?.match).toBeLessThan(lastIndex);
  });

  it('keeps the old behaviour for nodes that report no incarnation (0)', () => {
    const net = new Network({ size: 3, seed: 5 });
    net.electLeader('n1');
    net.commit('n1', 'a', 'b');
    net.tickAll(3);
    expect(net.applied('n2')).toEqual(['a', 'b']);
    expect(net.status('n1').progress.find((p) => p.id === 'n2')?.match).toBe(net.status('n1').lastLogIndex);
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
