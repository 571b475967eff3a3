import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { SlowestFirst } from './test/sequencer.js';

/**
 * Files that run alone, after the others: their scenario has to fit a fixed time on real
 * processes, or asserts that heavy work starves nobody (the chaos run's opening of faults; a
 * million-job state digested and snapshotted with no leader change), which holds on an idle
 * 2-core machine and not beside another test file.
 */
const ALONE = ['test/chaos/chaos.test.ts', 'test/integration/large-state.test.ts'];

export default defineConfig({
  test: {
    // LevelDB is a native addon: keep each test file in its own forked process.
    pool: 'forks',
    // The raftjobs command the tests spawn, compiled once (see there).
    globalSetup: ['test/global-setup.ts'],
    sequence: { sequencer: SlowestFirst },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'side-by-side',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...ALONE],
          // vitest's default is one worker less than the cores: on a 2-core machine, one file at a
          // time. Most of the slow files wait on real processes and timers, so two run side by side.
          maxWorkers: Math.max(2, availableParallelism() - 1),
        },
      },
      // A project with one worker and no groupOrder runs last, on its own.
      { extends: true, test: { name: 'alone', include: ALONE, maxWorkers: 1 } },
    ],
  },
});
