import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { NodeStatus, WorkerRegistry } from '../node/index.js';
import { toServiceError } from './errors.js';
import { adminServices, type wire } from '../protocol/index.js';
import { statusToWire } from './wire.js';

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

/** Register the Admin service (proto/admin.proto) for `node` on `server`. */
export function addAdminService(
  server: grpc.Server,
  o: { node: AdminTarget; clusterId: string; address: string; voters: readonly string[]; logger: Logger; workers?: WorkerRegistry },
): void {
  const { Admin } = adminServices();
  const handlers: wire.AdminHandlers = {
    Status: (call, cb) => {
      if (call.request.skipDigest) {
        cb(null, statusToWire(o.node.status({ digest: false }), o.clusterId, o.address));
        return;
      }
      o.node.statusWithDigest().then(
        (s) => cb(null, statusToWire(s, o.clusterId, o.address)),
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
