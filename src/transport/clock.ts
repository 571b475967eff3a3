import type { BackoffOptions, TimerHandle, TransportClock } from './types.js';

/**
 * The process clock: `performance.now()` and Node timers. Every timer it creates is `unref()`ed so
 * that a forgotten reconnect timer never keeps a process alive.
 */
export const realClock: TransportClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle: TimerHandle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** Default source of jitter; inject a seeded one for reproducible runs. */
export const realRandom: () => number = Math.random;

/**
 * Delay before reconnect attempt number `attempt` (0 for the first), ms: "equal jitter" over a
 * capped exponential, i.e. uniform in [cap/2, cap) with cap = min(maxMs, initialMs × 2^attempt).
 * The floor of cap/2 keeps a flapping peer from being hammered; the jitter keeps the nodes of a
 * cluster that lost the same peer from reconnecting in lockstep.
 *
 * @param random returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  const cap = Math.min(options.maxMs, options.initialMs * 2 ** exponent);
  return Math.floor(cap / 2 + (random() * cap) / 2);
}
