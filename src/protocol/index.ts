import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { AdminProto, JobsProto } from './generated/index.js';

/**
 * Every message and service type of proto/jobs.proto and proto/admin.proto, generated from them
 * (`npm run proto-types`): `wire.Job` is what a sender may write, `wire.Job__Output` what a decoder
 * returns with the loader options below; `wire.JobsClient` and `wire.JobsHandlers` type the
 * service's client stubs and server handlers.
 */
export type * as wire from './generated/index.js';

/**
 * The wire protocol shared by servers and the SDK: the .proto files loaded with one set of
 * options (camelCase fields, 64-bit integers as numbers, bytes as Buffer, proto3 defaults filled
 * in, `oneofs` naming the set member), and the metadata keys that carry machine-readable reasons
 * beside a status.
 *
 * 64-bit integers as numbers: every value the cluster issues or accepts (times in ms, durations,
 * fencing tokens from a counter that starts at 1) lies far below 2^53, so numbers hold them
 * exactly. A request may still carry any 64-bit value: the request decoders of the services clamp
 * each 64-bit integer field to ±(2^53 − 1) (see `decodeRequest`), so a too-large duration is
 * refused by its range check like any other too-large value, and a token above 2^53 − 1, which
 * this cluster never issued, is answered like any unknown token (STALE_TOKEN or NOT_FOUND).
 */

/**
 * The version of the Jobs, Workers and Admin protocol (proto/jobs.proto, proto/admin.proto) this
 * code speaks: announced in Welcome and NodeStatus, checked against Hello.protocol_version. It
 * changes only when a message's meaning changes in a way older code would get wrong.
 */
export const PROTOCOL_VERSION = 1;

/** The raftjobs release (package.json `version`), shown by `raftjobs --version`, NodeStatus and Welcome. */
export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/** Metadata keys a server sets beside a status (and `x-leader-addr` on forwarded answers). */
export const Meta = {
  ErrorCode: 'x-error-code',
  LeaderId: 'x-leader-id',
  LeaderAddress: 'x-leader-addr',
  Outcome: 'x-outcome',
  JobId: 'x-job-id',
  /** The config path of the resource guard behind a LIMIT_EXCEEDED (`limits.maxBacklogJobs`). */
  Limit: 'x-limit',
  /** With WATCH_POSITION_COMPACTED and WATCHER_TOO_SLOW: the node holds every event after this position (`index:ordinal`). */
  WatchOldest: 'x-watch-oldest',
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

/**
 * What a service's request decoder returns for bytes that are not a message of the request type.
 * grpc-js answers a decoder that throws with INTERNAL; the server's `rejectUndecodable` interceptor
 * turns this value into INVALID_ARGUMENT instead, on unary calls and streams alike.
 */
export class UndecodableRequest {
  constructor(
    /** The message type the bytes should have been, e.g. `raftjobs.jobs.v1.CompleteRequest`. */
    readonly type: string,
    /** What the decoder reported. */
    readonly reason: string,
  ) {}
}

/** Load one proto file from `proto/` into grpc-js service definitions (cached). */
export function loadProto(file: string): grpc.GrpcObject {
  let pkg = cache.get(file);
  if (!pkg) {
    const def = protoLoader.loadSync(path.join(PROTO_DIR, file), LOADER_OPTIONS);
    wrapRequestDecoders(def);
    pkg = grpc.loadPackageDefinition(def);
    cache.set(file, pkg);
  }
  return pkg;
}

/** The largest magnitude a 64-bit request field keeps once decoded (`Number.MAX_SAFE_INTEGER`). */
export const MAX_WIRE_INT = Number.MAX_SAFE_INTEGER;

const INT64_TYPES = new Set(['TYPE_INT64', 'TYPE_UINT64', 'TYPE_SINT64', 'TYPE_FIXED64', 'TYPE_SFIXED64']);

/** The 64-bit integer fields of a message type and its message-typed fields, by decoded (camelCase) name. */
interface Plan {
  readonly ints: string[];
  readonly messages: { readonly name: string; readonly plan: Plan }[];
}

interface FieldDescriptor {
  readonly name: string;
  readonly type: string;
  readonly typeName: string;
}

/**
 * Replace every service method's request decoder (`requestDeserialize`, used by servers only) with
 * one that clamps 64-bit integers to ±MAX_WIRE_INT and returns an `UndecodableRequest` instead of
 * throwing on bytes that are not a message of the request type.
 */
function wrapRequestDecoders(def: protoLoader.PackageDefinition): void {
  const plans = new Map<string, Plan>();
  const planOf = (typeName: string): Plan => {
    let plan = plans.get(typeName);
    if (plan) return plan;
    const ints: string[] = [];
    const messages: { name: string; plan: Plan }[] = [];
    plan = { ints, messages };
    plans.set(typeName, plan); // before the fields: recursive types end here
    const pkg = typeName.slice(0, typeName.lastIndexOf('.') + 1);
    const type = (def[typeName] as { type?: { field?: FieldDescriptor[] } } | undefined)?.type;
    for (const f of type?.field ?? []) {
      if (INT64_TYPES.has(f.type)) ints.push(f.name);
      else if (f.type === 'TYPE_MESSAGE') {
        const ref = f.typeName.startsWith('.') ? f.typeName.slice(1) : def[pkg + f.typeName] !== undefined ? pkg + f.typeName : f.typeName;
        if (def[ref] !== undefined) messages.push({ name: f.name, plan: planOf(ref) });
      }
    }
    return plan;
  };
  for (const [name, entry] of Object.entries(def)) {
    if ('format' in entry) continue; // a message or enum type, not a service
    for (const method of Object.values(entry)) {
      const short = (method.requestType.type as { name: string }).name;
      const qualified = name.slice(0, name.lastIndexOf('.') + 1) + short;
      const requestType = def[qualified] !== undefined ? qualified : short;
      const plan = planOf(requestType);
      const decode = method.requestDeserialize;
      (method as { requestDeserialize: (buf: Buffer) => unknown }).requestDeserialize = (buf: Buffer): unknown => {
        let msg: unknown;
        try {
          msg = decode(buf);
        } catch (err) {
          return new UndecodableRequest(requestType, err instanceof Error ? err.message : String(err));
        }
        clamp(msg, plan);
        return msg;
      };
    }
  }
}

function clamp(msg: unknown, plan: Plan): void {
  if (typeof msg !== 'object' || msg === null) return;
  const m = msg as Record<string, unknown>;
  for (const name of plan.ints) {
    const v = m[name];
    if (typeof v === 'number') m[name] = clampInt(v);
    else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) if (typeof v[i] === 'number') v[i] = clampInt(v[i] as number);
  }
  for (const { name, plan: inner } of plan.messages) {
    const v = m[name];
    if (Array.isArray(v)) for (const item of v) clamp(item, inner);
    else clamp(v, inner);
  }
}

function clampInt(v: number): number {
  return v > MAX_WIRE_INT ? MAX_WIRE_INT : v < -MAX_WIRE_INT ? -MAX_WIRE_INT : v;
}

/** A service constructor by its dotted name, e.g. `raftjobs.admin.v1.Admin`. */
export function serviceClient(file: string, name: string): grpc.ServiceClientConstructor {
  let node: unknown = loadProto(file);
  for (const part of name.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`${file}: no service ${name}`);
  return node as grpc.ServiceClientConstructor;
}

/** The Jobs and Workers services of proto/jobs.proto, typed: constructors of client stubs, and `.service` definitions. */
export function jobsServices(): JobsProto['raftjobs']['jobs']['v1'] {
  return (loadProto('jobs.proto') as unknown as JobsProto).raftjobs.jobs.v1;
}

/** The Admin service of proto/admin.proto, typed. */
export function adminServices(): AdminProto['raftjobs']['admin']['v1'] {
  return (loadProto('admin.proto') as unknown as AdminProto).raftjobs.admin.v1;
}
