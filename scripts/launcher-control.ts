/**
 * The control socket of a local cluster run by `npm start` (scripts/cluster.ts): a Unix socket at
 * `<dataDir>/launcher.sock` through which the launcher restarts one of its own nodes on request.
 * The restarted node stays the launcher's: its output goes on to `<dataDir>/<id>.log` and Ctrl-C
 * stops it with the others. `npm run rolling-restart -- --local` restarts nodes this way.
 *
 * HTTP over the socket (0600, so only its owner can ask):
 * - `GET /nodes`: `[{ id, pid, ready }]`, the nodes the launcher runs (`pid` null when stopped);
 * - `POST /nodes/<id>/restart`: SIGTERM to the node (SIGKILL once its shutdown deadline passed),
 *   then start it again; answers once it logged "node ready" with `{ id, oldPid, pid }`, or with an
 *   error status and `{ error }` (404 unknown node, 409 busy or stopping, 500 it did not come up).
 */
import { chmodSync, unlinkSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';

/** The socket's name in the cluster's data directory. */
export const LAUNCHER_SOCKET = 'launcher.sock';

/** Where the launcher of a cluster whose data directory is `dataDir` listens. */
export function launcherSocketPath(dataDir: string): string {
  return join(dataDir, LAUNCHER_SOCKET);
}

/** One node as the launcher runs it. */
export interface LauncherNode {
  readonly id: string;
  /** Null while it is not running. */
  readonly pid: number | null;
  readonly ready: boolean;
}

/** A restart the launcher made. */
export interface LauncherRestart {
  readonly id: string;
  /** Null when the node was not running. */
  readonly oldPid: number | null;
  readonly pid: number;
}

/** An error with the HTTP status the control socket answers it with. */
export class LauncherError extends Error {
  override readonly name = 'LauncherError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What the socket serves: the launcher's own bookkeeping. */
export interface LauncherNodes {
  list(): LauncherNode[];
  /** Rejects with a {@link LauncherError} (or any error, answered 500). */
  restart(id: string): Promise<LauncherRestart>;
}

/**
 * Serves `nodes` on the Unix socket `path`. A socket file left by a launcher that died is replaced;
 * one another launcher still answers on is not (rejects with EADDRINUSE). `close` also removes
 * the file.
 */
export async function serveLauncherControl(path: string, nodes: LauncherNodes): Promise<{ close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const restart = /^\/nodes\/([^/]+)\/restart$/.exec(req.url ?? '');
    if (req.method === 'GET' && req.url === '/nodes') return send(200, nodes.list());
    if (req.method !== 'POST' || restart === null) return send(404, { error: `no such request: ${String(req.method)} ${String(req.url)}` });
    nodes.restart(decodeURIComponent(restart[1] ?? '')).then(
      (r) => send(200, r),
      (err: unknown) => send(err instanceof LauncherError ? err.status : 500, { error: err instanceof Error ? err.message : String(err) }),
    );
  });
  // A restart waits for the node's shutdown and start: no HTTP timeout of its own.
  server.requestTimeout = 0;
  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || (await answers(path))) throw err;
    unlinkSync(path);
    await listen();
  }
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        try {
          unlinkSync(path);
        } catch {
          // Already gone.
        }
      }),
  };
}

/** Whether something accepts connections on the socket `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The nodes the launcher at `path` runs. */
export function launcherNodes(path: string, timeoutMs: number): Promise<LauncherNode[]> {
  return request<LauncherNode[]>(path, 'GET', '/nodes', timeoutMs);
}

/** Asks the launcher at `path` to restart node `id`; resolves once it is up again. */
export function restartThroughLauncher(path: string, id: string, timeoutMs: number): Promise<LauncherRestart> {
  return request<LauncherRestart>(path, 'POST', `/nodes/${encodeURIComponent(id)}/restart`, timeoutMs);
}

function request<T>(path: string, method: string, url: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const req = http.request({ socketPath: path, method, path: url, timeout: timeoutMs, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = { error: text };
        }
        if (res.statusCode === 200) resolve(body as T);
        else reject(new LauncherError(res.statusCode ?? 500, (body as { error?: string }).error ?? `HTTP ${String(res.statusCode)}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`the launcher did not answer ${method} ${url} within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') reject(new Error(`no cluster launcher listens at ${path}: run the cluster with npm start (with the same --config and --data-dir)`));
      else reject(err);
    });
    req.end();
  });
}
