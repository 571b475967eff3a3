/**
 * Upper bounds of the bytes a submit takes, in a log entry and on the wire: shared by the server
 * (which refuses a submit that would not fit in one entry) and the SDK (which keeps each coalesced
 * submit under its cap by the same measure). See src/config/limits.ts for the chain of byte limits.
 */
import { LIMITS } from './settings.js';

/** A log entry's own header in the job codec (magic, version, time, command count), rounded up. */
export const ENTRY_HEADER_BYTES = 32;

/** What a submit adds around its jobs: command tag and job count (codec), request id (protobuf). */
export const SUBMIT_HEADER_BYTES = 32;

/**
 * What one job adds to a submit beyond its payload, queue name and idempotency key, both in the
 * codec (flags, length prefixes, six optional integers, a backoff: at most 105) and in the protobuf
 * request (field tags and lengths, ten-byte negative varints: at most 166), rounded up.
 */
export const JOB_OVERHEAD_BYTES = 192;

/**
 * What a job's group key and unique option add beyond their strings: length prefixes (codec and
 * protobuf), the unique option's mode and window (an optional integer, a ten-byte varint on the
 * wire) and its message framing, rounded up.
 */
export const FLOW_OVERHEAD_BYTES = 40;

/** UTF-8 length of `s` (a string's `length` counts UTF-16 units; UTF-8 needs up to 3 bytes each). */
function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The fields of a job that its size depends on (`SubmitJob`, the SDK's and the server's wire specs). */
export interface SizedJob {
  readonly queue: string;
  readonly payload: Uint8Array;
  readonly idempotencyKey?: string | undefined;
  readonly group?: string | undefined;
  readonly unique?: { readonly key?: string | undefined } | null | undefined;
}

/** Upper bound of the bytes one job takes in a submit command and in a submit request. */
export function submitJobBytes(job: SizedJob): number {
  const flow = job.group === undefined && (job.unique ?? null) === null ? 0 : FLOW_OVERHEAD_BYTES + utf8Length(job.group ?? '') + utf8Length(job.unique?.key ?? '');
  return JOB_OVERHEAD_BYTES + utf8Length(job.queue) + job.payload.byteLength + utf8Length(job.idempotencyKey ?? '') + flow;
}

/**
 * Upper bound of the bytes a submit of `jobs` takes as one command in a log entry, and as one
 * Submit (or SubmitStream) request on the wire. The server refuses a submit over
 * `maxCommandBytes(limits.maxEntryBytes)`; the SDK keeps each coalesced submit under its cap by it.
 */
export function submitBytes(jobs: Iterable<SizedJob>): number {
  let n = SUBMIT_HEADER_BYTES;
  for (const job of jobs) n += submitJobBytes(job);
  return n;
}

/** Largest command that fits in a log entry of `maxEntryBytes` on its own. */
export function maxCommandBytes(maxEntryBytes: number): number {
  return maxEntryBytes - ENTRY_HEADER_BYTES;
}

/**
 * The SDK's default cap on one coalesced submit: the largest command of a cluster with default
 * limits (`raft.maxAppendBytes` 2 MiB, so `limits.maxEntryBytes` 2 MiB). A cluster configured
 * smaller refuses bigger submits with INVALID_ARGUMENT, and the SDK then resends each caller's
 * jobs on their own; set `ClientOptions.maxSubmitBytes` to match such a cluster.
 */
export const DEFAULT_MAX_SUBMIT_BYTES = maxCommandBytes(LIMITS.maxAppendBytes.default);
