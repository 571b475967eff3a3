import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { loadConfig } from '../config/index.js';
import { restoreBackup, type RestoreReport } from '../server/index.js';
import { parseFlags, requireFlag, UsageError } from './args.js';

/**
 * `raftjobs restore --from FILE --config NEW [--data-dir DIR]`: seed every node's data directory
 * of NEW with a backup (see `restoreBackup`), then start each node as usual. `--data-dir` is the
 * `raftjobs node` flag of the same name: give both the same.
 */
export async function restoreCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values } = parseFlags('restore', argv, { from: { type: 'string' }, config: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } });
  const from = requireFlag('restore', 'from', values.from);
  const configPath = requireFlag('restore', 'config', values.config);
  const dataDir = values['data-dir'];
  if (dataDir === '') throw new UsageError('restore: --data-dir must not be empty');
  // The same override as `raftjobs node --data-dir`, so both find the same directories.
  const env = dataDir === undefined ? process.env : { ...process.env, RAFTJOBS_DATA_DIR: resolve(dataDir) };
  const report = await restoreBackup(from, loadConfig(configPath, { env }));
  out.write(values.json ? JSON.stringify(report) + '\n' : formatRestore(report, `raftjobs node --config ${configPath}${dataDir === undefined ? '' : ` --data-dir ${dataDir}`} --id ID`));
  return 0;
}

export function formatRestore(r: RestoreReport, startCommand: string): string {
  return [
    `restored cluster ${r.clusterId} from a backup of ${r.sourceClusterId} (index ${r.index}, taken ${new Date(r.createdAtMs).toISOString()}): ${r.jobs} jobs, ${r.schedules} schedules, ${r.bytes} bytes`,
    ...r.nodes.map((n) => `  ${n.id}  ${n.address}  ${n.dataDir}`),
    `start each node: ${startCommand}`,
    '',
  ].join('\n');
}
