/**
 * The Work stream as a client built only from proto/jobs.proto sees it (grpc-js and the .proto
 * file, no SDK), against a real three-node cluster: a WorkerBatch is handled as its messages one
 * by one; acks come one per message unless the Hello set batch_acks, and then together; a batch
 * inside a batch ends the stream with INVALID_ARGUMENT.
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
type Stream = grpc.ClientDuplexStream<Record<string, unknown>, ServerMessage>;

let cluster: Cluster;
let failed = false;
let leaderAddress = '';
const closers: (() => void)[] = [];

beforeAll(async () => {
  cluster = await Cluster.start({ size: 3, clusterId: 'wproto', tmpPrefix: 'raftjobs-worker-protocol-' });
  leaderAddress = (await cluster.waitForLeader()).address;
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  const dir = await cluster.cleanup(failed);
  if (failed) console.error(`worker protocol test failed; files kept in ${dir}`);
});

/** Opens a Work stream to the leader and records everything it receives, and how it ended. */
function openStream(): { call: Stream; received: ServerMessage[]; ended: Promise<grpc.StatusObject> } {
  const Workers = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Workers');
  const stub = new Workers(leaderAddress, grpc.credentials.createInsecure()) as unknown as grpc.Client & { Work(): Stream };
  const call = stub.Work();
  closers.push(() => {
    call.cancel();
    stub.close();
  });
  const received: ServerMessage[] = [];
  call.on('data', (m: ServerMessage) => received.push(m));
  call.on('error', () => undefined);
  const ended = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
  return { call, received, ended };
}

/** Submits `n` jobs to a fresh queue, says hello on a new stream and waits for all `n` leases. */
async function leasedJobs(queue: string, n: number, batchAcks: boolean): Promise<{ call: Stream; received: ServerMessage[]; leases: { jobId: string; token: number }[] }> {
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
