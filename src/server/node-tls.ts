import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { HttpTls } from '../observability/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { callerCertificate, nodeChannelCredentials, nodeIdentityProblem, nodeServerCredentials, nodeTlsFiles, readTlsMaterial, ReloadableCertificates, type TlsFiles } from '../tls/index.js';

/** Channel credentials a node dials with: `node` is the id the server must prove (null: any node). */
export type DialCredentials = (node: string | null) => grpc.ChannelCredentials;

/** Outcome of `NodeTls.reload`. */
export type TlsReload =
  | { readonly ok: true; readonly secure: false }
  | { readonly ok: true; readonly secure: true; readonly fingerprint: string; readonly notAfter: string }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * A node's TLS, or its absence: the credentials of its gRPC server and of every channel it dials
 * (peers, the leader it forwards to, its dashboard's client), all fed by one certificate provider
 * that `reload` refreshes from the files, for new connections only.
 */
export class NodeTls {
  private constructor(
    private readonly certs: ReloadableCertificates | null,
    private readonly files: TlsFiles | null,
    private readonly nodeId: string,
    private readonly requireClientCertificate: boolean,
    private readonly logger: Logger,
  ) {}

  /** @throws RaftJobsError CONFIG_INVALID when the files no longer pass the checks of config load. */
  static open(config: Config, nodeId: string, logger: Logger): NodeTls {
    if (config.tls === undefined) return new NodeTls(null, null, nodeId, false, logger);
    const files = nodeTlsFiles(config.tls, nodeId);
    const read = readTlsMaterial(files, { node: nodeId });
    if (!read.ok) throw new RaftJobsError(ErrorCode.ConfigInvalid, `tls: ${read.problems.map((p) => p.message).join('; ')}`, { problems: read.problems.map((p) => p.message) });
    logger.info({ fingerprint: read.material.fingerprint, notAfter: read.material.notAfter, clientCertificates: config.tls.clientCertificates }, 'tls on');
    return new NodeTls(new ReloadableCertificates(read.material), files, nodeId, config.tls.clientCertificates === 'require', logger);
  }

  get secure(): boolean {
    return this.certs !== null;
  }

  serverCredentials(): grpc.ServerCredentials {
    return this.certs === null ? grpc.ServerCredentials.createInsecure() : nodeServerCredentials(this.certs, this.requireClientCertificate);
  }

  readonly dial: DialCredentials = (node) => (this.certs === null ? grpc.credentials.createInsecure() : nodeChannelCredentials(this.certs, node));

  /**
   * HTTPS for the node's HTTP port from the same certificate, key and CA (a reload reaches it
   * too); undefined on a plaintext node.
   */
  httpTls(requireClientCertificate: boolean): HttpTls | undefined {
    const certs = this.certs;
    if (certs === null) return undefined;
    return { current: () => certs.material, onChange: (listener) => certs.onUpdate(() => listener()), requireClientCertificate };
  }

  /** The peer-stream check of `GrpcTransportOptions.authenticatePeer`; null on a plaintext node. */
  authenticatePeer(): ((call: grpc.ServerReadableStream<Buffer, unknown>, from: string) => string | null) | undefined {
    if (this.certs === null) return undefined;
    return (call, from) => nodeIdentityProblem(callerCertificate(call), from);
  }

  /**
   * Rereads the CA, certificate and key and, when they pass every check of config load, uses them
   * for connections made from now on; open connections and their streams are kept. Files that
   * fail a check change nothing.
   */
  reload(trigger = 'SIGHUP'): TlsReload {
    if (this.certs === null || this.files === null) return { ok: true, secure: false };
    const read = readTlsMaterial(this.files, { node: this.nodeId });
    if (!read.ok) {
      const problems = read.problems.map((p) => p.message);
      this.logger.error({ problems, trigger }, 'tls reload refused; keeping the certificates in use');
      return { ok: false, problems };
    }
    const previous = this.certs.material.fingerprint;
    this.certs.update(read.material);
    this.logger.info({ fingerprint: read.material.fingerprint, previous, notAfter: read.material.notAfter, trigger }, 'tls reloaded');
    return { ok: true, secure: true, fingerprint: read.material.fingerprint, notAfter: read.material.notAfter };
  }
}
