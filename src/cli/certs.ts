import { randomBytes, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type * as X509Module from '@peculiar/x509';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { CA_CERT_FILE, CA_KEY_FILE, certFileNames, IdentityKind, identityUri, type Identity } from '../tls/index.js';

/**
 * The certificate authority of `raftjobs certs`, on @peculiar/x509: it builds and signs X.509
 * with Node's own WebCrypto (ECDSA P-256, SHA-256), so no ASN.1 is written by hand and no key
 * leaves Node's crypto. The library is loaded only by this command, never by a node or the SDK.
 */
type X509Lib = typeof X509Module;

let lib: Promise<X509Lib> | null = null;
function x509(): Promise<X509Lib> {
  lib ??= (async () => {
    // The library's dependency injection (tsyringe) needs the Reflect metadata polyfill first.
    await import('reflect-metadata');
    const m = await import('@peculiar/x509');
    m.cryptoProvider.set(webcrypto as unknown as Parameters<X509Lib["cryptoProvider"]["set"]>[0]);
    return m;
  })();
  return lib;
}

const KEY_ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/** Names of clients, workers and nodes: the node id pattern, so they fit in a URI and a file name. */
export const CERT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** What `init` and `issue` wrote. */
export interface WrittenFiles {
  readonly cert: string;
  readonly key: string;
}

function pemKey(pkcs8: ArrayBuffer): string {
  const b64 = Buffer.from(pkcs8).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

/** Writes through a temporary file and a rename, so a node rereading on SIGHUP never sees half a file. */
function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode, flag: 'wx' });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

function serial(): string {
  // Positive, 16 random bytes.
  const b = randomBytes(16);
  b[0] = (b[0] as number) & 0x7f;
  return b.toString('hex');
}

/**
 * `raftjobs certs init`: a new cluster CA, `ca.crt` (0644) and `ca.key` (0600), in `dir`. Refuses
 * to replace an existing CA: every certificate it issued would stop working.
 */
export async function initCa(dir: string, o: { readonly days?: number; readonly name?: string; readonly now?: Date } = {}): Promise<WrittenFiles> {
  const cert = join(dir, CA_CERT_FILE);
  const key = join(dir, CA_KEY_FILE);
  for (const p of [cert, key]) if (existsSync(p)) throw new RaftJobsError(ErrorCode.InvalidArgument, `${p} exists; a new CA would invalidate every certificate issued by it (remove it first if that is what you want)`);
  const m = await x509();
  const keys = await webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify']);
  const now = o.now ?? new Date();
  const ca = await m.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${o.name ?? 'raftjobs cluster CA'}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (o.days ?? 3650) * DAY_MS),
    signingAlgorithm: SIGN_ALG,
    keys,
    extensions: [
      new m.BasicConstraintsExtension(true, 0, true),
      new m.KeyUsagesExtension(m.KeyUsageFlags.keyCertSign | m.KeyUsageFlags.cRLSign, true),
      await m.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeAtomic(key, pemKey(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), 0o600);
  writeAtomic(cert, ca.toString('pem') + '\n', 0o644);
  return { cert, key };
}

/** Options of `issueCertificate`. */
export interface IssueOptions {
  /** Whom for: a node id, or a client's or worker's name. */
  readonly who: Identity;
  /** Host names and IP addresses a node is dialled at (DNS/IP SANs). Default for a node: localhost and 127.0.0.1. */
  readonly hosts?: readonly string[];
  /** Validity, days. Default 365. */
  readonly days?: number;
  readonly now?: Date;
}

/**
 * `raftjobs certs issue`: a key (0600) and a certificate signed by the CA in `dir`, written as
 * `<kind>-<name>.crt/.key` there. The certificate names its holder as `raftjobs://<kind>/<name>`
 * (and CN=<name>); a node's also carries its hosts and may serve and dial (serverAuth and
 * clientAuth), a client's or worker's only dial. Issuing again replaces the files: that is how a
 * certificate is rotated (a node notices within `server.fileWatchIntervalMs`, or at SIGHUP).
 */
export async function issueCertificate(dir: string, o: IssueOptions): Promise<WrittenFiles> {
  if (!CERT_NAME_PATTERN.test(o.who.name)) throw new RaftJobsError(ErrorCode.InvalidArgument, `${o.who.kind} name ${JSON.stringify(o.who.name)}: must be 1-63 letters, digits, "-" or "_", starting with a letter or digit`);
  const caCertPath = join(dir, CA_CERT_FILE);
  const caKeyPath = join(dir, CA_KEY_FILE);
  let caPem: string;
  let caKeyPem: string;
  try {
    caPem = readFileSync(caCertPath, 'utf8');
    caKeyPem = readFileSync(caKeyPath, 'utf8');
  } catch (err) {
    throw new RaftJobsError(ErrorCode.InvalidArgument, `no CA in ${dir} (${(err as Error).message}); run raftjobs certs init --dir ${dir} first`, {}, { cause: err });
  }
  const isNode = o.who.kind === IdentityKind.Node;
  const hosts = o.hosts ?? (isNode ? ['localhost', '127.0.0.1'] : []);
  if (!isNode && hosts.length > 0) throw new RaftJobsError(ErrorCode.InvalidArgument, '--host is for node certificates only');
  const m = await x509();
  const caCert = new m.X509Certificate(caPem);
  if (!new NodeX509(caPem).ca) throw new RaftJobsError(ErrorCode.InvalidArgument, `${caCertPath} is not a CA certificate`);
  const caKeyDer = Buffer.from(caKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const caKey = await webcrypto.subtle.importKey('pkcs8', caKeyDer, KEY_ALG, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify']);
  const now = o.now ?? new Date();
  const names = [
    { type: 'url' as const, value: identityUri(o.who.kind, o.who.name) },
    ...hosts.map((h) => ({ type: isIP(h) === 0 ? ('dns' as const) : ('ip' as const), value: h })),
  ];
  const usage = isNode ? [m.ExtendedKeyUsage.serverAuth, m.ExtendedKeyUsage.clientAuth] : [m.ExtendedKeyUsage.clientAuth];
  const cert = await m.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${o.who.name}`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (o.days ?? 365) * DAY_MS),
    signingAlgorithm: SIGN_ALG,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new m.BasicConstraintsExtension(false, undefined, true),
      new m.KeyUsagesExtension(m.KeyUsageFlags.digitalSignature, true),
      new m.ExtendedKeyUsageExtension(usage),
      new m.SubjectAlternativeNameExtension(names),
      await m.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await m.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  const files = certFileNames(o.who);
  const out = { cert: join(dir, files.cert), key: join(dir, files.key) };
  // Key first: a node reloading between the two writes then refuses the pair (key does not match) and keeps the old one.
  writeAtomic(out.key, pemKey(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), 0o600);
  writeAtomic(out.cert, cert.toString('pem') + '\n', 0o644);
  return out;
}
