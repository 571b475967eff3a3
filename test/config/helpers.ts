import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

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

/** One temp directory per test file for the configs it writes, removed after the file's tests. */
let root: string | null = null;
let written = 0;
afterAll(() => {
  if (root !== null) rmSync(root, { recursive: true, force: true });
  root = null;
});

/** Writes `content` (JSON-encoded unless a string) to a fresh temp dir; returns the file path. */
export function writeConfig(content: unknown, name = 'cluster.json'): string {
  if (root === null) {
    root = mkdtempSync(join(tmpdir(), 'raftjobs-config-'));
  }
  const dir = join(root, String(++written));
  mkdirSync(dir);
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}
