/**
 * The SDK's side of flow control on the wire: a job's group and unique options, a queue's
 * settings (absent keeps, null removes, which the wire spells 0), a bulk action's options, and
 * the answers read back. Only what cannot be encoded is refused here; ranges are the server's.
 */
import { describe, expect, it } from 'vitest';
import { toWireSpec } from '../../src/client/codec.js';
import { bulkOutcomeFromWire, bulkToWire, queueFromWire, settingsToWire } from '../../src/client/queues.js';
import { isRaftJobsError } from '../../src/errors/index.js';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isRaftJobsError(err) && err.code === 'INVALID_ARGUMENT') return err.message;
    throw err;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('JobInput.group and unique', () => {
  it('go on the JobSpec, the mode as the wire enum; a window only with debounce', () => {
    expect(toWireSpec({ queue: 'q', group: 'cust-1', unique: { key: 'k', mode: 'active' } }, 0)).toMatchObject({ group: 'cust-1', unique: { key: 'k', mode: 'UNIQUE_MODE_ACTIVE' } });
    expect(toWireSpec({ queue: 'q', unique: { key: 'k', mode: 'debounce', windowMs: 5000 } }, 0).unique).toEqual({ key: 'k', mode: 'UNIQUE_MODE_DEBOUNCE', windowMs: 5000 });
    expect(toWireSpec({ queue: 'q', unique: { key: 'k', mode: 'debounce' } }, 0).unique).toEqual({ key: 'k', mode: 'UNIQUE_MODE_DEBOUNCE' });
    const plain = toWireSpec({ queue: 'q' }, 0);
    expect(plain.group).toBeUndefined();
    expect(plain.unique).toBeUndefined();
  });

  it('what cannot be encoded is refused, naming the job', () => {
    expect(refusal(() => toWireSpec({ queue: 'q', unique: { key: 'k', mode: 'once' as never } }, 3))).toBe('jobs[3].unique.mode: must be "active" or "debounce", got "once"');
    expect(refusal(() => toWireSpec({ queue: 'q', group: 7 as never }, 0))).toBe('jobs[0].group: must be a string, got number');
    expect(refusal(() => toWireSpec({ queue: 'q', unique: { key: 'k', mode: 'debounce', windowMs: Number.NaN } }, 0))).toBe('jobs[0].unique.windowMs: must be a finite number, got NaN');
  });
});

describe('QueueSettings', () => {
  it('absent fields stay absent, null becomes the wire’s 0, numbers pass', () => {
    expect(settingsToWire('q', {})).toEqual({ queue: 'q' });
    expect(
      settingsToWire('q', {
        paused: true,
        concurrency: null,
        groupConcurrency: 2,
        groupConcurrencyOverrides: { vip: 10, old: null },
        rate: { limit: 100, periodMs: 1000 },
        groupRate: null,
      }),
    ).toEqual({
      queue: 'q',
      paused: true,
      concurrency: 0,
      groupConcurrency: 2,
      groupConcurrencyOverrides: { vip: 10, old: 0 },
      rate: { limit: 100, periodMs: 1000, burst: 0 },
      groupRate: { limit: 0, periodMs: 0, burst: 0 },
    });
    // Out of range: the server says so, with the bounds.
    expect(settingsToWire('q', { concurrency: -3 })).toEqual({ queue: 'q', concurrency: -3 });
  });

  it('0 would mean "remove" on the wire, so it is refused (null removes); fractions cannot be sent', () => {
    expect(refusal(() => settingsToWire('q', { concurrency: 0 }))).toBe('concurrency: must be at least 1; null removes the limit');
    expect(refusal(() => settingsToWire('q', { groupConcurrencyOverrides: { vip: 0 } }))).toBe('groupConcurrencyOverrides["vip"]: must be at least 1; null removes the limit');
    expect(refusal(() => settingsToWire('q', { rate: { limit: 0, periodMs: 1000 } }))).toBe('rate.limit: must be at least 1; null removes the limit');
    expect(refusal(() => settingsToWire('q', { groupRate: { limit: 5, periodMs: 1.5 } }))).toBe('groupRate.periodMs: must be a whole number, got 1.5');
  });
});

describe('QueueFlow answers', () => {
  it('0 and unset read as no limit, -1 tokens as no bucket, burst 0 as the limit', () => {
    const info = queueFromWire({
      queue: 'q',
      policy: { paused: true, concurrency: 0, groupConcurrency: 2, groupConcurrencyOverrides: { vip: 5 }, rate: { limit: 10, periodMs: 1000, burst: 0 }, groupRate: null },
      usage: {
        leased: 3,
        ready: 40,
        tokens: 2.5,
        throttledUntilMs: 0,
        busiestGroups: [{ group: 'vip', leased: 3, ready: 1, limit: 5, tokens: -1, throttledUntilMs: 1_700_000_000_000 }],
        groups: 7,
      },
      serverTimeMs: 1_699_999_999_000,
    });
    expect(info).toEqual({
      queue: 'q',
      policy: { paused: true, concurrency: null, groupConcurrency: 2, groupConcurrencyOverrides: { vip: 5 }, rate: { limit: 10, periodMs: 1000, burst: 10 }, groupRate: null },
      usage: { leased: 3, ready: 40, tokens: 2.5, throttledUntil: null, busiestGroups: [{ group: 'vip', leased: 3, ready: 1, limit: 5, tokens: null, throttledUntil: 1_700_000_000_000 }], groups: 7 },
      time: 1_699_999_999_000,
    });
  });
});

describe('bulk', () => {
  it('options become a BulkRequest; the answer reads back', () => {
    expect(bulkToWire({ action: 'cancel', filter: { queue: 'q', states: ['ready'], group: '', olderThanMs: 60_000 }, dryRun: true, batchSize: 500, reason: 'shed' })).toEqual({
      action: 'BULK_ACTION_CANCEL',
      filter: { queue: 'q', states: ['ready'], group: '', olderThanMs: 60_000 },
      dryRun: true,
      batchSize: 500,
      reason: 'shed',
    });
    expect(bulkToWire({ action: 'retryDead' })).toEqual({ action: 'BULK_ACTION_RETRY_DEAD', filter: {}, dryRun: false, batchSize: 0, reason: '' });
    expect(bulkOutcomeFromWire('purge', { matched: 0, affected: 12, batches: 2, dryRun: false })).toEqual({ action: 'purge', dryRun: false, matched: 0, affected: 12, batches: 2 });
  });

  it('an unknown action or a batch size of 0 is refused', () => {
    expect(refusal(() => bulkToWire({ action: 'delete' as never }))).toBe('action: must be one of retryDead, cancel, purge, got "delete"');
    expect(refusal(() => bulkToWire({ action: 'purge', batchSize: 0 }))).toBe('batchSize: must be at least 1 (leave it out for the default)');
  });
});
