// Original file: proto/jobs.proto

import type { Backoff as _raftjobs_jobs_v1_Backoff, Backoff__Output as _raftjobs_jobs_v1_Backoff__Output } from '../../../raftjobs/jobs/v1/Backoff.js';
import type { Long } from '@grpc/proto-loader';

/**
 * What each job of a schedule looks like: a JobSpec's fields without the timing and key (the
 * schedule sets those). Same ranges and defaults as in JobSpec.
 */
export interface ScheduleTemplate {
  /**
   * [A-Za-z0-9._:-], 1..128 characters. Required.
   */
  'queue'?: (string);
  /**
   * At most 1 MiB; every job of the schedule gets these bytes.
   */
  'payload'?: (Buffer | Uint8Array | string);
  /**
   * Any int32; default 0.
   */
  'priority'?: (number);
  /**
   * 1..1000; 0 means the server default, 3.
   */
  'maxAttempts'?: (number);
  /**
   * Unset: the server default (see Backoff).
   */
  'backoff'?: (_raftjobs_jobs_v1_Backoff | null);
  /**
   * 100 ms..24 h; 0 means the server default, 30 s.
   */
  'leaseTtlMs'?: (number | string | Long);
  /**
   * As JobSpec.retention_ms: unset means the queue's or the state's default.
   */
  'retentionMs'?: (number | string | Long);
  '_retentionMs'?: "retentionMs";
}

/**
 * What each job of a schedule looks like: a JobSpec's fields without the timing and key (the
 * schedule sets those). Same ranges and defaults as in JobSpec.
 */
export interface ScheduleTemplate__Output {
  /**
   * [A-Za-z0-9._:-], 1..128 characters. Required.
   */
  'queue': (string);
  /**
   * At most 1 MiB; every job of the schedule gets these bytes.
   */
  'payload': (Buffer);
  /**
   * Any int32; default 0.
   */
  'priority': (number);
  /**
   * 1..1000; 0 means the server default, 3.
   */
  'maxAttempts': (number);
  /**
   * Unset: the server default (see Backoff).
   */
  'backoff': (_raftjobs_jobs_v1_Backoff__Output | null);
  /**
   * 100 ms..24 h; 0 means the server default, 30 s.
   */
  'leaseTtlMs': (number);
  /**
   * As JobSpec.retention_ms: unset means the queue's or the state's default.
   */
  'retentionMs'?: (number);
  '_retentionMs'?: "retentionMs";
}
