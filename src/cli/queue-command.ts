import type { Writable } from 'node:stream';
import type { QueueInfo, QueueSettings, RateLimitInfo } from '../client/index.js';
import { parseFlags, UsageError } from './args.js';
import { CLUSTER_FLAGS, clusterTarget, onePositional, withClient } from './cluster-flags.js';
import { groupLimitFlags, limitFlag, rateFlag } from './flow-flags.js';
import { table } from './job-format.js';

const SUBCOMMANDS = ['show', 'pause', 'resume', 'set'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];
const JSON_FLAG = { json: { type: 'boolean', default: false } } as const;

/** `raftjobs queues [--stale] [--json]`: every queue with its policy and usage, one line each. */
export async function queuesCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values } = parseFlags('queues', argv, { ...CLUSTER_FLAGS, ...JSON_FLAG, stale: { type: 'boolean', default: false } });
  const all = await withClient(clusterTarget('queues', values), (client) => client.queues.list({ stale: values.stale }));
  out.write(values.json ? `${JSON.stringify(all)}\n` : formatQueueList(all));
  return 0;
}

/**
 * `raftjobs queue show|pause|resume|set Q [flags]`: one queue's flow control (usage.ts has every
 * flag). `set` changes only what its flags name; `none` removes a limit. Every flag is checked
 * before anything is sent.
 */
export async function queueCommand(argv: readonly string[], out: Writable): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new UsageError(`queue: expected a subcommand (${SUBCOMMANDS.join(', ')}), got ${sub === undefined ? 'none' : JSON.stringify(sub)}`);
  }
  const name = `queue ${sub}`;
  let info: QueueInfo;
  let json: boolean;
  switch (sub as Subcommand) {
    case 'show': {
      const { values, positionals } = parseFlags(name, rest, { ...CLUSTER_FLAGS, ...JSON_FLAG, stale: { type: 'boolean', default: false } }, true);
      const queue = onePositional(name, positionals, 'queue name');
      json = values.json;
      info = await withClient(clusterTarget(name, values), (client) => client.queues.get(queue, { stale: values.stale }));
      break;
    }
    case 'pause':
    case 'resume': {
      const { values, positionals } = parseFlags(name, rest, { ...CLUSTER_FLAGS, ...JSON_FLAG }, true);
      const queue = onePositional(name, positionals, 'queue name');
      json = values.json;
      info = await withClient(clusterTarget(name, values), (client) => (sub === 'pause' ? client.queues.pause(queue) : client.queues.resume(queue)));
      break;
    }
    case 'set': {
      const { values, positionals } = parseFlags(
        name,
        rest,
        {
          ...CLUSTER_FLAGS,
          ...JSON_FLAG,
          concurrency: { type: 'string' },
          'group-concurrency': { type: 'string' },
          'group-limit': { type: 'string', multiple: true },
          rate: { type: 'string' },
          burst: { type: 'string' },
          'group-rate': { type: 'string' },
          'group-burst': { type: 'string' },
        },
        true,
      );
      const queue = onePositional(name, positionals, 'queue name');
      json = values.json;
      const settings = queueSettings(name, values);
      info = await withClient(clusterTarget(name, values), (client) => client.queues.set(queue, settings));
      break;
    }
  }
  out.write(json ? `${JSON.stringify(info)}\n` : formatQueue(info));
  return 0;
}

/** The change `queue set` asks for; a usage error when it asks for none. */
export function queueSettings(
  name: string,
  v: {
    concurrency?: string | undefined;
    'group-concurrency'?: string | undefined;
    'group-limit'?: string[] | undefined;
    rate?: string | undefined;
    burst?: string | undefined;
    'group-rate'?: string | undefined;
    'group-burst'?: string | undefined;
  },
): QueueSettings {
  const burst = (flag: 'burst' | 'group-burst', rate: 'rate' | 'group-rate'): number | undefined => {
    const value = v[flag];
    if (value === undefined) return undefined;
    if (v[rate] === undefined) throw new UsageError(`${name}: --${flag} goes with --${rate}`);
    const n = limitFlag(flag, value);
    if (n === null) throw new UsageError(`${name}: --${flag} must be a whole number (none is for --${rate})`);
    return n;
  };
  const rateBurst = burst('burst', 'rate');
  const groupBurst = burst('group-burst', 'group-rate');
  const settings: QueueSettings = {
    ...(v.concurrency !== undefined ? { concurrency: limitFlag('concurrency', v.concurrency) } : {}),
    ...(v['group-concurrency'] !== undefined ? { groupConcurrency: limitFlag('group-concurrency', v['group-concurrency']) } : {}),
    ...(v['group-limit'] !== undefined ? { groupConcurrencyOverrides: groupLimitFlags('group-limit', v['group-limit']) } : {}),
    ...(v.rate !== undefined ? { rate: rateFlag('rate', v.rate, rateBurst) } : {}),
    ...(v['group-rate'] !== undefined ? { groupRate: rateFlag('group-rate', v['group-rate'], groupBurst) } : {}),
  };
  if (Object.keys(settings).length === 0) {
    throw new UsageError(`${name}: nothing to change: give --concurrency, --group-concurrency, --group-limit, --rate or --group-rate`);
  }
  return settings;
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());
const orNone = (n: number | null): string => (n === null ? 'none' : String(n));
/** Tokens as shown: one decimal at most. */
const tokensText = (t: number | null): string => (t === null ? '-' : String(Math.floor(t * 10) / 10));

function rateText(r: RateLimitInfo | null): string {
  if (r === null) return 'none';
  return `${r.limit} per ${r.periodMs} ms${r.burst !== r.limit ? ` (burst ${r.burst})` : ''}`;
}

/** `queue show` (and the answer of pause, resume and set): the policy, then what the queue uses of it. */
export function formatQueue(q: QueueInfo): string {
  const p = q.policy;
  const u = q.usage;
  const overrides = Object.entries(p.groupConcurrencyOverrides);
  const rows: [string, string][] = [
    ['queue', q.queue],
    ['paused', p.paused ? 'yes: no new leases' : 'no'],
    ['leased', `${u.leased}${p.concurrency !== null ? ` of ${p.concurrency}` : ''} (concurrency ${orNone(p.concurrency)})`],
    ['ready', String(u.ready)],
    ['keys', `${u.groups} group key(s) on record`],
    ['per key', `${orNone(p.groupConcurrency)}${overrides.length > 0 ? `; overrides ${overrides.map(([k, n]) => `${k}=${n}`).join(', ')}` : ''}`],
    ['rate', `${rateText(p.rate)}${p.rate !== null ? `; ${tokensText(u.tokens)} tokens now` : ''}`],
    ['key rate', rateText(p.groupRate)],
    ['throttled', u.throttledUntil === null ? 'no' : `until ${iso(u.throttledUntil)}`],
  ];
  let text = rows.map(([k, v]) => `${k.padEnd(9)}  ${v}\n`).join('');
  if (u.busiestGroups.length > 0) {
    const head = ['KEY', 'LEASED', 'LIMIT', 'READY', 'TOKENS', 'THROTTLED UNTIL'];
    const lines = u.busiestGroups.map((g) => [g.group, String(g.leased), orNone(g.limit), String(g.ready), tokensText(g.tokens), iso(g.throttledUntil)]);
    text += `busiest keys:\n${table(head, lines).replace(/^(?=.)/gm, '  ')}`;
  }
  return text;
}

/** `queues`: one line per queue. */
export function formatQueueList(list: readonly QueueInfo[]): string {
  if (list.length === 0) return 'no queues\n';
  const head = ['QUEUE', 'PAUSED', 'LEASED', 'CONCURRENCY', 'READY', 'KEYS', 'PER KEY', 'RATE', 'TOKENS', 'KEY RATE', 'THROTTLED UNTIL'];
  const rows = list.map((q) => [
    q.queue,
    q.policy.paused ? 'yes' : 'no',
    String(q.usage.leased),
    orNone(q.policy.concurrency),
    String(q.usage.ready),
    String(q.usage.groups),
    orNone(q.policy.groupConcurrency) + (Object.keys(q.policy.groupConcurrencyOverrides).length > 0 ? '+' : ''),
    q.policy.rate === null ? 'none' : `${q.policy.rate.limit}/${q.policy.rate.periodMs}ms`,
    tokensText(q.usage.tokens),
    q.policy.groupRate === null ? 'none' : `${q.policy.groupRate.limit}/${q.policy.groupRate.periodMs}ms`,
    iso(q.usage.throttledUntil),
  ]);
  return table(head, rows);
}
