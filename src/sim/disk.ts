import type { Entry, HardState, Ready, Snapshot } from '../raft/index.js';
import { SafetyViolation } from './checker.js';

/** A simulated node's disk: what survives a crash. */
export interface Disk {
  hard: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
  /** Index and term just before `entries[0]`. */
  logStart: { index: number; term: number };
}

export function emptyDisk(): Disk {
  return { hard: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [], logStart: { index: 0, term: 0 } };
}

/**
 * Makes one Ready durable on `disk`, as the real storage does: the snapshot (replacing the whole
 * log), then the entries (overwriting the log from the first one on), then the hard state. Returns
 * the term of the entry just before the new ones (for log-matching checks), or null when the Ready
 * carried no entries. A write that would leave a gap in the log is a SafetyViolation.
 */
export function persistReady(disk: Disk, rd: Ready, nodeId: string): number | null {
  if (rd.snapshot) {
    disk.snapshot = rd.snapshot;
    disk.entries = [];
    disk.logStart = { index: rd.snapshot.meta.index, term: rd.snapshot.meta.term };
  }
  let prevTerm: number | null = null;
  const first = rd.entries[0];
  if (first) {
    const keep = first.index - disk.logStart.index - 1;
    if (keep < 0 || keep > disk.entries.length) throw new SafetyViolation(`${nodeId}: write at ${first.index} leaves a gap in the log`);
    disk.entries.length = keep;
    disk.entries.push(...rd.entries);
    prevTerm = keep === 0 ? disk.logStart.term : (disk.entries[keep - 1] as Entry).term;
  }
  if (rd.hardState) disk.hard = rd.hardState;
  return prevTerm;
}
