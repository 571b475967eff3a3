/**
 * Flow control, uniqueness and bulk actions on three real `raftjobs node` processes (gRPC on
 * loopback, LevelDB in temp directories), one cluster for every case, driven through the SDK and
 * the CLI as a user would:
 * - unique keys: `active` answers the unfinished job, `debounce` folds a burst into one pending job;
 * - a bulk action's dry run counts exactly what the real run then acts on, over thousands of jobs
 *   in several replicated batches, and the CLI refuses a real run it was not told to make.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { bulkCommand } from '../../src/cli/bulk-command.js';
import { Client, NonRetryableError, Worker, type JobHandler } from '../../src/client/index.js';
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
