import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { MemoryLevel } from 'memory-level';
import type { Entry, EntryType, Snapshot } from '../../src/raft/types.js';
import { type RaftStorage, openLevelStorage, openMemoryStorage } from '../../src/storage/index.js';

export const CLUSTER = 'cluster-a';
export const NODE = 'n1';

/** Entries `from..to` (inclusive) in `term`, with data that names index and term. */
export function makeEntries(from: number, to: number, term: number, type: EntryType = 'normal'): Entry[] {
  const out: Entry[] = [];
  for (let index = from; index <= to; index++) {
    out.push({ index, term, type, data: new TextEncoder().encode(`cmd ${index}@${term}`) });
  }
  return out;
}

/** `size` bytes of a deterministic, non-repeating-per-chunk pattern. */
export function patternBytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function makeSnapshot(index: number, term: number, data: Uint8Array): Snapshot {
  return { meta: { index, term, membership: { voters: ['n1', 'n2', 'n3'] } }, data };
}

/** One storage implementation under test; `open` reopens the same backing store (a restart). */
export interface Harness {
  open(identity?: { clusterId?: string; nodeId?: string }): Promise<RaftStorage>;
  dispose(): Promise<void>;
}

export interface HarnessFactory {
  readonly name: string;
  create(): Promise<Harness>;
}

export async function makeTempDir(): Promise<string> {
  return fs.mkdtemp(nodePath.join(os.tmpdir(), 'raftjobs-storage-'));
}

export const memoryHarness: HarnessFactory = {
  name: 'memory',
  create() {
    const db = new MemoryLevel<Uint8Array, Uint8Array>();
    return Promise.resolve({
      open: (id = {}) => openMemoryStorage({ clusterId: id.clusterId ?? CLUSTER, nodeId: id.nodeId ?? NODE, db }),
      dispose: () => db.close(),
    });
  },
};

export const levelHarness: HarnessFactory = {
  name: 'level',
  async create() {
    const root = await makeTempDir();
    const dir = nodePath.join(root, 'data');
    return {
      open: (id = {}) => openLevelStorage({ dir, clusterId: id.clusterId ?? CLUSTER, nodeId: id.nodeId ?? NODE }),
      dispose: () => fs.rm(root, { recursive: true, force: true }),
    };
  },
};

/** Path and SHA-256 of every file under `dir`, to show a refused open changed nothing. */
export async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    const full = nodePath.join(e.parentPath, e.name);
    const rel = nodePath.relative(dir, full);
    out[rel] = e.isFile() ? createHash('sha256').update(await fs.readFile(full)).digest('hex') : 'dir';
  }
  return out;
}
