import { describe, expect, it } from 'vitest';
import { batchTime, decodeBatch, encodeBatch, type Batch } from '../../src/jobs/index.js';
import { GenContext, randomBatch } from './gen.js';
import { bytes, rng } from './helpers.js';

function roundTrip(batch: Batch): Batch {
  const d = decodeBatch(encodeBatch(batch));
  if (!d.ok) throw new Error(d.error);
  return d.value;
}

describe('batch codec', () => {
  it('round-trips every command type with every optional field', () => {
    const batch: Batch = {
      time: 1_700_000_000_123.5,
      commands: [
        {
          type: 'submit',
          jobs: [
            { queue: 'q', payload: new Uint8Array() },
            {
              queue: 'emails.high',
              payload: bytes('héllo'),
              priority: -2147483648,
              runAt: 8.64e15,
              maxAttempts: 7,
              backoff: { type: 'exponential', initialMs: 10, maxMs: 1000, factor: 1.5, jitter: 0.25 },
              leaseTtlMs: 86_400_000,
              idempotencyKey: 'ключ',
              retentionMs: 0,
            },
            { queue: 'q', payload: bytes('x'), delayMs: 5, priority: 2147483647, backoff: { type: 'fixed', delayMs: 3, jitter: 1 } },
            { queue: 'q', payload: bytes('x'), backoff: { type: 'fixed', delayMs: 0 } },
            { queue: 'q', payload: bytes('x'), backoff: { type: 'exponential', initialMs: 0, maxMs: 0 } },
          ],
        },
        { type: 'lease', workerId: 'w-1', queues: ['a', 'b'], max: 1000 },
        { type: 'lease', workerId: 'w-1', queues: ['a'], max: 1, ttlMs: 100 },
        { type: 'heartbeat', leases: [{ jobId: '0000000001', token: Number.MAX_SAFE_INTEGER }] },
        { type: 'heartbeat', leases: [{ jobId: 'a', token: 1 }, { jobId: 'b', token: 2 }], ttlMs: 5000 },
        { type: 'progress', jobId: 'j', token: 3, percent: 33.3 },
        { type: 'progress', jobId: 'j', token: 3, percent: 100, message: 'done 💯' },
        { type: 'complete', jobId: 'j', token: 4 },
        { type: 'complete', jobId: 'j', token: 4, result: new Uint8Array([0, 255, 128]) },
        { type: 'fail', jobId: 'j', token: 5, error: '' },
        { type: 'fail', jobId: 'j', token: 5, error: 'x'.repeat(5000), retry: false },
        { type: 'fail', jobId: 'j', token: 5, error: 'e', retry: true },
        { type: 'cancel', jobId: 'j' },
        { type: 'cancel', jobId: 'j', reason: 'r' },
        { type: 'retryDead', jobId: 'j' },
        { type: 'retryDead', jobId: 'j', attempts: 3 },
        { type: 'tick' },
        { type: 'leaderChange', graceMs: 1500 },
      ],
    };
    expect(roundTrip(batch)).toStrictEqual(batch);
  });

  it('round-trips unique keys and bulk commands with every optional field', () => {
    const batch: Batch = {
      time: 7,
      commands: [
        {
          type: 'submit',
          jobs: [
            { queue: 'q', payload: bytes('a'), unique: { key: 'k', mode: 'active' } },
            { queue: 'q', payload: bytes('b'), unique: { key: 'ключ', mode: 'debounce' }, idempotencyKey: 'i' },
            { queue: 'q', payload: bytes('c'), unique: { key: 'k2', mode: 'debounce', windowMs: 604_800_000 }, delayMs: 5 },
            { queue: 'q', payload: bytes('d') },
          ],
        },
        { type: 'bulk', action: 'retryDead', filter: {}, afterSeq: 0, max: 1 },
        { type: 'bulk', action: 'cancel', filter: { queue: 'q', states: ['scheduled', 'leased'], group: '', olderThanMs: 0 }, afterSeq: 12, max: 10_000, reason: 'r' },
        { type: 'bulk', action: 'purge', filter: { states: ['cancelled'], group: 'g' }, afterSeq: Number.MAX_SAFE_INTEGER, max: 3 },
        { type: 'bulk', action: 'purge', filter: { olderThanMs: 86_400_000 }, afterSeq: 1, max: 2 },
      ],
    };
    expect(roundTrip(batch)).toStrictEqual(batch);
  });

  it('version 2 entries have no unique key nor bulk command, and unknown presence bits are refused', () => {
    const bulk = encodeBatch({ time: 9, commands: [{ type: 'bulk', action: 'purge', filter: {}, afterSeq: 0, max: 1 }] });
    const bulkV2 = bulk.slice();
    bulkV2[1] = 2;
    expect(decodeBatch(bulkV2)).toMatchObject({ ok: false, error: expect.stringMatching(/unknown command tag 19/) as unknown });
    // Presence bit 1024 (a varint: 0x80 0x08) is none the format knows.
    const unknownBit = encodeBatch({ time: 9, commands: [{ type: 'submit', jobs: [{ queue: 'q', payload: bytes('x'), unique: { key: 'k', mode: 'active' } }] }] });
    const flagsAt = unknownBit.indexOf(0x80);
    expect(unknownBit[flagsAt + 1]).toBe(0x04);
    unknownBit[flagsAt + 1] = 0x08;
    expect(decodeBatch(unknownBit)).toMatchObject({ ok: false, error: expect.stringMatching(/bad job flags/) as unknown });
  });

  it('round-trips group keys, throttled failures and queue policies (version 3)', () => {
    const batch: Batch = {
      time: 5,
      commands: [
        { type: 'submit', jobs: [{ queue: 'q', payload: bytes('x'), group: 'tenant:42' }, { queue: 'q', payload: bytes('x'), retentionMs: 9, group: 'ü'.repeat(256) }] },
        { type: 'fail', jobId: 'j', token: 5, error: '429', throttle: { scope: 'key', retryAfterMs: 1 } },
        { type: 'fail', jobId: 'j', token: 5, error: '429', retry: false, throttle: { scope: 'queue', retryAfterMs: 86_400_000 } },
        { type: 'queueSet', queue: 'q' },
        { type: 'queueSet', queue: 'q', paused: true, concurrency: null, groupConcurrency: 3, groupConcurrencyOverrides: Object.fromEntries([
            ['a', 1],
            ['__proto__', 2],
            ['gone', null],
          ]), rate: null, groupRate: { limit: 5, periodMs: 1000 } },
        { type: 'queueSet', queue: 'q', paused: false, concurrency: 1_000_000, rate: { limit: 1, periodMs: 60_000, burst: 10 } },
      ],
    };
    const back = roundTrip(batch);
    expect(back).toStrictEqual(batch);
    const set = back.commands[4];
    expect(set?.type === 'queueSet' && Object.keys(set.groupConcurrencyOverrides ?? {})).toEqual(['a', '__proto__', 'gone']);
  });

  it('entries of version 2 still decode: a submit with one byte of presence bits, a fail without throttle', () => {
    const batch: Batch = {
      time: 7,
      commands: [
        { type: 'submit', jobs: [{ queue: 'q', payload: bytes('x'), priority: 3, idempotencyKey: 'k' }] },
        { type: 'fail', jobId: 'j', token: 5, error: 'e', retry: true },
      ],
    };
    // Presence bits below 128 are one byte either way, so these bytes are what version 2 wrote.
    const v2 = encodeBatch(batch);
    v2[1] = 2;
    expect(decodeBatch(v2)).toEqual({ ok: true, value: batch });
    expect(batchTime(v2)).toBe(7);
    // Version 2 had no throttle bits and no queueSet.
    const throttled = encodeBatch({ time: 7, commands: [{ type: 'fail', jobId: 'j', token: 5, error: 'e', throttle: { scope: 'key', retryAfterMs: 5 } }] });
    throttled[1] = 2;
    expect(decodeBatch(throttled)).toMatchObject({ ok: false, error: /bad retry flag/ });
    const set = encodeBatch({ time: 7, commands: [{ type: 'queueSet', queue: 'q', paused: true }] });
    set[1] = 2;
    expect(decodeBatch(set)).toMatchObject({ ok: false, error: /unknown command tag 18/ });
  });

  it('writes version 2 when a batch carries nothing of version 3, so nodes of both versions read it during an upgrade', () => {
    // Every old presence bit but run-at's (exclusive with the delay), retention's (128) among them:
    // one byte in version 2, two as a varint.
    const job = { queue: 'q', payload: bytes('x'), priority: 1, delayMs: 2, maxAttempts: 3, backoff: { type: 'fixed', delayMs: 5 } as const, leaseTtlMs: 1000, idempotencyKey: 'k', retentionMs: 9 };
    const template = { queue: 'q', payload: bytes('t'), retentionMs: 9 };
    const old: Batch = {
      time: 7,
      commands: [
        { type: 'submit', jobs: [job] },
        { type: 'fail', jobId: 'j', token: 5, error: 'e', retry: false },
        { type: 'scheduleSet', mode: 'create', schedule: { id: 's', intervalMs: 1000, template } },
      ],
    };
    const v2 = encodeBatch(old);
    expect(v2[1]).toBe(2);
    expect(decodeBatch(v2)).toEqual({ ok: true, value: old });
    // The job's presence bits are one byte (0xfb), then the queue name (length 1, 'q').
    const at = v2.indexOf(0xfb);
    expect([v2[at + 1], v2[at + 2]]).toEqual([1, 'q'.charCodeAt(0)]);
    for (const extra of [
      { type: 'submit', jobs: [{ ...job, group: 'g' }] },
      { type: 'submit', jobs: [{ ...job, unique: { key: 'u', mode: 'active' } }] },
      { type: 'fail', jobId: 'j', token: 5, error: 'e', throttle: { scope: 'queue', retryAfterMs: 5 } },
      { type: 'queueSet', queue: 'q', paused: true },
      { type: 'bulk', action: 'purge', filter: {}, afterSeq: 0, max: 1 },
    ] as const) {
      const batch: Batch = { time: 7, commands: [...old.commands, extra] };
      const v3 = encodeBatch(batch);
      expect(v3[1], extra.type).toBe(3);
      expect(decodeBatch(v3)).toEqual({ ok: true, value: batch });
    }
  });

  it('round-trips generated batches', () => {
    const r = rng(7);
    const ctx = new GenContext();
    for (let i = 0; i < 300; i++) {
      const b = randomBatch(r, ctx);
      expect(roundTrip(b)).toStrictEqual(b);
    }
    const flow = new GenContext();
    flow.flow = true;
    for (let i = 0; i < 300; i++) {
      const b = randomBatch(r, flow);
      expect(roundTrip(b)).toStrictEqual(b);
    }
  });

  it('batchTime reads the time of an encoded batch without decoding it, and null from anything else', () => {
    const r = rng(11);
    const ctx = new GenContext();
    for (let i = 0; i < 50; i++) {
      const b = randomBatch(r, ctx);
      expect(batchTime(encodeBatch(b))).toBe(b.time);
    }
    const at = encodeBatch({ time: 1_700_000_000_123.5, commands: [{ type: 'tick' }] });
    // At an offset inside a larger buffer, as entries arrive from storage and the wire.
    const framed = new Uint8Array(at.length + 3);
    framed.set(at, 3);
    expect(batchTime(framed.subarray(3))).toBe(1_700_000_000_123.5);
    expect(batchTime(new Uint8Array(0))).toBeNull();
    expect(batchTime(at.subarray(0, 9))).toBeNull();
    expect(batchTime(Uint8Array.of(0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0))).toBeNull();
    expect(batchTime(Uint8Array.of(0x4a, 9, 0, 0, 0, 0, 0, 0, 0, 0))).toBeNull();
  });

  it('carries payloads as raw bytes: a 1 MiB payload costs ~1 MiB', () => {
    const payload = new Uint8Array(1024 * 1024).fill(7);
    const encoded = encodeBatch({ time: 1, commands: [{ type: 'submit', jobs: [{ queue: 'q', payload }] }] });
    expect(encoded.length).toBeLessThan(payload.length + 32);
    const d = decodeBatch(encoded);
    const decoded = d.ok && d.value.commands[0]?.type === 'submit' ? d.value.commands[0].jobs[0]?.payload : undefined;
    expect(decoded !== undefined && Buffer.compare(decoded, payload)).toBe(0);
  });

  it('decoded bytes are copies that do not alias the input buffer', () => {
    const encoded = encodeBatch({ time: 1, commands: [{ type: 'submit', jobs: [{ queue: 'q', payload: bytes('abc') }] }] });
    const copy = Buffer.from(encoded); // a Node Buffer, as LevelDB hands out
    const d = decodeBatch(copy);
    copy.fill(0);
    expect(d.ok && d.value.commands[0]?.type === 'submit' && new TextDecoder().decode(d.value.commands[0].jobs[0]!.payload)).toBe('abc');
  });

  it('garbage decodes to an error value, never a throw', () => {
    const good = encodeBatch({ time: 5, commands: [{ type: 'submit', jobs: [{ queue: 'q', payload: bytes('payload') }] }, { type: 'tick' }] });
    const bad: [Uint8Array, RegExp][] = [
      [new Uint8Array(), /truncated/],
      [bytes('hello world'), /not a job batch/],
      [Uint8Array.of(0x4a, 9), /unsupported batch version 9/],
      [good.subarray(0, good.length - 3), /truncated|count/],
      [Uint8Array.from([...good, 0]), /trailing/],
      [Uint8Array.of(0x4a, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 99), /unknown command tag 99/],
      [Uint8Array.of(0x4a, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f), /count/],
      [Uint8Array.of(0x4a, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 7, 2, 0xc3, 0x28, 0), /UTF-8/],
      [Uint8Array.of(0x4a, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), /out of range|truncated/],
    ];
    for (const [input, message] of bad) {
      const d = decodeBatch(input);
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.error).toMatch(message);
    }
    const r = rng(99);
    for (let i = 0; i < 2000; i++) {
      const noise = new Uint8Array(r.int(0, 64)).map(() => r.int(0, 255));
      if (r.next() < 0.5 && noise.length > 2) {
        noise[0] = 0x4a;
        noise[1] = 1;
      }
      expect(() => decodeBatch(noise)).not.toThrow();
      // Flipping bytes of a valid batch must not throw either.
      const mutated = good.slice();
      mutated[r.int(0, mutated.length - 1)] = r.int(0, 255);
      expect(() => decodeBatch(mutated)).not.toThrow();
    }
  });

  it('encoding refuses values the format cannot carry', () => {
    expect(() => encodeBatch({ time: 1, commands: [{ type: 'leaderChange', graceMs: 1.5 }] })).toThrow(RangeError);
    expect(() => encodeBatch({ time: 1, commands: [{ type: 'cancel', jobId: 5 as unknown as string }] })).toThrow(TypeError);
    expect(() => encodeBatch({ time: 1, commands: [{ type: 'nope' } as unknown as Batch['commands'][number]] })).toThrow(/unknown command/);
  });

  it('keeps invalid-but-representable values, so apply can reject them identically everywhere', () => {
    const b: Batch = { time: 1, commands: [{ type: 'submit', jobs: [{ queue: 'bad queue', payload: new Uint8Array(), delayMs: -1 }] }] };
    expect(roundTrip(b)).toStrictEqual(b);
  });

  it('is fast enough for thousands of jobs per second (sanity, not a benchmark)', () => {
    const payload = new Uint8Array(256).fill(1);
    const jobs = Array.from({ length: 1000 }, (_, i) => ({ queue: 'q', payload, priority: i % 5, idempotencyKey: `k-${i}` }));
    const batch: Batch = { time: 1, commands: [{ type: 'submit', jobs }] };
    const t = performance.now();
    for (let i = 0; i < 20; i++) {
      const d = decodeBatch(encodeBatch(batch));
      expect(d.ok).toBe(true);
    }
    const perJobUs = ((performance.now() - t) * 1000) / 20_000;
    if (process.env['JOBS_PERF'] === '1') console.log(`codec: ${perJobUs.toFixed(2)} µs per job round trip (256 B payload)`);
  });
});
