import * as grpc from '@grpc/grpc-js';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { IdentityKind, identitiesOf, nodeIdentityProblem } from './identity.js';
import type { ReloadableCertificates } from './provider.js';

/** TLS for a client or worker: PEM contents (not paths). */
export interface ClientTls {
  /** CA bundle the nodes' certificates are checked against. Default: the system's roots. */
  readonly ca?: Buffer | string;
  /** Client certificate, for clusters that ask for one; needs `key`. */
  readonly cert?: Buffer | string;
  /** The client certificate's private key. */
  readonly key?: Buffer | string;
}

const bytes = (v: Buffer | string | undefined): Buffer | null => (v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(v));

/**
 * Host name check (Node's, against the DNS/IP SANs) and, besides, that the server is a raftjobs
 * node: `node` given, that exact node; otherwise any node. A certificate of a client or worker
 * from the same CA is refused, so a stolen client key cannot stand in for a node.
 */
export function checkNodeServer(node: string | null): (host: string, cert: PeerCertificate) => Error | undefined {
  return (host, cert) => {
    const hostProblem = checkServerIdentity(host, cert);
    if (hostProblem !== undefined) return hostProblem;
    if (node !== null) {
      const problem = nodeIdentityProblem(cert, node);
      return problem === null ? undefined : new Error(`server certificate refused: ${problem}`);
    }
    return identitiesOf(cert.subjectaltname).some((i) => i.kind === IdentityKind.Node) ? undefined : new Error('server certificate refused: it names no raftjobs node');
  };
}

/** Channel credentials of an SDK client or worker: insecure without `tls`. */
export function clientCredentials(tls: ClientTls | undefined): grpc.ChannelCredentials {
  if (tls === undefined) return grpc.credentials.createInsecure();
  const cert = bytes(tls.cert);
  const key = bytes(tls.key);
  if ((cert === null) !== (key === null)) throw new TypeError('tls: give both cert and key, or neither');
  return grpc.credentials.createSsl(bytes(tls.ca), key, cert, { checkServerIdentity: checkNodeServer(null) });
}

/**
 * Channel credentials a node dials with (peers, the leader it forwards to, its dashboard's own
 * client): its node certificate as client certificate, the cluster CA as trust root, both read
 * from `certs` at each new connection. `node`: the id the server must prove, or null for any node.
 */
export function nodeChannelCredentials(certs: ReloadableCertificates, node: string | null): grpc.ChannelCredentials {
  return grpc.experimental.createCertificateProviderChannelCredentials(certs, certs, { checkServerIdentity: checkNodeServer(node) });
}

/**
 * Server credentials of a node: its certificate, and client certificates checked against the
 * cluster CA. `requireClientCertificate`: refuse a TLS handshake without a valid client
 * certificate; otherwise one is asked for but optional, and a certificate that does not verify is
 * treated as none. Peers must present a node certificate either way (checked per stream).
 */
export function nodeServerCredentials(certs: ReloadableCertificates, requireClientCertificate: boolean): grpc.ServerCredentials {
  // One provider serves as both the identity and the CA provider.
  return grpc.experimental.createCertificateProviderServerCredentials(certs, certs, requireClientCertificate);
}

/** The verified certificate a call's client presented, if any (absent on plaintext or unverified connections). */
export function callerCertificate(call: { getAuthContext(): { sslPeerCertificate?: PeerCertificate } }): PeerCertificate | undefined {
  return call.getAuthContext().sslPeerCertificate;
}
