import {
  applyBatch,
  createState,
  decodeBatch,
  encodeBatch,
  restoreState,
  snapshotState,
  type Command,
  type CommandResult,
  type JobEvent,
  type JobsOptions,
  type JobsState,
} from '../jobs/index.js';
import type { Application } from '../node/types.js';

/**
 * One command of the simulated application: a unique id and a payload of `size` filler bytes, or
 * (with `job`) a job command whose encoding is the payload (see {@link jobCommand}).
 */
export interface SimCommand {
  readonly id: number;
  readonly size: number;
  /** A liveness probe (proposed after the faults heal). */
  readonly probe?: boolean;
  /** A job command for the embedded job state machine, and its encoding (`size` bytes). */
  readonly job?: { readonly command: Command; readonly bytes: Uint8Array };
}

/** What applying one command returns: where it landed, and a job command's result. */
export interface SimResult {
  readonly id: number;
  readonly index: number;
  readonly job?: CommandResult;
}

/** A `SimCommand` carrying job command `command` (encoded as a batch of one, time 0). */
export function jobCommand(id: number, command: Command): SimCommand {
  const bytes = encodeBatch({ time: 0, commands: [command] });
  return { id, size: bytes.length, job: { command, bytes } };
}

/** Hash of the state before anything is applied. */
export const INITIAL_CHAIN = 0x811c9dc5;
/** What a non-normal entry (a leader's no-op) contributes to the chain. */
export const NOOP_HASH = 0x6e6f6f70;
const HEADER = 12;
const COMMAND_HEADER = 9;
const SNAPSHOT_HEADER = 16;
/** Command flag byte: filler, a probe, a job command. */
const FLAG_PROBE = 1;
const FLAG_JOB = 2;

/** FNV-1a step over one 32-bit value. */
export function mix(h: number, v: number): number {
  let x = h;
  for (let s = 0; s < 32; s += 8) {
    x ^= (v >>> s) & 0xff;
    x = Math.imul(x, 0x01000193) >>> 0;
  }
  return x;
}

/**
 * A cheap identity of entry bytes: the length, the first and last 64 bytes and about 256 bytes
 * in between. Every command carries a unique id near the start of its entry, so two different
 * entries never look alike; hashing all of a large entry on every node would dominate a run.
 */
export function contentHash(data: Uint8Array): number {
  let h = mix(INITIAL_CHAIN, data.length);
  const n = data.length;
  const step = Math.max(1, Math.floor(n / 256));
  for (let i = 0; i < n; i += i < 64 || i >= n - 64 ? 1 : step) h = Math.imul(h ^ (data[i] as number), 0x01000193) >>> 0;
  return h;
}

/** Events a `SimApp` reports to the simulation's checks. */
export interface SimAppHooks {
  /** Entry `index`, whose content hashes to `hash` (`NOOP_HASH` for a no-op), was applied: `chain` is the state hash after it. */
  applied(index: number, hash: number, chain: number): void;
  /** A liveness probe was applied at `index`. */
  probeApplied(index: number): void;
  /** The state was replaced by a snapshot taken at `index` with state hash `chain`. */
  restored(index: number, chain: number): void;
  /**
   * Entry `index` carries a time below the state's (`now`): the leaders stamped the log out of
   * order, so the replicated clock would stand still (J5 says a stamp never goes below the last
   * replicated time).
   */
  timeWentBack(index: number, time: number, now: number): void;
  /** With a job state machine: the job transitions entry `index` made (every entry, once per replica). */
  jobEvents?(index: number, events: readonly JobEvent[]): void;
}

/**
 * The replicated application of the driver simulation: its state is a hash chain over every
 * applied entry (no-ops included), so two replicas agree on the chain at an index exactly when
 * they applied the same sequence up to it. Commands are ids with filler payloads, which lets the
 * simulation propose entries of any size up to the entry bound. Snapshots hold the index,
 * chain and time, padded to a size the simulation chooses (so snapshot transfers carry real bytes).
 *
 * With `jobs` options it also embeds the real job state machine (src/jobs): job commands ride in
 * entries beside the filler ones, every entry is applied to it as one batch at the entry's time
 * (as `JobsApp` applies a whole entry), and its snapshot travels inside the application's.
 */
export class SimApp implements Application<SimCommand, SimResult> {
  /** Last index applied (normal entries here, no-ops through `noteApplied`). */
  index = 0;
  chain = INITIAL_CHAIN;
  /** Latest entry time applied (J5's clock): in the snapshot, not in the chain. */
  now = 0;
  /** The embedded job state (null without `jobs` options). */
  jobs: JobsState | null;
  constructor(
    private readonly hooks: SimAppHooks,
    private readonly snapshotPadBytes = 0,
    private readonly jobsOptions: Partial<JobsOptions> | null = null,
  ) {
    this.jobs = jobsOptions === null ? null : createState(jobsOptions);
  }

  /** Bytes `encode` makes of `commands`: the bound the driver checks against `maxEntryBytes`. */
  static encodedSize(commands: readonly SimCommand[]): number {
    let n = HEADER;
    for (const c of commands) n += COMMAND_HEADER + c.size;
    return n;
  }

  encode(time: number, commands: readonly SimCommand[]): Uint8Array {
    const out = new Uint8Array(SimApp.encodedSize(commands));
    const v = new DataView(out.buffer);
    v.setUint32(0, commands.length);
    v.setFloat64(4, time);
    let at = HEADER;
    for (const c of commands) {
      v.setUint32(at, c.id);
      out[at + 4] = c.job !== undefined ? FLAG_JOB : c.probe === true ? FLAG_PROBE : 0;
      v.setUint32(at + 5, c.size);
      if (c.job !== undefined) out.set(c.job.bytes, at + COMMAND_HEADER);
      else out.fill(c.id & 0xff, at + COMMAND_HEADER, at + COMMAND_HEADER + c.size);
      at += COMMAND_HEADER + c.size;
    }
    return out;
  }

  entryTime(data: Uint8Array): number | null {
    if (data.length < HEADER) return null;
    return new DataView(data.buffer, data.byteOffset, data.byteLength).getFloat64(4);
  }

  time(): number {
    return this.now;
  }

  apply(index: number, data: Uint8Array): SimResult[] {
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const count = v.getUint32(0);
    const time = v.getFloat64(4);
    if (time < this.now) this.hooks.timeWentBack(index, time, this.now);
    else this.now = time;
    const ids: number[] = [];
    /** Positions in `ids` of the job commands, and the commands. */
    const jobAt: number[] = [];
    const jobCommands: Command[] = [];
    let probe = false;
    let at = HEADER;
    for (let i = 0; i < count; i++) {
      const id = v.getUint32(at);
      const size = v.getUint32(at + 5);
      if (data[at + 4] === FLAG_PROBE) probe = true;
      if (data[at + 4] === FLAG_JOB) {
        const decoded = decodeBatch(data.subarray(at + COMMAND_HEADER, at + COMMAND_HEADER + size));
        const command = decoded.ok ? decoded.value.commands[0] : undefined;
        if (command === undefined) throw new Error(`entry ${index}: command ${id} is not a job command`);
        jobAt.push(ids.length);
        jobCommands.push(command);
      }
      ids.push(id);
      at += COMMAND_HEADER + size;
    }
    if (at !== data.length) throw new Error(`entry ${index}: ${data.length} bytes, commands end at ${at}`);
    const results: SimResult[] = ids.map((id) => ({ id, index }));
    if (this.jobs !== null) {
      const events: JobEvent[] = [];
      const jobResults = applyBatch(this.jobs, { time, commands: jobCommands }, index, events);
      jobAt.forEach((pos, k) => {
        results[pos] = { id: ids[pos] as number, index, job: jobResults[k] as CommandResult };
      });
      this.hooks.jobEvents?.(index, events);
    }
    this.step(index, contentHash(data));
    if (probe) this.hooks.probeApplied(index);
    return results;
  }

  /**
   * The driver applied entry `index` (its `onApplied` event). A no-op never reaches `apply`: it
   * enters the chain here, so the chain covers every index.
   */
  noteApplied(index: number): void {
    if (this.index !== index) this.step(index, NOOP_HASH);
  }

  /** Header, then (with jobs) the job snapshot's length and bytes, then the padding. */
  snapshot(): Uint8Array {
    const jobs = this.jobs === null ? null : snapshotState(this.jobs);
    const padAt = SNAPSHOT_HEADER + (jobs === null ? 0 : 4 + jobs.length);
    const out = new Uint8Array(padAt + this.snapshotPadBytes);
    const v = new DataView(out.buffer);
    v.setUint32(0, this.index);
    v.setUint32(4, this.chain);
    v.setFloat64(8, this.now);
    if (jobs !== null) {
      v.setUint32(SNAPSHOT_HEADER, jobs.length);
      out.set(jobs, SNAPSHOT_HEADER + 4);
    }
    out.fill(this.chain & 0xff, padAt);
    return out;
  }

  restore(data: Uint8Array): void {
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.index = v.getUint32(0);
    this.chain = v.getUint32(4);
    this.now = v.getFloat64(8);
    if (this.jobsOptions !== null) {
      const n = v.getUint32(SNAPSHOT_HEADER);
      const restored = restoreState(data.subarray(SNAPSHOT_HEADER + 4, SNAPSHOT_HEADER + 4 + n), this.jobsOptions);
      if (!restored.ok) throw new Error(`undecodable job snapshot: ${restored.error}`);
      this.jobs = restored.value;
    }
    this.hooks.restored(this.index, this.chain);
  }

  digest(): string {
    return this.chain.toString(16).padStart(8, '0');
  }

  private step(index: number, hash: number): void {
    this.index = index;
    this.chain = mix(mix(this.chain, index), hash);
    this.hooks.applied(index, hash, this.chain);
  }
}
