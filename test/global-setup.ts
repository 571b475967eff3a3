/**
 * Before any test file: the `raftjobs` command the tests spawn (nodes, CLI runs) is compiled once,
 * into `.test-build/` (as `npm run build` makes dist/, but a directory of the tests' own, so the
 * package test's `npm pack`, which rebuilds dist/, never pulls it from under a running node). A
 * spawned node then loads JavaScript instead of compiling TypeScript through tsx at every start,
 * about half a second of CPU each, hundreds of times in a run. The build is skipped while it is
 * newer than everything under src/ (so a run after an edit always runs the code as it is).
 * `RAFTJOBS_TEST_BIN` tells scripts/lib (and so the Cluster helper and `runCli`) to use it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtime } from '../scripts/lib/files.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, '.test-build');
const STAMP = join(OUT, '.built');
const BIN = join(OUT, 'bin.js');

export default function setup(): void {
  const fresh = existsSync(STAMP) && existsSync(BIN) && statSync(STAMP).mtimeMs > Math.max(newestMtime(join(ROOT, 'src')), statSync(join(ROOT, 'tsconfig.json')).mtimeMs);
  if (!fresh) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), '--out', OUT], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`test setup: compiling src/ into ${OUT} failed (exit ${String(r.status ?? r.signal)})`);
    writeFileSync(BIN, "// The tests' compiled raftjobs command (test/global-setup.ts).\nconst { main } = await import('./cli/main.js');\nprocess.exitCode = await main(process.argv.slice(2));\n");
    writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  }
  process.env['RAFTJOBS_TEST_BIN'] = BIN;
}
