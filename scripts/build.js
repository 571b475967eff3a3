// `npm run build` (also run by `prepare`): compiles src/ into dist/ (JavaScript, .d.ts, source
// maps) and copies the dashboard's static files beside the module that serves them. Plain
// JavaScript, so it runs without tsx. `--out DIR` writes there instead (a directory directly under
// the repository, as dist/ is: the compiled code finds proto/ and package.json two levels up); the
// tests' compiled copy of the command is built this way (test/global-setup.ts).
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = join(import.meta.dirname, '..');
const outAt = process.argv.indexOf('--out');
const dist = outAt < 0 ? join(root, 'dist') : resolve(root, process.argv[outAt + 1] ?? '');
if (dirname(dist) !== root) {
  process.stderr.write(`build: --out must name a directory directly under ${root}, got ${dist}\n`);
  process.exit(2);
}

// A fresh dist/: a module removed from src/ must not linger in the package.
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', dist], { stdio: 'inherit' });
if (result.status !== 0) {
  process.stderr.write(`build: tsc failed (${result.error?.message ?? `exit ${String(result.status ?? result.signal)}`})\n`);
  process.exit(1);
}
// src/observability/http-server.ts serves these from `dashboard/` next to itself.
cpSync(join(root, 'src', 'observability', 'dashboard'), join(dist, 'observability', 'dashboard'), { recursive: true });
