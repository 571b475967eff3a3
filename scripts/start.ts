/**
 * `npm start [-- --config FILE] [--data-dir DIR] [--nodes n1,n2]`: runs every node of a cluster
 * config on this machine (three nodes by default, data under ./data), one log file per node,
 * until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { runCluster } from './cluster.js';

let values: { config?: string; 'data-dir'?: string; nodes?: string };
try {
  ({ values } = parseArgs({
    options: { config: { type: 'string' }, 'data-dir': { type: 'string' }, nodes: { type: 'string' } },
    strict: true,
  }));
} catch (err) {
  process.stderr.write(`start: ${err instanceof Error ? err.message : String(err)}\nusage: npm start -- [--config FILE] [--data-dir DIR] [--nodes n1,n2]\n`);
  process.exit(2);
}

process.exitCode = await runCluster({
  out: process.stdout,
  ...(values.config !== undefined ? { config: values.config } : {}),
  ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
  ...(values.nodes !== undefined ? { nodes: values.nodes.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
});
