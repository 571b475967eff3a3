/**
 * The job states are part of the wire contract (a string on the wire): the SDK's list, the state
 * machine's list and the .proto's comment on `Job.state` name the same states in the same order,
 * and agree on which are final.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_STATES as SDK_STATES, isTerminalState } from '../../src/client/index.js';
import { JOB_STATES, isTerminal } from '../../src/jobs/index.js';

describe('job states', () => {
  it('the SDK and the state machine list the same states, in order, with the same final ones', () => {
    expect([...SDK_STATES]).toEqual([...JOB_STATES]);
    for (const s of JOB_STATES) expect(isTerminalState(s), s).toBe(isTerminal(s));
  });

  it('the .proto comment on Job.state lists them all', () => {
    const proto = readFileSync(join(import.meta.dirname, '..', '..', 'proto', 'jobs.proto'), 'utf8');
    const job = proto.slice(proto.indexOf('message Job {'));
    const comment = /\/\/ ([a-z |]+) \(see "A job's life" above\)\.\n\s*string state = 3;/.exec(job);
    expect(comment?.[1]?.split(' | ')).toEqual([...JOB_STATES]);
  });
});
