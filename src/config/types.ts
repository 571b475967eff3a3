import type { TokenConfig } from './auth.js';

/** One cluster member as listed in the config file. */
export interface NodeConfig {
  /** Stable node id; also the name of the node's data directory and log file. */
  readonly id: string;
  /** `host:port` of the node's gRPC server: peers' Raft traffic and client/worker calls. */
  readonly address: string;
  /**
   * `host:port` of the node's HTTP server (metrics, health, dashboard) as others dial it, when the
   * node serves one. A bare port in the file reads as `127.0.0.1:<port>`.
   */
  readonly httpAddress?: string;
  /**
   * `host:port` the HTTP server binds, present with `httpAddress`: the same IP when the file gives
   * one (`0.0.0.0` or `[::]` for every interface), else 127.0.0.1 (a bare port or a host name).
   */
  readonly httpListen?: string;
}

/**
 * Raft timing and flow control. Time is counted in ticks of `tickMs`; the millisecond fields are
 * derived for logs, clients and the lease grace of invariant J6.
 */
export interface RaftConfig {
  /** Length of one logical clock tick, ms. Default 50. */
  readonly tickMs: number;
  /**
   * Minimum election timeout in ticks; each timeout is drawn from [electionTicks, 2 × electionTicks).
   * At least 3 × heartbeatTicks. Default 10.
   */
  readonly electionTicks: number;
  /** Leader heartbeat interval in ticks. Default 2. */
  readonly heartbeatTicks: number;
  /** `tickMs × electionTicks`: the shortest a follower waits before campaigning, ms. */
  readonly electionTimeoutMinMs: number;
  /** `tickMs × 2 × electionTicks`: the longest a follower waits before campaigning, ms. */
  readonly electionTimeoutMaxMs: number;
  /** `tickMs × heartbeatTicks`, ms. */
  readonly heartbeatIntervalMs: number;
  /** Most entries in one AppendEntries message. Default 512. */
  readonly maxAppendEntries: number;
  /**
   * Byte budget of one AppendEntries message, bytes (at least one entry is always sent). At least
   * `limits.maxEntryBytes`, and with the framing of `maxAppendEntries` entries at most
   * `limits.maxPeerMessageBytes` (see src/config/limits.ts). Default 2 MiB.
   */
  readonly maxAppendBytes: number;
  /** Most unacknowledged AppendEntries messages per follower. Default 64. */
  readonly maxInflight: number;
  /** Run a pre-vote round before campaigning (Raft thesis §9.6). Default true. */
  readonly preVote: boolean;
  /** A leader that has not heard from a quorum for an election timeout steps down. Default true. */
  readonly checkQuorum: boolean;
  /** Snapshot the job state and compact the log after this many applied entries. Default 20000. */
  readonly snapshotEntries: number;
  /**
   * Entries kept below a snapshot, so a follower only a little behind catches up from the log
   * instead of receiving the whole snapshot. Default 1000.
   */
  readonly snapshotTailEntries: number;
  /**
   * Also snapshot once the entries applied since the last snapshot hold this many bytes, whichever
   * comes first: big submit batches fill the disk long before `snapshotEntries`. Default 64 MiB.
   */
  readonly snapshotBytes: number;
}

/**
 * Limits enforced on client input, and the byte bounds of log entries and peer messages. The byte
 * bounds form one chain, checked when the config is loaded (src/config/limits.ts): the largest
 * command (a job of `maxPayloadBytes`, a result of `maxResultBytes`) fits in `maxEntryBytes`, which
 * fits in `raft.maxAppendBytes`, which with its framing fits in `maxPeerMessageBytes`. A message
 * over the peer limit could never be replicated and would stall the cluster.
 */
export interface LimitsConfig {
  /** Largest job payload, bytes. Default 1 MiB. */
  readonly maxPayloadBytes: number;
  /** Largest result a worker may complete a job with, bytes (0: none). Default 1 MiB. */
  readonly maxResultBytes: number;
  /**
   * Largest log entry, bytes: the leader packs waiting commands into entries of at most this, and
   * refuses a submit that alone would not fit (INVALID_ARGUMENT). At most `raft.maxAppendBytes`.
   * Default: `raft.maxAppendBytes` (2 MiB).
   */
  readonly maxEntryBytes: number;
  /**
   * Largest frame between two nodes, bytes: the peer transport's send limit; the node's gRPC
   * server accepts this plus 64 KiB of framing (from peers and clients alike). Every node of a
   * cluster should use the same value. Default 8 MiB.
   */
  readonly maxPeerMessageBytes: number;
  /** Most jobs in one submit or lease batch. Default 1000. */
  readonly maxBatchSize: number;
  /** Longest queue name, characters. Default 128. */
  readonly maxQueueNameLength: number;
  /** Longest idempotency key, characters. Default 256. */
  readonly maxKeyLength: number;
  /**
   * Backlog cap in jobs: the leader refuses (LIMIT_EXCEEDED, RESOURCE_EXHAUSTED) a submit that
   * would make the cluster's not-finished jobs (scheduled, ready, leased) more than this, counted
   * from its applied state plus the submits it has admitted but not applied yet. A soft cap:
   * checked at admission, so a leader change, an operator's RetryDead or a schedule's catch-up
   * can take the backlog past it. 0: off. Default 0.
   */
  readonly maxBacklogJobs: number;
  /** Backlog cap in payload bytes of not-finished jobs, checked as `maxBacklogJobs`. 0: off. Default 0. */
  readonly maxBacklogPayloadBytes: number;
  /**
   * Free-disk floor, bytes: while the file system of this node's data directory has less free
   * space (for unprivileged users, as `df` shows it), the node, when it leads, refuses submits
   * with LIMIT_EXCEEDED. Checked every `server.diskCheckIntervalMs`. 0: off. Default 1 GiB.
   */
  readonly minFreeDiskBytes: number;
}

/**
 * How long finished jobs are kept before they are purged, by age (ms, 0..365 days) and by count
 * (jobs per queue and state, 0..100 million), whichever purges first; and how many idempotency
 * keys of purged jobs are remembered. See `JobsOptions` (src/jobs/options.ts) for why the
 * defaults are what they are.
 */
export interface RetentionConfig {
  /** Default 24 h. */
  readonly succeededMs: number;
  /** Default 24 h. */
  readonly cancelledMs: number;
  /** Default 7 days. */
  readonly deadMs: number;
  /**
   * Most succeeded jobs kept per queue; the oldest (by finish time) beyond it are purged with the
   * next replicated entry, before their age is up. Age alone leaves the state unbounded under
   * sustained load (5,000 jobs/s for 24 h is 432 million jobs). 0 keeps none. Default 10,000.
   */
  readonly maxSucceeded: number;
  /** Most cancelled jobs kept per queue, as `maxSucceeded`. Default 10,000. */
  readonly maxCancelled: number;
  /** Most dead jobs kept per queue, as `maxSucceeded`; more, as they wait for an operator. Default 100,000. */
  readonly maxDead: number;
  /**
   * Most idempotency keys of purged jobs remembered, over all queues; beyond it the keys of the
   * jobs purged longest ago are forgotten before their window ends, and a duplicate submit of a
   * forgotten key creates a new job. Default 500,000 (~140 MB at most).
   */
  readonly maxPurgedJobKeys: number;
  /** Per-queue overrides; a field left out falls back to the one above. A job's own `retentionMs` beats the ms ones. */
  readonly queues: Readonly<Record<string, QueueRetentionConfig>>;
}

/** A queue's retention overrides (ms, and jobs for the `max*` fields); an absent field falls back to `RetentionConfig`'s. */
export interface QueueRetentionConfig {
  readonly succeededMs?: number | undefined;
  readonly cancelledMs?: number | undefined;
  readonly deadMs?: number | undefined;
  readonly maxSucceeded?: number | undefined;
  readonly maxCancelled?: number | undefined;
  readonly maxDead?: number | undefined;
}

/** Job defaults applied when a submit or lease does not say. */
export interface JobsConfig {
  /** How long an idempotency key is remembered (J7), ms. Default 24 h. */
  readonly idempotencyWindowMs: number;
  /** Lease time-to-live when a worker does not ask for one, ms. Default 30000. */
  readonly defaultLeaseTtlMs: number;
  /** Attempts before a job is dead, when the submit does not say. Default 3. */
  readonly defaultMaxAttempts: number;
  /** Retention of finished jobs per terminal state and queue, by age and count; keys of purged jobs. */
  readonly retention: RetentionConfig;
}

/**
 * How a node's gRPC server watches the connections of clients and workers (the Work stream).
 * Keepalive pings notice a dead peer (a killed process whose socket was never closed, a
 * partition) within about `keepaliveTimeMs + keepaliveTimeoutMs`, so leases pushed into a dead
 * connection are noticed in seconds, not at their TTL.
 */
export interface ServerConfig {
  /**
   * How long the leader waits for a worker session whose stream broke without a goodbye (or that
   * held leases when this node became leader) to connect again before it abandons the session's
   * leases: they count as an attempt and go back to ready in their old place. 0 abandons at once.
   * Default 10000.
   */
  readonly workerConnectionGraceMs: number;
  /** Interval of the server's HTTP/2 keepalive pings on every connection, ms. Default 10000. */
  readonly keepaliveTimeMs: number;
  /** A connection whose ping is not answered within this is closed, ms. Default 5000. */
  readonly keepaliveTimeoutMs: number;
  /**
   * How often the node looks at its TLS files (CA, certificate, key) and `auth.tokensFile`, ms; a
   * change is reloaded as on SIGHUP once the files have stayed unchanged for two intervals (so a
   * certificate and key written one after the other load together; a pair that does not check
   * keeps the old one until the next change). 0: only on SIGHUP. Default 1000.
   */
  readonly fileWatchIntervalMs: number;
  /** How often the node reads its data directory's free space for `limits.minFreeDiskBytes`, ms. Default 1000. */
  readonly diskCheckIntervalMs: number;
  /**
   * How much the node's old heap may grow over what the last full garbage collection left before
   * the next, percent (V8's `--heap-growing-percent`, which `raftjobs node` sets for itself at
   * start); 0 leaves it to V8, which lets it grow up to 4 times. Default 50.
   */
  readonly heapGrowingPercent: number;
}

/**
 * Membership changes. The config's `nodes` only bootstrap a new cluster: afterwards the membership
 * is replicated state, changed with `raftjobs members add|promote|remove`.
 */
export interface MembershipConfig {
  /**
   * The leader promotes a learner (a node just added) to voter once it has caught up. Off, an
   * operator promotes it with `raftjobs members promote`. Default true.
   */
  readonly autoPromote: boolean;
}

/**
 * What each node keeps for `Jobs.Watch`: the newest job events it applied, in a ring bounded by
 * count and by estimated bytes (whichever is reached first drops the oldest). A watcher resumes
 * without a gap from any position the node still holds; an older one gets
 * WATCH_POSITION_COMPACTED. Every node keeps its own ring, from the entries it applied since it
 * started (or installed a snapshot).
 */
export interface WatchConfig {
  /** Most events kept, 1000..10,000,000. Default 100000. */
  readonly retainEvents: number;
  /** Most bytes the kept events may take (estimated), 1 MiB..4 GiB. Default 64 MiB. */
  readonly retainBytes: number;
}

/** The web dashboard every node with an `httpAddress` serves. */
export interface DashboardConfig {
  /**
   * Let the dashboard retry and cancel jobs (through the same API and validation as the CLI).
   * Off, the dashboard is read-only and its action endpoints answer 403. Default false.
   */
  readonly actionsEnabled: boolean;
}

/**
 * Who may reach a node's HTTP port. An `httpAddress` beyond loopback needs something that checks
 * the caller, `auth.enabled` (tokens) or `requireClientCertificate`, or `allowInsecureRemote`;
 * otherwise the config is refused at load. With a `tls` section the port serves HTTPS with the
 * node's certificate.
 */
export interface HttpConfig {
  /** Serve beyond loopback even though nothing checks who asks (logged as a warning). Default false. */
  readonly allowInsecureRemote: boolean;
  /**
   * Needs a `tls` section: the HTTPS port refuses a TLS handshake without a client certificate
   * from the cluster CA. The certificate grants no role: with auth on, a token is still needed.
   * Default false (none is asked for, so browsers do not prompt).
   */
  readonly requireClientCertificate: boolean;
}

/**
 * TLS on the node's gRPC port: peers authenticate each other by certificate (mutual TLS, each
 * certificate naming its node id as `raftjobs://node/<id>`), clients and workers by the CA.
 * Absent: everything is plaintext (local development only).
 */
export interface TlsConfig {
  /** Absolute path of the cluster CA certificate (PEM). Default `<certsDir>/ca.crt`. */
  readonly caFile: string;
  /** Absolute directory holding `node-<id>.crt` and `node-<id>.key` of each node. */
  readonly certsDir: string;
  /**
   * `require`: a client or worker without a certificate from the cluster CA is refused at the
   * TLS handshake. `optional` (default): one is asked for but not needed, and one that does not
   * verify counts as none. Peers always need their node certificate.
   */
  readonly clientCertificates: 'require' | 'optional';
}

/**
 * Client authentication: bearer tokens with roles (src/config/auth.ts). Peer traffic between
 * nodes is not token-checked (that is mutual TLS's job), nor is grpc.health.v1.
 */
export interface AuthConfig {
  /**
   * Every Jobs, Workers, Schedules and Admin call needs a token with the method's role (see
   * proto/jobs.proto); the dashboard's API needs one too. Default false.
   */
  readonly enabled: boolean;
  /** Tokens listed in the config itself (fixed until the node restarts). Default none. */
  readonly tokens: readonly TokenConfig[];
  /** Absolute path of the tokens file (`{ "tokens": [...] }`), reread on SIGHUP and when it changes; null when none. */
  readonly tokensFile: string | null;
  /** The tokens file's tokens as read at load time. */
  readonly fileTokens: readonly TokenConfig[];
  /** With auth on, `/metrics` needs a token with the `read` role. Default false (open). */
  readonly metricsRequireToken: boolean;
  /** With auth on, `/healthz` and `/readyz` need a token with the `read` role. Default false (open). */
  readonly healthRequireToken: boolean;
}

/**
 * A validated, deeply frozen cluster configuration, as returned by `loadConfig`.
 *
 * Every node of a cluster reads the same file; a node finds itself by id.
 */
export interface Config {
  /** Cluster id stamped on peer messages and data directories: a-z, 0-9, "-". */
  readonly clusterId: string;
  /** All members, in file order. Ids and addresses are unique. */
  readonly nodes: readonly NodeConfig[];
  /**
   * Absolute base data directory; node `id` keeps its data in `<dataDir>/<id>` (see
   * `nodeDataDir`). A relative `dataDir` in the file is resolved against the directory holding
   * the config file, never the working directory, so the same command run from anywhere opens the
   * same data: a Raft node that silently started empty elsewhere could vote twice in one term.
   * `RAFTJOBS_DATA_DIR`, being typed at a shell, resolves against the working directory.
   */
  readonly dataDir: string;
  readonly raft: RaftConfig;
  readonly limits: LimitsConfig;
  readonly jobs: JobsConfig;
  readonly server: ServerConfig;
  /** Hard deadline for an orderly shutdown, after which the process exits anyway, ms. Default 10000. */
  readonly shutdownTimeoutMs: number;
  readonly dashboard: DashboardConfig;
  readonly membership: MembershipConfig;
  readonly watch: WatchConfig;
  readonly http: HttpConfig;
  /** Absent: plaintext. */
  readonly tls?: TlsConfig;
  readonly auth: AuthConfig;
}
