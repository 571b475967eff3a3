/**
 * Chaos run against real node processes:
 *   npm run chaos -- [--duration S] [--nodes 3|5] [--workers N] [--seed N] [--tls] [--auth] [--members] [--whole-opening] [--json] [--keep]
 * Kills, pauses and partitions nodes on a seeded schedule while clients submit and workers
 * process jobs, damages one stopped node's disk at a time (wipes its data directory, cuts its
 * write-ahead log, flips bytes in a table file), and takes workers down under their own id: kills
 * a worker wherever it is and starts it again after a pause, or has it SIGKILL itself inside a
 * running handler and starts it again at once (as a pod with a fixed name restarting).
 *
 * A node back on an empty data directory under a member's id (after `wipe`, or rebuilt after its
 * start was refused) gets the operator's steps, as the leader refuses it otherwise: the member is
 * removed, the node started with `--join` through a live member, and the run waits until it is a
 * voter again. `--members` also changes the membership as faults: `add-member` (a spare id joins
 * with `--join` through its own link proxies) and `remove-member` (a voter, sometimes the leader,
 * removed and stopped; never below three voters): its opening tries one of each even past the
 * duration, and the run fails if it made no add or no remove.
 *
 * A small seeded share of the jobs are poison (the handler SIGKILLs its own worker process; the
 * run starts it again under the same id) or return a result one byte over the cluster's
 * `limits.maxResultBytes` (the cluster refuses it and the attempt fails); both kinds get 2 or 3
 * attempts and must end dead. Three recurring schedules (every second and every two seconds with
 * catch-up `all`, every second with `latest`) fire into the same queue until the load ends. Then
 * it heals, waits for the schedules' last slots, drains and checks the history.
 *
 * Exits 0 only when nothing acknowledged was lost, nothing is unfinished, no stale completion was
 * accepted, no two leases overlapped, no term had two leaders, every replica agrees, no job ran
 * more attempts than it was submitted with (`attemptsOverLimit`: released attempts count only if
 * a worker had started the handler), every finished job ended as its kind should (normal jobs
 * succeeded; poison and oversized ones dead), and every schedule slot has exactly one job or, under
 * catch-up `latest`, is counted skipped (`scheduleSlotsMissed` and `scheduleSlotsDoubled` 0).
 *
 * `--tls` runs it all on a cluster with mutual TLS: a CA, node, client and worker certificates made
 * in the run directory by `raftjobs certs`' functions, client certificates required, peers dialling
 * each other through the link proxies over TLS. `--auth` turns auth on, the clients calling with a
 * submit+read token and the workers with a work token (chaos/secure.ts).
 */
import { parseArgs } from 'node:util';
import { formatChaosReport, runChaos } from './chaos/run.js';

const USAGE = `usage: npm run chaos -- [--duration S] [--nodes 3|5] [--workers N] [--seed N] [--tls] [--auth] [--members] [--whole-opening] [--json] [--keep]
  --duration S   seconds of faults under load, 10..86400 (default 60); healing, drain and checks follow
  --nodes 3|5    cluster size (default 3)
  --workers N    worker processes, 1..16 (default 2)
  --seed N       replays a run's faults and job mix (default: random, printed)
  --tls          mutual TLS between nodes, clients and workers (certificates made in the run directory)
  --auth         auth on: clients and workers call with tokens of their roles
  --members      membership faults too: add-member (a spare id joins with --join), remove-member
                 (a voter, sometimes the leader; never below 3); the run makes one of each even past --duration
  --whole-opening  go on past --duration until every fault of the opening sequence was tried
  --json         last line of output: the report as one JSON object
  --keep         keep the run directory even when the run passes
`;

function fail(message: string): never {
  process.stderr.write(`chaos: ${message}\n${USAGE}`);
  process.exit(2);
}

let values: { duration: string; nodes: string; seed?: string; json: boolean; keep: boolean; workers: string; tls: boolean; auth: boolean; members: boolean; 'whole-opening': boolean; help: boolean };
try {
  ({ values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      nodes: { type: 'string', default: '3' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      workers: { type: 'string', default: '2' },
      tls: { type: 'boolean', default: false },
      auth: { type: 'boolean', default: false },
      members: { type: 'boolean', default: false },
      'whole-opening': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const durationS = Number(values.duration);
if (!Number.isInteger(durationS) || durationS < 10 || durationS > 86_400) fail(`--duration must be an integer number of seconds from 10 to 86400, got ${JSON.stringify(values.duration)}`);
const nodes = Number(values.nodes);
if (nodes !== 3 && nodes !== 5) fail(`--nodes must be 3 or 5, got ${JSON.stringify(values.nodes)}`);
const workers = Number(values.workers);
if (!Number.isInteger(workers) || workers < 1 || workers > 16) fail(`--workers must be 1..16, got ${JSON.stringify(values.workers)}`);
const seed = values.seed === undefined ? Math.floor(Math.random() * 1e9) : Number(values.seed);
if (!Number.isInteger(seed) || seed < 0) fail(`--seed must be a non-negative integer, got ${JSON.stringify(values.seed)}`);

const result = await runChaos({ durationS, nodes, seed, workers, keep: values.keep, tls: values.tls, auth: values.auth, members: values.members, wholeOpening: values['whole-opening'], out: values.json ? process.stderr : process.stdout });
process.stdout.write(formatChaosReport(result) + '\n');
if (values.json) {
  const { examples: _examples, dir: _dir, ...rest } = result;
  process.stdout.write(JSON.stringify(rest) + '\n');
}
process.exitCode = result.passed ? 0 : 1;
