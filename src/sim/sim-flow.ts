/**
 * Flow control in the driver simulation (with `schedules`, which runs the job state machine):
 * grouped jobs, queue policies, leases that expire and throttled failures, proposed through the
 * leaders while the faults run, so snapshots taken, sent and installed carry flow state; and the
 * check that replicas at the same applied index hold the same job state (`stateDigest`).
 */
import { stateDigest, type Command, type JobsState, type LeaseGrant } from '../jobs/index.js';
import type { SeededRandom } from './random.js';

/** The queue the simulated flow commands use (the schedules' jobs go there too, without a key). */
export const FLOW_QUEUE = 'sim';
const KEYS = ['g1', 'g2', 'g3', 'tenant:4'];

/**
 * One flow command: a policy change, a submit of jobs with keys (some without), a lease (short
 * TTL, so leases expire and keys' slots come free), or a throttled failure of a lease granted
 * earlier (from `granted`, which may be stale: the state machine refuses those).
 */
export function drawFlowCommand(r: SeededRandom, granted: readonly LeaseGrant[]): Command {
  const k = r.next();
  if (k < 0.1) {
    return {
      type: 'queueSet',
      queue: FLOW_QUEUE,
      concurrency: r.chance(0.3) ? null : r.between(2, 8),
      groupConcurrency: r.chance(0.2) ? null : r.between(1, 3),
      groupConcurrencyOverrides: { [r.pick(KEYS)]: r.chance(0.3) ? null : r.between(1, 4) },
      rate: r.chance(0.4) ? null : { limit: r.between(1, 20), periodMs: r.between(50, 500) },
      groupRate: r.chance(0.4) ? null : { limit: r.between(1, 5), periodMs: r.between(50, 500), burst: r.between(1, 3) },
    };
  }
  if (k < 0.45) {
    const n = r.between(1, 4);
    const jobs = Array.from({ length: n }, () => (r.chance(0.8) ? { queue: FLOW_QUEUE, payload: new Uint8Array([n]), group: r.pick(KEYS) } : { queue: FLOW_QUEUE, payload: new Uint8Array([n]) }));
    return { type: 'submit', jobs };
  }
  if (k < 0.85 || granted.length === 0) return { type: 'lease', workerId: 'sim-worker', queues: [FLOW_QUEUE], max: r.between(1, 3), ttlMs: r.between(100, 600) };
  const g = r.pick(granted);
  if (r.chance(0.5)) return { type: 'complete', jobId: g.jobId, token: g.token };
  return { type: 'fail', jobId: g.jobId, token: g.token, error: '429', throttle: { scope: r.chance(0.8) ? 'key' : 'queue', retryAfterMs: r.between(20, 300) } };
}

/**
 * Replicas that applied the same entries hold the same job state: among `replicas`, those at the
 * same applied index must have equal digests. A violation's description, or null.
 */
export function checkJobDigests(replicas: readonly { readonly id: string; readonly index: number; readonly jobs: JobsState }[]): string | null {
  const seen = new Map<number, { id: string; digest: string }>();
  for (const rep of replicas) {
    const digest = stateDigest(rep.jobs);
    const other = seen.get(rep.index);
    if (other === undefined) seen.set(rep.index, { id: rep.id, digest });
    else if (other.digest !== digest) return `job state: ${other.id} and ${rep.id} applied through ${rep.index} but their digests differ (${other.digest}, ${digest})`;
  }
  return null;
}
