import { Writable } from 'node:stream';
import { pino } from 'pino';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { isRaftJobsError } from '../../src/errors/index.js';
import { MAX_INCARNATION } from '../../src/limits/index.js';
import type { ClusterMembership, HeartbeatRequest, Message, SnapshotRequest } from '../../src/raft/types.js';
import { SnapshotAssembler } from '../../src/transport/assembler.js';
import { chunkFromWire, decodeFrame, encodedLengthBound, encodeMessage, FrameBuilder, messageCost, messageFromWire } from '../../src/transport/codec.js';
import { backoffDelay, RAFT_PROTO_PATH } from '../../src/transport/index.js';
import { LogLimiter } from '../../src/transport/log-limiter.js';
import { BoundedQueue } from '../../src/transport/queue.js';
import { everyVariant, heartbeat, patternBytes, snapshotMessage } from './helpers.js';

const RaftMessage = protobuf.loadSync(RAFT_PROTO_PATH).lookupType('raftjobs.raft.v1.RaftMessage');

function code(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return isRaftJobsError(err) ? err.code : 'not a RaftJobsError';
  }
}

describe('codec', () => {
  it('frames are exactly as large as FrameBuilder says, and decode back', () => {
    const b = new FrameBuilder('c1', 'n1');
    const msgs = everyVariant('n1', 'n2');
    let expected = b.size;
    for (const m of msgs) {
      const bytes = encodeMessage(m);
      expected += messageCost(bytes.length);
      b.addMessage(bytes);
    }
    expect(b.size).toBe(expected);
    const bytes = b.finish();
    expect(bytes.length).toBe(expected);
    const frame = decodeFrame(bytes);
    expect(frame).toMatchObject({ clusterId: 'c1', from: 'n1', chunk: null });
    expect(frame.messages.map(messageFromWire).map((m) => m.type)).toEqual(msgs.map((m) => m.type));
  });

  it('a chunk carries the data-less header first', () => {
    const snap = snapshotMessage('n1', 'n2', patternBytes(100));
    const b = new FrameBuilder('c1', 'n1');
    b.setChunk(encodeMessage(snap, false), 100, 0, snap.snapshot.data.subarray(0, 40));
    const chunk = chunkFromWire(decodeFrame(b.finish()).chunk);
    expect(chunk.header).toEqual({ ...snap, snapshot: { ...snap.snapshot, data: new Uint8Array(0) } });
    expect(chunk).toMatchObject({ totalBytes: 100, offset: 0 });
    expect([...chunk.data]).toEqual([...snap.snapshot.data.subarray(0, 40)]);
  });

  it('refuses to encode numbers the wire cannot carry exactly', () => {
    const hb = heartbeat('a', 'b', 1) as HeartbeatRequest;
    expect(code(() => encodeMessage({ ...hb, term: -1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => encodeMessage({ ...hb, commit: 1.5 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => encodeMessage(heartbeat('a', 'b', 2 ** 53)))).toBe('INVALID_ARGUMENT');
    expect(code(() => encodeMessage({ type: 'bogus', from: 'a', to: 'b', term: 1 } as unknown as Message))).toBe('INVALID_ARGUMENT');
  });

  it('rejects decoded messages out of range or incomplete', () => {
    const big = '9007199254740993'; // 2^53 + 1: protobufjs takes decimal strings for uint64
    const decode = (obj: Record<string, unknown>) => () => messageFromWire(RaftMessage.decode(RaftMessage.encode(obj).finish()));
    expect(code(decode({ from: 'a', to: 'b', term: big, timeoutNow: {} }))).toBe('INVALID_ARGUMENT');
    expect(code(decode({ from: 'a', to: 'b', term: 1 }))).toBe('INVALID_ARGUMENT');
    expect(code(decode({ from: 'a', to: 'b', term: 1, snapshot: { data: new Uint8Array(1) } }))).toBe('INVALID_ARGUMENT');
    expect(code(decode({ from: 'a', to: 'b', term: 1, append: { entries: [{ index: 1, term: 1, type: 0 }] } }))).toBe('INVALID_ARGUMENT');
    expect(code(decode({ from: 'a', to: 'b', term: 1, timeoutNow: {} }))).toBeNull();
    expect(code(() => decodeFrame(Uint8Array.from([0xff, 0xff, 0xff])))).toBe('INVALID_ARGUMENT');
  });
});

describe('codec: snapshot membership', () => {
  const decode = (bytes: Uint8Array): Message => messageFromWire(RaftMessage.decode(bytes));
  const withMembership = (membership: ClusterMembership): SnapshotRequest => {
    const snap = snapshotMessage('n1', 'n2', patternBytes(10));
    return { ...snap, snapshot: { ...snap.snapshot, meta: { ...snap.snapshot.meta, membership } } };
  };
  const full: ClusterMembership = {
    voters: ['n2', 'n1'],
    learners: ['n3'],
    addresses: { n1: '10.0.0.1:7001', n3: 'host-3:7003' },
    incarnations: { n1: 1, n2: MAX_INCARNATION, n3: 99 },
  };

  it('carries voters, learners, addresses and incarnations both ways', () => {
    expect(decode(encodeMessage(withMembership(full)))).toStrictEqual(withMembership(full));
  });

  it('reads what an older sender wrote (voters only) as it was', () => {
    const old = RaftMessage.encode({ from: 'n1', to: 'n2', term: 9, snapshot: { meta: { index: 5, term: 4, membership: { voters: ['n1', 'n2'] } }, data: new Uint8Array(0) } }).finish();
    expect(decode(old)).toMatchObject({ type: 'snapshot', snapshot: { meta: { membership: { voters: ['n1', 'n2'] } } } });
    expect((decode(old) as SnapshotRequest).snapshot.meta.membership).toStrictEqual({ voters: ['n1', 'n2'] });
    // Empty learners and maps are left out, as an old receiver would see them.
    const sparse = withMembership({ voters: ['n1'], learners: [], addresses: {}, incarnations: {} });
    expect((decode(encodeMessage(sparse)) as SnapshotRequest).snapshot.meta.membership).toStrictEqual({ voters: ['n1'] });
  });

  it('rejects a decoded membership that breaks the rules, naming the problem', () => {
    const bad = (membership: Record<string, unknown>) => () =>
      decode(RaftMessage.encode({ from: 'n1', to: 'n2', term: 9, snapshot: { meta: { index: 5, term: 4, membership }, data: new Uint8Array(0) } }).finish());
    expect(code(bad({ voters: ['n1', 'n2'], learners: ['n2'] }))).toBe('INVALID_ARGUMENT');
    expect(code(bad({ voters: ['n1', ''] }))).toBe('INVALID_ARGUMENT');
    expect(code(bad({ voters: ['n1'], addresses: { n4: 'x:1' } }))).toBe('INVALID_ARGUMENT');
    expect(code(bad({ voters: ['n1'], incarnations: { n1: 0 } }))).toBe('INVALID_ARGUMENT');
    expect(bad({ voters: ['n1'], incarnations: { n9: 3 } })).toThrow(/snapshot membership: incarnations names n9, not a member/);
  });

  it('refuses to encode an incarnation a uint32 cannot carry (or 0 in a membership)', () => {
    const resp: Message = { type: 'heartbeatResp', from: 'a', to: 'b', term: 1, context: 1, incarnation: MAX_INCARNATION };
    expect(code(() => encodeMessage(resp))).toBeNull();
    expect(code(() => encodeMessage({ ...resp, incarnation: MAX_INCARNATION + 1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => encodeMessage({ ...resp, incarnation: -1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => encodeMessage({ type: 'appendResp', from: 'a', to: 'b', term: 1, success: true, index: 1, hintIndex: 0, hintTerm: 0, incarnation: 2 ** 40 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => encodeMessage(withMembership({ voters: ['n1'], incarnations: { n1: MAX_INCARNATION + 1 } })))).toBe('INVALID_ARGUMENT');
    expect(code(() => encodeMessage(withMembership({ voters: ['n1'], incarnations: { n1: 0 } })))).toBe('INVALID_ARGUMENT');
  });

  it('encodedLengthBound covers every membership field', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `nœud-${'é'.repeat(i)}`);
    const big = withMembership({
      voters: ids.slice(0, 20),
      learners: ids.slice(20),
      addresses: Object.fromEntries(ids.map((id, i) => [id, `hôte-${'ü'.repeat(i)}:${7000 + i}`])),
      incarnations: Object.fromEntries(ids.map((id) => [id, MAX_INCARNATION])),
    });
    for (const msg of [big, withMembership(full)]) expect(encodedLengthBound(msg)).toBeGreaterThanOrEqual(encodeMessage(msg).length);
  });
});

describe('SnapshotAssembler', () => {
  const snap = snapshotMessage('n1', 'n2', new Uint8Array(0));
  const data = patternBytes(10);

  it('reassembles in-order chunks into a fresh buffer', () => {
    const a = new SnapshotAssembler();
    expect(a.push({ header: snap, totalBytes: 10, offset: 0, data: data.subarray(0, 4) })).toEqual({ complete: null, abandoned: false });
    expect(a.busy).toBe(true);
    const step = a.push({ header: null, totalBytes: 10, offset: 4, data: data.subarray(4) });
    expect(step.complete?.snapshot.data).toEqual(data);
    expect(step.complete?.snapshot.data.buffer).not.toBe(data.buffer);
    expect(a.busy).toBe(false);
  });

  it('refuses gaps, overruns, orphans; reports an abandoned snapshot', () => {
    const a = new SnapshotAssembler();
    expect(code(() => a.push({ header: null, totalBytes: 10, offset: 0, data }))).toBe('INVALID_ARGUMENT');
    a.push({ header: snap, totalBytes: 10, offset: 0, data: data.subarray(0, 4) });
    expect(code(() => a.push({ header: null, totalBytes: 10, offset: 5, data: data.subarray(5) }))).toBe('INVALID_ARGUMENT');
    a.push({ header: snap, totalBytes: 10, offset: 0, data: data.subarray(0, 4) });
    expect(code(() => a.push({ header: null, totalBytes: 10, offset: 4, data: patternBytes(7) }))).toBe('INVALID_ARGUMENT');
    a.push({ header: snap, totalBytes: 10, offset: 0, data: data.subarray(0, 4) });
    expect(a.push({ header: snap, totalBytes: 3, offset: 0, data: data.subarray(0, 3) }).abandoned).toBe(true);
  });
});

describe('helpers', () => {
  it('backoff: equal jitter over a capped exponential', () => {
    const opts = { initialMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 50].map((n) => backoffDelay(n, opts, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, opts, () => 0.999999))).toEqual([99, 199, 399, 799, 999]);
  });

  it('bounded queue evicts the oldest and stays FIFO across compaction', () => {
    const q = new BoundedQueue<number>(3);
    expect([1, 2, 3, 4].map((n) => q.push(n))).toEqual([undefined, undefined, undefined, 1]);
    expect(q.drain()).toEqual([2, 3, 4]);
    const big = new BoundedQueue<number>(20_000);
    const out: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      big.push(i);
      if (i % 3 !== 0) out.push(big.shift() ?? -1);
    }
    out.push(...big.drain());
    expect(out).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
  });

  it('log limiter: one line per key per interval, with the count it swallowed', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    let now = 0;
    const limiter = new LogLimiter(pino({ level: 'warn' }, sink), () => now, 1000);
    for (let i = 0; i < 50; i++) limiter.warn('k', { i }, 'rejected');
    limiter.warn('other', {}, 'other');
    now = 1500;
    limiter.warn('k', { i: 99 }, 'rejected');
    return new Promise<void>((resolve) => {
      setImmediate(() => {
        expect(lines.map((l) => [l['msg'], l['i'], l['suppressed']])).toEqual([
          ['rejected', 0, undefined],
          ['other', undefined, undefined],
          ['rejected', 99, 49],
        ]);
        resolve();
      });
    });
  });
});
