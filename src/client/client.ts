import type * as grpc from '@grpc/grpc-js';
import { tokenProblem } from './auth.js';
import { DEFAULT_MAX_SUBMIT_BYTES, submitBytes } from '../limits/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { DEFAULT_BACKOFF, systemClock, systemRandom, type BackoffPolicy, type Clock, type Random } from './clock.js';
import { JobView, scheduleFromWire, toJobState, toWireScheduleSpec, toWireSpec } from './codec.js';
import { SubmitCoalescer } from './coalesce.js';
import { StreamUnavailable, SubmitStream } from './submit-stream.js';
import { Router, type SchedulesMethod } from './router.js';
import { bulkOutcomeFromWire, bulkToWire, QueuesApi } from './queues.js';
import type { BulkOptions, BulkOutcome } from './flow-types.js';
import { waitWithWatch } from './wait.js';
import { JobWatch, WATCH_END_OF_ENTRY, WATCH_EVENT_TYPES, type WatchHost, type WatchInput } from './watch.js';
import type { ListSchedulesOptions, ScheduleInfo, ScheduleInput, SchedulePage, TriggeredJob, UpdateScheduleOptions } from './schedule-types.js';
import type { CallOptions, ClusterStats, GetOptions, JobInput, ListOptions, QueueStats, SdkLogger, StatsOptions, SubmittedJob, WaitOptions } from './types.js';
import { isTerminalState, silentLogger } from './types.js';
import { jobsServices, type wire } from '../protocol/index.js';
import { clientCredentials, type ClientTls } from '../tls/index.js';

/** Options of `new Client(...)`. */
export interface ClientOptions {
  /** `host:port` of every node of the cluster (any subset works; the leader is found from there). */
  readonly nodes: readonly string[];
  /** Default time budget of each call, retries and failovers included, ms. Default 10000. */
  readonly deadlineMs?: number;
  /**
   * Longest single attempt of a call that is safe to repeat (reads, submit), ms, so a hung node
   * costs at most this before the next node is tried. Default 5000.
   */
  readonly attemptTimeoutMs?: number;
  /**
   * How long a call keeps trying while fewer than a majority of `nodes` accept connections, ms.
   * No leader can be elected then, so the call fails with NO_LEADER ("no leader: 1 of 3 nodes
   * reachable (...)") instead of waiting out its deadline. A call whose every address does not
   * resolve or is not a gRPC port (a node's HTTP port, say) fails at once with INVALID_ARGUMENT.
   * Default 2000: twice the longest default election timeout.
   */
  readonly noQuorumMs?: number;
  /** Backoff between retries. Default 50 ms doubling to 250 ms, with jitter. */
  readonly retryBackoff?: BackoffPolicy;
  readonly logger?: SdkLogger;
  /** For tests. Default: the system clock. */
  readonly clock?: Clock;
  /** For tests: jitter and the first node to try. Default: `Math.random`. */
  readonly random?: Random;
  /**
   * Send the submits made in the same event-loop turn as one call (at most this many jobs; 0
   * turns it off). Callers still get their own results and errors. Default 1000.
   */
  readonly coalesceJobs?: number;
  /**
   * Most bytes in one coalesced submit, counted as the server counts them (payloads, queue names
   * and keys, plus a bound on everything else per job). Keep it at most the cluster's largest
   * command, `limits.maxEntryBytes` less 32 bytes: the server refuses a bigger submit with
   * INVALID_ARGUMENT (the SDK then resends each caller's jobs on their own). A caller's own submit
   * is never split. Default: that of a cluster with default limits (2 MiB less 32 bytes).
   */
  readonly maxSubmitBytes?: number;
  /**
   * TLS to the nodes (PEM contents): `ca` to check their certificates against (default: the
   * system roots), and a client certificate `cert` with its `key` for clusters that ask for one
   * (`tls.clientCertificates` in the cluster config). Every node's certificate must name it as a
   * raftjobs node. Absent: plaintext, which a TLS cluster refuses.
   */
  readonly tls?: ClientTls;
  /** Channel credentials to use instead of `tls`, e.g. ones whose certificates are reloaded. */
  readonly credentials?: grpc.ChannelCredentials;
  /**
   * Bearer token sent as `authorization: Bearer <token>` on every call and stream, for a cluster
   * with `auth.enabled` (`raftjobs token create` makes one). Default: none.
   */
  readonly token?: string;
}

/** Options of `Client.submit`. */
export type SubmitOptions = CallOptions;

/** A page of `Client.list`. */
export interface JobPage {
  readonly jobs: readonly JobView[];
  /** Pass as `pageToken` for the next page; `null` on the last page. */
  readonly nextPageToken: string | null;
}

/** Slack on top of a WaitForResult wait for the answer to travel back, ms. */
const WAIT_SLACK_MS = 2_000;

/**
 * The raftjobs client: submit jobs, read them, cancel and retry them. Any node address works;
 * calls go to the last known leader and survive leader changes within their deadline.
 *
 * Submits are safe to retry: every job gets an idempotency key before the first attempt (J7), so
 * the client retries them through failovers, and a retried submit returns the original jobs.
 * `cancel` and `retryDead` are not retried when their outcome is unknown: they fail with
 * OUTCOME_UNKNOWN and the caller reads the job to see what happened.
 */
export class Client {
  private readonly router: Router;
  /** Calls of the Schedules service, over the same addresses (and leader) as `router`. */
  private readonly schedules: Router<wire.SchedulesDefinition, SchedulesMethod>;
  private readonly clock: Clock;
  private readonly coalescer: SubmitCoalescer<wire.SubmitResponse__Output['jobs'][number]> | null;
  /** Submits on one stream to the leader when it is open (see `SubmitStream`). */
  private readonly stream: SubmitStream;
  /**
   * Flow control of queues: `get`, `list`, `set` (limits and rates), `pause`, `resume`. Calls go
   * to the same addresses (and leader) as the client's own.
   */
  readonly queues: QueuesApi;
  /** Aborted by `close()`: ends every watch. */
  private readonly closing = new AbortController();
  private readonly watchHost: WatchHost;

  constructor(options: ClientOptions) {
    const deadlineMs = options.deadlineMs ?? 10_000;
    const attemptTimeoutMs = options.attemptTimeoutMs ?? 5_000;
    if (!(deadlineMs > 0)) throw new RaftJobsError(ErrorCode.InvalidArgument, `deadlineMs: must be positive, got ${deadlineMs}`);
    if (!(attemptTimeoutMs > 0)) throw new RaftJobsError(ErrorCode.InvalidArgument, `attemptTimeoutMs: must be positive, got ${attemptTimeoutMs}`);
    const tokenError = tokenProblem(options.token);
    if (tokenError !== null) throw new RaftJobsError(ErrorCode.InvalidArgument, tokenError);
    this.clock = options.clock ?? systemClock;
    const routing = {
      nodes: options.nodes,
      clock: this.clock,
      random: options.random ?? systemRandom,
      logger: options.logger ?? silentLogger,
      backoff: options.retryBackoff ?? DEFAULT_BACKOFF,
      deadlineMs,
      attemptTimeoutMs,
      credentials: options.credentials ?? clientCredentials(options.tls),
      // What the credentials were made from, to name a failed handshake; unknown when given ready-made.
      ...(options.credentials === undefined ? { dialTls: options.tls ?? null } : {}),
      ...(options.noQuorumMs !== undefined ? { noQuorumMs: options.noQuorumMs } : {}),
      ...(options.token !== undefined ? { token: options.token } : {}),
    };
    this.router = new Router({ ...routing, service: jobsServices().Jobs });
    this.schedules = new Router({ ...routing, service: jobsServices().Schedules, book: this.router.book });
    this.queues = new QueuesApi(new Router({ ...routing, service: jobsServices().Queues, book: this.router.book }));
    this.watchHost = {
      book: this.router.book,
      channel: (address) => this.router.channel(address),
      clock: this.clock,
      random: routing.random,
      backoff: routing.backoff,
      logger: routing.logger,
      closing: this.closing.signal,
    };
    this.stream = new SubmitStream({ book: this.router.book, client: (address) => this.router.channel(address), clock: this.clock, logger: options.logger ?? silentLogger });
    const coalesce = options.coalesceJobs ?? 1000;
    const maxSubmitBytes = options.maxSubmitBytes ?? DEFAULT_MAX_SUBMIT_BYTES;
    if (!(maxSubmitBytes > 0)) throw new RaftJobsError(ErrorCode.InvalidArgument, `maxSubmitBytes: must be positive, got ${maxSubmitBytes}`);
    this.coalescer =
      coalesce > 0
        ? new SubmitCoalescer(async (jobs, deadline) => {
            const budget = deadline ?? deadlineMs;
            const started = this.clock.now();
            // A submit over the cap may be over the node's receive limit too, which would end the
            // stream and fail everything else waiting on it: it goes unary, on its own call.
            const viaStream = submitBytes(jobs) <= maxSubmitBytes ? this.stream.send(jobs, Math.min(budget, attemptTimeoutMs)) : null;
            if (viaStream !== null) {
              try {
                return await viaStream;
              } catch (err) {
                // The stream could not answer: the same request goes unary, within what is left.
                if (!(err instanceof StreamUnavailable)) throw err;
              }
            }
            const left = Math.max(1, budget - (this.clock.now() - started));
            return (await this.router.call('Submit', { jobs: [...jobs] }, { idempotent: true }, { deadlineMs: left })).jobs;
          }, coalesce, maxSubmitBytes)
        : null;
  }

  /** The address calls go to now (the last known leader, once one was learned). */
  get currentNode(): string {
    return this.router.book.current;
  }

  /**
   * Submit one job or a batch, atomically: all are committed on a majority (J1) or none is. Every
   * job without an `idempotencyKey` gets a random one first, so retries never duplicate.
   *
   * @returns one entry per job, in order.
   * @throws RaftJobsError INVALID_ARGUMENT (nothing was submitted), TIMEOUT, ...
   */
  async submit(jobs: JobInput | readonly JobInput[], opts: SubmitOptions = {}): Promise<SubmittedJob[]> {
    const list: readonly JobInput[] = Array.isArray(jobs) ? jobs : [jobs as JobInput];
    if (list.length === 0) throw new RaftJobsError(ErrorCode.InvalidArgument, 'submit: at least one job is required');
    // Keys are fixed here, once: every attempt below sends this same request.
    const specs = list.map(toWireSpec);
    const submitted =
      this.coalescer && opts.signal === undefined
        ? await this.coalescer.submit(specs, opts.deadlineMs)
        : (await this.router.call('Submit', { jobs: specs }, { idempotent: true }, opts)).jobs;
    return submitted.map((j) => ({ id: j.id, duplicate: j.duplicate, state: j.state === '' ? null : toJobState(j.state), replaced: j.replaced }));
  }

  /** One job. @throws RaftJobsError NOT_FOUND */
  async get(id: string, opts: GetOptions = {}): Promise<JobView> {
    return new JobView(await this.router.call('Get', { id, stale: opts.stale ?? false }, { idempotent: true }, opts));
  }

  /** Jobs of a queue and/or state, in submit order, one page at a time. */
  async list(opts: ListOptions = {}): Promise<JobPage> {
    const req = { queue: opts.queue ?? '', state: opts.state ?? '', pageSize: opts.pageSize ?? 0, pageToken: opts.pageToken ?? '', stale: opts.stale ?? false };
    const res = await this.router.call('List', req, { idempotent: true }, opts);
    return { jobs: res.jobs.map((j) => new JobView(j)), nextPageToken: res.nextPageToken !== '' ? res.nextPageToken : null };
  }

  /**
   * Cancel a scheduled, ready or leased job; a running attempt's token becomes stale and its worker
   * is told through its next heartbeat.
   *
   * @throws RaftJobsError NOT_FOUND, ILLEGAL_TRANSITION (already finished), OUTCOME_UNKNOWN
   */
  async cancel(id: string, reason?: string, opts: CallOptions = {}): Promise<JobView> {
    return new JobView(await this.router.call('Cancel', { id, reason: reason ?? '' }, { idempotent: false }, opts));
  }

  /**
   * Make a dead job ready again with `attempts` more attempts (default: its `maxAttempts`).
   *
   * @throws RaftJobsError NOT_FOUND, ILLEGAL_TRANSITION (not dead), OUTCOME_UNKNOWN
   */
  async retryDead(id: string, attempts?: number, opts: CallOptions = {}): Promise<JobView> {
    return new JobView(await this.router.call('RetryDead', { id, attempts: attempts ?? 0 }, { idempotent: false }, opts));
  }

  /** Job counts per queue and state. */
  async stats(opts: StatsOptions = {}): Promise<ClusterStats> {
    const res = await this.router.call('Stats', { stale: opts.stale ?? false }, { idempotent: true }, opts);
    const queues: QueueStats[] = res.queues.map((q) => ({
      queue: q.queue,
      scheduled: q.scheduled,
      ready: q.ready,
      leased: q.leased,
      succeeded: q.succeeded,
      dead: q.dead,
      cancelled: q.cancelled,
    }));
    const total = { scheduled: 0, ready: 0, leased: 0, succeeded: 0, dead: 0, cancelled: 0 };
    for (const q of queues) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += q[k];
    return { queues, total };
  }

  /**
   * Job transitions in log order, from any node, as an async iterator (`for await (const e of
   * client.watch({ queues: ['emails'] }))`). Starts after `after`, or from now. When a node fails
   * or is cut off it resumes on another one after the last position it received, so every
   * matching event comes exactly once, through failovers. Iteration throws RaftJobsError
   * WATCH_POSITION_COMPACTED when no node holds the events after its position any more (resync:
   * read the current state, then watch from now), and the cluster's refusal of a bad filter
   * (INVALID_ARGUMENT) or of the token (PERMISSION_DENIED: it needs the read role).
   */
  watch(input: WatchInput = {}): JobWatch {
    if (input.after !== undefined && input.fromNow === true) throw new RaftJobsError(ErrorCode.InvalidArgument, 'watch: give after or fromNow, not both');
    const bad = (input.types ?? []).filter((t) => !WATCH_EVENT_TYPES.includes(t));
    if (bad.length > 0) throw new RaftJobsError(ErrorCode.InvalidArgument, `watch: unknown event types ${bad.join(', ')} (known: ${WATCH_EVENT_TYPES.join(', ')})`);
    const a = input.after;
    if (a !== undefined && !(Number.isSafeInteger(a.index) && a.index >= 0 && Number.isInteger(a.ordinal) && a.ordinal >= 0 && a.ordinal <= WATCH_END_OF_ENTRY)) {
      throw new RaftJobsError(ErrorCode.InvalidArgument, `watch: after must be a position {index, ordinal} of non-negative integers, got ${JSON.stringify(a)}`);
    }
    return new JobWatch(this.watchHost, input);
  }

  /**
   * Wait until the job is terminal (succeeded, dead or cancelled) or `timeoutMs` passes, and return
   * it as it is then. Waits through leader changes. It watches the job's transitions (see
   * `watch`), subscribing before it reads the job, so no completion slips between the two; against
   * a cluster without the watch it waits with the unary WaitForResult call instead.
   *
   * @throws RaftJobsError NOT_FOUND; TIMEOUT when the cluster could not be reached at all
   */
  async waitForResult(id: string, opts: WaitOptions): Promise<JobView> {
    const { timeoutMs } = opts;
    if (!(timeoutMs >= 0)) throw new RaftJobsError(ErrorCode.InvalidArgument, `waitForResult: timeoutMs must be >= 0, got ${timeoutMs}`);
    const read = (signal: AbortSignal | undefined): Promise<JobView> => this.get(id, signal ? { signal } : {});
    if (timeoutMs === 0) return read(opts.signal);
    return waitWithWatch(
      { clock: this.clock, get: read, watch: (input) => this.watch(input), unary: (ms, signal) => this.waitUnary(id, ms, signal) },
      id,
      timeoutMs,
      opts.signal,
    );
  }

  /** `waitForResult` with the unary WaitForResult call, each attempt as long as the server allows. */
  private async waitUnary(id: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<JobView> {
    const end = this.clock.now() + timeoutMs;
    const left = (): number => Math.max(0, end - this.clock.now());
    for (;;) {
      const wire = await this.router.call(
        'WaitForResult',
        // The server waits at most timeout_ms, and never past the attempt's deadline.
        (attemptMs) => ({ id, timeoutMs: Math.max(1, Math.min(left(), attemptMs - WAIT_SLACK_MS)) }),
        { idempotent: true, attemptTimeoutMs: left() + WAIT_SLACK_MS },
        { deadlineMs: left() + WAIT_SLACK_MS, ...(signal ? { signal } : {}) },
      );
      const job = new JobView(wire);
      // A node that lost leadership answers early with the current state: wait on at the new one.
      if (isTerminalState(job.state) || left() <= 0) return job;
    }
  }

  /**
   * Create a recurring schedule: from now on the cluster creates one job of `schedule.job` for
   * every slot, exactly once per slot through failovers and restarts (see proto/jobs.proto, the
   * Schedules service, for the catch-up and overlap policies and daylight saving time).
   *
   * @throws RaftJobsError ALREADY_EXISTS (the id is taken), INVALID_ARGUMENT (a bad field, a cron
   * expression that does not parse, an unknown time zone), LIMIT_EXCEEDED, OUTCOME_UNKNOWN
   */
  async createSchedule(schedule: ScheduleInput, opts: CallOptions = {}): Promise<ScheduleInfo> {
    return scheduleFromWire(await this.schedules.call('Create', { schedule: toWireScheduleSpec(schedule) }, { idempotent: false }, opts));
  }

  /**
   * Replace a schedule's whole definition, keeping what it has done (slots handled, last job,
   * counts). A change of timing owes nothing before the update.
   *
   * @throws RaftJobsError NOT_FOUND (unless `createMissing`), INVALID_ARGUMENT
   */
  async updateSchedule(schedule: ScheduleInput, opts: UpdateScheduleOptions = {}): Promise<ScheduleInfo> {
    const req = { schedule: toWireScheduleSpec(schedule), createMissing: opts.createMissing ?? false };
    return scheduleFromWire(await this.schedules.call('Update', req, { idempotent: true }, opts));
  }

  /** Remove a schedule; the jobs it made stay. @throws RaftJobsError NOT_FOUND, OUTCOME_UNKNOWN */
  async deleteSchedule(id: string, opts: CallOptions = {}): Promise<void> {
    await this.schedules.call('Delete', { id }, { idempotent: false }, opts);
  }

  /** Stop a schedule from firing until `resumeSchedule`. @throws RaftJobsError NOT_FOUND */
  async pauseSchedule(id: string, opts: CallOptions = {}): Promise<ScheduleInfo> {
    return scheduleFromWire(await this.schedules.call('Pause', { id }, { idempotent: true }, opts));
  }

  /** Let a paused schedule fire again from its next slot; the paused time's slots never fire. @throws RaftJobsError NOT_FOUND */
  async resumeSchedule(id: string, opts: CallOptions = {}): Promise<ScheduleInfo> {
    return scheduleFromWire(await this.schedules.call('Resume', { id }, { idempotent: true }, opts));
  }

  /**
   * Create one job of the schedule now, paused or not, outside its overlap policy. Not retried
   * when its outcome is unknown (a retry could make a second job).
   *
   * @throws RaftJobsError NOT_FOUND, OUTCOME_UNKNOWN
   */
  async triggerSchedule(id: string, opts: CallOptions = {}): Promise<TriggeredJob> {
    const res = await this.schedules.call('Trigger', { id }, { idempotent: false }, opts);
    return { jobId: res.jobId, duplicate: res.duplicate };
  }

  /** One schedule, with its next five fire times. @throws RaftJobsError NOT_FOUND */
  async getSchedule(id: string, opts: GetOptions = {}): Promise<ScheduleInfo> {
    return scheduleFromWire(await this.schedules.call('Get', { id, stale: opts.stale ?? false }, { idempotent: true }, opts));
  }

  /** Schedules in id order, one page at a time. */
  async listSchedules(opts: ListSchedulesOptions = {}): Promise<SchedulePage> {
    const req = { pageSize: opts.pageSize ?? 0, pageToken: opts.pageToken ?? '', stale: opts.stale ?? false };
    const res = await this.schedules.call('List', req, { idempotent: true }, opts);
    return { schedules: res.schedules.map(scheduleFromWire), nextPageToken: res.nextPageToken !== '' ? res.nextPageToken : null };
  }

  /**
   * Act on every job that matches `filter` (`retryDead`, `cancel` or `purge`), or with `dryRun`
   * count them and change nothing. The leader acts in batches of `batchSize` jobs, one replicated
   * command each, and answers once the last is committed: give a large action a long
   * `deadlineMs`. A real run is not retried when its outcome is unknown (some batches may be
   * done): run it again, and it finds only what is left. A dry run is retried like any read.
   *
   * @throws RaftJobsError INVALID_ARGUMENT (nothing changed), OUTCOME_UNKNOWN, PERMISSION_DENIED
   * (auth on: it needs the `admin` role)
   */
  async bulk(opts: BulkOptions): Promise<BulkOutcome> {
    const req = bulkToWire(opts);
    // A large action is one long call: an attempt may take the whole deadline.
    const policy = { idempotent: req.dryRun === true, attemptTimeoutMs: Number.MAX_SAFE_INTEGER };
    return bulkOutcomeFromWire(opts.action, await this.router.call('Bulk', req, policy, opts));
  }

  /** Close every connection. Calls in flight fail, watches end; the client cannot be used again. */
  close(): void {
    this.closing.abort();
    this.stream.close();
    this.router.close();
    this.schedules.close();
    this.queues.close();
  }
}
