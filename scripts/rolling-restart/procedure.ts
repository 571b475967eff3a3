/**
 * Restarting every node of a running cluster, one at a time, without taking it down: the procedure
 * behind `npm run rolling-restart` (scripts/rolling-restart.ts). How a node is restarted is given
 * (scripts/rolling-restart/restarters.ts); what is checked between restarts is here, through the
 * Admin service as any operator's tool would see it.
 */
import type * as grpc from '@grpc/grpc-js';
import { setTimeout as delay } from 'node:timers/promises';
import { membersFromLeader, NodeAdmin, transferLeadershipOnLeader, type MemberInfo, type MembersInfo, type NodeStatusInfo } from '../../src/client/index.js';
import { poll } from '../lib/poll.js';

/** Restarts one member; the procedure then waits until it is back and caught up. */
export type Restarter = (member: MemberInfo) => Promise<void>;

/** Options of {@link rollingRestart}. */
export interface RollingRestartOptions {
  /** Client addresses of members to start from (the config's nodes). */
  readonly addresses: readonly string[];
  /** Insecure when absent. */
  readonly credentials?: grpc.ChannelCredentials;
  /** Bearer token with the `admin` role, for a cluster with auth on (transfers need it). */
  readonly token?: string;
  readonly restart: Restarter;
  /** Restart only these members (default: every member), in the order the procedure picks. */
  readonly only?: readonly string[];
  /** How long each wait may take (leadership moved, node back, node caught up), ms. Default 120000. */
  readonly stepTimeoutMs?: number;
  /** Deadline of each Admin call, ms. Default 2000. */
  readonly callTimeoutMs?: number;
  /** Progress, one line per event. */
  readonly log: (line: string) => void;
}

/** What happened to one member. */
export interface RestartedNode {
  readonly id: string;
  readonly role: 'voter' | 'learner';
  /** It led when its turn came, and leadership was moved to `leadershipMovedTo` before the restart. */
  readonly ledBefore: boolean;
  readonly leadershipMovedTo: string | null;
  readonly pidBefore: number;
  readonly pidAfter: number;
  /** The leader's commit index when it answered again; it was caught up once it held that. */
  readonly commitIndexAtReturn: number;
  /** From the restart's start until it answered again knowing a leader, ms. */
  readonly downMs: number;
  /** From then until it held `commitIndexAtReturn`, ms. */
  readonly catchUpMs: number;
}

/** The outcome of {@link rollingRestart}. */
export interface RollingRestartReport {
  readonly nodes: readonly RestartedNode[];
  readonly leaderAtEnd: string | null;
  readonly tookMs: number;
}

/**
 * Restarts the members one at a time: the ones that do not lead first, the leader last. Before a
 * node that leads is restarted, leadership is handed to a caught-up voter (one restarted already
 * when there is one) and the procedure waits until another node leads. After each restart it waits
 * until the node answers again (as another process: it was seen down, or its pid changed), knows a
 * leader, and holds everything the leader had committed when it came back (the leader's match
 * index for it, and its own applied index) before it touches the next node.
 *
 * It refuses to start while a member is refused (lost its disk), unreachable or behind, or with
 * fewer than three voters (restarting one of two leaves no majority), and stops at the first node
 * that does not come back in time; what was restarted until then is in the error's message.
 */
export async function rollingRestart(o: RollingRestartOptions): Promise<RollingRestartReport> {
  const started = Date.now();
  const stepTimeoutMs = o.stepTimeoutMs ?? 120_000;
  const callTimeoutMs = o.callTimeoutMs ?? 2000;
  const calls = { timeoutMs: callTimeoutMs, credentials: o.credentials, token: o.token };
  const done: RestartedNode[] = [];

  /** Status of the node at `address` over a fresh channel (a channel that saw the node down would reconnect with backoff). */
  const statusAt = async (address: string): Promise<NodeStatusInfo | null> => {
    const admin = new NodeAdmin(address, { credentials: o.credentials, token: o.token });
    try {
      return await admin.status({ timeoutMs: callTimeoutMs });
    } catch {
      return null;
    } finally {
      admin.close();
    }
  };
  const leaderView = async (): Promise<MembersInfo | undefined> => {
    const info = await membersFromLeader(o.addresses, calls).catch(() => null);
    return info !== null && info.leaderId !== null && info.members.some((m) => m.matchIndex !== null) ? info : undefined;
  };
  const waitFor = <T>(description: string, attempt: (observe: (v: unknown) => void) => Promise<T | undefined>): Promise<T> =>
    poll(attempt, { description, timeoutMs: stepTimeoutMs, intervalMs: 100 });

  /** Waits until `m` holds everything the leader had committed at `commitIndex`; rejects when it is refused. */
  const caughtUp = (m: MemberInfo, commitIndex: number): Promise<void> =>
    waitFor(`${m.id} to hold index ${commitIndex} (the leader's match index for it, and its applied index)`, async (observe) => {
      const [view, s] = await Promise.all([leaderView(), statusAt(m.address)]);
      const seen = view?.members.find((x) => x.id === m.id);
      observe({ match: seen?.matchIndex, applied: s?.appliedIndex, leader: view?.leaderId });
      if (seen?.refused === true) throw new Error(`${m.id} answers from another data directory than the cluster recorded (it lost its disk): remove it and add it again (raftjobs members remove ${m.id}; then raftjobs node --join)`);
      return seen !== undefined && (seen.matchIndex ?? 0) >= commitIndex && s !== null && s.appliedIndex >= commitIndex ? true : undefined;
    }).then(() => undefined);

  const first = await waitFor('a leader to answer Members', () => leaderView());
  const targets = first.members.filter((m) => o.only === undefined || o.only.includes(m.id));
  const unknown = (o.only ?? []).filter((id) => !first.members.some((m) => m.id === id));
  if (unknown.length > 0) throw new Error(`not members of the cluster: ${unknown.join(', ')} (members: ${first.members.map((m) => m.id).join(', ')})`);
  const refused = first.members.filter((m) => m.refused);
  if (refused.length > 0) throw new Error(`refused for a lost disk: ${refused.map((m) => m.id).join(', ')}; remove and add them again before a rolling restart`);
  const voters = first.members.filter((m) => m.role === 'voter');
  if (targets.some((m) => m.role === 'voter') && voters.length < 3) throw new Error(`the cluster has ${voters.length} voter(s): restarting one leaves no majority, so the cluster would stop serving meanwhile`);
  o.log(`members: ${first.members.map((m) => `${m.id} (${m.role}${m.id === first.leaderId ? ', leader' : ''})`).join(', ')}; commit index ${first.commitIndex}`);
  for (const m of first.members) await caughtUp(m, first.commitIndex);
  o.log(`every member holds index ${first.commitIndex}; restarting ${targets.map((m) => m.id).join(', ')} one at a time`);

  const left = new Map(targets.map((m) => [m.id, m]));
  while (left.size > 0) {
    const view = await waitFor('a leader to answer Members', () => leaderView());
    // The leader goes last, so leadership moves once, to a node restarted already.
    const pending = [...left.values()];
    const next = pending.find((m) => m.id !== view.leaderId) ?? pending[0];
    if (next === undefined) break;
    const m = view.members.find((x) => x.id === next.id) ?? next;
    const before = await statusAt(m.address);
    if (before === null) throw new Error(`${m.id} at ${m.address} does not answer Status; restarted so far: ${describe(done)}`);

    let movedTo: string | null = null;
    if (view.leaderId === m.id) {
      const restarted = new Set(done.map((d) => d.id));
      const to = view.members
        .filter((x) => x.role === 'voter' && x.id !== m.id && !x.refused)
        .sort((a, b) => Number(restarted.has(b.id)) - Number(restarted.has(a.id)) || (b.matchIndex ?? 0) - (a.matchIndex ?? 0))[0];
      if (to === undefined) throw new Error(`${m.id} leads and there is no other voter to hand over to`);
      const moved = await transferLeadershipOnLeader(o.addresses, { ...calls, timeoutMs: stepTimeoutMs, to: to.id });
      movedTo = moved.leaderId;
      o.log(`${m.id} leads: leadership moved to ${moved.leaderId} in ${moved.tookMs} ms`);
    }

    o.log(`${m.id}: restarting (pid ${before.pid})`);
    const restartStarted = Date.now();
    // The node counts as restarted once it was seen down or answers with another pid; a restart
    // that leaves it as it was (a command that did nothing, or one that only queued the restart)
    // is not taken for done.
    let wentDown = false;
    let watching = true;
    const watch = (async () => {
      while (watching && !wentDown) {
        const s = await statusAt(m.address);
        if (s === null || s.pid !== before.pid) wentDown = true;
        else await delay(100);
      }
    })();
    try {
      await o.restart(m);
    } catch (err) {
      throw new Error(`restarting ${m.id} failed: ${err instanceof Error ? err.message : String(err)}; restarted so far: ${describe(done)}`, { cause: err });
    } finally {
      watching = false;
      await watch;
    }
    const back = await waitFor(`${m.id} to answer again as a new process, knowing a leader`, async (observe) => {
      const s = await statusAt(m.address);
      observe(s === null ? 'no answer' : { pid: s.pid, role: s.role, leaderId: s.leaderId });
      if (s === null) {
        wentDown = true;
        return undefined;
      }
      if (!wentDown && s.pid === before.pid) return undefined;
      return s.leaderId !== null ? s : undefined;
    }).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nrestarted so far: ${describe(done)}`, { cause: err });
    });
    const downMs = Date.now() - restartStarted;
    const atReturn = await waitFor('a leader to answer Members', () => leaderView());
    const catchUpStarted = Date.now();
    await caughtUp(m, atReturn.commitIndex).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nrestarted so far: ${describe(done)}`, { cause: err });
    });
    const catchUpMs = Date.now() - catchUpStarted;
    done.push({ id: m.id, role: m.role, ledBefore: movedTo !== null, leadershipMovedTo: movedTo, pidBefore: before.pid, pidAfter: back.pid, commitIndexAtReturn: atReturn.commitIndex, downMs, catchUpMs });
    o.log(`${m.id}: back as pid ${back.pid} after ${downMs} ms, following ${String(back.leaderId)}; caught up to index ${atReturn.commitIndex} in ${catchUpMs} ms`);
    left.delete(m.id);
  }
  const end = await leaderView();
  return { nodes: done, leaderAtEnd: end?.leaderId ?? null, tookMs: Date.now() - started };
}

function describe(done: readonly RestartedNode[]): string {
  return done.length === 0 ? 'none' : done.map((d) => d.id).join(', ');
}
