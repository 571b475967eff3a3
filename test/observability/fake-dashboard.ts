import { JOB_STATES } from '../../src/client/index.js';
import { ErrorCode, RaftJobsError } from '../../src/errors/index.js';
import { createSilentLogger, NodeMetricsRegistry, startHttpServer, ThroughputHistory, type DashboardApi, type HttpAuth, type HttpTls, type RunningHttpServer } from '../../src/observability/index.js';

const now = 1_700_000_000_000;

/** A dead job as the dashboard API returns it. */
export const DEAD_JOB = {
  id: '000000000a',
  queue: 'mail',
  state: 'dead',
  priority: 0,
  runAt: now,
  attempts: 3,
  maxAttempts: 3,
  lease: null,
  progress: null,
  payload: { encoding: 'utf8', text: '<img src=x onerror=alert(1)>', bytes: 28, truncated: false },
  result: null,
  lastError: 'smtp: connection refused',
  submittedAt: now,
  finishedAt: now + 5000,
  idempotencyKey: null,
  history: [{ attempt: 3, token: 9, workerId: 'w1', startedAt: now + 4000, endedAt: now + 5000, outcome: 'failed', error: 'smtp: connection refused' }],
};

/** Calls the fake received, for assertions. */
export interface FakeCalls {
  retried: string[];
  cancelled: string[];
  /** Membership actions and transfers, as "promote n3", "remove n4", "transfer n2" ("transfer *" without a target). */
  membership?: string[];
  /**
   * Queue actions, as "pause mail", "resume mail", and bulk actions as their action, queue and
   * filter: "retryDead mail", "cancel mail ready,scheduled group="acme" olderThanMs=60000 dry".
   */
  queues?: string[];
}

const node = (id: string, role: string, member: string, more: Record<string, unknown> = {}): Record<string, unknown> => ({
  id, address: `127.0.0.1:${id.slice(1)}`, httpAddress: null, reachable: true, role, member, term: 3, leaderId: 'n1', commitIndex: 10, appliedIndex: 10,
  lastLogIndex: 10, snapshotIndex: 0, pid: 1, matchIndex: 10, refused: false, lagEntries: 0, replication: role === 'leader' ? 'leader' : 'replicate', lastContactMs: null,
  diskFreeBytes: 5 * 1024 ** 3, minFreeDiskBytes: 1024 ** 3, diskLow: false, ...more,
});

/** The cluster the fake shows: n1 leads, n2 follows, n3 is a learner, n4 lost its disk and is refused. */
export const FAKE_NODES = [
  node('n1', 'leader', 'voter'),
  node('n2', 'follower', 'voter'),
  node('n3', 'follower', 'learner', { matchIndex: 4, lagEntries: 6 }),
  { id: 'n4', address: '127.0.0.1:4', httpAddress: null, reachable: false, error: 'TIMEOUT: no answer', member: 'voter', matchIndex: 0, refused: true, lagEntries: null, replication: null, lastContactMs: 1200 },
];

/** The flow control of queue "mail" as the dashboard API returns it (a `QueueInfo`). */
export const FAKE_FLOW = {
  queue: 'mail',
  policy: { paused: false, concurrency: 4, groupConcurrency: 1, groupConcurrencyOverrides: {}, rate: { limit: 10, periodMs: 1000, burst: 10 }, groupRate: null },
  usage: { leased: 0, ready: 2, tokens: 10, throttledUntil: null, busiestGroups: [{ group: '<b>acme</b>', leased: 0, ready: 2, limit: 1, tokens: null, throttledUntil: null }], groups: 1 },
  time: now,
};

/** A DashboardApi with canned answers: four members, one queue, one dead job. */
export function fakeDashboard(calls: FakeCalls): DashboardApi {
  return {
    cluster: () =>
      Promise.resolve({
        self: 'n1',
        clusterId: 'fake',
        leaderId: 'n1',
        term: 3,
        time: now,
        membershipKnown: true,
        nodes: FAKE_NODES,
        submits: {
          refused: { limit: 'limits.maxBacklogJobs', reason: 'the cluster holds 3 not-finished jobs (scheduled, ready, leased), at limits.maxBacklogJobs (3)' },
          backlogJobs: 3,
          maxBacklogJobs: 3,
          backlogPayloadBytes: 12,
          maxBacklogPayloadBytes: 0,
        },
      }),
    queues: () =>
      Promise.resolve({ states: JOB_STATES, queues: [{ queue: 'mail', scheduled: 0, ready: 2, leased: 0, succeeded: 1, dead: 1, cancelled: 0 }], total: {}, flows: [FAKE_FLOW] }),
    job: (id) => (id === DEAD_JOB.id ? Promise.resolve(DEAD_JOB) : Promise.reject(new RaftJobsError(ErrorCode.NotFound, `job ${id} not found`, { jobId: id }))),
    dead: () => Promise.resolve({ jobs: [DEAD_JOB], nextPageToken: null }),
    workers: () => Promise.resolve({ leaderId: 'n1', workers: [] }),
    retryDead: (id) => {
      calls.retried.push(id);
      return Promise.resolve({ ...DEAD_JOB, id, state: 'ready' });
    },
    schedules: () => Promise.resolve({ schedules: [] }),
    scheduleAction: (id) => Promise.reject(new RaftJobsError(ErrorCode.NotFound, `schedule ${id} not found`)),
    cancel: (id) => {
      calls.cancelled.push(id);
      return Promise.reject(new RaftJobsError(ErrorCode.IllegalTransition, `job ${id} is dead: only scheduled, ready or leased jobs can be cancelled`));
    },
    memberAction: (id, action) => {
      calls.membership?.push(`${action} ${id}`);
      if (!FAKE_NODES.some((n) => n.id === id)) return Promise.reject(new RaftJobsError(ErrorCode.NotFound, `${id} is not a member`));
      return Promise.resolve({ leaderId: 'n1', commitIndex: 11, members: [] });
    },
    queueAction: (queue, action) => {
      calls.queues?.push(`${action} ${queue}`);
      return Promise.resolve({ ...FAKE_FLOW, queue, policy: { ...FAKE_FLOW.policy, paused: action === 'pause' } });
    },
    bulkJobs: ({ action, filter: f, dryRun }) => {
      const filter = [f.states?.join(','), f.group !== undefined ? `group=${JSON.stringify(f.group)}` : undefined, f.olderThanMs !== undefined ? `olderThanMs=${f.olderThanMs}` : undefined];
      calls.queues?.push([action, f.queue, ...filter, dryRun ? 'dry' : undefined].filter((x) => x !== undefined).join(' '));
      return Promise.resolve({ action, dryRun, matched: dryRun ? 1 : 0, affected: dryRun ? 0 : 1, batches: dryRun ? 0 : 1 });
    },
    transferLeadership: (to) => {
      calls.membership?.push(`transfer ${to ?? '*'}`);
      return Promise.resolve({ from: 'n1', to: to ?? 'n2', leaderId: to ?? 'n2', tookMs: 40 });
    },
  };
}

/** Serve the dashboard on a free loopback port with the fake API. */
export function startFakeDashboard(actionsEnabled: boolean, calls: FakeCalls, address = '127.0.0.1:0', auth?: HttpAuth, tls?: HttpTls): Promise<RunningHttpServer> {
  const metrics = new NodeMetricsRegistry({ nodeId: 'n1', clusterId: 'fake', processMetrics: false });
  return startHttpServer({
    address,
    nodeId: 'n1',
    clusterId: 'fake',
    logger: createSilentLogger(),
    metrics,
    readiness: () => ({ ready: true, reason: 'leader in term 3' }),
    dashboard: () => fakeDashboard(calls),
    throughput: new ThroughputHistory(() => metrics.flowTotals()),
    actionsEnabled,
    ...(auth !== undefined ? { auth } : {}),
    ...(tls !== undefined ? { tls } : {}),
  });
}
