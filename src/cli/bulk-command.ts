import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { JOB_STATES, type BulkAction, type BulkFilter, type BulkOutcome, type JobState } from '../client/index.js';
import { intFlag, parseFlags, UsageError } from './args.js';
import { attachNegativeNumbers, CLUSTER_FLAGS, clusterTarget, withClient } from './cluster-flags.js';
import { durationFlag } from './flow-flags.js';

/** The actions as typed, and the SDK's names. */
const ACTIONS: Readonly<Record<string, BulkAction>> = { 'retry-dead': 'retryDead', cancel: 'cancel', purge: 'purge' };
/** What each action does, for the confirmation and the answer. */
const DOES: Readonly<Record<BulkAction, { readonly would: string; readonly did: string }>> = {
  retryDead: { would: 'retry', did: 'retried' },
  cancel: { would: 'cancel', did: 'cancelled' },
  purge: { would: 'purge (remove for good)', did: 'purged' },
};
/** Default deadline of a bulk action, ms: one call covers every batch. */
const BULK_TIMEOUT_MS = 300_000;

/** A terminal to ask on: standard input and output of an interactive session. */
export interface Prompt {
  readonly input: Readable & { readonly isTTY?: boolean };
  readonly output: Writable;
}

/**
 * `raftjobs bulk retry-dead|cancel|purge [--queue Q] [--state S]... [--group G] [--older-than D]
 * [--dry-run] [--yes] [--reason TEXT] [--batch-size N] [--json]`. A real run changes jobs for good,
 * so it needs `--yes`, or an interactive terminal where the operator confirms the count of a dry
 * run first (as typed: yes); otherwise it is refused before anything changes. `--timeout` bounds
 * the whole action (default 300000).
 */
export async function bulkCommand(argv: readonly string[], out: Writable, err: Writable, prompt: Prompt = { input: process.stdin, output: process.stderr }): Promise<number> {
  const [sub, ...rest] = argv;
  const action = sub === undefined ? undefined : ACTIONS[sub];
  if (action === undefined) throw new UsageError(`bulk: expected an action (${Object.keys(ACTIONS).join(', ')}), got ${sub === undefined ? 'none' : JSON.stringify(sub)}`);
  const name = `bulk ${sub}`;
  const { values } = parseFlags(name, attachNegativeNumbers(rest, ['batch-size', 'timeout']), {
    ...CLUSTER_FLAGS,
    queue: { type: 'string' },
    state: { type: 'string', multiple: true },
    group: { type: 'string' },
    'older-than': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    yes: { type: 'boolean', default: false },
    reason: { type: 'string' },
    'batch-size': { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const filter = bulkFilter(name, values);
  if (values.reason !== undefined && action !== 'cancel') throw new UsageError(`${name}: --reason goes with cancel only`);
  const batchSize = values['batch-size'] === undefined ? undefined : intFlag('batch-size', values['batch-size'], 0, 1, 10_000);
  const dryRun = values['dry-run'];
  const interactive = !dryRun && !values.yes && prompt.input.isTTY === true;
  if (!dryRun && !values.yes && !interactive) {
    throw new UsageError(`${name}: this changes jobs for good: add --yes to go ahead (--dry-run counts them first)`);
  }
  const target = clusterTarget(name, { ...values, timeout: values.timeout ?? String(BULK_TIMEOUT_MS) });
  const opts = { action, filter, ...(batchSize !== undefined ? { batchSize } : {}), ...(values.reason !== undefined ? { reason: values.reason } : {}) };
  const outcome = await withClient(target, async (client): Promise<BulkOutcome | null> => {
    if (interactive) {
      const { matched } = await client.bulk({ ...opts, dryRun: true });
      if (matched === 0) return { action, dryRun: true, matched: 0, affected: 0, batches: 0 };
      if (!(await confirm(prompt, `${DOES[action].would} ${matched} job(s)${describe(filter)}? type yes to go ahead: `))) return null;
    }
    return client.bulk({ ...opts, dryRun });
  });
  if (outcome === null) {
    err.write(`raftjobs ${name}: not confirmed; nothing changed\n`);
    return 1;
  }
  out.write(values.json ? `${JSON.stringify(outcome)}\n` : formatBulk(outcome, filter));
  return 0;
}

/** The filter of the flags: `--state` repeats, `--older-than` is a duration. */
export function bulkFilter(
  name: string,
  v: { queue?: string | undefined; state?: string[] | undefined; group?: string | undefined; 'older-than'?: string | undefined },
): BulkFilter {
  if (v.queue === '') throw new UsageError(`${name}: --queue must not be empty`);
  for (const s of v.state ?? []) {
    if (!(JOB_STATES as readonly string[]).includes(s)) throw new UsageError(`${name}: --state must be one of ${JOB_STATES.join(', ')}, got ${JSON.stringify(s)}`);
  }
  return {
    ...(v.queue !== undefined ? { queue: v.queue } : {}),
    ...(v.state !== undefined ? { states: [...new Set(v.state)] as JobState[] } : {}),
    ...(v.group !== undefined ? { group: v.group } : {}),
    ...(v['older-than'] !== undefined ? { olderThanMs: durationFlag('older-than', v['older-than'], 1) } : {}),
  };
}

async function confirm(prompt: Prompt, question: string): Promise<boolean> {
  const rl = createInterface({ input: prompt.input, output: prompt.output, terminal: false });
  try {
    return (await rl.question(question)).trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

/** The filter in words: ` in queue email, state dead, group "" (none), submitted over 3600000 ms ago`. */
function describe(f: BulkFilter): string {
  const parts = [
    ...(f.queue !== undefined ? [`queue ${f.queue}`] : []),
    ...(f.states !== undefined ? [`state ${f.states.join(' or ')}`] : []),
    ...(f.group !== undefined ? [f.group === '' ? 'without a group key' : `group ${JSON.stringify(f.group)}`] : []),
    ...(f.olderThanMs !== undefined ? [`submitted over ${f.olderThanMs} ms ago`] : []),
  ];
  return parts.length === 0 ? ' (every queue)' : ` (${parts.join(', ')})`;
}

/** The answer: how many jobs the action would act on (dry run) or acted on. */
export function formatBulk(o: BulkOutcome, filter: BulkFilter): string {
  if (o.dryRun) return `would ${DOES[o.action].would} ${o.matched} job(s)${describe(filter)}; nothing changed\n`;
  return `${DOES[o.action].did} ${o.affected} job(s)${describe(filter)} in ${o.batches} batch(es)\n`;
}
