import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { parseHostPort } from './address.js';
import { peersOf } from './nodes.js';
import type { Config } from './types.js';

/**
 * The addresses this node dials its peers at: the config's, except where
 * `RAFTJOBS_PEER_ADDRESSES` (`n2=127.0.0.1:9102,n3=127.0.0.1:9103`) names another, e.g. a
 * fault-injecting proxy in front of the peer (chaos runs). Clients still use the config's.
 *
 * @throws RaftJobsError CONFIG_INVALID listing every bad item.
 */
export function peerDialAddresses(config: Config, nodeId: string, env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const peers = new Map(peersOf(config, nodeId));
  const text = env['RAFTJOBS_PEER_ADDRESSES']?.trim();
  if (!text) return peers;
  const problems: string[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    const id = eq > 0 ? item.slice(0, eq) : '';
    const address = eq > 0 ? item.slice(eq + 1) : '';
    // Members added later are not in the config: any id but this node's own may be named.
    if (id === '' || id === nodeId) {
      problems.push(`RAFTJOBS_PEER_ADDRESSES: ${JSON.stringify(item)} does not name a peer of ${nodeId} (expected id=host:port)`);
      continue;
    }
    const hp = parseHostPort(address);
    if (typeof hp === 'string') problems.push(`RAFTJOBS_PEER_ADDRESSES: ${id}: ${hp}`);
    else peers.set(id, address);
  }
  if (problems.length > 0) throw new RaftJobsError(ErrorCode.ConfigInvalid, problems.join('; '), { problems });
  return peers;
}
