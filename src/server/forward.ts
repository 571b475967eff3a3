import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { Meta } from '../protocol/index.js';
import type { JobNode } from '../node/index.js';
import { MAX_GRPC_MESSAGE_BYTES } from '../limits/index.js';
import { AUTHORIZATION } from './auth.js';
import type { AddressBook } from './peer-directory.js';

/** Metadata a node sets on a call it forwards, so the leader never forwards it again. */
export const FORWARDED = 'x-forwarded-by';

/**
 * Forwards unary calls from a follower to the current leader, one hop, within the caller's
 * deadline. Channels to peers are created lazily and kept.
 */
export class LeaderForwarder {
  private readonly clients = new Map<string, grpc.Client>();

  constructor(
    private readonly node: JobNode,
    private readonly selfId: string,
    /** Client addresses of every member, as told to callers in leader hints. */
    private readonly addresses: AddressBook,
    /** Where this node dials its peers (the members', or a proxy in chaos runs). */
    private readonly dialAddresses: AddressBook = addresses,
    /** Credentials to dial node `id` with. Default: plaintext. */
    private readonly dial: (id: string) => grpc.ChannelCredentials = () => grpc.credentials.createInsecure(),
  ) {}

  /** Where to dial the leader, if one is known. */
  private leaderDialAddress(): { readonly id: string; readonly address: string } | null {
    const id = this.node.leader();
    const address = id === null ? undefined : this.dialAddresses.get(id);
    return id === null || address === undefined ? null : { id, address };
  }

  /** The error a non-leader answers with when it will not (or cannot) forward. */
  notLeader(): RaftJobsError {
    const leaderId = this.node.leader();
    if (leaderId === null) return new RaftJobsError(ErrorCode.NoLeader, 'no leader is known yet; retry shortly', { leaderId: null });
    return new RaftJobsError(ErrorCode.NotLeader, `node ${this.selfId} is not the leader; the leader is ${leaderId}`, {
      leaderId,
      leaderAddress: this.addresses.get(leaderId) ?? null,
    });
  }

  /** The leader's client address (as in the config), if one is known. */
  private leaderHint(): string | null {
    const id = this.node.leader();
    return id === null ? null : (this.addresses.get(id) ?? null);
  }

  /** Add the leader's address to a NOT_LEADER error that names only its id. */
  withHint(err: unknown): unknown {
    if (err instanceof RaftJobsError && err.details.leaderId && !err.details.leaderAddress) {
      const leaderAddress = this.addresses.get(err.details.leaderId) ?? null;
      return new RaftJobsError(err.code, err.message, { ...err.details, leaderAddress }, { cause: err.cause });
    }
    return err;
  }

  /**
   * Should this call be forwarded? Only calls that did not arrive forwarded, on a node that is
   * not the leader, while a leader is known.
   */
  shouldForward(call: grpc.ServerUnaryCall<unknown, unknown>): boolean {
    return !this.node.isLeader() && this.node.leader() !== null && call.metadata.get(FORWARDED).length === 0;
  }

  /** Forward `call` (a unary call of `method`) to the leader and relay the answer. */
  forward<ReqIn, ResIn, ReqOut extends ReqIn, ResOut extends ResIn>(method: MethodDefinition<ReqIn, ResIn, ReqOut, ResOut>, call: grpc.ServerUnaryCall<ReqOut, ResIn>, cb: grpc.sendUnaryData<ResIn>): void {
    const leader = this.leaderDialAddress();
    if (leader === null) {
      cb(Object.assign(new Error('no leader'), { code: grpc.status.UNAVAILABLE }));
      return;
    }
    const { id, address } = leader;
    // Keyed by id and address: over TLS the channel checks it reaches that very node.
    const key = `${id}@${address}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new grpc.Client(address, this.dial(id), {
        'grpc.max_receive_message_length': MAX_GRPC_MESSAGE_BYTES,
        'grpc.max_send_message_length': MAX_GRPC_MESSAGE_BYTES,
      });
      this.clients.set(key, client);
    }
    const md = new grpc.Metadata();
    md.set(FORWARDED, this.selfId);
    // The caller's identity, not this node's: the leader checks the token again.
    for (const value of call.metadata.get(AUTHORIZATION)) md.add(AUTHORIZATION, value);
    const callerDeadline = call.getDeadline();
    const deadline = callerDeadline instanceof Date || typeof callerDeadline === 'number' ? callerDeadline : Date.now() + 10_000;
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      call.request,
      md,
      { deadline: deadline === Infinity ? Date.now() + 10_000 : deadline },
      (err, res) => {
        if (err) {
          cb(err);
          return;
        }
        // Tell the caller where the leader is, so its next call skips this hop.
        const trailer = new grpc.Metadata();
        const hint = this.leaderHint();
        if (hint) trailer.set(Meta.LeaderAddress, hint);
        cb(null, res, trailer);
      },
    );
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
