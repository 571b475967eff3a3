import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { EventLoopDelaySampler, type SamplerTimers } from '../../src/observability/event-loop-delay.js';
import { NodeMetricsRegistry } from '../../src/observability/index.js';
import { poll } from '../helpers/index.js';
import { metric, parseMetrics } from './helpers.js';

/** Timers driven by hand: `run(lateMs)` fires the armed timer `lateMs` after it was due. */
function manualTimers(): SamplerTimers & { run(lateMs: number): void; armed(): boolean; at: number } {
  let pending: { fn: () => void; due: number } | null = null;
  const t = {
    at: 1_000,
    now: () => t.at,
    set: (fn: () => void, ms: number) => {
      pending = { fn, due: t.at + ms };
      return pending;
    },
    clear: (h: unknown) => {
      if (h === pending) pending = null;
    },
    armed: () => pending !== null,
    run(lateMs: number) {
      const p = pending;
      if (p === null) throw new Error('no timer armed');
      pending = null;
      t.at = p.due + lateMs;
      p.fn();
    },
  };
  return t;
}

async function samples(registry: Registry): Promise<ReturnType<typeof parseMetrics>> {
  return parseMetrics(await registry.metrics());
}

describe('EventLoopDelaySampler', () => {
  it('observes how late each timer fires, cumulatively, in the fine buckets', async () => {
    const registry = new Registry();
    const timers = manualTimers();
    const sampler = new EventLoopDelaySampler(registry, { intervalMs: 10, recentMs: 5000, timers });
    sampler.start();
    timers.run(0);
    timers.run(3);
    timers.run(120);
    timers.run(0.5);
    const s = await samples(registry);
    const bucket = (le: string): number | undefined => metric(s, 'raftjobs_event_loop_delay_seconds_bucket', { le });
    expect(metric(s, 'raftjobs_event_loop_delay_seconds_count')).toBe(4);
    expect(bucket('0.001')).toBe(2);
    expect(bucket('0.005')).toBe(3);
    expect(bucket('0.1')).toBe(3);
    expect(bucket('0.15')).toBe(4);
    expect(metric(s, 'raftjobs_event_loop_delay_seconds_sum')).toBeCloseTo(0.1235, 6);
    expect(metric(s, 'raftjobs_event_loop_delay_recent_max_seconds')).toBeCloseTo(0.12, 6);
    sampler.stop();
    expect(timers.armed()).toBe(false);
  });

  it('forgets a delay once it is older than the recent span, not before', async () => {
    const registry = new Registry();
    const timers = manualTimers();
    const sampler = new EventLoopDelaySampler(registry, { intervalMs: 10, recentMs: 1000, timers });
    sampler.start();
    timers.run(250);
    const seenAt = timers.at;
    while (timers.at < seenAt + 850) timers.run(0);
    expect(sampler.recentMaxMs()).toBe(250);
    while (timers.at < seenAt + 1100) timers.run(0);
    expect(sampler.recentMaxMs()).toBe(0);
    // The histogram keeps it: it is cumulative.
    expect(metric(await samples(registry), 'raftjobs_event_loop_delay_seconds_bucket', { le: '0.3' })).toBeGreaterThan(metric(await samples(registry), 'raftjobs_event_loop_delay_seconds_bucket', { le: '0.2' }) ?? Infinity);
    sampler.stop();
  });

  it('refuses an interval longer than the recent span', () => {
    expect(() => new EventLoopDelaySampler(new Registry(), { intervalMs: 100, recentMs: 50, timers: manualTimers() })).toThrow(/intervalMs <= recentMs/);
  });

  it("runs in a node's registry and sees the event loop blocked", async () => {
    const m = new NodeMetricsRegistry({ nodeId: 'n1', clusterId: 'c' });
    try {
      const until = performance.now() + 150;
      while (performance.now() < until) {
        // Hold the event loop, as a long synchronous step of a node would.
      }
      await poll(
        async () => {
          const s = parseMetrics(await m.metrics());
          const count = metric(s, 'raftjobs_event_loop_delay_seconds_count') ?? 0;
          const over = count - (metric(s, 'raftjobs_event_loop_delay_seconds_bucket', { le: '0.1' }) ?? 0);
          return over >= 1 && (metric(s, 'raftjobs_event_loop_delay_recent_max_seconds') ?? 0) >= 0.1 ? true : undefined;
        },
        { description: 'a delay over 100 ms in the histogram and the recent maximum', timeoutMs: 5_000, intervalMs: 20 },
      );
    } finally {
      m.stop();
    }
  });
});
