import {
  applyBatch,
  batchTime,
  beginDigest,
  beginRestore,
  beginSnapshot,
  beginSnapshotPieces,
  createState,
  decodeBatch,
  encodeBatch,
  restoreState,
  snapshotState,
  stateDigest,
  type Command,
  type CommandResult,
  type JobsOptions,
  type JobEvent,
  type JobsState,
} from '../jobs/index.js';
import type { Application, RestoreStep, StepCursor } from './types.js';

/**
 * Receives the transitions of each applied entry (see `JobEvent`), in log order, with the state's
 * replicated time after it (the entry's stamp, kept monotonic: J5). Must not throw.
 */
export type AppliedEventsListener = (index: number, events: readonly JobEvent[], time: number) => void;

/** Told the index of the state a snapshot replaced the job state with (its events were never seen here). */
export type RestoredListener = (index: number) => void;

/**
 * The job state machine as a replicated application: one log entry is one batch of job
 * commands stamped with the leader's time (J5).
 */
export class JobsApp implements Application<Command, CommandResult> {
  state: JobsState;

  /**
   * @param onEvents receives the job transitions of every applied entry (metrics, worker sessions, the watch log).
   * @param onRestored is told when a snapshot replaces the state (at start, or one installed from the leader).
   */
  constructor(
    private readonly options: Partial<JobsOptions> = {},
    private readonly onEvents?: AppliedEventsListener,
    private readonly onRestored?: RestoredListener,
  ) {
    this.state = createState(options);
  }

  encode(time: number, commands: readonly Command[]): Uint8Array {
    return encodeBatch({ time, commands });
  }

  /** The jobs a command may touch: a submit's jobs, a lease's `max`; 1 for the others (a bulk action is bounded per command). */
  cost(command: Command): number {
    switch (command.type) {
      case 'submit':
        return Math.max(1, command.jobs.length);
      case 'lease':
        return Math.max(1, command.max);
      default:
        return 1;
    }
  }

  entryTime(data: Uint8Array): number | null {
    return batchTime(data);
  }

  time(): number {
    return this.state.now;
  }

  apply(index: number, data: Uint8Array): CommandResult[] {
    const decoded = decodeBatch(data);
    // Every replica decodes the same bytes; an undecodable committed entry is a bug, not input.
    if (!decoded.ok) throw new Error(`entry ${index}: undecodable job batch: ${decoded.error}`);
    if (this.onEvents === undefined) return applyBatch(this.state, decoded.value, index);
    const events: JobEvent[] = [];
    const results = applyBatch(this.state, decoded.value, index, events);
    this.onEvents(index, events, this.state.now);
    return results;
  }

  snapshot(): Uint8Array {
    return snapshotState(this.state);
  }

  restore(data: Uint8Array): void {
    const restored = restoreState(data, this.options);
    if (!restored.ok) throw new Error(`undecodable job snapshot: ${restored.error}`);
    this.state = restored.value;
    this.onRestored?.(this.state.lastApplied);
  }

  digest(): string {
    return stateDigest(this.state);
  }

  beginSnapshot(): StepCursor<Uint8Array> {
    return beginSnapshot(this.state);
  }

  beginSnapshotPieces(): StepCursor<readonly Uint8Array[]> {
    return beginSnapshotPieces(this.state);
  }

  beginDigest(): StepCursor<string> {
    return beginDigest(this.state);
  }

  beginRestore(data: Uint8Array): RestoreStep {
    const cursor = undecodable(() => beginRestore(data, this.options));
    return {
      time: cursor.time,
      step: (maxItems, maxBytes) => undecodable(() => cursor.step(maxItems, maxBytes)),
      finish: () => {
        this.state = undecodable(() => cursor.finish());
        this.onRestored?.(this.state.lastApplied);
      },
      cancel: () => cursor.cancel(),
    };
  }
}

/** Runs `read`, turning a decode error of the snapshot into the error `restore` throws. */
function undecodable<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof Error && err.name === 'DecodeError') throw new Error(`undecodable job snapshot: restoreState: ${err.message}`, { cause: err });
    throw err;
  }
}
