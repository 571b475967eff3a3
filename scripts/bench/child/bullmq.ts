import { Queue, Worker } from 'bullmq';
import type { BenchPayload } from '../protocol.js';
import type { Adapter, RunningWorker, Submitter, WorkerHooks } from './adapter.js';

/**
 * BullMQ with its defaults: `Queue.add` / `addBulk` (acknowledged once Redis ran the script; Redis
 * itself appends to its AOF and fsyncs once a second) and a `Worker` with a no-op processor.
 * Completed jobs are kept, as raftjobs keeps succeeded jobs for their retention time.
 */
export function bullmqAdapter(host: string, port: number): Adapter {
  const connection = { host, port };
  return {
    async submitter(queue: string, groups?: number): Promise<Submitter> {
      // Group keys (and their limits) are BullMQ Pro's, not the open-source BullMQ the bench runs.
      if (groups !== undefined) throw new Error('bullmq: group keys are not supported');
      const q = new Queue<BenchPayload>(queue, { connection });
      await q.waitUntilReady();
      return {
        async submit(payloads: readonly BenchPayload[]): Promise<void> {
          const first = payloads[0];
          if (payloads.length === 1 && first !== undefined) await q.add('bench', first);
          else await q.addBulk(payloads.map((data) => ({ name: 'bench', data })));
        },
        close: () => q.close(),
      };
    },
    async worker(queue: string, concurrency: number, hooks: WorkerHooks): Promise<RunningWorker> {
      const worker = new Worker<BenchPayload>(
        queue,
        (job) => {
          hooks.onStart(job.data);
          return Promise.resolve();
        },
        { connection: { ...connection, maxRetriesPerRequest: null }, concurrency },
      );
      worker.on('completed', () => hooks.onComplete());
      worker.on('error', () => undefined);
      await worker.waitUntilReady();
      return { close: () => worker.close() };
    },
  };
}
