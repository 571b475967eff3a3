/**
 * The streams of proto/jobs.proto as a client built only from the .proto file sees them (grpc-js,
 * no SDK), against a real three-node cluster. Work: a WorkerBatch is handled as its messages one
 * by one; acks come one per message unless the Hello set batch_acks, and then together; a batch
 * inside a batch ends the stream with INVALID_ARGUMENT. SubmitStream: a follower refuses it with
 * the leader's address; the leader answers each request by id, an invalid one with its error code
 * while the stream stays open.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { Client } from '../../src/client/index.js';
import { serviceClient } from '../../src/protocol/index.js';
import { Cluster, poll } from '../helpers/index.js';

interface Ack {
  requestId: number;
  ok: boolean;
  code: string;
}
interface ServerMessage {
  body: 'leases' | 'ack' | 'heartbeat' | 'acks';
  leases: { jobs: { jobId: string; token: number }[] } | null;
  ack: Ack | null;
  acks: { acks: Ack[] } | null;
}

let cluster: Cluster;
let failed = false;
let leaderAddress = '';
let followerAddress = '';
const closers: (() => void)[] = [];

beforeAll(async () => {
  cluster = await Cluster.start({ size: 3, clusterId: 'wproto', tmpPrefix: 'raftjobs-worker-protocol-' });
  const leader = await cluster.waitForLeader();
  leaderAddress = leader.address;
  followerAddress = cluster.nodes.find((n) => n.address !== leaderAddress)?.address ?? '';
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  const dir = await cluster.cleanup(failed);
  if (failed) console.error(`stream protocol test failed; files kept in ${dir}`);
});

/** A bidirectional call that records everything it receives, its response headers and how it ended. */
interface Recorded<Out> {
  readonly call: grpc.ClientDuplexStream<Record<string, unknown>, Out>;
  readonly received: Out[];
  readonly headers: Promise<void>;
  readonly ended: Promise<grpc.StatusObject>;
}

/** Opens `method` of `service` (in jobs.proto) at `address`, recording it. */
function openCall<Out>(service: string, method: 'Work' | 'SubmitStream', address: string): Recorded<Out> {
  const Service = serviceClient('jobs.proto', `raftjobs.jobs.v1.${service}`);
  const stub = new Service(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, () => grpc.ClientDuplexStream<Record<string, unknown>, Out>>;
  const call = (stub[method] as () => grpc.ClientDuplexStream<Record<string, unknown>, Out>).call(stub);
  closers.push(() => {
    call.cancel();
    stub.close();
  });
  const received: Out[] = [];
  call.on('data', (m: Out) => received.push(m));
  call.on('error', () => undefined);
  const headers = new Promise<void>((resolve) => call.on('metadata', () => resolve()));
  const ended = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
  return { call, received, headers, ended };
}

/** A Work stream to the leader. */
function openStream(): Recorded<ServerMessage> {
  return openCall<ServerMessage>('Workers', 'Work', leaderAddress);
}

/** Submits `n` jobs to a fresh queue, says hello on a new stream and waits for all `n` leases. */
async function leasedJobs(queue: string, n: number, batchAcks: boolean): Promise<{ call: Recorded<ServerMessage>['call']; received: ServerMessage[]; leases: { jobId: string; token: number }[] }> {
  const client = new Client({ nodes: cluster.nodes.map((node) => node.address), deadlineMs: 15_000 });
  closers.push(() => client.close());
  await client.submit(Array.from({ length: n }, (_, i) => ({ queue, payload: { i } })));
  const { call, received } = openStream();
  call.write({ requestId: 0, hello: { workerId: `raw-${queue}`, queues: [queue], capacity: n, leaseTtlMs: 30_000, held: [], batchAcks } });
  const leases = await poll(
    (observe) => {
      const got = received.flatMap((m) => m.leases?.jobs ?? []);
      observe(got.length);
      return got.length >= n ? got : undefined;
    },
    { timeoutMs: 15_000 },
  );
  return { call, received, leases };
}

function completes(leases: readonly { jobId: string; token: number }[], firstRequestId: number): Record<string, unknown>[] {
  return leases.map((l, i) => ({ requestId: firstRequestId + i, complete: { jobId: l.jobId, token: l.token, result: Buffer.alloc(0), handlerMs: 1 } }));
}

function acksOf(received: readonly ServerMessage[]): Ack[] {
  return received.flatMap((m) => (m.ack ? [m.ack] : m.acks ? m.acks.acks : []));
}

describe('Work stream protocol, as a client of the .proto sees it', () => {
  it('a batch of completions without batch_acks: each handled, one ack message per completion', async () => {
    onTestFailed(() => void (failed = true));
    const { call, received, leases } = await leasedJobs('rawsingle', 3, false);
    call.write({ requestId: 0, batch: { messages: completes(leases, 10) } });
    const acks = await poll(() => (acksOf(received).length >= 3 ? acksOf(received) : undefined), { timeoutMs: 15_000 });
    expect(acks.map((a) => a.requestId).sort()).toEqual([10, 11, 12]);
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(received.some((m) => m.body === 'acks')).toBe(false);
  }, 60_000);

  it('with batch_acks, the acks of completions settled together come in one message', async () => {
    onTestFailed(() => void (failed = true));
    const { call, received, leases } = await leasedJobs('rawbatch', 20, true);
    call.write({ requestId: 0, batch: { messages: completes(leases, 100) } });
    const acks = await poll(() => (acksOf(received).length >= 20 ? acksOf(received) : undefined), { timeoutMs: 15_000 });
    expect(acks.map((a) => a.requestId).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
    expect(acks.every((a) => a.ok)).toBe(true);
    // Twenty completions sent in one message are committed in one entry and answered together.
    const ackMessages = received.filter((m) => m.body === 'ack' || m.body === 'acks');
    expect(ackMessages.length).toBeLessThan(20);
    expect(ackMessages.some((m) => m.body === 'acks')).toBe(true);
  }, 60_000);

  it('a batch inside a batch ends the stream with INVALID_ARGUMENT', async () => {
    onTestFailed(() => void (failed = true));
    const { call, ended } = openStream();
    call.write({ requestId: 0, hello: { workerId: 'raw-nested', queues: ['rawnested'], capacity: 1, leaseTtlMs: 0, held: [], batchAcks: true } });
    call.write({ requestId: 0, batch: { messages: [{ requestId: 0, batch: { messages: [] } }] } });
    const status = await ended;
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toMatch(/batch/);
  }, 30_000);
});

interface SubmitAnswer {
  requestId: number;
  jobs: { id: string; duplicate: boolean; state: string }[];
  code: string;
  message: string;
}
describe('SubmitStream, as a client of the .proto sees it', () => {
  it('a follower refuses the stream with UNAVAILABLE and the leader address', async () => {
    onTestFailed(() => void (failed = true));
    const { ended } = openCall<SubmitAnswer>('Jobs', 'SubmitStream', followerAddress);
    const status = await ended;
    expect(status.code).toBe(grpc.status.UNAVAILABLE);
    expect(status.metadata.get('x-error-code')).toEqual(['NOT_LEADER']);
    expect(status.metadata.get('x-leader-addr')).toEqual([leaderAddress]);
  }, 30_000);

  it('the leader answers each request by id; an invalid one gets INVALID_ARGUMENT and the stream goes on', async () => {
    onTestFailed(() => void (failed = true));
    const { call, received: answers, headers } = openCall<SubmitAnswer>('Jobs', 'SubmitStream', leaderAddress);
    await headers;
    call.write({ requestId: 7, jobs: [{ queue: 'rawstream', payload: Buffer.from('{"a":1}'), idempotencyKey: 'rs-1' }, { queue: 'rawstream', idempotencyKey: 'rs-2' }] });
    call.write({ requestId: 8, jobs: [{ queue: 'bad queue!' }] });
    call.write({ requestId: 9, jobs: [] });
    await poll(() => (answers.length >= 3 ? true : undefined), { timeoutMs: 15_000 });
    const by = new Map(answers.map((a) => [a.requestId, a]));
    expect(by.get(7)?.code).toBe('');
    expect(by.get(7)?.jobs).toHaveLength(2);
    expect(by.get(8)).toMatchObject({ code: 'INVALID_ARGUMENT', jobs: [] });
    expect(by.get(9)).toMatchObject({ code: 'INVALID_ARGUMENT', jobs: [] });
    // The same keys again on the same stream: the jobs already exist (J7).
    call.write({ requestId: 10, jobs: [{ queue: 'rawstream', idempotencyKey: 'rs-1' }] });
    await poll(() => (answers.length >= 4 ? true : undefined), { timeoutMs: 15_000 });
    const again = answers.find((a) => a.requestId === 10);
    expect(again?.jobs[0]).toMatchObject({ id: by.get(7)?.jobs[0]?.id, duplicate: true });
  }, 30_000);
});
