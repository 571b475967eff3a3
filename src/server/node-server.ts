import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { findNode, nodeDataDir, peerDialAddresses, type Config } from '../config/index.js';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import type { JobsOptions } from '../jobs/index.js';
import { JobNode } from '../node/index.js';
import { nodeTlsFiles } from '../tls/index.js';
import { LogMessage } from '../observability/index.js';
import { openLevelStorage, type RaftStorage } from '../storage/index.js';
import { GrpcTransport, peerServerOptions } from '../transport/index.js';
import { addAdminService } from './admin-service.js';
import { NodeAuth } from './auth.js';
import { rejectUndecodable } from './errors.js';
import { FileWatch } from './file-watch.js';
import { addJobsServices } from './jobs-service.js';
import { NodeObservability } from './observability.js';
import { NodeTls, type TlsReload } from './node-tls.js';
import { JoinRunner } from './join.js';
import { PeerDirectory } from './peer-directory.js';
import { MAX_GRPC_MESSAGE_BYTES } from '../limits/index.js';

/** What asked for a reload, as logged. */
export type ReloadTrigger = 'SIGHUP' | 'file change';

/** A running node process's parts, for orderly shutdown. */
export interface RunningNode {
  readonly node: JobNode;
  readonly server: grpc.Server;
  readonly storage: RaftStorage;
  readonly address: string;
  /**
   * Reread what may change while running: the TLS certificate, key and CA (see `NodeTls.reload`;
   * streams and connections stay open) and the tokens of `auth.tokensFile`. A part that fails
   * keeps what it had; the promise rejects with the tokens' problems (CONFIG_INVALID), and a
   * refused TLS reload is logged and reported in the result. `trigger` goes into the log lines:
   * `SIGHUP` (the default), or `file change` when the node's watch of those files
   * (`server.fileWatchIntervalMs`) calls it.
   */
  reload(trigger?: ReloadTrigger): Promise<{ readonly tls: TlsReload }>;
  /** Ordered, idempotent shutdown; resolves when everything is closed. */
  shutdown(reason: string): Promise<void>;
}

/** The job state machine's options from a config (every node of a cluster uses the same). */
export function jobsOptions(config: Config): Partial<JobsOptions> {
  return {
    maxPayloadBytes: config.limits.maxPayloadBytes,
    maxResultBytes: config.limits.maxResultBytes,
    maxJobsPerSubmit: config.limits.maxBatchSize,
    maxLeaseBatch: config.limits.maxBatchSize,
    maxQueueNameLength: config.limits.maxQueueNameLength,
    maxIdempotencyKeyLength: config.limits.maxKeyLength,
    idempotencyWindowMs: config.jobs.idempotencyWindowMs,
    defaultLeaseTtlMs: config.jobs.defaultLeaseTtlMs,
    defaultMaxAttempts: config.jobs.defaultMaxAttempts,
    retention: { succeededMs: config.jobs.retention.succeededMs, cancelledMs: config.jobs.retention.cancelledMs, deadMs: config.jobs.retention.deadMs },
    maxSucceeded: config.jobs.retention.maxSucceeded,
    maxCancelled: config.jobs.retention.maxCancelled,
    maxDead: config.jobs.retention.maxDead,
    queueRetention: config.jobs.retention.queues,
    maxPurgedJobKeys: config.jobs.retention.maxPurgedJobKeys,
  };
}

/** How a node starts beyond its config. */
export interface StartOptions {
  /**
   * Join a running cluster through the node at this address (`raftjobs node --join`): a node with
   * an empty data directory starts outside the membership and asks the leader to add it as a
   * learner (AddMember, with the token in `RAFTJOBS_TOKEN` when auth is on), then learns the
   * membership from the log. Ignored (with a log line) when the data directory already holds state.
   */
  readonly join?: string;
}

/**
 * Open the node's storage, start Raft, and serve gRPC (peers, admin, jobs, workers) on its
 * address. Fails before binding when the data directory is refused.
 */
export async function startNode(
  config: Config,
  nodeId: string,
  logger: Logger,
  onFatal: (err: Error) => void,
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: StartOptions = {},
): Promise<RunningNode> {
  const me = findNode(config, nodeId);
  const overrides = peerDialAddresses(config, nodeId, env);
  const dir = nodeDataDir(config, nodeId);
  // The files reload rereads are also watched, so a rotation needs no signal. The watch takes
  // their baseline now, before the TLS files are read (the tokens file was read with the config
  // a moment ago), so a change while the node starts is seen at its first look.
  let reload: (trigger?: ReloadTrigger) => Promise<{ readonly tls: TlsReload }> = () => Promise.resolve({ tls: { ok: true, secure: false } });
  const tlsFiles = config.tls === undefined ? null : nodeTlsFiles(config.tls, nodeId);
  const watched = [...(tlsFiles === null ? [] : [tlsFiles.caFile, tlsFiles.certFile, tlsFiles.keyFile]), ...(config.auth.tokensFile === null ? [] : [config.auth.tokensFile])];
  const watch = config.server.fileWatchIntervalMs > 0 ? new FileWatch({ paths: watched, intervalMs: config.server.fileWatchIntervalMs, onChange: () => reload('file change'), logger }) : null;
  const tls = NodeTls.open(config, nodeId, logger.child({ component: 'tls' }));
  const storage = await openLevelStorage({ dir, clusterId: config.clusterId, nodeId });
  // A node joining starts outside the membership and learns it from the leader; one that already
  // holds state goes on from what it holds (the config's nodes only bootstrap a new cluster).
  const joining = options.join !== undefined && isEmpty(await storage.load());
  if (options.join !== undefined && !joining) logger.info({ join: options.join }, '--join ignored: the data directory already holds this node\'s state');
  const peers = joining ? new Map<string, string>() : overrides;
  const authenticatePeer = tls.authenticatePeer();
  const transport = new GrpcTransport({
    credentials: (peer) => tls.dial(peer),
    ...(authenticatePeer === undefined ? {} : { authenticatePeer }),
    clusterId: config.clusterId,
    selfId: nodeId,
    selfAddress: me.address,
    peers,
    logger: logger.child({ component: 'transport' }),
    maxMessageBytes: config.limits.maxPeerMessageBytes,
  });
  const r = config.raft;
  const obs = new NodeObservability(config, nodeId, logger, tls.dial, tls.httpTls(config.http.requireClientCertificate));
  let node: JobNode;
  try {
    node = await JobNode.start({
      id: nodeId,
      voters: joining ? [] : config.nodes.map((n) => n.id),
      addresses: Object.fromEntries(config.nodes.map((n) => [n.id, n.address])),
      autoPromote: config.membership.autoPromote,
      storage,
      transport,
      logger,
      tickMs: r.tickMs,
      electionTicks: r.electionTicks,
      heartbeatTicks: r.heartbeatTicks,
      maxAppendEntries: r.maxAppendEntries,
      maxAppendBytes: r.maxAppendBytes,
      maxEntryBytes: config.limits.maxEntryBytes,
      maxInflight: r.maxInflight,
      preVote: r.preVote,
      checkQuorum: r.checkQuorum,
      snapshotEntries: r.snapshotEntries,
      snapshotTailEntries: r.snapshotTailEntries,
      snapshotBytes: r.snapshotBytes,
      leaseGraceMs: 2 * r.electionTimeoutMaxMs,
      workerConnectionGraceMs: config.server.workerConnectionGraceMs,
      guards: {
        maxBacklogJobs: config.limits.maxBacklogJobs,
        maxBacklogPayloadBytes: config.limits.maxBacklogPayloadBytes,
        minFreeDiskBytes: config.limits.minFreeDiskBytes,
        dataDir: dir,
        diskCheckIntervalMs: config.server.diskCheckIntervalMs,
      },
      jobs: jobsOptions(config),
      watch: config.watch,
      onFatal,
      metrics: obs.metrics,
      jobFlow: obs.metrics,
    });
  } catch (err) {
    await storage.close();
    throw err;
  }

  // Peers follow the membership: members added later are dialled at the address they were added
  // with, removed ones dropped; a node outside the membership (joining) hears from any sender.
  const directory = new PeerDirectory(config, nodeId, () => node.membership(), overrides);
  // Every node of the cluster is heard, listed or not (Raft handles a message without asking
  // whether its sender is a member, thesis §4.1): a node replaying an older membership, one joining
  // or one on an empty disk must still hear the leader, and it dials the leader back at the address
  // the handshake gave. The cluster id (and with TLS the certificate) still admits only this
  // cluster's nodes.
  const syncPeers = (): void => transport.setPeers(directory.peers(), { acceptUnlisted: true });
  syncPeers();
  const offMembership = node.onMembershipChange(syncPeers);

  // One server for peers and clients, so one receive limit: the peer frame limit plus framing.
  // Client requests within it that would not fit in a log entry are refused by the handlers.
  const auth = new NodeAuth(config.auth, logger.child({ component: 'auth' }));
  const serverOptions = nodeServerOptions(config, auth);
  const server = new grpc.Server(serverOptions);
  transport.addToServer(server);
  const jobsApi = addJobsServices(server, {
    node,
    config,
    logger,
    addresses: directory,
    dial: tls.dial,
    maxMessageBytes: serverOptions['grpc.max_receive_message_length'] as number,
  });
  addAdminService(server, { node, clusterId: config.clusterId, address: me.address, addresses: directory.clients, logger, workers: node.workers });
  obs.addHealth(server, node, node.workers, transport);
  try {
    await new Promise<number>((resolve, reject) =>
      server.bindAsync(me.address, tls.serverCredentials(), (err, port) => (err ? reject(err) : resolve(port))),
    );
  } catch (err) {
    await node.stop();
    await storage.close();
    throw new RaftJobsError(ErrorCode.ConfigInvalid, `cannot listen on ${me.address}: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
  }
  let httpAddress: string | null;
  try {
    httpAddress = await obs.startHttp(node, node.workers, auth);
  } catch (err) {
    await obs.close();
    await node.stop();
    jobsApi.close();
    server.forceShutdown();
    await storage.close();
    throw err;
  }
  logger.info({ address: me.address, httpAddress, dataDir: dir, pid: process.pid, tls: tls.secure }, LogMessage.NodeReady);
  const join = joining && options.join !== undefined
    ? new JoinRunner({ node, clusterId: config.clusterId, nodeId, address: me.address, via: options.join, incarnation: storage.incarnation, credentials: tls.dial(null), token: env['RAFTJOBS_TOKEN'], logger: logger.child({ component: 'join' }), onRefused: onFatal })
    : null;
  join?.start();

  reload = (trigger: ReloadTrigger = 'SIGHUP'): Promise<{ readonly tls: TlsReload }> => {
    const tlsResult = tls.reload(trigger);
    try {
      const { tokens, file } = auth.reload();
      logger.info({ tokens, tokensFile: file, trigger }, file === null ? 'reload: no auth.tokensFile to reread (inline tokens change on restart)' : 'tokens reloaded');
      return Promise.resolve({ tls: tlsResult });
    } catch (err) {
      logger.error({ err, trigger }, 'reload failed; the old tokens stay');
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  };
  watch?.start();

  let closing: Promise<void> | null = null;
  const shutdown = (reason: string): Promise<void> => {
    closing ??= (async () => {
      logger.info({ reason }, 'shutting down');
      join?.stop();
      offMembership();
      watch?.stop();
      await obs.close();
      await handOver(node, logger, r.electionTimeoutMaxMs);
      await node.stop();
      jobsApi.close();
      await shutdownServer(server, 1000);
      await storage.close();
      logger.info('shutdown complete');
    })();
    return closing;
  };
  return { node, server, storage, address: me.address, reload, shutdown };
}

/**
 * Options of the node's gRPC server. Keepalive: the server pings every connection (peers, clients,
 * workers) every `server.keepaliveTimeMs` and closes it when a ping goes unanswered for
 * `server.keepaliveTimeoutMs`, so a worker whose process or host died without closing its socket
 * is noticed in seconds (about 15 s by default) and its session's connection grace starts then,
 * rather than its leases running to their TTL. Clients may ping the server as often as they like
 * (grpc-js servers enforce no minimum ping interval; the SDK pings every 10 s, also without calls).
 */
export function nodeServerOptions(config: Config, auth?: NodeAuth): grpc.ServerOptions {
  return {
    ...peerServerOptions(config.limits.maxPeerMessageBytes),
    'grpc.max_send_message_length': MAX_GRPC_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': config.server.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': config.server.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    // Calls without a valid token for their role are refused before anything else looks at them;
    // requests that do not decode get INVALID_ARGUMENT, not grpc-js's INTERNAL.
    interceptors: auth?.enabled === true ? [auth.interceptor, rejectUndecodable] : [rejectUndecodable],
  };
}

/**
 * No log on disk yet: no entry and no snapshot, so no membership either (a new data directory, or
 * one that only saw terms go by: a node refused for a lost disk, say, before it was added again).
 */
function isEmpty(stored: Awaited<ReturnType<RaftStorage['load']>>): boolean {
  return stored.entries.length === 0 && stored.snapshot === null;
}

/** A leader about to stop hands leadership to a caught-up follower, so clients see no election gap. */
async function handOver(node: JobNode, logger: Logger, timeoutMs: number): Promise<void> {
  const to = await node.handOver(timeoutMs);
  if (to !== null) logger.info({ to, transferred: !node.isLeader() }, 'leadership handed over before shutdown');
}

/** grpc-js `tryShutdown` can wait forever on open streams: race it, then force. */
function shutdownServer(server: grpc.Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    timer.unref();
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
