import { describe, expect, it } from 'vitest';
import { SubmitCoalescer } from '../../src/client/coalesce.js';
import type { SubmitSpec } from '../../src/client/codec.js';
import { DEFAULT_MAX_SUBMIT_BYTES, SUBMIT_HEADER_BYTES, submitBytes, submitJobBytes } from '../../src/config/limits.js';
import { ErrorCode, RaftJobsError } from '../../src/errors/index.js';

/** A job of queue `queue` (its name doubles as its label) with a payload of `bytes` bytes. */
const spec = (queue: string, bytes = 0): SubmitSpec => ({ queue, payload: new Uint8Array(bytes), idempotencyKey: `k-${queue}` });

/** A fake Submit: records each call; refuses any batch holding a job of queue "bad". */
function fakeSend(): { calls: string[][]; send: (specs: readonly SubmitSpec[]) => Promise<string[]> } {
  const calls: string[][] = [];
  return {
    calls,
    send: (specs) => {
      const queues = specs.map((s) => s.queue);
      calls.push(queues);
      if (queues.includes('bad')) return Promise.reject(new RaftJobsError(ErrorCode.InvalidArgument, 'jobs[0].queue: bad'));
      return Promise.resolve(queues.map((q) => `id-${q}`));
    },
  };
}

describe('submit coalescing', () => {
  it('sends the submits of one event-loop turn as one call and splits the answer back', async () => {
    const f = fakeSend();
    const c = new SubmitCoalescer(f.send, 1000);
    const [a, b] = await Promise.all([c.submit([spec('a1'), spec('a2')], undefined), c.submit([spec('b1')], undefined)]);
    expect(f.calls).toEqual([['a1', 'a2', 'b1']]);
    expect(a).toEqual(['id-a1', 'id-a2']);
    expect(b).toEqual(['id-b1']);
  });

  it('never puts more than maxJobs jobs in one call', async () => {
    const f = fakeSend();
    const c = new SubmitCoalescer(f.send, 2);
    await Promise.all([c.submit([spec('a')], undefined), c.submit([spec('b')], undefined), c.submit([spec('c')], undefined)]);
    expect(f.calls).toEqual([['a', 'b'], ['c']]);
  });

  it('an invalid job fails only its own caller: the others are resent on their own', async () => {
    const f = fakeSend();
    const c = new SubmitCoalescer(f.send, 1000);
    const [good, bad] = await Promise.allSettled([c.submit([spec('ok')], undefined), c.submit([spec('bad')], undefined)]);
    expect(good).toEqual({ status: 'fulfilled', value: ['id-ok'] });
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'INVALID_ARGUMENT' } });
    expect(f.calls).toEqual([['ok', 'bad'], ['ok'], ['bad']]);
  });

  it('never puts more than maxBytes in one call, counted as the server counts them', async () => {
    const f = fakeSend();
    const one = submitJobBytes(spec('a', 1000));
    const c = new SubmitCoalescer(f.send, 1000, SUBMIT_HEADER_BYTES + 2 * one);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((q) => c.submit([spec(q, 1000)], undefined)));
    expect(f.calls).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('a caller whose jobs alone exceed the cap gets a call of its own; the others still share calls', async () => {
    const f = fakeSend();
    const c = new SubmitCoalescer(f.send, 1000, 10_000);
    const results = await Promise.all([
      c.submit([spec('a')], undefined),
      c.submit([spec('big1', 6000), spec('big2', 6000)], undefined),
      c.submit([spec('b')], undefined),
      c.submit([spec('c')], undefined),
    ]);
    expect(f.calls).toEqual([['a'], ['big1', 'big2'], ['b', 'c']]);
    expect(results[1]).toEqual(['id-big1', 'id-big2']);
  });

  it('twenty ~1 MB submits of one turn: no call over the cap, so a server limit just above it refuses none', async () => {
    const MiB = 1024 * 1024;
    const sizes: number[] = [];
    const c = new SubmitCoalescer(
      (specs: readonly SubmitSpec[]) => {
        const bytes = submitBytes(specs);
        sizes.push(bytes);
        // A server that accepts what the SDK's default cap allows, and nothing larger.
        if (bytes > DEFAULT_MAX_SUBMIT_BYTES) return Promise.reject(new RaftJobsError(ErrorCode.Overloaded, 'Received message larger than max'));
        return Promise.resolve(specs.map((s) => `id-${s.queue}`));
      },
      1000,
      DEFAULT_MAX_SUBMIT_BYTES,
    );
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => c.submit([spec(`j${i}`, MiB - 4096)], undefined)));
    expect(results.flat()).toEqual(Array.from({ length: 20 }, (_, i) => `id-j${i}`));
    expect(sizes).toHaveLength(10);
    for (const bytes of sizes) expect(bytes).toBeLessThanOrEqual(DEFAULT_MAX_SUBMIT_BYTES);
  });

  it('other errors reach every caller of the batch', async () => {
    const c = new SubmitCoalescer<string>(() => Promise.reject(new RaftJobsError(ErrorCode.Timeout, 'deadline')), 1000);
    const r = await Promise.allSettled([c.submit([spec('a')], 50), c.submit([spec('b')], 80)]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
  });
});
