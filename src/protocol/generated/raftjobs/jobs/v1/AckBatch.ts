// Original file: proto/jobs.proto

import type { Ack as _raftjobs_jobs_v1_Ack, Ack__Output as _raftjobs_jobs_v1_Ack__Output } from '../../../raftjobs/jobs/v1/Ack.js';

export interface AckBatch {
  'acks'?: (_raftjobs_jobs_v1_Ack)[];
}

export interface AckBatch__Output {
  'acks': (_raftjobs_jobs_v1_Ack__Output)[];
}
