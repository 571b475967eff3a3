import { isLoopbackHost, normalizeHostPort, parseHostPort, parseHttpAddress } from './address.js';
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
        const http = field === 'httpAddress' ? parseHttpAddress(text) : null;
        const parsed = typeof http === 'string' ? http : parseHostPort(http?.advertised ?? text);
        if (typeof parsed === 'string') continue;
        const key = normalizeHostPort(parsed);
        const here = `nodes[${i}].${field}`;
        const seen = firstSocket.get(key);
        if (seen === undefined) firstSocket.set(key, here);
        else problems.push({ path: ['nodes', i, field], message: `duplicate of ${seen} (${text})` });
      }
    });
  }

  problems.push(...httpProblems(raw));

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
  const { maxBacklogJobs, maxBatchSize, maxBacklogPayloadBytes, maxPayloadBytes } = config.limits;
  if (maxBacklogJobs > 0 && maxBacklogJobs < maxBatchSize) {
    warnings.push({
      path: ['limits', 'maxBacklogJobs'],
      message: `${maxBacklogJobs} is below limits.maxBatchSize (${maxBatchSize}): a submit of more than ${maxBacklogJobs} jobs is always refused`,
    });
  }
  if (maxBacklogPayloadBytes > 0 && maxBacklogPayloadBytes < maxPayloadBytes) {
    warnings.push({
      path: ['limits', 'maxBacklogPayloadBytes'],
      message: `${maxBacklogPayloadBytes} is below limits.maxPayloadBytes (${maxPayloadBytes}): a job with a payload over ${maxBacklogPayloadBytes} bytes is always refused`,
    });
  }
  const guarded = config.auth.enabled || (config.tls !== undefined && config.http.requireClientCertificate);
  config.nodes.forEach((node, i) => {
    const http = node.httpAddress === undefined ? null : parseHttpAddress(node.httpAddress);
    if (http === null || typeof http === 'string') return;
    if (http.named) {
      warnings.push({
        path: ['nodes', i, 'httpAddress'],
        message: `${node.httpAddress} listens on 127.0.0.1 only (a host name does not choose an interface); to serve other hosts give the IP address to bind, or 0.0.0.0`,
      });
    }
    // Allowed by http.allowInsecureRemote, or the load would have refused it.
    if (!guarded && !isLoopbackHost(http.bindHost)) {
      warnings.push({
        path: ['nodes', i, 'httpAddress'],
        message: `${node.httpAddress} is reachable from other hosts while auth is off (allowed by http.allowInsecureRemote): anyone who can reach it can read every job and use the dashboard`,
      });
    }
  });
  return warnings;
}

/**
 * The HTTP port shows every job's payload and result, and the dashboard acts on them: one that
 * other hosts can reach needs something that checks who asks, tokens (`auth.enabled`) or client
 * certificates (`http.requireClientCertificate`, HTTPS). TLS alone encrypts; it does not decide
 * who may read. `http.allowInsecureRemote` is the explicit way around it.
 */
function httpProblems(raw: unknown): Finding[] {
  const problems: Finding[] = [];
  const tls = get(raw, ['tls']) !== undefined;
  const requireCert = get(raw, ['http', 'requireClientCertificate']) === true;
  if (requireCert && !tls) {
    problems.push({ path: ['http', 'requireClientCertificate'], message: 'needs a tls section: without one the HTTP port is plaintext and cannot ask for certificates' });
  }
  if (get(raw, ['auth', 'enabled']) === true || (tls && requireCert) || get(raw, ['http', 'allowInsecureRemote']) === true) return problems;
  const nodes = get(raw, ['nodes']);
  if (!Array.isArray(nodes)) return problems;
  nodes.forEach((node: unknown, i) => {
    const text = get(node, ['httpAddress']);
    const http = typeof text === 'string' ? parseHttpAddress(text) : null;
    if (http === null || typeof http === 'string' || isLoopbackHost(http.bindHost)) return;
    problems.push({
      path: ['nodes', i, 'httpAddress'],
      message:
        `${String(text)} would serve every job and the dashboard to other hosts with nothing to check who asks (auth is off${tls ? ', no client certificate is required' : ', no tls'}): ` +
        `listen on loopback (${http.port} or 127.0.0.1:${http.port}), or turn auth.enabled on${tls ? ' or http.requireClientCertificate' : ''}; ` +
        'http.allowInsecureRemote: true serves it anyway',
    });
  });
  return problems;
}
