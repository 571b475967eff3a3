import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Logger } from 'pino';
import { GuardLimit, isMember } from '../node/index.js';
import { findNode, type Config, type Identity } from '../config/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { JobNode, WorkerRegistry } from '../node/index.js';
import type { Transport } from '../transport/index.js';
import { NodeMetricsRegistry, startHttpServer, ThroughputHistory, type HttpAuth, type HttpTls, type Readiness, type RunningHttpServer } from '../observability/index.js';
import { DashboardBackend } from './dashboard-backend.js';
import type { DialCredentials } from './node-tls.js';

/**
 * What /readyz adds to a ready node's answer about the resource guards. They do not make a node
 * unready: it still serves reads, leases and outcomes, and a follower forwards submits to the
 * leader anyway, so a load balancer that took it out would only move the refusals elsewhere.
 * A leader says why it refuses submits; a follower says so for a full backlog (the leader's state
 * is the same) and for its own disk below the floor.
 */
function guardNotes(node: JobNode, nodeId: string): string[] {
  const g = node.guards();
  const notes: string[] = [];
  const leading = node.leader() === nodeId;
  if (g.refusal !== null && (leading || g.refusal.limit !== GuardLimit.FreeDisk)) notes.push(`submits refused (${g.refusal.limit}): ${g.refusal.message}`);
  if (g.diskLow !== null && !leading) notes.push(`disk low (${g.diskLow.limit}): ${g.diskLow.message}`);
  return notes;
}

/** Services reported by grpc.health.v1 besides the whole server (""). */
const HEALTH_SERVICES = ['raftjobs.jobs.v1.Jobs', 'raftjobs.jobs.v1.Workers'] as const;
/** Callers (tokens) whose dashboard backend, with its channels, is kept. */
const MAX_DASHBOARD_CALLERS = 16;

/**
 * A node's metrics, health and dashboard, in the order a node needs them: `metrics` before the
 * driver starts (it takes the hooks), `addHealth` before the gRPC server binds, `startHttp` after
 * it, `close` first thing at shutdown.
 */
export class NodeObservability {
  readonly metrics: NodeMetricsRegistry;
  private readonly throughput: ThroughputHistory;
  private health: HealthImplementation | null = null;
  private http: RunningHttpServer | null = null;
  /** The dashboard's backends by caller token ('' when auth is off), most recently used last. */
  private readonly dashboards = new Map<string, DashboardBackend>();
  private offRole: (() => void) | null = null;
  private auth: HttpAuth | null = null;
  private closed = false;

  constructor(
    private readonly config: Config,
    private readonly nodeId: string,
    private readonly logger: Logger,
    /** Credentials the dashboard's client dials the nodes with. */
    private readonly dial: DialCredentials = () => grpc.credentials.createInsecure(),
    /** HTTPS for the HTTP port; absent: plain HTTP. */
    private readonly httpTls?: HttpTls,
  ) {
    this.metrics = new NodeMetricsRegistry({ nodeId, clusterId: config.clusterId });
    this.throughput = new ThroughputHistory(() => this.metrics.flowTotals());
  }

  /**
   * Let scrapes read the node and its peer transport, and serve grpc.health.v1 on `server`:
   * SERVING while a leader is known.
   */
  addHealth(server: grpc.Server, node: JobNode, workers: WorkerRegistry, transport: Transport): void {
    this.metrics.bind({
      status: () => node.status({ digest: false }),
      peers: () => transport.peerStats(),
      queueStats: () => node.query.stats(),
      queueFlows: () => node.query.listQueueFlows(),
      guards: () => node.guards(),
      workers: () => {
        const list = workers.list();
        return { connected: list.length, leasesHeld: list.reduce((n, w) => n + w.held.length, 0) };
      },
    });
    const health = new HealthImplementation();
    this.health = health;
    const set = (leaderKnown: boolean): void => {
      const status: ServingStatus = leaderKnown && !this.closed ? 'SERVING' : 'NOT_SERVING';
      health.setStatus('', status);
      for (const s of HEALTH_SERVICES) health.setStatus(s, status);
    };
    set(node.leader() !== null);
    this.offRole = node.onRoleChange((_role, leaderId) => set(leaderId !== null));
    health.addToServer(server);
  }

  /**
   * Serve `/metrics`, `/healthz`, `/readyz` and the dashboard on the node's `httpListen` (HTTPS
   * when the node has TLS); does nothing when it has no `httpAddress`.
   *
   * @throws RaftJobsError CONFIG_INVALID when the address cannot be bound.
   */
  async startHttp(node: JobNode, workers: WorkerRegistry, auth: { authenticate(token: string): Identity | null } | null = null): Promise<string | null> {
    this.auth = auth === null || !this.config.auth.enabled ? null : { authenticate: (t) => auth.authenticate(t), metricsRequireToken: this.config.auth.metricsRequireToken, healthRequireToken: this.config.auth.healthRequireToken };
    const address = findNode(this.config, this.nodeId).httpListen;
    if (address === undefined) return null;
    const readiness = (): Readiness => {
      const s = node.status({ digest: false });
      if (!isMember(s.membership, this.nodeId)) return { ready: false, reason: `${this.nodeId} is not a member of cluster ${this.config.clusterId} (yet: a joining node waits to be added)` };
      if (s.leaderId === null) return { ready: false, reason: `no leader known (${s.role}, term ${s.term})` };
      // A leader sends every member its log at once; a follower that hears one and still holds
      // nothing is most likely refused for a lost disk.
      if (s.leaderId !== this.nodeId && s.lastLogIndex === 0 && s.snapshotIndex === 0) {
        return { ready: false, reason: `following leader ${s.leaderId} but holding no log yet: a node back from an empty data directory is refused until removed and added again (raftjobs members remove ${this.nodeId}, then start it with --join)` };
      }
      return { ready: true, reason: s.leaderId === this.nodeId ? `leader in term ${s.term}` : `following leader ${s.leaderId} in term ${s.term}`, notes: guardNotes(node, this.nodeId) };
    };
    const dashboard = (token: string | null): DashboardBackend => {
      const key = token ?? '';
      let backend = this.dashboards.get(key);
      if (backend !== undefined) this.dashboards.delete(key);
      else backend = new DashboardBackend({ node, config: this.config, nodeId: this.nodeId, workers, token, dial: this.dial });
      this.dashboards.set(key, backend);
      // A few callers at a time is the dashboard's use; the least recently used beyond that go
      // (after a grace, so a request of theirs still in flight can finish).
      for (const [k, old] of this.dashboards) {
        if (this.dashboards.size <= MAX_DASHBOARD_CALLERS) break;
        this.dashboards.delete(k);
        setTimeout(() => old.close(), 30_000).unref();
      }
      return backend;
    };
    try {
      this.http = await startHttpServer({
        address,
        nodeId: this.nodeId,
        clusterId: this.config.clusterId,
        logger: this.logger,
        metrics: this.metrics,
        readiness,
        dashboard,
        throughput: this.throughput,
        actionsEnabled: this.config.dashboard.actionsEnabled,
        ...(this.auth !== null ? { auth: this.auth } : {}),
        ...(this.httpTls !== undefined ? { tls: this.httpTls } : {}),
      });
    } catch (err) {
      this.closeDashboards();
      throw new RaftJobsError(ErrorCode.ConfigInvalid, `cannot serve HTTP on ${address}: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
    }
    this.throughput.start();
    return this.http.address;
  }

  /** Report NOT_SERVING, stop the HTTP server and the dashboard's connections. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.offRole?.();
    if (this.health) {
      this.health.setStatus('', 'NOT_SERVING');
      for (const s of HEALTH_SERVICES) this.health.setStatus(s, 'NOT_SERVING');
    }
    this.throughput.stop();
    this.metrics.stop();
    await this.http?.close();
    this.closeDashboards();
  }

  private closeDashboards(): void {
    for (const d of this.dashboards.values()) d.close();
    this.dashboards.clear();
  }
}
