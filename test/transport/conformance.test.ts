import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppendRequest, Message, SnapshotRequest } from '../../src/raft/types.js';
import { encodeMessage, frameHeaderBytes, messageCost } from '../../src/transport/codec.js';
import { TOO_LARGE_DROPPED } from '../../src/transport/index.js';
import {
  CLUSTER,
  everyVariant,
  grpcHarness,
  heartbeat,
  memoryHarness,
  MiB,
  patternBytes,
  peerMap,
  snapshotMessage,
  TEST_MAX_MESSAGE_BYTES,
  type Harness,
  type HarnessFactory,
  type TestNode,
} from './helpers.js';

const WAIT = { timeout: 10_000, interval: 10 } as const;

function contexts(inbox: readonly Message[]): number[] {
  return inbox.map((m) => (m.type === 'heartbeat' ? m.context : -1));
}

/**
 * Messages with byte arrays replaced by their class name and base64, so that strict equality stays
 * exact (a Buffer is not a Uint8Array here) without vitest's slow per-element compare.
 */
function comparable(value: unknown): unknown {
  if (value instanceof Uint8Array) return { class: value.constructor.name, base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  return value;
}

/** Snapshot equality without vitest's per-element compare (slow on megabytes). */
function expectSameSnapshot(actual: Message | undefined, expected: SnapshotRequest): void {
  expect(actual?.type).toBe('snapshot');
  const got = actual as SnapshotRequest;
  expect({ ...got, snapshot: { ...got.snapshot, data: null } }).toStrictEqual({ ...expected, snapshot: { ...expected.snapshot, data: null } });
  expect(got.snapshot.data).toBeInstanceOf(Uint8Array);
  expect(got.snapshot.data.byteLength).toBe(expected.snapshot.data.byteLength);
  expect(Buffer.compare(got.snapshot.data, expected.snapshot.data)).toBe(0);
}

/**
 * Sends heartbeats from `from` to `to` (contexts counting up from `first`) until `check` passes:
 * the way to wait for a link that may still be (re)connecting.
 */
async function keepSending(from: TestNode, to: string, check: () => void, first = 100): Promise<void> {
  let context = first;
  await vi.waitFor(() => {
    from.transport.send([heartbeat(from.id, to, context++)]);
    check();
  }, WAIT);
}

/** Bytes of `msg` in a frame of its own from `from`: what a transport compares with its limit. */
function soloFrameBytes(msg: Message): number {
  return frameHeaderBytes(CLUSTER, msg.from) + messageCost(encodeMessage(msg).length);
}

/** An append of one entry whose frame is exactly `frameBytes` long. */
function appendOfFrame(from: string, to: string, frameBytes: number, seed: number): AppendRequest {
  const make = (size: number): AppendRequest => ({
    type: 'append',
    from,
    to,
    term: 4,
    prevLogIndex: 10,
    prevLogTerm: 3,
    commit: 9,
    entries: [{ index: 11, term: 4, type: 'normal', data: patternBytes(size, seed) }],
  });
  let size = frameBytes - soloFrameBytes(make(0));
  while (soloFrameBytes(make(size)) > frameBytes) size -= 1;
  const msg = make(size);
  if (soloFrameBytes(msg) !== frameBytes) throw new Error(`no append with a frame of exactly ${frameBytes} bytes`);
  return msg;
}

/** The one conformance suite: every Transport implementation must pass it unchanged. */
describe.each<HarnessFactory>([memoryHarness, grpcHarness])('Transport conformance ($label)', (factory) => {
  let harness: Harness | null = null;

  async function cluster(ids: string[]): Promise<Harness> {
    harness = await factory(ids);
    return harness;
  }

  async function pair(h: Harness): Promise<[TestNode, TestNode]> {
    const n1 = await h.start({ id: 'n1', peers: ['n1', 'n2', 'n3'] });
    const n2 = await h.start({ id: 'n2', peers: ['n1', 'n2', 'n3'] });
    return [n1, n2];
  }

  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('round-trips every message variant field for field', async () => {
    const [n1, n2] = await pair(await cluster(['n1', 'n2', 'n3']));
    const sent = everyVariant('n1', 'n2');
    n1.transport.send(sent);
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(sent.length), WAIT);
    expect(comparable(n2.inbox)).toStrictEqual(comparable(sent));
    expect(n1.transport.stats()).toMatchObject({ sent: sent.length, dropped: 0 });
    expect(n2.transport.stats()).toMatchObject({ received: sent.length, rejected: 0 });
  });

  it('delivers replies in the other direction too', async () => {
    const [n1, n2] = await pair(await cluster(['n1', 'n2', 'n3']));
    n1.transport.send([heartbeat('n1', 'n2', 1)]);
    n2.transport.send([{ type: 'heartbeatResp', from: 'n2', to: 'n1', term: 3, context: 1, incarnation: 7 }]);
    await vi.waitFor(() => expect([n1.inbox.length, n2.inbox.length]).toEqual([1, 1]), WAIT);
    expect(n1.inbox[0]).toStrictEqual({ type: 'heartbeatResp', from: 'n2', to: 'n1', term: 3, context: 1, incarnation: 7 });
  });

  it('delivers many messages in order', async () => {
    const [n1, n2] = await pair(await cluster(['n1', 'n2', 'n3']));
    const total = 4000;
    let next = 1;
    for (let size = 1; next <= total; size = (size % 97) + 1) {
      const batch: Message[] = [];
      for (let i = 0; i < size && next <= total; i++) batch.push(heartbeat('n1', 'n2', next++));
      n1.transport.send(batch);
    }
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(total), WAIT);
    expect(contexts(n2.inbox)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(n1.transport.stats()).toMatchObject({ sent: total, dropped: 0 });
  });

  it('delivers a 5 MiB snapshot whole, and the messages around it', async () => {
    const [n1, n2] = await pair(await cluster(['n1', 'n2', 'n3']));
    const snap = snapshotMessage('n1', 'n2', patternBytes(5 * MiB, 11));
    n1.transport.send([heartbeat('n1', 'n2', 1), snap, heartbeat('n1', 'n2', 2)]);
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(3), WAIT);
    expect(contexts(n2.inbox.filter((m) => m.type === 'heartbeat'))).toEqual([1, 2]);
    expectSameSnapshot(
      n2.inbox.find((m) => m.type === 'snapshot'),
      snap,
    );
    expect(n1.reports).toContainEqual({ type: 'snapshot', to: 'n2', ok: true });
    expect(n2.transport.stats()).toMatchObject({ received: 3, rejected: 0 });
  });

  it('drops, counts and logs a message over maxMessageBytes, and delivers the ones around it and one exactly at the limit', async () => {
    const h = await cluster(['n1', 'n2', 'n3']);
    const logged: Record<string, unknown>[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });
    const n1 = await h.start({ id: 'n1', peers: ['n1', 'n2', 'n3'], logger });
    const n2 = await h.start({ id: 'n2', peers: ['n1', 'n2', 'n3'] });
    const atLimit = appendOfFrame('n1', 'n2', TEST_MAX_MESSAGE_BYTES, 1);
    const over = appendOfFrame('n1', 'n2', TEST_MAX_MESSAGE_BYTES + 1, 2);
    n1.transport.send([heartbeat('n1', 'n2', 1), over, heartbeat('n1', 'n2', 2), atLimit, heartbeat('n1', 'n2', 3)]);
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(4), WAIT);
    expect(n2.inbox.map((m) => m.type)).toEqual(['heartbeat', 'heartbeat', 'append', 'heartbeat']);
    const got = n2.inbox[2] as AppendRequest;
    expect(Buffer.compare(got.entries[0]?.data ?? new Uint8Array(0), atLimit.entries[0]?.data ?? new Uint8Array(1))).toBe(0);
    expect(n1.transport.stats()).toMatchObject({ sent: 4, dropped: 1, tooLarge: 1 });
    expect(n1.transport.peerStats()).toContainEqual({ id: 'n2', queued: 0, dropped: 1, tooLarge: 1 });
    expect(logged).toContainEqual(
      expect.objectContaining({ msg: TOO_LARGE_DROPPED, peer: 'n2', type: 'append', maxMessageBytes: TEST_MAX_MESSAGE_BYTES, bytes: encodeMessage(over).length }),
    );
  });

  it('rejects messages from another cluster and does not deliver them', async () => {
    const h = await cluster(['n1', 'n2', 'n3']);
    const n2 = await h.start({ id: 'n2', peers: ['n1', 'n3'] });
    const foreign = await h.start({ id: 'n1', peers: ['n2'], clusterId: 'other' });
    await vi.waitFor(() => {
      foreign.transport.send([heartbeat('n1', 'n2', 1)]);
      expect(n2.transport.stats().rejected).toBeGreaterThan(0);
    }, WAIT);
    expect(n2.inbox).toEqual([]);
    expect(n2.transport.stats().received).toBe(0);
  });

  it('rejects messages from an unknown node and does not deliver them', async () => {
    const h = await cluster(['n1', 'n2', 'n3', 'n9']);
    const n2 = await h.start({ id: 'n2', peers: ['n1', 'n3'] });
    const stranger = await h.start({ id: 'n9', peers: ['n2'] });
    await vi.waitFor(() => {
      stranger.transport.send([heartbeat('n9', 'n2', 1)]);
      expect(n2.transport.stats().rejected).toBeGreaterThan(0);
    }, WAIT);
    expect(n2.inbox).toEqual([]);
    expect(n2.transport.stats().received).toBe(0);
  });

  it('drops, and counts, messages not from this node or to an unknown peer', async () => {
    const [n1, n2] = await pair(await cluster(['n1', 'n2', 'n3']));
    n1.transport.send([heartbeat('n3', 'n2', 1), heartbeat('n1', 'n7', 2), heartbeat('n1', 'n2', 3)]);
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(1), WAIT);
    expect(n1.transport.stats()).toMatchObject({ sent: 1, dropped: 2 });
  });

  it('reconnects after the peer restarts at the same endpoint', async () => {
    const h = await cluster(['n1', 'n2', 'n3']);
    const [n1, n2] = await pair(h);
    n1.transport.send([heartbeat('n1', 'n2', 1)]);
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(1), WAIT);

    await h.kill('n2');
    const n2b = await h.start({ id: 'n2', peers: ['n1', 'n3'] });
    await keepSending(n1, 'n2', () => expect(n2b.inbox.length).toBeGreaterThan(0));
    expect(n2b.inbox[0]?.from).toBe('n1');
    expect(n2b.transport.stats().rejected).toBe(0);
  });

  it('reports a peer whose stream broke when it stopped, at once and without anything more sent to it', async () => {
    const h = await cluster(['n1', 'n2', 'n3']);
    const [n1, n2] = await pair(h);
    n1.transport.send([heartbeat('n1', 'n2', 1)]);
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(1), WAIT);
    expect(n1.reports).toEqual([]);

    await h.kill('n2');
    await vi.waitFor(() => expect(n1.reports).toEqual([{ type: 'unreachable', to: 'n2' }]), WAIT);
    expect(n1.transport.stats().sent).toBe(1);
  });

  it('queues while the peer is down, drops the oldest beyond the limit, and delivers the rest once it is up', async () => {
    const h = await cluster(['n1', 'n2', 'n3']);
    await h.kill('n2');
    const n1 = await h.start({ id: 'n1', peers: ['n2', 'n3'], queueLimit: 8 });
    n1.transport.send(Array.from({ length: 20 }, (_, i) => heartbeat('n1', 'n2', i + 1)));
    expect(n1.transport.stats()).toMatchObject({ sent: 0, dropped: 12 });
    await vi.waitFor(() => expect(n1.reports).toContainEqual({ type: 'unreachable', to: 'n2' }), WAIT);
    expect(n1.transport.peerStats()).toEqual([
      { id: 'n2', queued: 8, dropped: 12, tooLarge: 0 },
      { id: 'n3', queued: 0, dropped: 0, tooLarge: 0 },
    ]);

    const n2 = await h.start({ id: 'n2', peers: ['n1', 'n3'] });
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(8), WAIT);
    expect(contexts(n2.inbox)).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
    expect(n1.transport.stats()).toMatchObject({ sent: 8, dropped: 12 });
    expect(n1.transport.peerStats()[0]).toEqual({ id: 'n2', queued: 0, dropped: 12, tooLarge: 0 });
  });

  it('reports a snapshot that could not be queued as failed', async () => {
    const h = await cluster(['n1', 'n2', 'n3']);
    await h.kill('n2');
    const n1 = await h.start({ id: 'n1', peers: ['n2', 'n3'], queueLimit: 1 });
    n1.transport.send([snapshotMessage('n1', 'n2', patternBytes(1000)), heartbeat('n1', 'n2', 1)]);
    expect(n1.reports).toContainEqual({ type: 'snapshot', to: 'n2', ok: false });
    expect(n1.transport.stats().dropped).toBe(1);
  });

  it('adds a peer at run time: messages flow both ways once both sides list each other', async () => {
    const h = await cluster(['n1', 'n2', 'n3']);
    const n1 = await h.start({ id: 'n1', peers: ['n2'] });
    const n3 = await h.start({ id: 'n3', peers: ['n2'] });
    n1.transport.send([heartbeat('n1', 'n3', 1)]);
    expect(n1.transport.stats()).toMatchObject({ sent: 0, dropped: 1 });

    n1.transport.setPeers(peerMap(h, ['n2', 'n3']));
    expect(n1.transport.peerStats().map((p) => p.id)).toEqual(['n2', 'n3']);
    // n3 does not list n1 yet.
    await keepSending(n1, 'n3', () => expect(n3.transport.stats().rejected).toBeGreaterThan(0), 2);
    expect(n3.inbox).toEqual([]);

    n3.transport.setPeers(peerMap(h, ['n1', 'n2']));
    await keepSending(n1, 'n3', () => expect(n3.inbox.length).toBeGreaterThan(0));
    n3.transport.send([heartbeat('n3', 'n1', 7)]);
    await vi.waitFor(() => expect(n1.inbox).toEqual([heartbeat('n3', 'n1', 7)]), WAIT);
  });

  it('removes a peer at run time: its queue and what is sent to it are dropped and counted, its stream refused, nothing more reported about it', async () => {
    const h = await cluster(['n1', 'n2', 'n3']);
    const n1 = await h.start({ id: 'n1', peers: ['n2', 'n3'] });
    const n2 = await h.start({ id: 'n2', peers: ['n1', 'n3'] });
    // n3 never starts: what n1 sends it waits in n1's queue.
    n1.transport.send([heartbeat('n1', 'n3', 1), snapshotMessage('n1', 'n3', patternBytes(1000)), heartbeat('n1', 'n3', 2)]);
    n1.transport.send([heartbeat('n1', 'n2', 1)]);
    n2.transport.send([heartbeat('n2', 'n1', 1)]);
    await vi.waitFor(() => expect([n1.inbox.length, n2.inbox.length]).toEqual([1, 1]), WAIT);
    expect(n1.transport.peerStats()).toContainEqual({ id: 'n3', queued: 3, dropped: 0, tooLarge: 0 });

    const before = n1.transport.stats();
    n1.transport.setPeers(new Map());
    const reportsAtRemoval = n1.reports.length;
    expect(n1.transport.peerStats()).toEqual([]);
    expect(n1.transport.stats()).toMatchObject({ sent: before.sent, dropped: before.dropped + 3 });
    n1.transport.send([heartbeat('n1', 'n2', 2), snapshotMessage('n1', 'n3', patternBytes(10))]);
    expect(n1.transport.stats()).toMatchObject({ sent: before.sent, dropped: before.dropped + 5 });

    await keepSending(n2, 'n1', () => expect(n1.transport.stats().rejected).toBeGreaterThan(before.rejected));
    expect(n1.inbox).toHaveLength(1);
    expect(n1.transport.stats().received).toBe(before.received);
    expect(n2.inbox).toHaveLength(1);
    expect(n1.reports).toHaveLength(reportsAtRemoval);
    expect(n1.reports).not.toContainEqual(expect.objectContaining({ type: 'snapshot' }));
  });

  it('redials a peer whose address changed, keeping what was queued for it', async () => {
    const h = await cluster(['n1', 'n2', 'n3']);
    const [n1, n2] = await pair(h);
    n1.transport.send([heartbeat('n1', 'n2', 1)]);
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(1), WAIT);

    const old = h.address('n2');
    await h.move('n2');
    expect(h.address('n2')).not.toBe(old);
    // Once n1 knows n2 is gone, what it sends waits in its queue.
    n1.transport.send([heartbeat('n1', 'n2', 2)]);
    await vi.waitFor(() => expect(n1.reports).toContainEqual({ type: 'unreachable', to: 'n2' }), WAIT);
    n1.transport.send([heartbeat('n1', 'n2', 3), heartbeat('n1', 'n2', 4)]);

    const n2b = await h.start({ id: 'n2', peers: ['n1', 'n3'] });
    n1.transport.setPeers(peerMap(h, ['n1', 'n2', 'n3']));
    await vi.waitFor(() => expect(contexts(n2b.inbox).filter((c) => c >= 3)).toEqual([3, 4]), WAIT);
    expect(n1.transport.peerStats().map((p) => p.id)).toEqual(['n2', 'n3']);
    n2b.transport.send([heartbeat('n2', 'n1', 5)]);
    await vi.waitFor(() => expect(n1.inbox).toEqual([heartbeat('n2', 'n1', 5)]), WAIT);
  });

  it('with acceptUnlisted, a node that lists no peers receives from a sender of its cluster, and replies once it lists it', async () => {
    const h = await cluster(['n1', 'n2', 'n9']);
    const n9 = await h.start({ id: 'n9', peers: [] });
    n9.transport.setPeers(new Map(), { acceptUnlisted: true });
    const n1 = await h.start({ id: 'n1', peers: ['n2', 'n9'] });
    await keepSending(n1, 'n9', () => expect(n9.inbox.length).toBeGreaterThan(0));
    expect(n9.inbox[0]).toMatchObject({ type: 'heartbeat', from: 'n1', to: 'n9' });

    // Its replies reach listed peers only.
    n9.transport.send([heartbeat('n9', 'n1', 1)]);
    expect(n9.transport.stats()).toMatchObject({ sent: 0, dropped: 1 });
    n9.transport.setPeers(peerMap(h, ['n1']), { acceptUnlisted: true });
    n9.transport.send([heartbeat('n9', 'n1', 2)]);
    await vi.waitFor(() => expect(n1.inbox).toEqual([heartbeat('n9', 'n1', 2)]), WAIT);

    // Another cluster's nodes are still refused.
    const foreign = await h.start({ id: 'n2', peers: ['n9'], clusterId: 'other' });
    await keepSending(foreign, 'n9', () => expect(n9.transport.stats().rejected).toBeGreaterThan(0));
    expect(n9.inbox.every((m) => m.from === 'n1')).toBe(true);
  });

  it('keeps the stream and the queue of every peer whose address is unchanged', async () => {
    const h = await cluster(['n1', 'n2', 'n3', 'n4']);
    const n1 = await h.start({ id: 'n1', peers: ['n2', 'n3'] });
    const n2 = await h.start({ id: 'n2', peers: ['n1'] });
    // n3 is not running yet: what n1 sends it waits in n1's queue.
    n1.transport.send([heartbeat('n1', 'n3', 1), heartbeat('n1', 'n3', 2)]);
    n1.transport.send([heartbeat('n1', 'n2', 1)]);
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(1), WAIT);
    // gRPC: n2 accepted one stream so far; memory has no streams (`streams` is absent).
    const streams = h.streams?.('n2');
    if (streams !== undefined) expect(streams).toBe(1);

    n1.transport.setPeers(peerMap(h, ['n2', 'n3', 'n4']));
    n1.transport.send([heartbeat('n1', 'n2', 2), heartbeat('n1', 'n2', 3)]);
    await vi.waitFor(() => expect(contexts(n2.inbox)).toEqual([1, 2, 3]), WAIT);
    expect(h.streams?.('n2')).toBe(streams);
    expect(n1.transport.peerStats()).toEqual([
      { id: 'n2', queued: 0, dropped: 0, tooLarge: 0 },
      { id: 'n3', queued: 2, dropped: 0, tooLarge: 0 },
      { id: 'n4', queued: 0, dropped: 0, tooLarge: 0 },
    ]);

    const n3 = await h.start({ id: 'n3', peers: ['n1'] });
    await vi.waitFor(() => expect(contexts(n3.inbox)).toEqual([1, 2]), WAIT);
  });

  it('requires a handler before start, refuses a restart, and stops idempotently', async () => {
    const h = await cluster(['n1', 'n2', 'n3']);
    const [n1] = await pair(h);
    await Promise.all([n1.transport.stop(), n1.transport.stop()]);
    await expect(n1.transport.start()).rejects.toMatchObject({ code: 'INTERNAL' });
    n1.transport.send([heartbeat('n1', 'n2', 1)]);
    expect(n1.transport.stats().dropped).toBe(1);
  });
});
