import type * as grpc from '@grpc/grpc-js';
import type { Writable } from 'node:stream';
import { NodeAdmin, type ClientTls } from '../client/index.js';
import { isRaftJobsError, type TlsMismatch } from '../errors/index.js';
import { loadConfig } from '../config/index.js';
import { intFlag, parseFlags } from './args.js';
import { CLUSTER_FLAGS, clusterTarget, tlsFix } from './cluster-flags.js';

/** One row of `raftjobs status --json`. */
export interface StatusRow {
  id: string;
  address: string;
  role: string;
  term?: number;
  leaderId?: string | null;
  commitIndex?: number;
  appliedIndex?: number;
  firstLogIndex?: number;
  lastLogIndex?: number;
  snapshotIndex?: number;
  stateDigest?: string;
  pid?: number;
  peers?: { id: string; matchIndex: number; nextIndex: number; state: string }[];
  error?: string;
  /** Unreachable because of this TLS mismatch (see `TlsMismatch`). */
  tls?: TlsMismatch;
}

/** Options of {@link fetchStatus}. */
export interface FetchStatusOptions {
  /**
   * Ask for the state digest too. A node hashes its whole job state for it (in small steps, so it
   * keeps serving), which takes a while on a large state (seconds for a million jobs): the deadline is then at least 30 s.
   */
  readonly digest?: boolean;
  /** How to reach the node. Default: plaintext. */
  readonly credentials?: grpc.ChannelCredentials;
  /** What `credentials` were made from (null: plaintext), to name a failed TLS handshake; unknown when absent. */
  readonly tls?: ClientTls | null;
  /** Bearer token, for a cluster with auth on (Admin.Status needs the `read` role). */
  readonly token?: string | undefined;
}

/** Deadline of a status call that asks for the digest, at least, ms. */
const DIGEST_TIMEOUT_MS = 30_000;

/** Ask one node for its status; a node that does not answer within `timeoutMs` is `unreachable`. */
export function fetchStatus(id: string, address: string, timeoutMs = 1500, o: FetchStatusOptions = {}): Promise<StatusRow> {
  const admin = new NodeAdmin(address, { ...(o.credentials === undefined ? {} : { credentials: o.credentials }), tls: o.tls, token: o.token });
  return admin
    .status({ timeoutMs: o.digest === true ? Math.max(timeoutMs, DIGEST_TIMEOUT_MS) : timeoutMs, ...(o.digest === true ? { digest: true } : {}) })
    .then(
      (s): StatusRow => ({
        id: s.id,
        address,
        role: s.role,
        term: s.term,
        leaderId: s.leaderId,
        commitIndex: s.commitIndex,
        appliedIndex: s.appliedIndex,
        firstLogIndex: s.firstLogIndex,
        lastLogIndex: s.lastLogIndex,
        snapshotIndex: s.snapshotIndex,
        stateDigest: s.stateDigest ?? '',
        pid: s.pid,
        peers: [...s.peers],
      }),
      (err: unknown): StatusRow => ({
        id,
        address,
        role: 'unreachable',
        error: err instanceof Error ? err.message : String(err),
        ...(isRaftJobsError(err) && err.details.tls !== undefined ? { tls: err.details.tls } : {}),
      }),
    )
    .finally(() => admin.close());
}

/** Status of every node in a config, in config order. */
export async function clusterStatus(nodes: readonly { id: string; address: string }[], timeoutMs?: number, o: FetchStatusOptions = {}): Promise<StatusRow[]> {
  return Promise.all(nodes.map((n) => fetchStatus(n.id, n.address, timeoutMs, o)));
}

/**
 * `raftjobs status (--config FILE | --addresses HOST:PORT,...) [--timeout MS] [--json] [--digest]`:
 * every node's view, in the order given. Exits 1 (after printing the table) when no node knows a
 * leader, so scripts can wait on it; a node that does not answer within `--timeout` (default
 * 1500 ms) is `unreachable`.
 */
export async function statusCommand(argv: readonly string[], out: Writable, err: Writable): Promise<number> {
  const { values } = parseFlags('status', argv, { ...CLUSTER_FLAGS, json: { type: 'boolean', default: false }, digest: { type: 'boolean', default: false } });
  const timeoutMs = intFlag('timeout', values.timeout, 1500, 1, 3_600_000);
  // With --addresses a node is known by its address until it answers with its id.
  const target = clusterTarget('status', values);
  const nodes = values.config !== undefined && values.addresses === undefined ? loadConfig(values.config).nodes : target.nodes.map((address) => ({ id: address, address }));
  const rows = await clusterStatus(nodes, timeoutMs, { digest: values.digest, credentials: target.credentials, tls: target.tls ?? null, token: target.token });
  out.write(values.json ? JSON.stringify(rows) + '\n' : formatStatusTable(rows));
  if (rows.some((r) => r.role === 'leader' || (r.leaderId ?? null) !== null)) return 0;
  const reachable = rows.filter((r) => r.role !== 'unreachable').length;
  err.write(`raftjobs status: no leader known: ${reachable} of ${rows.length} node${rows.length === 1 ? '' : 's'} reachable\n`);
  // A TLS refusal is not a node down: say what it was, and the fix, once per kind.
  const refused = rows.filter((r) => r.tls !== undefined);
  for (const r of refused) err.write(`  ${r.id === r.address ? '' : `${r.id} at `}${r.error ?? ''}\n`);
  for (const mismatch of new Set(refused.map((r) => r.tls as TlsMismatch))) err.write(`  fix: ${tlsFix(mismatch, target.tlsFiles)}\n`);
  return 1;
}

export function formatStatusTable(rows: readonly StatusRow[]): string {
  const header = ['ID', 'ADDRESS', 'ROLE', 'TERM', 'LEADER', 'COMMIT', 'APPLIED', 'LAST', 'SNAPSHOT', 'PID', 'DIGEST'];
  const table = rows.map((r) =>
    r.role === 'unreachable'
      ? [r.id, r.address, 'unreachable', '', '', '', '', '', '', '', '']
      : [r.id, r.address, r.role, String(r.term), r.leaderId ?? '-', String(r.commitIndex), String(r.appliedIndex), String(r.lastLogIndex), String(r.snapshotIndex), String(r.pid), r.stateDigest ?? ''],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd() + '\n';
  let s = line(header);
  for (const row of table) s += line(row);
  for (const r of rows) {
    if (r.role === 'leader' && r.peers && r.peers.length > 0) {
      s += `leader ${r.id} replication: ` + r.peers.map((p) => `${p.id} match ${p.matchIndex} (${p.state})`).join(', ') + '\n';
    }
  }
  return s;
}
