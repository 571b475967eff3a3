/**
 * `Client.waitForResult` on the watch stream. The order is what makes it gap-free: first a watch of
 * the job's terminal transitions from now, and only once a node accepted it (its first checkpoint,
 * at that node's applied position C) a linearizable read of the job. The read reflects every entry
 * committed before it began, C included; so a completion either shows in the read, or is applied
 * at an index after it, hence after C, and comes on the watch. Nothing can slip between the two.
 */
import { sleep, type Clock } from './clock.js';
import type { JobView } from './codec.js';
import { isTerminalState } from './types.js';
import type { JobWatch, JobWatchEvent, WatchInput } from './watch.js';

export interface WaitHost {
  readonly clock: Clock;
  /** A linearizable read of the job. */
  get(signal: AbortSignal | undefined): Promise<JobView>;
  watch(input: WatchInput): JobWatch;
  /** The unary WaitForResult loop, for what is left of the wait when the watch cannot serve it. */
  unary(timeoutMs: number, signal: AbortSignal | undefined): Promise<JobView>;
}

/** The transitions after which a job is terminal, or gone (a bulk purge also removes pending jobs: the read then says NOT_FOUND). */
const FINISHED = ['completed', 'dead', 'cancelled', 'purged'] as const;

export async function waitWithWatch(host: WaitHost, id: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<JobView> {
  const { clock } = host;
  const end = clock.now() + timeoutMs;
  const left = (): number => Math.max(0, end - clock.now());
  const stop = new AbortController();
  const watch = host.watch({ fromNow: true, jobIds: [id], types: FINISHED, signal: signal ? AbortSignal.any([signal, stop.signal]) : stop.signal });
  const events = watch[Symbol.asyncIterator]();
  try {
    const started = await within(clock, watch.started.then(() => true as const), left(), stop.signal).catch(() => false as const);
    signal?.throwIfAborted();
    // The watch could not start (a cluster without Watch, or none reachable in time): the unary call decides.
    if (started !== true) return left() > 0 ? await host.unary(left(), signal) : await host.get(signal);
    let job = await host.get(signal);
    while (!isTerminalState(job.state)) {
      if (left() <= 0) return job;
      let next: IteratorResult<JobWatchEvent> | 'timeout';
      try {
        next = await within(clock, events.next(), left(), stop.signal);
      } catch {
        next = { done: true, value: undefined };
      }
      signal?.throwIfAborted();
      if (next === 'timeout') return await host.get(signal);
      // The watch failed for good (it resumes across failovers by itself): the unary call waits the rest.
      if (next.done === true) return left() > 0 ? await host.unary(left(), signal) : await host.get(signal);
      job = await host.get(signal);
    }
    return job;
  } finally {
    stop.abort();
    watch.close();
  }
}

/** `p`, or 'timeout' after `ms`. */
async function within<T>(clock: Clock, p: Promise<T>, ms: number, stop: AbortSignal): Promise<T | 'timeout'> {
  const timer = new AbortController();
  const onStop = (): void => timer.abort();
  stop.addEventListener('abort', onStop, { once: true });
  try {
    return await Promise.race([p, sleep(clock, ms, timer.signal).then(
        () => 'timeout' as const,
        () => 'timeout' as const,
      )]);
  } finally {
    stop.removeEventListener('abort', onStop);
    timer.abort();
  }
}
