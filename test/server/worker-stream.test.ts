/**
 * The server side of the Work stream on a real node, through a raw grpc-js client built from
 * proto/jobs.proto:
 * - a refused report (a result over the limit, progress 150, a heartbeat of too many leases) is
 *   answered with INVALID_ARGUMENT naming the field and limit, and the stream keeps working;
 * - the Welcome carries the server's bounds; lease pushes fit gRPC's default 4 MiB receive limit;
 * - with limits.maxBatchSize below a worker's capacity every job is still leased, without the log
 *   racing ahead;
 * - sessions: two sessions of one worker id do not disturb each other; a session that reconnects
 *   gets back unstarted what it never received; a stream that breaks without a goodbye has its
 *   leases abandoned after the connection grace, a clean end at once.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceClient } from '../../src/protocol/index.js';
import { poll as pollFor } from '../helpers/index.js';
import { RawWorker, startServer, type TestServer } from './harness.js';

const MiB = 1024 * 1024;
type Unary = (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Record<string, unknown>) => void) => void;
const open: RawWorker[] = [];

function worker(server: TestServer, options?: ConstructorParameters<typeof RawWorker>[1]): RawWorker {
  const w = new RawWorker(server.address, options);
  open.push(w);
  return w;
}

afterAll(() => {
  for (const w of open.splice(0)) w.close();
});

describe('refused reports are answered; the stream stays', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('the Welcome answers the hello with the session and the server bounds', async () => {
    const w = worker(server);
    w.hello({ workerId: 'welcome', queues: ['welcome'], capacity: 1 });
    const welcome = await w.until(() => w.welcome());
    expect(welcome['sessionId']).toMatch(/^anon-/);
    expect(welcome).toMatchObject({ maxLeasesPerMessage: 1000, maxResultBytes: MiB, maxErrorLength: 16_384, connectionGraceMs: 10_000 });
    expect(welcome['maxMessageBytes']).toBe(8 * MiB + 64 * 1024);
    expect(welcome['serverTimeMs']).toBeGreaterThan(0);
    const named = worker(server);
    named.hello({ workerId: 'welcome', queues: ['welcome'], capacity: 1, sessionId: 'my-session' });
    expect((await named.until(() => named.welcome()))['sessionId']).toBe('my-session');
  });

  it('a result over 1 MiB and progress 150 get refusals with the field and limit; the worker keeps getting leases', async () => {
    const [first] = await server.submit('big-result', [Buffer.from('a')]);
    const w = worker(server);
    w.hello({ workerId: 'big', queues: ['big-result'], capacity: 1 });
    const [lease] = await w.untilLeases(1);
    expect(lease?.jobId).toBe(first);
    const tooBig = w.send({ complete: { jobId: lease!.jobId, token: lease!.token, result: Buffer.alloc(MiB + 1) } });
    const refused = await w.until(() => w.ack(tooBig));
    expect(refused).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(refused.message).toMatch(/result: must be at most 1048576 bytes \(maxResultBytes\)/);
    const progress = w.send({ progress: { jobId: lease!.jobId, token: lease!.token, percent: 150, message: '' } });
    expect((await w.until(() => w.ack(progress))).message).toMatch(/percent: must be <= 100/);
    const longError = w.send({ fail: { jobId: lease!.jobId, token: lease!.token, error: 'e'.repeat(16_385), noRetry: false } });
    expect(await w.until(() => w.ack(longError))).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(server.job(first!).state).toBe('leased');
    // The worker fails the job instead; the slot is free and the next job is pushed on the same stream.
    const [second] = await server.submit('big-result', [Buffer.from('b')]);
    const fail = w.send({ fail: { jobId: lease!.jobId, token: lease!.token, error: 'result too large', noRetry: true } });
    expect(await w.until(() => w.ack(fail))).toMatchObject({ ok: true });
    const leases = await w.untilLeases(2);
    expect(leases[1]?.jobId).toBe(second);
    const done = w.send({ complete: { jobId: second!, token: leases[1]!.token, result: Buffer.from('ok') } });
    expect(await w.until(() => w.ack(done))).toMatchObject({ ok: true });
    expect(w.status).toBeNull();
  });

  it('a heartbeat of 1200 leases: every lease refused with INVALID_ARGUMENT, the stream stays and the leases are not lost', async () => {
    const [id] = await server.submit('hb', [Buffer.from('x')]);
    const w = worker(server);
    w.hello({ workerId: 'hb', queues: ['hb'], capacity: 1 });
    const [lease] = await w.untilLeases(1);
    const refs = Array.from({ length: 1200 }, (_, i) => (i === 0 ? { jobId: lease!.jobId, token: lease!.token } : { jobId: `zz${String(i).padStart(8, '0')}`, token: i }));
    const big = w.send({ heartbeat: { leases: refs, ttlMs: 0 } });
    const answer = await w.until(() => w.heartbeatAnswer(big));
    expect(answer.leases).toHaveLength(1200);
    expect(answer.leases.every((l) => !l.ok && l.code === 'INVALID_ARGUMENT' && /leases: must be an array of 1\.\.1000/.test(l.message))).toBe(true);
    const badTtl = w.send({ heartbeat: { leases: [refs[0]], ttlMs: 5 } });
    expect((await w.until(() => w.heartbeatAnswer(badTtl))).leases[0]).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    const ok = w.send({ heartbeat: { leases: [refs[0]], ttlMs: 0 } });
    const fine = await w.until(() => w.heartbeatAnswer(ok));
    expect(fine.leases[0]).toMatchObject({ ok: true });
    expect(fine.serverTimeMs).toBeGreaterThan(0);
    expect(server.job(id!).state).toBe('leased');
    expect(w.status).toBeNull();
  });

  it('a lease push of many 1 MiB payloads comes in messages of at most 4 MiB, to a client with the default receive limit', async () => {
    const payload = Buffer.alloc(MiB - 200, 7);
    const ids = await server.submit('heavy', Array.from({ length: 10 }, () => payload));
    // No receive limit raised: gRPC's default is 4 MiB.
    const w = worker(server);
    w.hello({ workerId: 'heavy', queues: ['heavy'], capacity: 10 });
    const leases = await w.untilLeases(10);
    expect(leases.map((l) => l.jobId).sort()).toEqual([...ids].sort());
    const pushes = w.received.map((m, i) => ({ m, size: w.sizes[i] ?? 0 })).filter((x) => x.m.leases);
    expect(pushes.length).toBeGreaterThanOrEqual(3);
    for (const p of pushes) {
      expect(p.size).toBeLessThanOrEqual(4 * MiB);
      expect(p.m.leases?.serverTimeMs).toBeGreaterThan(0);
    }
    expect(w.status).toBeNull();
  });
});

describe('limits.maxBatchSize below a worker capacity', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ limits: { maxBatchSize: 5 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('capacity 20 with batches of 5: all 10 jobs are leased and the commit index does not race', async () => {
    const ids = await server.submit('small-batches', Array.from({ length: 10 }, (_, i) => Buffer.from(`job ${i}`)));
    const before = server.node.status({ digest: false }).commitIndex;
    const w = worker(server);
    w.hello({ workerId: 'wide', queues: ['small-batches'], capacity: 20 });
    expect((await w.until(() => w.welcome()))['maxLeasesPerMessage']).toBe(5);
    const leases = await w.untilLeases(10);
    expect(leases.map((l) => l.jobId).sort()).toEqual([...ids].sort());
    // Nothing is left to lease: the dispatcher goes quiet. A few entries (the release, a lease or
    // two per batch of 5) rather than one refused proposal after another.
    const ping = w.send({ heartbeat: { leases: [{ jobId: leases[0]!.jobId, token: leases[0]!.token }], ttlMs: 0 } });
    await w.until(() => w.heartbeatAnswer(ping));
    expect(server.node.status({ digest: false }).commitIndex - before).toBeLessThan(20);
  });
});

describe('worker sessions', () => {
  let server: TestServer;
  const graceMs = 400;
  beforeAll(async () => {
    server = await startServer({ server: { workerConnectionGraceMs: graceMs } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('two live sessions of one worker id keep their own leases; a release naming the other session lease is ignored', async () => {
    const [a, b] = await server.submit('shared-id', [Buffer.from('a'), Buffer.from('b')]);
    const one = worker(server);
    one.hello({ workerId: 'pod-1', queues: ['shared-id'], capacity: 1, sessionId: 'boot-1' });
    const [la] = await one.untilLeases(1);
    expect(la?.jobId).toBe(a);
    // A second process under the same worker id (a restart under a fixed pod name, or a mistake).
    const two = worker(server);
    two.hello({ workerId: 'pod-1', queues: ['shared-id'], capacity: 1, sessionId: 'boot-2' });
    const [lb] = await two.untilLeases(1);
    expect(lb?.jobId).toBe(b);
    expect(server.job(a!)).toMatchObject({ state: 'leased', attempts: 1 });
    const stolen = two.send({ release: { leases: [{ jobId: la!.jobId, token: la!.token }] } });
    const ack = await two.until(() => two.ack(stolen));
    expect(ack.ok).toBe(true);
    expect(ack.message).toMatch(/ignored 1 of 1/);
    expect(server.job(a!).state).toBe('leased');
    // Admin.Workers lists both, told apart by their sessions, each with its own lease.
    const Admin = serviceClient('admin.proto', 'raftjobs.admin.v1.Admin');
    const admin = new Admin(server.address, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, Unary>;
    try {
      const listed = await new Promise<Record<string, unknown>>((resolve, reject) =>
        (admin['Workers'] as Unary).call(admin, {}, { deadline: Date.now() + 10_000 }, (err, r) => (err ? reject(err) : resolve(r ?? {}))),
      );
      const pods = (listed['workers'] as { workerId: string; sessionId: string; held: { jobId: string }[] }[]).filter((w) => w.workerId === 'pod-1');
      expect(pods.map((w) => [w.sessionId, w.held.map((h) => h.jobId)]).sort()).toEqual([
        ['boot-1', [a]],
        ['boot-2', [b]],
      ]);
    } finally {
      admin.close();
    }
    // Each completes its own job: one attempt each.
    const c1 = one.send({ complete: { jobId: a!, token: la!.token, result: Buffer.alloc(0) } });
    const c2 = two.send({ complete: { jobId: b!, token: lb!.token, result: Buffer.alloc(0) } });
    expect(await one.until(() => one.ack(c1))).toMatchObject({ ok: true });
    expect(await two.until(() => two.ack(c2))).toMatchObject({ ok: true });
    expect(server.job(a!).history).toHaveLength(1);
    expect(server.job(b!).history).toHaveLength(1);
  });

  it('an explicit release gives leases back unstarted: the job is leased again with the same attempt number', async () => {
    const [id] = await server.submit('give-back', [Buffer.from('x')], { maxAttempts: 1 });
    const w = worker(server);
    w.hello({ workerId: 'giver', queues: ['give-back'], capacity: 1, sessionId: 'giver-1' });
    const [l] = await w.untilLeases(1);
    w.send({ hello: { workerId: 'giver', queues: ['give-back'], capacity: 0, leaseTtlMs: 0, held: [], batchAcks: false, sessionId: '' } });
    const r = w.send({ release: { leases: [{ jobId: l!.jobId, token: l!.token }] } });
    expect(await w.until(() => w.ack(r))).toMatchObject({ ok: true, message: '' });
    expect(server.job(id!)).toMatchObject({ state: 'ready', attempts: 0, attemptLimit: 1 });
    expect(server.job(id!).history.at(-1)).toMatchObject({ outcome: 'released', workerId: 'giver' });
  });

  it('a stream that breaks without a goodbye: its leases are abandoned after the grace (one attempt used), unless the session reconnects', async () => {
    const [lost, kept] = await server.submit('crash', [Buffer.from('lost'), Buffer.from('kept')], { maxAttempts: 3 });
    const dies = worker(server);
    dies.hello({ workerId: 'crasher', queues: ['crash'], capacity: 1, sessionId: 'dies' });
    const [l1] = await dies.untilLeases(1);
    const blips = worker(server);
    blips.hello({ workerId: 'crasher', queues: ['crash'], capacity: 1, sessionId: 'blips' });
    const [l2] = await blips.untilLeases(1);
    expect([l1?.jobId, l2?.jobId]).toEqual([lost, kept]);
    // The network blips for one session (it reconnects with its session and lists its lease), the
    // other process dies.
    blips.cancel();
    dies.cancel();
    const back = worker(server);
    back.hello({ workerId: 'crasher', queues: ['crash'], capacity: 1, sessionId: 'blips', held: [{ jobId: l2!.jobId, token: l2!.token }] });
    await back.until(() => back.welcome());
    const abandoned = await back.until(() => (server.job(lost!).state !== 'leased' ? server.job(lost!) : undefined), 5_000);
    expect(abandoned).toMatchObject({ attempts: 1 });
    expect(abandoned.history.at(-1)).toMatchObject({ outcome: 'abandoned', workerId: 'crasher' });
    // Ready at once (no backoff); the only stream serving the queue has no free slot.
    expect(abandoned.state).toBe('ready');
    expect(server.job(kept!)).toMatchObject({ state: 'leased', attempts: 1 });
    const done = back.send({ complete: { jobId: kept!, token: l2!.token, result: Buffer.alloc(0) } });
    expect(await back.until(() => back.ack(done))).toMatchObject({ ok: true });
  });

  it('a session that reconnects without listing a lease it never received gets it back unstarted', async () => {
    const [id] = await server.submit('undelivered', [Buffer.from('x')], { maxAttempts: 1 });
    const first = worker(server);
    first.hello({ workerId: 'flaky', queues: ['undelivered'], capacity: 1, sessionId: 'flaky-1' });
    await first.untilLeases(1);
    first.cancel();
    // Same process, new stream: it never saw the lease (say it was lost in the broken stream).
    const again = worker(server);
    again.hello({ workerId: 'flaky', queues: ['undelivered'], capacity: 1, sessionId: 'flaky-1' });
    const [l] = await again.untilLeases(1);
    expect(l).toMatchObject({ jobId: id, attempt: 1 });
    expect(server.job(id!).history.map((h) => h.outcome)).toEqual(['released', 'running']);
  });

  it('a lease taken with the unary Lease call belongs to no session: a Hello and a clean end of the same worker id leave it alone', async () => {
    const [id] = await server.submit('unary', [Buffer.from('u')]);
    const Workers = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Workers');
    const c = new Workers(server.address, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, Unary>;
    try {
      const res = await new Promise<Record<string, unknown>>((resolve, reject) =>
        (c['Lease'] as Unary).call(c, { workerId: 'mixed', queues: ['unary'], max: 1, waitMs: 5000 }, { deadline: Date.now() + 10_000 }, (err, r) => (err ? reject(err) : resolve(r ?? {}))),
      );
      expect((res['jobs'] as { jobId: string }[])[0]?.jobId).toBe(id);
    } finally {
      c.close();
    }
    const w = worker(server);
    w.hello({ workerId: 'mixed', queues: ['other'], capacity: 1, sessionId: 'mixed-1' });
    await w.until(() => w.welcome());
    w.goodbye();
    await pollFor(() => (w.status !== null ? true : undefined), { timeoutMs: 5_000, intervalMs: 10 });
    expect(server.job(id!)).toMatchObject({ state: 'leased', attempts: 1 });
  });

  it('a half-close without a Hello announcing capacity 0 first is a break, not a goodbye: the session keeps its leases for the grace', async () => {
    const long = await startServer({ server: { workerConnectionGraceMs: 600_000 } });
    try {
      const [id] = await long.submit('halfclose', [Buffer.from('x')]);
      const w = new RawWorker(long.address);
      open.push(w);
      w.hello({ workerId: 'halfcloser', queues: ['halfclose'], capacity: 1, sessionId: 'hc-1' });
      await w.untilLeases(1);
      w.halfClose();
      // The server ends the stream once it has judged the end; an abandon would be proposed then,
      // so a submit proposed after the stream's status commits after it.
      await pollFor(() => w.status ?? undefined, { timeoutMs: 10_000, intervalMs: 10 });
      await long.submit('halfclose-marker', [Buffer.from('m')]);
      expect(long.job(id!)).toMatchObject({ state: 'leased', attempts: 1 });
    } finally {
      await long.close();
    }
  });

  it('a clean end (half-close after the goodbye) abandons the session leases at once, keeping their place', async () => {
    const long = await startServer({ server: { workerConnectionGraceMs: 600_000 } });
    try {
      const [id] = await long.submit('bye', [Buffer.from('x')], { maxAttempts: 2 });
      const w = new RawWorker(long.address);
      open.push(w);
      w.hello({ workerId: 'leaver', queues: ['bye'], capacity: 1, sessionId: 'leaver-1' });
      await w.untilLeases(1);
      const later = await long.submit('bye', [Buffer.from('later')]);
      w.goodbye();
      const job = await pollFor(() => (long.job(id!).state === 'ready' ? long.job(id!) : undefined), { timeoutMs: 10_000, intervalMs: 10 });
      expect(job).toMatchObject({ attempts: 1 });
      expect(job.history.at(-1)).toMatchObject({ outcome: 'abandoned' });
      // Ahead of the job submitted while it ran.
      const next = new RawWorker(long.address);
      open.push(next);
      next.hello({ workerId: 'next', queues: ['bye'], capacity: 1 });
      const [l] = await next.untilLeases(1);
      expect(l?.jobId).toBe(id);
      expect(later).toHaveLength(1);
    } finally {
      await long.close();
    }
  });

  it('the slots of a full worker follow the log: a lease cancelled, then one that expires, each frees its slot for the next job', async () => {
    const [first, second, third] = await server.submit('slots', [Buffer.from('1'), Buffer.from('2'), Buffer.from('3')], { leaseTtlMs: 1000 });
    const w = worker(server);
    w.hello({ workerId: 'full', queues: ['slots'], capacity: 1, sessionId: 'full-1' });
    const [a] = await w.untilLeases(1);
    expect(a?.jobId).toBe(first);
    // Cancelled by an operator: the worker never reports it, yet its slot is free again.
    expect(await server.node.propose({ type: 'cancel', jobId: first! })).toMatchObject({ ok: true });
    const [, b] = await w.untilLeases(2);
    expect(b?.jobId).toBe(second);
    // Never heartbeated: the lease expires after its 1 s TTL, and the slot takes the third job.
    const [, , c] = await w.untilLeases(3, 15_000);
    expect(c?.jobId === third || c?.jobId === second).toBe(true);
    expect(server.job(second!).history[0]).toMatchObject({ outcome: 'expired' });
  });
});
