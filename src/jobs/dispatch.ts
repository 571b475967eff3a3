/**
 * The dispatcher's policy, as pure arithmetic: how many slots a worker session has free, how many
 * jobs one lease asks for, the order sessions are offered leases in, and how long a session backs
 * off after a refused lease. Which jobs a lease gets is decided when it is applied (`applyLease`).
 * The driver (src/node) decides when to ask.
 */

/** First back-off after a refused lease proposal, ms; doubles on each refusal in a row. */
export const LEASE_REFUSAL_BACKOFF_MIN_MS = 100;
/** Longest back-off after refused lease proposals, ms. */
export const LEASE_REFUSAL_BACKOFF_MAX_MS = 5_000;

/**
 * Slots a session has free: its announced capacity less the leases it holds and the slots asked
 * for by lease commands not yet applied. May be negative (capacity lowered by a later Hello).
 */
export function freeSlots(capacity: number, held: number, requested: number): number {
  return capacity - held - requested;
}

/**
 * Jobs one lease command asks for: every free slot, at most `maxLeaseBatch` (what validation
 * accepts), so a lease never asks for more than the session can run. 0 when nothing is free.
 */
export function leaseSize(free: number, maxLeaseBatch: number): number {
  return free <= 0 ? 0 : Math.min(free, maxLeaseBatch);
}

/** The back-off after one more refused lease proposal, given the current one (0 after an accepted one), ms. */
export function refusalBackoff(currentMs: number): number {
  return currentMs <= 0 ? LEASE_REFUSAL_BACKOFF_MIN_MS : Math.min(LEASE_REFUSAL_BACKOFF_MAX_MS, currentMs * 2);
}

/**
 * The order sessions are offered leases in one round: the list rotated by one more place each
 * round, so when ready jobs are fewer than free slots no session always comes first.
 * Returns the order and the rotation for the next round.
 */
export function dispatchOrder<T>(sessions: readonly T[], rotation: number): { readonly order: T[]; readonly next: number } {
  const n = sessions.length;
  const next = (rotation + 1) % Math.max(1, n);
  const order: T[] = [];
  for (let i = 0; i < n; i++) order.push(sessions[(i + next) % n] as T);
  return { order, next };
}
