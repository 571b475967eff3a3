import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Worker, type ClientTls } from '../../../src/client/index.js';
import type { BenchPayload } from '../protocol.js';
import type { Adapter, RunningWorker, Submitter, WorkerHooks } from './adapter.js';

/** raftjobs through its SDK: `Client.submit` (acknowledged once committed on a majority) and `Worker`. */
export function raftjobsAdapter(nodes: readonly string[], retryMaxMs?: number, secure?: { readonly certsDir: string }): Adapter {
  // A TLS cluster of the harness: its CA and the client certificate it issued (scripts/lib/cluster.ts).
  const read = (name: string): Buffer => readFileSync(join(secure?.certsDir ?? '', name));
  const tls: { tls?: ClientTls } = secure === undefined ? {} : { tls: { ca: read('ca.crt'), cert: read('client-itest.crt'), key: read('client-itest.key') } };
  return {
    submitter(queue: string, groups?: number): Promise<Submitter> {
      // A generous deadline: during a failover the SDK retries until the new leader answers.
      const client = new Client({ nodes, deadlineMs: 30_000, ...tls, ...(retryMaxMs === undefined ? {} : { retryBackoff: { initialMs: Math.min(50, retryMaxMs), maxMs: retryMaxMs } }) });
      // Group keys round-robin, so every key gets the same share of the jobs.
      let n = 0;
      const job = groups === undefined ? (payload: BenchPayload) => ({ queue, payload }) : (payload: BenchPayload) => ({ queue, payload, group: `g${n++ % groups}` });
      return Promise.resolve({
        async submit(payloads: readonly BenchPayload[]): Promise<void> {
          await client.submit(payloads.length === 1 ? job(payloads[0] as BenchPayload) : payloads.map(job));
        },
        close(): Promise<void> {
          client.close();
          return Promise.resolve();
        },
      });
    },
    async worker(queue: string, concurrency: number, hooks: WorkerHooks): Promise<RunningWorker> {
      const worker = new Worker({
        nodes,
        ...tls,
        queues: [queue],
        concurrency,
        handler: (job) => {
          hooks.onStart(job.json<BenchPayload>());
          return Promise.resolve();
        },
        onOutcome: (o) => {
          if (o.accepted && o.kind === 'complete') hooks.onComplete();
        },
      });
      await worker.start();
      return { close: () => worker.close({ timeoutMs: 2_000, flushTimeoutMs: 2_000 }) };
    },
  };
}
