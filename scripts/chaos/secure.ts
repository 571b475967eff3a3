/**
 * A secured chaos run (`--tls`, `--auth`): the same faults on a cluster with mutual TLS (client
 * certificates required) and bearer tokens with roles, as README "Running securely" and
 * "Authentication" set one up. Certificates come from `raftjobs certs`' own functions: the cluster
 * harness makes the CA and the node certificates in `<run dir>/certs` (each naming its node and
 * `localhost`/`127.0.0.1`: the link proxies listen on 127.0.0.1, so a peer dialling another through
 * its proxy still finds the host and the node it dialled in the certificate); this adds one for the
 * run's clients and one per worker. Tokens: the clients hold `submit` and `read` (submits,
 * schedules, the final read-back, and the harness's status calls), the workers `work`, and the
 * run's membership changes `admin` (the operator's removals, and each node started with `--join`,
 * which asks the leader to add it with the token in `RAFTJOBS_TOKEN`).
 */
import type * as grpc from '@grpc/grpc-js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueCertificate } from '../../src/cli/certs.js';
import { Client, clientCredentials, type ClientOptions, type ClientTls } from '../../src/client/index.js';
import { generateToken, hashToken, type TokenConfig } from '../../src/config/index.js';
import { CA_CERT_FILE, certFileNames, IdentityKind, type Identity } from '../../src/tls/index.js';
import type { ClusterOptions } from '../lib/index.js';

/** The holder of the run's client certificate: submitters, the schedule admin and the final reads. */
const CLIENT: Identity = { kind: IdentityKind.Client, name: 'chaos' };

export class ChaosSecurity {
  readonly tls: boolean;
  readonly auth: boolean;
  readonly #clientToken: string | null;
  readonly #workerToken: string | null;
  readonly #adminToken: string | null;
  #clientTls: ClientTls | null = null;
  #certsDir: string | null = null;
  #workerTokenFile: string | null = null;

  /** Makes the tokens (their hashes go into the cluster's config); certificates wait for {@link issue}. */
  constructor(o: { readonly tls: boolean; readonly auth: boolean }) {
    this.tls = o.tls;
    this.auth = o.auth;
    this.#clientToken = o.auth ? generateToken() : null;
    this.#workerToken = o.auth ? generateToken() : null;
    this.#adminToken = o.auth ? generateToken() : null;
  }

  /** Cluster options: the `tls` section, and the token of the harness's status calls. */
  clusterOptions(): Pick<ClusterOptions, 'tls' | 'token'> {
    return { ...(this.tls ? { tls: { clientCertificates: 'require' } } : {}), ...(this.#clientToken === null ? {} : { token: this.#clientToken }) };
  }

  /** The config's `auth` section (only the tokens' hashes), or nothing. */
  authConfig(): { auth?: { enabled: true; tokens: TokenConfig[] } } {
    if (this.#clientToken === null || this.#workerToken === null || this.#adminToken === null) return {};
    return {
      auth: {
        enabled: true,
        tokens: [
          { name: 'chaos-client', hash: hashToken(this.#clientToken), roles: ['submit', 'read'] },
          { name: 'chaos-worker', hash: hashToken(this.#workerToken), roles: ['work'] },
          { name: 'chaos-admin', hash: hashToken(this.#adminToken), roles: ['admin'] },
        ],
      },
    };
  }

  /**
   * Once the cluster is created (its CA in `certsDir`): the clients' and each worker's certificate,
   * and the workers' token in a 0600 file of the run directory (not on their command lines).
   */
  async issue(runDir: string, certsDir: string | null, workerIds: readonly string[]): Promise<void> {
    if (this.tls) {
      if (certsDir === null) throw new Error('a TLS chaos run needs the cluster created with tls');
      this.#certsDir = certsDir;
      for (const who of [CLIENT, ...workerIds.map((name) => ({ kind: IdentityKind.Worker, name }))]) await issueCertificate(certsDir, { who });
      const files = certFileNames(CLIENT);
      const read = (name: string): Buffer => readFileSync(join(certsDir, name));
      this.#clientTls = { ca: read(CA_CERT_FILE), cert: read(files.cert), key: read(files.key) };
    }
    if (this.#workerToken !== null) {
      this.#workerTokenFile = join(runDir, 'worker.token');
      writeFileSync(this.#workerTokenFile, `${this.#workerToken}\n`, { mode: 0o600 });
    }
  }

  /** What an SDK client of the run adds to its options. */
  clientOptions(): { tls?: ClientTls; token?: string } {
    return { ...(this.#clientTls === null ? {} : { tls: this.#clientTls }), ...(this.#clientToken === null ? {} : { token: this.#clientToken }) };
  }

  /** What an SDK client making the run's admin calls (queue policies) adds to its options. */
  adminClientOptions(): { tls?: ClientTls; token?: string } {
    return { ...(this.#clientTls === null ? {} : { tls: this.#clientTls }), ...(this.#adminToken === null ? {} : { token: this.#adminToken }) };
  }

  /** How the run's membership calls reach the nodes: the client certificate, and the admin token. */
  adminCall(): { credentials?: grpc.ChannelCredentials; token?: string } {
    return { ...(this.#clientTls === null ? {} : { credentials: clientCredentials(this.#clientTls) }), ...(this.#adminToken === null ? {} : { token: this.#adminToken }) };
  }

  /** Environment of every node: the admin token a node started with `--join` asks the leader with. */
  nodeEnv(): Record<string, string> {
    return this.#adminToken === null ? {} : { RAFTJOBS_TOKEN: this.#adminToken };
  }

  /** The flags of worker-process.ts for worker `id`: its certificate and the token file, as `raftjobs work` takes them. */
  workerArgs(id: string): string[] {
    const args: string[] = [];
    if (this.#certsDir !== null) {
      const files = certFileNames({ kind: IdentityKind.Worker, name: id });
      args.push('--ca', join(this.#certsDir, CA_CERT_FILE), '--cert', join(this.#certsDir, files.cert), '--key', join(this.#certsDir, files.key));
    }
    if (this.#workerTokenFile !== null) args.push('--token-file', this.#workerTokenFile);
    return args;
  }

  /**
   * What the cluster let through that it must refuse: with TLS, a call with the token but no
   * client certificate; with auth, a call with the certificate but no token. Empty when it refused
   * both, so a run meant to be secured that silently is not fails instead of passing as plaintext.
   */
  async unsecuredCallsAccepted(nodes: readonly string[]): Promise<string[]> {
    const tries: [string, Partial<ClientOptions>][] = [];
    const tls = this.#clientTls;
    if (tls !== null) tries.push(['a call without a client certificate', { tls: { ...(tls.ca === undefined ? {} : { ca: tls.ca }) }, ...(this.#clientToken === null ? {} : { token: this.#clientToken }) }]);
    if (this.auth) tries.push(['a call without a token', tls === null ? {} : { tls }]);
    const accepted: string[] = [];
    for (const [what, options] of tries) {
      // Refused at the handshake, a call is retried as unavailable until its deadline.
      const client = new Client({ nodes, deadlineMs: 1500, ...options });
      try {
        await client.stats();
        accepted.push(`${what} was accepted`);
      } catch {
        // Refused, as it must be.
      } finally {
        client.close();
      }
    }
    return accepted;
  }
}

/** `, mutual TLS, auth tokens` (or less, or nothing) for a run's first line and its report. */
export function securityNote(o: { readonly tls: boolean; readonly auth: boolean }): string {
  return `${o.tls ? ', mutual TLS' : ''}${o.auth ? ', auth tokens' : ''}`;
}
