import { resolve } from 'node:path';

type Kind = 'string' | 'int' | 'boolean' | 'path';

interface EnvOverride {
  readonly path: readonly string[];
  readonly kind: Kind;
}

/**
 * Environment variables that override config-file fields, applied after the file is read and
 * before validation. Numbers are decimal integers; booleans are `true`/`false`/`1`/`0`. A
 * relative `RAFTJOBS_DATA_DIR` resolves against the working directory. The member list (`nodes`)
 * cannot be overridden: it must be identical on every node.
 *
 * `RAFTJOBS_LOG_LEVEL` is read by the logger, not here.
 */
export const CONFIG_ENV = {
  RAFTJOBS_CLUSTER_ID: { path: ['clusterId'], kind: 'string' },
  RAFTJOBS_DATA_DIR: { path: ['dataDir'], kind: 'path' },
  RAFTJOBS_TICK_MS: { path: ['raft', 'tickMs'], kind: 'int' },
  RAFTJOBS_ELECTION_TICKS: { path: ['raft', 'electionTicks'], kind: 'int' },
  RAFTJOBS_HEARTBEAT_TICKS: { path: ['raft', 'heartbeatTicks'], kind: 'int' },
  RAFTJOBS_MAX_APPEND_ENTRIES: { path: ['raft', 'maxAppendEntries'], kind: 'int' },
  RAFTJOBS_MAX_APPEND_BYTES: { path: ['raft', 'maxAppendBytes'], kind: 'int' },
  RAFTJOBS_MAX_INFLIGHT: { path: ['raft', 'maxInflight'], kind: 'int' },
  RAFTJOBS_PRE_VOTE: { path: ['raft', 'preVote'], kind: 'boolean' },
  RAFTJOBS_CHECK_QUORUM: { path: ['raft', 'checkQuorum'], kind: 'boolean' },
  RAFTJOBS_SNAPSHOT_ENTRIES: { path: ['raft', 'snapshotEntries'], kind: 'int' },
  RAFTJOBS_SNAPSHOT_TAIL_ENTRIES: { path: ['raft', 'snapshotTailEntries'], kind: 'int' },
  RAFTJOBS_SNAPSHOT_BYTES: { path: ['raft', 'snapshotBytes'], kind: 'int' },
  RAFTJOBS_MAX_PAYLOAD_BYTES: { path: ['limits', 'maxPayloadBytes'], kind: 'int' },
  RAFTJOBS_MAX_RESULT_BYTES: { path: ['limits', 'maxResultBytes'], kind: 'int' },
  RAFTJOBS_MAX_ENTRY_BYTES: { path: ['limits', 'maxEntryBytes'], kind: 'int' },
  RAFTJOBS_MAX_PEER_MESSAGE_BYTES: { path: ['limits', 'maxPeerMessageBytes'], kind: 'int' },
  RAFTJOBS_MAX_BATCH_SIZE: { path: ['limits', 'maxBatchSize'], kind: 'int' },
  RAFTJOBS_MAX_QUEUE_NAME_LENGTH: { path: ['limits', 'maxQueueNameLength'], kind: 'int' },
  RAFTJOBS_MAX_KEY_LENGTH: { path: ['limits', 'maxKeyLength'], kind: 'int' },
  RAFTJOBS_MAX_BACKLOG_JOBS: { path: ['limits', 'maxBacklogJobs'], kind: 'int' },
  RAFTJOBS_MAX_BACKLOG_PAYLOAD_BYTES: { path: ['limits', 'maxBacklogPayloadBytes'], kind: 'int' },
  RAFTJOBS_MIN_FREE_DISK_BYTES: { path: ['limits', 'minFreeDiskBytes'], kind: 'int' },
  RAFTJOBS_IDEMPOTENCY_WINDOW_MS: { path: ['jobs', 'idempotencyWindowMs'], kind: 'int' },
  RAFTJOBS_DEFAULT_LEASE_TTL_MS: { path: ['jobs', 'defaultLeaseTtlMs'], kind: 'int' },
  RAFTJOBS_DEFAULT_MAX_ATTEMPTS: { path: ['jobs', 'defaultMaxAttempts'], kind: 'int' },
  RAFTJOBS_SUCCEEDED_RETENTION_MS: { path: ['jobs', 'retention', 'succeededMs'], kind: 'int' },
  RAFTJOBS_CANCELLED_RETENTION_MS: { path: ['jobs', 'retention', 'cancelledMs'], kind: 'int' },
  RAFTJOBS_DEAD_RETENTION_MS: { path: ['jobs', 'retention', 'deadMs'], kind: 'int' },
  RAFTJOBS_MAX_SUCCEEDED_JOBS: { path: ['jobs', 'retention', 'maxSucceeded'], kind: 'int' },
  RAFTJOBS_MAX_CANCELLED_JOBS: { path: ['jobs', 'retention', 'maxCancelled'], kind: 'int' },
  RAFTJOBS_MAX_DEAD_JOBS: { path: ['jobs', 'retention', 'maxDead'], kind: 'int' },
  RAFTJOBS_MAX_PURGED_JOB_KEYS: { path: ['jobs', 'retention', 'maxPurgedJobKeys'], kind: 'int' },
  RAFTJOBS_WORKER_CONNECTION_GRACE_MS: { path: ['server', 'workerConnectionGraceMs'], kind: 'int' },
  RAFTJOBS_KEEPALIVE_TIME_MS: { path: ['server', 'keepaliveTimeMs'], kind: 'int' },
  RAFTJOBS_KEEPALIVE_TIMEOUT_MS: { path: ['server', 'keepaliveTimeoutMs'], kind: 'int' },
  RAFTJOBS_SHUTDOWN_TIMEOUT_MS: { path: ['shutdownTimeoutMs'], kind: 'int' },
  RAFTJOBS_DASHBOARD_ACTIONS: { path: ['dashboard', 'actionsEnabled'], kind: 'boolean' },
  RAFTJOBS_AUTO_PROMOTE: { path: ['membership', 'autoPromote'], kind: 'boolean' },
  RAFTJOBS_WATCH_RETAIN_EVENTS: { path: ['watch', 'retainEvents'], kind: 'int' },
  RAFTJOBS_WATCH_RETAIN_BYTES: { path: ['watch', 'retainBytes'], kind: 'int' },
  RAFTJOBS_FILE_WATCH_INTERVAL_MS: { path: ['server', 'fileWatchIntervalMs'], kind: 'int' },
  RAFTJOBS_HEAP_GROWING_PERCENT: { path: ['server', 'heapGrowingPercent'], kind: 'int' },
  RAFTJOBS_DISK_CHECK_INTERVAL_MS: { path: ['server', 'diskCheckIntervalMs'], kind: 'int' },
  RAFTJOBS_HTTP_ALLOW_INSECURE_REMOTE: { path: ['http', 'allowInsecureRemote'], kind: 'boolean' },
  RAFTJOBS_HTTP_REQUIRE_CLIENT_CERTIFICATE: { path: ['http', 'requireClientCertificate'], kind: 'boolean' },
  RAFTJOBS_AUTH_ENABLED: { path: ['auth', 'enabled'], kind: 'boolean' },
  RAFTJOBS_METRICS_REQUIRE_TOKEN: { path: ['auth', 'metricsRequireToken'], kind: 'boolean' },
  RAFTJOBS_HEALTH_REQUIRE_TOKEN: { path: ['auth', 'healthRequireToken'], kind: 'boolean' },
} as const satisfies Record<string, EnvOverride>;

/** Name of one config-overriding environment variable. */
export type ConfigEnvVar = keyof typeof CONFIG_ENV;

/** The variables read from the environment; `process.env` fits. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Converts an environment string to the field's type. Text that does not convert is passed on
 * unchanged so that validation reports it with the field's path and the variable's name.
 */
function convert(kind: Kind, text: string, cwd: string): unknown {
  switch (kind) {
    case 'string':
      return text;
    case 'path':
      return text === '' ? text : resolve(cwd, text);
    case 'int':
      return /^\s*-?[0-9]+\s*$/.test(text) ? Number(text) : text;
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      return text;
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns a copy of `raw` with every set `RAFTJOBS_*` override applied, and which JSON path each
 * variable replaced (for error messages). `raw` is not modified. An override whose parent in the
 * file is not an object is still reported by validation under the parent's path.
 */
export function applyEnvOverrides(raw: unknown, env: Env, cwd: string): { data: unknown; sources: ReadonlyMap<string, ConfigEnvVar> } {
  const sources = new Map<string, ConfigEnvVar>();
  if (!isPlainObject(raw)) return { data: raw, sources };
  const data: Record<string, unknown> = { ...raw };
  for (const [name, spec] of Object.entries(CONFIG_ENV) as [ConfigEnvVar, EnvOverride][]) {
    const text = env[name];
    if (text === undefined) continue;
    let target = data;
    const parents = spec.path.slice(0, -1);
    let reachable = true;
    for (const key of parents) {
      const child = target[key];
      if (child === undefined) target[key] = {};
      else if (isPlainObject(child)) target[key] = { ...child };
      else {
        reachable = false;
        break;
      }
      target = target[key] as Record<string, unknown>;
    }
    const leaf = spec.path[spec.path.length - 1];
    if (!reachable || leaf === undefined) continue;
    target[leaf] = convert(spec.kind, text, cwd);
    sources.set(spec.path.join('.'), name);
  }
  return { data, sources };
}
