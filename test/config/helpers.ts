import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** Writes `content` (JSON-encoded unless a string) to a fresh temp dir; returns the file path. */
export function writeConfig(content: unknown, name = 'cluster.json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'raftjobs-config-'));
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}
