import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { NodeStatus, WorkerRegistry } from '../node/index.js';
import { toServiceError } from './errors.js';
import { serviceClient } from '../protocol/index.js';

/** What the admin service needs from a node. */
export interface AdminTarget {
  status(opts?: { readonly digest?: boolean }): NodeStatus;
  /** The status with the state digest, computed without holding the node (see `RaftNode.statusWithDigest`). */
  statusWithDigest(): Promise<NodeStatus>;
  leader(): string | null;
  snapshotNow(): Promise<number>;
  transferLeadership(to: string): void;
  isLeader(): boolean;
}

/** Wire form of a node's status (proto/admin.proto NodeStatus). */
export function statusToWire(s: NodeStatus, clusterId: string, address: string): Record<string, unknown> {
  return {
    id: s.id,
    clusterId,
    role: s.role,
    term: s.term,
    leaderId: s.leaderId ?? '',
    commitIndex: s.commitIndex,
    appliedIndex: s.appliedIndex,
    firstLogIndex: s.firstLogIndex,
    lastLogIndex: s.lastLogIndex,
    snapshotIndex: s.snapshotIndex,
    stateDigest: s.stateDigest,
    pid: s.pid,
    address,
    peers: s.peers.map((p) => ({ id: p.id, matchIndex: p.matchIndex, nextIndex: p.nextIndex, state: p.state })),
    contacts: s.contacts.map((c) => ({ id: c.id, agoMs: c.agoMs })),
  };
}

/** Register the Admin service (proto/admin.proto) for `node` on `server`. */
export function addAdminService(
  server: grpc.Server,
  o: { node: AdminTarget; clusterId: string; address: string; voters: readonly string[]; logger: Logger; workers?: WorkerRegistry },
): void {
  const Admin = serviceClient('admin.proto', 'raftjobs.admin.v1.Admin');
  server.addService(Admin.service, {
    Status: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      if ((call.request as { skipDigest?: boolean }).skipDigest === true) {
        cb(null, statusToWire(o.node.status({ digest: false }), o.clusterId, o.address));
        return;
      }
      o.node.statusWithDigest().then(
        (s) => cb(null, statusToWire(s, o.clusterId, o.address)),
        (err: unknown) => cb(toServiceError(err, o.logger)),
      );
    },
    Snapshot: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      o.node.snapshotNow().then(
        (index) => cb(null, { snapshotIndex: index }),
        (err: unknown) => cb(toServiceError(err, o.logger)),
      );
    },
    TransferLeadership: (call: grpc.ServerUnaryCall<{ to: string }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const to = call.request.to;
      if (!o.voters.includes(to)) {
        cb(toServiceError(new RaftJobsError(ErrorCode.InvalidArgument, `to: unknown node ${JSON.stringify(to)}`), o.logger));
        return;
      }
      if (!o.node.isLeader()) {
        cb(toServiceError(new RaftJobsError(ErrorCode.NotLeader, 'this node is not the leader', { leaderId: o.node.leader() }), o.logger));
        return;
      }
      o.node.transferLeadership(to);
      cb(null, {});
    },
    Workers: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const leader = o.node.isLeader();
      const workers = leader && o.workers ? o.workers.list() : [];
      cb(null, {
        leader,
        workers: workers.map((w) => ({
          workerId: w.workerId,
          queues: w.queues,
          capacity: w.capacity,
          leaseTtlMs: w.leaseTtlMs,
          held: w.held,
          connectedAtMs: w.connectedAt,
          lastSeenAtMs: w.lastSeenAt,
          peer: w.peer,
          sessionId: w.session ?? '',
        })),
      });
    },
  });
}
