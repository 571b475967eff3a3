// Original file: proto/jobs.proto

import type { LeaseBatch as _raftjobs_jobs_v1_LeaseBatch, LeaseBatch__Output as _raftjobs_jobs_v1_LeaseBatch__Output } from '../../../raftjobs/jobs/v1/LeaseBatch.js';
import type { Ack as _raftjobs_jobs_v1_Ack, Ack__Output as _raftjobs_jobs_v1_Ack__Output } from '../../../raftjobs/jobs/v1/Ack.js';
import type { HeartbeatResponse as _raftjobs_jobs_v1_HeartbeatResponse, HeartbeatResponse__Output as _raftjobs_jobs_v1_HeartbeatResponse__Output } from '../../../raftjobs/jobs/v1/HeartbeatResponse.js';
import type { AckBatch as _raftjobs_jobs_v1_AckBatch, AckBatch__Output as _raftjobs_jobs_v1_AckBatch__Output } from '../../../raftjobs/jobs/v1/AckBatch.js';
import type { Welcome as _raftjobs_jobs_v1_Welcome, Welcome__Output as _raftjobs_jobs_v1_Welcome__Output } from '../../../raftjobs/jobs/v1/Welcome.js';
import type { Long } from '@grpc/proto-loader';

export interface ServerMessage {
  'leases'?: (_raftjobs_jobs_v1_LeaseBatch | null);
  'ack'?: (_raftjobs_jobs_v1_Ack | null);
  'heartbeat'?: (_raftjobs_jobs_v1_HeartbeatResponse | null);
  /**
   * Set with heartbeat: the request it answers.
   */
  'requestId'?: (number | string | Long);
  /**
   * Several acks at once; only to a worker whose Hello set batch_acks.
   */
  'acks'?: (_raftjobs_jobs_v1_AckBatch | null);
  /**
   * The answer to every Hello on the stream.
   */
  'welcome'?: (_raftjobs_jobs_v1_Welcome | null);
  'body'?: "leases"|"ack"|"heartbeat"|"acks"|"welcome";
}

export interface ServerMessage__Output {
  'leases'?: (_raftjobs_jobs_v1_LeaseBatch__Output | null);
  'ack'?: (_raftjobs_jobs_v1_Ack__Output | null);
  'heartbeat'?: (_raftjobs_jobs_v1_HeartbeatResponse__Output | null);
  /**
   * Set with heartbeat: the request it answers.
   */
  'requestId': (number);
  /**
   * Several acks at once; only to a worker whose Hello set batch_acks.
   */
  'acks'?: (_raftjobs_jobs_v1_AckBatch__Output | null);
  /**
   * The answer to every Hello on the stream.
   */
  'welcome'?: (_raftjobs_jobs_v1_Welcome__Output | null);
  'body'?: "leases"|"ack"|"heartbeat"|"acks"|"welcome";
}
