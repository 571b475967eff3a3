import { describe, expect, it } from 'vitest';
import { SubmitCoalescer } from '../../src/client/coalesce.js';
import type { WireJobSpec } from '../../src/client/proto.js';
import { ErrorCode, RaftJobsError } from '../../src/errors/index.js';

const spec = (queue: string): WireJobSpec => ({ queue }) as unknown as WireJobSpec;

/** A fake Submit: records each call; refuses any batch holding a job of queue "bad". */
function fakeSend(): { calls: string[][]; send: (specs: readonly WireJobSpec[]) => Promise<string[]> } {
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

  it('other errors reach every caller of the batch', async () => {
    const c = new SubmitCoalescer<string>(() => Promise.reject(new RaftJobsError(ErrorCode.Timeout, 'deadline')), 1000);
    const r = await Promise.allSettled([c.submit([spec('a')], 50), c.submit([spec('b')], 80)]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
  });
});
