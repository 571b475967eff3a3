import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import { initCa, issueCertificate } from '../../src/cli/certs.js';
import { clientCredentials, NodeAdmin, type ClientTls } from '../../src/client/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchStatus, type StatusRow } from '../../src/cli/status-command.js';
import { childEnv } from './cli.js';
import { describeExit, NodeProcess, type NodeExit } from './node-process.js';
import { poll, withDeadline, type PollOptions } from './poll.js';
import { freePorts } from './ports.js';

export type { StatusRow } from '../../src/cli/status-command.js';

/** Options of {@link Cluster.create} and {@link Cluster.start}. */
export interface ClusterOptions {
  /** Number of nodes, named n1..nN. Default 3. */
  readonly size?: number;
  /** Default "itest". */
  readonly clusterId?: string;
  /** `raft.tickMs` of the config. Default: the config default (50). */
  readonly tickMs?: number;
  /** `raft.electionTicks`. Default: the config default (10). */
  readonly electionTicks?: number;
  /** `raft.heartbeatTicks`. Default: the config default (2). */
  readonly heartbeatTicks?: number;
  /** More `raft` fields of the config (`preVote`, `maxInflight`, ...). */
  readonly raft?: Readonly<Record<string, unknown>>;
  /** More top-level config fields (`jobs`, `limits`, `shutdownTimeoutMs`, ...); win over the above. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Extra environment of every node (`RAFTJOBS_*` from our own environment is never passed on). */
  readonly env?: Readonly<Record<string, string>>;
  /** How long a node may take to log "node ready", ms. Default 30000. */
  readonly readyTimeoutMs?: number;
  /** Deadline of one status call, ms. Default 1000. */
  readonly statusTimeoutMs?: number;
  /** Default deadline of the `waitFor...` methods, ms. Default 20000. */
  readonly waitTimeoutMs?: number;
  /** Deadline for a signalled node to exit before it is SIGKILLed, ms. Default 20000. */
  readonly exitTimeoutMs?: number;
  /** Prefix of the temporary directory's name. Default "raftjobs-cluster-". */
  readonly tmpPrefix?: string;
  /**
   * Run with TLS: a CA and a certificate per node and one client (`client-itest`) are made in
   * `<dir>/certs` by `raftjobs certs`' own functions, and the config gets a `tls` section.
   * Status calls then use the client certificate. Default: plaintext.
   */
  readonly tls?: { readonly clientCertificates?: 'require' | 'optional' };
  /** Bearer token of the status calls, for a cluster with `auth.enabled` (needs the `read` role). */
  readonly token?: string;
}

/** Options of the `waitFor...` methods. */
export interface WaitOptions {
  /** Default: the cluster's `waitTimeoutMs`. */
  readonly timeoutMs?: number;
  /** Between status rounds, ms. Default 50. */
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

/** Options of {@link Cluster.waitForLeader}. */
export interface WaitForLeaderOptions extends WaitOptions {
  /** Nodes not to ask (and not to accept as leader), e.g. one just killed. */
  readonly exclude?: readonly string[];
  /** Only a leader in at least this term counts. Default 0. */
  readonly minTerm?: number;
}

/** Options of {@link Cluster.waitForConvergence}. */
export interface ConvergenceOptions extends WaitOptions {
  /** The nodes that must agree. Default: every running, unpaused node. */
  readonly ids?: readonly string[];
}

/** Every asked node agrees on one leader, and all hold the same log and state. */
export interface Convergence {
  readonly leader: StatusRow;
  /** In the order asked. */
  readonly rows: readonly StatusRow[];
  readonly term: number;
  readonly commitIndex: number;
  readonly lastLogIndex: number;
  readonly stateDigest: string;
}

/** A node's persisted Raft state as it logged it at start-up ("raft state loaded"). */
export interface LoadedState {
  readonly term: number;
  readonly commitIndex: number;
  readonly lastLogIndex: number;
  readonly snapshotIndex: number;
}

/** Compact one-line rendering of a status row, for messages. */
export function formatRow(r: StatusRow): string {
  if (r.role === 'unreachable') return `${r.id} unreachable (${r.error ?? 'no answer'})`;
  return `${r.id} ${r.role} term ${String(r.term)} leader ${r.leaderId ?? '-'} commit ${String(r.commitIndex)} applied ${String(r.appliedIndex)} last ${String(r.lastLogIndex)} digest ${r.stateDigest ?? '?'} pid ${String(r.pid)}`;
}

/**
 * A cluster of real `raftjobs node` processes on free loopback ports, with config, data and logs
 * in a fresh temporary directory (`<dir>/cluster.json`, `<dir>/data/<id>`, `<dir>/logs/<id>.log`).
 * Free of test-framework imports so that scripts (failover, chaos, bench) can use it too.
 *
 * Waits are polls with deadlines; their timeout errors carry the last status seen and every
 * node's log tail. Processes are signalled only by the PIDs this object spawned; call
 * {@link cleanup} (or at least {@link stopAll}) when done.
 */
export class Cluster {
  /** The temporary directory holding config, data and logs. */
  readonly dir: string;
  readonly configPath: string;
  /** Base data directory: node `id` keeps its data in `<dataDir>/<id>`. */
  readonly dataDir: string;
  readonly logDir: string;
  /** Every node this cluster ever had, in the order made (the first ones in config order, then added ones). */
  get nodes(): readonly { readonly id: string; readonly address: string }[] {
    return this.#nodes;
  }
  readonly #nodes: { readonly id: string; readonly address: string }[];
  /** Config file of nodes added after the start (`<dir>/cluster-<id>.json`: the cluster's, plus the node). */
  readonly #configs = new Map<string, string>();
  readonly #o: ClusterOptions;
  readonly #env: NodeJS.ProcessEnv;
  readonly #procs = new Map<string, NodeProcess>();
  #nodeEnv: ((id: string) => Readonly<Record<string, string>>) | null = null;
  readonly #runs = new Map<string, number>();
  #credentials: grpc.ChannelCredentials | undefined;
  /** `<dir>/certs` of a TLS cluster, else null. */
  readonly certsDir: string | null;

  private constructor(dir: string, nodes: readonly { id: string; address: string }[], o: ClusterOptions) {
    this.dir = dir;
    this.configPath = join(dir, 'cluster.json');
    this.dataDir = join(dir, 'data');
    this.logDir = join(dir, 'logs');
    this.#nodes = [...nodes];
    this.#o = o;
    this.#env = childEnv(o.env);
    this.certsDir = o.tls === undefined ? null : join(dir, 'certs');
  }

  /** What an SDK client of this cluster needs: CA and the `itest` client certificate; undefined when plaintext. */
  clientTls(): ClientTls | undefined {
    if (this.certsDir === null) return undefined;
    const read = (name: string): Buffer => readFileSync(join(this.certsDir as string, name));
    return { ca: read('ca.crt'), cert: read('client-itest.crt'), key: read('client-itest.key') };
  }

  /** Writes the config into a new temporary directory; starts nothing. */
  static async create(o: ClusterOptions = {}): Promise<Cluster> {
    const size = o.size ?? 3;
    const ports = await freePorts(size);
    const nodes = ports.map((port, i) => ({ id: `n${i + 1}`, address: `127.0.0.1:${port}` }));
    const dir = mkdtempSync(join(tmpdir(), o.tmpPrefix ?? 'raftjobs-cluster-'));
    const cluster = new Cluster(dir, nodes, o);
    const raft: Record<string, unknown> = { ...o.raft };
    if (o.tickMs !== undefined) raft['tickMs'] = o.tickMs;
    if (o.electionTicks !== undefined) raft['electionTicks'] = o.electionTicks;
    if (o.heartbeatTicks !== undefined) raft['heartbeatTicks'] = o.heartbeatTicks;
    const tls: Record<string, unknown> = {};
    if (o.tls !== undefined && cluster.certsDir !== null) {
      await initCa(cluster.certsDir);
      for (const n of nodes) await issueCertificate(cluster.certsDir, { who: { kind: 'node', name: n.id } });
      await issueCertificate(cluster.certsDir, { who: { kind: 'client', name: 'itest' } });
      tls['tls'] = { certsDir: './certs', clientCertificates: o.tls.clientCertificates ?? 'require' };
      cluster.#credentials = clientCredentials(cluster.clientTls());
    }
    const config = { clusterId: o.clusterId ?? 'itest', dataDir: './data', nodes, raft, ...tls, ...o.config };
    writeFileSync(cluster.configPath, JSON.stringify(config, null, 2) + '\n');
    mkdirSync(cluster.logDir);
    return cluster;
  }

  /** {@link create}, then start every node and wait until each is ready. */
  static async start(o: ClusterOptions = {}): Promise<Cluster> {
    const cluster = await Cluster.create(o);
    try {
      await cluster.startAll();
    } catch (err) {
      await cluster.stopAll();
      throw err;
    }
    return cluster;
  }

  get ids(): string[] {
    return this.nodes.map((n) => n.id);
  }

  address(id: string): string {
    const node = this.nodes.find((n) => n.id === id);
    if (node === undefined) throw new Error(`no node ${JSON.stringify(id)} (nodes: ${this.ids.join(', ')})`);
    return node.address;
  }

  logPath(id: string): string {
    this.address(id);
    return join(this.logDir, `${id}.log`);
  }

  /** The node's current (or last) process, if it was ever started. */
  process(id: string): NodeProcess | undefined {
    this.address(id);
    return this.#procs.get(id);
  }

  isRunning(id: string): boolean {
    return this.process(id)?.running ?? false;
  }

  /** Running and not paused: the nodes worth asking for status. */
  liveIds(): string[] {
    return this.ids.filter((id) => this.isRunning(id) && this.process(id)?.paused !== true);
  }

  pid(id: string): number | undefined {
    const p = this.process(id);
    return p?.running === true ? p.pid : undefined;
  }

  /** Extra environment for one node, applied at each later start (e.g. peer addresses through proxies). */
  setNodeEnv(fn: (id: string) => Readonly<Record<string, string>>): void {
    this.#nodeEnv = fn;
  }

  /**
   * Makes a new node outside the cluster's config (`n<k>`, the next free number, unless `id` is
   * given): a free port, its TLS certificate on a TLS cluster, and its own config file (the
   * cluster's with the node added), as an operator would on a new machine. Starts nothing: start it
   * with `start(id, { join })`.
   */
  async addNode(id = `n${this.#nodes.length + 1}`): Promise<string> {
    if (this.#nodes.some((n) => n.id === id)) throw new Error(`${id} exists already`);
    const [port] = await freePorts(1);
    this.#nodes.push({ id, address: `127.0.0.1:${String(port)}` });
    if (this.certsDir !== null) await issueCertificate(this.certsDir, { who: { kind: 'node', name: id } });
    const config = JSON.parse(readFileSync(this.configPath, 'utf8')) as Record<string, unknown>;
    const path = join(this.dir, `cluster-${id}.json`);
    writeFileSync(path, JSON.stringify({ ...config, nodes: [...(config['nodes'] as unknown[]), { id, address: this.address(id) }] }, null, 2) + '\n');
    this.#configs.set(id, path);
    return id;
  }

  /** Removes node `id`'s data directory (it must not be running): a lost disk. */
  wipe(id: string): void {
    if (this.isRunning(id)) throw new Error(`${id} is running`);
    rmSync(join(this.dataDir, id), { recursive: true, force: true });
  }

  /**
   * Starts node `id` (which must not be running) and waits until it logged "node ready" and answers
   * status. With `join`, as `raftjobs node --join` through that member's address.
   */
  async start(id: string, o: { readonly join?: string } = {}): Promise<NodeProcess> {
    if (this.isRunning(id)) throw new Error(`${id} is already running (pid ${String(this.pid(id))})`);
    const run = (this.#runs.get(id) ?? 0) + 1;
    this.#runs.set(id, run);
    const proc = NodeProcess.spawn({
      id,
      configPath: this.#configs.get(id) ?? this.configPath,
      logPath: this.logPath(id),
      ...(o.join === undefined ? {} : { args: ['--join', o.join] }),
      env: this.#nodeEnv ? { ...this.#env, ...this.#nodeEnv(id) } : this.#env,
      run,
      readyTimeoutMs: this.#o.readyTimeoutMs ?? 30_000,
    });
    this.#procs.set(id, proc);
    await proc.ready;
    // "node ready" is logged before `raftjobs node` installs its SIGTERM/SIGINT handlers, and
    // until then a SIGTERM kills it outright instead of shutting it down (reported as a bug).
    // A Status answer needs a later turn of the node's event loop, by which time the handlers
    // are in place, so a caller may signal the node as soon as this resolves.
    await poll(
      async () => {
        if (!proc.running) throw new Error(`${id} (pid ${proc.pid}) exited after it was ready:\n${proc.tail(25).join('\n')}`);
        const row = await this.status(id);
        return row.role === 'unreachable' ? undefined : row;
      },
      { description: `${id} to answer status after "node ready"`, timeoutMs: this.#o.readyTimeoutMs ?? 30_000, intervalMs: 20, diagnostics: () => this.describe() },
    );
    return proc;
  }

  /** Starts the given nodes (default: all) concurrently; resolves when every one is ready. */
  async startAll(ids: readonly string[] = this.ids): Promise<void> {
    const results = await Promise.allSettled(ids.map((id) => this.start(id)));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
    if (failed.length > 0) throw new Error(`could not start every node:\n${failed.join('\n')}`);
  }

  /**
   * Sends `signal` to node `id` and waits for it to exit; a node still running after
   * `exitTimeoutMs` is SIGKILLed and the call rejects. A paused node is resumed after a SIGTERM or
   * SIGINT so it can act on it. Resolves with the exit of an already-stopped node at once.
   */
  async kill(id: string, signal: 'SIGKILL' | 'SIGTERM' | 'SIGINT' = 'SIGKILL', timeoutMs = this.#o.exitTimeoutMs ?? 20_000): Promise<NodeExit> {
    const proc = this.process(id);
    if (proc === undefined) throw new Error(`${id} was never started`);
    if (proc.signal(signal) && signal !== 'SIGKILL' && proc.paused) proc.resume();
    return withDeadline(
      proc.exited,
      timeoutMs,
      () => `${id} (pid ${proc.pid}) did not exit within ${timeoutMs} ms of ${signal}; sent SIGKILL\n${proc.tail(25).join('\n')}`,
      () => proc.signal('SIGKILL'),
    );
  }

  /** SIGSTOP node `id`: it stops answering but keeps its sockets. Status calls skip it. */
  pause(id: string): void {
    const proc = this.process(id);
    if (proc?.running !== true) throw new Error(`${id} is not running`);
    proc.pause();
  }

  /** SIGCONT node `id` after {@link pause}. */
  resume(id: string): void {
    const proc = this.process(id);
    if (proc?.running !== true) throw new Error(`${id} is not running`);
    proc.resume();
  }

  /** Stops node `id` with `signal` if it is running (default SIGTERM, a graceful stop), then starts it again. */
  async restart(id: string, signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<NodeProcess> {
    if (this.isRunning(id)) await this.kill(id, signal);
    return this.start(id);
  }

  /**
   * Stops every running node with `signal` (default SIGKILL: fast cleanup) and waits for all to
   * exit. Never rejects: a node that ignores SIGTERM is SIGKILLed after the exit deadline.
   */
  async stopAll(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<Map<string, NodeExit>> {
    const exits = new Map<string, NodeExit>();
    await Promise.all(
      [...this.#procs.values()].map(async (proc) => {
        if (!proc.running) return;
        try {
          exits.set(proc.id, await this.kill(proc.id, signal));
        } catch {
          exits.set(proc.id, await proc.exited);
        }
      }),
    );
    return exits;
  }

  /**
   * Stops every node (SIGKILL) and removes the temporary directory, unless `keep` is true or the
   * environment sets `RAFTJOBS_KEEP_TEST_DIRS=1`. Returns the directory path.
   */
  async cleanup(keep = false): Promise<string> {
    await this.stopAll('SIGKILL');
    if (!keep && process.env['RAFTJOBS_KEEP_TEST_DIRS'] !== '1') rmSync(this.dir, { recursive: true, force: true });
    return this.dir;
  }

  // ------------------------------------------------------------------ status

  /**
   * Node `id`'s own view (role "unreachable" when it does not answer within `statusTimeoutMs`),
   * with its state digest unless `digest` is false.
   */
  status(id: string, o: { readonly digest?: boolean } = {}): Promise<StatusRow> {
    return fetchStatus(id, this.address(id), this.#o.statusTimeoutMs ?? 1000, { digest: o.digest !== false, ...(this.#credentials === undefined ? {} : { credentials: this.#credentials }), token: this.#o.token });
  }

  /** Status of the given nodes (default: all, in config order), asked concurrently. */
  statusAll(ids: readonly string[] = this.ids, o: { readonly digest?: boolean } = {}): Promise<StatusRow[]> {
    return Promise.all(ids.map((id) => this.status(id, o)));
  }

  /**
   * Polls the status of `ids` (evaluated afresh each round; default every running, unpaused node)
   * until `check` returns something other than undefined. `check` may throw to fail at once.
   */
  waitFor<T>(description: string, check: (rows: StatusRow[]) => T | undefined, o: WaitOptions & { readonly ids?: () => readonly string[] } = {}): Promise<T> {
    const ids = o.ids ?? (() => this.liveIds());
    return poll(async (observe) => {
      const rows = await this.statusAll(ids());
      observe(rows.map(formatRow).join(' | '));
      return check(rows);
    }, this.#pollOptions(description, o));
  }

  /**
   * Waits until some node leads in a term of at least `minTerm` that no other asked node has
   * moved past, and returns its status. Fails at once if two nodes lead in the same term.
   */
  async waitForLeader(o: WaitForLeaderOptions = {}): Promise<StatusRow> {
    const exclude = new Set(o.exclude ?? []);
    const minTerm = o.minTerm ?? 0;
    const ids = (): string[] => this.liveIds().filter((id) => !exclude.has(id));
    const leader = await this.waitFor(
      `a leader in term >= ${minTerm}${exclude.size > 0 ? ` other than ${[...exclude].join(', ')}` : ''}`,
      (rows) => {
        assertOneLeaderPerTerm(rows);
        const maxTerm = Math.max(0, ...rows.map((r) => r.term ?? 0));
        return rows.find((r) => r.role === 'leader' && r.term !== undefined && r.term >= minTerm && r.term === maxTerm);
      },
      { ...o, ids },
    );
    await this.waitForBindings(leader, o);
    return leader;
  }

  /**
   * A new cluster's leader records each member's data-directory incarnation in the membership, one
   * config entry each, in its first heartbeats: waits (within the wait's deadline) until every
   * running member's is recorded and committed, so a test that compares log indexes around a call
   * sees only what the call did. Returns at once on a cluster past that, or whose leader does not
   * answer Members (a token without the read role).
   */
  private async waitForBindings(leader: StatusRow, o: WaitOptions): Promise<void> {
    const admin = new NodeAdmin(leader.address, { credentials: this.#credentials, token: this.#o.token });
    // Once every binding is in the leader's log: the index its log had then, to see committed.
    let target: number | null = null;
    try {
      await poll(
        async () => {
          if (target === null) {
            const info = await admin.members({ timeoutMs: this.#o.statusTimeoutMs ?? 1000 }).catch(() => null);
            if (info === null || info.leaderId !== leader.id) return true;
            const unbound = info.members.filter((m) => m.incarnation === null && this.#nodes.some((n) => n.id === m.id) && this.isRunning(m.id));
            if (unbound.length > 0) return undefined;
            target = (await this.status(leader.id, { digest: false })).lastLogIndex ?? 0;
          }
          const s = await this.status(leader.id, { digest: false });
          return s.role !== 'leader' || (s.commitIndex ?? 0) >= target ? true : undefined;
        },
        { description: 'the leader to record every running member\'s incarnation', timeoutMs: o.timeoutMs ?? this.#o.waitTimeoutMs ?? 20_000, intervalMs: o.intervalMs ?? 50 },
      );
    } finally {
      admin.close();
    }
  }

  /**
   * Waits until every asked node answers, exactly one of them leads, all others follow it in the
   * same term, and all have the same commit index, last log index and state digest with
   * everything committed applied: the cluster is idle and caught up.
   */
  waitForConvergence(o: ConvergenceOptions = {}): Promise<Convergence> {
    const fixed = o.ids;
    const ids = fixed === undefined ? () => this.liveIds() : () => fixed;
    return this.waitFor(`${fixed === undefined ? 'the running nodes' : fixed.join(', ')} to agree on one leader and the same log`, (rows) => converged(rows), { ...o, ids });
  }

  /** Polls node `id`'s log records of its current run until `match` accepts one; returns it. */
  waitForLog(id: string, match: (record: Record<string, unknown>) => boolean, description: string, o: WaitOptions = {}): Promise<Record<string, unknown>> {
    return poll(() => this.process(id)?.records.find(match), this.#pollOptions(`${id} to log ${description}`, o));
  }

  /** The persisted state node `id` loaded at its current run's start ("raft state loaded" line). */
  loadedState(id: string): LoadedState {
    const r = this.process(id)?.lastRecord('raft state loaded');
    if (r === undefined) throw new Error(`${id} has not logged "raft state loaded" in its current run`);
    const num = (k: string): number => {
      const v = r[k];
      if (typeof v !== 'number') throw new Error(`${id}: "raft state loaded" has no numeric ${k}: ${JSON.stringify(r)}`);
      return v;
    };
    return { term: num('term'), commitIndex: num('commitIndex'), lastLogIndex: num('lastLogIndex'), snapshotIndex: num('snapshotIndex') };
  }

  /** The last `lines` output lines of node `id`'s current (or last) run. */
  logTail(id: string, lines = 30): string[] {
    return this.process(id)?.tail(lines) ?? [];
  }

  /** Every node's state and log tail, for failure messages. */
  describe(lines = 20): string {
    const parts = [`cluster in ${this.dir} (config ${this.configPath})`];
    for (const id of this.ids) {
      const p = this.process(id);
      const state = p === undefined ? 'never started' : p.running ? `running pid ${p.pid}${p.paused ? ' (paused)' : ''}` : `${describeExit(p.exit ?? { code: null, signal: null })} (pid ${p.pid})`;
      parts.push(`--- ${id} ${this.address(id)}: ${state}; log ${this.logPath(id)}`);
      for (const line of this.logTail(id, lines)) parts.push(`  | ${line}`);
    }
    return parts.join('\n');
  }

  #pollOptions(description: string, o: WaitOptions): PollOptions {
    return {
      description,
      timeoutMs: o.timeoutMs ?? this.#o.waitTimeoutMs ?? 20_000,
      intervalMs: o.intervalMs ?? 50,
      diagnostics: () => this.describe(),
      ...(o.signal === undefined ? {} : { signal: o.signal }),
    };
  }
}

/** Two leaders in one term would break Election Safety (Raft §5.2): fail immediately. */
function assertOneLeaderPerTerm(rows: readonly StatusRow[]): void {
  const byTerm = new Map<number, string>();
  for (const r of rows) {
    if (r.role !== 'leader' || r.term === undefined) continue;
    const other = byTerm.get(r.term);
    if (other !== undefined) throw new Error(`two leaders in term ${r.term}: ${other} and ${r.id}\n${rows.map(formatRow).join('\n')}`);
    byTerm.set(r.term, r.id);
  }
}

function converged(rows: readonly StatusRow[]): Convergence | undefined {
  assertOneLeaderPerTerm(rows);
  const leaders = rows.filter((r) => r.role === 'leader');
  const leader = leaders[0];
  if (leaders.length !== 1 || leader === undefined) return undefined;
  const same = rows.every(
    (r) =>
      (r === leader || r.role === 'follower') &&
      r.term === leader.term &&
      r.leaderId === leader.id &&
      r.commitIndex === leader.commitIndex &&
      r.appliedIndex === r.commitIndex &&
      r.lastLogIndex === leader.lastLogIndex &&
      r.commitIndex === r.lastLogIndex &&
      r.stateDigest === leader.stateDigest,
  );
  if (!same || leader.term === undefined || leader.commitIndex === undefined || leader.lastLogIndex === undefined || leader.stateDigest === undefined) return undefined;
  return { leader, rows, term: leader.term, commitIndex: leader.commitIndex, lastLogIndex: leader.lastLogIndex, stateDigest: leader.stateDigest };
}
