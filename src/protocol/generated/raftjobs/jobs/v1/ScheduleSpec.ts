// Original file: proto/jobs.proto

import type { ScheduleTemplate as _raftjobs_jobs_v1_ScheduleTemplate, ScheduleTemplate__Output as _raftjobs_jobs_v1_ScheduleTemplate__Output } from '../../../raftjobs/jobs/v1/ScheduleTemplate.js';
import type { CatchUp as _raftjobs_jobs_v1_CatchUp, CatchUp__Output as _raftjobs_jobs_v1_CatchUp__Output } from '../../../raftjobs/jobs/v1/CatchUp.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A schedule's definition. Exactly one of cron and interval_ms.
 */
export interface ScheduleSpec {
  /**
   * [A-Za-z0-9._:-], 1..128 characters. Required.
   */
  'id'?: (string);
  /**
   * Six fields with seconds first ("* /2 * * * * *": every 2 s), the standard five (seconds
   * 0), or a nickname (@yearly, @monthly, @weekly, @daily, @hourly). At most 256 characters.
   * When day of month and day of week are both restricted, a day matching either fires
   * (classic cron). Stored as given.
   */
  'cron'?: (string);
  /**
   * Fire every this many ms, 1000..31536000000 (1 s..365 days), at start_at_ms + k *
   * interval_ms (at multiples of interval_ms since the epoch when there is no start).
   */
  'intervalMs'?: (number | string | Long);
  /**
   * IANA time zone of `cron` ("Europe/Berlin"); empty means "UTC". See "Time zones and daylight
   * saving time" at the Schedules service.
   */
  'timeZone'?: (string);
  /**
   * No slot before this time, ms since the epoch; 0: none.
   */
  'startAtMs'?: (number | string | Long);
  /**
   * No slot after this time (a slot at it still fires), ms since the epoch, at or after
   * start_at_ms; 0: none. After it the schedule stays, firing nothing.
   */
  'endAtMs'?: (number | string | Long);
  /**
   * Required.
   */
  'template'?: (_raftjobs_jobs_v1_ScheduleTemplate | null);
  /**
   * Unset: mode "latest", window 1 h.
   */
  'catchUp'?: (_raftjobs_jobs_v1_CatchUp | null);
  /**
   * When the previous slot's job is not finished (not succeeded, dead or cancelled) at a slot:
   * allow (default, also "")  fire anyway;
   * skip                      skip the slot (counted in skipped);
   * buffer_one                keep the slot waiting and fire it as soon as the previous job
   * finishes; a later slot takes a waiting slot's place (the
   * replaced one counts as skipped);
   * cancel_previous           cancel the previous job (as Jobs.Cancel, with a reason naming the
   * schedule and slot), then fire.
   */
  'overlap'?: (string);
  /**
   * Create: a paused schedule fires nothing until Resume (unset: false). Update: unset keeps
   * the current state; set, it acts as Pause or Resume.
   */
  'paused'?: (boolean);
  'timing'?: "cron"|"intervalMs";
  '_paused'?: "paused";
}

/**
 * A schedule's definition. Exactly one of cron and interval_ms.
 */
export interface ScheduleSpec__Output {
  /**
   * [A-Za-z0-9._:-], 1..128 characters. Required.
   */
  'id': (string);
  /**
   * Six fields with seconds first ("* /2 * * * * *": every 2 s), the standard five (seconds
   * 0), or a nickname (@yearly, @monthly, @weekly, @daily, @hourly). At most 256 characters.
   * When day of month and day of week are both restricted, a day matching either fires
   * (classic cron). Stored as given.
   */
  'cron'?: (string);
  /**
   * Fire every this many ms, 1000..31536000000 (1 s..365 days), at start_at_ms + k *
   * interval_ms (at multiples of interval_ms since the epoch when there is no start).
   */
  'intervalMs'?: (number);
  /**
   * IANA time zone of `cron` ("Europe/Berlin"); empty means "UTC". See "Time zones and daylight
   * saving time" at the Schedules service.
   */
  'timeZone': (string);
  /**
   * No slot before this time, ms since the epoch; 0: none.
   */
  'startAtMs': (number);
  /**
   * No slot after this time (a slot at it still fires), ms since the epoch, at or after
   * start_at_ms; 0: none. After it the schedule stays, firing nothing.
   */
  'endAtMs': (number);
  /**
   * Required.
   */
  'template': (_raftjobs_jobs_v1_ScheduleTemplate__Output | null);
  /**
   * Unset: mode "latest", window 1 h.
   */
  'catchUp': (_raftjobs_jobs_v1_CatchUp__Output | null);
  /**
   * When the previous slot's job is not finished (not succeeded, dead or cancelled) at a slot:
   * allow (default, also "")  fire anyway;
   * skip                      skip the slot (counted in skipped);
   * buffer_one                keep the slot waiting and fire it as soon as the previous job
   * finishes; a later slot takes a waiting slot's place (the
   * replaced one counts as skipped);
   * cancel_previous           cancel the previous job (as Jobs.Cancel, with a reason naming the
   * schedule and slot), then fire.
   */
  'overlap': (string);
  /**
   * Create: a paused schedule fires nothing until Resume (unset: false). Update: unset keeps
   * the current state; set, it acts as Pause or Resume.
   */
  'paused'?: (boolean);
  'timing'?: "cron"|"intervalMs";
  '_paused'?: "paused";
}
