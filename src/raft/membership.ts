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

/** The data-directory incarnation the membership records for `id`; 0: none (an own key only, so an id such as `constructor` reads nothing inherited). */
export function incarnationOf(m: ClusterMembership, id: NodeId): number {
  const inc = m.incarnations;
  return inc !== undefined && Object.hasOwn(inc, id) ? (inc[id] as number) : 0;
}

/** The data of a `config` entry: the membership as canonical JSON (keys sorted, ids in order). */
export function encodeMembership(m: ClusterMembership): Uint8Array {
  return enc.encode(JSON.stringify(canonical(m)));
}

/** The membership in a `config` entry; throws when it is malformed (a broken invariant). */
export function decodeMembership(data: Uint8Array): ClusterMembership {
  const raw: unknown = JSON.parse(dec.decode(data));
  const m = checkMembership(raw);
  if (typeof m === 'string') throw new Error(`raft: malformed config entry: ${m}`);
  return m;
}

/** A membership read from outside (config entry, snapshot record, wire); a string names what is wrong. */
export function checkMembership(raw: unknown): ClusterMembership | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not an object';
  const r = raw as Record<string, unknown>;
  const ids = (v: unknown, what: string): NodeId[] | string =>
    v === undefined ? [] : Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0) ? (v as string[]) : `${what} must be a list of ids`;
  const voters = ids(r['voters'], 'voters');
  if (typeof voters === 'string') return voters;
  const learners = ids(r['learners'], 'learners');
  if (typeof learners === 'string') return learners;
  const all = [...voters, ...learners];
  if (new Set(all).size !== all.length) return 'an id appears twice';
  const records: Record<'addresses' | 'incarnations', [NodeId, unknown][]> = { addresses: [], incarnations: [] };
  for (const [key, ok] of [
    ['addresses', (x: unknown) => typeof x === 'string'],
    ['incarnations', (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x > 0],
  ] as const) {
    const v = r[key];
    if (v === undefined) continue;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${key} must be an object`;
    for (const [id, x] of Object.entries(v)) {
      if (!all.includes(id)) return `${key} names ${id}, not a member`;
      if (!ok(x)) return `${key}.${id} is malformed`;
      records[key].push([id, x]);
    }
  }
  return canonical({
    voters,
    learners,
    addresses: Object.fromEntries(records.addresses) as Record<NodeId, string>,
    incarnations: Object.fromEntries(records.incarnations) as Record<NodeId, number>,
  });
}

/**
 * The membership after `change`, or why it cannot apply to `m`: the id is already a member (add),
 * not a learner (promote), not a member, or the last voter (remove), the incarnation is not a
 * positive integer (add, bind; 0 adds none), or the result would not pass {@link checkMembership}
 * (an empty id).
 */
export function applyChange(m: ClusterMembership, change: MembershipChange): ClusterMembership | string {
  const learners = m.learners ?? [];
  const addresses = entriesOf(m.addresses);
  const incarnations = entriesOf(m.incarnations);
  const without = <T>(list: [NodeId, T][]): [NodeId, T][] => list.filter(([id]) => id !== change.id);
  const badIncarnation = (x: number): boolean => !Number.isSafeInteger(x) || x <= 0;
  let next: { voters: readonly NodeId[]; learners: readonly NodeId[]; addresses: [NodeId, string][]; incarnations: [NodeId, number][] };
  switch (change.kind) {
    case 'addLearner': {
      if (isMember(m, change.id)) return `${change.id} is already a member`;
      // 0 is no incarnation, as in `RaftOptions.incarnation`.
      const inc = change.incarnation ?? 0;
      if (inc !== 0 && badIncarnation(inc)) return 'an incarnation is a positive integer';
      next = {
        voters: m.voters,
        learners: [...learners, change.id],
        addresses: change.address !== undefined ? [...addresses, [change.id, change.address]] : addresses,
        incarnations: inc !== 0 ? [...incarnations, [change.id, inc]] : incarnations,
      };
      break;
    }
    case 'promote': {
      if (m.voters.includes(change.id)) return `${change.id} is already a voter`;
      if (!learners.includes(change.id)) return `${change.id} is not a member`;
      next = { voters: [...m.voters, change.id], learners: learners.filter((id) => id !== change.id), addresses, incarnations };
      break;
    }
    case 'remove': {
      if (!isMember(m, change.id)) return `${change.id} is not a member`;
      const voters = m.voters.filter((id) => id !== change.id);
      if (voters.length === 0) return `${change.id} is the last voter`;
      next = { voters, learners: learners.filter((id) => id !== change.id), addresses: without(addresses), incarnations: without(incarnations) };
      break;
    }
    case 'bind': {
      if (!isMember(m, change.id)) return `${change.id} is not a member`;
      if (badIncarnation(change.incarnation)) return 'an incarnation is a positive integer';
      next = { voters: m.voters, learners, addresses, incarnations: [...without(incarnations), [change.id, change.incarnation]] };
      break;
    }
  }
  // What every node will decode from the entry must pass the same check here, or the entry would
  // stop every node that appends it.
  return checkMembership({ ...next, addresses: Object.fromEntries(next.addresses), incarnations: Object.fromEntries(next.incarnations) });
}

function entriesOf<T>(rec: Readonly<Record<NodeId, T>> | undefined): [NodeId, T][] {
  return rec === undefined ? [] : Object.entries(rec);
}

/**
 * The config entries of a log, in index order, with the membership each sets, above a base: the
 * membership as of the log's start (a snapshot's, or the bootstrap one). Entries a conflicting
 * suffix cut off are dropped, so the membership falls back to the one before.
 */
export class ConfigHistory {
  private configs: { index: number; term: number; membership: ClusterMembership }[] = [];

  constructor(private base: ClusterMembership) {}

  /** The membership in force: the latest config entry's, or the base's. */
  current(): ClusterMembership {
    return this.configs[this.configs.length - 1]?.membership ?? this.base;
  }

  /** The membership before the latest config entry (the base's when there is none). */
  previous(): ClusterMembership {
    return this.configs[this.configs.length - 2]?.membership ?? this.base;
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

  /** The log was compacted below a snapshot at `index` whose membership is `membership`: entries after it stay. */
  compacted(index: number, membership: ClusterMembership): void {
    this.base = membership;
    this.configs = this.configs.filter((c) => c.index > index);
  }

  /** The whole log was replaced by a snapshot (§7) whose membership is `membership`. */
  restore(membership: ClusterMembership): void {
    this.base = membership;
    this.configs = [];
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
