import type * as grpc from '@grpc/grpc-js';
import { WATCH_EVENT_TYPES, type WatchEventType, type WatchFilter, type WatchMessage, type WatchPosition } from '../node/index.js';
import type { wire } from '../protocol/index.js';
import { toServiceError } from './errors.js';
import { invalid, type ServiceContext } from './handler.js';

/** Most queues (and most group keys) one WatchRequest may filter on. */
export const MAX_WATCH_QUEUES = 64;

type WatchCall = grpc.ServerWritableStream<wire.WatchRequest__Output, wire.WatchEvent>;

/**
 * `Jobs.Watch`: decode the request, subscribe to this node's watch log (any role: never
 * forwarded), write what it sends while the stream takes it (pausing on a full stream until
 * 'drain'), and end the stream with the log's error.
 */
export function watchHandler(ctx: ServiceContext, maxJobIds: number): (call: WatchCall) => void {
  return (call) => {
    let ended = false;
    const fail = (err: unknown): void => {
      if (ended) return;
      ended = true;
      call.emit('error', toServiceError(err, ctx.logger));
    };
    let request: { from: WatchPosition | 'now'; filter: WatchFilter };
    try {
      request = watchRequest(call.request, maxJobIds);
    } catch (err) {
      fail(err);
      return;
    }
    try {
      const sub = ctx.node.watchLog.subscribe(request.from, request.filter, {
        send: (m) => (ended ? false : call.write(watchMessageToWire(m))),
        fail,
      });
      call.on('drain', () => sub.resume());
      call.on('cancelled', () => {
        ended = true;
        sub.close();
      });
      call.on('error', () => sub.close());
    } catch (err) {
      fail(err);
    }
  };
}

/** The start and filter a WatchRequest asks for; INVALID_ARGUMENT naming every problem. */
export function watchRequest(r: wire.WatchRequest__Output, maxJobIds: number): { from: WatchPosition | 'now'; filter: WatchFilter } {
  const problems: string[] = [];
  if (r.fromNow && (r.afterIndex !== 0 || r.afterOrdinal !== 0)) problems.push('from_now: give either from_now or after_index and after_ordinal, not both');
  if (r.queues.length > MAX_WATCH_QUEUES) problems.push(`queues: at most ${MAX_WATCH_QUEUES}, got ${r.queues.length}`);
  if (r.groups.length > MAX_WATCH_QUEUES) problems.push(`groups: at most ${MAX_WATCH_QUEUES}, got ${r.groups.length}`);
  if (r.jobIds.length > maxJobIds) problems.push(`job_ids: at most ${maxJobIds}, got ${r.jobIds.length}`);
  r.types.forEach((t, i) => {
    if (!(WATCH_EVENT_TYPES as readonly string[]).includes(t)) problems.push(`types[${i}]: must be one of ${WATCH_EVENT_TYPES.join(', ')}, got ${JSON.stringify(t)}`);
  });
  if (problems.length > 0) throw invalid(problems.join('; '), problems);
  const set = <T extends string>(values: readonly string[]): ReadonlySet<T> | null => (values.length === 0 ? null : new Set(values as T[]));
  return {
    from: r.fromNow ? 'now' : { index: r.afterIndex, ordinal: r.afterOrdinal },
    filter: { queues: set(r.queues), groups: set(r.groups), jobIds: set(r.jobIds), types: set<WatchEventType>(r.types) },
  };
}

/** One watch message as the wire carries it. */
export function watchMessageToWire(m: WatchMessage): wire.WatchEvent {
  if (m.type === 'checkpoint') return { index: m.index, ordinal: m.ordinal, type: 'checkpoint', entryTimeMs: m.time };
  return {
    index: m.index,
    ordinal: m.ordinal,
    type: m.type,
    jobId: m.jobId,
    queue: m.queue,
    group: m.group ?? '',
    token: m.token,
    attempt: m.attempt,
    workerId: m.workerId,
    entryTimeMs: m.time,
    percent: m.percent,
    message: m.message,
    cause: m.cause,
    untilMs: m.until,
  };
}
