/**
 * Membership in a chaos run. The run keeps which nodes are members (all voters between faults) and
 * does what an operator must do with a node back on an empty data directory under a member's id,
 * which the leader refuses (each member's data-directory incarnation is bound in the membership):
 * remove the member, start the node with `--join` through a live member, and wait until the leader
 * lists it as a voter again (it joins as a learner and is promoted once caught up). With
 * `--members` the run also changes the membership as faults: `add-member` (a spare id made up
 * front, or one removed earlier, joins with `--join`) and `remove-member` (a voter, sometimes the
 * leader, is removed and its process stopped), never below {@link MIN_VOTERS} voters.
 */
import type * as grpc from '@grpc/grpc-js';
import { changeMembersOnLeader, NodeAdmin, type MembersChange, type MembersInfo } from '../../src/client/index.js';
import type { SeededRandom } from '../../src/sim/index.js';
import { poll, type Cluster } from '../lib/index.js';

/** `remove-member` never takes the voters below this many. */
export const MIN_VOTERS = 3;
/** Ids made up front for `add-member` (n4 and n5 on three nodes), each with its link proxies. */
export const SPARE_IDS = 2;
/** Deadline of one membership change, elections included, ms. */
const CHANGE_TIMEOUT_MS = 30_000;
/** How long a node started with `--join` may take to be a voter (it may need the whole state as a snapshot), ms. */
const VOTER_TIMEOUT_MS = 120_000;
/** Deadline of one Members call, ms. */
const CALL_TIMEOUT_MS = 2000;

/** Why a node joined again under its own id. */
export type RejoinReason = 'wipe' | 'rebuilt' | 'started empty';

/** The membership side of a run, as reported in the summary and in `--json`. */
export interface MembershipSummary {
  /** `add-member` faults: nodes that joined under an id that was not a member and became voters. */
  readonly added: number;
  /** `remove-member` faults: voters removed, then stopped; `removedLeader` of them the leader. */
  readonly removed: number;
  readonly removedLeader: number;
  /** A node on an empty data directory under a member's id, taken through remove, `--join`, voter again; by why. */
  readonly operatorSteps: number;
  readonly operatorStepsAfter: Readonly<Partial<Record<RejoinReason, number>>>;
  /** Slowest time from a `--join` start until the leader listed the node as a voter, ms. */
  readonly maxJoinMs: number | null;
  /** The voters at the end, as the leader lists them. */
  readonly votersAtEnd: readonly string[];
  /** How the leader's membership at the end differs from the run's members, all voters, none refused. Must be empty. */
  readonly membershipOff: readonly string[];
}

/** What a membership fault did, or why it was skipped (a string). */
export type MemberFault = { readonly target: string; readonly detail: string } | string;

export class ChaosMembers {
  readonly #cluster: Cluster;
  readonly #members: Set<string>;
  /** Ids that are not members: never started, or removed (and stopped). */
  readonly #spares: string[];
  readonly #call: { readonly credentials?: grpc.ChannelCredentials; readonly token?: string };
  #added = 0;
  #removed = 0;
  #removedLeader = 0;
  readonly #steps: Partial<Record<RejoinReason, number>> = {};
  readonly #joinMs: number[] = [];

  constructor(o: {
    readonly cluster: Cluster;
    readonly members: readonly string[];
    readonly spares: readonly string[];
    /** How membership calls reach the nodes: TLS credentials, and a token with the admin role when auth is on. */
    readonly call: { readonly credentials?: grpc.ChannelCredentials; readonly token?: string };
  }) {
    this.#cluster = o.cluster;
    this.#members = new Set(o.members);
    this.#spares = [...o.spares];
    this.#call = o.call;
  }

  /** The members now, in the order the cluster made them. */
  get ids(): string[] {
    return this.#cluster.ids.filter((id) => this.#members.has(id));
  }

  /** The membership as the leader lists it (with refusals), asked of each live member in turn. */
  leaderView(timeoutMs = 20_000): Promise<MembersInfo> {
    return poll(
      async () => {
        for (const id of this.ids.filter((m) => this.#cluster.liveIds().includes(m))) {
          const admin = new NodeAdmin(this.#cluster.address(id), this.#call);
          try {
            const info = await admin.members({ timeoutMs: CALL_TIMEOUT_MS });
            if (info.leaderId === id) return info;
          } catch {
            // Not answering: ask the next one.
          } finally {
            admin.close();
          }
        }
        return undefined;
      },
      { description: 'a leader to answer Members', timeoutMs, intervalMs: 200 },
    );
  }

  /**
   * The operator's steps for member `id`, stopped, whose data directory is empty (wiped): remove
   * it, start it with `--join` through a live member, wait until it is a voter again. Returns what
   * was done, for the fault's line.
   */
  async rejoin(id: string, why: RejoinReason, rng: SeededRandom): Promise<string> {
    if (this.#cluster.isRunning(id)) throw new Error(`${id} must be stopped before it joins again`);
    await this.#change({ kind: 'remove', id });
    this.#members.delete(id);
    const { via, ms } = await this.#join(id, rng);
    this.#steps[why] = (this.#steps[why] ?? 0) + 1;
    return `removed, started with --join through ${via}, voter again ${ms} ms after its start`;
  }

  /** `add-member`: a spare id (a removed one with its data directory wiped) joins and becomes a voter. */
  async add(rng: SeededRandom): Promise<MemberFault> {
    if (this.#spares.length === 0) return `no spare id (members ${this.ids.join(', ')})`;
    const id = rng.pick(this.#spares);
    // A removed node comes back as a new machine would: its old data directory is no member's.
    const again = this.#cluster.process(id) !== undefined;
    if (again) this.#cluster.wipe(id);
    const { via, ms } = await this.#join(id, rng);
    this.#spares.splice(this.#spares.indexOf(id), 1);
    this.#added++;
    return { target: id, detail: `${again ? 'removed earlier, data directory wiped; ' : ''}started with --join through ${via}, voter ${ms} ms after its start; voters ${this.ids.join(', ')}` };
  }

  /**
   * `remove-member`: a voter (in two of five the leader, `leader`, when there is one) is removed;
   * once the others have a leader its process is stopped (SIGTERM). Skipped while that would leave
   * fewer than {@link MIN_VOTERS}.
   */
  async remove(rng: SeededRandom, leader: string | null): Promise<MemberFault> {
    const ids = this.ids;
    if (ids.length <= MIN_VOTERS) return `${ids.length} voters (${ids.join(', ')}): none is removed below ${MIN_VOTERS}`;
    const id = leader !== null && ids.includes(leader) && rng.chance(0.4) ? leader : rng.pick(ids.filter((m) => m !== leader));
    await this.#change({ kind: 'remove', id });
    this.#members.delete(id);
    this.#spares.push(id);
    this.#removed++;
    if (id === leader) this.#removedLeader++;
    await this.#cluster.waitForLeader({ exclude: [id], timeoutMs: CHANGE_TIMEOUT_MS });
    const stopped = await this.#cluster.kill(id, 'SIGTERM').then(
      () => 'stopped',
      () => 'did not exit on SIGTERM in time: SIGKILLed',
    );
    return { target: id, detail: `${id === leader ? 'the leader; ' : ''}removed, ${stopped}; voters ${this.ids.join(', ')}` };
  }

  /** The summary, with the leader's membership after the heal checked against the run's members. */
  async summary(): Promise<MembershipSummary> {
    const want = this.ids;
    const offOf = (info: MembersInfo): string[] => {
      const off: string[] = [];
      for (const id of want) if (!info.members.some((m) => m.id === id)) off.push(`${id} is no member`);
      for (const m of info.members) {
        if (!want.includes(m.id)) off.push(`${m.id} is a member the run removed or never added`);
        else if (m.refused) off.push(`${m.id} is refused`);
        else if (m.role !== 'voter') off.push(`${m.id} is a ${m.role}`);
      }
      return off;
    };
    let info: MembersInfo | null = null;
    let off: string[] = ['no leader answered Members'];
    try {
      // A promotion may be a heartbeat away: give it a little time.
      info = await poll(
        async () => {
          const now = await this.leaderView();
          return offOf(now).length === 0 ? now : undefined;
        },
        { description: 'the membership to be the run\'s members, all voters', timeoutMs: 20_000, intervalMs: 500 },
      );
      off = [];
    } catch {
      info = await this.leaderView().catch(() => null);
      if (info !== null) off = offOf(info);
    }
    const steps = Object.values(this.#steps).reduce((s, n) => s + n, 0);
    return {
      added: this.#added,
      removed: this.#removed,
      removedLeader: this.#removedLeader,
      operatorSteps: steps,
      operatorStepsAfter: { ...this.#steps },
      maxJoinMs: this.#joinMs.length > 0 ? Math.max(...this.#joinMs) : null,
      votersAtEnd: this.#cluster.ids.filter((id) => info?.members.some((m) => m.id === id && m.role === 'voter') === true),
      membershipOff: off.map((s) => `membership at the end: ${s}`),
    };
  }

  /** One change on the leader, found through the live members. */
  #change(change: MembersChange): Promise<MembersInfo> {
    const live = this.ids.filter((id) => id !== change.id && this.#cluster.isRunning(id)).map((id) => this.#cluster.address(id));
    return changeMembersOnLeader(live, change, { timeoutMs: CHANGE_TIMEOUT_MS, ...this.#call });
  }

  /** Starts `id` with `--join` through a live member and waits until the leader lists it as a voter. */
  async #join(id: string, rng: SeededRandom): Promise<{ via: string; ms: number }> {
    const via = rng.pick(this.ids.filter((m) => m !== id && this.#cluster.isRunning(m)));
    const startedAt = Date.now();
    await this.#cluster.start(id, { join: this.#cluster.address(via) });
    await poll(
      async () => {
        if (!this.#cluster.isRunning(id)) throw new Error(`${id} exited while joining:\n${this.#cluster.logTail(id, 25).join('\n')}`);
        // No leader for a while (an election) is no failure: ask again until the deadline.
        const view = await this.leaderView(5000).catch(() => null);
        const m = view?.members.find((x) => x.id === id);
        if (m?.refused === true) throw new Error(`the leader refuses ${id} after it joined with --join`);
        return m?.role === 'voter' ? true : undefined;
      },
      { description: `${id} to be a voter after --join`, timeoutMs: VOTER_TIMEOUT_MS, intervalMs: 200, diagnostics: () => this.#cluster.describe(10) },
    );
    this.#members.add(id);
    const ms = Date.now() - startedAt;
    this.#joinMs.push(ms);
    return { via, ms };
  }
}

/** `added 1, removed 1 (the leader 1); operator steps 2 (wipe 1, rebuilt 1) ...`, for the report. */
export function formatMembership(m: MembershipSummary): string {
  const after = Object.entries(m.operatorStepsAfter).map(([k, v]) => `${k} ${v}`).join(', ');
  return (
    `added ${m.added}, removed ${m.removed} (the leader ${m.removedLeader}); ` +
    `operator steps ${m.operatorSteps}${after === '' ? '' : ` (${after})`}: removed, started with --join, voter again; ` +
    `slowest join ${m.maxJoinMs ?? '-'} ms; voters at the end ${m.votersAtEnd.join(' ') || '-'}`
  );
}
