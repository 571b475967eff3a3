/**
 * One named test per rule of Figure 2 of the Raft paper (Ongaro & Ousterhout, 2014) and the
 * §5 properties behind them, plus the core's durability contract (types.ts, `Ready`).
 */
import { describe, expect, it } from 'vitest';
import type { Message, Raft, Ready } from '../../src/raft/index.js';
import { SeededRandom } from '../../src/sim/index.js';
import { Network, drain, entry, makeRaft, messagesOf, msg, ofType, randomWorkload, stepAndCollect } from './harness.js';

const V3 = ['n1', 'n2', 'n3'] as const;
const V5 = ['n1', 'n2', 'n3', 'n4', 'n5'] as const;

/** A lone n1 that won an election (pre-vote off) with the votes of n2 (and n3 for five nodes). */
function loneLeader(voters: readonly string[], term = 2): Raft {
  const r = makeRaft('n1', voters, { term, log: [1], commit: 1 }, { preVote: false });
  r.campaignNow();
  drain(r);
  for (const v of voters.slice(1, Math.floor(voters.length / 2) + 1)) r.step(msg.voteResp(v, 'n1', term + 1, true));
  drain(r);
  expect(r.status().role).toBe('leader');
  return r;
}

function loneCandidate(voters: readonly string[], term = 2): Raft {
  const r = makeRaft('n1', voters, { term, log: [1], commit: 1 }, { preVote: false });
  r.campaignNow();
  drain(r);
  expect(r.status().role).toBe('candidate');
  return r;
}

function loneFollower(voters: readonly string[], term = 2): Raft {
  return makeRaft('n1', voters, { term, log: [1], commit: 1 }, { preVote: false });
}

const granted = (out: readonly Message[], to: string): boolean | undefined =>
  out.find((m): m is Extract<Message, { type: 'voteResp' | 'preVoteResp' }> => (m.type === 'voteResp' || m.type === 'preVoteResp') && m.to === to)?.granted;

// ---------------------------------------------------------------------- all servers

describe('Figure 2, Rules for Servers — All servers', () => {
  const roles = { follower: loneFollower, candidate: loneCandidate, leader: loneLeader };
  const higher: Record<string, (term: number) => Message> = {
    append: (t) => msg.append('n2', 'n1', t, 0, 0, [], 0),
    heartbeat: (t) => msg.heartbeat('n2', 'n1', t, 0),
    appendResp: (t) => msg.appendResp('n2', 'n1', t, false, 0),
    voteResp: (t) => msg.voteResp('n2', 'n1', t, false),
    heartbeatResp: (t) => msg.heartbeatResp('n2', 'n1', t),
  };
  const cases = Object.keys(roles).flatMap((role) => Object.keys(higher).map((type) => ({ role, type })));

  it.each(cases)(
    'if RPC request or response contains term T > currentTerm: set currentTerm = T, convert to follower ($role gets $type)',
    ({ role, type }) => {
      const r = roles[role as keyof typeof roles](V3);
      const before = r.status();
      expect(before.term).toBeLessThan(9);
      r.step((higher[type] as (t: number) => Message)(9));
      const st = r.status();
      expect(st.role).toBe('follower');
      expect(st.term).toBe(9);
      expect(st.vote).toBeNull();
      // Only a leader's own messages name the leader.
      expect(st.leaderId).toBe(type === 'append' || type === 'heartbeat' ? 'n2' : null);
      // The new term (and the cleared vote) must reach the disk.
      const rds = drain(r);
      expect(rds[0]?.hardState).toMatchObject({ term: 9, vote: null });
    },
  );

  it('if commitIndex > lastApplied: apply log[lastApplied+1] — committed entries are applied in order, exactly once', () => {
    const net = new Network({ size: 3, seed: 11, tuning: { maxAppendEntries: 3 } });
    net.electLeader('n1');
    net.commit('n1', 'a', 'b', 'c', 'd', 'e');
    net.crash('n3');
    net.commit('n1', 'f', 'g');
    net.compact('n1');
    net.restart('n3');
    net.tickAll(5);
    net.commit('n1', 'h');
    net.crash('n1');
    net.tickUntil(() => net.leaders().length === 1, 200, ['n2', 'n3']);
    const leader = net.leaders()[0] as string;
    net.commit(leader, 'i');
    net.restart('n1');
    net.tickAll(5);
    net.commit(leader, 'j');

    const want = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    for (const id of net.ids) {
      expect(net.applied(id), id).toEqual(want);
      const n = net.node(id);
      const log = n.applyLog;
      // within this incarnation: consecutive indices (or the first after an installed snapshot),
      // none twice, ending at the commit index
      const snaps = n.snapshotsInstalled.map((s) => s.meta.index);
      for (let i = 1; i < log.length; i++) {
        const prev = log[i - 1] as number;
        const cur = log[i] as number;
        if (cur !== prev + 1) expect(snaps.some((s) => s >= prev && s + 1 === cur), `${id}: ${prev} → ${cur}`).toBe(true);
      }
      expect(log.at(-1)).toBe(net.status(id).commitIndex);
      expect(new Set(log).size).toBe(log.length);
    }
  });
});

// ---------------------------------------------------------------------- RequestVote RPC

describe('Figure 2, RequestVote RPC — receiver implementation', () => {
  it('RequestVote 1: reply false if term < currentTerm (never grant, vote unchanged)', () => {
    const r = makeRaft('n1', V3, { term: 5, log: [1, 1] }, { preVote: false });
    const out = stepAndCollect(r, msg.vote('n2', 'n1', 4, 9, 4));
    // The core answers a stale vote request with silence (as etcd does); it must never grant it.
    expect(out.filter((m) => m.type === 'voteResp' && m.granted)).toEqual([]);
    expect(r.status()).toMatchObject({ term: 5, vote: null, role: 'follower' });
    // A stale pre-vote is answered with an explicit rejection carrying the current term.
    const pre = stepAndCollect(r, msg.vote('n3', 'n1', 4, 9, 4, true));
    expect(pre).toEqual([msg.voteResp('n1', 'n3', 5, false, true)]);
  });

  it('RequestVote 2: grant if votedFor is null and the candidate log is up to date; record the vote', () => {
    const r = makeRaft('n1', V3, { term: 2, log: [1, 2] }, { preVote: false });
    const rds = (r.step(msg.vote('n2', 'n1', 3, 2, 2)), drain(r));
    expect(granted(messagesOf(rds), 'n2')).toBe(true);
    expect(r.status()).toMatchObject({ term: 3, vote: 'n2' });
  });

  it('RequestVote 2: grant again to the same candidate (votedFor == candidateId), refuse any other in that term', () => {
    const r = makeRaft('n1', V3, { term: 2, log: [1, 2] }, { preVote: false });
    expect(granted(stepAndCollect(r, msg.vote('n2', 'n1', 3, 2, 2)), 'n2')).toBe(true);
    expect(granted(stepAndCollect(r, msg.vote('n2', 'n1', 3, 2, 2)), 'n2')).toBe(true);
    // n3's log is even longer, but the vote of term 3 is taken (Election Safety, §5.2).
    expect(granted(stepAndCollect(r, msg.vote('n3', 'n1', 3, 5, 2)), 'n3')).toBe(false);
    expect(r.status()).toMatchObject({ term: 3, vote: 'n2' });
  });

  it('RequestVote 2: a vote recorded before a restart still binds after it', () => {
    const r = makeRaft('n1', V3, { term: 3, vote: 'n2', log: [1, 2] }, { preVote: false });
    expect(granted(stepAndCollect(r, msg.vote('n3', 'n1', 3, 5, 2)), 'n3')).toBe(false);
    expect(granted(stepAndCollect(r, msg.vote('n2', 'n1', 3, 2, 2)), 'n2')).toBe(true);
  });

  // The voter's log: indices 1..3 with terms [1, 1, 2] (last index 3, last term 2).
  it.each([
    { case: 'higher last term wins even with a shorter log', lastIndex: 1, lastTerm: 3, want: true },
    { case: 'higher last term wins with a longer log', lastIndex: 7, lastTerm: 3, want: true },
    { case: 'equal last term and equal length wins', lastIndex: 3, lastTerm: 2, want: true },
    { case: 'equal last term and a longer log wins', lastIndex: 6, lastTerm: 2, want: true },
    { case: 'equal last term and a shorter log loses', lastIndex: 2, lastTerm: 2, want: false },
    { case: 'lower last term loses even with a longer log', lastIndex: 10, lastTerm: 1, want: false },
    { case: 'lower last term and equal length loses', lastIndex: 3, lastTerm: 1, want: false },
    { case: 'empty log loses', lastIndex: 0, lastTerm: 0, want: false },
  ])('RequestVote 2, §5.4.1 up-to-date check: $case', ({ lastIndex, lastTerm, want }) => {
    for (const pre of [false, true]) {
      const r = makeRaft('n1', V3, { term: 2, log: [1, 1, 2] }, { preVote: pre });
      const out = stepAndCollect(r, msg.vote('n2', 'n1', 3, lastIndex, lastTerm, pre));
      expect(granted(out, 'n2'), pre ? 'pre-vote' : 'vote').toBe(want);
      // A vote is recorded only when granted; a pre-vote never is.
      expect(r.status().vote).toBe(want && !pre ? 'n2' : null);
    }
  });
});

// ---------------------------------------------------------------------- AppendEntries RPC

describe('Figure 2, AppendEntries RPC — receiver implementation', () => {
  it('AppendEntries 1: reply false if term < currentTerm (and tell the stale leader the current term)', () => {
    const r = makeRaft('n2', V3, { term: 5, log: [1, 1] }, { preVote: false });
    const out = stepAndCollect(r, msg.append('n1', 'n2', 4, 2, 1, [entry(3, 4)], 3));
    expect(out).toEqual([msg.appendResp('n2', 'n1', 5, false, 0)]);
    expect(r.status()).toMatchObject({ term: 5, lastLogIndex: 2, commitIndex: 0, leaderId: null });
  });

  it("AppendEntries 2: reply false if log doesn't contain an entry at prevLogIndex whose term matches prevLogTerm", () => {
    const r = makeRaft('n2', V3, { term: 3, log: [1, 1, 2] }, { preVote: false });
    // term mismatch at prevLogIndex: the hint names our last entry with term ≤ prevLogTerm
    let rds = (r.step(msg.append('n1', 'n2', 3, 3, 3, [entry(4, 3)], 0)), drain(r));
    expect(messagesOf(rds)).toEqual([msg.appendResp('n2', 'n1', 3, false, 3, 3, 2)]);
    expect(rds.flatMap((rd) => rd.entries)).toEqual([]);
    // prevLogIndex beyond our log
    rds = (r.step(msg.append('n1', 'n2', 3, 5, 3, [entry(6, 3)], 0)), drain(r));
    expect(messagesOf(rds)).toEqual([msg.appendResp('n2', 'n1', 3, false, 5, 3, 2)]);
    expect(r.status()).toMatchObject({ lastLogIndex: 3, lastLogTerm: 2, commitIndex: 0 });
  });

  it('AppendEntries 3: if an existing entry conflicts with a new one (same index, different terms), delete it and all that follow', () => {
    const r = makeRaft('n2', V3, { term: 3, log: [1, 1, 2, 2, 2], commit: 2 }, { preVote: false });
    const rds = (r.step(msg.append('n1', 'n2', 3, 2, 1, [entry(3, 3)], 2)), drain(r));
    expect(messagesOf(rds)).toEqual([msg.appendResp('n2', 'n1', 3, true, 3)]);
    // The write overwrites the stored log from index 3 on (so 4 and 5 are gone from disk too).
    expect(rds.flatMap((rd) => rd.entries)).toEqual([entry(3, 3)]);
    expect(r.status()).toMatchObject({ lastLogIndex: 3, lastLogTerm: 3 });
    expect(r.entries(1, 10).map((e) => e.term)).toEqual([1, 1, 3]);
  });

  it('AppendEntries 3: a delayed, already-applied append never truncates the entries after it', () => {
    const r = makeRaft('n2', V3, { term: 1, log: [1, 1, 1, 1] }, { preVote: false });
    const rds = (r.step(msg.append('n1', 'n2', 1, 1, 1, [entry(2, 1)], 0)), drain(r));
    expect(messagesOf(rds)).toEqual([msg.appendResp('n2', 'n1', 1, true, 2)]);
    expect(rds.flatMap((rd) => rd.entries)).toEqual([]);
    expect(r.status().lastLogIndex).toBe(4);
  });

  it('AppendEntries 4: append any new entries not already in the log', () => {
    const r = makeRaft('n2', V3, { term: 1, log: [1, 1, 1, 1] }, { preVote: false });
    // entries 3–4 are already there, 5–6 are new: only 5–6 are written
    const rds = (r.step(msg.append('n1', 'n2', 1, 2, 1, [entry(3, 1), entry(4, 1), entry(5, 1), entry(6, 1)], 0)), drain(r));
    expect(rds.flatMap((rd) => rd.entries)).toEqual([entry(5, 1), entry(6, 1)]);
    expect(messagesOf(rds)).toEqual([msg.appendResp('n2', 'n1', 1, true, 6)]);
    expect(r.status()).toMatchObject({ lastLogIndex: 6, commitIndex: 0 });
  });

  it('AppendEntries 5: if leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry)', () => {
    const r = makeRaft('n2', V3, { term: 1 }, { preVote: false });
    let rds = (r.step(msg.append('n1', 'n2', 1, 0, 0, [entry(1, 1), entry(2, 1)], 5)), drain(r));
    expect(r.status().commitIndex).toBe(2);
    expect(rds.flatMap((rd) => rd.committedEntries)).toEqual([entry(1, 1), entry(2, 1)]);
    rds = (r.step(msg.append('n1', 'n2', 1, 2, 1, [entry(3, 1)], 2)), drain(r));
    expect(r.status().commitIndex).toBe(2);
    expect(rds.flatMap((rd) => rd.committedEntries)).toEqual([]);
  });

  it('AppendEntries 5: entries past the last new one are not committed even when leaderCommit covers their index', () => {
    // Entries 3–4 came from a deposed term-2 leader; the term-3 leader's 3–4 may differ.
    const r = makeRaft('n2', V3, { term: 3, log: [1, 1, 2, 2], commit: 1 }, { preVote: false });
    const rds = (r.step(msg.append('n1', 'n2', 3, 2, 1, [], 4)), drain(r));
    expect(messagesOf(rds)).toEqual([msg.appendResp('n2', 'n1', 3, true, 2)]);
    expect(r.status().commitIndex).toBe(2);
    expect(rds.flatMap((rd) => rd.committedEntries).map((e) => e.index)).toEqual([1, 2]);
  });
});

// ---------------------------------------------------------------------- leaders

describe('Figure 2, Rules for Servers — Leaders', () => {
  it('Leaders: upon election send initial AppendEntries to each server (carrying the §8 no-op); repeat heartbeats during idle periods', () => {
    const net = new Network({ size: 3, seed: 3 });
    net.electLeader('n1');
    const term = net.status('n1').term;
    const rec = net.readies.find((r) => r.id === 'n1' && r.ready.softState?.role === 'leader');
    expect(rec).toBeDefined();
    const appends = ofType(messagesOf([(rec as { ready: Ready }).ready]), 'append');
    expect(appends.map((m) => m.to).sort()).toEqual(['n2', 'n3']);
    for (const m of appends) {
      expect(m).toMatchObject({ term, prevLogIndex: 0, prevLogTerm: 0 });
      expect(m.entries.map((e) => [e.index, e.term, e.type])).toEqual([[1, term, 'noop']]);
    }

    // Idle: one heartbeat per peer every heartbeatTicks (the harness's 1), and nobody campaigns.
    const from = net.sent.length;
    net.tick('n1');
    expect(ofType(net.sent.slice(from), 'heartbeat').map((m) => m.to).sort()).toEqual(['n2', 'n3']);
    net.tickAll(100);
    expect(net.sent.slice(from).filter((m) => m.type === 'vote' || m.type === 'preVote')).toEqual([]);
    expect(net.leaders()).toEqual(['n1']);
    expect(net.status('n1').term).toBe(term);
  });

  it('Leaders: if command received from client, append entry to local log, respond after entry applied to state machine', () => {
    const net = new Network({ size: 3, seed: 4 });
    net.electLeader('n1');
    const term = net.status('n1').term;
    net.cut('n1', 'n2');
    net.cut('n1', 'n3');
    const res = net.propose('n1', 'x');
    expect(res).toEqual({ ok: true, index: 2, term });
    net.deliverAll();
    // in the leader's log (and on its disk), not yet applied anywhere
    expect(net.diskIds('n1')).toEqual([`1:${term}`, `2:${term}`]);
    expect(net.status('n1').commitIndex).toBe(1);
    expect(net.applied('n1')).toEqual([]);
    net.heal();
    net.tick('n1');
    expect(net.status('n1').commitIndex).toBe(2);
    for (const id of net.ids) expect(net.applied(id)).toEqual(['x']);
    // only a leader accepts
    expect(net.propose('n2', 'y')).toEqual({ ok: false, reason: 'not-leader', leaderId: 'n1' });
  });

  it('Leaders: if last log index ≥ nextIndex for a follower, send AppendEntries with log entries starting at nextIndex', () => {
    const net = new Network({ size: 3, seed: 5 });
    net.electLeader('n1');
    net.commit('n1', 'a');
    const next = net.status('n1').progress.find((p) => p.id === 'n2')?.next;
    expect(next).toBe(3);
    const from = net.sent.length;
    net.propose('n1', 'b');
    net.propose('n1', 'c');
    net.deliverAll();
    const toN2 = ofType(net.sent.slice(from), 'append').filter((m) => m.to === 'n2');
    expect(toN2.length).toBeGreaterThan(0);
    expect(toN2[0]).toMatchObject({ prevLogIndex: 2, prevLogTerm: net.status('n1').term });
    expect(toN2[0]?.entries[0]?.index).toBe(3);
    // Caught up (last log index < nextIndex): heartbeats only, no appends.
    const idle = net.sent.length;
    net.tick('n1', 3);
    expect(ofType(net.sent.slice(idle), 'append')).toEqual([]);
    expect(ofType(net.sent.slice(idle), 'heartbeat').length).toBe(6);
  });

  it('Leaders: if successful, update nextIndex and matchIndex for the follower', () => {
    const net = new Network({ size: 3, seed: 6 });
    net.electLeader('n1');
    net.commit('n1', 'a', 'b', 'c');
    for (const p of net.status('n1').progress) expect(p).toMatchObject({ match: 4, next: 5, state: 'replicate' });
  });

  it('Leaders: if AppendEntries fails because of log inconsistency, decrement nextIndex and retry (fast backtracking, Figure 7)', () => {
    // Figure 7: the leader's log, follower (f) with a long tail from terms 2–3, and follower (e).
    const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    const f = [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3];
    const e = [1, 1, 1, 4, 4, 4, 4];
    const net = new Network({
      size: 3,
      seed: 7,
      disks: { n1: { term: 7, log: leaderLog, commit: 3 }, n2: { term: 7, log: f, commit: 3 }, n3: { term: 7, log: e, commit: 3 } },
    });
    net.electLeader('n1');
    const rejections = ofType(net.sent, 'appendResp').filter((m) => !m.success);
    // One round trip each instead of one per entry (7 for (f), 5 for (e)).
    expect(rejections.filter((m) => m.from === 'n2')).toHaveLength(1);
    expect(rejections.filter((m) => m.from === 'n3')).toHaveLength(1);
    expect(rejections.find((m) => m.from === 'n2')).toMatchObject({ index: 10, hintIndex: 10, hintTerm: 3 });
    // The retry to (f) starts right after the last agreeing entry (index 3, term 1).
    const retries = ofType(net.sent, 'append').filter((m) => m.to === 'n2');
    expect(retries.slice(0, 2).map((m) => [m.prevLogIndex, m.prevLogTerm, m.entries.length])).toEqual([
      [10, 6, 1],
      [3, 1, 8],
    ]);
    const want = [...leaderLog, 8].map((t, i) => `${i + 1}:${t}`);
    for (const id of net.ids) {
      expect(net.logIds(id), id).toEqual(want);
      expect(net.diskIds(id), id).toEqual(want);
      expect(net.status(id).commitIndex).toBe(11);
    }
  });

  it('Leaders: commit N when a majority has matchIndex ≥ N and log[N].term == currentTerm', () => {
    const net = new Network({ size: 5, seed: 8 });
    net.electLeader('n1');
    expect(net.status('n1').commitIndex).toBe(1);
    net.dropIf((m) => m.type === 'append' && ['n3', 'n4', 'n5'].includes(m.to));
    net.commit('n1', 'x');
    // n1 and n2 hold it: 2 of 5 is no majority
    expect(net.status('n1').commitIndex).toBe(1);
    net.dropIf((m) => m.type === 'append' && ['n4', 'n5'].includes(m.to));
    net.tick('n1');
    // n1, n2, n3: majority
    expect(net.status('n1').commitIndex).toBe(2);
    expect(net.applied('n1')).toEqual(['x']);
  });

  it('Leaders: never commit an entry of an earlier term by counting replicas (§5.4.2, Figure 8)', () => {
    // Figure 8 (c): S1 leads in term 4 and replicates its term-2 entry at index 2 to a majority,
    // while S5 holds a term-3 entry at index 2. Counting replicas of the term-2 entry would commit
    // it, yet S5 can still win (its last term 3 beats 2) and overwrite it — Figure 8 (d).
    const net = new Network({
      size: 5,
      seed: 9,
      // No leader stickiness, so S5 can be elected right after S1 stops (as in the paper).
      tuning: { checkQuorum: false },
      disks: {
        n1: { term: 3, log: [1, 2], commit: 1 },
        n2: { term: 3, log: [1], commit: 1 },
        n3: { term: 3, log: [1], commit: 1 },
        n4: { term: 3, log: [1], commit: 1 },
        n5: { term: 3, log: [1, 3], commit: 1 },
      },
    });
    net.cut('n1', 'n5');
    // Let S1's appends carry entries below 3 only: its term-4 no-op reaches nobody.
    net.filter = (m) => (m.type === 'append' && m.from === 'n1' ? { ...m, entries: m.entries.filter((e) => e.index < 3) } : m);
    net.electLeader('n1');
    const s1 = net.status('n1');
    expect(s1.term).toBe(4);
    expect(s1.progress.filter((p) => p.match >= 2).map((p) => p.id)).toEqual(['n2', 'n3', 'n4']);
    for (const id of ['n1', 'n2', 'n3', 'n4']) expect(net.log(id)[1], id).toEqual(entry(2, 2));
    // Index 2 sits on 4 of 5 servers, but its term is 2, not 4: not committed.
    expect(s1.commitIndex).toBe(1);
    for (const id of net.ids) expect(net.status(id).commitIndex).toBe(1);

    // Figure 8 (d): S1 crashes, S5 is elected by S2–S4 and replaces index 2 everywhere.
    net.crash('n1');
    net.filter = null;
    net.heal();
    net.raft('n5').campaignNow(); // rejected, but S5 learns term 4
    net.deliverAll();
    net.electLeader('n5');
    expect(net.status('n5').term).toBe(5);
    net.restart('n1');
    net.tick('n5', 3);
    for (const id of net.ids) {
      expect(net.log(id)[1], id).toEqual(entry(2, 3));
      expect(net.applied(id), id).toEqual(['i1t1', 'i2t3']);
    }
  });
});

// ---------------------------------------------------------------------- candidates

describe('Figure 2, Rules for Servers — Candidates (§5.2)', () => {
  it('Candidates: on conversion increment currentTerm, vote for self, reset election timer, send RequestVote to all other servers', () => {
    const r = makeRaft('n1', V5, { term: 4, log: [1, 3] }, { preVote: false });
    r.campaignNow();
    expect(r.status()).toMatchObject({ role: 'candidate', term: 5, vote: 'n1' });
    const rds = drain(r);
    expect(rds[0]?.hardState).toMatchObject({ term: 5, vote: 'n1' });
    const votes = ofType(messagesOf(rds), 'vote');
    expect(votes.map((m) => m.to)).toEqual(['n2', 'n3', 'n4', 'n5']);
    for (const v of votes) expect(v).toMatchObject({ term: 5, lastLogIndex: 2, lastLogTerm: 3, transfer: false });
    // The timer was reset: no new election before electionTicks (10) more ticks.
    for (let i = 0; i < 9; i++) r.tick();
    expect(r.status().term).toBe(5);
  });

  it('Candidates (pre-vote): the pre-vote round asks for term+1 without changing the term; a pre-vote majority starts the real election', () => {
    const r = makeRaft('n1', V3, { term: 4, log: [1, 3] }, { preVote: true });
    r.campaignNow();
    let rds = drain(r);
    expect(r.status()).toMatchObject({ role: 'preCandidate', term: 4, vote: null });
    expect(rds.every((rd) => rd.hardState === null)).toBe(true);
    expect(ofType(messagesOf(rds), 'preVote').map((m) => [m.to, m.term])).toEqual([['n2', 5], ['n3', 5]]);
    r.step(msg.voteResp('n2', 'n1', 5, true, true));
    rds = drain(r);
    expect(r.status()).toMatchObject({ role: 'candidate', term: 5, vote: 'n1' });
    expect(ofType(messagesOf(rds), 'vote').map((m) => m.to)).toEqual(['n2', 'n3']);
  });

  it('Candidates: if votes received from majority of servers, become leader', () => {
    const r = loneCandidate(V5, 2);
    r.step(msg.voteResp('n2', 'n1', 3, true));
    r.step(msg.voteResp('n2', 'n1', 3, true)); // a duplicate counts once
    r.step(msg.voteResp('n4', 'n1', 3, false));
    expect(r.status().role).toBe('candidate');
    r.step(msg.voteResp('n3', 'n1', 3, true));
    expect(r.status()).toMatchObject({ role: 'leader', term: 3, leaderId: 'n1' });
  });

  it('Candidates: a majority of rejections ends the candidacy (back to follower, same term)', () => {
    const r = loneCandidate(V5, 2);
    for (const v of ['n2', 'n3']) r.step(msg.voteResp(v, 'n1', 3, false));
    expect(r.status().role).toBe('candidate');
    r.step(msg.voteResp('n4', 'n1', 3, false));
    expect(r.status()).toMatchObject({ role: 'follower', term: 3, vote: 'n1' });
  });

  it('Candidates: if AppendEntries RPC received from new leader (term ≥ own), convert to follower', () => {
    const r = loneCandidate(V3, 2);
    const stale = stepAndCollect(r, msg.append('n2', 'n1', 2, 1, 1, [], 1));
    expect(r.status().role).toBe('candidate');
    expect(stale).toEqual([msg.appendResp('n1', 'n2', 3, false, 0)]);
    const out = stepAndCollect(r, msg.append('n2', 'n1', 3, 1, 1, [entry(2, 3)], 1));
    expect(r.status()).toMatchObject({ role: 'follower', term: 3, leaderId: 'n2', lastLogIndex: 2 });
    expect(out).toEqual([msg.appendResp('n1', 'n2', 3, true, 2)]);
  });

  it('Candidates: if election timeout elapses, start new election', () => {
    const r = loneCandidate(V3, 2);
    // randomized timeout is in [electionTicks, 2·electionTicks) = [10, 20)
    for (let i = 0; i < 19; i++) r.tick();
    expect(r.status()).toMatchObject({ role: 'candidate', term: 4, vote: 'n1' });
    const rds = drain(r);
    expect(rds[0]?.hardState).toMatchObject({ term: 4, vote: 'n1' });
    expect(ofType(messagesOf(rds), 'vote').map((m) => [m.to, m.term])).toEqual([['n2', 4], ['n3', 4]]);
  });
});

// ---------------------------------------------------------------------- followers

describe('Figure 2, Rules for Servers — Followers (§5.2)', () => {
  it('Followers: respond to RPCs from candidates and leaders', () => {
    const r = loneFollower(V3, 2);
    expect(stepAndCollect(r, msg.vote('n2', 'n1', 3, 1, 1))).toEqual([msg.voteResp('n1', 'n2', 3, true)]);
    expect(stepAndCollect(r, msg.append('n2', 'n1', 3, 1, 1, [entry(2, 3)], 1))).toEqual([msg.appendResp('n1', 'n2', 3, true, 2)]);
    expect(stepAndCollect(r, msg.heartbeat('n2', 'n1', 3, 2, 7))).toEqual([msg.heartbeatResp('n1', 'n2', 3, 7)]);
    expect(r.status().commitIndex).toBe(2);
  });

  it('Followers: if election timeout elapses without hearing from the leader or granting a vote, convert to candidate', () => {
    const r = loneFollower(V3, 2);
    for (let i = 0; i < 9; i++) r.tick();
    expect(r.status().role).toBe('follower');
    for (let i = 0; i < 10; i++) r.tick();
    expect(r.status()).toMatchObject({ role: 'candidate', term: 3, vote: 'n1' });
  });

  it('Followers: hearing from the leader (or granting a vote) resets the election timer', () => {
    const r = loneFollower(V3, 2);
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 9; i++) r.tick();
      r.step(round % 2 === 0 ? msg.heartbeat('n2', 'n1', 2, 1) : msg.append('n2', 'n1', 2, 1, 1, [], 1));
      drain(r);
    }
    expect(r.status()).toMatchObject({ role: 'follower', term: 2, leaderId: 'n2' });
    const v = makeRaft('n1', V3, { term: 2, log: [1] }, { preVote: false, checkQuorum: false });
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 9; i++) v.tick();
      expect(granted(stepAndCollect(v, msg.vote('n2', 'n1', 3 + round, 1, 1)), 'n2')).toBe(true);
    }
    expect(v.status().role).toBe('follower');
  });
});

// ---------------------------------------------------------------------- durability

describe('Durability contract (Figure 2: "updated on stable storage before responding to RPCs")', () => {
  it('a granted vote is never in sendNow; term and vote are in the hardState of the same Ready whose sendAfterPersist carries it', () => {
    const r = makeRaft('n1', V3, { term: 2, log: [1] }, { preVote: false });
    r.step(msg.vote('n2', 'n1', 3, 1, 1));
    const rd = r.ready();
    expect(rd.sendNow).toEqual([]);
    expect(rd.sendAfterPersist).toEqual([msg.voteResp('n1', 'n2', 3, true)]);
    expect(rd.hardState).toEqual({ term: 3, vote: 'n2', commit: 0 });
    r.advance(rd);
  });

  it("a candidate's RequestVotes wait for its own term and vote to be persisted", () => {
    const r = makeRaft('n1', V3, { term: 2, log: [1] }, { preVote: false });
    r.campaignNow();
    const rd = r.ready();
    expect(rd.sendNow).toEqual([]);
    expect(ofType(rd.sendAfterPersist, 'vote')).toHaveLength(2);
    expect(rd.hardState).toMatchObject({ term: 3, vote: 'n1' });
    r.advance(rd);
  });

  it('an append ack is never in sendNow and travels with the entries it acknowledges', () => {
    const r = makeRaft('n2', V3, { term: 1 }, { preVote: false });
    r.step(msg.append('n1', 'n2', 2, 0, 0, [entry(1, 1), entry(2, 2)], 0));
    const rd = r.ready();
    expect(rd.sendNow).toEqual([]);
    expect(rd.sendAfterPersist).toEqual([msg.appendResp('n2', 'n1', 2, true, 2)]);
    expect(rd.entries).toEqual([entry(1, 1), entry(2, 2)]);
    expect(rd.hardState).toMatchObject({ term: 2 });
    r.advance(rd);
  });

  it('a leader may send appends before its own write, but not in the Ready that changes its term', () => {
    const solo = makeRaft('n1', ['n1'], { term: 1 }, { preVote: false });
    solo.campaignNow();
    const rd = solo.ready();
    expect(rd.sendNow).toEqual([]);
    solo.advance(rd);
    const r = loneLeader(V3, 2);
    // acknowledge the no-op so both followers leave probe state (one append at a time)
    for (const f of ['n2', 'n3']) r.step(msg.appendResp(f, 'n1', 3, true, 2));
    drain(r);
    r.propose(new Uint8Array([1]));
    const rd2 = r.ready();
    expect(ofType(rd2.sendNow, 'append').map((m) => m.to)).toEqual(['n2', 'n3']);
    expect(rd2.entries.map((e) => e.index)).toEqual([3]);
    r.advance(rd2);
  });

  it('under elections, crashes and partitions every reply leaves only after what it vouches for is on disk', () => {
    const net = new Network({ size: 5, seed: 21, tuning: { maxAppendEntries: 4, maxInflight: 4 } });
    const problems: string[] = [];
    const seen = { votes: 0, acks: 0, early: 0 };
    const lastOnDisk = (id: string): number => {
      const d = net.node(id).disk;
      return Math.max(d.logStart.index + d.entries.length, d.snapshot?.meta.index ?? 0);
    };
    net.persistHooks.push((node, rd, before) => {
      for (const m of rd.sendNow) {
        seen.early++;
        // A leader's appends and heartbeats, and anyone's heartbeat replies (they vouch for nothing on disk).
        if (!['append', 'heartbeat', 'snapshot', 'timeoutNow', 'heartbeatResp'].includes(m.type)) problems.push(`${node.id}: ${m.type} in sendNow`);
        if (rd.hardState && (rd.hardState.term !== before.term || rd.hardState.vote !== before.vote)) {
          problems.push(`${node.id}: ${m.type} in sendNow of a Ready that changes term or vote`);
        }
      }
      for (const m of rd.sendAfterPersist) {
        const hard = node.disk.hard;
        if (m.type === 'voteResp' && m.granted) {
          seen.votes++;
          if (hard.term !== m.term || hard.vote !== m.to) problems.push(`${node.id}: vote for ${m.to} in ${m.term} not on disk`);
        }
        if (m.type === 'vote' && (hard.term !== m.term || hard.vote !== node.id)) problems.push(`${node.id}: campaign for ${m.term} not on disk`);
        if (m.type === 'appendResp' && m.success) {
          seen.acks++;
          if (lastOnDisk(node.id) < m.index) problems.push(`${node.id}: acked ${m.index}, disk ends at ${lastOnDisk(node.id)}`);
          if (hard.term < m.term) problems.push(`${node.id}: acked in term ${m.term}, disk term ${hard.term}`);
        }
      }
    });
    randomWorkload(net, new SeededRandom(99), 400);
    expect(problems).toEqual([]);
    // not vacuous
    expect(seen.votes).toBeGreaterThan(5);
    expect(seen.acks).toBeGreaterThan(50);
    expect(seen.early).toBeGreaterThan(50);
  });
});
