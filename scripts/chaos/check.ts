/**
 * The chaos checker: judges a run's recorded history against the cluster's final state.
 * Pure: everything it needs is passed in, so it is unit-tested on hand-made histories.
 */
import { EXPECTED_END_STATE, type ChaosJobKind } from './jobs.js';

/** A submit the cluster acknowledged (committed on a majority). */
export interface AckedSubmit {
  readonly jobId: string;
  /** When the acknowledgement arrived, ms since the epoch. */
  readonly at: number;
}

/** One run of a handler on a worker, as the worker recorded it. */
export interface Execution {
  readonly jobId: string;
  readonly attempt: number;
  readonly token: number;
  readonly workerId: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  /** How the cluster answered the worker's completion: accepted, rejected, or never known (worker killed, stream lost). */
  readonly completion: 'accepted' | 'rejected' | 'unknown';
  /** The worker process was killed while this ran. */
  readonly killed: boolean;
}

/** One attempt by the cluster's account (the job's history in the final state). */
export interface ClusterAttempt {
  readonly attempt: number;
  readonly token: number;
  readonly workerId: string;
  readonly startedAt: number;
  /** 0 or null while running. */
  readonly endedAt: number | null;
  readonly outcome: string;
  /** The error recorded with the attempt (null or absent when none). */
  readonly error?: string | null;
}

export interface FinalJob {
  readonly id: string;
  readonly state: string;
  /** Oldest first; the cluster keeps the most recent `historyLimit` (20) attempts. */
  readonly history: readonly ClusterAttempt[];
  /** What the job asked of its handler (read from its payload). Default `normal`. */
  readonly kind?: ChaosJobKind;
  /**
   * The attempt limit the job was submitted with (from its payload: the cluster's own figure is
   * not trusted, since a release may raise it). Absent: the job is not checked against a limit.
   */
  readonly maxAttempts?: number;
}

/** Acknowledged jobs of one kind and how they ended. */
export interface KindTally {
  /** Acknowledged submits of this kind. */
  submitted: number;
  dead: number;
  /** Anything else: still scheduled, ready or leased, succeeded, cancelled, or missing. */
  other: number;
}

/** The error text of an attempt given back by today's release (outcome `expired`). */
export const LEGACY_RELEASE_ERROR_PREFIX = 'released:';

/**
 * Whether an attempt of a job's history ran, by the cluster's account: every ended or running
 * attempt counts against `maxAttempts` (`succeeded`, `failed`, `expired`, `abandoned`,
 * `cancelled`, `running`, and any outcome not known here) except one given back because its
 * worker never received or never started it: outcome `released`, or (before that outcome existed)
 * `expired` with an error starting `released:`.
 */
export function attemptCountsByCluster(a: ClusterAttempt): boolean {
  if (a.outcome === 'released') return false;
  if (a.outcome === 'expired' && (a.error ?? '').startsWith(LEGACY_RELEASE_ERROR_PREFIX)) return false;
  return true;
}

export interface NodeDigest {
  readonly id: string;
  readonly appliedIndex: number;
  readonly stateDigest: string;
}

/** A node becoming leader, from its log: `run` tells the runs (process starts) of one node apart. */
export interface Leadership {
  readonly node: string;
  readonly run: number;
  readonly term: number;
}

export interface CheckReport {
  acked: number;
  /** Acknowledged submits missing from the final state. Must be 0. */
  lost: number;
  /** Acknowledged jobs not terminal after the drain. Must be 0. */
  unfinished: number;
  /** Completions accepted with a token other than the job's final succeeded attempt's. Must be 0. */
  staleCompletionsAccepted: number;
  /** Pairs of attempts of one job whose leases overlapped by the cluster's account. Must be 0. */
  concurrentLeases: number;
  /** Handler runs beyond the first, per job (reported, not an error). */
  duplicateExecutions: number;
  /** Of those, how many an expired lease, a killed worker or a rejected completion explains. */
  duplicatesExplained: number;
  /** Every node reports the same digest at the same applied index. Must be true. */
  replicasAgree: boolean;
  /** Terms in which the nodes' logs show leadership. */
  leaderTerms: number;
  /**
   * Terms in which two leaders were elected: two nodes, or one node in two runs (a node that forgot
   * its term or vote and won the same term again). Breaks Election Safety (Raft 5.2). Must be 0.
   */
  termsWithTwoLeaders: number;
  /**
   * Jobs that ran more attempts than they were submitted with (`FinalJob.maxAttempts`). An attempt
   * ran when it counts by the cluster's account (`attemptCountsByCluster`) or a worker recorded
   * starting its handler with the attempt's token (whatever the cluster calls it: a worker that
   * crashed inside the handler received the lease). Must be 0.
   */
  attemptsOverLimit: number;
  /** Attempts the cluster recorded as released (never received) although a worker had started the handler. */
  releasedButRan: number;
  /** Finished jobs that ended in another state than their kind's (normal: succeeded; poison and oversized: dead). Must be 0. */
  wrongEndState: number;
  /** Acknowledged poison jobs (kill their worker inside the handler) and how they ended. */
  poisonJobs: KindTally;
  /** Acknowledged jobs returning a result over `limits.maxResultBytes` and how they ended. */
  oversizedResults: KindTally;
  /** Examples of each violation (a few of each kind), for the report. */
  examples: string[];
}

const TERMINAL = new Set(['succeeded', 'dead', 'cancelled']);
/** Attempt outcomes after which the job runs again by design. */
const RERUN_OUTCOMES = new Set(['expired', 'failed', 'abandoned', 'released']);

export function checkHistory(input: {
  readonly acked: readonly AckedSubmit[];
  readonly executions: readonly Execution[];
  readonly finalJobs: ReadonlyMap<string, FinalJob>;
  readonly digests: readonly NodeDigest[];
  /** Every "became leader" of every node's log; none means the check had nothing to look at. */
  readonly leaderships?: readonly Leadership[];
}): CheckReport {
  const examples: string[] = [];
  // A few examples of each kind of violation, so many of one kind do not hide another.
  const noted = new Map<string, number>();
  const note = (s: string): void => {
    const kind = /^[a-z ]+/.exec(s)?.[0] ?? '';
    const n = noted.get(kind) ?? 0;
    noted.set(kind, n + 1);
    if (n < 5 && examples.length < 40) examples.push(s);
  };
  const ackedIds = new Set(input.acked.map((a) => a.jobId));
  let lost = 0;
  const unfinishedJobs: FinalJob[] = [];
  for (const id of ackedIds) {
    const job = input.finalJobs.get(id);
    if (!job) {
      lost++;
      note(`lost: acknowledged job ${id} is missing`);
    } else if (!TERMINAL.has(job.state)) {
      unfinishedJobs.push(job);
    }
  }
  const unfinished = unfinishedJobs.length;
  if (unfinished > 0) {
    // How many of each kind in each state, then examples of the unusual kinds first.
    const counts = new Map<string, number>();
    for (const job of unfinishedJobs) {
      const key = `${job.kind ?? 'normal'} ${job.state}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    note(`unfinished by kind and state: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    const rank = (j: FinalJob): number => ((j.kind ?? 'normal') === 'normal' ? 1 : 0);
    for (const job of [...unfinishedJobs].sort((a, b) => rank(a) - rank(b))) {
      const last = job.history.at(-1);
      note(`unfinished: job ${job.id}${rank(job) === 0 ? ` (${job.kind})` : ''} is ${job.state}${last ? ` after ${job.history.length} recorded attempt${job.history.length === 1 ? '' : 's'}, the last ${last.outcome}${last.error ? ` (${last.error.slice(0, 80)})` : ''}` : ''}`);
    }
  }

  let stale = 0;
  const byJob = new Map<string, Execution[]>();
  for (const e of input.executions) {
    const list = byJob.get(e.jobId) ?? [];
    list.push(e);
    byJob.set(e.jobId, list);
  }
  for (const [id, runs] of byJob) {
    const job = input.finalJobs.get(id);
    const succeeded = job?.history.filter((a) => a.outcome === 'succeeded') ?? [];
    if (succeeded.length > 1) {
      stale += succeeded.length - 1;
      note(`job ${id} has ${succeeded.length} succeeded attempts`);
    }
    const winner = succeeded[0]?.token;
    for (const r of runs) {
      if (r.completion === 'accepted' && winner !== undefined && r.token !== winner) {
        stale++;
        note(`stale completion accepted: job ${id} token ${r.token}, succeeded attempt has token ${winner}`);
      }
    }
  }

  let concurrent = 0;
  for (const job of input.finalJobs.values()) {
    const attempts = [...job.history].sort((a, b) => a.token - b.token);
    for (let i = 1; i < attempts.length; i++) {
      const prev = attempts[i - 1] as ClusterAttempt;
      const cur = attempts[i] as ClusterAttempt;
      const prevEnd = prev.endedAt === null || prev.endedAt === 0 ? Infinity : prev.endedAt;
      if (cur.startedAt < prevEnd) {
        concurrent++;
        note(`concurrent leases: job ${job.id} token ${cur.token} started at ${cur.startedAt} before token ${prev.token} ended at ${prevEnd}`);
      }
    }
  }

  let duplicates = 0;
  let explained = 0;
  for (const [id, runs] of byJob) {
    if (runs.length <= 1) continue;
    const sorted = [...runs].sort((a, b) => a.token - b.token || a.startedAt - b.startedAt);
    const history = input.finalJobs.get(id)?.history ?? [];
    for (let i = 0; i < sorted.length - 1; i++) {
      duplicates++;
      const r = sorted[i] as Execution;
      const attempt = history.find((a) => a.token === r.token);
      const why = r.killed || r.completion === 'rejected' || attempt === undefined || RERUN_OUTCOMES.has(attempt.outcome);
      if (why) explained++;
      else note(`unexplained duplicate: job ${id} ran again after token ${r.token} (${attempt.outcome})`);
    }
  }

  let overLimit = 0;
  let releasedButRan = 0;
  for (const job of input.finalJobs.values()) {
    const started = new Set((byJob.get(job.id) ?? []).map((r) => r.token));
    const ran = new Set<number>();
    /** How many ran attempts of each kind, for the example: "failed 2, expired (released ...) 4". */
    const shown = new Map<string, number>();
    const show = (label: string): void => void shown.set(label, (shown.get(label) ?? 0) + 1);
    for (const a of job.history) {
      const byCluster = attemptCountsByCluster(a);
      if (!byCluster && started.has(a.token)) releasedButRan++;
      if (byCluster || started.has(a.token)) {
        ran.add(a.token);
        show(`${a.outcome}${byCluster ? '' : ' (released though a worker started it)'}`);
      }
    }
    for (const token of started) {
      if (ran.has(token)) continue;
      ran.add(token); // started by a worker, no longer (or never) in the cluster's history
      show('started by a worker, not in the history');
    }
    if (job.maxAttempts !== undefined && ran.size > job.maxAttempts) {
      overLimit++;
      note(`attempts over limit: job ${job.id} (${job.kind ?? 'normal'}, submitted with maxAttempts ${job.maxAttempts}, now ${job.state}) ran ${ran.size} attempts: ${[...shown].map(([label, n]) => `${label} ${n}`).join(', ')}`);
    }
  }

  const tally = (kind: ChaosJobKind): KindTally => {
    const t: KindTally = { submitted: 0, dead: 0, other: 0 };
    for (const id of ackedIds) {
      const job = input.finalJobs.get(id);
      if ((job?.kind ?? 'normal') !== kind) continue;
      t.submitted++;
      if (job?.state === 'dead') t.dead++;
      else t.other++;
    }
    return t;
  };
  let wrongEnd = 0;
  for (const job of input.finalJobs.values()) {
    const expected = EXPECTED_END_STATE[job.kind ?? 'normal'];
    if (!TERMINAL.has(job.state) || job.state === expected) continue;
    wrongEnd++;
    const last = job.history.at(-1);
    note(`wrong end state: job ${job.id} (${job.kind ?? 'normal'}) ended ${job.state}, expected ${expected}${last?.error ? `; last error: ${last.error.slice(0, 200)}` : ''}`);
  }

  const first = input.digests[0];
  const replicasAgree =
    first !== undefined && input.digests.every((d) => d.appliedIndex === first.appliedIndex && d.stateDigest === first.stateDigest);
  if (!replicasAgree) note(`replicas disagree: ${input.digests.map((d) => `${d.id}@${d.appliedIndex}=${d.stateDigest}`).join(' ')}`);

  const leadersByTerm = new Map<number, Set<string>>();
  for (const l of input.leaderships ?? []) {
    const set = leadersByTerm.get(l.term) ?? new Set<string>();
    set.add(`${l.node} run ${l.run}`);
    leadersByTerm.set(l.term, set);
  }
  let twoLeaders = 0;
  for (const [term, leaders] of leadersByTerm) {
    if (leaders.size < 2) continue;
    twoLeaders++;
    note(`two leaders in term ${term}: ${[...leaders].join(', ')}`);
  }

  return {
    acked: ackedIds.size,
    lost,
    unfinished,
    staleCompletionsAccepted: stale,
    concurrentLeases: concurrent,
    duplicateExecutions: duplicates,
    duplicatesExplained: explained,
    replicasAgree,
    leaderTerms: leadersByTerm.size,
    termsWithTwoLeaders: twoLeaders,
    attemptsOverLimit: overLimit,
    releasedButRan,
    wrongEndState: wrongEnd,
    poisonJobs: tally('poison'),
    oversizedResults: tally('oversized'),
    examples,
  };
}

/** True when every must-hold of the report holds. */
export function reportPasses(r: CheckReport): boolean {
  return (
    r.lost === 0 &&
    r.unfinished === 0 &&
    r.staleCompletionsAccepted === 0 &&
    r.concurrentLeases === 0 &&
    r.replicasAgree &&
    r.termsWithTwoLeaders === 0 &&
    r.attemptsOverLimit === 0 &&
    r.wrongEndState === 0
  );
}

/** Faults that damage a stopped node's data directory. */
export type DiskFaultKind = 'wipe' | 'truncate-log' | 'corrupt-table';
export const DISK_FAULT_KINDS: readonly DiskFaultKind[] = ['wipe', 'truncate-log', 'corrupt-table'];

/** One disk fault as the run applied it. */
export interface DiskFaultEvent {
  readonly kind: DiskFaultKind;
  readonly node: string;
  /** False when there was nothing to damage (no log data, no table file): the node was only restarted. */
  applied: boolean;
  /** What was done, e.g. "000012.log cut at byte 5021 of 80211". */
  detail: string;
  /** The node's next start refused the damaged directory (and the run rebuilt it). */
  refused: boolean;
  /** From the node's restart after the fault (a refusal and rebuild included) to it holding everything the leader held then; null if never seen. */
  rejoinMs: number | null;
  /** Another disk fault hit the node before it caught up (so this one has no catch-up of its own). */
  damagedAgain: boolean;
}

/** A start a node refused because of damaged storage, and what the run did about it. */
export interface StartRefusal {
  readonly node: string;
  /** The fault whose restart this was ("heal" for the restarts before the final drain). */
  readonly after: string;
  readonly message: string;
  /** The directory was wiped and the node started again. */
  readonly rebuilt: boolean;
}

/** The disk faults of a run, as reported in the summary and in `--json`. */
export interface DiskFaultSummary {
  /** Disk faults applied, by kind. */
  readonly wipe: number;
  readonly 'truncate-log': number;
  readonly 'corrupt-table': number;
  /** Starts refused for damaged storage, and by the fault before each (any fault, not only disk ones). */
  readonly refused: number;
  readonly refusedAfter: Readonly<Record<string, number>>;
  /** Refused nodes whose directory was wiped and which started again. */
  readonly rebuilt: number;
  /** Truncated or corrupted nodes that started without refusing (on what LevelDB could recover). */
  readonly startedDamaged: number;
  /** Disk-faulted nodes seen holding everything the leader held when they started, and the slowest. */
  readonly rejoined: number;
  /** Never seen caught up (not counting faults followed by another before the node caught up). */
  readonly notRejoined: number;
  /** Faults on a node still catching up from an earlier one: the earlier one has no catch-up of its own. */
  readonly damagedAgain: number;
  readonly maxRejoinMs: number | null;
}

export function summarizeDiskFaults(events: readonly DiskFaultEvent[], refusals: readonly StartRefusal[]): DiskFaultSummary {
  const applied = events.filter((e) => e.applied);
  const count = (kind: DiskFaultKind): number => applied.filter((e) => e.kind === kind).length;
  const refusedAfter: Record<string, number> = {};
  for (const r of refusals) refusedAfter[r.after] = (refusedAfter[r.after] ?? 0) + 1;
  const rejoinTimes = applied.map((e) => e.rejoinMs).filter((ms): ms is number => ms !== null);
  return {
    wipe: count('wipe'),
    'truncate-log': count('truncate-log'),
    'corrupt-table': count('corrupt-table'),
    refused: refusals.length,
    refusedAfter,
    rebuilt: refusals.filter((r) => r.rebuilt).length,
    startedDamaged: applied.filter((e) => e.kind !== 'wipe' && !e.refused).length,
    rejoined: rejoinTimes.length,
    notRejoined: applied.filter((e) => e.rejoinMs === null && !e.damagedAgain).length,
    damagedAgain: applied.filter((e) => e.damagedAgain).length,
    maxRejoinMs: rejoinTimes.length > 0 ? Math.max(...rejoinTimes) : null,
  };
}
