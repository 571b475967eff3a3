import type { PeerCertificate } from 'node:tls';

/**
 * What a raftjobs certificate is for. Each names its holder in a URI subject alternative name,
 * `raftjobs://<kind>/<name>`: a node by its id, a client or worker by the name it was issued for.
 */
export const IdentityKind = { Node: 'node', Client: 'client', Worker: 'worker' } as const;
export type IdentityKind = (typeof IdentityKind)[keyof typeof IdentityKind];

/** One `raftjobs://kind/name` a certificate carries. */
export interface Identity {
  readonly kind: IdentityKind;
  readonly name: string;
}

const URI_PREFIX = 'raftjobs://';
const KINDS: ReadonlySet<string> = new Set(Object.values(IdentityKind));

/** The URI SAN that names `name` as a `kind`, e.g. `raftjobs://node/n1`. */
export function identityUri(kind: IdentityKind, name: string): string {
  return `${URI_PREFIX}${kind}/${name}`;
}

/**
 * The raftjobs identities in a certificate's subject alternative names, as Node renders them
 * (`DNS:localhost, IP Address:127.0.0.1, URI:raftjobs://node/n1`).
 */
export function identitiesOf(subjectAltName: string | undefined): Identity[] {
  if (subjectAltName === undefined) return [];
  const out: Identity[] = [];
  for (const part of subjectAltName.split(', ')) {
    const uri = part.startsWith('URI:') ? part.slice(4).replace(/^"(.*)"$/, '$1') : null;
    if (uri === null || !uri.startsWith(URI_PREFIX)) continue;
    const [kind, name, ...rest] = uri.slice(URI_PREFIX.length).split('/');
    if (kind !== undefined && KINDS.has(kind) && name !== undefined && name !== '' && rest.length === 0) out.push({ kind: kind as IdentityKind, name });
  }
  return out;
}

/** The node ids a certificate names (normally exactly one). */
export function nodeIdsOf(subjectAltName: string | undefined): string[] {
  return identitiesOf(subjectAltName)
    .filter((i) => i.kind === IdentityKind.Node)
    .map((i) => i.name);
}

/**
 * Why a peer certificate does not prove it belongs to node `id` (null when it does): missing, or
 * naming other nodes. Node certificates are issued by `raftjobs certs issue --node ID`.
 */
export function nodeIdentityProblem(cert: Pick<PeerCertificate, 'subjectaltname'> | undefined, id: string): string | null {
  if (cert === undefined) return `no verified client certificate; a peer must present its node certificate`;
  const ids = nodeIdsOf(cert.subjectaltname);
  if (ids.includes(id)) return null;
  return ids.length === 0 ? `the certificate names no node (expected ${identityUri(IdentityKind.Node, id)})` : `the certificate is for node ${ids.join(', ')}, not ${id}`;
}
