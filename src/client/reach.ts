import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { isServiceError } from './errors.js';

/** Why a node could not be reached: a call to it never left this process. */
export interface Unreachable {
  /**
   * `unresolvable`: its host name does not resolve; `not-grpc`: something that is not a gRPC
   * server answered (an HTTP/1 port, such as a node's `httpAddress`); `refused`: nothing listens
   * there; `other`: the connection failed otherwise.
   */
  readonly kind: 'unresolvable' | 'not-grpc' | 'refused' | 'other';
  /** Readable, without grpc-js's internals. */
  readonly reason: string;
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
  const last = /Last error: (.*?)(?: \(\d{4}-[^)]*\))?\.?(?: Resolution note:.*)?$/.exec(details)?.[1] ?? '';
  if (/Protocol error/i.test(last)) {
    return { kind: 'not-grpc', reason: `${address} does not speak gRPC (an HTTP port, such as a node's httpAddress? give the node's gRPC address)` };
  }
  if (/ECONNREFUSED/.test(last)) return { kind: 'refused', reason: `${address}: connection refused` };
  const cause = last.replace(/^Error: /, '').trim();
  return { kind: 'other', reason: `${address}: cannot connect${cause !== '' && cause !== 'null' ? ` (${cause})` : ''}` };
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
    if (down.every((u) => u !== null && (u.kind === 'unresolvable' || u.kind === 'not-grpc'))) {
      return new RaftJobsError(ErrorCode.InvalidArgument, `no node can be reached at the addresses given: ${down.map((u) => u?.reason).join('; ')}`);
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
