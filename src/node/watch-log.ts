/**
 * The node's side of `Jobs.Watch`: the newest job events it applied, with their positions, in a
 * ring bounded by count and by estimated bytes, and the watchers it feeds. Every node (leader or
 * follower) applies every committed entry, so every node keeps its own ring and serves watches
 * locally; positions are the same everywhere (see watch-events.ts).
 *
 * A watcher is in one of three phases:
 * - waiting: it asked to start after a position this node has not applied yet;
 * - lagging: it reads the ring from a cursor, as fast as its stream drains (catching up from an
 *   old position, or after its stream asked for a pause);
 * - live: it is caught up, and each applied entry's matching events are sent to it at once.
 * The ring is the only buffer: a watcher costs a cursor, not a queue of its own. One that falls so
 * far behind that the events it still has to read leave the ring is ended (WATCHER_TOO_SLOW).
 */
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { JobEvent } from '../jobs/index.js';
import { comparePositions, END_OF_ENTRY, formatPosition, isWatched, jobEventBytes, matches, watchEventOf, type WatchedJobEvent, type WatchEvent, type WatchFilter, type WatchMessage, type WatchPosition } from './watch-events.js';

/** How often a live watcher that received nothing gets a checkpoint while entries are applied, ms. */
export const CHECKPOINT_INTERVAL_MS = 1000;

export interface WatchLogOptions {
  /** `watch.retainEvents`: most events kept. */
  readonly retainEvents: number;
  /** `watch.retainBytes`: most bytes the kept events may take, as `jobEventBytes` counts them. */
  readonly retainBytes: number;
  /** Named in error messages. */
  readonly nodeId: string;
  /** A monotonic clock, ms (for checkpoints only). */
  readonly monotonic: () => number;
}

/** Where a watcher's messages go: the gRPC stream, in the server. */
export interface WatchSink {
  /** Sends one message; false asks for no more until `WatchSubscription.resume` (the stream's 'drain'). */
  send(message: WatchMessage): boolean;
  /** Ends the watch with this error; nothing is sent after it. */
  fail(err: RaftJobsError): void;
}

export interface WatchSubscription {
  /** The sink can take messages again. */
  resume(): void;
  /** The watcher went away: forget it. */
  close(): void;
}

type Phase = 'waiting' | 'lagging' | 'live' | 'closed';

/**
 * One kept event: the state machine's own event with its position, as applied. It becomes the
 * watch's form (`watchEventOf`) only when a watcher reads it, so a node nobody watches spends one
 * small object per event and nothing more.
 */
class Kept implements WatchPosition {
  constructor(
    readonly index: number,
    readonly ordinal: number,
    readonly time: number,
    readonly event: WatchedJobEvent,
    readonly bytes: number,
  ) {}

  /** The watch's form of the event (never null: only watched events are kept). */
  view(): WatchEvent {
    return watchEventOf(this.event, this) as WatchEvent;
  }
}

class Watcher implements WatchSubscription {
  phase: Phase = 'waiting';
  /** Waiting: the position it starts after. */
  after: WatchPosition;
  /** Lagging: the ring sequence number it reads next. */
  nextSeq = 0;
  /** When it was last sent anything (monotonic ms). */
  lastSentAt: number;

  constructor(
    private readonly log: WatchLog,
    readonly filter: WatchFilter,
    readonly sink: WatchSink,
    after: WatchPosition,
    now: number,
  ) {
    this.after = after;
    this.lastSentAt = now;
  }

  resume(): void {
    if (this.phase === 'lagging') this.log.pump(this);
  }

  close(): void {
    this.log.forget(this);
  }
}

export class WatchLog {
  /**
   * The ring: event `seq` in slot `seq % retainEvents`. It grows by appending up to its capacity
   * (an array made at full length up front would be a slow dictionary beyond 100,000 slots).
   */
  private readonly slots: (Kept | undefined)[] = [];
  /** Sequence number of the oldest kept event; `endSeq` is that of the next one to come. */
  private startSeq = 0;
  private endSeq = 0;
  private bytes = 0;
  /** Every event after this position (up to the applied one) is in the ring. */
  private floor: WatchPosition = { index: 0, ordinal: 0 };
  private appliedIndex = 0;
  private appliedTime = 0;
  private readonly waiting = new Set<Watcher>();
  private readonly lagging = new Set<Watcher>();
  /** Live watchers without a job-id filter. */
  private readonly liveAny = new Set<Watcher>();
  /** Live watchers with a job-id filter, by each job id they name. */
  private readonly liveByJob = new Map<string, Set<Watcher>>();
  private liveByJobCount = 0;
  private nextCheckpointScan = 0;
  private closed: RaftJobsError | null = null;

  constructor(private readonly o: WatchLogOptions) {}

  /** After the last applied entry: where a watch "from now" starts. */
  position(): WatchPosition {
    return { index: this.appliedIndex, ordinal: END_OF_ENTRY };
  }

  /** Every event after this position is held: a watch may start after it or later. */
  oldest(): WatchPosition {
    return this.floor;
  }

  /** Events kept now, and their estimated bytes. */
  size(): { readonly events: number; readonly bytes: number; readonly watchers: number } {
    return { events: this.endSeq - this.startSeq, bytes: this.bytes, watchers: this.waiting.size + this.lagging.size + this.liveAny.size + this.liveByJobCount };
  }

  /**
   * The job state was replaced by a snapshot's (at start, or a snapshot installed from the
   * leader): the events of the entries up to `index` were never seen here. Watchers that had not
   * read past them lose events they cannot get from this node: they are ended with
   * WATCH_POSITION_COMPACTED (another node may hold them).
   */
  restored(index: number): void {
    if (index <= this.appliedIndex) return;
    const behind = [...this.lagging, ...this.liveAny, ...this.liveJobWatchers()].map((w) => ({ w, at: this.readUpTo(w) }));
    // Every watcher that holds a sequence number ends below, so numbering starts again.
    this.slots.length = 0;
    this.startSeq = 0;
    this.endSeq = 0;
    this.bytes = 0;
    this.floor = { index, ordinal: END_OF_ENTRY };
    this.appliedIndex = index;
    for (const { w, at } of behind) this.end(w, this.compacted(at));
    for (const w of [...this.waiting]) if (comparePositions(w.after, this.floor) < 0) this.end(w, this.compacted(w.after));
  }

  /** The events of one applied entry, in order, with its replicated time. */
  applied(index: number, events: readonly JobEvent[], time: number): void {
    if (index <= this.appliedIndex) return;
    const first = this.endSeq;
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as JobEvent;
      if (isWatched(e)) this.push(new Kept(index, i, time, e, jobEventBytes(e)));
    }
    this.appliedIndex = index;
    this.appliedTime = time;
    if (this.endSeq > first) this.deliver(first);
    for (const w of [...this.lagging]) if (w.nextSeq < this.startSeq) this.end(w, this.tooSlow(w));
    this.checkpoints();
    for (const w of [...this.waiting]) if (w.after.index <= index) this.begin(w);
  }

  /**
   * A watcher of the events after `from` (`now`: after the last applied entry). Its first message
   * is a checkpoint at that position.
   *
   * @throws RaftJobsError WATCH_POSITION_COMPACTED when `from` is older than what the ring holds;
   * SHUTTING_DOWN once the node stops.
   */
  subscribe(from: WatchPosition | 'now', filter: WatchFilter, sink: WatchSink): WatchSubscription {
    if (this.closed !== null) throw this.closed;
    const after = from === 'now' ? this.position() : from;
    if (comparePositions(after, this.floor) < 0) throw this.compacted(after);
    const w = new Watcher(this, filter, sink, after, this.o.monotonic());
    this.waiting.add(w);
    const more = sink.send({ type: 'checkpoint', index: after.index, ordinal: after.ordinal, time: this.appliedTime });
    if (after.index > this.appliedIndex) return w;
    this.begin(w, more);
    return w;
  }

  /** The node stops: every watch ends with `err`. */
  close(err: RaftJobsError): void {
    this.closed = err;
    for (const w of [...this.waiting, ...this.lagging, ...this.liveAny, ...this.liveJobWatchers()]) this.end(w, err);
  }

  /** @internal Sends what a lagging watcher has still to read, until its sink asks for a pause. */
  pump(w: Watcher): void {
    while (w.phase === 'lagging') {
      if (w.nextSeq < this.startSeq) return this.end(w, this.tooSlow(w));
      if (w.nextSeq >= this.endSeq) return this.goLive(w);
      const e = (this.slots[w.nextSeq % this.o.retainEvents] as Kept).view();
      w.nextSeq++;
      if (matches(w.filter, e) && !this.send(w, e)) return;
    }
  }

  /** @internal */
  forget(w: Watcher): void {
    this.detach(w);
    w.phase = 'closed';
  }

  // ---------------------------------------------------------------------------------- internals

  private push(e: Kept): void {
    const cap = this.o.retainEvents;
    while (this.endSeq - this.startSeq >= cap || (this.bytes + e.bytes > this.o.retainBytes && this.endSeq > this.startSeq)) this.evictOldest();
    this.slots[this.endSeq % cap] = e;
    this.endSeq++;
    this.bytes += e.bytes;
  }

  private evictOldest(): void {
    const slot = this.startSeq % this.o.retainEvents;
    const e = this.slots[slot] as Kept;
    this.slots[slot] = undefined;
    this.startSeq++;
    this.bytes -= e.bytes;
    this.floor = { index: e.index, ordinal: e.ordinal };
  }

  /** Live watchers get the events from `firstSeq` on now; one whose sink asks for a pause reads on from the ring. */
  private deliver(firstSeq: number): void {
    if (this.liveAny.size === 0 && this.liveByJobCount === 0) return;
    for (let seq = firstSeq; seq < this.endSeq; seq++) {
      const kept = this.slots[seq % this.o.retainEvents] as Kept;
      const byJob = this.liveByJob.get(kept.event.jobId);
      if (this.liveAny.size === 0 && byJob === undefined) continue;
      const e = kept.view();
      for (const w of this.liveAny) this.deliverOne(w, e, seq);
      if (byJob !== undefined) for (const w of [...byJob]) this.deliverOne(w, e, seq);
    }
  }

  private deliverOne(w: Watcher, e: WatchEvent, seq: number): void {
    if (w.phase !== 'live' || !matches(w.filter, e) || this.send(w, e)) return;
    this.detach(w);
    w.phase = 'lagging';
    w.nextSeq = seq + 1;
    this.lagging.add(w);
  }

  private send(w: Watcher, m: WatchMessage): boolean {
    w.lastSentAt = this.o.monotonic();
    return w.sink.send(m);
  }

  /** Live watchers that were sent nothing for a while learn how far they have got. */
  private checkpoints(): void {
    const now = this.o.monotonic();
    if (now < this.nextCheckpointScan) return;
    this.nextCheckpointScan = now + CHECKPOINT_INTERVAL_MS / 4;
    const at: WatchMessage = { type: 'checkpoint', index: this.appliedIndex, ordinal: END_OF_ENTRY, time: this.appliedTime };
    for (const w of [...this.liveAny, ...this.liveJobWatchers()]) {
      if (w.phase === 'live' && now - w.lastSentAt >= CHECKPOINT_INTERVAL_MS && !this.send(w, at)) {
        this.detach(w);
        w.phase = 'lagging';
        w.nextSeq = this.endSeq;
        this.lagging.add(w);
      }
    }
  }

  /** A waiting watcher starts reading: from the first kept event after its position. */
  private begin(w: Watcher, sinkReady = true): void {
    if (comparePositions(w.after, this.floor) < 0) return this.end(w, this.compacted(w.after));
    this.waiting.delete(w);
    w.phase = 'lagging';
    w.nextSeq = this.firstAfter(w.after);
    this.lagging.add(w);
    if (sinkReady) this.pump(w);
  }

  private goLive(w: Watcher): void {
    this.lagging.delete(w);
    w.phase = 'live';
    const ids = w.filter.jobIds;
    if (ids === null) {
      this.liveAny.add(w);
      return;
    }
    this.liveByJobCount++;
    for (const id of ids) {
      let set = this.liveByJob.get(id);
      if (set === undefined) this.liveByJob.set(id, (set = new Set()));
      set.add(w);
    }
  }

  private detach(w: Watcher): void {
    this.waiting.delete(w);
    this.lagging.delete(w);
    if (w.phase !== 'live') return;
    if (this.liveAny.delete(w)) return;
    this.liveByJobCount--;
    for (const id of w.filter.jobIds ?? []) {
      const set = this.liveByJob.get(id);
      set?.delete(w);
      if (set?.size === 0) this.liveByJob.delete(id);
    }
  }

  private end(w: Watcher, err: RaftJobsError): void {
    if (w.phase === 'closed') return;
    this.forget(w);
    w.sink.fail(err);
  }

  private liveJobWatchers(): Watcher[] {
    const out = new Set<Watcher>();
    for (const set of this.liveByJob.values()) for (const w of set) out.add(w);
    return [...out];
  }

  /** Sequence number of the first kept event after `p` (binary search: the ring is in position order). */
  private firstAfter(p: WatchPosition): number {
    let lo = this.startSeq;
    let hi = this.endSeq;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparePositions(this.slots[mid % this.o.retainEvents] as Kept, p) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where a lagging or live watcher had read up to, for its error message. */
  private readUpTo(w: Watcher): WatchPosition {
    if (w.phase === 'live') return { index: this.appliedIndex, ordinal: END_OF_ENTRY };
    const last = w.nextSeq - 1;
    return last >= this.startSeq ? (this.slots[last % this.o.retainEvents] as Kept) : w.after;
  }

  private compacted(after: WatchPosition): RaftJobsError {
    return new RaftJobsError(
      ErrorCode.WatchPositionCompacted,
      `watch: position ${formatPosition(after)} is no longer held on node ${this.o.nodeId}: it holds the events after ${formatPosition(this.floor)} ` +
        `(the newest watch.retainEvents ${this.o.retainEvents}, none from before its last start or snapshot install); another node may hold it. ` +
        'To resync, read the current state (Get, List), then watch from now',
      { oldestPosition: formatPosition(this.floor) },
    );
  }

  private tooSlow(w: Watcher): RaftJobsError {
    return new RaftJobsError(
      ErrorCode.WatcherTooSlow,
      `watch: this watcher read too slowly: ${this.endSeq - w.nextSeq} events behind, the ones it had still to receive left node ${this.o.nodeId}'s ring (watch.retainEvents ${this.o.retainEvents}, ` +
        `watch.retainBytes ${this.o.retainBytes}; it now holds the events after ${formatPosition(this.floor)}). To resync, read the current state (Get, List), then watch from now`,
      { oldestPosition: formatPosition(this.floor) },
    );
  }
}
