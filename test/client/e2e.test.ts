/**
 * The SDK and the job commands against a real three-node cluster (real processes, gRPC on
 * loopback, LevelDB in a temp directory): 1,000 jobs through two workers, each completed exactly
 * once; a leader failover under load; CLI round trips.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { Client, Worker, type JobHandler } from '../../src/client/index.js';
import { isRaftJobsError } from '../../src/errors/index.js';
import { Cluster, poll, runCli } from '../helpers/index.js';

let cluster: Cluster;
let failed = false;
const open: { close(): unknown }[] = [];

beforeAll(async () => {
  cluster = await Cluster.start({ size: 3, clusterId: 'sdk', tmpPrefix: 'raftjobs-sdk-e2e-' });
  await cluster.waitForLeader();
});

afterAll(async () => {
  for (const c of open.splice(0)) await c.close();
  const dir = await cluster.cleanup(failed);
  if (failed) console.error(`SDK e2e failed; files kept in ${dir}`);
});

function reportOnFailure(): void {
  onTestFailed(() => {
    failed = true;
    console.error(cluster.describe(40));
  });
}

function addresses(): string[] {
  return cluster.nodes.map((n) => n.address);
}

function client(): Client {
  const c = new Client({ nodes: addresses(), deadlineMs: 15_000 });
  open.push(c);
  return c;
}

/** A handler that counts its invocations per job id and echoes `{ n }`. */
function countingHandler(counts: Map<string, number>, delayMs = 0): JobHandler {
  return async (job) => {
    counts.set(job.id, (counts.get(job.id) ?? 0) + 1);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const { n } = job.json<{ n: number }>();
    return { n, token: job.token };
  };
}

function worker(queue: string, handler: JobHandler, workerId: string, leaseTtlMs?: number): Worker {
  const w = new Worker({ nodes: addresses(), queues: [queue], concurrency: 16, handler, workerId, ...(leaseTtlMs !== undefined ? { leaseTtlMs } : {}) });
  open.push({ close: () => w.close({ timeoutMs: 5_000 }) });
  return w;
}

describe('SDK against a real cluster', () => {
  it('1,000 jobs through two workers: all succeed, each handled exactly once', async () => {
    reportOnFailure();
    const c = client();
    const ids: string[] = [];
    for (let batch = 0; batch < 4; batch++) {
      const res = await c.submit(Array.from({ length: 250 }, (_, i) => ({ queue: 'bulk', payload: { n: batch * 250 + i } })));
      expect(res.every((j) => !j.duplicate && j.state === 'ready')).toBe(true);
      ids.push(...res.map((j) => j.id));
    }
    expect(new Set(ids).size).toBe(1000);

    const counts = new Map<string, number>();
    const w1 = worker('bulk', countingHandler(counts), 'sdk-w1');
    const w2 = worker('bulk', countingHandler(counts), 'sdk-w2');
    await w1.start();
    await w2.start();
    await poll(async () => ((await c.stats()).queues.find((q) => q.queue === 'bulk')?.succeeded === 1000 ? true : undefined), {
      timeoutMs: 60_000,
      description: 'all 1,000 jobs succeeded',
    });
    await Promise.all([w1.close({ timeoutMs: 5_000 }), w2.close({ timeoutMs: 5_000 })]);

    expect(counts.size).toBe(1000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const stats = (await c.stats()).queues.find((q) => q.queue === 'bulk');
    expect(stats).toMatchObject({ ready: 0, leased: 0, succeeded: 1000, dead: 0 });
    // Both workers took part, and results round-trip.
    const sample = await c.get(ids[123] as string);
    expect(sample.state).toBe('succeeded');
    expect(sample.resultJson()).toMatchObject({ n: 123 });
    expect(sample.history).toHaveLength(1);
    const workers = new Set<string>();
    let pageToken: string | null = null;
    do {
      const page = await c.list({ queue: 'bulk', pageSize: 500, ...(pageToken !== null ? { pageToken } : {}) });
      for (const j of page.jobs) workers.add(j.history[0]?.workerId ?? '');
      pageToken = page.nextPageToken;
    } while (pageToken !== null);
    expect([...workers].sort()).toEqual(['sdk-w1', 'sdk-w2']);
  }, 90_000);

  it('waitForResult, cancel, retry of a dead job, and errors with their codes', async () => {
    reportOnFailure();
    const c = client();
    const [job] = await c.submit({ queue: 'ops', payload: 'x', maxAttempts: 1 });
    if (!job) throw new Error('no job');
    const failing = worker('ops', () => Promise.reject(new Error('always fails')), 'sdk-failing');
    await failing.start();
    const dead = await c.waitForResult(job.id, { timeoutMs: 10_000 });
    expect(dead.state).toBe('dead');
    expect(dead.lastError).toBe('always fails');
    await failing.close({ timeoutMs: 2_000 });

    const retried = await c.retryDead(job.id, 1);
    expect(retried.state).toBe('ready');
    const cancelled = await c.cancel(job.id, 'no longer needed');
    expect(cancelled.state).toBe('cancelled');
    const err = await c.cancel(job.id).catch((e: unknown) => e);
    expect(isRaftJobsError(err, 'ILLEGAL_TRANSITION')).toBe(true);
    const missing = await c.get('zzzzzzzzzz').catch((e: unknown) => e);
    expect(isRaftJobsError(missing, 'NOT_FOUND')).toBe(true);
    const invalid = await c.submit({ queue: 'bad queue!' }).catch((e: unknown) => e);
    expect(isRaftJobsError(invalid, 'INVALID_ARGUMENT')).toBe(true);
    // A runAt 50 years ahead is refused exactly as the same delayMs is; a day ahead is fine.
    const fiftyYears = 50 * 365 * 24 * 3_600_000;
    for (const far of [{ runAt: Date.now() + fiftyYears }, { delayMs: fiftyYears }]) {
      const refused = await c.submit({ queue: 'ops', ...far }).catch((e: unknown) => e);
      expect(isRaftJobsError(refused, 'INVALID_ARGUMENT'), JSON.stringify(far)).toBe(true);
    }
    const [tomorrow] = await c.submit({ queue: 'ops', runAt: Date.now() + 24 * 3_600_000 });
    expect(tomorrow?.state).toBe('scheduled');

    // An idempotency key given twice returns the first job.
    const [a] = await c.submit({ queue: 'ops', idempotencyKey: 'same' });
    const [b] = await c.submit({ queue: 'ops', idempotencyKey: 'same' });
    expect(b).toEqual({ id: a?.id, duplicate: true, state: a?.state, replaced: false });
  });

  it('keeps submitting and working through a kill -9 of the leader: every job once', async () => {
    reportOnFailure();
    const c = client();
    const counts = new Map<string, number>();
    // Short leases: a lease the dying leader committed but never pushed is only recovered when it
    // expires (the worker never knew it). Heartbeats (every ttl/3) keep the delivered ones alive.
    const w1 = worker('failover', countingHandler(counts, 20), 'fo-w1', 3_000);
    const w2 = worker('failover', countingHandler(counts, 20), 'fo-w2', 3_000);
    await w1.start();
    await w2.start();
    const ids: string[] = [];
    const submitter = (async () => {
      for (let i = 0; i < 40; i++) {
        const res = await c.submit(Array.from({ length: 10 }, (_, k) => ({ queue: 'failover', payload: { n: i * 10 + k } })));
        ids.push(...res.map((j) => j.id));
      }
    })();
    await poll(() => Promise.resolve(ids.length >= 100 ? true : undefined), { timeoutMs: 30_000, description: '100 jobs submitted' });
    const leader = await cluster.waitForLeader();
    await cluster.kill(leader.id, 'SIGKILL');
    await submitter;
    expect(new Set(ids).size).toBe(400);
    await poll(async (observe) => {
      const q = (await c.stats()).queues.find((x) => x.queue === 'failover');
      observe(q);
      return q?.succeeded === 400 ? true : undefined;
    }, {
      timeoutMs: 60_000,
      description: 'all 400 failover jobs succeeded',
    });
    await Promise.all([w1.close({ timeoutMs: 5_000 }), w2.close({ timeoutMs: 5_000 })]);
    expect(counts.size).toBe(400);
    const repeated = [...counts].filter(([, n]) => n !== 1);
    expect(repeated).toEqual([]);
    await cluster.start(leader.id);
  }, 120_000);
});

describe('CLI job commands against a real cluster', () => {
  it('submit --json, get --json, list, stats --json, cancel', async () => {
    reportOnFailure();
    const at = ['--addresses', addresses().join(',')];
    const sub = await runCli(['submit', ...at, '--queue', 'cli', '--payload', '{"hello":"world"}', '--count', '3', '--priority', '5', '--json']);
    expect(sub.code, sub.stderr).toBe(0);
    const ids = JSON.parse(sub.stdout) as string[];
    expect(ids).toHaveLength(3);

    const got = await runCli(['get', ids[0] as string, '--config', cluster.configPath, '--json']);
    expect(got.code, got.stderr).toBe(0);
    const job = JSON.parse(got.stdout) as Record<string, unknown>;
    expect(job).toMatchObject({ id: ids[0], queue: 'cli', state: 'ready', priority: 5, payload: { hello: 'world' }, payloadEncoding: 'json', result: null, attempts: 0, lease: null, history: [] });

    const plain = await runCli(['submit', ...at, '--queue', 'cli']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout.trim()).toMatch(/^\S+$/);

    const list = await runCli(['list', ...at, '--queue', 'cli', '--state', 'ready', '--limit', '2', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((j) => j.id)).toEqual(ids.slice(0, 2));

    const cancel = await runCli(['cancel', ids[2] as string, ...at]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toBe(`${ids[2]} cancelled\n`);

    const stats = await runCli(['stats', ...at, '--json']);
    expect(stats.code, stats.stderr).toBe(0);
    const cli = (JSON.parse(stats.stdout) as { queues: { queue: string }[] }).queues.find((q) => q.queue === 'cli');
    expect(cli).toMatchObject({ ready: 3, cancelled: 1 });

    const table = await runCli(['stats', ...at]);
    expect(table.stdout).toMatch(/^QUEUE\s+SCHEDULED\s+READY/);
  }, 90_000);

  it('refuses bad input before sending, and reports refusals with their exit codes', async () => {
    reportOnFailure();
    const at = ['--addresses', addresses().join(',')];
    const before = (JSON.parse((await runCli(['stats', ...at, '--json'])).stdout) as { total: { ready: number } }).total.ready;
    for (const args of [
      ['--queue', 'cli', '--delay', '-5'],
      ['--queue', 'cli', '--payload', '{bad json'],
    ]) {
      const r = await runCli(['submit', ...at, ...args]);
      expect(r.code, `submit ${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/--(delay|payload) must be/);
    }
    const after = (JSON.parse((await runCli(['stats', ...at, '--json'])).stdout) as { total: { ready: number } }).total.ready;
    expect(after).toBe(before);

    const badQueue = await runCli(['submit', ...at, '--queue', 'bad queue!']);
    expect(badQueue.code).toBe(2);
    expect(badQueue.stderr).toMatch(/queue/);
    const missing = await runCli(['get', 'zzzzzzzzzz', ...at]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not found/);
    const noTarget = await runCli(['stats']);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/--config FILE or --addresses/);
  }, 90_000);
});
