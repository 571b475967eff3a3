import { z } from 'zod';
import { isUnspecifiedHost, parseHostPort } from './address.js';
import { BYTE_LIMITS } from './limits.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Defaults applied to fields the file leaves out. Timing is tuned so a killed leader is replaced in
 * about a second on a small machine: 50 ms ticks, election timeout 10–20 ticks (500–1000 ms,
 * randomized), heartbeat every 2 ticks (100 ms).
 */
export const CONFIG_DEFAULTS = {
  raft: {
    tickMs: 50,
    electionTicks: 10,
    heartbeatTicks: 2,
    maxAppendEntries: 512,
    maxAppendBytes: BYTE_LIMITS.maxAppendBytes.default,
    maxInflight: 64,
    preVote: true,
    checkQuorum: true,
    snapshotEntries: 20_000,
    snapshotTailEntries: 1000,
    snapshotBytes: 64 * MiB,
  },
  limits: {
    maxPayloadBytes: BYTE_LIMITS.maxPayloadBytes.default,
    maxResultBytes: BYTE_LIMITS.maxResultBytes.default,
    maxPeerMessageBytes: BYTE_LIMITS.maxPeerMessageBytes.default,
    maxBatchSize: 1000,
    maxQueueNameLength: 128,
    maxKeyLength: 256,
  },
  jobs: {
    idempotencyWindowMs: 24 * 60 * 60 * 1000,
    defaultLeaseTtlMs: 30_000,
    defaultMaxAttempts: 3,
    retention: {
      succeededMs: 24 * 60 * 60 * 1000,
      cancelledMs: 24 * 60 * 60 * 1000,
      deadMs: 7 * 24 * 60 * 60 * 1000,
      maxSucceeded: 10_000,
      maxCancelled: 10_000,
      maxDead: 100_000,
      maxPurgedJobKeys: 500_000,
      queues: {},
    },
  },
  server: {
    workerConnectionGraceMs: 10_000,
    keepaliveTimeMs: 10_000,
    keepaliveTimeoutMs: 5_000,
  },
  shutdownTimeoutMs: 10_000,
  dashboard: {
    actionsEnabled: false,
  },
} as const;

/**
 * A follower campaigns only after missing this many heartbeat intervals' worth of ticks, so one
 * delayed heartbeat never triggers an election: `electionTicks >= MIN_ELECTION_TO_HEARTBEAT_RATIO *
 * heartbeatTicks`.
 */
export const MIN_ELECTION_TO_HEARTBEAT_RATIO = 3;

/** Cluster ids: lower-case letters, digits and dashes, starting with a letter or digit. */
export const CLUSTER_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Node ids double as directory and log-file names, so they are kept file-name safe. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

const int = (min: number, max: number) => z.int().min(min).max(max);
const range = (r: { readonly min: number; readonly max: number }) => int(r.min, r.max);

const hostPort = (dialable: boolean) =>
  z.string().superRefine((text, ctx) => {
    const parsed = parseHostPort(text);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    else if (dialable && isUnspecifiedHost(parsed.host)) {
      ctx.addIssue({ code: 'custom', message: `${parsed.host} cannot be dialled by peers and clients; use a concrete host` });
    }
  });

const NodeSchema = z.strictObject({
  id: z.string().regex(NODE_ID_PATTERN, { error: 'must be 1-63 letters, digits, "-" or "_", starting with a letter or digit' }),
  address: hostPort(true),
  httpAddress: hostPort(false).optional(),
});

const d = CONFIG_DEFAULTS;

const RaftSchema = z.strictObject({
  tickMs: int(1, 1000).default(d.raft.tickMs),
  electionTicks: int(3, 10_000).default(d.raft.electionTicks),
  heartbeatTicks: int(1, 10_000).default(d.raft.heartbeatTicks),
  maxAppendEntries: int(1, 100_000).default(d.raft.maxAppendEntries),
  maxAppendBytes: range(BYTE_LIMITS.maxAppendBytes).default(d.raft.maxAppendBytes),
  maxInflight: int(1, 10_000).default(d.raft.maxInflight),
  preVote: z.boolean().default(d.raft.preVote),
  checkQuorum: z.boolean().default(d.raft.checkQuorum),
  snapshotEntries: int(1, 100_000_000).default(d.raft.snapshotEntries),
  snapshotTailEntries: int(0, 100_000_000).default(d.raft.snapshotTailEntries),
  snapshotBytes: int(1 * KiB, 64 * 1024 * MiB).default(d.raft.snapshotBytes),
});

const LimitsSchema = z.strictObject({
  maxPayloadBytes: range(BYTE_LIMITS.maxPayloadBytes).default(d.limits.maxPayloadBytes),
  maxResultBytes: range(BYTE_LIMITS.maxResultBytes).default(d.limits.maxResultBytes),
  /** Absent: `raft.maxAppendBytes` (see `build` in load.ts). */
  maxEntryBytes: range(BYTE_LIMITS.maxEntryBytes).optional(),
  maxPeerMessageBytes: range(BYTE_LIMITS.maxPeerMessageBytes).default(d.limits.maxPeerMessageBytes),
  maxBatchSize: int(1, 100_000).default(d.limits.maxBatchSize),
  maxQueueNameLength: int(1, 4096).default(d.limits.maxQueueNameLength),
  maxKeyLength: int(1, 4096).default(d.limits.maxKeyLength),
});

const DAY_MS = 24 * 60 * 60 * 1000;

/** Characters of a queue name, as the job state machine accepts them. */
export const QUEUE_NAME_PATTERN = /^[A-Za-z0-9._:-]+$/;
const retentionMs = int(0, 365 * DAY_MS);
/** A count bound of retention: at most 100 million, so no setting means "unbounded" by accident. */
const retentionCount = int(0, 100_000_000);

const QueueRetentionSchema = z.strictObject({
  succeededMs: retentionMs.optional(),
  cancelledMs: retentionMs.optional(),
  deadMs: retentionMs.optional(),
  maxSucceeded: retentionCount.optional(),
  maxCancelled: retentionCount.optional(),
  maxDead: retentionCount.optional(),
});

const RetentionSchema = z.strictObject({
  succeededMs: retentionMs.default(d.jobs.retention.succeededMs),
  cancelledMs: retentionMs.default(d.jobs.retention.cancelledMs),
  deadMs: retentionMs.default(d.jobs.retention.deadMs),
  maxSucceeded: retentionCount.default(d.jobs.retention.maxSucceeded),
  maxCancelled: retentionCount.default(d.jobs.retention.maxCancelled),
  maxDead: retentionCount.default(d.jobs.retention.maxDead),
  maxPurgedJobKeys: retentionCount.default(d.jobs.retention.maxPurgedJobKeys),
  /** Keys are checked against `limits.maxQueueNameLength` with the cross-field rules. */
  queues: z
    .record(z.string(), QueueRetentionSchema)
    .default({}),
});

const JobsSchema = z.strictObject({
  idempotencyWindowMs: int(1, 365 * DAY_MS).default(d.jobs.idempotencyWindowMs),
  defaultLeaseTtlMs: int(1, DAY_MS).default(d.jobs.defaultLeaseTtlMs),
  defaultMaxAttempts: int(1, 1000).default(d.jobs.defaultMaxAttempts),
  retention: RetentionSchema.prefault({}),
});

const ServerSchema = z.strictObject({
  workerConnectionGraceMs: int(0, 10 * 60 * 1000).default(d.server.workerConnectionGraceMs),
  keepaliveTimeMs: int(100, 60 * 60 * 1000).default(d.server.keepaliveTimeMs),
  keepaliveTimeoutMs: int(100, 10 * 60 * 1000).default(d.server.keepaliveTimeoutMs),
});

const DashboardSchema = z.strictObject({
  actionsEnabled: z.boolean().default(d.dashboard.actionsEnabled),
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
  shutdownTimeoutMs: int(1, 10 * 60 * 1000).default(d.shutdownTimeoutMs),
  dashboard: DashboardSchema.prefault({}),
});

export type ConfigFile = z.output<typeof ConfigFileSchema>;
