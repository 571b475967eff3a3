/**
 * The Schedules service as proto/jobs.proto writes it down, through a client a client author would
 * build from the .proto files alone (snake_case fields, 64-bit integers as strings): every call,
 * the refusals with their codes and field names, and the jobs a one-second schedule makes.
 */
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../helpers/index.js';
import { startServer, type TestServer } from './harness.js';

const PROTO_DIR = join(import.meta.dirname, '..', '..', 'proto');
const definition = protoLoader.loadSync(join(PROTO_DIR, 'jobs.proto'), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const pkg = grpc.loadPackageDefinition(definition) as unknown as {
  raftjobs: { jobs: { v1: { Jobs: grpc.ServiceClientConstructor; Schedules: grpc.ServiceClientConstructor } } };
};

type Msg = Record<string, unknown>;
type Answer = { ok: true; res: Msg } | { ok: false; err: grpc.ServiceError; code: string };
type UnaryFn = (req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Msg) => void) => grpc.ClientUnaryCall;

function call(client: grpc.Client, method: string, req: object): Promise<Answer> {
  const fn = (client as unknown as Record<string, UnaryFn>)[method];
  if (fn === undefined) throw new Error(`no method ${method}`);
  return new Promise((resolve) => {
    fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err, res) =>
      resolve(err ? { ok: false, err, code: String(err.metadata.get('x-error-code')[0] ?? '') } : { ok: true, res: res ?? {} }),
    );
  });
}

async function ok(client: grpc.Client, method: string, req: object): Promise<Msg> {
  const a = await call(client, method, req);
  if (!a.ok) throw new Error(`${method}: ${a.code} ${a.err.details}`);
  return a.res;
}

async function refused(client: grpc.Client, method: string, req: object): Promise<{ status: grpc.status; code: string; details: string }> {
  const a = await call(client, method, req);
  if (a.ok) throw new Error(`${method} was accepted: ${JSON.stringify(a.res)}`);
  return { status: a.err.code, code: a.code, details: a.err.details };
}

const spec = (id: string, extra: Msg = {}): Msg => ({ id, cron: '0 0 3 * * *', template: { queue: 'reports', payload: Buffer.from('{"r":1}') }, ...extra });

describe('Schedules service (proto/jobs.proto)', () => {
  let server: TestServer;
  let schedules: grpc.Client;
  let jobs: grpc.Client;
  beforeAll(async () => {
    server = await startServer();
    schedules = new pkg.raftjobs.jobs.v1.Schedules(server.address, grpc.credentials.createInsecure());
    jobs = new pkg.raftjobs.jobs.v1.Jobs(server.address, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    schedules?.close();
    jobs?.close();
    await server?.close();
  });

  it('create, get, list, update, pause, resume, trigger and delete', async () => {
    const created = await ok(schedules, 'Create', { schedule: spec('nightly', { time_zone: 'Europe/Berlin', overlap: 'buffer_one' }) });
    const s = created['spec'] as Msg;
    expect(s).toMatchObject({ id: 'nightly', cron: '0 0 3 * * *', timing: 'cron', time_zone: 'Europe/Berlin', overlap: 'buffer_one', paused: false });
    // Defaults filled in: catch-up latest within an hour.
    expect(s['catch_up']).toEqual({ mode: 'latest', window_ms: '3600000' });
    expect((s['template'] as Msg)['queue']).toBe('reports');
    expect(created).toMatchObject({ fired: '0', skipped: '0', triggered: '0', last_slot_ms: '0', last_job_id: '', pending_slot_ms: '0' });
    const next = (created['next_fire_times_ms'] as string[]).map(Number);
    expect(next).toHaveLength(5);
    for (let i = 1; i < next.length; i++) expect((next[i] as number) - (next[i - 1] as number)).toBeGreaterThanOrEqual(23 * 3_600_000);
    // 03:00 Berlin is 01:00 or 02:00 UTC.
    for (const t of next) expect([1, 2]).toContain(new Date(t).getUTCHours());

    const got = await ok(schedules, 'Get', { id: 'nightly' });
    expect(got['spec']).toEqual(created['spec']);
    const stale = await ok(schedules, 'Get', { id: 'nightly', stale: true });
    expect(stale['spec']).toEqual(created['spec']);

    await ok(schedules, 'Create', { schedule: { id: 'every-10s', interval_ms: 10_000, template: { queue: 'q2' } } });
    const list = await ok(schedules, 'List', {});
    expect((list['schedules'] as Msg[]).map((x) => (x['spec'] as Msg)['id'])).toEqual(['every-10s', 'nightly']);
    expect(list['next_page_token']).toBe('');
    const page1 = await ok(schedules, 'List', { page_size: 1 });
    expect((page1['schedules'] as Msg[]).map((x) => (x['spec'] as Msg)['id'])).toEqual(['every-10s']);
    const page2 = await ok(schedules, 'List', { page_size: 1, page_token: page1['next_page_token'] });
    expect((page2['schedules'] as Msg[]).map((x) => (x['spec'] as Msg)['id'])).toEqual(['nightly']);
    expect(page2['next_page_token']).toBe('');
    const interval = (list['schedules'] as Msg[])[0] as Msg;
    expect(interval['spec']).toMatchObject({ timing: 'interval_ms', interval_ms: '10000', time_zone: 'UTC' });
    const slots = (interval['next_fire_times_ms'] as string[]).map(Number);
    for (const t of slots) expect(t % 10_000).toBe(0);

    const updated = await ok(schedules, 'Update', { schedule: spec('nightly', { cron: '0 30 4 * * *', template: { queue: 'reports', priority: 5 } }) });
    expect(updated['spec']).toMatchObject({ cron: '0 30 4 * * *', time_zone: 'UTC', overlap: 'allow', paused: false });
    expect((updated['spec'] as Msg)['template']).toMatchObject({ priority: 5 });
    expect(Number(updated['updated_at_ms'])).toBeGreaterThanOrEqual(Number(created['updated_at_ms']));

    const paused = await ok(schedules, 'Pause', { id: 'nightly' });
    expect(paused['spec']).toMatchObject({ paused: true });
    expect(paused['next_fire_times_ms']).toEqual([]);
    const resumed = await ok(schedules, 'Resume', { id: 'nightly' });
    expect(resumed['spec']).toMatchObject({ paused: false });
    expect(resumed['next_fire_times_ms']).toHaveLength(5);

    const trig = await ok(schedules, 'Trigger', { id: 'nightly' });
    expect(trig['duplicate']).toBe(false);
    const job = await ok(jobs, 'Get', { id: trig['job_id'] });
    expect(job).toMatchObject({ queue: 'reports', schedule_id: 'nightly', priority: 5 });
    expect(Number(job['schedule_slot_ms'])).toBeGreaterThan(0);
    expect(job['idempotency_key']).toBe(`schedule:nightly:manual:${String(job['schedule_slot_ms'])}`);
    expect((await ok(schedules, 'Get', { id: 'nightly' }))['triggered']).toBe('1');

    // Update with create_missing creates; without it a missing id is NOT_FOUND.
    await ok(schedules, 'Update', { schedule: spec('upserted'), create_missing: true });
    expect(await ok(schedules, 'Delete', { id: 'upserted' })).toEqual({});
    expect(await ok(schedules, 'Delete', { id: 'every-10s' })).toEqual({});
    expect(await ok(schedules, 'Delete', { id: 'nightly' })).toEqual({});
    // The triggered job stays, with the schedule's id.
    expect(await ok(jobs, 'Get', { id: trig['job_id'] })).toMatchObject({ schedule_id: 'nightly' });
    expect((await ok(schedules, 'List', {}))['schedules']).toEqual([]);
  });

  it('refuses bad fields with INVALID_ARGUMENT naming them as the .proto spells them', async () => {
    const cases: [Msg, RegExp][] = [
      [spec('bad-cron', { cron: '61 * * * * *' }), /^schedule\.cron: /],
      [spec('bad-zone', { time_zone: 'Mars/Olympus_Mons' }), /^schedule\.time_zone: .*IANA/],
      [spec('bad id!'), /^schedule\.id: must match/],
      [{ id: 'short', interval_ms: 10, template: { queue: 'q' } }, /^schedule\.interval_ms: /],
      [{ id: 'neither', template: { queue: 'q' } }, /^schedule\.cron: exactly one of cron and interval_ms/],
      [spec('window', { catch_up: { mode: 'all', window_ms: 10 } }), /^schedule\.catch_up\.window_ms: /],
      [spec('mode', { catch_up: { mode: 'sometimes' } }), /^schedule\.catch_up\.mode: /],
      [spec('overlap', { overlap: 'queue' }), /^schedule\.overlap: must be one of allow, skip, buffer_one, cancel_previous/],
      [spec('tpl', { template: { queue: '', max_attempts: 5000 } }), /^schedule\.template\.queue: .*; schedule\.template\.max_attempts: /],
      [spec('ends', { start_at_ms: 2_000_000_000_000, end_at_ms: 1_000_000_000_000 }), /^schedule\.end_at_ms: must be at or after start_at_ms/],
      [{}, /^schedule: required/],
    ];
    for (const [schedule, pattern] of cases) {
      const r = await refused(schedules, 'Create', Object.keys(schedule).length === 0 ? {} : { schedule });
      expect(r, JSON.stringify(schedule)).toMatchObject({ status: grpc.status.INVALID_ARGUMENT, code: 'INVALID_ARGUMENT' });
      expect(r.details, JSON.stringify(schedule)).toMatch(pattern);
    }
    expect((await ok(schedules, 'List', {}))['schedules']).toEqual([]);
    for (const method of ['Delete', 'Pause', 'Resume', 'Trigger']) {
      expect((await refused(schedules, method, { id: 'no such id' })).details).toMatch(/^id: must match/);
    }
  });

  it('a duplicate create is ALREADY_EXISTS; a missing schedule NOT_FOUND', async () => {
    await ok(schedules, 'Create', { schedule: spec('dup') });
    const dup = await refused(schedules, 'Create', { schedule: spec('dup', { cron: '0 0 4 * * *' }) });
    expect(dup).toMatchObject({ status: grpc.status.ALREADY_EXISTS, code: 'ALREADY_EXISTS' });
    expect(((await ok(schedules, 'Get', { id: 'dup' }))['spec'] as Msg)['cron']).toBe('0 0 3 * * *');
    await ok(schedules, 'Delete', { id: 'dup' });
    for (const [method, req] of [
      ['Get', { id: 'gone' }],
      ['Pause', { id: 'gone' }],
      ['Resume', { id: 'gone' }],
      ['Trigger', { id: 'gone' }],
      ['Delete', { id: 'gone' }],
      ['Update', { schedule: spec('gone') }],
    ] as const) {
      expect(await refused(schedules, method, req), method).toMatchObject({ status: grpc.status.NOT_FOUND, code: 'NOT_FOUND' });
    }
  });

  it("a one-second schedule's jobs carry schedule_id and schedule_slot_ms, one per slot", async () => {
    const created = await ok(schedules, 'Create', { schedule: { id: 'tick', cron: '* * * * * *', template: { queue: 'ticks' } } });
    const createdAt = Number(created['created_at_ms']);
    const list = await poll(
      async () => {
        const res = await ok(jobs, 'List', { queue: 'ticks' });
        const js = res['jobs'] as Msg[];
        return js.length >= 3 ? js : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    const slots = list.map((j) => Number(j['schedule_slot_ms']));
    for (const j of list) expect(j['schedule_id']).toBe('tick');
    for (const slot of slots) {
      expect(slot % 1000).toBe(0);
      expect(slot).toBeGreaterThan(createdAt);
    }
    expect(new Set(slots).size).toBe(slots.length);
    const s = await ok(schedules, 'Get', { id: 'tick' });
    expect(Number(s['fired'])).toBeGreaterThanOrEqual(3);
    expect(s['last_job_id']).not.toBe('');
    expect(s['last_job_state']).toMatch(/^(ready|leased|succeeded)$/);
    await ok(schedules, 'Delete', { id: 'tick' });
  });
});
