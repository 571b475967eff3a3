/**
 * One worker connection as the leader sees it: the session it belongs to, its queues and
 * capacity, the leases it holds, and the protocol steps a worker stream goes through (Hello,
 * heartbeat, reports, release, goodbye or break). The server's stream adapter decodes messages,
 * calls these and encodes the answers; leases granted to the session arrive through `onLeases`.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { MAX_SESSION_LENGTH, freeSlots, refusalBackoff, validateCommand } from '../jobs/index.js';
import type { Command, JobsOptions, LeaseGrant, LeaseRef } from '../jobs/index.js';
import type { NodeClock } from './types.js';
import { refusalAck, rejected, type HeartbeatAnswer, type WorkerAck, type WorkerReport, type WorkerHost } from './worker-reports.js';

/** Largest `capacity` a worker may announce. */
export const MAX_WORKER_CAPACITY = 10_000;

/** What a worker says in a Hello (see `Hello` in proto/jobs.proto). */
export interface WorkerHello {
  readonly workerId: string;
  /** '' on a stream's first Hello: the node makes up `anon-<uuid>`; later Hellos may leave it empty. */
  readonly sessionId: string;
  readonly queues: readonly string[];
  readonly capacity: number;
  /** Lease TTL to ask for, ms; 0 uses each job's. */
  readonly leaseTtlMs: number;
  /** Leases the process holds (on the first Hello: any other lease of the session is released). */
  readonly held: readonly LeaseRef[];
}

/** The answer to a Hello: the session and the bounds the node enforces. */
export interface Welcome {
  readonly sessionId: string;
  readonly serverTimeMs: number;
  readonly maxLeasesPerMessage: number;
  readonly maxResultBytes: number;
  readonly maxErrorLength: number;
  readonly connectionGraceMs: number;
}

/** One connected worker as the leader sees it (Admin.Workers, the dashboard). Times in ms since the epoch. */
export interface WorkerInfo {
  readonly workerId: string;
  /** The session its leases are granted to (see Hello.session_id); absent when relayed by another node. */
  readonly session?: string;
  readonly queues: readonly string[];
  readonly capacity: number;
  /** Lease TTL the worker asked for; 0 uses each job's. */
  readonly leaseTtlMs: number;
  /** Leases in flight. */
  readonly held: readonly { readonly jobId: string; readonly token: number }[];
  readonly connectedAt: number;
  readonly lastSeenAt: number;
  /** The worker's address as this node sees it. */
  readonly peer: string;
}

/** What a connection tells its adapter. */
export interface WorkerConnectionEvents {
  /** Leases granted to this session, to push to the worker (already counted as held). */
  leases(grants: readonly LeaseGrant[], serverTimeMs: number): void;
  /** This node stopped leading: the adapter ends the stream so the worker follows the new leader (J6). */
  leadershipLost(): void;
}

/** The hub's side of a connection (src/node/workers.ts). */
export interface SessionHub extends WorkerHost {
  readonly connectionGraceMs: number;
  readonly clock: NodeClock;
  /** Ask for a dispatch round. */
  dispatchSoon(): void;
  registered(s: WorkerSession): void;
  ended(s: WorkerSession, clean: boolean): void;
  reconnected(s: WorkerSession, released: number, adopted: number): void;
  heartbeat(leases: readonly LeaseRef[], ttlMs: number): Promise<HeartbeatAnswer>;
  settle(report: WorkerReport, handlerMs: number): Promise<WorkerAck>;
}

/**
 * A worker connection. The leader pushes leases while it has free capacity (capacity minus the
 * leases it holds). Which leases it holds follows the applied log: a `leased` event of its session
 * adds one, and any event that ends a lease (completed, failed, expired, released, abandoned,
 * cancelled) removes it (see `Workers.applied`). A completion or failure the worker sends frees
 * its slot at once, before it commits, so the next lease can join the same entry.
 */
export class WorkerSession {
  workerId = '';
  /** The session its leases are granted to: the Hello's, or `anon-<uuid>` made up for this connection. */
  session = '';
  queues: readonly string[] = [];
  capacity = 0;
  ttlMs = 0;
  /** Leases the worker holds, by job id: token. */
  readonly held = new Map<string, number>();
  /** Slots asked for by lease commands not yet applied. */
  requested = 0;
  /** Until the first Hello's release is committed, nothing is leased to this connection. */
  releasing = false;
  closed = false;
  /** The worker half-closed its stream: no more leases, whatever the end turns out to be. */
  closing = false;
  /** No lease proposal before this time (ms): the last one was refused. */
  leaseRetryAt = 0;
  /** Current back-off after refused lease proposals, ms; 0 when the last one was accepted. */
  leaseBackoffMs = 0;
  readonly connectedAt: number;
  lastSeenAt: number;

  constructor(
    private readonly hub: SessionHub,
    readonly peer: string,
    readonly events: WorkerConnectionEvents,
  ) {
    this.connectedAt = hub.clock.now();
    this.lastSeenAt = this.connectedAt;
  }

  /** Has said its first Hello. */
  get registered(): boolean {
    return this.workerId !== '';
  }

  free(): number {
    return freeSlots(this.capacity, this.held.size, this.requested);
  }

  /** A message arrived from the worker. */
  touch(): void {
    this.lastSeenAt = this.hub.clock.now();
  }

  /**
   * A Hello: the first registers the session and releases its leases the process does not list
   * (they never reached it); later ones change queues, capacity and TTL. Throws INVALID_ARGUMENT
   * (naming every problem) for a Hello the stream must end on.
   */
  async hello(h: WorkerHello): Promise<Welcome> {
    const options = this.hub.query.options;
    const problems = helloProblems(h, options, this);
    if (problems.length > 0) throw new RaftJobsError(ErrorCode.InvalidArgument, `hello: ${problems.join('; ')}`, { problems });
    const first = !this.registered;
    if (first) {
      this.workerId = h.workerId;
      this.session = h.sessionId !== '' ? h.sessionId : `anon-${randomUUID()}`;
    }
    this.queues = [...h.queues];
    this.capacity = h.capacity;
    this.ttlMs = h.leaseTtlMs;
    // Listed leases that already ended will see no event: only current ones take a slot.
    for (const ref of h.held) if (this.hub.query.isCurrentLease(ref.jobId, ref.token)) this.held.set(ref.jobId, ref.token);
    if (first) {
      this.hub.registered(this);
      // Leases of this session the process does not list never reached it (its stream broke
      // first): back to ready without using an attempt. Listed ones of an earlier session of
      // this worker are adopted, so a reconnect under a new session keeps what it holds.
      this.releasing = true;
      try {
        const res = await this.hub.propose({ type: 'release', workerId: this.workerId, session: this.session, mode: 'unheld', leases: h.held.map((l) => ({ jobId: l.jobId, token: l.token })) });
        if (!res.ok) throw rejected(res);
        if (res.type === 'release') this.hub.reconnected(this, res.released.length, res.adopted.length);
      } finally {
        this.releasing = false;
      }
    }
    this.hub.dispatchSoon();
    return {
      sessionId: this.session,
      serverTimeMs: this.hub.query.now(),
      maxLeasesPerMessage: options.maxLeaseBatch,
      maxResultBytes: options.maxResultBytes,
      maxErrorLength: options.maxErrorLength,
      connectionGraceMs: this.hub.connectionGraceMs,
    };
  }

  /** A heartbeat of leases this session holds; leases found gone stop counting against its capacity. */
  async heartbeat(leases: readonly LeaseRef[], ttlMs: number): Promise<HeartbeatAnswer> {
    const answer = await this.hub.heartbeat(leases, ttlMs);
    let lost = false;
    for (const l of answer.leases) {
      if (l.ok) continue;
      this.held.delete(l.jobId);
      lost = true;
    }
    if (lost) this.hub.dispatchSoon();
    return answer;
  }

  /**
   * A progress, completion or failure. A completion or failure of a lease this session holds
   * frees its slot at once, so the next lease joins the same log entry as this outcome.
   */
  async report(cmd: WorkerReport, handlerMs: number): Promise<WorkerAck> {
    const settled = this.hub.settle(cmd, handlerMs);
    const token = this.held.get(cmd.jobId);
    const ends = cmd.type !== 'progress' && token === cmd.token;
    if (ends) {
      this.held.delete(cmd.jobId);
      this.hub.dispatchSoon();
    }
    const ack = await settled;
    if (ends && token !== undefined && !ack.ok && ack.code === ErrorCode.InvalidArgument && this.hub.query.isCurrentLease(cmd.jobId, token)) {
      this.held.set(cmd.jobId, token); // the worker still holds it and will fail it instead
    }
    return ack;
  }

  /** Leases the worker received and will not run (it is closing, or has no free slot). */
  async release(leases: readonly LeaseRef[]): Promise<WorkerAck> {
    const cmd: Command = { type: 'release', workerId: this.workerId, session: this.session, mode: 'listed', leases: leases.map((l) => ({ jobId: l.jobId, token: l.token })) };
    const v = validateCommand(cmd, this.hub.query.options);
    if (!v.ok) return refusalAck(v.problems.join('; '));
    const res = await this.hub.propose(v.value);
    if (!res.ok) return { ok: false, code: res.code, message: res.message, state: '' };
    if (res.type !== 'release') throw new Error(`release answered by ${res.type}`);
    const message =
      res.ignored.length === 0
        ? ''
        : `ignored ${res.ignored.length} of ${res.ignored.length + res.released.length}: not current leases of this session (${res.ignored.slice(0, 10).join(', ')}${res.ignored.length > 10 ? ', ...' : ''})`;
    const gone = new Set([...res.released, ...res.ignored]);
    for (const l of leases) if (gone.has(l.jobId) && this.held.get(l.jobId) === l.token) this.held.delete(l.jobId);
    if (gone.size > 0) this.hub.dispatchSoon();
    return { ok: true, code: '', message, state: '' };
  }

  /** The worker half-closed its stream: lease nothing more to it while its end is judged. */
  halfClosed(): void {
    this.closing = true;
  }

  /**
   * The connection ended: `clean` when the worker said goodbye (a Hello with capacity 0, then a
   * half-close), so its leases are abandoned at once; otherwise it broke, and the session has the
   * connection grace to say Hello again. Idempotent.
   */
  end(clean: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.ended(this, clean);
  }

  /** A lease proposal for this session was refused: back off, doubling. True on the first of a streak. */
  leaseRefused(): boolean {
    const first = this.leaseBackoffMs === 0;
    this.leaseBackoffMs = refusalBackoff(this.leaseBackoffMs);
    this.leaseRetryAt = this.hub.clock.now() + this.leaseBackoffMs;
    return first;
  }

  leaseAccepted(): void {
    this.leaseBackoffMs = 0;
    this.leaseRetryAt = 0;
  }

  /** Leases were granted to this session (already held, from their `leased` events): hand them to the adapter. */
  granted(grants: readonly LeaseGrant[], serverTimeMs: number): void {
    this.events.leases(grants, serverTimeMs);
  }

  /** A `leased` event of this session was applied: the lease takes a slot. */
  leased(jobId: string, token: number): void {
    this.held.set(jobId, token);
  }

  /** Drop the held leases among `ended` (job id: token of a lease the applied log ended). True if any was held. */
  leasesEnded(ended: ReadonlyMap<string, number>): boolean {
    let freed = false;
    if (this.held.size <= ended.size) {
      for (const [jobId, token] of this.held) {
        if (ended.get(jobId) === token) freed = this.held.delete(jobId) || freed;
      }
    } else {
      for (const [jobId, token] of ended) {
        if (this.held.get(jobId) === token) freed = this.held.delete(jobId) || freed;
      }
    }
    return freed;
  }

  info(): WorkerInfo {
    return {
      workerId: this.workerId,
      session: this.session,
      queues: [...this.queues],
      capacity: this.capacity,
      leaseTtlMs: this.ttlMs,
      held: [...this.held].map(([jobId, token]) => ({ jobId, token })),
      connectedAt: this.connectedAt,
      lastSeenAt: this.lastSeenAt,
      peer: this.peer,
    };
  }
}

/** Why a Hello is refused (empty when it is not). A later Hello may not change the worker id or session. */
function helloProblems(h: WorkerHello, o: JobsOptions, s: WorkerSession): string[] {
  const problems: string[] = [];
  if (h.workerId === '' || h.workerId.length > o.maxWorkerIdLength) problems.push(`worker_id: must be 1..${o.maxWorkerIdLength} characters`);
  if (h.sessionId.length > MAX_SESSION_LENGTH) problems.push(`session_id: must be at most ${MAX_SESSION_LENGTH} characters`);
  if (!Number.isInteger(h.capacity) || h.capacity < 0 || h.capacity > MAX_WORKER_CAPACITY) problems.push(`capacity: must be 0..${MAX_WORKER_CAPACITY}, got ${h.capacity}`);
  if (s.registered) {
    if (h.workerId !== s.workerId) problems.push(`worker_id: a later hello on a stream must keep ${JSON.stringify(s.workerId)}`);
    if (h.sessionId !== '' && h.sessionId !== s.session) problems.push(`session_id: a later hello on a stream must keep ${JSON.stringify(s.session)} (or leave it empty)`);
  }
  // Queue names and the TTL are checked exactly as a lease command would be; held leases as a release.
  const lease = validateCommand({ type: 'lease', workerId: h.workerId || 'w', queues: [...h.queues], max: 1, ...(h.leaseTtlMs ? { ttlMs: h.leaseTtlMs } : {}) }, o);
  if (!lease.ok) problems.push(...lease.problems);
  const held = validateCommand({ type: 'release', workerId: h.workerId || 'w', session: 's', mode: 'unheld', leases: h.held.map((l) => ({ jobId: l.jobId, token: l.token })) }, o);
  if (!held.ok) problems.push(...held.problems.map((p) => p.replace(/^leases/, 'held')));
  return problems;
}
