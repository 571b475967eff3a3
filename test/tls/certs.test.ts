/**
 * `raftjobs certs` and the TLS checks a node runs at config load and on SIGHUP: pure functions
 * over files in a temp directory, no processes.
 */
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initCa, issueCertificate } from '../../src/cli/certs.js';
import { main } from '../../src/cli/main.js';
import { validateConfig } from '../../src/config/index.js';
import { checkNodeServer, identitiesOf, nodeIdentityProblem, readTlsMaterial } from '../../src/tls/index.js';
import { tempDir } from '../helpers/files.js';
import { baseConfig } from '../config/helpers.js';

let dir: string;
let other: string;

beforeAll(async () => {
  dir = tempDir('raftjobs-certs-');
  other = tempDir('raftjobs-certs-other-');
  await initCa(dir);
  await initCa(other);
  for (const id of ['n1', 'n2', 'n3']) await issueCertificate(dir, { who: { kind: 'node', name: id }, hosts: ['localhost', '127.0.0.1', 'node.example'] });
  await issueCertificate(dir, { who: { kind: 'client', name: 'alice' } });
  await issueCertificate(other, { who: { kind: 'node', name: 'n1' } });
});

const cert = (d: string, name: string): X509Certificate => new X509Certificate(readFileSync(join(d, name)));
const files = (d: string, id: string, ca = join(dir, 'ca.crt')) => ({ caFile: ca, certFile: join(d, `node-${id}.crt`), keyFile: join(d, `node-${id}.key`) });

describe('raftjobs certs', () => {
  it('makes a CA and signs node and client certificates naming their holder, keys 0600', () => {
    const ca = cert(dir, 'ca.crt');
    expect(ca.ca).toBe(true);
    const n1 = cert(dir, 'node-n1.crt');
    expect(n1.checkIssued(ca) && n1.verify(ca.publicKey)).toBe(true);
    expect(n1.subjectAltName).toBe('URI:raftjobs://node/n1, DNS:localhost, IP Address:127.0.0.1, DNS:node.example');
    expect(n1.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    expect(cert(dir, 'client-alice.crt').subjectAltName).toBe('URI:raftjobs://client/alice');
    expect(cert(dir, 'client-alice.crt').keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    for (const key of ['ca.key', 'node-n1.key', 'client-alice.key']) expect(statSync(join(dir, key)).mode & 0o777).toBe(0o600);
  });

  it('refuses to replace a CA, a bad name, and --host on a client certificate; and changes nothing', async () => {
    const before = readFileSync(join(dir, 'ca.crt'));
    await expect(initCa(dir)).rejects.toThrow(/exists/);
    await expect(issueCertificate(dir, { who: { kind: 'client', name: '../x' } })).rejects.toThrow(/must be 1-63/);
    await expect(issueCertificate(dir, { who: { kind: 'worker', name: 'w' }, hosts: ['h'] })).rejects.toThrow(/node certificates only/);
    expect(readFileSync(join(dir, 'ca.crt'))).toEqual(before);
  });

  it('runs as a command', async () => {
    const out: string[] = [];
    const sink = { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream;
    expect(await main(['certs', 'issue', '--dir', dir, '--worker', 'w1'], sink as never, sink as never)).toBe(0);
    expect(cert(dir, 'worker-w1.crt').subjectAltName).toBe('URI:raftjobs://worker/w1');
    expect(await main(['certs', 'issue', '--dir', dir, '--node', 'n1', '--client', 'c'], sink as never, sink as never)).toBe(2);
    expect(await main(['certs', 'issue', '--dir', join(dir, 'nowhere'), '--node', 'n1'], sink as never, sink as never)).toBe(2);
    expect(out.join('')).toMatch(/no CA in/);
  });
});

describe('TLS checks', () => {
  it('accepts a node its own files', () => {
    expect(readTlsMaterial(files(dir, 'n1'), { node: 'n1' }).ok).toBe(true);
  });

  it("reports every problem: another node's certificate, another CA, a key that does not match, a missing file", () => {
    const problems = (r: ReturnType<typeof readTlsMaterial>): string[] => (r.ok ? [] : r.problems.map((p) => `${p.field}: ${p.message}`));
    expect(problems(readTlsMaterial(files(dir, 'n2'), { node: 'n1' }))).toEqual([expect.stringMatching(/^certFile: .*names node n2; node n1 needs .*raftjobs:\/\/node\/n1/)]);
    expect(problems(readTlsMaterial(files(other, 'n1'), { node: 'n1' }))).toEqual([expect.stringMatching(/^certFile: .*not issued by the CA/)]);
    expect(problems(readTlsMaterial({ ...files(dir, 'n1'), keyFile: join(dir, 'node-n2.key') }, { node: 'n1' }))).toEqual([expect.stringMatching(/^keyFile: .*does not match/)]);
    expect(problems(readTlsMaterial({ ...files(dir, 'n1'), caFile: join(dir, 'nope.crt') }, { node: 'n1' }))).toEqual([expect.stringMatching(/^caFile: .*nope.crt: cannot read: no such file/)]);
    expect(problems(readTlsMaterial({ ...files(dir, 'n1'), caFile: join(dir, 'node-n2.crt') }, { node: 'n1' }))).toEqual([expect.stringMatching(/^caFile: .*not a CA certificate/), expect.stringMatching(/^certFile: .*not issued by the CA/)]);
    expect(problems(readTlsMaterial(files(dir, 'n1'), { node: 'n1', now: new Date(Date.now() + 400 * 86_400_000) }))).toEqual([expect.stringMatching(/^certFile: .*expired/)]);
  });

  it('reads identities from SANs and checks a server names the node dialled', () => {
    const n1 = cert(dir, 'node-n1.crt');
    expect(identitiesOf(n1.subjectAltName)).toEqual([{ kind: 'node', name: 'n1' }]);
    expect(nodeIdentityProblem({ subjectaltname: n1.subjectAltName as string }, 'n1')).toBeNull();
    expect(nodeIdentityProblem({ subjectaltname: n1.subjectAltName as string }, 'n2')).toBe('the certificate is for node n1, not n2');
    expect(nodeIdentityProblem(undefined, 'n2')).toMatch(/no verified client certificate/);
    const peer = { subjectaltname: n1.subjectAltName as string, subject: { CN: 'n1' } } as never;
    expect(checkNodeServer('n1')('127.0.0.1', peer)).toBeUndefined();
    expect(checkNodeServer('n2')('127.0.0.1', peer)?.message).toMatch(/for node n1, not n2/);
    expect(checkNodeServer(null)('10.0.0.9', peer)?.message).toMatch(/10\.0\.0\.9/);
    const alice = { subjectaltname: cert(dir, 'client-alice.crt').subjectAltName as string, subject: { CN: 'alice' } } as never;
    expect(checkNodeServer(null)('alice', alice)?.message).toMatch(/names no raftjobs node/);
  });
});

describe('config tls section', () => {
  const withTls = (tls: Record<string, unknown>) => ({ ...baseConfig(), tls });

  it('resolves paths against the config directory and checks the node files at load', () => {
    const ok = validateConfig(withTls({ certsDir: '.' }), { baseDir: dir, nodeId: 'n1' });
    expect(ok).toMatchObject({ ok: true, config: { tls: { caFile: join(dir, 'ca.crt'), certsDir: dir, clientCertificates: 'optional' } } });
  });

  it('reports a wrong node certificate, a missing CA and a bad mode, each with its path', () => {
    const copy = tempDir('raftjobs-certs-copy-');
    for (const f of ['ca.crt', 'node-n1.crt', 'node-n1.key']) copyFileSync(join(dir, f), join(copy, f));
    copyFileSync(join(dir, 'node-n1.crt'), join(copy, 'node-n2.crt'));
    copyFileSync(join(dir, 'node-n1.key'), join(copy, 'node-n2.key'));
    const r = validateConfig(withTls({ certsDir: copy, clientCertificates: 'always' }), { baseDir: dir, nodeId: 'n2' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join('\n')).toMatch(/tls.clientCertificates/);
    const r2 = validateConfig(withTls({ certsDir: copy }), { baseDir: dir, nodeId: 'n2' });
    expect(r2.ok ? [] : r2.problems).toEqual([expect.stringMatching(/^tls\.certsDir: .*node-n2\.crt: names node n1; node n2 needs/)]);
    const r3 = validateConfig(withTls({ certsDir: copy, caFile: 'missing.crt' }), { baseDir: copy });
    expect(r3.ok ? [] : r3.problems).toEqual([expect.stringMatching(/^tls\.caFile: .*missing\.crt: cannot read: no such file/)]);
    writeFileSync(join(copy, 'node-n1.key'), 'not a key');
    const r4 = validateConfig(withTls({ certsDir: copy }), { baseDir: dir, nodeId: 'n1' });
    expect(r4.ok ? [] : r4.problems).toEqual([expect.stringMatching(/node-n1\.key: not a PEM private key/)]);
  });
});
