import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, CONFIG_ENV, findNode, loadConfig, nodeDataDir, peersOf, validateConfig, type ConfigEnvVar } from '../../src/config/index.js';
import { isRaftJobsError } from '../../src/errors/index.js';
import { tempDir } from '../helpers/files.js';
import { baseConfig, writeConfig } from './helpers.js';

const REPO = resolve(import.meta.dirname, '../..');

describe('shipped cluster configs', () => {
  it('three-node.json validates: local cluster on 7001-7003, data in <repo>/data', () => {
    const warnings: string[] = [];
    const config = loadConfig(join(REPO, 'cluster-configs/three-node.json'), { env: {}, onWarning: (w) => warnings.push(w) });
    expect(config.clusterId).toBe('local');
    expect(config.nodes.map((n) => [n.id, n.address, n.httpAddress])).toEqual([
      ['n1', '127.0.0.1:7001', '127.0.0.1:8001'],
      ['n2', '127.0.0.1:7002', '127.0.0.1:8002'],
      ['n3', '127.0.0.1:7003', '127.0.0.1:8003'],
    ]);
    expect(config.dataDir).toBe(join(REPO, 'data'));
    expect(warnings).toEqual([]);
  });

  it('five-node.json validates: 7101-7105, data in <repo>/data-5', () => {
    const warnings: string[] = [];
    const config = loadConfig(join(REPO, 'cluster-configs/five-node.json'), { env: {}, onWarning: (w) => warnings.push(w) });
    expect(config.nodes.map((n) => n.address)).toEqual(['127.0.0.1:7101', '127.0.0.1:7102', '127.0.0.1:7103', '127.0.0.1:7104', '127.0.0.1:7105']);
    expect(config.nodes.map((n) => n.httpAddress)).toEqual(['127.0.0.1:8101', '127.0.0.1:8102', '127.0.0.1:8103', '127.0.0.1:8104', '127.0.0.1:8105']);
    expect(config.dataDir).toBe(join(REPO, 'data-5'));
    expect(warnings).toEqual([]);
  });
});

describe('loadConfig', () => {
  it('applies defaults and derives millisecond timings', () => {
    const config = loadConfig(writeConfig(baseConfig()), { env: {} });
    expect(config.raft).toEqual({
      ...CONFIG_DEFAULTS.raft,
      electionTimeoutMinMs: 500,
      electionTimeoutMaxMs: 1000,
      heartbeatIntervalMs: 100,
    });
    // The largest entry is not set by default: it is the append budget.
    expect(config.limits).toEqual({ ...CONFIG_DEFAULTS.limits, maxEntryBytes: CONFIG_DEFAULTS.raft.maxAppendBytes });
    expect(config.jobs).toEqual(CONFIG_DEFAULTS.jobs);
    expect(config.server).toEqual({ workerConnectionGraceMs: 10_000, keepaliveTimeMs: 10_000, keepaliveTimeoutMs: 5_000, fileWatchIntervalMs: 1000, diskCheckIntervalMs: 1000, heapGrowingPercent: 50 });
    expect(config.http).toEqual({ allowInsecureRemote: false, requireClientCertificate: false });
    expect(config.watch).toEqual({ retainEvents: 100_000, retainBytes: 64 * 1024 * 1024 });
    expect(config.shutdownTimeoutMs).toBe(10_000);
    expect(config.nodes[0]).toEqual({ id: 'n1', address: '127.0.0.1:7001' });
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig(writeConfig(baseConfig()), { env: {} });
    for (const part of [config, config.nodes, config.nodes[0], config.raft, config.limits, config.jobs]) expect(Object.isFrozen(part)).toBe(true);
    expect(() => {
      (config.raft as { tickMs: number }).tickMs = 1;
    }).toThrow(TypeError);
  });

  it('resolves a relative dataDir against the config file, whatever the working directory', () => {
    const path = writeConfig({ ...baseConfig(), dataDir: 'state/here' });
    const elsewhere = tempDir('raftjobs-cwd-');
    expect(loadConfig(path, { env: {}, cwd: elsewhere }).dataDir).toBe(join(dirname(path), 'state/here'));
    expect(loadConfig(path, { env: {}, cwd: '/' }).dataDir).toBe(join(dirname(path), 'state/here'));
  });

  it('resolves a relative config path against cwd', () => {
    const path = writeConfig(baseConfig(), 'c.json');
    expect(loadConfig('c.json', { env: {}, cwd: dirname(path) }).clusterId).toBe('test');
  });

  it('accepts its own node id when listed', () => {
    expect(loadConfig(writeConfig(baseConfig()), { env: {}, nodeId: 'n2' }).clusterId).toBe('test');
  });

  it('reports doubtful settings as warnings, not problems', () => {
    const raw = { ...baseConfig(), nodes: [{ id: 'a', address: 'a:1' }, { id: 'b', address: 'b:1' }], jobs: { defaultLeaseTtlMs: 200 } };
    const result = validateConfig(raw);
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      'nodes: 2 nodes tolerate no more failures than 1 (quorum 2); an odd count is recommended',
      'jobs.defaultLeaseTtlMs: 200 ms is shorter than the longest election timeout (1000 ms); leases will lapse across failovers',
    ]);
  });

  it('warns of backlog caps that a whole submit or a single job could never fit under', () => {
    const raw = { ...baseConfig(), limits: { maxBatchSize: 100, maxBacklogJobs: 50, maxPayloadBytes: 4096, maxBacklogPayloadBytes: 1024 } };
    const result = validateConfig(raw);
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      'limits.maxBacklogJobs: 50 is below limits.maxBatchSize (100): a submit of more than 50 jobs is always refused',
      'limits.maxBacklogPayloadBytes: 1024 is below limits.maxPayloadBytes (4096): a job with a payload over 1024 bytes is always refused',
    ]);
    expect(validateConfig({ ...baseConfig(), limits: { maxBacklogJobs: 1000, maxBacklogPayloadBytes: 1024 * 1024 } }).warnings).toEqual([]);
  });
});

describe('environment overrides', () => {
  it('override file values and defaults', () => {
    const path = writeConfig({ ...baseConfig(), raft: { tickMs: 10 } });
    const config = loadConfig(path, {
      env: { RAFTJOBS_TICK_MS: '25', RAFTJOBS_PRE_VOTE: 'false', RAFTJOBS_CLUSTER_ID: 'other', RAFTJOBS_UNRELATED: 'x' },
    });
    expect(config.raft.tickMs).toBe(25);
    expect(config.raft.electionTimeoutMinMs).toBe(250);
    expect(config.raft.preVote).toBe(false);
    expect(config.clusterId).toBe('other');
  });

  it('resolve a relative RAFTJOBS_DATA_DIR against the working directory', () => {
    const path = writeConfig(baseConfig());
    expect(loadConfig(path, { env: { RAFTJOBS_DATA_DIR: 'mine' }, cwd: '/srv' }).dataDir).toBe('/srv/mine');
    expect(loadConfig(path, { env: { RAFTJOBS_DATA_DIR: '/abs/dir' } }).dataDir).toBe('/abs/dir');
  });

  it('name the variable in problems', () => {
    const result = validateConfig(baseConfig(), { env: { RAFTJOBS_TICK_MS: 'fast', RAFTJOBS_CHECK_QUORUM: 'maybe', RAFTJOBS_MAX_BATCH_SIZE: '0' } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'raft.tickMs (from RAFTJOBS_TICK_MS): expected number, got "fast"',
      'raft.checkQuorum (from RAFTJOBS_CHECK_QUORUM): expected boolean, got "maybe"',
      'limits.maxBatchSize (from RAFTJOBS_MAX_BATCH_SIZE): must be at least 1, got 0',
    ]);
  });

  const samples: Record<ConfigEnvVar, [string, (c: ReturnType<typeof loadConfig>) => unknown, unknown]> = {
    RAFTJOBS_CLUSTER_ID: ['prod-1', (c) => c.clusterId, 'prod-1'],
    RAFTJOBS_DATA_DIR: ['/var/lib/raftjobs', (c) => c.dataDir, '/var/lib/raftjobs'],
    RAFTJOBS_TICK_MS: ['20', (c) => c.raft.tickMs, 20],
    RAFTJOBS_ELECTION_TICKS: ['30', (c) => c.raft.electionTicks, 30],
    RAFTJOBS_HEARTBEAT_TICKS: ['3', (c) => c.raft.heartbeatTicks, 3],
    RAFTJOBS_MAX_APPEND_ENTRIES: ['64', (c) => c.raft.maxAppendEntries, 64],
    RAFTJOBS_MAX_APPEND_BYTES: ['4194304', (c) => c.raft.maxAppendBytes, 4194304],
    RAFTJOBS_MAX_INFLIGHT: ['8', (c) => c.raft.maxInflight, 8],
    RAFTJOBS_PRE_VOTE: ['0', (c) => c.raft.preVote, false],
    RAFTJOBS_CHECK_QUORUM: ['FALSE', (c) => c.raft.checkQuorum, false],
    RAFTJOBS_SNAPSHOT_ENTRIES: ['500', (c) => c.raft.snapshotEntries, 500],
    RAFTJOBS_SNAPSHOT_TAIL_ENTRIES: ['10', (c) => c.raft.snapshotTailEntries, 10],
    RAFTJOBS_SNAPSHOT_BYTES: ['1048576', (c) => c.raft.snapshotBytes, 1048576],
    RAFTJOBS_MAX_PAYLOAD_BYTES: ['1024', (c) => c.limits.maxPayloadBytes, 1024],
    RAFTJOBS_MAX_RESULT_BYTES: ['2048', (c) => c.limits.maxResultBytes, 2048],
    RAFTJOBS_MAX_ENTRY_BYTES: ['1572864', (c) => c.limits.maxEntryBytes, 1572864],
    RAFTJOBS_MAX_PEER_MESSAGE_BYTES: ['16777216', (c) => c.limits.maxPeerMessageBytes, 16777216],
    RAFTJOBS_MAX_BATCH_SIZE: ['50', (c) => c.limits.maxBatchSize, 50],
    RAFTJOBS_MAX_QUEUE_NAME_LENGTH: ['64', (c) => c.limits.maxQueueNameLength, 64],
    RAFTJOBS_MAX_KEY_LENGTH: ['100', (c) => c.limits.maxKeyLength, 100],
    RAFTJOBS_MAX_BACKLOG_JOBS: ['100000', (c) => c.limits.maxBacklogJobs, 100000],
    RAFTJOBS_MAX_BACKLOG_PAYLOAD_BYTES: ['1073741824', (c) => c.limits.maxBacklogPayloadBytes, 1073741824],
    RAFTJOBS_MIN_FREE_DISK_BYTES: ['0', (c) => c.limits.minFreeDiskBytes, 0],
    RAFTJOBS_IDEMPOTENCY_WINDOW_MS: ['60000', (c) => c.jobs.idempotencyWindowMs, 60000],
    RAFTJOBS_DEFAULT_LEASE_TTL_MS: ['5000', (c) => c.jobs.defaultLeaseTtlMs, 5000],
    RAFTJOBS_DEFAULT_MAX_ATTEMPTS: ['7', (c) => c.jobs.defaultMaxAttempts, 7],
    RAFTJOBS_SUCCEEDED_RETENTION_MS: ['0', (c) => c.jobs.retention.succeededMs, 0],
    RAFTJOBS_CANCELLED_RETENTION_MS: ['1000', (c) => c.jobs.retention.cancelledMs, 1000],
    RAFTJOBS_DEAD_RETENTION_MS: ['3600000', (c) => c.jobs.retention.deadMs, 3600000],
    RAFTJOBS_MAX_SUCCEEDED_JOBS: ['500', (c) => c.jobs.retention.maxSucceeded, 500],
    RAFTJOBS_MAX_CANCELLED_JOBS: ['0', (c) => c.jobs.retention.maxCancelled, 0],
    RAFTJOBS_MAX_DEAD_JOBS: ['2000', (c) => c.jobs.retention.maxDead, 2000],
    RAFTJOBS_MAX_PURGED_JOB_KEYS: ['50000', (c) => c.jobs.retention.maxPurgedJobKeys, 50000],
    RAFTJOBS_WORKER_CONNECTION_GRACE_MS: ['0', (c) => c.server.workerConnectionGraceMs, 0],
    RAFTJOBS_KEEPALIVE_TIME_MS: ['500', (c) => c.server.keepaliveTimeMs, 500],
    RAFTJOBS_KEEPALIVE_TIMEOUT_MS: ['250', (c) => c.server.keepaliveTimeoutMs, 250],
    RAFTJOBS_SHUTDOWN_TIMEOUT_MS: ['2500', (c) => c.shutdownTimeoutMs, 2500],
    RAFTJOBS_DASHBOARD_ACTIONS: ['true', (c) => c.dashboard.actionsEnabled, true],
    RAFTJOBS_AUTO_PROMOTE: ['false', (c) => c.membership.autoPromote, false],
    RAFTJOBS_WATCH_RETAIN_EVENTS: ['5000', (c) => c.watch.retainEvents, 5000],
    RAFTJOBS_WATCH_RETAIN_BYTES: ['2097152', (c) => c.watch.retainBytes, 2_097_152],
    RAFTJOBS_FILE_WATCH_INTERVAL_MS: ['0', (c) => c.server.fileWatchIntervalMs, 0],
    RAFTJOBS_HEAP_GROWING_PERCENT: ['0', (c) => c.server.heapGrowingPercent, 0],
    RAFTJOBS_DISK_CHECK_INTERVAL_MS: ['5000', (c) => c.server.diskCheckIntervalMs, 5000],
    RAFTJOBS_HTTP_ALLOW_INSECURE_REMOTE: ['true', (c) => c.http.allowInsecureRemote, true],
    // On, it needs a tls section (a config problem without one).
    RAFTJOBS_HTTP_REQUIRE_CLIENT_CERTIFICATE: ['false', (c) => c.http.requireClientCertificate, false],
    // On, auth needs tokens (a config problem without any); off is what a deployment's variable would override to.
    RAFTJOBS_AUTH_ENABLED: ['false', (c) => c.auth.enabled, false],
    RAFTJOBS_METRICS_REQUIRE_TOKEN: ['true', (c) => c.auth.metricsRequireToken, true],
    RAFTJOBS_HEALTH_REQUIRE_TOKEN: ['true', (c) => c.auth.healthRequireToken, true],
  };

  it('covers every documented variable', () => {
    expect(Object.keys(samples).sort()).toEqual(Object.keys(CONFIG_ENV).sort());
  });

  it.each(Object.entries(samples))('%s sets its field', (name, [value, read, expected]) => {
    expect(read(loadConfig(writeConfig(baseConfig()), { env: { [name]: value } }))).toEqual(expected);
  });
});

describe('node helpers', () => {
  const config = loadConfig(writeConfig(baseConfig()), { env: {} });

  it('nodeDataDir is <dataDir>/<id>', () => {
    expect(nodeDataDir(config, 'n3')).toBe(join(config.dataDir, 'n3'));
  });

  it('peersOf maps every other node id to its address', () => {
    expect([...peersOf(config, 'n2')]).toEqual([
      ['n1', '127.0.0.1:7001'],
      ['n3', '127.0.0.1:7003'],
    ]);
  });

  it('unknown ids throw CONFIG_INVALID', () => {
    expect(findNode(config, 'n1').address).toBe('127.0.0.1:7001');
    for (const call of [() => findNode(config, 'n9'), () => nodeDataDir(config, 'n9'), () => peersOf(config, 'n9')]) {
      expect(call).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }) as Error);
    }
    try {
      findNode(config, 'n9');
    } catch (err) {
      expect(isRaftJobsError(err, 'CONFIG_INVALID') && err.message).toContain('"n9"');
    }
  });
});
