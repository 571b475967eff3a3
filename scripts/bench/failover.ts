/**
 * Failover under load: an open-loop client submits single jobs at a fixed rate, a worker runs them,
 * and the leader is killed with SIGKILL again and again (restarted and caught up between kills).
 *
 * Unavailability of one kill is what a client sees: from the kill to the first acknowledgement of
 * a submit that was started after the kill. It includes the election timeout, the election, the
 * SDK finding the new leader and its retry backoff. The time until a survivor logged "became
 * leader" is reported beside it. Nodes are not polled for status while they elect: under load every
 * Status call computes the state digest afresh (a pass over every job), and polling it every few ms
 * would slow the election it measures.
 */
import { closeAll, startChildren, type BenchChild } from './children.js';
import { raftjobsTarget, waitCaughtUp, type Cluster } from './cluster.js';
import { wallMs } from './protocol.js';
import { max, median, sleep } from './stats.js';

export interface FailoverResult {
  readonly kills: number;
  /** Client-visible unavailability per kill, ms. */
  readonly unavailableMs: readonly number[];
  /** Kill to a new leader answering status, ms. */
  readonly electionMs: readonly number[];
  readonly p50Ms: number;
  readonly maxMs: number;
  readonly electionP50Ms: number;
  readonly submits: number;
  readonly submitErrors: number;
  readonly firstError: string | null;
}

const RATE_PER_SEC = 200;

/** The first of `ids` to log "became leader" at or after `sinceMs` (epoch ms), and when (wall ms). */
async function becameLeader(cluster: Cluster, ids: readonly string[], sinceMs: number): Promise<{ id: string; atMs: number }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    let best: { id: string; atMs: number } | null = null;
    for (const id of ids) {
      for (const r of cluster.process(id)?.records ?? []) {
        if (r['msg'] !== 'became leader' || typeof r['time'] !== 'string') continue;
        const at = Date.parse(r['time']);
        if (at >= sinceMs && (best === null || at < best.atMs)) best = { id, atMs: at };
      }
    }
    // Log times are epoch ms; the kill time is wall ms of the same clock.
    if (best !== null) return { id: best.id, atMs: best.atMs - Date.now() + wallMs() };
    if (Date.now() > deadline) throw new Error(`no new leader logged within 60 s among ${ids.join(', ')}:\n${cluster.describe(15)}`);
    await sleep(10);
  }
}

export async function runFailover(cluster: Cluster, kills: number, log: (line: string) => void, retryMaxMs?: number): Promise<FailoverResult> {
  const target = raftjobsTarget(cluster);
  const queue = 'failover';
  const workers = await startChildren('failover-worker-', 1, { role: 'work', target, queue, concurrency: 32 });
  let clients: BenchChild[] = [];
  const killAt: number[] = [];
  const electionMs: number[] = [];
  try {
    clients = await startChildren('failover-client-', 1, { role: 'submit', target, queue, ...(retryMaxMs === undefined ? {} : { retryMaxMs }) });
    const [client] = clients;
    if (client === undefined) throw new Error('no client');
    client.send({ cmd: 'open', ratePerSec: RATE_PER_SEC, batch: 1 });
    await sleep(1_500);
    for (let i = 1; i <= kills; i++) {
      await waitCaughtUp(cluster, 500);
      await sleep(500);
      const before = await cluster.waitForLeader();
      const old = before.id;
      const t0 = wallMs();
      killAt.push(t0);
      await cluster.kill(old, 'SIGKILL');
      const elected = await becameLeader(cluster, cluster.ids.filter((id) => id !== old), Date.now() - (wallMs() - t0));
      electionMs.push(elected.atMs - t0);
      log(`  kill ${i}/${kills}: leader ${old} killed, ${elected.id} logged "became leader" after ${(elected.atMs - t0).toFixed(0)} ms`);
      await cluster.start(old);
    }
    await waitCaughtUp(cluster, 500);
    await sleep(500);
    const open = await client.stopOpen(60_000);
    const unavailableMs = killAt.map((k) => {
      let first = Infinity;
      for (let j = 0; j < open.timeline.length; j += 2) {
        const start = open.timeline[j] ?? 0;
        const ack = open.timeline[j + 1] ?? -1;
        if (start >= k && ack >= 0 && ack < first) first = ack;
      }
      return first - k;
    });
    return {
      kills,
      unavailableMs,
      electionMs,
      p50Ms: median(unavailableMs),
      maxMs: max(unavailableMs),
      electionP50Ms: median(electionMs),
      submits: open.calls,
      submitErrors: open.errors,
      firstError: open.firstError,
    };
  } finally {
    await closeAll([...clients, ...workers]);
  }
}
