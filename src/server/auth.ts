import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { bearerToken, hasRole, readTokensFile, tokenListProblems, TokenTable, type AuthConfig, type Identity, type Role } from '../config/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { Meta } from '../protocol/index.js';

/** Metadata key of the caller's token (`Bearer <token>`); a follower forwards it unchanged. */
export const AUTHORIZATION = 'authorization';

const JOBS = '/raftjobs.jobs.v1.Jobs/';
const WORKERS = '/raftjobs.jobs.v1.Workers/';
const SCHEDULES = '/raftjobs.jobs.v1.Schedules/';
const QUEUES = '/raftjobs.jobs.v1.Queues/';
const ADMIN = '/raftjobs.admin.v1.Admin/';

/**
 * The role each method needs when auth is on (`admin` may call every one). proto/jobs.proto's
 * header and the README's "Authentication" section give the same table. Writes that create or
 * shape work need `submit`; what undoes or destroys it (cancel, retry of dead jobs, deleting a
 * schedule, bulk actions), what acts on a node (snapshot, leadership), a backup (it holds every
 * payload) and queue flow control (pause, limits: they shape what every worker gets) need `admin`.
 */
export const METHOD_ROLES: Readonly<Record<string, Role>> = {
  [`${JOBS}Submit`]: 'submit',
  [`${JOBS}SubmitStream`]: 'submit',
  [`${JOBS}Get`]: 'read',
  [`${JOBS}List`]: 'read',
  [`${JOBS}Stats`]: 'read',
  [`${JOBS}WaitForResult`]: 'read',
  [`${JOBS}Watch`]: 'read',
  [`${JOBS}Cancel`]: 'admin',
  [`${JOBS}RetryDead`]: 'admin',
  [`${JOBS}Bulk`]: 'admin',
  [`${WORKERS}Work`]: 'work',
  [`${WORKERS}Lease`]: 'work',
  [`${WORKERS}Heartbeat`]: 'work',
  [`${WORKERS}Progress`]: 'work',
  [`${WORKERS}Complete`]: 'work',
  [`${WORKERS}Fail`]: 'work',
  [`${SCHEDULES}Create`]: 'submit',
  [`${SCHEDULES}Update`]: 'submit',
  [`${SCHEDULES}Pause`]: 'submit',
  [`${SCHEDULES}Resume`]: 'submit',
  [`${SCHEDULES}Trigger`]: 'submit',
  [`${SCHEDULES}Get`]: 'read',
  [`${SCHEDULES}List`]: 'read',
  [`${SCHEDULES}Delete`]: 'admin',
  // Reading a queue's flow control is a read; changing it shapes what every worker gets.
  [`${QUEUES}Get`]: 'read',
  [`${QUEUES}List`]: 'read',
  [`${QUEUES}Set`]: 'admin',
  [`${QUEUES}Pause`]: 'admin',
  [`${QUEUES}Resume`]: 'admin',
  [`${ADMIN}Status`]: 'read',
  [`${ADMIN}Workers`]: 'read',
  [`${ADMIN}Snapshot`]: 'admin',
  [`${ADMIN}Backup`]: 'admin',
  [`${ADMIN}TransferLeadership`]: 'admin',
  [`${ADMIN}Members`]: 'read',
  [`${ADMIN}AddMember`]: 'admin',
  [`${ADMIN}PromoteMember`]: 'admin',
  [`${ADMIN}RemoveMember`]: 'admin',
};

/** Services that need a token; the peer Raft service and grpc.health.v1 stay open. */
const GUARDED = [JOBS, WORKERS, SCHEDULES, QUEUES, ADMIN];

/** The role `path` needs: null for an open service; `admin` for a guarded method missing from the table (fail closed). */
export function requiredRole(path: string): Role | null {
  const role = METHOD_ROLES[path];
  if (role !== undefined) return role;
  return GUARDED.some((prefix) => path.startsWith(prefix)) ? 'admin' : null;
}

/**
 * A node's token check. It holds the tokens in effect (the config's inline ones and its tokens
 * file's), answers who a token belongs to, and guards every call of the client services through
 * its gRPC server interceptor. `reload` rereads the tokens file.
 */
export class NodeAuth {
  private table: TokenTable;
  /** Bumped by every reload, so open streams know to check their token again. */
  private generation = 0;

  constructor(
    private readonly config: AuthConfig,
    private readonly logger: Logger,
  ) {
    this.table = new TokenTable([...config.tokens, ...config.fileTokens]);
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  /** The holder of `token`, or null. */
  authenticate(token: string): Identity | null {
    return this.table.authenticate(token);
  }

  /**
   * Reread `auth.tokensFile` and use its tokens (with the inline ones) from now on: new calls of a
   * removed token are refused at once, and an open stream of it ends at its next message. On any
   * problem the tokens stay as they were.
   *
   * @throws RaftJobsError CONFIG_INVALID listing every problem.
   */
  reload(): { readonly tokens: number; readonly file: string | null } {
    const file = this.config.tokensFile;
    if (file === null) return { tokens: this.table.size, file };
    const read = readTokensFile(file);
    const problems = read.ok ? tokenListProblems([...this.config.tokens, ...read.tokens]) : [...read.problems];
    if (!read.ok || problems.length > 0) {
      throw new RaftJobsError(ErrorCode.ConfigInvalid, `auth.tokensFile: not reloaded, the old tokens stay: ${problems.join('; ')}`, { path: file, problems });
    }
    this.table = new TokenTable([...this.config.tokens, ...read.tokens]);
    this.generation++;
    return { tokens: this.table.size, file };
  }

  /** Why a call of `path` with `metadata` is refused, or null when it may go on. */
  refusal(path: string, metadata: grpc.Metadata): RaftJobsError | null {
    if (!this.config.enabled) return null;
    const role = requiredRole(path);
    if (role === null) return null;
    const values = metadata.get(AUTHORIZATION);
    const header = values.length === 1 && typeof values[0] === 'string' ? values[0] : null;
    const token = bearerToken(header);
    if (token === null) return new RaftJobsError(ErrorCode.Unauthenticated, `${path}: a token is required (metadata "authorization: Bearer <token>")`);
    const identity = this.table.authenticate(token);
    if (identity === null) return new RaftJobsError(ErrorCode.Unauthenticated, `${path}: the token is not valid (unknown or revoked)`);
    if (!hasRole(identity, role)) {
      return new RaftJobsError(ErrorCode.PermissionDenied, `${path}: token ${JSON.stringify(identity.name)} lacks the ${role} role (it has ${identity.roles.join(', ')})`);
    }
    return null;
  }

  /** The server interceptor: refuses calls before any handler runs, so nothing reaches the log. */
  readonly interceptor: grpc.ServerInterceptor = (method, call) => new AuthGuard(this, method.path, call);

  /** @internal the generation of the tokens, for `AuthGuard`. */
  get tokensGeneration(): number {
    return this.generation;
  }

  /** @internal */
  logRefusal(path: string, err: RaftJobsError): void {
    this.logger.info({ method: path, code: err.code, reason: err.message }, 'call refused');
  }
}

/** The status of a refusal, with `x-error-code`. */
function refusalStatus(err: RaftJobsError): Parameters<grpc.ServerInterceptingCallInterface['sendStatus']>[0] {
  const md = new grpc.Metadata();
  md.set(Meta.ErrorCode, err.code);
  return { code: err.code === ErrorCode.PermissionDenied ? grpc.status.PERMISSION_DENIED : grpc.status.UNAUTHENTICATED, details: err.message, metadata: md };
}

/**
 * One call under `NodeAuth`: checked when its metadata arrives (a refused call never reaches its
 * handler), and a stream checked again at its next message after the tokens were reloaded.
 */
class AuthGuard extends grpc.ServerInterceptingCall {
  private refused = false;
  private metadata: grpc.Metadata | null = null;
  private checkedGeneration: number;
  /** The handler's side of the call (grpc-js does not export its type). */
  private handler: { onCancel(): void } | null = null;

  constructor(auth: NodeAuth, path: string, call: grpc.ServerInterceptingCallInterface) {
    super(call, {
      start: (next) => {
        next({
          onReceiveMetadata: (metadata: grpc.Metadata, pass: (metadata: grpc.Metadata) => void) => {
            const err = auth.refusal(path, metadata);
            if (err !== null) {
              this.refuse(auth, path, call, err);
              return;
            }
            this.metadata = metadata;
            pass(metadata);
          },
          onReceiveMessage: (message: unknown, pass: (message: unknown) => void) => {
            if (this.refused) return;
            if (this.metadata !== null && auth.tokensGeneration !== this.checkedGeneration) {
              this.checkedGeneration = auth.tokensGeneration;
              const err = auth.refusal(path, this.metadata);
              if (err !== null) {
                this.refuse(auth, path, call, err);
                // The handler already runs on a stream: it must learn that the call is over.
                this.handler?.onCancel();
                return;
              }
            }
            pass(message);
          },
          onReceiveHalfClose: (pass: () => void) => {
            if (!this.refused) pass();
          },
        });
      },
    });
    this.checkedGeneration = auth.tokensGeneration;
  }

  private refuse(auth: NodeAuth, path: string, call: grpc.ServerInterceptingCallInterface, err: RaftJobsError): void {
    this.refused = true;
    auth.logRefusal(path, err);
    call.sendStatus(refusalStatus(err));
  }

  override start(listener: Parameters<grpc.ServerInterceptingCall['start']>[0]): void {
    this.handler = listener;
    super.start(listener);
  }
}
