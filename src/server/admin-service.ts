import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { GuardStatus, NodeStatus, WorkerRegistry } from '../node/index.js';
import { isMember, members, type ClusterMembership, type MembershipChange } from '../node/index.js';
import { backupHandler, type BackupTarget } from './backup-service.js';
import type { AddressBook } from './peer-directory.js';
import { toServiceError } from './errors.js';
import { adminServices, type wire } from '../protocol/index.js';
import { statusToWire } from './wire.js';

/** What the admin service needs from a node. */
export interface AdminTarget extends BackupTarget {
  status(opts?: { readonly digest?: boolean }): NodeStatus;
  /** The status with the state digest, computed without holding the node (see `RaftNode.statusWithDigest`). */
  statusWithDigest(): Promise<NodeStatus>;
  /** The resource guards' view (backlog, caps, disk, why submits would be refused). */
  guards(): GuardStatus;
  leader(): string | null;
  snapshotNow(): Promise<number>;
  transferLeadership(to: string): void;
  isLeader(): boolean;
  membership(): ClusterMembership;
  changeMembership(change: MembershipChange): Promise<ClusterMembership>;
}

/** Register the Admin service (proto/admin.proto) for `node` on `server`. */
export function addAdminService(
  server: grpc.Server,
  o: {
    node: AdminTarget;
    clusterId: string;
    address: string;
    /** Members' client addresses (the membership's, else the config's). */
    addresses: AddressBook;
    logger: Logger;
    workers?: WorkerRegistry;
  },
): void {
  const { Admin } = adminServices();
  const handlers: wire.AdminHandlers = {
    ...membershipHandlers(o),
    Backup: backupHandler({ node: o.node, clusterId: o.clusterId, nodeId: o.node.status({ digest: false }).id, leaderAddress: () => leaderAddress(o), logger: o.logger }),
    Status: (call, cb) => {
      if (call.request.skipDigest) {
        cb(null, statusToWire(o.node.status({ digest: false }), o.clusterId, o.address, o.node.guards()));
        return;
      }
      o.node.statusWithDigest().then(
        (s) => cb(null, statusToWire(s, o.clusterId, o.address, o.node.guards())),
        (err: unknown) => cb(toServiceError(err, o.logger)),
      );
    },
    Snapshot: (_call, cb) => {
      o.node.snapshotNow().then(
        (index) => cb(null, { snapshotIndex: index }),
        (err: unknown) => cb(toServiceError(err, o.logger)),
      );
    },
    TransferLeadership: (call, cb) => {
      const to = call.request.to;
      if (!o.node.membership().voters.includes(to)) {
        const why = isMember(o.node.membership(), to) ? `${to} is a learner; leadership goes only to voters` : `unknown node ${JSON.stringify(to)}`;
        cb(toServiceError(new RaftJobsError(ErrorCode.InvalidArgument, `to: ${why}`), o.logger));
        return;
      }
      if (!o.node.isLeader()) {
        cb(toServiceError(new RaftJobsError(ErrorCode.NotLeader, 'this node is not the leader', { leaderId: o.node.leader() }), o.logger));
        return;
      }
      o.node.transferLeadership(to);
      cb(null, {});
    },
    Workers: (_call, cb) => {
      const leader = o.node.isLeader();
      const workers = leader && o.workers ? o.workers.list() : [];
      cb(null, {
        leader,
        workers: workers.map((w) => ({
          workerId: w.workerId,
          queues: [...w.queues],
          capacity: w.capacity,
          leaseTtlMs: w.leaseTtlMs,
          held: [...w.held],
          connectedAtMs: w.connectedAt,
          lastSeenAtMs: w.lastSeenAt,
          peer: w.peer,
          sessionId: w.session ?? '',
        })),
      });
    },
  };
  server.addService(Admin.service, handlers);
}

type MembershipHandlers = Pick<wire.AdminHandlers, 'Members' | 'AddMember' | 'PromoteMember' | 'RemoveMember'>;

/** Members and the membership changes (proto/admin.proto): decode, check, `changeMembership`, answer. */
function membershipHandlers(o: { node: AdminTarget; clusterId: string; addresses: AddressBook; logger: Logger }): MembershipHandlers {
  const answer = (): wire.MembersResponse => membersToWire(o.node.membership(), o.node.status({ digest: false }), o.addresses);
  const change = (cb: (err: grpc.ServiceError | null, res?: wire.MembersResponse) => void, c: MembershipChange | RaftJobsError | null): void => {
    if (c === null) {
      cb(null, answer());
      return;
    }
    if (c instanceof RaftJobsError) {
      cb(toServiceError(c, o.logger));
      return;
    }
    if (!o.node.isLeader()) {
      cb(toServiceError(new RaftJobsError(ErrorCode.NotLeader, 'this node is not the leader', { leaderId: o.node.leader(), leaderAddress: leaderAddress(o) }), o.logger));
      return;
    }
    o.node.changeMembership(c).then(
      () => cb(null, answer()),
      (err: unknown) => cb(toServiceError(err, o.logger)),
    );
  };
  const id = (raw: string): string | RaftJobsError =>
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(raw) ? raw : new RaftJobsError(ErrorCode.InvalidArgument, `id: ${JSON.stringify(raw)} is not a node id (letters, digits, '_', '.', '-'; at most 64)`);
  return {
    Members: (_call, cb) => cb(null, answer()),
    AddMember: (call, cb) => {
      const r = call.request;
      const checked = id(r.id);
      if (checked instanceof RaftJobsError) return change(cb, checked);
      if (r.clusterId !== '' && r.clusterId !== o.clusterId) {
        return change(cb, new RaftJobsError(ErrorCode.IllegalTransition, `cluster_id: this node belongs to cluster ${o.clusterId}, not ${r.clusterId}`));
      }
      if (!/^[^\s:]+:\d{1,5}$/.test(r.address) && !/^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(r.address)) {
        return change(cb, new RaftJobsError(ErrorCode.InvalidArgument, `address: ${JSON.stringify(r.address)} is not host:port`));
      }
      const m = o.node.membership();
      if (isMember(m, r.id)) {
        // A repeat of the same add (a joining node retrying) is answered with the membership as it is.
        const same = o.addresses.get(r.id) === r.address && (r.incarnation === 0 || (m.incarnations?.[r.id] ?? r.incarnation) === r.incarnation);
        return change(cb, same ? null : new RaftJobsError(ErrorCode.AlreadyExists, `${r.id} is already a member${m.incarnations?.[r.id] !== undefined && r.incarnation !== 0 && m.incarnations[r.id] !== r.incarnation ? ' with another data directory (remove it first: raftjobs members remove ' + r.id + ')' : ` at ${o.addresses.get(r.id) ?? '?'}`}`));
      }
      change(cb, { kind: 'addLearner', id: r.id, address: r.address, ...(r.incarnation !== 0 ? { incarnation: r.incarnation } : {}) });
    },
    PromoteMember: (call, cb) => {
      const checked = id(call.request.id);
      if (checked instanceof RaftJobsError) return change(cb, checked);
      const m = o.node.membership();
      if (m.voters.includes(checked)) return change(cb, null);
      if (!isMember(m, checked)) return change(cb, new RaftJobsError(ErrorCode.NotFound, `${checked} is not a member`));
      change(cb, { kind: 'promote', id: checked });
    },
    RemoveMember: (call, cb) => {
      const checked = id(call.request.id);
      if (checked instanceof RaftJobsError) return change(cb, checked);
      if (!isMember(o.node.membership(), checked)) return change(cb, new RaftJobsError(ErrorCode.NotFound, `${checked} is not a member`));
      change(cb, { kind: 'remove', id: checked });
    },
  };
}

function leaderAddress(o: { node: AdminTarget; addresses: AddressBook }): string | null {
  const leader = o.node.leader();
  return leader === null ? null : (o.addresses.get(leader) ?? null);
}

function membersToWire(m: ClusterMembership, status: NodeStatus, addresses: AddressBook): wire.MembersResponse {
  const progress = new Map(status.peers.map((p) => [p.id, p]));
  const leader = status.role === 'leader';
  return {
    members: members(m).map((id) => {
      const p = progress.get(id);
      const self = id === status.id;
      return {
        id,
        role: m.voters.includes(id) ? 'voter' : 'learner',
        address: addresses.get(id) ?? '',
        incarnation: m.incarnations?.[id] ?? 0,
        progressKnown: leader && (self || p !== undefined),
        matchIndex: self ? status.lastLogIndex : (p?.matchIndex ?? 0),
        refused: p?.refused ?? false,
      };
    }),
    leaderId: status.leaderId ?? '',
    commitIndex: status.commitIndex,
  };
}
