/**
 * The byte bounds (src/config/limits.ts): the chain config validation enforces, with messages
 * naming fields and numbers, and the size bounds it rests on, checked against the real encodings
 * (the log-entry codec, the protobuf request, the peer frame).
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, validateConfig, type Config } from '../../src/config/index.js';
import {
  appendFramingBytes,
  DEFAULT_MAX_SUBMIT_BYTES,
  ENTRY_HEADER_BYTES,
  fixedCommands,
  LEASE_REF_BYTES,
  maxCommandBytes,
  RESULT_OVERHEAD_BYTES,
  submitBytes,
} from '../../src/config/limits.js';
import { DEFAULT_JOBS_OPTIONS, encodeBatch, MAX_DEBOUNCE_WINDOW_MS, MAX_GROUP_LENGTH, MAX_UNIQUE_KEY_LENGTH, type Command, type SubmitJob } from '../../src/jobs/index.js';
import { MAX_RELEASE_KEEP, MAX_SESSION_LENGTH } from '../../src/jobs/validate.js';
import { serviceClient } from '../../src/protocol/index.js';
import type { Entry, Message } from '../../src/raft/types.js';
import { encodeMessage, frameHeaderBytes, messageCost } from '../../src/transport/codec.js';
import { baseConfig } from './helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The config `raw` validates to (no file: nothing to clean up). */
function valid(raw: unknown): Config {
  const r = validateConfig(raw, { env: {} });
  if (!r.ok) throw new Error(`expected a valid config, got: ${r.problems.join('; ')}`);
  return r.config;
}

function problems(raw: unknown, env: Record<string, string> = {}): readonly string[] {
  const r = validateConfig(raw, { env });
  return r.ok ? [] : r.problems;
}

/** Characters that take the most UTF-8 bytes per UTF-16 unit (3). */
const wide = (n: number): string => '€'.repeat(n);

/** Bytes of `commands` as one log entry. */
const entryBytes = (...commands: Command[]): number => encodeBatch({ time: Date.now(), commands }).length;

/** A valid job with every optional field at its longest encoding. */
function worstJob(payloadBytes: number): SubmitJob {
  const o = DEFAULT_JOBS_OPTIONS;
  return {
    queue: 'q'.repeat(o.maxQueueNameLength),
    payload: new Uint8Array(payloadBytes),
    priority: -(2 ** 31),
    delayMs: o.maxDelayMs,
    runAt: 8.64e15,
    maxAttempts: o.maxAttemptsLimit,
    backoff: { type: 'exponential', initialMs: o.maxBackoffMs, maxMs: o.maxBackoffMs, factor: 1.000001, jitter: 0.123456789 },
    leaseTtlMs: o.maxLeaseTtlMs,
    idempotencyKey: wide(o.maxIdempotencyKeyLength),
    retentionMs: o.maxRetentionMs,
    group: wide(MAX_GROUP_LENGTH),
    unique: { key: wide(MAX_UNIQUE_KEY_LENGTH), mode: 'debounce', windowMs: MAX_DEBOUNCE_WINDOW_MS },
  };
}

describe('byte limits in the config', () => {
  it('defaults: 1 MiB payloads and results, entries as large as appends (2 MiB), 8 MiB peer frames', () => {
    const c = valid(baseConfig());
    expect(c.limits).toMatchObject({ maxPayloadBytes: MiB, maxResultBytes: MiB, maxEntryBytes: 2 * MiB, maxPeerMessageBytes: 8 * MiB });
    expect(c.raft.maxAppendBytes).toBe(2 * MiB);
    // The SDK's default cap is what a default cluster accepts in one submit.
    expect(DEFAULT_MAX_SUBMIT_BYTES).toBe(maxCommandBytes(c.limits.maxEntryBytes));
  });

  it('limits.maxEntryBytes, when set, is used as is; a result limit of 0 is valid', () => {
    const c = valid({ ...baseConfig(), limits: { maxEntryBytes: 1536 * KiB, maxResultBytes: 0 } });
    expect(c.limits).toMatchObject({ maxEntryBytes: 1536 * KiB, maxResultBytes: 0 });
  });

  it('a payload limit larger than an entry is refused at the payload field, naming the entry limit and where it comes from', () => {
    expect(problems({ ...baseConfig(), limits: { maxPayloadBytes: 4 * MiB } })).toEqual([
      'limits.maxPayloadBytes: one job of limits.maxPayloadBytes (4194304) with its queue name, idempotency key, group key and unique key takes up to 4197032 bytes as a log entry, ' +
        'over limits.maxEntryBytes (2097152, which is raft.maxAppendBytes when not set); lower limits.maxPayloadBytes or raise raft.maxAppendBytes',
    ]);
  });

  it('raising the append budget for large payloads must raise the peer limit too', () => {
    const big = { ...baseConfig(), limits: { maxPayloadBytes: 4 * MiB }, raft: { maxAppendBytes: 8 * MiB } };
    expect(problems(big)).toEqual([
      'raft.maxAppendBytes: an append of raft.maxAppendBytes (8388608) in up to raft.maxAppendEntries (512) entries takes up to 8413184 bytes on the wire, ' +
        'over limits.maxPeerMessageBytes (8388608); lower raft.maxAppendBytes or raft.maxAppendEntries, or raise limits.maxPeerMessageBytes',
    ]);
    const fixed = valid({ ...big, limits: { ...big.limits, maxPeerMessageBytes: 16 * MiB } });
    expect(fixed.limits).toMatchObject({ maxPayloadBytes: 4 * MiB, maxEntryBytes: 8 * MiB, maxPeerMessageBytes: 16 * MiB });
  });

  it('an entry larger than an append, a result or a lease batch too big for an entry, a peer limit below its minimum: all reported at once', () => {
    const raw = { ...baseConfig(), limits: { maxEntryBytes: 3 * MiB, maxResultBytes: 3 * MiB, maxBatchSize: 20_000, maxPeerMessageBytes: MiB } };
    expect(problems(raw, { RAFTJOBS_MAX_APPEND_BYTES: String(MiB) })).toEqual([
      'limits.maxPeerMessageBytes: must be at least 4194304, got 1048576',
      'limits.maxResultBytes: a completion with a result of limits.maxResultBytes (3145728) takes up to 3146016 bytes as a log entry, ' +
        'over limits.maxEntryBytes (3145728); lower limits.maxResultBytes or raise limits.maxEntryBytes',
      'limits.maxBatchSize: a heartbeat of limits.maxBatchSize (20000) leases takes up to 4160064 bytes as a log entry, ' +
        'over limits.maxEntryBytes (3145728); lower limits.maxBatchSize or raise limits.maxEntryBytes',
      'limits.maxEntryBytes: must be at most raft.maxAppendBytes (1048576), got 3145728: every entry must fit in one append',
    ]);
  });

  it('an entry limit too small for a default-sized command is reported at the entry limit', () => {
    expect(problems({ ...baseConfig(), limits: { maxEntryBytes: MiB } })).toEqual([
      'limits.maxEntryBytes: must be at least 1051304, got 1048576: ' +
        'one job of limits.maxPayloadBytes (1048576) with its queue name, idempotency key, group key and unique key takes up to 1051304 bytes as a log entry; ' +
        'a completion with a result of limits.maxResultBytes (1048576) takes up to 1048864 bytes as a log entry',
    ]);
  });

  it('the payload check counts the configured queue-name and key lengths', () => {
    const raw = { ...baseConfig(), limits: { maxPayloadBytes: 2 * MiB - 4 * KiB, maxKeyLength: 2048 } };
    expect(problems(raw)).toEqual([expect.stringMatching(/^limits\.maxPayloadBytes: .* takes up to 2101160 bytes as a log entry, over limits\.maxEntryBytes \(2097152/)]);
    expect(problems({ ...raw, limits: { ...raw.limits, maxKeyLength: 256 } })).toEqual([]);
  });
});

describe('the size bounds hold for the real encodings', () => {
  it('a submit: bound >= its log-entry command and >= its protobuf request, for one job and for many', () => {
    const SubmitStream = (serviceClient('jobs.proto', 'raftjobs.jobs.v1.Jobs').service as unknown as Record<string, { requestSerialize: (v: object) => Buffer }>)['SubmitStream'];
    // The protobuf's longest form: negative (ten-byte) varints everywhere.
    const wire = (j: SubmitJob): object => ({
      queue: j.queue,
      payload: j.payload,
      priority: -1,
      delayMs: -1,
      runAtMs: -1,
      maxAttempts: -1,
      backoff: { type: 'exponential', delayMs: -1, initialMs: -1, maxMs: -1, factor: 1.5, jitter: 0.5 },
      leaseTtlMs: -1,
      idempotencyKey: j.idempotencyKey,
      retentionMs: -1,
      group: j.group,
      unique: { key: j.unique?.key, mode: 'UNIQUE_MODE_DEBOUNCE', windowMs: -1 },
    });
    for (const jobs of [[worstJob(0)], [worstJob(MiB)], Array.from({ length: 1000 }, (_, i) => worstJob(i))]) {
      const bound = submitBytes(jobs);
      expect(entryBytes({ type: 'submit', jobs })).toBeLessThanOrEqual(bound + ENTRY_HEADER_BYTES);
      const request = SubmitStream?.requestSerialize({ requestId: Number.MAX_SAFE_INTEGER, jobs: jobs.map(wire) });
      expect(request?.length).toBeLessThanOrEqual(bound);
    }
  });

  it('a completion, a heartbeat of a full lease batch, and the commands of fixed size', () => {
    const o = DEFAULT_JOBS_OPTIONS;
    const ref = { jobId: wide(64), token: Number.MAX_SAFE_INTEGER };
    expect(entryBytes({ type: 'complete', jobId: wide(64), token: Number.MAX_SAFE_INTEGER, result: new Uint8Array(MiB) })).toBeLessThanOrEqual(
      RESULT_OVERHEAD_BYTES + MiB + ENTRY_HEADER_BYTES,
    );
    const batch = CONFIG_DEFAULTS.limits.maxBatchSize;
    expect(entryBytes({ type: 'heartbeat', ttlMs: o.maxLeaseTtlMs, leases: Array.from({ length: batch }, () => ref) })).toBeLessThanOrEqual(
      32 + batch * LEASE_REF_BYTES + ENTRY_HEADER_BYTES,
    );
    const [release, fail, lease] = fixedCommands(o.maxQueueNameLength).map((c) => c.bytes + ENTRY_HEADER_BYTES);
    expect(entryBytes({ type: 'release', workerId: wide(o.maxWorkerIdLength), session: wide(MAX_SESSION_LENGTH), mode: 'unheld', leases: Array.from({ length: MAX_RELEASE_KEEP }, () => ref) })).toBeLessThanOrEqual(release ?? 0);
    expect(entryBytes({ type: 'fail', jobId: wide(64), token: Number.MAX_SAFE_INTEGER, error: wide(o.maxErrorLength), retry: false })).toBeLessThanOrEqual(fail ?? 0);
    expect(entryBytes({ type: 'cancel', jobId: wide(64), reason: wide(o.maxErrorLength) })).toBeLessThanOrEqual(fail ?? 0);
    const queues = Array.from({ length: o.maxQueuesPerLease }, (_, i) => `${i}`.padEnd(o.maxQueueNameLength, 'q'));
    expect(entryBytes({ type: 'lease', workerId: wide(o.maxWorkerIdLength), session: wide(MAX_SESSION_LENGTH), queues, max: o.maxLeaseBatch, ttlMs: o.maxLeaseTtlMs })).toBeLessThanOrEqual(lease ?? 0);
  });

  it('the commands of fixed size fit in the smallest allowed peer frame, so that rule holds for every valid config', () => {
    const o = DEFAULT_JOBS_OPTIONS;
    for (const c of fixedCommands(4096)) expect(c.bytes + ENTRY_HEADER_BYTES + appendFramingBytes(1), c.what).toBeLessThanOrEqual(4 * MiB);
    expect(problems({ ...baseConfig(), limits: { maxQueueNameLength: 4096, maxPeerMessageBytes: 4 * MiB } })).toEqual([]);
    expect(o.maxQueuesPerLease).toBe(64);
  });

  it('an append of raft.maxAppendEntries entries: its frame is at most the data plus appendFramingBytes', () => {
    const id = 'n'.repeat(63);
    for (const [count, size] of [
      [512, 0],
      [512, 4096],
      [1, 2 * MiB],
    ] as const) {
      const entries: Entry[] = Array.from({ length: count }, () => ({ index: Number.MAX_SAFE_INTEGER, term: Number.MAX_SAFE_INTEGER, type: 'normal', data: new Uint8Array(size) }));
      const max = Number.MAX_SAFE_INTEGER;
      const msg: Message = { type: 'append', from: id, to: id, term: max, prevLogIndex: max, prevLogTerm: max, commit: max, entries };
      const frame = frameHeaderBytes('c'.repeat(63), id) + messageCost(encodeMessage(msg).length);
      expect(frame).toBeLessThanOrEqual(count * size + appendFramingBytes(count));
    }
  });
});
