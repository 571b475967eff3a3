import type { Writable } from 'node:stream';
import { changeMembersOnLeader, membersFromLeader, transferLeadershipOnLeader, type LeaderCallOptions, type MembersChange, type MembersInfo } from '../client/index.js';
import { parseHostPort } from '../config/index.js';
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
      info = await membersFromLeader(target.nodes, leaderCalls(target));
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
 * caught-up voter; returns once another node leads (exit 1 when none does within --timeout, or
 * when an election chose another voter than `--to`).
 */
export async function transferLeaderCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values } = parseFlags('transfer-leader', argv, { ...CLUSTER_FLAGS, to: { type: 'string' }, json: { type: 'boolean', default: false } });
  const target = clusterTarget('transfer-leader', values);
  const moved = await transferLeadershipOnLeader(target.nodes, { ...leaderCalls(target), to: values.to });
  const result = { from: moved.from, to: moved.leaderId, tookMs: moved.tookMs };
  out.write(values.json ? JSON.stringify(result) + '\n' : `leadership moved from ${result.from} to ${result.to} in ${result.tookMs} ms\n`);
  return moved.leaderId === moved.to ? 0 : 1;
}

function leaderCalls(target: ClusterTarget): LeaderCallOptions {
  return { timeoutMs: target.deadlineMs, credentials: target.credentials, token: target.token };
}

function change(target: ClusterTarget, c: MembersChange): Promise<MembersInfo> {
  return changeMembersOnLeader(target.nodes, c, leaderCalls(target));
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
