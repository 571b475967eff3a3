/**
 * The byte bounds of a cluster, and the one chain they must form so that nothing a node accepts
 * can wedge replication:
 *
 *     largest command (one job of `limits.maxPayloadBytes`, one result of `limits.maxResultBytes`,
 *     one heartbeat of `limits.maxBatchSize` leases) + entry header
 *       <= limits.maxEntryBytes                    (largest log entry the leader packs)
 *       <= raft.maxAppendBytes                     (byte budget of one AppendEntries message)
 *       <= limits.maxPeerMessageBytes - framing    (largest frame a peer link carries)
 *
 * A message over the peer limit is dropped by the transport and Raft resends it forever, while
 * heartbeats keep the leader in place: the cluster stops committing until the leader dies. So
 * `validateConfig` rejects every combination that breaks the chain (`byteLimitProblems`), the
 * server refuses a submit whose command would not fit in an entry (`submitBytes` against
 * `maxCommandBytes`), and the SDK splits its coalesced submits by the same measure.
 *
 * The defaults and allowed ranges of these fields live in the limits table (src/limits/settings.ts:
 * `maxPayloadBytes`, `maxResultBytes`, `maxEntryBytes`, `maxAppendBytes`, `maxPeerMessageBytes`);
 * `limits.maxEntryBytes` has no fixed default: it is `raft.maxAppendBytes` unless set.
 *
 * Everything here is arithmetic on numbers; the sizes are upper bounds of both encodings a job
 * goes through, the protobuf request (proto/jobs.proto) and the log-entry codec
 * (src/jobs/codec.ts), rounded up (test/config/limits.test.ts checks them against both).
 */
import { DEFAULT_JOBS_OPTIONS } from '../jobs/options.js';
import { MAX_GROUP_LENGTH, MAX_RELEASE_KEEP, MAX_SESSION_LENGTH, MAX_UNIQUE_KEY_LENGTH } from '../jobs/validate.js';
import { ENTRY_HEADER_BYTES, FLOW_OVERHEAD_BYTES, JOB_OVERHEAD_BYTES, SUBMIT_HEADER_BYTES } from '../limits/index.js';
import type { Finding } from './rules.js';

export {
  DEFAULT_MAX_SUBMIT_BYTES,
  ENTRY_HEADER_BYTES,
  JOB_OVERHEAD_BYTES,
  maxCommandBytes,
  SUBMIT_HEADER_BYTES,
  submitBytes,
  submitJobBytes,
  type SizedJob,
} from '../limits/index.js';

const KiB = 1024;

/** What a completion adds beyond its result: tag, job id (64 characters of UTF-8), token, lengths. */
export const RESULT_OVERHEAD_BYTES = 256;
/** One lease reference of a heartbeat or release: job id (64 characters of UTF-8) and token. */
export const LEASE_REF_BYTES = 208;
/** What a heartbeat or release adds around its lease references: tag, TTL, worker id length, count. */
const LEASE_LIST_HEADER_BYTES = 32;
/** Protobuf framing of one entry in an append: tags, index, term, type, length prefixes. */
export const ENTRY_WIRE_OVERHEAD_BYTES = 40;
/** Frame header and append header on the wire: cluster and node ids, term, indexes, commit. */
export const APPEND_HEADER_BYTES = 4 * KiB;






/** Bytes an append message adds on the wire to its entries' data: per-entry framing and headers. */
export function appendFramingBytes(maxAppendEntries: number): number {
  return maxAppendEntries * ENTRY_WIRE_OVERHEAD_BYTES + APPEND_HEADER_BYTES;
}


/** The largest commands whose size no config field bounds, with what they are, in bytes. */
export function fixedCommands(maxQueueNameLength: number): { readonly what: string; readonly bytes: number }[] {
  const o = DEFAULT_JOBS_OPTIONS;
  return [
    { what: `a worker's release of ${MAX_RELEASE_KEEP} leases`, bytes: LEASE_LIST_HEADER_BYTES + 3 * (o.maxWorkerIdLength + MAX_SESSION_LENGTH) + MAX_RELEASE_KEEP * LEASE_REF_BYTES },
    { what: `a failure with a ${o.maxErrorLength}-character error`, bytes: RESULT_OVERHEAD_BYTES + 3 * o.maxErrorLength },
    {
      what: `a lease naming ${o.maxQueuesPerLease} queues of ${maxQueueNameLength} characters`,
      bytes: LEASE_LIST_HEADER_BYTES + 3 * (o.maxWorkerIdLength + MAX_SESSION_LENGTH) + o.maxQueuesPerLease * (maxQueueNameLength + 5),
    },
  ];
}

/**
 * The byte-related settings of a config after defaults. `undefined` marks a field that is itself
 * invalid (its own problem is reported elsewhere): rules that need it are skipped.
 */
export interface ByteLimitSettings {
  readonly maxPayloadBytes: number | undefined;
  readonly maxResultBytes: number | undefined;
  /** `null` when not configured: then it is `maxAppendBytes`. */
  readonly maxEntryBytes: number | null | undefined;
  readonly maxAppendBytes: number | undefined;
  readonly maxAppendEntries: number | undefined;
  readonly maxPeerMessageBytes: number | undefined;
  readonly maxBatchSize: number | undefined;
  readonly maxQueueNameLength: number | undefined;
  readonly maxKeyLength: number | undefined;
  /**
   * Paths of the fields the config sets, e.g. `limits.maxPayloadBytes`; the others are defaults.
   * A command too large for an entry is reported at the field that sizes it when that is set,
   * else at the entry limit: the problem names what the operator changed.
   */
  readonly configured: ReadonlySet<string>;
}

/** `limits.maxEntryBytes` as configured, or derived from `raft.maxAppendBytes`. */
export function effectiveMaxEntryBytes(maxEntryBytes: number | null | undefined, maxAppendBytes: number | undefined): number | undefined {
  return maxEntryBytes === null ? maxAppendBytes : maxEntryBytes;
}

/** The largest commands the config's own fields bound, with the field that sizes each. */
function sizedCommands(s: ByteLimitSettings): { readonly field: string; readonly what: string; readonly bytes: number }[] {
  const out: { field: string; what: string; bytes: number }[] = [];
  const { maxPayloadBytes: payload, maxQueueNameLength: queue, maxKeyLength: key, maxResultBytes: result, maxBatchSize: batch } = s;
  if (payload !== undefined && queue !== undefined && key !== undefined) {
    const what = `one job of limits.maxPayloadBytes (${payload}) with its queue name, idempotency key, group key and unique key`;
    const flow = FLOW_OVERHEAD_BYTES + 3 * (MAX_GROUP_LENGTH + MAX_UNIQUE_KEY_LENGTH);
    out.push({ field: 'limits.maxPayloadBytes', what, bytes: SUBMIT_HEADER_BYTES + JOB_OVERHEAD_BYTES + payload + queue + 3 * key + flow });
  }
  if (result !== undefined) out.push({ field: 'limits.maxResultBytes', what: `a completion with a result of limits.maxResultBytes (${result})`, bytes: RESULT_OVERHEAD_BYTES + result });
  if (batch !== undefined) out.push({ field: 'limits.maxBatchSize', what: `a heartbeat of limits.maxBatchSize (${batch}) leases`, bytes: LEASE_LIST_HEADER_BYTES + batch * LEASE_REF_BYTES });
  return out;
}

/**
 * Every break of the chain in `s`, each anchored at a field that is too large for the next link
 * (or too small for the previous one), naming the fields involved and their numbers.
 */
export function byteLimitProblems(s: ByteLimitSettings): Finding[] {
  const problems: Finding[] = [];
  const at = (path: string, message: string): void => {
    problems.push({ path: path.split('.'), message });
  };
  const entry = effectiveMaxEntryBytes(s.maxEntryBytes, s.maxAppendBytes);
  if (entry !== undefined) {
    const derived = s.maxEntryBytes === null;
    const entryField = derived ? 'raft.maxAppendBytes' : 'limits.maxEntryBytes';
    const entryName = derived ? `limits.maxEntryBytes (${entry}, which is raft.maxAppendBytes when not set)` : `limits.maxEntryBytes (${entry})`;
    const tooBig = sizedCommands(s)
      .map((c) => ({ ...c, need: c.bytes + ENTRY_HEADER_BYTES }))
      .filter((c) => c.need > entry);
    const unset = tooBig.filter((c) => !s.configured.has(c.field));
    for (const c of tooBig) {
      if (unset.includes(c)) continue;
      at(c.field, `${c.what} takes up to ${c.need} bytes as a log entry, over ${entryName}; lower ${c.field} or raise ${entryField}`);
    }
    if (unset.length > 0) {
      const need = Math.max(...unset.map((c) => c.need));
      const why = unset.map((c) => `${c.what} takes up to ${c.need} bytes as a log entry`).join('; ');
      at(entryField, `must be at least ${need}, got ${entry}${derived ? ' (it is also limits.maxEntryBytes when that is not set)' : ''}: ${why}`);
    }
    if (!derived && s.maxEntryBytes !== undefined && s.maxAppendBytes !== undefined && s.maxEntryBytes > s.maxAppendBytes) {
      at('limits.maxEntryBytes', `must be at most raft.maxAppendBytes (${s.maxAppendBytes}), got ${s.maxEntryBytes}: every entry must fit in one append`);
    }
  }
  const { maxAppendBytes: append, maxAppendEntries: entries, maxPeerMessageBytes: peer } = s;
  if (append !== undefined && entries !== undefined && peer !== undefined) {
    const wire = append + appendFramingBytes(entries);
    if (wire > peer) {
      at(
        'raft.maxAppendBytes',
        `an append of raft.maxAppendBytes (${append}) in up to raft.maxAppendEntries (${entries}) entries takes up to ${wire} bytes on the wire, ` +
          `over limits.maxPeerMessageBytes (${peer}); lower raft.maxAppendBytes or raft.maxAppendEntries, or raise limits.maxPeerMessageBytes`,
      );
    }
  }
  if (peer !== undefined && s.maxQueueNameLength !== undefined) {
    for (const c of fixedCommands(s.maxQueueNameLength)) {
      const wire = c.bytes + ENTRY_HEADER_BYTES + appendFramingBytes(1);
      if (wire > peer) at('limits.maxPeerMessageBytes', `${c.what} takes up to ${wire} bytes as one append, over limits.maxPeerMessageBytes (${peer})`);
    }
  }
  return problems;
}
