import * as grpc from '@grpc/grpc-js';
import { tokenChannelOptions } from './auth.js';
import { isServiceError, metaString, toRaftJobsError } from './errors.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { adminServices, Meta, type wire } from '../protocol/index.js';
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

/** What a backup stream says before its data (`BackupHeader` in proto/admin.proto). */
export interface BackupStreamHeader {
  /** The cluster the copy was taken from. */
  readonly clusterId: string;
  /** The node that took it (the leader then). */
  readonly nodeId: string;
  /** The copy is of the state after applying every log entry up to `index`, of term `term`. */
  readonly index: number;
  readonly term: number;
  /** When the node took the copy, ms since the epoch (its wall clock). */
  readonly createdAtMs: number;
  /** Length of the state, bytes. */
  readonly sizeBytes: number;
  /** Jobs (finished ones not purged yet included) and schedules in the copy. */
  readonly jobs: number;
  readonly schedules: number;
}

/**
 * Where `NodeAdmin.backup` puts a backup as it arrives: `begin` with the header, `data` with each
 * chunk in order (the next chunk is read once it resolves), `end` with the node's SHA-256 of the
 * data. A call that fails after `begin` leaves the sink to the caller to discard.
 */
export interface BackupSink {
  begin(header: BackupStreamHeader): Promise<void>;
  data(chunk: Uint8Array): Promise<void>;
  end(sha256: string): Promise<void>;
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

  /**
   * Streams a backup of the node's job state (Admin.Backup) into `sink`; the node must lead.
   * Rejects with the node's error decoded (NOT_LEADER with the leader's address, ...), TIMEOUT
   * for a node that did not answer (or INVALID_ARGUMENT naming a TLS mismatch), and INTERNAL for a
   * stream out of order or one that ended before its trailer.
   */
  async backup(sink: BackupSink, o: { readonly timeoutMs: number }): Promise<void> {
    const call = this.stub.Backup({}, { deadline: Date.now() + o.timeoutMs });
    const broken = (what: string): RaftJobsError => new RaftJobsError(ErrorCode.Internal, `backup from ${this.address}: ${what}`);
    let phase: 'header' | 'data' | 'done' = 'header';
    try {
      for await (const msg of call as AsyncIterable<wire.BackupChunk__Output>) {
        if (phase === 'header' && msg.part === 'header' && msg.header) {
          const { clusterId, nodeId, index, term, createdAtMs, sizeBytes, jobs, schedules } = msg.header;
          await sink.begin({ clusterId, nodeId, index, term, createdAtMs, sizeBytes, jobs, schedules });
          phase = 'data';
        } else if (phase === 'data' && msg.part === 'data' && msg.data) {
          await sink.data(msg.data);
        } else if (phase === 'data' && msg.part === 'trailer' && msg.trailer) {
          await sink.end(msg.trailer.sha256);
          phase = 'done';
        } else {
          throw broken(`a ${msg.part ?? 'empty'} message where the ${phase === 'done' ? 'end of the stream' : phase} was due`);
        }
      }
    } catch (err) {
      call.cancel();
      if (!isServiceError(err)) throw err;
      if (metaString(err.metadata, Meta.ErrorCode) !== null) throw toRaftJobsError(err, `backup at ${this.address}`);
      throw await this.unanswered(err, o.timeoutMs);
    }
    if (phase !== 'done') throw broken('the stream ended before its trailer');
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
