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
import { comparePositions, END_OF_ENTRY, formatPosition, isWatched, jobEventBytes, type WatchEvent, type WatchFilter, type WatchMessage, type WatchPosition } from './watch-events.js';
import { jobSeqsOf, WatchRing } from './watch-ring.js';

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

class Watcher implements WatchSubscription {
  phase: Phase = 'waiting';
  /** Waiting: the position it starts after. */
  after: WatchPosition;
  /** Lagging: the ring sequence number it reads next. */
  nextSeq = 0;
  /** When it was last sent anything (monotonic ms). */
  lastSentAt: number;
  /** The filter's job ids as job sequence numbers (see `jobSeqsOf`). */
  readonly jobSeqs: ReadonlySet<number> | null;

  constructor(
    private readonly log: WatchLog,
    readonly filter: WatchFilter,
    readonly sink: WatchSink,
    after: WatchPosition,
    now: number,
  ) {
    this.after = after;
    this.lastSentAt = now;
    this.jobSeqs = jobSeqsOf(filter.jobIds);
  }

  resume(): void {
    if (this.phase === 'lagging') this.log.pump(this);
  }

  close(): void {
    this.log.forget(this);
  }
}

export class WatchLog {
  /** The kept events, numbered from `ring.startSeq` (the oldest) to `ring.endSeq` (the next to come). */
  private readonly ring: WatchRing;
  /** Every event after this position (up to the applied one) is in the ring; two numbers, so evicting makes no object. */
  private floorIndex = 0;
  private floorOrdinal = 0;
  private appliedIndex = 0;
  private appliedTime = 0;
  private readonly waiting = new Set<Watcher>();
  private readonly lagging = new Set<Watcher>();
  /** Live watchers without a job-id filter. */
  private readonly liveAny = new Set<Watcher>();
  /** Live watchers with a job-id filter, by the sequence number of each job id they name (0: not a job id). */
  private readonly liveByJob = new Map<number, Set<Watcher>>();
  private liveByJobCount = 0;
  private nextCheckpointScan = 0;
  private closed: RaftJobsError | null = null;

  constructor(private readonly o: WatchLogOptions) {
    this.ring = new WatchRing(o.retainEvents);
  }

  /** After the last applied entry: where a watch "from now" starts. */
  position(): WatchPosition {
    return { index: this.appliedIndex, ordinal: END_OF_ENTRY };
  }

  /** Every event after this position is held: a watch may start after it or later. */
  oldest(): WatchPosition {
    return { index: this.floorIndex, ordinal: this.floorOrdinal };
  }

  /** Events kept now, and their estimated bytes. */
  size(): { readonly events: number; readonly bytes: number; readonly watchers: number } {
    return { events: this.ring.size, bytes: this.ring.totalBytes, watchers: this.waiting.size + this.lagging.size + this.liveAny.size + this.liveByJobCount };
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
    this.ring.clear();
    this.floorIndex = index;
    this.floorOrdinal = END_OF_ENTRY;
    this.appliedIndex = index;
    for (const { w, at } of behind) this.end(w, this.compacted(at));
    for (const w of [...this.waiting]) if (comparePositions(w.after, this.oldest()) < 0) this.end(w, this.compacted(w.after));
  }

  /** The events of one applied entry, in order, with its replicated time. */
  applied(index: number, events: readonly JobEvent[], time: number): void {
    if (index <= this.appliedIndex) return;
    const ring = this.ring;
    const first = ring.endSeq;
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as JobEvent;
      if (!isWatched(e)) continue;
      const bytes = jobEventBytes(e);
      while (ring.size >= this.o.retainEvents || (ring.totalBytes + bytes > this.o.retainBytes && ring.size > 0)) this.evictOldest();
      ring.push(index, i, time, e, bytes);
    }
    this.appliedIndex = index;
    this.appliedTime = time;
    if (ring.endSeq > first) this.deliver(first);
    for (const w of [...this.lagging]) if (w.nextSeq < ring.startSeq) this.end(w, this.tooSlow(w));
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
    if (comparePositions(after, this.oldest()) < 0) throw this.compacted(after);
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
    const ring = this.ring;
    while (w.phase === 'lagging') {
      if (w.nextSeq < ring.startSeq) return this.end(w, this.tooSlow(w));
      if (w.nextSeq >= ring.endSeq) return this.goLive(w);
      const seq = w.nextSeq++;
      if (ring.matches(seq, w.filter, w.jobSeqs) && !this.send(w, ring.view(seq))) return;
    }
  }

  /** @internal */
  forget(w: Watcher): void {
    this.detach(w);
    w.phase = 'closed';
  }

  // ---------------------------------------------------------------------------------- internals

  private evictOldest(): void {
    const ring = this.ring;
    this.floorIndex = ring.indexOf(ring.startSeq);
    this.floorOrdinal = ring.ordinalOf(ring.startSeq);
    ring.shift();
  }

  /**
   * Live watchers get the events from `firstSeq` on now; one whose sink asks for a pause reads on
   * from the ring. An event is made once, and only if some watcher's filter passes its row.
   */
  private deliver(firstSeq: number): void {
    if (this.liveAny.size === 0 && this.liveByJobCount === 0) return;
    const ring = this.ring;
    for (let seq = firstSeq; seq < ring.endSeq; seq++) {
      const byJob = this.liveByJobCount === 0 ? undefined : this.liveByJob.get(ring.jobSeqAt(seq));
      if (this.liveAny.size === 0 && byJob === undefined) continue;
      let e: WatchEvent | null = null;
      for (const w of this.liveAny) e = this.deliverOne(w, seq, e);
      if (byJob !== undefined) for (const w of [...byJob]) e = this.deliverOne(w, seq, e);
    }
  }

  /** Sends event `seq` to `w` if it wants it; returns the event once made (`made`: made already, or null). */
  private deliverOne(w: Watcher, seq: number, made: WatchEvent | null): WatchEvent | null {
    if (w.phase !== 'live' || !this.ring.matches(seq, w.filter, w.jobSeqs)) return made;
    const e = made ?? this.ring.view(seq);
    if (this.send(w, e)) return e;
    this.detach(w);
    w.phase = 'lagging';
    w.nextSeq = seq + 1;
    this.lagging.add(w);
    return e;
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
        w.nextSeq = this.ring.endSeq;
        this.lagging.add(w);
      }
    }
  }

  /** A waiting watcher starts reading: from the first kept event after its position. */
  private begin(w: Watcher, sinkReady = true): void {
    if (comparePositions(w.after, this.oldest()) < 0) return this.end(w, this.compacted(w.after));
    this.waiting.delete(w);
    w.phase = 'lagging';
    w.nextSeq = this.ring.firstAfter(w.after);
    this.lagging.add(w);
    if (sinkReady) this.pump(w);
  }

  private goLive(w: Watcher): void {
    this.lagging.delete(w);
    w.phase = 'live';
    const seqs = w.jobSeqs;
    if (seqs === null) {
      this.liveAny.add(w);
      return;
    }
    this.liveByJobCount++;
    for (const seq of seqs) {
      let set = this.liveByJob.get(seq);
      if (set === undefined) this.liveByJob.set(seq, (set = new Set()));
      set.add(w);
    }
  }

  private detach(w: Watcher): void {
    this.waiting.delete(w);
    this.lagging.delete(w);
    if (w.phase !== 'live') return;
    if (this.liveAny.delete(w)) return;
    this.liveByJobCount--;
    for (const seq of w.jobSeqs ?? []) {
      const set = this.liveByJob.get(seq);
      set?.delete(w);
      if (set?.size === 0) this.liveByJob.delete(seq);
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

  /** Where a lagging or live watcher had read up to, for its error message. */
  private readUpTo(w: Watcher): WatchPosition {
    if (w.phase === 'live') return { index: this.appliedIndex, ordinal: END_OF_ENTRY };
    const last = w.nextSeq - 1;
    return last >= this.ring.startSeq ? this.ring.position(last) : w.after;
  }

  private compacted(after: WatchPosition): RaftJobsError {
    return new RaftJobsError(
      ErrorCode.WatchPositionCompacted,
      `watch: position ${formatPosition(after)} is no longer held on node ${this.o.nodeId}: it holds the events after ${formatPosition(this.oldest())} ` +
        `(the newest watch.retainEvents ${this.o.retainEvents}, none from before its last start or snapshot install); another node may hold it. ` +
        'To resync, read the current state (Get, List), then watch from now',
      { oldestPosition: formatPosition(this.oldest()) },
    );
  }

  private tooSlow(w: Watcher): RaftJobsError {
    return new RaftJobsError(
      ErrorCode.WatcherTooSlow,
      `watch: this watcher read too slowly: ${this.ring.endSeq - w.nextSeq} events behind, the ones it had still to receive left node ${this.o.nodeId}'s ring (watch.retainEvents ${this.o.retainEvents}, ` +
        `watch.retainBytes ${this.o.retainBytes}; it now holds the events after ${formatPosition(this.oldest())}). To resync, read the current state (Get, List), then watch from now`,
      { oldestPosition: formatPosition(this.oldest()) },
    );
  }
}
