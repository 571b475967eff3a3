/**
 * The HTTP side of a node: Prometheus `/metrics`, `/healthz`, `/readyz`, and the web dashboard
 * (static files from `dashboard/`, served as they are, plus a small JSON API under `/api/`).
 * Data for the dashboard comes from a {@link DashboardApi} the server layer implements, so this
 * module knows nothing about gRPC.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { bearerToken, hasRole, type Identity, type Role } from '../config/index.js';
import { parseHostPort } from '../config/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { DASHBOARD_CANCEL_REASON, dashboardBulkRequest, type DashboardBulkRequest } from './bulk-request.js';
import type { NodeMetricsRegistry } from './metrics.js';
import type { ThroughputHistory } from './throughput.js';

/** Whether the node can serve clients now, and why not. */
export interface Readiness {
  readonly ready: boolean;
  /** Human-readable: "leader n2 in term 4", "no leader known (candidate, term 7)". */
  readonly reason: string;
  /**
   * More lines, each a state the node is in without being unready: "submits refused
   * (limits.maxBacklogJobs): ...", "disk low (limits.minFreeDiskBytes): ...".
   */
  readonly notes?: readonly string[];
}

/**
 * What the dashboard shows and does. Reads follow the leader; actions go through the same gRPC
 * API and validation as the CLI. Errors are `RaftJobsError`s (mapped to HTTP statuses here).
 */
export interface DashboardApi {
  cluster(): Promise<unknown>;
  queues(): Promise<unknown>;
  job(id: string): Promise<unknown>;
  dead(query: { readonly queue?: string; readonly pageToken?: string }): Promise<unknown>;
  workers(): Promise<unknown>;
  retryDead(id: string): Promise<unknown>;
  cancel(id: string, reason: string): Promise<unknown>;
  /** Every schedule, with its next fire time, last slot and job, and counts. */
  schedules(): Promise<unknown>;
  /** Pause, resume or trigger schedule `id`. */
  scheduleAction(id: string, action: 'pause' | 'resume' | 'trigger'): Promise<unknown>;
  /** Promote learner `id` to voter, or remove member `id`; the membership after it. */
  memberAction(id: string, action: 'promote' | 'remove'): Promise<unknown>;
  /** Hand leadership to voter `to`, or to the most caught-up voter when null; who leads after it. */
  transferLeadership(to: string | null): Promise<unknown>;
  /** Pause or resume leasing from `queue`; its policy and usage after it. */
  queueAction(queue: string, action: 'pause' | 'resume'): Promise<unknown>;
  /**
   * A bulk action (retry dead, cancel, purge) on the jobs of one queue that match the filter, or
   * with `dryRun` a count of them; what it did or would do (the SDK's `BulkOutcome`).
   */
  bulkJobs(request: DashboardBulkRequest): Promise<unknown>;
}

/** The token check of a node with `auth.enabled` (see src/config/auth.ts). */
export interface HttpAuth {
  /** The holder of a token, or null for an unknown one. */
  authenticate(token: string): Identity | null;
  /** `/metrics` needs a token with the `read` role. */
  readonly metricsRequireToken: boolean;
  /** `/healthz` and `/readyz` need a token with the `read` role. */
  readonly healthRequireToken: boolean;
}

/**
 * HTTPS on the node's HTTP port: the node's own certificate and key, and its cluster CA for client
 * certificates. The server layer feeds it from the node's TLS files (src/server/node-tls.ts).
 */
export interface HttpTls {
  /** The PEM material in use now. */
  current(): { readonly ca: Buffer; readonly cert: Buffer; readonly key: Buffer };
  /** Calls `listener` after each change of `current()` (a reload); returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  /**
   * Refuse a TLS handshake without a client certificate issued by the CA. Off, none is asked for
   * (a browser would prompt for one), and tokens alone decide who may see what.
   */
  readonly requireClientCertificate: boolean;
}

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  /** `host:port` to listen on (the node's `httpListen`). Port 0 picks a free port (tests). */
  readonly address: string;
  /** Serve HTTPS (absent: plain HTTP). New connections get the material of the latest `onChange`. */
  readonly tls?: HttpTls;
  readonly nodeId: string;
  readonly clusterId: string;
  readonly logger: Logger;
  readonly metrics: NodeMetricsRegistry;
  readonly readiness: () => Readiness;
  /**
   * The dashboard's data, as seen by the caller: its calls to the cluster carry the caller's token
   * (null when auth is off), never one of the node's own.
   */
  readonly dashboard: (token: string | null) => DashboardApi;
  /** Token check; absent when auth is off (everything open, as before). */
  readonly auth?: HttpAuth;
  readonly throughput: ThroughputHistory;
  /** Allow the dashboard's actions: jobs, schedules, membership (else 403). */
  readonly actionsEnabled: boolean;
}

/** A listening HTTP server. */
export interface RunningHttpServer {
  /** `host:port` actually bound. */
  readonly address: string;
  /** `https` with `HttpServerOptions.tls`, else `http`. */
  readonly scheme: 'http' | 'https';
  /** Stop accepting, drop idle keep-alive connections, and resolve when closed. Idempotent. */
  close(): Promise<void>;
}

/**
 * Header every action request must carry. A cross-site form cannot set it, and a cross-site
 * script that tries is stopped by the CORS preflight this server never approves.
 */
export const ACTION_HEADER = 'x-raftjobs-dashboard';

const DASHBOARD_DIR = join(import.meta.dirname, 'dashboard');
const STATIC: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
};
const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Listen on `o.address`; rejects (nothing left open) when the address cannot be bound. */
export async function startHttpServer(o: HttpServerOptions): Promise<RunningHttpServer> {
  // parseHostPort refuses port 0 (nobody can dial it); here it means "any free port".
  const hp = parseHostPort(o.address.replace(/:0$/, ':1'));
  if (typeof hp === 'string') throw new RaftJobsError(ErrorCode.ConfigInvalid, `httpAddress ${o.address}: ${hp}`);
  const port = Number(o.address.slice(o.address.lastIndexOf(':') + 1));
  const files = new Map<string, Buffer>();
  for (const f of new Set(Object.values(STATIC).map((s) => s.file))) files.set(f, readFileSync(join(DASHBOARD_DIR, f)));
  const log = o.logger.child({ component: 'http' });

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(o, files, req, res).catch((err: unknown) => {
      const status = httpStatus(err);
      if (status >= 500 && !(err instanceof RaftJobsError)) log.error({ err, url: req.url }, 'http request failed');
      sendJson(res, status, { error: err instanceof Error ? err.message : String(err), code: err instanceof RaftJobsError ? err.code : undefined });
    });
  };
  const tls = o.tls;
  const material = (): { ca: Buffer; cert: Buffer; key: Buffer } => {
    const m = (tls as HttpTls).current();
    return { ca: m.ca, cert: m.cert, key: m.key };
  };
  const server: http.Server = tls === undefined
    ? http.createServer(listener)
    : https.createServer({ ...material(), minVersion: 'TLSv1.2', requestCert: tls.requireClientCertificate, rejectUnauthorized: tls.requireClientCertificate }, listener);
  // A reload swaps the context of new connections; open ones keep theirs.
  const offTls = tls?.onChange(() => (server as https.Server).setSecureContext(material())) ?? (() => undefined);
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: hp.host, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    offTls();
    throw err;
  }
  const bound = server.address() as AddressInfo;
  const address = bound.family === 'IPv6' ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
  const scheme = tls === undefined ? 'http' : 'https';
  log.info({ httpAddress: address, scheme, clientCertificates: tls === undefined ? undefined : tls.requireClientCertificate ? 'require' : 'none' }, 'serving metrics and dashboard');
  let closing: Promise<void> | null = null;
  return {
    address,
    scheme,
    close() {
      offTls();
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Long polls and open tabs must not hold the shutdown up.
        const t = setTimeout(() => server.closeAllConnections(), 500);
        t.unref();
      });
      return closing;
    },
  };
}

/** Who sent a request: their token and its holder, or none (auth off: no token is asked for). */
interface Caller {
  readonly token: string | null;
  readonly identity: Identity | null;
}

/**
 * The caller of `req`, when it may go on to something that needs `role`: with auth on, a request
 * without a valid token is answered 401, one whose token lacks the role 403.
 */
function authorize(o: HttpServerOptions, req: http.IncomingMessage, role: Role | null): Caller {
  if (o.auth === undefined) return { token: null, identity: null };
  const token = bearerToken(req.headers.authorization);
  const identity = token === null ? null : o.auth.authenticate(token);
  if (token === null || identity === null) {
    throw new RaftJobsError(ErrorCode.Unauthenticated, token === null ? 'a token is required (header "Authorization: Bearer <token>")' : 'the token is not valid (unknown or revoked)');
  }
  if (role !== null && !hasRole(identity, role)) throw new RaftJobsError(ErrorCode.PermissionDenied, `token ${JSON.stringify(identity.name)} lacks the ${role} role`);
  return { token, identity };
}

async function handle(o: HttpServerOptions, files: ReadonlyMap<string, Buffer>, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (method === 'POST') {
    const action = ACTIONS.find((a) => a.path.test(path));
    if (action === undefined) throw new HttpError(404, `no such endpoint: POST ${path}`);
    if (!o.actionsEnabled) throw new HttpError(403, 'dashboard actions are disabled on this node: set dashboard.actionsEnabled to true in the cluster config (or RAFTJOBS_DASHBOARD_ACTIONS=1) to allow the job, queue, schedule and membership actions');
    if (req.headers[ACTION_HEADER] !== '1') throw new HttpError(403, `actions need the ${ACTION_HEADER}: 1 header (sent by the dashboard itself)`);
    // Every dashboard action is for admin tokens only (the cluster checks the role again).
    const dashboard = o.dashboard(authorize(o, req, 'admin').token);
    await drain(req);
    sendJson(res, 200, await action.run(dashboard, action.path.exec(path) as RegExpExecArray, url));
    return;
  }
  if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `method ${method} not allowed`);

  const page = STATIC[path];
  if (page !== undefined) {
    const body = files.get(page.file) ?? Buffer.alloc(0);
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': page.type, 'content-length': body.length, 'cache-control': 'no-cache' });
    res.end(method === 'HEAD' ? undefined : body);
    return;
  }
  if (o.auth !== undefined) {
    if (path === '/metrics' && o.auth.metricsRequireToken) authorize(o, req, 'read');
    if ((path === '/healthz' || path === '/readyz') && o.auth.healthRequireToken) authorize(o, req, 'read');
  }
  if (!path.startsWith('/api/')) return handleOpen(o, path, res);
  const caller = authorize(o, req, null);
  const dashboard = o.dashboard(caller.token);
  switch (path) {
    case '/api/whoami':
      sendJson(res, 200, { auth: o.auth !== undefined, name: caller.identity?.name ?? null, roles: caller.identity?.roles ?? [] });
      return;
    case '/api/config':
      sendJson(res, 200, { nodeId: o.nodeId, clusterId: o.clusterId, actionsEnabled: o.actionsEnabled, readiness: o.readiness() });
      return;
    case '/api/cluster':
      sendJson(res, 200, await dashboard.cluster());
      return;
    case '/api/queues':
      sendJson(res, 200, await dashboard.queues());
      return;
    case '/api/throughput':
      sendJson(res, 200, o.throughput.series());
      return;
    case '/api/dead': {
      const queue = url.searchParams.get('queue') ?? '';
      const pageToken = url.searchParams.get('pageToken') ?? '';
      sendJson(res, 200, await dashboard.dead({ ...(queue !== '' ? { queue } : {}), ...(pageToken !== '' ? { pageToken } : {}) }));
      return;
    }
    case '/api/workers':
      sendJson(res, 200, await dashboard.workers());
      return;
    case '/api/schedules':
      sendJson(res, 200, await dashboard.schedules());
      return;
    default: {
      const m = /^\/api\/jobs\/([^/]+)$/.exec(path);
      if (m !== null) {
        sendJson(res, 200, await dashboard.job(jobId(decodeURIComponent(m[1] ?? ''))));
        return;
      }
      throw new HttpError(404, `not found: ${path}`);
    }
  }
}

/** `/metrics`, `/healthz` and `/readyz` (their token check is done). */
async function handleOpen(o: HttpServerOptions, path: string, res: http.ServerResponse): Promise<void> {
  switch (path) {
    case '/metrics': {
      const text = await o.metrics.metrics();
      res.writeHead(200, { 'content-type': o.metrics.contentType, 'cache-control': 'no-store' });
      res.end(text);
      return;
    }
    case '/healthz':
      sendText(res, 200, 'ok\n');
      return;
    case '/readyz': {
      const r = o.readiness();
      const notes = (r.notes ?? []).map((n) => `${n}\n`).join('');
      sendText(res, r.ready ? 200 : 503, `${r.ready ? 'ready' : 'not ready'}: ${r.reason}\n${notes}`);
      return;
    }
    default:
      throw new HttpError(404, `not found: ${path}`);
  }
}

/** The dashboard's actions: a POST path, and what it asks of the dashboard's API. */
const ACTIONS: readonly { readonly path: RegExp; run(d: DashboardApi, m: RegExpExecArray, url: URL): Promise<unknown> }[] = [
  {
    path: /^\/api\/jobs\/([^/]+)\/(retry|cancel)$/,
    run: (d, m) => {
      const id = jobId(decodeURIComponent(m[1] ?? ''));
      return m[2] === 'retry' ? d.retryDead(id) : d.cancel(id, DASHBOARD_CANCEL_REASON);
    },
  },
  { path: /^\/api\/schedules\/([^/]+)\/(pause|resume|trigger)$/, run: (d, m) => d.scheduleAction(scheduleId(decodeURIComponent(m[1] ?? '')), m[2] as 'pause' | 'resume' | 'trigger') },
  { path: /^\/api\/queues\/([^/]+)\/(pause|resume)$/, run: (d, m) => d.queueAction(queueName(decodeURIComponent(m[1] ?? '')), m[2] as 'pause' | 'resume') },
  // Bulk actions on a queue's jobs (see bulk-request.ts). `?dryRun=1` counts them first: the page
  // shows the count before the operator confirms.
  {
    path: /^\/api\/queues\/([^/]+)\/(retry-dead|cancel|purge)$/,
    run: (d, m, url) => d.bulkJobs(dashboardBulkRequest(m[2] ?? '', queueName(decodeURIComponent(m[1] ?? '')), url.searchParams)),
  },
  { path: /^\/api\/members\/([^/]+)\/(promote|remove)$/, run: (d, m) => d.memberAction(memberId(decodeURIComponent(m[1] ?? '')), m[2] as 'promote' | 'remove') },
  {
    path: /^\/api\/leadership\/transfer$/,
    run: (d, _m, url) => {
      const to = url.searchParams.get('to');
      return d.transferLeadership(to === null || to === '' ? null : memberId(to));
    },
  },
];

/** A node id, as proto/admin.proto allows them. */
const MEMBER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function memberId(text: string): string {
  if (!MEMBER_ID.test(text)) throw new HttpError(400, `not a node id: ${JSON.stringify(text.slice(0, 80))}`);
  return text;
}

/** A queue name: [A-Za-z0-9._:-], 1..128 characters (the default `limits.maxQueueNameLength`; the cluster checks it again). */
const QUEUE_NAME = /^[A-Za-z0-9._:-]{1,128}$/;

function queueName(text: string): string {
  if (!QUEUE_NAME.test(text)) throw new HttpError(400, `not a queue name: ${JSON.stringify(text.slice(0, 80))}`);
  return text;
}

/** A schedule id: [A-Za-z0-9._:-], 1..128 characters. */
const SCHEDULE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function scheduleId(text: string): string {
  if (!SCHEDULE_ID.test(text)) throw new HttpError(400, `not a schedule id: ${JSON.stringify(text.slice(0, 80))}`);
  return text;
}

function jobId(text: string): string {
  if (!JOB_ID.test(text)) throw new HttpError(400, `not a job id: ${JSON.stringify(text.slice(0, 80))}`);
  return text;
}

/** Read and discard a request body (at most 64 KiB). */
async function drain(req: http.IncomingMessage): Promise<void> {
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new HttpError(413, 'request body too large');
  }
}

function httpStatus(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  if (err instanceof RaftJobsError) {
    switch (err.code) {
      case ErrorCode.InvalidArgument:
        return 400;
      case ErrorCode.NotFound:
        return 404;
      case ErrorCode.LimitExceeded:
        return 429;
      case ErrorCode.Unauthenticated:
        return 401;
      case ErrorCode.PermissionDenied:
        return 403;
      case ErrorCode.StaleToken:
      case ErrorCode.IllegalTransition:
      case ErrorCode.AlreadyExists:
        return 409;
      case ErrorCode.NotLeader:
      case ErrorCode.NoLeader:
      case ErrorCode.ShuttingDown:
      case ErrorCode.OutcomeUnknown:
      case ErrorCode.Timeout:
      case ErrorCode.Overloaded:
      case ErrorCode.ChangePending:
        return 503;
      default:
        return 500;
    }
  }
  return 500;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}
