import { z } from 'zod';
import { LIMITS, MIN_ELECTION_TO_HEARTBEAT_RATIO, type NumberSetting } from '../limits/index.js';
import { isUnspecifiedHost, parseHostPort, parseHttpAddress } from './address.js';
import { TokenSchema } from './auth.js';

const L = LIMITS;

/**
 * Defaults applied to fields the file leaves out, in the shape of the file; every number comes
 * from the limits table (src/limits/settings.ts), which also holds each field's bounds and doc.
 * Timing is tuned so a killed leader is replaced in about a second on a small machine: 50 ms ticks,
 * election timeout 10–20 ticks (500–1000 ms, randomized), heartbeat every 2 ticks (100 ms).
 */
export const CONFIG_DEFAULTS = {
  raft: {
    tickMs: L.tickMs.default,
    electionTicks: L.electionTicks.default,
    heartbeatTicks: L.heartbeatTicks.default,
    maxAppendEntries: L.maxAppendEntries.default,
    maxAppendBytes: L.maxAppendBytes.default,
    maxInflight: L.maxInflight.default,
    preVote: L.preVote.default,
    checkQuorum: L.checkQuorum.default,
    snapshotEntries: L.snapshotEntries.default,
    snapshotTailEntries: L.snapshotTailEntries.default,
    snapshotBytes: L.snapshotBytes.default,
  },
  limits: {
    maxPayloadBytes: L.maxPayloadBytes.default,
    maxResultBytes: L.maxResultBytes.default,
    maxPeerMessageBytes: L.maxPeerMessageBytes.default,
    maxBatchSize: L.maxBatchSize.default,
    maxQueueNameLength: L.maxQueueNameLength.default,
    maxKeyLength: L.maxKeyLength.default,
    maxBacklogJobs: L.maxBacklogJobs.default,
    maxBacklogPayloadBytes: L.maxBacklogPayloadBytes.default,
    minFreeDiskBytes: L.minFreeDiskBytes.default,
  },
  jobs: {
    idempotencyWindowMs: L.idempotencyWindowMs.default,
    defaultLeaseTtlMs: L.defaultLeaseTtlMs.default,
    defaultMaxAttempts: L.defaultMaxAttempts.default,
    retention: {
      succeededMs: L.retentionSucceededMs.default,
      cancelledMs: L.retentionCancelledMs.default,
      deadMs: L.retentionDeadMs.default,
      maxSucceeded: L.maxSucceeded.default,
      maxCancelled: L.maxCancelled.default,
      maxDead: L.maxDead.default,
      maxPurgedJobKeys: L.maxPurgedJobKeys.default,
      queues: {},
    },
  },
  server: {
    workerConnectionGraceMs: L.workerConnectionGraceMs.default,
    keepaliveTimeMs: L.keepaliveTimeMs.default,
    keepaliveTimeoutMs: L.keepaliveTimeoutMs.default,
    fileWatchIntervalMs: L.fileWatchIntervalMs.default,
    diskCheckIntervalMs: L.diskCheckIntervalMs.default,
    heapGrowingPercent: L.heapGrowingPercent.default,
  },
  shutdownTimeoutMs: L.shutdownTimeoutMs.default,
  dashboard: {
    actionsEnabled: L.dashboardActionsEnabled.default,
  },
  membership: {
    autoPromote: L.autoPromote.default,
  },
  watch: {
    retainEvents: L.watchRetainEvents.default,
    retainBytes: L.watchRetainBytes.default,
  },
  http: {
    allowInsecureRemote: L.httpAllowInsecureRemote.default,
    requireClientCertificate: L.httpRequireClientCertificate.default,
  },
  auth: {
    enabled: false,
    tokens: [],
    metricsRequireToken: false,
    healthRequireToken: false,
  },
} as const;

export { MIN_ELECTION_TO_HEARTBEAT_RATIO };

/** Cluster ids: lower-case letters, digits and dashes, starting with a letter or digit. */
export const CLUSTER_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Node ids double as directory and log-file names, so they are kept file-name safe. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** An integer within a table setting's bounds. */
const int = (setting: NumberSetting) => z.int().min(setting.min).max(setting.max);
/** An integer within a table setting's bounds, its default when absent. */
const setting = (s: NumberSetting & { readonly default: number }) => int(s).default(s.default);
const flag = (s: { readonly default: boolean }) => z.boolean().default(s.default);

const hostPort = (dialable: boolean) =>
  z.string().superRefine((text, ctx) => {
    const parsed = parseHostPort(text);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    else if (dialable && isUnspecifiedHost(parsed.host)) {
      ctx.addIssue({ code: 'custom', message: `${parsed.host} cannot be dialled by peers and clients; use a concrete host` });
    }
  });

/** `host:port`, or a bare port for loopback (see `parseHttpAddress`). */
const httpAddress = z.string().superRefine((text, ctx) => {
  const parsed = parseHttpAddress(text);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

const NodeSchema = z.strictObject({
  id: z.string().regex(NODE_ID_PATTERN, { error: 'must be 1-63 letters, digits, "-" or "_", starting with a letter or digit' }),
  address: hostPort(true),
  httpAddress: httpAddress.optional(),
});

const RaftSchema = z.strictObject({
  tickMs: setting(L.tickMs),
  electionTicks: setting(L.electionTicks),
  heartbeatTicks: setting(L.heartbeatTicks),
  maxAppendEntries: setting(L.maxAppendEntries),
  maxAppendBytes: setting(L.maxAppendBytes),
  maxInflight: setting(L.maxInflight),
  preVote: flag(L.preVote),
  checkQuorum: flag(L.checkQuorum),
  snapshotEntries: setting(L.snapshotEntries),
  snapshotTailEntries: setting(L.snapshotTailEntries),
  snapshotBytes: setting(L.snapshotBytes),
});

const LimitsSchema = z.strictObject({
  maxPayloadBytes: setting(L.maxPayloadBytes),
  maxResultBytes: setting(L.maxResultBytes),
  /** Absent: `raft.maxAppendBytes` (see `build` in load.ts). */
  maxEntryBytes: int(L.maxEntryBytes).optional(),
  maxPeerMessageBytes: setting(L.maxPeerMessageBytes),
  maxBatchSize: setting(L.maxBatchSize),
  maxQueueNameLength: setting(L.maxQueueNameLength),
  maxKeyLength: setting(L.maxKeyLength),
  maxBacklogJobs: setting(L.maxBacklogJobs),
  maxBacklogPayloadBytes: setting(L.maxBacklogPayloadBytes),
  minFreeDiskBytes: setting(L.minFreeDiskBytes),
});

/** Characters of a queue name, as the job state machine accepts them. */
export const QUEUE_NAME_PATTERN = /^[A-Za-z0-9._:-]+$/;

/** A queue's overrides take the same bounds as the cluster-wide fields they override. */
const QueueRetentionSchema = z.strictObject({
  succeededMs: int(L.retentionSucceededMs).optional(),
  cancelledMs: int(L.retentionCancelledMs).optional(),
  deadMs: int(L.retentionDeadMs).optional(),
  maxSucceeded: int(L.maxSucceeded).optional(),
  maxCancelled: int(L.maxCancelled).optional(),
  maxDead: int(L.maxDead).optional(),
});

const RetentionSchema = z.strictObject({
  succeededMs: setting(L.retentionSucceededMs),
  cancelledMs: setting(L.retentionCancelledMs),
  deadMs: setting(L.retentionDeadMs),
  maxSucceeded: setting(L.maxSucceeded),
  maxCancelled: setting(L.maxCancelled),
  maxDead: setting(L.maxDead),
  maxPurgedJobKeys: setting(L.maxPurgedJobKeys),
  /** Keys are checked against `limits.maxQueueNameLength` with the cross-field rules. */
  queues: z
    .record(z.string(), QueueRetentionSchema)
    .default({}),
});

const JobsSchema = z.strictObject({
  idempotencyWindowMs: setting(L.idempotencyWindowMs),
  defaultLeaseTtlMs: setting(L.defaultLeaseTtlMs),
  defaultMaxAttempts: setting(L.defaultMaxAttempts),
  retention: RetentionSchema.prefault({}),
});

const ServerSchema = z.strictObject({
  workerConnectionGraceMs: setting(L.workerConnectionGraceMs),
  keepaliveTimeMs: setting(L.keepaliveTimeMs),
  keepaliveTimeoutMs: setting(L.keepaliveTimeoutMs),
  fileWatchIntervalMs: setting(L.fileWatchIntervalMs),
  diskCheckIntervalMs: setting(L.diskCheckIntervalMs),
  heapGrowingPercent: setting(L.heapGrowingPercent),
});

const DashboardSchema = z.strictObject({
  actionsEnabled: flag(L.dashboardActionsEnabled),
});

/** Membership changes; the config's `nodes` only bootstrap a new cluster (the membership is replicated). */
const MembershipSchema = z.strictObject({
  autoPromote: flag(L.autoPromote),
});

/** What each node keeps for `Jobs.Watch` (see src/node/watch-log.ts). */
const WatchSchema = z.strictObject({
  retainEvents: setting(L.watchRetainEvents),
  retainBytes: setting(L.watchRetainBytes),
});

/** The node's HTTP port (dashboard, /metrics, /healthz, /readyz); who may reach it is checked with the cross-field rules. */
const HttpSchema = z.strictObject({
  allowInsecureRemote: flag(L.httpAllowInsecureRemote),
  requireClientCertificate: flag(L.httpRequireClientCertificate),
});

/**
 * TLS for the node's one gRPC port (peers, clients, workers). Paths are relative to the config
 * file. Node `id` uses `<certsDir>/node-<id>.crt` and `.key`, as `raftjobs certs issue --node ID`
 * writes them.
 */
const TlsSchema = z.strictObject({
  /** The cluster CA, PEM. Default: `<certsDir>/ca.crt`. */
  caFile: z.string().min(1).optional(),
  certsDir: z.string().min(1),
  clientCertificates: z.enum(['require', 'optional']).default('optional'),
});

/** Client authentication (see src/config/auth.ts); off by default. */
const AuthSchema = z.strictObject({
  enabled: z.boolean().default(false),
  tokens: z.array(TokenSchema).default([]),
  /** Relative to the config file's directory; reread on SIGHUP and when it changes. */
  tokensFile: z.string().min(1).optional(),
  metricsRequireToken: z.boolean().default(false),
  healthRequireToken: z.boolean().default(false),
});

/** The shape of a config file after environment overrides, before cross-field rules. */
export const ConfigFileSchema = z.strictObject({
  clusterId: z.string().regex(CLUSTER_ID_PATTERN, { error: 'must be 1-63 of a-z, 0-9 and "-", starting with a letter or digit' }),
  nodes: z.array(NodeSchema).min(1),
  dataDir: z.string().min(1),
  raft: RaftSchema.prefault({}),
  limits: LimitsSchema.prefault({}),
  jobs: JobsSchema.prefault({}),
  server: ServerSchema.prefault({}),
  shutdownTimeoutMs: setting(L.shutdownTimeoutMs),
  dashboard: DashboardSchema.prefault({}),
  membership: MembershipSchema.prefault({}),
  watch: WatchSchema.prefault({}),
  http: HttpSchema.prefault({}),
  tls: TlsSchema.optional(),
  auth: AuthSchema.prefault({}),
});

export type ConfigFile = z.output<typeof ConfigFileSchema>;
