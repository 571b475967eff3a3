import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { isRaftJobsError } from '../errors/index.js';
import { UsageError } from './args.js';
import { commandUsage, isCommandName, synopsis, usage, type CommandName } from './usage.js';

type Command = (argv: readonly string[], out: Writable, err: Writable) => Promise<number>;

/**
 * Each command's module, loaded only when it runs: `raftjobs --help` loads none of them, a job
 * command loads the SDK but no server code, and only `node` loads LevelDB and the metrics.
 */
const COMMANDS: Record<CommandName, () => Promise<Command>> = {
  node: async () => (await import('./node-command.js')).nodeCommand,
  status: async () => (await import('./status-command.js')).statusCommand,
  snapshot: async () => (await import('./snapshot-command.js')).snapshotCommand,
  backup: async () => (await import('./backup-command.js')).backupCommand,
  restore: async () => (await import('./restore-command.js')).restoreCommand,
  submit: async () => (await import('./jobs-commands.js')).submitCommand,
  get: async () => (await import('./jobs-commands.js')).getCommand,
  list: async () => (await import('./jobs-commands.js')).listCommand,
  cancel: async () => (await import('./jobs-commands.js')).cancelCommand,
  retry: async () => (await import('./jobs-commands.js')).retryCommand,
  stats: async () => (await import('./jobs-commands.js')).statsCommand,
  work: async () => (await import('./work-command.js')).workCommand,
  watch: async () => (await import('./watch-command.js')).watchCommand,
  schedule: async () => (await import('./schedule-command.js')).scheduleCommand,
  queues: async () => (await import('./queue-command.js')).queuesCommand,
  queue: async () => (await import('./queue-command.js')).queueCommand,
  bulk: async () => (await import('./bulk-command.js')).bulkCommand,
  certs: async () => (await import('./certs-command.js')).certsCommand,
  token: async () => (await import('./token-command.js')).tokenCommand,
  members: async () => (await import('./members-command.js')).membersCommand,
  'transfer-leader': async () => (await import('./members-command.js')).transferLeaderCommand,
};

/**
 * The package's version, from the package.json two levels up: the repository root from src/cli,
 * the package root from dist/cli.
 */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** `--help` or `-h` among a command's arguments (before a `--`, after which all are positionals). */
function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Entry point of the `raftjobs` command. Returns the process exit code. */
export async function main(argv: readonly string[], out: Writable = process.stdout, err: Writable = process.stderr): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length === 1 && isCommandName(rest[0] as string)) {
    out.write(commandUsage(rest[0] as CommandName));
    return 0;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    out.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    out.write(`raftjobs ${packageVersion()}\n`);
    return 0;
  }
  if (!isCommandName(name)) {
    err.write(`raftjobs: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  if (asksForHelp(rest)) {
    out.write(commandUsage(name));
    return 0;
  }
  try {
    const run = await COMMANDS[name]();
    return await run(rest, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`raftjobs ${e.message}\nusage: ${synopsis(name)}\n(raftjobs ${name} --help describes every flag)\n`);
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
