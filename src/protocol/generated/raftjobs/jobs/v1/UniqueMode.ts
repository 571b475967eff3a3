// Original file: proto/jobs.proto

/**
 * How JobSpec.unique compares submits.
 */
export const UniqueMode = {
  /**
   * Not a mode: a Unique with it is INVALID_ARGUMENT.
   */
  UNIQUE_MODE_UNSPECIFIED: 'UNIQUE_MODE_UNSPECIFIED',
  /**
   * While the job submitted with this key (in this queue) is not finished (scheduled, ready or
   * leased), another submit with the key creates nothing and answers that job
   * (SubmittedJob.duplicate=true, as for an idempotency key). Once it finished, the next submit
   * creates a new job and the key names that one.
   */
  UNIQUE_MODE_ACTIVE: 'UNIQUE_MODE_ACTIVE',
  /**
   * While the job submitted with this key is still pending (scheduled or ready, never leased)
   * and less than its window has passed since it was submitted or last replaced, another submit
   * with the key replaces its payload, priority and run time (from the new submit's delay_ms or
   * run_at_ms), takes the new submit's window, and answers it (SubmittedJob.duplicate and
   * replaced true; its other settings stay). Otherwise a new job is created and the key names it
   * (an older job the key named runs on, unnamed). Use it to collapse bursts of updates into one
   * job that runs once the burst is over: submit each with delay_ms = the quiet time wanted.
   */
  UNIQUE_MODE_DEBOUNCE: 'UNIQUE_MODE_DEBOUNCE',
} as const;

/**
 * How JobSpec.unique compares submits.
 */
export type UniqueMode =
  /**
   * Not a mode: a Unique with it is INVALID_ARGUMENT.
   */
  | 'UNIQUE_MODE_UNSPECIFIED'
  | 0
  /**
   * While the job submitted with this key (in this queue) is not finished (scheduled, ready or
   * leased), another submit with the key creates nothing and answers that job
   * (SubmittedJob.duplicate=true, as for an idempotency key). Once it finished, the next submit
   * creates a new job and the key names that one.
   */
  | 'UNIQUE_MODE_ACTIVE'
  | 1
  /**
   * While the job submitted with this key is still pending (scheduled or ready, never leased)
   * and less than its window has passed since it was submitted or last replaced, another submit
   * with the key replaces its payload, priority and run time (from the new submit's delay_ms or
   * run_at_ms), takes the new submit's window, and answers it (SubmittedJob.duplicate and
   * replaced true; its other settings stay). Otherwise a new job is created and the key names it
   * (an older job the key named runs on, unnamed). Use it to collapse bursts of updates into one
   * job that runs once the burst is over: submit each with delay_ms = the quiet time wanted.
   */
  | 'UNIQUE_MODE_DEBOUNCE'
  | 2

/**
 * How JobSpec.unique compares submits.
 */
export type UniqueMode__Output = typeof UniqueMode[keyof typeof UniqueMode]
