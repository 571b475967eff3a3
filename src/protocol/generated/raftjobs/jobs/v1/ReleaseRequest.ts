// Original file: proto/jobs.proto

import type { LeaseRef as _raftjobs_jobs_v1_LeaseRef, LeaseRef__Output as _raftjobs_jobs_v1_LeaseRef__Output } from '../../../raftjobs/jobs/v1/LeaseRef.js';

export interface ReleaseRequest {
  /**
   * 1..Welcome.max_leases_per_message.
   */
  'leases'?: (_raftjobs_jobs_v1_LeaseRef)[];
}

export interface ReleaseRequest__Output {
  /**
   * 1..Welcome.max_leases_per_message.
   */
  'leases': (_raftjobs_jobs_v1_LeaseRef__Output)[];
}
