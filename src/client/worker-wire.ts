/**
 * The worker stream's bounds and message sizes: what lets the worker respect, by construction, the
 * limits a server announces in its Welcome (see `Welcome` in proto/jobs.proto).
 */
import type { wire } from '../protocol/index.js';

/** The bounds the server holds every message of a worker stream to. */
export interface StreamBounds {
  /** Most leases in one HeartbeatRequest or ReleaseRequest. */
  readonly maxLeasesPerMessage: number;
  /** Most bytes in one WorkerMessage (a WorkerBatch included). */
  readonly maxMessageBytes: number;
  /** Most bytes in a CompleteRequest.result. */
  readonly maxResultBytes: number;
  /** Most characters in a FailRequest.error. */
  readonly maxErrorLength: number;
  /** How long the server keeps the leases of a session whose stream broke, ms (0: not said). */
  readonly connectionGraceMs: number;
}

/**
 * Bounds until a Welcome says otherwise: the state machine's defaults and gRPC's default receive
 * limit (4 MiB), the smallest a server runs with.
 */
export const DEFAULT_BOUNDS: StreamBounds = {
  maxLeasesPerMessage: 1000,
  maxMessageBytes: 4 * 1024 * 1024,
  maxResultBytes: 1024 * 1024,
  maxErrorLength: 16_384,
  connectionGraceMs: 0,
};

/** The bounds of a Welcome; a field left 0 (a server that does not say) keeps the default. */
export function boundsOf(w: wire.Welcome__Output): StreamBounds {
  const pick = (v: number, d: number): number => (Number.isFinite(v) && v > 0 ? v : d);
  return {
    maxLeasesPerMessage: pick(w.maxLeasesPerMessage, DEFAULT_BOUNDS.maxLeasesPerMessage),
    maxMessageBytes: pick(w.maxMessageBytes, DEFAULT_BOUNDS.maxMessageBytes),
    maxResultBytes: pick(w.maxResultBytes, DEFAULT_BOUNDS.maxResultBytes),
    maxErrorLength: pick(w.maxErrorLength, DEFAULT_BOUNDS.maxErrorLength),
    connectionGraceMs: pick(w.connectionGraceMs, 0),
  };
}

/**
 * Most bytes the worker puts in one message: a tenth of `maxMessageBytes` is left as headroom for
 * what {@link messageBytes} does not see exactly. A single message over it (a completion with a
 * large result) is sent alone.
 */
export function sendBudget(bounds: StreamBounds): number {
  return Math.max(1024, Math.floor(bounds.maxMessageBytes * 0.9));
}

/** Per field: tag and length prefix, or tag and a varint of up to 10 bytes. */
const FIELD = 12;

function text(s: string): number {
  return Buffer.byteLength(s, 'utf8') + FIELD;
}

function refsBytes(refs: readonly wire.LeaseRef__Output[]): number {
  let n = 0;
  for (const r of refs) n += refBytes(r);
  return n;
}

/** Encoded size of one LeaseRef inside a repeated field, at most. */
export function refBytes(r: wire.LeaseRef__Output): number {
  return text(r.jobId) + 2 * FIELD;
}

/**
 * The encoded size of a WorkerMessage, at most (protobuf framing is counted generously; strings by
 * their UTF-8 bytes, results by their bytes).
 */
export function messageBytes(m: wire.WorkerMessage__Output): number {
  let n = 2 * FIELD; // request id, the body's own framing
  if (m.hello) n += text(m.hello.workerId) + text(m.hello.sessionId) + 4 * FIELD + m.hello.queues.reduce((s, q) => s + text(q), 0) + refsBytes(m.hello.held);
  if (m.heartbeat) n += FIELD + refsBytes(m.heartbeat.leases);
  if (m.release) n += refsBytes(m.release.leases);
  if (m.progress) n += text(m.progress.jobId) + text(m.progress.message) + 2 * FIELD;
  if (m.complete) n += text(m.complete.jobId) + m.complete.result.length + 3 * FIELD;
  if (m.fail) n += text(m.fail.jobId) + text(m.fail.error) + (m.fail.throttle ? 6 : 3) * FIELD;
  if (m.batch) for (const inner of m.batch.messages) n += messageBytes(inner) + FIELD;
  return n;
}

/** How many leases a message names (what `maxLeasesPerMessage` bounds). */
export function leaseCount(m: wire.WorkerMessage__Output): number {
  return (m.heartbeat?.leases.length ?? 0) + (m.release?.leases.length ?? 0);
}

/**
 * Split leases into groups of at most `bounds.maxLeasesPerMessage` leases and about `maxBytes`
 * bytes each, in order.
 */
export function chunkRefs(refs: readonly wire.LeaseRef__Output[], bounds: StreamBounds, maxBytes = sendBudget(bounds)): wire.LeaseRef__Output[][] {
  const out: wire.LeaseRef__Output[][] = [];
  let cur: wire.LeaseRef__Output[] = [];
  let bytes = 0;
  for (const r of refs) {
    const b = refBytes(r);
    if (cur.length > 0 && (cur.length >= bounds.maxLeasesPerMessage || bytes + b > maxBytes - 4 * FIELD)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(r);
    bytes += b;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
