#!/usr/bin/env node
// The `raftjobs` command run from the TypeScript source through tsx (tests, scripts and `npm start`
// use it, so they always run the code as it is now). The installed command is bin/raftjobs.js, which
// runs the compiled dist/.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
