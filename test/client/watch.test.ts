/**
 * `Client.watch` and `Client.waitForResult` on real in-process clusters (LevelDB in temp
 * directories, gRPC on loopback): typed events, resuming after a position, the typed error on
 * compaction, resuming on another node when the one watched stops, and waitForResult served by
 * the watch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchCommand } from '../../src/cli/watch-command.js';
import { Client, type JobWatchEvent } from '../../src/client/index.js';
import { isRaftJobsError } from '../../src/errors/index.js';
import { poll, rejectionOf } from '../helpers/index.js';
import { startServer, TestCluster, type TestServer } from '../server/harness.js';
import { captured } from './in-process-cli.js';

let server: TestServer;
const clients: Client[] = [];

function client(nodes: readonly string[] = [server.address]): Client {
  // Starts at the first node listed.
  const c = new Client({ nodes, deadlineMs: 10_000, retryBackoff: { initialMs: 20, maxMs: 200 }, random: () => 0 });
  clients.push(c);
  return c;
}

/** Collects what a watch yields, in the background, until it ends (or throws). */
function collect(w: AsyncIterable<JobWatchEvent>): { events: JobWatchEvent[]; ended: Promise<unknown> } {
  const events: JobWatchEvent[] = [];
  const ended = (async () => {
    for await (const e of w) events.push(e);
  })().then(
    () => null,
    (err: unknown) => err,
  );
  return { events, ended };
}

beforeAll(async () => {
  server = await startServer({ watch: { retainEvents: 1000, retainBytes: 1024 * 1024 } });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

describe('Client.watch', () => {
  it('yields typed events in log order from now; a watch after an event position gets exactly what followed it', async () => {
    const c = client();
    const w = c.watch({ queues: ['sdk-watch'] });
    const seen = collect(w);
    expect((await w.started).index).toBeGreaterThan(0);
    const [job] = await c.submit({ queue: 'sdk-watch', payload: 'p' });
    const id = job?.id as string;
    await c.cancel(id);
    await poll(() => (seen.events.length === 2 ? true : undefined), { description: 'two events' });
    expect(seen.events.map((e) => [e.type, e.jobId, e.queue])).toEqual([
      ['submitted', id, 'sdk-watch'],
      ['cancelled', id, 'sdk-watch'],
    ]);
    expect(seen.events[0]?.time).toBeGreaterThan(1_600_000_000_000);
    const again = collect(c.watch({ after: seen.events[0]?.position as JobWatchEvent['position'], jobIds: [id] }));
    await poll(() => (again.events.length === 1 ? true : undefined), { description: 'the event after it' });
    expect(again.events[0]?.position).toEqual(seen.events[1]?.position);
    w.close();
    expect(await seen.ended).toBeNull();
    expect(w.position).toEqual(seen.events[1]?.position);
  });

  it('throws WATCH_POSITION_COMPACTED, naming the oldest position held, when no node holds the position', async () => {
    const c = client();
    await c.submit(Array.from({ length: 1000 }, () => ({ queue: 'sdk-fill' })));
    await c.submit(Array.from({ length: 50 }, () => ({ queue: 'sdk-fill' })));
    const { ended } = collect(c.watch({ after: { index: 1, ordinal: 0 } }));
    const err = await ended;
    expect(isRaftJobsError(err) && err.code).toBe('WATCH_POSITION_COMPACTED');
    expect(isRaftJobsError(err) && err.details.oldestPosition).toMatch(/^\d+:\d+$/);
    expect(isRaftJobsError(err) && err.message).toContain('To resync');
  });

  it('refuses a bad filter before it calls', () => {
    const c = client();
    expect(() => c.watch({ types: ['finished' as 'completed'] })).toThrow(/unknown event types finished/);
    expect(() => c.watch({ after: { index: 1, ordinal: 0 }, fromNow: true })).toThrow(/not both/);
  });
});

/** `raftjobs watch ...` in this process until `stop` aborts; what it printed. */
function runWatch(args: readonly string[], stop: AbortSignal): { out: () => string; err: () => string; code: Promise<number> } {
  const io = captured();
  return { out: io.stdout, err: io.stderr, code: watchCommand(['--addresses', server.address, ...args], io.out, io.err, stop) };
}

describe('raftjobs watch', () => {
  it('prints one line per transition until stopped, names the position to go on from, and --after goes on from it (--json)', async () => {
    const c = client();
    const first = new AbortController();
    const a = runWatch(['--queue', 'cli-watch', '--type', 'submitted', '--type', 'cancelled'], first.signal);
    await poll(() => (server.node.watchLog.size().watchers > 0 ? true : undefined), { description: 'the command to watch' });
    const [job] = await c.submit({ queue: 'cli-watch' });
    const id = job?.id as string;
    await c.cancel(id);
    await poll(() => (a.out().split('\n').length === 3 ? true : undefined), { description: 'two lines' });
    first.abort();
    expect(await a.code).toBe(0);
    const lines = a.out().trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\d+:0  \\d{4}-\\d\\d-\\d\\dT[^ ]+  submitted  ${id}  queue=cli-watch$`));
    expect(lines[1]).toMatch(new RegExp(`^\\d+:0  [^ ]+  cancelled  ${id}  queue=cli-watch$`));
    const resume = /go on from here with --after (\d+:(?:\d+|end))/.exec(a.err())?.[1];
    expect(resume).toBeDefined();

    const [next] = await c.submit({ queue: 'cli-watch' });
    const second = new AbortController();
    const b = runWatch(['--queue', 'cli-watch', '--after', resume as string, '--json'], second.signal);
    await poll(() => (b.out().includes('\n') ? true : undefined), { description: 'a JSON line' });
    second.abort();
    expect(await b.code).toBe(0);
    expect(JSON.parse(b.out().trim().split('\n')[0] as string)).toMatchObject({ type: 'submitted', jobId: next?.id, queue: 'cli-watch', ordinal: 0 });
  });
});

describe('Client.waitForResult', () => {
  it('waits on a watch of the job, subscribed before it reads the job, and returns the finished job', async () => {
    const c = client();
    const [job] = await c.submit({ queue: 'sdk-wait' });
    const id = job?.id as string;
    const watchersBefore = server.node.watchLog.size().watchers;
    const waiting = c.waitForResult(id, { timeoutMs: 20_000 });
    await poll(() => (server.node.watchLog.size().watchers > watchersBefore ? true : undefined), { description: 'the wait to watch the job' });
    await c.cancel(id, 'done waiting');
    const done = await waiting;
    expect(done.state).toBe('cancelled');
    await poll(() => (server.node.watchLog.size().watchers === watchersBefore ? true : undefined), { description: 'the watch to close' });
  });

  it('returns the job as it is when the time is up, at once when already finished, and NOT_FOUND for no job', async () => {
    const c = client();
    const [job] = await c.submit({ queue: 'sdk-wait-2' });
    const id = job?.id as string;
    expect((await c.waitForResult(id, { timeoutMs: 300 })).state).toBe('ready');
    await c.cancel(id);
    expect((await c.waitForResult(id, { timeoutMs: 60_000 })).state).toBe('cancelled');
    expect((await rejectionOf(c.waitForResult('nope', { timeoutMs: 1000 }))).code).toBe('NOT_FOUND');
  });
});

describe('Client.watch across nodes', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.create(3);
    for (const id of ['n1', 'n2', 'n3']) await cluster.start(id);
    await cluster.settled();
  });

  afterAll(async () => {
    await cluster?.close();
  });

  it('resumes on another node when the one it watches stops: every event once', async () => {
    const addresses = ['n1', 'n2', 'n3'].map((id) => cluster.address(id));
    const { leader } = await cluster.settled();
    // Watch through a follower, which then stops.
    const follower = ['n1', 'n2', 'n3'].find((id) => id !== leader.id) as string;
    const c = client([cluster.address(follower), ...addresses]);
    const w = c.watch({ queues: ['moving'], types: ['submitted'] });
    const seen = collect(w);
    await w.started;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(...(await c.submit([{ queue: 'moving' }, { queue: 'moving' }])).map((j) => j.id));
    await poll(() => (seen.events.length === 10 ? true : undefined), { description: 'ten events' });
    const watched = cluster.nodes().find((n) => n.id === follower)?.node;
    expect(watched?.watchLog.size().watchers).toBe(1);
    await cluster.stop(follower);
    for (let i = 0; i < 5; i++) ids.push(...(await c.submit([{ queue: 'moving' }, { queue: 'moving' }])).map((j) => j.id));
    await poll(() => (seen.events.length >= 20 ? true : undefined), { description: 'twenty events' });
    expect(seen.events.map((e) => e.jobId)).toEqual(ids);
    w.close();
  });
});
