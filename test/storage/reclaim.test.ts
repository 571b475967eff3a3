/** Compacting the log gives LevelDB's disk space back promptly, not at some later compaction. */
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entry } from '../../src/raft/types.js';
import { openLevelStorage } from '../../src/storage/index.js';
import { CLUSTER, NODE, makeSnapshot, makeTempDir, patternBytes } from './helpers.js';

async function diskBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const path = nodePath.join(dir, entry.name);
    // LevelDB may delete a file (an old log, a compacted table) between the listing and the stat.
    total += entry.isDirectory() ? await diskBytes(path) : ((await fs.stat(path).catch(() => null))?.size ?? 0);
  }
  return total;
}

describe('LevelDB space after compaction', () => {
  let root: string;

  beforeEach(async () => {
    root = await makeTempDir();
  });

  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('compact() and snapshots reclaim the space of deleted entries and replaced snapshots', async () => {
    const dir = nodePath.join(root, 'n1');
    const s = await openLevelStorage({ dir, clusterId: CLUSTER, nodeId: NODE });
    const ENTRY_BYTES = 16 * 1024;
    // 8 MiB of incompressible entries, in 8 writes.
    for (let b = 0; b < 8; b++) {
      const entries: Entry[] = Array.from({ length: 64 }, (_, i) => ({ index: b * 64 + i + 1, term: 1, type: 'normal', data: patternBytes(ENTRY_BYTES, b * 64 + i + 1) }));
      await s.persist({ hardState: { term: 1, vote: null, commit: entries.length * (b + 1) }, entries, snapshot: null });
    }
    for (const i of [1, 2, 3]) await s.saveSnapshot(makeSnapshot(500, 1, patternBytes(1024 * 1024, i)));
    const written = await diskBytes(dir);
    expect(written).toBeGreaterThan(8 * 1024 * 1024);
    await s.compact(501); // keeps entries 501..512 and one 1 MiB snapshot
    await s.close(); // waits for the background compaction
    const after = await diskBytes(dir);
    expect(after, `${written} bytes before, ${after} after`).toBeLessThan(3 * 1024 * 1024);

    const reopened = await openLevelStorage({ dir, clusterId: CLUSTER, nodeId: NODE });
    const state = await reopened.load();
    expect(state.logStart.index).toBe(500);
    expect(state.entries.map((e) => e.index)).toEqual(Array.from({ length: 12 }, (_, i) => 501 + i));
    expect((await reopened.loadSnapshot())?.data).toEqual(patternBytes(1024 * 1024, 3));
    await reopened.close();
  });
});
