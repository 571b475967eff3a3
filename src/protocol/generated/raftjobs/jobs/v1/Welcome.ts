// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The server's answer to every Hello, once it is handled: for the first Hello of a stream, once the
 * worker is registered and the release of the leases it never received is committed (leases are
 * pushed only after it); for a later Hello (new capacity or queues), at once, with the same bounds.
 * A worker that gets no Welcome within a few seconds should try another node.
 */
export interface Welcome {
  /**
   * The session the leases of this stream are granted to (the Hello's, or one made up for it).
   */
  'sessionId'?: (string);
  /**
   * The leader's replicated time now.
   */
  'serverTimeMs'?: (number | string | Long);
  /**
   * Bounds the server holds every message on this stream to, so a worker can respect them by
   * construction: most leases in one HeartbeatRequest or ReleaseRequest (limits.maxBatchSize), most
   * bytes in one WorkerMessage (the server's receive limit; a larger message ends the stream with
   * RESOURCE_EXHAUSTED), most bytes in a CompleteRequest.result (limits.maxResultBytes), most
   * characters in a FailRequest.error (ProgressRequest.message is held to 256).
   */
  'maxLeasesPerMessage'?: (number);
  'maxMessageBytes'?: (number | string | Long);
  'maxResultBytes'?: (number | string | Long);
  'maxErrorLength'?: (number);
  /**
   * The server abandons the leases of a session whose stream broke without a goodbye (error,
   * cancel, keepalive timeout) once this long has passed without a Hello of the same session on a
   * new stream; likewise on a new leader, for sessions holding leases that have not said Hello
   * within this long of its term's start. Abandoned leases count as an attempt and go back to
   * ready in their old place (dead when it was the last). A clean end abandons at once.
   * server.workerConnectionGraceMs, default 10000.
   */
  'connectionGraceMs'?: (number | string | Long);
  /**
   * The version of the Jobs and Workers protocol the server speaks: 1 today. It changes only when
   * a message's meaning changes in a way an older client would get wrong (new fields and messages
   * do not change it).
   */
  'protocolVersion'?: (number);
  /**
   * The server's release (the raftjobs package version), for logs and support.
   */
  'serverVersion'?: (string);
}

/**
 * The server's answer to every Hello, once it is handled: for the first Hello of a stream, once the
 * worker is registered and the release of the leases it never received is committed (leases are
 * pushed only after it); for a later Hello (new capacity or queues), at once, with the same bounds.
 * A worker that gets no Welcome within a few seconds should try another node.
 */
export interface Welcome__Output {
  /**
   * The session the leases of this stream are granted to (the Hello's, or one made up for it).
   */
  'sessionId': (string);
  /**
   * The leader's replicated time now.
   */
  'serverTimeMs': (number);
  /**
   * Bounds the server holds every message on this stream to, so a worker can respect them by
   * construction: most leases in one HeartbeatRequest or ReleaseRequest (limits.maxBatchSize), most
   * bytes in one WorkerMessage (the server's receive limit; a larger message ends the stream with
   * RESOURCE_EXHAUSTED), most bytes in a CompleteRequest.result (limits.maxResultBytes), most
   * characters in a FailRequest.error (ProgressRequest.message is held to 256).
   */
  'maxLeasesPerMessage': (number);
  'maxMessageBytes': (number);
  'maxResultBytes': (number);
  'maxErrorLength': (number);
  /**
   * The server abandons the leases of a session whose stream broke without a goodbye (error,
   * cancel, keepalive timeout) once this long has passed without a Hello of the same session on a
   * new stream; likewise on a new leader, for sessions holding leases that have not said Hello
   * within this long of its term's start. Abandoned leases count as an attempt and go back to
   * ready in their old place (dead when it was the last). A clean end abandons at once.
   * server.workerConnectionGraceMs, default 10000.
   */
  'connectionGraceMs': (number);
  /**
   * The version of the Jobs and Workers protocol the server speaks: 1 today. It changes only when
   * a message's meaning changes in a way an older client would get wrong (new fields and messages
   * do not change it).
   */
  'protocolVersion': (number);
  /**
   * The server's release (the raftjobs package version), for logs and support.
   */
  'serverVersion': (string);
}
