/**
 * Flow control, uniqueness and bulk actions on three real `raftjobs node` processes (gRPC on
 * loopback, LevelDB in temp directories), one cluster for every case, driven through the SDK and
 * the CLI as a user would:
 * - a paused queue gets no lease while a worker serves it and another queue, and a new leader
 *   keeps the pause after the old one is killed (-9);
 * - a per-key limit of 2 holds by the cluster's own account (its leased jobs per key, polled
 *   throughout) while workers with room for far more run, across a kill -9 of the leader;
 * - a handler's RateLimitedError for the key it reads from `job.group` holds that key back for
 *   the time it asked, without using the attempt (jobs of one attempt still succeed), while the
 *   queue's other keys go on;
 * - unique keys: `active` answers the unfinished job, `debounce` folds a burst into one pending job;
 * - a bulk action's dry run counts exactly what the real run then acts on, over thousands of jobs
 *   in several replicated batches, and the CLI refuses a real run it was not told to make;
 * - the queue commands of the CLI, end to end.
 */
import { PassThrough } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { bulkCommand } from '../../src/cli/bulk-command.js';
import { Client, NonRetryableError, RateLimitedError, Worker, type JobHandler, type JobView, type QueueInfo } from '../../src/client/index.js';
import { Cluster, poll, runCli } from '../helpers/index.js';

let cluster: Cluster;
let client: Client;
let failed = false;
const open: { close(): unknown }[] = [];

beforeAll(async () => {
  cluster = await Cluster.start({ size: 3, clusterId: 'itest-flow', tmpPrefix: 'raftjobs-it-flow-' });
  await cluster.waitForLeader();
  client = new Client({ nodes: addresses(), deadlineMs: 30_000 });
});

afterAll(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
  client?.close();
  const dir = await cluster?.cleanup(failed);
  if (failed) console.error(`flow test failed; files kept in ${dir}`);
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

/** A worker on the whole cluster, closed with the file. */
function worker(queues: string[], handler: JobHandler, concurrency: number, extra: { workerId?: string; leaseTtlMs?: number } = {}): Worker {
  const w = new Worker({ nodes: addresses(), queues, concurrency, handler, ...extra });
  open.push({ close: () => w.close({ timeoutMs: 5_000 }) });
  return w;
}

/** Waits until `queue` counts `n` jobs in `state`, by the cluster's own Stats. */
async function waitForCount(queue: string, state: 'ready' | 'dead' | 'succeeded' | 'cancelled' | 'leased' | 'scheduled', n: number, timeoutMs = 60_000): Promise<void> {
  await poll(
    async (observe) => {
      const q = (await client.stats()).queues.find((x) => x.queue === queue);
      observe(q);
      return (q?.[state] ?? 0) === n ? true : undefined;
    },
    { timeoutMs, description: `${n} ${state} jobs in ${queue}`, diagnostics: () => cluster.describe(10) },
  );
}

/** `count` jobs of `queue`, submitted a thousand at a time. */
async function submitMany(queue: string, count: number, extra: { maxAttempts?: number; group?: string } = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let done = 0; done < count; done += 1000) {
    const n = Math.min(1000, count - done);
    ids.push(...(await client.submit(Array.from({ length: n }, (_, i) => ({ queue, payload: { n: done + i }, ...extra })))).map((j) => j.id));
  }
  return ids;
}

/** Kill the leader (-9), wait for the next one, and start the old one again. */
async function killLeader(): Promise<void> {
  const leader = await cluster.waitForLeader();
  await cluster.kill(leader.id, 'SIGKILL');
  await cluster.waitForLeader({ exclude: [leader.id], minTerm: (leader.term ?? 0) + 1 });
  await cluster.start(leader.id);
}

/** Every job of `queue` in `state`, page after page. */
async function listAll(queue: string, state: 'leased' | 'ready'): Promise<JobView[]> {
  const out: JobView[] = [];
  let pageToken: string | null = null;
  do {
    const page = await client.list({ queue, state, pageSize: 1000, ...(pageToken !== null ? { pageToken } : {}) });
    out.push(...page.jobs);
    pageToken = page.nextPageToken;
  } while (pageToken !== null);
  return out;
}

describe('pause', () => {
  it('a paused queue gets no lease while the worker leases from another one, and a new leader keeps the pause', async () => {
    reportOnFailure();
    await client.queues.pause('paused');
    await client.submit(Array.from({ length: 5 }, (_, i) => ({ queue: 'paused', payload: { i } })));
    const ran: string[] = [];
    const w = worker(['paused', 'open'], (job) => {
      ran.push(job.queue);
      return Promise.resolve('ok');
    }, 4);
    await w.start();
    // The worker leases: the open queue's jobs all run; the paused ones stay ready.
    await client.submit(Array.from({ length: 5 }, () => ({ queue: 'open' })));
    await waitForCount('open', 'succeeded', 5);
    expect(await client.stats().then((s) => s.queues.find((q) => q.queue === 'paused'))).toMatchObject({ ready: 5, leased: 0, succeeded: 0 });

    await killLeader();
    expect((await client.queues.get('paused')).policy.paused).toBe(true);
    await client.submit(Array.from({ length: 5 }, () => ({ queue: 'open' })));
    await waitForCount('open', 'succeeded', 10);
    expect(await client.stats().then((s) => s.queues.find((q) => q.queue === 'paused'))).toMatchObject({ ready: 5, leased: 0, succeeded: 0 });
    expect(ran.filter((q) => q === 'paused')).toEqual([]);

    expect((await client.queues.resume('paused')).policy.paused).toBe(false);
    await waitForCount('paused', 'succeeded', 5);
  }, 120_000);
});

describe('a per-key limit', () => {
  it('of 2 holds by the cluster\'s own account while workers could run far more, across a kill -9 of the leader', async () => {
    reportOnFailure();
    const keys = ['acme', 'zeta', 'omega'];
    await client.queues.set('limited', { groupConcurrency: 2 });
    for (const key of keys) await client.submit(Array.from({ length: 20 }, (_, i) => ({ queue: 'limited', group: key, payload: { i } })));
    // Room for every job at once: only the limit keeps each key at two.
    const handler: JobHandler = (job) => new Promise((resolve) => setTimeout(() => resolve(job.id), 200));
    const workers = [worker(['limited'], handler, 30), worker(['limited'], handler, 30)];
    const most = new Map<string, number>();
    let samples = 0;
    let stop = false;
    // The cluster's account, polled throughout: its leased jobs per key (List), and its own usage (Queues.Get).
    const watcher = (async () => {
      while (!stop) {
        const [leased, flow] = await Promise.all([listAll('limited', 'leased'), client.queues.get('limited')]);
        const perKey = new Map<string, number>();
        for (const j of leased) perKey.set(j.group ?? '', (perKey.get(j.group ?? '') ?? 0) + 1);
        for (const g of flow.usage.busiestGroups) perKey.set(`usage:${g.group}`, g.leased);
        for (const [k, n] of perKey) most.set(k, Math.max(most.get(k) ?? 0, n));
        samples++;
        await delay(20); // pacing only: each round reads the state again
      }
    })();
    for (const w of workers) await w.start();
    await poll(async () => ((await client.stats()).queues.find((q) => q.queue === 'limited')?.succeeded ?? 0) >= 15 || undefined, { description: 'a quarter of the limited jobs done', timeoutMs: 60_000 });
    await killLeader();
    await waitForCount('limited', 'succeeded', 60, 120_000);
    stop = true;
    await watcher;
    expect(samples).toBeGreaterThan(10);
    for (const key of keys) {
      // The limit was reached (the test could fail) and never passed.
      expect(most.get(key), `leased jobs of ${key} (List)`).toBe(2);
      expect(most.get(`usage:${key}`), `leased jobs of ${key} (Queues.Get)`).toBe(2);
    }
    // Each job ran once, in one attempt.
    const done = await client.list({ queue: 'limited', state: 'succeeded', pageSize: 100 });
    expect(done.jobs.every((j) => j.attempts === 1)).toBe(true);
  }, 180_000);
});

describe('RateLimitedError', () => {
  it('holds its key back for the time asked without using the attempt, while the other keys go on', async () => {
    reportOnFailure();
    const HOLD_MS = 3000;
    const starts: { key: string; at: number }[] = [];
    let throttledAt = 0;
    const w = worker(['rl'], (job) => {
      const key = job.group ?? '';
      starts.push({ key, at: Date.now() });
      if (key === 'api' && throttledAt === 0) {
        throttledAt = Date.now();
        return Promise.reject(new RateLimitedError(HOLD_MS, { message: '429 from the API' }));
      }
      return Promise.resolve('ok');
    }, 1);
    // One attempt each: a throttle that used it would send the job dead.
    await client.submit(Array.from({ length: 3 }, () => ({ queue: 'rl', group: 'api', maxAttempts: 1 })));
    await w.start();
    await poll(() => (throttledAt > 0 ? true : undefined), { description: 'the first api job throttled' });
    // While the key is held, the cluster says so, and another key's jobs run. The handler's throw
    // comes before its fail reaches the leader, so the cluster is asked until it has the hold.
    const held = await poll(
      async (observe) => {
        const q = await client.queues.get('rl');
        observe(q.usage.busiestGroups);
        return q.usage.busiestGroups.some((g) => g.group === 'api' && (g.throttledUntil ?? 0) > q.time) ? q : undefined;
      },
      { description: 'the cluster reports the api key held', timeoutMs: HOLD_MS },
    );
    expect(held.usage.busiestGroups.find((g) => g.group === 'api')?.throttledUntil).toBeGreaterThan(held.time);
    await client.submit(Array.from({ length: 3 }, () => ({ queue: 'rl', group: 'other', maxAttempts: 1 })));
    await waitForCount('rl', 'succeeded', 6, 60_000);
    const apiStarts = starts.filter((s) => s.key === 'api').map((s) => s.at);
    const otherStarts = starts.filter((s) => s.key === 'other').map((s) => s.at);
    // No api job started again before the hold ended (less a margin for the clocks); others did meanwhile.
    expect(apiStarts).toHaveLength(4);
    expect(Math.min(...apiStarts.slice(1))).toBeGreaterThanOrEqual(throttledAt + HOLD_MS - 500);
    expect(Math.min(...otherStarts)).toBeLessThan(throttledAt + HOLD_MS);
    // The throttled job succeeded on its one attempt; its history shows the throttle.
    const jobs = await client.list({ queue: 'rl', state: 'succeeded' });
    const throttled = jobs.jobs.find((j) => j.history.some((a) => a.outcome === 'throttled'));
    expect(throttled?.history.map((a) => a.outcome)).toEqual(['throttled', 'succeeded']);
    expect(throttled?.attempts).toBe(1);
    expect(throttled?.lastError).toBe('429 from the API');
  }, 90_000);
});

describe('unique keys through the SDK', () => {
  it('active: while the first job is unfinished a second submit answers it; once it finished the key is free', async () => {
    reportOnFailure();
    const unique = { key: 'sync:customer-17', mode: 'active' } as const;
    const [first] = await client.submit({ queue: 'uniq', unique, payload: { run: 1 } });
    const [second] = await client.submit({ queue: 'uniq', unique, payload: { run: 2 } });
    expect(second).toEqual({ id: first?.id, duplicate: true, state: 'ready', replaced: false });
    const job = await client.get(first?.id ?? '');
    expect(job.json()).toEqual({ run: 1 });
    expect(job.unique).toEqual({ key: 'sync:customer-17', mode: 'active', windowMs: null, holdsKey: true });

    const w = worker(['uniq'], () => Promise.resolve('done'), 1);
    await w.start();
    await waitForCount('uniq', 'succeeded', 1);
    expect((await client.get(first?.id ?? '')).unique?.holdsKey).toBe(false);
    const [third] = await client.submit({ queue: 'uniq', unique, payload: { run: 3 } });
    expect(third).toMatchObject({ duplicate: false, replaced: false });
    expect(third?.id).not.toBe(first?.id);
  }, 60_000);

  it('debounce: a burst of submits within the window leaves one pending job with the last payload', async () => {
    reportOnFailure();
    const unique = { key: 'doc:42', mode: 'debounce', windowMs: 60_000 } as const;
    const answers = [];
    for (let v = 1; v <= 5; v++) answers.push(...(await client.submit({ queue: 'debounce', delayMs: 60_000, payload: { v }, unique })));
    const id = answers[0]?.id;
    expect(answers.map((a) => [a.id, a.duplicate, a.replaced])).toEqual([
      [id, false, false],
      [id, true, true],
      [id, true, true],
      [id, true, true],
      [id, true, true],
    ]);
    const job = await client.get(id ?? '');
    expect(job.json()).toEqual({ v: 5 });
    expect(job.state).toBe('scheduled');
    expect((await client.stats()).queues.find((q) => q.queue === 'debounce')?.scheduled).toBe(1);
  }, 60_000);

  it('raftjobs submit --unique-key says on stderr which job a duplicate names', async () => {
    reportOnFailure();
    const at = ['--config', cluster.configPath];
    const first = await runCli(['submit', ...at, '--queue', 'uniq-cli', '--unique-key', 'nightly', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const [id] = JSON.parse(first.stdout) as string[];
    const again = await runCli(['submit', ...at, '--queue', 'uniq-cli', '--unique-key', 'nightly']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(`${id}\n`);
    expect(again.stderr).toBe(`raftjobs submit: duplicate: unique key "nightly" names job ${id}, not finished (now ready); nothing new was submitted\n`);
    const got = await runCli(['get', id ?? '', ...at, '--json']);
    expect(JSON.parse(got.stdout)).toMatchObject({ unique: { key: 'nightly', mode: 'active', holdsKey: true } });
  }, 60_000);
});

describe('bulk actions', () => {
  it('retry-dead: the dry run counts what the real run acts on, over 3000 dead jobs in several batches', async () => {
    reportOnFailure();
    // Dead jobs: one attempt each, and a handler that refuses them all.
    await submitMany('bulk-dead', 3000, { maxAttempts: 1 });
    await submitMany('bulk-other', 200, { maxAttempts: 1 });
    const w = worker(['bulk-dead', 'bulk-other'], () => Promise.reject(new NonRetryableError('boom')), 200);
    await w.start();
    await waitForCount('bulk-dead', 'dead', 3000, 120_000);
    await waitForCount('bulk-other', 'dead', 200);
    await w.close({ timeoutMs: 5_000 });

    const dry = await client.bulk({ action: 'retryDead', filter: { queue: 'bulk-dead' }, dryRun: true });
    expect(dry).toEqual({ action: 'retryDead', dryRun: true, matched: 3000, affected: 0, batches: 0 });
    // Nothing changed.
    await waitForCount('bulk-dead', 'dead', 3000);

    const real = await client.bulk({ action: 'retryDead', filter: { queue: 'bulk-dead' }, batchSize: 800, deadlineMs: 60_000 });
    expect(real).toMatchObject({ action: 'retryDead', dryRun: false, affected: dry.matched });
    expect(real.batches).toBeGreaterThanOrEqual(4);
    await waitForCount('bulk-dead', 'ready', 3000);
    await waitForCount('bulk-other', 'dead', 200);
    expect(await client.bulk({ action: 'retryDead', filter: { queue: 'bulk-dead' }, dryRun: true })).toMatchObject({ matched: 0 });
  }, 240_000);

  it('raftjobs bulk: refused without --yes; --dry-run counts; --yes acts; a terminal confirms the count first', async () => {
    reportOnFailure();
    const at = ['--config', cluster.configPath];
    await submitMany('bulk-cli', 1500);
    const refused = await runCli(['bulk', 'cancel', '--queue', 'bulk-cli', ...at]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^raftjobs bulk cancel: this changes jobs for good: add --yes/);
    await waitForCount('bulk-cli', 'ready', 1500);

    const dry = await runCli(['bulk', 'cancel', '--queue', 'bulk-cli', '--state', 'ready', '--dry-run', ...at]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe('would cancel 1500 job(s) (queue bulk-cli, state ready); nothing changed\n');

    // On a terminal: the dry run's count, then the operator's answer. "no" changes nothing.
    const ask = async (answer: string): Promise<{ code: number; out: string; err: string; asked: string }> => {
      const input = Object.assign(new PassThrough(), { isTTY: true });
      const output = new PassThrough();
      const out = new PassThrough();
      const err = new PassThrough();
      let asked = '';
      output.on('data', (c: Buffer) => {
        asked += c.toString();
        input.write(`${answer}\n`);
      });
      const code = await bulkCommand(['cancel', '--queue', 'bulk-cli', '--batch-size', '400', '--reason', 'closed', ...at], out, err, { input, output });
      return { code, out: String(out.read() ?? ''), err: String(err.read() ?? ''), asked };
    };
    const no = await ask('no');
    expect(no).toMatchObject({ code: 1, err: 'raftjobs bulk cancel: not confirmed; nothing changed\n', asked: 'cancel 1500 job(s) (queue bulk-cli)? type yes to go ahead: ' });
    await waitForCount('bulk-cli', 'ready', 1500);
    const yes = await ask('yes');
    expect(yes).toMatchObject({ code: 0, out: 'cancelled 1500 job(s) (queue bulk-cli) in 4 batch(es)\n' });
    await waitForCount('bulk-cli', 'cancelled', 1500);

    const purge = await runCli(['bulk', 'purge', '--queue', 'bulk-cli', '--yes', '--json', ...at]);
    expect(purge.code, purge.stderr).toBe(0);
    expect(JSON.parse(purge.stdout)).toMatchObject({ action: 'purge', dryRun: false, affected: 1500 });
    await waitForCount('bulk-cli', 'cancelled', 0);
  }, 120_000);
});

describe('raftjobs queue and queues', () => {
  it('set, show, pause, resume and list a queue end to end', async () => {
    reportOnFailure();
    const at = ['--config', cluster.configPath];
    await client.submit([{ queue: 'cli-flow', group: 'acme' }, { queue: 'cli-flow', group: 'acme' }]);
    const set = await runCli(['queue', 'set', 'cli-flow', '--concurrency', '10', '--group-concurrency', '1', '--group-limit', 'vip=5', '--rate', '100/1s', '--burst', '150', '--json', ...at]);
    expect(set.code, set.stderr).toBe(0);
    expect((JSON.parse(set.stdout) as QueueInfo).policy).toEqual({
      paused: false,
      concurrency: 10,
      groupConcurrency: 1,
      groupConcurrencyOverrides: { vip: 5 },
      rate: { limit: 100, periodMs: 1000, burst: 150 },
      groupRate: null,
    });
    const show = await runCli(['queue', 'show', 'cli-flow', ...at]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('leased     0 of 10 (concurrency 10)\n');
    expect(show.stdout).toContain('per key    1; overrides vip=5\n');
    expect(show.stdout).toMatch(/\n {2}acme {2}0 +1 +2 /);
    const pause = await runCli(['queue', 'pause', 'cli-flow', ...at]);
    expect(pause.code, pause.stderr).toBe(0);
    expect(pause.stdout).toContain('paused     yes: no new leases\n');
    const list = await runCli(['queues', '--json', ...at]);
    expect((JSON.parse(list.stdout) as QueueInfo[]).find((q) => q.queue === 'cli-flow')?.policy.paused).toBe(true);
    const removed = await runCli(['queue', 'set', 'cli-flow', '--concurrency', 'none', '--rate', 'none', '--group-limit', 'vip=none', '--json', ...at]);
    expect((JSON.parse(removed.stdout) as QueueInfo).policy).toMatchObject({ paused: true, concurrency: null, rate: null, groupConcurrencyOverrides: {} });
    const resume = await runCli(['queue', 'resume', 'cli-flow', '--json', ...at]);
    expect((JSON.parse(resume.stdout) as QueueInfo).policy.paused).toBe(false);
    // Refused by the cluster: a limit out of its range (exit 2, nothing changes).
    const bad = await runCli(['queue', 'set', 'cli-flow', '--rate', '100/2d', ...at]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^raftjobs queue: rate\.period_ms: /);
    expect((await client.queues.get('cli-flow')).policy.rate).toBeNull();
  }, 60_000);
});
