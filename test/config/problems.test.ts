import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseHostPort, validateConfig } from '../../src/config/index.js';
import { isRaftJobsError, type RaftJobsError } from '../../src/errors/index.js';
import { tempDir } from '../helpers/files.js';
import { baseConfig, writeConfig } from './helpers.js';

/** Loads `content` from a temp file and returns the CONFIG_INVALID error it must raise. */
function loadError(content: unknown, options: { nodeId?: string; env?: Record<string, string> } = {}): { path: string; err: RaftJobsError } {
  const path = writeConfig(content);
  try {
    loadConfig(path, { env: options.env ?? {}, ...(options.nodeId === undefined ? {} : { nodeId: options.nodeId }) });
  } catch (err) {
    if (isRaftJobsError(err, 'CONFIG_INVALID')) return { path, err };
    throw err;
  }
  throw new Error('expected CONFIG_INVALID');
}

function problemsOf(content: unknown, options: { nodeId?: string; env?: Record<string, string> } = {}): readonly string[] {
  const { path, err } = loadError(content, options);
  expect(err.message.startsWith(`${path}: invalid config`)).toBe(true);
  expect(err.details.path).toBe(path);
  for (const p of err.details.problems ?? []) expect(err.message).toContain(p);
  return err.details.problems ?? [];
}

const nodes = (...addresses: [string, string][]) => addresses.map(([id, address]) => ({ id, address }));

describe('CONFIG_INVALID lists every problem with its path', () => {
  it('duplicate node ids', () => {
    expect(problemsOf({ ...baseConfig(), nodes: nodes(['n1', 'h:1'], ['n2', 'h:2'], ['n1', 'h:3'], ['n2', 'h:4']) })).toEqual([
      'nodes[2].id: duplicate of nodes[0].id ("n1")',
      'nodes[3].id: duplicate of nodes[1].id ("n2")',
    ]);
  });

  it('duplicate addresses, across address and httpAddress, ignoring host case', () => {
    const raw = {
      ...baseConfig(),
      nodes: [
        { id: 'n1', address: '127.0.0.1:7001', httpAddress: '127.0.0.1:8001' },
        { id: 'n2', address: '127.0.0.1:7001' },
        { id: 'n3', address: 'HOST:1', httpAddress: '127.0.0.1:8001' },
        { id: 'n4', address: 'host:1' },
      ],
    };
    expect(problemsOf(raw)).toEqual([
      'nodes[1].address: duplicate of nodes[0].address (127.0.0.1:7001)',
      'nodes[2].httpAddress: duplicate of nodes[0].httpAddress (127.0.0.1:8001)',
      'nodes[3].address: duplicate of nodes[2].address (host:1)',
    ]);
  });

  it('bad addresses', () => {
    const raw = {
      ...baseConfig(),
      nodes: [
        { id: 'a', address: '127.0.0.1' },
        { id: 'b', address: '127.0.0.1:0' },
        { id: 'c', address: 'host:99999' },
        { id: 'd', address: '::1:7001' },
        { id: 'e', address: '0.0.0.0:7001', httpAddress: '0.0.0.0:8001' },
        { id: 'f', address: 'bad_host:1', httpAddress: ':80' },
        { id: 'g', address: '300.1.1.1:1' },
      ],
    };
    expect(problemsOf(raw)).toEqual([
      'nodes[0].address: expected "host:port", got "127.0.0.1"',
      'nodes[1].address: port must be 1-65535, got "0"',
      'nodes[2].address: port must be 1-65535, got "99999"',
      'nodes[3].address: IPv6 hosts need brackets ("[::1]:7001")',
      'nodes[4].address: 0.0.0.0 cannot be dialled by peers and clients; use a concrete host',
      'nodes[5].address: "bad_host" is not a valid host name or IPv4 address',
      'nodes[5].httpAddress: ":80" names no host: give 80 to listen on loopback only, or 0.0.0.0:80 for every interface',
      'nodes[6].address: "300.1.1.1" is not a valid host name or IPv4 address',
      expect.stringMatching(/^nodes\[4\]\.httpAddress: 0\.0\.0\.0:8001 would serve every job and the dashboard to other hosts/),
    ]);
  });

  it('heartbeat not well below election timeout', () => {
    expect(problemsOf({ ...baseConfig(), raft: { electionTicks: 10, heartbeatTicks: 10 } })).toEqual([
      'raft.heartbeatTicks: must be at most raft.electionTicks / 3 (electionTicks 10, heartbeatTicks 10): a follower would campaign after one late heartbeat',
    ]);
    expect(problemsOf({ ...baseConfig(), raft: { heartbeatTicks: 4 } })).toHaveLength(1);
    expect(validateConfig({ ...baseConfig(), raft: { electionTicks: 9, heartbeatTicks: 3 } }).ok).toBe(true);
  });

  it('missing or empty nodes', () => {
    const { nodes: _omit, ...noNodes } = baseConfig();
    expect(problemsOf(noNodes)).toEqual(['nodes: required']);
    expect(problemsOf({ ...baseConfig(), nodes: [] })).toEqual(['nodes: must have at least 1 entry']);
  });

  it('own node id not listed', () => {
    expect(problemsOf(baseConfig(), { nodeId: 'n9' })).toEqual(['nodes: own node id "n9" is not listed (ids: n1, n2, n3)']);
  });

  it('wrong types, unknown fields and bad ids', () => {
    const raw = {
      clusterId: 'Local_1',
      dataDir: 5,
      nodes: [{ id: 1, address: 7001 }, 'n2', { id: '../n3', address: 'h:3', port: 3 }],
      raft: { tickMs: '50', electionTicks: 10.5, preVote: 'yes', tickMS: 50 },
      limits: [],
      jobs: { defaultMaxAttempts: 0 },
      shutdownTimeoutMs: null,
      extra: true,
    };
    expect(problemsOf(raw)).toEqual([
      'clusterId: must be 1-63 of a-z, 0-9 and "-", starting with a letter or digit',
      'nodes[0].id: expected string, got 1',
      'nodes[0].address: expected string, got 7001',
      'nodes[1]: expected object, got "n2"',
      'nodes[2].id: must be 1-63 letters, digits, "-" or "_", starting with a letter or digit',
      'nodes[2].port: unknown field',
      'dataDir: expected string, got 5',
      'raft.tickMs: expected number, got "50"',
      'raft.electionTicks: expected an integer, got 10.5',
      'raft.preVote: expected boolean, got "yes"',
      'raft.tickMS: unknown field; did you mean "tickMs"?',
      'limits: expected object, got an array',
      'jobs.defaultMaxAttempts: must be at least 1, got 0',
      'shutdownTimeoutMs: expected number, got null',
      'extra: unknown field',
    ]);
  });

  it('watch bounds out of range', () => {
    const raw = { clusterId: 'c', dataDir: 'd', nodes: [{ id: 'n1', address: '127.0.0.1:7001' }], watch: { retainEvents: 10, retainBytes: 1024, keep: 1 } };
    expect(problemsOf(raw)).toEqual([
      'watch.retainEvents: must be at least 1000, got 10',
      'watch.retainBytes: must be at least 1048576, got 1024',
      'watch.keep: unknown field',
    ]);
  });

  it('a misspelt field names the field it is closest to, at its own level', () => {
    const raw = {
      ...baseConfig(),
      nodes: [{ id: 'n1', adress: '127.0.0.1:7001' }],
      raft: { tickMss: 50, electionTick: 10, prevote: true },
      jobs: { retention: { queues: { email: { succededMs: 1000 } } } },
      dataDri: './d',
      zzz: 1,
    };
    expect(problemsOf(raw)).toEqual([
      'nodes[0].address: required',
      'nodes[0].adress: unknown field; did you mean "address"?',
      'raft.tickMss: unknown field; did you mean "tickMs"?',
      'raft.electionTick: unknown field; did you mean "electionTicks"?',
      'raft.prevote: unknown field; did you mean "preVote"?',
      'jobs.retention.queues.email.succededMs: unknown field; did you mean "succeededMs"?',
      'dataDri: unknown field; did you mean "dataDir"?',
      'zzz: unknown field',
    ]);
  });

  it('per-field and cross-field problems together, env-sourced ones named', () => {
    const raw = { ...baseConfig(), clusterId: '', nodes: nodes(['n1', 'h:1'], ['n1', 'h:1']), raft: { heartbeatTicks: 5 } };
    expect(problemsOf(raw, { nodeId: 'n4', env: { RAFTJOBS_MAX_APPEND_BYTES: '2048', RAFTJOBS_DATA_DIR: '' } })).toEqual([
      'clusterId: must be 1-63 of a-z, 0-9 and "-", starting with a letter or digit',
      'dataDir (from RAFTJOBS_DATA_DIR): must not be empty',
      'nodes[1].id: duplicate of nodes[0].id ("n1")',
      'nodes[1].address: duplicate of nodes[0].address (h:1)',
      'nodes: own node id "n4" is not listed (ids: n1, n1)',
      'raft.heartbeatTicks: must be at most raft.electionTicks / 3 (electionTicks 10, heartbeatTicks 5): a follower would campaign after one late heartbeat',
      'raft.maxAppendBytes (from RAFTJOBS_MAX_APPEND_BYTES): must be at least 1051304, got 2048 (it is also limits.maxEntryBytes when that is not set): ' +
        'one job of limits.maxPayloadBytes (1048576) with its queue name, idempotency key, group key and unique key takes up to 1051304 bytes as a log entry; ' +
        'a completion with a result of limits.maxResultBytes (1048576) takes up to 1048864 bytes as a log entry; ' +
        'a heartbeat of limits.maxBatchSize (1000) leases takes up to 208064 bytes as a log entry',
    ]);
  });

  it('top level not an object', () => {
    expect(problemsOf([baseConfig()])).toEqual(['(root): expected object, got an array']);
  });
});

describe('unreadable or malformed files', () => {
  it('a missing file names the path', () => {
    const path = join(tempDir('raftjobs-config-'), 'absent.json');
    expect(() => loadConfig(path, { env: {} })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(new RegExp(`^${path}: `)) as string, details: { path, problems: ['(file): cannot read: no such file'] } }) as Error,
    );
  });

  it('a directory is unreadable', () => {
    const dir = tempDir('raftjobs-config-');
    expect(() => loadConfig(dir, { env: {} })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(`${dir}: invalid config`) as string }) as Error);
  });

  it.skipIf(process.getuid?.() === 0)('a file without read permission is unreadable', () => {
    const path = writeConfig(baseConfig());
    chmodSync(path, 0o000);
    expect(() => loadConfig(path, { env: {} })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }) as Error);
  });

  it('invalid JSON names the path (and the position when the parser gives one)', () => {
    const { path, err } = loadError('{\n  "clusterId": "x",\n  oops\n}');
    expect(err.message.startsWith(`${path}: invalid config (1 problem)`)).toBe(true);
    expect(err.details.problems).toEqual([expect.stringMatching(/^\(file\): not valid JSON \(line 3, column 3\): /)]);
    expect(loadError('').err.details.problems).toEqual([expect.stringMatching(/^\(file\): not valid JSON/)]);
  });
});

describe('parseHostPort', () => {
  it.each([
    ['127.0.0.1:7001', { host: '127.0.0.1', port: 7001 }],
    ['localhost:1', { host: 'localhost', port: 1 }],
    ['node-1.example.com:65535', { host: 'node-1.example.com', port: 65535 }],
    ['[::1]:7001', { host: '::1', port: 7001 }],
  ])('accepts %s', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });

  it.each(['', 'host', 'host:', 'host:-1', 'host:1.5', '[::1]', '[nope]:1', '-bad:1', 'a b:1'])('rejects %j', (text) => {
    expect(typeof parseHostPort(text)).toBe('string');
  });
});
