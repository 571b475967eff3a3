import { normalizeHostPort, parseHostPort } from './address.js';
import { LIMITS, MIN_ELECTION_TO_HEARTBEAT_RATIO } from '../limits/index.js';
import { byteLimitProblems } from './limits.js';
import { CONFIG_DEFAULTS, QUEUE_NAME_PATTERN } from './schema.js';
import type { Config } from './types.js';

/** A problem or warning anchored at a JSON path such as `nodes[1].address`. */
export interface Finding {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

function get(root: unknown, path: readonly (string | number)[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** The number at `path`, its default when absent, or undefined when the field itself is invalid. */
function numberAt(root: unknown, path: readonly (string | number)[], fallback: number): number | undefined {
  const value = get(root, path);
  if (value === undefined) return fallback;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Like `numberAt`, but also undefined outside `[range.min, range.max]` (the schema reports that). */
function boundedAt(root: unknown, path: readonly (string | number)[], fallback: number, range: { readonly min: number; readonly max: number }): number | undefined {
  const value = get(root, path);
  if (value === undefined) return fallback;
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max ? value : undefined;
}

/**
 * Rules that span fields. They run on the unvalidated (post-override) data and skip any field that
 * is itself malformed, so they are reported together with the schema's per-field problems.
 */
export function crossFieldProblems(raw: unknown, ownNodeId: string | undefined): Finding[] {
  const problems: Finding[] = [];
  const nodes = get(raw, ['nodes']);
  const ids: string[] = [];
  if (Array.isArray(nodes)) {
    const firstId = new Map<string, number>();
    // address and httpAddress share one namespace: two listeners cannot bind the same socket.
    const firstSocket = new Map<string, string>();
    nodes.forEach((node: unknown, i) => {
      const id = get(node, ['id']);
      if (typeof id === 'string') {
        ids.push(id);
        const seen = firstId.get(id);
        if (seen === undefined) firstId.set(id, i);
        else problems.push({ path: ['nodes', i, 'id'], message: `duplicate of nodes[${seen}].id (${JSON.stringify(id)})` });
      }
      for (const field of ['address', 'httpAddress'] as const) {
        const text = get(node, [field]);
        if (typeof text !== 'string') continue;
        const parsed = parseHostPort(text);
        if (typeof parsed === 'string') continue;
        const key = normalizeHostPort(parsed);
        const here = `nodes[${i}].${field}`;
        const seen = firstSocket.get(key);
        if (seen === undefined) firstSocket.set(key, here);
        else problems.push({ path: ['nodes', i, field], message: `duplicate of ${seen} (${text})` });
      }
    });
  }

  if (ownNodeId !== undefined && Array.isArray(nodes) && !ids.includes(ownNodeId)) {
    problems.push({ path: ['nodes'], message: `own node id ${JSON.stringify(ownNodeId)} is not listed (ids: ${ids.join(', ') || 'none'})` });
  }

  const r = CONFIG_DEFAULTS.raft;
  const election = numberAt(raw, ['raft', 'electionTicks'], r.electionTicks);
  const heartbeat = numberAt(raw, ['raft', 'heartbeatTicks'], r.heartbeatTicks);
  if (election !== undefined && heartbeat !== undefined && election < MIN_ELECTION_TO_HEARTBEAT_RATIO * heartbeat) {
    problems.push({
      path: ['raft', 'heartbeatTicks'],
      message:
        `must be at most raft.electionTicks / ${MIN_ELECTION_TO_HEARTBEAT_RATIO} ` +
        `(electionTicks ${election}, heartbeatTicks ${heartbeat}): a follower would campaign after one late heartbeat`,
    });
  }

  const l = CONFIG_DEFAULTS.limits;
  const sized = ['limits.maxPayloadBytes', 'limits.maxResultBytes', 'limits.maxBatchSize'];
  problems.push(
    ...byteLimitProblems({
      maxPayloadBytes: boundedAt(raw, ['limits', 'maxPayloadBytes'], l.maxPayloadBytes, LIMITS.maxPayloadBytes),
      maxResultBytes: boundedAt(raw, ['limits', 'maxResultBytes'], l.maxResultBytes, LIMITS.maxResultBytes),
      maxEntryBytes: get(raw, ['limits', 'maxEntryBytes']) === undefined ? null : boundedAt(raw, ['limits', 'maxEntryBytes'], 0, LIMITS.maxEntryBytes),
      maxAppendBytes: boundedAt(raw, ['raft', 'maxAppendBytes'], r.maxAppendBytes, LIMITS.maxAppendBytes),
      maxAppendEntries: numberAt(raw, ['raft', 'maxAppendEntries'], r.maxAppendEntries),
      maxPeerMessageBytes: boundedAt(raw, ['limits', 'maxPeerMessageBytes'], l.maxPeerMessageBytes, LIMITS.maxPeerMessageBytes),
      maxBatchSize: numberAt(raw, ['limits', 'maxBatchSize'], l.maxBatchSize),
      maxQueueNameLength: numberAt(raw, ['limits', 'maxQueueNameLength'], l.maxQueueNameLength),
      maxKeyLength: numberAt(raw, ['limits', 'maxKeyLength'], l.maxKeyLength),
      configured: new Set(sized.filter((path) => get(raw, path.split('.')) !== undefined)),
    }),
  );

  // A retention override for a queue no job can be submitted to is a typo, not a setting.
  const queues = get(raw, ['jobs', 'retention', 'queues']);
  const maxName = numberAt(raw, ['limits', 'maxQueueNameLength'], CONFIG_DEFAULTS.limits.maxQueueNameLength);
  if (typeof queues === 'object' && queues !== null && !Array.isArray(queues)) {
    for (const name of Object.keys(queues)) {
      if (!QUEUE_NAME_PATTERN.test(name) || (maxName !== undefined && name.length > maxName)) {
        problems.push({
          path: ['jobs', 'retention', 'queues', name],
          message: `not a queue name: queue names are 1-${maxName ?? CONFIG_DEFAULTS.limits.maxQueueNameLength} of A-Z, a-z, 0-9, ".", "_", ":" and "-"`,
        });
      }
    }
  }
  return problems;
}

/** Legal but doubtful choices; the node logs them at warn level and starts. */
export function configWarnings(config: Config): Finding[] {
  const warnings: Finding[] = [];
  const n = config.nodes.length;
  if (n % 2 === 0) {
    warnings.push({
      path: ['nodes'],
      message: `${n} nodes tolerate no more failures than ${n - 1} (quorum ${n / 2 + 1}); an odd count is recommended`,
    });
  }
  if (config.jobs.defaultLeaseTtlMs < config.raft.electionTimeoutMaxMs) {
    warnings.push({
      path: ['jobs', 'defaultLeaseTtlMs'],
      message: `${config.jobs.defaultLeaseTtlMs} ms is shorter than the longest election timeout (${config.raft.electionTimeoutMaxMs} ms); leases will lapse across failovers`,
    });
  }
  // The dashboard and metrics show job payloads and results: without auth, only this host should reach them.
  if (!config.auth.enabled) {
    config.nodes.forEach((node, i) => {
      const hp = node.httpAddress === undefined ? null : parseHostPort(node.httpAddress);
      if (hp === null || typeof hp === 'string' || isLoopbackHost(hp.host)) return;
      warnings.push({
        path: ['nodes', i, 'httpAddress'],
        message: `${node.httpAddress} is reachable from other hosts while auth is off: anyone who can reach it can read every job and use the dashboard; bind 127.0.0.1 or turn auth.enabled on`,
      });
    });
  }
  return warnings;
}

/** localhost, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(host: string): boolean {
  return host.toLowerCase() === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
}
