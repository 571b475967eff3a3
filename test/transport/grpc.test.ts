import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRaftJobsError } from '../../src/errors/index.js';
import type { Message } from '../../src/raft/types.js';
import { encodeMessage, FrameBuilder } from '../../src/transport/codec.js';
import {
  GrpcTransport,
  PEER_PROTOCOL_VERSION,
  type GrpcTransportOptions,
  PeerMetadata,
  RAFT_PEER_STREAM_PATH,
  raftPeerService,
  type PeerAck,
  type PeerReport,
  type TimerHandle,
  type TransportClock,
} from '../../src/transport/index.js';
import { bindServer, CLUSTER, grpcHarness, grpcTestOptions, heartbeat, MiB, newServer, silent, type Harness } from './helpers.js';

const WAIT = { timeout: 10_000, interval: 10 } as const;

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.reverse()) await fn();
  cleanups = [];
});

async function harness(ids: string[]): Promise<Harness> {
  const h = await grpcHarness(ids);
  cleanups.push(() => h.close());
  return h;
}

async function serverWith(transport: GrpcTransport): Promise<{ server: grpc.Server; port: number }> {
  const server = newServer();
  transport.addToServer(server);
  const port = await bindServer(server, '127.0.0.1:0');
  cleanups.push(() => server.forceShutdown());
  return { server, port };
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = newServer();
  const port = await bindServer(server, '127.0.0.1:0');
  server.forceShutdown();
  return port;
}

function tryShutdown(server: grpc.Server): Promise<void> {
  return new Promise((resolve, reject) => server.tryShutdown((err) => (err ? reject(err) : resolve())));
}

/** Resolves with 'timeout' if `promise` takes longer than `ms` (a deadline, not a sleep). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** A raw peer stream, to put hand-made frames on the wire. */
function rawStream(port: number, meta: { cluster: string; from: string; to: string; protocol?: string }) {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  cleanups.push(() => client.close());
  const md = new grpc.Metadata();
  md.set(PeerMetadata.ClusterId, meta.cluster);
  md.set(PeerMetadata.From, meta.from);
  md.set(PeerMetadata.To, meta.to);
  if (meta.protocol !== undefined) md.set(PeerMetadata.Protocol, meta.protocol);
  let resolveStatus: (s: { code: grpc.status; ack: PeerAck | undefined; details: string }) => void = () => undefined;
  const status = new Promise<{ code: grpc.status; ack: PeerAck | undefined; details: string }>((r) => (resolveStatus = r));
  const call = client.makeClientStreamRequest<Uint8Array, PeerAck>(
    RAFT_PEER_STREAM_PATH,
    raftPeerService.Stream.requestSerialize,
    raftPeerService.Stream.responseDeserialize,
    md,
    {},
    (err, ack) => resolveStatus({ code: err?.code ?? grpc.status.OK, ack, details: err?.details ?? '' }),
  );
  call.on('error', () => undefined);
  return { call, status };
}

function frame(cluster: string, from: string, messages: Message[]): Uint8Array {
  const b = new FrameBuilder(cluster, from);
  for (const m of messages) b.addMessage(encodeMessage(m));
  return b.finish();
}

/** The real clock, keeping the delays of the timers still pending. */
function recordingClock(): { clock: TransportClock; pending: () => number[] } {
  const live = new Map<TimerHandle, number>();
  const clock: TransportClock = {
    now: () => Date.now(),
    setTimeout: (fire, ms) => {
      const handle = setTimeout(() => {
        live.delete(handle);
        fire();
      }, ms);
      live.set(handle, ms);
      return handle;
    },
    clearTimeout: (handle) => {
      live.delete(handle);
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
  };
  return { clock, pending: () => [...live.values()].sort((a, b) => a - b) };
}

/** Node n2 (peers n1, n3) with its own server. */
async function receiver(
  extra: Partial<Pick<GrpcTransportOptions, 'authenticatePeer'>> = {},
): Promise<{ t: GrpcTransport; port: number; server: grpc.Server; inbox: Message[] }> {
  const t = new GrpcTransport({ ...grpcTestOptions, ...extra, clusterId: CLUSTER, selfId: 'n2', peers: { n1: '127.0.0.1:1', n3: '127.0.0.1:1' } });
  const inbox: Message[] = [];
  t.onMessage((m) => inbox.push(m));
  await t.start();
  cleanups.push(() => t.stop());
  const { server, port } = await serverWith(t);
  return { t, port, server, inbox };
}

/** Node n1 that dials n2 at `port` and serves nothing. */
async function dialer(port: number, peerId = 'n2'): Promise<GrpcTransport> {
  const t = new GrpcTransport({ ...grpcTestOptions, clusterId: CLUSTER, selfId: 'n1', peers: { [peerId]: `127.0.0.1:${port}` } });
  t.onMessage(() => undefined);
  await t.start();
  cleanups.push(() => t.stop());
  return t;
}

describe('GrpcTransport', () => {
  it('refuses a stream meant for another node (wrong address in the sender config)', async () => {
    const { t: n2, port, inbox } = await receiver();
    const n1 = await dialer(port, 'n3');
    n1.send([heartbeat('n1', 'n3', 1)]);
    await vi.waitFor(() => expect(n2.stats().rejected).toBeGreaterThan(0), WAIT);
    expect(inbox).toEqual([]);
    expect(n1.stats().sent).toBe(0);
  });

  it('refuses a peer of another peer protocol version, naming both; the current version and none (older nodes) are accepted', async () => {
    const { t, port, inbox } = await receiver();
    const other = rawStream(port, { cluster: CLUSTER, from: 'n1', to: 'n2', protocol: String(PEER_PROTOCOL_VERSION + 1) });
    other.call.write(frame(CLUSTER, 'n1', [heartbeat('n1', 'n2', 1)]));
    const refused = await other.status;
    expect(refused.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(refused.details).toBe(`protocol-mismatch: n1 speaks peer protocol ${PEER_PROTOCOL_VERSION + 1}; node n2 speaks ${PEER_PROTOCOL_VERSION}`);
    expect(inbox).toEqual([]);
    for (const protocol of [String(PEER_PROTOCOL_VERSION), undefined]) {
      const ok = rawStream(port, { cluster: CLUSTER, from: 'n1', to: 'n2', ...(protocol !== undefined ? { protocol } : {}) });
      ok.call.write(frame(CLUSTER, 'n1', [heartbeat('n1', 'n2', 1)]));
      ok.call.end();
      expect(await ok.status).toMatchObject({ code: grpc.status.OK, ack: { frames: 1, messages: 1 } });
    }
    expect(t.stats().rejected).toBe(1);
  });

  it('checks every frame: foreign cluster id in a frame ends the stream, nothing delivered', async () => {
    const { t, port, inbox } = await receiver();
    const { call, status } = rawStream(port, { cluster: CLUSTER, from: 'n1', to: 'n2' });
    call.write(frame('other', 'n1', [heartbeat('n1', 'n2', 1), heartbeat('n1', 'n2', 2)]));
    expect((await status).code).toBe(grpc.status.PERMISSION_DENIED);
    expect(t.stats()).toMatchObject({ rejected: 2, received: 0 });
    expect(inbox).toEqual([]);
  });

  it('checks every message: a wrong recipient or spoofed sender is rejected, the rest delivered', async () => {
    const { t, port, inbox } = await receiver();
    const { call, status } = rawStream(port, { cluster: CLUSTER, from: 'n1', to: 'n2' });
    call.write(frame(CLUSTER, 'n1', [heartbeat('n1', 'n2', 1), heartbeat('n1', 'n3', 2), heartbeat('n3', 'n2', 3), heartbeat('n1', 'n2', 4)]));
    call.end();
    expect(await status).toEqual({ code: grpc.status.OK, ack: { frames: 1, messages: 2 }, details: '' });
    expect(inbox.map((m) => (m.type === 'heartbeat' ? m.context : 0))).toEqual([1, 4]);
    expect(t.stats()).toMatchObject({ rejected: 2, received: 2 });
  });

  it('rejects an undecodable frame and a chunk without a snapshot', async () => {
    const { t, port } = await receiver();
    const garbage = rawStream(port, { cluster: CLUSTER, from: 'n1', to: 'n2' });
    garbage.call.write(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect((await garbage.status).code).toBe(grpc.status.INVALID_ARGUMENT);

    const orphan = rawStream(port, { cluster: CLUSTER, from: 'n1', to: 'n2' });
    const b = new FrameBuilder(CLUSTER, 'n1');
    b.setChunk(null, 10, 0, new Uint8Array(5));
    orphan.call.write(b.finish());
    expect((await orphan.status).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(t.stats()).toMatchObject({ rejected: 2, received: 0 });
  });

  it('drops and counts a message over maxMessageBytes, and sends what follows', async () => {
    const h = await harness(['n1', 'n2']);
    const n1 = await h.start({ id: 'n1', peers: ['n2'] });
    const n2 = await h.start({ id: 'n2', peers: ['n1'] });
    const huge: Message = {
      type: 'append',
      from: 'n1',
      to: 'n2',
      term: 1,
      prevLogIndex: 0,
      prevLogTerm: 0,
      commit: 0,
      entries: [{ index: 1, term: 1, type: 'normal', data: new Uint8Array(3 * MiB) }],
    };
    n1.transport.send([huge, heartbeat('n1', 'n2', 7)]);
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(1), WAIT);
    expect(n2.inbox[0]).toMatchObject({ type: 'heartbeat', context: 7 });
    expect(n1.transport.stats()).toMatchObject({ sent: 1, dropped: 1 });
  });

  it("stop() half-closes its streams, so the peer's server shuts down while the peer runs on", async () => {
    const { t: n2, port, server } = await receiver();
    const n1 = await dialer(port);
    n1.send([heartbeat('n1', 'n2', 1)]);
    await vi.waitFor(() => expect(n2.stats().received).toBe(1), WAIT);
    expect(n1.peerStatus()).toEqual([{ id: 'n2', address: `127.0.0.1:${port}`, connected: true, queued: 0 }]);
    await n1.stop();
    expect(n1.peerStatus()[0]?.connected).toBe(false);
    expect(await within(tryShutdown(server), 3000)).toBeUndefined();
  });

  it("stop() ends the streams it accepted, so its own server shuts down while peers run on", async () => {
    const { t: n2, port, server } = await receiver();
    const n1 = await dialer(port);
    n1.send([heartbeat('n1', 'n2', 1)]);
    await vi.waitFor(() => expect(n2.stats().received).toBe(1), WAIT);
    await n2.stop();
    expect(await within(tryShutdown(server), 3000)).toBeUndefined();
    await vi.waitFor(() => expect(n1.peerStatus()[0]?.connected).toBe(false), WAIT);
  });

  it("closes a removed peer's link at once (stream cancelled, no timer left) and dials a changed address without waiting out its backoff", async () => {
    const { t: n2, port, server } = await receiver();
    const dead = await deadPort();
    const { clock, pending } = recordingClock();
    const n1 = new GrpcTransport({
      ...grpcTestOptions,
      clusterId: CLUSTER,
      selfId: 'n1',
      peers: { n2: `127.0.0.1:${port}`, n3: `127.0.0.1:${dead}` },
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      connectTimeoutMs: 30_000,
      clock,
    });
    const reports: PeerReport[] = [];
    n1.onMessage(() => undefined);
    n1.onReport((r) => reports.push(r));
    await n1.start();
    cleanups.push(() => n1.stop());
    n1.send([heartbeat('n1', 'n2', 1), heartbeat('n1', 'n3', 2)]);
    await vi.waitFor(() => expect(n2.stats().received).toBe(1), WAIT);
    await vi.waitFor(() => expect(reports).toContainEqual({ type: 'unreachable', to: 'n3' }), WAIT);
    // n3 waits out its backoff (up to a minute); n2's handshake timer is gone.
    await vi.waitFor(() => expect(pending()).toEqual([expect.any(Number)]), WAIT);
    expect(pending()[0]).toBeGreaterThanOrEqual(30_000);

    const moved = await deadPort();
    n1.setPeers(new Map([['n2', `127.0.0.1:${port}`], ['n3', `127.0.0.1:${moved}`]]));
    expect(n1.peerStatus().map((p) => p.address)).toEqual([`127.0.0.1:${port}`, `127.0.0.1:${moved}`]);
    // The backoff is cleared and the new address dialled: only that attempt's handshake timer is left.
    expect(pending()).toEqual([30_000]);

    n1.setPeers(new Map());
    expect(pending()).toEqual([]);
    expect(n1.peerStatus()).toEqual([]);
    expect(n1.stats()).toMatchObject({ sent: 1, dropped: 1 });
    // n2's server has no open stream left to wait for.
    expect(await within(tryShutdown(server), 3000)).toBeUndefined();
    expect(reports.filter((r) => r.to === 'n2')).toEqual([]);
  });

  it('ends the stream of a peer it removes at once, and refuses its reconnects', async () => {
    const { t: n2, port, inbox } = await receiver();
    const n1 = await dialer(port);
    n1.send([heartbeat('n1', 'n2', 1)]);
    await vi.waitFor(() => expect(inbox).toHaveLength(1), WAIT);
    expect(n1.peerStatus()[0]?.connected).toBe(true);

    n2.setPeers(new Map([['n3', '127.0.0.1:1']]));
    // n1 sent nothing since: it learns from the stream's end.
    await vi.waitFor(() => expect(n1.peerStatus()[0]?.connected).toBe(false), WAIT);
    expect(n2.stats().rejected).toBe(0);
    let context = 2;
    await vi.waitFor(() => {
      n1.send([heartbeat('n1', 'n2', context++)]);
      expect(n2.stats().rejected).toBeGreaterThan(0);
    }, WAIT);
    expect(inbox).toHaveLength(1);
  });

  it('with acceptUnlisted, still refuses itself and a sender its certificate does not prove', async () => {
    const { t, port, inbox } = await receiver({ authenticatePeer: (_call, from) => (from === 'n7' ? 'the certificate names n8' : null) });
    t.setPeers(new Map(), { acceptUnlisted: true });
    const unproven = rawStream(port, { cluster: CLUSTER, from: 'n7', to: 'n2' });
    expect(await unproven.status).toMatchObject({ code: grpc.status.UNAUTHENTICATED, details: 'unauthenticated: n7 is not proven: the certificate names n8' });
    const self = rawStream(port, { cluster: CLUSTER, from: 'n2', to: 'n2' });
    expect((await self.status).code).toBe(grpc.status.PERMISSION_DENIED);
    const proven = rawStream(port, { cluster: CLUSTER, from: 'n5', to: 'n2' });
    proven.call.write(frame(CLUSTER, 'n5', [heartbeat('n5', 'n2', 1)]));
    proven.call.end();
    expect(await proven.status).toMatchObject({ code: grpc.status.OK, ack: { frames: 1, messages: 1 } });
    expect(inbox).toEqual([heartbeat('n5', 'n2', 1)]);
    expect(t.stats()).toMatchObject({ rejected: 2, received: 1 });
  });

  it('backs off on the injected clock with the injected jitter', async () => {
    const timers: { ms: number; fire: () => void; cleared: boolean }[] = [];
    const clock: TransportClock = {
      now: () => 0,
      setTimeout: (fire, ms) => {
        const t = { ms, fire, cleared: false };
        timers.push(t);
        return t as TimerHandle;
      },
      clearTimeout: (handle) => {
        (handle as { cleared: boolean }).cleared = true;
      },
    };
    const port = await deadPort();
    const t = new GrpcTransport({
      ...grpcTestOptions,
      clusterId: CLUSTER,
      selfId: 'n1',
      peers: { n2: `127.0.0.1:${port}` },
      backoff: { initialMs: 100, maxMs: 400 },
      connectTimeoutMs: 60_000,
      clock,
      random: () => 0,
    });
    t.onMessage(() => undefined);
    await t.start();
    cleanups.push(() => t.stop());
    t.send([heartbeat('n1', 'n2', 1)]);
    const backoffs = (): number[] => timers.filter((x) => x.ms !== 60_000).map((x) => x.ms);
    for (const expected of [[50], [50, 100], [50, 100, 200], [50, 100, 200, 200]]) {
      await vi.waitFor(() => expect(backoffs()).toEqual(expected), WAIT);
      timers.filter((x) => x.ms !== 60_000).at(-1)?.fire();
    }
    expect(t.stats()).toMatchObject({ sent: 0, dropped: 0 });
  });

  it('validates its options, reporting every problem at once', () => {
    let err: unknown;
    try {
      new GrpcTransport({ clusterId: CLUSTER, selfId: 'n1', peers: {}, logger: silent, maxMessageBytes: MiB, chunkBytes: MiB, queueLimit: 0 });
    } catch (e) {
      err = e;
    }
    expect(isRaftJobsError(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as { details: { problems: string[] } }).details.problems).toHaveLength(2);
  });
});
