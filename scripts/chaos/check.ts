/**
 * The chaos checker: judges a run's recorded history against the cluster's final state.
 * Pure: everything it needs is passed in, so it is unit-tested on hand-made histories.
 */

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
}

export interface FinalJob {
  readonly id: string;
  readonly state: string;
  readonly history: readonly ClusterAttempt[];
}

export interface NodeDigest {
  readonly id: string;
  readonly appliedIndex: number;
  readonly stateDigest: string;
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
  /** Examples of each violation, for the report. */
  examples: string[];
}

const TERMINAL = new Set(['succeeded', 'dead', 'cancelled']);

export function checkHistory(input: {
  readonly acked: readonly AckedSubmit[];
  readonly executions: readonly Execution[];
  readonly finalJobs: ReadonlyMap<string, FinalJob>;
  readonly digests: readonly NodeDigest[];
}): CheckReport {
  const examples: string[] = [];
  const note = (s: string): void => {
    if (examples.length < 20) examples.push(s);
  };
  const ackedIds = new Set(input.acked.map((a) => a.jobId));
  let lost = 0;
  let unfinished = 0;
  for (const id of ackedIds) {
    const job = input.finalJobs.get(id);
    if (!job) {
      lost++;
      note(`lost: acknowledged job ${id} is missing`);
    } else if (!TERMINAL.has(job.state)) {
      unfinished++;
      note(`unfinished: job ${id} is ${job.state}`);
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
      const why = r.killed || r.completion === 'rejected' || attempt?.outcome === 'expired' || attempt?.outcome === 'failed' || attempt === undefined;
      if (why) explained++;
      else note(`unexplained duplicate: job ${id} ran again after token ${r.token} (${attempt.outcome})`);
    }
  }

  const first = input.digests[0];
  const replicasAgree =
    first !== undefined && input.digests.every((d) => d.appliedIndex === first.appliedIndex && d.stateDigest === first.stateDigest);
  if (!replicasAgree) note(`replicas disagree: ${input.digests.map((d) => `${d.id}@${d.appliedIndex}=${d.stateDigest}`).join(' ')}`);

  return {
    acked: ackedIds.size,
    lost,
    unfinished,
    staleCompletionsAccepted: stale,
    concurrentLeases: concurrent,
    duplicateExecutions: duplicates,
    duplicatesExplained: explained,
    replicasAgree,
    examples,
  };
}

/** True when every must-hold of the report holds. */
export function reportPasses(r: CheckReport): boolean {
  return r.lost === 0 && r.unfinished === 0 && r.staleCompletionsAccepted === 0 && r.concurrentLeases === 0 && r.replicasAgree;
}
