import type { Writable } from 'node:stream';
import { changeMembersOnLeader, NodeAdmin, type MembersInfo, type MembersChange } from '../client/index.js';
import { parseHostPort } from '../config/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { parseFlags, UsageError } from './args.js';
import { CLUSTER_FLAGS, clusterTarget, type ClusterTarget } from './cluster-flags.js';

/**
 * `raftjobs members list | add ID HOST:PORT | promote ID | remove ID`: the membership as the
 * leader sees it, and changes to it, one server at a time (proto/admin.proto, AddMember and the
 * rest). A change goes to whichever node leads and returns once it is committed.
 */
export async function membersCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values, positionals } = parseFlags('members', argv, { ...CLUSTER_FLAGS, json: { type: 'boolean', default: false } }, true);
  const target = clusterTarget('members', values);
  const [action, ...args] = positionals;
  const arity = (n: number, shape: string): void => {
    if (args.length !== n) throw new UsageError(`members ${action ?? ''}: expected ${shape}`);
  };
  let info: MembersInfo;
  switch (action) {
    case 'list':
    case undefined:
      arity(0, 'no arguments');
      info = await fromLeader(target);
      break;
    case 'add': {
      arity(2, 'ID HOST:PORT');
      const [id, address] = args as [string, string];
      const parsed = parseHostPort(address);
      if (typeof parsed === 'string') throw new UsageError(`members add: ${parsed}`);
      info = await change(target, { kind: 'add', id, address });
      break;
    }
    case 'promote':
    case 'remove':
      arity(1, 'ID');
      info = await change(target, { kind: action, id: args[0] as string });
      break;
    default:
      throw new UsageError(`members: unknown action ${JSON.stringify(action)} (list, add, promote or remove)`);
  }
  out.write(values.json ? JSON.stringify(info) + '\n' : formatMembers(info));
  return 0;
}

/**
 * `raftjobs transfer-leader [--to ID]`: the leader hands over to `--to` (a voter), or to its most
 * caught-up voter; returns once another node leads (exit 1 when none does within --timeout).
 */
export async function transferLeaderCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values } = parseFlags('transfer-leader', argv, { ...CLUSTER_FLAGS, to: { type: 'string' }, json: { type: 'boolean', default: false } });
  const target = clusterTarget('transfer-leader', values);
  const before = await fromLeader(target);
  const from = before.leaderId;
  const leader = before.members.find((m) => m.id === from);
  if (from === null || leader === undefined) throw new RaftJobsError(ErrorCode.NoLeader, 'no leader is known; nothing to transfer');
  const voters = before.members.filter((m) => m.role === 'voter' && m.id !== from && !m.refused);
  const to = values.to ?? [...voters].sort((a, b) => (b.matchIndex ?? 0) - (a.matchIndex ?? 0))[0]?.id;
  if (to === undefined) throw new RaftJobsError(ErrorCode.InvalidArgument, `${from} is the only voter: there is no one to hand leadership to`);
  if (to === from) throw new UsageError(`transfer-leader: ${to} already leads`);
  const started = Date.now();
  const admin = new NodeAdmin(leader.address, { credentials: target.credentials, token: target.token });
  try {
    await admin.transferLeadership(to, { timeoutMs: target.deadlineMs });
    for (;;) {
      const now = await admin.members({ timeoutMs: target.deadlineMs }).catch(() => null);
      if (now !== null && now.leaderId !== null && now.leaderId !== from) {
        const result = { from, to: now.leaderId, tookMs: Date.now() - started };
        out.write(values.json ? JSON.stringify(result) + '\n' : `leadership moved from ${from} to ${now.leaderId} in ${result.tookMs} ms\n`);
        return now.leaderId === to ? 0 : 1;
      }
      if (Date.now() - started > target.deadlineMs) throw new RaftJobsError(ErrorCode.Timeout, `${from} still leads after ${target.deadlineMs} ms (is ${to} caught up and reachable?)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    admin.close();
  }
}

function change(target: ClusterTarget, c: MembersChange): Promise<MembersInfo> {
  return changeMembersOnLeader(target.nodes, c, { timeoutMs: target.deadlineMs, credentials: target.credentials, token: target.token });
}

/** The membership from the leader (with progress), else from the first node that answers. */
async function fromLeader(target: ClusterTarget): Promise<MembersInfo> {
  let any: MembersInfo | null = null;
  const failures: string[] = [];
  for (const address of target.nodes) {
    const admin = new NodeAdmin(address, { credentials: target.credentials, token: target.token });
    try {
      const info = await admin.members({ timeoutMs: target.deadlineMs });
      any ??= info;
      const leader = info.members.find((m) => m.id === info.leaderId);
      if (info.members.some((m) => m.matchIndex !== null)) return info;
      if (leader !== undefined && leader.address !== address) {
        const fromLeaderNode = new NodeAdmin(leader.address, { credentials: target.credentials, token: target.token });
        try {
          return await fromLeaderNode.members({ timeoutMs: target.deadlineMs });
        } catch {
          // Fall back to what this node said.
        } finally {
          fromLeaderNode.close();
        }
      }
    } catch (err) {
      failures.push(`${address}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      admin.close();
    }
  }
  if (any !== null) return any;
  throw new RaftJobsError(ErrorCode.Timeout, `no node answered: ${failures.join('; ')}`);
}

export function formatMembers(info: MembersInfo): string {
  const header = ['ID', 'ROLE', 'ADDRESS', 'MATCH', 'NOTE'];
  const rows = info.members.map((m) => [
    m.id,
    m.role,
    m.address,
    m.matchIndex === null ? '-' : String(m.matchIndex),
    [m.id === info.leaderId ? 'leader' : '', m.refused ? 'refused: lost its disk (remove it, then add it again)' : ''].filter(Boolean).join('; '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd() + '\n';
  return line(header) + rows.map(line).join('') + `commit index ${info.commitIndex}${info.leaderId === null ? '; no leader known' : ''}\n`;
}
