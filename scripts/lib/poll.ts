import { setTimeout as delay } from 'node:timers/promises';

/** Options of {@link poll}. */
export interface PollOptions {
  /** Give up after this long, ms. Default 20000: generous, for a loaded 2-core machine. */
  readonly timeoutMs?: number;
  /** Pause between attempts, ms. Default 50. */
  readonly intervalMs?: number;
  /** What is awaited, e.g. "a leader among n2, n3"; starts the timeout message. */
  readonly description?: string;
  /** Extra text for the timeout message (status rows, log tails); called only on timeout. */
  readonly diagnostics?: () => string | Promise<string>;
  /** Stops polling with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Thrown by {@link poll} when the deadline passes; carries the last value seen. */
export class PollTimeoutError extends Error {
  override readonly name = 'PollTimeoutError';

  constructor(
    message: string,
    /** The last value `attempt` observed before the deadline, for messages and debugging. */
    readonly lastObserved: unknown,
  ) {
    super(message);
  }
}

/**
 * Calls `attempt` until it returns something other than `undefined`, and returns that. Waits
 * `intervalMs` between attempts and gives up with a {@link PollTimeoutError} once `timeoutMs` has
 * passed (an attempt that is running at the deadline still finishes). An exception thrown by
 * `attempt` is not retried: it means "this can never become true" (a safety violation, say).
 *
 * `observe`, when given, receives each attempt's raw input so the timeout message can show it.
 */
export async function poll<T>(attempt: (observe: (value: unknown) => void) => T | undefined | Promise<T | undefined>, options: PollOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = performance.now() + timeoutMs;
  let lastObserved: unknown;
  const observe = (value: unknown): void => {
    lastObserved = value;
  };
  for (let attempts = 1; ; attempts++) {
    options.signal?.throwIfAborted();
    const result = await attempt(observe);
    if (result !== undefined) return result;
    if (performance.now() >= deadline) {
      const what = options.description ?? 'condition';
      const extra = options.diagnostics === undefined ? '' : `\n${await options.diagnostics()}`;
      const seen = lastObserved === undefined ? '' : `\nlast observed: ${typeof lastObserved === 'string' ? lastObserved : JSON.stringify(lastObserved)}`;
      throw new PollTimeoutError(`timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${what}${seen}${extra}`, lastObserved);
    }
    await delay(Math.min(intervalMs, Math.max(0, deadline - performance.now())), undefined, options.signal === undefined ? {} : { signal: options.signal });
  }
}

/**
 * Resolves with `promise`, or rejects with `message` after `timeoutMs` (calling `onTimeout` first,
 * e.g. to SIGKILL a process that did not exit). The timer never keeps the process alive.
 */
export async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, message: () => string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(message()));
    }, timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
