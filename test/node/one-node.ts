/** A one-node JobNode over the storage and transport twins, for tests of the node API. */
import { pino } from 'pino';
import { JobNode, type JobNodeOptions } from '../../src/node/index.js';
import { openMemoryStorage, type RaftStorage } from '../../src/storage/index.js';
import { MemoryNetwork, MemoryTransport } from '../../src/transport/index.js';
import { poll } from '../helpers/index.js';

const logger = pino({ level: 'silent' });

/** Starts node `a` (on `storage`, or a new memory store) and waits until it leads; `extra` options win. */
export async function startOneNode(clusterId: string, storage?: RaftStorage, extra: Partial<JobNodeOptions> = {}): Promise<{ node: JobNode; storage: RaftStorage }> {
  const store = storage ?? (await openMemoryStorage({ clusterId, nodeId: 'a' }));
  const node = await JobNode.start({
    id: 'a',
    voters: ['a'],
    storage: store,
    transport: new MemoryTransport({ network: new MemoryNetwork(), clusterId, selfId: 'a', peers: ['a'] }),
    logger,
    tickMs: 10,
    electionTicks: 5,
    heartbeatTicks: 1,
    leaseGraceMs: 200,
    workerConnectionGraceMs: 60_000,
    ...extra,
  });
  await poll(() => (node.isLeader() ? true : undefined), { timeoutMs: 5_000 });
  return { node, storage: store };
}
