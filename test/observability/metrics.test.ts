import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Worker } from '../../src/client/index.js';
import { serviceClient } from '../../src/protocol/index.js';
import { poll } from '../helpers/index.js';
import { createObservedCluster, grpcHealth, httpGet, metric, scrape, type ObservedCluster, type Sample } from './helpers.js';

type Unary = (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: unknown) => void) => void;

/** Call one unary Workers method on `address`. */
function workersCall<T>(address: string, method: 'Lease' | 'Complete' | 'Fail', req: object): Promise<T> {
  const Workers = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Workers');
  const client = new Workers(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, Unary>;
  return new Promise<T>((resolve, reject) => {
    (client[method] as Unary).call(client, req, { deadline: Date.now() + 5000 }, (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res as T);
    });
  });
}

describe('metrics and health of a real cluster', () => {
  let oc: ObservedCluster;
  let client: Client;
  const leaderHttp = async (): Promise<string> => {
    const leader = await oc.cluster.waitForLeader();
    return oc.http.get(leader.id) as string;
  };
  /** Scrape the leader until `check` holds; returns the samples. */
  const until = async (what: string, check: (s: Sample[]) => boolean): Promise<Sample[]> =>
    poll(
      async (observe) => {
        const samples = await scrape(await leaderHttp());
        observe(samples.filter((s) => s.name.startsWith('raftjobs_jobs') || s.name.startsWith('raftjobs_lease')).map((s) => `${s.name}${JSON.stringify(s.labels)}=${s.value}`).join(' '));
        return check(samples) ? samples : undefined;
      },
      { description: what, timeoutMs: 20_000, intervalMs: 100 },
    );

  beforeAll(async () => {
    oc = await createObservedCluster();
    client = new Client({ nodes: oc.addresses });
  });

  afterAll(async () => {
    client?.close();
    await oc?.cluster.cleanup();
  });

  it('/readyz and grpc health say not ready until a leader is known, then ready; /healthz is up throughout', async () => {
    // One node of three can never elect itself: it serves HTTP but has no leader.
    await oc.cluster.start('n1');
    const http1 = oc.http.get('n1') as string;
    expect(await httpGet(http1, '/healthz')).toMatchObject({ status: 200 });
    const before = await httpGet(http1, '/readyz');
    expect(before.status).toBe(503);
    expect(before.text).toMatch(/no leader known/);
    expect(await grpcHealth(oc.cluster.address('n1'))).toBe('NOT_SERVING');

    await oc.cluster.startAll(['n2', 'n3']);
    const leader = await oc.cluster.waitForLeader();
    for (const id of oc.cluster.ids) {
      await poll(async () => ((await httpGet(oc.http.get(id) as string, '/readyz')).status === 200 ? true : undefined), { description: `${id} /readyz 200`, timeoutMs: 10_000 });
      await poll(async () => ((await grpcHealth(oc.cluster.address(id))) === 'SERVING' ? true : undefined), { description: `${id} grpc health SERVING`, timeoutMs: 10_000 });
    }
    expect((await httpGet(oc.http.get(leader.id) as string, '/readyz')).text).toMatch(/leader in term/);
    expect(await grpcHealth(oc.cluster.address('n2'), 'raftjobs.jobs.v1.Jobs')).toBe('SERVING');
  });

  it('exports raft gauges, storage and event-loop metrics', async () => {
    const leader = await oc.cluster.waitForLeader();
    const followers = oc.cluster.ids.filter((id) => id !== leader.id);
    // A node started alone dials its peers with a growing backoff, so the leader may hear from it
    // a moment after the election.
    const s = await poll(
      async () => {
        const x = await scrape(oc.http.get(leader.id) as string);
        return followers.every((peer) => metric(x, 'raftjobs_raft_peer_last_contact_seconds', { peer }) !== undefined) ? x : undefined;
      },
      { description: 'the leader to hear from every follower', timeoutMs: 15_000 },
    );
    expect(metric(s, 'raftjobs_raft_role', { role: 'leader' })).toBe(1);
    expect(metric(s, 'raftjobs_raft_role', { role: 'follower' })).toBe(0);
    expect(metric(s, 'raftjobs_raft_term')).toBe(leader.term);
    expect(metric(s, 'raftjobs_raft_commit_index')).toBeGreaterThan(0);
    expect(metric(s, 'raftjobs_raft_applied_index')).toBeGreaterThan(0);
    expect(metric(s, 'raftjobs_raft_leader_known')).toBe(1);
    for (const peer of followers) {
      expect(metric(s, 'raftjobs_raft_replication_lag_entries', { peer })).toBeGreaterThanOrEqual(0);
      expect(metric(s, 'raftjobs_raft_peer_last_contact_seconds', { peer })).toBeLessThan(5);
      // The peer transport's queue and drops, read from the node's GrpcTransport.
      expect(metric(s, 'raftjobs_transport_peer_queued_messages', { peer })).toBeGreaterThanOrEqual(0);
      expect(metric(s, 'raftjobs_transport_peer_dropped_messages_total', { peer, reason: 'too_large' })).toBe(0);
    }
    expect(metric(s, 'raftjobs_storage_fsync_seconds_count')).toBeGreaterThan(0);
    expect(metric(s, 'raftjobs_node_info', { node: leader.id, cluster: 'itest' })).toBe(1);
    expect(metric(s, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    // Sampled every 20 ms from the node's start, cumulative: a node up for a while has many.
    expect(metric(s, 'raftjobs_event_loop_delay_seconds_count')).toBeGreaterThan(10);
    expect(metric(s, 'raftjobs_event_loop_delay_seconds_bucket', { le: '+Inf' })).toBe(metric(s, 'raftjobs_event_loop_delay_seconds_count'));
    expect(metric(s, 'raftjobs_event_loop_delay_recent_max_seconds')).toBeGreaterThanOrEqual(0);
    const f = await scrape(oc.http.get(followers[0] as string) as string);
    expect(metric(f, 'raftjobs_raft_role', { role: 'follower' })).toBe(1);
    expect(metric(f, 'raftjobs_raft_replication_lag_entries')).toBeUndefined();
  });

  it('job counters and gauges move as jobs are submitted, completed, failed and expire', async () => {
    const q = 'metrics-q';
    const submitted = await client.submit([{ queue: q, payload: 'a' }, { queue: q, payload: 'b' }, { queue: q, payload: 'c' }]);
    let s = await until('3 submitted and ready', (x) => metric(x, 'raftjobs_jobs_submitted_total', { queue: q }) === 3 && metric(x, 'raftjobs_jobs', { queue: q, state: 'ready' }) === 3);
    expect(metric(s, 'raftjobs_proposal_commit_seconds_count')).toBeGreaterThan(0);

    // Every replica counts the same applied entries.
    for (const id of oc.cluster.ids) {
      await poll(async () => (metric(await scrape(oc.http.get(id) as string), 'raftjobs_jobs_submitted_total', { queue: q }) === 3 ? true : undefined), {
        description: `${id} counted 3 submits`,
        timeoutMs: 10_000,
      });
    }

    const worker = new Worker({ nodes: oc.addresses, queues: [q], concurrency: 4, handler: () => Promise.resolve('done') });
    await worker.start();
    try {
      s = await until('3 completed and succeeded', (x) => metric(x, 'raftjobs_jobs_completed_total', { queue: q }) === 3 && metric(x, 'raftjobs_jobs', { queue: q, state: 'succeeded' }) === 3);
      expect(metric(s, 'raftjobs_jobs', { queue: q, state: 'ready' })).toBe(0);
      await poll(async () => (metric(await scrape(await leaderHttp()), 'raftjobs_workers_connected') === 1 ? true : undefined), { description: 'one worker connected', timeoutMs: 10_000 });
    } finally {
      await worker.close({ timeoutMs: 2000 });
    }
    expect(submitted.every((j) => !j.duplicate)).toBe(true);

    // A handler time sent with a completion or failure feeds the histogram; a failure without
    // attempts left makes the job dead.
    const qf = 'metrics-fail';
    await client.submit([{ queue: qf, maxAttempts: 1 }, { queue: qf, maxAttempts: 1 }]);
    const leased = await workersCall<{ jobs: { jobId: string; token: number }[] }>(oc.cluster.address('n1'), 'Lease', { workerId: 'raw', queues: [qf], max: 2, ttlMs: 60_000, waitMs: 0 });
    expect(leased.jobs).toHaveLength(2);
    const [a, b] = leased.jobs as [{ jobId: string; token: number }, { jobId: string; token: number }];
    await workersCall(oc.cluster.address('n2'), 'Complete', { jobId: a.jobId, token: a.token, handlerMs: 250 });
    await workersCall(oc.cluster.address('n3'), 'Fail', { jobId: b.jobId, token: b.token, error: 'boom', handlerMs: 40 });
    s = await until('one completed and one dead in the fail queue', (x) => metric(x, 'raftjobs_jobs_dead_total', { queue: qf }) === 1 && metric(x, 'raftjobs_jobs_completed_total', { queue: qf }) === 1);
    expect(metric(s, 'raftjobs_jobs_failed_total', { queue: qf })).toBe(1);
    expect(metric(s, 'raftjobs_jobs', { queue: qf, state: 'dead' })).toBe(1);
    expect(metric(s, 'raftjobs_job_handler_seconds_count', { queue: qf, outcome: 'completed' })).toBe(1);
    expect(metric(s, 'raftjobs_job_handler_seconds_sum', { queue: qf, outcome: 'completed' })).toBeCloseTo(0.25, 3);
    expect(metric(s, 'raftjobs_job_handler_seconds_count', { queue: qf, outcome: 'failed' })).toBe(1);

    // An operator retry of the dead job counts as a retry.
    await client.retryDead(b.jobId);
    await until('operator retry counted', (x) => metric(x, 'raftjobs_jobs_retried_total', { queue: qf, cause: 'operator' }) === 1);

    // A lease that is never completed expires and the job is retried.
    const qe = 'metrics-expire';
    await client.submit({ queue: qe, maxAttempts: 3, backoff: { type: 'fixed', delayMs: 60_000 } });
    const l = await workersCall<{ jobs: unknown[] }>(oc.cluster.address('n1'), 'Lease', { workerId: 'sleepy', queues: [qe], max: 1, ttlMs: 300, waitMs: 0 });
    expect(l.jobs).toHaveLength(1);
    s = await until('lease expired', (x) => metric(x, 'raftjobs_lease_expired_total', { queue: qe }) === 1);
    expect(metric(s, 'raftjobs_jobs_retried_total', { queue: qe, cause: 'expired' })).toBe(1);
    expect(metric(s, 'raftjobs_jobs', { queue: qe, state: 'scheduled' })).toBe(1);
  });
});
