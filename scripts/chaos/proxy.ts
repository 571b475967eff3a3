import * as net from 'node:net';

/**
 * A TCP proxy on one directed peer link (node A dialling node B). `cut()` severs every open
 * connection and refuses new ones until `heal()`: to both processes this is a real network
 * partition of that link, whatever protocol runs over it.
 */
export class LinkProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private isCut = false;
  port = 0;

  constructor(
    readonly from: string,
    readonly to: string,
    private readonly target: { host: string; port: number },
  ) {}

  async listen(): Promise<number> {
    const server = net.createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  get cutNow(): boolean {
    return this.isCut;
  }

  cut(): void {
    this.isCut = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  heal(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    this.cut();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.isCut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
