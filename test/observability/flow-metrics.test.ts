/**
 * Flow-control metrics: what lease commands held back (`LeaseResult.throttled`, through
 * `reportHolds`, as every replica applies the log) and each queue's policy and usage read at scrape
 * time, into a node's registry as Prometheus exports them. The commands are applied by the real
 * reducer. Per-key series stay bounded: the busiest keys one by one, the rest as `other`.
 */
import { describe, expect, it } from 'vitest';
import { applyBatch, createState, listQueueFlows, type Command, type CommandResult } from '../../src/jobs/index.js';
import { reportHolds, type NodeStatus } from '../../src/node/index.js';
import { METRIC_GROUP_KEYS, NodeMetricsRegistry } from '../../src/observability/index.js';

const T0 = 1_700_000_000_000;

const status: NodeStatus = {
  id: 'n1',
  role: 'leader',
  term: 1,
  leaderId: 'n1',
  commitIndex: 1,
  appliedIndex: 1,
  firstLogIndex: 1,
  lastLogIndex: 1,
  snapshotIndex: 0,
  stateDigest: '',
  pid: 1,
  peers: [],
  contacts: [],
  membership: { voters: ['n1'] },
};

/** A node's state and registry, applying batches as a replica does and counting their holds. */
function node(): { apply(time: number, commands: Command[]): CommandResult[]; lines(prefix: string): Promise<string[]>; metrics: NodeMetricsRegistry } {
  const state = createState();
  let clock = T0;
  const metrics = new NodeMetricsRegistry({ nodeId: 'n1', clusterId: 'c', processMetrics: false, now: () => clock });
  metrics.bind({ status: () => status, queueStats: () => [], queueFlows: () => listQueueFlows(state) });
  let index = 0;
  return {
    metrics,
    apply(time, commands) {
      clock = time;
      const results = applyBatch(state, { time, commands }, ++index);
      reportHolds(results, metrics);
      return results;
    },
    async lines(prefix) {
      return (await metrics.registry.metrics()).split('\n').filter((l) => l.startsWith(prefix));
    },
  };
}

const jobs = (queue: string, groups: string[]): Command => ({ type: 'submit', jobs: groups.map((group) => ({ queue, payload: new Uint8Array(), group })) });
const lease = (queue: string, max: number): Command => ({ type: 'lease', workerId: 'w', queues: [queue], max });

describe('flow-control metrics', () => {
  it('count lease holds per queue and reason, and per key over the last minute', async () => {
    const n = node();
    n.apply(T0, [{ type: 'queueSet', queue: 'mail', groupConcurrency: 1 }, jobs('mail', ['acme', 'acme', 'acme', 'zeta'])]);
    // One of each key leases; the other acme jobs are held back by the key's limit.
    const [first] = n.apply(T0 + 1, [lease('mail', 4)]);
    expect(first).toMatchObject({ ok: true, type: 'lease', throttled: [{ queue: 'mail', group: 'acme', reason: 'groupConcurrency' }] });
    n.apply(T0 + 2, [lease('mail', 4)]);
    n.apply(T0 + 3, [{ type: 'queueSet', queue: 'mail', paused: true }]);
    n.apply(T0 + 4, [lease('mail', 4)]);
    expect(await n.lines('raftjobs_lease_holds_')).toEqual([
      'raftjobs_lease_holds_total{queue="mail",reason="groupConcurrency"} 2',
      'raftjobs_lease_holds_total{queue="mail",reason="paused"} 1',
      'raftjobs_lease_holds_recent{queue="mail",group="acme",reason="groupConcurrency"} 2',
    ]);
    // A minute later the per-key window is empty; the counters stay.
    n.apply(T0 + 61_000, [{ type: 'queueSet', queue: 'mail', paused: true }]);
    expect(await n.lines('raftjobs_lease_holds_recent')).toEqual([]);
    expect(await n.lines('raftjobs_lease_holds_total{queue="mail",reason="groupConcurrency"}')).toEqual(['raftjobs_lease_holds_total{queue="mail",reason="groupConcurrency"} 2']);
  });

  it('keep per-key series bounded: the busiest keys one by one, the rest as other', async () => {
    const n = node();
    const keys = Array.from({ length: 60 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    // Key k00 has the most jobs held back, then k01, and so on.
    n.apply(T0, [{ type: 'queueSet', queue: 'q', groupConcurrency: 1 }, jobs('q', keys.flatMap((k, i) => Array.from({ length: 2 + (i < 5 ? 5 - i : 0) }, () => k)))]);
    for (let t = 1; t <= 6; t++) n.apply(T0 + t, [lease('q', 1000)]);
    const recent = await n.lines('raftjobs_lease_holds_recent');
    const keyed = recent.filter((l) => !l.includes('group="other"'));
    expect(keyed).toHaveLength(METRIC_GROUP_KEYS);
    expect(keyed[0]).toBe('raftjobs_lease_holds_recent{queue="q",group="k00",reason="groupConcurrency"} 6');
    const other = recent.find((l) => l.includes('group="other"'));
    const total = (await n.lines('raftjobs_lease_holds_total'))[0];
    // Every hold is counted once: the keys' series and other add up to the queue's counter.
    const sum = recent.reduce((s, l) => s + Number(l.split(' ')[1]), 0);
    expect(other).toMatch(/^raftjobs_lease_holds_recent\{queue="q",group="other",reason="groupConcurrency"\} \d+$/);
    expect(total).toBe(`raftjobs_lease_holds_total{queue="q",reason="groupConcurrency"} ${sum}`);
  });

  it("export each queue's limits and usage, and the busiest keys' leased jobs against their limits", async () => {
    const n = node();
    n.apply(T0, [
      { type: 'queueSet', queue: 'mail', concurrency: 5, groupConcurrency: 2, groupConcurrencyOverrides: { vip: 3 }, rate: { limit: 10, periodMs: 2000 } },
      jobs('mail', ['vip', 'vip', 'vip', 'acme', 'acme', 'acme']),
      jobs('plain', ['x']),
    ]);
    n.apply(T0 + 1, [lease('mail', 10)]);
    expect(await n.lines('raftjobs_queue_')).toEqual([
      'raftjobs_queue_paused{queue="mail"} 0',
      'raftjobs_queue_paused{queue="plain"} 0',
      'raftjobs_queue_concurrency_limit{queue="mail"} 5',
      'raftjobs_queue_group_concurrency_limit{queue="mail"} 2',
      'raftjobs_queue_rate_limit_per_second{queue="mail"} 5',
      'raftjobs_queue_rate_tokens{queue="mail"} 5',
      'raftjobs_queue_throttled{queue="mail"} 0',
      'raftjobs_queue_throttled{queue="plain"} 0',
      'raftjobs_queue_group_keys{queue="mail"} 2',
      'raftjobs_queue_group_keys{queue="plain"} 1',
    ]);
    expect(await n.lines('raftjobs_group_')).toEqual([
      'raftjobs_group_leased{queue="mail",group="vip"} 3',
      'raftjobs_group_leased{queue="mail",group="acme"} 2',
      'raftjobs_group_leased{queue="plain",group="x"} 0',
      'raftjobs_group_concurrency_limit{queue="mail",group="vip"} 3',
      'raftjobs_group_concurrency_limit{queue="mail",group="acme"} 2',
    ]);
  });
});
