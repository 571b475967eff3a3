/**
 * The jobs a chaos run submits, and what their payload asks of the handler. Shared by the
 * runner (which submits them and reads them back from the final state) and the worker process
 * (which acts on them). Pure: the mix is a function of the run's seed and each job's place in its
 * submitter's sequence, so a replay from the seed asks for the same poison and oversized jobs at
 * the same places whatever the timing.
 */
import { SeededRandom } from '../../src/sim/index.js';

/**
 * `normal`: sleeps a little and returns a small result; must end `succeeded`.
 * `poison`: kills its worker process (SIGKILL) inside the handler on every attempt; must end
 * `dead` after at most its `maxAttempts` runs.
 * `oversized`: returns a result larger than the cluster's `limits.maxResultBytes`; the cluster
 * refuses it, the SDK fails the attempt instead, and after its `maxAttempts` the job is `dead`.
 */
export type ChaosJobKind = 'normal' | 'poison' | 'oversized';
export const CHAOS_JOB_KINDS: readonly ChaosJobKind[] = ['normal', 'poison', 'oversized'];

/** The state each kind must end in. */
export const EXPECTED_END_STATE: Readonly<Record<ChaosJobKind, 'succeeded' | 'dead'>> = { normal: 'succeeded', poison: 'dead', oversized: 'dead' };

/** Share of submitted jobs that are poison (about 7 in a 60 s run at the README's rate). */
export const POISON_SHARE = 0.001;
/** Share of submitted jobs whose result is oversized. */
export const OVERSIZED_SHARE = 0.002;
/**
 * Places in submitter 0's sequence that are always oversized or poison, so a short run has both
 * early (the first a few seconds in) whatever the shares draw.
 */
export const OPENING_JOBS: ReadonlyMap<number, ChaosJobKind> = new Map([
  [150, 'oversized'],
  [300, 'poison'],
]);
/** `maxAttempts` of normal jobs: a run's faults may take many attempts from one job. */
export const NORMAL_MAX_ATTEMPTS = 50;

/** What a chaos job's payload carries (JSON). */
export interface ChaosPayload {
  readonly submitter: number;
  readonly seq: number;
  /** Absent for normal jobs. */
  readonly kind?: 'poison' | 'oversized';
  /** The attempt limit the job was submitted with (the cluster's view of it may change). */
  readonly maxAttempts: number;
  /** Oversized jobs: bytes of the result to return. */
  readonly resultBytes?: number;
}

export interface ChaosJobSpec {
  readonly kind: ChaosJobKind;
  readonly payload: ChaosPayload;
  readonly maxAttempts: number;
}

/** FNV-1a of the text, as a seed. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The `seq`th job of submitter `submitter` in a run seeded `seed`. Oversized jobs return
 * `maxResultBytes + 1` bytes (the smallest refused result); poison and oversized jobs get 2 or 3
 * attempts.
 */
export function chaosJob(seed: number, submitter: number, seq: number, maxResultBytes: number): ChaosJobSpec {
  const r = new SeededRandom(hash32(`${seed}/${submitter}/${seq}`));
  const draw = r.next();
  const kind = (submitter === 0 ? OPENING_JOBS.get(seq) : undefined) ?? (draw < POISON_SHARE ? 'poison' : draw < POISON_SHARE + OVERSIZED_SHARE ? 'oversized' : 'normal');
  if (kind === 'normal') return { kind, maxAttempts: NORMAL_MAX_ATTEMPTS, payload: { submitter, seq, maxAttempts: NORMAL_MAX_ATTEMPTS } };
  const maxAttempts = r.between(2, 3);
  const payload: ChaosPayload = kind === 'oversized' ? { submitter, seq, kind, maxAttempts, resultBytes: maxResultBytes + 1 } : { submitter, seq, kind, maxAttempts };
  return { kind, maxAttempts, payload };
}

/**
 * Reads a chaos job's payload back (from the final state, or in the handler). Anything that is
 * not a chaos payload reads as a normal job with no known attempt limit.
 */
export function readChaosPayload(bytes: Uint8Array): { kind: ChaosJobKind; maxAttempts: number | null; resultBytes: number } {
  let p: unknown;
  try {
    p = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return { kind: 'normal', maxAttempts: null, resultBytes: 0 };
  }
  if (typeof p !== 'object' || p === null) return { kind: 'normal', maxAttempts: null, resultBytes: 0 };
  const o = p as Record<string, unknown>;
  const kind: ChaosJobKind = o['kind'] === 'poison' || o['kind'] === 'oversized' ? o['kind'] : 'normal';
  const maxAttempts = typeof o['maxAttempts'] === 'number' ? o['maxAttempts'] : null;
  const resultBytes = typeof o['resultBytes'] === 'number' ? o['resultBytes'] : 0;
  return { kind, maxAttempts, resultBytes };
}
