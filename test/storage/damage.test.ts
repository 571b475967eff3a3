/**
 * Damaged LevelDB files on a real LevelDB: a node either refuses to start with STORAGE_CORRUPT
 * naming the damaged file, or opens with a state it really had at some point (the state after one
 * of the writes, in order). Never a wrong entry, never a later write without an earlier one.
 */
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRaftJobsError } from '../../src/errors/index.js';
import type { Entry, HardState } from '../../src/raft/types.js';
import { DATABASE_DIR, openLevelStorage } from '../../src/storage/index.js';
import { CLUSTER, NODE, fingerprint, makeTempDir, patternBytes } from './helpers.js';

/** One synced write: what the node holds after it. */
interface Written {
  readonly hardState: HardState;
  readonly entries: Entry[];
}

/** Entry sizes of the writes: small ones, some over a page (4 KiB), one over a log block (32 KiB). */
const SIZES = [40, 300, 6000, 90, 40_000, 500, 9000, 70, 2500, 120, 5000, 60, 12_000, 200, 800, 30];

/** Writes one batch per size (two entries each) and returns the state after each write. */
async function writeHistory(dir: string): Promise<Written[]> {
  const s = await openLevelStorage({ dir, clusterId: CLUSTER, nodeId: NODE });
  const states: Written[] = [];
  let entries: Entry[] = [];
  try {
    for (const [i, size] of SIZES.entries()) {
      const term = i + 1;
      const first = entries.length + 1;
      const batch: Entry[] = [first, first + 1].map((index) => ({ index, term, type: 'normal', data: patternBytes(size, index) }));
      const hardState: HardState = { term, vote: i % 2 === 0 ? 'n2' : 'n3', commit: first };
      await s.persist({ hardState, entries: batch, snapshot: null });
      entries = [...entries, ...batch];
      states.push({ hardState, entries });
    }
  } finally {
    await s.close();
  }
  return states;
}

type Outcome = { refused: string } | { loaded: Written };

/** Opens a copy of `pristine` damaged by `damage`, and reports what the node would get. */
async function openDamaged(pristine: string, scratch: string, damage: (dbDir: string) => Promise<void>): Promise<Outcome> {
  await fs.rm(scratch, { recursive: true, force: true });
  await fs.cp(pristine, scratch, { recursive: true });
  await damage(nodePath.join(scratch, DATABASE_DIR));
  const before = await fingerprint(scratch);
  let s;
  try {
    s = await openLevelStorage({ dir: scratch, clusterId: CLUSTER, nodeId: NODE });
  } catch (err) {
    if (!isRaftJobsError(err, 'STORAGE_CORRUPT')) throw err;
    expect(await fingerprint(scratch), 'a refused open changes nothing').toEqual(before);
    return { refused: err.message };
  }
  try {
    const state = await s.load();
    return { loaded: { hardState: state.hardState, entries: state.entries } };
  } finally {
    await s.close();
  }
}

/** The write whose state `got` is; fails when it is none of them (a wrong or missing entry). */
function stateIndex(states: readonly Written[], got: Written): number {
  if (got.entries.length === 0 && got.hardState.term === 0) return -1;
  const k = states.findIndex((w) => w.entries.length === got.entries.length);
  expect(k, `loaded ${got.entries.length} entries, which no write left`).toBeGreaterThanOrEqual(0);
  expect(got).toEqual(states[k]);
  return k;
}

/** Offsets where each physical record of a LevelDB log file ends, walking its headers. */
function recordEnds(buf: Uint8Array): number[] {
  const ends: number[] = [];
  let pos = 0;
  while (pos + 7 <= buf.byteLength) {
    const left = 32_768 - (pos % 32_768);
    if (left < 7) {
      pos += left;
      continue;
    }
    pos += 7 + (buf[pos + 4]! | (buf[pos + 5]! << 8));
    ends.push(pos);
  }
  return ends;
}

/** A small seeded generator, so a failure names a case that replays. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

describe('damaged LevelDB files', () => {
  let root: string;
  /** A stopped node whose writes are all still in the write-ahead log. */
  let inLog: string;
  /** The same writes, moved into a table file by a reopen (LevelDB flushes a replayed log). */
  let inTable: string;
  let scratch: string;
  let states: Written[];

  beforeAll(async () => {
    root = await makeTempDir();
    inLog = nodePath.join(root, 'in-log');
    inTable = nodePath.join(root, 'in-table');
    scratch = nodePath.join(root, 'scratch');
    states = await writeHistory(inLog);
    await fs.cp(inLog, inTable, { recursive: true });
    await (await openLevelStorage({ dir: inTable, clusterId: CLUSTER, nodeId: NODE })).close();
  });

  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  async function newestLog(dbDir: string): Promise<string> {
    const logs = (await fs.readdir(dbDir)).filter((n) => n.endsWith('.log')).sort();
    const last = logs.at(-1);
    if (last === undefined) throw new Error(`no .log file in ${dbDir}`);
    return nodePath.join(dbDir, last);
  }

  it('the undamaged copies open with every write', async () => {
    for (const dir of [inLog, inTable]) {
      const got = await openDamaged(dir, scratch, () => Promise.resolve());
      expect(got).toEqual({ loaded: states.at(-1) });
    }
    const tables = (await fs.readdir(nodePath.join(inTable, DATABASE_DIR))).filter((n) => n.endsWith('.ldb'));
    expect(tables.length).toBeGreaterThan(0);
  });

  it('refuses a table file with flipped bytes anywhere in it, naming the file', async () => {
    const dbDir = nodePath.join(inTable, DATABASE_DIR);
    const tables = (await fs.readdir(dbDir)).filter((n) => n.endsWith('.ldb'));
    const sizes = await Promise.all(tables.map(async (t) => (await fs.stat(nodePath.join(dbDir, t))).size));
    const next = rng(7);
    for (let trial = 0; trial < 40; trial++) {
      const t = next(tables.length);
      const size = sizes[t]!;
      // Some trials aim at the footer and the index, which sit at the end of the file.
      const positions = Array.from({ length: 1 + next(3) }, () => (trial % 4 === 0 ? size - 1 - next(Math.min(size, 200)) : next(size)));
      const file = tables[t]!;
      const got = await openDamaged(inTable, scratch, async (db) => {
        const path = nodePath.join(db, file);
        const buf = await fs.readFile(path);
        for (const p of positions) buf[p] = buf[p]! ^ (1 + next(255));
        await fs.writeFile(path, buf);
      });
      const what = `trial ${trial}: ${file} bytes ${positions.join(',')}`;
      if ('loaded' in got) stateIndex(states, got.loaded);
      expect(got, what).toHaveProperty('refused');
      if ('refused' in got) {
        expect(got.refused, what).toContain(nodePath.join(scratch, DATABASE_DIR, file));
        expect(got.refused, what).toMatch(/refusing to start/);
      }
    }
  });

  it('opens a log cut between two records with the writes before the cut', async () => {
    const log = await newestLog(nodePath.join(inLog, DATABASE_DIR));
    const ends = recordEnds(await fs.readFile(log));
    expect(ends.length).toBeGreaterThan(SIZES.length); // the 40 KB write is three records
    const seen = new Set<number>();
    for (const cut of ends) {
      const got = await openDamaged(inLog, scratch, (db) => fs.truncate(nodePath.join(db, nodePath.basename(log)), cut));
      expect(got, `cut at ${cut}`).toHaveProperty('loaded');
      if ('loaded' in got) seen.add(stateIndex(states, got.loaded));
    }
    // Every write was once the last one left (-1, nothing written yet, may be seen too).
    expect([...seen].filter((k) => k >= 0).sort((a, b) => a - b)).toEqual(SIZES.map((_, i) => i));
  });

  it('refuses a log cut inside a record where no crash stops a write, naming the file', async () => {
    const log = await newestLog(nodePath.join(inLog, DATABASE_DIR));
    const buf = await fs.readFile(log);
    const ends = recordEnds(buf);
    const next = rng(11);
    let refused = 0;
    for (let trial = 0; trial < 30; trial++) {
      const cut = 1 + next(buf.byteLength - 1);
      const got = await openDamaged(inLog, scratch, (db) => fs.truncate(nodePath.join(db, nodePath.basename(log)), cut));
      if ('loaded' in got) {
        stateIndex(states, got.loaded);
        // Only a cut between records or at a page boundary may open.
        expect(ends.includes(cut) || cut % 4096 === 0 || buf.subarray(cut - 8, cut).every((b) => b === 0), `cut at ${cut} opened`).toBe(true);
      } else {
        refused++;
        expect(got.refused, `cut at ${cut}`).toContain(log.replace(inLog, scratch));
        expect(got.refused).toMatch(/write-ahead log has a record (header )?cut short at byte/);
      }
    }
    expect(refused).toBeGreaterThan(20);
  });

  it('opens a log torn at a page boundary inside a record (a crash) with the writes before it', async () => {
    const log = await newestLog(nodePath.join(inLog, DATABASE_DIR));
    const size = (await fs.stat(log)).size;
    const ends = recordEnds(await fs.readFile(log));
    const pages = Array.from({ length: Math.floor(size / 4096) }, (_, i) => (i + 1) * 4096).filter((p) => !ends.includes(p) && p < size);
    expect(pages.length).toBeGreaterThan(3);
    // Every third page boundary: enough to land inside small, page-sized and block-sized records.
    for (const cut of pages.filter((_, i) => i % 3 === 0)) {
      const got = await openDamaged(inLog, scratch, (db) => fs.truncate(nodePath.join(db, nodePath.basename(log)), cut));
      expect(got, `cut at ${cut}`).toHaveProperty('loaded');
      if ('loaded' in got) stateIndex(states, got.loaded);
    }
  });

  it('refuses a flipped byte in the middle of the log, which LevelDB alone would skip and recover past', async () => {
    const log = await newestLog(nodePath.join(inLog, DATABASE_DIR));
    const ends = recordEnds(await fs.readFile(log));
    // Inside the payload of a record in the middle of the file.
    const at = ends[Math.floor(ends.length / 2)]! - 3;
    const got = await openDamaged(inLog, scratch, async (db) => {
      const path = nodePath.join(db, nodePath.basename(log));
      const buf = await fs.readFile(path);
      buf[at] = buf[at]! ^ 0x5a;
      await fs.writeFile(path, buf);
    });
    expect(got).toHaveProperty('refused');
    if ('refused' in got) {
      expect(got.refused).toContain(log.replace(inLog, scratch));
      expect(got.refused).toMatch(/fails its checksum/);
    }
  });

  it('refuses a table the manifest lists when it is missing or shorter, naming it', async () => {
    const dbDir = nodePath.join(inTable, DATABASE_DIR);
    const table = (await fs.readdir(dbDir)).find((n) => n.endsWith('.ldb'));
    if (table === undefined) throw new Error('no table');
    const gone = await openDamaged(inTable, scratch, (db) => fs.rm(nodePath.join(db, table)));
    expect(gone).toEqual({ refused: expect.stringContaining(`${table}`) as unknown });
    expect('refused' in gone && gone.refused).toMatch(/missing/);
    const short = await openDamaged(inTable, scratch, async (db) => fs.truncate(nodePath.join(db, table), (await fs.stat(nodePath.join(db, table))).size - 10));
    expect('refused' in short && short.refused).toMatch(/bytes where the manifest recorded/);
  });

  it('ignores files LevelDB is about to delete, such as a table a crash left half-written', async () => {
    const got = await openDamaged(inTable, scratch, async (db) => {
      await fs.writeFile(nodePath.join(db, '999999.ldb'), patternBytes(3000, 5));
      await fs.writeFile(nodePath.join(db, '000001.log'), patternBytes(3000, 6)); // older than the manifest's log number
    });
    expect(got).toEqual({ loaded: states.at(-1) });
  });
});
