/**
 * Snapshots and the state digest. Both walk the same canonical encoding: header (clock, counters),
 * live jobs in id order (purged ones are gone, whether or not `order` was swept yet), idempotency
 * keys in the table's order (live, then purged jobs'). Indexes (heaps, counts, finished FIFOs) are
 * not stored; restore rebuilds them, and since every index order is total the rebuilt state behaves
 * exactly like the saved one.
 */
import type { Decoded } from './codec.js';
import { Hasher64, hashBytes } from './hash.js';
import { resolveOptions, type JobsOptions } from './options.js';
import { packBytes, type PackedBytes } from './packed.js';
import { JobRecord, JobsState, formatJobId, specFor } from './state.js';
import { addJob } from './transitions.js';
import type { AttemptRecord } from './results.js';
import { AttemptOutcome, JOB_STATES, isTerminal, type ResolvedBackoff } from './types.js';
import { DecodeError, Reader, Writer } from './wire.js';

const MAGIC = 0x53; // 'S'
/**
 * 2: a job's retention is optional (null: queue or state default) and its purge time is stored.
 * Version 1 snapshots still restore: their retention was always resolved at submit.
 */
const VERSION = 2;
const OUTCOMES: readonly AttemptOutcome[] = Object.values(AttemptOutcome);
/** Digest chunk size: the hasher is fed at job boundaries once this much is buffered. */
const DIGEST_CHUNK = 64 * 1024;

/** Serialises the whole state (everything `restoreState` needs, nothing derived). */
export function snapshotState(state: JobsState): Uint8Array {
  const w = new Writer(1024 + state.jobs.size * 256);
  w.u8(MAGIC);
  w.u8(VERSION);
  w.sint(state.lastApplied);
  writeHeader(w, state);
  w.uint(state.jobs.size);
  for (const job of state.order) if (!job.purged) writeJob(w, job, false);
  writeKeys(w, state);
  return w.finish();
}

/**
 * Hex hash (16 digits) of the canonical encoding of the job state: clock, counters, every job
 * with its history, idempotency keys. Equal on replicas that applied the same entries; the last
 * applied index is left out. Payloads and results enter as their own hashes, cached per job, so a
 * repeated digest over ~100k jobs costs one pass over the small fields.
 */
export function stateDigest(state: JobsState): string {
  const hasher = new Hasher64();
  const w = new Writer(DIGEST_CHUNK + 4096);
  writeHeader(w, state);
  w.uint(state.jobs.size);
  for (const job of state.order) {
    if (job.purged) continue;
    writeJob(w, job, true);
    if (w.pos >= DIGEST_CHUNK) {
      hasher.update(w.buf, 0, w.pos);
      w.pos = 0;
    }
  }
  writeKeys(w, state);
  hasher.update(w.buf, 0, w.pos);
  return hasher.hex();
}

/**
 * Rebuilds a state from `snapshotState` bytes. `options` must equal the cluster's (as for
 * `createState`). Malformed or inconsistent bytes yield `{ ok: false, error }`.
 */
export function restoreState(bytes: Uint8Array, options: Partial<JobsOptions> = {}): Decoded<JobsState> {
  const state = new JobsState(resolveOptions(options));
  try {
    const r = new Reader(bytes);
    if (r.u8() !== MAGIC) throw new DecodeError('not a jobs snapshot');
    const version = r.u8();
    if (version !== VERSION && version !== 1) throw new DecodeError(`unsupported snapshot version ${version}`);
    state.lastApplied = r.sint();
    state.now = r.sint();
    state.lastSeq = r.sint();
    state.lastToken = r.sint();
    const n = r.count();
    let prevSeq = 0;
    for (let i = 0; i < n; i++) {
      const job = readJob(r, version, state);
      if (job.seq <= prevSeq || job.seq > state.lastSeq) {
        throw new DecodeError(`job ${job.id}: id or sequence out of order`);
      }
      if (job.state === 'leased' && job.leaseToken > state.lastToken) throw new DecodeError(`job ${job.id}: token beyond counter`);
      if ((job.purgeAt !== null) !== isTerminal(job.state)) throw new DecodeError(`job ${job.id}: purge time does not match state ${job.state}`);
      prevSeq = job.seq;
      addJob(state, job);
    }
    const keys = r.count();
    for (let i = 0; i < keys; i++) {
      const key = r.str();
      const jobId = r.str();
      const expiresAt = r.sint();
      const job = state.jobs.get(jobId);
      const prefix = job === undefined ? undefined : state.queues.get(job.queue)?.keyPrefix;
      if (!state.idempotency.restore(key, jobId, expiresAt, job, prefix)) throw new DecodeError(`idempotency key ${JSON.stringify(key)} names no queue`);
    }
    r.end();
    return { ok: true, value: state };
  } catch (err) {
    if (err instanceof DecodeError) return { ok: false, error: `restoreState: ${err.message}` };
    throw err;
  }
}

function writeHeader(w: Writer, state: JobsState): void {
  w.sint(state.now);
  w.sint(state.lastSeq);
  w.sint(state.lastToken);
}

function writeKeys(w: Writer, state: JobsState): void {
  w.uint(state.idempotency.size);
  state.idempotency.forEach((queue, key, jobId, seq, expiresAt) => {
    // From its parts: writing the joined key would flatten it, a copy of the key per job.
    w.strJoined(queue, key);
    if (jobId === null) writeJobId(w, seq);
    else w.str(jobId);
    w.sint(expiresAt);
  });
}

/** Hash of packed bytes, as the digest records them (`hashBytes` of the bytes). */
function packedHash(p: PackedBytes): string {
  return typeof p === 'string' ? new Hasher64().updateLatin1(p).hex() : hashBytes(p);
}

/**
 * Byte fields shorter than this are hashed on each digest rather than cached: hashing a small
 * field costs about as much as writing the cached hex string, and the cache costs a string per job.
 */
const HASH_CACHE_MIN_BYTES = 256;

const smallHasher = new Hasher64();

/** What `w.str(packedHash(p))` writes, for a small packed string, without making the hex string. */
function writeSmallHash(w: Writer, p: string): void {
  smallHasher.reset().updateLatin1(p);
  w.uint(16);
  w.ensure(16);
  smallHasher.hexInto(w.buf, w.pos);
  w.pos += 16;
}

/** What `w.str(formatJobId(seq))` writes, without making the id string. */
function writeJobId(w: Writer, seq: number): void {
  if (!(seq >= 1 && seq < ID_LIMIT)) {
    w.str(formatJobId(seq));
    return;
  }
  w.uint(10);
  w.ensure(10);
  const buf = w.buf;
  const pos = w.pos;
  for (let i = 9; i >= 0; i--) {
    const d = seq % 36;
    buf[pos + i] = d < 10 ? 48 + d : 87 + d;
    seq = (seq - d) / 36;
  }
  w.pos = pos + 10;
}

/** Sequence numbers below this have 10-digit ids (`formatJobId` pads to 10). */
const ID_LIMIT = 36 ** 10;

function writeJob(w: Writer, job: JobRecord, digest: boolean): void {
  writeJobId(w, job.seq);
  w.sint(job.seq);
  w.str(job.queue);
  const payload = job.packedPayload;
  if (!digest) w.packed(payload);
  else if (typeof payload === 'string' && payload.length < HASH_CACHE_MIN_BYTES) writeSmallHash(w, payload);
  else w.str((job.payloadHash ??= packedHash(payload)));
  w.sint(job.priority);
  w.sint(job.submittedAt);
  const spec = job.spec;
  w.sint(spec.maxAttempts);
  writeBackoff(w, spec.backoff);
  w.sint(spec.leaseTtlMs);
  w.optSint(spec.retentionMs);
  w.optStr(job.idempotencyKey);
  w.u8(JOB_STATES.indexOf(job.state));
  w.sint(job.runAt);
  w.sint(job.updatedAt);
  w.sint(job.attempts);
  w.sint(job.attemptLimit);
  w.sint(job.backoffBase);
  if (job.state === 'leased') {
    w.sint(job.leaseToken);
    w.str(job.leaseWorker);
    w.sint(job.leaseExpiresAt);
    w.sint(job.leaseTtl);
  }
  if (job.progress === null) w.u8(0);
  else {
    w.u8(1);
    w.f64(job.progress.percent);
    w.str(job.progress.message);
    w.sint(job.progress.updatedAt);
  }
  const result = job.packedResult;
  if (result === null) w.u8(0);
  else {
    w.u8(1);
    if (!digest) w.packed(result);
    else if (typeof result === 'string' && result.length < HASH_CACHE_MIN_BYTES) writeSmallHash(w, result);
    else w.str((job.resultHash ??= packedHash(result)));
  }
  w.optStr(job.lastError);
  w.optStr(job.cancelReason);
  w.optSint(job.finishedAt);
  w.optSint(job.purgeAt);
  w.uint(job.history.length);
  for (const h of job.history) {
    w.sint(h.attempt);
    w.sint(h.token);
    w.str(h.workerId);
    w.sint(h.startedAt);
    w.optSint(h.endedAt);
    w.u8(OUTCOMES.indexOf(h.outcome));
    w.optStr(h.error);
  }
}

function readJob(r: Reader, version: number, state: JobsState): JobRecord {
  const id = r.str();
  const seq = r.sint();
  if (id !== formatJobId(seq)) throw new DecodeError(`job ${id}: id or sequence out of order`);
  // The queue index's copy of the name, shared by all its jobs (as on the replica that submitted them).
  const q = state.queue(r.str());
  const payload = packBytes(r.bytes());
  const priority = r.sint();
  const submittedAt = r.sint();
  const maxAttempts = r.sint();
  const backoff = readBackoff(r);
  const leaseTtlMs = r.sint();
  const retentionMs = version === 1 ? r.sint() : r.optSint();
  const job = new JobRecord({
    seq,
    queue: q.name,
    payload,
    priority,
    submittedAt,
    spec: specFor(state, q, maxAttempts, backoff, leaseTtlMs, retentionMs),
    idempotencyKey: r.optStr(),
  });
  job.state = pick(JOB_STATES, r.u8(), 'job state');
  job.runAt = r.sint();
  job.updatedAt = r.sint();
  job.attempts = r.sint();
  job.attemptLimit = r.sint();
  job.backoffBase = r.sint();
  if (job.state === 'leased') {
    const token = r.sint();
    const worker = r.str();
    const expiresAt = r.sint();
    job.lease = { token, worker, expiresAt, ttl: r.sint() };
  }
  if (r.bool()) job.progress = { percent: r.f64(), message: r.str(), updatedAt: r.sint() };
  if (r.bool()) job.packedResult = packBytes(r.bytes());
  job.lastError = r.optStr();
  job.cancelReason = r.optStr();
  job.finishedAt = r.optSint();
  if (version === 1) job.purgeAt = isTerminal(job.state) ? (job.finishedAt ?? 0) + (job.retentionMs ?? 0) : null;
  else job.purgeAt = r.optSint();
  const n = r.count();
  if (n === 0) return job;
  const history: AttemptRecord[] = [];
  for (let i = 0; i < n; i++) {
    history.push({
      attempt: r.sint(),
      token: r.sint(),
      workerId: r.str(),
      startedAt: r.sint(),
      endedAt: r.optSint(),
      outcome: pick(OUTCOMES, r.u8(), 'attempt outcome'),
      error: r.optStr(),
    });
  }
  job.history = history;
  return job;
}

function writeBackoff(w: Writer, b: ResolvedBackoff): void {
  if (b.type === 'fixed') {
    w.u8(0);
    w.sint(b.delayMs);
  } else {
    w.u8(1);
    w.sint(b.initialMs);
    w.sint(b.maxMs);
    w.f64(b.factor);
  }
  w.f64(b.jitter);
}

function readBackoff(r: Reader): ResolvedBackoff {
  const kind = r.u8();
  if (kind === 0) {
    const delayMs = r.sint();
    return { type: 'fixed', delayMs, jitter: r.f64() };
  }
  if (kind !== 1) throw new DecodeError(`bad backoff kind ${kind}`);
  const initialMs = r.sint();
  const maxMs = r.sint();
  const factor = r.f64();
  return { type: 'exponential', initialMs, maxMs, factor, jitter: r.f64() };
}

function pick<T>(values: readonly T[], i: number, what: string): T {
  const v = values[i];
  if (v === undefined) throw new DecodeError(`bad ${what} ${i}`);
  return v;
}
