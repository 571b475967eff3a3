import type * as grpc from '@grpc/grpc-js';
import type { Writable } from 'node:stream';
import { loadConfig } from '../config/index.js';
import { clientCredentials, NodeAdmin } from '../client/index.js';
import { CLUSTER_FLAGS, tlsFromFlags, tokenFrom } from './cluster-flags.js';
import { intFlag, parseFlags, requireFlag } from './args.js';
import { fetchStatus } from './status-command.js';

/** One row of `raftjobs snapshot --json`: what one node answered. */
export type SnapshotRow =
  | {
      readonly id: string;
      readonly address: string;
      readonly ok: true;
      /** Last entry the node's snapshot covers. */
      readonly snapshotIndex: number;
      /** First entry still in the node's log after compaction (from a status call; absent if that failed). */
      readonly firstLogIndex?: number;
      readonly lastLogIndex?: number;
      /** Time the node took to snapshot and compact, ms. */
      readonly tookMs: number;
    }
  | { readonly id: string; readonly address: string; readonly ok: false; readonly error: string };

/** Default deadline of one node's snapshot: a large state takes a while to write, ms. */
export const SNAPSHOT_TIMEOUT_MS = 120_000;

/**
 * Ask one node (Admin.Snapshot) to snapshot its job state now and compact its log; then read its
 * status for the new first log index. An unreachable node, or one that fails, gives `ok: false`.
 */
export function snapshotNode(id: string, address: string, timeoutMs = SNAPSHOT_TIMEOUT_MS, credentials?: grpc.ChannelCredentials, token: string | undefined = tokenFrom('snapshot', {})): Promise<SnapshotRow> {
  const admin = new NodeAdmin(address, { ...(credentials === undefined ? {} : { credentials }), token });
  const started = performance.now();
  return admin
    .snapshot({ timeoutMs })
    .finally(() => admin.close())
    .then(
      async (snapshotIndex): Promise<SnapshotRow> => {
        const row: SnapshotRow = { id, address, ok: true, snapshotIndex, tookMs: Math.round(performance.now() - started) };
        const s = await fetchStatus(id, address, undefined, { ...(credentials === undefined ? {} : { credentials }), token });
        return s.firstLogIndex === undefined || s.lastLogIndex === undefined ? row : { ...row, firstLogIndex: s.firstLogIndex, lastLogIndex: s.lastLogIndex };
      },
      (err: unknown): SnapshotRow => ({ id, address, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
}

/** Snapshot every node of a config at once; rows in config order. */
export function snapshotCluster(nodes: readonly { id: string; address: string }[], timeoutMs?: number, credentials?: grpc.ChannelCredentials, token?: string): Promise<SnapshotRow[]> {
  return Promise.all(nodes.map((n) => snapshotNode(n.id, n.address, timeoutMs, credentials, token)));
}

/**
 * `raftjobs snapshot --config FILE [--json] [--timeout-ms N]`: every node snapshots and compacts
 * now. Exit 0 when all did, 1 when any failed or was unreachable (the others still did).
 */
export async function snapshotCommand(argv: readonly string[], out: Writable, err: Writable): Promise<number> {
  const { values } = parseFlags('snapshot', argv, {
    config: { type: 'string' },
    json: { type: 'boolean', default: false },
    'timeout-ms': { type: 'string' },
    ca: CLUSTER_FLAGS.ca,
    cert: CLUSTER_FLAGS.cert,
    key: CLUSTER_FLAGS.key,
    token: CLUSTER_FLAGS.token,
    'token-file': CLUSTER_FLAGS['token-file'],
  });
  const config = loadConfig(requireFlag('snapshot', 'config', values.config));
  const credentials = clientCredentials(tlsFromFlags('snapshot', values, config));
  const timeoutMs = intFlag('timeout-ms', values['timeout-ms'], SNAPSHOT_TIMEOUT_MS, 1);
  const rows = await snapshotCluster(config.nodes, timeoutMs, credentials, tokenFrom('snapshot', values));
  out.write(values.json ? JSON.stringify(rows) + '\n' : formatSnapshotTable(rows));
  const failed = rows.filter((r) => !r.ok);
  if (failed.length > 0) err.write(`raftjobs snapshot: ${failed.length} of ${rows.length} nodes did not snapshot: ${failed.map((r) => r.id).join(', ')}\n`);
  return failed.length > 0 ? 1 : 0;
}

export function formatSnapshotTable(rows: readonly SnapshotRow[]): string {
  const header = ['ID', 'ADDRESS', 'SNAPSHOT', 'FIRST', 'LAST', 'MS', 'ERROR'];
  const table = rows.map((r) =>
    r.ok
      ? [r.id, r.address, String(r.snapshotIndex), String(r.firstLogIndex ?? '?'), String(r.lastLogIndex ?? '?'), String(r.tookMs), '']
      : [r.id, r.address, '-', '', '', '', r.error],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd() + '\n';
  return line(header) + table.map(line).join('');
}
