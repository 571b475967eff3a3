import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * The wire protocol shared by servers and the SDK: the .proto files loaded with one set of
 * options (camelCase fields, 64-bit integers as numbers — times in ms and fencing tokens stay far
 * below 2^53 — bytes as Buffer, proto3 defaults filled in, `oneofs` naming the set member), and
 * the metadata keys that carry machine-readable reasons beside a status.
 */

/** Metadata keys a server sets beside a status (and `x-leader-addr` on forwarded answers). */
export const Meta = {
  ErrorCode: 'x-error-code',
  LeaderId: 'x-leader-id',
  LeaderAddress: 'x-leader-addr',
  Outcome: 'x-outcome',
  JobId: 'x-job-id',
} as const;

/** Directory of the .proto files shipped with the package. */
export const PROTO_DIR = path.join(import.meta.dirname, '..', '..', 'proto');

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  bytes: Buffer,
};

const cache = new Map<string, grpc.GrpcObject>();

/** Load one proto file from `proto/` into grpc-js service definitions (cached). */
export function loadProto(file: string): grpc.GrpcObject {
  let pkg = cache.get(file);
  if (!pkg) {
    const def = protoLoader.loadSync(path.join(PROTO_DIR, file), LOADER_OPTIONS);
    pkg = grpc.loadPackageDefinition(def);
    cache.set(file, pkg);
  }
  return pkg;
}

/** A service constructor by its dotted name, e.g. `raftjobs.admin.v1.Admin`. */
export function serviceClient(file: string, name: string): grpc.ServiceClientConstructor {
  let node: unknown = loadProto(file);
  for (const part of name.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`${file}: no service ${name}`);
  return node as grpc.ServiceClientConstructor;
}

/** `raftjobs.admin.v1.NodeStatus` as decoded with the loader options above. */
export interface WireNodeStatus {
  id: string;
  clusterId: string;
  role: string;
  term: number;
  /** Empty when no leader is known. */
  leaderId: string;
  commitIndex: number;
  appliedIndex: number;
  firstLogIndex: number;
  lastLogIndex: number;
  snapshotIndex: number;
  /** Empty when the request asked to skip it. */
  stateDigest: string;
  pid: number;
  address: string;
  peers: { id: string; matchIndex: number; nextIndex: number; state: string }[];
  contacts: { id: string; agoMs: number }[];
}
