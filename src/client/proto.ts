import type * as grpc from '@grpc/grpc-js';
import { serviceClient } from '../protocol/index.js';

/** The generated client constructors of the Jobs and Workers services of proto/jobs.proto. */
export function services(): { Jobs: grpc.ServiceClientConstructor; Workers: grpc.ServiceClientConstructor } {
  return {
    Jobs: serviceClient('jobs.proto', 'raftjobs.jobs.v1.Jobs'),
    Workers: serviceClient('jobs.proto', 'raftjobs.jobs.v1.Workers'),
  };
}

/**
 * Channel options of every SDK connection: keepalive pings notice a dead peer (a leader killed
 * without closing its sockets, a partition) within about 15 s even on an idle worker stream, and a
 * short reconnect backoff lets a restarted node be used again quickly.
 */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
};

// ---- wire shapes (as proto-loader encodes and decodes them) ----

export interface WireBackoff {
  type?: string;
  delayMs?: number;
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  jitter?: number;
}

export interface WireJobSpec {
  queue: string;
  payload: Uint8Array;
  priority?: number;
  delayMs?: number;
  runAtMs?: number;
  maxAttempts?: number;
  backoff?: WireBackoff;
  leaseTtlMs?: number;
  idempotencyKey: string;
  retentionMs?: number;
}

export interface WireSubmittedJob {
  id: string;
  duplicate: boolean;
  state: string;
}

export interface WireSubmitResponse {
  jobs: WireSubmittedJob[];
  index: number;
}

export interface WireAttempt {
  attempt: number;
  token: number;
  workerId: string;
  startedAtMs: number;
  endedAtMs: number;
  outcome: string;
  error: string;
}

export interface WireLeaseInfo {
  token: number;
  workerId: string;
  expiresAtMs: number;
  ttlMs: number;
  attempt: number;
}

export interface WireJobProgress {
  percent: number;
  message: string;
  updatedAtMs: number;
}

export interface WireJob {
  id: string;
  queue: string;
  state: string;
  payload: Buffer;
  priority: number;
  runAtMs: number;
  attempts: number;
  maxAttempts: number;
  lease: WireLeaseInfo | null;
  progress: WireJobProgress | null;
  result: Buffer;
  hasResult: boolean;
  lastError: string;
  submittedAtMs: number;
  finishedAtMs: number;
  idempotencyKey: string;
  history: WireAttempt[];
}

export interface WireListResponse {
  jobs: WireJob[];
  nextPageToken: string;
}

export interface WireQueueStats {
  queue: string;
  scheduled: number;
  ready: number;
  leased: number;
  succeeded: number;
  dead: number;
  cancelled: number;
}

export interface WireStatsResponse {
  queues: WireQueueStats[];
}

export interface WireLeasedJob {
  jobId: string;
  queue: string;
  payload: Buffer;
  priority: number;
  token: number;
  attempt: number;
  maxAttempts: number;
  expiresAtMs: number;
  ttlMs: number;
  submittedAtMs: number;
}

export interface WireLeaseRef {
  jobId: string;
  token: number;
}

export interface WireHeartbeatResult {
  jobId: string;
  ok: boolean;
  expiresAtMs: number;
  code: string;
  message: string;
}

export interface WireAck {
  requestId: number;
  ok: boolean;
  code: string;
  message: string;
  state: string;
}

/** What the worker sends on its stream: exactly one body member is set. */
export interface WireWorkerMessage {
  requestId: number;
  hello?: { workerId: string; queues: string[]; capacity: number; leaseTtlMs: number; held: WireLeaseRef[]; batchAcks: boolean; sessionId: string };
  heartbeat?: { leases: WireLeaseRef[]; ttlMs: number };
  progress?: { jobId: string; token: number; percent: number; message: string };
  /** `handlerMs`: how long the handler ran (feeds the server's handler latency histogram). */
  complete?: { jobId: string; token: number; result: Uint8Array; handlerMs: number };
  fail?: { jobId: string; token: number; error: string; noRetry: boolean; handlerMs: number };
  /** Several messages, handled by the server in order as if sent one by one. */
  batch?: { messages: WireWorkerMessage[] };
  /** Leases received but never started: back to ready in place, no attempt used. */
  release?: { leases: WireLeaseRef[] };
}

/** The server's answer to the first Hello (see `Welcome` in jobs.proto). */
export interface WireWelcome {
  sessionId: string;
  serverTimeMs: number;
  maxLeasesPerMessage: number;
  maxMessageBytes: number;
  maxResultBytes: number;
  maxErrorLength: number;
  connectionGraceMs: number;
}

/** What the server sends on the worker stream; `body` names the member that is set. */
export interface WireServerMessage {
  body?: 'leases' | 'ack' | 'heartbeat' | 'acks' | 'welcome';
  leases?: { jobs: WireLeasedJob[]; serverTimeMs: number } | null;
  ack?: WireAck | null;
  acks?: { acks: WireAck[] } | null;
  heartbeat?: { leases: WireHeartbeatResult[]; serverTimeMs: number } | null;
  welcome?: WireWelcome | null;
  requestId: number;
}
