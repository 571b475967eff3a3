/**
 * Event-loop delay as Prometheus can window it. prom-client's `nodejs_eventloop_lag_*` gauges are
 * percentiles of the time since the previous scrape (its monitor resets on every collect), so with
 * two scrapers each sees only part of the picture, and nobody can ask for "p99 over these ten
 * minutes". This sampler feeds a cumulative histogram instead (diff two scrapes: any window, any
 * number of scrapers) and a gauge of the largest delay seen in the last few seconds (the maximum
 * over a window: the largest of the readings taken at least that often).
 */
import { Gauge, Histogram, type Registry } from 'prom-client';

/** Upper bounds of `raftjobs_event_loop_delay_seconds`, 1 ms .. 10 s. */
export const EVENT_LOOP_DELAY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10,
];

/** Timer functions of the sampler; the defaults are Node's. */
export interface SamplerTimers {
  /** A monotonic clock, ms. */
  now(): number;
  /** Calls `fn` once after `ms`; the handle is passed to `clear`. */
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const nodeTimers: SamplerTimers = {
  now: () => performance.now(),
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Options of {@link EventLoopDelaySampler}. */
export interface EventLoopDelayOptions {
  /**
   * How often to sample, ms: the timer is armed for this long and its lateness observed, so a stall
   * shows up to this much shorter than it was. Default 20: on an idle process the wake-ups cost
   * about 0.4–0.5 % of a core (0.75–0.8 % at 10 ms).
   */
  readonly intervalMs?: number;
  /** Span of the recent-maximum gauge, ms. Default 5000. */
  readonly recentMs?: number;
  readonly timers?: SamplerTimers;
}

/**
 * Arms a timer every `intervalMs` and observes how late it fires: the time the event loop could
 * not run it. A stall of S ms is one observation of about S ms (not S / intervalMs of them), as
 * with `perf_hooks.monitorEventLoopDelay`. A background loop: `start()`/`stop()`.
 *
 * Metrics: `raftjobs_event_loop_delay_seconds` (histogram, {@link EVENT_LOOP_DELAY_BUCKETS}) and
 * `raftjobs_event_loop_delay_recent_max_seconds` (the largest observation of the last `recentMs`).
 */
export class EventLoopDelaySampler {
  private readonly intervalMs: number;
  private readonly slotMs: number;
  private readonly timers: SamplerTimers;
  private readonly histogram: Histogram;
  /** Largest delay per slot of `slotMs`, by slot number; only the last `recentMs` are kept. */
  private readonly slots = new Map<number, number>();
  private readonly slotCount: number;
  private handle: unknown = null;
  private armedAt = 0;

  constructor(registry: Registry, o: EventLoopDelayOptions = {}) {
    this.intervalMs = o.intervalMs ?? 20;
    const recentMs = o.recentMs ?? 5000;
    if (!(this.intervalMs > 0) || !(recentMs >= this.intervalMs)) throw new RangeError(`event-loop sampler: need 0 < intervalMs <= recentMs, got ${this.intervalMs} and ${recentMs}`);
    this.slotCount = 10;
    this.slotMs = recentMs / this.slotCount;
    this.timers = o.timers ?? nodeTimers;
    const registers = [registry];
    this.histogram = new Histogram({
      name: 'raftjobs_event_loop_delay_seconds',
      help: `How late a timer armed every ${this.intervalMs} ms fired: the time the event loop was busy. Cumulative from the node's start; diff two scrapes for any window.`,
      buckets: [...EVENT_LOOP_DELAY_BUCKETS],
      registers,
    });
    const recent = (): number => this.recentMaxMs();
    new Gauge({
      name: 'raftjobs_event_loop_delay_recent_max_seconds',
      help: `Largest event-loop delay observed in the last ${recentMs / 1000} s (at most ${this.slotMs} ms more). Read at least that often, the largest reading is a window's maximum.`,
      registers,
      collect() {
        this.set(recent() / 1000);
      },
    });
  }

  start(): void {
    if (this.handle !== null) return;
    this.arm();
  }

  stop(): void {
    if (this.handle !== null) this.timers.clear(this.handle);
    this.handle = null;
  }

  /** Records one delay, ms (the timer does; exposed for tests of the window). */
  observe(delayMs: number, at = this.timers.now()): void {
    const d = Math.max(0, delayMs);
    this.histogram.observe(d / 1000);
    const slot = Math.floor(at / this.slotMs);
    this.slots.set(slot, Math.max(this.slots.get(slot) ?? 0, d));
    for (const s of this.slots.keys()) if (s <= slot - this.slotCount) this.slots.delete(s);
  }

  /** Largest delay observed in the current slot and the `slotCount - 1` before it, ms. */
  recentMaxMs(at = this.timers.now()): number {
    const slot = Math.floor(at / this.slotMs);
    let max = 0;
    for (const [s, d] of this.slots) if (s > slot - this.slotCount && s <= slot) max = Math.max(max, d);
    return max;
  }

  private arm(): void {
    this.armedAt = this.timers.now();
    this.handle = this.timers.set(() => {
      const now = this.timers.now();
      this.observe(now - this.armedAt - this.intervalMs, now);
      if (this.handle !== null) this.arm();
    }, this.intervalMs);
  }
}
