/**
 * Failover under load: an open-loop client submits single jobs at a fixed rate, a worker runs them,
 * and the leader is killed with SIGKILL again and again (restarted and caught up between kills).
 *
 * Unavailability of one kill is what a client sees: from the kill to the first acknowledgement of
 * a submit that was started after the kill. It includes the election timeout, the election, the
 * SDK finding the new leader and its retry backoff. The time until some survivor reports itself
 * leader (status polled every 10 ms) is reported beside it.
 */
import { closeAll, startChildren, type BenchChild } from './children.js';
import { addresses, waitCaughtUp, type Cluster } from './cluster.js';
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

export async function runFailover(cluster: Cluster, kills: number, log: (line: string) => void): Promise<FailoverResult> {
  const target = { kind: 'raftjobs', nodes: addresses(cluster) } as const;
  const queue = 'failover';
  const workers = await startChildren('failover-worker-', 1, { role: 'work', target, queue, concurrency: 32 });
  let clients: BenchChild[] = [];
  const killAt: number[] = [];
  const electionMs: number[] = [];
  try {
    clients = await startChildren('failover-client-', 1, { role: 'submit', target, queue });
    const [client] = clients;
    if (client === undefined) throw new Error('no client');
    client.send({ cmd: 'open', ratePerSec: RATE_PER_SEC, batch: 1 });
    await sleep(1_500);
    for (let i = 1; i <= kills; i++) {
      await waitCaughtUp(cluster, 500);
      await sleep(1_000);
      const before = await cluster.waitForLeader();
      const old = before.id;
      const t0 = wallMs();
      killAt.push(t0);
      const exited = cluster.kill(old, 'SIGKILL');
      const next = await cluster.waitForLeader({ exclude: [old], minTerm: (before.term ?? 0) + 1, intervalMs: 10 });
      electionMs.push(wallMs() - t0);
      await exited;
      log(`  kill ${i}/${kills}: leader ${old} killed, ${next.id} leads after ${(wallMs() - t0).toFixed(0)} ms (status)`);
      await sleep(1_000);
      await cluster.start(old);
    }
    await waitCaughtUp(cluster, 500);
    await sleep(1_000);
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
