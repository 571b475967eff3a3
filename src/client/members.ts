import type * as grpc from '@grpc/grpc-js';
import type { ClientTls } from '../tls/index.js';
import { NodeAdmin, type MembersInfo } from './admin.js';
import { sleep, systemClock, type Clock } from './clock.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';

/*
 * Calls that act on whichever node leads, found from any member's address: the membership with
 * its progress, membership changes and leadership transfers. The CLI's `members` and
 * `transfer-leader`, a joining node, the dashboard and scripts/rolling-restart.ts all use these.
 */

/** How the helpers below reach the nodes. */
export interface LeaderCallOptions {
  readonly timeoutMs: number;
  readonly credentials?: grpc.ChannelCredentials | undefined;
  /** What `credentials` were made from, to name a failed TLS handshake. */
  readonly tls?: ClientTls | undefined;
  readonly token?: string | undefined;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
}

/**
 * Runs `attempt` against whichever node leads, starting at `addresses[0]`, until `o.timeoutMs` has
 * passed: a failure that `retry` accepts goes at once to the leader it names (`x-leader-addr`),
 * else to the next address after a short pause; any other failure is thrown. `attempt` gets the
 * time left, ms. Resolves with its value and the address that gave it; when time runs out, throws
 * `exhausted(last failure)`.
 */
export async function onLeader<T>(
  addresses: readonly string[],
  o: LeaderCallOptions,
  attempt: (admin: NodeAdmin, leftMs: number) => Promise<T>,
  retry: (err: unknown) => boolean,
  exhausted: (last: unknown) => Error,
): Promise<{ readonly value: T; readonly address: string }> {
  const clock = o.clock ?? systemClock;
  const deadline = clock.now() + o.timeoutMs;
  let next = addresses[0];
  let turn = 0;
  let last: unknown = null;
  while (next !== undefined && clock.now() < deadline) {
    const admin = new NodeAdmin(next, { credentials: o.credentials, tls: o.tls, token: o.token });
    try {
      return { value: await attempt(admin, Math.max(1, deadline - clock.now())), address: next };
    } catch (err) {
      last = err;
      if (!retry(err)) throw err;
      const hint = err instanceof RaftJobsError ? err.details.leaderAddress : null;
      if (hint !== null && hint !== undefined && hint !== next) {
        next = hint;
        continue;
      }
      next = addresses[++turn % addresses.length];
      await sleep(clock, 200, o.signal);
    } finally {
      admin.close();
    }
  }
  throw exhausted(last);
}

/** A membership change as `NodeAdmin.changeMembers` takes it. */
export type MembersChange = Parameters<NodeAdmin['changeMembers']>[0];

/** Errors after which a change is tried again: nothing happened, or the outcome is unknown (every change is safe to repeat). */
const RETRY_CHANGE = new Set<string>([ErrorCode.NotLeader, ErrorCode.NoLeader, ErrorCode.ChangePending, ErrorCode.ShuttingDown, ErrorCode.OutcomeUnknown, ErrorCode.Timeout, ErrorCode.Overloaded]);

/**
 * Makes one membership change on whichever node leads, starting at `addresses[0]`: it follows the
 * leader hints of NOT_LEADER answers and tries again (after a short pause, the next address) while
 * there is no leader, a change is pending, or a node is unreachable, until `timeoutMs` has passed.
 * A change whose first attempt had an unknown outcome is repeated: adding the same member again
 * and promoting a voter are answered with the membership as it is, and a removal repeated after
 * it happened answers NOT_FOUND, which counts as done here.
 */
export async function changeMembersOnLeader(addresses: readonly string[], change: MembersChange, o: LeaderCallOptions): Promise<MembersInfo> {
  let repeated = false;
  const { value } = await onLeader(
    addresses,
    o,
    async (admin, leftMs) => {
      try {
        return await admin.changeMembers(change, { timeoutMs: Math.min(10_000, leftMs) });
      } catch (err) {
        if (repeated && change.kind === 'remove' && err instanceof RaftJobsError && err.code === ErrorCode.NotFound) return await admin.members({ timeoutMs: leftMs });
        throw err;
      }
    },
    (err) => {
      const code = err instanceof RaftJobsError ? err.code : '';
      if (code === ErrorCode.OutcomeUnknown || code === ErrorCode.Timeout) repeated = true;
      return RETRY_CHANGE.has(code);
    },
    (last) => (last instanceof RaftJobsError ? last : new RaftJobsError(ErrorCode.Timeout, `no leader took the change within ${o.timeoutMs} ms`, {}, { cause: last })),
  );
  return value;
}

/**
 * The membership as the leader sees it, with each member's progress: asks `addresses` in turn and
 * follows the leader a node names. When no leader answers, what the first node that answered said
 * (without progress, `leaderId` perhaps null); TIMEOUT naming each node's failure when none did.
 * Each Admin call may take `timeoutMs`.
 */
export async function membersFromLeader(addresses: readonly string[], o: LeaderCallOptions): Promise<MembersInfo> {
  let any: MembersInfo | null = null;
  const failures: string[] = [];
  const ask = async (address: string): Promise<MembersInfo> => {
    const admin = new NodeAdmin(address, { credentials: o.credentials, token: o.token });
    try {
      return await admin.members({ timeoutMs: o.timeoutMs });
    } finally {
      admin.close();
    }
  };
  for (const address of addresses) {
    try {
      const info = await ask(address);
      any ??= info;
      if (info.members.some((m) => m.matchIndex !== null)) return info;
      const leader = info.members.find((m) => m.id === info.leaderId);
      if (leader !== undefined && leader.address !== address) {
        const fromLeader = await ask(leader.address).catch(() => null);
        if (fromLeader !== null) return fromLeader;
      }
    } catch (err) {
      failures.push(`${address}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (any !== null) return any;
  throw new RaftJobsError(ErrorCode.Timeout, `no node answered: ${failures.join('; ')}`);
}

/** Where leadership went: see {@link transferLeadershipOnLeader}. */
export interface LeadershipMoved {
  /** Who led before. */
  readonly from: string;
  /** Who was asked to lead. */
  readonly to: string;
  /** Who leads now: `to`, unless an election in between chose another voter. */
  readonly leaderId: string;
  readonly tookMs: number;
}

/**
 * Moves leadership off the current leader (thesis §3.10): asks it to hand over to `to`, a voter,
 * or without `to` to its most caught-up voter not refused, then waits until another node leads.
 * NO_LEADER when no leader is known; INVALID_ARGUMENT when `to` already leads or there is no other
 * voter; TIMEOUT when the old leader still leads after `timeoutMs` (a transfer to a voter that is
 * behind or unreachable is abandoned after an election timeout).
 */
export async function transferLeadershipOnLeader(addresses: readonly string[], o: LeaderCallOptions & { readonly to?: string | undefined }): Promise<LeadershipMoved> {
  const clock = o.clock ?? systemClock;
  const started = clock.now();
  const before = await membersFromLeader(addresses, o);
  const from = before.leaderId;
  const leader = before.members.find((m) => m.id === from);
  if (from === null || leader === undefined) throw new RaftJobsError(ErrorCode.NoLeader, 'no leader is known; nothing to transfer');
  const voters = before.members.filter((m) => m.role === 'voter' && m.id !== from && !m.refused);
  const to = o.to ?? [...voters].sort((a, b) => (b.matchIndex ?? 0) - (a.matchIndex ?? 0))[0]?.id;
  if (to === undefined) throw new RaftJobsError(ErrorCode.InvalidArgument, `${from} is the only voter: there is no one to hand leadership to`);
  if (to === from) throw new RaftJobsError(ErrorCode.InvalidArgument, `${to} already leads`);
  const admin = new NodeAdmin(leader.address, { credentials: o.credentials, token: o.token });
  const left = (): number => Math.max(1, started + o.timeoutMs - clock.now());
  try {
    await admin.transferLeadership(to, { timeoutMs: left() });
    for (;;) {
      const now = await admin.members({ timeoutMs: Math.min(left(), 2000) }).catch(() => null);
      if (now !== null && now.leaderId !== null && now.leaderId !== from) return { from, to, leaderId: now.leaderId, tookMs: clock.now() - started };
      if (clock.now() - started >= o.timeoutMs) throw new RaftJobsError(ErrorCode.Timeout, `${from} still leads after ${o.timeoutMs} ms (is ${to} caught up and reachable?)`);
      await sleep(clock, 50, o.signal);
    }
  } finally {
    admin.close();
  }
}
