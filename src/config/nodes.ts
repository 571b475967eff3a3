import { join } from 'node:path';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { Config, NodeConfig } from './types.js';

/**
 * The member with this id.
 *
 * @throws RaftJobsError `CONFIG_INVALID` when the id is not in `config.nodes`.
 */
export function findNode(config: Config, nodeId: string): NodeConfig {
  const node = config.nodes.find((n) => n.id === nodeId);
  if (node === undefined) {
    const ids = config.nodes.map((n) => n.id).join(', ');
    throw new RaftJobsError(ErrorCode.ConfigInvalid, `node id ${JSON.stringify(nodeId)} is not in the cluster config (ids: ${ids})`, {
      problems: [`nodes: own node id ${JSON.stringify(nodeId)} is not listed (ids: ${ids})`],
    });
  }
  return node;
}

/**
 * Absolute data directory of one node: `<config.dataDir>/<nodeId>`.
 *
 * @throws RaftJobsError `CONFIG_INVALID` when the id is not in `config.nodes`.
 */
export function nodeDataDir(config: Config, nodeId: string): string {
  return join(config.dataDir, findNode(config, nodeId).id);
}

/**
 * The other members of the cluster as seen from `nodeId`: peer id → peer gRPC address
 * (`host:port`), in file order.
 *
 * @throws RaftJobsError `CONFIG_INVALID` when the id is not in `config.nodes`.
 */
export function peersOf(config: Config, nodeId: string): ReadonlyMap<string, string> {
  findNode(config, nodeId);
  return new Map(config.nodes.filter((n) => n.id !== nodeId).map((n) => [n.id, n.address]));
}
