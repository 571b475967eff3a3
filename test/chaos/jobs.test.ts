import { describe, expect, it } from 'vitest';
import { chaosJob, OPENING_JOBS, OVERSIZED_SHARE, POISON_SHARE, readChaosPayload } from '../../scripts/chaos/jobs.js';

describe('the chaos job mix', () => {
  it('is a function of the seed and the job\'s place, not of timing', () => {
    const a = Array.from({ length: 3000 }, (_, seq) => chaosJob(7, 1, seq, 1024).kind);
    const b = Array.from({ length: 3000 }, (_, seq) => chaosJob(7, 1, seq, 1024).kind);
    expect(a).toEqual(b);
    const other = Array.from({ length: 3000 }, (_, seq) => chaosJob(8, 1, seq, 1024).kind);
    expect(other).not.toEqual(a);
  });

  it('draws a small share of poison and oversized jobs, and always has the opening ones', () => {
    const n = 200_000;
    const kinds = Array.from({ length: n }, (_, seq) => chaosJob(42, 1, seq, 1024).kind);
    const share = (k: string): number => kinds.filter((x) => x === k).length / n;
    expect(share('poison')).toBeGreaterThan(POISON_SHARE * 0.7);
    expect(share('poison')).toBeLessThan(POISON_SHARE * 1.3);
    expect(share('oversized')).toBeGreaterThan(OVERSIZED_SHARE * 0.7);
    expect(share('oversized')).toBeLessThan(OVERSIZED_SHARE * 1.3);
    for (const [seq, kind] of OPENING_JOBS) expect(chaosJob(42, 0, seq, 1024).kind).toBe(kind);
  });

  it('gives poison and oversized jobs 2 or 3 attempts and an oversized result one byte over the limit, readable back from the payload', () => {
    const jobs = Array.from({ length: 50_000 }, (_, seq) => chaosJob(3, 0, seq, 1024));
    for (const j of jobs.filter((x) => x.kind !== 'normal')) {
      expect([2, 3]).toContain(j.maxAttempts);
      const back = readChaosPayload(Buffer.from(JSON.stringify(j.payload)));
      expect(back).toEqual({ kind: j.kind, maxAttempts: j.maxAttempts, resultBytes: j.kind === 'oversized' ? 1025 : 0 });
    }
    expect(readChaosPayload(Buffer.from(JSON.stringify(jobs[0]?.payload)))).toEqual({ kind: 'normal', maxAttempts: 50, resultBytes: 0 });
    expect(readChaosPayload(Buffer.from('not json'))).toEqual({ kind: 'normal', maxAttempts: null, resultBytes: 0 });
  });
});
