/**
 * The usage text of every `raftjobs` command. Kept apart from the commands themselves, which
 * `main` loads only when one runs, so `raftjobs --help` and `raftjobs <command> --help` load
 * nothing else.
 */

/** One flag's line in a command's help: the flag as typed, and what it does. */
export type FlagHelp = readonly [flag: string, text: string];

/** Help of one command. */
export interface CommandHelp {
  /** The command and its own flags, as on the usage line. */
  readonly synopsis: string;
  /** One line on what it does. */
  readonly summary: string;
  readonly flags: readonly FlagHelp[];
  /** Takes the shared flags that find the cluster (`--config` or `--addresses`, and `--timeout`). */
  readonly cluster: boolean;
}

/** How the job commands find the cluster (the flags of src/cli/cluster-flags.ts `CLUSTER_FLAGS`). */
export const CLUSTER_USAGE = '(--config FILE | --addresses HOST:PORT,...) [--timeout MS] [--ca FILE] [--cert FILE --key FILE] [--token T | --token-file FILE]';
const CLUSTER_FLAG_HELP: readonly FlagHelp[] = [
  ['--config FILE', 'cluster config: the nodes to call (and the most jobs per submit call)'],
  ['--addresses HOST:PORT,...', "the nodes' client addresses, comma separated (instead of --config)"],
  ['--timeout MS', 'deadline of each call to the cluster, ms (default 10000)'],
  ['--ca FILE', 'TLS: the cluster CA to check the nodes against (env RAFTJOBS_TLS_CA; default with --config of a TLS cluster: its tls.caFile)'],
  ['--cert FILE', 'TLS: a client certificate, for clusters that ask for one (env RAFTJOBS_TLS_CERT)'],
  ['--key FILE', "TLS: the client certificate's key (env RAFTJOBS_TLS_KEY)"],
  ['--token T', 'bearer token for a cluster with auth on (default: $RAFTJOBS_TOKEN; other users can see it in the process list)'],
  ['--token-file FILE', 'read the token from the first line of FILE'],
];
const JSON_FLAG: FlagHelp = ['--json', 'print JSON instead of text'];
const STALE_FLAG: FlagHelp = ['--stale', 'read the state of the node called instead of a read through the leader (may lag)'];

export const COMMAND_HELP = {
  node: {
    synopsis: 'node --config FILE --id ID [--data-dir DIR] [--join HOST:PORT]',
    summary: 'run one cluster node until SIGINT/SIGTERM; it rereads its TLS files and tokens file when they change, or on SIGHUP',
    flags: [
      ['--config FILE', 'cluster config file'],
      ['--id ID', "this node's id in the config"],
      ['--data-dir DIR', 'keep the data in DIR/ID instead of the config’s dataDir (as npm start -- --data-dir DIR does)'],
      ['--join HOST:PORT', 'join a running cluster through this member: a node with an empty data directory asks the leader to add it as a learner (token from $RAFTJOBS_TOKEN when auth is on), catches up, and is promoted'],
    ],
    cluster: false,
  },
  status: {
    synopsis: 'status [--json] [--digest]',
    summary: 'show every node: role, term, leader, log indexes; exit 1 when no leader is known',
    flags: [JSON_FLAG, ['--digest', 'add each node’s state digest (equal digests: equal job state)']],
    cluster: true,
  },
  snapshot: {
    synopsis: 'snapshot --config FILE [--json] [--timeout-ms MS] [--ca FILE] [--cert FILE --key FILE] [--token T | --token-file FILE]',
    summary: 'every node snapshots and compacts its log now',
    flags: [['--config FILE', 'cluster config file: the nodes to ask'], JSON_FLAG, ['--timeout-ms MS', 'how long each node may take'], ...CLUSTER_FLAG_HELP.slice(3)],
    cluster: false,
  },
  backup: {
    synopsis: 'backup --out FILE [--json]',
    summary: 'write a consistent copy of the job state (jobs, schedules, idempotency keys) from the leader to FILE, while the cluster keeps serving (--timeout bounds the whole backup; default 300000)',
    flags: [
      ['--out FILE', 'where to write it: through a temporary file beside FILE, renamed to FILE once complete and checked (an existing FILE is replaced then)'],
      JSON_FLAG,
    ],
    cluster: true,
  },
  restore: {
    synopsis: 'restore --from FILE --config FILE [--data-dir DIR] [--json]',
    summary: "seed a new cluster from a backup: every node's data directory of the config, which must be empty; the config needs a clusterId of its own",
    flags: [
      ['--from FILE', 'the backup file (raftjobs backup --out)'],
      ['--config FILE', "the new cluster's config: its nodes become the voters, its clusterId must differ from the backup's"],
      ['--data-dir DIR', 'seed DIR/ID instead of the config’s dataDir (then start the nodes with the same --data-dir)'],
      JSON_FLAG,
    ],
    cluster: false,
  },
  submit: {
    synopsis:
      'submit --queue Q [--payload JSON | --payload-file FILE|-] [--delay MS] [--priority P] [--count N] [--max-attempts N] [--idempotency-key K] [--group G] [--unique-key K [--unique-mode active|debounce] [--debounce-window D]] [--json]',
    summary: 'submit jobs; prints their ids',
    flags: [
      ['--queue Q', 'queue of the jobs (required)'],
      ['--payload JSON', 'payload of each job, as JSON'],
      ['--payload-file FILE|-', 'payload of each job: the bytes of FILE, or of stdin with -'],
      ['--delay MS', 'ready this many ms after the submit (0 to one year)'],
      ['--priority P', 'higher runs first within the queue (32-bit integer, default 0)'],
      ['--count N', 'submit N equal jobs (default 1)'],
      ['--max-attempts N', 'attempts before the job is dead (1 to 1000)'],
      ['--idempotency-key K', 'submitting the same key again returns the first job (needs --count 1)'],
      ['--group G', "the jobs' group key (a customer, tenant or API key): the queue's per-key limits, rates and fairness apply to it"],
      ['--unique-key K', 'while a job submitted with K in this queue is not finished (active) or still pending (debounce), a submit with K creates no new job'],
      ['--unique-mode MODE', 'active (default): return the unfinished job; debounce: replace the pending job’s payload, priority and run time'],
      ['--debounce-window D', 'debounce: how long after its submit a pending job takes the next one’s place (5s, 1m; default the --delay)'],
      JSON_FLAG,
    ],
    cluster: true,
  },
  get: { synopsis: 'get ID [--stale] [--json]', summary: 'show one job', flags: [STALE_FLAG, JSON_FLAG], cluster: true },
  list: {
    synopsis: 'list [--queue Q] [--state S] [--limit N | --all] [--page-token T] [--stale] [--json]',
    summary: 'list jobs in submit order',
    flags: [
      ['--queue Q', 'only this queue'],
      ['--state S', 'only jobs in this state: scheduled, ready, leased, succeeded, dead or cancelled'],
      ['--limit N', 'at most N jobs (default 100); says on stderr when more are left'],
      ['--all', 'every matching job, page after page'],
      ['--page-token T', 'go on from where an earlier list stopped'],
      STALE_FLAG,
      JSON_FLAG,
    ],
    cluster: true,
  },
  cancel: { synopsis: 'cancel ID [--reason TEXT] [--json]', summary: 'cancel a job', flags: [['--reason TEXT', 'why, kept with the job'], JSON_FLAG], cluster: true },
  retry: { synopsis: 'retry ID [--attempts N] [--json]', summary: 'retry a dead job', flags: [['--attempts N', 'attempts it gets (1 to 1000)'], JSON_FLAG], cluster: true },
  stats: { synopsis: 'stats [--stale] [--json]', summary: 'job counts per queue and state', flags: [STALE_FLAG, JSON_FLAG], cluster: true },
  watch: {
    synopsis: 'watch [--queue Q]... [--group G]... [--job ID]... [--type T]... [--after INDEX:ORDINAL | --from-now] [--json]',
    summary: 'print job transitions as they happen, one line each, in log order, until Ctrl-C; follows the cluster through failovers without gaps or repeats',
    flags: [
      ['--queue Q', 'only jobs of this queue; repeat for more'],
      ['--group G', 'only jobs with this group key (flow control); repeat for more'],
      ['--job ID', 'only this job; repeat for more'],
      ['--type T', 'only this transition: submitted, replaced, leased, progress, completed, failed, throttled, dead, cancelled, retried, released, expired, abandoned or purged; repeat for more'],
      ['--after INDEX:ORDINAL', 'start after this position (the first column of a line, or what a stopped watch names); default: from now'],
      ['--from-now', 'start with the next transition (the default)'],
      ['--json', 'print one JSON object per line'],
    ],
    cluster: true,
  },
  work: {
    synopsis: 'work --queue Q[,Q] --handler echo|sleep|fail [--concurrency N] [--sleep-ms MS] [--lease-ttl MS] [--drain-ms MS] [--worker-id ID] [--verbose]',
    summary: 'run a demo worker until Ctrl-C',
    flags: [
      ['--queue Q[,Q]', 'queues to take jobs from (required)'],
      ['--handler NAME', 'echo returns the payload, sleep waits --sleep-ms then succeeds, fail throws (required)'],
      ['--concurrency N', 'jobs run at once (default 1)'],
      ['--sleep-ms MS', 'how long the sleep handler waits (default 1000)'],
      ['--lease-ttl MS', 'lease time the worker asks for'],
      ['--drain-ms MS', 'on Ctrl-C, how long running jobs may finish before they are handed back (default 1000; a second Ctrl-C hands them back at once)'],
      ['--worker-id ID', "the worker's id (default: generated)"],
      ['--verbose', 'log the worker’s info and debug lines to stderr'],
    ],
    cluster: true,
  },
  certs: {
    synopsis: 'certs init|issue --dir DIR [--node ID [--host H]... | --client NAME | --worker NAME] [--days N]',
    summary: 'TLS: create a cluster CA (init), or a node, client or worker certificate signed by it (issue)',
    flags: [
      ['--dir DIR', 'where ca.crt/ca.key live and certificates are written as <kind>-<name>.crt/.key (keys 0600)'],
      ['--node ID', 'issue: a node certificate naming raftjobs://node/ID (serves and dials)'],
      ['--host H', 'issue --node: a host name or IP the node is dialled at; repeat for more (default: localhost and 127.0.0.1)'],
      ['--client NAME', 'issue: a client certificate naming raftjobs://client/NAME'],
      ['--worker NAME', 'issue: a worker certificate naming raftjobs://worker/NAME'],
      ['--days N', 'validity in days (default: 3650 for the CA, 365 for the others)'],
    ],
    cluster: false,
  },
  schedule: {
    synopsis: 'schedule add|list|get|pause|resume|trigger|rm [ID] [flags]',
    summary: 'recurring schedules: add one, list them, show one (next five fire times, last slot and job, counts), pause, resume, trigger now, remove',
    flags: [
      ['--id ID', 'add: the schedule id, [A-Za-z0-9._:-] (required); the others take the id as their argument'],
      ['--cron EXPR', 'add: six fields with seconds ("*/2 * * * * *"), the standard five, or @daily and the like'],
      ['--every MS', 'add: fire every MS ms instead of --cron (at least 1000)'],
      ['--tz ZONE', 'add: IANA time zone of --cron (default UTC)'],
      ['--queue Q', 'add: queue of the jobs (required)'],
      ['--payload JSON', 'add: payload of each job, as JSON'],
      ['--payload-file FILE|-', 'add: payload of each job: the bytes of FILE, or of stdin with -'],
      ['--catch-up MODE', 'add: slots missed while the cluster was down: latest (default: the latest one fires), all, or skip'],
      ['--catch-up-window MS', 'add: missed slots older than this never fire (default 3600000, 1 h)'],
      ['--overlap POLICY', 'add: while the previous job runs: allow (default), skip, buffer-one or cancel-previous'],
      ['--start TIME', 'add: no slot before TIME (ms since the epoch or ISO 8601)'],
      ['--end TIME', 'add: no slot after TIME'],
      ['--max-attempts N', 'add: attempts before a job is dead (1 to 1000)'],
      ['--priority P', 'add: priority of the jobs (32-bit integer, default 0)'],
      ['--paused', 'add: create it paused'],
      STALE_FLAG,
      JSON_FLAG,
    ],
    cluster: true,
  },
  queues: {
    synopsis: 'queues [--stale] [--json]',
    summary: 'every queue with its flow control: paused, limits and rates, and what it uses of them now',
    flags: [STALE_FLAG, JSON_FLAG],
    cluster: true,
  },
  queue: {
    synopsis:
      'queue show|pause|resume|set Q [--concurrency N|none] [--group-concurrency N|none] [--group-limit KEY=N|none]... [--rate N/PERIOD|none [--burst N]] [--group-rate N/PERIOD|none [--group-burst N]] [--stale] [--json]',
    summary: 'one queue\'s flow control: show it (policy, leased against limits, busiest keys, tokens, throttles), pause or resume leasing, set limits and rates',
    flags: [
      ['show Q', 'the policy and usage of queue Q'],
      ['pause Q', 'no new leases from Q: leased jobs finish, submits are accepted'],
      ['resume Q', 'lease from Q again'],
      ['set Q', 'change what the flags below name; the rest stays'],
      ['--concurrency N|none', 'set: most leased jobs of the queue at once (none: no limit)'],
      ['--group-concurrency N|none', 'set: most leased jobs per group key at once'],
      ['--group-limit KEY=N|none', 'set: another limit for one key (none removes its override); repeat for more keys'],
      ['--rate N/PERIOD|none', 'set: the queue’s token bucket, N leases per PERIOD (100/1s, 5/m); none removes it'],
      ['--burst N', 'set: leases at once after a quiet spell, with --rate (default N)'],
      ['--group-rate N/PERIOD|none', 'set: every group key’s own bucket'],
      ['--group-burst N', 'set: the burst of --group-rate'],
      STALE_FLAG,
      JSON_FLAG,
    ],
    cluster: true,
  },
  bulk: {
    synopsis: 'bulk retry-dead|cancel|purge [--queue Q] [--state S]... [--group G] [--older-than D] [--dry-run] [--yes] [--reason TEXT] [--batch-size N] [--json]',
    summary: 'act on every matching job: retry dead ones, cancel, or purge (remove for good); --dry-run counts them; batch by batch on the leader (--timeout bounds the whole action; default 300000)',
    flags: [
      ['retry-dead', 'dead jobs become ready again, with their max attempts'],
      ['cancel', 'scheduled, ready and leased jobs are cancelled'],
      ['purge', 'finished, scheduled and ready jobs are removed for good (leased ones never)'],
      ['--queue Q', 'only this queue'],
      ['--state S', 'only jobs in this state; repeat for more (default: every state the action applies to)'],
      ['--group G', 'only jobs of this group key ("" for jobs without one)'],
      ['--older-than D', 'only jobs submitted at least D ago (30m, 1h, 7d)'],
      ['--dry-run', 'count the jobs it would act on; change nothing'],
      ['--yes', 'go ahead without asking (needed unless a terminal can confirm the dry run’s count)'],
      ['--reason TEXT', 'cancel: why, kept with each job'],
      ['--batch-size N', 'jobs per replicated command (1 to 10000, default 1000)'],
      JSON_FLAG,
    ],
    cluster: true,
  },
  members: {
    synopsis: 'members list | add ID HOST:PORT | promote ID | remove ID [--json]',
    summary: 'the cluster\'s members: list them (role, address, progress), add a learner, promote it to voter, remove a member',
    flags: [
      ['list', 'every member with its role and address; from the leader also how far each has caught up, and members refused for a lost disk'],
      ['add ID HOST:PORT', 'add a learner that the other nodes will dial at HOST:PORT; then start it with `raftjobs node --join`'],
      ['promote ID', 'make a learner a voter (the leader does it on its own once the learner caught up, unless membership.autoPromote is off)'],
      ['remove ID', 'remove a voter or learner; the leader, removed, hands over and steps down'],
      JSON_FLAG,
    ],
    cluster: true,
  },
  'transfer-leader': {
    synopsis: 'transfer-leader [--to ID] [--json]',
    summary: 'hand leadership to another voter (the most caught-up one without --to) and wait until it leads',
    flags: [['--to ID', 'the voter to lead next'], JSON_FLAG],
    cluster: true,
  },
  token: {
    synopsis: 'token create --name NAME --roles ROLE[,ROLE] [--json]',
    summary: 'make a bearer token: prints it once, and the config line (its hash) to add to auth.tokens or the tokens file',
    flags: [
      ['--name NAME', 'who will hold it: 1-64 letters, digits, ".", "_", "-" or "@"'],
      ['--roles ROLES', 'comma separated: submit, work, read, admin (admin may do everything)'],
      JSON_FLAG,
    ],
    cluster: false,
  },
} as const satisfies Record<string, CommandHelp>;

export type CommandName = keyof typeof COMMAND_HELP;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_HELP, name);
}

/** The one-line usage of a command, as printed under a usage error. */
export function synopsis(name: CommandName): string {
  const h: CommandHelp = COMMAND_HELP[name];
  return `raftjobs ${h.synopsis}${h.cluster ? ` ${CLUSTER_USAGE}` : ''}`;
}

/** `raftjobs <command> --help`: the usage line, what it does, and every flag. */
export function commandUsage(name: CommandName): string {
  const h: CommandHelp = COMMAND_HELP[name];
  const flags = [...h.flags, ...(h.cluster ? CLUSTER_FLAG_HELP : []), ['-h, --help', 'this help'] as const];
  const width = Math.max(...flags.map(([f]) => f.length));
  return [`usage: ${synopsis(name)}`, '', `${h.summary.charAt(0).toUpperCase()}${h.summary.slice(1)}.`, '', 'flags:', ...flags.map(([f, text]) => `  ${f.padEnd(width)}  ${text}`), ''].join('\n');
}

/** `raftjobs --help`: every command in one line each. */
export function usage(): string {
  const names = Object.keys(COMMAND_HELP) as CommandName[];
  const width = Math.max(...names.map((n) => n.length));
  return [
    'usage: raftjobs <command> [flags]',
    '       raftjobs <command> --help    every flag of one command (or: raftjobs help <command>)',
    '       raftjobs --version',
    '',
    'commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMAND_HELP[n].summary}`),
    '',
    `status and the job commands (submit ... schedule) find the cluster with ${CLUSTER_USAGE}`,
    '',
  ].join('\n');
}
