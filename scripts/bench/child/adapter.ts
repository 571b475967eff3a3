import type { BenchPayload } from '../protocol.js';

/** Submits bench jobs to one queue. */
export interface Submitter {
  /** Submit one job (one payload) or a batch, acknowledged once durable by the system's own rules. */
  submit(payloads: readonly BenchPayload[]): Promise<void>;
  close(): Promise<void>;
}

/** Callbacks of a running worker. */
export interface WorkerHooks {
  /** A handler started on a job with this payload. */
  readonly onStart: (payload: BenchPayload) => void;
  /** The system acknowledged a completion. */
  readonly onComplete: () => void;
}

export interface RunningWorker {
  close(): Promise<void>;
}

/** One system under test, as the client and worker processes see it. */
export interface Adapter {
  /** `groups`: spread the jobs over that many group keys (systems without group keys refuse it). */
  submitter(queue: string, groups?: number): Promise<Submitter>;
  worker(queue: string, concurrency: number, hooks: WorkerHooks): Promise<RunningWorker>;
}
