/**
 * Every server-side default and bound of raftjobs, in one table: the config schema
 * (src/config/schema.ts), the job state machine's options (src/jobs/options.ts), the driver
 * (src/node/raft-node.ts), the Raft core (src/raft/raft.ts) and the peer transport
 * (src/transport) all take their numbers from here instead of repeating them.
 *
 * Pure data: no imports, no I/O, so the pure layers (src/raft, src/jobs) may import it too.
 * Validation of a cluster's values happens once, when its config is loaded (src/config/load.ts,
 * with the cross-field rules of src/config/rules.ts); a setting without a `config` path is a
 * default of code that callers may override in its options.
 *
 * `min`/`max` are inclusive. For a config setting they are what the schema accepts; for the
 * others they are the range the setting is meant to take, documented, not enforced here.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** What a setting's number counts. */
export type SettingUnit =
  | 'ms'
  | 'ticks'
  | 'bytes'
  | 'entries'
  | 'messages'
  | 'commands'
  | 'jobs'
  | 'leases'
  | 'queues'
  | 'keys'
  | 'attempts'
  | 'characters'
  | 'schedules'
  | 'slots'
  | 'events'
  | 'factor'
  | 'fraction'
  | 'percent';

/** An integer (or, for `factor` and `fraction`, any finite number) setting. */
export interface NumberSetting {
  readonly kind: 'number';
  /** `null`: derived from another setting when not set (see `doc`). */
  readonly default: number | null;
  readonly min: number;
  readonly max: number;
  readonly unit: SettingUnit;
  /** One line for docs and error messages; says why the default is what it is when that matters. */
  readonly doc: string;
  /** Dotted path in the cluster config file, when the setting is one. */
  readonly config?: string;
  /** The `RAFTJOBS_*` environment variable that overrides it, when there is one. */
  readonly env?: string;
}

/** An on/off setting. */
export interface BooleanSetting {
  readonly kind: 'boolean';
  readonly default: boolean;
  readonly doc: string;
  readonly config?: string;
  readonly env?: string;
}

export type Setting = NumberSetting | BooleanSetting;

/**
 * The table. Keys are stable names used in code (`LIMITS.heartbeatTicks.default`); `config` is
 * where an operator sets the value.
 */
export const LIMITS = {
  // ----------------------------------------------------------------- Raft timing and flow (config)
  tickMs: {
    kind: 'number', default: 50, min: 1, max: 1000, unit: 'ms',
    doc: 'Length of one logical clock tick. With the tick counts below, a killed leader (whose followers see their streams to it break) is replaced within a few ticks; one cut off without closing its connections, within an election timeout.',
    config: 'raft.tickMs', env: 'RAFTJOBS_TICK_MS',
  },
  electionTicks: {
    kind: 'number', default: 10, min: 3, max: 10_000, unit: 'ticks',
    doc: 'Shortest election timeout; each timeout is drawn from [electionTicks, 2 × electionTicks). At least 3 × heartbeatTicks.',
    config: 'raft.electionTicks', env: 'RAFTJOBS_ELECTION_TICKS',
  },
  heartbeatTicks: {
    kind: 'number', default: 2, min: 1, max: 10_000, unit: 'ticks',
    doc: 'Interval of leader heartbeats.',
    config: 'raft.heartbeatTicks', env: 'RAFTJOBS_HEARTBEAT_TICKS',
  },
  maxAppendEntries: {
    kind: 'number', default: 512, min: 1, max: 100_000, unit: 'entries',
    doc: 'Most entries in one AppendEntries message.',
    config: 'raft.maxAppendEntries', env: 'RAFTJOBS_MAX_APPEND_ENTRIES',
  },
  maxAppendBytes: {
    kind: 'number', default: 2 * MiB, min: 1 * KiB, max: 64 * MiB, unit: 'bytes',
    doc: 'Byte budget of one AppendEntries message (at least one entry is always sent); at least limits.maxEntryBytes, and with its framing at most limits.maxPeerMessageBytes.',
    config: 'raft.maxAppendBytes', env: 'RAFTJOBS_MAX_APPEND_BYTES',
  },
  maxInflight: {
    kind: 'number', default: 64, min: 1, max: 10_000, unit: 'messages',
    doc: 'Most unacknowledged AppendEntries messages per follower before the leader pauses.',
    config: 'raft.maxInflight', env: 'RAFTJOBS_MAX_INFLIGHT',
  },
  authEnabled: {
    kind: 'boolean', default: false,
    doc: 'Every Jobs, Workers, Schedules and Admin call needs a bearer token with its method’s role (README “Authentication”).',
    config: 'auth.enabled', env: 'RAFTJOBS_AUTH_ENABLED',
  },
  metricsRequireToken: {
    kind: 'boolean', default: false,
    doc: 'With auth on, /metrics needs a token with the read role.',
    config: 'auth.metricsRequireToken', env: 'RAFTJOBS_METRICS_REQUIRE_TOKEN',
  },
  healthRequireToken: {
    kind: 'boolean', default: false,
    doc: 'With auth on, /healthz and /readyz need a token with the read role.',
    config: 'auth.healthRequireToken', env: 'RAFTJOBS_HEALTH_REQUIRE_TOKEN',
  },
  preVote: {
    kind: 'boolean', default: true,
    doc: 'Run a pre-vote round before campaigning (Raft thesis §9.6).',
    config: 'raft.preVote', env: 'RAFTJOBS_PRE_VOTE',
  },
  checkQuorum: {
    kind: 'boolean', default: true,
    doc: 'A leader that has not heard from a quorum for an election timeout steps down.',
    config: 'raft.checkQuorum', env: 'RAFTJOBS_CHECK_QUORUM',
  },
  snapshotEntries: {
    kind: 'number', default: 20_000, min: 1, max: 100_000_000, unit: 'entries',
    doc: 'Snapshot and compact the log after about this many applied entries (each node draws 0.75–1.25 times it).',
    config: 'raft.snapshotEntries', env: 'RAFTJOBS_SNAPSHOT_ENTRIES',
  },
  snapshotTailEntries: {
    kind: 'number', default: 1000, min: 0, max: 100_000_000, unit: 'entries',
    doc: 'Entries kept below a snapshot, so a follower only a little behind catches up from the log.',
    config: 'raft.snapshotTailEntries', env: 'RAFTJOBS_SNAPSHOT_TAIL_ENTRIES',
  },
  snapshotBytes: {
    kind: 'number', default: 64 * MiB, min: 1 * KiB, max: 64 * 1024 * MiB, unit: 'bytes',
    doc: 'Also snapshot once the entries applied since the last snapshot hold this many bytes, whichever comes first.',
    config: 'raft.snapshotBytes', env: 'RAFTJOBS_SNAPSHOT_BYTES',
  },

  // ------------------------------------------------------------ client input and byte chain (config)
  maxPayloadBytes: {
    kind: 'number', default: 1 * MiB, min: 1, max: 64 * MiB, unit: 'bytes',
    doc: 'Largest job payload.',
    config: 'limits.maxPayloadBytes', env: 'RAFTJOBS_MAX_PAYLOAD_BYTES',
  },
  maxResultBytes: {
    kind: 'number', default: 1 * MiB, min: 0, max: 64 * MiB, unit: 'bytes',
    doc: 'Largest result a worker may complete a job with (0: none).',
    config: 'limits.maxResultBytes', env: 'RAFTJOBS_MAX_RESULT_BYTES',
  },
  maxEntryBytes: {
    kind: 'number', default: null, min: 64 * KiB, max: 64 * MiB, unit: 'bytes',
    doc: 'Largest log entry; a submit that alone would not fit is refused. At most raft.maxAppendBytes, which it is when not set.',
    config: 'limits.maxEntryBytes', env: 'RAFTJOBS_MAX_ENTRY_BYTES',
  },
  maxPeerMessageBytes: {
    kind: 'number', default: 8 * MiB, min: 4 * MiB, max: 256 * MiB, unit: 'bytes',
    doc: 'Largest frame between nodes; at least 4 MiB so snapshot chunks and the largest fixed-size commands always travel.',
    config: 'limits.maxPeerMessageBytes', env: 'RAFTJOBS_MAX_PEER_MESSAGE_BYTES',
  },
  maxBatchSize: {
    kind: 'number', default: 1000, min: 1, max: 100_000, unit: 'jobs',
    doc: 'Most jobs in one submit, leases in one lease batch or heartbeat.',
    config: 'limits.maxBatchSize', env: 'RAFTJOBS_MAX_BATCH_SIZE',
  },
  maxQueueNameLength: {
    kind: 'number', default: 128, min: 1, max: 4096, unit: 'characters',
    doc: 'Longest queue name.',
    config: 'limits.maxQueueNameLength', env: 'RAFTJOBS_MAX_QUEUE_NAME_LENGTH',
  },
  maxKeyLength: {
    kind: 'number', default: 256, min: 1, max: 4096, unit: 'characters',
    doc: 'Longest idempotency key.',
    config: 'limits.maxKeyLength', env: 'RAFTJOBS_MAX_KEY_LENGTH',
  },

  // ------------------------------------------------------------------- resource guards (config)
  maxBacklogJobs: {
    kind: 'number', default: 0, min: 0, max: 1_000_000_000, unit: 'jobs',
    doc: 'Most not-finished jobs (scheduled, ready, leased) the cluster holds: a submit that would pass it is refused with LIMIT_EXCEEDED (0: off). Off by default: every such job lives in the memory of every node (about 0.45 KB of heap plus its payload), so the right cap follows from the heap a node has.',
    config: 'limits.maxBacklogJobs', env: 'RAFTJOBS_MAX_BACKLOG_JOBS',
  },
  maxBacklogPayloadBytes: {
    kind: 'number', default: 0, min: 0, max: 1024 * 1024 * MiB, unit: 'bytes',
    doc: 'Most payload bytes of not-finished jobs the cluster holds: a submit that would pass it is refused with LIMIT_EXCEEDED (0: off; off by default, as limits.maxBacklogJobs).',
    config: 'limits.maxBacklogPayloadBytes', env: 'RAFTJOBS_MAX_BACKLOG_PAYLOAD_BYTES',
  },
  minFreeDiskBytes: {
    kind: 'number', default: 1024 * MiB, min: 0, max: 1024 * 1024 * 1024 * MiB, unit: 'bytes',
    doc: 'A leader whose data directory\'s file system has less free space refuses submits with LIMIT_EXCEEDED (0: off). A full disk stops a node; 1 GiB leaves room for the log, LevelDB compactions and a snapshot written beside the last one while workers drain the backlog.',
    config: 'limits.minFreeDiskBytes', env: 'RAFTJOBS_MIN_FREE_DISK_BYTES',
  },
  diskCheckIntervalMs: {
    kind: 'number', default: 1 * SECOND_MS, min: 100, max: 10 * MINUTE_MS, unit: 'ms',
    doc: 'How often a node reads the free space of its data directory\'s file system (one statfs call) for limits.minFreeDiskBytes.',
    config: 'server.diskCheckIntervalMs', env: 'RAFTJOBS_DISK_CHECK_INTERVAL_MS',
  },

  // ------------------------------------------------------------------------ job defaults (config)
  idempotencyWindowMs: {
    kind: 'number', default: DAY_MS, min: 1, max: 365 * DAY_MS, unit: 'ms',
    doc: 'How long an idempotency key is remembered after its submit (J7).',
    config: 'jobs.idempotencyWindowMs', env: 'RAFTJOBS_IDEMPOTENCY_WINDOW_MS',
  },
  defaultLeaseTtlMs: {
    kind: 'number', default: 30 * SECOND_MS, min: 100, max: DAY_MS, unit: 'ms',
    doc: 'Lease time-to-live when neither the submit nor the worker asks for one; within [minLeaseTtlMs, maxLeaseTtlMs].',
    config: 'jobs.defaultLeaseTtlMs', env: 'RAFTJOBS_DEFAULT_LEASE_TTL_MS',
  },
  defaultMaxAttempts: {
    kind: 'number', default: 3, min: 1, max: 1000, unit: 'attempts',
    doc: 'Attempts before a job is dead when the submit does not say; at most maxAttemptsLimit.',
    config: 'jobs.defaultMaxAttempts', env: 'RAFTJOBS_DEFAULT_MAX_ATTEMPTS',
  },
  retentionSucceededMs: {
    kind: 'number', default: DAY_MS, min: 0, max: 365 * DAY_MS, unit: 'ms',
    doc: 'How long a succeeded job is kept.',
    config: 'jobs.retention.succeededMs', env: 'RAFTJOBS_SUCCEEDED_RETENTION_MS',
  },
  retentionCancelledMs: {
    kind: 'number', default: DAY_MS, min: 0, max: 365 * DAY_MS, unit: 'ms',
    doc: 'How long a cancelled job is kept.',
    config: 'jobs.retention.cancelledMs', env: 'RAFTJOBS_CANCELLED_RETENTION_MS',
  },
  retentionDeadMs: {
    kind: 'number', default: 7 * DAY_MS, min: 0, max: 365 * DAY_MS, unit: 'ms',
    doc: 'How long a dead job is kept: it waits for an operator.',
    config: 'jobs.retention.deadMs', env: 'RAFTJOBS_DEAD_RETENTION_MS',
  },
  maxSucceeded: {
    kind: 'number', default: 10_000, min: 0, max: 100_000_000, unit: 'jobs',
    doc: 'Most succeeded jobs kept per queue; the oldest beyond it are purged before their age is up.',
    config: 'jobs.retention.maxSucceeded', env: 'RAFTJOBS_MAX_SUCCEEDED_JOBS',
  },
  maxCancelled: {
    kind: 'number', default: 10_000, min: 0, max: 100_000_000, unit: 'jobs',
    doc: 'Most cancelled jobs kept per queue.',
    config: 'jobs.retention.maxCancelled', env: 'RAFTJOBS_MAX_CANCELLED_JOBS',
  },
  maxDead: {
    kind: 'number', default: 100_000, min: 0, max: 100_000_000, unit: 'jobs',
    doc: 'Most dead jobs kept per queue; more than the others, as they wait for an operator.',
    config: 'jobs.retention.maxDead', env: 'RAFTJOBS_MAX_DEAD_JOBS',
  },
  maxPurgedJobKeys: {
    kind: 'number', default: 500_000, min: 0, max: 100_000_000, unit: 'keys',
    doc: 'Most idempotency keys of purged jobs remembered over all queues (about 140 MB at the default).',
    config: 'jobs.retention.maxPurgedJobKeys', env: 'RAFTJOBS_MAX_PURGED_JOB_KEYS',
  },

  // ------------------------------------------------------------------------ watch stream (config)
  watchRetainEvents: {
    kind: 'number', default: 100_000, min: 1000, max: 10_000_000, unit: 'events',
    doc: 'Most job events each node keeps for Jobs.Watch, newest first: a watcher that reconnects within them resumes with no gap (at a few hundred events a second, minutes of history); an older position is WATCH_POSITION_COMPACTED.',
    config: 'watch.retainEvents', env: 'RAFTJOBS_WATCH_RETAIN_EVENTS',
  },
  watchRetainBytes: {
    kind: 'number', default: 64 * MiB, min: 1 * MiB, max: 4096 * MiB, unit: 'bytes',
    doc: 'Most memory the kept watch events may take (estimated from their strings), so long queue names, worker ids and progress messages cannot grow the heap past it; the oldest go first.',
    config: 'watch.retainBytes', env: 'RAFTJOBS_WATCH_RETAIN_BYTES',
  },

  // ------------------------------------------------------------------ server and process (config)
  workerConnectionGraceMs: {
    kind: 'number', default: 10 * SECOND_MS, min: 0, max: 10 * MINUTE_MS, unit: 'ms',
    doc: 'How long a worker session whose stream broke may take to come back before its leases are abandoned.',
    config: 'server.workerConnectionGraceMs', env: 'RAFTJOBS_WORKER_CONNECTION_GRACE_MS',
  },
  keepaliveTimeMs: {
    kind: 'number', default: 10 * SECOND_MS, min: 100, max: HOUR_MS, unit: 'ms',
    doc: 'Interval of the gRPC server\'s HTTP/2 keepalive pings on client and worker connections.',
    config: 'server.keepaliveTimeMs', env: 'RAFTJOBS_KEEPALIVE_TIME_MS',
  },
  keepaliveTimeoutMs: {
    kind: 'number', default: 5 * SECOND_MS, min: 100, max: 10 * MINUTE_MS, unit: 'ms',
    doc: 'A connection whose keepalive ping is not answered within this is closed.',
    config: 'server.keepaliveTimeoutMs', env: 'RAFTJOBS_KEEPALIVE_TIMEOUT_MS',
  },
  fileWatchIntervalMs: {
    kind: 'number', default: 1 * SECOND_MS, min: 0, max: 10 * MINUTE_MS, unit: 'ms',
    doc: 'How often a node looks at its TLS files and auth.tokensFile for changes, which it reloads as on SIGHUP once they stay unchanged for two intervals (0: only on SIGHUP).',
    config: 'server.fileWatchIntervalMs', env: 'RAFTJOBS_FILE_WATCH_INTERVAL_MS',
  },
  heapGrowingPercent: {
    kind: 'number', default: 50, min: 0, max: 400, unit: 'percent',
    doc: 'A node runs a full garbage collection once its old heap has grown by this much over what the last one left (V8 --heap-growing-percent; 0: V8 chooses, up to 4 times). Left to V8, a leader filled with a million jobs held about 150 bytes of garbage per job more than its followers; 50 keeps it near theirs at the lease/complete CPU of V8\'s choice (20 cost about a fifth more CPU per lease/complete with a million jobs held).',
    config: 'server.heapGrowingPercent', env: 'RAFTJOBS_HEAP_GROWING_PERCENT',
  },
  shutdownTimeoutMs: {
    kind: 'number', default: 10 * SECOND_MS, min: 1, max: 10 * MINUTE_MS, unit: 'ms',
    doc: 'Hard deadline of an orderly shutdown, after which the process exits anyway.',
    config: 'shutdownTimeoutMs', env: 'RAFTJOBS_SHUTDOWN_TIMEOUT_MS',
  },
  autoPromote: {
    kind: 'boolean', default: true,
    doc: 'The leader promotes a learner (a node just added) to voter once it has caught up; off, an operator promotes it (raftjobs members promote).',
    config: 'membership.autoPromote', env: 'RAFTJOBS_AUTO_PROMOTE',
  },
  dashboardActionsEnabled: {
    kind: 'boolean', default: false,
    doc: 'Let the dashboard retry and cancel jobs; off, it is read-only.',
    config: 'dashboard.actionsEnabled', env: 'RAFTJOBS_DASHBOARD_ACTIONS',
  },
  httpAllowInsecureRemote: {
    kind: 'boolean', default: false,
    doc: 'Let an httpAddress beyond loopback serve although nothing checks who asks (auth off, no client certificate required); refused at load otherwise.',
    config: 'http.allowInsecureRemote', env: 'RAFTJOBS_HTTP_ALLOW_INSECURE_REMOTE',
  },
  httpRequireClientCertificate: {
    kind: 'boolean', default: false,
    doc: 'With a tls section, the HTTPS port refuses connections without a client certificate from the cluster CA.',
    config: 'http.requireClientCertificate', env: 'RAFTJOBS_HTTP_REQUIRE_CLIENT_CERTIFICATE',
  },

  // ------------------------------------------------- job state machine (src/jobs/options.ts only)
  maxQueuesPerLease: {
    kind: 'number', default: 64, min: 1, max: 10_000, unit: 'queues',
    doc: 'Most queues named by one lease command.',
  },
  maxWorkerIdLength: {
    kind: 'number', default: 256, min: 1, max: 4096, unit: 'characters',
    doc: 'Longest worker id.',
  },
  maxErrorLength: {
    kind: 'number', default: 16_384, min: 1, max: 1 * MiB, unit: 'characters',
    doc: 'Longest error of a fail command, and longest cancel reason.',
  },
  maxProgressMessageLength: {
    kind: 'number', default: 256, min: 1, max: 4096, unit: 'characters',
    doc: 'Longest progress message.',
  },
  maxAttemptsLimit: {
    kind: 'number', default: 1000, min: 1, max: 1_000_000, unit: 'attempts',
    doc: 'Largest maxAttempts of a job, and most extra attempts of a retry of a dead job.',
  },
  minLeaseTtlMs: {
    kind: 'number', default: 100, min: 1, max: DAY_MS, unit: 'ms',
    doc: 'Shortest lease TTL.',
  },
  maxLeaseTtlMs: {
    kind: 'number', default: DAY_MS, min: 1, max: 365 * DAY_MS, unit: 'ms',
    doc: 'Longest lease TTL, and longest leader-change lease grace.',
  },
  maxDelayMs: {
    kind: 'number', default: 365 * DAY_MS, min: 0, max: 10 * 365 * DAY_MS, unit: 'ms',
    doc: 'Longest submit delay, and farthest runAt ahead of the entry time.',
  },
  maxBackoffMs: {
    kind: 'number', default: 30 * DAY_MS, min: 0, max: 365 * DAY_MS, unit: 'ms',
    doc: 'Longest backoff delay or cap.',
  },
  maxRetentionMs: {
    kind: 'number', default: 365 * DAY_MS, min: 0, max: 10 * 365 * DAY_MS, unit: 'ms',
    doc: 'Longest retention of a finished job, its own or its queue\'s.',
  },
  maxPurgePerBatch: {
    kind: 'number', default: 10_000, min: 1, max: 10_000_000, unit: 'jobs',
    doc: 'Most finished jobs one entry\'s due pass purges, so no entry stalls the apply loop for long.',
  },
  historyLimit: {
    kind: 'number', default: 20, min: 1, max: 10_000, unit: 'attempts',
    doc: 'Attempts kept in a job\'s history, most recent.',
  },
  maxPageSize: {
    kind: 'number', default: 1000, min: 1, max: 100_000, unit: 'jobs',
    doc: 'Largest page of a job listing.',
  },
  defaultBackoffInitialMs: {
    kind: 'number', default: 1 * SECOND_MS, min: 0, max: 30 * DAY_MS, unit: 'ms',
    doc: 'First retry delay of the default (exponential) backoff.',
  },
  defaultBackoffMaxMs: {
    kind: 'number', default: HOUR_MS, min: 0, max: 30 * DAY_MS, unit: 'ms',
    doc: 'Cap of the default backoff\'s delays.',
  },
  defaultBackoffFactor: {
    kind: 'number', default: 2, min: 1, max: 100, unit: 'factor',
    doc: 'Growth of the default backoff\'s delay per attempt.',
  },
  defaultBackoffJitter: {
    kind: 'number', default: 0.1, min: 0, max: 1, unit: 'fraction',
    doc: 'Random spread of the default backoff\'s delays, as a fraction of each delay.',
  },

  // ------------------------------------------- recurring schedules (src/jobs/options.ts only)
  maxSchedules: {
    kind: 'number', default: 10_000, min: 0, max: 1_000_000, unit: 'schedules',
    doc: 'Most schedules a cluster holds; every one is in every snapshot, and the leader evaluates each due one.',
  },
  maxScheduleIdLength: {
    kind: 'number', default: 128, min: 1, max: 128, unit: 'characters',
    doc: 'Longest schedule id (ids are [A-Za-z0-9._:-]); at most 128, so the idempotency key of a fired job (schedule:<id>:<slot>) stays within 256 characters.',
  },
  minScheduleIntervalMs: {
    kind: 'number', default: 1 * SECOND_MS, min: 1, max: DAY_MS, unit: 'ms',
    doc: 'Shortest interval of an interval schedule; cron schedules have a resolution of 1 s anyway.',
  },
  defaultCatchUpWindowMs: {
    kind: 'number', default: HOUR_MS, min: 1 * SECOND_MS, max: 7 * DAY_MS, unit: 'ms',
    doc: 'Catch-up window of a schedule that names none: slots missed by more than this never fire.',
  },
  maxCatchUpWindowMs: {
    kind: 'number', default: 7 * DAY_MS, min: 1 * SECOND_MS, max: 365 * DAY_MS, unit: 'ms',
    doc: 'Longest catch-up window a schedule may ask for.',
  },
  maxSlotsPerFire: {
    kind: 'number', default: 1000, min: 1, max: 100_000, unit: 'slots',
    doc: 'Most slots one scheduleFire command fires; a longer catch-up (mode all) takes several commands.',
  },

  // ---------------------------------------------------------------- driver (src/node/raft-node.ts)
  maxCommandsPerEntry: {
    kind: 'number', default: 1000, min: 1, max: 100_000, unit: 'commands',
    doc: 'Most commands the driver packs into one log entry.',
  },

  // ------------------------------------------------------------ peer transport (src/transport)
  peerQueueLimit: {
    kind: 'number', default: 4096, min: 1, max: 1_000_000, unit: 'messages',
    doc: 'Messages queued per peer before the oldest is dropped.',
  },
  snapshotChunkBytes: {
    kind: 'number', default: 1 * MiB, min: 1 * KiB, max: 64 * MiB, unit: 'bytes',
    doc: 'Snapshot data above this size travels to a peer in chunks of this size; with its headroom at most limits.maxPeerMessageBytes.',
  },
  peerReconnectInitialMs: {
    kind: 'number', default: 100, min: 1, max: MINUTE_MS, unit: 'ms',
    doc: 'First delay before redialling a peer whose stream broke.',
  },
  peerReconnectMaxMs: {
    kind: 'number', default: 5 * SECOND_MS, min: 1, max: 10 * MINUTE_MS, unit: 'ms',
    doc: 'Largest delay between redials of a peer.',
  },
  peerConnectTimeoutMs: {
    kind: 'number', default: 5 * SECOND_MS, min: 1, max: 10 * MINUTE_MS, unit: 'ms',
    doc: 'A peer stream not accepted within this is abandoned and retried.',
  },
  peerCloseTimeoutMs: {
    kind: 'number', default: 1 * SECOND_MS, min: 0, max: MINUTE_MS, unit: 'ms',
    doc: 'How long stopping waits for a peer to acknowledge a half-closed stream before cancelling it.',
  },
  peerKeepaliveMs: {
    kind: 'number', default: 10 * SECOND_MS, min: 100, max: HOUR_MS, unit: 'ms',
    doc: 'HTTP/2 keepalive ping interval on peer channels; a ping unanswered for half of it (at least 1 s) closes the channel.',
  },
} as const satisfies Record<string, Setting>;

/** Name of one setting of the table. */
export type LimitName = keyof typeof LIMITS;

/** The settings an operator can set in a config file, by config path. */
export function configSettings(): ReadonlyMap<string, Setting & { readonly name: LimitName }> {
  const out = new Map<string, Setting & { readonly name: LimitName }>();
  for (const [name, s] of Object.entries(LIMITS) as [LimitName, Setting][]) {
    if (s.config !== undefined) out.set(s.config, { ...s, name });
  }
  return out;
}

/**
 * Bytes a peer frame carries beyond its messages (frame header, snapshot-chunk header), which the
 * node's gRPC server accepts above `limits.maxPeerMessageBytes` and a snapshot chunk leaves free.
 */
export const FRAME_HEADROOM_BYTES = 64 * KiB;

/** gRPC's default receive limit; the node's server never accepts less. */
export const GRPC_DEFAULT_RECEIVE_BYTES = 4 * MiB;

/**
 * Largest message the SDK's channels and a follower's forwarding channel send or receive, and the
 * largest answer a node sends: above every request the node accepts, so no answer (a List of big
 * jobs, a forwarded submit) is ever cut by the channel.
 */
export const MAX_GRPC_MESSAGE_BYTES = 64 * MiB;

/**
 * Most bytes of one lease push (LeaseBatch) on a worker stream: gRPC's default receive limit, so a
 * worker that never raised it still gets every lease. A single lease larger than this goes alone.
 */
export const MAX_LEASE_PUSH_BYTES = GRPC_DEFAULT_RECEIVE_BYTES;

/**
 * Most state bytes in one chunk of an Admin.Backup stream: below gRPC's default receive limit, so
 * a client that never raised it still reads every chunk.
 */
export const BACKUP_CHUNK_BYTES = 1 * MiB;

/**
 * Largest data-directory incarnation (`RaftStorage.incarnation`): incarnations are 1 to this, a
 * uint32 on the wire (raft.proto) and 4 bytes on disk; 0 means none.
 */
export const MAX_INCARNATION = 2 ** 32 - 1;

/** Longest a unary Workers.Lease call waits for ready jobs (`wait_ms`), ms. */
export const MAX_LEASE_WAIT_MS = 60_000;

/**
 * A follower campaigns only after missing this many heartbeat intervals' worth of ticks, so one
 * delayed heartbeat never triggers an election: `electionTicks >= MIN_ELECTION_TO_HEARTBEAT_RATIO *
 * heartbeatTicks`.
 */
export const MIN_ELECTION_TO_HEARTBEAT_RATIO = 3;
