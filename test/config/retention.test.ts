/** Config fields of snapshots and retention: defaults, overrides, and every problem reported. */
import { describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../src/config/index.js';
import { DEFAULT_JOBS_OPTIONS } from '../../src/jobs/index.js';
import { baseConfig, writeConfig } from './helpers.js';

const DAY = 86_400_000;

function problems(raw: unknown, env: Record<string, string> = {}): readonly string[] {
  const r = validateConfig(raw, { env });
  return r.ok ? [] : r.problems;
}

describe('snapshot and retention config', () => {
  it('defaults: snapshot every 20000 entries or 64 MiB, tail 1000; succeeded 24 h, cancelled 24 h, dead 7 days; 10k, 10k, 100k per queue; 500k keys', () => {
    const c = loadConfig(writeConfig(baseConfig()), { env: {} });
    expect(c.raft).toMatchObject({ snapshotEntries: 20_000, snapshotTailEntries: 1000, snapshotBytes: 64 * 1024 * 1024 });
    expect(c.jobs.retention).toEqual({
      succeededMs: DAY,
      cancelledMs: DAY,
      deadMs: 7 * DAY,
      maxSucceeded: 10_000,
      maxCancelled: 10_000,
      maxDead: 100_000,
      maxPurgedJobKeys: 500_000,
      queues: {},
    });
  });

  it('config defaults are the state machine defaults', () => {
    const r = loadConfig(writeConfig(baseConfig()), { env: {} }).jobs.retention;
    const o = DEFAULT_JOBS_OPTIONS;
    expect([r.succeededMs, r.cancelledMs, r.deadMs]).toEqual([o.retention.succeededMs, o.retention.cancelledMs, o.retention.deadMs]);
    expect([r.maxSucceeded, r.maxCancelled, r.maxDead, r.maxPurgedJobKeys]).toEqual([o.maxSucceeded, o.maxCancelled, o.maxDead, o.maxPurgedJobKeys]);
  });

  it('reads count bounds, per queue too, and their environment overrides', () => {
    const c = loadConfig(
      writeConfig({
        ...baseConfig(),
        jobs: { retention: { maxSucceeded: 100, maxPurgedJobKeys: 0, queues: { audit: { maxSucceeded: 1_000_000, deadMs: DAY }, tmp: { maxDead: 0 } } } },
      }),
      { env: { RAFTJOBS_MAX_DEAD_JOBS: '5000' } },
    );
    expect(c.jobs.retention).toMatchObject({
      maxSucceeded: 100,
      maxCancelled: 10_000,
      maxDead: 5000,
      maxPurgedJobKeys: 0,
      queues: { audit: { maxSucceeded: 1_000_000, deadMs: DAY }, tmp: { maxDead: 0 } },
    });
  });

  it('reports every bad count bound at once, with its path and the variable that set it', () => {
    const raw = {
      ...baseConfig(),
      jobs: { retention: { maxSucceeded: -1, maxCancelled: 2.5, maxDead: 'lots', queues: { q: { maxSucceeded: 200_000_000, maxKept: 1 } } } },
    };
    expect(problems(raw, { RAFTJOBS_MAX_PURGED_JOB_KEYS: 'many' })).toEqual([
      'jobs.retention.maxSucceeded: must be at least 0, got -1',
      'jobs.retention.maxCancelled: expected an integer, got 2.5',
      'jobs.retention.maxDead: expected number, got "lots"',
      'jobs.retention.maxPurgedJobKeys (from RAFTJOBS_MAX_PURGED_JOB_KEYS): expected number, got "many"',
      'jobs.retention.queues.q.maxSucceeded: must be at most 100000000, got 200000000',
      'jobs.retention.queues.q.maxKept: unknown field',
    ]);
  });

  it('reads per-state retention and per-queue overrides, frozen', () => {
    const c = loadConfig(
      writeConfig({
        ...baseConfig(),
        raft: { snapshotEntries: 500, snapshotTailEntries: 0, snapshotBytes: 1 << 20 },
        jobs: { retention: { succeededMs: 0, queues: { 'emails.v2': { deadMs: 3 * DAY }, audit: { succeededMs: 30 * DAY, cancelledMs: 1 } } } },
      }),
      { env: { RAFTJOBS_DEAD_RETENTION_MS: '60000' } },
    );
    expect(c.raft).toMatchObject({ snapshotEntries: 500, snapshotTailEntries: 0, snapshotBytes: 1 << 20 });
    expect(c.jobs.retention).toMatchObject({
      succeededMs: 0,
      cancelledMs: DAY,
      deadMs: 60_000,
      queues: { 'emails.v2': { deadMs: 3 * DAY }, audit: { succeededMs: 30 * DAY, cancelledMs: 1 } },
    });
    expect(Object.isFrozen(c.jobs.retention.queues['audit'])).toBe(true);
  });

  it('reports every bad field with its path', () => {
    const raw = {
      ...baseConfig(),
      raft: { snapshotEntries: 0, snapshotTailEntries: -1, snapshotBytes: 10 },
      jobs: {
        retention: {
          succeededMs: -5,
          deadMs: 400 * DAY,
          forever: true,
          queues: { 'bad queue': {}, ok: { succeededMs: 1.5, keptMs: 3 } },
        },
      },
    };
    expect(problems(raw)).toEqual(
      expect.arrayContaining([
        'raft.snapshotEntries: must be at least 1, got 0',
        'raft.snapshotTailEntries: must be at least 0, got -1',
        'raft.snapshotBytes: must be at least 1024, got 10',
        'jobs.retention.succeededMs: must be at least 0, got -5',
        `jobs.retention.deadMs: must be at most ${365 * DAY}, got ${400 * DAY}`,
        'jobs.retention.forever: unknown field',
        'jobs.retention.queues.bad queue: not a queue name: queue names are 1-128 of A-Z, a-z, 0-9, ".", "_", ":" and "-"',
        'jobs.retention.queues.ok.succeededMs: expected an integer, got 1.5',
        'jobs.retention.queues.ok.keptMs: unknown field',
      ]),
    );
    expect(problems(baseConfig(), { RAFTJOBS_SNAPSHOT_ENTRIES: 'many' })).toEqual([
      'raft.snapshotEntries (from RAFTJOBS_SNAPSHOT_ENTRIES): expected number, got "many"',
    ]);
  });
});
