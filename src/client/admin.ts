import * as grpc from '@grpc/grpc-js';
import { tokenChannelOptions } from './auth.js';
import { sleep, systemClock, type Clock } from './clock.js';
import { toRaftJobsError } from './errors.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { adminServices, type wire } from '../protocol/index.js';
import type { ClientTls } from '../tls/index.js';
import { explainUnreachable } from './reach.js';

/*
 * Calls of the Admin service (proto/admin.proto) of one node, decoded once for every caller: the
 * CLI's `status` and `snapshot`, and the dashboard's cluster and workers views.
 */

/** One node's view of the cluster (`NodeStatus`), with "none" as null instead of an empty string. */
export interface NodeStatusInfo {
  readonly id: string;
  readonly clusterId: string;
  readonly role: string;
  readonly term: number;
  readonly leaderId: string | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly firstLogIndex: number;
  readonly lastLogIndex: number;
  readonly snapshotIndex: number;
  /** Null when the request skipped it. */
  readonly stateDigest: string | null;
  readonly pid: number;
  readonly address: string;
  readonly peers: readonly { readonly id: string; readonly matchIndex: number; readonly nextIndex: number; readonly state: string }[];
  readonly contacts: readonly { readonly id: string; readonly agoMs: number }[];
  /** The resource guards as the node sees them; null from a node that does not report them. */
  readonly guards: GuardsInfo | null;
}

/** Backlog caps and the free-disk floor as one node sees them (`ResourceGuards`); caps 0 when off. */
export interface GuardsInfo {
  readonly backlogJobs: number;
  readonly backlogPayloadBytes: number;
  readonly maxBacklogJobs: number;
  readonly maxBacklogPayloadBytes: number;
  /** Free bytes of the node's data directory at its last check; null when not known. */
  readonly diskFreeBytes: number | null;
  readonly minFreeDiskBytes: number;
  /** Why a submit would be refused were the node the leader (null: there is room), and the guard's config path. */
  readonly refused: { readonly limit: string; readonly reason: string } | null;
  /** The node's own disk is below the floor. */
  readonly diskLow: boolean;
}

/** One member of the cluster as a node sees it (`Member`). */
export interface MemberInfo {
  readonly id: string;
  readonly role: 'voter' | 'learner';
  readonly address: string;
  /** Its data directory's incarnation as the cluster recorded it (null: not yet). */
  readonly incarnation: number | null;
  /** Leader only (null elsewhere): how far its log matches the leader's. */
  readonly matchIndex: number | null;
  /** Leader only: it answers from another data directory than recorded (lost its disk; remove and add it again). */
  readonly refused: boolean;
}

/** The membership as one node sees it (`MembersResponse`). */
export interface MembersInfo {
  readonly members: readonly MemberInfo[];
  readonly leaderId: string | null;
  readonly commitIndex: number;
}

export function membersFromWire(r: wire.MembersResponse__Output): MembersInfo {
  return {
    members: r.members.map((m) => ({
      id: m.id,
      role: m.role === 'learner' ? 'learner' : 'voter',
      address: m.address,
      incarnation: m.incarnation === 0 ? null : m.incarnation,
      matchIndex: m.progressKnown ? m.matchIndex : null,
      refused: m.refused,
    })),
    leaderId: r.leaderId === '' ? null : r.leaderId,
    commitIndex: r.commitIndex,
  };
}

/** A worker connected to the leader (`WorkerInfo`). */
export interface ConnectedWorker {
  readonly workerId: string;
  /** Null when the node did not report one. */
  readonly session: string | null;
  readonly queues: readonly string[];
  readonly capacity: number;
  readonly leaseTtlMs: number;
  readonly held: readonly { readonly jobId: string; readonly token: number }[];
  readonly connectedAt: number;
  readonly lastSeenAt: number;
  readonly peer: string;
}

export function nodeStatusFromWire(s: wire.NodeStatus__Output): NodeStatusInfo {
  return {
    id: s.id,
    clusterId: s.clusterId,
    role: s.role,
    term: s.term,
    leaderId: s.leaderId === '' ? null : s.leaderId,
    commitIndex: s.commitIndex,
    appliedIndex: s.appliedIndex,
    firstLogIndex: s.firstLogIndex,
    lastLogIndex: s.lastLogIndex,
    snapshotIndex: s.snapshotIndex,
    stateDigest: s.stateDigest === '' ? null : s.stateDigest,
    pid: s.pid,
    address: s.address,
    peers: s.peers,
    contacts: s.contacts,
    guards: s.guards === null ? null : guardsFromWire(s.guards),
  };
}

export function guardsFromWire(g: wire.ResourceGuards__Output): GuardsInfo {
  return {
    backlogJobs: g.backlogJobs,
    backlogPayloadBytes: g.backlogPayloadBytes,
    maxBacklogJobs: g.maxBacklogJobs,
    maxBacklogPayloadBytes: g.maxBacklogPayloadBytes,
    diskFreeBytes: g.diskChecked ? g.diskFreeBytes : null,
    minFreeDiskBytes: g.minFreeDiskBytes,
    refused: g.refusedLimit === '' ? null : { limit: g.refusedLimit, reason: g.refusedReason },
    diskLow: g.diskLow,
  };
}

export function workerFromWire(w: wire.WorkerInfo__Output): ConnectedWorker {
  return {
    workerId: w.workerId,
    session: w.sessionId === '' ? null : w.sessionId,
    queues: w.queues,
    capacity: w.capacity,
    leaseTtlMs: w.leaseTtlMs,
    held: w.held,
    connectedAt: w.connectedAtMs,
    lastSeenAt: w.lastSeenAtMs,
    peer: w.peer,
  };
}

/** A client of one node's Admin service; every call has a deadline. */
export class NodeAdmin {
  private readonly stub: wire.AdminClient;
  private readonly tls: ClientTls | null | undefined;

  constructor(
    /** The node's client address (host:port). */
    readonly address: string,
    options: {
      /** How to reach it: insecure by default (see `clientCredentials`). */
      readonly credentials?: grpc.ChannelCredentials | undefined;
      /**
       * What `credentials` were made from (null: plaintext), so that a failed TLS handshake is
       * named (`details.tls`); unknown when absent.
       */
      readonly tls?: ClientTls | null | undefined;
      /** Bearer token for a cluster with auth on. */
      readonly token?: string | undefined;
    } = {},
  ) {
    const { Admin } = adminServices();
    this.stub = new Admin(address, options.credentials ?? grpc.credentials.createInsecure(), tokenChannelOptions(options.token));
    this.tls = options.tls;
  }

  /** The node's status; `digest` asks for the state digest too (slow on a large state). */
  status(o: { readonly timeoutMs: number; readonly digest?: boolean }): Promise<NodeStatusInfo> {
    return new Promise((resolve, reject) => {
      this.stub.Status({ skipDigest: o.digest !== true }, { deadline: Date.now() + o.timeoutMs }, (err, s) => {
        if (err || !s) void this.unanswered(err, o.timeoutMs).then(reject);
        else resolve(nodeStatusFromWire(s));
      });
    });
  }

  /** The workers connected to the node, and whether it is the leader (only a leader has any). */
  workers(o: { readonly timeoutMs: number }): Promise<{ readonly leader: boolean; readonly workers: readonly ConnectedWorker[] }> {
    return new Promise((resolve, reject) => {
      this.stub.Workers({}, { deadline: Date.now() + o.timeoutMs }, (err, res) => {
        if (err || !res) void this.unanswered(err, o.timeoutMs).then(reject);
        else resolve({ leader: res.leader, workers: res.workers.map(workerFromWire) });
      });
    });
  }

  /** Snapshot the node's state now and compact its log; resolves to the snapshot's index. */
  snapshot(o: { readonly timeoutMs: number }): Promise<number> {
    return new Promise((resolve, reject) => {
      this.stub.Snapshot({}, { deadline: Date.now() + o.timeoutMs }, (err, res) => {
        if (err || !res) void this.unanswered(err, o.timeoutMs).then(reject);
        else resolve(res.snapshotIndex);
      });
    });
  }

  /** The membership as this node sees it. */
  members(o: { readonly timeoutMs: number }): Promise<MembersInfo> {
    return new Promise((resolve, reject) => {
      this.stub.Members({}, { deadline: Date.now() + o.timeoutMs }, (err, res) => {
        if (err || !res) void this.unanswered(err, o.timeoutMs).then(reject);
        else resolve(membersFromWire(res));
      });
    });
  }

  /**
   * One membership change on this node, which must lead; resolves with the membership after it,
   * once committed. Rejects with the node's error decoded (`NOT_LEADER` with the leader's address,
   * `CHANGE_PENDING`, `INVALID_ARGUMENT`, ...).
   */
  changeMembers(
    change:
      | { readonly kind: 'add'; readonly id: string; readonly address: string; readonly incarnation?: number; readonly clusterId?: string }
      | { readonly kind: 'promote' | 'remove'; readonly id: string },
    o: { readonly timeoutMs: number },
  ): Promise<MembersInfo> {
    const options = { deadline: Date.now() + o.timeoutMs };
    return new Promise((resolve, reject) => {
      const done = (err: grpc.ServiceError | null, res?: wire.MembersResponse__Output): void => {
        if (err || !res) reject(err ? toRaftJobsError(err, `${change.kind} ${change.id} at ${this.address}`) : new RaftJobsError(ErrorCode.Timeout, 'no answer'));
        else resolve(membersFromWire(res));
      };
      if (change.kind === 'add') {
        this.stub.AddMember({ id: change.id, address: change.address, incarnation: change.incarnation ?? 0, clusterId: change.clusterId ?? '' }, options, done);
      } else if (change.kind === 'promote') {
        this.stub.PromoteMember({ id: change.id }, options, done);
      } else {
        this.stub.RemoveMember({ id: change.id }, options, done);
      }
    });
  }

  /** Ask this node, which must lead, to hand leadership to `to`; resolves once the transfer started. */
  transferLeadership(to: string, o: { readonly timeoutMs: number }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stub.TransferLeadership({ to }, { deadline: Date.now() + o.timeoutMs }, (err) => {
        if (err) reject(toRaftJobsError(err, `transfer leadership at ${this.address}`));
        else resolve();
      });
    });
  }

  close(): void {
    this.stub.close();
  }

  /**
   * A call the node did not answer: its TLS handshake failing, named (INVALID_ARGUMENT with
   * `details.tls`), else the status name and gRPC's reason (callers know which node they asked).
   */
  private async unanswered(err: grpc.ServiceError | null, timeoutMs: number): Promise<RaftJobsError> {
    const u = err === null ? null : await explainUnreachable(err, this.address, this.tls, Math.min(1000, timeoutMs));
    if (u?.kind === 'tls' && u.tls !== undefined) return new RaftJobsError(ErrorCode.InvalidArgument, u.reason, { tls: u.tls }, { cause: err });
    const text = err ? `${grpc.status[err.code] ?? err.code}: ${err.details}` : 'no answer';
    return new RaftJobsError(ErrorCode.Timeout, text, {}, { cause: err });
  }
}

/** A membership change as `NodeAdmin.changeMembers` takes it. */
export type MembersChange = Parameters<NodeAdmin['changeMembers']>[0];

/** Errors after which a change is tried again: nothing happened, or the outcome is unknown (every change is safe to repeat). */
const RETRY_CHANGE = new Set<string>([ErrorCode.NotLeader, ErrorCode.NoLeader, ErrorCode.ChangePending, ErrorCode.ShuttingDown, ErrorCode.OutcomeUnknown, ErrorCode.Timeout, ErrorCode.Overloaded]);

/**
 * Makes one membership change on whichever node leads, starting at `addresses[0]`: it follows the
 * leader hints of NOT_LEADER answers and tries again (after a short pause, the next address) while
 * there is no leader, a change is pending, or a node is unreachable, until `timeoutMs` has passed.
 * A change whose first attempt had an unknown outcome is repeated: adding the same member again
 * and promoting a voter are answered with the membership as it is, and a removal repeated after
 * it happened answers NOT_FOUND, which counts as done here.
 */
export async function changeMembersOnLeader(
  addresses: readonly string[],
  change: MembersChange,
  o: { readonly timeoutMs: number; readonly credentials?: grpc.ChannelCredentials | undefined; readonly token?: string | undefined; readonly clock?: Clock; readonly signal?: AbortSignal },
): Promise<MembersInfo> {
  const clock = o.clock ?? systemClock;
  const deadline = clock.now() + o.timeoutMs;
  let next = addresses[0];
  let turn = 0;
  let repeated = false;
  let last: unknown = null;
  while (next !== undefined && clock.now() < deadline) {
    const admin = new NodeAdmin(next, { credentials: o.credentials, token: o.token });
    try {
      return await admin.changeMembers(change, { timeoutMs: Math.max(1, Math.min(10_000, deadline - clock.now())) });
    } catch (err) {
      last = err;
      const code = err instanceof RaftJobsError ? err.code : '';
      if (repeated && change.kind === 'remove' && code === ErrorCode.NotFound) return await admin.members({ timeoutMs: Math.max(1, deadline - clock.now()) });
      if (!RETRY_CHANGE.has(code)) throw err;
      if (code === ErrorCode.OutcomeUnknown || code === ErrorCode.Timeout) repeated = true;
      const hint = err instanceof RaftJobsError ? err.details.leaderAddress : null;
      if (hint !== null && hint !== undefined && hint !== next) {
        next = hint;
        continue;
      }
      next = addresses[++turn % addresses.length];
      await sleep(clock, 200, o.signal);
    } finally {
      admin.close();
    }
  }
  if (last instanceof RaftJobsError) throw last;
  throw new RaftJobsError(ErrorCode.Timeout, `no leader took the change within ${o.timeoutMs} ms`, {}, { cause: last });
}

