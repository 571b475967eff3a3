/**
 * The wire contract as proto/jobs.proto writes it down, checked through a client a client author
 * would build: @grpc/grpc-js and @grpc/proto-loader on the .proto files (snake_case fields, 64-bit
 * integers as strings), no SDK and nothing from src/:
 * - rejection style per call kind: a unary call fails with a gRPC status and `x-error-code`; a
 *   unary Heartbeat answers per lease (ok=false); a message on the Work stream is answered ok=false
 *   and the stream goes on;
 * - error messages name the request's fields as the .proto spells them;
 * - 0 means the default for lease TTLs, a negative TTL is INVALID_ARGUMENT like one that is too
 *   small;
 * - any uint64 token is accepted: one the cluster never issued is STALE_TOKEN or NOT_FOUND;
 * - bytes that are not a request message get INVALID_ARGUMENT, on unary calls and on streams;
 * - a completion re-sent after it committed is answered ok with "already recorded";
 * - NO_LEADER while no quorum runs, stale reads served locally meanwhile, and NOT_LEADER with the
 *   leader's address on a follower's Work stream while its unary calls are forwarded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../helpers/index.js';
import { startServer, TestCluster, type TestServer } from './harness.js';

/** What a client author knows from the .proto comments and the package: protocol 1, and the release. */
const PROTOCOL_VERSION = 1;
const PEER_PROTOCOL_VERSION = 1;
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

const PROTO_DIR = join(import.meta.dirname, '..', '..', 'proto');
/** What a client author would pick: field names as written, uint64 as strings (exact). */
const definition = protoLoader.loadSync([join(PROTO_DIR, 'jobs.proto'), join(PROTO_DIR, 'admin.proto')], {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const pkg = grpc.loadPackageDefinition(definition) as unknown as {
  raftjobs: {
    jobs: { v1: { Jobs: grpc.ServiceClientConstructor; Workers: grpc.ServiceClientConstructor } };
    admin: { v1: { Admin: grpc.ServiceClientConstructor } };
  };
};

type Msg = Record<string, unknown>;
type Answer = { ok: true; res: Msg; trailers: grpc.Metadata | null } | { ok: false; err: grpc.ServiceError };
type UnaryFn = (req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Msg) => void) => grpc.ClientUnaryCall;

/** A client of the Jobs, Workers and Admin services of one node. */
class ProtoClient {
  readonly jobs: grpc.Client;
  readonly workers: grpc.Client;
  readonly admin: grpc.Client;

  constructor(readonly address: string) {
    const creds = grpc.credentials.createInsecure();
    this.jobs = new pkg.raftjobs.jobs.v1.Jobs(address, creds);
    this.workers = new pkg.raftjobs.jobs.v1.Workers(address, creds);
    this.admin = new pkg.raftjobs.admin.v1.Admin(address, creds);
  }

  /** One unary call; resolves with the answer or the error, never rejects. */
  call(client: grpc.Client, method: string, req: object): Promise<Answer> {
    const fn = (client as unknown as Record<string, UnaryFn>)[method];
    if (fn === undefined) throw new Error(`no method ${method}`);
    return new Promise((resolve) => {
      // grpc-js runs the callback before it emits 'status' (which carries the trailers).
      let answer: { err: grpc.ServiceError | null; res: Msg | undefined } | null = null;
      const call = fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err, res) => (answer = { err, res }));
      call.on('status', (s: grpc.StatusObject) => {
        const a = answer ?? { err: null, res: undefined };
        resolve(a.err ? { ok: false, err: a.err } : { ok: true, res: a.res ?? {}, trailers: s.metadata });
      });
    });
  }

  async ok(client: grpc.Client, method: string, req: object): Promise<Msg> {
    const a = await this.call(client, method, req);
    if (!a.ok) throw new Error(`${method}: ${a.err.code} ${a.err.details}`);
    return a.res;
  }

  /** Sends `bytes` as the request of a unary method, as is. */
  raw(path: string, bytes: Buffer): Promise<grpc.ServiceError | null> {
    return new Promise((resolve) => {
      this.jobs.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, bytes, { deadline: Date.now() + 10_000 }, (err) => resolve(err));
    });
  }

  /** Opens a stream of `path` that sends Buffers as they are; resolves with its final status once it ends. */
  rawStream(path: string, messages: readonly Buffer[]): Promise<grpc.StatusObject> {
    const call = this.jobs.makeBidiStreamRequest(path, (b: Buffer) => b, (b: Buffer) => b, { deadline: Date.now() + 10_000 });
    return new Promise((resolve) => {
      call.on('data', () => undefined);
      call.on('error', () => undefined);
      call.on('status', resolve);
      for (const m of messages) call.write(m);
    });
  }

  close(): void {
    this.jobs.close();
    this.workers.close();
    this.admin.close();
  }
}

/** A Work stream in the .proto's own names. */
class WorkStream {
  readonly received: Msg[] = [];
  status: grpc.StatusObject | null = null;
  private readonly call: grpc.ClientDuplexStream<Msg, Msg>;
  private nextId = 1;

  constructor(client: ProtoClient) {
    this.call = (client.workers as unknown as { Work(): grpc.ClientDuplexStream<Msg, Msg> }).Work();
    this.call.on('data', (m: Msg) => this.received.push(m));
    this.call.on('error', () => undefined);
    this.call.on('status', (s: grpc.StatusObject) => (this.status = s));
  }

  send(body: Msg): string {
    const request_id = String(this.nextId++);
    this.call.write({ request_id, ...body });
    return request_id;
  }

  /** Waits for the message `pick` finds; fails at once if the stream ended. */
  until<T>(pick: (m: Msg) => T | undefined): Promise<T> {
    return poll(
      () => {
        for (const m of this.received) {
          const v = pick(m);
          if (v !== undefined) return v;
        }
        if (this.status !== null) throw new Error(`stream ended: ${this.status.code} ${this.status.details}`);
        return undefined;
      },
      { timeoutMs: 10_000, intervalMs: 10 },
    );
  }

  ack(requestId: string): Promise<Msg> {
    return this.until((m) => {
      const a = m['ack'] as Msg | null;
      return a && a['request_id'] === requestId ? a : undefined;
    });
  }

  ended(): Promise<grpc.StatusObject> {
    return poll(() => this.status ?? undefined, { timeoutMs: 10_000, intervalMs: 10 });
  }

  close(): void {
    this.call.cancel();
  }
}

function codeOf(md: grpc.Metadata | null | undefined): unknown {
  return md?.get('x-error-code')[0];
}

function expectError(a: Answer, status: grpc.status, code: string): grpc.ServiceError {
  if (a.ok) throw new Error(`expected ${code}, got an answer: ${JSON.stringify(a.res)}`);
  expect({ status: a.err.code, code: codeOf(a.err.metadata) }).toEqual({ status, code });
  return a.err;
}

const MAX_UINT64 = '18446744073709551615';

describe('one node', () => {
  let server: TestServer;
  let client: ProtoClient;
  const streams: WorkStream[] = [];
  beforeAll(async () => {
    server = await startServer();
    client = new ProtoClient(server.address);
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    client.close();
    await server.close();
  });

  const submit = async (queue: string, extra: Msg = {}): Promise<string> => {
    const res = await client.ok(client.jobs, 'Submit', { jobs: [{ queue, payload: Buffer.from('x'), ...extra }] });
    return (res['jobs'] as Msg[])[0]?.['id'] as string;
  };
  /** Submits one job to `queue` and leases it with the unary Lease call. */
  const leased = async (queue: string, ttlMs = '0'): Promise<{ id: string; token: string; ttl: string }> => {
    const id = await submit(queue);
    const res = await client.ok(client.workers, 'Lease', { worker_id: 'w', queues: [queue], max: 1, ttl_ms: ttlMs });
    const job = (res['jobs'] as Msg[])[0];
    expect(job?.['job_id']).toBe(id);
    return { id, token: job?.['token'] as string, ttl: job?.['ttl_ms'] as string };
  };
  const stream = (): WorkStream => {
    const s = new WorkStream(client);
    streams.push(s);
    return s;
  };

  describe('error messages name the fields as the .proto spells them', () => {
    it('Submit: every problem at once, each at its snake_case path', async () => {
      const err = expectError(
        await client.call(client.jobs, 'Submit', {
          jobs: [
            { queue: 'ok', payload: Buffer.from('x'), delay_ms: '-1', lease_ttl_ms: '1', max_attempts: -2, idempotency_key: 'k'.repeat(300) },
            { queue: 'ok', payload: Buffer.from('x'), delay_ms: '5', run_at_ms: '5', backoff: { type: 'exponential', initial_ms: '10', max_ms: '5' } },
          ],
        }),
        grpc.status.INVALID_ARGUMENT,
        'INVALID_ARGUMENT',
      );
      for (const path of ['jobs[0].delay_ms: must be >= 0', 'jobs[0].lease_ttl_ms: must be >= 100', 'jobs[0].max_attempts: must be >= 1', 'jobs[0].idempotency_key: must be 1..256 chars']) {
        expect(err.details).toContain(path);
      }
      expect(err.details).toContain('jobs[1].run_at_ms: cannot be combined with delay_ms');
      expect(err.details).toContain('jobs[1].backoff.max_ms: must be >= backoff.initial_ms');
      expect(err.details).not.toMatch(/[a-z][A-Z]/); // no camelCase name anywhere
    });

    it('Cancel and RetryDead name the job `id`; worker calls name `job_id` and `leases[i].job_id`', async () => {
      const long = 'j'.repeat(65);
      expect(expectError(await client.call(client.jobs, 'Cancel', { id: long }), grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT').details).toMatch(/^id: must be 1\.\.64 chars/);
      expect(expectError(await client.call(client.jobs, 'RetryDead', { id: long }), grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT').details).toMatch(/^id: must be 1\.\.64 chars/);
      expect(expectError(await client.call(client.workers, 'Complete', { job_id: '', token: '1' }), grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT').details).toBe('job_id: must be 1..64 chars');
      const hb = expectError(await client.call(client.workers, 'Heartbeat', { leases: [{ job_id: '', token: '0' }] }), grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
      expect(hb.details).toContain('leases[0].job_id: must be 1..64 chars');
      expect(hb.details).toContain('leases[0].token: must be >= 1');
      const lease = expectError(await client.call(client.workers, 'Lease', { worker_id: '', queues: ['bad queue'], max: 1 }), grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
      expect(lease.details).toContain('worker_id: must be 1..256 chars');
      expect(lease.details).toContain('queues[0]: must match [A-Za-z0-9._:-]{1,128}');
    });

    it('versions: the Welcome and Status name the protocol and release; a Hello of another protocol version ends the stream', async () => {
      const w = stream();
      w.send({ hello: { worker_id: 'versions', queues: ['versions'], capacity: 1, protocol_version: PROTOCOL_VERSION } });
      const welcome = await w.until((m) => (m['welcome'] as Msg | undefined) ?? undefined);
      expect(welcome).toMatchObject({ protocol_version: PROTOCOL_VERSION, server_version: PACKAGE_VERSION });
      const status = await client.ok(client.admin, 'Status', { skip_digest: true });
      expect(status).toMatchObject({ version: PACKAGE_VERSION, protocol_version: PROTOCOL_VERSION, peer_protocol_version: PEER_PROTOCOL_VERSION });
      const newer = stream();
      newer.send({ hello: { worker_id: 'versions', queues: ['versions'], capacity: 1, protocol_version: PROTOCOL_VERSION + 1 } });
      const ended = await newer.ended();
      expect({ status: ended.code, code: codeOf(ended.metadata) }).toEqual({ status: grpc.status.FAILED_PRECONDITION, code: 'PROTOCOL_MISMATCH' });
      expect(ended.details).toBe(`hello: protocol_version ${PROTOCOL_VERSION + 1} is not spoken by this server, which speaks ${PROTOCOL_VERSION} (raftjobs ${PACKAGE_VERSION})`);
    });

    it('on the streams too: a Work stream refusal, a Hello refusal and a SubmitStream answer', async () => {
      const w = stream();
      w.send({ hello: { worker_id: 'names', queues: ['names'], capacity: 1 } });
      await w.until((m) => m['welcome'] ?? undefined);
      const refused = await w.ack(w.send({ complete: { job_id: '', token: '1' } }));
      expect(refused).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: 'job_id: must be 1..64 chars' });
      const hbId = w.send({ heartbeat: { leases: [{ job_id: 'x', token: '1' }], ttl_ms: '-5' } });
      const hb = await w.until((m) => (m['heartbeat'] && m['request_id'] === hbId ? (m['heartbeat'] as Msg) : undefined));
      expect((hb['leases'] as Msg[])[0]).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: 'ttl_ms: must be >= 100' });

      const bad = stream();
      bad.send({ hello: { worker_id: 'names', queues: ['names'], capacity: 1, lease_ttl_ms: '-5', held: [{ job_id: '', token: '1' }] } });
      const ended = await bad.ended();
      expect({ status: ended.code, code: codeOf(ended.metadata) }).toEqual({ status: grpc.status.INVALID_ARGUMENT, code: 'INVALID_ARGUMENT' });
      expect(ended.details).toContain('lease_ttl_ms: must be >= 100');
      expect(ended.details).toContain('held[0].job_id: must be 1..64 chars');
      expect(ended.details).not.toMatch(/[a-z][A-Z]/);

      const call = (client.jobs as unknown as { SubmitStream(): grpc.ClientDuplexStream<Msg, Msg> }).SubmitStream();
      const answer = new Promise<Msg>((resolve) => call.on('data', resolve));
      call.on('error', () => undefined);
      call.write({ request_id: '7', jobs: [{ queue: 'ok', payload: Buffer.from('x'), delay_ms: '-1' }] });
      expect(await answer).toMatchObject({ request_id: '7', code: 'INVALID_ARGUMENT', message: 'jobs[0].delay_ms: must be >= 0' });
      call.end();
    });
  });

  describe('lease TTLs: 0 is the default, a negative one is refused like one too small', () => {
    it('Lease ttl_ms', async () => {
      for (const ttl of ['-5', '1']) {
        const err = expectError(await client.call(client.workers, 'Lease', { worker_id: 'w', queues: ['ttl'], max: 1, ttl_ms: ttl }), grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
        expect(err.details).toBe('ttl_ms: must be >= 100');
      }
      const { ttl } = await leased('ttl', '0');
      expect(ttl).toBe('30000'); // jobs.defaultLeaseTtlMs
    });

    it('Heartbeat ttl_ms and JobSpec.lease_ttl_ms', async () => {
      const { id, token } = await leased('ttl-hb', '5000');
      for (const ttl of ['-5', '1']) {
        const err = expectError(await client.call(client.workers, 'Heartbeat', { leases: [{ job_id: id, token }], ttl_ms: ttl }), grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
        expect(err.details).toBe('ttl_ms: must be >= 100');
      }
      const before = server.job(id).lease?.expiresAt ?? 0;
      const res = await client.ok(client.workers, 'Heartbeat', { leases: [{ job_id: id, token }], ttl_ms: '0' });
      const [result] = res['leases'] as Msg[];
      expect(result).toMatchObject({ job_id: id, ok: true });
      // 0: the lease's own TTL (5000 ms as granted), from the leader's time now.
      expect(Number(result?.['expires_at_ms'])).toBe(Number(res['server_time_ms']) + 5000);
      expect(Number(result?.['expires_at_ms'])).toBeGreaterThanOrEqual(before);
      for (const ttl of ['-5', '1']) {
        const err = expectError(await client.call(client.jobs, 'Submit', { jobs: [{ queue: 'ttl', payload: Buffer.from('x'), lease_ttl_ms: ttl }] }), grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
        expect(err.details).toBe('jobs[0].lease_ttl_ms: must be >= 100');
      }
    });
  });

  describe('tokens over the whole uint64 range', () => {
    it('a token the cluster never issued is STALE_TOKEN on a leased job, NOT_FOUND for no job', async () => {
      const { id, token } = await leased('huge');
      for (const method of ['Complete', 'Fail', 'Progress']) {
        const err = expectError(await client.call(client.workers, method, { job_id: id, token: MAX_UINT64, percent: 1 }), grpc.status.FAILED_PRECONDITION, 'STALE_TOKEN');
        expect(err.details).toContain(`job ${id} is leased under token ${token}`);
        expect(err.metadata.get('x-job-id'), method).toEqual([id]);
      }
      expectError(await client.call(client.workers, 'Complete', { job_id: 'nosuchjob', token: MAX_UINT64 }), grpc.status.NOT_FOUND, 'NOT_FOUND');
      const hb = await client.ok(client.workers, 'Heartbeat', { leases: [{ job_id: id, token: MAX_UINT64 }, { job_id: id, token }] });
      expect((hb['leases'] as Msg[]).map((l) => [l['ok'], l['code']])).toEqual([
        [false, 'STALE_TOKEN'],
        [true, ''],
      ]);
      expect(server.job(id).state).toBe('leased');
    });

    it('a huge duration is refused by its range, naming the field', async () => {
      const err = expectError(await client.call(client.jobs, 'Submit', { jobs: [{ queue: 'huge', payload: Buffer.from('x'), delay_ms: '9223372036854775807' }] }), grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
      expect(err.details).toMatch(/^jobs\[0\]\.delay_ms: must be <= \d+$/);
    });
  });

  describe('bytes that are not a request message', () => {
    const garbage = Buffer.from([0xff, 0xff, 0xff]);
    it('get INVALID_ARGUMENT on unary calls of every service', async () => {
      for (const path of ['/raftjobs.jobs.v1.Jobs/Submit', '/raftjobs.jobs.v1.Workers/Complete', '/raftjobs.admin.v1.Admin/Status']) {
        const err = await client.raw(path, garbage);
        expect({ path, status: err?.code, code: codeOf(err?.metadata) }).toEqual({ path, status: grpc.status.INVALID_ARGUMENT, code: 'INVALID_ARGUMENT' });
      }
    });

    it('end the Work and SubmitStream streams with INVALID_ARGUMENT', async () => {
      for (const path of ['/raftjobs.jobs.v1.Workers/Work', '/raftjobs.jobs.v1.Jobs/SubmitStream']) {
        const status = await client.rawStream(path, [garbage]);
        expect({ path, status: status.code, code: codeOf(status.metadata) }).toEqual({ path, status: grpc.status.INVALID_ARGUMENT, code: 'INVALID_ARGUMENT' });
      }
      // The node still serves.
      expect(await submit('after-garbage')).toMatch(/./);
    });
  });

  describe('rejection style of each call kind', () => {
    it('unary Complete, Fail, Progress fail with a status; unary Heartbeat answers per lease; the stream answers ok=false and goes on', async () => {
      const { id, token } = await leased('style');
      const stale = String(Number(token) + 1000);
      for (const method of ['Complete', 'Fail', 'Progress']) {
        expectError(await client.call(client.workers, method, { job_id: id, token: stale, percent: 1 }), grpc.status.FAILED_PRECONDITION, 'STALE_TOKEN');
      }
      const hb = await client.ok(client.workers, 'Heartbeat', { leases: [{ job_id: id, token: stale }] });
      expect((hb['leases'] as Msg[])[0]).toMatchObject({ job_id: id, ok: false, code: 'STALE_TOKEN' });

      const w = stream();
      w.send({ hello: { worker_id: 'style', queues: ['style-stream'], capacity: 1 } });
      await w.until((m) => m['welcome'] ?? undefined);
      for (const body of [{ complete: { job_id: id, token: stale } }, { fail: { job_id: id, token: stale, error: 'e' } }, { progress: { job_id: id, token: stale, percent: 1 } }]) {
        expect(await w.ack(w.send(body))).toMatchObject({ ok: false, code: 'STALE_TOKEN' });
      }
      const hbId = w.send({ heartbeat: { leases: [{ job_id: id, token: stale }] } });
      const answer = await w.until((m) => (m['heartbeat'] && m['request_id'] === hbId ? (m['heartbeat'] as Msg) : undefined));
      expect((answer['leases'] as Msg[])[0]).toMatchObject({ ok: false, code: 'STALE_TOKEN' });
      // The stream goes on: a job submitted now is pushed to it.
      const next = await submit('style-stream');
      expect(await w.until((m) => ((m['leases'] as Msg | null)?.['jobs'] as Msg[] | undefined)?.find((j) => j['job_id'] === next))).toBeDefined();
      // A successful unary Ack is always ok=true.
      expect(await client.ok(client.workers, 'Complete', { job_id: id, token })).toMatchObject({ ok: true, code: '', state: 'succeeded' });
    });
  });

  describe('a completion re-sent after it committed', () => {
    it('is answered ok with "already recorded", unary and on the stream', async () => {
      const { id, token } = await leased('again');
      expect(await client.ok(client.workers, 'Complete', { job_id: id, token, result: Buffer.from('r') })).toMatchObject({ ok: true, message: '', state: 'succeeded' });
      expect(await client.ok(client.workers, 'Complete', { job_id: id, token, result: Buffer.from('r') })).toMatchObject({ ok: true, message: 'already recorded', state: 'succeeded' });
      const w = stream();
      w.send({ hello: { worker_id: 'again', queues: ['again'], capacity: 1 } });
      await w.until((m) => m['welcome'] ?? undefined);
      expect(await w.ack(w.send({ complete: { job_id: id, token } }))).toMatchObject({ ok: true, code: '', message: 'already recorded', state: 'succeeded' });
      // Only the same outcome is "already recorded": a failure of the completed attempt is stale.
      expectError(await client.call(client.workers, 'Fail', { job_id: id, token, error: 'late' }), grpc.status.FAILED_PRECONDITION, 'STALE_TOKEN');
    });
  });
});

describe('leadership', () => {
  let cluster: TestCluster;
  const clients: ProtoClient[] = [];
  beforeAll(async () => {
    cluster = await TestCluster.create(2);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await cluster.close();
  });

  it('NO_LEADER while no quorum runs (stale reads are served); NOT_LEADER with the leader address on a follower stream, forwarded unary calls', async () => {
    const n1 = await cluster.start('n1');
    const c1 = new ProtoClient(n1.address);
    clients.push(c1);
    const err = expectError(await c1.call(c1.jobs, 'Submit', { jobs: [{ queue: 'q', payload: Buffer.from('x') }] }), grpc.status.UNAVAILABLE, 'NO_LEADER');
    expect(err.metadata.get('x-leader-addr')).toEqual([]);
    expectError(await c1.call(c1.jobs, 'Get', { id: 'nosuchjob' }), grpc.status.UNAVAILABLE, 'NO_LEADER');
    expectError(await c1.call(c1.jobs, 'Get', { id: 'nosuchjob', stale: true }), grpc.status.NOT_FOUND, 'NOT_FOUND');
    const lonely = new WorkStream(c1);
    lonely.send({ hello: { worker_id: 'w', queues: ['q'], capacity: 1 } });
    const ended = await lonely.ended();
    expect({ status: ended.code, code: codeOf(ended.metadata) }).toEqual({ status: grpc.status.UNAVAILABLE, code: 'NO_LEADER' });

    await cluster.start('n2');
    const { leader, followers } = await cluster.settled();
    const follower = followers[0];
    if (!follower) throw new Error('no follower');
    const cf = new ProtoClient(follower.address);
    clients.push(cf);
    const w = new WorkStream(cf);
    w.send({ hello: { worker_id: 'w', queues: ['q'], capacity: 1 } });
    const redirected = await w.ended();
    expect({ status: redirected.code, code: codeOf(redirected.metadata), addr: redirected.metadata.get('x-leader-addr'), id: redirected.metadata.get('x-leader-id') }).toEqual({
      status: grpc.status.UNAVAILABLE,
      code: 'NOT_LEADER',
      addr: [leader.address],
      id: [leader.id],
    });
    // Unary calls to a follower are forwarded, and the answer carries the leader's address.
    const submitted = await cf.call(cf.jobs, 'Submit', { jobs: [{ queue: 'q', payload: Buffer.from('x') }] });
    if (!submitted.ok) throw new Error(`forwarded submit failed: ${submitted.err.details}`);
    expect(submitted.trailers?.get('x-leader-addr')).toEqual([leader.address]);
  });
});
