/**
 * Defaults that used to be written down in several places, and disagreed, now agree: one test per
 * former disagreement, each run against the code that had its own number (the Raft core, the
 * driver, the state machine's options, the transport, the SDK), not against the table alone.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_SUBMIT_BYTES, maxCommandBytes } from '../../src/config/limits.js';
import { CONFIG_DEFAULTS, validateConfig } from '../../src/config/index.js';
import { CHANNEL_OPTIONS } from '../../src/client/proto.js';
import { DEFAULT_BOUNDS } from '../../src/client/worker-wire.js';
import { DEFAULT_JOBS_OPTIONS, resolveOptions, type Command, type CommandResult } from '../../src/jobs/index.js';
import { LIMITS } from '../../src/limits/index.js';
import { JobsApp, RaftNode } from '../../src/node/index.js';
import { Raft, type Entry, type Message, type Ready } from '../../src/raft/index.js';
import { openMemoryStorage, type RaftStorage } from '../../src/storage/index.js';
import { MemoryNetwork, MemoryTransport } from '../../src/transport/index.js';
import { peerServerOptions } from '../../src/transport/grpc/service.js';
import { peerKeepaliveTimeoutMs } from '../../src/transport/grpc/transport.js';
import { baseConfig } from '../config/helpers.js';
import { poll } from '../helpers/index.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const VOTERS = ['n1', 'n2', 'n3'];

function drain(r: Raft): Message[] {
  const out: Message[] = [];
  while (r.hasReady()) {
    const rd: Ready = r.ready();
    out.push(...rd.sendNow, ...rd.sendAfterPersist);
    r.advance(rd);
  }
  return out;
}

/** A core of n1 with no tuning at all, elected leader of term `term` by n2's vote. */
function leaderWithDefaults(entries: readonly Entry[] = [], term = 1): Raft {
  const r = new Raft({
    id: 'n1',
    membership: { voters: VOTERS },
    random: () => 0.5,
    preVote: false,
    initial: { hardState: { term: term - 1, vote: null, commit: 0 }, snapshot: null, entries, applied: 0 },
  });
  r.campaignNow();
  drain(r);
  r.step({ type: 'voteResp', from: 'n2', to: 'n1', term, granted: true });
  drain(r);
  expect(r.status().role).toBe('leader');
  return r;
}

describe('raft.heartbeatTicks: the core defaulted to 1, the config and RaftNode to 2', () => {
  it('a core given no heartbeatTicks heartbeats every raft.heartbeatTicks of the config', () => {
    const r = leaderWithDefaults();
    const beats: number[] = [];
    for (let t = 1; t <= 8; t++) {
      r.tick();
      if (drain(r).some((m) => m.type === 'heartbeat' && m.to === 'n2')) beats.push(t);
    }
    const every = CONFIG_DEFAULTS.raft.heartbeatTicks;
    expect(every).toBe(2);
    expect(beats).toEqual([2, 4, 6, 8].map((t) => (t / 2) * every));
  });
});

describe('raft.maxAppendBytes: the core defaulted to 1 MiB, the config to 2 MiB', () => {
  it('a core given no maxAppendBytes packs up to the config default into one append', () => {
    // Three 600 KiB entries: 1.8 MiB, over the old 1 MiB budget, within the config's 2 MiB.
    const big = [1, 2, 3].map((index): Entry => ({ index, term: 1, type: 'normal', data: new Uint8Array(600 * KiB) }));
    const r = leaderWithDefaults(big, 2);
    // n2 has nothing: it rejects the probe and hints at its empty log.
    r.step({ type: 'appendResp', from: 'n2', to: 'n1', term: 2, success: false, index: 3, hintIndex: 0, hintTerm: 0, incarnation: 0 });
    const appends = drain(r).filter((m) => m.type === 'append' && m.to === 'n2');
    const first = appends[0];
    if (first?.type !== 'append') throw new Error('no append to n2');
    expect(first.prevLogIndex).toBe(0);
    expect(first.entries.map((e) => e.index)).toEqual([1, 2, 3, 4]);
    expect(first.entries.reduce((n, e) => n + e.data.length, 0)).toBeLessThanOrEqual(CONFIG_DEFAULTS.raft.maxAppendBytes);
  });
});

describe('limits.maxEntryBytes: RaftNode defaulted it to a fixed 2 MiB, the config to raft.maxAppendBytes', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  it('a RaftNode given only maxAppendBytes packs entries no larger than it, so each fits in one append', async () => {
    const storage: RaftStorage = await openMemoryStorage({ clusterId: 'limits', nodeId: 'a' });
    const maxAppendBytes = 64 * KiB;
    const node = await RaftNode.start<Command, CommandResult>({
      id: 'a',
      voters: ['a'],
      storage,
      transport: new MemoryTransport({ network: new MemoryNetwork(), clusterId: 'limits', selfId: 'a', peers: ['a'] }),
      app: new JobsApp(),
      logger: pino({ level: 'silent' }),
      tickMs: 10,
      electionTicks: 5,
      heartbeatTicks: 1,
      maxAppendBytes,
    });
    stops.push(async () => {
      await node.stop();
      await storage.close();
    });
    await poll(() => node.isLeader() || undefined, { timeoutMs: 10_000, intervalMs: 10 });
    const before = node.status().lastLogIndex;
    const job = (n: number): Command => ({ type: 'submit', jobs: [{ queue: 'q', payload: new Uint8Array(10 * KiB).fill(n) }] });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => node.propose(job(i))));
    expect(results.every((r) => r.ok)).toBe(true);
    // 20 x 10 KiB proposed together: under the old 2 MiB default they shared one 200 KiB entry.
    const entries = (await storage.load()).entries.filter((e) => e.index > before && e.type === 'normal');
    expect(entries.length).toBeGreaterThanOrEqual(4);
    for (const e of entries) expect(e.data.length).toBeLessThanOrEqual(maxAppendBytes);
  });
});

describe('jobs.defaultLeaseTtlMs: the config accepted 1 ms, the state machine refuses under 100 ms', () => {
  it('the config refuses a default lease TTL the state machine would refuse, naming the field', () => {
    const r = validateConfig({ ...baseConfig(), jobs: { defaultLeaseTtlMs: 50 } }, { env: {} });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toContain('jobs.defaultLeaseTtlMs: must be at least 100, got 50');
  });

  it('every default lease TTL and attempt count the config accepts, the state machine accepts too', () => {
    for (const defaultLeaseTtlMs of [LIMITS.defaultLeaseTtlMs.min, LIMITS.defaultLeaseTtlMs.max]) {
      expect(validateConfig({ ...baseConfig(), jobs: { defaultLeaseTtlMs } }, { env: {} }).ok).toBe(true);
      expect(resolveOptions({ defaultLeaseTtlMs }).defaultLeaseTtlMs).toBe(defaultLeaseTtlMs);
    }
    for (const defaultMaxAttempts of [LIMITS.defaultMaxAttempts.min, LIMITS.defaultMaxAttempts.max]) {
      expect(resolveOptions({ defaultMaxAttempts }).defaultMaxAttempts).toBe(defaultMaxAttempts);
    }
    expect(() => resolveOptions({ defaultLeaseTtlMs: LIMITS.defaultLeaseTtlMs.min - 1 })).toThrow(RangeError);
  });
});

describe('the state machine built without a config behaves as one built from a config that leaves the limits out', () => {
  it('DEFAULT_JOBS_OPTIONS holds the config defaults of the fields a node maps into it', () => {
    const c = CONFIG_DEFAULTS;
    expect(DEFAULT_JOBS_OPTIONS).toMatchObject({
      maxPayloadBytes: c.limits.maxPayloadBytes,
      maxResultBytes: c.limits.maxResultBytes,
      maxJobsPerSubmit: c.limits.maxBatchSize,
      maxLeaseBatch: c.limits.maxBatchSize,
      maxQueueNameLength: c.limits.maxQueueNameLength,
      maxIdempotencyKeyLength: c.limits.maxKeyLength,
      idempotencyWindowMs: c.jobs.idempotencyWindowMs,
      defaultLeaseTtlMs: c.jobs.defaultLeaseTtlMs,
      defaultMaxAttempts: c.jobs.defaultMaxAttempts,
      retention: { succeededMs: c.jobs.retention.succeededMs, cancelledMs: c.jobs.retention.cancelledMs, deadMs: c.jobs.retention.deadMs },
      maxSucceeded: c.jobs.retention.maxSucceeded,
      maxCancelled: c.jobs.retention.maxCancelled,
      maxDead: c.jobs.retention.maxDead,
      maxPurgedJobKeys: c.jobs.retention.maxPurgedJobKeys,
    });
    // The config's bounds of the fields it shares with the state machine's own bounds.
    expect(LIMITS.defaultLeaseTtlMs.min).toBe(DEFAULT_JOBS_OPTIONS.minLeaseTtlMs);
    expect(LIMITS.defaultLeaseTtlMs.max).toBe(DEFAULT_JOBS_OPTIONS.maxLeaseTtlMs);
    expect(LIMITS.defaultMaxAttempts.max).toBe(DEFAULT_JOBS_OPTIONS.maxAttemptsLimit);
    expect(LIMITS.retentionDeadMs.max).toBeLessThanOrEqual(DEFAULT_JOBS_OPTIONS.maxRetentionMs);
  });
});

describe('the peer transport and the SDK do not contradict the server', () => {
  it('peer channels ping as the server pings its clients, by default', () => {
    expect(LIMITS.peerKeepaliveMs.default).toBe(CONFIG_DEFAULTS.server.keepaliveTimeMs);
    expect(peerKeepaliveTimeoutMs(LIMITS.peerKeepaliveMs.default)).toBe(CONFIG_DEFAULTS.server.keepaliveTimeoutMs);
    expect(CHANNEL_OPTIONS['grpc.keepalive_time_ms']).toBe(CONFIG_DEFAULTS.server.keepaliveTimeMs);
    expect(CHANNEL_OPTIONS['grpc.keepalive_timeout_ms']).toBe(CONFIG_DEFAULTS.server.keepaliveTimeoutMs);
  });

  it('a snapshot chunk with its headroom fits the smallest peer frame the config allows', () => {
    expect(LIMITS.snapshotChunkBytes.default + 64 * KiB).toBeLessThanOrEqual(LIMITS.maxPeerMessageBytes.min);
  });

  it("the SDK's submit cap is the largest command of a default cluster's log entry", () => {
    const entry = validateConfig(baseConfig(), { env: {} });
    if (!entry.ok) throw new Error(entry.problems.join('; '));
    expect(DEFAULT_MAX_SUBMIT_BYTES).toBe(maxCommandBytes(entry.config.limits.maxEntryBytes));
  });

  it("the worker's bounds before a Welcome are the server's defaults, and its message size the smallest server limit", () => {
    expect(DEFAULT_BOUNDS.maxLeasesPerMessage).toBe(CONFIG_DEFAULTS.limits.maxBatchSize);
    expect(DEFAULT_BOUNDS.maxResultBytes).toBe(CONFIG_DEFAULTS.limits.maxResultBytes);
    expect(DEFAULT_BOUNDS.maxErrorLength).toBe(DEFAULT_JOBS_OPTIONS.maxErrorLength);
    const smallest = peerServerOptions(LIMITS.maxPeerMessageBytes.min)['grpc.max_receive_message_length'];
    expect(DEFAULT_BOUNDS.maxMessageBytes).toBeLessThanOrEqual(smallest as number);
    expect(DEFAULT_BOUNDS.maxMessageBytes).toBe(4 * MiB);
  });
});
