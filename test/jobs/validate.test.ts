import { describe, expect, it } from 'vitest';
import { getJob, listJobs, resolveOptions, validateBatch, validateCommand, validateSubmit, type Command } from '../../src/jobs/index.js';
import { Harness, bytes, expectRejected, job } from './helpers.js';

function problems(v: { ok: boolean; problems?: readonly string[] }): readonly string[] {
  return v.ok ? [] : (v.problems ?? []);
}

describe('validateSubmit', () => {
  it('accepts a minimal and a full job', () => {
    expect(validateSubmit([{ queue: 'emails', payload: new Uint8Array() }])).toMatchObject({ ok: true });
    const full = {
      queue: 'A.b_c:d-9',
      payload: bytes('x'),
      priority: -2147483648,
      runAt: 1,
      maxAttempts: 1000,
      backoff: { type: 'exponential', initialMs: 0, maxMs: 10, factor: 1.5, jitter: 1 },
      leaseTtlMs: 100,
      idempotencyKey: 'k'.repeat(256),
      retentionMs: 0,
      unique: { key: 'u'.repeat(256), mode: 'debounce', windowMs: 604_800_000 },
    };
    expect(validateSubmit([full])).toMatchObject({ ok: true });
    expect(validateSubmit([{ ...job(), unique: { key: 'u', mode: 'active' } }])).toMatchObject({ ok: true });
    expect(validateSubmit([{ ...job(), unique: { key: 'u', mode: 'debounce', windowMs: 1 } }])).toMatchObject({ ok: true });
  });

  it('reports precise paths and messages, every problem at once', () => {
    const v = validateSubmit([
      job(),
      job(),
      job(),
      { queue: 'bad queue!', payload: new Uint8Array(1024 * 1024 + 1), delayMs: -1 },
    ]);
    expect(problems(v)).toEqual([
      'jobs[3].queue: must match [A-Za-z0-9._:-]{1,128}',
      'jobs[3].payload: must be at most 1048576 bytes (maxPayloadBytes), got 1048577',
      'jobs[3].delayMs: must be >= 0',
    ]);
  });

  it('missing and mistyped fields', () => {
    expect(problems(validateSubmit([{}]))).toEqual(['jobs[0].queue: is required', 'jobs[0].payload: is required']);
    expect(problems(validateSubmit([{ queue: 'q', payload: 'text' }]))).toEqual(['jobs[0].payload: must be bytes (Uint8Array)']);
    expect(problems(validateSubmit([null]))).toEqual(['jobs[0]: must be an object']);
    expect(problems(validateSubmit('nope'))).toEqual(['jobs: must be an array of 1..1000 jobs']);
    expect(problems(validateSubmit([]))).toEqual(['jobs: must be an array of 1..1000 jobs']);
  });

  it('limits on every field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ queue: 'x'.repeat(129) }, 'jobs[0].queue: must match [A-Za-z0-9._:-]{1,128}'],
      [{ queue: '' }, 'jobs[0].queue: must match [A-Za-z0-9._:-]{1,128}'],
      [{ priority: 2147483648 }, 'jobs[0].priority: must be <= 2147483647'],
      [{ priority: 1.5 }, 'jobs[0].priority: must be an integer'],
      [{ maxAttempts: 0 }, 'jobs[0].maxAttempts: must be >= 1'],
      [{ maxAttempts: 1001 }, 'jobs[0].maxAttempts: must be <= 1000'],
      [{ leaseTtlMs: 99 }, 'jobs[0].leaseTtlMs: must be >= 100'],
      [{ leaseTtlMs: 86_400_001 }, 'jobs[0].leaseTtlMs: must be <= 86400000'],
      [{ idempotencyKey: 'k'.repeat(257) }, 'jobs[0].idempotencyKey: must be 1..256 chars'],
      [{ idempotencyKey: '' }, 'jobs[0].idempotencyKey: must be 1..256 chars'],
      [{ delayMs: 5, runAt: 5 }, 'jobs[0].runAt: cannot be combined with delayMs'],
      [{ runAt: -1 }, 'jobs[0].runAt: must be >= 0'],
      [{ retentionMs: -1 }, 'jobs[0].retentionMs: must be >= 0'],
      [{ backoff: { type: 'linear' } }, "jobs[0].backoff.type: must be 'fixed' or 'exponential'"],
      [{ backoff: { type: 'fixed' } }, 'jobs[0].backoff.delayMs: is required'],
      [{ backoff: { type: 'exponential', initialMs: 10, maxMs: 5 } }, 'jobs[0].backoff.maxMs: must be >= backoff.initialMs'],
      [{ backoff: { type: 'exponential', initialMs: 10, maxMs: 50, factor: 0.5 } }, 'jobs[0].backoff.factor: must be >= 1'],
      [{ backoff: { type: 'fixed', delayMs: 1, jitter: 2 } }, 'jobs[0].backoff.jitter: must be <= 1'],
      [{ unique: 'k' }, 'jobs[0].unique: must be an object'],
      [{ unique: { mode: 'active' } }, 'jobs[0].unique.key: is required'],
      [{ unique: { key: '', mode: 'active' } }, 'jobs[0].unique.key: must be 1..256 chars'],
      [{ unique: { key: 'k'.repeat(257), mode: 'active' } }, 'jobs[0].unique.key: must be 1..256 chars'],
      [{ unique: { key: 'k', mode: 'once' } }, "jobs[0].unique.mode: must be 'active' or 'debounce'"],
      [{ unique: { key: 'k', mode: 'active', windowMs: 5 } }, 'jobs[0].unique.windowMs: only with mode debounce'],
      [{ unique: { key: 'k', mode: 'debounce', windowMs: 0 } }, 'jobs[0].unique.windowMs: must be >= 1'],
      [{ unique: { key: 'k', mode: 'debounce', windowMs: 604_800_001 } }, 'jobs[0].unique.windowMs: must be <= 604800000'],
      [{ unique: { key: 'k', mode: 'debounce', windowMs: 1.5 } }, 'jobs[0].unique.windowMs: must be an integer'],
      [{ group: '' }, 'jobs[0].group: must be 1..256 chars'],
      [{ group: 7 }, 'jobs[0].group: must be 1..256 chars'],
      [{ group: 'a\u0000b' }, 'jobs[0].group: must not contain NUL'],
    ];
    for (const [extra, message] of cases) expect(problems(validateSubmit([{ ...job(), ...extra }]))).toEqual([message]);
  });

  it('limits follow the options', () => {
    const o = resolveOptions({ maxPayloadBytes: 4, maxJobsPerSubmit: 2, maxQueueNameLength: 3 });
    expect(problems(validateSubmit([job({ payload: bytes('12345'), queue: 'abcd' })], o))).toEqual([
      'jobs[0].queue: must match [A-Za-z0-9._:-]{1,3}',
      'jobs[0].payload: must be at most 4 bytes (maxPayloadBytes), got 5',
    ]);
    expect(problems(validateSubmit([job(), job(), job()], o))).toEqual(['jobs: must be an array of 1..2 jobs']);
  });
});

describe('validateCommand and validateBatch', () => {
  it('every command type has its checks', () => {
    const cases: [unknown, string[]][] = [
      [null, ['command: must be an object']],
      [{ type: 'launch' }, ['type: must be one of submit, lease, heartbeat, progress, complete, fail, cancel, retryDead, tick, leaderChange, release, abandon, scheduleSet, scheduleDelete, schedulePause, scheduleFire, scheduleTrigger, queueSet, bulk']],
      [{ type: 'lease', queues: [], max: 0 }, ['workerId: is required', 'max: must be >= 1', 'queues: must be an array of 1..64 queue names']],
      [{ type: 'lease', workerId: 'w', queues: ['ok', 'no way'], max: 1, ttlMs: 50 }, ['ttlMs: must be >= 100', 'queues[1]: must match [A-Za-z0-9._:-]{1,128}']],
      [{ type: 'heartbeat', leases: [{ jobId: '', token: 0 }] }, ['leases[0].jobId: must be 1..64 chars', 'leases[0].token: must be >= 1']],
      [{ type: 'heartbeat', leases: [] }, ['leases: must be an array of 1..1000 {jobId, token}']],
      [{ type: 'progress', jobId: 'j', token: 1, percent: 101 }, ['percent: must be <= 100']],
      [{ type: 'progress', jobId: 'j', token: 1, percent: 1, message: 'm'.repeat(257) }, ['message: must be at most 256 chars']],
      [{ type: 'complete', jobId: 'j', token: 1.5 }, ['token: must be an integer']],
      [{ type: 'complete', jobId: 'j', token: 1, result: [1, 2] }, ['result: must be bytes (Uint8Array)']],
      [{ type: 'fail', jobId: 'j', token: 1 }, ['error: is required']],
      [{ type: 'fail', jobId: 'j', token: 1, error: '', retry: 'no' }, ['retry: must be a boolean']],
      [{ type: 'cancel' }, ['jobId: is required']],
      [{ type: 'retryDead', jobId: 'j', attempts: 0 }, ['attempts: must be >= 1']],
      [{ type: 'leaderChange' }, ['graceMs: is required']],
      [{ type: 'leaderChange', graceMs: 0 }, ['graceMs: must be >= 1']],
      [{ type: 'bulk' }, ['action: must be one of retryDead, cancel, purge', 'afterSeq: is required', 'max: is required', 'filter: must be an object']],
      [{ type: 'bulk', action: 'purge', filter: {}, afterSeq: -1, max: 10_001 }, ['afterSeq: must be >= 0', 'max: must be <= 10000']],
      [{ type: 'bulk', action: 'purge', filter: {}, afterSeq: 0, max: 0, reason: 'r' }, ['max: must be >= 1', 'reason: only with action cancel']],
      [
        { type: 'bulk', action: 'cancel', filter: { queue: 'no way', olderThanMs: -1, group: 'a\u0000b' }, afterSeq: 0, max: 1 },
        ['filter.queue: must match [A-Za-z0-9._:-]{1,128}', 'filter.olderThanMs: must be >= 0', 'filter.group: must not contain NUL'],
      ],
      [{ type: 'bulk', action: 'cancel', filter: { group: 'g'.repeat(257) }, afterSeq: 0, max: 1 }, ['filter.group: must be at most 256 chars']],
      [{ type: 'bulk', action: 'cancel', filter: { states: [] }, afterSeq: 0, max: 1 }, ['filter.states: must be an array of 1..6 job states']],
      [
        { type: 'bulk', action: 'cancel', filter: { states: ['ready', 'dead', 'gone', 'ready'] }, afterSeq: 0, max: 1 },
        [
          'filter.states[1]: cancel applies to scheduled, ready, leased jobs only',
          'filter.states[2]: must be one of scheduled, ready, leased, succeeded, dead, cancelled',
          'filter.states[3]: is listed twice',
        ],
      ],
      [{ type: 'bulk', action: 'purge', filter: { states: ['leased'] }, afterSeq: 0, max: 1 }, ['filter.states[0]: purge applies to scheduled, ready, succeeded, dead, cancelled jobs only']],
      [{ type: 'bulk', action: 'retryDead', filter: { states: ['ready'] }, afterSeq: 0, max: 1 }, ['filter.states[0]: retryDead applies to dead jobs only']],
      [{ type: 'fail', jobId: 'j', token: 1, error: '', throttle: 'key' }, ['throttle: must be an object']],
      [{ type: 'fail', jobId: 'j', token: 1, error: '', throttle: { scope: 'all', retryAfterMs: 0 } }, ["throttle.scope: must be 'key' or 'queue'", 'throttle.retryAfterMs: must be >= 1']],
      [{ type: 'fail', jobId: 'j', token: 1, error: '', throttle: { scope: 'key', retryAfterMs: 86_400_001 } }, ['throttle.retryAfterMs: must be <= 86400000']],
      [{ type: 'queueSet', queue: 'no way', paused: 1 }, ['queue: must match [A-Za-z0-9._:-]{1,128}', 'paused: must be a boolean']],
      [{ type: 'queueSet', queue: 'q', concurrency: 0, groupConcurrency: 1_000_001 }, ['concurrency: must be >= 1', 'groupConcurrency: must be <= 1000000']],
      [{ type: 'queueSet', queue: 'q', groupConcurrencyOverrides: { ok: 2, bad: 0, '': 1 } }, ['groupConcurrencyOverrides["bad"]: must be >= 1', 'groupConcurrencyOverrides[""]: key must be 1..256 chars']],
      [{ type: 'queueSet', queue: 'q', groupConcurrencyOverrides: [] }, ['groupConcurrencyOverrides: must be an object of group key → limit or null']],
      [{ type: 'queueSet', queue: 'q', rate: { limit: 1_000_001, periodMs: 0 }, groupRate: 5 }, ['rate.limit: must be <= 1000000', 'rate.periodMs: must be >= 1', 'groupRate: must be null or { limit, periodMs, burst? }']],
      [{ type: 'queueSet', queue: 'q', rate: { limit: 1, periodMs: 1, burst: 0 } }, ['rate.burst: must be >= 1']],
    ];
    for (const [cmd, expected] of cases) expect(problems(validateCommand(cmd))).toEqual(expected);
    expect(validateCommand({ type: 'tick' })).toEqual({ ok: true, value: { type: 'tick' } });
    const set = { type: 'queueSet', queue: 'q', concurrency: null, groupConcurrencyOverrides: { a: null, b: 3 }, rate: null, groupRate: { limit: 3, periodMs: 1000, burst: 1 } };
    expect(validateCommand(set)).toEqual({ ok: true, value: set });
    const bulk = { type: 'bulk', action: 'cancel', filter: { queue: 'q', states: ['leased'], group: '', olderThanMs: 0 }, afterSeq: 3, max: 10_000, reason: 'r' };
    expect(validateCommand(bulk)).toEqual({ ok: true, value: bulk });
  });

  it('a schedule template may not carry a unique key', () => {
    const schedule = { id: 's', intervalMs: 1000, template: { queue: 'q', payload: bytes('p'), unique: { key: 'k', mode: 'active' } } };
    expect(problems(validateCommand({ type: 'scheduleSet', mode: 'create', schedule }))).toEqual(['schedule.template.unique: is not allowed in a template']);
  });

  it('batch paths name the command', () => {
    const v = validateBatch({ time: -1, commands: [{ type: 'tick' }, { type: 'submit', jobs: [{ queue: 'q' }] }] });
    expect(problems(v)).toEqual(['time: must be a finite number >= 0', 'commands[1].jobs[0].payload: is required']);
    expect(problems(validateBatch([]))).toEqual(['batch: must be an object']);
  });
});

describe('apply validates defensively', () => {
  it('an invalid command is rejected as a value and writes nothing, even in a batch with valid ones', () => {
    const h = new Harness();
    const [bad, good] = h.apply(
      1000,
      { type: 'submit', jobs: [job(), { queue: 'q', payload: bytes('x'), delayMs: -5 }] },
      { type: 'submit', jobs: [job()] },
    );
    const r = expectRejected(bad, 'INVALID_ARGUMENT');
    expect(r.message).toBe('jobs[1].delayMs: must be >= 0');
    expect(good).toMatchObject({ ok: true, jobs: [{ id: '0000000001' }] });
    expect(listJobs(h.state).jobs).toHaveLength(1);
    expect(getJob(h.state, '0000000001')).not.toBeNull();
  });

  it('even a non-object command is rejected as a value', () => {
    const h = new Harness();
    const [r] = h.apply(1, null as unknown as Command);
    expect(expectRejected(r, 'INVALID_ARGUMENT').message).toBe('command: must be an object');
  });

  it('a rejection carries the job id when the command names one', () => {
    const h = new Harness();
    const r = expectRejected(h.one(1, { type: 'complete', jobId: 'abc', token: -1 }), 'INVALID_ARGUMENT');
    expect(r.jobId).toBe('abc');
  });
});
