import type { ClusterMembership, Entry, MembershipChange, NodeId } from './types.js';

/**
 * Membership as replicated state (thesis §4.1, one server at a time). A change is a `config` entry
 * whose data is the whole membership after it; every node uses the latest such entry in its log,
 * committed or not, and falls back to the one before when a conflicting suffix is cut off. The
 * config file only bootstraps: it is the membership while the log and snapshot hold none.
 */

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Every member: voters, then learners. */
export function members(m: ClusterMembership): NodeId[] {
  return [...m.voters, ...(m.learners ?? [])];
}

export function isMember(m: ClusterMembership, id: NodeId): boolean {
  return m.voters.includes(id) || (m.learners ?? []).includes(id);
}

/** The data of a `config` entry: the membership as canonical JSON (keys sorted, ids in order). */
export function encodeMembership(m: ClusterMembership): Uint8Array {
  return enc.encode(JSON.stringify(canonical(m)));
}

/** The membership in a `config` entry, or an error naming what is wrong (a broken invariant). */
export function decodeMembership(data: Uint8Array): ClusterMembership {
  const raw: unknown = JSON.parse(dec.decode(data));
  const m = checkMembership(raw);
  if (typeof m === 'string') throw new Error(`raft: malformed config entry: ${m}`);
  return m;
}

/** A membership read from outside (config entry, snapshot record, wire); a string names what is wrong. */
export function checkMembership(raw: unknown): ClusterMembership | string {
  if (typeof raw !== 'object' || raw === null) return 'not an object';
  const r = raw as Record<string, unknown>;
  const ids = (v: unknown, what: string): NodeId[] | string =>
    v === undefined ? [] : Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0) ? (v as string[]) : `${what} must be a list of ids`;
  const voters = ids(r['voters'], 'voters');
  if (typeof voters === 'string') return voters;
  const learners = ids(r['learners'], 'learners');
  if (typeof learners === 'string') return learners;
  const all = [...voters, ...learners];
  if (new Set(all).size !== all.length) return 'an id appears twice';
  const addresses: Record<NodeId, string> = {};
  const incarnations: Record<NodeId, number> = {};
  for (const [key, into, ok] of [
    ['addresses', addresses, (x: unknown) => typeof x === 'string'],
    ['incarnations', incarnations, (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x > 0],
  ] as const) {
    const v = r[key];
    if (v === undefined) continue;
    if (typeof v !== 'object' || v === null) return `${key} must be an object`;
    for (const [id, x] of Object.entries(v)) {
      if (!all.includes(id)) return `${key} names ${id}, not a member`;
      if (!ok(x)) return `${key}.${id} is malformed`;
      (into as Record<string, unknown>)[id] = x;
    }
  }
  return canonical({ voters, learners, addresses, incarnations });
}

/** The membership after `change`, or why it cannot apply to `m`. */
export function applyChange(m: ClusterMembership, change: MembershipChange): ClusterMembership | string {
  const learners = m.learners ?? [];
  const addresses = { ...m.addresses };
  const incarnations = { ...m.incarnations };
  switch (change.kind) {
    case 'addLearner': {
      if (isMember(m, change.id)) return `${change.id} is already a member`;
      if (change.address !== undefined) addresses[change.id] = change.address;
      if (change.incarnation !== undefined && change.incarnation > 0) incarnations[change.id] = change.incarnation;
      return canonical({ voters: m.voters, learners: [...learners, change.id], addresses, incarnations });
    }
    case 'promote': {
      if (m.voters.includes(change.id)) return `${change.id} is already a voter`;
      if (!learners.includes(change.id)) return `${change.id} is not a member`;
      return canonical({ voters: [...m.voters, change.id], learners: learners.filter((id) => id !== change.id), addresses, incarnations });
    }
    case 'remove': {
      if (!isMember(m, change.id)) return `${change.id} is not a member`;
      const voters = m.voters.filter((id) => id !== change.id);
      if (voters.length === 0) return `${change.id} is the last voter`;
      delete addresses[change.id];
      delete incarnations[change.id];
      return canonical({ voters, learners: learners.filter((id) => id !== change.id), addresses, incarnations });
    }
    case 'bind': {
      if (!isMember(m, change.id)) return `${change.id} is not a member`;
      if (!(change.incarnation > 0)) return 'an incarnation is a positive number';
      incarnations[change.id] = change.incarnation;
      return canonical({ voters: m.voters, learners, addresses, incarnations });
    }
  }
}

/**
 * The config entries of a log, in index order, with the membership each sets. `known` are those
 * already tracked; entries whose index now holds something else (a cut suffix) are dropped.
 */
export class ConfigHistory {
  private configs: { index: number; term: number; membership: ClusterMembership }[] = [];

  constructor(private base: ClusterMembership) {}

  /** The membership in force: the latest config entry's, or the base's. */
  current(): ClusterMembership {
    return this.configs[this.configs.length - 1]?.membership ?? this.base;
  }

  /** Index of the latest config entry (0: none above the base). */
  lastIndex(): number {
    return this.configs[this.configs.length - 1]?.index ?? 0;
  }

  /** The membership as of `index` (which must not be below the base's). */
  at(index: number): ClusterMembership {
    let m = this.base;
    for (const c of this.configs) {
      if (c.index > index) break;
      m = c.membership;
    }
    return m;
  }

  /** Note `entries`, just appended after everything tracked (a leader's own, or a follower's new ones). */
  appended(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.type !== 'config') continue;
      while ((this.configs[this.configs.length - 1]?.index ?? 0) >= e.index) this.configs.pop();
      this.configs.push({ index: e.index, term: e.term, membership: decodeMembership(e.data) });
    }
  }

  /** Forget config entries the log no longer holds as they were (`termAt` gives the log's term). */
  truncated(termAt: (index: number) => number | undefined): void {
    while (this.configs.length > 0) {
      const last = this.configs[this.configs.length - 1] as { index: number; term: number };
      if (termAt(last.index) === last.term) break;
      this.configs.pop();
    }
  }

  /** A snapshot up to `index` with `membership` replaces everything at or below it. */
  restore(index: number, membership: ClusterMembership): void {
    this.base = membership;
    this.configs = this.configs.filter((c) => c.index > index);
  }
}

function canonical(m: ClusterMembership): ClusterMembership {
  const pick = <T>(o: Readonly<Record<NodeId, T>> | undefined): Record<NodeId, T> | undefined => {
    if (o === undefined) return undefined;
    const keys = Object.keys(o).sort();
    if (keys.length === 0) return undefined;
    return Object.fromEntries(keys.map((k) => [k, o[k] as T]));
  };
  const addresses = pick(m.addresses);
  const incarnations = pick(m.incarnations);
  return {
    voters: [...m.voters],
    learners: [...(m.learners ?? [])],
    ...(addresses ? { addresses } : {}),
    ...(incarnations ? { incarnations } : {}),
  };
}
