import { createHash } from 'node:crypto';
import type { BackupStreamHeader } from '../client/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';

/*
 * A backup file (`raftjobs backup`):
 *
 *   offset 0   8 bytes   magic "RJBACKUP"
 *   offset 8   uint32    format version (big-endian), 1
 *   offset 12  uint32    length H of the header (big-endian), at most 64 KiB
 *   offset 16  H bytes   the header: UTF-8 JSON of {@link BackupHeader}
 *   16 + H     the state: `sizeBytes` bytes of the job state machine's snapshot, nothing after
 *
 * The header says where the state came from and carries the SHA-256 of the state bytes, so a file
 * cut short, padded or damaged is refused before anything is restored from it.
 */

/** The first eight bytes of every backup file. */
export const BACKUP_MAGIC = 'RJBACKUP';
/** The format this code writes and the only one it reads. */
export const BACKUP_FORMAT_VERSION = 1;
/** Longest header accepted, bytes. */
export const MAX_BACKUP_HEADER_BYTES = 64 * 1024;
/** Magic, version and header length. */
const PREFIX_BYTES = 16;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** The header's fields in their order in the file. */
const HEADER_FIELDS = ['clusterId', 'nodeId', 'index', 'term', 'createdAtMs', 'sizeBytes', 'sha256', 'jobs', 'schedules'] as const satisfies readonly (keyof BackupHeader)[];

/** What a backup file says about the state it holds: what the stream said, and the state's checksum. */
export interface BackupHeader extends BackupStreamHeader {
  /** SHA-256 of the state bytes, 64 lowercase hex digits. */
  readonly sha256: string;
}

/** A backup file's header and state, checked. */
export interface Backup {
  readonly header: BackupHeader;
  readonly data: Uint8Array;
}

/** SHA-256 of `data` as a backup header records it. */
export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The bytes that precede the state in a backup file: magic, version, header length and header. */
export function encodeBackupHeader(header: BackupHeader): Buffer {
  const problem = headerProblem(header);
  if (problem !== null) throw new RaftJobsError(ErrorCode.Internal, `backup header: ${problem}`);
  const json = Buffer.from(JSON.stringify(header, [...HEADER_FIELDS]), 'utf8');
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix.write(BACKUP_MAGIC, 0, 'latin1');
  prefix.writeUInt32BE(BACKUP_FORMAT_VERSION, 8);
  prefix.writeUInt32BE(json.byteLength, 12);
  return Buffer.concat([prefix, json]);
}

/**
 * Reads and checks a whole backup file's bytes: magic, format version, header, the state's length
 * and its SHA-256. Throws INVALID_ARGUMENT naming `path` and what is wrong.
 */
export function decodeBackup(bytes: Uint8Array, path: string): Backup {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (what: string): RaftJobsError => new RaftJobsError(ErrorCode.InvalidArgument, `${path} ${what}`, { path });
  if (buf.byteLength < BACKUP_MAGIC.length || buf.toString('latin1', 0, BACKUP_MAGIC.length) !== BACKUP_MAGIC) {
    throw bad(`is not a raftjobs backup (it does not begin with "${BACKUP_MAGIC}")`);
  }
  if (buf.byteLength < PREFIX_BYTES) throw bad(`is truncated: it ends inside its ${PREFIX_BYTES}-byte prefix (${buf.byteLength} bytes)`);
  const version = buf.readUInt32BE(8);
  if (version !== BACKUP_FORMAT_VERSION) throw bad(`is a backup of format version ${version}; this raftjobs reads version ${BACKUP_FORMAT_VERSION} only`);
  const length = buf.readUInt32BE(12);
  if (length > MAX_BACKUP_HEADER_BYTES) throw bad(`is damaged: its header length ${length} is over ${MAX_BACKUP_HEADER_BYTES} bytes`);
  const dataOffset = PREFIX_BYTES + length;
  if (buf.byteLength < dataOffset) throw bad(`is truncated: it ends inside its header (${buf.byteLength} of ${dataOffset} bytes)`);
  const header = parseHeader(buf.subarray(PREFIX_BYTES, dataOffset), bad);
  const held = buf.byteLength - dataOffset;
  if (held < header.sizeBytes) throw bad(`is truncated: it holds ${held} of the ${header.sizeBytes} state bytes its header announces`);
  if (held > header.sizeBytes) throw bad(`is damaged: it has ${held - header.sizeBytes} bytes after the ${header.sizeBytes} state bytes its header announces`);
  const data = buf.subarray(dataOffset);
  const sum = sha256Hex(data);
  if (sum !== header.sha256) throw bad(`is damaged: the SHA-256 of its state is ${sum}, its header says ${header.sha256}`);
  return { header, data };
}

function parseHeader(json: Buffer, bad: (what: string) => RaftJobsError): BackupHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw bad('is damaged: its header is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('is damaged: its header is not a JSON object');
  // Only the fields this version knows, in their order.
  const r = raw as Record<string, unknown>;
  const header = Object.fromEntries(HEADER_FIELDS.map((key) => [key, r[key]])) as unknown as BackupHeader;
  const problem = headerProblem(header);
  if (problem !== null) throw bad(`is damaged: its header ${problem}`);
  return header;
}

/** What is wrong with a header's fields, or null. */
function headerProblem(h: BackupHeader): string | null {
  const fields = h as unknown as Record<string, unknown>;
  for (const key of ['clusterId', 'nodeId'] as const) {
    const v = fields[key];
    if (typeof v !== 'string' || v === '') return `has no ${key}`;
  }
  for (const key of ['index', 'term', 'createdAtMs', 'sizeBytes', 'jobs', 'schedules'] as const) {
    const v = fields[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return `has no ${key} (a non-negative integer)`;
  }
  if (h.index < 1 || h.term < 1) return 'names no log position (index and term are at least 1)';
  if (typeof fields['sha256'] !== 'string' || !SHA256_HEX.test(h.sha256)) return 'has no sha256 (64 lowercase hex digits)';
  return null;
}
