import { randomBytes, createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { BackupStreamHeader } from '../client/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { decodeBackup, encodeBackupHeader, type Backup, type BackupHeader } from './format.js';

/** A header before the state's SHA-256 is known: what the stream said first. */
export type BackupHeaderStart = BackupStreamHeader;

/** Stands in for the SHA-256 until the state is written: the same length, so the header keeps its size. */
const PENDING_SHA256 = '0'.repeat(64);

/**
 * Writes one backup file as the state arrives, into a temporary file beside `path` that is renamed
 * to `path` only once every byte is in, its length and SHA-256 match what the sender announced,
 * and it is fsynced: a backup that fails (or a process killed meanwhile) never leaves a partial
 * file named `path`, and an existing `path` is replaced only by a complete backup. A killed
 * process may leave the temporary file (`.<name>.partial-*`).
 */
export class BackupFileWriter {
  readonly path: string;
  readonly #temp: string;
  #file: fs.FileHandle | null;
  #header: BackupHeaderStart | null = null;
  #offset = 0;
  #written = 0;
  readonly #hash: Hash = createHash('sha256');

  private constructor(path: string, temp: string, file: fs.FileHandle) {
    this.path = path;
    this.#temp = temp;
    this.#file = file;
  }

  /** Creates the temporary file beside `path`. */
  static async create(path: string): Promise<BackupFileWriter> {
    const full = resolve(path);
    const temp = join(dirname(full), `.${basename(full)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      return new BackupFileWriter(full, temp, await fs.open(temp, 'wx', 0o600));
    } catch (err) {
      throw new RaftJobsError(ErrorCode.InvalidArgument, `cannot write a backup beside ${full}: ${(err as Error).message}`, { path: full }, { cause: err });
    }
  }

  /** Writes the header (with a placeholder for the SHA-256); call once, before any `write`. */
  async begin(header: BackupHeaderStart): Promise<void> {
    if (this.#header !== null) throw new Error('BackupFileWriter.begin: called twice');
    const bytes = encodeBackupHeader({ ...header, sha256: PENDING_SHA256 });
    await this.#at(0, bytes);
    this.#header = header;
    this.#offset = bytes.byteLength;
  }

  /** Appends the next bytes of the state. */
  async write(chunk: Uint8Array): Promise<void> {
    const header = this.#header;
    if (header === null) throw new Error('BackupFileWriter.write: before begin');
    if (this.#written + chunk.byteLength > header.sizeBytes) {
      throw new RaftJobsError(ErrorCode.Internal, `the backup stream sent more than the ${header.sizeBytes} bytes it announced`);
    }
    this.#hash.update(chunk);
    await this.#at(this.#offset + this.#written, chunk);
    this.#written += chunk.byteLength;
  }

  /**
   * Checks the state against what the sender announced (its length, and `sha256`, the sender's
   * own hash of it), writes the final header, fsyncs, and renames the file into place. Returns the
   * header as written.
   */
  async finish(sha256: string): Promise<BackupHeader> {
    const start = this.#header;
    if (start === null) throw new Error('BackupFileWriter.finish: before begin');
    if (this.#written !== start.sizeBytes) {
      throw new RaftJobsError(ErrorCode.Internal, `the backup stream ended after ${this.#written} of the ${start.sizeBytes} bytes it announced`);
    }
    const sum = this.#hash.digest('hex');
    if (sum !== sha256) throw new RaftJobsError(ErrorCode.Internal, `the backup arrived damaged: its SHA-256 is ${sum}, the node sent ${sha256}`);
    const header: BackupHeader = { ...start, sha256: sum };
    const bytes = encodeBackupHeader(header);
    if (bytes.byteLength !== this.#offset) throw new Error('BackupFileWriter.finish: the header changed size');
    await this.#at(0, bytes);
    const file = this.#file as fs.FileHandle;
    await file.sync();
    await file.close();
    this.#file = null;
    await fs.rename(this.#temp, this.path);
    await syncDir(dirname(this.path));
    return header;
  }

  /** Removes the temporary file; `path` is left as it was. Idempotent. */
  async abort(): Promise<void> {
    const file = this.#file;
    this.#file = null;
    await file?.close().catch(() => undefined);
    await fs.rm(this.#temp, { force: true });
  }

  async #at(position: number, bytes: Uint8Array): Promise<void> {
    const file = this.#file;
    if (file === null) throw new Error('BackupFileWriter: already finished or aborted');
    let done = 0;
    while (done < bytes.byteLength) {
      const { bytesWritten } = await file.write(bytes, done, bytes.byteLength - done, position + done);
      done += bytesWritten;
    }
  }
}

/**
 * Reads a backup file and checks it whole (see `decodeBackup`). Throws INVALID_ARGUMENT naming the
 * file and what is wrong with it.
 */
export async function readBackupFile(path: string): Promise<Backup> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RaftJobsError(ErrorCode.InvalidArgument, `${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { path }, { cause: err });
  }
  return decodeBackup(bytes, path);
}

/** Makes the rename durable (Windows cannot fsync a directory: skipped there). */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  await handle.sync().finally(() => handle.close());
}
