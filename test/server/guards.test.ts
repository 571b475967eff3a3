/**
 * The resource guards on the wire (proto/jobs.proto, "Resource guards"), through raw gRPC on a
 * real one-node server: a unary Submit fails with RESOURCE_EXHAUSTED, `x-error-code:
 * LIMIT_EXCEEDED` and `x-limit`; a SubmitStream request is answered with the code and the stream
 * goes on; Admin.Status carries the guards; a disk floor above the real free space refuses too.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceClient } from '../../src/protocol/index.js';
import { startServer, type TestServer } from './harness.js';

type Msg = Record<string, unknown>;
type Unary = (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Msg) => void) => void;

const refusedBy = (err: unknown): { status: unknown; code: unknown; limit: unknown } => {
  const e = err as grpc.ServiceError;
  return { status: grpc.status[e.code], code: e.metadata.get('x-error-code')[0], limit: e.metadata.get('x-limit')[0] };
};

describe('resource guards on the wire', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  describe('past limits.maxBacklogJobs', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer({ limits: { maxBacklogJobs: 2 } });
      servers.push(server);
    });

    it('Submit fails with RESOURCE_EXHAUSTED naming the limit; the stream answers LIMIT_EXCEEDED and goes on; Admin.Status says why', async () => {
      const [first] = await server.submit('g', [Buffer.from('a'), Buffer.from('b')]);
      const err: unknown = await server.submit('g', [Buffer.from('c')]).then(() => null, (e: unknown) => e);
      expect(refusedBy(err)).toEqual({ status: 'RESOURCE_EXHAUSTED', code: 'LIMIT_EXCEEDED', limit: 'limits.maxBacklogJobs' });
      expect((err as grpc.ServiceError).details).toBe(
        'the cluster holds 2 not-finished jobs (scheduled, ready, leased) and this submit adds 1: over limits.maxBacklogJobs (2); submit again once workers have finished jobs',
      );

      const Jobs = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Jobs');
      const jobs = new Jobs(server.address, grpc.credentials.createInsecure()) as unknown as grpc.Client & { SubmitStream(): grpc.ClientDuplexStream<Msg, Msg> } & Record<string, Unary>;
      const Admin = serviceClient('admin.proto', 'raftjobs.admin.v1.Admin');
      const admin = new Admin(server.address, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, Unary>;
      try {
        const call = jobs.SubmitStream();
        call.on('error', () => undefined);
        const answers: Msg[] = [];
        call.on('data', (m: Msg) => answers.push(m));
        const answer = async (n: number): Promise<Msg> => {
          for (let i = 0; i < 200 && answers.length < n; i++) await new Promise((r) => setTimeout(r, 25));
          return answers[n - 1] ?? {};
        };
        call.write({ requestId: 1, jobs: [{ queue: 'g', payload: Buffer.from('c') }] });
        expect(await answer(1)).toMatchObject({ requestId: 1, jobs: [], code: 'LIMIT_EXCEEDED', limit: 'limits.maxBacklogJobs', message: expect.stringContaining('over limits.maxBacklogJobs (2)') as unknown });

        const status = await new Promise<Msg>((resolve, reject) => (admin['Status'] as Unary).call(admin, { skipDigest: true }, { deadline: Date.now() + 10_000 }, (e, r) => (e ? reject(e) : resolve(r ?? {}))));
        expect(status['guards']).toMatchObject({ backlogJobs: 2, maxBacklogJobs: 2, refusedLimit: 'limits.maxBacklogJobs', refusedReason: expect.stringContaining('at limits.maxBacklogJobs (2)') as unknown });

        // A cancel is never refused, and makes room: the same stream's next request is submitted.
        await new Promise<Msg>((resolve, reject) => (jobs['Cancel'] as Unary).call(jobs, { id: first }, { deadline: Date.now() + 10_000 }, (e, r) => (e ? reject(e) : resolve(r ?? {}))));
        call.write({ requestId: 2, jobs: [{ queue: 'g', payload: Buffer.from('c') }] });
        expect(await answer(2)).toMatchObject({ requestId: 2, code: '', limit: '', jobs: [{ duplicate: false }] });
        call.end();
      } finally {
        jobs.close();
        admin.close();
      }
    });
  });

  it('a free-disk floor above the real free space refuses submits, naming the data directory', async () => {
    const server = await startServer({ limits: { minFreeDiskBytes: 2 ** 50 } });
    servers.push(server);
    const err: unknown = await server.submit('d', [Buffer.from('x')]).then(() => null, (e: unknown) => e);
    expect(refusedBy(err)).toEqual({ status: 'RESOURCE_EXHAUSTED', code: 'LIMIT_EXCEEDED', limit: 'limits.minFreeDiskBytes' });
    expect((err as grpc.ServiceError).details).toMatch(/^the data directory of n1 \(.*\/data\/n1\) has \d+ bytes .* free, below limits\.minFreeDiskBytes \(1125899906842624 bytes \(1024\.0 TiB\)\)/);
    expect(server.node.query.backlog()).toEqual({ jobs: 0, payloadBytes: 0 });
  });
});
