/**
 * Virtual time for driver tests: every node's timers run on one virtual timeline that moves only
 * when the test advances it, and each node's wall clock can be set apart from it (skewed, stepped)
 * while its monotonic clock follows the timeline.
 */
import type { NodeClock } from '../../src/node/index.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** One node's clock on a `VirtualTime`; `wallOffsetMs` may be changed at any time (a clock step). */
export interface VirtualClock extends NodeClock {
  wallOffsetMs: number;
}

/** Event-loop turns run after each timer, so the in-memory storage and network keep up. */
const SETTLE_TURNS = 10;

async function settle(): Promise<void> {
  for (let i = 0; i < SETTLE_TURNS; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class VirtualTime {
  /** Virtual ms since the start. */
  private t = 0;
  private seq = 0;
  private timers: Timer[] = [];

  /** @param epochMs wall-clock time at the start of the timeline (before offsets). */
  constructor(private readonly epochMs: number) {}

  get elapsedMs(): number {
    return this.t;
  }

  /**
   * A clock whose wall time is `epochMs + elapsed + wallOffsetMs` and whose monotonic time is
   * `elapsed` from its own origin (as `performance.now()` starts near 0 in each process).
   */
  clock(wallOffsetMs = 0): VirtualClock {
    const origin = this.t;
    const clock: VirtualClock = {
      wallOffsetMs,
      now: () => this.epochMs + this.t + clock.wallOffsetMs,
      monotonic: () => this.t - origin,
      setTimeout: (fn, ms) => {
        const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
        this.timers.push(timer);
        return timer;
      },
      clearTimeout: (handle) => {
        (handle as Timer).cancelled = true;
      },
    };
    return clock;
  }

  /** Moves the timeline forward `ms`, firing every timer due on the way in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.timers = this.timers.filter((x) => !x.cancelled);
      let next: Timer | undefined;
      for (const x of this.timers) if (x.at <= end && (next === undefined || x.at < next.at || (x.at === next.at && x.seq < next.seq))) next = x;
      if (next === undefined) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
    await settle();
  }

  /**
   * Advances in steps of `stepMs` until `check` returns a value other than undefined, and returns
   * it; throws after `limitMs` of virtual time.
   */
  async until<T>(check: () => T | undefined, what: string, limitMs = 10_000, stepMs = 10): Promise<T> {
    const end = this.t + limitMs;
    for (;;) {
      const v = check();
      if (v !== undefined) return v;
      if (this.t >= end) throw new Error(`not reached within ${limitMs} virtual ms: ${what}`);
      await this.advance(stepMs);
    }
  }

  /** Settles a promise while the timeline moves (a proposal needs ticks to commit). */
  async run<T>(p: Promise<T>, limitMs = 10_000): Promise<T> {
    let done = false;
    let value: T | undefined;
    let error: unknown = null;
    let failed = false;
    void p.then(
      (v) => {
        done = true;
        value = v;
      },
      (err: unknown) => {
        done = true;
        failed = true;
        error = err;
      },
    );
    await this.until(() => (done ? true : undefined), 'promise settled', limitMs, 1);
    if (failed) throw error;
    return value as T;
  }
}
