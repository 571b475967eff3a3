import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/files.js';

/** A minimal valid three-node config; tests spread over it. */
export function baseConfig(): Record<string, unknown> {
  return {
    clusterId: 'test',
    dataDir: './data',
    nodes: [
      { id: 'n1', address: '127.0.0.1:7001' },
      { id: 'n2', address: '127.0.0.1:7002' },
      { id: 'n3', address: '127.0.0.1:7003' },
    ],
  };
}

/** One temp directory per test file for the configs it writes (removed after the file's tests). */
let root: string | null = null;
let written = 0;

/** Writes `content` (JSON-encoded unless a string) to a fresh temp dir; returns the file path. */
export function writeConfig(content: unknown, name = 'cluster.json'): string {
  root ??= tempDir('raftjobs-config-');
  const dir = join(root, String(++written));
  mkdirSync(dir);
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}
