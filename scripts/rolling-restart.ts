/**
 * Rolling restart of a running cluster, one node at a time, without taking it down:
 *   npm run rolling-restart -- (--config FILE | --addresses HOST:PORT,...) --restart 'COMMAND {id}'
 *   npm run rolling-restart -- [--config FILE] [--data-dir DIR] --local
 * For each member (the leader last): if it leads, leadership goes to a caught-up voter first; then
 * the node is restarted, and the next one waits until it answers again, knows a leader and holds
 * what the leader had committed when it came back (scripts/rolling-restart/procedure.ts).
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { membersFromLeader } from '../src/client/index.js';
import { UsageError } from '../src/cli/args.js';
import { CLUSTER_FLAGS, clusterTarget } from '../src/cli/cluster-flags.js';
import { loadConfig } from '../src/config/index.js';
import { isRaftJobsError } from '../src/errors/index.js';
import { launcherSocketPath } from './launcher-control.js';
import { rollingRestart, type Restarter } from './rolling-restart/procedure.js';
import { checkTemplate, commandRestarter, launcherRestarter } from './rolling-restart/restarters.js';

const DEFAULT_CONFIG = join(import.meta.dirname, '..', 'cluster-configs', 'three-node.json');

const USAGE = `usage: npm run rolling-restart -- (--config FILE | --addresses HOST:PORT,...) (--restart COMMAND | --local) [flags]
  --restart COMMAND    restarts one node; run by /bin/sh with {id}, {host}, {port}, {address} (its gRPC
                       address) filled in, e.g. 'ssh {host} sudo systemctl restart raftjobs@{id}'; must exit 0
  --local              a cluster run by npm start on this machine: its launcher restarts each node
                       (--config defaults to npm start's, cluster-configs/three-node.json)
  --data-dir DIR       with --local: the --data-dir npm start was given
  --nodes ID,...       restart only these members (default: every member)
  --step-timeout MS    how long each wait may take: leadership moved, node back, caught up (default 120000)
  --command-timeout MS how long --restart's command may run (default 300000)
  --json               last line of output: the report as one JSON object (progress on stderr)
  --config, --addresses, --timeout, --ca, --cert, --key, --token, --token-file
                       find and reach the cluster as the raftjobs CLI does (a token needs the admin role)
`;

function fail(message: string): never {
  process.stderr.write(`rolling-restart: ${message}\n${USAGE}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        ...CLUSTER_FLAGS,
        restart: { type: 'string' },
        local: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        nodes: { type: 'string' },
        'step-timeout': { type: 'string', default: '120000' },
        'command-timeout': { type: 'string', default: '300000' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}

const values = parse();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.local === (values.restart !== undefined)) fail('give --restart COMMAND or --local (one of them)');
if (values['data-dir'] !== undefined && !values.local) fail('--data-dir goes with --local');
try {
  if (values.restart !== undefined) checkTemplate(values.restart);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
const ms = (name: 'step-timeout' | 'command-timeout'): number => {
  const n = Number(values[name]);
  if (!Number.isSafeInteger(n) || n < 1) fail(`--${name} must be a positive integer, got ${JSON.stringify(values[name])}`);
  return n;
};
const stepTimeoutMs = ms('step-timeout');
const commandTimeoutMs = ms('command-timeout');
const only = values.nodes?.split(',').map((s) => s.trim()).filter(Boolean);

const log = (line: string): void => void (values.json ? process.stderr : process.stdout).write(`${line}\n`);
try {
  const dataDir = values['data-dir'] === undefined ? undefined : resolve(values['data-dir']);
  const config = values.local && values.addresses === undefined ? (values.config ?? DEFAULT_CONFIG) : values.config;
  const target = clusterTarget('rolling-restart', { ...values, config });
  const calls = { timeoutMs: Math.min(target.deadlineMs, 2000), credentials: target.credentials, token: target.token };
  let restart: Restarter;
  if (values.local) {
    if (config === undefined) fail('--local needs --config (the one npm start was given), not --addresses');
    const env = dataDir === undefined ? process.env : { ...process.env, RAFTJOBS_DATA_DIR: dataDir };
    const socket = launcherSocketPath(loadConfig(config, { env }).dataDir);
    const members = await membersFromLeader(target.nodes, calls);
    restart = await launcherRestarter(socket, only ?? members.members.map((m) => m.id), stepTimeoutMs);
  } else {
    restart = commandRestarter(values.restart as string, { timeoutMs: commandTimeoutMs, log });
  }
  const report = await rollingRestart({
    addresses: target.nodes,
    credentials: target.credentials,
    ...(target.token === undefined ? {} : { token: target.token }),
    restart,
    ...(only === undefined ? {} : { only }),
    stepTimeoutMs,
    callTimeoutMs: calls.timeoutMs,
    log,
  });
  log(`rolling restart done: ${report.nodes.map((n) => n.id).join(', ')} restarted in ${(report.tookMs / 1000).toFixed(1)} s; ${String(report.leaderAtEnd)} leads`);
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
} catch (err) {
  if (err instanceof UsageError) fail(err.message.replace(/^rolling-restart: /, ''));
  process.stderr.write(`rolling-restart: ${err instanceof Error ? err.message : String(err)}\n`);
  for (const p of isRaftJobsError(err) ? (err.details.problems ?? []) : []) process.stderr.write(`  - ${p}\n`);
  process.exitCode = 1;
}
