import path from 'node:path';
import protobuf from 'protobufjs';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { MAX_INCARNATION } from '../limits/index.js';
import { checkMembership, type ClusterMembership } from '../raft/index.js';
import type { Entry, EntryType, Message, SnapshotRequest } from '../raft/types.js';

/**
 * Wire codec of proto/raft.proto, on protobufjs reflection rather than proto-loader objects: the
 * sender encodes each message once, knows its exact size before putting it in a frame, and splices
 * the encoded bytes into the frame without a second encoding pass.
 */

/** Absolute path of `proto/raft.proto`. */
export const RAFT_PROTO_PATH = path.join(import.meta.dirname, '..', '..', 'proto', 'raft.proto');

const PACKAGE = 'raftjobs.raft.v1';
const root = protobuf.loadSync(RAFT_PROTO_PATH);
const FrameType = root.lookupType(`${PACKAGE}.PeerFrame`);
const ChunkType = root.lookupType(`${PACKAGE}.SnapshotChunk`);
const MessageType = root.lookupType(`${PACKAGE}.RaftMessage`);
const AckType = root.lookupType(`${PACKAGE}.PeerAck`);
const EntryTypeEnum = root.lookupEnum(`${PACKAGE}.EntryType`);

/** Reflection of the `RaftPeer` service, for building the grpc-js service definition. */
export const raftPeerReflection: protobuf.Service = root.lookupService(`${PACKAGE}.RaftPeer`);

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
function tagOf(type: protobuf.Type, field: string, wire: number): number {
  const f = type.fields[field];
  if (f === undefined) throw new Error(`raft.proto: ${type.name}.${field} missing`);
  return ((f.id << 3) | wire) >>> 0;
}
const TAG_CLUSTER = tagOf(FrameType, 'clusterId', WIRE_LEN);
const TAG_FROM = tagOf(FrameType, 'from', WIRE_LEN);
const TAG_MESSAGES = tagOf(FrameType, 'messages', WIRE_LEN);
const TAG_CHUNK = tagOf(FrameType, 'chunk', WIRE_LEN);
const TAG_CHUNK_MESSAGE = tagOf(ChunkType, 'message', WIRE_LEN);
const TAG_CHUNK_TOTAL = tagOf(ChunkType, 'totalBytes', WIRE_VARINT);
const TAG_CHUNK_OFFSET = tagOf(ChunkType, 'offset', WIRE_VARINT);
const TAG_CHUNK_DATA = tagOf(ChunkType, 'data', WIRE_LEN);

function entryTypeNumber(name: string): number {
  const n = EntryTypeEnum.values[name];
  if (n === undefined) throw new Error(`raft.proto: EntryType.${name} missing`);
  return n;
}
const ENTRY_TYPE_TO_WIRE: Readonly<Record<EntryType, number>> = {
  normal: entryTypeNumber('ENTRY_TYPE_NORMAL'),
  noop: entryTypeNumber('ENTRY_TYPE_NOOP'),
  config: entryTypeNumber('ENTRY_TYPE_CONFIG'),
};
const ENTRY_TYPE_FROM_WIRE = new Map<number, EntryType>(
  Object.entries(ENTRY_TYPE_TO_WIRE).map(([name, n]) => [n, name as EntryType]),
);

const EMPTY = new Uint8Array(0);

function malformed(what: string): RaftJobsError {
  return new RaftJobsError(ErrorCode.InvalidArgument, `raft wire: ${what}`);
}

// ------------------------------------------------------------------ encode

function u64(n: number, field: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw malformed(`${field} must be a non-negative safe integer, got ${n}`);
  return n;
}

/** An incarnation (uint32 on the wire): `min` (0 where it may be unknown, else 1) to `MAX_INCARNATION`. */
function u32(n: number, field: string, min: 0 | 1): number {
  if (!Number.isSafeInteger(n) || n < min || n > MAX_INCARNATION) throw malformed(`${field} must be an integer from ${min} to ${MAX_INCARNATION}, got ${n}`);
  return n;
}

function membershipToWire(m: ClusterMembership): Record<string, unknown> {
  const incarnations: Record<string, number> = {};
  for (const [id, n] of Object.entries(m.incarnations ?? {})) incarnations[id] = u32(n, `membership.incarnations.${id}`, 1);
  return { voters: [...m.voters], learners: [...(m.learners ?? [])], addresses: { ...m.addresses }, incarnations };
}

function entryToWire(e: Entry): Record<string, unknown> {
  const type = ENTRY_TYPE_TO_WIRE[e.type] as number | undefined;
  if (type === undefined) throw malformed(`unknown entry type ${String(e.type)}`);
  return { index: u64(e.index, 'entry.index'), term: u64(e.term, 'entry.term'), type, data: e.data };
}

function bodyToWire(msg: Message, withSnapshotData: boolean): Record<string, unknown> {
  switch (msg.type) {
    case 'preVote':
    case 'vote':
      return { lastLogIndex: u64(msg.lastLogIndex, 'lastLogIndex'), lastLogTerm: u64(msg.lastLogTerm, 'lastLogTerm'), transfer: msg.transfer };
    case 'preVoteResp':
    case 'voteResp':
      return { granted: msg.granted, incarnation: u32(msg.incarnation ?? 0, 'incarnation', 0) };
    case 'append':
      return {
        prevLogIndex: u64(msg.prevLogIndex, 'prevLogIndex'),
        prevLogTerm: u64(msg.prevLogTerm, 'prevLogTerm'),
        entries: msg.entries.map(entryToWire),
        commit: u64(msg.commit, 'commit'),
      };
    case 'appendResp':
      return {
        success: msg.success,
        index: u64(msg.index, 'index'),
        hintIndex: u64(msg.hintIndex, 'hintIndex'),
        hintTerm: u64(msg.hintTerm, 'hintTerm'),
        incarnation: u32(msg.incarnation, 'incarnation', 0),
      };
    case 'heartbeat':
      return { commit: u64(msg.commit, 'commit'), context: u64(msg.context, 'context') };
    case 'heartbeatResp':
      return { context: u64(msg.context, 'context'), incarnation: u32(msg.incarnation, 'incarnation', 0) };
    case 'snapshot': {
      const { meta, data } = msg.snapshot;
      return {
        meta: { index: u64(meta.index, 'snapshot.index'), term: u64(meta.term, 'snapshot.term'), membership: membershipToWire(meta.membership) },
        data: withSnapshotData ? data : EMPTY,
      };
    }
    case 'timeoutNow':
      return {};
    default:
      throw malformed(`unknown message type ${String((msg as { type: unknown }).type)}`);
  }
}

/**
 * Encodes one message as a `RaftMessage`. With `withSnapshotData: false` a snapshot message is
 * encoded without its data (the header of a chunked transfer).
 *
 * @throws RaftJobsError `INVALID_ARGUMENT` for an unknown type or a number that is not a
 *   non-negative safe integer.
 */
export function encodeMessage(msg: Message, withSnapshotData = true): Uint8Array {
  const wire = { from: msg.from, to: msg.to, term: u64(msg.term, 'term'), [msg.type]: bodyToWire(msg, withSnapshotData) };
  return MessageType.encode(wire).finish();
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len += 1;
  }
  return len;
}

/** Bytes a message of `encodedLength` adds to a frame (tag, length prefix, body). */
export function messageCost(encodedLength: number): number {
  return 1 + varintLength(encodedLength) + encodedLength;
}

/**
 * Upper bound of `encodeMessage(msg).length`, without encoding: every number at its longest
 * varint, every character at three bytes of UTF-8. Lets a transport skip encoding the messages
 * that are clearly small enough (almost all) when it checks sizes.
 */
export function encodedLengthBound(msg: Message): number {
  let n = 128 + 3 * (msg.from.length + msg.to.length);
  if (msg.type === 'append') for (const e of msg.entries) n += 40 + e.data.length;
  if (msg.type === 'snapshot') {
    const m = msg.snapshot.meta.membership;
    n += 64 + msg.snapshot.data.length;
    // A list item: tag, length, UTF-8. A map entry: tag, length, then a key and a value field.
    for (const id of [...m.voters, ...(m.learners ?? [])]) n += 6 + 3 * id.length;
    for (const [id, address] of Object.entries(m.addresses ?? {})) n += 18 + 3 * (id.length + address.length);
    for (const id of Object.keys(m.incarnations ?? {})) n += 18 + 3 * id.length;
  }
  return n;
}

/** Exact bytes of a frame's header (cluster id and sender), before any message or chunk. */
export function frameHeaderBytes(clusterId: string, from: string): number {
  return new FrameBuilder(clusterId, from).size;
}

/** Upper bound of the bytes a snapshot chunk adds to a frame. */
export function chunkCost(headerLength: number, dataLength: number): number {
  const header = headerLength > 0 ? messageCost(headerLength) : 0;
  return 1 + 5 + header + 11 + 11 + messageCost(dataLength);
}

/**
 * Builds one `PeerFrame` incrementally from already encoded messages, so the caller can stop
 * before the frame outgrows the message-size limit. `size` is exact.
 */
export class FrameBuilder {
  private readonly writer = protobuf.Writer.create();
  private count = 0;
  private chunkSet = false;

  constructor(clusterId: string, from: string) {
    this.writer.uint32(TAG_CLUSTER).string(clusterId);
    this.writer.uint32(TAG_FROM).string(from);
  }

  /** Bytes so far. */
  get size(): number {
    return this.writer.len;
  }

  /** Messages added so far. */
  get messages(): number {
    return this.count;
  }

  get hasChunk(): boolean {
    return this.chunkSet;
  }

  /** Appends a message produced by `encodeMessage`. */
  addMessage(encoded: Uint8Array): void {
    this.writer.uint32(TAG_MESSAGES).bytes(encoded);
    this.count += 1;
  }

  /** Sets the frame's one snapshot chunk; `header` (the encoded data-less message) on the first only. */
  setChunk(header: Uint8Array | null, totalBytes: number, offset: number, data: Uint8Array): void {
    if (this.chunkSet) throw new Error('raft wire: one chunk per frame');
    this.chunkSet = true;
    const w = this.writer.uint32(TAG_CHUNK).fork();
    if (header !== null) w.uint32(TAG_CHUNK_MESSAGE).bytes(header);
    w.uint32(TAG_CHUNK_TOTAL).uint64(totalBytes);
    w.uint32(TAG_CHUNK_OFFSET).uint64(offset);
    w.uint32(TAG_CHUNK_DATA).bytes(data);
    w.ldelim();
  }

  finish(): Uint8Array {
    return this.writer.finish();
  }
}

/** Encodes a `PeerAck`. */
export function encodeAck(ack: { readonly frames: number; readonly messages: number }): Uint8Array {
  return AckType.encode(ack).finish();
}

/** Decodes a `PeerAck`; counts that do not fit a safe integer read as -1. */
export function decodeAck(bytes: Uint8Array): { frames: number; messages: number } {
  const a = AckType.decode(bytes) as unknown as Record<string, unknown>;
  return { frames: num(a['frames']) ?? -1, messages: num(a['messages']) ?? -1 };
}

// ------------------------------------------------------------------ decode

/** A snapshot chunk as received. `header` is set on the first chunk only. */
export interface WireChunk {
  readonly header: SnapshotRequest | null;
  readonly totalBytes: number;
  readonly offset: number;
  readonly data: Uint8Array;
}

/** A decoded frame whose messages are still in wire form (see `messageFromWire`). */
export interface WireFrame {
  readonly clusterId: string;
  readonly from: string;
  readonly messages: readonly unknown[];
  readonly chunk: unknown;
}

/**
 * Decodes a `PeerFrame`. Messages stay in wire form so that one malformed message is refused on its
 * own.
 *
 * @throws RaftJobsError `INVALID_ARGUMENT` when the bytes are not a frame.
 */
export function decodeFrame(bytes: Uint8Array): WireFrame {
  let f: Record<string, unknown>;
  try {
    f = FrameType.decode(bytes) as unknown as Record<string, unknown>;
  } catch (err) {
    throw new RaftJobsError(ErrorCode.InvalidArgument, 'raft wire: undecodable frame', {}, { cause: err });
  }
  const messages = f['messages'];
  return {
    clusterId: str(f['clusterId'], 'clusterId'),
    from: str(f['from'], 'from'),
    messages: Array.isArray(messages) ? (messages as unknown[]) : [],
    chunk: f['chunk'] ?? null,
  };
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'object' && v !== null && 'toNumber' in v && typeof v.toNumber === 'function') {
    // protobufjs yields a long.js Long for uint64 when `long` is installed.
    const n = (v as { toNumber: () => unknown }).toNumber();
    return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  }
  return undefined;
}

function n64(v: unknown, field: string): number {
  const n = num(v);
  if (n === undefined) throw malformed(`${field} is not a safe integer`);
  return n;
}

/** A field a sender of an older version leaves out: 0. */
function optionalN(v: unknown, field: string): number {
  return v === undefined || v === null ? 0 : n64(v, field);
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw malformed(`${field} is not a string`);
  return v;
}

function bool(v: unknown): boolean {
  return v === true;
}

/** A plain `Uint8Array` view (no copy) of decoded bytes; protobufjs yields Buffer slices or `[]`. */
function bytesOf(v: unknown, field: string): Uint8Array {
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v) && v.length === 0) return new Uint8Array(0);
  throw malformed(`${field} is not bytes`);
}

function rec(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null) throw malformed(`${field} missing`);
  return v as Record<string, unknown>;
}

/**
 * A membership as a receiver reads it (a decoded `Membership`, or one a memory transport copies):
 * checked by the core's rules, canonical (map keys sorted), with no `learners` when there are none,
 * so that what an older sender wrote (voters only) reads back as it was. A string says what is wrong.
 */
export function readMembership(raw: unknown): ClusterMembership | string {
  const m = checkMembership(raw);
  if (typeof m === 'string' || (m.learners ?? []).length > 0) return m;
  const { learners: _none, ...rest } = m;
  return rest;
}

function membershipFromWire(v: unknown): ClusterMembership {
  const w = rec(v, 'snapshot.membership');
  const m = readMembership({ voters: w['voters'], learners: w['learners'], addresses: w['addresses'], incarnations: w['incarnations'] });
  if (typeof m === 'string') throw malformed(`snapshot membership: ${m}`);
  return m;
}

function entryFromWire(v: unknown): Entry {
  const e = rec(v, 'entry');
  const type = ENTRY_TYPE_FROM_WIRE.get(e['type'] as number);
  if (type === undefined) throw malformed(`entry type ${String(e['type'])}`);
  return { index: n64(e['index'], 'entry.index'), term: n64(e['term'], 'entry.term'), type, data: bytesOf(e['data'], 'entry.data') };
}

/**
 * Converts one decoded `RaftMessage` to a `Message`, field for field.
 *
 * @throws RaftJobsError `INVALID_ARGUMENT` when a field is missing or out of range.
 */
export function messageFromWire(v: unknown): Message {
  const m = rec(v, 'message');
  const env = { from: str(m['from'], 'from'), to: str(m['to'], 'to'), term: n64(m['term'], 'term') };
  const kind = m['body'];
  switch (kind) {
    case 'preVote':
    case 'vote': {
      const b = rec(m[kind], kind);
      return { type: kind, ...env, lastLogIndex: n64(b['lastLogIndex'], 'lastLogIndex'), lastLogTerm: n64(b['lastLogTerm'], 'lastLogTerm'), transfer: bool(b['transfer']) };
    }
    case 'preVoteResp':
    case 'voteResp':
    {
      const b = rec(m[kind], kind);
      const incarnation = optionalN(b['incarnation'], 'incarnation');
      return { type: kind, ...env, granted: bool(b['granted']), ...(incarnation === 0 ? {} : { incarnation }) };
    }
    case 'append': {
      const b = rec(m[kind], kind);
      const entries = b['entries'];
      return {
        type: kind,
        ...env,
        prevLogIndex: n64(b['prevLogIndex'], 'prevLogIndex'),
        prevLogTerm: n64(b['prevLogTerm'], 'prevLogTerm'),
        entries: Array.isArray(entries) ? entries.map(entryFromWire) : [],
        commit: n64(b['commit'], 'commit'),
      };
    }
    case 'appendResp': {
      const b = rec(m[kind], kind);
      return {
        type: kind,
        ...env,
        success: bool(b['success']),
        index: n64(b['index'], 'index'),
        hintIndex: n64(b['hintIndex'], 'hintIndex'),
        hintTerm: n64(b['hintTerm'], 'hintTerm'),
        incarnation: optionalN(b['incarnation'], 'incarnation'),
      };
    }
    case 'heartbeat': {
      const b = rec(m[kind], kind);
      return { type: kind, ...env, commit: n64(b['commit'], 'commit'), context: n64(b['context'], 'context') };
    }
    case 'heartbeatResp':
    {
      const b = rec(m[kind], kind);
      return { type: kind, ...env, context: n64(b['context'], 'context'), incarnation: optionalN(b['incarnation'], 'incarnation') };
    }
    case 'snapshot': {
      const b = rec(m[kind], kind);
      const meta = rec(b['meta'], 'snapshot.meta');
      return {
        type: kind,
        ...env,
        snapshot: {
          meta: {
            index: n64(meta['index'], 'snapshot.index'),
            term: n64(meta['term'], 'snapshot.term'),
            membership: membershipFromWire(meta['membership']),
          },
          data: bytesOf(b['data'], 'snapshot.data'),
        },
      };
    }
    case 'timeoutNow':
      return { type: kind, ...env };
    default:
      throw malformed(`unknown body ${String(kind)}`);
  }
}

/**
 * Converts a decoded `SnapshotChunk`.
 *
 * @throws RaftJobsError `INVALID_ARGUMENT` when malformed or when the header is not a snapshot.
 */
export function chunkFromWire(v: unknown): WireChunk {
  const c = rec(v, 'chunk');
  let header: SnapshotRequest | null = null;
  if (c['message'] !== null && c['message'] !== undefined) {
    const msg = messageFromWire(c['message']);
    if (msg.type !== 'snapshot') throw malformed(`chunk header is ${msg.type}`);
    header = msg;
  }
  return { header, totalBytes: n64(c['totalBytes'], 'totalBytes'), offset: n64(c['offset'], 'offset'), data: bytesOf(c['data'], 'chunk.data') };
}
