/**
 * Flow state (docs/design.md "Flow control"): per queue a policy (pause, concurrency limits, rate
 * buckets), a throttle pause, and per group key a record with its ready jobs, its leased count,
 * its bucket, its throttle pause and when it was last served. Kept in step with the job records by
 * the transitions (transitions.ts calls `flowMove` before every change of a job's state in a queue
 * that has flow state or of a job with a group key), so every way a lease ends frees its slot.
 *
 * What a snapshot stores of it: the policy, the buckets, the throttle pauses and the fairness
 * counters (`serveClock`, `lastServed`), and which records exist. Counts and heaps are rebuilt
 * from the job records. Records are dropped by the due pass only (`dropIdleFlows`), at times that
 * are a function of the state, so a restored replica drops the same ones at the same entries.
 *
 * A queue has two modes. With no group records it is *flat*: its ready jobs are in
 * `QueueIndex.ready`, as without flow control. Once a job with a group key arrives it is
 * *grouped*: every ready job is in its key's record (jobs without a key in the record of key ''),
 * and `groupHeap` orders the keys that have ready jobs for round-robin service. It goes back to
 * flat when its last record is dropped (none has open jobs then).
 */
import { IndexedHeap } from './heap.js';
import { burstOf, fits, fullAt, roundUp, sameRate, type Bucket } from './rate.js';
import { readyBefore, type IdleFlow, type JobRecord, type JobsState, type QueueIndex } from './state.js';
import type { HoldReason, QueuePolicy, QueueSetCommand, RateLimit } from './flow-types.js';
import type { QueueSetResult, Rejection } from './results.js';
import { isTerminal, type JobState } from './types.js';

/** Most per-key overrides of `groupConcurrency` one queue stores (and one command names). */
export const MAX_GROUP_OVERRIDES = 10_000;

/** One group key of one queue. Its `heapPos` is its place in `QueueFlow.groupHeap` (while it has ready jobs) or in `JobsState.flowIdle` (while it has no open jobs). */
export class GroupFlow implements IdleFlow, Bucket {
  heapPos = -1;
  idleAt = 0;
  /** The key's ready jobs, in lease order. */
  ready = new IndexedHeap<JobRecord>(readyBefore);
  /** Its scheduled, ready and leased jobs. */
  open = 0;
  /** Its leased jobs. */
  leased = 0;
  /** `QueueFlow.serveClock` when the key last got a lease (or when the record was made). */
  lastServed: number;
  /** The key's bucket (rate.ts), used when the queue has a `groupRate`. */
  tatMs = 0;
  tatFrac = 0;
  /** No lease before this time (a throttled failure), ms; 0: none. */
  throttledUntil = 0;

  constructor(
    readonly queue: string,
    readonly key: string,
    lastServed: number,
  ) {
    this.lastServed = lastServed;
  }
}

/** The flow state of one queue (`JobsState.flows`). Its `heapPos` is its place in `JobsState.flowIdle`. */
export class QueueFlow implements IdleFlow, Bucket {
  heapPos = -1;
  idleAt = 0;
  readonly key = null;
  policy: QueuePolicy | null = null;
  /** Group records by key; empty: the queue is flat (see the file comment). */
  readonly groups = new Map<string, GroupFlow>();
  /** Keys with ready jobs, in service order (`groupBefore`). */
  readonly groupHeap = new IndexedHeap<GroupFlow>(groupBefore);
  /** Counts leases to keys: each lease stamps its key's `lastServed` with the next value. */
  serveClock = 0;
  /** The queue's bucket (rate.ts), used when the policy has a `rate`. */
  tatMs = 0;
  tatFrac = 0;
  /** No lease before this time (a throttled failure of scope `queue`), ms; 0: none. */
  throttledUntil = 0;

  constructor(readonly queue: string) {}
}

/**
 * Service order of a queue's keys: the best ready job's priority first (a key's higher-priority
 * job is never held behind another key's lower one), then the key served longest ago, then the
 * best job's run-at and submit order. Total, so the order is a function of the records.
 */
function groupBefore(a: GroupFlow, b: GroupFlow): boolean {
  const ta = a.ready.peek() as JobRecord;
  const tb = b.ready.peek() as JobRecord;
  if (ta.priority !== tb.priority) return ta.priority > tb.priority;
  if (a.lastServed !== b.lastServed) return a.lastServed < b.lastServed;
  if (ta.runAt !== tb.runAt) return ta.runAt < tb.runAt;
  return ta.seq < tb.seq;
}

/** The flow state of `queue`, made (and linked to its queue index) on first use. */
export function ensureFlow(state: JobsState, queue: string): QueueFlow {
  let f = state.flows.get(queue);
  if (f === undefined) {
    f = new QueueFlow(queue);
    state.flows.set(queue, f);
    const q = state.queues.get(queue);
    if (q !== undefined) q.flow = f;
  }
  return f;
}

/**
 * The record of `key` in `q`'s flow `f`, made on first use. The first key of a flat queue makes it
 * grouped: its open jobs (none has a key) go to key '', whose ready heap becomes the queue's ready
 * heap (swapped, O(1)). Call before `q.counts` counts the job being moved.
 */
function ensureGroup(state: JobsState, q: QueueIndex, f: QueueFlow, key: string): GroupFlow {
  const known = f.groups.get(key);
  if (known !== undefined) return known;
  if (f.groups.size === 0) {
    const c = q.counts;
    const open = c.scheduled + c.ready + c.leased;
    if (key !== '' && open > 0) {
      const plain = new GroupFlow(q.name, '', f.serveClock);
      plain.open = open;
      plain.leased = c.leased;
      plain.ready = q.ready;
      q.ready = new IndexedHeap<JobRecord>(readyBefore);
      f.groups.set('', plain);
      if (plain.ready.size > 0) f.groupHeap.push(plain);
    }
    if (f.heapPos !== -1) state.flowIdle.remove(f);
  }
  const g = new GroupFlow(q.name, key, f.serveClock);
  f.groups.set(key, g);
  return g;
}

/**
 * Keeps the flow counts of `job` (of queue index `q`) as it moves from state `from` to `to` (null:
 * added, or removed for good). Called by the transitions before `q.counts` change, only when the
 * queue has flow state or the job has a key.
 */
export function flowMove(state: JobsState, q: QueueIndex, job: JobRecord, from: JobState | null, to: JobState | null): void {
  const wasOpen = from !== null && !isTerminal(from);
  const isOpen = to !== null && !isTerminal(to);
  const wasLeased = from === 'leased';
  const isLeased = to === 'leased';
  if (wasOpen === isOpen && wasLeased === isLeased) return;
  let f = q.flow;
  if (f === null) {
    if (job.group === null) return;
    f = ensureFlow(state, q.name);
  }
  if (job.group === null && f.groups.size === 0) return;
  const key = job.group ?? '';
  const g = wasOpen ? (f.groups.get(key) as GroupFlow) : ensureGroup(state, q, f, key);
  if (wasLeased) g.leased--;
  if (isLeased) g.leased++;
  if (wasOpen === isOpen) return;
  if (isOpen) {
    if (g.open === 0 && g.heapPos !== -1) state.flowIdle.remove(g);
    g.open++;
  } else if (--g.open === 0) {
    idle(state, g, Math.max(fullAt(g), g.throttledUntil));
  }
}

/** Puts `item` in the drop queue at `at` (or moves it there). */
function idle(state: JobsState, item: GroupFlow | QueueFlow, at: number): void {
  item.idleAt = at;
  if (item.heapPos === -1) state.flowIdle.push(item);
  else state.flowIdle.update(item);
}

/** Restores `g`'s place in `f.groupHeap` after its ready heap changed. */
export function regroup(f: QueueFlow, g: GroupFlow): void {
  if (g.ready.size === 0) {
    if (g.heapPos !== -1) f.groupHeap.remove(g);
  } else if (g.heapPos === -1) f.groupHeap.push(g);
  else f.groupHeap.update(g);
}

/** The record of `job`'s key in a grouped queue's flow `f` (key '' for a job without one); `job` must be open. */
export function groupOf(f: QueueFlow, job: JobRecord): GroupFlow {
  return f.groups.get(job.group ?? '') as GroupFlow;
}

/**
 * Drops the flow records whose time has come: keys with no open jobs, a full bucket and no
 * throttle pause; queue flows with no policy, no keys and no throttle pause. Part of every
 * entry's due pass. O(k log n) for k dropped.
 */
export function dropIdleFlows(state: JobsState): void {
  const heap = state.flowIdle;
  const now = state.now;
  for (let item = heap.peek(); item !== undefined && item.idleAt <= now; item = heap.peek()) {
    heap.pop();
    const f = state.flows.get(item.queue) as QueueFlow;
    if (item.key === null) {
      state.flows.delete(item.queue);
      const q = state.queues.get(item.queue);
      if (q !== undefined) q.flow = null;
    } else {
      f.groups.delete(item.key);
      settleFlow(state, f);
    }
  }
}

/** Queues `f` for dropping when it holds nothing but (perhaps) a throttle pause, else takes it out. */
function settleFlow(state: JobsState, f: QueueFlow): void {
  if (f.policy === null && f.groups.size === 0) idle(state, f, f.throttledUntil);
  else if (f.heapPos !== -1) state.flowIdle.remove(f);
}

/**
 * A throttled failure of `job` (already back to ready or scheduled): no lease for its key
 * (`scope` key, a job with a key) or its queue until `until`, ms. Pauses only grow.
 */
export function throttle(state: JobsState, job: JobRecord, scope: 'key' | 'queue', until: number): void {
  const f = ensureFlow(state, job.queue);
  if (scope === 'queue') {
    if (until > f.throttledUntil) f.throttledUntil = until;
    settleFlow(state, f);
    return;
  }
  // The job is open, so its key has a record.
  const g = f.groups.get(job.group as string) as GroupFlow;
  if (until > g.throttledUntil) g.throttledUntil = until;
}

/** `key` as the string its record in `queue` holds, if it has one, so the jobs of a key share one string. */
export function internGroup(state: JobsState, queue: string, key: string): string {
  return state.flows.get(queue)?.groups.get(key)?.key ?? key;
}

/** The limit of leased jobs of `key` under `p`, or null. */
export function groupLimit(p: QueuePolicy | null, key: string): number | null {
  if (p === null) return null;
  const o = p.groupConcurrencyOverrides;
  return Object.hasOwn(o, key) ? (o[key] as number) : p.groupConcurrency;
}

/** Why the queue of `f` (with `leased` leased jobs) grants nothing at `now`, or null. */
export function queueHold(f: QueueFlow, leased: number, now: number): HoldReason | null {
  const p = f.policy;
  if (p !== null && p.paused) return 'paused';
  if (f.throttledUntil > now) return 'throttled';
  if (p === null) return null;
  if (p.concurrency !== null && leased >= p.concurrency) return 'concurrency';
  if (p.rate !== null && !fits(f, p.rate, now)) return 'rate';
  return null;
}

/** Why key `g` of `f` gets no lease at `now`, or null. Key '' (jobs without a key) has no key limits. */
export function groupHold(f: QueueFlow, g: GroupFlow, now: number): HoldReason | null {
  if (g.key === '') return null;
  if (g.throttledUntil > now) return 'throttled';
  const p = f.policy;
  if (p === null) return null;
  const limit = groupLimit(p, g.key);
  if (limit !== null && g.leased >= limit) return 'groupConcurrency';
  if (p.groupRate !== null && !fits(g, p.groupRate, now)) return 'groupRate';
  return null;
}

/** `queueSet`: merges the command into the queue's policy (see `QueueSetCommand`). */
export function applyQueueSet(state: JobsState, cmd: QueueSetCommand): QueueSetResult | Rejection {
  const f = state.flows.get(cmd.queue);
  const old = f?.policy ?? null;
  const overrides: Record<string, number> = old === null ? {} : { ...old.groupConcurrencyOverrides };
  if (cmd.groupConcurrencyOverrides !== undefined) {
    for (const [key, limit] of Object.entries(cmd.groupConcurrencyOverrides)) {
      if (limit === null) delete overrides[key];
      // A data property even for a key such as `__proto__`.
      else Object.defineProperty(overrides, key, { value: limit, enumerable: true, writable: true, configurable: true });
    }
    const n = Object.keys(overrides).length;
    if (n > MAX_GROUP_OVERRIDES) {
      return { ok: false, code: 'LIMIT_EXCEEDED', message: `queue ${cmd.queue}: ${n} group concurrency overrides, more than ${MAX_GROUP_OVERRIDES}` };
    }
  }
  const policy: QueuePolicy = {
    paused: cmd.paused ?? old?.paused ?? false,
    concurrency: cmd.concurrency !== undefined ? cmd.concurrency : (old?.concurrency ?? null),
    groupConcurrency: cmd.groupConcurrency !== undefined ? cmd.groupConcurrency : (old?.groupConcurrency ?? null),
    groupConcurrencyOverrides: Object.freeze(sortedRecord(overrides)),
    rate: cmd.rate !== undefined ? resolveRate(cmd.rate) : (old?.rate ?? null),
    groupRate: cmd.groupRate !== undefined ? resolveRate(cmd.groupRate) : (old?.groupRate ?? null),
  };
  const empty = isEmptyPolicy(policy);
  if (f === undefined && empty) return { ok: true, type: 'queueSet', queue: cmd.queue, policy: null };
  const flow = f ?? ensureFlow(state, cmd.queue);
  // A bucket whose rate changes keeps what it used, to the ms (its fraction counted in 1/limit ms).
  if (!sameRate(old?.rate ?? null, policy.rate)) roundUp(flow);
  if (!sameRate(old?.groupRate ?? null, policy.groupRate)) for (const g of flow.groups.values()) roundUp(g);
  flow.policy = empty ? null : Object.freeze(policy);
  settleFlow(state, flow);
  return { ok: true, type: 'queueSet', queue: cmd.queue, policy: flow.policy };
}

/** True when `p` sets nothing: such a policy is removed. */
function isEmptyPolicy(p: QueuePolicy): boolean {
  return (
    !p.paused &&
    p.concurrency === null &&
    p.groupConcurrency === null &&
    p.rate === null &&
    p.groupRate === null &&
    Object.keys(p.groupConcurrencyOverrides).length === 0
  );
}

/** A rate as stored: burst resolved, frozen. */
export function resolveRate(r: RateLimit | null): RateLimit | null {
  return r === null ? null : Object.freeze({ limit: r.limit, periodMs: r.periodMs, burst: burstOf(r) });
}

/** `r` with its keys in code-unit order, as data properties. */
export function sortedRecord(r: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k] as number]));
}

/** What a snapshot stores of a flow record: a queue's (`key` null; `lastServed` its `serveClock`) or a group key's. */
export interface FlowRecord {
  readonly key: string | null;
  readonly lastServed: number;
  readonly tatMs: number;
  readonly tatFrac: number;
  readonly throttledUntil: number;
}

/**
 * Restores one queue's flow state from a snapshot, before its jobs: every record starts with no
 * open job (so in the drop queue), and the jobs, added after, count themselves in.
 */
export function restoreFlow(state: JobsState, queue: string, policy: QueuePolicy | null, own: FlowRecord, keys: readonly FlowRecord[]): void {
  const f = ensureFlow(state, queue);
  f.policy = policy;
  f.serveClock = own.lastServed;
  f.tatMs = own.tatMs;
  f.tatFrac = own.tatFrac;
  f.throttledUntil = own.throttledUntil;
  for (const k of keys) {
    const g = new GroupFlow(queue, k.key as string, k.lastServed);
    g.tatMs = k.tatMs;
    g.tatFrac = k.tatFrac;
    g.throttledUntil = k.throttledUntil;
    f.groups.set(g.key, g);
    idle(state, g, Math.max(fullAt(g), g.throttledUntil));
  }
  settleFlow(state, f);
}

/** Whether an open `job` being restored has the record its key needs (in a grouped queue, every job does). */
export function hasFlowRecord(state: JobsState, job: JobRecord): boolean {
  const f = state.flows.get(job.queue);
  if (f === undefined || f.groups.size === 0) return job.group === null;
  return f.groups.has(job.group ?? '');
}
