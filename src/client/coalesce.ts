import { SUBMIT_HEADER_BYTES, submitJobBytes } from '../limits/index.js';
import { ErrorCode, isRaftJobsError } from '../errors/index.js';
import type { SubmitSpec } from './codec.js';

/** What the coalescer sends: one Submit call with many jobs, within a deadline. */
export type SendBatch<R> = (specs: readonly SubmitSpec[], deadlineMs: number | undefined) => Promise<readonly R[]>;

interface Waiting<R> {
  readonly specs: readonly SubmitSpec[];
  /** Upper bound of what these jobs add to a Submit, bytes (`submitJobBytes`). */
  readonly bytes: number;
  readonly deadlineMs: number | undefined;
  resolve(results: R[]): void;
  reject(err: unknown): void;
}

/**
 * Coalesces the submits made in the same turn of the event loop into one Submit call (up to
 * `maxJobs` jobs and `maxBytes` bytes, as `submitBytes` counts them), and splits the answer back.
 * One gRPC call then carries many jobs, which is what makes a busy client fast: per-call overhead,
 * not the cluster, bounds single-job submits.
 *
 * The byte cap holds by construction: callers are added to a call only while it stays within
 * `maxBytes`, so a call is never larger than the server accepts in one submit and large jobs
 * cannot make their neighbours fail. A caller whose own jobs exceed the cap is sent alone, so the
 * server's refusal (INVALID_ARGUMENT naming the limit) reaches that caller only.
 *
 * A batch is atomic on the server, so one invalid job would fail its neighbours: when a coalesced
 * call is refused with INVALID_ARGUMENT, each caller's jobs are sent again on their own, and only
 * the caller whose jobs are invalid sees the error. Idempotency keys are fixed before the first
 * send, so these resends never duplicate a job.
 */
export class SubmitCoalescer<R> {
  private waiting: Waiting<R>[] = [];
  private scheduled = false;

  /**
   * @param maxJobs most jobs in one call.
   * @param maxBytes most bytes in one call, as `submitBytes` counts them. Default: no cap.
   */
  constructor(
    private readonly send: SendBatch<R>,
    private readonly maxJobs: number,
    private readonly maxBytes = Infinity,
  ) {}

  submit(specs: readonly SubmitSpec[], deadlineMs: number | undefined): Promise<R[]> {
    let bytes = 0;
    for (const spec of specs) bytes += submitJobBytes(spec);
    return new Promise<R[]>((resolve, reject) => {
      this.waiting.push({ specs, bytes, deadlineMs, resolve, reject });
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
    let bytes = SUBMIT_HEADER_BYTES;
    for (const w of all) {
      if (group.length > 0 && (jobs + w.specs.length > this.maxJobs || bytes + w.bytes > this.maxBytes)) {
        void this.sendGroup(group);
        group = [];
        jobs = 0;
        bytes = SUBMIT_HEADER_BYTES;
      }
      group.push(w);
      jobs += w.specs.length;
      bytes += w.bytes;
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
