/**
 * The README's "Deploying without Kubernetes" is a list of commands to type: each `raftjobs`
 * command it shows must exist with the flags it gives (the CLI's usage table, whose flags
 * cli-help.test.ts checks the commands really take), each `npm run` script must exist with its
 * flags, and each file of cluster-configs/systemd it names must be there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER_FLAGS } from '../../src/cli/cluster-flags.js';
import { COMMAND_HELP, isCommandName } from '../../src/cli/usage.js';
import { REPO_ROOT } from '../helpers/index.js';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

function section(): string {
  const start = README.indexOf('\n## Deploying without Kubernetes\n');
  if (start < 0) throw new Error('README.md has no "## Deploying without Kubernetes" section');
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

const GUIDE = section();
/**
 * The words of each command after `prefix` (a word of its own, followed by a word that starts with
 * a letter: `raftjobs status ...`, not `-o raftjobs -g` or `/var/lib/raftjobs`), up to a `;`, `&&`,
 * `#` or the end of the line or code span.
 */
function commands(prefix: string): string[][] {
  return [...GUIDE.matchAll(new RegExp(`(?:^|[\\s\`])${prefix} ([a-z][^;&#\`\\n]*)`, 'gm'))].map((m) => (m[1] ?? '').trim().split(/\s+/));
}

/** Positional actions of the commands that take one. */
const ACTIONS: Partial<Record<string, readonly string[]>> = { members: ['list', 'add', 'promote', 'remove'], certs: ['init', 'issue'] };

describe('README: Deploying without Kubernetes', () => {
  it('shows raftjobs commands that exist, with flags they take', () => {
    const shown = commands('raftjobs');
    expect(shown.length).toBeGreaterThanOrEqual(8);
    for (const [name, ...args] of shown) {
      const line = `raftjobs ${[name, ...args].join(' ')}`;
      if (name === undefined || !isCommandName(name)) {
        expect.fail(`${line}: no command ${JSON.stringify(name)}`);
        continue;
      }
      const help = COMMAND_HELP[name];
      const flags = new Set([...help.flags.map(([f]) => f.split(' ')[0] as string), ...(help.cluster ? Object.keys(CLUSTER_FLAGS).map((f) => `--${f}`) : [])]);
      for (const a of args.filter((x) => x.startsWith('--'))) expect(flags.has(a), `${line}: ${name} has no flag ${a}`).toBe(true);
      const actions = ACTIONS[name];
      if (actions !== undefined) expect(actions, line).toContain(args[0]);
    }
  });

  it('shows npm scripts that exist, with flags they take', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const shown = commands('npm run');
    expect(shown.length).toBeGreaterThan(0);
    for (const [script, ...args] of shown) {
      const command = pkg.scripts[script ?? ''];
      expect(command, `npm run ${script ?? ''}`).toBeDefined();
      const source = readFileSync(join(REPO_ROOT, (command ?? '').split(' ').at(-1) ?? ''), 'utf8');
      for (const a of args.filter((x) => x.startsWith('--') && x !== '--')) expect(source, `npm run ${script ?? ''} ${a}`).toContain(a);
    }
  });

  it('names files that cluster-configs/systemd has', () => {
    for (const file of ['cluster.json', 'raftjobs@.service', 'node.env']) {
      expect(GUIDE).toContain(`\`${file}\``);
      expect(existsSync(join(REPO_ROOT, 'cluster-configs', 'systemd', file)), file).toBe(true);
    }
    const env = readFileSync(join(REPO_ROOT, 'cluster-configs', 'systemd', 'node.env'), 'utf8');
    for (const name of ['READYZ_URL', 'NODE_ARGS']) {
      expect(GUIDE).toContain(name);
      expect(env).toMatch(new RegExp(`^#?${name}=`, 'm'));
    }
  });
});
