import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest files that run beside others, slowest first: each takes 25 s or more (real clusters,
 * npm), so one started last would leave the other worker idle for that long. schedules mostly
 * waits for time to pass; the CPU-heavy ones (a million jobs, npm pack and tsc) follow it.
 */
const SLOWEST = [
  'test/integration/schedules.test.ts',
  'test/integration/large-state.test.ts',
  'test/package/pack.test.ts',
  'test/integration/worker-protocol.test.ts',
  'test/integration/cli-user.test.ts',
  'test/client/e2e.test.ts',
];

/** A file that starts processes (nodes, the CLI, npm, a browser) takes seconds, most others milliseconds. */
const STARTS_PROCESSES = /\bCluster\.(start|create)\(|\bcreateObservedCluster\(|\bspawn\(|\brunCli\(|\brunProcess\(|\bchromium\.launch\(/;

/**
 * Orders test files so that the workers finish together (longest first): the files of
 * {@link SLOWEST}, then those that start processes, then the rest, larger files first within a
 * group. vitest's own order needs durations from an earlier run, which a fresh clone (CI) does
 * not have; it then goes by size alone, and large-state.test.ts, small and among the slowest,
 * starts late.
 */
export class SlowestFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const key = new Map(files.map((f) => [f, rank(relative(f.project.config.root, f.moduleId).split('\\').join('/'), f.moduleId)]));
    const cmp = (a: TestSpecification, b: TestSpecification): number => {
      const [ga, sa] = key.get(a) ?? [0, 0];
      const [gb, sb] = key.get(b) ?? [0, 0];
      return ga - gb || sb - sa;
    };
    return Promise.resolve([...files].sort(cmp));
  }
}

/** [group, size]: a lower group runs first, a larger size first within it. */
function rank(path: string, file: string): [number, number] {
  const slow = SLOWEST.indexOf(path);
  if (slow >= 0) return [slow, 0];
  const source = readFileSync(file, 'utf8');
  return [SLOWEST.length + (STARTS_PROCESSES.test(source) ? 0 : 1), statSync(file).size];
}
