/**
 * `npm test` leaves no temporary directories behind: the test files that make them run in a child
 * vitest whose temp directory (TMPDIR) is a fresh one, which must hold nothing afterwards but
 * tsx's compile cache (`tsx-<uid>`, kept across runs by design).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv, REPO_ROOT, tempDir, withDeadline } from '../helpers/index.js';

/** Test files that write configs, data or launcher output under the temp directory. */
const FILES = ['test/config/load.test.ts', 'test/config/problems.test.ts', 'test/scripts/cluster.test.ts', 'test/client/cli.test.ts'];

describe('temporary directories', () => {
  it('the test files that make them remove them', { timeout: 120_000 }, async () => {
    const tmp = tempDir('raftjobs-tmpdir-check-');
    const child = spawn(process.execPath, [join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...FILES], {
      cwd: REPO_ROOT,
      env: { ...childEnv(), TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
    const code = await withDeadline(
      new Promise<number | null>((resolve) => child.once('close', resolve)),
      110_000,
      () => `the child vitest did not finish:\n${output}`,
      () => child.kill('SIGKILL'),
    );
    expect(code, output).toBe(0);
    expect(readdirSync(tmp).filter((name) => !/^tsx-\d+$/.test(name))).toEqual([]);
  });
});
