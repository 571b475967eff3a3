/**
 * The node driver in one process: three `RaftNode`s running the real job state machine over the
 * in-memory network and storage twins. Proposals from concurrent callers share log entries and
 * every replica converges; a follower that comes back with an empty disk is refused until it is
 * removed and added again, and is then sent the snapshot (read back from the leader's storage)
 * and converges too.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, RaftJobsError } from '../../src/errors/index.js';
import type { Command, CommandResult } from '../../src/jobs/index.js';
import { decodeBatch } from '../../src/jobs/index.js';
import { JobsApp, RaftNode } from '../../src/node/index.js';
import { DEFAULT_MAX_ENTRY_COST } from '../../src/node/raft-node.js';
import { openMemoryStorage, type RaftStorage } from '../../src/storage/index.js';
import { MemoryNetwork, MemoryTransport } from '../../src/transport/index.js';
import { poll } from '../helpers/index.js';

const CLUSTER = 'node-test';
const IDS = ['a', 'b', 'c'] as const;
const logger = pino({ level: 'silent' });

interface Member {
  readonly id: string;
  readonly node: RaftNode<Command, CommandResult>;
  readonly app: JobsApp;
  readonly storage: RaftStorage;
}

const running: Member[] = [];

afterEach(async () => {
  for (const m of running.splice(0)) await stop(m);
});

async function stop(m: Member): Promise<void> {
  await m.node.stop();
  await m.storage.close();
}

async function startMember(network: MemoryNetwork, id: string, extra: { onFatal?: (err: Error) => void; storage?: RaftStorage; maxEntryBytes?: number; join?: boolean } = {}): Promise<Member> {
  const storage = extra.storage ?? (await openMemoryStorage({ clusterId: CLUSTER, nodeId: id }));
  const app = new JobsApp();
  const node = await RaftNode.start<Command, CommandResult>({
    id,
    voters: extra.join === true ? [] : [...IDS],
    storage,
    transport: new MemoryTransport({ network, clusterId: CLUSTER, selfId: id, peers: IDS }),
    app,
    logger,
    tickMs: 10,
    electionTicks: 5,
    heartbeatTicks: 1,
    snapshotEntries: 20,
    snapshotTailEntries: 5,
    ...(extra.onFatal ? { events: { onFatal: extra.onFatal } } : {}),
    ...(extra.maxEntryBytes !== undefined ? { maxEntryBytes: extra.maxEntryBytes, maxAppendBytes: extra.maxEntryBytes } : {}),
  });
  const m = { id, node, app, storage };
  running.push(m);
  return m;
}

async function leaderOf(members: readonly Member[]): Promise<Member> {
  return poll(() => members.find((m) => m.node.isLeader()), { timeoutMs: 10_000, intervalMs: 10 });
}

/** Waits until every member has applied the leader's commit index and all digests agree. */
async function converged(members: readonly Member[]): Promise<string> {
  return poll(
    (observe) => {
      const st = members.map((m) => m.node.status());
      observe(st.map((s) => `${s.id}: applied ${s.appliedIndex}/${s.commitIndex}`));
      const top = Math.max(...st.map((s) => s.commitIndex));
      if (st.some((s) => s.appliedIndex < top)) return undefined;
      const digests = new Set(st.map((s) => s.stateDigest));
      return digests.size === 1 ? [...digests][0] : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 10 },
  );
}

/**
 * `lost` comes back on an empty disk under its old id: the leader, which recorded its data
 * directory in the membership, refuses it (sends it nothing of the log) until the operator removes
 * it and adds it again with its new one; it then catches up and the leader promotes it. Returns it.
 */
/**
 * A membership change, asked again while the leader answers CHANGE_PENDING (its own bindings of
 * members' incarnations are changes too, and one may be in flight): "retry shortly", as the CLI does.
 */
async function change(leader: Member, c: Parameters<RaftNode<Command, CommandResult>['changeMembership']>[0]): Promise<void> {
  await poll(
    () =>
      leader.node.changeMembership(c).then(
        () => true,
        (err: unknown) => {
          if (err instanceof RaftJobsError && err.code === ErrorCode.ChangePending) return undefined;
          throw err;
        },
      ),
    { timeoutMs: 10_000, intervalMs: 20, description: `${c.kind} ${c.id}` },
  );
}

async function replaceDisk(network: MemoryNetwork, leader: Member, lost: Member): Promise<Member> {
  await poll(() => (leader.node.membership().incarnations?.[lost.id] === lost.storage.incarnation ? true : undefined), { timeoutMs: 5_000, intervalMs: 10 });
  await stop(lost);
  running.splice(running.indexOf(lost), 1);
  const back = await startMember(network, lost.id);
  expect(back.storage.incarnation).not.toBe(lost.storage.incarnation);
  await poll(() => (leader.node.status().peers.find((p) => p.id === lost.id)?.refused === true ? true : undefined), { timeoutMs: 5_000, intervalMs: 10 });
  expect(back.node.status().lastLogIndex).toBe(0);
  await change(leader, { kind: 'remove', id: lost.id });
  await stop(back);
  running.splice(running.indexOf(back), 1);
  const joined = await startMember(network, lost.id, { join: true, storage: await openMemoryStorage({ clusterId: CLUSTER, nodeId: lost.id }) });
  await change(leader, { kind: 'addLearner', id: lost.id, incarnation: joined.storage.incarnation });
  await poll(() => (leader.node.membership().voters.includes(lost.id) ? true : undefined), { timeoutMs: 10_000, intervalMs: 10 });
  return joined;
}

function submit(n: number): Command {
  return { type: 'submit', jobs: [{ queue: 'q', payload: new TextEncoder().encode(JSON.stringify({ n })) }] };
}

describe('RaftNode over the in-memory twins', () => {
  it('commits proposals made together in shared entries, and every replica converges', async () => {
    const network = new MemoryNetwork();
    const members = await Promise.all(IDS.map((id) => startMember(network, id)));
    const leader = await leaderOf(members);
    const before = leader.node.status().lastLogIndex;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => leader.node.propose(submit(i))));
    expect(results.every((r) => r.ok && r.type === 'submit')).toBe(true);
    // Fifty proposals in one event-loop turn fit in a few entries, not fifty.
    expect(leader.node.status().lastLogIndex - before).toBeLessThan(10);
    await converged(members);
    for (const m of members) expect(m.app.state.jobs.size).toBe(50);
  });

  it('splits commands proposed together over entries no larger than maxEntryBytes, and every one commits', async () => {
    const network = new MemoryNetwork();
    const maxEntryBytes = 1024 * 1024;
    const members = await Promise.all(IDS.map((id) => startMember(network, id, { maxEntryBytes })));
    const leader = await leaderOf(members);
    const before = leader.node.status().lastLogIndex;
    const big = (n: number): Command => ({ type: 'submit', jobs: [{ queue: 'q', payload: new Uint8Array(300 * 1024).fill(n) }] });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => leader.node.propose(big(i))));
    expect(results.every((r) => r.ok)).toBe(true);
    await converged(members);
    // 12 x 300 KiB cannot go in fewer than 4 entries of at most 1 MiB; each stored entry is within the bound.
    const entries = (await leader.storage.load()).entries.filter((e) => e.index > before && e.type === 'normal');
    expect(entries.length).toBeGreaterThanOrEqual(4);
    for (const e of entries) expect(e.data.length).toBeLessThanOrEqual(maxEntryBytes);
  });

  it('packs commands proposed together into entries of at most maxEntryCost jobs, so no entry is long to apply', async () => {
    const network = new MemoryNetwork();
    const members = await Promise.all(IDS.map((id) => startMember(network, id)));
    const leader = await leaderOf(members);
    const before = leader.node.status().lastLogIndex;
    const batch = (n: number): Command => ({ type: 'submit', jobs: Array.from({ length: 1000 }, (_, i) => ({ queue: 'q', payload: new Uint8Array([n, i & 255]) })) });
    // Ten 1,000-job submits in one turn, with a tick between the two halves: the ticks cost 1 each.
    const commands = [...Array.from({ length: 5 }, (_, i) => batch(i)), { type: 'tick' } as Command, ...Array.from({ length: 5 }, (_, i) => batch(5 + i))];
    const results = await Promise.all(commands.map((c) => leader.node.propose(c)));
    expect(results.every((r) => r.ok)).toBe(true);
    await converged(members);
    for (const m of members) expect(m.app.state.jobs.size).toBe(10_000);
    const entries = (await leader.storage.load()).entries.filter((e) => e.index > before && e.type === 'normal');
    const jobsIn = entries.map((e) => {
      const d = decodeBatch(e.data);
      if (!d.ok) throw new Error(d.error);
      return d.value.commands.reduce((n, c) => n + (c.type === 'submit' ? c.jobs.length : 0), 0);
    });
    expect(jobsIn.reduce((a, b) => a + b, 0)).toBe(10_000);
    for (const n of jobsIn) expect(n).toBeLessThanOrEqual(DEFAULT_MAX_ENTRY_COST);
    // 10,000 jobs need at least three entries of 4,000; the packing fills them: no more than four.
    expect(jobsIn.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    expect(jobsIn.filter((n) => n > 0).length).toBeLessThanOrEqual(4);
  });

  it('a follower starts writing the entries an append brings before it applies the commit that came with them', async () => {
    const network = new MemoryNetwork();
    // Every storage write and state-machine apply of each member, in the order they began.
    const trace = new Map<string, string[]>();
    const members = await Promise.all(
      IDS.map(async (id) => {
        const storage = await openMemoryStorage({ clusterId: CLUSTER, nodeId: id });
        const events: string[] = [];
        trace.set(id, events);
        const persist = storage.persist.bind(storage);
        storage.persist = (batch, opts) => {
          if (batch.entries.length > 0) events.push(`write ${batch.entries[0]?.index}`);
          return persist(batch, opts);
        };
        const m = await startMember(network, id, { storage });
        const apply = m.app.apply.bind(m.app);
        m.app.apply = (index, data) => {
          events.push(`apply ${index}`);
          return apply(index, data);
        };
        return m;
      }),
    );
    const leader = await leaderOf(members);
    const first = leader.node.status().lastLogIndex + 1;
    // One at a time: each append carries the previous entry's commit (deferred commit notices).
    for (let i = 0; i < 20; i++) await leader.node.propose(submit(i));
    await converged(members);
    for (const f of members.filter((m) => m !== leader)) {
      const events = trace.get(f.id) ?? [];
      const overlapped = Array.from({ length: 19 }, (_, k) => first + k).filter((i) => {
        const written = events.indexOf(`write ${i + 1}`);
        return written >= 0 && written < events.indexOf(`apply ${i}`);
      });
      // Applying entry i waited for nothing: the write of i + 1 was under way first.
      expect(overlapped.length).toBeGreaterThanOrEqual(10);
    }
  });

  it('writes a commit index that moved without new entries at the next idle tick, so a killed node recovers it', async () => {
    const network = new MemoryNetwork();
    const members = await Promise.all(IDS.map((id) => startMember(network, id)));
    const leader = await leaderOf(members);
    for (let i = 0; i < 5; i++) await leader.node.propose(submit(i));
    await converged(members);
    const commit = leader.node.status().commitIndex;
    // The last commit reached the followers without entries; an idle tick writes it. (At least it:
    // an entry of the cluster's own, such as a member's incarnation binding, may commit after.)
    for (const m of members) {
      await poll(async () => ((await m.storage.load()).hardState.commit >= commit ? true : undefined), { timeoutMs: 10_000, intervalMs: 10 });
    }
  });

  it('a follower that lost its disk is refused; removed and added again, it is sent the snapshot from the leader’s storage and converges', async () => {
    const network = new MemoryNetwork();
    const members = await Promise.all(IDS.map((id) => startMember(network, id)));
    const leader = await leaderOf(members);
    const lost = members.find((m) => m !== leader) as Member;
    // Enough entries one by one for the leader to snapshot and compact past the lost node's log.
    for (let i = 0; i < 60; i++) await leader.node.propose(submit(i));
    await poll(() => (leader.node.status().firstLogIndex > 10 ? true : undefined), { timeoutMs: 10_000, intervalMs: 10 });

    const wiped = await replaceDisk(network, leader, lost);
    const all = members.map((m) => (m === lost ? wiped : m));
    const digest = await converged(all);
    expect(wiped.node.status().snapshotIndex).toBeGreaterThan(0);
    expect(wiped.app.state.jobs.size).toBe(60);
    expect(digest).toBe(leader.node.status().stateDigest);
  });
});

/**
 * Three members, `hundreds` x 100 jobs submitted; a follower snapshots, stops and starts again on
 * its storage. Returns the members (the follower's new run in its place) and its new run.
 */
async function restartFollowerFromSnapshot(hundreds: number): Promise<{ all: Member[]; leader: Member; back: Member; snapshotIndex: number }> {
  const network = new MemoryNetwork();
  const members = await Promise.all(IDS.map((id) => startMember(network, id)));
  const leader = await leaderOf(members);
  const follower = members.find((m) => m !== leader) as Member;
  for (let i = 0; i < hundreds; i++) await Promise.all(Array.from({ length: 100 }, (_, j) => leader.node.propose(submit(i * 100 + j))));
  await converged(members);
  const snapshotIndex = await follower.node.snapshotNow();
  expect(snapshotIndex).toBeGreaterThan(0);
  await stop(follower);
  running.splice(running.indexOf(follower), 1);
  const back = await startMember(network, follower.id, { storage: await openMemoryStorage({ clusterId: CLUSTER, nodeId: follower.id, db: follower.storage.db }) });
  return { all: members.map((m) => (m === follower ? back : m)), leader, back, snapshotIndex };
}

describe('RaftNode restart from a snapshot', () => {
  it('a restarted follower serves before its snapshot is restored, applies what commits meanwhile after it, and converges', async () => {
    // Thousands of jobs, so the restore takes several slices.
    const { all, leader, back, snapshotIndex } = await restartFollowerFromSnapshot(40);
    // Started, with the state still to be rebuilt: the application holds nothing yet.
    expect(back.node.status().appliedIndex).toBe(0);
    expect(back.app.state.jobs.size).toBe(0);
    let restored = false;
    void back.node.whenRestored().then(() => (restored = true));
    // Committed while it restores: applied after the snapshot, in order.
    const during = Promise.all(Array.from({ length: 50 }, (_, j) => leader.node.propose(submit(5000 + j))));
    await back.node.whenRestored();
    expect(restored).toBe(true);
    expect(back.node.status().appliedIndex).toBeGreaterThanOrEqual(snapshotIndex);
    await during;
    const digest = await converged(all);
    expect(back.app.state.jobs.size).toBe(4050);
    expect(digest).toBe(leader.node.status().stateDigest);
  });

  it('a node stopped while it restores rejects whenRestored with SHUTTING_DOWN and stops cleanly', async () => {
    const { back } = await restartFollowerFromSnapshot(30);
    const waiting = back.node.whenRestored();
    await back.node.stop();
    await expect(waiting).rejects.toMatchObject({ code: ErrorCode.ShuttingDown });
    expect(back.app.state.jobs.size).toBe(0);
  });
});

describe('RaftNode liveness', () => {
  it('a leader whose disk writes take 500 ms keeps its leadership and commits on its followers’ acks', async () => {
    const network = new MemoryNetwork();
    const members = await Promise.all(IDS.map((id) => startMember(network, id)));
    const leader = await leaderOf(members);
    await leader.node.propose(submit(0));
    const term = leader.node.status().term;
    // Every write on the leader now takes 500 ms, five election timeouts and more.
    const storage = leader.storage;
    const write = storage.persist.bind(storage);
    storage.persist = async (batch, opts) => {
      await new Promise((r) => setTimeout(r, 500));
      return write(batch, opts);
    };
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 5 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 150));
      return leader.node.propose(submit(i + 1));
    }));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(performance.now() - started).toBeGreaterThan(500);
    for (const m of members) expect(m.node.status()).toMatchObject({ term, leaderId: leader.id });
    expect(leader.node.isLeader()).toBe(true);
  });

  it('a follower wiped under a stable leader (no compaction involved) is refused, then removed and added again, and ends with the same state', async () => {
    const network = new MemoryNetwork();
    const members = await Promise.all(IDS.map((id) => startMember(network, id)));
    const leader = await leaderOf(members);
    for (let i = 0; i < 5; i++) await leader.node.propose(submit(i));
    await converged(members);
    const term = leader.node.status().term;
    const lost = members.find((m) => m !== leader) as Member;
    const wiped = await replaceDisk(network, leader, lost);
    const all = members.map((m) => (m === lost ? wiped : m));
    // Idle, then one more proposal: the wiped node must end with everything.
    await leader.node.propose(submit(99));
    const digest = await converged(all);
    expect(wiped.app.state.jobs.size).toBe(6);
    expect(digest).toBe(leader.node.status().stateDigest);
    expect(leader.node.status()).toMatchObject({ role: 'leader', term });
  });

  it('stops under traffic, then closes its storage, without a fatal error', async () => {
    for (let round = 0; round < 3; round++) {
      const network = new MemoryNetwork();
      const fatal: Error[] = [];
      const members = await Promise.all(IDS.map((id) => startMember(network, id, { onFatal: (err) => fatal.push(err) })));
      const leader = await leaderOf(members);
      let stopTraffic = false;
      const traffic = (async () => {
        let i = 0;
        while (!stopTraffic) {
          await Promise.all(Array.from({ length: 20 }, () => leader.node.propose(submit(i++)).catch(() => undefined)));
        }
      })();
      await poll(() => (leader.node.status().commitIndex > 30 ? true : undefined), { timeoutMs: 10_000, intervalMs: 5 });
      // Stop a follower, then the leader, each followed at once by closing its storage.
      const follower = members.find((m) => m !== leader) as Member;
      for (const m of [follower, leader]) {
        await m.node.stop();
        await m.storage.close();
        running.splice(running.indexOf(m), 1);
      }
      stopTraffic = true;
      await traffic;
      // Give anything still scheduled a chance to run against the closed storage.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 50));
      expect(fatal.map((e) => e.message)).toEqual([]);
    }
  });
});
