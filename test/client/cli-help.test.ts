import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_STATES, WATCH_EVENT_TYPES } from '../../src/client/index.js';
import { COMMAND_HELP, type CommandName } from '../../src/cli/usage.js';
import { REPO_ROOT } from '../helpers/index.js';
import { runMain as run } from './in-process-cli.js';

const COMMANDS = Object.keys(COMMAND_HELP) as CommandName[];
const JOB_COMMANDS = COMMANDS.filter((c) => COMMAND_HELP[c].cluster);

describe('raftjobs <command> --help', () => {
  it.each(COMMANDS)('%s --help exits 0 with the usage line and every flag', async (name) => {
    for (const flag of ['--help', '-h']) {
      const r = await run([name, flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(new RegExp(`^usage: raftjobs ${name} `));
      for (const [f] of COMMAND_HELP[name].flags) expect(r.stdout).toContain(`  ${f}`);
    }
  });

  it.each(JOB_COMMANDS)('%s --help shows the flags that find the cluster', async (name) => {
    const r = await run([name, '--queue', 'q', '--help']);
    expect(r.code).toBe(0);
    for (const f of ['--config FILE', '--addresses HOST:PORT,...', '--timeout MS']) expect(r.stdout).toContain(`  ${f}`);
  });

  it('help COMMAND is COMMAND --help', async () => {
    const r = await run(['help', 'work']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe((await run(['work', '--help'])).stdout);
  });

  it('node --help names its own flags only', async () => {
    const r = await run(['node', '--help']);
    expect(r.stdout).toContain('--config FILE');
    expect(r.stdout).toContain('--id ID');
    expect(r.stdout).not.toContain('--addresses');
  });

  it('watch --help names every event type', async () => {
    const r = await run(['watch', '--help']);
    for (const t of WATCH_EVENT_TYPES) expect(r.stdout).toContain(t);
  });

  it('watch refuses a bad --after, an unknown --type, and --after with --from-now, before any call', async () => {
    for (const [args, why] of [
      [['--after', '12'], '--after must be INDEX:ORDINAL'],
      [['--type', 'finished'], '--type must be one of submitted'],
      [['--after', '1:0', '--from-now'], 'give --after or --from-now, not both'],
    ] as const) {
      const r = await run(['watch', '--addresses', '127.0.0.1:1', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(why);
    }
  });

  it('list --help names every job state', async () => {
    const r = await run(['list', '--help']);
    for (const s of JOB_STATES) expect(r.stdout).toContain(s);
  });

  // The help lists flags the command really takes: each one alone parses, and the command then
  // stops at the next check (a missing required flag or value), before any call.
  it.each(COMMANDS.flatMap((name) => COMMAND_HELP[name].flags.map(([f]) => [name, f] as const)))('%s takes %s', async (name, flagText) => {
    const [flag, value] = flagText.split(' ') as [string, string | undefined];
    const r = await run([name, flag, ...(value !== undefined ? ['x'] : [])]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/Unknown option/);
  });

  it('after --, a --help is a positional and not a request for help', async () => {
    const r = await run(['get', '--addresses', 'nohost', '--', '--help']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/expected "host:port"/);
  });

  it('a usage error points at --help', async () => {
    const r = await run(['stats', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus'");
    expect(r.stderr).toContain('usage: raftjobs stats [--stale] [--json] (--config FILE | --addresses HOST:PORT,...) [--timeout MS]');
    expect(r.stderr).toContain('raftjobs stats --help');
  });
});

describe('raftjobs --help and --version', () => {
  it('--help lists every command and exits 0; no arguments prints it with exit 2', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const name of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe(help.stdout);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await run(['--version']);
    expect(r).toEqual({ code: 0, stdout: `raftjobs ${version}\n`, stderr: '' });
  });
});

describe('npm run sim -- --help', () => {
  it('prints the usage and exits 0; an unknown flag prints it on stderr with exit 2', () => {
    const sim = (arg: string) => spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'sim.ts'), arg], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
    const help = sim('--help');
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run sim -- /);
    expect(help.stdout).toContain('--driver');
    const bad = sim('--bogus');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^sim: Unknown option '--bogus'\nusage: npm run sim -- /);
    expect(bad.stderr).not.toMatch(/at parseArgs|TypeError/);
  });
});
