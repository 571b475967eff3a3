/**
 * Recurring schedules through the SDK (`Client.createSchedule` ...) and the CLI (`raftjobs
 * schedule ...`) against a real one-node cluster (LevelDB in a temp directory, gRPC on loopback).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, isRaftJobsError, type ScheduleInfo } from '../../src/index.js';
import { poll } from '../helpers/index.js';
import { startServer, type TestServer } from '../server/harness.js';
import { runMain } from './in-process-cli.js';

let server: TestServer;
let client: Client;
beforeAll(async () => {
  server = await startServer();
  client = new Client({ nodes: [server.address] });
});
afterAll(async () => {
  client?.close();
  await server?.close();
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isRaftJobsError(err)) return err.code;
    throw err;
  }
  throw new Error('the call succeeded');
}

describe('Client schedules', () => {
  it('create, get, list, update, pause, resume, trigger, delete', async () => {
    const created = await client.createSchedule({
      id: 'sdk-nightly',
      cron: '0 30 2 * * *',
      timeZone: 'America/New_York',
      job: { queue: 'reports', payload: { kind: 'daily' }, priority: 3, backoff: { type: 'fixed', delayMs: 500 } },
      catchUp: { mode: 'all', windowMs: 60_000 },
      overlap: 'cancelPrevious',
    });
    expect(created).toMatchObject({
      id: 'sdk-nightly',
      cron: '0 30 2 * * *',
      intervalMs: null,
      timeZone: 'America/New_York',
      catchUp: { mode: 'all', windowMs: 60_000 },
      overlap: 'cancelPrevious',
      paused: false,
      lastSlot: null,
      lastJobId: null,
      lastJobState: null,
      fired: 0,
      skipped: 0,
      triggered: 0,
    });
    expect(created.job).toMatchObject({ queue: 'reports', priority: 3, maxAttempts: null, backoff: { type: 'fixed', delayMs: 500 }, retentionMs: null });
    expect(JSON.parse(created.job.payload.toString())).toEqual({ kind: 'daily' });
    expect(created.nextFireTimes).toHaveLength(5);

    const got = await client.getSchedule('sdk-nightly', { stale: true });
    expect(got.nextFireTimes).toEqual(created.nextFireTimes);
    const page = await client.listSchedules({ pageSize: 10 });
    expect(page.schedules.map((s) => s.id)).toContain('sdk-nightly');
    expect(page.nextPageToken).toBeNull();

    const updated = await client.updateSchedule({ id: 'sdk-nightly', intervalMs: 60_000, job: { queue: 'reports' } });
    expect(updated).toMatchObject({ cron: null, intervalMs: 60_000, overlap: 'allow', catchUp: { mode: 'latest', windowMs: 3_600_000 } });
    for (const t of updated.nextFireTimes) expect(t % 60_000).toBe(0);

    expect((await client.pauseSchedule('sdk-nightly')).paused).toBe(true);
    expect((await client.resumeSchedule('sdk-nightly')).paused).toBe(false);
    const t = await client.triggerSchedule('sdk-nightly');
    const job = await client.get(t.jobId);
    expect(job.scheduleId).toBe('sdk-nightly');
    expect(job.scheduleSlot).toBeGreaterThan(0);
    expect((await client.getSchedule('sdk-nightly')).triggered).toBe(1);

    await client.deleteSchedule('sdk-nightly');
    expect(await code(client.getSchedule('sdk-nightly'))).toBe('NOT_FOUND');
    expect(await code(client.updateSchedule({ id: 'sdk-nightly', cron: '@daily', job: { queue: 'q' } }))).toBe('NOT_FOUND');
    const upserted = await client.updateSchedule({ id: 'sdk-nightly', cron: '@daily', job: { queue: 'q' }, paused: true }, { createMissing: true });
    expect(upserted.paused).toBe(true);
    expect(upserted.nextFireTimes).toEqual([]);
    await client.deleteSchedule('sdk-nightly');
    // A submitted job has no schedule.
    const [plain] = await client.submit({ queue: 'plain' });
    expect(await client.get(plain?.id ?? '')).toMatchObject({ scheduleId: null, scheduleSlot: null });
  });

  it('refusals carry the codes and the .proto field names', async () => {
    await client.createSchedule({ id: 'sdk-dup', cron: '@hourly', job: { queue: 'q' } });
    expect(await code(client.createSchedule({ id: 'sdk-dup', cron: '@hourly', job: { queue: 'q' } }))).toBe('ALREADY_EXISTS');
    await client.deleteSchedule('sdk-dup');
    await expect(client.createSchedule({ id: 'sdk-bad', cron: 'every day', job: { queue: 'q' } })).rejects.toThrow(/schedule\.cron: /);
    await expect(client.createSchedule({ id: 'sdk-bad', cron: '@daily', timeZone: 'Nowhere/Land', job: { queue: 'q' } })).rejects.toThrow(/schedule\.time_zone: /);
    await expect(client.createSchedule({ id: 'sdk-bad', cron: '@daily', job: { queue: '' } })).rejects.toThrow(/job\.queue: required/);
  });

  it("a one-second schedule's jobs carry scheduleId and scheduleSlot", async () => {
    await client.createSchedule({ id: 'sdk-tick', intervalMs: 1000, job: { queue: 'sdk-ticks' } });
    const jobs = await poll(
      async () => {
        const page = await client.list({ queue: 'sdk-ticks' });
        return page.jobs.length >= 2 ? page.jobs : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    await client.deleteSchedule('sdk-tick');
    for (const j of jobs) {
      expect(j.scheduleId).toBe('sdk-tick');
      expect((j.scheduleSlot ?? 1) % 1000).toBe(0);
      expect(j.idempotencyKey).toBe(`schedule:sdk-tick:${j.scheduleSlot}`);
    }
  });
});

describe('raftjobs schedule', () => {
  const at = (): string[] => ['--addresses', server.address];

  it('add, list, get, pause, resume, trigger, rm', async () => {
    const add = await runMain(['schedule', 'add', '--id', 'cli-reports', '--cron', '*/2 * * * * *', '--queue', 'cli-reports', '--payload', '{"n":1}', '--catch-up', 'all', '--catch-up-window', '60000', '--overlap', 'buffer-one', '--priority', '-2', '--max-attempts', '4', ...at()]);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^id +cli-reports$/m);
    expect(add.stdout).toMatch(/^overlap +buffer-one$/m);

    const json = await runMain(['schedule', 'get', 'cli-reports', '--json', ...at()]);
    const s = JSON.parse(json.stdout) as ScheduleInfo & { job: { payload: unknown } };
    expect(s).toMatchObject({ id: 'cli-reports', cron: '*/2 * * * * *', catchUp: { mode: 'all', windowMs: 60_000 }, overlap: 'buffer-one', job: { queue: 'cli-reports', payload: { n: 1 }, priority: -2, maxAttempts: 4 } });
    // Every 2 s: the next five fire times are two seconds apart.
    const next = s.nextFireTimes;
    expect(next).toHaveLength(5);
    for (let i = 1; i < next.length; i++) expect((next[i] as number) - (next[i - 1] as number)).toBe(2000);

    // Once it fired, get shows the last slot with its job and state, and the counts.
    const fired = await poll(
      async () => {
        const r = await runMain(['schedule', 'get', 'cli-reports', ...at()]);
        return /^last slot +\d{4}-.*\(job \w+: (ready|leased|succeeded)\)$/m.test(r.stdout) ? r.stdout : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(fired).toMatch(/^next +\d{4}-/m);
    expect(fired).toMatch(/^counts +fired [1-9]\d*, skipped \d+, triggered 0$/m);

    const list = await runMain(['schedule', 'list', ...at()]);
    expect(list.stdout).toMatch(/^ID +TIMING/);
    expect(list.stdout).toMatch(/^cli-reports +cron "\*\/2 \* \* \* \* \*" in UTC +cli-reports +no /m);

    expect((await runMain(['schedule', 'pause', 'cli-reports', ...at()])).stdout).toBe('cli-reports paused\n');
    expect((await runMain(['schedule', 'resume', 'cli-reports', ...at()])).stdout).toBe('cli-reports active\n');
    const trig = await runMain(['schedule', 'trigger', 'cli-reports', ...at()]);
    expect(trig.code).toBe(0);
    const jobId = trig.stdout.trim();
    expect((await client.get(jobId)).scheduleId).toBe('cli-reports');
    expect((await runMain(['schedule', 'rm', 'cli-reports', ...at()])).stdout).toBe('cli-reports removed\n');
    const gone = await runMain(['schedule', 'get', 'cli-reports', ...at()]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/not found/);
  });

  it('refuses bad usage before calling, and shows the server refusal', async () => {
    const cases: [string[], RegExp][] = [
      [['schedule'], /expected a subcommand/],
      [['schedule', 'add', '--id', 'x', '--queue', 'q', ...at()], /exactly one of --cron and --every/],
      [['schedule', 'add', '--id', 'x', '--queue', 'q', '--every', '1000', '--overlap', 'sometimes', ...at()], /--overlap must be one of allow, skip, buffer-one, cancel-previous/],
      [['schedule', 'add', '--id', 'x', '--queue', 'q', '--every', '1000', '--catch-up', 'never', ...at()], /--catch-up must be one of latest, all, skip/],
      [['schedule', 'add', '--id', 'x', '--queue', 'q', '--every', '1000', '--start', 'soon', ...at()], /--start must be/],
      [['schedule', 'get', ...at()], /expected one ID/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runMain(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
    const zone = await runMain(['schedule', 'add', '--id', 'x', '--queue', 'q', '--cron', '@daily', '--tz', 'Atlantis/Capital', ...at()]);
    expect(zone.code).toBe(2);
    expect(zone.stderr).toMatch(/schedule\.time_zone: /);
  });
});
