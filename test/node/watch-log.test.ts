/**
 * The watch log (src/node/watch-log.ts) fed by the real job state machine: events in log order
 * with stable positions, filters, the ring's bounds, compaction, waiting for a position ahead,
 * and watchers whose stream asks for a pause.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, isRaftJobsError, RaftJobsError } from '../../src/errors/index.js';
import { applyBatch, createState, formatJobId, type Command, type JobEvent, type JobsState } from '../../src/jobs/index.js';
import { END_OF_ENTRY, jobEventBytes, MATCH_ALL, watchEventOf, type WatchEvent, type WatchEventType, type WatchFilter, type WatchMessage, type WatchPosition } from '../../src/node/watch-events.js';
import { CHECKPOINT_INTERVAL_MS, WatchLog, type WatchSink, type WatchSubscription } from '../../src/node/watch-log.js';
import { job } from '../jobs/helpers.js';

const T0 = 1_000_000;

/** A job state machine whose every applied entry feeds a watch log, as the node wires them. */
class Fed {
  readonly state: JobsState;
  readonly log: WatchLog;
  index = 0;
  now = 0;

  constructor(o: { retainEvents?: number; retainBytes?: number; retention?: { succeededMs: number; cancelledMs: number; deadMs: number } } = {}) {
    this.state = createState(o.retention ? { retention: o.retention } : {});
    this.log = new WatchLog({ retainEvents: o.retainEvents ?? 1000, retainBytes: o.retainBytes ?? 1 << 30, nodeId: 'n1', monotonic: () => this.now });
  }

  apply(...commands: Command[]): JobEvent[] {
    const events: JobEvent[] = [];
    const index = (this.index += 2); // odd indexes stand for entries without job commands (noops, config)
    applyBatch(this.state, { time: T0 + index, commands }, index, events);
    this.log.applied(index, events, this.state.now);
    return events;
  }

  submit(queue = 'q', n = 1): string[] {
    return this.apply({ type: 'submit', jobs: Array.from({ length: n }, () => job({ queue })) }).map((e) => (e as { jobId: string }).jobId);
  }

  lease(queue = 'q', max = 1): { jobId: string; token: number }[] {
    return this.apply({ type: 'lease', workerId: 'w1', session: 's1', queues: [queue], max }).map((e) => e as { jobId: string; token: number });
  }
}

/** A sink that records what it gets; `room` messages until it asks for a pause (Infinity: never). */
class Recorder implements WatchSink {
  readonly messages: WatchMessage[] = [];
  error: RaftJobsError | null = null;
  room = Infinity;
  sub: WatchSubscription | null = null;

  send(m: WatchMessage): boolean {
    if (this.error !== null) throw new Error('sent after fail');
    this.messages.push(m);
    this.room--;
    return this.room > 0;
  }

  fail(err: RaftJobsError): void {
    this.error = err;
  }

  get events(): WatchEvent[] {
    return this.messages.filter((m): m is WatchEvent => m.type !== 'checkpoint');
  }

  /** The stream drained: room for `n` more. */
  drain(n = Infinity): void {
    this.room = n;
    this.sub?.resume();
  }
}

function watch(fed: Fed, from: Parameters<WatchLog['subscribe']>[0], filter: Partial<WatchFilter> = {}): Recorder {
  const r = new Recorder();
  r.sub = fed.log.subscribe(from, { ...MATCH_ALL, ...filter }, r);
  return r;
}

const positions = (events: readonly WatchEvent[]): string[] => events.map((e) => `${e.index}:${e.ordinal}`);

function refusal(fn: () => unknown): RaftJobsError {
  try {
    fn();
  } catch (err) {
    if (isRaftJobsError(err)) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('watch log: order and positions', () => {
  it('sends every transition in log order, each at (entry index, ordinal among all its events)', () => {
    const fed = new Fed({ retention: { succeededMs: 0, cancelledMs: 0, deadMs: 1000 } });
    const w = watch(fed, { index: 0, ordinal: 0 });
    const [a, b] = fed.submit('q', 2) as [string, string];
    const [la] = fed.lease();
    fed.apply({ type: 'progress', jobId: a, token: la!.token, percent: 50, message: 'half' });
    fed.apply({ type: 'complete', jobId: a, token: la!.token }, { type: 'cancel', jobId: b });
    // Retention 0: the next entry purges both (ordinals 0 and 1), then submits (ordinal 2).
    fed.submit();
    expect(w.messages[0]).toEqual({ type: 'checkpoint', index: 0, ordinal: 0, time: 0 });
    expect(w.events.map((e) => [e.type, e.jobId])).toEqual([
      ['submitted', a],
      ['submitted', b],
      ['leased', a],
      ['progress', a],
      ['completed', a],
      ['cancelled', b],
      ['purged', a],
      ['purged', b],
      ['submitted', expect.any(String)],
    ]);
    expect(positions(w.events)).toEqual(['2:0', '2:1', '4:0', '6:0', '8:0', '8:1', '10:0', '10:1', '10:2']);
    const [, , leased, progress, completed] = w.events;
    expect(leased).toMatchObject({ token: la!.token, attempt: 1, workerId: 'w1', queue: 'q', time: T0 + 4 });
    expect(progress).toMatchObject({ token: la!.token, percent: 50, message: 'half' });
    expect(completed).toMatchObject({ token: la!.token, cause: '' });
  });

  it('a failure that leaves no attempts is one dead event with its cause', () => {
    const fed = new Fed();
    const [id] = fed.apply({ type: 'submit', jobs: [job({ maxAttempts: 1 })] }).map((e) => (e as { jobId: string }).jobId) as [string];
    const w = watch(fed, 'now', { types: new Set<WatchEventType>(['dead', 'failed']) });
    const [l] = fed.lease();
    fed.apply({ type: 'fail', jobId: id, token: l!.token, error: 'boom' });
    expect(w.events).toEqual([expect.objectContaining({ type: 'dead', cause: 'failed', jobId: id, token: l!.token, index: 6, ordinal: 0 })]);
  });

  it('a debounce replacement is "replaced"; schedule events are not sent but take their ordinals', () => {
    expect(watchEventOf({ type: 'replaced', jobId: 'j', queue: 'q', group: null, state: 'ready' }, { index: 7, ordinal: 2, time: T0 })).toMatchObject({ type: 'replaced', jobId: 'j', index: 7, ordinal: 2, time: T0 });
    expect(watchEventOf({ type: 'scheduleFired', scheduleId: 's', slot: 1, jobId: 'j', group: null, lagMs: 0, manual: false }, { index: 7, ordinal: 3, time: T0 })).toBeNull();
    expect(watchEventOf({ type: 'abandoned', jobId: 'j', queue: 'q', group: 'g', token: 4, workerId: 'w', session: 's', next: 'dead' }, { index: 7, ordinal: 4, time: T0 })).toMatchObject({ type: 'dead', cause: 'abandoned', workerId: 'w', group: 'g' });
    expect(watchEventOf({ type: 'throttled', jobId: 'j', queue: 'q', group: 'g', token: 5, scope: 'key', until: T0 + 500, state: 'ready' }, { index: 8, ordinal: 0, time: T0 })).toMatchObject({ type: 'throttled', token: 5, until: T0 + 500, group: 'g' });
  });

  it('from now starts after the last applied entry; a later position resumes exactly after it', () => {
    const fed = new Fed();
    fed.submit('q', 3);
    const now = watch(fed, 'now');
    expect(now.messages).toEqual([{ type: 'checkpoint', index: 2, ordinal: END_OF_ENTRY, time: T0 + 2 }]);
    fed.submit();
    expect(positions(now.events)).toEqual(['4:0']);
    const resumed = watch(fed, { index: 2, ordinal: 1 });
    expect(positions(resumed.events)).toEqual(['2:2', '4:0']);
  });

  it('filters by group key: a job without one never matches', () => {
    const fed = new Fed();
    const byGroup = watch(fed, 'now', { groups: new Set(['acme']) });
    fed.apply({ type: 'submit', jobs: [job({ group: 'acme' }), job({ group: 'other' }), job()] });
    fed.apply({ type: 'submit', jobs: [job(), job({ group: 'acme' })] });
    expect(byGroup.events.map((e) => [`${e.index}:${e.ordinal}`, e.group])).toEqual([
      ['2:0', 'acme'],
      ['4:1', 'acme'],
    ]);
  });

  it('filters by queue, job id and type keep the positions the unfiltered stream has', () => {
    const fed = new Fed();
    const all = watch(fed, 'now');
    const byQueue = watch(fed, 'now', { queues: new Set(['b']) });
    const [a1] = fed.submit('a');
    fed.submit('b');
    const [a2] = fed.submit('a');
    const byJob = watch(fed, { index: 0, ordinal: 0 }, { jobIds: new Set([a2 as string]) });
    const byType = watch(fed, { index: 0, ordinal: 0 }, { types: new Set<WatchEventType>(['leased']) });
    fed.lease('a', 2);
    expect(positions(all.events)).toEqual(['2:0', '4:0', '6:0', '8:0', '8:1']);
    expect(positions(byQueue.events)).toEqual(['4:0']);
    expect(byJob.events.map((e) => [e.type, e.jobId, `${e.index}:${e.ordinal}`])).toEqual([
      ['submitted', a2, '6:0'],
      ['leased', a2, '8:1'],
    ]);
    expect(byType.events.map((e) => e.jobId)).toEqual([a1, a2]);
  });
});

describe('watch log: bounds and compaction', () => {
  it('keeps the newest retainEvents; an older position is WATCH_POSITION_COMPACTED naming the oldest held; the oldest held still works', () => {
    const fed = new Fed({ retainEvents: 5 });
    for (let i = 0; i < 4; i++) fed.submit('q', 2); // entries 2, 4, 6, 8: eight events, the newest five kept
    expect(fed.log.size().events).toBe(5);
    expect(fed.log.oldest()).toEqual({ index: 4, ordinal: 0 });
    const err = refusal(() => watch(fed, { index: 2, ordinal: 1 }));
    expect(err.code).toBe('WATCH_POSITION_COMPACTED');
    expect(err.message).toContain('position 2:1 is no longer held on node n1: it holds the events after 4:0');
    expect(err.message).toContain('read the current state (Get, List), then watch from now');
    expect(err.details.oldestPosition).toBe('4:0');
    expect(positions(watch(fed, { index: 4, ordinal: 0 }).events)).toEqual(['4:1', '6:0', '6:1', '8:0', '8:1']);
  });

  it('keeps at most retainBytes of events, dropping the oldest', () => {
    const fed = new Fed({ retainBytes: 3000 });
    for (let i = 0; i < 50; i++) fed.submit();
    const { events, bytes } = fed.log.size();
    expect(bytes).toBeLessThanOrEqual(3000);
    expect(events).toBeGreaterThan(5);
    expect(events).toBeLessThan(50);
  });

  it('after a restore (start from a snapshot, or one installed) only later entries are held; watchers behind it end', () => {
    const fed = new Fed();
    fed.submit();
    const live = watch(fed, 'now');
    const ahead = watch(fed, { index: 40, ordinal: 0 });
    fed.log.restored(30);
    expect(live.error?.code).toBe('WATCH_POSITION_COMPACTED');
    expect(live.error?.message).toContain('position 2:end is no longer held on node n1: it holds the events after 30:end');
    expect(ahead.error).toBeNull();
    expect(refusal(() => watch(fed, { index: 30, ordinal: 0 })).message).toContain('it holds the events after 30:end');
    expect(watch(fed, { index: 30, ordinal: END_OF_ENTRY }).error).toBeNull();
  });

  it('a position ahead of what the node applied waits for it', () => {
    const fed = new Fed();
    const w = watch(fed, { index: 4, ordinal: 0 });
    expect(w.messages).toEqual([{ type: 'checkpoint', index: 4, ordinal: 0, time: 0 }]);
    fed.submit(); // entry 2
    fed.submit('q', 2); // entry 4: its ordinal 1 is after 4:0
    fed.submit(); // entry 6
    expect(positions(w.events)).toEqual(['4:1', '6:0']);
  });

  it('stopping the node ends every watch and refuses new ones', () => {
    const fed = new Fed();
    const w = watch(fed, 'now');
    fed.log.close(new RaftJobsError(ErrorCode.ShuttingDown, 'the node is shutting down'));
    expect(w.error?.code).toBe('SHUTTING_DOWN');
    expect(refusal(() => watch(fed, 'now')).code).toBe('SHUTTING_DOWN');
  });
});

describe('watch log: slow watchers', () => {
  it('a watcher whose stream asks for a pause reads on from the ring when it drains: nothing lost, nothing twice', () => {
    const fed = new Fed();
    const slow = watch(fed, 'now');
    slow.room = 2; // two events (the write of the second one asks for a pause)
    for (let i = 0; i < 10; i++) fed.submit('q', 3);
    expect(slow.events.length).toBe(2);
    slow.drain(5);
    expect(slow.events.length).toBe(7);
    slow.drain();
    fed.submit();
    const expected = Array.from({ length: 10 }, (_, i) => [0, 1, 2].map((o) => `${2 * (i + 1)}:${o}`)).flat().concat(['22:0']);
    expect(positions(slow.events)).toEqual(expected);
    expect(slow.error).toBeNull();
  });

  it('a watcher that falls behind by more than the ring holds is ended with WATCHER_TOO_SLOW, and others go on', () => {
    const fed = new Fed({ retainEvents: 10 });
    const slow = watch(fed, 'now');
    const fast = watch(fed, 'now');
    slow.room = 2;
    for (let i = 0; i < 12; i++) fed.submit();
    expect(slow.error).toBeNull(); // its next event (the third) is still in the ring
    fed.submit();
    expect(slow.error?.code).toBe('WATCHER_TOO_SLOW');
    expect(slow.error?.message).toContain('To resync, read the current state (Get, List), then watch from now');
    expect(fast.events.length).toBe(13);
    expect(fast.error).toBeNull();
  });

  it('a live watcher filtered away from every event gets a checkpoint at most every interval while entries are applied', () => {
    const fed = new Fed();
    const quiet = watch(fed, 'now', { queues: new Set(['other']) });
    fed.submit();
    expect(quiet.messages.length).toBe(1);
    fed.now += CHECKPOINT_INTERVAL_MS;
    fed.submit();
    fed.submit();
    expect(quiet.messages.slice(1)).toEqual([{ type: 'checkpoint', index: 4, ordinal: END_OF_ENTRY, time: T0 + 4 }]);
    // Resuming from it skips only what the filter drops.
    expect(positions(watch(fed, quiet.messages[1] as WatchMessage).events)).toEqual(['6:0']);
  });
});

describe('watch log: the ring keeps events as columns', () => {
  /**
   * Event `n` of a varied stream: every watched type (failures, expiries and abandons both with
   * attempts left and dead), schedule events that only take ordinals, jobs with and without a
   * group, ids that repeat, progress messages empty and not ASCII.
   */
  function eventAt(n: number): JobEvent {
    const jobId = formatJobId(1 + ((n * 7919) % 4001));
    const queue = ['q', 'emails', 'a-rather-longer-queue-name'][n % 3] as string;
    const group = n % 4 === 0 ? null : `g${n % 5}`;
    const token = 2 ** 40 + n;
    const next = Math.floor(n / 18) % 2 === 0 ? 'dead' : 'retry';
    const workerId = `worker-${n % 7}`;
    switch (n % 18) {
      case 0:
        return { type: 'submitted', jobId, queue, group, state: 'ready' };
      case 1:
        return { type: 'replaced', jobId, queue, group, state: 'scheduled' };
      case 2:
        return { type: 'leased', jobId, queue, group, token, workerId, session: 's', attempt: 1 + (n % 9) };
      case 3:
        return { type: 'progress', jobId, queue, group, token, percent: (n % 1000) / 10, message: n % 2 === 0 ? '' : `étape ${n} ✓` };
      case 4:
        return { type: 'completed', jobId, queue, group, token };
      case 5:
        return { type: 'failed', jobId, queue, group, token, next };
      case 6:
        return { type: 'expired', jobId, queue, group, token, next };
      case 7:
        return { type: 'released', jobId, queue, group, token, workerId, session: 's' };
      case 8:
        return { type: 'throttled', jobId, queue, group, token, scope: 'key', until: 1_700_000_000_000 + n * 1.5, state: 'scheduled' };
      case 9:
        return { type: 'abandoned', jobId, queue, group, token, workerId, session: 's', next };
      case 10:
        return { type: 'cancelled', jobId, queue, group, previous: 'leased', token };
      case 11:
        return { type: 'cancelled', jobId, queue, group, previous: 'ready', token: 0 };
      case 12:
        return { type: 'retried', jobId, queue, group };
      case 13:
        return { type: 'purged', jobId, queue, group, state: 'succeeded' };
      case 14:
        return { type: 'scheduleFired', scheduleId: 'sch', slot: n, jobId, group, lagMs: 3, manual: false };
      case 15:
        return { type: 'scheduleSkipped', scheduleId: 'sch', slots: 2 };
      case 16:
        return { type: 'failed', jobId, queue, group, token, next: 'dead' };
      default:
        return { type: 'abandoned', jobId, queue, group, token, workerId, session: 's', next: 'dead' };
    }
  }

  /** A log fed entries of 1 to 5 events, with what the watch must make of each watched one. */
  class Stream {
    readonly log: WatchLog;
    /** The watch's form of every watched event fed, in order, and the applied event it came from. */
    readonly all: WatchEvent[] = [];
    private readonly applied = new Map<WatchEvent, JobEvent>();
    private n = 0;
    private index = 0;

    constructor(readonly retainEvents: number, retainBytes = 1 << 30) {
      this.log = new WatchLog({ retainEvents, retainBytes, nodeId: 'n1', monotonic: () => 0 });
    }

    feed(count: number, make: (n: number) => JobEvent = eventAt): void {
      for (let fed = 0; fed < count; ) {
        const index = (this.index += 3);
        const time = 1_700_000_000_000 + index * 10;
        const events = Array.from({ length: 1 + (index % 5) }, () => make(this.n++));
        this.log.applied(index, events, time);
        events.forEach((e, ordinal) => {
          const w = watchEventOf(e, { index, ordinal, time });
          if (w === null) return;
          this.all.push(w);
          this.applied.set(w, e);
        });
        fed += events.length;
      }
    }

    /** The log holds the newest events, each as it was applied, at its position, counted in bytes as it was. */
    check(): void {
      const n = this.log.size().events;
      const kept = this.all.slice(this.all.length - n);
      expect(watch({ log: this.log } as Fed, this.log.oldest()).events).toEqual(kept);
      expect(this.log.size().bytes).toBe(kept.reduce((sum, e) => sum + jobEventBytes(this.applied.get(e) as JobEvent), 0));
      // Starting after any kept event finds the next one (the binary search over the columns).
      for (const i of [0, 1, Math.floor(n / 3), n - 2, n - 1]) {
        const from: WatchPosition = { index: kept[i]!.index, ordinal: kept[i]!.ordinal };
        expect(watch({ log: this.log } as Fed, from).events).toEqual(kept.slice(i + 1));
      }
    }
  }

  it('reads back every event as watchEventOf made it, across growth and wrap-around; positions, bytes and filters as before', () => {
    const s = new Stream(3000); // past the ring's first capacity (1024), and not a power of two
    const from = (r: Recorder, filter: WatchFilter = MATCH_ALL): Recorder => {
      r.sub = s.log.subscribe({ index: 0, ordinal: 0 }, filter, r);
      return r;
    };
    const live = from(new Recorder());
    const paused = from(new Recorder());
    paused.room = 1;
    const ids = new Set([formatJobId(1 + ((5 * 7919) % 4001)), formatJobId(1 + ((9 * 7919) % 4001)), 'not-a-job-id']);
    const filter: WatchFilter = { jobIds: ids, queues: new Set(['q', 'emails']), groups: null, types: new Set<WatchEventType>(['dead', 'failed', 'abandoned', 'submitted']) };
    const filtered = from(new Recorder(), filter);
    const byGroup = from(new Recorder(), { ...MATCH_ALL, groups: new Set(['g1', 'g3']) });
    const step = (count: number): void => {
      s.feed(count);
      // Reads the ring from its cursor while the ring grows and wraps (fewer than came, most times).
      paused.drain(500);
    };

    step(700); // within the first capacity
    s.check();
    step(1500); // grown twice, not yet wrapped
    s.check();
    for (let i = 0; i < 12; i++) step(700); // wrapped round the full ring several times
    s.check();
    const all = s.all;
    expect(s.log.size().events).toBe(3000);
    expect(all.length).toBeGreaterThan(3 * 3000);

    expect(live.events).toEqual(all);
    expect(paused.events.length).toBeLessThan(all.length);
    paused.drain();
    expect(paused.error).toBeNull();
    expect(paused.events).toEqual(all);
    expect(filtered.events).toEqual(all.filter((e) => ids.has(e.jobId) && filter.queues!.has(e.queue) && filter.types!.has(e.type)));
    expect(filtered.events.length).toBeGreaterThan(0);
    expect(byGroup.events).toEqual(all.filter((e) => e.group === 'g1' || e.group === 'g3'));
    expect(new Set(all.map((e) => e.type))).toEqual(new Set(['submitted', 'replaced', 'leased', 'progress', 'completed', 'failed', 'expired', 'released', 'throttled', 'abandoned', 'cancelled', 'retried', 'purged', 'dead']));
    expect(new Set(all.map((e) => e.cause))).toEqual(new Set(['', 'failed', 'expired', 'abandoned']));
  });

  it('grows in order when the byte bound had already moved its oldest event off the first row', () => {
    const s = new Stream(3000, 400_000);
    const long = 'x'.repeat(2000);
    // ~4,200 bytes each: about 95 fit, so the oldest has moved on well before the first capacity.
    s.feed(300, (n) => ({ type: 'progress', jobId: formatJobId(n + 1), queue: 'q', group: null, token: n, percent: 1, message: long }));
    expect(s.log.size().events).toBeLessThan(100);
    s.check();
    s.feed(3000); // small events: the ring fills its 1,024 rows and grows while it wraps
    expect(s.log.size().events).toBeGreaterThan(1024);
    s.check();
    s.feed(6000);
    s.check();
  });
});
