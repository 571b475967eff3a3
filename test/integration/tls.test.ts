/**
 * One secured three-node cluster of real processes (client certificates required): what it
 * refuses (plaintext, another CA's certificates as client and as peer, a valid node certificate
 * claiming another node's id), its HTTP port served over HTTPS, certificate rotations under a
 * running worker (on SIGHUP, and with no signal: the node watches its files), and end-to-end work
 * through a leader kill.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { initCa, issueCertificate } from '../../src/cli/certs.js';
import { Client, NodeAdmin, Worker, clientCredentials, type ClientTls } from '../../src/client/index.js';
import { PeerMetadata, RAFT_PEER_STREAM_PATH } from '../../src/transport/index.js';
import { runMain } from '../client/in-process-cli.js';
import { createObservedCluster, type Cluster } from '../helpers/index.js';

let cluster: Cluster;
/** Node id → `host:port` of its HTTP(S) server. */
let httpAddresses: ReadonlyMap<string, string>;
let tls: ClientTls;
let failed = false;
const clients: { close(): void }[] = [];

beforeAll(async () => {
  // The file watch polls every 200 ms (default 1 s), to keep the rotation test short.
  const observed = await createObservedCluster({ size: 3, clusterId: 'tls', tmpPrefix: 'raftjobs-it-tls-', tls: { clientCertificates: 'require' }, config: { server: { fileWatchIntervalMs: 200 } } });
  cluster = observed.cluster;
  httpAddresses = observed.http;
  await cluster.startAll();
  tls = cluster.clientTls() as ClientTls;
  await cluster.waitForLeader();
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  const dir = await cluster.cleanup(failed);
  if (failed) console.error(`tls test failed; files kept in ${dir}`);
});

function reportOnFailure(): void {
  onTestFailed(() => {
    failed = true;
    console.error(cluster.describe(40));
  });
}

function client(t: ClientTls | undefined, deadlineMs = 3000): Client {
  const c = new Client({ nodes: cluster.nodes.map((n) => n.address), deadlineMs, noQuorumMs: 1000, ...(t === undefined ? {} : { tls: t }) });
  clients.push(c);
  return c;
}

function pem(dir: string, name: string): Buffer {
  return readFileSync(join(dir, name));
}

/**
 * Opens a raw peer stream to `address` claiming to be `from`, with `creds`; resolves "accepted"
 * when the node sends its response headers (it accepted the handshake), else the refusal status.
 */
function peerHandshake(address: string, creds: grpc.ChannelCredentials, from: string, to: string): Promise<'accepted' | { code: grpc.status; details: string }> {
  const c = new grpc.Client(address, creds);
  const md = new grpc.Metadata();
  md.set(PeerMetadata.ClusterId, 'tls');
  md.set(PeerMetadata.From, from);
  md.set(PeerMetadata.To, to);
  return new Promise((resolve) => {
    const call = c.makeClientStreamRequest(
      RAFT_PEER_STREAM_PATH,
      (b: Buffer) => b,
      (b: Buffer) => b,
      md,
      { deadline: Date.now() + 5000 },
      (err) => {
        c.close();
        resolve(err === null ? 'accepted' : { code: err.code, details: err.details });
      },
    );
    call.on('metadata', () => {
      call.cancel();
      c.close();
      resolve('accepted');
    });
  });
}

/** The SHA-256 fingerprint of the certificate a new TLS connection to `address` is served (`h2`: the gRPC port). */
function servedFingerprint(address: string, alpn: 'h2' | 'http/1.1' = 'h2'): Promise<string> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port), ca: tls.ca, cert: tls.cert, key: tls.key, ALPNProtocols: [alpn], checkServerIdentity: () => undefined }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      resolve(fp);
    });
    socket.once('error', reject);
  });
}

/** GET `path` over HTTPS from node `id`'s HTTP port, trusting the cluster CA: status and body, or the error. */
function httpsGet(id: string, path: string): Promise<{ status: number; body: string } | { error: string }> {
  const [host, port] = (httpAddresses.get(id) ?? '').split(':') as [string, string];
  return new Promise((resolve) => {
    const req = https.get({ host, port: Number(port), path, agent: false, ca: tls.ca, servername: 'localhost', timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (err) => resolve({ error: err.message }));
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

async function commitIndex(): Promise<number> {
  const leader = await cluster.waitForLeader();
  return leader.commitIndex ?? -1;
}

describe('refusals', () => {
  it('refuses a plaintext client, and the log is unchanged', async () => {
    reportOnFailure();
    const before = await commitIndex();
    await expect(client(undefined).submit({ queue: 'refused', payload: 'x' })).rejects.toThrow();
    expect(await commitIndex()).toBe(before);
  });

  it('refuses a client without a certificate when certificates are required', async () => {
    reportOnFailure();
    await expect(client({ ca: tls.ca as Buffer }).submit({ queue: 'refused', payload: 'x' })).rejects.toThrow();
  });

  it("refuses another CA's certificate, as client and as peer", async () => {
    reportOnFailure();
    const other = join(cluster.dir, 'other-ca');
    await initCa(other);
    await issueCertificate(other, { who: { kind: 'client', name: 'mallory' } });
    await issueCertificate(other, { who: { kind: 'node', name: 'n2' } });
    const before = await commitIndex();
    await expect(client({ ca: tls.ca as Buffer, cert: pem(other, 'client-mallory.crt'), key: pem(other, 'client-mallory.key') }).submit({ queue: 'refused', payload: 'x' })).rejects.toThrow();
    const creds = grpc.credentials.createSsl(tls.ca as Buffer, pem(other, 'node-n2.key'), pem(other, 'node-n2.crt'));
    const answer = await peerHandshake(cluster.address('n1'), creds, 'n2', 'n1');
    expect(answer).not.toBe('accepted');
    expect(await commitIndex()).toBe(before);
  });

  it("refuses a peer stream whose valid certificate is for another node id (n2's certificate claiming n1)", async () => {
    reportOnFailure();
    const dir = cluster.certsDir as string;
    const asN2 = grpc.credentials.createSsl(tls.ca as Buffer, pem(dir, 'node-n2.key'), pem(dir, 'node-n2.crt'));
    const posing = await peerHandshake(cluster.address('n3'), asN2, 'n1', 'n3');
    expect(posing).toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    expect((posing as { details: string }).details).toContain('the certificate is for node n2, not n1');
    await cluster.waitForLog('n3', (r) => r['msg'] === 'refused peer stream' && r['reason'] === 'unauthenticated', 'refusing the impostor');
    // The control: the same certificate claiming its own id passes the handshake.
    expect(await peerHandshake(cluster.address('n3'), grpc.credentials.createSsl(tls.ca as Buffer, pem(dir, 'node-n2.key'), pem(dir, 'node-n2.crt')), 'n2', 'n3')).toBe('accepted');
  });
});

describe('the CLI names a TLS refusal, and its fix', () => {
  const addresses = (): string => cluster.nodes.map((n) => n.address).join(',');
  const other = (): string => join(cluster.dir, 'cli-other-ca');

  beforeAll(async () => {
    await initCa(other());
    await issueCertificate(other(), { who: { kind: 'client', name: 'eve' } });
  });

  it('plaintext to TLS nodes: they speak TLS, pass --ca (job commands, status and work alike)', async () => {
    reportOnFailure();
    const r = await runMain(['stats', '--addresses', addresses(), '--timeout', '5000']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^raftjobs stats: Stats: no node can be reached at the addresses given: 127\.0\.0\.1:\d+, 127\.0\.0\.1:\d+ and 127\.0\.0\.1:\d+: each speaks TLS, and this client dials in plaintext/);
    expect(r.stderr).toContain("\n  fix: pass --ca FILE (the cluster's ca.crt), or set RAFTJOBS_TLS_CA\n");
    const status = await runMain(['status', '--addresses', addresses()]);
    expect(status.code).toBe(1);
    for (const n of cluster.nodes) expect(status.stderr).toContain(`  ${n.address} speaks TLS, and this client dials in plaintext`);
    expect(status.stderr.match(/ {2}fix: pass --ca FILE/g)).toHaveLength(1);
    const work = await runMain(['work', '--addresses', addresses(), '--queue', 'never', '--handler', 'echo', '--drain-ms', '0']);
    expect(work.code, work.stderr).toBe(2);
    expect(work.stderr).toMatch(/each speaks TLS, and this client dials in plaintext[^\n]*\n {2}fix: pass --ca FILE/);
  });

  it("another CA's certificate as --ca: the node's certificate is not signed by the CA in FILE", async () => {
    reportOnFailure();
    const ca = join(other(), 'ca.crt');
    const r = await runMain(['stats', '--addresses', addresses(), '--ca', ca]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('each serves a certificate that is not signed by the CA this client trusts');
    expect(r.stderr).toContain(`\n  fix: the node's certificate is not signed by the CA in ${ca}: pass the cluster's ca.crt as --ca\n`);
  });

  it('no client certificate where one is required: pass --cert and --key', async () => {
    reportOnFailure();
    const r = await runMain(['stats', '--addresses', addresses(), '--ca', join(cluster.certsDir as string, 'ca.crt')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('each requires a client certificate, and this client sent none');
    expect(r.stderr).toContain('\n  fix: the node requires a client certificate: pass --cert FILE and --key FILE (or set RAFTJOBS_TLS_CERT and RAFTJOBS_TLS_KEY)');
  });

  it("a client certificate of another CA: refused, naming the file", async () => {
    reportOnFailure();
    const cert = join(other(), 'client-eve.crt');
    const r = await runMain(['stats', '--addresses', addresses(), '--ca', join(cluster.certsDir as string, 'ca.crt'), '--cert', cert, '--key', join(other(), 'client-eve.key')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("each refused this client's certificate");
    expect(r.stderr).toContain(`\n  fix: the node refused the client certificate in ${cert}: pass one issued by the cluster's CA`);
  });
});

describe('the HTTP port', () => {
  it('serves health, metrics and the dashboard over HTTPS with the node certificate, and nothing in plain HTTP', async () => {
    reportOnFailure();
    const leader = await cluster.waitForLeader();
    const address = httpAddresses.get(leader.id) as string;
    expect(await httpsGet(leader.id, '/readyz')).toEqual({ status: 200, body: expect.stringMatching(/^ready: leader in term/) as unknown });
    for (const path of ['/healthz', '/metrics', '/', '/api/config']) expect(await httpsGet(leader.id, path), path).toMatchObject({ status: 200 });
    expect(await servedFingerprint(address, 'http/1.1')).toBe(new X509Certificate(pem(cluster.certsDir as string, `node-${leader.id}.crt`)).fingerprint256);
    await expect(fetch(`http://${address}/healthz`, { signal: AbortSignal.timeout(3000) })).rejects.toThrow();
    await cluster.waitForLog(leader.id, (r) => r['msg'] === 'serving metrics and dashboard' && r['scheme'] === 'https', 'serving HTTPS');
  });
});

describe('a secured cluster at work', () => {
  let worker: Worker;
  const done: string[] = [];

  beforeAll(async () => {
    worker = new Worker({ nodes: cluster.nodes.map((n) => n.address), tls, queues: ['secure'], concurrency: 4, workerId: 'tls-worker', handler: (job) => {
      done.push(job.id);
      return Promise.resolve('ok');
    } });
    await worker.start();
  });

  afterAll(async () => {
    await worker.close({ timeoutMs: 2000 });
  });

  /** The worker's session as the node at `address` (the leader) sees it: the same values mean the same stream. */
  function workerSession(address: string): () => Promise<{ session: string | null; connectedAt: number; peer: string } | undefined> {
    const admin = new NodeAdmin(address, { credentials: clientCredentials(tls) });
    clients.push(admin);
    return async () => {
      const w = (await admin.workers({ timeoutMs: 2000 })).workers.find((x) => x.workerId === 'tls-worker');
      return w === undefined ? undefined : { session: w.session, connectedAt: w.connectedAt, peer: w.peer };
    };
  }

  it('rotates the leader certificate on SIGHUP: new connections get the new one, the worker keeps its stream', async () => {
    reportOnFailure();
    const c = client(tls, 20_000);
    const first = await c.submit({ queue: 'secure', payload: 'before' });
    expect((await c.waitForResult(first[0]?.id as string, { timeoutMs: 15_000 })).state).toBe('succeeded');

    const leader = await cluster.waitForLeader();
    const session = workerSession(leader.address);
    const held = await expect.poll(session, { timeout: 10_000 }).toBeDefined().then(() => session());
    const oldFp = await servedFingerprint(leader.address);

    const dir = cluster.certsDir as string;
    await issueCertificate(dir, { who: { kind: 'node', name: leader.id } });
    const newFp = new X509Certificate(pem(dir, `node-${leader.id}.crt`)).fingerprint256;
    expect(newFp).not.toBe(oldFp);
    expect(cluster.process(leader.id)?.signal('SIGHUP')).toBe(true);
    // The file watch may reload first; the signal's own reload is the one awaited.
    await cluster.waitForLog(leader.id, (r) => r['msg'] === 'tls reloaded' && r['fingerprint'] === newFp && r['trigger'] === 'SIGHUP', 'reloading its certificate on SIGHUP');
    await expect.poll(() => servedFingerprint(leader.address), { timeout: 10_000 }).toBe(newFp);

    // Same stream: same session, same connection time, same client port.
    expect(await session()).toEqual(held);
    const after = await c.submit({ queue: 'secure', payload: 'after' });
    expect((await c.waitForResult(after[0]?.id as string, { timeoutMs: 15_000 })).state).toBe('succeeded');
    expect(await session()).toEqual(held);
  });

  it('rotates the leader certificate when its files change, with no signal: gRPC and HTTPS serve the new one, the worker keeps its stream', async () => {
    reportOnFailure();
    const c = client(tls, 20_000);
    const leader = await cluster.waitForLeader();
    const session = workerSession(leader.address);
    const held = await expect.poll(session, { timeout: 10_000 }).toBeDefined().then(() => session());
    const pid = cluster.pid(leader.id);

    const dir = cluster.certsDir as string;
    await issueCertificate(dir, { who: { kind: 'node', name: leader.id } });
    const newFp = new X509Certificate(pem(dir, `node-${leader.id}.crt`)).fingerprint256;
    await expect.poll(() => servedFingerprint(leader.address), { timeout: 15_000 }).toBe(newFp);
    await expect.poll(() => servedFingerprint(httpAddresses.get(leader.id) as string, 'http/1.1'), { timeout: 5_000 }).toBe(newFp);
    const record = await cluster.waitForLog(leader.id, (r) => r['msg'] === 'tls reloaded' && r['fingerprint'] === newFp, 'reloading its certificate');
    expect(record['trigger']).toBe('file change');
    expect(cluster.pid(leader.id)).toBe(pid);

    expect(await session()).toEqual(held);
    const after = await c.submit({ queue: 'secure', payload: 'after a rotation with no signal' });
    expect((await c.waitForResult(after[0]?.id as string, { timeoutMs: 15_000 })).state).toBe('succeeded');
    expect(await session()).toEqual(held);
  });

  it('a bad certificate on SIGHUP changes nothing', async () => {
    reportOnFailure();
    const leader = await cluster.waitForLeader();
    const before = await servedFingerprint(leader.address);
    // n1's certificate and key in another node's files: a valid pair, but not naming that node.
    const dir = cluster.certsDir as string;
    const other = cluster.ids.find((id) => id !== leader.id) as string;
    const keep = { crt: pem(dir, `node-${leader.id}.crt`), key: pem(dir, `node-${leader.id}.key`) };
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, `node-${leader.id}.crt`), pem(dir, `node-${other}.crt`));
    writeFileSync(join(dir, `node-${leader.id}.key`), pem(dir, `node-${other}.key`));
    try {
      cluster.process(leader.id)?.signal('SIGHUP');
      await cluster.waitForLog(leader.id, (r) => r['msg'] === 'tls reload refused; keeping the certificates in use' && r['trigger'] === 'SIGHUP', 'refusing the reload on SIGHUP');
      expect(await servedFingerprint(leader.address)).toBe(before);
    } finally {
      writeFileSync(join(dir, `node-${leader.id}.crt`), keep.crt);
      writeFileSync(join(dir, `node-${leader.id}.key`), keep.key, { mode: 0o600 });
    }
  });

  it('runs jobs end to end through a leader kill', async () => {
    reportOnFailure();
    const c = client(tls, 30_000);
    const jobs = await c.submit(Array.from({ length: 20 }, (_, i) => ({ queue: 'secure', payload: `a${i}` })));
    for (const j of jobs) expect((await c.waitForResult(j.id, { timeoutMs: 20_000 })).state).toBe('succeeded');
    const leader = await cluster.waitForLeader();
    await cluster.kill(leader.id, 'SIGKILL');
    await cluster.waitForLeader({ exclude: [leader.id] });
    const more = await c.submit(Array.from({ length: 20 }, (_, i) => ({ queue: 'secure', payload: `b${i}` })));
    for (const j of more) expect((await c.waitForResult(j.id, { timeoutMs: 30_000 })).state).toBe('succeeded');
    await cluster.start(leader.id);
    await cluster.waitForConvergence();
  });
});
