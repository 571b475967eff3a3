import type { Entry, NodeId } from '../raft/index.js';

/** Identity of an entry's content, for comparing logs across nodes. */
export function entryKey(e: Entry): string {
  let s = e.type;
  if (e.data.length > 0) s += ':' + String.fromCharCode(...e.data);
  return s;
}

/**
 * Global safety bookkeeping for one simulated run. Every method records what a node did and
 * throws {@link SafetyViolation} the moment a Raft invariant (paper Figure 3) breaks.
 */
export class SafetyChecker {
  /** term → leader elected in it (Election Safety, whatever configuration each was elected in). */
  private readonly leaders = new Map<number, NodeId>();
  /** `${index}:${term}` → content and previous entry's term (Log Matching). */
  private readonly byIndexTerm = new Map<string, { key: string; prevTerm: number }>();
  /**
   * index → committed entry (committed entries never change), with the lowest term in which any
   * node knew it committed (Leader Completeness speaks of leaders of later terms).
   */
  private readonly committed: { term: number; key: string; commitTerm: number }[] = [];
  /** index → state-machine hash after applying it (State Machine Safety). */
  private readonly appliedHash: number[] = [];
  maxCommitted = 0;

  leaderElected(term: number, id: NodeId): void {
    const prev = this.leaders.get(term);
    if (prev !== undefined && prev !== id) throw new SafetyViolation(`election safety: ${prev} and ${id} both leader in term ${term}`);
    this.leaders.set(term, id);
  }

  /** Entries a node stored; `prevTerm` is the term of the entry before the first. */
  entriesStored(node: NodeId, entries: readonly Entry[], prevTerm: number): void {
    let pt = prevTerm;
    for (const e of entries) {
      const k = `${e.index}:${e.term}`;
      const key = entryKey(e);
      const seen = this.byIndexTerm.get(k);
      if (seen === undefined) this.byIndexTerm.set(k, { key, prevTerm: pt });
      else if (seen.key !== key || seen.prevTerm !== pt) {
        throw new SafetyViolation(`log matching: ${node} holds a different entry at index ${e.index} term ${e.term}`);
      }
      pt = e.term;
    }
  }

  /** A node in `nodeTerm` saw its commit index reach `commit`; `entryAt` reads its log (undefined when compacted). */
  commitAdvanced(node: NodeId, nodeTerm: number, from: number, commit: number, entryAt: (i: number) => Entry | undefined): void {
    for (let i = from + 1; i <= commit; i++) {
      const e = entryAt(i);
      if (!e) continue;
      const c = this.committed[i];
      if (c === undefined) this.committed[i] = { term: e.term, key: entryKey(e), commitTerm: nodeTerm };
      else if (c.term !== e.term || c.key !== entryKey(e)) {
        throw new SafetyViolation(`committed entry changed: ${node} committed a different entry at index ${i}`);
      } else if (nodeTerm < c.commitTerm) {
        c.commitTerm = nodeTerm;
      }
    }
    if (commit > this.maxCommitted) this.maxCommitted = commit;
  }

  /**
   * A leader in `term` committed `e`: a majority of `voters`, those of the configuration in force in
   * its log when it did (§5.3; thesis §4.1: the latest config entry, committed or not), must hold it
   * on disk (`holds`). With the election restriction (§5.4.1) this is what keeps a committed entry
   * in every later configuration: majorities of configurations one change apart share a voter.
   */
  leaderCommitted(node: NodeId, term: number, e: Entry, voters: readonly NodeId[], holds: (voter: NodeId) => boolean): void {
    const holders = voters.filter(holds);
    if (holders.length < Math.floor(voters.length / 2) + 1) {
      throw new SafetyViolation(`commit quorum: ${node} committed ${e.index} in term ${term} on [${holders.join(',')}] of voters [${voters.join(',')}]`);
    }
  }

  /**
   * Leader Completeness (§5.4): an entry committed in term T is in the log of every leader of a
   * term after T. (A stale leader of an older term may lack it; it can commit nothing.)
   */
  checkLeaderComplete(node: NodeId, leaderTerm: number, firstIndex: number, lastIndex: number, entryAt: (i: number) => Entry | undefined): void {
    for (let i = firstIndex; i <= this.maxCommitted; i++) {
      const c = this.committed[i];
      if (!c || c.commitTerm >= leaderTerm) continue;
      const e = i <= lastIndex ? entryAt(i) : undefined;
      if (i > lastIndex || (e && (c.term !== e.term || c.key !== entryKey(e)))) {
        throw new SafetyViolation(`leader completeness: ${node} leads term ${leaderTerm} without entry ${i} committed in term ${c.commitTerm}`);
      }
    }
  }

  /** Content of the committed entry at `index`, if any node has committed it. */
  committedKey(index: number): string | undefined {
    return this.committed[index]?.key;
  }

  /** State Machine Safety: every node applies the same entry at each index. */
  applied(node: NodeId, index: number, hashAfter: number): void {
    const h = this.appliedHash[index];
    if (h === undefined) this.appliedHash[index] = hashAfter;
    else if (h !== hashAfter) throw new SafetyViolation(`state machine safety: ${node} diverged at applied index ${index}`);
  }

  /** A node restored a snapshot at `index` whose state hash is `hash`. */
  snapshotRestored(node: NodeId, index: number, hash: number): void {
    const h = this.appliedHash[index];
    if (h !== undefined && h !== hash) throw new SafetyViolation(`snapshot at ${index} restored on ${node} differs from applied state`);
  }

  /** Linearizable reads: a confirmed ReadIndex covers every write committed before the read began. */
  readConfirmed(node: NodeId, index: number, committedAtStart: number): void {
    if (index < committedAtStart) {
      throw new SafetyViolation(`stale read on ${node}: read index ${index} < ${committedAtStart} committed before the read`);
    }
  }
}

export class SafetyViolation extends Error {
  override readonly name = 'SafetyViolation';
}
