import { ErrorCode, isRaftJobsError } from '../errors/index.js';
import type { WireJobSpec } from './proto.js';

/** What the coalescer sends: one Submit call with many jobs, within a deadline. */
export type SendBatch<R> = (specs: readonly WireJobSpec[], deadlineMs: number | undefined) => Promise<readonly R[]>;

interface Waiting<R> {
  readonly specs: readonly WireJobSpec[];
  readonly deadlineMs: number | undefined;
  resolve(results: R[]): void;
  reject(err: unknown): void;
}

/**
 * Coalesces the submits made in the same turn of the event loop into one Submit call (up to
 * `maxJobs` jobs), and splits the answer back. One gRPC call then carries many jobs, which is
 * what makes a busy client fast: per-call overhead, not the cluster, bounds single-job submits.
 *
 * A batch is atomic on the server, so one invalid job would fail its neighbours: when a coalesced
 * call is refused with INVALID_ARGUMENT, each caller's jobs are sent again on their own, and only
 * the caller whose jobs are invalid sees the error. Idempotency keys are fixed before the first
 * send, so these resends never duplicate a job.
 */
export class SubmitCoalescer<R> {
  private waiting: Waiting<R>[] = [];
  private scheduled = false;

  constructor(
    private readonly send: SendBatch<R>,
    private readonly maxJobs: number,
  ) {}

  submit(specs: readonly WireJobSpec[], deadlineMs: number | undefined): Promise<R[]> {
    return new Promise<R[]>((resolve, reject) => {
      this.waiting.push({ specs, deadlineMs, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.waiting;
    this.waiting = [];
    let group: Waiting<R>[] = [];
    let jobs = 0;
    for (const w of all) {
      if (group.length > 0 && jobs + w.specs.length > this.maxJobs) {
        void this.sendGroup(group);
        group = [];
        jobs = 0;
      }
      group.push(w);
      jobs += w.specs.length;
    }
    if (group.length > 0) void this.sendGroup(group);
  }

  private async sendGroup(group: readonly Waiting<R>[]): Promise<void> {
    if (group.length === 1) {
      const w = group[0] as Waiting<R>;
      await this.sendOne(w);
      return;
    }
    const deadlines = group.map((w) => w.deadlineMs).filter((d): d is number => d !== undefined);
    const deadlineMs = deadlines.length > 0 ? Math.min(...deadlines) : undefined;
    try {
      const results = await this.send(group.flatMap((w) => w.specs), deadlineMs);
      let at = 0;
      for (const w of group) {
        w.resolve(results.slice(at, at + w.specs.length));
        at += w.specs.length;
      }
    } catch (err) {
      if (isRaftJobsError(err, ErrorCode.InvalidArgument)) {
        await Promise.all(group.map((w) => this.sendOne(w)));
      } else {
        for (const w of group) w.reject(err);
      }
    }
  }

  private async sendOne(w: Waiting<R>): Promise<void> {
    try {
      w.resolve([...(await this.send(w.specs, w.deadlineMs))]);
    } catch (err) {
      w.reject(err);
    }
  }
}
