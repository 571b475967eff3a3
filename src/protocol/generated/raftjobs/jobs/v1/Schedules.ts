// Original file: proto/jobs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateScheduleRequest as _raftjobs_jobs_v1_CreateScheduleRequest, CreateScheduleRequest__Output as _raftjobs_jobs_v1_CreateScheduleRequest__Output } from '../../../raftjobs/jobs/v1/CreateScheduleRequest.js';
import type { DeleteScheduleResponse as _raftjobs_jobs_v1_DeleteScheduleResponse, DeleteScheduleResponse__Output as _raftjobs_jobs_v1_DeleteScheduleResponse__Output } from '../../../raftjobs/jobs/v1/DeleteScheduleResponse.js';
import type { GetScheduleRequest as _raftjobs_jobs_v1_GetScheduleRequest, GetScheduleRequest__Output as _raftjobs_jobs_v1_GetScheduleRequest__Output } from '../../../raftjobs/jobs/v1/GetScheduleRequest.js';
import type { ListSchedulesRequest as _raftjobs_jobs_v1_ListSchedulesRequest, ListSchedulesRequest__Output as _raftjobs_jobs_v1_ListSchedulesRequest__Output } from '../../../raftjobs/jobs/v1/ListSchedulesRequest.js';
import type { ListSchedulesResponse as _raftjobs_jobs_v1_ListSchedulesResponse, ListSchedulesResponse__Output as _raftjobs_jobs_v1_ListSchedulesResponse__Output } from '../../../raftjobs/jobs/v1/ListSchedulesResponse.js';
import type { Schedule as _raftjobs_jobs_v1_Schedule, Schedule__Output as _raftjobs_jobs_v1_Schedule__Output } from '../../../raftjobs/jobs/v1/Schedule.js';
import type { ScheduleIdRequest as _raftjobs_jobs_v1_ScheduleIdRequest, ScheduleIdRequest__Output as _raftjobs_jobs_v1_ScheduleIdRequest__Output } from '../../../raftjobs/jobs/v1/ScheduleIdRequest.js';
import type { TriggerScheduleResponse as _raftjobs_jobs_v1_TriggerScheduleResponse, TriggerScheduleResponse__Output as _raftjobs_jobs_v1_TriggerScheduleResponse__Output } from '../../../raftjobs/jobs/v1/TriggerScheduleResponse.js';
import type { UpdateScheduleRequest as _raftjobs_jobs_v1_UpdateScheduleRequest, UpdateScheduleRequest__Output as _raftjobs_jobs_v1_UpdateScheduleRequest__Output } from '../../../raftjobs/jobs/v1/UpdateScheduleRequest.js';

/**
 * Recurring schedules: the cluster creates a job for every slot of a cron expression or a fixed
 * interval, exactly once per slot, through leader changes, restarts and deploys.
 * 
 * ## How a schedule fires
 * A schedule is replicated state. The leader computes its slots and proposes "fire schedule S
 * for slot T" in one log entry with the job it creates; a slot already handled (fired or skipped)
 * is refused by every replica, so a new leader, a repeated proposal or a replayed entry can
 * never fire a slot twice, and a new leader starts from what is committed. Each slot's job has
 * `Job.schedule_id`, `Job.schedule_slot_ms` and idempotency key `schedule:<id>:<slot_ms>` in
 * the template's queue. Slots are on the cluster's replicated clock (see Conventions); a job is
 * normally created within tens of ms of its slot (after a leader change, within about a second
 * or two). A slot whose previous slot's job is not finished meets the overlap policy.
 * 
 * ## Missed slots (catch-up)
 * Slots that passed while the cluster had no leader, or was stopped, are handled when a leader
 * is back, by `catch_up.mode`, counting only slots in the window (the last `window_ms`, default
 * 1 h, 1 s..7 days) as due:
 * latest (default)  the latest missed slot fires once, if it is in the window; the other
 * missed slots are skipped (counted in Schedule.skipped).
 * all               every slot in the window fires, oldest first (up to 1000 per log entry,
 * then the next entry goes on); older ones are skipped.
 * skip              a slot fires only when it is less than 5 s late (about an election); every
 * other missed slot is skipped.
 * A new schedule owes nothing at or before its creation (nor before start_at_ms); an Update that
 * changes the timing (cron, interval, time zone, start) owes nothing at or before the update;
 * Resume owes nothing of the paused time (those slots are not counted as skipped).
 * 
 * ## Time zones and daylight saving time
 * `cron` is read in `time_zone` (an IANA name, default "UTC"). A wall-clock time skipped by a
 * spring-forward jump fires one hour later in wall-clock time (a daily 02:30 fires at 03:30 that
 * day), unless that time is itself a slot (an every-15-minutes schedule goes on at 03:00). A
 * wall-clock time repeated by a fall-back fires once, the first time: a daily 02:30 fires at the
 * first 02:30, and an every-15-minutes schedule has no slots in the repeated hour's second pass.
 * Interval schedules ignore the time zone.
 * 
 * ## Limits
 * - Schedule ids: [A-Za-z0-9._:-], 1..128 characters.
 * - At most 10,000 schedules per cluster: a Create beyond is LIMIT_EXCEEDED.
 * - cron: at most 256 printable ASCII characters; interval_ms: 1 s..365 days.
 * - time_zone: at most 64 characters of [A-Za-z0-9_+/-], and a zone the leader knows.
 * - The template is checked as a JobSpec is (same limits, errors under `schedule.template.`).
 * 
 * Errors: as for Jobs (x-error-code), naming fields as spelled here (`schedule.interval_ms`,
 * `schedule.catch_up.window_ms`, `schedule.template.queue`). Writes (Create, Update, Delete,
 * Pause, Resume, Trigger) run on the leader: a follower forwards them; OUTCOME_UNKNOWN means
 * read the schedule to see whether it happened (Create, Update, Pause, Resume and Delete are safe
 * to resend; a resent Trigger may make a second job). Get and List are linearizable unless
 * `stale` (see "Leaders, forwarding and reads").
 */
export interface SchedulesClient extends grpc.Client {
  /**
   * Creates a schedule. ALREADY_EXISTS when the id is taken (nothing changes); INVALID_ARGUMENT
   * for a bad field, a cron expression that does not parse or never fires, or an unknown time
   * zone; LIMIT_EXCEEDED beyond 10,000 schedules. Returns the schedule with its defaults filled
   * in.
   */
  Create(argument: _raftjobs_jobs_v1_CreateScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Create(argument: _raftjobs_jobs_v1_CreateScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Create(argument: _raftjobs_jobs_v1_CreateScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Create(argument: _raftjobs_jobs_v1_CreateScheduleRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  /**
   * Creates a schedule. ALREADY_EXISTS when the id is taken (nothing changes); INVALID_ARGUMENT
   * for a bad field, a cron expression that does not parse or never fires, or an unknown time
   * zone; LIMIT_EXCEEDED beyond 10,000 schedules. Returns the schedule with its defaults filled
   * in.
   */
  create(argument: _raftjobs_jobs_v1_CreateScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  create(argument: _raftjobs_jobs_v1_CreateScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  create(argument: _raftjobs_jobs_v1_CreateScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  create(argument: _raftjobs_jobs_v1_CreateScheduleRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  
  /**
   * Removes a schedule; the jobs it created stay (with its id). NOT_FOUND.
   */
  Delete(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _raftjobs_jobs_v1_ScheduleIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _raftjobs_jobs_v1_ScheduleIdRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Removes a schedule; the jobs it created stay (with its id). NOT_FOUND.
   */
  delete(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _raftjobs_jobs_v1_ScheduleIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _raftjobs_jobs_v1_ScheduleIdRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_DeleteScheduleResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * One schedule with its runtime and next fire times. NOT_FOUND.
   */
  Get(argument: _raftjobs_jobs_v1_GetScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Get(argument: _raftjobs_jobs_v1_GetScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Get(argument: _raftjobs_jobs_v1_GetScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Get(argument: _raftjobs_jobs_v1_GetScheduleRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  /**
   * One schedule with its runtime and next fire times. NOT_FOUND.
   */
  get(argument: _raftjobs_jobs_v1_GetScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  get(argument: _raftjobs_jobs_v1_GetScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  get(argument: _raftjobs_jobs_v1_GetScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  get(argument: _raftjobs_jobs_v1_GetScheduleRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  
  /**
   * Schedules in id order, paged.
   */
  List(argument: _raftjobs_jobs_v1_ListSchedulesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _raftjobs_jobs_v1_ListSchedulesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _raftjobs_jobs_v1_ListSchedulesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _raftjobs_jobs_v1_ListSchedulesRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Schedules in id order, paged.
   */
  list(argument: _raftjobs_jobs_v1_ListSchedulesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _raftjobs_jobs_v1_ListSchedulesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _raftjobs_jobs_v1_ListSchedulesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _raftjobs_jobs_v1_ListSchedulesRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_ListSchedulesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Stops a schedule from firing; a slot waiting for the previous job (overlap buffer_one) is
   * dropped and counted skipped. Pausing a paused schedule changes nothing. NOT_FOUND.
   */
  Pause(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Pause(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Pause(argument: _raftjobs_jobs_v1_ScheduleIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Pause(argument: _raftjobs_jobs_v1_ScheduleIdRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  /**
   * Stops a schedule from firing; a slot waiting for the previous job (overlap buffer_one) is
   * dropped and counted skipped. Pausing a paused schedule changes nothing. NOT_FOUND.
   */
  pause(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  pause(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  pause(argument: _raftjobs_jobs_v1_ScheduleIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  pause(argument: _raftjobs_jobs_v1_ScheduleIdRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lets a paused schedule fire again from the next slot after now: slots of the paused time
   * never fire and are not counted. NOT_FOUND.
   */
  Resume(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Resume(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Resume(argument: _raftjobs_jobs_v1_ScheduleIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Resume(argument: _raftjobs_jobs_v1_ScheduleIdRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  /**
   * Lets a paused schedule fire again from the next slot after now: slots of the paused time
   * never fire and are not counted. NOT_FOUND.
   */
  resume(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  resume(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  resume(argument: _raftjobs_jobs_v1_ScheduleIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  resume(argument: _raftjobs_jobs_v1_ScheduleIdRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  
  /**
   * Creates one job of the template now (paused or not, outside the overlap policy), counted in
   * Schedule.triggered; it does not change the slots handled or the last job. Its slot is the
   * trigger's time, its key `schedule:<id>:manual:<ms>` (two triggers in one ms make one job,
   * duplicate=true). NOT_FOUND; LIMIT_EXCEEDED while a resource guard refuses new jobs.
   */
  Trigger(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  Trigger(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  Trigger(argument: _raftjobs_jobs_v1_ScheduleIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  Trigger(argument: _raftjobs_jobs_v1_ScheduleIdRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Creates one job of the template now (paused or not, outside the overlap policy), counted in
   * Schedule.triggered; it does not change the slots handled or the last job. Its slot is the
   * trigger's time, its key `schedule:<id>:manual:<ms>` (two triggers in one ms make one job,
   * duplicate=true). NOT_FOUND; LIMIT_EXCEEDED while a resource guard refuses new jobs.
   */
  trigger(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  trigger(argument: _raftjobs_jobs_v1_ScheduleIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  trigger(argument: _raftjobs_jobs_v1_ScheduleIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  trigger(argument: _raftjobs_jobs_v1_ScheduleIdRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_TriggerScheduleResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Replaces a schedule's definition (every field: send the whole spec), keeping what it has done
   * (slots handled, last job, counts). NOT_FOUND unless it exists (or `create_missing`).
   */
  Update(argument: _raftjobs_jobs_v1_UpdateScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Update(argument: _raftjobs_jobs_v1_UpdateScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Update(argument: _raftjobs_jobs_v1_UpdateScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  Update(argument: _raftjobs_jobs_v1_UpdateScheduleRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  /**
   * Replaces a schedule's definition (every field: send the whole spec), keeping what it has done
   * (slots handled, last job, counts). NOT_FOUND unless it exists (or `create_missing`).
   */
  update(argument: _raftjobs_jobs_v1_UpdateScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  update(argument: _raftjobs_jobs_v1_UpdateScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  update(argument: _raftjobs_jobs_v1_UpdateScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  update(argument: _raftjobs_jobs_v1_UpdateScheduleRequest, callback: grpc.requestCallback<_raftjobs_jobs_v1_Schedule__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Recurring schedules: the cluster creates a job for every slot of a cron expression or a fixed
 * interval, exactly once per slot, through leader changes, restarts and deploys.
 * 
 * ## How a schedule fires
 * A schedule is replicated state. The leader computes its slots and proposes "fire schedule S
 * for slot T" in one log entry with the job it creates; a slot already handled (fired or skipped)
 * is refused by every replica, so a new leader, a repeated proposal or a replayed entry can
 * never fire a slot twice, and a new leader starts from what is committed. Each slot's job has
 * `Job.schedule_id`, `Job.schedule_slot_ms` and idempotency key `schedule:<id>:<slot_ms>` in
 * the template's queue. Slots are on the cluster's replicated clock (see Conventions); a job is
 * normally created within tens of ms of its slot (after a leader change, within about a second
 * or two). A slot whose previous slot's job is not finished meets the overlap policy.
 * 
 * ## Missed slots (catch-up)
 * Slots that passed while the cluster had no leader, or was stopped, are handled when a leader
 * is back, by `catch_up.mode`, counting only slots in the window (the last `window_ms`, default
 * 1 h, 1 s..7 days) as due:
 * latest (default)  the latest missed slot fires once, if it is in the window; the other
 * missed slots are skipped (counted in Schedule.skipped).
 * all               every slot in the window fires, oldest first (up to 1000 per log entry,
 * then the next entry goes on); older ones are skipped.
 * skip              a slot fires only when it is less than 5 s late (about an election); every
 * other missed slot is skipped.
 * A new schedule owes nothing at or before its creation (nor before start_at_ms); an Update that
 * changes the timing (cron, interval, time zone, start) owes nothing at or before the update;
 * Resume owes nothing of the paused time (those slots are not counted as skipped).
 * 
 * ## Time zones and daylight saving time
 * `cron` is read in `time_zone` (an IANA name, default "UTC"). A wall-clock time skipped by a
 * spring-forward jump fires one hour later in wall-clock time (a daily 02:30 fires at 03:30 that
 * day), unless that time is itself a slot (an every-15-minutes schedule goes on at 03:00). A
 * wall-clock time repeated by a fall-back fires once, the first time: a daily 02:30 fires at the
 * first 02:30, and an every-15-minutes schedule has no slots in the repeated hour's second pass.
 * Interval schedules ignore the time zone.
 * 
 * ## Limits
 * - Schedule ids: [A-Za-z0-9._:-], 1..128 characters.
 * - At most 10,000 schedules per cluster: a Create beyond is LIMIT_EXCEEDED.
 * - cron: at most 256 printable ASCII characters; interval_ms: 1 s..365 days.
 * - time_zone: at most 64 characters of [A-Za-z0-9_+/-], and a zone the leader knows.
 * - The template is checked as a JobSpec is (same limits, errors under `schedule.template.`).
 * 
 * Errors: as for Jobs (x-error-code), naming fields as spelled here (`schedule.interval_ms`,
 * `schedule.catch_up.window_ms`, `schedule.template.queue`). Writes (Create, Update, Delete,
 * Pause, Resume, Trigger) run on the leader: a follower forwards them; OUTCOME_UNKNOWN means
 * read the schedule to see whether it happened (Create, Update, Pause, Resume and Delete are safe
 * to resend; a resent Trigger may make a second job). Get and List are linearizable unless
 * `stale` (see "Leaders, forwarding and reads").
 */
export interface SchedulesHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Creates a schedule. ALREADY_EXISTS when the id is taken (nothing changes); INVALID_ARGUMENT
   * for a bad field, a cron expression that does not parse or never fires, or an unknown time
   * zone; LIMIT_EXCEEDED beyond 10,000 schedules. Returns the schedule with its defaults filled
   * in.
   */
  Create: grpc.handleUnaryCall<_raftjobs_jobs_v1_CreateScheduleRequest__Output, _raftjobs_jobs_v1_Schedule>;
  
  /**
   * Removes a schedule; the jobs it created stay (with its id). NOT_FOUND.
   */
  Delete: grpc.handleUnaryCall<_raftjobs_jobs_v1_ScheduleIdRequest__Output, _raftjobs_jobs_v1_DeleteScheduleResponse>;
  
  /**
   * One schedule with its runtime and next fire times. NOT_FOUND.
   */
  Get: grpc.handleUnaryCall<_raftjobs_jobs_v1_GetScheduleRequest__Output, _raftjobs_jobs_v1_Schedule>;
  
  /**
   * Schedules in id order, paged.
   */
  List: grpc.handleUnaryCall<_raftjobs_jobs_v1_ListSchedulesRequest__Output, _raftjobs_jobs_v1_ListSchedulesResponse>;
  
  /**
   * Stops a schedule from firing; a slot waiting for the previous job (overlap buffer_one) is
   * dropped and counted skipped. Pausing a paused schedule changes nothing. NOT_FOUND.
   */
  Pause: grpc.handleUnaryCall<_raftjobs_jobs_v1_ScheduleIdRequest__Output, _raftjobs_jobs_v1_Schedule>;
  
  /**
   * Lets a paused schedule fire again from the next slot after now: slots of the paused time
   * never fire and are not counted. NOT_FOUND.
   */
  Resume: grpc.handleUnaryCall<_raftjobs_jobs_v1_ScheduleIdRequest__Output, _raftjobs_jobs_v1_Schedule>;
  
  /**
   * Creates one job of the template now (paused or not, outside the overlap policy), counted in
   * Schedule.triggered; it does not change the slots handled or the last job. Its slot is the
   * trigger's time, its key `schedule:<id>:manual:<ms>` (two triggers in one ms make one job,
   * duplicate=true). NOT_FOUND; LIMIT_EXCEEDED while a resource guard refuses new jobs.
   */
  Trigger: grpc.handleUnaryCall<_raftjobs_jobs_v1_ScheduleIdRequest__Output, _raftjobs_jobs_v1_TriggerScheduleResponse>;
  
  /**
   * Replaces a schedule's definition (every field: send the whole spec), keeping what it has done
   * (slots handled, last job, counts). NOT_FOUND unless it exists (or `create_missing`).
   */
  Update: grpc.handleUnaryCall<_raftjobs_jobs_v1_UpdateScheduleRequest__Output, _raftjobs_jobs_v1_Schedule>;
  
}

export interface SchedulesDefinition extends grpc.ServiceDefinition {
  Create: MethodDefinition<_raftjobs_jobs_v1_CreateScheduleRequest, _raftjobs_jobs_v1_Schedule, _raftjobs_jobs_v1_CreateScheduleRequest__Output, _raftjobs_jobs_v1_Schedule__Output>
  Delete: MethodDefinition<_raftjobs_jobs_v1_ScheduleIdRequest, _raftjobs_jobs_v1_DeleteScheduleResponse, _raftjobs_jobs_v1_ScheduleIdRequest__Output, _raftjobs_jobs_v1_DeleteScheduleResponse__Output>
  Get: MethodDefinition<_raftjobs_jobs_v1_GetScheduleRequest, _raftjobs_jobs_v1_Schedule, _raftjobs_jobs_v1_GetScheduleRequest__Output, _raftjobs_jobs_v1_Schedule__Output>
  List: MethodDefinition<_raftjobs_jobs_v1_ListSchedulesRequest, _raftjobs_jobs_v1_ListSchedulesResponse, _raftjobs_jobs_v1_ListSchedulesRequest__Output, _raftjobs_jobs_v1_ListSchedulesResponse__Output>
  Pause: MethodDefinition<_raftjobs_jobs_v1_ScheduleIdRequest, _raftjobs_jobs_v1_Schedule, _raftjobs_jobs_v1_ScheduleIdRequest__Output, _raftjobs_jobs_v1_Schedule__Output>
  Resume: MethodDefinition<_raftjobs_jobs_v1_ScheduleIdRequest, _raftjobs_jobs_v1_Schedule, _raftjobs_jobs_v1_ScheduleIdRequest__Output, _raftjobs_jobs_v1_Schedule__Output>
  Trigger: MethodDefinition<_raftjobs_jobs_v1_ScheduleIdRequest, _raftjobs_jobs_v1_TriggerScheduleResponse, _raftjobs_jobs_v1_ScheduleIdRequest__Output, _raftjobs_jobs_v1_TriggerScheduleResponse__Output>
  Update: MethodDefinition<_raftjobs_jobs_v1_UpdateScheduleRequest, _raftjobs_jobs_v1_Schedule, _raftjobs_jobs_v1_UpdateScheduleRequest__Output, _raftjobs_jobs_v1_Schedule__Output>
}
