// Original file: proto/jobs.proto

/**
 * A bulk action (Jobs.Bulk).
 */
export const BulkAction = {
  /**
   * Not an action: INVALID_ARGUMENT.
   */
  BULK_ACTION_UNSPECIFIED: 'BULK_ACTION_UNSPECIFIED',
  /**
   * Dead jobs become ready again, each with its max_attempts more attempts.
   */
  BULK_ACTION_RETRY_DEAD: 'BULK_ACTION_RETRY_DEAD',
  /**
   * Scheduled, ready and leased jobs are cancelled (a leased job's token turns stale).
   */
  BULK_ACTION_CANCEL: 'BULK_ACTION_CANCEL',
  /**
   * Succeeded, dead, cancelled, scheduled and ready jobs are removed for good (their idempotency
   * keys still deduplicate within their window). Leased jobs are never purged.
   */
  BULK_ACTION_PURGE: 'BULK_ACTION_PURGE',
} as const;

/**
 * A bulk action (Jobs.Bulk).
 */
export type BulkAction =
  /**
   * Not an action: INVALID_ARGUMENT.
   */
  | 'BULK_ACTION_UNSPECIFIED'
  | 0
  /**
   * Dead jobs become ready again, each with its max_attempts more attempts.
   */
  | 'BULK_ACTION_RETRY_DEAD'
  | 1
  /**
   * Scheduled, ready and leased jobs are cancelled (a leased job's token turns stale).
   */
  | 'BULK_ACTION_CANCEL'
  | 2
  /**
   * Succeeded, dead, cancelled, scheduled and ready jobs are removed for good (their idempotency
   * keys still deduplicate within their window). Leased jobs are never purged.
   */
  | 'BULK_ACTION_PURGE'
  | 3

/**
 * A bulk action (Jobs.Bulk).
 */
export type BulkAction__Output = typeof BulkAction[keyof typeof BulkAction]
