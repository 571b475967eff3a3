// Original file: proto/jobs.proto

import type { QueueStats as _raftjobs_jobs_v1_QueueStats, QueueStats__Output as _raftjobs_jobs_v1_QueueStats__Output } from '../../../raftjobs/jobs/v1/QueueStats.js';

export interface StatsResponse {
  'queues'?: (_raftjobs_jobs_v1_QueueStats)[];
}

export interface StatsResponse__Output {
  'queues': (_raftjobs_jobs_v1_QueueStats__Output)[];
}
