import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bearerToken, generateToken, hashToken, hasRole, loadConfig, TokenTable, validateConfig, type Role } from '../../src/config/index.js';
import { adminServices, jobsServices } from '../../src/protocol/index.js';
import { METHOD_ROLES, requiredRole } from '../../src/server/auth.js';
import { baseConfig, writeConfig } from './helpers.js';

const entry = (name: string, token: string, roles: Role[]) => ({ name, hash: hashToken(token), roles });

describe('tokens', () => {
  it('are rjt_ and 32 random bytes, base64url; the stored form is their SHA-256', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a).toMatch(/^rjt_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(4), 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(hashToken(a)).toBe(`sha256:${createHash('sha256').update(a).digest('hex')}`);
  });

  it('a table knows its holders by token, and nothing else', () => {
    const [read, admin] = [generateToken(), generateToken()];
    const table = new TokenTable([entry('ci', read, ['read']), entry('ops', admin, ['admin'])]);
    expect(table.authenticate(read)).toEqual({ name: 'ci', roles: ['read'] });
    expect(table.authenticate(admin)?.name).toBe('ops');
    expect(table.authenticate(generateToken())).toBeNull();
    expect(table.authenticate(hashToken(read))).toBeNull();
    expect(table.authenticate('')).toBeNull();
  });

  it('admin may do everything; other roles only their own', () => {
    expect(hasRole({ name: 'a', roles: ['admin'] }, 'work')).toBe(true);
    expect(hasRole({ name: 'r', roles: ['read'] }, 'read')).toBe(true);
    expect(hasRole({ name: 'r', roles: ['read', 'work'] }, 'submit')).toBe(false);
  });

  it('bearerToken reads "Bearer <token>" only', () => {
    expect(bearerToken('Bearer rjt_x')).toBe('rjt_x');
    expect(bearerToken('bearer  rjt_x ')).toBe('rjt_x');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe('every method of the client services needs a role', () => {
  const services = [jobsServices().Jobs, jobsServices().Workers, jobsServices().Schedules, jobsServices().Queues, adminServices().Admin];
  const paths = services.flatMap((s) => Object.values(s.service).map((m) => m.path));
  it.each(paths)('%s', (path) => {
    expect(METHOD_ROLES[path]).toBeDefined();
  });
  it('the table names no method that does not exist', () => {
    expect(Object.keys(METHOD_ROLES).sort()).toEqual([...paths].sort());
  });
  it('peers and health stay open; an unknown method of a guarded service needs admin', () => {
    expect(requiredRole('/raftjobs.raft.v1.Raft/Append')).toBeNull();
    expect(requiredRole('/grpc.health.v1.Health/Check')).toBeNull();
    expect(requiredRole('/raftjobs.jobs.v1.Jobs/Nope')).toBe('admin');
  });
});

describe('config: auth', () => {
  it('is off by default, with metrics and health open', () => {
    const r = validateConfig(baseConfig());
    expect(r.ok && r.config.auth).toEqual({ enabled: false, tokens: [], tokensFile: null, fileTokens: [], metricsRequireToken: false, healthRequireToken: false });
  });

  it('takes inline tokens and a tokens file relative to the config', () => {
    const tokensPath = writeConfig({ tokens: [entry('worker', 'w', ['work'])] }, 'tokens.json');
    const path = writeConfig({ ...baseConfig(), auth: { enabled: true, tokens: [entry('ci', 'c', ['submit', 'read'])], tokensFile: tokensPath } });
    const config = loadConfig(path, { env: {} });
    expect(config.auth.tokens.map((t) => t.name)).toEqual(['ci']);
    expect(config.auth.fileTokens.map((t) => t.name)).toEqual(['worker']);
    expect(config.auth.tokensFile).toBe(tokensPath);
    expect(dirname(tokensPath)).not.toBe(dirname(path));
  });

  it('reports every problem at once', () => {
    const r = validateConfig({
      ...baseConfig(),
      auth: {
        enabled: true,
        tokens: [
          { name: 'bad name', hash: 'abc', roles: ['root'] },
          entry('dup', 'x', ['read']),
          entry('dup', 'y', ['read']),
        ],
        metricsRequireToken: 'yes',
      },
    });
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.problems.join('\n');
    expect(text).toMatch(/auth\.tokens\[0\]\.name: must be 1-64/);
    expect(text).toMatch(/auth\.tokens\[0\]\.hash: must be "sha256:"/);
    expect(text).toMatch(/auth\.tokens\[0\]\.roles\[0\]/);
    expect(text).toMatch(/auth\.metricsRequireToken: expected boolean/);
  });

  it('refuses duplicate names, auth on without tokens, and an unreadable tokens file', () => {
    const dup = validateConfig({ ...baseConfig(), auth: { tokens: [entry('a', 'x', ['read']), entry('a', 'y', ['read'])] } });
    expect(dup.ok ? [] : dup.problems).toEqual([expect.stringMatching(/^auth\.tokens: token name "a" is given twice/)]);
    const none = validateConfig({ ...baseConfig(), auth: { enabled: true } });
    expect(none.ok ? [] : none.problems).toEqual([expect.stringMatching(/^auth\.enabled: auth is on but no token is configured/)]);
    const missing = validateConfig({ ...baseConfig(), auth: { enabled: true, tokensFile: 'nope.json' } }, { baseDir: '/nonexistent-dir' });
    expect(missing.ok ? [] : missing.problems).toEqual([expect.stringMatching(/^auth\.tokensFile: cannot read \/nonexistent-dir\/nope\.json: no such file/)]);
    const badFile = writeConfig({ tokens: [{ name: 'x', hash: 'sha256:00', roles: ['read'] }] }, 'tokens.json');
    const bad = validateConfig({ ...baseConfig(), auth: { tokensFile: badFile } });
    expect(bad.ok ? [] : bad.problems).toEqual([expect.stringContaining('tokens.0.hash: must be "sha256:"')]);
  });

  it('warns when a dashboard binds beyond loopback while auth is off and http.allowInsecureRemote allows it', () => {
    const nodes = [{ id: 'n1', address: '127.0.0.1:7001', httpAddress: '0.0.0.0:8001' }];
    const off = validateConfig({ ...baseConfig(), nodes, http: { allowInsecureRemote: true } });
    expect(off.warnings).toEqual([expect.stringMatching(/^nodes\[0\]\.httpAddress: 0\.0\.0\.0:8001 is reachable from other hosts while auth is off/)]);
    const on = validateConfig({ ...baseConfig(), nodes, auth: { enabled: true, tokens: [entry('a', 'x', ['read'])] } });
    expect(on.warnings).toEqual([]);
    expect(validateConfig({ ...baseConfig(), nodes: [{ id: 'n1', address: '127.0.0.1:7001', httpAddress: '127.0.0.1:8001' }] }).warnings).toEqual([]);
  });
});
