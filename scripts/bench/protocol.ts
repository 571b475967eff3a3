/**
 * What the bench (parent) and its client and worker processes (children) say to each other.
 *
 * A child is `node --import tsx scripts/bench/child/main.ts '<ChildInit JSON>'`. It writes one JSON
 * object per line on stdout (`ChildEvent`) and reads one JSON command per line on stdin
 * (`ChildCommand`). Anything else on stdout is ignored; stderr is kept for error messages.
 *
 * Times that cross processes are wall-clock ms with sub-ms precision ({@link wallMs}): every process
 * runs on the same machine, so their clocks agree to well under a millisecond.
 */

/** Which system a child talks to. */
export type Target =
  | { readonly kind: 'raftjobs'; readonly nodes: readonly string[]; readonly tls?: { readonly certsDir: string } }
  | { readonly kind: 'bullmq'; readonly host: string; readonly port: number };

export type TargetKind = Target['kind'];

/** First argument of a child: what it is and where to connect. */
export interface ChildInit {
  readonly role: 'submit' | 'work';
  readonly target: Target;
  readonly queue: string;
  /** Work role: handlers running at once. */
  readonly concurrency?: number;
  /** raftjobs client: the longest retry backoff, ms (default: the SDK's). For experiments. */
  readonly retryMaxMs?: number;
  /** raftjobs submit role: spread the jobs round-robin over this many group keys (`g0`, `g1`, ...); default none. */
  readonly groups?: number;
}

/** The payload of every bench job: when its submit started (wall ms), for pickup latency. */
export interface BenchPayload {
  readonly t: number;
}

/** Closed loop: `inflight` loops, each submitting `batch` jobs per call, until `total` jobs are submitted. */
export interface RunCommand {
  readonly cmd: 'run';
  readonly total: number;
  readonly inflight: number;
  readonly batch: number;
  /** Keep every call's latency in the result. */
  readonly recordLatency: boolean;
  /** Pause between two calls of one loop, ms (pickup runs submit into idle workers). Default 0. */
  readonly gapMs?: number;
}

/** Open loop: start a call of `batch` jobs `ratePerSec` times a second, whatever the answers, until `stop`. */
export interface OpenCommand {
  readonly cmd: 'open';
  readonly ratePerSec: number;
  readonly batch: number;
}

export type ChildCommand =
  | RunCommand
  | OpenCommand
  /** Open loop: stop starting calls, wait for those in flight (up to the client deadline), report. */
  | { readonly cmd: 'stop' }
  /** Work role: forget the pickup samples gathered so far. */
  | { readonly cmd: 'reset' }
  /** Work role: report the pickup samples and counters now. */
  | { readonly cmd: 'report' }
  /** Close the client or worker and exit. */
  | { readonly cmd: 'exit' };

/** Result of a closed-loop run. */
export interface RunResult {
  readonly ev: 'run';
  readonly jobs: number;
  readonly calls: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly startMs: number;
  readonly endMs: number;
  /** Latency of each call, ms (when asked for). */
  readonly latenciesMs: readonly number[];
}

/** Result of an open-loop run: per call, its start and the time it was acknowledged (-1: failed). */
export interface OpenResult {
  readonly ev: 'open';
  readonly calls: number;
  readonly errors: number;
  readonly firstError: string | null;
  /** Flattened pairs: start0, ack0, start1, ack1, ... (wall ms). */
  readonly timeline: readonly number[];
}

/** A worker's counters. */
export interface WorkProgress {
  readonly ev: 'progress';
  /** Completions the system acknowledged since the worker started. */
  readonly completed: number;
  /** Wall ms of the latest acknowledged completion (0: none yet). */
  readonly lastCompleteMs: number;
  readonly handlerStarts: number;
}

export interface WorkReport extends Omit<WorkProgress, 'ev'> {
  readonly ev: 'report';
  /** Submit start to handler start, ms, of every job since the last `reset`. */
  readonly pickupsMs: readonly number[];
}

export type ChildEvent =
  | { readonly ev: 'ready' }
  | { readonly ev: 'fatal'; readonly message: string }
  | RunResult
  | OpenResult
  | WorkProgress
  | WorkReport;

/** Wall-clock ms with sub-ms precision, comparable across processes of one machine. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}
