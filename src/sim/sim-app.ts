import type { Application } from '../node/types.js';

/** One command of the simulated application: a unique id and a payload of `size` filler bytes. */
export interface SimCommand {
  readonly id: number;
  readonly size: number;
  /** A liveness probe (proposed after the faults heal). */
  readonly probe?: boolean;
}

/** What applying one command returns: where it landed. */
export interface SimResult {
  readonly id: number;
  readonly index: number;
}

/** Hash of the state before anything is applied. */
export const INITIAL_CHAIN = 0x811c9dc5;
/** What a non-normal entry (a leader's no-op) contributes to the chain. */
export const NOOP_HASH = 0x6e6f6f70;
const HEADER = 12;
const COMMAND_HEADER = 9;
const SNAPSHOT_HEADER = 16;

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
}

/**
 * The replicated application of the driver simulation: its state is a hash chain over every
 * applied entry (no-ops included), so two replicas agree on the chain at an index exactly when
 * they applied the same sequence up to it. Commands are ids with filler payloads, which lets the
 * simulation propose entries of any size up to the entry bound. Snapshots hold the index,
 * chain and time, padded to a size the simulation chooses (so snapshot transfers carry real bytes).
 */
export class SimApp implements Application<SimCommand, SimResult> {
  /** Last index applied (normal entries here, no-ops through `noteApplied`). */
  index = 0;
  chain = INITIAL_CHAIN;
  /** Latest entry time applied (J5's clock): in the snapshot, not in the chain. */
  now = 0;
  constructor(
    private readonly hooks: SimAppHooks,
    private readonly snapshotPadBytes = 0,
  ) {}

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
      out[at + 4] = c.probe === true ? 1 : 0;
      v.setUint32(at + 5, c.size);
      out.fill(c.id & 0xff, at + COMMAND_HEADER, at + COMMAND_HEADER + c.size);
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
    const results: SimResult[] = [];
    let probe = false;
    let at = HEADER;
    for (let i = 0; i < count; i++) {
      const id = v.getUint32(at);
      if (data[at + 4] === 1) probe = true;
      results.push({ id, index });
      at += COMMAND_HEADER + v.getUint32(at + 5);
    }
    if (at !== data.length) throw new Error(`entry ${index}: ${data.length} bytes, commands end at ${at}`);
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

  snapshot(): Uint8Array {
    const out = new Uint8Array(SNAPSHOT_HEADER + this.snapshotPadBytes);
    const v = new DataView(out.buffer);
    v.setUint32(0, this.index);
    v.setUint32(4, this.chain);
    v.setFloat64(8, this.now);
    out.fill(this.chain & 0xff, SNAPSHOT_HEADER);
    return out;
  }

  restore(data: Uint8Array): void {
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.index = v.getUint32(0);
    this.chain = v.getUint32(4);
    this.now = v.getFloat64(8);
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
