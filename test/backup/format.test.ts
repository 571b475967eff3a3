/**
 * The backup file: what `BackupFileWriter` writes `readBackupFile` reads back; a file cut short,
 * damaged, padded, of another format version or not a backup at all is refused with a message
 * naming the file and the fault; and a backup that fails leaves no file under its name.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKUP_FORMAT_VERSION, BackupFileWriter, decodeBackup, encodeBackupHeader, readBackupFile, sha256Hex, type BackupHeader, type BackupHeaderStart } from '../../src/backup/index.js';
import { isRaftJobsError } from '../../src/errors/index.js';
import { tempDir } from '../helpers/index.js';

const dir = tempDir('raftjobs-backup-format-');
let files = 0;

/** Some state bytes: large enough to span several writes, different at every offset. */
function state(n: number): Uint8Array {
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
  return data;
}

function start(data: Uint8Array): BackupHeaderStart {
  return { clusterId: 'prod', nodeId: 'n2', index: 4242, term: 7, createdAtMs: 1_760_000_000_000, sizeBytes: data.byteLength, jobs: 12, schedules: 1 };
}

/** Writes `data` as a backup the way `raftjobs backup` does, in `chunk`-byte pieces; returns the path and header. */
async function writeBackup(data: Uint8Array, chunk = 1000): Promise<{ path: string; header: BackupHeader }> {
  const path = join(dir, `b${++files}.rjb`);
  const w = await BackupFileWriter.create(path);
  await w.begin(start(data));
  for (let at = 0; at < data.byteLength; at += chunk) await w.write(data.subarray(at, at + chunk));
  return { path, header: await w.finish(sha256Hex(data)) };
}

/** `fn` throws a RaftJobsError of `code` whose message matches `message`. */
async function refused(fn: () => Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await fn().then(
    () => null,
    (e: unknown) => e,
  );
  expect(isRaftJobsError(err), String(err)).toBe(true);
  if (!isRaftJobsError(err)) return;
  expect(err.code).toBe(code);
  expect(err.message).toMatch(message);
}

/** A copy of `path`'s bytes changed by `edit`, written to a new file; returns its path. */
function variant(path: string, edit: (b: Buffer) => Buffer): string {
  const out = join(dir, `v${++files}.rjb`);
  writeFileSync(out, edit(Buffer.from(readFileSync(path))));
  return out;
}

describe('backup file format', () => {
  it('round trip: the writer writes what the reader reads, header and state', async () => {
    const data = state(10_000);
    const { path, header } = await writeBackup(data);
    expect(header).toEqual({ ...start(data), sha256: sha256Hex(data) });
    const back = await readBackupFile(path);
    expect(back.header).toEqual(header);
    expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true);
    // The file is the header and the state, nothing else, and no temporary file is left.
    expect(readFileSync(path).byteLength).toBe(encodeBackupHeader(header).byteLength + data.byteLength);
    expect(readdirSync(dir).filter((n) => n.includes('partial'))).toEqual([]);
  });

  it('an empty state round-trips too', async () => {
    const { path } = await writeBackup(new Uint8Array(0));
    expect((await readBackupFile(path)).data.byteLength).toBe(0);
  });

  it('a truncated file is refused, wherever it was cut', async () => {
    const data = state(5_000);
    const { path, header } = await writeBackup(data);
    const headerBytes = encodeBackupHeader(header).byteLength;
    for (const [keep, why] of [
      [10, /is truncated: it ends inside its 16-byte prefix/],
      [20, /is truncated: it ends inside its header/],
      [headerBytes, /is truncated: it holds 0 of the 5000 state bytes/],
      [headerBytes + 4_999, /is truncated: it holds 4999 of the 5000 state bytes/],
    ] as const) {
      const cut = variant(path, (b) => b.subarray(0, keep));
      await refused(() => readBackupFile(cut), 'INVALID_ARGUMENT', new RegExp(`^${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ${why.source}`));
    }
  });

  it('a damaged state is refused by its checksum', async () => {
    const { path } = await writeBackup(state(5_000));
    const flipped = variant(path, (b) => {
      const last = b.byteLength - 100;
      b[last] = (b[last] as number) ^ 1;
      return b;
    });
    await refused(() => readBackupFile(flipped), 'INVALID_ARGUMENT', /is damaged: the SHA-256 of its state is [0-9a-f]{64}, its header says [0-9a-f]{64}/);
    const padded = variant(path, (b) => Buffer.concat([b, Buffer.from('x')]));
    await refused(() => readBackupFile(padded), 'INVALID_ARGUMENT', /is damaged: it has 1 bytes after the 5000 state bytes/);
  });

  it('another format version, another file, a damaged header', async () => {
    const { path } = await writeBackup(state(100));
    const v2 = variant(path, (b) => {
      b.writeUInt32BE(BACKUP_FORMAT_VERSION + 1, 8);
      return b;
    });
    await refused(() => readBackupFile(v2), 'INVALID_ARGUMENT', /is a backup of format version 2; this raftjobs reads version 1 only/);
    const other = variant(path, () => Buffer.from('{"clusterId":"prod"}\n'));
    await refused(() => readBackupFile(other), 'INVALID_ARGUMENT', /is not a raftjobs backup/);
    const noJson = variant(path, (b) => {
      b[16] = 0x7a; // the header's opening brace
      return b;
    });
    await refused(() => readBackupFile(noJson), 'INVALID_ARGUMENT', /is damaged: its header is not JSON/);
    const header = JSON.parse(readFileSync(path).subarray(16, 16 + readFileSync(path).readUInt32BE(12)).toString()) as Record<string, unknown>;
    const noIndex = Buffer.from(JSON.stringify({ ...header, index: 'x' }));
    const prefix = Buffer.from(readFileSync(path).subarray(0, 16));
    prefix.writeUInt32BE(noIndex.byteLength, 12);
    expect(() => decodeBackup(Buffer.concat([prefix, noIndex, Buffer.alloc(100)]), 'f.rjb')).toThrow(/f\.rjb is damaged: its header has no index/);
    await refused(() => readBackupFile(join(dir, 'missing.rjb')), 'INVALID_ARGUMENT', /missing\.rjb: no such file/);
  });

  it('a stream that ends short or arrives damaged leaves no file under its name, and an old one as it was', async () => {
    const data = state(3_000);
    const { path } = await writeBackup(data);
    const before = readFileSync(path);
    const short = await BackupFileWriter.create(path);
    await short.begin(start(data));
    await short.write(data.subarray(0, 1_000));
    await refused(() => short.finish(sha256Hex(data)), 'INTERNAL', /ended after 1000 of the 3000 bytes/);
    await short.abort();
    const damaged = await BackupFileWriter.create(path);
    await damaged.begin(start(data));
    await damaged.write(data);
    await refused(() => damaged.finish(sha256Hex(state(2_999))), 'INTERNAL', /arrived damaged/);
    await damaged.abort();
    expect(readFileSync(path).equals(before)).toBe(true);
    const fresh = join(dir, 'never.rjb');
    const failed = await BackupFileWriter.create(fresh);
    await failed.begin(start(data));
    await failed.abort();
    expect(existsSync(fresh)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('partial'))).toEqual([]);
  });
});
