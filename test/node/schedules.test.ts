/**
 * The leader's schedule runner on a one-node cluster over the storage and transport twins: a
 * one-second schedule fires each slot once, from the committed state; a duplicate fire proposal
 * changes nothing; a paused schedule fires nothing; a node restarted on the same storage (a new
 * term, a new runner) goes on from what was committed, firing no slot twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JobNode } from '../../src/node/index.js';
import type { RaftStorage } from '../../src/storage/index.js';
import { poll } from '../helpers/index.js';
import { startOneNode } from './one-node.js';

const running: { node: JobNode; storage: RaftStorage }[] = [];

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.node.stop();
    await r.storage.close();
  }
});

const startNode = (storage?: RaftStorage): Promise<{ node: JobNode; storage: RaftStorage }> => startOneNode('sched', storage);

/** The slots of the jobs schedule `id` made, in submit order. */
function slotsOf(node: JobNode, id: string): number[] {
  return node.query
    .list({ queue: 'reports' })
    .jobs.map((j) => node.query.getJob(j.id))
    .filter((j) => j?.scheduleId === id)
    .map((j) => j?.scheduleSlot as number);
}

const everySecond = (id: string, paused = false) =>
  ({ type: 'scheduleSet', mode: 'create', schedule: { id, intervalMs: 1000, template: { queue: 'reports', payload: new Uint8Array() }, catchUp: { mode: 'all', windowMs: 60_000 }, paused } }) as const;

describe('the schedule runner', () => {
  it('fires every one-second slot once; a duplicate fire proposal and a restart fire nothing twice', async () => {
    const a = await startNode();
    running.push(a);
    expect(await a.node.propose(everySecond('tick'))).toMatchObject({ ok: true });
    expect(await a.node.propose(everySecond('quiet', true))).toMatchObject({ ok: true });
    await poll(() => (slotsOf(a.node, 'tick').length >= 3 ? true : undefined), { timeoutMs: 10_000 });
    const view = a.node.query.getSchedule('tick');
    // The runner's own proposal, sent again: refused, nothing fires.
    const again = await a.node.propose({ type: 'scheduleFire', id: 'tick', through: view!.handledThrough, slots: view!.lastSlot !== null ? [view!.lastSlot] : [], skipped: 0 });
    expect(again).toMatchObject({ ok: false, code: 'SLOT_ALREADY_FIRED' });

    // Restart on the same storage: a new term, a new runner that knows only the committed state.
    running.splice(running.indexOf(a), 1);
    await a.node.stop();
    const b = await startNode(a.storage);
    running.push(b);
    const before = slotsOf(b.node, 'tick').length;
    await poll(() => (slotsOf(b.node, 'tick').length >= before + 2 ? true : undefined), { timeoutMs: 10_000 });
    const slots = slotsOf(b.node, 'tick');
    expect(new Set(slots).size).toBe(slots.length);
    // Consecutive seconds, none missing (catch-up `all` fires what the restart missed).
    for (let i = 1; i < slots.length; i++) expect((slots[i] as number) - (slots[i - 1] as number)).toBe(1000);
    const after = b.node.query.getSchedule('tick');
    expect(after).toMatchObject({ fired: slots.length, skipped: 0 });
    expect(slotsOf(b.node, 'quiet')).toEqual([]);
    expect(b.node.query.getSchedule('quiet')).toMatchObject({ paused: true, fired: 0 });
  });
});
