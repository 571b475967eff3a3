/**
 * The wire side of flow control (src/server/flow-wire.ts): requests as a decoder hands them over
 * become the commands of src/jobs/flow-types.ts, and what only the wire can get wrong is named in
 * the .proto's spelling. Values out of range pass through for the state machine's validation.
 */
import { describe, expect, it } from 'vitest';
import { bulkCommandFromWire, jobSpecFlow, queueSetFromWire, throttleFromWire } from '../../src/server/flow-wire.js';
import type { wire } from '../../src/protocol/index.js';

const spec = (extra: Partial<wire.JobSpec__Output> = {}): wire.JobSpec__Output => ({
  queue: 'q',
  payload: Buffer.alloc(0),
  priority: 0,
  delayMs: 0,
  runAtMs: 0,
  maxAttempts: 0,
  backoff: null,
  leaseTtlMs: 0,
  idempotencyKey: '',
  group: '',
  unique: null,
  ...extra,
});

const fail = (extra: Partial<wire.FailRequest__Output> = {}): wire.FailRequest__Output => ({ jobId: 'j', token: 1, error: 'e', noRetry: false, handlerMs: 0, throttle: null, ...extra });

const setQueue = (extra: Partial<wire.SetQueueRequest__Output> = {}): wire.SetQueueRequest__Output => ({
  queue: 'q',
  groupConcurrencyOverrides: {},
  rate: null,
  groupRate: null,
  ...extra,
});

const bulk = (extra: Partial<wire.BulkRequest__Output> = {}): wire.BulkRequest__Output => ({ action: 'BULK_ACTION_RETRY_DEAD', filter: null, dryRun: false, batchSize: 0, reason: '', ...extra });

describe('JobSpec.group and unique', () => {
  it('an empty group and no unique add nothing', () => {
    expect(jobSpecFlow(spec(), 0)).toEqual({ ok: true, value: {} });
  });

  it('a group key passes as it is; the unique modes map to the state machine names', () => {
    expect(jobSpecFlow(spec({ group: 'cust-7', unique: { key: 'k', mode: 'UNIQUE_MODE_ACTIVE', windowMs: 0 } }), 0)).toEqual({
      ok: true,
      value: { group: 'cust-7', unique: { key: 'k', mode: 'active' } },
    });
    expect(jobSpecFlow(spec({ unique: { key: 'k', mode: 'UNIQUE_MODE_DEBOUNCE', windowMs: 5000 } }), 0)).toEqual({ ok: true, value: { unique: { key: 'k', mode: 'debounce', windowMs: 5000 } } });
    // 0: the submit's delay, decided by the state machine.
    expect(jobSpecFlow(spec({ unique: { key: 'k', mode: 'UNIQUE_MODE_DEBOUNCE', windowMs: 0 } }), 0)).toEqual({ ok: true, value: { unique: { key: 'k', mode: 'debounce' } } });
    // Out of range: left for the state machine's validation, which states the bounds.
    expect(jobSpecFlow(spec({ unique: { key: '', mode: 'UNIQUE_MODE_DEBOUNCE', windowMs: -1 } }), 0)).toEqual({ ok: true, value: { unique: { key: '', mode: 'debounce', windowMs: -1 } } });
  });

  it('a unique without a mode, or with a number that is no mode, is refused by its wire name', () => {
    expect(jobSpecFlow(spec({ unique: { key: 'k', mode: 'UNIQUE_MODE_UNSPECIFIED', windowMs: 0 } }), 2)).toEqual({
      ok: false,
      problems: ['jobs[2].unique.mode: must be UNIQUE_MODE_ACTIVE or UNIQUE_MODE_DEBOUNCE, got "UNIQUE_MODE_UNSPECIFIED"'],
    });
    expect(jobSpecFlow(spec({ unique: { key: 'k', mode: 7 as never, windowMs: 0 } }), 0)).toEqual({ ok: false, problems: ['jobs[0].unique.mode: must be UNIQUE_MODE_ACTIVE or UNIQUE_MODE_DEBOUNCE, got 7'] });
    // A window with mode active is the validation's to refuse (src/jobs/validate.ts).
    expect(jobSpecFlow(spec({ unique: { key: 'k', mode: 'UNIQUE_MODE_ACTIVE', windowMs: 10 } }), 1)).toEqual({ ok: true, value: { unique: { key: 'k', mode: 'active', windowMs: 10 } } });
  });
});

describe('FailRequest.throttle', () => {
  it('none is null; the scope defaults to key', () => {
    expect(throttleFromWire(fail())).toEqual({ ok: true, value: null });
    expect(throttleFromWire(fail({ throttle: { scope: 'THROTTLE_SCOPE_UNSPECIFIED', retryAfterMs: 100 } }))).toEqual({ ok: true, value: { scope: 'key', retryAfterMs: 100 } });
    expect(throttleFromWire(fail({ throttle: { scope: 'THROTTLE_SCOPE_KEY', retryAfterMs: 100 } }))).toEqual({ ok: true, value: { scope: 'key', retryAfterMs: 100 } });
    expect(throttleFromWire(fail({ throttle: { scope: 'THROTTLE_SCOPE_QUEUE', retryAfterMs: 0 } }))).toEqual({ ok: true, value: { scope: 'queue', retryAfterMs: 0 } });
  });

  it('an unknown scope, or a throttle with no_retry, is refused', () => {
    expect(throttleFromWire(fail({ throttle: { scope: 9 as never, retryAfterMs: 100 } }))).toEqual({
      ok: false,
      problems: ['throttle.scope: must be THROTTLE_SCOPE_KEY or THROTTLE_SCOPE_QUEUE, got 9'],
    });
    expect(throttleFromWire(fail({ noRetry: true, throttle: { scope: 'THROTTLE_SCOPE_KEY', retryAfterMs: 100 } }))).toEqual({
      ok: false,
      problems: ['throttle: cannot be combined with no_retry (a throttled attempt does not count; no_retry ends the job)'],
    });
  });
});

describe('SetQueueRequest', () => {
  it('absent fields change nothing', () => {
    expect(queueSetFromWire(setQueue())).toEqual({ ok: true, value: { type: 'queueSet', queue: 'q' } });
  });

  it('0 removes a limit, a bucket or an override; other values set them; burst 0 is the default', () => {
    const r = queueSetFromWire(
      setQueue({
        paused: false,
        concurrency: 0,
        groupConcurrency: 3,
        groupConcurrencyOverrides: { big: 10, small: 0 },
        rate: { limit: 0, periodMs: 0, burst: 0 },
        groupRate: { limit: 100, periodMs: 1000, burst: 0 },
      }),
    );
    expect(r).toEqual({
      ok: true,
      value: {
        type: 'queueSet',
        queue: 'q',
        paused: false,
        concurrency: null,
        groupConcurrency: 3,
        groupConcurrencyOverrides: { big: 10, small: null },
        rate: null,
        groupRate: { limit: 100, periodMs: 1000 },
      },
    });
    expect(queueSetFromWire(setQueue({ rate: { limit: 5, periodMs: 60_000, burst: 20 } }))).toMatchObject({ ok: true, value: { rate: { limit: 5, periodMs: 60_000, burst: 20 } } });
  });

  it('a bucket removed with limit 0 must not set its period or burst', () => {
    expect(queueSetFromWire(setQueue({ rate: { limit: 0, periodMs: 1000, burst: 0 }, groupRate: { limit: 0, periodMs: 0, burst: 2 } }))).toEqual({
      ok: false,
      problems: [
        'rate: limit 0 removes the bucket; leave period_ms and burst 0 with it, got period_ms 1000 and burst 0',
        'group_rate: limit 0 removes the bucket; leave period_ms and burst 0 with it, got period_ms 0 and burst 2',
      ],
    });
  });
});

describe('BulkRequest', () => {
  it('becomes the first batch: afterSeq 0, batch size 1000 by default, the filter as given', () => {
    expect(bulkCommandFromWire(bulk())).toEqual({ ok: true, value: { dryRun: false, command: { type: 'bulk', action: 'retryDead', filter: {}, afterSeq: 0, max: 1000 } } });
    expect(
      bulkCommandFromWire(
        bulk({
          action: 'BULK_ACTION_CANCEL',
          dryRun: true,
          batchSize: 250,
          reason: 'load shedding',
          filter: { queue: 'email', states: ['ready', 'scheduled'], group: '', olderThanMs: 3_600_000 },
        }),
      ),
    ).toEqual({
      ok: true,
      value: {
        dryRun: true,
        command: { type: 'bulk', action: 'cancel', filter: { queue: 'email', states: ['ready', 'scheduled'], group: '', olderThanMs: 3_600_000 }, afterSeq: 0, max: 250, reason: 'load shedding' },
      },
    });
    expect(bulkCommandFromWire(bulk({ action: 'BULK_ACTION_PURGE', filter: { queue: '', states: [], olderThanMs: 0 } }))).toMatchObject({ ok: true, value: { command: { action: 'purge', filter: {} } } });
  });

  it('an action that is none is refused; states and reasons are left to the validation', () => {
    expect(bulkCommandFromWire(bulk({ action: 'BULK_ACTION_UNSPECIFIED' }))).toEqual({
      ok: false,
      problems: ['action: must be BULK_ACTION_RETRY_DEAD, BULK_ACTION_CANCEL or BULK_ACTION_PURGE, got "BULK_ACTION_UNSPECIFIED"'],
    });
    expect(bulkCommandFromWire(bulk({ filter: { queue: '', states: ['dead', 'zombie'], olderThanMs: 0 }, reason: 'why' }))).toMatchObject({
      ok: true,
      value: { command: { filter: { states: ['dead', 'zombie'] }, reason: 'why' } },
    });
  });
});
