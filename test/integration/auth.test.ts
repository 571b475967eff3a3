/**
 * Tokens and roles on a real three-node cluster with `auth.enabled` and its tokens in a file:
 * every refusal has the right status and code and leaves the log as it was; a follower forwards
 * the caller's token, not its own say-so; a token removed from the file and SIGHUP is refused
 * without a restart, and so is one removed from the file with no signal at all (the node watches
 * the file), while a token added works and a worker's stream stays open; the CLI takes --token.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ErrorCode, isRaftJobsError, Worker } from '../../src/index.js';
import { NodeAdmin } from '../../src/client/index.js';
import { generateToken, hashToken, type Role } from '../../src/config/index.js';
import { Cluster, poll, runCli } from '../helpers/index.js';

const TIMEOUT_MS = 60_000;

const TOKENS = {
  admin: generateToken(),
  reader: generateToken(),
  submitter: generateToken(),
  worker: generateToken(),
  leaving: generateToken(),
  leavingWorker: generateToken(),
  /** Not in the file at first: added by a rotation. */
  fresh: generateToken(),
};
const ROLES: Record<keyof typeof TOKENS, Role[]> = { admin: ['admin'], reader: ['read'], submitter: ['submit', 'read'], worker: ['work'], leaving: ['submit'], leavingWorker: ['work'], fresh: ['submit', 'read'] };

function writeTokens(dir: string, names: readonly (keyof typeof TOKENS)[]): void {
  const tokens = names.map((name) => ({ name, hash: hashToken(TOKENS[name]), roles: ROLES[name] }));
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ tokens }, null, 2));
}

let cluster: Cluster;
const clients: Client[] = [];
const workers: Worker[] = [];

function client(token: string | undefined, nodes: readonly string[] = cluster.nodes.map((n) => n.address)): Client {
  const c = new Client({ nodes, deadlineMs: 5000, ...(token !== undefined ? { token } : {}) });
  clients.push(c);
  return c;
}

/** The error `p` rejects with (the test fails if it resolves). */
async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; status: unknown }> {
  try {
    await p;
  } catch (err) {
    if (!isRaftJobsError(err)) throw err;
    return { code: err.code, message: err.message, status: (err.cause as { code?: unknown } | undefined)?.code };
  }
  throw new Error('the call was not refused');
}

/** Run `act`, then check that the cluster's log and job counts are as they were before it. */
async function leavesLogUnchanged(act: () => Promise<void>): Promise<void> {
  const admin = client(TOKENS.admin);
  const before = await cluster.waitForConvergence();
  const statsBefore = await admin.stats();
  await act();
  const after = await cluster.waitForConvergence();
  expect(after.commitIndex).toBe(before.commitIndex);
  expect(after.stateDigest).toBe(before.stateDigest);
  expect(await admin.stats()).toEqual(statsBefore);
}

beforeAll(async () => {
  // The file watch polls every 200 ms (default 1 s), to keep the rotation test short.
  cluster = await Cluster.create({ clusterId: 'auth', config: { auth: { enabled: true, tokensFile: './tokens.json' }, server: { fileWatchIntervalMs: 200 } }, token: TOKENS.admin });
  writeTokens(cluster.dir, (Object.keys(TOKENS) as (keyof typeof TOKENS)[]).filter((n) => n !== 'fresh'));
  await cluster.startAll();
  await cluster.waitForLeader();
  // A job to read, cancel and retry against.
  await client(TOKENS.submitter).submit({ queue: 'auth', payload: { n: 1 } });
}, TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close({ timeoutMs: 100, flushTimeoutMs: 100 })));
  for (const c of clients) c.close();
  await cluster?.cleanup();
});

describe('a cluster with auth on', () => {
  it('refuses a call without a token: UNAUTHENTICATED, nothing logged', { timeout: TIMEOUT_MS }, async () => {
    await leavesLogUnchanged(async () => {
      const r = await refusal(client(undefined).submit({ queue: 'auth' }));
      expect(r).toMatchObject({ code: ErrorCode.Unauthenticated, status: 16 });
      expect(r.message).toMatch(/a token is required/);
      expect((await refusal(client(undefined).stats())).code).toBe(ErrorCode.Unauthenticated);
    });
  });

  it('refuses a wrong token: UNAUTHENTICATED, nothing logged', { timeout: TIMEOUT_MS }, async () => {
    await leavesLogUnchanged(async () => {
      const r = await refusal(client(generateToken()).submit({ queue: 'auth' }));
      expect(r).toMatchObject({ code: ErrorCode.Unauthenticated, status: 16 });
      expect(r.message).toMatch(/not valid/);
    });
  });

  it('refuses a work token calling Submit or Cancel: PERMISSION_DENIED, nothing logged', { timeout: TIMEOUT_MS }, async () => {
    const [job] = (await client(TOKENS.admin).list({ queue: 'auth' })).jobs;
    expect(job).toBeDefined();
    await leavesLogUnchanged(async () => {
      const worker = client(TOKENS.worker);
      const submit = await refusal(worker.submit({ queue: 'auth' }));
      expect(submit).toMatchObject({ code: ErrorCode.PermissionDenied, status: 7 });
      expect(submit.message).toMatch(/token "worker" lacks the submit role/);
      expect(await refusal(worker.cancel(job?.id ?? ''))).toMatchObject({ code: ErrorCode.PermissionDenied, status: 7 });
      // A read token may read, not cancel.
      expect((await refusal(client(TOKENS.reader).cancel(job?.id ?? ''))).code).toBe(ErrorCode.PermissionDenied);
    });
  });

  it('a follower forwards the caller identity: a read token through it reads, and cannot submit', { timeout: TIMEOUT_MS }, async () => {
    const leader = await cluster.waitForLeader();
    const follower = cluster.nodes.find((n) => n.id !== leader.id);
    if (follower === undefined) throw new Error('no follower');
    // Linearizable reads are forwarded to the leader, which checks the token again.
    expect((await client(TOKENS.reader, [follower.address]).stats()).total.ready).toBeGreaterThanOrEqual(0);
    await leavesLogUnchanged(async () => {
      expect((await refusal(client(TOKENS.reader, [follower.address]).submit({ queue: 'auth' }))).code).toBe(ErrorCode.PermissionDenied);
    });
    // A submit token through the follower is forwarded as itself and lands.
    const [sent] = await client(TOKENS.submitter, [follower.address]).submit({ queue: 'auth', payload: { via: follower.id } });
    expect((await client(TOKENS.reader).get(sent?.id ?? '')).queue).toBe('auth');
  });

  it('the CLI takes --token, --token-file and RAFTJOBS_TOKEN', { timeout: TIMEOUT_MS }, async () => {
    const addresses = cluster.nodes.map((n) => n.address).join(',');
    const ok = await runCli(['stats', '--addresses', addresses, '--token', TOKENS.reader, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toHaveProperty('total');
    const file = join(cluster.dir, 'reader.token');
    writeFileSync(file, `${TOKENS.reader}\n`);
    expect((await runCli(['list', '--addresses', addresses, '--token-file', file, '--json'])).code).toBe(0);
    expect((await runCli(['status', '--addresses', addresses], { env: { RAFTJOBS_TOKEN: TOKENS.reader } })).code).toBe(0);
    const none = await runCli(['stats', '--addresses', addresses]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/a token is required/);
  });

  /** Leave only `keep` in the tokens file, send every node SIGHUP, and wait until each has reloaded on it. */
  async function revokeAllBut(keep: (keyof typeof TOKENS)[]): Promise<void> {
    writeTokens(cluster.dir, keep);
    // The file watch may reload first; the signal's own reload is the one awaited.
    const reloads = cluster.ids.map((id) => cluster.waitForLog(id, (r) => r['msg'] === 'tokens reloaded' && r['tokens'] === keep.length && r['trigger'] === 'SIGHUP', `${id} reloaded ${keep.length} tokens on SIGHUP`));
    for (const id of cluster.ids) cluster.process(id)?.signal('SIGHUP');
    await Promise.all(reloads);
  }
  const ALL = (Object.keys(TOKENS) as (keyof typeof TOKENS)[]).filter((n) => n !== 'fresh');

  it('a token removed from the tokens file is refused after SIGHUP, without a restart', { timeout: TIMEOUT_MS }, async () => {
    await client(TOKENS.leaving).submit({ queue: 'auth', payload: { before: 'revocation' } });
    const pids = cluster.ids.map((id) => cluster.pid(id));
    await revokeAllBut(ALL.filter((n) => n !== 'leaving'));
    await leavesLogUnchanged(async () => {
      expect((await refusal(client(TOKENS.leaving).submit({ queue: 'auth' }))).code).toBe(ErrorCode.Unauthenticated);
    });
    // The nodes were not restarted, and the other tokens still work.
    expect(cluster.ids.map((id) => cluster.pid(id))).toEqual(pids);
    expect((await client(TOKENS.submitter).submit({ queue: 'auth' })).length).toBe(1);
  });

  it('the open worker stream of a revoked token ends at its next message', { timeout: TIMEOUT_MS }, async () => {
    await client(TOKENS.submitter).submit({ queue: 'auth-work' });
    const refusals: string[] = [];
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    // It holds the job and heartbeats every second.
    const worker = new Worker({
      nodes: cluster.nodes.map((n) => n.address),
      queues: ['auth-work'],
      concurrency: 1,
      leaseTtlMs: 3000,
      token: TOKENS.leavingWorker,
      onError: (err) => refusals.push(err.code),
      handler: async (job) => {
        started();
        await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
        return null;
      },
    });
    workers.push(worker);
    await worker.start();
    await running;
    await revokeAllBut(ALL.filter((n) => n !== 'leaving' && n !== 'leavingWorker'));
    // Its stream ends at its next heartbeat, and its reconnects are refused.
    await poll(() => (refusals.includes(ErrorCode.Unauthenticated) ? true : undefined), { description: 'the revoked worker to be refused', timeoutMs: 20_000 });
  });

  it('a tokens file edited with no signal: the added token works, the removed one is refused, a worker stream stays open', { timeout: TIMEOUT_MS }, async () => {
    const pids = cluster.ids.map((id) => cluster.pid(id));
    const done: string[] = [];
    const worker = new Worker({ nodes: cluster.nodes.map((n) => n.address), queues: ['auth-rotate'], concurrency: 2, workerId: 'rotating', token: TOKENS.worker, handler: (job) => {
      done.push(job.id);
      return Promise.resolve('ok');
    } });
    workers.push(worker);
    await worker.start();
    const [first] = await client(TOKENS.submitter).submit({ queue: 'auth-rotate' });
    await poll(() => (done.includes(first?.id ?? '') ? true : undefined), { description: 'the worker to run a job before the rotation', timeoutMs: 20_000 });
    const leader = await cluster.waitForLeader();
    const admin = new NodeAdmin(leader.address, { token: TOKENS.admin });
    const session = async (): Promise<{ session: string | null; connectedAt: number; peer: string } | undefined> => {
      const w = (await admin.workers({ timeoutMs: 2000 })).workers.find((x) => x.workerId === 'rotating');
      return w === undefined ? undefined : { session: w.session, connectedAt: w.connectedAt, peer: w.peer };
    };
    try {
      const held = await poll(session, { description: 'the worker session at the leader', timeoutMs: 10_000 });

      // Rotation: "fresh" in, "submitter" out. No signal is sent.
      const earlier = new Set(cluster.ids.flatMap((id) => cluster.process(id)?.records ?? []));
      writeTokens(cluster.dir, ['admin', 'reader', 'worker', 'fresh']);
      const perNode = cluster.nodes.map((n) => ({ id: n.id, fresh: client(TOKENS.fresh, [n.address]), gone: client(TOKENS.submitter, [n.address]) }));
      await poll(
        async (observe) => {
          const seen = await Promise.all(
            perNode.map(async (n) => ({
              id: n.id,
              fresh: await n.fresh.stats().then(() => 'ok', (err: unknown) => (isRaftJobsError(err) ? err.code : String(err))),
              gone: await n.gone.stats().then(() => 'ok', (err: unknown) => (isRaftJobsError(err) ? err.code : String(err))),
            })),
          );
          observe(seen);
          return seen.every((n) => n.fresh === 'ok' && n.gone === ErrorCode.Unauthenticated) ? true : undefined;
        },
        { description: 'every node to accept the added token and refuse the removed one', timeoutMs: 20_000 },
      );
      for (const id of cluster.ids) await cluster.waitForLog(id, (r) => !earlier.has(r) && r['msg'] === 'tokens reloaded' && r['tokens'] === 4 && r['trigger'] === 'file change', `${id} reloading on the file change`);
      expect(cluster.ids.map((id) => cluster.pid(id))).toEqual(pids);

      // The worker kept its stream (same session, same connection) and still works.
      expect(await session()).toEqual(held);
      const [after] = await client(TOKENS.fresh).submit({ queue: 'auth-rotate' });
      await poll(() => (done.includes(after?.id ?? '') ? true : undefined), { description: 'the worker to run a job after the rotation', timeoutMs: 20_000 });
      expect(await session()).toEqual(held);
    } finally {
      admin.close();
    }
  });
});
