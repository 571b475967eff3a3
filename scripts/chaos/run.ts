import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { Client } from '../../src/client/index.js';
import { loadConfig } from '../../src/config/index.js';
import { SeededRandom } from '../../src/sim/index.js';
import { DATABASE_DIR } from '../../src/storage/index.js';
import { parseLogLine } from '../cluster-output.js';
import { Cluster, poll, PollTimeoutError, type StatusRow } from '../lib/index.js';
import {
  checkHistory,
  DISK_FAULT_KINDS,
  reportPasses,
  summarizeDiskFaults,
  type AckedSubmit,
  type CheckReport,
  type DiskFaultEvent,
  type DiskFaultKind,
  type DiskFaultSummary,
  type Execution,
  type FinalJob,
  type Leadership,
  type StartRefusal,
} from './check.js';
import { concurrencyPerKey, type FlowJob } from './flow-check.js';
import { chaosJob, readChaosPayload } from './jobs.js';
import { ChaosMembers, formatMembership, SPARE_IDS, type MembershipSummary } from './members.js';
import { LinkProxy } from './proxy.js';
import { checkSchedules, schedulesPass, type ScheduledJob, type ScheduleReport } from './schedule-check.js';
import { awaitSchedulesHandled, chaosSchedules, readSchedules, scheduleEnd, scheduledJob } from './schedules.js';
import { ChaosSecurity, securityNote } from './secure.js';
import { checkWatch, expectedWatchEvents, watchKey, watchPasses, type WatchedEvent, type WatchReport } from './watch-check.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const WORKER_SCRIPT = join(REPO, 'scripts', 'chaos', 'worker-process.ts');
const QUEUE = 'chaos';
/**
 * The load's jobs are spread over this many group keys, and the queue leases at most
 * `KEY_LIMIT` jobs of a key at once: the checker's `concurrencyLimitExceeded` counts every lease
 * that took a key above it, by the cluster's own account (the final histories), and must be 0.
 */
const GROUP_KEYS = 8;
const KEY_LIMIT = 2;
/** The drain stops when the backlog has not shrunk for this long, ms. */
const DRAIN_STALL_MS = 60_000;
/** Longest drain, ms. */
const DRAIN_MAX_MS = 15 * 60_000;
/** How long after the heal the schedules may take to handle their last slots, ms. */
const SCHEDULES_CATCH_UP_MS = 60_000;
/** How long after the drain the watcher may take to receive the last transitions, ms. */
const WATCH_CATCH_UP_MS = 60_000;

export interface ChaosOptions {
  readonly durationS: number;
  readonly nodes: number;
  readonly seed: number;
  readonly out: Writable;
  /** Worker processes. Default 2. */
  readonly workers?: number;
  /** Concurrent submit loops. Default 2. */
  readonly submitters?: number;
  /** Keep the run directory (config, data, logs, history) even when the run passes. */
  readonly keep?: boolean;
  /** Mutual TLS between nodes, clients and workers, client certificates required (see secure.ts). Default false. */
  readonly tls?: boolean;
  /** Auth on: the clients and workers call with tokens of their roles (see secure.ts). Default false. */
  readonly auth?: boolean;
  /** Membership faults too: `add-member` and `remove-member` (see members.ts). Default false. */
  readonly members?: boolean;
  /**
   * Go on past the duration until every fault of the opening sequence was tried, so what the
   * opening covers does not depend on how fast the machine is. Default false.
   */
  readonly wholeOpening?: boolean;
}

export type FaultKind = 'kill-leader' | 'kill-follower' | 'pause' | 'isolate-leader' | 'split' | 'kill-worker' | 'restart-worker' | DiskFaultKind | MemberFaultKind;

/** Faults that change the membership, with `--members` only. */
export type MemberFaultKind = 'add-member' | 'remove-member';
const MEMBER_FAULT_KINDS: readonly FaultKind[] = ['add-member', 'remove-member'];

export interface FaultRecord {
  readonly kind: FaultKind;
  readonly target: string;
  readonly at: number;
  recoveryMs: number | null;
  /** What a disk fault did to the files, and how the node took it. */
  detail?: string;
}

/** How worker processes went down and came back, always under the same worker id. */
export interface WorkerRestartSummary {
  /** `restart-worker` faults: SIGKILL inside a running handler, started again at once. */
  readonly restartWorker: number;
  /** Of those, how many found a handler running within 5 s (the rest were killed idle). */
  readonly midHandler: number;
  /** `kill-worker` faults: SIGKILL wherever it was, started again after a pause. */
  readonly killWorker: number;
  /** Processes that died on their own and were started again (after a poison job, or an unexpected exit). */
  readonly afterCrash: number;
  /** Self-kills inside a poison job's handler, from the workers' history files. */
  readonly poisonCrashes: number;
  /** Worker processes that exited on their own for any other reason (see their stderr in the run directory). */
  readonly unexpectedExits: number;
}

export interface ChaosResult extends CheckReport, Omit<ScheduleReport, 'examples'>, WatchReport {
  seed: number;
  /** Leases that took a group key above the queue's per-key limit (the final histories); must be 0. */
  concurrencyLimitExceeded: number;
  /** The most jobs of one key leased at once, by the final histories (at most the limit). */
  maxLeasedPerKey: number;
  nodes: number;
  durationS: number;
  tls: boolean;
  auth: boolean;
  /** Calls a `--tls` or `--auth` cluster accepted though it must refuse them (no certificate, no token); must be empty. */
  unsecuredCallsAccepted: string[];
  faults: number;
  faultCounts: Record<FaultKind, number>;
  diskFaults: DiskFaultSummary;
  /** Whether the membership faults were on (`--members`); then `membership.added` and `.removed` must be above 0. */
  members: boolean;
  membership: MembershipSummary;
  /** Every start of a worker after its first, each under the worker's same id. */
  workerRestartsSameId: number;
  workerRestarts: WorkerRestartSummary;
  /** The cluster's `limits.maxResultBytes`; oversized jobs return one byte more. */
  maxResultBytes: number;
  medianRecoveryMs: number | null;
  maxRecoveryMs: number | null;
  dir: string;
  passed: boolean;
}

/**
 * The first faults always include leader kills, a partition, a worker restart under its own id,
 * one of each disk fault and (with `--members`) an added and a removed member, so a short run
 * covers them. The leader isolation, the membership faults and the wipe (with the operator's
 * remove and `--join`) come before the slower rest: a loaded machine fits only some 4 faults in
 * 30 s. Without `--members` the membership faults are left out. The other two disk faults come
 * back to back: a damaged node is off limits to faults on other nodes until it has caught up,
 * while a disk fault may hit it again at once.
 */
const OPENING: readonly FaultKind[] = ['kill-leader', 'isolate-leader', 'add-member', 'remove-member', 'wipe', 'restart-worker', 'kill-leader', 'kill-leader', 'truncate-log', 'corrupt-table', 'split', 'kill-worker'];
/** How long a fault on other nodes waits for a damaged node to catch up before it is skipped. */
const CATCH_UP_WAIT_MS = 10_000;
const WEIGHTS: readonly [FaultKind, number][] = [
  ['kill-leader', 40],
  ['kill-follower', 12],
  ['pause', 12],
  ['isolate-leader', 10],
  ['split', 8],
  ['kill-worker', 18],
  ['restart-worker', 12],
  ['wipe', 3],
  ['truncate-log', 3],
  ['corrupt-table', 3],
  ['add-member', 4],
  ['remove-member', 4],
];

/**
 * The opening and the weights of a run (without `members`, no membership faults), and how many
 * faults it tries even past its duration: the whole opening with `wholeOpening`, else with
 * `members` the opening through its membership faults, so such a run always makes them.
 */
function faultPlan(o: Pick<ChaosOptions, 'members' | 'wholeOpening'>): { opening: readonly FaultKind[]; weights: readonly [FaultKind, number][]; mustTry: number } {
  const on = (kind: FaultKind): boolean => o.members === true || !MEMBER_FAULT_KINDS.includes(kind);
  const opening = OPENING.filter(on);
  const mustTry = o.wholeOpening === true ? opening.length : opening.findLastIndex((kind) => MEMBER_FAULT_KINDS.includes(kind)) + 1;
  return { opening, weights: WEIGHTS.filter(([kind]) => on(kind)), mustTry };
}

function pickFault(rng: SeededRandom, n: number, plan: ReturnType<typeof faultPlan>): FaultKind {
  const opening = plan.opening[n];
  if (opening) return opening;
  let r = rng.int(plan.weights.reduce((s, [, w]) => s + w, 0));
  for (const [kind, w] of plan.weights) {
    if (r < w) return kind;
    r -= w;
  }
  return 'kill-leader';
}

interface WorkerProc {
  readonly id: string;
  readonly log: string;
  proc: ChildProcess | null;
  /** When a process of this worker went down (killed or crashed). */
  kills: number[];
  /** The start after a crash, while under way. */
  restarting: Promise<void> | null;
  restarts: { restartWorker: number; midHandler: number; killWorker: number; afterCrash: number };
  /** Processes of this worker that exited without the run killing them. */
  ownExits: number;
}

/**
 * One chaos run: a real cluster behind fault-injecting link proxies, continuous submitters
 * (SDK clients, in this process), worker processes, and a seeded schedule of faults. At the end
 * everything heals, the queue drains, and the history is checked.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const rng = new SeededRandom(o.seed);
  const say = (s: string): void => {
    o.out.write(s + '\n');
  };
  const security = new ChaosSecurity({ tls: o.tls === true, auth: o.auth === true });
  const cluster = await Cluster.create({
    size: o.nodes,
    clusterId: 'chaos',
    tmpPrefix: 'raftjobs-chaos-',
    ...security.clusterOptions(),
    // The checker looks for every acknowledged job at the end, so no finished job may be purged
    // during the run: the count bounds of retention (10,000 succeeded per queue by default) are
    // lifted far beyond what a run submits.
    config: { jobs: { defaultLeaseTtlMs: 3000, retention: { maxSucceeded: 100_000_000, maxDead: 100_000_000, maxCancelled: 100_000_000 } }, ...security.authConfig() },
  });
  // Spare ids for `add-member`, made up front so every proxy, client and worker knows them from the start.
  const initialIds = cluster.ids;
  if (o.members === true) for (let i = 0; i < SPARE_IDS; i++) await cluster.addNode();
  const workerIds = Array.from({ length: o.workers ?? 2 }, (_, i) => `w${i + 1}`);
  await security.issue(cluster.dir, cluster.certsDir, workerIds);
  const proxies = new Map<string, LinkProxy>();
  for (const a of cluster.ids) {
    for (const b of cluster.ids) {
      if (a === b) continue;
      const [host, port] = cluster.address(b).split(':') as [string, string];
      const p = new LinkProxy(a, b, { host, port: Number(port) });
      await p.listen();
      proxies.set(`${a}>${b}`, p);
    }
  }
  cluster.setNodeEnv((id) => ({
    ...security.nodeEnv(),
    // Every id the run may have, members or not yet (a node may name ids its config lacks).
    RAFTJOBS_PEER_ADDRESSES: cluster.ids
      .filter((b) => b !== id)
      .map((b) => `${b}=127.0.0.1:${(proxies.get(`${id}>${b}`) as LinkProxy).port}`)
      .join(','),
  }));
  const historyPath = join(cluster.dir, 'history.jsonl');
  const record = (entry: Record<string, unknown>): void => appendFileSync(historyPath, JSON.stringify(entry) + '\n');
  /** Every node the run may have: clients and workers are given all of them up front. */
  const addresses = cluster.ids.map((id) => cluster.address(id));
  const workers: WorkerProc[] = workerIds.map((id) => ({
    id,
    log: join(cluster.dir, `worker-${id}.jsonl`),
    proc: null,
    kills: [],
    restarting: null,
    restarts: { restartWorker: 0, midHandler: 0, killWorker: 0, afterCrash: 0 },
    ownExits: 0,
  }));
  // The nodes' own config (they get no RAFTJOBS_* variables from this process): oversized jobs
  // return one byte more than the result limit it sets.
  const maxResultBytes = loadConfig(cluster.configPath, { env: {} }).limits.maxResultBytes;
  /** Worker processes that die on their own (a poison job) are started again under the same id until the end. */
  let supervising = true;
  const acked: AckedSubmit[] = [];
  const ackStarts: { startedAt: number; at: number }[] = [];
  const faults: FaultRecord[] = [];
  let stopLoad = false;
  const clients: Client[] = [];

  const startWorker = async (w: WorkerProc): Promise<void> => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WORKER_SCRIPT, '--nodes', addresses.join(','), '--queue', QUEUE, '--id', w.id, '--log', w.log, '--seed', String(rng.int(1e9)), ...security.workerArgs(w.id)],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    w.proc = child;
    child.stderr?.on('data', (d: Buffer) => appendFileSync(join(cluster.dir, `worker-${w.id}.stderr`), d));
    child.once('exit', (code, signal) => {
      // A process the run killed or replaced is no longer `w.proc` by now.
      if (w.proc !== child) return;
      w.proc = null;
      w.kills.push(Date.now());
      w.ownExits++;
      record({ e: 'worker-exit', worker: w.id, code, signal, at: Date.now() });
      if (supervising) restartAfterCrash(w);
    });
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${w.id} not ready in 30 s`)), 30_000);
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('worker ready')) {
          clearTimeout(timer);
          resolveReady();
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolveReady();
      });
    });
  };
  const restartAfterCrash = (w: WorkerProc): void => {
    const restart: Promise<void> = pause(200)
      .then(async () => {
        if (!supervising || w.proc) return;
        await startWorker(w);
        w.restarts.afterCrash++;
      })
      .catch((err: unknown) => say(`  ${clock()} ${w.id} could not be started again after it died: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        if (w.restarting === restart) w.restarting = null;
      });
    w.restarting = restart;
  };
  /**
   * The `restart-worker` fault: the worker SIGKILLs itself inside a running handler (SIGUSR2 asks
   * it to, at once or as the next handler starts), or after 5 s without one the run SIGKILLs it
   * idle; then it starts again at once under the same id. Returns what happened.
   */
  const restartWorker = async (w: WorkerProc): Promise<string> => {
    await w.restarting;
    const child = w.proc;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      if (!w.proc) await startWorker(w);
      return 'was not running; started';
    }
    w.proc = null; // from here on its exit is the run's doing
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
    child.kill('SIGUSR2');
    const signal = await Promise.race([exited, pause(5000).then(() => 'timeout' as const)]);
    const midHandler = signal === 'SIGKILL';
    if (signal === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
    w.kills.push(Date.now());
    await startWorker(w);
    w.restarts.restartWorker++;
    if (midHandler) w.restarts.midHandler++;
    return midHandler ? 'SIGKILL inside a running handler; started again at once under the same id' : 'no handler ran within 5 s: SIGKILL idle; started again at once under the same id';
  };
  const killWorker = (w: WorkerProc): void => {
    if (w.proc && w.proc.exitCode === null) {
      w.proc.kill('SIGKILL');
      w.kills.push(Date.now());
    }
    w.proc = null;
  };

  const submitLoop = async (n: number): Promise<void> => {
    const client = new Client({ nodes: addresses, deadlineMs: 5000, ...security.clientOptions() });
    clients.push(client);
    let seq = 0;
    while (!stopLoad) {
      const count = 1 + (seq % 4);
      const startedAt = Date.now();
      try {
        // A small seeded share are poison or oversized jobs (see jobs.ts), with 2 or 3 attempts.
        const specs = Array.from({ length: count }, (_, i) => chaosJob(o.seed, n, seq + i, maxResultBytes));
        const jobs = specs.map((spec, i) => ({
          queue: QUEUE,
          group: `key-${(n * 7 + seq + i) % GROUP_KEYS}`,
          payload: spec.payload,
          maxAttempts: spec.maxAttempts,
          backoff: { type: 'fixed' as const, delayMs: 100 },
        }));
        const res = await client.submit(jobs);
        const at = Date.now();
        for (const [i, j] of res.entries()) {
          acked.push({ jobId: j.id, at });
          const kind = specs[i]?.kind ?? 'normal';
          record(kind === 'normal' ? { e: 'ack', jobId: j.id, at, startedAt } : { e: 'ack', jobId: j.id, at, startedAt, kind, maxAttempts: specs[i]?.maxAttempts });
        }
        ackStarts.push({ startedAt, at });
        seq += count;
      } catch {
        // Unavailable during a fault: the SDK already retried within the deadline. Try again.
      }
      await pause(40);
    }
  };

  const leader = async (): Promise<string | null> => {
    const rows = await cluster.statusAll(cluster.liveIds(), { digest: false });
    return leaderOf(rows)?.id ?? null;
  };

  const setLinks = (side: readonly string[], cut: boolean): void => {
    for (const p of proxies.values()) {
      if (side.includes(p.from) !== side.includes(p.to)) {
        if (cut) p.cut();
        else p.heal();
      }
    }
  };

  // ---------------------------------------------------------------- disk faults and rebuilds

  const diskEvents: DiskFaultEvent[] = [];
  const refusals: StartRefusal[] = [];
  /** Nodes whose disk was damaged and that have not caught up since: they count as down. */
  const damaged = new Map<string, DiskFaultEvent>();
  const watchers: Promise<void>[] = [];
  const stopWatching = new AbortController();
  const clock = (): string => new Date().toISOString().slice(11, 23);
  /** Lines said while a fault is being applied, printed under its line once it is done. */
  let nested: string[] | null = null;
  const sayNested = (line: string): void => {
    if (nested === null) say(`  ${line}`);
    else nested.push(`    ${line}`);
  };
  const members = new ChaosMembers({ cluster, members: initialIds, spares: cluster.ids.filter((id) => !initialIds.includes(id)), call: security.adminCall() });

  /**
   * Whether `nodes` may go down (or be damaged) now: never more than a minority of the members
   * down or damaged at once, so the others always form a majority that holds every committed entry.
   */
  const mayTake = (nodes: readonly string[]): boolean => {
    const ids = members.ids;
    if (ids.some((id) => !nodes.includes(id) && !cluster.isRunning(id))) return false;
    return new Set([...damaged.keys(), ...nodes]).size <= Math.floor((ids.length - 1) / 2);
  };

  /**
   * Starts node `id` again after `after`. A start refused for damaged storage (the node exits
   * non-zero naming the path) gets what an operator would do: it is noted, the data directory is
   * wiped, and the node, empty, is removed, started with `--join` and waited for until it is a
   * voter again ("rebuilt"). So is a node that started on an empty state (what a cut log can
   * leave): its leader would refuse it. Any other failure to start is thrown.
   */
  const startNode = async (id: string, after: string): Promise<string | null> => {
    try {
      await cluster.start(id);
    } catch (err) {
      const proc = cluster.process(id);
      const failed = proc?.lastRecord('node failed to start');
      if (proc?.running !== false || failed?.['code'] !== 'STORAGE_CORRUPT') throw err;
      const exit = proc.exit;
      const message = String((failed['err'] as { message?: unknown } | undefined)?.message ?? failed['msg']);
      sayNested(`${clock()} ${id} refused to start (exit code ${String(exit?.code)}): ${message}`);
      cluster.wipe(id);
      const steps = await members.rejoin(id, 'rebuilt', rng);
      sayNested(`${clock()} ${id} rebuilt: data directory wiped; ${steps}`);
      refusals.push({ node: id, after, message, rebuilt: true });
      record({ e: 'refused', node: id, after, exitCode: exit?.code ?? null, message, rebuilt: true });
      return message;
    }
    if (startedEmpty(cluster, id)) {
      await cluster.kill(id, 'SIGKILL');
      cluster.wipe(id);
      const steps = await members.rejoin(id, 'started empty', rng);
      sayNested(`${clock()} ${id} started on an empty state, which its leader refuses: stopped, data directory wiped; ${steps}`);
      record({ e: 'started-empty', node: id, after, at: Date.now() });
    }
    return null;
  };

  /**
   * Marks `ev.node` damaged until it holds everything the leader held when it came back (its
   * applied index reaches the leader's last index as first seen after the restart, or it leads),
   * and records how long that took. Polls in the background until then or the end of the run.
   */
  const watchRejoin = (ev: DiskFaultEvent, startedAt: number): void => {
    damaged.set(ev.node, ev);
    let baseline: number | null = null;
    const watch = poll(
      async () => {
        if (damaged.get(ev.node) !== ev) return false; // damaged again before it caught up
        const rows = await cluster.statusAll(cluster.liveIds(), { digest: false });
        const lead = leaderOf(rows);
        const me = rows.find((r) => r.id === ev.node);
        if (lead !== undefined && lead.id === ev.node) return true;
        if (baseline === null && lead?.lastLogIndex !== undefined) baseline = lead.lastLogIndex;
        return baseline !== null && me?.appliedIndex !== undefined && me.appliedIndex >= baseline ? true : undefined;
      },
      { description: `${ev.node} to catch up`, intervalMs: 200, timeoutMs: o.durationS * 1000 + 300_000, signal: stopWatching.signal },
    ).then(
      (caughtUp) => {
        if (!caughtUp || damaged.get(ev.node) !== ev) {
          ev.damagedAgain = true;
          return;
        }
        ev.rejoinMs = Date.now() - startedAt;
        damaged.delete(ev.node);
        say(`  ${clock()} ${ev.node} caught up ${ev.rejoinMs} ms after its start (${ev.kind})`);
      },
      (err: unknown) => {
        if (!(err instanceof PollTimeoutError) && !stopWatching.signal.aborted) throw err;
      },
    );
    watchers.push(watch);
  };

  /** Stops `target`, damages its data directory the `kind` way, starts it again (rebuilding it if it refuses). */
  const diskFault = async (kind: DiskFaultKind, target: string, at: number): Promise<FaultRecord> => {
    const ev: DiskFaultEvent = { kind, node: target, applied: false, detail: '', refused: false, rejoinMs: null, damagedAgain: false };
    // Registered before the kill, so a watcher of an earlier fault on this node stops now.
    const earlier = damaged.has(target);
    damaged.set(target, ev);
    diskEvents.push(ev);
    await cluster.kill(target, 'SIGKILL');
    const dir = join(cluster.dataDir, target);
    const detail = kind === 'wipe' ? wipeDir(dir) : kind === 'truncate-log' ? truncateNewestLog(join(dir, DATABASE_DIR), rng) : corruptTable(join(dir, DATABASE_DIR), rng);
    ev.applied = detail !== null;
    ev.detail = detail ?? 'nothing to damage: restarted only';
    const startedAt = Date.now();
    // Empty under a member's id, the leader would refuse it: the operator's steps instead of a plain start.
    const rejoined = kind === 'wipe' ? await members.rejoin(target, 'wipe', rng) : null;
    ev.refused = rejoined === null && (await startNode(target, kind)) !== null;
    // Undamaged this time: it is still behind if it was before.
    if (ev.applied || earlier) watchRejoin(ev, startedAt);
    else damaged.delete(target);
    const outcome = !ev.applied ? '' : ev.refused ? '; refused, rebuilt' : rejoined !== null ? `; ${rejoined}` : '; started on what it had';
    return { kind, target, at, recoveryMs: null, detail: `${ev.detail}${outcome}` };
  };

  /** Waits (up to `CATCH_UP_WAIT_MS`) until no node is damaged; false if one still is. */
  const awaitCaughtUp = (): Promise<boolean> =>
    poll(() => (damaged.size === 0 ? true : undefined), { description: 'damaged nodes to catch up', timeoutMs: CATCH_UP_WAIT_MS, intervalMs: 100 }).catch((err: unknown) => {
      if (err instanceof PollTimeoutError) return false;
      throw err;
    });

  /**
   * Applies one fault. A fault on nodes first waits a while for a damaged node to catch up (a
   * disk fault may hit the damaged node again at once); returns why it was skipped when it would
   * still take down more than a minority.
   */
  const inject = async (kind: FaultKind): Promise<FaultRecord | string> => {
    if (kind !== 'kill-worker' && !DISK_FAULT_KINDS.includes(kind as DiskFaultKind) && damaged.size > 0) await awaitCaughtUp();
    const at = Date.now();
    const live = cluster.liveIds();
    const lead = await leader();
    const followers = live.filter((id) => id !== lead);
    const waiting = `${[...damaged.keys()].join(', ') || 'a node'} has not caught up since its disk fault`;
    switch (kind) {
      case 'kill-leader':
      case 'kill-follower': {
        const target = kind === 'kill-leader' ? lead : pickOf(rng, followers.filter((id) => mayTake([id])));
        if (!target) return kind === 'kill-leader' ? 'no leader' : 'no follower may go down';
        if (!mayTake([target])) return waiting;
        await cluster.kill(target, 'SIGKILL');
        await pause(rng.between(500, 2500));
        await startNode(target, kind);
        return { kind, target, at, recoveryMs: null };
      }
      case 'pause': {
        const preferred = rng.chance(0.5) && lead ? lead : rng.pick(live);
        const target = mayTake([preferred]) ? preferred : pickOf(rng, live.filter((id) => mayTake([id])));
        if (!target) return waiting;
        cluster.pause(target);
        await pause(rng.between(1200, 3000));
        cluster.resume(target);
        return { kind, target, at, recoveryMs: null };
      }
      case 'isolate-leader':
      case 'split': {
        let side: string[];
        if (kind === 'isolate-leader') {
          if (!lead) return 'no leader';
          side = [lead];
        } else {
          // A damaged node goes to the minority side: the majority side must be whole.
          const rest = members.ids.filter((id) => !damaged.has(id)).sort(() => rng.next() - 0.5);
          side = [...damaged.keys(), ...rest].slice(0, Math.max(1, Math.floor((members.ids.length - 1) / 2)));
        }
        if (!mayTake(side)) return waiting;
        setLinks(side, true);
        await pause(rng.between(1500, 4000));
        setLinks(side, false);
        return { kind, target: side.join('+'), at, recoveryMs: null };
      }
      case 'kill-worker': {
        const w = rng.pick(workers);
        await w.restarting;
        killWorker(w);
        await pause(rng.between(300, 1500));
        await startWorker(w);
        w.restarts.killWorker++;
        return { kind, target: w.id, at, recoveryMs: null };
      }
      case 'restart-worker': {
        const w = rng.pick(workers);
        const detail = await restartWorker(w);
        return { kind, target: w.id, at, recoveryMs: null, detail };
      }
      case 'wipe':
      case 'truncate-log':
      case 'corrupt-table': {
        const candidates = members.ids.filter((id) => mayTake([id]));
        // A log is empty for a while after each start and each flush: prefer one with something to cut.
        const withLog = kind === 'truncate-log' ? candidates.filter((id) => newestLogBytes(join(cluster.dataDir, id, DATABASE_DIR)) > 0) : [];
        const target = pickOf(rng, withLog.length > 0 ? withLog : candidates);
        if (!target) return waiting;
        return diskFault(kind, target, at);
      }
      case 'add-member':
      case 'remove-member': {
        // Changed only while every member is up and caught up.
        if (damaged.size > 0) return waiting;
        const down = members.ids.filter((id) => !cluster.isRunning(id));
        if (down.length > 0) return `${down.join(', ')} down`;
        const done = kind === 'add-member' ? await members.add(rng) : await members.remove(rng, lead);
        return typeof done === 'string' ? done : { kind, target: done.target, at, recoveryMs: null, detail: done.detail };
      }
    }
  };

  let result: ChaosResult | null = null;
  try {
    await cluster.startAll(initialIds);
    await cluster.waitForLeader();
    const unsecuredCallsAccepted = await security.unsecuredCallsAccepted(initialIds.map((id) => cluster.address(id)));
    for (const w of workers) await startWorker(w);
    const plan = faultPlan(o);
    say(`chaos: seed ${o.seed}, ${o.nodes} nodes, ${o.durationS} s${securityNote(security)}${o.members === true ? `, membership faults (spare ids ${cluster.ids.filter((id) => !initialIds.includes(id)).join(', ')})` : ''}, ${workers.length} workers, oversized results ${maxResultBytes + 1} bytes, run dir ${cluster.dir}`);
    // Recurring schedules fire into the workers' queue through every fault, and end with the load.
    const scheduleEndAt = scheduleEnd(Date.now() + o.durationS * 1000);
    const schedules = chaosSchedules(QUEUE, scheduleEndAt);
    const admin = new Client({ nodes: addresses, deadlineMs: 10_000, ...security.clientOptions() });
    clients.push(admin);
    for (const s of schedules) await admin.createSchedule(s);
    // A per-key limit on the load's queue, set by a holder of the admin role.
    const flowAdmin = new Client({ nodes: addresses, deadlineMs: 10_000, ...security.adminClientOptions() });
    clients.push(flowAdmin);
    await flowAdmin.queues.set(QUEUE, { groupConcurrency: KEY_LIMIT });
    say(`  schedules ${schedules.map((s) => s.id).join(', ')} until ${new Date(scheduleEndAt).toISOString().slice(11, 19)}`);
    // One watcher of the queue's transitions through the whole run, reconnecting across every fault.
    const watcher = new Client({ nodes: addresses, deadlineMs: 10_000, ...security.clientOptions() });
    clients.push(watcher);
    const watch = watcher.watch({ queues: [QUEUE], types: ['submitted', 'leased', 'completed', 'failed', 'throttled', 'dead', 'expired', 'released', 'abandoned', 'cancelled', 'retried'] });
    const watched: WatchedEvent[] = [];
    let watchError: string | null = null;
    const watching = (async () => {
      try {
        for await (const e of watch) watched.push({ type: e.type, jobId: e.jobId, token: e.token, index: e.position.index, ordinal: e.position.ordinal });
      } catch (err) {
        watchError = err instanceof Error ? err.message : String(err);
        say(`  ${clock()} the watch ended: ${watchError}`);
      }
    })();
    await watch.started;
    const loops = Array.from({ length: o.submitters ?? 2 }, (_, i) => submitLoop(i));
    const endAt = Date.now() + o.durationS * 1000;
    await pause(1000);
    for (let picks = 0; Date.now() < endAt || picks < plan.mustTry; picks++) {
      const kind = pickFault(rng, picks, plan);
      nested = [];
      const f = await inject(kind);
      const under = nested;
      nested = null;
      if (typeof f === 'string') {
        record({ e: 'skip', kind, why: f, at: Date.now() });
        say(`  ${clock()} skip ${kind}: ${f}`);
      } else {
        faults.push(f);
        record({ e: 'fault', ...f });
        say(`  ${new Date(f.at).toISOString().slice(11, 23)} ${f.kind} ${f.target}${f.detail === undefined ? '' : ` (${f.detail})`}`);
      }
      for (const line of under) say(line);
      await pause(rng.between(1000, 3000));
    }
    stopLoad = true;
    await Promise.all(loops);

    // Heal everything, let the cluster settle, drain the queue.
    for (const p of proxies.values()) p.heal();
    for (const id of members.ids) {
      if (!cluster.isRunning(id)) await startNode(id, 'heal');
    }
    for (const w of workers) {
      await w.restarting;
      if (!w.proc) await startWorker(w);
    }
    await cluster.waitForLeader({ timeoutMs: 30_000 });
    const client = new Client({ nodes: addresses, deadlineMs: 10_000, ...security.clientOptions() });
    clients.push(client);
    // Before the drain, so the schedules' last jobs are drained too.
    const scheduleIds = schedules.map((s) => s.id);
    if (!(await awaitSchedulesHandled(client, scheduleIds, scheduleEndAt, SCHEDULES_CATCH_UP_MS))) {
      say(`  schedules had not handled their slots through ${new Date(scheduleEndAt).toISOString()} ${SCHEDULES_CATCH_UP_MS / 1000} s after the heal; checking what is there`);
    }
    // The drain goes on while the backlog shrinks: the workers may end the load with a backlog
    // (each poison job takes a worker process down with everything it was running), and how fast
    // they work it off is not what this checks. It stops when nothing is left, when the backlog has
    // not shrunk for DRAIN_STALL_MS (then whatever is left is reported unfinished), or at DRAIN_MAX_MS.
    const drainStarted = Date.now();
    let smallest = Infinity;
    let shrankAt = drainStarted;
    for (;;) {
      const stats = await client.stats().catch(() => null);
      const q = stats?.queues.find((s) => s.queue === QUEUE);
      const left = q ? q.scheduled + q.ready + q.leased : Infinity;
      if (left === 0) break;
      if (left < smallest) {
        smallest = left;
        shrankAt = Date.now();
      }
      if (Date.now() - shrankAt > DRAIN_STALL_MS || Date.now() - drainStarted > DRAIN_MAX_MS) {
        say(`  drain stopped after ${Math.round((Date.now() - drainStarted) / 1000)} s with ${left} jobs left (backlog last shrank ${Math.round((Date.now() - shrankAt) / 1000)} s ago); checking what is there`);
        break;
      }
      await pause(200);
    }
    if (Date.now() - drainStarted > 10_000) say(`  drained in ${Math.round((Date.now() - drainStarted) / 1000)} s`);
    const convergence = await cluster.waitForConvergence({ timeoutMs: 30_000 }).catch(() => null);
    stopWatching.abort();
    await Promise.all(watchers);
    // The digests as of the moment every node agreed: a status read after it can catch an entry the
    // leader has applied and the followers have not yet (seed 42, 600 s: n1@64705, n2 and n3@64704).
    const rows = convergence?.rows ?? (await cluster.statusAll());
    // The schedules before their jobs: every slot they have handled then has its job in the list.
    const finalSchedules = await readSchedules(client, scheduleIds);
    const finalJobs = new Map<string, FinalJob>();
    const flowJobs: FlowJob[] = [];
    const scheduleJobs: ScheduledJob[] = [];
    let pageToken: string | undefined;
    do {
      const page = await client.list({ queue: QUEUE, pageSize: 1000, ...(pageToken ? { pageToken } : {}) });
      for (const j of page.jobs) {
        // Kind and attempt limit as submitted, from the payload: the cluster's maxAttempts may have moved.
        const ask = readChaosPayload(j.payload);
        const limit = ask.maxAttempts === null ? {} : { maxAttempts: ask.maxAttempts };
        finalJobs.set(j.id, { id: j.id, state: j.state, history: j.history.map((a) => ({ ...a })), kind: ask.kind, ...limit });
        flowJobs.push({ id: j.id, group: j.group ?? '', attempts: j.history, finishedAt: j.finishedAt });
        const fired = scheduledJob(j);
        if (fired !== null) scheduleJobs.push(fired);
      }
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    const scheduleReport = checkSchedules({ schedules: finalSchedules, jobs: scheduleJobs, horizon: scheduleEndAt });
    // The watcher may still be catching up (on a node that was cut off, say): wait for what the final account says it must get.
    const due = new Set(
      acked.flatMap((a) => {
        const j = finalJobs.get(a.jobId);
        return j === undefined ? [] : expectedWatchEvents(j);
      }),
    );
    await poll(
      () => {
        for (const e of watched) due.delete(watchKey(e));
        return due.size === 0 || watchError !== null ? true : undefined;
      },
      { description: 'the watcher to receive every transition', timeoutMs: WATCH_CATCH_UP_MS, intervalMs: 200 },
    ).catch((err: unknown) => {
      if (!(err instanceof PollTimeoutError)) throw err;
      say(`  the watcher had not received ${due.size} transitions ${WATCH_CATCH_UP_MS / 1000} s after the drain; checking what is there`);
    });
    watch.close();
    await watching;
    const watchReport = checkWatch({ events: watched, acked, finalJobs, error: watchError });
    const keyUse = concurrencyPerKey(flowJobs, KEY_LIMIT);
    const flowExamples = keyUse.exceeded === 0 ? [] : [`concurrencyLimitExceeded: key ${keyUse.busiestGroup} held ${keyUse.maxConcurrent} leases at once (limit ${KEY_LIMIT})`];
    supervising = false;
    for (const w of workers) {
      await w.restarting;
      const child = w.proc;
      if (child) {
        w.proc = null;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
    const executions = readExecutions(workers);
    const report = checkHistory({
      acked,
      executions,
      finalJobs,
      digests: rows.filter((r) => r.role !== 'unreachable').map((r) => ({ id: r.id, appliedIndex: r.appliedIndex ?? -1, stateDigest: r.stateDigest ?? '' })),
      leaderships: cluster.ids.flatMap((id) => readLeaderships(id, cluster.logPath(id))),
    });
    for (const ev of damaged.values()) report.examples.push(`not caught up: ${ev.node} after ${ev.kind} (${ev.detail})`);
    const membership = await members.summary();
    const membershipMissing = o.members === true ? [...(membership.added === 0 ? ['add-member'] : []), ...(membership.removed === 0 ? ['remove-member'] : [])] : [];
    const membershipProblems = [...membership.membershipOff, ...membershipMissing.map((k) => `membership faults on, but no ${k} was made (skipped: see the run's lines)`)];
    if (!convergence) report.replicasAgree = false;
    for (const f of faults) {
      const next = ackStarts.find((a) => a.startedAt >= f.at);
      f.recoveryMs = next ? next.at - f.at : null;
    }
    const rec = faults.map((f) => f.recoveryMs).filter((x): x is number => x !== null).sort((a, b) => a - b);
    const counts = Object.fromEntries(WEIGHTS.map(([k]) => [k, faults.filter((f) => f.kind === k).length])) as Record<FaultKind, number>;
    const diskFaults = summarizeDiskFaults(diskEvents, refusals);
    const workerRestarts = summarizeWorkerRestarts(workers);
    result = {
      seed: o.seed,
      concurrencyLimitExceeded: keyUse.exceeded,
      maxLeasedPerKey: keyUse.maxConcurrent,
      nodes: o.nodes,
      durationS: o.durationS,
      tls: security.tls,
      auth: security.auth,
      unsecuredCallsAccepted,
      faults: faults.length,
      faultCounts: counts,
      diskFaults,
      members: o.members === true,
      membership,
      workerRestartsSameId: workerRestarts.restartWorker + workerRestarts.killWorker + workerRestarts.afterCrash,
      workerRestarts,
      maxResultBytes,
      ...report,
      ...scheduleReport,
      ...watchReport,
      examples: [...report.examples, ...scheduleReport.examples, ...watchReport.examples, ...flowExamples, ...unsecuredCallsAccepted, ...membershipProblems],
      medianRecoveryMs: rec.length > 0 ? (rec[Math.floor(rec.length / 2)] as number) : null,
      maxRecoveryMs: rec.length > 0 ? (rec[rec.length - 1] as number) : null,
      dir: cluster.dir,
      passed: reportPasses(report) && schedulesPass(scheduleReport) && watchPasses(watchReport) && keyUse.exceeded === 0 && unsecuredCallsAccepted.length === 0 && membershipProblems.length === 0,
    };
    writeFileSync(join(cluster.dir, 'report.json'), JSON.stringify(result, null, 2));
    return result;
  } finally {
    stopLoad = true;
    supervising = false;
    stopWatching.abort();
    await Promise.allSettled(watchers);
    for (const c of clients) c.close();
    await Promise.allSettled(workers.flatMap((w) => (w.restarting ? [w.restarting] : [])));
    for (const w of workers) killWorker(w);
    await cluster.stopAll('SIGKILL').catch(() => undefined);
    for (const p of proxies.values()) await p.close();
    if (result?.passed && !o.keep) rmSync(cluster.dir, { recursive: true, force: true });
  }
}

/** JSON lines of a worker's history file (a line cut short by SIGKILL is skipped). */
function readWorkerLog(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // cut short
    }
  }
  return out;
}

function summarizeWorkerRestarts(workers: readonly WorkerProc[]): WorkerRestartSummary {
  const sum = (f: (w: WorkerProc) => number): number => workers.reduce((s, w) => s + f(w), 0);
  const afterCrash = sum((w) => w.restarts.afterCrash);
  const poisonCrashes = sum((w) => readWorkerLog(w.log).filter((r) => r['e'] === 'crash' && r['why'] === 'poison').length);
  return {
    restartWorker: sum((w) => w.restarts.restartWorker),
    midHandler: sum((w) => w.restarts.midHandler),
    killWorker: sum((w) => w.restarts.killWorker),
    afterCrash,
    poisonCrashes,
    unexpectedExits: Math.max(0, sum((w) => w.ownExits) - poisonCrashes),
  };
}

function readExecutions(workers: readonly WorkerProc[]): Execution[] {
  const out: Execution[] = [];
  for (const w of workers) {
    if (!existsSync(w.log)) continue;
    const starts = new Map<string, { jobId: string; attempt: number; token: number; at: number }>();
    const outcomes = new Map<string, { accepted: boolean; at: number }>();
    for (const line of readFileSync(w.log, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // a line cut short by SIGKILL
      }
      const key = `${String(r['jobId'])}/${String(r['token'])}`;
      if (r['e'] === 'start') starts.set(key, { jobId: String(r['jobId']), attempt: Number(r['attempt']), token: Number(r['token']), at: Number(r['at']) });
      else if (r['e'] === 'outcome') outcomes.set(key, { accepted: r['accepted'] === true, at: Number(r['at']) });
    }
    for (const [key, s] of starts) {
      const oc = outcomes.get(key);
      const killed = !oc && w.kills.some((k) => k >= s.at);
      out.push({
        jobId: s.jobId,
        attempt: s.attempt,
        token: s.token,
        workerId: w.id,
        startedAt: s.at,
        endedAt: oc?.at ?? null,
        completion: oc ? (oc.accepted ? 'accepted' : 'rejected') : 'unknown',
        killed,
      });
    }
  }
  return out;
}

/** The leader in the highest term among `rows`, if any. */
function leaderOf(rows: readonly StatusRow[]): StatusRow | undefined {
  return rows.filter((r) => r.role === 'leader').sort((a, b) => (b.term ?? 0) - (a.term ?? 0))[0];
}

function pickOf(rng: SeededRandom, ids: readonly string[]): string | null {
  return ids.length === 0 ? null : rng.pick(ids);
}

/** Whether node `id`'s current run loaded an empty Raft state: no term, no log, no snapshot. */
function startedEmpty(cluster: Cluster, id: string): boolean {
  try {
    const s = cluster.loadedState(id);
    return s.term === 0 && s.lastLogIndex === 0 && s.snapshotIndex === 0;
  } catch {
    return false;
  }
}

/** `wipe`: the whole data directory goes, as with a replaced disk. */
function wipeDir(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  return 'data directory deleted';
}

/** LevelDB files under `dbDir` named `<number><suffix>`, oldest first. */
function levelFiles(dbDir: string, suffixes: readonly string[]): string[] {
  if (!existsSync(dbDir)) return [];
  return readdirSync(dbDir)
    .filter((n) => /^[0-9]+\.[a-z]+$/.test(n) && suffixes.some((s) => n.endsWith(s)))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
}

function newestLogBytes(dbDir: string): number {
  const newest = levelFiles(dbDir, ['.log']).at(-1);
  return newest === undefined ? 0 : statSync(join(dbDir, newest), { throwIfNoEntry: false })?.size ?? 0;
}

/** `truncate-log`: the newest write-ahead log loses its end from a seeded offset on. Null when it is empty. */
function truncateNewestLog(dbDir: string, rng: SeededRandom): string | null {
  const newest = levelFiles(dbDir, ['.log']).at(-1);
  if (newest === undefined) return null;
  const path = join(dbDir, newest);
  const size = statSync(path).size;
  if (size === 0) return null;
  const cut = rng.int(size);
  truncateSync(path, cut);
  return `${newest} cut at byte ${cut} of ${size}`;
}

/**
 * `corrupt-table`: one to four seeded bytes of one table file flipped, the file drawn by size
 * (as damage lands where the bytes are). Null when there is no table.
 */
function corruptTable(dbDir: string, rng: SeededRandom): string | null {
  const tables = levelFiles(dbDir, ['.ldb', '.sst']).map((name) => ({ name, size: statSync(join(dbDir, name)).size }));
  const total = tables.reduce((sum, t) => sum + t.size, 0);
  if (total === 0) return null;
  let byte = rng.int(total);
  const table = tables.find((t) => (byte -= t.size) < 0) as { name: string; size: number };
  const name = table.name;
  const path = join(dbDir, name);
  const buf = readFileSync(path);
  if (buf.byteLength === 0) return null;
  const positions = [byte + table.size, ...Array.from({ length: rng.int(4) }, () => rng.int(buf.byteLength))];
  for (const p of positions) buf[p] = (buf[p] as number) ^ (1 + rng.int(255));
  writeFileSync(path, buf);
  return `${name} (${buf.byteLength} bytes): flipped byte${positions.length > 1 ? 's' : ''} at ${positions.join(', ')}`;
}

/** Every "became leader" line of a node's log file, with the run (harness start) it belongs to. */
function readLeaderships(node: string, logPath: string): Leadership[] {
  if (!existsSync(logPath)) return [];
  const out: Leadership[] = [];
  let run = 0;
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    const header = /^--- test harness: \S+ run ([0-9]+),/.exec(line);
    if (header) run = Number(header[1]);
    const r = parseLogLine(line);
    if (r?.['msg'] === 'became leader' && typeof r['term'] === 'number') out.push({ node, run, term: r['term'] });
  }
  return out;
}

/** Pacing of the load and fault loops (not waiting for state). */
function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A one-paragraph readable summary of a run. */
export function formatChaosReport(r: ChaosResult): string {
  const lines = [
    `chaos ${r.passed ? 'PASSED' : 'FAILED'}: seed ${r.seed}, ${r.nodes} nodes, ${r.durationS} s${securityNote(r)}`,
    `  faults ${r.faults}: ${Object.entries(r.faultCounts).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  diskFaults: ${formatDiskFaults(r.diskFaults)}`,
    `  membership${r.members ? '' : ' (membership faults off)'}: ${formatMembership(r.membership)}`,
    `  acked ${r.acked}  lost ${r.lost}  unfinished ${r.unfinished}  staleCompletionsAccepted ${r.staleCompletionsAccepted}  concurrentLeases ${r.concurrentLeases}`,
    `  duplicateExecutions ${r.duplicateExecutions} (explained ${r.duplicatesExplained})  replicasAgree ${r.replicasAgree}  termsWithTwoLeaders ${r.termsWithTwoLeaders} (of ${r.leaderTerms})`,
    `  attemptsOverLimit ${r.attemptsOverLimit} (releasedButRan ${r.releasedButRan})  wrongEndState ${r.wrongEndState}`,
    `  poisonJobs: submitted ${r.poisonJobs.submitted}, dead ${r.poisonJobs.dead}, other ${r.poisonJobs.other}   oversizedResults (${r.maxResultBytes + 1} bytes): submitted ${r.oversizedResults.submitted}, dead ${r.oversizedResults.dead}, other ${r.oversizedResults.other}`,
    `  workerRestartsSameId ${r.workerRestartsSameId}: ${formatWorkerRestarts(r.workerRestarts)}`,
    `  scheduleSlotsMissed ${r.scheduleSlotsMissed}  scheduleSlotsDoubled ${r.scheduleSlotsDoubled}  scheduleJobsOffSlot ${r.scheduleJobsOffSlot}  scheduleCountsOff ${r.scheduleCountsOff}  scheduleJobsUnfinished ${r.scheduleJobsUnfinished}`,
    `  schedules: ${r.schedules.map((s) => `${s.id} (${s.mode}) owed ${s.owed}, fired ${s.fired}, skipped ${s.skipped}`).join('; ')}; slot lag p50 ${r.scheduleSlotLag.p50Ms ?? '-'} ms, max ${r.scheduleSlotLag.maxMs ?? '-'} ms`,
    `  watchGaps ${r.watchGaps}  watchDuplicates ${r.watchDuplicates}  watchOutOfOrder ${r.watchOutOfOrder}  watchUnexplained ${r.watchUnexplained} (of ${r.watchEvents} events received)${r.watchError === null ? '' : `  watch ended: ${r.watchError}`}`,
    `  concurrencyLimitExceeded ${r.concurrencyLimitExceeded}  maxLeasedPerKey ${r.maxLeasedPerKey} (limit ${KEY_LIMIT} over ${GROUP_KEYS} keys)`,
    `  recovery after a fault: median ${r.medianRecoveryMs ?? '-'} ms, max ${r.maxRecoveryMs ?? '-'} ms`,
  ];
  for (const e of r.examples) lines.push(`  ! ${e}`);
  if (!r.passed) lines.push(`  run directory kept: ${r.dir}`);
  return lines.join('\n');
}

/** `restart-worker 3 (3 mid-handler), kill-worker 2, after a crash 6 (poison 6, unexpected exits 0)`. */
function formatWorkerRestarts(w: WorkerRestartSummary): string {
  return `restart-worker ${w.restartWorker} (${w.midHandler} mid-handler), kill-worker ${w.killWorker}, after a crash ${w.afterCrash} (poison crashes ${w.poisonCrashes}, unexpected exits ${w.unexpectedExits})`;
}

/** `wipe 1, truncate-log 1, corrupt-table 1; refused 2 (truncate-log 1, corrupt-table 1), rebuilt 2; ...`. */
function formatDiskFaults(d: DiskFaultSummary): string {
  const kinds = DISK_FAULT_KINDS.map((k) => `${k} ${d[k]}`).join(', ');
  const after = Object.entries(d.refusedAfter).map(([k, v]) => `${k} ${v}`).join(', ');
  const again = d.damagedAgain === 0 ? '' : `, ${d.damagedAgain} damaged again before catching up`;
  const rejoin = `caught up ${d.rejoined} of ${d.rejoined + d.notRejoined}${d.maxRejoinMs === null ? '' : ` (slowest ${d.maxRejoinMs} ms)`}${again}`;
  return `${kinds}; refused ${d.refused}${after === '' ? '' : ` (after ${after})`}, rebuilt ${d.rebuilt}; started damaged ${d.startedDamaged}; ${rejoin}`;
}
