import { connect } from 'node:tls';
import { ErrorCode, RaftJobsError, TlsMismatch } from '../errors/index.js';
import type { ClientTls } from '../tls/index.js';
import { isServiceError } from './errors.js';

/** Why a node could not be reached: a call to it never left this process. */
export interface Unreachable {
  /**
   * `unresolvable`: its host name does not resolve; `not-grpc`: something that is not a gRPC
   * server answered (an HTTP/1 port, such as a node's `httpAddress`); `tls`: the TLS handshake
   * failed for a reason `tls` names; `refused`: nothing listens there; `other`: the connection
   * failed otherwise.
   */
  readonly kind: 'unresolvable' | 'not-grpc' | 'tls' | 'refused' | 'other';
  /** Readable, without grpc-js's internals. */
  readonly reason: string;
  /** With kind `tls`: what did not match. */
  readonly tls?: TlsMismatch;
  /** With kind `tls`: `reason` without the address, so that nodes failing alike are named once. */
  readonly cause?: string;
  /**
   * grpc-js said only "Failed to connect": the connection closed during the handshake, which is
   * what a TLS node does to a plaintext client, and a node that refuses a client certificate after
   * TLS 1.3's handshake. {@link explainUnreachable} finds out which.
   */
  readonly unexplained?: boolean;
}

/**
 * What each mismatch means for the client, after the node's address: the cause, and in brackets
 * the fix in words that hold for the SDK and the CLI alike (the CLI adds its flags).
 */
const TLS_CAUSES: Readonly<Record<TlsMismatch, string>> = {
  [TlsMismatch.ServerSpeaksTls]: 'speaks TLS, and this client dials in plaintext (trust the cluster CA to dial it over TLS)',
  [TlsMismatch.ServerPlaintext]: 'does not speak TLS, and this client dials TLS (dial it in plaintext, or give the cluster a tls section)',
  [TlsMismatch.UntrustedServer]: 'serves a certificate that is not signed by the CA this client trusts (trust the cluster CA, its ca.crt)',
  [TlsMismatch.ServerCertificateExpired]: 'serves a certificate that has expired or is not valid yet (the node needs a new certificate)',
  [TlsMismatch.ServerIdentity]: 'serves a certificate that does not name it as a raftjobs node at this address (dial a host its certificate names)',
  [TlsMismatch.ClientCertificateRequired]: 'requires a client certificate, and this client sent none (give it one issued by the cluster CA)',
  [TlsMismatch.ClientCertificateRefused]: "refused this client's certificate (give it one issued by the cluster CA, in date)",
};

/** What OpenSSL and Node say about a failed handshake, in the words of each mismatch (first match wins). */
const TLS_ERRORS: readonly (readonly [RegExp, TlsMismatch])[] = [
  [/wrong version number|packet length too long|unknown protocol/i, TlsMismatch.ServerPlaintext],
  [/alert certificate required|alert number 116\b/i, TlsMismatch.ClientCertificateRequired],
  [/alert (unknown ca|bad certificate|certificate unknown|certificate expired|decrypt error|handshake failure)|alert number (40|42|45|46|48|51)\b/i, TlsMismatch.ClientCertificateRefused],
  [/certificate has expired|certificate is not yet valid/i, TlsMismatch.ServerCertificateExpired],
  [/self[- ]signed certificate|unable to (get local issuer certificate|verify the first certificate|get issuer certificate)|certificate signature failure/i, TlsMismatch.UntrustedServer],
  [/Hostname\/IP does not match|server certificate refused|ERR_TLS_CERT_ALTNAME_INVALID/i, TlsMismatch.ServerIdentity],
];

function tlsMismatchOf(text: string): TlsMismatch | null {
  return TLS_ERRORS.find(([re]) => re.test(text))?.[1] ?? null;
}

/** `kind: 'tls'` for node `address`; `detail` is what OpenSSL said, when it adds something. */
function tlsUnreachable(address: string, mismatch: TlsMismatch, detail = ''): Unreachable {
  const said = /(?:^|:\s*)((?:tlsv1\d? alert|sslv3 alert)[^:]*|self[- ]signed certificate[^:.]*|unable to [^:.]*|certificate (?:has expired|is not yet valid)|Hostname\/IP does not match[^\n]*|server certificate refused: [^\n]*)/i.exec(detail)?.[1]?.replace(/[\s:.]+$/, '');
  const cause = TLS_CAUSES[mismatch] + (said === undefined ? '' : ` [${said}]`);
  return { kind: 'tls', tls: mismatch, cause, reason: `${address} ${cause}` };
}

/**
 * The reason a failed call never reached a server at `address`, or null when it did reach one (or
 * may have). grpc-js words these as "No connection established. Last error: ... Resolution note:".
 */
export function unreachable(err: unknown, address: string): Unreachable | null {
  if (!isServiceError(err)) return null;
  const details = err.details ?? '';
  if (/^Name resolution failed/.test(details) || /Resolution note: .*Name resolution failed/.test(details)) {
    return { kind: 'unresolvable', reason: `host name of ${address} does not resolve` };
  }
  if (!/^No connection established/.test(details)) return null;
  const last = /Last error: ([\s\S]*?)(?: \(\d{4}-[^)]*\))?\.?(?: Resolution note:[\s\S]*)?$/.exec(details)?.[1] ?? '';
  if (/Protocol error/i.test(last)) {
    return { kind: 'not-grpc', reason: `${address} does not speak gRPC (an HTTP port, such as a node's httpAddress? give the node's gRPC address)` };
  }
  if (/ECONNREFUSED/.test(last)) return { kind: 'refused', reason: `${address}: connection refused` };
  const mismatch = tlsMismatchOf(last);
  if (mismatch !== null) return tlsUnreachable(address, mismatch, last);
  const cause = last.replace(/^Error: /, '').trim();
  return {
    kind: 'other',
    reason: `${address}: cannot connect${cause !== '' && cause !== 'null' ? ` (${cause})` : ''}`,
    ...(/^Failed to connect$/.test(cause) ? { unexplained: true } : {}),
  };
}

/**
 * {@link unreachable}, and for an `unexplained` failure a TLS handshake of its own with the node
 * (at most `timeoutMs`), with what the client dials with: `tls` null for plaintext, undefined when
 * unknown (credentials given ready-made; nothing is probed then). A plaintext client whose node
 * completes a handshake learns that the node speaks TLS; a TLS client whose certificate the node
 * answers with an alert, or by closing the connection before its HTTP/2 settings, learns that it
 * was refused. Otherwise the failure stays `other`.
 */
export async function explainUnreachable(err: unknown, address: string, tls: ClientTls | null | undefined, timeoutMs: number): Promise<Unreachable | null> {
  const u = unreachable(err, address);
  if (u?.unexplained !== true || tls === undefined || timeoutMs <= 0) return u;
  const mismatch = await probeTls(address, tls, timeoutMs);
  return mismatch === null ? u : tlsUnreachable(address, mismatch.mismatch, mismatch.detail);
}

/** A handshake with `address` as `tls` would make it (null: with no certificate), checking nothing of the node's. */
function probeTls(address: string, tls: ClientTls | null, timeoutMs: number): Promise<{ mismatch: TlsMismatch; detail: string } | null> {
  const bracket = address.startsWith('[');
  const cut = address.lastIndexOf(':');
  const host = bracket ? address.slice(1, address.indexOf(']')) : address.slice(0, cut);
  const port = Number(address.slice(cut + 1));
  const withCert = tls?.cert !== undefined && tls.key !== undefined;
  return new Promise((resolve) => {
    let settled = false;
    let handshaken = false;
    const socket = connect({ host, port, ALPNProtocols: ['h2'], rejectUnauthorized: false, ...(withCert ? { cert: tls.cert, key: tls.key } : {}) });
    const done = (result: { mismatch: TlsMismatch; detail: string } | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    timer.unref();
    socket.on('secureConnect', () => {
      handshaken = true;
      // A plaintext client has its answer. A TLS 1.3 node checks the client's certificate after
      // the handshake: an alert, or the connection closed at once, means refused; its HTTP/2
      // settings, accepted.
      if (tls === null) done({ mismatch: TlsMismatch.ServerSpeaksTls, detail: '' });
    });
    socket.on('data', () => done(null));
    socket.on('error', (e: Error) => {
      const mismatch = tls === null ? null : tlsMismatchOf(e.message);
      done(mismatch === null ? null : { mismatch, detail: e.message });
    });
    socket.on('close', () => done(handshaken && withCert ? { mismatch: TlsMismatch.ClientCertificateRefused, detail: '' } : null));
  });
}

/** Options of {@link QuorumWatch}. */
export interface QuorumWatchOptions {
  /** Every address the caller knows now (grows as leaders are learned). */
  readonly addresses: () => readonly string[];
  readonly now: () => number;
  /** How long fewer than a majority may stay reachable before the call gives up, ms. */
  readonly graceMs: number;
}

/**
 * Watches what the attempts of one call found out about each node and says when waiting longer
 * cannot help: every node's address is wrong (it does not resolve, or is not a gRPC port), or
 * fewer than a majority of the nodes accept connections for longer than an election takes, so no
 * leader can be elected. A node that answered at all, even "no leader", counts as reachable.
 */
export class QuorumWatch {
  private readonly seen = new Map<string, Unreachable | null>();
  private since: number | null = null;

  constructor(private readonly o: QuorumWatchOptions) {}

  /** Record an attempt at `address`: `u` is why it was unreachable, or null when it answered. */
  record(address: string, u: Unreachable | null): void {
    this.seen.set(address, u);
  }

  /** Some node was found unreachable during the call. */
  anyDown(): boolean {
    for (const u of this.seen.values()) if (u !== null) return true;
    return false;
  }

  /** `1 of 3 nodes reachable (a:1: connection refused; b:2: ...)`. */
  summary(): string {
    const all = this.o.addresses();
    const down = all.map((a) => this.seen.get(a)).filter((u): u is Unreachable => u !== undefined && u !== null);
    const up = all.length - down.length;
    return `${up} of ${all.length} node${all.length === 1 ? '' : 's'} reachable${down.length > 0 ? ` (${down.map((u) => u.reason).join('; ')})` : ''}`;
  }

  /** The error to give up with now, or null to keep trying. */
  verdict(): RaftJobsError | null {
    const all = this.o.addresses();
    if (all.some((a) => !this.seen.has(a))) return null;
    const down = all.map((a) => this.seen.get(a) ?? null);
    if (down.every((u) => u !== null && (u.kind === 'unresolvable' || u.kind === 'not-grpc' || u.kind === 'tls'))) {
      // Waiting cannot help: every address is wrong, or this client's TLS settings are.
      const mismatches = new Set(down.map((u) => u?.tls));
      const only = mismatches.size === 1 ? down[0]?.tls : undefined;
      return new RaftJobsError(ErrorCode.InvalidArgument, `no node can be reached at the addresses given: ${describeDown(all, down)}`, only === undefined ? {} : { tls: only });
    }
    const up = down.filter((u) => u === null).length;
    if (up > all.length / 2) {
      this.since = null;
      return null;
    }
    const now = this.o.now();
    this.since ??= now;
    if (now - this.since < this.o.graceMs) return null;
    return new RaftJobsError(ErrorCode.NoLeader, `no leader: ${this.summary()}; a leader needs a majority of the nodes`);
  }
}

/** Each failure once: nodes whose TLS failed alike are named together (`a, b and c: each ...`). */
function describeDown(addresses: readonly string[], down: readonly (Unreachable | null)[]): string {
  const parts: string[] = [];
  const byCause = new Map<string, string[]>();
  down.forEach((u, i) => {
    if (u?.cause === undefined) {
      if (u) parts.push(u.reason);
      return;
    }
    const list = byCause.get(u.cause) ?? [];
    if (list.length === 0) byCause.set(u.cause, list);
    list.push(addresses[i] as string);
  });
  for (const [cause, list] of byCause) {
    parts.push(list.length === 1 ? `${list[0]} ${cause}` : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}: each ${cause}`);
  }
  return parts.join('; ');
}
