import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { identityUri, nodeIdsOf, type Identity } from './identity.js';

/** The files of one TLS identity: the CA bundle to verify others against, our certificate and key. */
export interface TlsFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** File contents, checked: the certificate matches the key, was issued by the CA and is in date. */
export interface TlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  /** SHA-256 fingerprint of the certificate (`AB:CD:...`), for logs. */
  readonly fingerprint: string;
  /** End of the certificate's validity, ISO 8601. */
  readonly notAfter: string;
}

/** Names of the files `raftjobs certs` writes in its directory for `kind`/`name`. */
export function certFileNames(who: Identity): { readonly cert: string; readonly key: string } {
  return { cert: `${who.kind}-${who.name}.crt`, key: `${who.kind}-${who.name}.key` };
}

/** The CA files in a certificate directory. */
export const CA_CERT_FILE = 'ca.crt';
export const CA_KEY_FILE = 'ca.key';

/** The files node `id` uses, by the naming of `raftjobs certs issue --node ID`. */
export function nodeTlsFiles(tls: { readonly caFile: string; readonly certsDir: string }, id: string): TlsFiles {
  const names = certFileNames({ kind: 'node', name: id });
  return { caFile: tls.caFile, certFile: join(tls.certsDir, names.cert), keyFile: join(tls.certsDir, names.key) };
}

/** One problem with a TLS file, naming the field (`caFile`, `certFile`, `keyFile`) and the path. */
export interface TlsProblem {
  readonly field: keyof TlsFiles;
  readonly message: string;
}

/** Outcome of `readTlsMaterial`. */
export type TlsReadResult = { readonly ok: true; readonly material: TlsMaterial } | { readonly ok: false; readonly problems: readonly TlsProblem[] };

function read(path: string, field: keyof TlsFiles, problems: TlsProblem[]): Buffer | null {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    problems.push({ field, message: `${path}: cannot read: ${why}` });
    return null;
  }
}

function parseCert(bytes: Buffer, path: string, field: keyof TlsFiles, problems: TlsProblem[]): X509Certificate | null {
  try {
    return new X509Certificate(bytes);
  } catch (err) {
    problems.push({ field, message: `${path}: not a PEM certificate (${(err as Error).message})` });
    return null;
  }
}

/**
 * Reads and checks a CA, certificate and key, reporting every problem at once: each file readable
 * and parseable, the CA a CA, the key the certificate's, the certificate issued by the CA and
 * valid at `now`, and, when `node` is given, naming that node id (`raftjobs://node/<id>`).
 * Used at config load and again on every reload, so a bad file on SIGHUP changes nothing.
 */
export function readTlsMaterial(files: TlsFiles, o: { readonly node?: string; readonly now?: Date } = {}): TlsReadResult {
  const problems: TlsProblem[] = [];
  const caBytes = read(files.caFile, 'caFile', problems);
  const certBytes = read(files.certFile, 'certFile', problems);
  const keyBytes = read(files.keyFile, 'keyFile', problems);
  const ca = caBytes === null ? null : parseCert(caBytes, files.caFile, 'caFile', problems);
  const cert = certBytes === null ? null : parseCert(certBytes, files.certFile, 'certFile', problems);
  let key: KeyObject | null = null;
  if (keyBytes !== null) {
    try {
      key = createPrivateKey(keyBytes);
    } catch (err) {
      problems.push({ field: 'keyFile', message: `${files.keyFile}: not a PEM private key (${(err as Error).message})` });
    }
  }
  if (ca !== null && !ca.ca) problems.push({ field: 'caFile', message: `${files.caFile}: not a CA certificate (basicConstraints CA:FALSE)` });
  if (cert !== null && key !== null && !cert.checkPrivateKey(key)) problems.push({ field: 'keyFile', message: `${files.keyFile}: does not match the certificate ${files.certFile}` });
  if (cert !== null && ca !== null && !(cert.checkIssued(ca) && cert.verify(ca.publicKey))) {
    problems.push({ field: 'certFile', message: `${files.certFile}: not issued by the CA in ${files.caFile}` });
  }
  if (cert !== null) {
    const now = o.now ?? new Date();
    if (new Date(cert.validTo) < now) problems.push({ field: 'certFile', message: `${files.certFile}: expired on ${new Date(cert.validTo).toISOString()}` });
    if (new Date(cert.validFrom) > now) problems.push({ field: 'certFile', message: `${files.certFile}: not valid before ${new Date(cert.validFrom).toISOString()}` });
    if (o.node !== undefined) {
      const ids = nodeIdsOf(cert.subjectAltName);
      if (!ids.includes(o.node)) {
        const found = ids.length === 0 ? 'names no node' : `names node ${ids.join(', ')}`;
        problems.push({ field: 'certFile', message: `${files.certFile}: ${found}; node ${o.node} needs a certificate with the SAN ${identityUri('node', o.node)} (raftjobs certs issue --node ${o.node})` });
      }
    }
  }
  if (problems.length > 0 || caBytes === null || certBytes === null || keyBytes === null || cert === null) return { ok: false, problems };
  return { ok: true, material: { ca: caBytes, cert: certBytes, key: keyBytes, fingerprint: cert.fingerprint256, notAfter: new Date(cert.validTo).toISOString() } };
}

/** Reads and checks a CA file alone (a client's trust root). */
export function readCaProblems(caFile: string): string[] {
  const problems: TlsProblem[] = [];
  const bytes = read(caFile, 'caFile', problems);
  const ca = bytes === null ? null : parseCert(bytes, caFile, 'caFile', problems);
  if (ca !== null && !ca.ca) problems.push({ field: 'caFile', message: `${caFile}: not a CA certificate (basicConstraints CA:FALSE)` });
  return problems.map((p) => p.message);
}
