import { createServer, type Server } from 'node:net';

function listen(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * `count` distinct TCP ports that were free on `host` a moment ago: each is found by binding port
 * 0, and all are held open together so the OS cannot hand out the same one twice, then released.
 * Another process could still take one before our node binds it; with ports from the ephemeral
 * range that is rare enough for tests.
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen(0, host));
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === 'string') throw new Error(`no TCP port for ${JSON.stringify(address)}`);
      return address.port;
    });
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** One free port; see {@link freePorts}. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [port] = await freePorts(1, host);
  if (port === undefined) throw new Error('freePorts returned nothing');
  return port;
}

/** True when nothing listens on `port` (we can bind it ourselves); releases it at once. */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  try {
    await close(await listen(port, host));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') return false;
    throw err;
  }
}
