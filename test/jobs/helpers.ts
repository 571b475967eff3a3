/** Test helpers for the job state machine: a harness that numbers entries, a seeded RNG, a replica check. */
import { expect } from 'vitest';
import {
  applyBatch,
  createState,
  decodeBatch,
  encodeBatch,
  nextDueTime,
  restoreState,
  snapshotState,
  stateDigest,
  stats,
  type Command,
  type CommandResult,
  type JobsOptions,
  type JobsState,
  type LeaseGrant,
  type Rejection,
  type SubmitJob,
  type SubmittedJob,
} from '../../src/jobs/index.js';
import { GenContext, randomBatch } from './gen.js';
import { rng } from './rng.js';

export const enc = new TextEncoder();
export const bytes = (s: string): Uint8Array => enc.encode(s);

/** Applies entries to one state, numbering them 1, 2, 3, ... */
export class Harness {
  readonly state: JobsState;
  index = 0;

  constructor(options: Partial<JobsOptions> = {}) {
    this.state = createState(options);
  }

  apply(time: number, ...commands: Command[]): CommandResult[] {
    return applyBatch(this.state, { time, commands }, ++this.index);
  }

  one(time: number, command: Command): CommandResult {
    const [r] = this.apply(time, command);
    if (r === undefined) throw new Error('no result');
    return r;
  }

  /** Submits jobs and returns their ids (asserting success). */
  submit(time: number, ...jobs: SubmitJob[]): string[] {
    return this.submitted(time, ...jobs).map((j) => j.id);
  }

  submitted(time: number, ...jobs: SubmitJob[]): readonly SubmittedJob[] {
    const r = this.one(time, { type: 'submit', jobs });
    if (!r.ok || r.type !== 'submit') throw new Error(`submit failed: ${JSON.stringify(r)}`);
    return r.jobs;
  }

  lease(time: number, queues: string[], max = 1, workerId = 'w1', ttlMs?: number): LeaseGrant[] {
    const cmd: Command = ttlMs === undefined ? { type: 'lease', workerId, queues, max } : { type: 'lease', workerId, queues, max, ttlMs };
    const r = this.one(time, cmd);
    if (!r.ok || r.type !== 'lease') throw new Error(`lease failed: ${JSON.stringify(r)}`);
    return [...r.leases];
  }

  leaseOne(time: number, queue = 'q', workerId = 'w1', ttlMs?: number): LeaseGrant {
    const [g] = this.lease(time, [queue], 1, workerId, ttlMs);
    if (g === undefined) throw new Error('nothing leased');
    return g;
  }
}

/** Asserts `r` is a rejection with `code` and returns it. */
export function expectRejected(r: CommandResult | undefined, code: Rejection['code']): Rejection {
  expect(r).toMatchObject({ ok: false, code });
  return r as Rejection;
}

/** A job with sensible test defaults: queue `q`, 1 attempt unless given, fixed 1 s backoff. */
export function job(extra: Partial<SubmitJob> = {}): SubmitJob {
  return { queue: 'q', payload: bytes('p'), backoff: { type: 'fixed', delayMs: 1000 }, ...extra };
}

export { rng } from './rng.js';

/**
 * Applies `entries` seeded random batches to a leader and, encoded and decoded, to a follower that
 * restarts from its own snapshot every `restoreEvery` entries. Results must match at every entry;
 * digest, stats and next due time every `checkEvery`, and the digest at the end. Returns the
 * leader and how many jobs the ticks reported purged. `ctx` chooses what the generator makes.
 */
export function replicateRandom(
  options: Partial<JobsOptions>,
  seed: number,
  entries: number,
  checkEvery: number,
  restoreEvery: number,
  ctx: GenContext = new GenContext(),
): { leader: JobsState; purged: number } {
  const r = rng(seed);
  const leader = createState(options);
  let follower = createState(options);
  let purged = 0;
  for (let index = 1; index <= entries; index++) {
    const batch = randomBatch(r, ctx);
    const results = applyBatch(leader, batch, index);
    const decoded = decodeBatch(encodeBatch(batch));
    if (!decoded.ok) throw new Error(decoded.error);
    expect(applyBatch(follower, decoded.value, index), `seed ${seed} index ${index}`).toEqual(results);
    for (const res of results) if (res.ok && res.type === 'tick') purged += res.purged;
    ctx.observe(results);
    if (index % checkEvery === 0) {
      expect(stateDigest(follower), `seed ${seed} index ${index}`).toBe(stateDigest(leader));
      expect(stats(follower)).toEqual(stats(leader));
      expect(nextDueTime(follower)).toBe(nextDueTime(leader));
    }
    if (index % restoreEvery === 0) {
      const restored = restoreState(snapshotState(follower), options);
      if (!restored.ok) throw new Error(restored.error);
      follower = restored.value;
    }
  }
  expect(stateDigest(follower)).toBe(stateDigest(leader));
  return { leader, purged };
}
