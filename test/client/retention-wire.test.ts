/**
 * A submit's `retentionMs` across the wire, SDK to state machine: the SDK's wire spec, encoded and
 * decoded with the service's own protobuf serializers, mapped by the server, applied. proto3 has
 * no "unset" for plain scalars, so an explicit 0 must survive as 0, not turn into "the default".
 */
import { describe, expect, it } from 'vitest';
import { toWireSpec } from '../../src/client/codec.js';
import type { JobInput } from '../../src/client/types.js';
import { getJob, type SubmitJob } from '../../src/jobs/index.js';
import { jobsServices } from '../../src/protocol/index.js';
import { specToSubmitJob } from '../../src/server/wire.js';
import { Harness } from '../jobs/helpers.js';

const T0 = 1_700_000_000_000;
const DAY = 86_400_000;

/** What the server's state machine receives for `input` submitted through the SDK. */
function throughWire(input: JobInput): SubmitJob {
  const submit = jobsServices().Jobs.service.Submit;
  const bytes = submit.requestSerialize({ jobs: [toWireSpec(input, 0)] });
  const decoded = submit.requestDeserialize(bytes);
  return specToSubmitJob(decoded.jobs[0]!);
}

describe('retentionMs on the wire', () => {
  it('0 stays 0: the job is purged by the entry after it finishes, not kept for the 24 h default', () => {
    const job = throughWire({ queue: 'q', payload: 'x', retentionMs: 0 });
    expect(job.retentionMs).toBe(0);
    const h = new Harness();
    const [id] = h.submit(T0, job);
    const g = h.leaseOne(T0);
    h.one(T0, { type: 'complete', jobId: id!, token: g.token });
    expect(getJob(h.state, id!)).toMatchObject({ state: 'succeeded', retentionMs: 0, purgeAt: T0 });
    h.apply(T0 + 1);
    expect(getJob(h.state, id!)).toBeNull();
  });

  it('absent stays absent (the queue or state default applies); other values pass through', () => {
    expect(throughWire({ queue: 'q', payload: 'x' })).not.toHaveProperty('retentionMs');
    expect(throughWire({ queue: 'q', payload: 'x', retentionMs: 5 * DAY }).retentionMs).toBe(5 * DAY);
  });
});
