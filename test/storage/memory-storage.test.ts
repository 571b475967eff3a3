import { MemoryLevel } from 'memory-level';
import { describe, expect, it } from 'vitest';
import { isRaftJobsError } from '../../src/errors/index.js';
import { openMemoryStorage } from '../../src/storage/index.js';
import { CLUSTER, NODE, makeEntries } from './helpers.js';

describe('openMemoryStorage', () => {
  it('creates its own database when none is given', async () => {
    const s = await openMemoryStorage({ clusterId: CLUSTER, nodeId: NODE });
    await s.persist({ hardState: { term: 1, vote: null, commit: 0 }, entries: makeEntries(1, 1, 1), snapshot: null });
    expect((await s.load()).entries).toEqual(makeEntries(1, 1, 1));
    await s.close();
  });

  it('refuses a database that holds data but no identity, and leaves it as it was', async () => {
    const db = new MemoryLevel<string, string>();
    await db.put('someone-else', 'data');
    const err: unknown = await openMemoryStorage({ clusterId: CLUSTER, nodeId: NODE, db }).catch((e: unknown) => e);
    expect(isRaftJobsError(err, 'STORAGE_CORRUPT')).toBe(true);
    await db.open();
    expect(await db.keys().all()).toEqual(['someone-else']);
    await db.close();
  });
});
