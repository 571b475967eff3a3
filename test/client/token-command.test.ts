import { describe, expect, it } from 'vitest';
import { hashToken, validateConfig } from '../../src/config/index.js';
import { Client, Worker } from '../../src/index.js';
import { runMain as run } from './in-process-cli.js';

describe('raftjobs token create', () => {
  it('prints a new token once, and the entry (its hash) the config takes', async () => {
    const r = await run(['token', 'create', '--name', 'ci', '--roles', 'submit,read', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { token, entry } = JSON.parse(r.stdout) as { token: string; entry: { name: string; hash: string; roles: string[] } };
    expect(token).toMatch(/^rjt_[A-Za-z0-9_-]{43}$/);
    expect(entry).toEqual({ name: 'ci', hash: hashToken(token), roles: ['submit', 'read'] });
    const config = { clusterId: 't', dataDir: './d', nodes: [{ id: 'n1', address: '127.0.0.1:7001' }], auth: { enabled: true, tokens: [entry] } };
    expect(validateConfig(config).ok).toBe(true);
    const text = await run(['token', 'create', '--name', 'ci', '--roles', 'admin']);
    expect(text.stdout).toMatch(/^token: rjt_\S+\n/);
    expect(text.stdout).toContain('{"name":"ci","hash":"sha256:');
    expect(text.stdout).not.toContain(token);
  });

  it('refuses an unknown role, a bad name, or no subcommand (exit 2)', async () => {
    const role = await run(['token', 'create', '--name', 'ci', '--roles', 'read,root']);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('unknown: root');
    expect((await run(['token', 'create', '--name', 'c i', '--roles', 'read'])).code).toBe(2);
    expect((await run(['token', '--name', 'ci', '--roles', 'read'])).stderr).toContain('expected the subcommand create');
  });
});

describe('the SDK token option', () => {
  it('refuses a token that cannot be a header value', () => {
    for (const token of ['', 'has space', 'tab\there', 'é']) {
      expect(() => new Client({ nodes: ['127.0.0.1:1'], token })).toThrow(/token: must be a non-empty string/);
      expect(() => new Worker({ nodes: ['127.0.0.1:1'], queues: ['q'], concurrency: 1, handler: () => Promise.resolve(null), token })).toThrow(/token: must be/);
    }
    new Client({ nodes: ['127.0.0.1:1'], token: 'rjt_abc' }).close();
  });
});
