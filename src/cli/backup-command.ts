import type { Writable } from 'node:stream';
import { BackupFileWriter, type BackupHeader } from '../backup/index.js';
import { backupFromLeader } from '../client/index.js';
import { requireFlag, parseFlags } from './args.js';
import { CLUSTER_FLAGS, clusterTarget, withTlsFix } from './cluster-flags.js';

/** Default deadline of a whole backup without `--timeout`: a large state takes a while to snapshot and stream, ms. */
export const BACKUP_TIMEOUT_MS = 300_000;

/**
 * `raftjobs backup --out FILE`: a consistent copy of the cluster's job state from the leader
 * (Admin.Backup), written to FILE through a temporary file renamed into place once complete and
 * checked (length and SHA-256). Prints what it wrote. `--timeout` bounds the whole backup.
 */
export async function backupCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values } = parseFlags('backup', argv, { ...CLUSTER_FLAGS, out: { type: 'string' }, json: { type: 'boolean', default: false } });
  const path = requireFlag('backup', 'out', values.out);
  const target = clusterTarget('backup', values);
  const writer = await BackupFileWriter.create(path);
  let written: BackupHeader | null = null;
  let from: string;
  try {
    from = await backupFromLeader(
      target.nodes,
      {
        begin: (h) => writer.begin(h),
        data: (chunk) => writer.write(chunk),
        end: async (sha256) => {
          written = await writer.finish(sha256);
        },
      },
      {
        timeoutMs: values.timeout === undefined ? BACKUP_TIMEOUT_MS : target.deadlineMs,
        credentials: target.credentials,
        tls: target.tls,
        token: target.token,
      },
    );
  } catch (err) {
    await writer.abort();
    throw withTlsFix(err, target.tlsFiles);
  }
  const h = written as BackupHeader | null;
  if (h === null) throw new Error('backup: the stream ended without writing the file');
  const report = { file: writer.path, from, ...h };
  out.write(values.json ? JSON.stringify(report) + '\n' : formatBackup(report));
  return 0;
}

export function formatBackup(r: BackupHeader & { readonly file: string; readonly from: string }): string {
  return [
    `wrote ${r.file}`,
    `  cluster    ${r.clusterId} (from ${r.nodeId} at ${r.from})`,
    `  index      ${r.index} (term ${r.term}), taken ${new Date(r.createdAtMs).toISOString()}`,
    `  jobs       ${r.jobs}, schedules ${r.schedules}`,
    `  bytes      ${r.sizeBytes}`,
    `  sha256     ${r.sha256}`,
    '',
  ].join('\n');
}
