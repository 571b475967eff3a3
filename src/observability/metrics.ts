/**
 * Prometheus metrics of one node (prom-client, one registry per node so several nodes can share a
 * process in tests). Three kinds of input:
 * - hooks the driver calls as it works (`NodeMetrics`: fsync and proposal latency, applied entries);
 * - job transitions of applied entries (`JobFlowSink`), schedule fires, skips and lag, and handler
 *   times reported by workers;
 * - gauges read from the node at scrape time (`MetricsSource`: role, term, indexes, lag, jobs by state).
 *
 * Names follow Prometheus conventions: `_total` counters, `_seconds` durations.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { HOLD_REASONS, JOB_STATES, type HoldReason, type QueueFlowView, type QueueStats } from '../jobs/index.js';
import { GuardLimit, type GuardStatus, type JobFlowEvent, type JobFlowSink, type NodeMetrics, type NodeStatus, type RetryCause } from '../node/index.js';
import type { PeerQueueStats } from '../transport/index.js';
import { EventLoopDelaySampler } from './event-loop-delay.js';
import { RecentHolds } from './recent-holds.js';

/** Raft roles, each a `role` label value of `raftjobs_raft_role`. */
export const RAFT_ROLES = ['follower', 'preCandidate', 'candidate', 'leader'] as const;


/** What the scrape-time gauges read. Called on every scrape: keep it O(queues + peers). */
export interface MetricsSource {
  status(): NodeStatus;
  /** Job counts per queue and state in this node's (possibly slightly stale) state. */
  queueStats(): readonly QueueStats[];
  /** Worker streams connected here (only a leader has any) and the leases they hold. */
  workers?(): { readonly connected: number; readonly leasesHeld: number };
  /** The peer transport's queue depth and drops per peer (`Transport.peerStats`). */
  peers?(): readonly PeerQueueStats[];
  /** The resource guards' view: backlog and caps, free disk and floor, the refusal standing now. */
  guards?(): GuardStatus;
  /** Every queue's flow-control policy and usage (`JobQueries.listQueueFlows`). */
  queueFlows?(): readonly QueueFlowView[];
}

/** Group keys with a series of their own in the per-key flow-control metrics; the rest are `other` (or left out). */
export const METRIC_GROUP_KEYS = 20;

/** How long one read of the queues' flow serves the gauges of a scrape, ms. */
const FLOWS_FRESH_MS = 500;

/** Running totals of one queue, for the dashboard's throughput chart. */
export interface FlowTotals {
  submitted: number;
  completed: number;
  failed: number;
  dead: number;
}

const FLOW_COUNTERS: Readonly<Record<JobFlowEvent, { name: string; help: string }>> = {
  submitted: { name: 'raftjobs_jobs_submitted_total', help: 'Jobs submitted (idempotent duplicates not counted).' },
  completed: { name: 'raftjobs_jobs_completed_total', help: 'Attempts that succeeded.' },
  failed: { name: 'raftjobs_jobs_failed_total', help: 'Attempts a worker reported as failed.' },
  leaseExpired: { name: 'raftjobs_lease_expired_total', help: 'Attempts whose lease expired before the worker finished.' },
  retried: { name: 'raftjobs_jobs_retried_total', help: 'Jobs sent round again: after a failed attempt, an expired lease, or an operator retry of a dead job (cause).' },
  dead: { name: 'raftjobs_jobs_dead_total', help: 'Jobs that ran out of attempts.' },
  cancelled: { name: 'raftjobs_jobs_cancelled_total', help: 'Jobs cancelled before they finished.' },
};

/**
 * The metrics of one node. Pass it as the driver's `metrics` hooks, the job node's `jobFlow` sink
 * and the API's observer, then `bind` the running node so scrapes can read it.
 */
export class NodeMetricsRegistry implements NodeMetrics, JobFlowSink {
  readonly registry = new Registry();
  private source: MetricsSource | null = null;
  private readonly flow: Record<JobFlowEvent, Counter<'queue' | 'cause'>>;
  private readonly totals = new Map<string, FlowTotals>();
  private readonly fsync: Histogram;
  private readonly persistEntries: Counter;
  private readonly proposal: Histogram;
  private readonly appliedEntries: Counter;
  private readonly snapshots: Counter<'kind'>;
  private readonly snapshotBytes: Gauge<'kind'>;
  private readonly handler: Histogram<'queue' | 'outcome'>;
  private readonly scheduleFires: Counter<'schedule' | 'trigger'>;
  private readonly scheduleSkips: Counter<'schedule'>;
  private readonly scheduleLag: Histogram<'queue'>;
  private readonly submitsRefused: Counter<'limit'>;
  private readonly leaseHolds: Counter<'queue' | 'reason'>;
  private readonly recentHolds: RecentHolds;
  /** Samples event-loop delay from construction on (so a node's start-up is in it); null without process metrics. */
  private readonly loopDelay: EventLoopDelaySampler | null;

  /**
   * @param o.nodeId, o.clusterId exported as `raftjobs_node_info` labels.
   * @param o.processMetrics also export prom-client's process and Node.js metrics (event-loop
   *   delay, heap, GC, CPU), and sample event-loop delay into `raftjobs_event_loop_delay_seconds`
   *   and `raftjobs_event_loop_delay_recent_max_seconds` (see {@link EventLoopDelaySampler}; stop
   *   it with {@link stop}). Default true.
   */
  constructor(o: { readonly nodeId: string; readonly clusterId: string; readonly processMetrics?: boolean; readonly now?: () => number }) {
    const registers = [this.registry];
    const processMetrics = o.processMetrics ?? true;
    if (processMetrics) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    this.loopDelay = processMetrics ? new EventLoopDelaySampler(this.registry) : null;
    this.loopDelay?.start();
    new Gauge({ name: 'raftjobs_node_info', help: 'Always 1; labels identify the node.', labelNames: ['node', 'cluster'], registers }).set(
      { node: o.nodeId, cluster: o.clusterId },
      1,
    );

    const flow: Partial<Record<JobFlowEvent, Counter<'queue' | 'cause'>>> = {};
    for (const [event, c] of Object.entries(FLOW_COUNTERS) as [JobFlowEvent, { name: string; help: string }][]) {
      flow[event] = new Counter({ name: c.name, help: `${c.help} Counted as this node applies the log.`, labelNames: event === 'retried' ? ['queue', 'cause'] : ['queue'], registers });
    }
    this.flow = flow as Record<JobFlowEvent, Counter<'queue' | 'cause'>>;

    this.fsync = new Histogram({
      name: 'raftjobs_storage_fsync_seconds',
      help: 'Time to write one Raft Ready to disk (one LevelDB batch with sync).',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.persistEntries = new Counter({ name: 'raftjobs_storage_persisted_entries_total', help: 'Log entries written to disk.', registers });
    this.proposal = new Histogram({
      name: 'raftjobs_proposal_commit_seconds',
      help: 'Leader only: time from proposing an entry to applying it (replicated to a majority, fsynced, applied).',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.appliedEntries = new Counter({ name: 'raftjobs_raft_applied_entries_total', help: 'Log entries applied to the job state machine.', registers });
    this.snapshots = new Counter({ name: 'raftjobs_raft_snapshots_total', help: 'Snapshots taken here or installed from the leader.', labelNames: ['kind'], registers });
    this.snapshotBytes = new Gauge({ name: 'raftjobs_raft_snapshot_bytes', help: 'Size of the last snapshot taken or installed.', labelNames: ['kind'], registers });
    this.handler = new Histogram({
      name: 'raftjobs_job_handler_seconds',
      help: 'Handler run time reported by workers with each completion or failure (recorded by the leader that accepted it).',
      labelNames: ['queue', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });

    // Schedules: the counters are per schedule (at most limits.maxSchedules, 10,000, series each;
    // a counter series is cheap, and "this schedule stopped firing" is what one alerts on); the
    // lag histogram is per queue of the schedule's jobs, since a histogram per schedule would be
    // 10,000 × its buckets series.
    this.scheduleFires = new Counter({
      name: 'raftjobs_schedule_fires_total',
      help: 'Jobs a schedule created: trigger="slot" for its slots, "manual" for triggers. Counted as this node applies the log.',
      labelNames: ['schedule', 'trigger'],
      registers,
    });
    this.scheduleSkips = new Counter({
      name: 'raftjobs_schedule_skipped_slots_total',
      help: 'Slots of a schedule that will never fire (its catch-up or overlap policy). Counted as this node applies the log.',
      labelNames: ['schedule'],
      registers,
    });
    this.scheduleLag = new Histogram({
      name: 'raftjobs_schedule_lag_seconds',
      help: "From a slot's time to its job's creation (the replicated time of the entry that fired it), by the job's queue; manual triggers are not observed.",
      labelNames: ['queue'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers,
    });

    this.submitsRefused = new Counter({
      name: 'raftjobs_submits_refused_total',
      help: 'Submits and schedule triggers this node refused as leader at a resource guard (limit: its config path).',
      labelNames: ['limit'],
      registers,
    });
    for (const limit of Object.values(GuardLimit)) this.submitsRefused.inc({ limit }, 0);

    // Flow control. Holds are counted per queue and reason (queue labels are as bounded as the
    // other job metrics'); per group key only over the last minute, for the busiest keys, the rest
    // of each queue summed as group="other", so a cluster of a million customers still exports a
    // bounded number of series.
    this.leaseHolds = new Counter({
      name: 'raftjobs_lease_holds_total',
      help: `Lease commands that held back ready jobs of a queue, once per command and queue or key, by reason (${HOLD_REASONS.join(', ')}). Counted as this node applies the log.`,
      labelNames: ['queue', 'reason'],
      registers,
    });
    const recent = (this.recentHolds = new RecentHolds({ top: METRIC_GROUP_KEYS, ...(o.now !== undefined ? { now: o.now } : {}) }));
    new Gauge({
      name: 'raftjobs_lease_holds_recent',
      help: `Lease holds of single group keys over the last minute, by reason: the ${METRIC_GROUP_KEYS} busiest keys one by one, the rest of each queue as group="other".`,
      labelNames: ['queue', 'group', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const h of recent.snapshot()) this.set({ queue: h.queue, group: h.group, reason: h.reason }, h.count);
      },
    });
    // One read of every queue's flow per scrape (it sorts each queue's keys), shared by the gauges below.
    let flowsRead: { readonly at: number; readonly views: readonly QueueFlowView[] } | null = null;
    const now = o.now ?? Date.now;
    const flows = (): readonly QueueFlowView[] => {
      const at = now();
      if (flowsRead === null || at - flowsRead.at > FLOWS_FRESH_MS || at < flowsRead.at) flowsRead = { at, views: read((s) => s.queueFlows?.()) ?? [] };
      return flowsRead.views;
    };
    const flowGauge = (name: string, help: string, pick: (v: QueueFlowView) => number | null): void => {
      new Gauge({
        name,
        help,
        labelNames: ['queue'],
        registers,
        collect() {
          this.reset();
          for (const v of flows()) {
            const value = pick(v);
            if (value !== null) this.set({ queue: v.queue }, value);
          }
        },
      });
    };
    flowGauge('raftjobs_queue_paused', '1 while the queue is paused (no new leases), else 0.', (v) => (v.paused ? 1 : 0));
    flowGauge('raftjobs_queue_concurrency_limit', 'The queue\'s concurrency limit (leased jobs at once); absent without one. Compare raftjobs_jobs{state="leased"}.', (v) => v.concurrency);
    flowGauge('raftjobs_queue_group_concurrency_limit', 'The queue\'s default limit of leased jobs per group key; absent without one.', (v) => v.policy?.groupConcurrency ?? null);
    flowGauge('raftjobs_queue_rate_limit_per_second', 'The queue\'s token bucket, in leases per second (limit / period); absent without one.', (v) => (v.policy?.rate == null ? null : (v.policy.rate.limit * 1000) / v.policy.rate.periodMs));
    flowGauge('raftjobs_queue_rate_tokens', 'Leases the queue\'s bucket would grant now; absent without a rate.', (v) => v.tokens);
    flowGauge('raftjobs_queue_throttled', '1 while a throttled failure of scope queue holds the whole queue, else 0.', (v) => (v.throttledUntil === null ? 0 : 1));
    flowGauge('raftjobs_queue_group_keys', 'Group keys the queue keeps records of (keys with jobs not finished, and recently used ones).', (v) => v.groupCount);
    const busiest = (): { queue: string; group: string; leased: number; limit: number | null }[] =>
      flows()
        .flatMap((v) => v.groups.map((g) => ({ queue: v.queue, group: g.group, leased: g.leased, limit: g.concurrency })))
        .sort((a, b) => b.leased - a.leased || (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
        .slice(0, METRIC_GROUP_KEYS);
    new Gauge({
      name: 'raftjobs_group_leased',
      help: `Leased jobs of a group key, for the ${METRIC_GROUP_KEYS} keys with the most over all queues.`,
      labelNames: ['queue', 'group'],
      registers,
      collect() {
        this.reset();
        for (const g of busiest()) this.set({ queue: g.queue, group: g.group }, g.leased);
      },
    });
    new Gauge({
      name: 'raftjobs_group_concurrency_limit',
      help: `The concurrency limit of a group key (its override, else the queue's default), for the keys of raftjobs_group_leased that have one.`,
      labelNames: ['queue', 'group'],
      registers,
      collect() {
        this.reset();
        for (const g of busiest()) if (g.limit !== null) this.set({ queue: g.queue, group: g.group }, g.limit);
      },
    });

    const read = <T>(f: (s: MetricsSource) => T): T | undefined => (this.source === null ? undefined : f(this.source));
    const guardGauge = (name: string, help: string, pick: (g: GuardStatus) => number | null): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.reset();
          const g = read((s) => s.guards?.());
          const value = g === undefined ? null : pick(g);
          if (value !== null) this.set(value);
        },
      });
    };
    guardGauge('raftjobs_backlog_jobs', 'Not-finished jobs (scheduled, ready, leased) over all queues in this node\'s copy of the state.', (g) => g.backlog.jobs);
    guardGauge('raftjobs_backlog_payload_bytes', 'Payload bytes of the not-finished jobs in this node\'s copy of the state.', (g) => g.backlog.payloadBytes);
    guardGauge('raftjobs_backlog_max_jobs', 'limits.maxBacklogJobs: the backlog cap in jobs (0: off).', (g) => g.limits.maxBacklogJobs);
    guardGauge('raftjobs_backlog_max_payload_bytes', 'limits.maxBacklogPayloadBytes: the backlog cap in payload bytes (0: off).', (g) => g.limits.maxBacklogPayloadBytes);
    guardGauge('raftjobs_disk_free_bytes', 'Free bytes (for unprivileged users) of the file system of this node\'s data directory at its last check; absent when not known.', (g) => g.disk?.freeBytes ?? null);
    guardGauge('raftjobs_disk_min_free_bytes', 'limits.minFreeDiskBytes: below it a leader refuses submits (0: off).', (g) => g.limits.minFreeDiskBytes);
    new Gauge({
      name: 'raftjobs_guard_refusing',
      help: '1 for the resource guard that would refuse a submit now were this node the leader (its backlog, or its own disk), 0 for the others.',
      labelNames: ['limit'],
      registers,
      collect() {
        this.reset();
        const g = read((s) => s.guards?.());
        if (g === undefined) return;
        for (const limit of Object.values(GuardLimit)) this.set({ limit }, g.refusal?.limit === limit ? 1 : 0);
      },
    });
    const statusGauge = (name: string, help: string, pick: (s: NodeStatus) => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const st = read((s) => s.status());
          if (st !== undefined) this.set(pick(st));
        },
      });
    };
    statusGauge('raftjobs_raft_term', 'Current Raft term.', (s) => s.term);
    statusGauge('raftjobs_raft_commit_index', 'Highest log index known committed.', (s) => s.commitIndex);
    statusGauge('raftjobs_raft_applied_index', 'Highest log index applied to the job state machine.', (s) => s.appliedIndex);
    statusGauge('raftjobs_raft_last_log_index', 'Index of the last entry in this node\'s log.', (s) => s.lastLogIndex);
    statusGauge('raftjobs_raft_snapshot_index', 'Index covered by the latest snapshot.', (s) => s.snapshotIndex);
    statusGauge('raftjobs_raft_leader_known', '1 when this node knows a leader (the cluster can take writes), else 0.', (s) => (s.leaderId === null ? 0 : 1));
    new Gauge({
      name: 'raftjobs_raft_role',
      help: '1 for the role this node has now, 0 for the others.',
      labelNames: ['role'],
      registers,
      collect() {
        const st = read((s) => s.status());
        if (st === undefined) return;
        for (const role of RAFT_ROLES) this.set({ role }, st.role === role ? 1 : 0);
      },
    });
    new Gauge({
      name: 'raftjobs_raft_replication_lag_entries',
      help: 'Leader only: entries a peer is behind (leader last log index minus the peer\'s match index).',
      labelNames: ['peer'],
      registers,
      collect() {
        this.reset();
        const st = read((s) => s.status());
        if (st === undefined || st.role !== 'leader') return;
        for (const p of st.peers) this.set({ peer: p.id }, Math.max(0, st.lastLogIndex - p.matchIndex));
      },
    });
    new Gauge({
      name: 'raftjobs_raft_peer_last_contact_seconds',
      help: 'Time since the last Raft message from each peer arrived.',
      labelNames: ['peer'],
      registers,
      collect() {
        this.reset();
        const st = read((s) => s.status());
        if (st !== undefined) for (const c of st.contacts) this.set({ peer: c.id }, c.agoMs / 1000);
      },
    });
    new Gauge({
      name: 'raftjobs_jobs',
      help: 'Jobs per queue and state in this node\'s copy of the state (the leader\'s is the freshest).',
      labelNames: ['queue', 'state'],
      registers,
      collect() {
        this.reset();
        const queues = read((s) => s.queueStats());
        if (queues === undefined) return;
        for (const q of queues) for (const state of JOB_STATES) this.set({ queue: q.queue, state }, q[state]);
      },
    });
    new Gauge({
      name: 'raftjobs_transport_peer_queued_messages',
      help: 'Raft messages waiting in the outgoing queue of each peer (all of them while the peer is unreachable).',
      labelNames: ['peer'],
      registers,
      collect() {
        this.reset();
        for (const p of read((s) => s.peers?.()) ?? []) this.set({ peer: p.id }, p.queued);
      },
    });
    new Counter({
      name: 'raftjobs_transport_peer_dropped_messages_total',
      help: 'Raft messages to each peer the transport dropped (reason too_large: over limits.maxPeerMessageBytes, a configuration bug; other: queue overflow, lost snapshot, stop). Raft resends what is lost.',
      labelNames: ['peer', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const p of read((s) => s.peers?.()) ?? []) {
          this.inc({ peer: p.id, reason: 'too_large' }, p.tooLarge);
          this.inc({ peer: p.id, reason: 'other' }, p.dropped - p.tooLarge);
        }
      },
    });
    new Gauge({
      name: 'raftjobs_workers_connected',
      help: 'Worker streams connected to this node (only the leader serves workers).',
      registers,
      collect() {
        this.set(read((s) => s.workers?.().connected) ?? 0);
      },
    });
    new Gauge({
      name: 'raftjobs_worker_leases_held',
      help: 'Leases held by the workers connected to this node.',
      registers,
      collect() {
        this.set(read((s) => s.workers?.().leasesHeld) ?? 0);
      },
    });
  }

  /** Let scrapes read the running node. */
  bind(source: MetricsSource): void {
    this.source = source;
  }

  /** Stops the event-loop delay sampler. Idempotent. */
  stop(): void {
    this.loopDelay?.stop();
  }

  /** Prometheus text exposition of everything. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Totals per queue since this node started, for throughput charts. */
  flowTotals(): ReadonlyMap<string, Readonly<FlowTotals>> {
    return this.totals;
  }

  // ------------------------------------------------------------------ NodeMetrics

  persisted(ms: number, entries: number): void {
    this.fsync.observe(ms / 1000);
    if (entries > 0) this.persistEntries.inc(entries);
  }

  proposalCommitted(ms: number): void {
    this.proposal.observe(ms / 1000);
  }

  applied(entries: number): void {
    this.appliedEntries.inc(entries);
  }

  snapshot(kind: 'taken' | 'installed', bytes: number): void {
    this.snapshots.inc({ kind });
    this.snapshotBytes.set({ kind }, bytes);
  }

  submitRefused(limit: string): void {
    this.submitsRefused.inc({ limit });
  }

  // ------------------------------------------------------------------ JobFlowSink

  job(event: JobFlowEvent, queue: string, count: number, cause?: RetryCause): void {
    this.flow[event].inc(event === 'retried' ? { queue, cause: cause ?? 'failed' } : { queue }, count);
    if (event === 'submitted' || event === 'completed' || event === 'failed' || event === 'dead') {
      let t = this.totals.get(queue);
      if (t === undefined) {
        t = { submitted: 0, completed: 0, failed: 0, dead: 0 };
        this.totals.set(queue, t);
      }
      t[event] += count;
    }
  }

  scheduleFired(scheduleId: string, queue: string, manual: boolean, lagMs: number): void {
    this.scheduleFires.inc({ schedule: scheduleId, trigger: manual ? 'manual' : 'slot' });
    if (!manual) this.scheduleLag.observe({ queue }, lagMs / 1000);
  }

  scheduleSkipped(scheduleId: string, slots: number): void {
    this.scheduleSkips.inc({ schedule: scheduleId }, slots);
  }

  leaseHeld(queue: string, group: string | null, reason: HoldReason): void {
    this.leaseHolds.inc({ queue, reason });
    if (group !== null) this.recentHolds.add(queue, group, reason);
  }

  // ------------------------------------------------------------------ API observer

  /** A worker's reported handler time for a completion or failure this node accepted, ms. */
  handlerReported(queue: string, outcome: 'completed' | 'failed', ms: number): void {
    this.handler.observe({ queue, outcome }, ms / 1000);
  }
}
