// Original file: proto/jobs.proto

import type { QueueFlow as _raftjobs_jobs_v1_QueueFlow, QueueFlow__Output as _raftjobs_jobs_v1_QueueFlow__Output } from '../../../raftjobs/jobs/v1/QueueFlow.js';

export interface ListQueuesResponse {
  /**
   * Every queue with jobs or a policy, by name.
   */
  'queues'?: (_raftjobs_jobs_v1_QueueFlow)[];
}

export interface ListQueuesResponse__Output {
  /**
   * Every queue with jobs or a policy, by name.
   */
  'queues': (_raftjobs_jobs_v1_QueueFlow__Output)[];
}
