import { afterEach, describe, expect, it } from 'vitest';
import { generateToken, hashToken, TokenTable } from '../../src/config/index.js';
import { ACTION_HEADER, type RunningHttpServer } from '../../src/observability/index.js';
import { DEAD_JOB, startFakeDashboard, type FakeCalls } from './fake-dashboard.js';

describe('node HTTP server', () => {
  let server: RunningHttpServer | null = null;
  let calls: FakeCalls;
  const start = async (actionsEnabled: boolean): Promise<string> => {
    calls = { retried: [], cancelled: [] };
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
    const post = (token: string) => fetch(`${base}/api/jobs/${DEAD_JOB.id}/retry`, { method: 'POST', headers: { [ACTION_HEADER]: '1', authorization: `Bearer ${token}` } });
    expect((await post(tokens.reader)).status).toBe(403);
    expect((await post(tokens.admin)).status).toBe(200);
  });
});
