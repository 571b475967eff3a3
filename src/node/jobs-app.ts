import {
  applyBatch,
  createState,
  decodeBatch,
  encodeBatch,
  restoreState,
  snapshotState,
  stateDigest,
  type Command,
  type CommandResult,
  type JobsOptions,
  type JobsState,
} from '../jobs/index.js';
import type { Application } from './types.js';

/**
 * The job state machine as a replicated application: one log entry is one batch of job
 * commands stamped with the leader's time (J5).
 */
export class JobsApp implements Application<Command, CommandResult> {
  state: JobsState;

  constructor(private readonly options: Partial<JobsOptions> = {}) {
    this.state = createState(options);
  }

  encode(time: number, commands: readonly Command[]): Uint8Array {
    return encodeBatch({ time, commands });
  }

  apply(index: number, data: Uint8Array): CommandResult[] {
    const decoded = decodeBatch(data);
    // Every replica decodes the same bytes; an undecodable committed entry is a bug, not input.
    if (!decoded.ok) throw new Error(`entry ${index}: undecodable job batch: ${decoded.error}`);
    return applyBatch(this.state, decoded.value, index);
  }

  snapshot(): Uint8Array {
    return snapshotState(this.state);
  }

  restore(data: Uint8Array): void {
    const restored = restoreState(data, this.options);
    if (!restored.ok) throw new Error(`undecodable job snapshot: ${restored.error}`);
    this.state = restored.value;
  }

  digest(): string {
    return stateDigest(this.state);
  }
}
