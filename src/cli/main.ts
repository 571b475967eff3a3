import type { Writable } from 'node:stream';
import { isRaftJobsError } from '../errors/index.js';
import { UsageError } from './args.js';
import { cancelCommand, getCommand, listCommand, retryCommand, statsCommand, submitCommand } from './jobs-commands.js';
import { nodeCommand } from './node-command.js';
import { statusCommand } from './status-command.js';
import { workCommand } from './work-command.js';

type Command = (argv: readonly string[], out: Writable, err: Writable) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  node: { run: (a) => nodeCommand(a), usage: 'node --config FILE --id ID [--data-dir DIR]   run one cluster node (--data-dir as given to npm start)' },
  status: { run: (a, o, e) => statusCommand(a, o, e), usage: 'status [--json] [--digest]           show every node; --digest adds state digests; exit 1 when no leader is known' },
  snapshot: { run: async (a, o, e) => (await import('./snapshot-command.js')).snapshotCommand(a, o, e), usage: 'snapshot --config FILE [--json]     every node snapshots and compacts its log now' },
  submit: {
    run: (a, o, e) => submitCommand(a, o, e),
    usage: 'submit --queue Q [--payload JSON | --payload-file FILE|-] [--delay MS] [--priority P] [--count N] [--max-attempts N] [--idempotency-key K] [--json]   submit jobs; prints their ids',
  },
  get: { run: (a, o) => getCommand(a, o), usage: 'get ID [--stale] [--json]            show one job' },
  list: { run: (a, o, e) => listCommand(a, o, e), usage: 'list [--queue Q] [--state S] [--limit N | --all] [--page-token T] [--stale] [--json]   list jobs in submit order' },
  cancel: { run: (a, o) => cancelCommand(a, o), usage: 'cancel ID [--reason TEXT] [--json]   cancel a job' },
  retry: { run: (a, o) => retryCommand(a, o), usage: 'retry ID [--attempts N] [--json]     retry a dead job' },
  stats: { run: (a, o) => statsCommand(a, o), usage: 'stats [--stale] [--json]             job counts per queue and state' },
  work: {
    run: (a, o, e) => workCommand(a, o, e),
    usage: 'work --queue Q[,Q] --handler echo|sleep|fail [--concurrency N] [--sleep-ms MS] [--lease-ttl MS] [--drain-ms MS]   run a demo worker until Ctrl-C',
  },
};

/** How the job commands find the cluster (listed once under the commands). */
const JOB_COMMANDS_NOTE = 'status and the job commands (submit ... work) take --config FILE or --addresses HOST:PORT,... and [--timeout MS]';

export function usage(): string {
  return ['usage: raftjobs <command> [flags]', '', 'commands:', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`), '', JOB_COMMANDS_NOTE, ''].join('\n');
}

/** Entry point of the `raftjobs` command. Returns the process exit code. */
export async function main(argv: readonly string[], out: Writable = process.stdout, err: Writable = process.stderr): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    out.write(usage());
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    err.write(`raftjobs: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  try {
    return await cmd.run(rest, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`raftjobs ${e.message}\nusage: raftjobs ${cmd.usage}\n`);
      return 2;
    }
    if (isRaftJobsError(e)) {
      err.write(`raftjobs ${name}: ${e.message}\n`);
      // A config error's message lists its problems already: print only those it does not.
      for (const p of (e.details.problems ?? []).filter((p) => !e.message.includes(p))) err.write(`  - ${p}\n`);
      return e.code === 'CONFIG_INVALID' || e.code === 'INVALID_ARGUMENT' ? 2 : 1;
    }
    err.write(`raftjobs ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
