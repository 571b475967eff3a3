/**
 * Watches every node of a cluster during a window: polls each node's `/metrics` every 250 ms with
 * a 1 s deadline (one poll in flight per node), and summarizes the polls (bench/window.ts) when the
 * window closes. A node that is down or stalled shows as failed polls and a long gap; its
 * event-loop delay and term come from the polls that succeeded. The bench's own event-loop delay
 * over the window comes with it, as a control for what the machine does to any process.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { httpAddress, type Cluster } from './cluster.js';
import { scrape } from './metrics.js';
import { sleep } from './stats.js';
import { summarizeWindow, type Poll, type WindowSummary } from './window.js';

export const POLL_INTERVAL_MS = 250;
export const POLL_DEADLINE_MS = 1_000;

/** A window being watched: {@link stop} closes it. */
export interface Watch {
  stop(): Promise<WindowSummary>;
}

/**
 * Starts watching every node of `cluster` (one from bench/cluster.ts `startCluster`, which gives
 * each an HTTP port); resolves once each node's first poll is back, so that a node the caller then
 * stops or restarts has its baseline from the process it had when the window opened.
 */
export async function watchCluster(cluster: Cluster): Promise<Watch> {
  // The bench's own event loop, as a control: it does little but poll during the window.
  const control = monitorEventLoopDelay({ resolution: 20 });
  control.enable();
  const startAt = Date.now();
  const polls = new Map<string, Poll[]>(cluster.ids.map((id) => [id, []]));
  let stopped = false;
  const addressOf = (id: string): string => {
    const http = httpAddress(cluster, id);
    if (http === undefined) throw new Error(`node ${id} has no HTTP address to poll`);
    return http;
  };
  /** One poll; a successful one is dated when it answered (what it read is that recent), a failed one when sent. */
  const pollOnce = async (http: string, out: Poll[]): Promise<number> => {
    const at = Date.now();
    const got = await scrape(http, POLL_DEADLINE_MS).catch(() => null);
    out.push({ at: got === null ? at : Date.now(), scrape: got });
    return at;
  };
  const loop = async (id: string, out: Poll[], first: () => void): Promise<void> => {
    const http = addressOf(id);
    while (!stopped) {
      const at = await pollOnce(http, out);
      first();
      const wait = at + POLL_INTERVAL_MS - Date.now();
      if (wait > 0 && !stopped) await sleep(wait);
    }
  };
  const loops = [...polls].map(([id, out]) => {
    let opened = (): void => {};
    const first = new Promise<void>((resolve) => (opened = resolve));
    return { first, done: loop(id, out, () => opened()) };
  });
  await Promise.all(loops.map((l) => l.first));
  return {
    async stop(): Promise<WindowSummary> {
      stopped = true;
      await Promise.all(loops.map((l) => l.done));
      // One last poll of each node closes the window, so the figures reach its end.
      const endAt = Date.now();
      control.disable();
      await Promise.all([...polls].map(([id, out]) => pollOnce(addressOf(id), out)));
      // The monitor reports nanoseconds, and how long each turn took beyond its resolution.
      return { ...summarizeWindow(polls, startAt, endAt), control: { p99Ms: control.percentile(99) / 1e6, maxMs: control.max / 1e6 } };
    },
  };
}
