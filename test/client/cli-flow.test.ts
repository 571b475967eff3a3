/**
 * The flow-control commands' flag parsing and output, without a cluster: `queue set` turns its
 * flags into exactly the change they name, `bulk` refuses to change jobs without --yes (or a
 * terminal to confirm on) before any call, `submit --unique-key` builds the unique option, and
 * `queue show` / `queues` print what the cluster answered.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import { bulkCommand, bulkFilter, formatBulk } from '../../src/cli/bulk-command.js';
import { durationFlag, groupLimitFlags, limitFlag, rateFlag } from '../../src/cli/flow-flags.js';
import { uniqueFlags } from '../../src/cli/jobs-commands.js';
import { formatQueue, formatQueueList, queueSettings } from '../../src/cli/queue-command.js';
import type { QueueInfo } from '../../src/client/index.js';
import { runMain } from './in-process-cli.js';

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error('expected a usage error');
}

describe('flag values', () => {
  it('durations: plain ms, or a number with a unit; a unit alone is one of it', () => {
    expect(durationFlag('d', '250')).toBe(250);
    expect(durationFlag('d', '500ms')).toBe(500);
    expect(durationFlag('d', '1.5s')).toBe(1500);
    expect(durationFlag('d', '2m')).toBe(120_000);
    expect(durationFlag('d', '1h')).toBe(3_600_000);
    expect(durationFlag('d', '7d')).toBe(604_800_000);
    expect(durationFlag('d', 's')).toBe(1000);
    expect(usage(() => durationFlag('older-than', '1 hour'))).toBe(
      '--older-than must be a duration of at least 0 ms: a number of ms or one with a unit (500ms, 5s, 2m, 1h, 1d), got "1 hour"',
    );
    expect(usage(() => durationFlag('d', '0.5ms'))).toMatch(/^--d must be a duration/);
    expect(usage(() => durationFlag('d', '0', 1))).toMatch(/^--d must be a duration of at least 1 ms/);
  });

  it('limits: 1..1,000,000 or none', () => {
    expect(limitFlag('concurrency', '5')).toBe(5);
    expect(limitFlag('concurrency', 'none')).toBeNull();
    expect(usage(() => limitFlag('concurrency', '0'))).toBe('--concurrency must be a whole number from 1 to 1000000, or none to remove the limit, got "0"');
    expect(usage(() => limitFlag('concurrency', '-1'))).toMatch(/^--concurrency must be a whole number/);
    expect(usage(() => limitFlag('concurrency', '1000001'))).toMatch(/^--concurrency must be a whole number/);
  });

  it('rates: N/PERIOD with an optional burst, or none', () => {
    expect(rateFlag('rate', '100/1s', undefined)).toEqual({ limit: 100, periodMs: 1000 });
    expect(rateFlag('rate', '5/m', 20)).toEqual({ limit: 5, periodMs: 60_000, burst: 20 });
    expect(rateFlag('rate', 'none', undefined)).toBeNull();
    expect(usage(() => rateFlag('rate', '100', undefined))).toBe('--rate must be N/PERIOD (100/1s: 100 leases per second, 5/m) or none, got "100"');
    expect(usage(() => rateFlag('rate', '100/0s', undefined))).toMatch(/^--rate must be a duration of at least 1 ms/);
    expect(usage(() => rateFlag('rate', 'none', 3))).toBe('--rate none removes the bucket: give no burst with it');
  });

  it('per-key limits: KEY=N or KEY=none, the key may hold "="', () => {
    expect(groupLimitFlags('group-limit', ['vip=10', 'old=none', 'a=b=2'])).toEqual({ vip: 10, old: null, 'a=b': 2 });
    expect(usage(() => groupLimitFlags('group-limit', ['vip']))).toBe('--group-limit must be KEY=N or KEY=none, got "vip"');
    expect(usage(() => groupLimitFlags('group-limit', ['=3']))).toBe('--group-limit must be KEY=N or KEY=none, got "=3"');
  });
});

describe('raftjobs queue set', () => {
  it('changes exactly what its flags name', () => {
    expect(queueSettings('queue set', { concurrency: '50' })).toEqual({ concurrency: 50 });
    expect(
      queueSettings('queue set', {
        concurrency: 'none',
        'group-concurrency': '2',
        'group-limit': ['vip=10', 'old=none'],
        rate: '100/1s',
        burst: '200',
        'group-rate': 'none',
      }),
    ).toEqual({
      concurrency: null,
      groupConcurrency: 2,
      groupConcurrencyOverrides: { vip: 10, old: null },
      rate: { limit: 100, periodMs: 1000, burst: 200 },
      groupRate: null,
    });
  });

  it('refuses a change of nothing, and a burst without its rate', () => {
    expect(usage(() => queueSettings('queue set', {}))).toMatch(/^queue set: nothing to change/);
    expect(usage(() => queueSettings('queue set', { burst: '5', concurrency: '1' }))).toBe('queue set: --burst goes with --rate');
    expect(usage(() => queueSettings('queue set', { 'group-burst': '5', rate: '1/s' }))).toBe('queue set: --group-burst goes with --group-rate');
  });

  it('wants a subcommand and one queue name', async () => {
    const none = await runMain(['queue', '--addresses', '127.0.0.1:1']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^raftjobs queue: expected a subcommand \(show, pause, resume, set\), got "--addresses"/);
    const two = await runMain(['queue', 'pause', 'a', 'b', '--addresses', '127.0.0.1:1']);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/^raftjobs queue pause: expected one queue name, got "a" "b"/);
  });
});

describe('raftjobs bulk', () => {
  const notATerminal = (): { input: PassThrough; output: PassThrough } => ({ input: new PassThrough(), output: new PassThrough() });

  it('refuses to change jobs without --yes when no terminal can confirm, before any call', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    // A port nothing listens on: a call would fail otherwise than with this usage error.
    await expect(bulkCommand(['cancel', '--queue', 'q', '--addresses', '127.0.0.1:1'], out, err, notATerminal())).rejects.toThrow(
      new UsageError('bulk cancel: this changes jobs for good: add --yes to go ahead (--dry-run counts them first)'),
    );
  });

  it('wants an action it knows, states it knows, and --reason only with cancel', async () => {
    const run = (argv: string[]): Promise<number> => bulkCommand(argv, new PassThrough(), new PassThrough(), notATerminal());
    await expect(run(['delete'])).rejects.toThrow('bulk: expected an action (retry-dead, cancel, purge), got "delete"');
    await expect(run(['purge', '--state', 'zombie', '--yes'])).rejects.toThrow('bulk purge: --state must be one of scheduled, ready, leased, succeeded, dead, cancelled, got "zombie"');
    await expect(run(['purge', '--reason', 'x', '--yes'])).rejects.toThrow('bulk purge: --reason goes with cancel only');
    await expect(run(['purge', '--batch-size', '0', '--yes'])).rejects.toThrow('--batch-size must be an integer from 1 to 10000, got "0"');
  });

  it('builds the filter: states repeat, the age is a duration, an empty group means none', () => {
    expect(bulkFilter('bulk cancel', { queue: 'q', state: ['ready', 'scheduled', 'ready'], group: '', 'older-than': '1h' })).toEqual({
      queue: 'q',
      states: ['ready', 'scheduled'],
      group: '',
      olderThanMs: 3_600_000,
    });
    expect(bulkFilter('bulk cancel', {})).toEqual({});
    expect(usage(() => bulkFilter('bulk cancel', { queue: '' }))).toBe('bulk cancel: --queue must not be empty');
  });

  it('says what it would do, or did', () => {
    expect(formatBulk({ action: 'retryDead', dryRun: true, matched: 12, affected: 0, batches: 0 }, { queue: 'email' })).toBe('would retry 12 job(s) (queue email); nothing changed\n');
    expect(formatBulk({ action: 'purge', dryRun: false, matched: 0, affected: 3000, batches: 3 }, { states: ['dead'], group: '' })).toBe(
      'purged 3000 job(s) (state dead, without a group key) in 3 batch(es)\n',
    );
  });
});

describe('raftjobs submit --unique-key', () => {
  it('active by default, debounce with a window, nothing without a key', () => {
    expect(uniqueFlags({})).toBeUndefined();
    expect(uniqueFlags({ 'unique-key': 'k' })).toEqual({ key: 'k', mode: 'active' });
    expect(uniqueFlags({ 'unique-key': 'k', 'unique-mode': 'debounce' })).toEqual({ key: 'k', mode: 'debounce' });
    expect(uniqueFlags({ 'unique-key': 'k', 'debounce-window': '5s' })).toEqual({ key: 'k', mode: 'debounce', windowMs: 5000 });
  });

  it('refuses a mode or window without a key, a window in active mode, an unknown mode', () => {
    expect(usage(() => uniqueFlags({ 'unique-mode': 'active' }))).toBe('submit: --unique-mode and --debounce-window go with --unique-key');
    expect(usage(() => uniqueFlags({ 'unique-key': 'k', 'unique-mode': 'active', 'debounce-window': '1s' }))).toBe('submit: --debounce-window goes with --unique-mode debounce');
    expect(usage(() => uniqueFlags({ 'unique-key': 'k', 'unique-mode': 'once' }))).toBe('submit: --unique-mode must be active or debounce, got "once"');
  });
});

describe('queue output', () => {
  const info: QueueInfo = {
    queue: 'email',
    policy: { paused: true, concurrency: 50, groupConcurrency: 2, groupConcurrencyOverrides: { vip: 10 }, rate: { limit: 100, periodMs: 1000, burst: 200 }, groupRate: null },
    usage: {
      leased: 12,
      ready: 340,
      tokens: 7.56,
      throttledUntil: null,
      groups: 9,
      busiestGroups: [
        { group: 'vip', leased: 10, ready: 100, limit: 10, tokens: null, throttledUntil: null },
        { group: 'acme', leased: 2, ready: 7, limit: 2, tokens: null, throttledUntil: Date.UTC(2030, 0, 1) },
      ],
    },
    time: Date.UTC(2029, 11, 31),
  };

  it('queue show: the policy, the usage against it, and the busiest keys', () => {
    expect(formatQueue(info)).toBe(
      [
        'queue      email',
        'paused     yes: no new leases',
        'leased     12 of 50 (concurrency 50)',
        'ready      340',
        'keys       9 group key(s) on record',
        'per key    2; overrides vip=10',
        'rate       100 per 1000 ms (burst 200); 7.5 tokens now',
        'key rate   none',
        'throttled  no',
        'busiest keys:',
        '  KEY   LEASED  LIMIT  READY  TOKENS  THROTTLED UNTIL',
        '  vip   10      10     100    -       -',
        '  acme  2       2      7      -       2030-01-01T00:00:00.000Z',
        '',
      ].join('\n'),
    );
  });

  it('queues: one line each', () => {
    expect(formatQueueList([])).toBe('no queues\n');
    expect(formatQueueList([info]).split('\n')[1]).toBe('email  yes     12      50           340    9     2+       100/1000ms  7.5     none      -');
  });
});
