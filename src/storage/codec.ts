import type { ClusterMembership, Entry, EntryType, HardState, SnapshotMeta } from '../raft/types.js';
import { checkMembership } from '../raft/index.js';
import { ErrorCode } from '../errors/index.js';
import { corrupt, refuse } from './failures.js';

/** Version of the on-disk layout; bumped on any incompatible change to keys or records. */
export const FORMAT_VERSION = 1;

/** Who a database belongs to. Written once on first boot, checked on every open. */
export interface StorageIdentity {
  readonly clusterId: string;
  readonly nodeId: string;
}

/** Identity record as stored, with the layout version that wrote it. */
export interface IdentityRecord extends StorageIdentity {
  readonly format: number;
}

/** Stored snapshot meta: the Raft meta plus how its data is chunked. */
export interface SnapshotRecord {
  readonly meta: SnapshotMeta;
  /** Total data length in bytes. */
  readonly size: number;
  /** Number of data chunks. */
  readonly chunks: number;
  /** Which chunk keys hold the data (`snapshotChunkKey`); 0 for a record written before generations. */
  readonly generation: number;
}

export interface LogPosition {
  readonly index: number;
  readonly term: number;
}

// Entry value: [type code: 1 byte][term: 8 bytes big-endian][data]. The index is the key.
const ENTRY_HEADER = 9;
const TYPE_CODES: Readonly<Record<EntryType, number>> = { normal: 0, noop: 1, config: 2 };
const CODE_TYPES: readonly EntryType[] = ['normal', 'noop', 'config'];

/** Encodes an entry's term, type and data (a fresh buffer: the caller's data is copied). */
export function encodeEntry(entry: Entry): Uint8Array {
  const out = new Uint8Array(ENTRY_HEADER + entry.data.byteLength);
  const view = new DataView(out.buffer);
  out[0] = TYPE_CODES[entry.type];
  view.setUint32(1, Math.floor(entry.term / 2 ** 32));
  view.setUint32(5, entry.term >>> 0);
  out.set(entry.data, ENTRY_HEADER);
  return out;
}

/** Decodes an entry stored under `index`; the returned data is a copy. */
export function decodeEntry(index: number, value: Uint8Array, path: string): Entry {
  const type = value.byteLength >= ENTRY_HEADER ? CODE_TYPES[value[0] ?? -1] : undefined;
  if (type === undefined) throw corrupt(path, `log entry ${index} does not decode`);
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const term = view.getUint32(1) * 2 ** 32 + view.getUint32(5);
  return { index, term, type, data: new Uint8Array(value.subarray(ENTRY_HEADER)) };
}

/** Term of a stored entry without copying its data. */
export function decodeEntryTerm(index: number, value: Uint8Array, path: string): number {
  return decodeEntry(index, value.subarray(0, ENTRY_HEADER), path).term;
}

function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

function decodeJson(value: Uint8Array, what: string, path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value));
  } catch (err) {
    throw corrupt(path, `the ${what} record does not decode`, err);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw corrupt(path, `the ${what} record is not an object`);
  }
  return parsed as Record<string, unknown>;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

export function encodeIdentity(identity: StorageIdentity): Uint8Array {
  const record: IdentityRecord = { format: FORMAT_VERSION, clusterId: identity.clusterId, nodeId: identity.nodeId };
  return encodeJson(record);
}

export function decodeIdentity(value: Uint8Array, path: string): IdentityRecord {
  const r = decodeJson(value, 'identity', path);
  if (!isCount(r['format']) || !isId(r['clusterId']) || !isId(r['nodeId'])) {
    throw corrupt(path, 'the identity record is malformed');
  }
  return { format: r['format'], clusterId: r['clusterId'], nodeId: r['nodeId'] };
}

export function encodeHardState(hs: HardState): Uint8Array {
  return encodeJson({ term: hs.term, vote: hs.vote, commit: hs.commit });
}

export function decodeHardState(value: Uint8Array, path: string): HardState {
  const r = decodeJson(value, 'hard state', path);
  const vote = r['vote'];
  if (!isCount(r['term']) || !isCount(r['commit']) || !(vote === null || isId(vote))) {
    throw corrupt(path, 'the hard state record is malformed');
  }
  return { term: r['term'], vote, commit: r['commit'] };
}

export function encodeLogStart(pos: LogPosition): Uint8Array {
  return encodeJson({ index: pos.index, term: pos.term });
}

export function decodeLogStart(value: Uint8Array, path: string): LogPosition {
  const r = decodeJson(value, 'log start', path);
  if (!isCount(r['index']) || !isCount(r['term'])) throw corrupt(path, 'the log start record is malformed');
  return { index: r['index'], term: r['term'] };
}

/**
 * The snapshot record: its meta with the whole membership beside `voters` (`learners`, `addresses`
 * and `incarnations` only when the membership has some, so a voters-only membership is stored as
 * records were before they held more), and how its data is chunked.
 */
export function encodeSnapshotRecord(rec: SnapshotRecord): Uint8Array {
  const { index, term, membership: m } = rec.meta;
  const learners = m.learners ?? [];
  return encodeJson({
    index,
    term,
    voters: m.voters,
    ...(learners.length > 0 ? { learners } : {}),
    ...(m.addresses !== undefined && Object.keys(m.addresses).length > 0 ? { addresses: m.addresses } : {}),
    ...(m.incarnations !== undefined && Object.keys(m.incarnations).length > 0 ? { incarnations: m.incarnations } : {}),
    size: rec.size,
    chunks: rec.chunks,
    generation: rec.generation,
  });
}

/** Reads what `encodeSnapshotRecord` wrote, and records from before (voters only, no generation). */
export function decodeSnapshotRecord(value: Uint8Array, path: string): SnapshotRecord {
  const r = decodeJson(value, 'snapshot', path);
  const membership = Array.isArray(r['voters']) ? membershipOf(r) : 'no voters';
  if (
    !isCount(r['index']) || !isCount(r['term']) || !isCount(r['size']) || !isCount(r['chunks']) ||
    (r['generation'] !== undefined && !isCount(r['generation'])) ||
    typeof membership === 'string'
  ) {
    throw corrupt(path, `the snapshot record is malformed${typeof membership === 'string' ? ` (membership: ${membership})` : ''}`);
  }
  const meta: SnapshotMeta = { index: r['index'], term: r['term'], membership };
  return { meta, size: r['size'], chunks: r['chunks'], generation: isCount(r['generation']) ? r['generation'] : 0 };
}

/** The membership of a snapshot record, by the core's rules; no `learners` when there are none, as written. */
function membershipOf(r: Record<string, unknown>): ClusterMembership | string {
  const m = checkMembership({ voters: r['voters'], learners: r['learners'], addresses: r['addresses'], incarnations: r['incarnations'] });
  if (typeof m === 'string' || (m.learners ?? []).length > 0) return m;
  const { learners: _none, ...rest } = m;
  return rest;
}

/** Refuses a database written by a newer build or belonging to another node or cluster. */
export function checkIdentity(stored: IdentityRecord, want: StorageIdentity, path: string): void {
  if (stored.format > FORMAT_VERSION) {
    throw refuse(ErrorCode.StorageUnreadable, path, `was written in storage format ${stored.format}, newer than this build reads (${FORMAT_VERSION})`);
  }
  if (stored.clusterId !== want.clusterId || stored.nodeId !== want.nodeId) {
    throw refuse(
      ErrorCode.StorageForeign,
      path,
      `belongs to node "${stored.nodeId}" of cluster "${stored.clusterId}", not to this node "${want.nodeId}" of cluster "${want.clusterId}"`,
    );
  }
}
