import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { changeMembersOnLeader } from '../client/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { JobNode } from '../node/index.js';
import { isMember } from '../node/index.js';

/** Every attempt to be added waits at most this long, ms, before the next round. */
const ATTEMPT_MS = 15_000;
/** Pause between rounds of attempts, ms. */
const RETRY_MS = 1_000;

/**
 * `raftjobs node --join ADDRESS`: a node that starts with an empty data directory asks the leader
 * (found through ADDRESS) to add it as a learner, and keeps asking until the membership it learns
 * from the log names it; the leader then promotes it once it has caught up (auto-promotion). A
 * refusal that retrying cannot fix (another cluster, the id taken by a member with another data
 * directory, no permission) stops the node with the reason.
 */
export class JoinRunner {
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly o: {
      readonly node: JobNode;
      readonly clusterId: string;
      readonly nodeId: string;
      /** This node's own address, which the others will dial. */
      readonly address: string;
      /** Any member's client address. */
      readonly via: string;
      readonly incarnation: number;
      readonly credentials: grpc.ChannelCredentials;
      readonly token: string | undefined;
      readonly logger: Logger;
      readonly onRefused: (err: Error) => void;
    },
  ) {}

  start(): void {
    this.o.logger.info({ via: this.o.via, address: this.o.address, incarnation: this.o.incarnation }, 'joining the cluster: asking the leader to add this node as a learner');
    void this.attempt();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort(new RaftJobsError(ErrorCode.ShuttingDown, 'join stopped'));
    if (this.timer !== null) clearTimeout(this.timer);
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    if (isMember(this.o.node.membership(), this.o.nodeId)) {
      this.o.logger.info({ voters: this.o.node.membership().voters }, 'joined: the membership in the log names this node');
      return;
    }
    try {
      const after = await changeMembersOnLeader(
        [this.o.via],
        { kind: 'add', id: this.o.nodeId, address: this.o.address, incarnation: this.o.incarnation, clusterId: this.o.clusterId },
        { timeoutMs: ATTEMPT_MS, credentials: this.o.credentials, token: this.o.token, signal: this.abort.signal },
      );
      this.o.logger.info({ members: after.members.map((m) => `${m.id}:${m.role}`) }, 'added as a learner; catching up');
    } catch (err) {
      if (this.stopped) return;
      const code = err instanceof RaftJobsError ? err.code : null;
      if (code === ErrorCode.AlreadyExists || code === ErrorCode.IllegalTransition || code === ErrorCode.InvalidArgument || code === ErrorCode.PermissionDenied || code === ErrorCode.Unauthenticated) {
        const hint = code === ErrorCode.Unauthenticated || code === ErrorCode.PermissionDenied ? ' (set RAFTJOBS_TOKEN to a token with the admin role, or add the node with `raftjobs members add` and start it with --join again)' : '';
        this.o.logger.error({ err, via: this.o.via }, 'the cluster refused to add this node');
        this.o.onRefused(new RaftJobsError(code, `join refused: ${err instanceof Error ? err.message : String(err)}${hint}`, {}, { cause: err }));
        return;
      }
      this.o.logger.warn({ err, via: this.o.via }, 'could not join yet; retrying');
    }
    // The add committed, or is still to be made: check again (the log names us once we caught up
    // to the add) and ask again if it still does not.
    this.timer = setTimeout(() => void this.attempt(), RETRY_MS);
    this.timer.unref();
  }
}
