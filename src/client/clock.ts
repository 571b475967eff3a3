/**
 * Time and randomness for the SDK, injectable so tests can drive timers and jitter
 * deterministically. Only `systemClock` and `systemRandom` touch the real ones.
 */

/** An opaque timer handle returned by `Clock.setTimeout`. */
export type TimerHandle = object;

/** Wall-clock time and one-shot timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now()` and Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

export const systemRandom: Random = () => Math.random();

/**
 * Resolves after `ms`, or rejects with the signal's reason when `signal` aborts first. The timer is
 * cleared either way.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Capped exponential backoff with jitter: attempt 0 waits about `initialMs`, doubling up to `maxMs`. */
export interface BackoffPolicy {
  /** First delay, ms. Default 50. */
  readonly initialMs: number;
  /** Largest delay, ms. Default 250: a failover is over in about a second, so retry often. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 50, maxMs: 250 };

/**
 * Delay before retry number `attempt` (0-based): `min(maxMs, initialMs · 2^attempt)`, shortened by
 * a random amount of up to half ("equal jitter"), so clients that failed together do not retry
 * together, yet never retry in a tight loop.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: Random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
