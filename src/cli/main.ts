import type { Writable } from 'node:stream';
import { isRaftJobsError } from '../errors/index.js';
import { UsageError } from './args.js';
import { nodeCommand } from './node-command.js';
import { statusCommand } from './status-command.js';

type Command = (argv: readonly string[], out: Writable, err: Writable) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  node: { run: (a) => nodeCommand(a), usage: 'node --config FILE --id ID          run one cluster node' },
  status: { run: (a, o) => statusCommand(a, o), usage: 'status --config FILE [--json]       show every node of a config' },
};

export function usage(): string {
  return ['usage: raftjobs <command> [flags]', '', 'commands:', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`), ''].join('\n');
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
      const problems = e.details.problems ?? [];
      if (problems.length > 1 || (problems.length === 1 && !e.message.includes(problems[0] as string))) {
        for (const p of problems) err.write(`  - ${p}\n`);
      }
      return e.code === 'CONFIG_INVALID' || e.code === 'INVALID_ARGUMENT' ? 2 : 1;
    }
    err.write(`raftjobs ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
