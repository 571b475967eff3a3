/**
 * TLS for nodes, clients and workers: certificate identities (`raftjobs://node/<id>`), reading
 * and checking certificate files, a reloadable certificate provider, and gRPC credentials. The
 * certificate authority tool is `raftjobs certs` (src/cli/certs.ts).
 */
export { IdentityKind, identitiesOf, identityUri, nodeIdentityProblem, nodeIdsOf, type Identity } from './identity.js';
export { CA_CERT_FILE, CA_KEY_FILE, certFileNames, nodeTlsFiles, readCaProblems, readTlsMaterial, type TlsFiles, type TlsMaterial, type TlsProblem, type TlsReadResult } from './material.js';
export { ReloadableCertificates } from './provider.js';
export { callerCertificate, checkNodeServer, clientCredentials, nodeChannelCredentials, nodeServerCredentials, type ClientTls } from './credentials.js';
