// Original file: proto/jobs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * What happens to slots missed while no leader could fire them (see "Missed slots" at the
 * Schedules service).
 */
export interface CatchUp {
  /**
   * "latest", "all" or "skip"; empty means "latest".
   */
  'mode'?: (string);
  /**
   * Slots older than this (before now - window_ms) never fire, ms: 1 s..7 days; 0 means 1 h.
   */
  'windowMs'?: (number | string | Long);
}

/**
 * What happens to slots missed while no leader could fire them (see "Missed slots" at the
 * Schedules service).
 */
export interface CatchUp__Output {
  /**
   * "latest", "all" or "skip"; empty means "latest".
   */
  'mode': (string);
  /**
   * Slots older than this (before now - window_ms) never fire, ms: 1 s..7 days; 0 means 1 h.
   */
  'windowMs': (number);
}
