// Original file: proto/jobs.proto

/**
 * What a throttle holds back (FailRequest.throttle).
 */
export const ThrottleScope = {
  /**
   * The same as KEY.
   */
  THROTTLE_SCOPE_UNSPECIFIED: 'THROTTLE_SCOPE_UNSPECIFIED',
  /**
   * The job's group key: no job of that key is leased until retry_after_ms has passed (a job
   * without a key: only this job).
   */
  THROTTLE_SCOPE_KEY: 'THROTTLE_SCOPE_KEY',
  /**
   * The job's whole queue.
   */
  THROTTLE_SCOPE_QUEUE: 'THROTTLE_SCOPE_QUEUE',
} as const;

/**
 * What a throttle holds back (FailRequest.throttle).
 */
export type ThrottleScope =
  /**
   * The same as KEY.
   */
  | 'THROTTLE_SCOPE_UNSPECIFIED'
  | 0
  /**
   * The job's group key: no job of that key is leased until retry_after_ms has passed (a job
   * without a key: only this job).
   */
  | 'THROTTLE_SCOPE_KEY'
  | 1
  /**
   * The job's whole queue.
   */
  | 'THROTTLE_SCOPE_QUEUE'
  | 2

/**
 * What a throttle holds back (FailRequest.throttle).
 */
export type ThrottleScope__Output = typeof ThrottleScope[keyof typeof ThrottleScope]
