/**
 * The resource guards: the admission decision as a table (pure), the disk watch with an injected
 * statfs, and a one-node JobNode refusing submits past a cap or below the floor while leases,
 * outcomes and cancels go on, with nothing of a refused submit in the log.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/index.js';
import type { Backlog, Command, LeaseResult } from '../../src/jobs/index.js';
import { admission, bytesText, GuardLimit, ResourceGuards, standingRefusal, type GuardLimits, type JobNode, type JobQueries, type StatFs } from '../../src/node/index.js';
import { poll, rejectionOf } from '../helpers/index.js';
import { startOneNode } from './one-node.js';
import { VirtualTime } from './virtual-clock.js';

const OFF: GuardLimits = { maxBacklogJobs: 0, maxBacklogPayloadBytes: 0, minFreeDiskBytes: 0 };
const b = (jobs: number, payloadBytes: number): Backlog => ({ jobs, payloadBytes });
const disk = (freeBytes: number) => ({ path: '/var/lib/raftjobs/n1', freeBytes });

describe('admission (pure)', () => {
  it.each([
    // limits, backlog, incoming, free disk (null: unknown), refused by
    ['all off', OFF, b(1e9, 1e12), b(1000, 1e9), 0, null],
    ['under the job cap', { ...OFF, maxBacklogJobs: 10 }, b(7, 0), b(3, 0), null, null],
    ['one over the job cap', { ...OFF, maxBacklogJobs: 10 }, b(8, 0), b(3, 0), null, GuardLimit.BacklogJobs],
    ['a batch larger than the cap itself', { ...OFF, maxBacklogJobs: 10 }, b(0, 0), b(11, 0), null, GuardLimit.BacklogJobs],
    ['nothing new (all duplicates) at a full cap', { ...OFF, maxBacklogJobs: 10 }, b(10, 0), b(0, 0), null, null],
    ['at the byte cap exactly', { ...OFF, maxBacklogPayloadBytes: 100 }, b(1, 60), b(1, 40), null, null],
    ['one byte over the byte cap', { ...OFF, maxBacklogPayloadBytes: 100 }, b(1, 60), b(1, 41), null, GuardLimit.BacklogPayloadBytes],
    ['empty payloads at a full byte cap', { ...OFF, maxBacklogPayloadBytes: 100 }, b(5, 100), b(3, 0), null, null],
    ['disk at the floor', { ...OFF, minFreeDiskBytes: 1000 }, b(0, 0), b(1, 1), 1000, null],
    ['disk below the floor', { ...OFF, minFreeDiskBytes: 1000 }, b(0, 0), b(1, 1), 999, GuardLimit.FreeDisk],
    ['disk not known yet: the floor refuses nothing', { ...OFF, minFreeDiskBytes: 1000 }, b(0, 0), b(1, 1), null, null],
    ['the floor before the caps', { maxBacklogJobs: 1, maxBacklogPayloadBytes: 1, minFreeDiskBytes: 1000 }, b(5, 5), b(1, 1), 10, GuardLimit.FreeDisk],
    ['the job cap before the byte cap', { ...OFF, maxBacklogJobs: 1, maxBacklogPayloadBytes: 1 }, b(5, 5), b(1, 1), null, GuardLimit.BacklogJobs],
  ] as const)('%s', (_name, limits, backlog, incoming, free, refusedBy) => {
    const r = admission(limits, backlog, incoming, free === null ? null : disk(free), 'n1');
    expect(r?.limit ?? null).toBe(refusedBy);
  });

  it('names the limit, its value and the current one', () => {
    expect(admission({ ...OFF, maxBacklogJobs: 10 }, b(8, 0), b(3, 0), null, 'n1')?.message).toBe(
      'the cluster holds 8 not-finished jobs (scheduled, ready, leased) and this submit adds 3: over limits.maxBacklogJobs (10); submit again once workers have finished jobs',
    );
    expect(admission({ ...OFF, maxBacklogPayloadBytes: 2 * 1024 * 1024 }, b(1, 2 * 1024 * 1024), b(1, 10), null, 'n1')?.message).toContain(
      'hold 2097152 bytes (2.0 MiB) of payload and this submit adds 10 bytes: over limits.maxBacklogPayloadBytes (2097152 bytes (2.0 MiB))',
    );
    expect(admission({ ...OFF, minFreeDiskBytes: 1024 ** 3 }, b(0, 0), b(1, 1), disk(512 * 1024 * 1024), 'n1')?.message).toBe(
      'the data directory of n1 (/var/lib/raftjobs/n1) has 536870912 bytes (512.0 MiB) free, below limits.minFreeDiskBytes (1073741824 bytes (1.0 GiB)); free space on its disk, or move leadership to a node with room',
    );
    expect(bytesText(512)).toBe('512 bytes');
  });

  it('the standing refusal: at or over a cap, or the disk below the floor', () => {
    const limits = { ...OFF, maxBacklogJobs: 10, maxBacklogPayloadBytes: 100 };
    expect(standingRefusal(limits, b(9, 99), null, 'n1')).toBeNull();
    expect(standingRefusal(limits, b(10, 0), null, 'n1')?.message).toBe('the cluster holds 10 not-finished jobs (scheduled, ready, leased), at limits.maxBacklogJobs (10)');
    expect(standingRefusal(limits, b(12, 0), null, 'n1')?.message).toContain('12 not-finished jobs (scheduled, ready, leased), over limits.maxBacklogJobs (10)');
    expect(standingRefusal(limits, b(1, 100), null, 'n1')?.limit).toBe(GuardLimit.BacklogPayloadBytes);
    expect(standingRefusal({ ...limits, minFreeDiskBytes: 10 }, b(0, 0), disk(9), 'n1')?.limit).toBe(GuardLimit.FreeDisk);
  });
});

/** A query that answers only the backlog. */
function backlogQuery(current: () => Backlog): JobQueries {
  return { backlog: current } as unknown as JobQueries;
}

describe('ResourceGuards', () => {
  it('reads the disk at start and every interval; a failed read forgets it (refusing nothing) and is logged once', async () => {
    const time = new VirtualTime(1_700_000_000_000);
    let free = 5000;
    let fail = false;
    const calls: string[] = [];
    const statfs: StatFs = (path) => {
      calls.push(path);
      return fail ? Promise.reject(new Error('EIO')) : Promise.resolve({ bavail: BigInt(free), bsize: 1n });
    };
    const warnings: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const g = new ResourceGuards({ ...OFF, minFreeDiskBytes: 1000, dataDir: '/d', diskCheckIntervalMs: 1000, statfs }, backlogQuery(() => b(0, 0)), 'n1', time.clock(), log);
    await g.start();
    expect(calls).toEqual(['/d']);
    expect(g.status().disk).toMatchObject({ path: '/d', freeBytes: 5000 });
    expect(g.admit(b(1, 1))).toBeTypeOf('function');

    free = 999;
    await time.advance(1000);
    expect(calls).toHaveLength(2);
    expect(g.status().diskLow?.limit).toBe(GuardLimit.FreeDisk);
    expect(g.admit(b(1, 1))).toMatchObject({ limit: GuardLimit.FreeDisk });
    expect(warnings.filter((w) => w.includes('disk below its floor'))).toHaveLength(1);

    fail = true;
    await time.advance(3000);
    expect(calls).toHaveLength(5);
    expect(g.status().disk).toBeNull();
    expect(g.admit(b(1, 1))).toBeTypeOf('function');
    expect(warnings.filter((w) => w.includes('cannot read the free space'))).toHaveLength(1);

    g.stop();
    await time.advance(5000);
    expect(calls).toHaveLength(5);
  });

  it('counts what it admitted until released, so concurrent submits see each other', () => {
    const g = new ResourceGuards({ ...OFF, maxBacklogJobs: 5, dataDir: null, diskCheckIntervalMs: 1000 }, backlogQuery(() => b(2, 0)), 'n1', new VirtualTime(0).clock(), pino({ level: 'silent' }));
    const first = g.admit(b(2, 0));
    expect(first).toBeTypeOf('function');
    expect(g.admit(b(2, 0))).toMatchObject({ limit: GuardLimit.BacklogJobs });
    expect(g.status().pending).toEqual(b(2, 0));
    expect(g.refusal()).toBeNull(); // 4 of 5: room for one more
    if (typeof first === 'function') {
      first();
      first(); // twice releases once
    }
    expect(g.status().pending).toEqual(b(0, 0));
    expect(g.admit(b(3, 0))).toBeTypeOf('function');
  });
});

describe('a JobNode with resource guards', () => {
  let node: JobNode | null = null;
  afterEach(async () => {
    await node?.stop();
    node = null;
  });

  const payload = new Uint8Array([1, 2, 3]);
  const submit = (key?: string): Command => ({ type: 'submit', jobs: [{ queue: 'q', payload, ...(key === undefined ? {} : { idempotencyKey: key }) }] });

  it('refuses submits and triggers past the job cap, nothing in the log; leases, outcomes and cancels go on', async () => {
    const refused: string[] = [];
    ({ node } = await startOneNode('guards', undefined, {
      guards: { ...OFF, maxBacklogJobs: 2, dataDir: null, diskCheckIntervalMs: 1000 },
      metrics: { submitRefused: (limit) => void refused.push(limit) },
    }));
    const n = node;
    expect(await n.propose(submit('a'))).toMatchObject({ ok: true });
    expect(await n.propose(submit())).toMatchObject({ ok: true });
    await n.propose({ type: 'scheduleSet', mode: 'create', schedule: { id: 's', intervalMs: 3_600_000, template: { queue: 'q', payload } } });

    const logBefore = n.status({ digest: false }).lastLogIndex;
    const err = await rejectionOf(n.propose(submit()));
    expect(err.code).toBe(ErrorCode.LimitExceeded);
    expect(err.details.limit).toBe('limits.maxBacklogJobs');
    expect(err.message).toContain('holds 2 not-finished jobs');
    expect((await rejectionOf(n.propose({ type: 'scheduleTrigger', id: 's' }))).details.limit).toBe('limits.maxBacklogJobs');
    expect(n.status({ digest: false }).lastLogIndex).toBe(logBefore);
    expect(refused).toEqual(['limits.maxBacklogJobs', 'limits.maxBacklogJobs']);
    expect(n.guards().refusal?.limit).toBe('limits.maxBacklogJobs');

    // A resend of a job already created adds nothing: answered as always.
    expect(await n.propose(submit('a'))).toMatchObject({ ok: true, jobs: [{ duplicate: true }] });

    // Workers and operators are not refused: lease, complete, cancel.
    const leased = (await n.propose({ type: 'lease', workerId: 'w', queues: ['q'], max: 1 })) as LeaseResult;
    const grant = leased.ok ? leased.leases[0] : undefined;
    if (grant === undefined) throw new Error('nothing leased');
    expect(await n.propose({ type: 'complete', jobId: grant.jobId, token: grant.token })).toMatchObject({ ok: true });
    expect(n.query.backlog().jobs).toBe(1);

    // Room for one again, and only one: two concurrent submits, the second refused before either commits.
    const one = n.propose(submit());
    const two = rejectionOf(n.propose(submit()));
    expect(await one).toMatchObject({ ok: true });
    expect((await two).details.limit).toBe('limits.maxBacklogJobs');
    const other = n.query.list({ state: 'ready' }).jobs.find((j) => j.id !== grant.jobId);
    if (other === undefined) throw new Error('no ready job');
    expect(await n.propose({ type: 'cancel', jobId: other.id })).toMatchObject({ ok: true });
    expect(await n.propose(submit())).toMatchObject({ ok: true });
  });

  it('refuses submits while the data directory is below the floor, and admits them once it has room', async () => {
    let free = 10_000;
    ({ node } = await startOneNode('guards-disk', undefined, {
      guards: { ...OFF, minFreeDiskBytes: 4096, dataDir: '/srv/raftjobs/a', diskCheckIntervalMs: 20, statfs: () => Promise.resolve({ bavail: free / 512, bsize: 512 }) },
    }));
    const n = node;
    expect(await n.propose(submit())).toMatchObject({ ok: true });
    free = 2048;
    await poll(() => (n.guards().diskLow !== null ? true : undefined), { timeoutMs: 5_000, description: 'the low disk seen' });
    const err = await rejectionOf(n.propose(submit()));
    expect(err.details.limit).toBe('limits.minFreeDiskBytes');
    expect(err.message).toBe(
      'the data directory of a (/srv/raftjobs/a) has 2048 bytes (2.0 KiB) free, below limits.minFreeDiskBytes (4096 bytes (4.0 KiB)); free space on its disk, or move leadership to a node with room',
    );
    expect(n.guards()).toMatchObject({ refusal: { limit: 'limits.minFreeDiskBytes' }, disk: { freeBytes: 2048 } });
    free = 8192;
    await poll(() => (n.guards().diskLow === null ? true : undefined), { timeoutMs: 5_000, description: 'room again' });
    expect(await n.propose(submit())).toMatchObject({ ok: true });
  });
});
