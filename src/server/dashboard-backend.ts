import type { DialCredentials } from './node-tls.js';
import {
  changeMembersOnLeader,
  Client,
  guardsFromWire,
  JOB_STATES,
  membersFromLeader,
  NodeAdmin,
  transferLeadershipOnLeader,
  type ConnectedWorker,
  type GuardsInfo,
  type JobView,
  type LeaderCallOptions,
  type MembersInfo,
  type ScheduleInfo,
} from '../client/index.js';
import type { Config } from '../config/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { JobNode, NodeStatus, WorkerRegistry } from '../node/index.js';
import type { DashboardApi, DashboardBulkRequest } from '../observability/index.js';
import { guardsToWire } from './wire.js';

/** Deadline of one Admin call to another node, ms. */
const ADMIN_DEADLINE_MS = 1000;
/** Budget of one dashboard read or action through the SDK client, ms. */
const CLIENT_DEADLINE_MS = 5000;
/** Budget of a membership change or a leadership transfer (an election timeout or two), ms. */
const MEMBERSHIP_DEADLINE_MS = 10_000;
/** Budget of a bulk action on a queue's jobs (one call, every batch), ms. */
const BULK_DEADLINE_MS = 120_000;
/** Longest payload, result or error text shown, bytes or characters. */
const PREVIEW_BYTES = 4096;
/** Dead jobs per page. */
const DEAD_PAGE_SIZE = 50;

/** One node in the dashboard's cluster view. */
interface NodeRow {
  id: string;
  address: string;
  httpAddress: string | null;
  reachable: boolean;
  error?: string;
  role?: string;
  term?: number;
  leaderId?: string | null;
  commitIndex?: number;
  appliedIndex?: number;
  lastLogIndex?: number;
  snapshotIndex?: number;
  pid?: number;
  /** Entries behind the leader's log (leader's view); null when no leader answered. */
  lagEntries: number | null;
  /** Replication state in the leader's view (probe, replicate, snapshot). */
  replication: string | null;
  /** Shortest time since any other node heard from this one, ms; null when none has. */
  lastContactMs: number | null;
  /** Its place in the membership (null when no node answered Members). */
  member: 'voter' | 'learner' | null;
  /** How far its log matches the leader's, in the leader's view (null: no leader answered). */
  matchIndex: number | null;
  /** It answers from another data directory than the cluster recorded: remove it and add it again. */
  refused: boolean;
  /** Its data directory's free bytes at its last check (null: not known) and the floor (0: off). */
  diskFreeBytes?: number | null;
  minFreeDiskBytes?: number;
  /** Its own disk is below the floor. */
  diskLow?: boolean;
}

/**
 * The dashboard's data, for a node's HTTP server. Reads follow the leader through the SDK client
 * (linearizable, like the CLI's); actions are the SDK's `retryDead`, `cancel`, the schedule calls
 * (pause, resume, trigger), a queue's pause and resume and bulk actions on its jobs (retry dead,
 * cancel, purge: a dry run's count first), and its membership helpers (promote, remove, transfer
 * leadership), so they pass the same gRPC API and validation as any client. The cluster view
 * lists the members as the leader sees them (Admin.Members; the config's nodes when no node
 * answers) and asks each one's Admin service for its status; the workers view asks the leader's,
 * since only the leader serves workers. With auth on, each caller gets a backend of its own whose
 * calls carry the caller's token: the dashboard can do no more than its user's token allows.
 */
export class DashboardBackend implements DashboardApi {
  private readonly client: Client;
  /** Admin clients by address. */
  private readonly admins = new Map<string, NodeAdmin>();
  /** Members' client addresses as the membership last named them (nodes added after the config was written). */
  private readonly addresses = new Map<string, string>();

  constructor(
    private readonly o: {
      readonly node: JobNode;
      readonly config: Config;
      readonly nodeId: string;
      readonly workers: WorkerRegistry;
      /** Credentials to dial node `id` (null: any node) with. Default: plaintext. */
      readonly dial?: DialCredentials;
      /** The caller's token, passed on with every call (null when auth is off). */
      readonly token: string | null;
    },
  ) {
    const credentials = o.dial?.(null);
    this.client = new Client({
      nodes: o.config.nodes.map((n) => n.address),
      deadlineMs: CLIENT_DEADLINE_MS,
      attemptTimeoutMs: 2000,
      ...(credentials === undefined ? {} : { credentials }),
      ...(o.token !== null ? { token: o.token } : {}),
    });
  }

  async cluster(): Promise<unknown> {
    const membership = await membersFromLeader(this.knownAddresses(), this.leaderCalls(ADMIN_DEADLINE_MS)).catch(() => null);
    for (const m of membership?.members ?? []) this.addresses.set(m.id, m.address);
    const listed = membership?.members ?? this.o.config.nodes.map((n) => ({ id: n.id, address: n.address, role: null, matchIndex: null, refused: false }));
    const rows = await Promise.all(listed.map((n) => this.statusOf(n.id)));
    const leader = rows.find((r) => r.status?.role === 'leader' && r.status.term === Math.max(...rows.map((x) => x.status?.term ?? 0)))?.status ?? null;
    const nodes: NodeRow[] = listed.map((n, i) => {
      const r = rows[i];
      const s = r?.status;
      const peer = leader?.peers.find((p) => p.id === n.id);
      const heard = rows.flatMap((x) => (x.status && x.status.id !== n.id ? x.status.contacts.filter((c) => c.id === n.id).map((c) => c.agoMs) : []));
      const httpAddress = this.o.config.nodes.find((c) => c.id === n.id)?.httpAddress ?? null;
      const base = { id: n.id, address: n.address, httpAddress, lastContactMs: heard.length > 0 ? Math.min(...heard) : null, member: n.role, matchIndex: n.matchIndex, refused: n.refused };
      if (s === undefined || s === null) return { ...base, reachable: false, error: r?.error ?? 'no answer', lagEntries: null, replication: null };
      return {
        ...base,
        reachable: true,
        role: s.role,
        term: s.term,
        leaderId: s.leaderId,
        commitIndex: s.commitIndex,
        appliedIndex: s.appliedIndex,
        lastLogIndex: s.lastLogIndex,
        snapshotIndex: s.snapshotIndex,
        pid: s.pid,
        lagEntries: leader === null ? null : s.id === leader.id ? 0 : peer ? Math.max(0, leader.lastLogIndex - peer.matchIndex) : null,
        replication: s.id === leader?.id ? 'leader' : (peer?.state ?? null),
        diskFreeBytes: s.guards?.diskFreeBytes ?? null,
        minFreeDiskBytes: s.guards?.minFreeDiskBytes ?? 0,
        diskLow: s.guards?.diskLow ?? false,
      };
    });
    const self = this.o.node.status({ digest: false });
    // Submits are the leader's to refuse: its backlog and its own disk. Without a leader, this node's view of the backlog.
    const g = leader === null ? guardsFromWire(guardsToWire(this.o.node.guards())) : leader.guards;
    const submits = g === null ? null : {
      refused: g.refused,
      backlogJobs: g.backlogJobs,
      maxBacklogJobs: g.maxBacklogJobs,
      backlogPayloadBytes: g.backlogPayloadBytes,
      maxBacklogPayloadBytes: g.maxBacklogPayloadBytes,
    };
    return {
      self: this.o.nodeId,
      clusterId: this.o.config.clusterId,
      leaderId: leader?.id ?? membership?.leaderId ?? null,
      term: leader?.term ?? self.term,
      time: Date.now(),
      membershipKnown: membership !== null,
      nodes,
      submits,
    };
  }

  async queues(): Promise<unknown> {
    const [stats, flows] = await Promise.all([this.client.stats(), this.client.queues.list()]);
    // Every queue's flow control: paused, limits, and what it uses of them (QueueInfo is plain data).
    return { states: JOB_STATES, queues: stats.queues, total: stats.total, leader: this.client.currentNode, flows };
  }

  async queueAction(queue: string, action: 'pause' | 'resume'): Promise<unknown> {
    return action === 'pause' ? this.client.queues.pause(queue) : this.client.queues.resume(queue);
  }

  async bulkJobs(request: DashboardBulkRequest): Promise<unknown> {
    return this.client.bulk({ ...request, deadlineMs: BULK_DEADLINE_MS });
  }

  async job(id: string): Promise<unknown> {
    return jobJson(await this.client.get(id));
  }

  async dead(query: { readonly queue?: string; readonly pageToken?: string }): Promise<unknown> {
    const page = await this.client.list({ state: 'dead', pageSize: DEAD_PAGE_SIZE, ...query });
    return { jobs: page.jobs.map(jobJson), nextPageToken: page.nextPageToken };
  }

  async workers(): Promise<unknown> {
    const leaderId = this.o.node.leader();
    if (leaderId === null) throw new RaftJobsError(ErrorCode.NoLeader, 'no leader known: workers connect to the leader only');
    if (leaderId === this.o.nodeId) return { leaderId, workers: this.o.workers.list().map((w) => workerJson({ ...w, session: w.session ?? null })) };
    const res = await this.admin(leaderId).workers({ timeoutMs: ADMIN_DEADLINE_MS });
    if (!res.leader) throw new RaftJobsError(ErrorCode.NotLeader, `${leaderId} is no longer the leader; try again`, { leaderId: null });
    return { leaderId, workers: res.workers.map(workerJson) };
  }

  async retryDead(id: string): Promise<unknown> {
    return jobJson(await this.client.retryDead(id));
  }

  async cancel(id: string, reason: string): Promise<unknown> {
    return jobJson(await this.client.cancel(id, reason));
  }

  async schedules(): Promise<unknown> {
    const all: unknown[] = [];
    let pageToken: string | null = null;
    do {
      const page = await this.client.listSchedules({ pageSize: 1000, ...(pageToken !== null ? { pageToken } : {}) });
      all.push(...page.schedules.map(scheduleJson));
      pageToken = page.nextPageToken;
    } while (pageToken !== null);
    return { schedules: all };
  }

  async scheduleAction(id: string, action: 'pause' | 'resume' | 'trigger'): Promise<unknown> {
    if (action === 'trigger') return { id, ...(await this.client.triggerSchedule(id)) };
    return scheduleJson(action === 'pause' ? await this.client.pauseSchedule(id) : await this.client.resumeSchedule(id));
  }

  async memberAction(id: string, action: 'promote' | 'remove'): Promise<unknown> {
    return membersJson(await changeMembersOnLeader(this.knownAddresses(), { kind: action, id }, this.leaderCalls(MEMBERSHIP_DEADLINE_MS)));
  }

  async transferLeadership(to: string | null): Promise<unknown> {
    const moved = await transferLeadershipOnLeader(this.knownAddresses(), { ...this.leaderCalls(MEMBERSHIP_DEADLINE_MS), to: to ?? undefined });
    return { from: moved.from, to: moved.to, leaderId: moved.leaderId, tookMs: moved.tookMs };
  }

  close(): void {
    this.client.close();
    for (const a of this.admins.values()) a.close();
    this.admins.clear();
  }

  /** This node first, then the config's nodes, then members added since. */
  private knownAddresses(): string[] {
    const self = this.o.config.nodes.find((n) => n.id === this.o.nodeId)?.address;
    return [...new Set([...(self === undefined ? [] : [self]), ...this.o.config.nodes.map((n) => n.address), ...this.addresses.values()])];
  }

  private leaderCalls(timeoutMs: number): LeaderCallOptions {
    return { timeoutMs, credentials: this.o.dial?.(null), token: this.o.token ?? undefined };
  }

  private async statusOf(id: string): Promise<{ status: StatusView | null; error?: string }> {
    if (id === this.o.nodeId) return { status: fromLocal(this.o.node.status({ digest: false }), guardsFromWire(guardsToWire(this.o.node.guards()))) };
    try {
      return { status: await this.admin(id).status({ timeoutMs: ADMIN_DEADLINE_MS }) };
    } catch (err) {
      return { status: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** The Admin client of node `id` at its address in the membership, else the config's (kept for later calls). */
  private admin(id: string): NodeAdmin {
    const address = this.addresses.get(id) ?? this.o.config.nodes.find((n) => n.id === id)?.address;
    if (address === undefined) throw new RaftJobsError(ErrorCode.NotFound, `no node ${id} in the membership or the config`);
    let reader = this.admins.get(address);
    if (reader === undefined) {
      const credentials = this.o.dial?.(id);
      reader = new NodeAdmin(address, { ...(credentials === undefined ? {} : { credentials }), token: this.o.token ?? undefined });
      this.admins.set(address, reader);
    }
    return reader;
  }
}

interface StatusView {
  id: string;
  role: string;
  term: number;
  leaderId: string | null;
  commitIndex: number;
  appliedIndex: number;
  lastLogIndex: number;
  snapshotIndex: number;
  pid: number;
  peers: readonly { id: string; matchIndex: number; state: string }[];
  contacts: readonly { id: string; agoMs: number }[];
  guards: GuardsInfo | null;
}

function fromLocal(s: NodeStatus, guards: GuardsInfo): StatusView {
  return {
    guards,
    id: s.id,
    role: s.role,
    term: s.term,
    leaderId: s.leaderId,
    commitIndex: s.commitIndex,
    appliedIndex: s.appliedIndex,
    lastLogIndex: s.lastLogIndex,
    snapshotIndex: s.snapshotIndex,
    pid: s.pid,
    peers: s.peers,
    contacts: s.contacts,
  };
}

function membersJson(m: MembersInfo): unknown {
  return { leaderId: m.leaderId, commitIndex: m.commitIndex, members: m.members.map((x) => ({ id: x.id, role: x.role, address: x.address, matchIndex: x.matchIndex, refused: x.refused })) };
}

function workerJson(w: ConnectedWorker): unknown {
  return { workerId: w.workerId, session: w.session, queues: w.queues, capacity: w.capacity, leaseTtlMs: w.leaseTtlMs, held: w.held, connectedAt: w.connectedAt, lastSeenAt: w.lastSeenAt, peer: w.peer };
}

/** Bytes for display: UTF-8 text when it is text, else base64; both cut to `PREVIEW_BYTES`. */
function preview(bytes: Buffer | null): { encoding: 'utf8' | 'base64'; text: string; bytes: number; truncated: boolean } | null {
  if (bytes === null) return null;
  const cut = bytes.subarray(0, PREVIEW_BYTES);
  const text = cut.toString('utf8');
  // eslint-disable-next-line no-control-regex
  const isText = !text.includes('\uFFFD') && !/[\u0000-\u0008\u000E-\u001F]/.test(text);
  return { encoding: isText ? 'utf8' : 'base64', text: isText ? text : cut.toString('base64'), bytes: bytes.length, truncated: bytes.length > PREVIEW_BYTES };
}

function scheduleJson(s: ScheduleInfo): unknown {
  return {
    id: s.id,
    cron: s.cron,
    intervalMs: s.intervalMs,
    timeZone: s.timeZone,
    queue: s.job.queue,
    catchUp: s.catchUp,
    overlap: s.overlap,
    paused: s.paused,
    nextFireTimes: s.nextFireTimes,
    lastSlot: s.lastSlot,
    lastJobId: s.lastJobId,
    lastJobState: s.lastJobState,
    pendingSlot: s.pendingSlot,
    fired: s.fired,
    skipped: s.skipped,
    triggered: s.triggered,
  };
}

function jobJson(j: JobView): unknown {
  return {
    id: j.id,
    queue: j.queue,
    state: j.state,
    priority: j.priority,
    runAt: j.runAt,
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    lease: j.lease,
    progress: j.progress,
    payload: preview(j.payload),
    result: preview(j.result),
    lastError: j.lastError === null ? null : j.lastError.slice(0, PREVIEW_BYTES),
    submittedAt: j.submittedAt,
    finishedAt: j.finishedAt,
    idempotencyKey: j.idempotencyKey,
    history: j.history.map((a) => ({ ...a, error: a.error === null ? null : a.error.slice(0, PREVIEW_BYTES) })),
  };
}
