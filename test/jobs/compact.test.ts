import { describe, expect, it } from 'vitest';
import { getJob, restoreState, snapshotState, stateDigest } from '../../src/jobs/index.js';
import { Hasher64, hashBytes } from '../../src/jobs/hash.js';
import { PACK_MAX_BYTES, SHARE_MAX_BYTES, packBytes, unpackBytes } from '../../src/jobs/packed.js';
import { formatJobId, parseJobId } from '../../src/jobs/tables.js';
import { Harness, bytes, job } from './helpers.js';

const T0 = 30_000_000;
const DAY = 86_400_000;

describe('compact job records', () => {
  it('job ids parse back to their sequence number, and only canonical ids do', () => {
    for (const seq of [1, 35, 36, 1295, 123_456_789, 36 ** 10 - 1, 36 ** 10, Number.MAX_SAFE_INTEGER]) {
      expect(parseJobId(formatJobId(seq))).toBe(seq);
    }
    for (const id of ['', '1', '000000001', '0000000000', '00000000001', '000000000A', '00000000-1', '000000000 ', '0zzzzzzzzzz', 'zzzzzzzzzzzz']) {
      const seq = parseJobId(id);
      expect(seq === 0 || formatJobId(seq) === id, id).toBe(true);
    }
    expect(parseJobId('0000000000')).toBe(0);
    expect(parseJobId('00000000001')).toBe(0);
    expect(parseJobId('000000000A')).toBe(0);
  });

  it('packed bytes round-trip every byte value, on both sides of the size limit', () => {
    for (const n of [0, 1, 45, 64, 65, 255, 256, PACK_MAX_BYTES, PACK_MAX_BYTES + 1, 100_000]) {
      const b = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 255);
      const packed = packBytes(b);
      expect(typeof packed === 'string').toBe(n <= PACK_MAX_BYTES);
      expect(unpackBytes(packed)).toEqual(b);
    }
  });

  it('hashing a packed string equals hashing its bytes, as a string or written in place', () => {
    const h = new Hasher64();
    for (let n = 0; n < 70; n++) {
      const b = new Uint8Array(n).map((_, i) => (i * 97 + n) & 255);
      const out = new Uint8Array(16);
      h.reset().updateLatin1(packBytes(b) as string).hexInto(out, 0);
      expect(new TextDecoder().decode(out)).toBe(hashBytes(b));
      expect(new Hasher64().updateLatin1(packBytes(b) as string).hex()).toBe(hashBytes(b));
    }
  });

  it('reads hand out copies of small payloads: changing one does not change the job', () => {
    const h = new Harness();
    const [id] = h.submit(T0, job({ payload: new Uint8Array([1, 2, 3]) }));
    const view = getJob(h.state, id!)!;
    view.payload[0] = 9;
    expect(getJob(h.state, id!)!.payload).toEqual(new Uint8Array([1, 2, 3]));
    expect(h.leaseOne(T0 + 1).payload).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('payloads stay their own when a queue shares equal consecutive ones (same length, other bytes; long; other queue), also once restored', () => {
    const h = new Harness();
    const long = new Uint8Array(SHARE_MAX_BYTES + 1).fill(65);
    const longer = long.slice();
    longer[SHARE_MAX_BYTES] = 66;
    const payloads = [bytes('{}'), bytes('{}'), bytes('{]'), bytes('}}'), bytes('{}'), bytes(''), bytes('{}'), long, long, longer, bytes('{}')];
    const ids = h.submit(T0, ...payloads.map((payload) => job({ payload })), job({ queue: 'other', payload: bytes('{}') }), job({ queue: 'other', payload: bytes('[]') }));
    const expected = [...payloads, bytes('{}'), bytes('[]')];
    const restored = restoreState(snapshotState(h.state));
    if (!restored.ok) throw new Error(restored.error);
    for (const state of [h.state, restored.value]) expect(ids.map((id) => getJob(state, id)!.payload)).toEqual(expected);
    expect(stateDigest(restored.value)).toBe(stateDigest(h.state));
  });

  it('jobs with equal settings share them, and -0 stays -0 through a snapshot', () => {
    const h = new Harness();
    const backoff = { type: 'fixed', delayMs: 5, jitter: -0 } as const;
    const ids = h.submit(T0, job({ backoff }), job({ backoff: { type: 'fixed', delayMs: 5, jitter: 0 } }), job({ backoff }), job());
    const backoffs = ids.map((id) => getJob(h.state, id)!.backoff);
    expect(Object.is(backoffs[0]!.jitter, -0)).toBe(true);
    expect(Object.is(backoffs[1]!.jitter, 0)).toBe(true);
    const restored = restoreState(snapshotState(h.state));
    if (!restored.ok) throw new Error(restored.error);
    expect(snapshotState(restored.value)).toEqual(snapshotState(h.state));
    expect(stateDigest(restored.value)).toBe(stateDigest(h.state));
  });

  it('a purged job keeps its idempotency key until the window ends, listed after the live keys (purge order)', () => {
    const h = new Harness({ retention: { succeededMs: 1000, cancelledMs: 1000, deadMs: 1000 }, idempotencyWindowMs: DAY });
    const [a] = h.submit(T0, job({ idempotencyKey: 'a' }));
    h.submit(T0 + 1, job({ idempotencyKey: 'b' }));
    h.one(T0 + 2, { type: 'cancel', jobId: a! });
    h.one(T0 + 5000, { type: 'tick' });
    expect(getJob(h.state, a!)).toBeNull();
    expect([...h.state.idempotency].map(([k, e]) => [k, e.jobId, e.expiresAt])).toEqual([
      ['q\u0000b', '0000000002', T0 + 1 + DAY],
      ['q\u0000a', a, T0 + DAY],
    ]);
    expect(h.submitted(T0 + 6000, job({ idempotencyKey: 'a' }))).toEqual([{ id: a, duplicate: true, state: null }]);
    const restored = restoreState(snapshotState(h.state), { retention: { succeededMs: 1000, cancelledMs: 1000, deadMs: 1000 }, idempotencyWindowMs: DAY });
    if (!restored.ok) throw new Error(restored.error);
    expect([...restored.value.idempotency]).toEqual([...h.state.idempotency]);
  });
});
