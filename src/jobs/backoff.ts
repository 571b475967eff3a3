import { unitHash } from './hash.js';
import type { Backoff, ResolvedBackoff } from './types.js';

/** Fills in a backoff's defaults (factor 2, jitter 0). */
export function resolveBackoff(b: Backoff): ResolvedBackoff {
  return b.type === 'fixed'
    ? { type: 'fixed', delayMs: b.delayMs, jitter: b.jitter ?? 0 }
    : { type: 'exponential', initialMs: b.initialMs, maxMs: b.maxMs, factor: b.factor ?? 2, jitter: b.jitter ?? 0 };
}

/**
 * Delay before the next attempt, ms (an integer).
 *
 * - fixed: `delayMs`;
 * - exponential: `min(maxMs, initialMs * factor^(n-1))` where n is the failed attempt's number
 *   within the current run (1 for the first failure, and again 1 after `retryDead`).
 *
 * Jitter then shortens the delay by `floor(delay * jitter * u)`, where u in [0, 1) is a hash of the
 * job id and the (absolute) attempt number, so the result lies in `[delay - floor(delay * jitter), delay]`
 * and every replica computes the same value. The power is computed by repeated multiplication,
 * not `Math.pow`, so the result does not depend on the platform's libm.
 */
export function backoffDelay(b: ResolvedBackoff, jobId: string, attempt: number, runAttempt: number): number {
  let delay: number;
  if (b.type === 'fixed') {
    delay = b.delayMs;
  } else {
    delay = b.initialMs;
    if (b.factor > 1) {
      for (let i = 1; i < runAttempt && delay < b.maxMs; i++) delay *= b.factor;
    }
    delay = Math.floor(Math.min(delay, b.maxMs));
  }
  if (b.jitter > 0 && delay > 0) delay -= Math.floor(delay * b.jitter * unitHash(jobId, attempt));
  return delay;
}
