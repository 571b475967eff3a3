// Original file: proto/jobs.proto

import type { ScheduleSpec as _raftjobs_jobs_v1_ScheduleSpec, ScheduleSpec__Output as _raftjobs_jobs_v1_ScheduleSpec__Output } from '../../../raftjobs/jobs/v1/ScheduleSpec.js';

export interface CreateScheduleRequest {
  'schedule'?: (_raftjobs_jobs_v1_ScheduleSpec | null);
}

export interface CreateScheduleRequest__Output {
  'schedule': (_raftjobs_jobs_v1_ScheduleSpec__Output | null);
}
