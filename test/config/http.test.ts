/**
 * Where a node's HTTP port listens and who may reach it: a bare port or a host name listens on
 * loopback; an address other hosts can reach needs tokens or client certificates, or the config
 * says `http.allowInsecureRemote`; anything else is refused at load, naming the fix.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initCa } from '../../src/cli/certs.js';
import { hashToken, loadConfig, validateConfig, type Config } from '../../src/config/index.js';
import { tempDir } from '../helpers/files.js';
import { baseConfig } from './helpers.js';

const withHttp = (httpAddress: string, more: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...baseConfig(),
  nodes: [{ id: 'n1', address: '127.0.0.1:7001', httpAddress }],
  ...more,
});
const AUTH_ON = { auth: { enabled: true, tokens: [{ name: 'ops', hash: hashToken('rjt_x'), roles: ['admin'] }] } };

function loaded(raw: Record<string, unknown>, env: Record<string, string> = {}): { config: Config; warnings: readonly string[] } {
  const r = validateConfig(raw, { env });
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return { config: r.config, warnings: r.warnings };
}

function problems(raw: Record<string, unknown>, env: Record<string, string> = {}): readonly string[] {
  const r = validateConfig(raw, { env });
  return r.ok ? [] : r.problems;
}

describe('httpAddress', () => {
  it.each([
    ['8001', '127.0.0.1:8001', '127.0.0.1:8001'],
    ['127.0.0.1:8001', '127.0.0.1:8001', '127.0.0.1:8001'],
    ['localhost:8001', 'localhost:8001', '127.0.0.1:8001'],
    ['[::1]:8001', '[::1]:8001', '[::1]:8001'],
  ])('%s is dialled at %s and listens on %s', (text, advertised, listen) => {
    const { config, warnings } = loaded(withHttp(text));
    expect(config.nodes[0]).toMatchObject({ httpAddress: advertised, httpListen: listen });
    expect(warnings).toEqual([]);
  });

  it('a host name listens on loopback, with a warning saying how to serve other hosts', () => {
    const { config, warnings } = loaded(withHttp('node1.example.com:8001'));
    expect(config.nodes[0]).toMatchObject({ httpAddress: 'node1.example.com:8001', httpListen: '127.0.0.1:8001' });
    expect(warnings).toEqual(['nodes[0].httpAddress: node1.example.com:8001 listens on 127.0.0.1 only (a host name does not choose an interface); to serve other hosts give the IP address to bind, or 0.0.0.0']);
  });

  it('refuses ":8001", which elsewhere means every interface, and ports out of range', () => {
    expect(problems(withHttp(':8001'))).toEqual(['nodes[0].httpAddress: ":8001" names no host: give 8001 to listen on loopback only, or 0.0.0.0:8001 for every interface']);
    expect(problems(withHttp('70000'))).toEqual(['nodes[0].httpAddress: port must be 1-65535, got "70000"']);
    expect(problems(withHttp('0'))).toEqual(['nodes[0].httpAddress: port must be 1-65535, got "0"']);
  });

  it('a bare port and its loopback address are the same socket', () => {
    const raw = { ...baseConfig(), nodes: [{ id: 'n1', address: '127.0.0.1:7001', httpAddress: '8001' }, { id: 'n2', address: '127.0.0.1:7002', httpAddress: '127.0.0.1:8001' }] };
    expect(problems(raw)).toEqual(['nodes[1].httpAddress: duplicate of nodes[0].httpAddress (127.0.0.1:8001)']);
  });
});

describe('an HTTP port other hosts can reach', () => {
  it.each(['0.0.0.0:8001', '[::]:8001', '10.1.2.3:8001'])('%s with auth off and no tls is refused, naming the ways out', (text) => {
    const port = 8001;
    expect(problems(withHttp(text))).toEqual([
      `nodes[0].httpAddress: ${text} would serve every job and the dashboard to other hosts with nothing to check who asks (auth is off, no tls): ` +
        `listen on loopback (${port} or 127.0.0.1:${port}), or turn auth.enabled on; http.allowInsecureRemote: true serves it anyway`,
    ]);
  });

  it('is reported together with every other problem of the file', () => {
    expect(problems({ ...withHttp('0.0.0.0:8001'), raft: { tickMs: 0 } })).toHaveLength(2);
  });

  it('serves with auth on, or when http.allowInsecureRemote (or its variable) says so, with a warning', () => {
    expect(loaded(withHttp('0.0.0.0:8001', AUTH_ON)).config.nodes[0]?.httpListen).toBe('0.0.0.0:8001');
    const allowed = loaded(withHttp('0.0.0.0:8001', { http: { allowInsecureRemote: true } }));
    expect(allowed.config.http.allowInsecureRemote).toBe(true);
    expect(allowed.warnings).toEqual([expect.stringMatching(/^nodes\[0\]\.httpAddress: 0\.0\.0\.0:8001 is reachable from other hosts while auth is off \(allowed by http\.allowInsecureRemote\)/)]);
    const byEnv = validateConfig(withHttp('0.0.0.0:8001'), { env: { RAFTJOBS_HTTP_ALLOW_INSECURE_REMOTE: '1' } });
    expect(byEnv.ok).toBe(true);
  });

  describe('with a tls section', () => {
    let certsDir: string;
    beforeAll(async () => {
      certsDir = join(tempDir('raftjobs-http-config-'), 'certs');
      await initCa(certsDir);
    });
    const tls = (): Record<string, unknown> => ({ tls: { certsDir } });

    it('TLS alone encrypts but checks nobody: refused unless client certificates are required', () => {
      expect(problems(withHttp('0.0.0.0:8001', tls()))).toEqual([
        'nodes[0].httpAddress: 0.0.0.0:8001 would serve every job and the dashboard to other hosts with nothing to check who asks (auth is off, no client certificate is required): ' +
          'listen on loopback (8001 or 127.0.0.1:8001), or turn auth.enabled on or http.requireClientCertificate; http.allowInsecureRemote: true serves it anyway',
      ]);
      const guarded = loaded(withHttp('0.0.0.0:8001', { ...tls(), http: { requireClientCertificate: true } }));
      expect(guarded.config.http.requireClientCertificate).toBe(true);
      expect(guarded.warnings).toEqual([]);
    });
  });

  it('http.requireClientCertificate needs a tls section', () => {
    expect(problems(withHttp('8001', { http: { requireClientCertificate: true } }))).toEqual([
      'http.requireClientCertificate: needs a tls section: without one the HTTP port is plaintext and cannot ask for certificates',
    ]);
    expect(problems(baseConfig(), { RAFTJOBS_HTTP_REQUIRE_CLIENT_CERTIFICATE: 'true' })).toEqual([
      'http.requireClientCertificate (from RAFTJOBS_HTTP_REQUIRE_CLIENT_CERTIFICATE): needs a tls section: without one the HTTP port is plaintext and cannot ask for certificates',
    ]);
  });

  it('the shipped configs still load unchanged: their HTTP ports are on 127.0.0.1', () => {
    const config = loadConfig(join(import.meta.dirname, '../../cluster-configs/three-node.json'), { env: {} });
    expect(config.nodes.map((n) => n.httpListen)).toEqual(['127.0.0.1:8001', '127.0.0.1:8002', '127.0.0.1:8003']);
  });
});
