import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initCa, issueCertificate } from '../../src/cli/certs.js';
import { generateToken, hashToken, TokenTable } from '../../src/config/index.js';
import { ACTION_HEADER, type HttpTls, type RunningHttpServer } from '../../src/observability/index.js';
import { nodeTlsFiles, readTlsMaterial, ReloadableCertificates, type TlsMaterial } from '../../src/tls/index.js';
import { tempDir } from '../helpers/index.js';
import { DEAD_JOB, startFakeDashboard, type FakeCalls } from './fake-dashboard.js';

describe('node HTTP server', () => {
  let server: RunningHttpServer | null = null;
  let calls: FakeCalls;
  const start = async (actionsEnabled: boolean): Promise<string> => {
    calls = { retried: [], cancelled: [], membership: [], queues: [] };
    server = await startFakeDashboard(actionsEnabled, calls);
    return `http://${server.address}`;
  };

  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('rejects when its address is taken, leaving nothing open', async () => {
    await start(false);
    const address = (server as RunningHttpServer).address;
    await expect(startFakeDashboard(false, { retried: [], cancelled: [] }, address)).rejects.toThrow(/EADDRINUSE/);
  });

  it('serves the dashboard files as they are, with a strict content security policy', async () => {
    const base = await start(false);
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="app.js">');
    expect((await fetch(`${base}/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${base}/style.css`)).status).toBe(200);
    expect((await fetch(`${base}/../package.json`)).status).toBe(404);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });

  it('answers the JSON API, mapping errors to HTTP statuses', async () => {
    const base = await start(false);
    expect(await (await fetch(`${base}/api/config`)).json()).toMatchObject({ nodeId: 'n1', actionsEnabled: false });
    expect(await (await fetch(`${base}/api/jobs/${DEAD_JOB.id}`)).json()).toMatchObject({ id: DEAD_JOB.id, state: 'dead' });
    const missing = await fetch(`${base}/api/jobs/0000000zzz`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await fetch(`${base}/api/jobs/${encodeURIComponent('bad id!')}`)).status).toBe(400);
    expect((await fetch(`${base}/api/throughput`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await fetch(`${base}/api/cluster`, { method: 'DELETE' })).status).toBe(405);
  });

  it('refuses actions with 403 when the config leaves the dashboard read-only', async () => {
    const base = await start(false);
    const res = await fetch(`${base}/api/jobs/${DEAD_JOB.id}/retry`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/dashboard\.actionsEnabled/);
    expect(calls.retried).toEqual([]);
    for (const path of ['/api/members/n3/promote', '/api/members/n4/remove', '/api/leadership/transfer?to=n2']) {
      expect((await fetch(`${base}${path}`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } })).status, path).toBe(403);
    }
    expect(calls.membership).toEqual([]);
    for (const path of ['/api/queues/mail/pause', '/api/queues/mail/retry-dead?dryRun=1', '/api/queues/mail/cancel?state=ready&dryRun=1', '/api/queues/mail/purge?state=dead&dryRun=1']) {
      expect((await fetch(`${base}${path}`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } })).status, path).toBe(403);
    }
    expect(calls.queues).toEqual([]);
  });

  it('runs the queue actions when enabled: pause, resume, and a retry of dead jobs with its dry run first', async () => {
    const base = await start(true);
    const post = (path: string) => fetch(`${base}${path}`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
    expect((await fetch(`${base}/api/queues/mail/pause`, { method: 'POST' })).status).toBe(403);
    expect(await (await post('/api/queues/mail/pause')).json()).toMatchObject({ queue: 'mail', policy: { paused: true } });
    expect(await (await post('/api/queues/mail/resume')).json()).toMatchObject({ queue: 'mail', policy: { paused: false } });
    expect(await (await post('/api/queues/mail/retry-dead?dryRun=1')).json()).toEqual({ action: 'retryDead', dryRun: true, matched: 1, affected: 0, batches: 0 });
    expect(await (await post('/api/queues/mail/retry-dead')).json()).toMatchObject({ dryRun: false, affected: 1 });
    // Names are checked before anything is asked of the cluster.
    expect((await post(`/api/queues/${encodeURIComponent('no such queue!')}/pause`)).status).toBe(400);
    expect((await post('/api/queues/mail/delete')).status).toBe(404);
    expect(calls.queues).toEqual(['pause mail', 'resume mail', 'retryDead mail dry', 'retryDead mail']);
  });

  it('runs bulk cancel and purge of a queue by state, group key and age, with a dry run first', async () => {
    const base = await start(true);
    const post = (path: string) => fetch(`${base}${path}`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
    expect(await (await post('/api/queues/mail/cancel?state=ready&state=scheduled&group=acme&olderThanMs=60000&dryRun=1')).json()).toEqual({
      action: 'cancel', dryRun: true, matched: 1, affected: 0, batches: 0,
    });
    expect(await (await post('/api/queues/mail/cancel?state=leased')).json()).toMatchObject({ action: 'cancel', dryRun: false, affected: 1 });
    expect(await (await post(`/api/queues/mail/purge?state=dead&group=${encodeURIComponent('a b&c')}&dryRun=1`)).json()).toMatchObject({ action: 'purge', dryRun: true, matched: 1 });
    expect(await (await post('/api/queues/mail/purge?state=succeeded&group=')).json()).toMatchObject({ action: 'purge', dryRun: false, affected: 1 });
    expect(calls.queues).toEqual([
      'cancel mail ready,scheduled group="acme" olderThanMs=60000 dry',
      'cancel mail leased',
      'purge mail dead group="a b&c" dry',
      'purge mail succeeded group=""',
    ]);
  });

  it('refuses a bulk action the cluster would refuse, or one it would read wider than asked, before asking it', async () => {
    const base = await start(true);
    const refusal = async (path: string): Promise<string> => {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as { error: string; code: string };
      expect(body.code, path).toBe('INVALID_ARGUMENT');
      return body.error;
    };
    expect(await refusal('/api/queues/mail/purge?dryRun=1')).toBe('state: required for purge (one or more of scheduled, ready, succeeded, dead, cancelled)');
    expect(await refusal('/api/queues/mail/cancel')).toBe('state: required for cancel (one or more of scheduled, ready, leased)');
    expect(await refusal('/api/queues/mail/purge?state=leased')).toBe('state "leased": purge applies to scheduled, ready, succeeded, dead, cancelled jobs only');
    expect(await refusal('/api/queues/mail/cancel?state=dead&state=ready&state=ready')).toBe('state "dead": cancel applies to scheduled, ready, leased jobs only; state "ready": given twice');
    expect(await refusal('/api/queues/mail/retry-dead?state=ready')).toBe('state "ready": retry-dead applies to dead jobs only');
    expect(await refusal('/api/queues/mail/cancel?state=running')).toMatch(/^state "running": not a job state \(scheduled, ready, leased, succeeded, dead, cancelled\)$/);
    expect(await refusal(`/api/queues/mail/cancel?state=ready&group=${'k'.repeat(257)}`)).toMatch(/^group: must be at most 256 characters/);
    for (const age of ['0', '-5', '1.5', '7d', String(365 * 86_400_000 + 1)]) {
      expect(await refusal(`/api/queues/mail/purge?state=dead&olderThanMs=${age}`), age).toMatch(/^olderThanMs: must be a whole number of ms from 1 to 31536000000 \(365 days\)/);
    }
    // A typo must not widen what a purge touches: `states` is not `state`, a second group is not ignored.
    expect(await refusal('/api/queues/mail/purge?state=dead&states=ready')).toBe('unknown parameter "states" (expected state, group, olderThanMs, dryRun)');
    expect(await refusal('/api/queues/mail/purge?state=dead&group=a&group=b&dryRun=yes')).toBe('group: given more than once; dryRun: must be 1 when given, got "yes"');
    expect((await fetch(`${base}/api/queues/${encodeURIComponent('no such queue!')}/purge?state=dead`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } })).status).toBe(400);
    expect(calls.queues).toEqual([]);
    expect(await (await fetch(`${base}/api/queues`)).json()).toMatchObject({ flows: [{ queue: 'mail', policy: { concurrency: 4 } }] });
  });

  it('runs actions when enabled, only with the dashboard header', async () => {
    const base = await start(true);
    expect((await fetch(`${base}/api/jobs/${DEAD_JOB.id}/retry`, { method: 'POST' })).status).toBe(403);
    expect(calls.retried).toEqual([]);
    const ok = await fetch(`${base}/api/jobs/${DEAD_JOB.id}/retry`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ state: 'ready' });
    expect(calls.retried).toEqual([DEAD_JOB.id]);
    // The API's own validation still applies: a dead job cannot be cancelled.
    const cancel = await fetch(`${base}/api/jobs/${DEAD_JOB.id}/cancel`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
    expect(cancel.status).toBe(409);
    expect(await cancel.json()).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
  });

  it('runs the membership actions when enabled: promote, remove, transfer leadership to a voter or to the best one', async () => {
    const base = await start(true);
    const post = (path: string) => fetch(`${base}${path}`, { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
    expect((await fetch(`${base}/api/members/n3/promote`, { method: 'POST' })).status).toBe(403);
    expect((await post('/api/members/n3/promote')).status).toBe(200);
    expect((await post('/api/members/n4/remove')).status).toBe(200);
    expect(await (await post('/api/leadership/transfer?to=n2')).json()).toMatchObject({ from: 'n1', leaderId: 'n2' });
    expect((await post('/api/leadership/transfer')).status).toBe(200);
    const unknown = await post('/api/members/n9/remove');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect(calls.membership).toEqual(['promote n3', 'remove n4', 'transfer n2', 'transfer *', 'remove n9']);
    // Ids are checked before anything is asked of the cluster.
    expect((await post(`/api/members/${encodeURIComponent('no such id!')}/remove`)).status).toBe(400);
    expect((await post('/api/leadership/transfer?to=-n2')).status).toBe(400);
    expect((await post('/api/members/n3/demote')).status).toBe(404);
    expect(calls.membership).toHaveLength(5);
    const cluster = (await (await fetch(`${base}/api/cluster`)).json()) as { nodes: { id: string; member: string; refused: boolean }[] };
    expect(cluster.nodes.map((n) => `${n.id}:${n.member}${n.refused ? ':refused' : ''}`)).toEqual(['n1:voter', 'n2:voter', 'n3:learner', 'n4:voter:refused']);
  });
});

describe('node HTTP server with auth on', () => {
  const tokens = { reader: generateToken(), admin: generateToken(), worker: generateToken() };
  const table = new TokenTable([
    { name: 'reader', hash: hashToken(tokens.reader), roles: ['read'] },
    { name: 'admin', hash: hashToken(tokens.admin), roles: ['admin'] },
    { name: 'worker', hash: hashToken(tokens.worker), roles: ['work'] },
  ]);
  const servers: RunningHttpServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const start = async (o: { metricsRequireToken?: boolean; healthRequireToken?: boolean } = {}): Promise<string> => {
    const auth = { authenticate: (t: string) => table.authenticate(t), metricsRequireToken: o.metricsRequireToken ?? false, healthRequireToken: o.healthRequireToken ?? false };
    const server = await startFakeDashboard(true, { retried: [], cancelled: [] }, '127.0.0.1:0', auth);
    servers.push(server);
    return `http://${server.address}`;
  };
  const get = (url: string, token?: string) => fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

  it('keeps /metrics, /healthz and /readyz open by default; the page loads, the API needs a token', async () => {
    const base = await start();
    for (const path of ['/metrics', '/healthz', '/readyz', '/']) expect((await get(`${base}${path}`)).status, path).toBe(200);
    for (const path of ['/api/config', '/api/queues', '/api/whoami']) {
      const res = await get(`${base}${path}`);
      expect(res.status, path).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect((await get(`${base}/api/queues`, generateToken())).status).toBe(401);
    expect(await (await get(`${base}/api/whoami`, tokens.reader)).json()).toEqual({ auth: true, name: 'reader', roles: ['read'] });
    expect((await get(`${base}/api/queues`, tokens.reader)).status).toBe(200);
  });

  it('closes /metrics with metricsRequireToken, and health with healthRequireToken', async () => {
    const base = await start({ metricsRequireToken: true, healthRequireToken: true });
    for (const path of ['/metrics', '/healthz', '/readyz']) {
      expect((await get(`${base}${path}`)).status, path).toBe(401);
      expect((await get(`${base}${path}`, tokens.worker)).status, path).toBe(403);
      expect((await get(`${base}${path}`, tokens.reader)).status, path).toBe(200);
    }
  });

  it('lets only admin tokens act', async () => {
    const base = await start();
    for (const path of [`/api/jobs/${DEAD_JOB.id}/retry`, '/api/members/n3/promote', '/api/leadership/transfer', '/api/queues/mail/pause', '/api/queues/mail/retry-dead?dryRun=1', '/api/queues/mail/cancel?state=ready', '/api/queues/mail/purge?state=dead&dryRun=1']) {
      const post = (token: string) => fetch(`${base}${path}`, { method: 'POST', headers: { [ACTION_HEADER]: '1', authorization: `Bearer ${token}` } });
      expect((await post(tokens.reader)).status, path).toBe(403);
      expect((await post(tokens.admin)).status, path).toBe(200);
    }
  });
});

describe('node HTTP server over TLS', () => {
  let dir: string;
  let certs: ReloadableCertificates;
  const servers: RunningHttpServer[] = [];
  const pem = (name: string, from = dir): Buffer => readFileSync(join(from, name));

  beforeAll(async () => {
    dir = tempDir('raftjobs-https-');
    await initCa(dir);
    await issueCertificate(dir, { who: { kind: 'node', name: 'n1' } });
    await issueCertificate(dir, { who: { kind: 'client', name: 'ops' } });
    await initCa(join(dir, 'other'));
    await issueCertificate(join(dir, 'other'), { who: { kind: 'client', name: 'mallory' } });
    certs = new ReloadableCertificates(material());
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  function material(): TlsMaterial {
    const read = readTlsMaterial(nodeTlsFiles({ caFile: join(dir, 'ca.crt'), certsDir: dir }, 'n1'), { node: 'n1' });
    if (!read.ok) throw new Error(read.problems.map((p) => p.message).join('; '));
    return read.material;
  }

  const start = async (requireClientCertificate: boolean): Promise<RunningHttpServer> => {
    const tls: HttpTls = { current: () => certs.material, onChange: (l) => certs.onUpdate(() => l()), requireClientCertificate };
    const server = await startFakeDashboard(false, { retried: [], cancelled: [] }, '127.0.0.1:0', undefined, tls);
    servers.push(server);
    return server;
  };

  /** GET over a new TLS connection: the status and the fingerprint of the certificate served, or the error. */
  function get(address: string, path: string, o: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {}): Promise<{ status: number; fingerprint: string } | { error: string }> {
    const [host, port] = address.split(':') as [string, string];
    return new Promise((resolve) => {
      const req = https.get({ host, port: Number(port), path, agent: false, servername: 'localhost', ca: o.ca ?? pem('ca.crt'), ...(o.cert ? { cert: o.cert, key: o.key } : {}), timeout: 3000 }, (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, fingerprint }));
      });
      req.on('error', (err) => resolve({ error: err.message }));
      req.on('timeout', () => req.destroy(new Error('timeout')));
    });
  }

  it('serves HTTPS with the node certificate, and nothing in plain HTTP', async () => {
    const server = await start(false);
    expect(server.scheme).toBe('https');
    const fp = new X509Certificate(pem('node-n1.crt')).fingerprint256;
    for (const path of ['/healthz', '/readyz', '/metrics', '/', '/api/config']) expect(await get(server.address, path), path).toEqual({ status: 200, fingerprint: fp });
    await expect(fetch(`http://${server.address}/healthz`, { signal: AbortSignal.timeout(3000) })).rejects.toThrow();
  });

  it('new connections get a reloaded certificate', async () => {
    const server = await start(false);
    await issueCertificate(dir, { who: { kind: 'node', name: 'n1' } });
    const fresh = new X509Certificate(pem('node-n1.crt')).fingerprint256;
    expect(await get(server.address, '/healthz')).not.toMatchObject({ fingerprint: fresh });
    certs.update(material());
    expect(await get(server.address, '/healthz')).toEqual({ status: 200, fingerprint: fresh });
  });

  it('with requireClientCertificate, refuses a handshake without a certificate of the cluster CA', async () => {
    const server = await start(true);
    expect(await get(server.address, '/healthz')).toHaveProperty('error');
    expect(await get(server.address, '/healthz', { cert: pem('client-mallory.crt', join(dir, 'other')), key: pem('client-mallory.key', join(dir, 'other')) })).toHaveProperty('error');
    expect(await get(server.address, '/healthz', { cert: pem('client-ops.crt'), key: pem('client-ops.key') })).toMatchObject({ status: 200 });
  });
});
