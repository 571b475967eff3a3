#!/usr/bin/env node
// The installed `raftjobs` command: runs the compiled CLI in dist/. Nothing here transpiles; in a
// checkout, `npm run build` makes dist/ (npm install and npm ci run it through `prepare`), and
// `node src/cli/bin.js` runs the TypeScript source through tsx instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const entry = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`raftjobs: ${entry} is missing: run \`npm run build\` in ${join(import.meta.dirname, '..')}\n`);
  process.exit(1);
}
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
