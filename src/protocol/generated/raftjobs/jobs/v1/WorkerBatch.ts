// Original file: proto/jobs.proto

import type { WorkerMessage as _raftjobs_jobs_v1_WorkerMessage, WorkerMessage__Output as _raftjobs_jobs_v1_WorkerMessage__Output } from '../../../raftjobs/jobs/v1/WorkerMessage.js';

export interface WorkerBatch {
  'messages'?: (_raftjobs_jobs_v1_WorkerMessage)[];
}

export interface WorkerBatch__Output {
  'messages': (_raftjobs_jobs_v1_WorkerMessage__Output)[];
}
