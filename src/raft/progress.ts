import type { NodeId, ProgressStatus } from './types.js';

/**
 * The leader's view of one follower (§5.3 nextIndex/matchIndex), plus flow control:
 * - `probe`: one append at a time until the follower's position is found;
 * - `replicate`: optimistic pipelining, at most `maxInflight` appends unacknowledged;
 * - `snapshot`: a snapshot is on its way; nothing else is sent until it is acknowledged.
 */
export class Progress {
  match = 0;
  next: number;
  state: 'probe' | 'replicate' | 'snapshot' = 'probe';
  /** Probe state: an append was sent and no reply has come back yet. */
  probeSent = false;
  /** Last index of each append in flight, oldest first (replicate state). */
  inflights: number[] = [];
  pendingSnapshot = 0;
  snapshotSentTick = 0;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  /** Highest commit index sent to this follower (in an append or a heartbeat). */
  commitSent = 0;
  /** Highest ReadIndex context this follower has acknowledged. */
  readAck = 0;
  /** The follower's data-directory incarnation: the one the membership records, else the last its replies reported (0: not known yet). */
  incarnation = 0;
  /** Incarnations it had before (lost disks): replies from them are stale. */
  private retired: number[] = [];
  /**
   * While the membership records no incarnation for it: those this leader knew it by before it was
   * removed and added again in this term (see the constructor). Not stale outright (it may have been
   * added back on the disk it kept), but never recorded for it, and stale once another is heard.
   */
  private former: number[];
  /** It answers from a data directory other than the one the membership records. */
  refused = false;

  /**
   * `expected`: the incarnation the membership records for it (0: none yet). `former`: the
   * incarnations this leader knew the member by before it was removed, in this term: replies from
   * them may still be on the way. While one is recorded, every other is stale; with none recorded
   * they are kept apart (see `former`).
   */
  constructor(
    readonly id: NodeId,
    next: number,
    private readonly maxInflight: number,
    private expected = 0,
    former: readonly number[] = [],
  ) {
    this.next = next;
    if (expected !== 0) this.incarnation = expected;
    this.former = [];
    for (const x of former) {
      if (x === expected) continue;
      if (expected !== 0) this.retired.push(x);
      else this.former.push(x);
    }
  }

  /** The membership now records `incarnation` for it (0: none). */
  expect(incarnation: number): void {
    if (incarnation === this.expected) return;
    this.expected = incarnation;
    if (incarnation !== 0) {
      this.incarnation = incarnation;
      this.retired.push(...this.former.filter((x) => x !== incarnation));
      this.former = [];
    }
    this.refused = false;
  }

  /** The incarnation the leader may record for it: the one it answers from, unless that is a former one (0: none). */
  bindable(): number {
    return this.former.includes(this.incarnation) ? 0 : this.incarnation;
  }

  /** Every incarnation this record knows it by or knew it by (for the leader to remember when the member is removed). */
  known(): number[] {
    return [...new Set([this.expected, this.incarnation, ...this.retired, ...this.former])].filter((x) => x !== 0);
  }

  paused(): boolean {
    // A refused member gets heartbeats (which keep it from campaigning) and nothing of the log.
    if (this.refused) return true;
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.length >= this.maxInflight;
      case 'snapshot':
        return true;
    }
  }

  becomeProbe(): void {
    if (this.state === 'snapshot') {
      this.next = Math.max(this.match + 1, this.pendingSnapshot + 1);
    } else {
      this.next = this.match + 1;
    }
    this.state = 'probe';
    this.probeSent = false;
    this.inflights = [];
    this.pendingSnapshot = 0;
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = this.match + 1;
    this.probeSent = false;
    this.inflights = [];
  }

  becomeSnapshot(index: number, tick: number): void {
    this.state = 'snapshot';
    this.pendingSnapshot = index;
    this.snapshotSentTick = tick;
    this.inflights = [];
  }

  /** A successful reply up to `index`; false when it tells nothing new (stale or duplicate). */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (index > this.match) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    if (this.next < index + 1) this.next = index + 1;
    while (this.inflights.length > 0 && (this.inflights[0] as number) <= index) this.inflights.shift();
    return updated;
  }

  /**
   * A rejection of `rejected` (the prevLogIndex we sent); `probeAt` is where the leader's log and
   * the follower's hint say to try next. False when the rejection is stale.
   */
  maybeDecrTo(rejected: number, probeAt: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
    } else if (this.next - 1 !== rejected) {
      return false;
    }
    this.next = Math.max(Math.min(rejected, probeAt + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /**
   * Checks the incarnation a reply reports. Replies without one (0) pass.
   *
   * While the membership records none for the follower, a new one means it lost its disk: nothing
   * it acknowledged before is on it any more, so its match drops to 0 and it is probed from the
   * start (which sends it a snapshot when the log was compacted); replies from an incarnation it
   * had before are `stale` (ignore them).
   *
   * Once the membership records one, any other is a lost disk too, but the follower is `refused`
   * from then on: no log is sent to it and nothing it says counts, not even a late reply from the
   * recorded data directory (that directory is gone), until the membership records another
   * incarnation for it (it is removed and added again).
   *
   * Removed and added again, it has a new record, and replies its old disk sent to this leader may
   * still be on the way: those from an incarnation the leader knew it by before (`former`) are
   * stale, not a sign that the disk the membership now records was lost too.
   */
  checkIncarnation(incarnation: number): 'current' | 'stale' | 'lostDisk' | 'refused' {
    if (this.refused) return 'refused';
    if (incarnation === 0) return 'current';
    if (this.retired.includes(incarnation)) return 'stale';
    if (this.expected !== 0) {
      if (incarnation === this.expected) return 'current';
      this.refused = true;
      this.match = 0;
      this.readAck = 0;
      this.becomeProbe();
      return 'refused';
    }
    if (incarnation === this.incarnation) return 'current';
    // A late reply from a disk it had before it was removed, once it answers from another.
    if (this.incarnation !== 0 && this.former.includes(incarnation)) return 'stale';
    const previous = this.incarnation;
    this.incarnation = incarnation;
    // The first one this leader hears of; nothing acknowledged yet, so nothing to forget. (One
    // that follows acknowledgements sent without it is a new disk too: a data directory keeps its
    // incarnation for life, so forget them; probing from the start finds the true match.)
    if (previous === 0 && this.match === 0) return 'current';
    if (previous !== 0) this.retired.push(previous);
    this.match = 0;
    this.readAck = 0;
    // Not from a snapshot in flight: that one was going to the disk it lost.
    this.state = 'probe';
    this.becomeProbe();
    return 'lostDisk';
  }

  /** Bookkeeping after sending an append whose last entry is `lastIndex` (or none). */
  sentAppend(lastIndex: number | null): void {
    if (this.state === 'replicate') {
      if (lastIndex !== null) {
        this.next = lastIndex + 1;
        this.inflights.push(lastIndex);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  status(): ProgressStatus {
    return { id: this.id, match: this.match, next: this.next, state: this.state, recentActive: this.recentActive, refused: this.refused };
  }
}
