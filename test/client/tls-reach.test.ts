/**
 * How the SDK names a TLS handshake that failed, against real gRPC servers with node credentials
 * on loopback: each mismatch gives INVALID_ARGUMENT at once, with `details.tls` and every address,
 * nodes failing alike named together; one grpc-js words only as "Failed to connect" is told apart
 * by a handshake of the SDK's own. (The same against a real cluster, through the CLI, is in
 * test/integration/tls.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCa, issueCertificate } from '../../src/cli/certs.js';
import { Client, clientCredentials, type ClientTls } from '../../src/client/index.js';
import { ErrorCode, isRaftJobsError, TlsMismatch } from '../../src/errors/index.js';
import { nodeServerCredentials, nodeTlsFiles, readTlsMaterial, ReloadableCertificates } from '../../src/tls/index.js';
import { tempDir } from '../helpers/index.js';

let dir: string;
let other: string;
const servers: grpc.Server[] = [];
const clients: Client[] = [];
/** Addresses of servers: mutual TLS requiring client certificates, TLS without, plaintext, TLS with a certificate for another host. */
const at = { require: '', optional: '', plaintext: '', elsewhere: '' };

const pem = (from: string, name: string): Buffer => readFileSync(join(from, name));

async function serve(credentials: grpc.ServerCredentials): Promise<string> {
  const s = new grpc.Server();
  servers.push(s);
  const port = await new Promise<number>((resolve, reject) => s.bindAsync('127.0.0.1:0', credentials, (e, p) => (e ? reject(e) : resolve(p))));
  return `127.0.0.1:${port}`;
}

function certs(id: string): ReloadableCertificates {
  const read = readTlsMaterial(nodeTlsFiles({ caFile: join(dir, 'ca.crt'), certsDir: dir }, id), { node: id });
  if (!read.ok) throw new Error(read.problems.map((p) => p.message).join('; '));
  return new ReloadableCertificates(read.material);
}

beforeAll(async () => {
  dir = tempDir('raftjobs-tls-reach-');
  other = join(dir, 'other');
  await initCa(dir);
  await issueCertificate(dir, { who: { kind: 'node', name: 'n1' } });
  await issueCertificate(dir, { who: { kind: 'node', name: 'n2' }, hosts: ['elsewhere.example'] });
  await issueCertificate(dir, { who: { kind: 'client', name: 'ops' } });
  await initCa(other);
  await issueCertificate(other, { who: { kind: 'client', name: 'eve' } });
  at.require = await serve(nodeServerCredentials(certs('n1'), true));
  at.optional = await serve(nodeServerCredentials(certs('n1'), false));
  at.plaintext = await serve(grpc.ServerCredentials.createInsecure());
  at.elsewhere = await serve(nodeServerCredentials(certs('n2'), false));
});

afterAll(() => {
  for (const c of clients) c.close();
  for (const s of servers) s.forceShutdown();
});

/** The error `stats()` ends with, through a client of `nodes`. */
async function failure(nodes: string[], o: { tls?: ClientTls; credentials?: grpc.ChannelCredentials } = {}): Promise<{ code: string; tls: unknown; message: string }> {
  const c = new Client({ nodes, deadlineMs: 4000, noQuorumMs: 500, ...o });
  clients.push(c);
  try {
    await c.stats();
  } catch (err) {
    if (!isRaftJobsError(err)) throw err;
    return { code: err.code, tls: err.details.tls, message: err.message };
  }
  throw new Error('stats() did not fail');
}

describe('a failed TLS handshake', () => {
  it('plaintext to TLS nodes: they speak TLS, each address named once', async () => {
    const f = await failure([at.require, at.optional]);
    expect(f).toEqual({
      code: ErrorCode.InvalidArgument,
      tls: TlsMismatch.ServerSpeaksTls,
      message: `Stats: no node can be reached at the addresses given: ${at.require} and ${at.optional}: each speaks TLS, and this client dials in plaintext (trust the cluster CA to dial it over TLS)`,
    });
  });

  it.each([
    ['TLS to a plaintext node', () => [at.plaintext], () => ({ ca: pem(dir, 'ca.crt') }), TlsMismatch.ServerPlaintext, 'does not speak TLS, and this client dials TLS'],
    ["another CA's root", () => [at.optional], () => ({ ca: pem(other, 'ca.crt') }), TlsMismatch.UntrustedServer, 'serves a certificate that is not signed by the CA this client trusts'],
    ['a certificate for another host', () => [at.elsewhere], () => ({ ca: pem(dir, 'ca.crt') }), TlsMismatch.ServerIdentity, 'serves a certificate that does not name it as a raftjobs node at this address'],
    ['no client certificate where one is required', () => [at.require], () => ({ ca: pem(dir, 'ca.crt') }), TlsMismatch.ClientCertificateRequired, 'requires a client certificate, and this client sent none'],
    ["a client certificate of another CA", () => [at.require], () => ({ ca: pem(dir, 'ca.crt'), cert: pem(other, 'client-eve.crt'), key: pem(other, 'client-eve.key') }), TlsMismatch.ClientCertificateRefused, "refused this client's certificate"],
  ] as const)('%s', async (_name, nodes, tls, mismatch, words) => {
    const f = await failure([...nodes()], { tls: tls() });
    expect(f).toMatchObject({ code: ErrorCode.InvalidArgument, tls: mismatch });
    expect(f.message).toContain(`${nodes()[0] as string} ${words}`);
  });

  it('with ready-made credentials nothing is probed: a bare "Failed to connect" stays unexplained', async () => {
    const f = await failure([at.require], { credentials: grpc.credentials.createInsecure() });
    expect(f.code).toBe(ErrorCode.NoLeader);
    expect(f.tls).toBeUndefined();
    expect(f.message).toContain(`${at.require}: cannot connect (Failed to connect)`);
  });

  it('the right settings reach the server (a control: the failures above are TLS, not the server)', async () => {
    const f = await failure([at.require], { credentials: clientCredentials({ ca: pem(dir, 'ca.crt'), cert: pem(dir, 'client-ops.crt'), key: pem(dir, 'client-ops.key') }) });
    expect(f).toMatchObject({ code: ErrorCode.Internal, message: expect.stringContaining('does not implement the method') as unknown });
  });
});
