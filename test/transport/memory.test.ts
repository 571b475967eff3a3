import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '../../src/raft/types.js';
import { MemoryNetwork, MemoryTransport } from '../../src/transport/index.js';
import { CLUSTER, heartbeat, silent } from './helpers.js';

const WAIT = { timeout: 5_000, interval: 5 } as const;

interface Node {
  readonly t: MemoryTransport;
  readonly inbox: Message[];
}

let running: MemoryTransport[] = [];
afterEach(async () => {
  await Promise.all(running.map((t) => t.stop()));
  running = [];
});

async function node(network: MemoryNetwork, id: string, peers = ['n1', 'n2', 'n3']): Promise<Node> {
  const t = new MemoryTransport({ network, clusterId: CLUSTER, selfId: id, peers, logger: silent });
  const inbox: Message[] = [];
  t.onMessage((m) => inbox.push(m));
  await t.start();
  running.push(t);
  return { t, inbox };
}

describe('MemoryNetwork', () => {
  it('partition loses messages both ways (counted as dropped) until heal', async () => {
    const net = new MemoryNetwork();
    const [n1, n2, n3] = [await node(net, 'n1'), await node(net, 'n2'), await node(net, 'n3')];
    net.partition('n1', 'n2');
    n1.t.send([heartbeat('n1', 'n2', 1), heartbeat('n1', 'n3', 2)]);
    n2.t.send([heartbeat('n2', 'n1', 3)]);
    await vi.waitFor(() => expect(n3.inbox).toHaveLength(1), WAIT);
    expect(n1.t.stats()).toMatchObject({ sent: 1, dropped: 1 });
    expect(n2.t.stats()).toMatchObject({ sent: 0, dropped: 1 });

    net.heal();
    n1.t.send([heartbeat('n1', 'n2', 4)]);
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(1), WAIT);
    expect(n2.inbox[0]).toMatchObject({ context: 4 });
    expect(n1.inbox).toEqual([]);
  });

  it('drop hook decides per message', async () => {
    const net = new MemoryNetwork({ dropHook: (m) => m.type === 'heartbeat' && m.context % 2 === 0 });
    const [n1, n2] = [await node(net, 'n1'), await node(net, 'n2')];
    n1.t.send([1, 2, 3, 4, 5].map((c) => heartbeat('n1', 'n2', c)));
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(3), WAIT);
    expect(n2.inbox.map((m) => (m.type === 'heartbeat' ? m.context : 0))).toEqual([1, 3, 5]);
    expect(n1.t.stats()).toMatchObject({ sent: 3, dropped: 2 });
    net.setDropHook(null);
    n1.t.send([heartbeat('n1', 'n2', 6)]);
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(4), WAIT);
  });

  it('delivers only when the injected scheduler runs, in order, as private copies', async () => {
    const tasks: (() => void)[] = [];
    const net = new MemoryNetwork({ schedule: (task) => tasks.push(task) });
    const [n1, n2] = [await node(net, 'n1'), await node(net, 'n2')];
    const data = new Uint8Array([1, 2, 3]);
    n1.t.send([
      { type: 'append', from: 'n1', to: 'n2', term: 1, prevLogIndex: 0, prevLogTerm: 0, commit: 0, entries: [{ index: 1, term: 1, type: 'normal', data }] },
      heartbeat('n1', 'n2', 2),
    ]);
    expect(n2.inbox).toEqual([]);
    expect(tasks).toHaveLength(1);
    data[0] = 9;
    tasks.shift()?.();
    expect(n2.inbox.map((m) => m.type)).toEqual(['append', 'heartbeat']);
    const got = n2.inbox[0];
    expect(got?.type === 'append' ? [...(got.entries[0]?.data ?? [])] : null).toEqual([1, 2, 3]);
  });

  it('refuses two running transports with one id', async () => {
    const net = new MemoryNetwork();
    await node(net, 'n1');
    const twin = new MemoryTransport({ network: net, clusterId: CLUSTER, selfId: 'n1', peers: ['n2'] });
    twin.onMessage(() => undefined);
    await expect(twin.start()).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(net.running).toEqual(['n1']);
  });

  it('takes the same peer map as GrpcTransport, ignoring its own entry', async () => {
    const net = new MemoryNetwork();
    const n2 = await node(net, 'n2');
    const t = new MemoryTransport({ network: net, clusterId: CLUSTER, selfId: 'n1', peers: { n1: 'a:1', n2: 'b:2' } });
    t.onMessage(() => undefined);
    await t.start();
    running.push(t);
    t.send([heartbeat('n1', 'n2', 1), heartbeat('n1', 'n1', 2)]);
    await vi.waitFor(() => expect(n2.inbox).toHaveLength(1), WAIT);
    expect(t.stats()).toMatchObject({ sent: 1, dropped: 1 });
  });
});
