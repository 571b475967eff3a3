import { restoreState, snapshotSummary, type Decoded, type JobsOptions, type SnapshotSummary } from '../jobs/index.js';
import type { ClusterMembership } from '../raft/index.js';
import type { RaftStorage } from '../storage/index.js';

/**
 * The term of a restored cluster's snapshot and of its nodes' hard state: the first leader it
 * elects leads term 2, and every entry it appends follows the snapshot.
 */
export const SEED_TERM = 1;

/**
 * Checks that `data` is a job state a node configured with `options` restores: the whole of it
 * decodes (as `JobsApp.restore` will), not only its head. Returns what it holds.
 */
export function checkJobsState(data: Uint8Array, options: Partial<JobsOptions>): Decoded<SnapshotSummary> {
  const restored = restoreState(data, options);
  if (!restored.ok) return restored;
  return snapshotSummary(data);
}

/**
 * Seeds the empty storage of one node of a new cluster with a state from elsewhere (a backup): a
 * snapshot of `data` at `index`, of term {@link SEED_TERM}, whose membership is `membership`; an
 * empty log after it; and a hard state of that term with no vote, committed up to `index`. It is
 * the write a follower makes when it installs a leader's snapshot (`RaftStorage.persist`), so the
 * node starts as if it had: the state restored from the snapshot, the log going on after it.
 *
 * @throws Error when the storage already holds Raft state (a broken invariant: the caller checks).
 */
export async function seedStorage(storage: RaftStorage, seed: { readonly index: number; readonly data: Uint8Array; readonly membership: ClusterMembership }): Promise<void> {
  const held = await storage.load();
  if (held.hardState.term !== 0 || held.snapshot !== null || held.entries.length > 0) throw new Error(`${storage.path} already holds Raft state; a seed goes only into a new one`);
  await storage.persist({
    snapshot: { meta: { index: seed.index, term: SEED_TERM, membership: seed.membership }, data: seed.data },
    entries: [],
    hardState: { term: SEED_TERM, vote: null, commit: seed.index },
  });
}
