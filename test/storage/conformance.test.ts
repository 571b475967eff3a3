import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRaftJobsError } from '../../src/errors/index.js';
import type { ClusterMembership, Entry, HardState, Snapshot } from '../../src/raft/types.js';
import { type RaftStorage, SNAPSHOT_CHUNK_BYTES } from '../../src/storage/index.js';
import {
  type Harness,
  type HarnessFactory,
  levelHarness,
  makeEntries,
  makeSnapshot,
  memoryHarness,
  patternBytes,
} from './helpers.js';

const VIEW = { keyEncoding: 'view', valueEncoding: 'view' } as const;
const hs = (term: number, vote: string | null, commit: number): HardState => ({ term, vote, commit });

/** Snapshot equality without vitest's per-element deep compare (slow on megabytes). */
function expectSnapshot(actual: Snapshot | null, expected: Snapshot): void {
  expect(actual?.meta).toEqual(expected.meta);
  expect(actual?.data).toBeInstanceOf(Uint8Array);
  expect(Buffer.compare(actual?.data ?? new Uint8Array(0), expected.data)).toBe(0);
  expect(actual?.data.byteLength).toBe(expected.data.byteLength);
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<unknown> {
  const err = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(isRaftJobsError(err) ? err.code : err).toBe(code);
  return err;
}

/** The one conformance suite: every storage implementation must pass it unchanged. */
describe.each<HarnessFactory>([memoryHarness, levelHarness])('RaftStorage conformance ($name)', (factory) => {
  let harness: Harness;
  let storage: RaftStorage;

  beforeEach(async () => {
    harness = await factory.create();
    storage = await harness.open();
  });

  afterEach(async () => {
    await storage.close();
    await harness.dispose();
  });

  async function restart(): Promise<RaftStorage> {
    await storage.close();
    storage = await harness.open();
    return storage;
  }

  it('first boot: empty hard state, no snapshot, no entries, log start 0/0', async () => {
    expect(await storage.load()).toEqual({ hardState: hs(0, null, 0), snapshot: null, entries: [], logStart: { index: 0, term: 0 } });
    expect(await storage.loadSnapshot()).toBeNull();
    expect(storage.lastIndex).toBe(0);
  });

  it('recovers hard state and entries exactly after a restart', async () => {
    const first: Entry[] = [
      { index: 1, term: 1, type: 'noop', data: new Uint8Array(0) },
      ...makeEntries(2, 4, 1),
      { index: 5, term: 2, type: 'config', data: Uint8Array.of(0, 255, 1) },
    ];
    await storage.persist({ hardState: hs(2, 'n2', 0), entries: first, snapshot: null });
    await storage.persist({ hardState: null, entries: makeEntries(6, 7, 2), snapshot: null });
    await storage.persist({ hardState: hs(2, 'n2', 6), entries: [], snapshot: null });
    await storage.persist({ hardState: null, entries: [], snapshot: null });
    await restart();
    const state = await storage.load();
    expect(state.hardState).toEqual(hs(2, 'n2', 6));
    expect(state.entries).toEqual([...first, ...makeEntries(6, 7, 2)]);
    expect(state.logStart).toEqual({ index: 0, term: 0 });
    expect(storage.lastIndex).toBe(7);
  });

  it('an unsynced write (a commit-index-only hard state) is read back after a restart of the process', async () => {
    await storage.persist({ hardState: hs(3, 'n1', 0), entries: makeEntries(1, 4, 3), snapshot: null });
    await storage.persist({ hardState: hs(3, 'n1', 4), entries: [], snapshot: null }, { sync: false });
    await restart();
    expect((await storage.load()).hardState).toEqual(hs(3, 'n1', 4));
  });

  it('keeps terms beyond 32 bits and a null vote', async () => {
    const big = 2 ** 40 + 7;
    await storage.persist({ hardState: hs(big, null, 1), entries: makeEntries(1, 1, big), snapshot: null });
    await restart();
    const state = await storage.load();
    expect(state.hardState).toEqual(hs(big, null, 1));
    expect(state.entries[0]?.term).toBe(big);
  });

  it('stores copies: mutating buffers after persist changes nothing', async () => {
    const entry = makeEntries(1, 1, 1)[0] as Entry;
    const snapData = patternBytes(1000);
    await storage.persist({ hardState: null, entries: [entry], snapshot: null });
    await storage.saveSnapshot(makeSnapshot(1, 1, snapData));
    entry.data.fill(0);
    snapData.fill(0);
    await restart();
    expect((await storage.load()).entries).toEqual(makeEntries(1, 1, 1));
    expect((await storage.loadSnapshot())?.data).toEqual(patternBytes(1000));
  });

  it('overwrites from the first new entry and deletes the conflicting tail', async () => {
    await storage.persist({ hardState: hs(1, 'n1', 3), entries: makeEntries(1, 10, 1), snapshot: null });
    await storage.persist({ hardState: hs(2, 'n3', 3), entries: makeEntries(6, 7, 2), snapshot: null });
    expect(storage.lastIndex).toBe(7);
    const expected = [...makeEntries(1, 5, 1), ...makeEntries(6, 7, 2)];
    expect((await storage.load()).entries).toEqual(expected);
    await restart();
    expect((await storage.load()).entries).toEqual(expected);
    expect(storage.lastIndex).toBe(7);
    await storage.persist({ hardState: null, entries: makeEntries(8, 8, 2), snapshot: null });
    await storage.persist({ hardState: null, entries: makeEntries(1, 1, 3), snapshot: null });
    expect((await storage.load()).entries).toEqual(makeEntries(1, 1, 3));
  });

  it('rejects a batch that would leave a gap, and stays usable', async () => {
    await storage.persist({ hardState: null, entries: makeEntries(1, 3, 1), snapshot: null });
    await rejectsWith(storage.persist({ hardState: null, entries: makeEntries(5, 6, 1), snapshot: null }), 'INTERNAL');
    await rejectsWith(storage.persist({ hardState: null, entries: [...makeEntries(4, 4, 1), ...makeEntries(6, 6, 1)], snapshot: null }), 'INTERNAL');
    await storage.persist({ hardState: null, entries: makeEntries(4, 4, 1), snapshot: null });
    expect((await storage.load()).entries).toEqual(makeEntries(1, 4, 1));
  });

  it('a snapshot in the batch replaces the stored one and discards the whole log', async () => {
    await storage.persist({ hardState: hs(1, 'n1', 10), entries: makeEntries(1, 10, 1), snapshot: null });
    await storage.saveSnapshot(makeSnapshot(4, 1, patternBytes(100, 1)));
    const snap = makeSnapshot(20, 4, patternBytes(3000, 2));
    await storage.persist({ hardState: hs(4, null, 20), entries: makeEntries(21, 22, 4), snapshot: snap });
    const expected = { hardState: hs(4, null, 20), snapshot: snap.meta, entries: makeEntries(21, 22, 4), logStart: { index: 20, term: 4 } };
    expect(await storage.load()).toEqual(expected);
    await restart();
    expect(await storage.load()).toEqual(expected);
    expect(await storage.loadSnapshot()).toEqual(snap);
    // A snapshot below the last index still discards every entry, matching or not.
    const lower = makeSnapshot(21, 4, patternBytes(10, 3));
    await storage.persist({ hardState: null, entries: [], snapshot: lower });
    expect(await storage.load()).toMatchObject({ snapshot: lower.meta, entries: [], logStart: { index: 21, term: 4 } });
    expect(storage.lastIndex).toBe(21);
  });

  it('saveSnapshot keeps the log; compact drops entries below firstIndex and records the log start', async () => {
    await storage.persist({ hardState: hs(3, 'n1', 10), entries: [...makeEntries(1, 4, 1), ...makeEntries(5, 10, 3)], snapshot: null });
    const snap = makeSnapshot(6, 3, patternBytes(500));
    await storage.saveSnapshot(snap);
    let state = await storage.load();
    expect(state.snapshot).toEqual(snap.meta);
    expect(state.entries).toHaveLength(10);
    expect(state.logStart).toEqual({ index: 0, term: 0 });

    await storage.compact(5);
    state = await storage.load();
    expect(state.logStart).toEqual({ index: 4, term: 1 });
    expect(state.entries).toEqual(makeEntries(5, 10, 3));
    await storage.compact(3); // at or below the start: nothing to do
    await rejectsWith(storage.compact(8), 'INTERNAL'); // no snapshot covers 7
    await restart();
    expect(await storage.load()).toEqual({ hardState: hs(3, 'n1', 10), snapshot: snap.meta, entries: makeEntries(5, 10, 3), logStart: { index: 4, term: 1 } });
    await storage.compact(7);
    expect((await storage.load()).logStart).toEqual({ index: 6, term: 3 });
    await rejectsWith(storage.saveSnapshot(makeSnapshot(5, 3, new Uint8Array(1))), 'INTERNAL');
  });

  it('round-trips a large snapshot in chunks of at most 1 MiB, and a smaller one replaces it', async () => {
    const big = makeSnapshot(100, 7, patternBytes(5 * SNAPSHOT_CHUNK_BYTES + 12345, 9));
    await storage.saveSnapshot(big);
    const sizes = await storage.db.values<Uint8Array, Uint8Array>({ gte: Uint8Array.of(0x73), lt: Uint8Array.of(0x74), ...VIEW }).all();
    expect(sizes).toHaveLength(1 + 6);
    expect(Math.max(...sizes.map((v) => v.byteLength))).toBeLessThanOrEqual(SNAPSHOT_CHUNK_BYTES);
    await restart();
    expectSnapshot(await storage.loadSnapshot(), big);

    const small = makeSnapshot(120, 7, patternBytes(SNAPSHOT_CHUNK_BYTES + 1, 4));
    await storage.saveSnapshot(small);
    expectSnapshot(await storage.loadSnapshot(), small);
    const keys = await storage.db.keys<Uint8Array>({ gte: Uint8Array.of(0x73), lt: Uint8Array.of(0x74), keyEncoding: 'view' }).all();
    expect(keys).toHaveLength(1 + 2);
    const empty = makeSnapshot(130, 7, new Uint8Array(0));
    await storage.saveSnapshot(empty);
    await restart();
    expect(await storage.loadSnapshot()).toEqual(empty);
  });

  it('stores a snapshot given in pieces, each in values of at most 1 MiB, and reads it back joined', async () => {
    const whole = patternBytes(3 * SNAPSHOT_CHUNK_BYTES + 999, 5);
    const cuts = [0, 17, SNAPSHOT_CHUNK_BYTES + 40, SNAPSHOT_CHUNK_BYTES + 40, 3 * SNAPSHOT_CHUNK_BYTES + 2, whole.length];
    const pieces = cuts.slice(1).map((end, i) => whole.slice(cuts[i], end));
    const meta = makeSnapshot(50, 4, whole).meta;
    await storage.saveSnapshot({ meta, data: pieces });
    const values = await storage.db.values<Uint8Array, Uint8Array>({ gte: Uint8Array.of(0x73), lt: Uint8Array.of(0x74), ...VIEW }).all();
    expect(Math.max(...values.map((v) => v.byteLength))).toBeLessThanOrEqual(SNAPSHOT_CHUNK_BYTES);
    await restart();
    expectSnapshot(await storage.loadSnapshot(), { meta, data: whole });
  });

  it('writes a large snapshot while log writes go on, and readers see the old one whole until the new one is', async () => {
    const old = makeSnapshot(10, 2, patternBytes(SNAPSHOT_CHUNK_BYTES + 7, 1));
    await storage.persist({ hardState: hs(2, 'n1', 0), entries: makeEntries(1, 12, 2), snapshot: null });
    await storage.saveSnapshot(old);
    const big = makeSnapshot(12, 2, patternBytes(12 * SNAPSHOT_CHUNK_BYTES + 3, 5));
    const order: string[] = [];
    const saving = storage.saveSnapshot(big).then(() => order.push('snapshot'));
    const reads: (Snapshot | null)[] = [];
    for (let i = 13; i <= 16; i++) {
      await storage.persist({ hardState: hs(2, 'n1', i - 1), entries: makeEntries(i, i, 2), snapshot: null });
      order.push(`entry ${i}`);
      reads.push(await storage.loadSnapshot());
    }
    await saving;
    // Log writes did not wait for the whole snapshot.
    expect(order.indexOf('entry 13')).toBeLessThan(order.indexOf('snapshot'));
    for (const r of reads) expectSnapshot(r, r?.meta.index === 12 ? big : old);
    expectSnapshot(await storage.loadSnapshot(), big);
    await restart();
    expectSnapshot(await storage.loadSnapshot(), big);
    expect((await storage.load()).entries.at(-1)?.index).toBe(16);
    // Only the new snapshot's chunks are left.
    const keys = await storage.db.keys<Uint8Array>({ gte: Uint8Array.of(0x73), lt: Uint8Array.of(0x74), keyEncoding: 'view' }).all();
    expect(keys).toHaveLength(1 + 13);
  });

  it('reads a snapshot stored before generations (chunks under 0x01) and replaces it', async () => {
    const legacy = makeSnapshot(5, 1, patternBytes(SNAPSHOT_CHUNK_BYTES + 9, 3));
    const meta = { index: 5, term: 1, voters: legacy.meta.membership.voters, size: legacy.data.byteLength, chunks: 2 };
    const chunk = (n: number): Uint8Array => Uint8Array.of(0x73, 0x01, 0, 0, 0, n);
    await storage.db.batch<Uint8Array, Uint8Array>([
      { type: 'put', key: Uint8Array.of(0x73, 0x00), value: new TextEncoder().encode(JSON.stringify(meta)) },
      { type: 'put', key: chunk(0), value: legacy.data.slice(0, SNAPSHOT_CHUNK_BYTES) },
      { type: 'put', key: chunk(1), value: legacy.data.slice(SNAPSHOT_CHUNK_BYTES) },
    ], VIEW);
    await restart();
    expectSnapshot(await storage.loadSnapshot(), legacy);
    const next = makeSnapshot(5, 1, patternBytes(100, 4));
    await storage.saveSnapshot(next);
    expectSnapshot(await storage.loadSnapshot(), next);
    expect(await storage.db.get<Uint8Array, Uint8Array>(chunk(0), VIEW)).toBeUndefined();
  });

  it("stores a snapshot's whole membership (voters, learners, addresses, incarnations) across a restart", async () => {
    const membership: ClusterMembership = {
      voters: ['n2', 'n1', 'n3'],
      learners: ['n4', 'n5'],
      addresses: { n1: '10.0.0.1:7001', n4: '[::1]:7004' },
      incarnations: { n1: 1, n3: 2 ** 32 - 1, n4: 42 },
    };
    const snap: Snapshot = { meta: { index: 9, term: 3, membership }, data: patternBytes(SNAPSHOT_CHUNK_BYTES + 1, 6) };
    await storage.saveSnapshot(snap);
    expectSnapshot(await storage.loadSnapshot(), snap);
    await restart();
    expectSnapshot(await storage.loadSnapshot(), snap);
    expect((await storage.load()).snapshot).toStrictEqual(snap.meta);
  });

  it('reads a snapshot record of the shape written before memberships held more than voters, and writes a voters-only one in that shape', async () => {
    const old = { index: 7, term: 2, voters: ['n1', 'n2'], size: 0, chunks: 0, generation: 0 };
    await storage.db.put<Uint8Array, Uint8Array>(Uint8Array.of(0x73, 0x00), new TextEncoder().encode(JSON.stringify(old)), VIEW);
    await restart();
    expect(await storage.loadSnapshot()).toStrictEqual({ meta: { index: 7, term: 2, membership: { voters: ['n1', 'n2'] } }, data: new Uint8Array(0) });

    await storage.saveSnapshot(makeSnapshot(8, 2, patternBytes(10)));
    const raw = await storage.db.get<Uint8Array, Uint8Array>(Uint8Array.of(0x73, 0x00), VIEW);
    expect(Object.keys(JSON.parse(new TextDecoder().decode(raw)) as object)).toEqual(['index', 'term', 'voters', 'size', 'chunks', 'generation']);
  });

  it('refuses a snapshot record whose membership breaks the rules as STORAGE_CORRUPT, naming the problem', async () => {
    const record = { index: 7, term: 2, voters: ['n1', 'n2'], learners: ['n2'], size: 0, chunks: 0, generation: 0 };
    await storage.db.put<Uint8Array, Uint8Array>(Uint8Array.of(0x73, 0x00), new TextEncoder().encode(JSON.stringify(record)), VIEW);
    await storage.close();
    const err = await rejectsWith(harness.open(), 'STORAGE_CORRUPT');
    expect(String(err)).toMatch(/membership: an id appears twice/);
  });

  it('handles many entries, a long truncation and a restart', async () => {
    for (let from = 1; from <= 20_000; from += 500) {
      await storage.persist({ hardState: hs(1, 'n1', from - 1), entries: makeEntries(from, from + 499, 1), snapshot: null });
    }
    await storage.persist({ hardState: hs(2, 'n2', 4000), entries: makeEntries(5001, 5001, 2), snapshot: null });
    await restart();
    const state = await storage.load();
    expect(state.entries).toHaveLength(5001);
    expect(state.entries[4999]).toEqual(makeEntries(5000, 5000, 1)[0]);
    expect(state.entries[5000]).toEqual(makeEntries(5001, 5001, 2)[0]);
    expect(storage.lastIndex).toBe(5001);
    expect(await storage.db.keys({ gte: Uint8Array.of(0x65), lt: Uint8Array.of(0x66), keyEncoding: 'view' }).all()).toHaveLength(5001);
  });

  it('refuses another node id or cluster id with STORAGE_FOREIGN', async () => {
    await storage.persist({ hardState: hs(1, 'n1', 0), entries: makeEntries(1, 2, 1), snapshot: null });
    await storage.close();
    await rejectsWith(harness.open({ nodeId: 'n2' }), 'STORAGE_FOREIGN');
    await rejectsWith(harness.open({ clusterId: 'cluster-b' }), 'STORAGE_FOREIGN');
    storage = await harness.open();
    expect((await storage.load()).entries).toEqual(makeEntries(1, 2, 1));
  });

  it('a failed write surfaces as DATA_LOSS and stops the storage', async () => {
    await storage.persist({ hardState: hs(1, 'n1', 0), entries: makeEntries(1, 2, 1), snapshot: null });
    storage.db.hooks.prewrite.add(() => {
      throw new Error('disk full');
    });
    const err = await rejectsWith(storage.persist({ hardState: hs(1, 'n1', 2), entries: makeEntries(3, 3, 1), snapshot: null }), 'DATA_LOSS');
    expect(String(err)).toMatch(/disk full|failed to persist/);
    await rejectsWith(storage.load(), 'DATA_LOSS');
    await rejectsWith(storage.compact(1), 'DATA_LOSS');
    expect(storage.lastIndex).toBe(2);
  });

  it('runs calls made before close, in order, then closes', async () => {
    const writes = [
      storage.persist({ hardState: hs(1, 'n1', 0), entries: makeEntries(1, 3, 1), snapshot: null }),
      storage.persist({ hardState: hs(2, 'n2', 1), entries: makeEntries(3, 4, 2), snapshot: null }),
    ];
    await storage.close();
    await Promise.all(writes);
    storage = await harness.open();
    expect(await storage.load()).toMatchObject({ hardState: hs(2, 'n2', 1), entries: [...makeEntries(1, 2, 1), ...makeEntries(3, 4, 2)] });
  });

  it('close is idempotent and later calls are refused', async () => {
    await storage.close();
    await storage.close();
    await rejectsWith(storage.load(), 'SHUTTING_DOWN');
    await rejectsWith(storage.persist({ hardState: hs(1, null, 0), entries: [], snapshot: null }), 'SHUTTING_DOWN');
    storage = await harness.open();
  });
});
