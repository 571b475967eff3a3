/** The peer transport's queue depth and drops in a node's /metrics, read at scrape time. */
import { describe, expect, it } from 'vitest';
import type { NodeStatus } from '../../src/node/index.js';
import { NodeMetricsRegistry } from '../../src/observability/index.js';
import type { PeerQueueStats } from '../../src/transport/index.js';

describe('transport metrics', () => {
  it('export each peer\'s queue depth and drops, too-large ones apart, as they are at each scrape', async () => {
    const m = new NodeMetricsRegistry({ nodeId: 'n1', clusterId: 'c', processMetrics: false });
    let peers: PeerQueueStats[] = [
      { id: 'n2', queued: 8, dropped: 12, tooLarge: 0 },
      { id: 'n3', queued: 0, dropped: 3, tooLarge: 2 },
    ];
    const status: NodeStatus = {
      id: 'n1',
      role: 'leader',
      term: 2,
      leaderId: 'n1',
      commitIndex: 5,
      appliedIndex: 5,
      firstLogIndex: 1,
      lastLogIndex: 5,
      snapshotIndex: 0,
      stateDigest: '',
      pid: 1,
      peers: [],
      contacts: [],
      membership: { voters: ['n1', 'n2', 'n3'] },
    };
    m.bind({ status: () => status, queueStats: () => [], peers: () => peers });
    const lines = async (): Promise<string[]> => (await m.metrics()).split('\n').filter((l) => l.startsWith('raftjobs_transport_'));
    expect(await lines()).toEqual([
      'raftjobs_transport_peer_queued_messages{peer="n2"} 8',
      'raftjobs_transport_peer_queued_messages{peer="n3"} 0',
      'raftjobs_transport_peer_dropped_messages_total{peer="n2",reason="too_large"} 0',
      'raftjobs_transport_peer_dropped_messages_total{peer="n2",reason="other"} 12',
      'raftjobs_transport_peer_dropped_messages_total{peer="n3",reason="too_large"} 2',
      'raftjobs_transport_peer_dropped_messages_total{peer="n3",reason="other"} 1',
    ]);
    peers = [{ id: 'n2', queued: 0, dropped: 13, tooLarge: 1 }];
    expect(await lines()).toEqual([
      'raftjobs_transport_peer_queued_messages{peer="n2"} 0',
      'raftjobs_transport_peer_dropped_messages_total{peer="n2",reason="too_large"} 1',
      'raftjobs_transport_peer_dropped_messages_total{peer="n2",reason="other"} 12',
    ]);
  });
});
