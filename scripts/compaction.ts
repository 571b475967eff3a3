/**
 * `node --import tsx scripts/compaction.ts [--jobs N] [--retained N] [--retention-ms N] [--payload-bytes N]
 *   [--idempotency-window-ms N] [--snapshot-entries N] [--snapshot-bytes N] [--json] [--keep]`
 *
 * Disk use under a steady workload, and restart time with a large state, on a real three-node
 * cluster (temp directory, free loopback ports, LevelDB):
 *
 * 1. submits `--retained` jobs (default 100,000) to a queue nobody works: the state that stays;
 * 2. pushes `--jobs` jobs (default 1,000,000) through: submitted in batches of 1000 through the
 *    Jobs API (a few calls in flight, at most 50,000 jobs waiting), leased and completed by one
 *    worker stream on the leader; finished jobs are purged after `--retention-ms` (default 1000,
 *    the cluster's `jobs.retention.succeededMs`). Every job carries an idempotency key (so a batch
 *    retried after a leader change is not duplicated), remembered `--idempotency-window-ms`
 *    (default 10000). The load follows the leader if it changes;
 * 3. waits until every finished job is purged and every key forgotten, measures each node's data
 *    directory (like `du`), runs `raftjobs snapshot` and measures again, and 5 s later;
 * 4. restarts a follower holding the retained state and times spawn to "node ready" and to caught
 *    up (applied the leader's commit index), and reports what it loaded ("raft state loaded").
 *
 * Prints a table; with `--json` the last line is one object with every figure. Snapshot
 * thresholds are the config defaults (20000 entries or 64 MiB of entries) unless
 * `--snapshot-entries` / `--snapshot-bytes` say otherwise.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import type { SnapshotRow } from '../src/cli/snapshot-command.js';
import { KEY_SWEEP_SLACK_MS } from '../src/jobs/index.js';
import { serviceClient } from '../src/protocol/index.js';
import { Cluster, runCli, type StatusRow } from './lib/index.js';

const USAGE =
  'usage: node --import tsx scripts/compaction.ts [--jobs N] [--retained N] [--retention-ms N] [--payload-bytes N] [--idempotency-window-ms N] [--snapshot-entries N] [--snapshot-bytes N] [--json] [--keep]';
const BATCH = 1000;
const SUBMITS_IN_FLIGHT = 4;
const MAX_BACKLOG = 50_000;
const WORKER_CAPACITY = 10_000;
const SETTLE_MS = 5000;

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      jobs: { type: 'string' },
      retained: { type: 'string' },
      'retention-ms': { type: 'string' },
      'payload-bytes': { type: 'string' },
      'idempotency-window-ms': { type: 'string' },
      'snapshot-entries': { type: 'string' },
      'snapshot-bytes': { type: 'string' },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (err) {
  process.stderr.write(`compaction: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(2);
}

function intOption(name: string, fallback: number, min: number, max: number): number {
  const text = values[name];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text) || n < min || n > max) {
    process.stderr.write(`compaction: --${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

const totalJobs = intOption('jobs', 1_000_000, 1, 100_000_000);
const retained = intOption('retained', 100_000, 0, 10_000_000);
const retentionMs = intOption('retention-ms', 1000, 0, 365 * 86_400_000);
const payloadBytes = intOption('payload-bytes', 64, 0, 1024 * 1024);
const idempotencyWindowMs = intOption('idempotency-window-ms', 10_000, 1, 365 * 86_400_000);
const snapshotEntries = values['snapshot-entries'] === undefined ? undefined : intOption('snapshot-entries', 0, 1, 100_000_000);
const snapshotBytes = values['snapshot-bytes'] === undefined ? undefined : intOption('snapshot-bytes', 0, 1024, 64 * 1024 ** 3);
const print = (line: string): void => void process.stdout.write(`${line}\n`);
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

// ------------------------------------------------------------------ measuring

/** Disk use of a directory tree, bytes (allocated blocks, like `du`). */
function diskUsage(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += diskUsage(path);
    else total += statSync(path).blocks * 512;
  }
  return total;
}

const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

interface NodeDisk {
  readonly id: string;
  readonly bytes: number;
  readonly firstLogIndex: number | undefined;
  readonly lastLogIndex: number | undefined;
  readonly snapshotIndex: number | undefined;
}

async function measureDisks(cluster: Cluster): Promise<NodeDisk[]> {
  // A node busy applying may miss one status deadline: ask again until all answer.
  const rows = await cluster.waitFor('every node to answer status', (r) => (r.every((x) => x.role !== 'unreachable') ? r : undefined), {
    ids: () => cluster.ids,
    intervalMs: 200,
  });
  return cluster.ids.map((id) => {
    const r = rows.find((x) => x.id === id);
    return { id, bytes: diskUsage(join(cluster.dataDir, id)), firstLogIndex: r?.firstLogIndex, lastLogIndex: r?.lastLogIndex, snapshotIndex: r?.snapshotIndex };
  });
}

// ------------------------------------------------------------------ gRPC

interface QueueStatsWire {
  queue: string;
  scheduled: number;
  ready: number;
  leased: number;
  succeeded: number;
}

interface JobsClient extends grpc.Client {
  Submit(req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { jobs: { id: string }[] }) => void): void;
  Stats(req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { queues: QueueStatsWire[] }) => void): void;
}

interface WorkersClient extends grpc.Client {
  Work(): grpc.ClientDuplexStream<Record<string, unknown>, ServerMessage>;
}

interface ServerMessage {
  body?: 'leases' | 'ack' | 'heartbeat';
  leases?: { jobs: { jobId: string; token: number }[] };
  ack?: { ok: boolean; code: string; message: string };
}

function jobsClient(address: string): JobsClient {
  const Jobs = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Jobs');
  return new Jobs(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 64 * 1024 * 1024 }) as unknown as JobsClient;
}

function call<T>(fn: (cb: (err: grpc.ServiceError | null, res?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, res) => (err || res === undefined ? reject(err ?? new Error('no answer')) : resolve(res))));
}

const deadline = (ms = 60_000): grpc.CallOptions => ({ deadline: Date.now() + ms });

const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Errors after which the same call is retried (against the current leader): the node is not, or no longer, the leader. */
function retryable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === grpc.status.UNAVAILABLE || code === grpc.status.DEADLINE_EXCEEDED || code === grpc.status.CANCELLED;
}

/** Where calls go: the last known leader, rediscovered through the cluster's status after a failure. */
class LeaderLink {
  address: string;
  jobs: JobsClient;
  changes = 0;

  constructor(
    private readonly cluster: Cluster,
    leaderId: string,
  ) {
    this.address = cluster.address(leaderId);
    this.jobs = jobsClient(this.address);
  }

  /** After a failed call: find the leader again (it may be the same node). */
  async refresh(): Promise<void> {
    const leader = await this.cluster.waitForLeader({ timeoutMs: 60_000 });
    const address = this.cluster.address(leader.id);
    if (address === this.address) return;
    this.jobs.close();
    this.address = address;
    this.jobs = jobsClient(address);
    this.changes++;
    progress(`leader is now ${leader.id} (term ${String(leader.term)})`);
  }

  /** A Jobs call, retried through leader changes. */
  async jobsCall<T>(fn: (jobs: JobsClient, cb: (err: grpc.ServiceError | null, res?: T) => void) => void): Promise<T> {
    for (;;) {
      try {
        return await call<T>((cb) => fn(this.jobs, cb));
      } catch (err) {
        if (!retryable(err)) throw err;
        await sleep(100);
        await this.refresh();
      }
    }
  }

  close(): void {
    this.jobs.close();
  }
}

/**
 * Submits `count` jobs of `queue` in batches of 1000, a few calls in flight. Every job has an
 * idempotency key, so a batch retried after a leader change (outcome unknown) creates nothing twice.
 */
async function submitAll(link: LeaderLink, queue: string, count: number, canSubmit: () => boolean, onSubmitted: (n: number) => void): Promise<void> {
  const payload = Buffer.alloc(payloadBytes, 0x61);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      if (!canSubmit()) {
        await sleep(5);
        continue;
      }
      const first = next;
      const n = Math.min(BATCH, count - next);
      next += n;
      const specs = Array.from({ length: n }, (_, i) => ({ queue, payload, idempotencyKey: `${queue}-${first + i}` }));
      await link.jobsCall<{ jobs: { id: string }[] }>((jobs, cb) => jobs.Submit({ jobs: specs }, deadline(), cb));
      onSubmitted(n);
    }
  };
  await Promise.all(Array.from({ length: SUBMITS_IN_FLIGHT }, lane));
}

/**
 * One worker stream on the leader that completes every job it is given, at once. When the leader
 * changes it reconnects to the new one, announcing the leases it still holds and completing them
 * there (J6 keeps them alive across the failover).
 */
class BenchWorker {
  completed = 0;
  error: Error | null = null;
  private readonly outstanding = new Map<string, number>();
  private client: WorkersClient | null = null;
  private stream: grpc.ClientDuplexStream<Record<string, unknown>, ServerMessage> | null = null;
  private requestId = 0;
  private closed = false;

  constructor(
    private readonly link: LeaderLink,
    private readonly queue: string,
  ) {}

  start(): void {
    const Workers = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Workers');
    const client = new Workers(this.link.address, grpc.credentials.createInsecure()) as unknown as WorkersClient;
    const stream = client.Work();
    this.client = client;
    this.stream = stream;
    let ended = false;
    const reconnect = (): void => {
      if (ended || this.closed) return;
      ended = true;
      client.close();
      void (async () => {
        await sleep(100);
        try {
          await this.link.refresh();
          this.start();
        } catch (err) {
          this.error ??= err instanceof Error ? err : new Error(String(err));
        }
      })();
    };
    stream.on('data', (m: ServerMessage) => {
      if (m.leases) {
        for (const j of m.leases.jobs) {
          this.outstanding.set(j.jobId, j.token);
          stream.write({ requestId: ++this.requestId, complete: { jobId: j.jobId, token: j.token } });
        }
      } else if (m.ack) {
        // Acks come back in order per stream; which job one answers does not matter for counting.
        if (m.ack.ok) this.completed++;
      }
    });
    stream.on('error', reconnect);
    stream.on('end', reconnect);
    const held = [...this.outstanding].map(([jobId, token]) => ({ jobId, token }));
    stream.write({ requestId: 0, hello: { workerId: 'compaction-bench', queues: [this.queue], capacity: WORKER_CAPACITY, leaseTtlMs: 120_000, held } });
    // Leases taken before the failover: complete them on the new leader (acks say "already recorded" if they had committed).
    for (const { jobId, token } of held) stream.write({ requestId: ++this.requestId, complete: { jobId, token } });
    this.outstanding.clear();
  }

  close(): void {
    this.closed = true;
    this.stream?.cancel();
    this.client?.close();
  }
}

/** Jobs of `queue` not finished yet (scheduled, ready or leased). */
async function unfinished(link: LeaderLink, queue: string): Promise<number> {
  const { queues } = await link.jobsCall<{ queues: QueueStatsWire[] }>((jobs, cb) => jobs.Stats({}, deadline(), cb));
  const q = queues.find((x) => x.queue === queue);
  return q === undefined ? 0 : q.scheduled + q.ready + q.leased;
}

// ------------------------------------------------------------------ run

const raft: Record<string, unknown> = {};
if (snapshotEntries !== undefined) raft['snapshotEntries'] = snapshotEntries;
if (snapshotBytes !== undefined) raft['snapshotBytes'] = snapshotBytes;
const cluster = await Cluster.create({
  tmpPrefix: 'raftjobs-compaction-',
  raft,
  // Keys are remembered for seconds, not a day: the state should hold the retained jobs only.
  config: { jobs: { retention: { succeededMs: retentionMs }, idempotencyWindowMs: idempotencyWindowMs } },
  readyTimeoutMs: 120_000,
  waitTimeoutMs: 120_000,
});

let interrupted = false;
const onSignal = (signal: NodeJS.Signals): void => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write(`\n${signal}: stopping the cluster\n`);
  void cluster.stopAll('SIGKILL').then(() => process.exit(130));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

let failed = false;
try {
  progress(`starting 3 nodes in ${cluster.dir}`);
  await cluster.startAll();
  const first = await cluster.waitForConvergence({ ids: cluster.ids });
  const leader = first.leader.id;
  const link = new LeaderLink(cluster, leader);

  // Baseline: restart time of a follower with an empty state (process start, module loading).
  const baselineNode = first.rows.find((r) => r.role !== 'leader')?.id ?? cluster.ids[1] ?? 'n2';
  await cluster.kill(baselineNode, 'SIGTERM');
  const baselineStarted = performance.now();
  await cluster.start(baselineNode);
  const baselineReadyMs = performance.now() - baselineStarted;
  await cluster.waitForConvergence({ ids: cluster.ids });

  // 1. The state that stays.
  const t0 = performance.now();
  await submitAll(link, 'kept', retained, () => true, () => undefined);
  progress(`${retained} retained jobs submitted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const idle = await measureDisks(cluster);

  // 2. The workload.
  let submitted = 0;
  let lastSubmitAt = performance.now();
  const worker = new BenchWorker(link, 'work');
  worker.start();
  const started = performance.now();
  const ticker = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    progress(`${s.toFixed(0)} s: submitted ${submitted}, completed ${worker.completed} (${Math.round(worker.completed / s)} jobs/s)`);
  }, 10_000);
  try {
    await submitAll(link, 'work', totalJobs, () => submitted - worker.completed < MAX_BACKLOG && worker.error === null, (n) => (submitted += n));
    lastSubmitAt = performance.now();
    // Done when no job of the workload is left unfinished (acks lost in a failover are not counted, jobs are).
    let lastCheck = 0;
    for (;;) {
      if (worker.error !== null) throw worker.error;
      if (worker.completed >= totalJobs) break;
      if (performance.now() - lastCheck > 500) {
        lastCheck = performance.now();
        if ((await unfinished(link, 'work')) === 0) break;
      }
      await sleep(20);
    }
  } finally {
    clearInterval(ticker);
    worker.close();
  }
  const loadSeconds = (performance.now() - started) / 1000;
  progress(`${totalJobs} jobs submitted, leased and completed in ${loadSeconds.toFixed(1)} s (${Math.round(totalJobs / loadSeconds)} jobs/s)`);
  const loaded = await measureDisks(cluster);

  // 3. Purged, then compacted.
  const purgeStarted = performance.now();
  for (;;) {
    const { queues } = await link.jobsCall<{ queues: QueueStatsWire[] }>((jobs, cb) => jobs.Stats({}, deadline(), cb));
    const work = queues.find((q) => q.queue === 'work');
    if (work === undefined || work.succeeded + work.ready + work.leased + work.scheduled === 0) break;
    await sleep(100);
  }
  const purgeSeconds = (performance.now() - purgeStarted) / 1000;
  // The last keys are forgotten by the tick the leader proposes once they have lingered a little.
  const keysGone = lastSubmitAt + idempotencyWindowMs + KEY_SWEEP_SLACK_MS + 2000 - performance.now();
  if (keysGone > 0) {
    progress(`waiting ${(keysGone / 1000).toFixed(0)} s for the last idempotency keys to be forgotten`);
    await sleep(keysGone);
  }
  const settled = await cluster.waitForConvergence({ ids: cluster.ids });
  const beforeSnapshot = await measureDisks(cluster);
  const snap = await runCli(['snapshot', '--config', cluster.configPath, '--json'], { timeoutMs: 300_000 });
  if (snap.code !== 0) throw new Error(`raftjobs snapshot failed (${String(snap.code)}): ${snap.stderr}`);
  const snapRows = JSON.parse(snap.stdout) as SnapshotRow[];
  const afterSnapshot = await measureDisks(cluster);
  // LevelDB gives the space back in a background compaction: look again a little later.
  await sleep(SETTLE_MS);
  const settledDisk = await measureDisks(cluster);
  const { queues: finalStats } = await link.jobsCall<{ queues: QueueStatsWire[] }>((jobs, cb) => jobs.Stats({}, deadline(), cb));
  const leaderChanges = link.changes;
  link.close();

  // 4. Restart a follower holding the retained state.
  const follower = settled.rows.find((r) => r.role !== 'leader')?.id ?? cluster.ids[1] ?? 'n2';
  await cluster.kill(follower, 'SIGTERM');
  const spawned = performance.now();
  const spawnedAt = Date.now();
  const proc = await cluster.start(follower);
  const readyMs = performance.now() - spawned;
  const loadedState = proc.lastRecord('raft state loaded') ?? {};
  // When the node had read its storage and restored its snapshot (its own log timestamp).
  const loadedTime = typeof loadedState['time'] === 'string' ? Date.parse(loadedState['time']) : NaN;
  const stateLoadedMs = Number.isFinite(loadedTime) ? loadedTime - spawnedAt : null;
  const target = (await cluster.waitForLeader()).commitIndex ?? 0;
  await cluster.waitFor(`${follower} to apply index ${target}`, (rows: StatusRow[]) => ((rows[0]?.appliedIndex ?? 0) >= target ? true : undefined), {
    ids: () => [follower],
    intervalMs: 10,
  });
  const caughtUpMs = performance.now() - spawned;
  const restartedDisk = diskUsage(join(cluster.dataDir, follower));

  // ------------------------------------------------------------------ report
  const widths = [34, 12, 12, 12];
  const line = (cells: readonly string[]): void => print(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 10) : c.padStart(widths[i] ?? 10))).join(' '));
  print('');
  print(
    `compaction: ${totalJobs} jobs (${payloadBytes}-byte payloads) through a 3-node cluster, ${retained} retained, ` +
      `succeeded retention ${retentionMs} ms, idempotency window ${idempotencyWindowMs} ms`,
  );
  line(['data dir (MiB)', ...cluster.ids]);
  line(['after retained submit', ...idle.map((d) => String(mib(d.bytes)))]);
  line(['after workload', ...loaded.map((d) => String(mib(d.bytes)))]);
  line(['purged, before raftjobs snapshot', ...beforeSnapshot.map((d) => String(mib(d.bytes)))]);
  line(['after raftjobs snapshot', ...afterSnapshot.map((d) => String(mib(d.bytes)))]);
  line([`${SETTLE_MS / 1000} s later`, ...settledDisk.map((d) => String(mib(d.bytes)))]);
  line(['log first..last after workload', ...loaded.map((d) => `${String(d.firstLogIndex)}..${String(d.lastLogIndex)}`)]);
  line(['log first..last after snapshot', ...afterSnapshot.map((d) => `${String(d.firstLogIndex)}..${String(d.lastLogIndex)}`)]);
  line(['snapshot index', ...snapRows.map((r) => (r.ok ? String(r.snapshotIndex) : 'failed'))]);
  print('');
  print(`workload: ${loadSeconds.toFixed(1)} s (${Math.round(totalJobs / loadSeconds)} jobs/s); purge of the last finished jobs took ${purgeSeconds.toFixed(1)} s after the last completion`);
  if (leaderChanges > 0) print(`leader changes during the run: ${leaderChanges} (the load generator followed the new leader)`);
  print(`jobs left: ${finalStats.map((q) => `${q.queue} ready ${q.ready} leased ${q.leased} succeeded ${q.succeeded}`).join('; ') || 'none'}`);
  print(`restart of ${baselineNode} with an empty state (baseline): node ready after ${baselineReadyMs.toFixed(0)} ms`);
  print(
    `restart of ${follower} (snapshot index ${String(loadedState['snapshotIndex'])}, replays ${String(loadedState['replayEntries'])} entries, data ${mib(restartedDisk)} MiB): ` +
      `state loaded after ${String(stateLoadedMs)} ms, node ready after ${readyMs.toFixed(0)} ms, caught up (applied ${target}) after ${caughtUpMs.toFixed(0)} ms`,
  );
  if (values['json'] === true) {
    print(
      JSON.stringify({
        jobs: totalJobs,
        retained,
        retentionMs,
        idempotencyWindowMs,
        payloadBytes,
        workloadSeconds: Math.round(loadSeconds * 10) / 10,
        jobsPerSecond: Math.round(totalJobs / loadSeconds),
        purgeSeconds: Math.round(purgeSeconds * 10) / 10,
        leaderChanges,
        diskBytes: {
          afterRetainedSubmit: Object.fromEntries(idle.map((d) => [d.id, d.bytes])),
          afterWorkload: Object.fromEntries(loaded.map((d) => [d.id, d.bytes])),
          beforeSnapshot: Object.fromEntries(beforeSnapshot.map((d) => [d.id, d.bytes])),
          afterSnapshot: Object.fromEntries(afterSnapshot.map((d) => [d.id, d.bytes])),
          settled: Object.fromEntries(settledDisk.map((d) => [d.id, d.bytes])),
        },
        log: {
          afterWorkload: Object.fromEntries(loaded.map((d) => [d.id, { first: d.firstLogIndex, last: d.lastLogIndex, snapshot: d.snapshotIndex }])),
          afterSnapshot: Object.fromEntries(afterSnapshot.map((d) => [d.id, { first: d.firstLogIndex, last: d.lastLogIndex, snapshot: d.snapshotIndex }])),
        },
        baselineRestartReadyMs: Math.round(baselineReadyMs),
        restart: {
          node: follower,
          stateLoadedMs,
          readyMs: Math.round(readyMs),
          caughtUpMs: Math.round(caughtUpMs),
          snapshotIndex: loadedState['snapshotIndex'],
          replayEntries: loadedState['replayEntries'],
          diskBytes: restartedDisk,
        },
      }),
    );
  }
} catch (err) {
  if (!interrupted) {
    failed = true;
    process.stderr.write(`compaction: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n${cluster.describe(30)}\n`);
  }
} finally {
  const dir = await cluster.cleanup(values['keep'] === true || failed);
  if (values['keep'] === true || failed) progress(`cluster files kept in ${dir}`);
}
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
process.exitCode = interrupted ? 130 : failed ? 1 : 0;
