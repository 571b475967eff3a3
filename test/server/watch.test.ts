/**
 * Jobs.Watch as proto/jobs.proto writes it down, on a real one-node cluster (LevelDB, gRPC on
 * loopback), through a client built from the .proto alone: checkpoints and positions, resuming,
 * filters, refusals, compaction, a watcher that stops reading, and the read role.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../../src/config/index.js';
import { serviceClient } from '../../src/protocol/index.js';
import { poll } from '../helpers/index.js';
import { startServer, type TestServer } from './harness.js';

/** A WatchEvent as a client author's loader decodes it (uint64 as numbers here: every value is small). */
interface WireEvent {
  index: number;
  ordinal: number;
  type: string;
  jobId: string;
  queue: string;
  token: number;
  attempt: number;
  workerId: string;
  entryTimeMs: number;
  percent: number;
  message: string;
  cause: string;
  group: string;
  untilMs: number;
}

const END = 4294967295;

class RawWatch {
  readonly messages: WireEvent[] = [];
  status: grpc.StatusObject | null = null;
  readonly call: grpc.ClientReadableStream<WireEvent>;
  private readonly client: grpc.Client;

  constructor(address: string, request: Record<string, unknown>, token?: string) {
    const Jobs = serviceClient('jobs.proto', 'raftjobs.jobs.v1.Jobs');
    this.client = new Jobs(address, grpc.credentials.createInsecure());
    const md = new grpc.Metadata();
    if (token !== undefined) md.set('authorization', `Bearer ${token}`);
    this.call = (this.client as unknown as { Watch(req: object, md: grpc.Metadata): grpc.ClientReadableStream<WireEvent> }).Watch(request, md);
    this.call.on('data', (m: WireEvent) => this.messages.push(m));
    this.call.on('status', (s: grpc.StatusObject) => (this.status = s));
    this.call.on('error', () => undefined);
  }

  get events(): WireEvent[] {
    return this.messages.filter((m) => m.type !== 'checkpoint');
  }

  until<T>(check: (w: this) => T | undefined, description: string): Promise<T> {
    return poll(() => check(this), { timeoutMs: 20_000, description });
  }

  /** The status, once the stream has also handed over every message it received. */
  ended(): Promise<grpc.StatusObject> {
    return this.until((w) => (w.status !== null && w.call.readableLength === 0 && (w.call.readableEnded || w.call.destroyed || w.call.errored !== null) ? w.status : undefined), 'the watch to end');
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}

type Unary = (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Record<string, unknown>) => void) => void;

function unary(address: string, service: 'Jobs' | 'Workers', method: string, req: object): Promise<Record<string, unknown>> {
  const Ctor = serviceClient('jobs.proto', `raftjobs.jobs.v1.${service}`);
  const c = new Ctor(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, Unary>;
  return new Promise<Record<string, unknown>>((resolve, reject) =>
    (c[method] as Unary).call(c, req, { deadline: Date.now() + 10_000 }, (err, res) => {
      c.close();
      if (err) reject(err);
      else resolve(res ?? {});
    }),
  ).finally(() => c.close());
}

const positions = (events: readonly WireEvent[]): string[] => events.map((e) => `${e.index}:${e.ordinal}`);
const increasing = (events: readonly WireEvent[]): boolean => events.every((e, i) => i === 0 || e.index > (events[i - 1] as WireEvent).index || (e.index === (events[i - 1] as WireEvent).index && e.ordinal > (events[i - 1] as WireEvent).ordinal));
const errorCode = (s: grpc.StatusObject): string | undefined => s.metadata.get('x-error-code')[0]?.toString();

let server: TestServer;
const open: RawWatch[] = [];

function watch(request: Record<string, unknown>, token?: string, address = server.address): RawWatch {
  const w = new RawWatch(address, request, token);
  open.push(w);
  return w;
}

beforeAll(async () => {
  server = await startServer({ watch: { retainEvents: 1000, retainBytes: 1024 * 1024 } });
});

afterAll(async () => {
  for (const w of open) w.close();
  await server?.close();
});

describe('Jobs.Watch', () => {
  it('from now: a checkpoint at the applied position, then each transition of a job in order, with its position and entry time', async () => {
    const w = watch({ fromNow: true, queues: ['life'] });
    const start = await w.until((x) => x.messages[0], 'the first checkpoint');
    expect(start).toMatchObject({ type: 'checkpoint', ordinal: END });
    const [id] = await server.submit('life', [Buffer.from('x')]);
    const leased = await unary(server.address, 'Workers', 'Lease', { workerId: 'w1', queues: ['life'], max: 1 });
    const token = (leased['jobs'] as { token: number }[])[0]?.token;
    await unary(server.address, 'Workers', 'Progress', { jobId: id, token, percent: 30, message: 'a third' });
    await unary(server.address, 'Workers', 'Complete', { jobId: id, token });
    await w.until((x) => (x.events.length >= 4 ? true : undefined), 'four events');
    expect(w.events.map((e) => e.type)).toEqual(['submitted', 'leased', 'progress', 'completed']);
    expect(w.events[1]).toMatchObject({ jobId: id, queue: 'life', token, attempt: 1, workerId: 'w1' });
    expect(w.events[2]).toMatchObject({ percent: 30, message: 'a third', token });
    for (const e of w.events) {
      expect(e.index).toBeGreaterThan(start.index);
      expect(e.entryTimeMs).toBeGreaterThan(1_600_000_000_000);
    }
    expect(increasing(w.events)).toBe(true);

    // Resuming after the leased event gives exactly the two after it.
    const leasedAt = w.events[1] as WireEvent;
    const resumed = watch({ afterIndex: leasedAt.index, afterOrdinal: leasedAt.ordinal, jobIds: [id] });
    await resumed.until((x) => (x.events.length >= 2 ? true : undefined), 'the rest');
    expect(resumed.messages[0]).toMatchObject({ type: 'checkpoint', index: leasedAt.index, ordinal: leasedAt.ordinal });
    expect(positions(resumed.events)).toEqual(positions(w.events.slice(2)));
  });

  it('filters by type and job id; positions are those of the unfiltered stream', async () => {
    const all = watch({ fromNow: true, queues: ['filt'] });
    const completions = watch({ fromNow: true, queues: ['filt'], types: ['completed'] });
    await all.until((x) => x.messages[0], 'started');
    await completions.until((x) => x.messages[0], 'started');
    const ids = await server.submit('filt', [Buffer.from('a'), Buffer.from('b')]);
    const leased = await unary(server.address, 'Workers', 'Lease', { workerId: 'w1', queues: ['filt'], max: 2 });
    for (const j of leased['jobs'] as { jobId: string; token: number }[]) await unary(server.address, 'Workers', 'Complete', { jobId: j.jobId, token: j.token });
    await completions.until((x) => (x.events.length === 2 ? true : undefined), 'two completions');
    await all.until((x) => (x.events.length === 6 ? true : undefined), 'six events');
    expect(completions.events.map((e) => e.jobId).sort()).toEqual([...ids].sort());
    expect(positions(completions.events)).toEqual(positions(all.events.filter((e) => e.type === 'completed')));
    const one = watch({ afterIndex: 0, afterOrdinal: 0, jobIds: [ids[1]] });
    await one.until((x) => (x.events.length === 3 ? true : undefined), 'the three events of one job');
    expect(positions(one.events)).toEqual(positions(all.events.filter((e) => e.jobId === ids[1])));
  });

  it('filters by group key and carries it on each event', async () => {
    const w = watch({ fromNow: true, groups: ['acme'] });
    await w.until((x) => x.messages[0], 'started');
    const res = await server.node.propose({ type: 'submit', jobs: [{ queue: 'grouped', payload: new Uint8Array(), group: 'acme' }, { queue: 'grouped', payload: new Uint8Array(), group: 'other' }, { queue: 'grouped', payload: new Uint8Array() }] });
    expect(res.ok).toBe(true);
    const [acme] = res.ok && res.type === 'submit' ? res.jobs : [];
    await w.until((x) => (x.events.length >= 1 ? true : undefined), 'the acme job');
    expect(w.events.map((e) => [e.type, e.jobId, e.group])).toEqual([['submitted', acme?.id, 'acme']]);
  });

  it('refuses a bad request with INVALID_ARGUMENT naming each field', async () => {
    const w = watch({ fromNow: true, afterIndex: 3, types: ['completed', 'finished'] });
    const status = await w.ended();
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(errorCode(status)).toBe('INVALID_ARGUMENT');
    expect(status.details).toContain('from_now: give either from_now or after_index and after_ordinal, not both');
    expect(status.details).toContain('types[1]: must be one of submitted, replaced, leased, progress, completed, failed, throttled, dead, cancelled, retried, released, expired, abandoned, purged, got "finished"');
  });

  it('a position older than the ring is WATCH_POSITION_COMPACTED (FAILED_PRECONDITION) naming the oldest position held', async () => {
    // 1100 new events push the first ones out of a ring of 1000.
    await server.submit('compact', [Buffer.alloc(0)], {});
    const filler = Array.from({ length: 1000 }, () => ({ queue: 'compact' }));
    await unary(server.address, 'Jobs', 'Submit', { jobs: filler });
    await unary(server.address, 'Jobs', 'Submit', { jobs: filler.slice(0, 100) });
    const w = watch({ afterIndex: 1, afterOrdinal: 0 });
    const status = await w.ended();
    expect(status.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(errorCode(status)).toBe('WATCH_POSITION_COMPACTED');
    const oldest = status.metadata.get('x-watch-oldest')[0]?.toString() ?? '';
    expect(oldest).toMatch(/^\d+:\d+$/);
    expect(status.details).toContain(`it holds the events after ${oldest}`);
    expect(status.details).toContain('To resync, read the current state (Get, List), then watch from now');
    // From the oldest position held, it serves.
    const [index, ordinal] = oldest.split(':').map(Number) as [number, number];
    const ok = watch({ afterIndex: index, afterOrdinal: ordinal, types: ['leased'] });
    await ok.until((x) => x.messages[0], 'the first checkpoint');
    expect(ok.status).toBeNull();
  });

  it('a watcher that stops reading is paused on its stream, and once it fell out of the ring it gets every event it could, then WATCHER_TOO_SLOW', async () => {
    const w = watch({ fromNow: true, queues: ['slow'] });
    await w.until((x) => x.messages[0], 'started');
    w.call.pause();
    // Far more than the HTTP/2 windows and a ring of 1000 hold.
    const batch = Array.from({ length: 1000 }, () => ({ queue: 'slow', payload: Buffer.alloc(0) }));
    for (let i = 0; i < 6; i++) await unary(server.address, 'Jobs', 'Submit', { jobs: batch });
    w.call.resume();
    const status = await w.ended();
    expect(status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(errorCode(status)).toBe('WATCHER_TOO_SLOW');
    expect(status.details).toContain('To resync');
    // What it got is the start of the stream, without a gap: every position of the first entries, in order.
    const got = w.events;
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(6000);
    for (let i = 1; i < got.length; i++) {
      const [a, b] = [got[i - 1] as WireEvent, got[i] as WireEvent];
      expect(b.index === a.index ? b.ordinal === a.ordinal + 1 : b.index > a.index && b.ordinal === 0 && a.ordinal === 999).toBe(true);
    }
  });

  it('serves from the node called; the node stopping ends it with SHUTTING_DOWN', async () => {
    const other = await startServer();
    try {
      const w = watch({ fromNow: true }, undefined, other.address);
      await w.until((x) => x.messages[0], 'started');
      await other.close();
      const status = await w.ended();
      expect(status.code).toBe(grpc.status.UNAVAILABLE);
      expect(errorCode(status)).toBe('SHUTTING_DOWN');
    } finally {
      await other.close();
    }
  });
});

describe('Jobs.Watch with auth on', () => {
  it('needs the read role', async () => {
    const reader = generateToken();
    const worker = generateToken();
    const secured = await startServer({
      auth: {
        enabled: true,
        tokens: [
          { name: 'reader', hash: hashToken(reader), roles: ['read'] },
          { name: 'worker', hash: hashToken(worker), roles: ['work'] },
        ],
      },
    });
    try {
      const denied = watch({ fromNow: true }, worker, secured.address);
      expect((await denied.ended()).code).toBe(grpc.status.PERMISSION_DENIED);
      const anonymous = watch({ fromNow: true }, undefined, secured.address);
      expect((await anonymous.ended()).code).toBe(grpc.status.UNAUTHENTICATED);
      const ok = watch({ fromNow: true }, reader, secured.address);
      expect(await ok.until((x) => x.messages[0], 'the first checkpoint')).toMatchObject({ type: 'checkpoint' });
    } finally {
      await secured.close();
    }
  });
});
