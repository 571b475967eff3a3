/**
 * The systemd template in cluster-configs/systemd/ against what it runs, without systemd: the
 * command and flags it starts are the CLI's own (its usage table), the readiness check polls the
 * node's /readyz with the certificate files the config names, the stop timeout leaves the node its
 * shutdown deadline, and the example cluster config loads (with certificates made for it). With
 * curl installed, the unit's readiness command runs against a real TLS node; with systemd-analyze,
 * systemd's own parser reads the unit.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initCa, issueCertificate } from '../../src/cli/certs.js';
import { COMMAND_HELP } from '../../src/cli/usage.js';
import { loadConfig } from '../../src/config/index.js';
import { LIMITS } from '../../src/limits/index.js';
import { nodeTlsFiles } from '../../src/tls/index.js';
import { createObservedCluster, REPO_ROOT, tempDir } from '../helpers/index.js';

const DIR = join(REPO_ROOT, 'cluster-configs', 'systemd');
const UNIT_TEXT = readFileSync(join(DIR, 'raftjobs@.service'), 'utf8');

/** `[Section]` → key → every value given (a key may repeat), comments and blank lines left out. */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(\w+)\]$/.exec(line);
    if (section !== null) {
      current = new Map();
      sections.set(section[1] as string, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current === null || eq < 1) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

const unit = parseUnit(UNIT_TEXT);
const service = unit.get('Service') ?? new Map<string, string[]>();
/** The one value of `[Service] key`. */
function one(key: string): string {
  const values = service.get(key) ?? [];
  if (values.length !== 1) throw new Error(`[Service] ${key}: expected one value, got ${JSON.stringify(values)}`);
  return values[0] as string;
}

/** The `KEY=VALUE` lines of node.env, commented-out examples included (marked). */
function envLines(): { key: string; value: string; commented: boolean }[] {
  return readFileSync(join(DIR, 'node.env'), 'utf8')
    .split('\n')
    .map((l) => /^(#?)([A-Z_]+)=(.*)$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ key: m[2] as string, value: m[3] as string, commented: m[1] === '#' }));
}

/** The flags a `raftjobs node` argument list uses, each checked against the CLI's usage table. */
function nodeFlags(args: readonly string[]): Map<string, string> {
  const known = new Map(COMMAND_HELP.node.flags.map(([f]) => [f.split(' ')[0] as string, f.includes(' ')]));
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const flag = args[i] as string;
    expect(known.has(flag), `raftjobs node has no flag ${flag} (its flags: ${[...known.keys()].join(' ')})`).toBe(true);
    flags.set(flag, known.get(flag) === true ? (args[++i] ?? '') : '');
  }
  return flags;
}

describe('cluster-configs/systemd/raftjobs@.service', () => {
  it('runs `raftjobs node` of the installed package with flags the command has: this instance, the shared config, NODE_ARGS', () => {
    const [program, command, ...args] = one('ExecStart').split(/\s+/);
    expect(basename(program ?? '')).toBe('raftjobs');
    expect(program).toBe('/opt/raftjobs/node_modules/.bin/raftjobs');
    expect(command).toBe('node');
    expect(args.at(-1)).toBe('$NODE_ARGS');
    const flags = nodeFlags(args.slice(0, -1));
    expect(Object.fromEntries(flags)).toEqual({ '--config': '/etc/raftjobs/cluster.json', '--id': '%i' });
    // What NODE_ARGS is shown holding parses too.
    const examples = envLines().filter((l) => l.key === 'NODE_ARGS' && l.value !== '');
    expect(examples.length).toBeGreaterThan(0);
    for (const e of examples) expect(nodeFlags(e.value.split(/\s+/)).get('--join')).toMatch(/^[\w.-]+:\d+$/);
    expect(service.get('EnvironmentFile')).toEqual(['/etc/raftjobs/%i.env']);
  });

  it('counts the start done once /readyz answers, over HTTPS with the files the config names', () => {
    const post = one('ExecStartPost').split(/\s+/);
    expect(post[0]).toBe('/usr/bin/curl');
    for (const flag of ['--fail', '--retry-all-errors', '--retry', '--retry-max-time', '--max-time']) expect(post).toContain(flag);
    expect(post.at(-1)).toBe('${READYZ_URL}');
    const arg = (flag: string): string => post[post.indexOf(flag) + 1] ?? '';
    const files = nodeTlsFiles({ caFile: '/etc/raftjobs/certs/ca.crt', certsDir: '/etc/raftjobs/certs' }, '%i');
    expect({ ca: arg('--cacert'), cert: arg('--cert'), key: arg('--key') }).toEqual({ ca: files.caFile, cert: files.certFile, key: files.keyFile });
    // curl's retries end before systemd's start timeout.
    expect(Number(arg('--retry-max-time')) + Number(arg('--max-time'))).toBeLessThan(Number(one('TimeoutStartSec')));
    const url = envLines().find((l) => l.key === 'READYZ_URL' && !l.commented)?.value ?? '';
    const config = JSON.parse(readFileSync(join(DIR, 'cluster.json'), 'utf8')) as { nodes: { httpAddress: string }[] };
    expect(url).toBe(`https://${config.nodes[0]?.httpAddress ?? ''}/readyz`);
  });

  it('restarts on failure, leaves the node its shutdown deadline, and runs as its own user with its data in /var/lib/raftjobs', () => {
    expect(one('Restart')).toBe('on-failure');
    expect(Number(one('TimeoutStopSec')) * 1000).toBeGreaterThan(LIMITS.shutdownTimeoutMs.default);
    expect(Number(one('LimitNOFILE'))).toBeGreaterThanOrEqual(65536);
    expect(one('User')).toBe('raftjobs');
    expect(one('StateDirectory')).toBe('raftjobs');
    expect([...service.keys()].filter((k) => k.startsWith('Watchdog'))).toEqual([]);
    expect(one('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('node.env sets only what the unit reads and settings the node knows', () => {
    const unitVars = new Set([...UNIT_TEXT.matchAll(/\$\{?([A-Z_]+)\}?/g)].map((m) => m[1] as string));
    unitVars.delete('MAINPID');
    for (const { key } of envLines()) {
      if (unitVars.has(key) || key === 'RAFTJOBS_TOKEN') continue;
      expect.fail(`node.env sets ${key}, which neither the unit nor the node reads`);
    }
    expect([...unitVars].sort()).toEqual(['NODE_ARGS', 'READYZ_URL']);
  });

  it('the example cluster config loads for n1, with certificates made for it', async () => {
    const dir = tempDir('raftjobs-systemd-');
    await initCa(dir);
    await issueCertificate(dir, { who: { kind: 'node', name: 'n1' }, hosts: ['10.0.0.11'] });
    const raw = JSON.parse(readFileSync(join(DIR, 'cluster.json'), 'utf8')) as { tls: Record<string, unknown> };
    const path = join(dir, 'cluster.json');
    writeFileSync(path, JSON.stringify({ ...raw, tls: { ...raw.tls, certsDir: dir } }));
    const config = loadConfig(path, { nodeId: 'n1', env: {} });
    expect(config.dataDir).toBe('/var/lib/raftjobs');
    expect(config.nodes.map((n) => n.httpListen)).toEqual(['10.0.0.11:8001', '10.0.0.12:8001', '10.0.0.13:8001']);
    expect(raw.tls['certsDir']).toBe('/etc/raftjobs/certs');
  });

  it.skipIf(!existsSync('/usr/bin/curl'))('its readiness command succeeds against a real TLS node that requires client certificates on HTTP', { timeout: 90_000 }, async () => {
    const oc = await createObservedCluster({ size: 1, clusterId: 'systemd', tls: {}, config: { http: { requireClientCertificate: true } } });
    try {
      await oc.cluster.startAll();
      await oc.cluster.waitForLeader();
      const url = `https://${oc.http.get('n1') ?? ''}/readyz`;
      const certs = oc.cluster.certsDir as string;
      const [curl, ...args] = one('ExecStartPost')
        .split(/\s+/)
        .map((a) => a.replaceAll('/etc/raftjobs/certs', certs).replaceAll('%i', 'n1').replace('${READYZ_URL}', url));
      const run = (argv: readonly string[]) => spawnSync(curl as string, argv, { encoding: 'utf8', timeout: 30_000 });
      const ready = run(args);
      expect(ready.status, ready.stderr).toBe(0);
      // Without the node's certificate the HTTPS port refuses the handshake.
      expect(run(['--fail', '--silent', '--max-time', '5', '--cacert', join(certs, 'ca.crt'), url]).status).not.toBe(0);
    } finally {
      await oc.cluster.cleanup();
    }
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))('systemd-analyze reads it without a complaint about its syntax', () => {
    const dir = tempDir('raftjobs-systemd-unit-');
    copyFileSync(join(DIR, 'raftjobs@.service'), join(dir, 'raftjobs@.service'));
    const r = spawnSync('/usr/bin/systemd-analyze', ['verify', join(dir, 'raftjobs@n1.service')], { encoding: 'utf8', timeout: 20_000 });
    // The package is not installed here, so its command is missing; anything else is a finding.
    const findings = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '' && !/is not executable: No such file or directory/.test(l));
    expect(findings).toEqual([]);
  });
});
