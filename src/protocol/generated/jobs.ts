import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Ack as _raftjobs_jobs_v1_Ack, Ack__Output as _raftjobs_jobs_v1_Ack__Output } from './raftjobs/jobs/v1/Ack.js';
import type { AckBatch as _raftjobs_jobs_v1_AckBatch, AckBatch__Output as _raftjobs_jobs_v1_AckBatch__Output } from './raftjobs/jobs/v1/AckBatch.js';
import type { Attempt as _raftjobs_jobs_v1_Attempt, Attempt__Output as _raftjobs_jobs_v1_Attempt__Output } from './raftjobs/jobs/v1/Attempt.js';
import type { Backoff as _raftjobs_jobs_v1_Backoff, Backoff__Output as _raftjobs_jobs_v1_Backoff__Output } from './raftjobs/jobs/v1/Backoff.js';
import type { BulkFilter as _raftjobs_jobs_v1_BulkFilter, BulkFilter__Output as _raftjobs_jobs_v1_BulkFilter__Output } from './raftjobs/jobs/v1/BulkFilter.js';
import type { BulkRequest as _raftjobs_jobs_v1_BulkRequest, BulkRequest__Output as _raftjobs_jobs_v1_BulkRequest__Output } from './raftjobs/jobs/v1/BulkRequest.js';
import type { BulkResponse as _raftjobs_jobs_v1_BulkResponse, BulkResponse__Output as _raftjobs_jobs_v1_BulkResponse__Output } from './raftjobs/jobs/v1/BulkResponse.js';
import type { CancelRequest as _raftjobs_jobs_v1_CancelRequest, CancelRequest__Output as _raftjobs_jobs_v1_CancelRequest__Output } from './raftjobs/jobs/v1/CancelRequest.js';
import type { CatchUp as _raftjobs_jobs_v1_CatchUp, CatchUp__Output as _raftjobs_jobs_v1_CatchUp__Output } from './raftjobs/jobs/v1/CatchUp.js';
import type { CompleteRequest as _raftjobs_jobs_v1_CompleteRequest, CompleteRequest__Output as _raftjobs_jobs_v1_CompleteRequest__Output } from './raftjobs/jobs/v1/CompleteRequest.js';
import type { CreateScheduleRequest as _raftjobs_jobs_v1_CreateScheduleRequest, CreateScheduleRequest__Output as _raftjobs_jobs_v1_CreateScheduleRequest__Output } from './raftjobs/jobs/v1/CreateScheduleRequest.js';
import type { DeleteScheduleResponse as _raftjobs_jobs_v1_DeleteScheduleResponse, DeleteScheduleResponse__Output as _raftjobs_jobs_v1_DeleteScheduleResponse__Output } from './raftjobs/jobs/v1/DeleteScheduleResponse.js';
import type { FailRequest as _raftjobs_jobs_v1_FailRequest, FailRequest__Output as _raftjobs_jobs_v1_FailRequest__Output } from './raftjobs/jobs/v1/FailRequest.js';
import type { GetQueueRequest as _raftjobs_jobs_v1_GetQueueRequest, GetQueueRequest__Output as _raftjobs_jobs_v1_GetQueueRequest__Output } from './raftjobs/jobs/v1/GetQueueRequest.js';
import type { GetRequest as _raftjobs_jobs_v1_GetRequest, GetRequest__Output as _raftjobs_jobs_v1_GetRequest__Output } from './raftjobs/jobs/v1/GetRequest.js';
import type { GetScheduleRequest as _raftjobs_jobs_v1_GetScheduleRequest, GetScheduleRequest__Output as _raftjobs_jobs_v1_GetScheduleRequest__Output } from './raftjobs/jobs/v1/GetScheduleRequest.js';
import type { GroupUsage as _raftjobs_jobs_v1_GroupUsage, GroupUsage__Output as _raftjobs_jobs_v1_GroupUsage__Output } from './raftjobs/jobs/v1/GroupUsage.js';
import type { HeartbeatRequest as _raftjobs_jobs_v1_HeartbeatRequest, HeartbeatRequest__Output as _raftjobs_jobs_v1_HeartbeatRequest__Output } from './raftjobs/jobs/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _raftjobs_jobs_v1_HeartbeatResponse, HeartbeatResponse__Output as _raftjobs_jobs_v1_HeartbeatResponse__Output } from './raftjobs/jobs/v1/HeartbeatResponse.js';
import type { HeartbeatResult as _raftjobs_jobs_v1_HeartbeatResult, HeartbeatResult__Output as _raftjobs_jobs_v1_HeartbeatResult__Output } from './raftjobs/jobs/v1/HeartbeatResult.js';
import type { Hello as _raftjobs_jobs_v1_Hello, Hello__Output as _raftjobs_jobs_v1_Hello__Output } from './raftjobs/jobs/v1/Hello.js';
import type { Job as _raftjobs_jobs_v1_Job, Job__Output as _raftjobs_jobs_v1_Job__Output } from './raftjobs/jobs/v1/Job.js';
import type { JobProgress as _raftjobs_jobs_v1_JobProgress, JobProgress__Output as _raftjobs_jobs_v1_JobProgress__Output } from './raftjobs/jobs/v1/JobProgress.js';
import type { JobSpec as _raftjobs_jobs_v1_JobSpec, JobSpec__Output as _raftjobs_jobs_v1_JobSpec__Output } from './raftjobs/jobs/v1/JobSpec.js';
import type { JobsClient as _raftjobs_jobs_v1_JobsClient, JobsDefinition as _raftjobs_jobs_v1_JobsDefinition } from './raftjobs/jobs/v1/Jobs.js';
import type { LeaseBatch as _raftjobs_jobs_v1_LeaseBatch, LeaseBatch__Output as _raftjobs_jobs_v1_LeaseBatch__Output } from './raftjobs/jobs/v1/LeaseBatch.js';
import type { LeaseInfo as _raftjobs_jobs_v1_LeaseInfo, LeaseInfo__Output as _raftjobs_jobs_v1_LeaseInfo__Output } from './raftjobs/jobs/v1/LeaseInfo.js';
import type { LeaseRef as _raftjobs_jobs_v1_LeaseRef, LeaseRef__Output as _raftjobs_jobs_v1_LeaseRef__Output } from './raftjobs/jobs/v1/LeaseRef.js';
import type { LeaseRequest as _raftjobs_jobs_v1_LeaseRequest, LeaseRequest__Output as _raftjobs_jobs_v1_LeaseRequest__Output } from './raftjobs/jobs/v1/LeaseRequest.js';
import type { LeaseResponse as _raftjobs_jobs_v1_LeaseResponse, LeaseResponse__Output as _raftjobs_jobs_v1_LeaseResponse__Output } from './raftjobs/jobs/v1/LeaseResponse.js';
import type { LeasedJob as _raftjobs_jobs_v1_LeasedJob, LeasedJob__Output as _raftjobs_jobs_v1_LeasedJob__Output } from './raftjobs/jobs/v1/LeasedJob.js';
import type { ListQueuesRequest as _raftjobs_jobs_v1_ListQueuesRequest, ListQueuesRequest__Output as _raftjobs_jobs_v1_ListQueuesRequest__Output } from './raftjobs/jobs/v1/ListQueuesRequest.js';
import type { ListQueuesResponse as _raftjobs_jobs_v1_ListQueuesResponse, ListQueuesResponse__Output as _raftjobs_jobs_v1_ListQueuesResponse__Output } from './raftjobs/jobs/v1/ListQueuesResponse.js';
import type { ListRequest as _raftjobs_jobs_v1_ListRequest, ListRequest__Output as _raftjobs_jobs_v1_ListRequest__Output } from './raftjobs/jobs/v1/ListRequest.js';
import type { ListResponse as _raftjobs_jobs_v1_ListResponse, ListResponse__Output as _raftjobs_jobs_v1_ListResponse__Output } from './raftjobs/jobs/v1/ListResponse.js';
import type { ListSchedulesRequest as _raftjobs_jobs_v1_ListSchedulesRequest, ListSchedulesRequest__Output as _raftjobs_jobs_v1_ListSchedulesRequest__Output } from './raftjobs/jobs/v1/ListSchedulesRequest.js';
import type { ListSchedulesResponse as _raftjobs_jobs_v1_ListSchedulesResponse, ListSchedulesResponse__Output as _raftjobs_jobs_v1_ListSchedulesResponse__Output } from './raftjobs/jobs/v1/ListSchedulesResponse.js';
import type { ProgressRequest as _raftjobs_jobs_v1_ProgressRequest, ProgressRequest__Output as _raftjobs_jobs_v1_ProgressRequest__Output } from './raftjobs/jobs/v1/ProgressRequest.js';
import type { QueueFlow as _raftjobs_jobs_v1_QueueFlow, QueueFlow__Output as _raftjobs_jobs_v1_QueueFlow__Output } from './raftjobs/jobs/v1/QueueFlow.js';
import type { QueueNameRequest as _raftjobs_jobs_v1_QueueNameRequest, QueueNameRequest__Output as _raftjobs_jobs_v1_QueueNameRequest__Output } from './raftjobs/jobs/v1/QueueNameRequest.js';
import type { QueuePolicy as _raftjobs_jobs_v1_QueuePolicy, QueuePolicy__Output as _raftjobs_jobs_v1_QueuePolicy__Output } from './raftjobs/jobs/v1/QueuePolicy.js';
import type { QueueStats as _raftjobs_jobs_v1_QueueStats, QueueStats__Output as _raftjobs_jobs_v1_QueueStats__Output } from './raftjobs/jobs/v1/QueueStats.js';
import type { QueueUsage as _raftjobs_jobs_v1_QueueUsage, QueueUsage__Output as _raftjobs_jobs_v1_QueueUsage__Output } from './raftjobs/jobs/v1/QueueUsage.js';
import type { QueuesClient as _raftjobs_jobs_v1_QueuesClient, QueuesDefinition as _raftjobs_jobs_v1_QueuesDefinition } from './raftjobs/jobs/v1/Queues.js';
import type { RateLimit as _raftjobs_jobs_v1_RateLimit, RateLimit__Output as _raftjobs_jobs_v1_RateLimit__Output } from './raftjobs/jobs/v1/RateLimit.js';
import type { ReleaseRequest as _raftjobs_jobs_v1_ReleaseRequest, ReleaseRequest__Output as _raftjobs_jobs_v1_ReleaseRequest__Output } from './raftjobs/jobs/v1/ReleaseRequest.js';
import type { RetryDeadRequest as _raftjobs_jobs_v1_RetryDeadRequest, RetryDeadRequest__Output as _raftjobs_jobs_v1_RetryDeadRequest__Output } from './raftjobs/jobs/v1/RetryDeadRequest.js';
import type { Schedule as _raftjobs_jobs_v1_Schedule, Schedule__Output as _raftjobs_jobs_v1_Schedule__Output } from './raftjobs/jobs/v1/Schedule.js';
import type { ScheduleIdRequest as _raftjobs_jobs_v1_ScheduleIdRequest, ScheduleIdRequest__Output as _raftjobs_jobs_v1_ScheduleIdRequest__Output } from './raftjobs/jobs/v1/ScheduleIdRequest.js';
import type { ScheduleSpec as _raftjobs_jobs_v1_ScheduleSpec, ScheduleSpec__Output as _raftjobs_jobs_v1_ScheduleSpec__Output } from './raftjobs/jobs/v1/ScheduleSpec.js';
import type { ScheduleTemplate as _raftjobs_jobs_v1_ScheduleTemplate, ScheduleTemplate__Output as _raftjobs_jobs_v1_ScheduleTemplate__Output } from './raftjobs/jobs/v1/ScheduleTemplate.js';
import type { SchedulesClient as _raftjobs_jobs_v1_SchedulesClient, SchedulesDefinition as _raftjobs_jobs_v1_SchedulesDefinition } from './raftjobs/jobs/v1/Schedules.js';
import type { ServerMessage as _raftjobs_jobs_v1_ServerMessage, ServerMessage__Output as _raftjobs_jobs_v1_ServerMessage__Output } from './raftjobs/jobs/v1/ServerMessage.js';
import type { SetQueueRequest as _raftjobs_jobs_v1_SetQueueRequest, SetQueueRequest__Output as _raftjobs_jobs_v1_SetQueueRequest__Output } from './raftjobs/jobs/v1/SetQueueRequest.js';
import type { StatsRequest as _raftjobs_jobs_v1_StatsRequest, StatsRequest__Output as _raftjobs_jobs_v1_StatsRequest__Output } from './raftjobs/jobs/v1/StatsRequest.js';
import type { StatsResponse as _raftjobs_jobs_v1_StatsResponse, StatsResponse__Output as _raftjobs_jobs_v1_StatsResponse__Output } from './raftjobs/jobs/v1/StatsResponse.js';
import type { SubmitRequest as _raftjobs_jobs_v1_SubmitRequest, SubmitRequest__Output as _raftjobs_jobs_v1_SubmitRequest__Output } from './raftjobs/jobs/v1/SubmitRequest.js';
import type { SubmitResponse as _raftjobs_jobs_v1_SubmitResponse, SubmitResponse__Output as _raftjobs_jobs_v1_SubmitResponse__Output } from './raftjobs/jobs/v1/SubmitResponse.js';
import type { SubmitStreamRequest as _raftjobs_jobs_v1_SubmitStreamRequest, SubmitStreamRequest__Output as _raftjobs_jobs_v1_SubmitStreamRequest__Output } from './raftjobs/jobs/v1/SubmitStreamRequest.js';
import type { SubmitStreamResponse as _raftjobs_jobs_v1_SubmitStreamResponse, SubmitStreamResponse__Output as _raftjobs_jobs_v1_SubmitStreamResponse__Output } from './raftjobs/jobs/v1/SubmitStreamResponse.js';
import type { SubmittedJob as _raftjobs_jobs_v1_SubmittedJob, SubmittedJob__Output as _raftjobs_jobs_v1_SubmittedJob__Output } from './raftjobs/jobs/v1/SubmittedJob.js';
import type { Throttle as _raftjobs_jobs_v1_Throttle, Throttle__Output as _raftjobs_jobs_v1_Throttle__Output } from './raftjobs/jobs/v1/Throttle.js';
import type { TriggerScheduleResponse as _raftjobs_jobs_v1_TriggerScheduleResponse, TriggerScheduleResponse__Output as _raftjobs_jobs_v1_TriggerScheduleResponse__Output } from './raftjobs/jobs/v1/TriggerScheduleResponse.js';
import type { Unique as _raftjobs_jobs_v1_Unique, Unique__Output as _raftjobs_jobs_v1_Unique__Output } from './raftjobs/jobs/v1/Unique.js';
import type { UpdateScheduleRequest as _raftjobs_jobs_v1_UpdateScheduleRequest, UpdateScheduleRequest__Output as _raftjobs_jobs_v1_UpdateScheduleRequest__Output } from './raftjobs/jobs/v1/UpdateScheduleRequest.js';
import type { WaitForResultRequest as _raftjobs_jobs_v1_WaitForResultRequest, WaitForResultRequest__Output as _raftjobs_jobs_v1_WaitForResultRequest__Output } from './raftjobs/jobs/v1/WaitForResultRequest.js';
import type { WatchEvent as _raftjobs_jobs_v1_WatchEvent, WatchEvent__Output as _raftjobs_jobs_v1_WatchEvent__Output } from './raftjobs/jobs/v1/WatchEvent.js';
import type { WatchRequest as _raftjobs_jobs_v1_WatchRequest, WatchRequest__Output as _raftjobs_jobs_v1_WatchRequest__Output } from './raftjobs/jobs/v1/WatchRequest.js';
import type { Welcome as _raftjobs_jobs_v1_Welcome, Welcome__Output as _raftjobs_jobs_v1_Welcome__Output } from './raftjobs/jobs/v1/Welcome.js';
import type { WorkerBatch as _raftjobs_jobs_v1_WorkerBatch, WorkerBatch__Output as _raftjobs_jobs_v1_WorkerBatch__Output } from './raftjobs/jobs/v1/WorkerBatch.js';
import type { WorkerMessage as _raftjobs_jobs_v1_WorkerMessage, WorkerMessage__Output as _raftjobs_jobs_v1_WorkerMessage__Output } from './raftjobs/jobs/v1/WorkerMessage.js';
import type { WorkersClient as _raftjobs_jobs_v1_WorkersClient, WorkersDefinition as _raftjobs_jobs_v1_WorkersDefinition } from './raftjobs/jobs/v1/Workers.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  raftjobs: {
    jobs: {
      v1: {
        Ack: MessageTypeDefinition<_raftjobs_jobs_v1_Ack, _raftjobs_jobs_v1_Ack__Output>
        AckBatch: MessageTypeDefinition<_raftjobs_jobs_v1_AckBatch, _raftjobs_jobs_v1_AckBatch__Output>
        Attempt: MessageTypeDefinition<_raftjobs_jobs_v1_Attempt, _raftjobs_jobs_v1_Attempt__Output>
        Backoff: MessageTypeDefinition<_raftjobs_jobs_v1_Backoff, _raftjobs_jobs_v1_Backoff__Output>
        BulkAction: EnumTypeDefinition
        BulkFilter: MessageTypeDefinition<_raftjobs_jobs_v1_BulkFilter, _raftjobs_jobs_v1_BulkFilter__Output>
        BulkRequest: MessageTypeDefinition<_raftjobs_jobs_v1_BulkRequest, _raftjobs_jobs_v1_BulkRequest__Output>
        BulkResponse: MessageTypeDefinition<_raftjobs_jobs_v1_BulkResponse, _raftjobs_jobs_v1_BulkResponse__Output>
        CancelRequest: MessageTypeDefinition<_raftjobs_jobs_v1_CancelRequest, _raftjobs_jobs_v1_CancelRequest__Output>
        CatchUp: MessageTypeDefinition<_raftjobs_jobs_v1_CatchUp, _raftjobs_jobs_v1_CatchUp__Output>
        CompleteRequest: MessageTypeDefinition<_raftjobs_jobs_v1_CompleteRequest, _raftjobs_jobs_v1_CompleteRequest__Output>
        CreateScheduleRequest: MessageTypeDefinition<_raftjobs_jobs_v1_CreateScheduleRequest, _raftjobs_jobs_v1_CreateScheduleRequest__Output>
        DeleteScheduleResponse: MessageTypeDefinition<_raftjobs_jobs_v1_DeleteScheduleResponse, _raftjobs_jobs_v1_DeleteScheduleResponse__Output>
        FailRequest: MessageTypeDefinition<_raftjobs_jobs_v1_FailRequest, _raftjobs_jobs_v1_FailRequest__Output>
        GetQueueRequest: MessageTypeDefinition<_raftjobs_jobs_v1_GetQueueRequest, _raftjobs_jobs_v1_GetQueueRequest__Output>
        GetRequest: MessageTypeDefinition<_raftjobs_jobs_v1_GetRequest, _raftjobs_jobs_v1_GetRequest__Output>
        GetScheduleRequest: MessageTypeDefinition<_raftjobs_jobs_v1_GetScheduleRequest, _raftjobs_jobs_v1_GetScheduleRequest__Output>
        GroupUsage: MessageTypeDefinition<_raftjobs_jobs_v1_GroupUsage, _raftjobs_jobs_v1_GroupUsage__Output>
        HeartbeatRequest: MessageTypeDefinition<_raftjobs_jobs_v1_HeartbeatRequest, _raftjobs_jobs_v1_HeartbeatRequest__Output>
        HeartbeatResponse: MessageTypeDefinition<_raftjobs_jobs_v1_HeartbeatResponse, _raftjobs_jobs_v1_HeartbeatResponse__Output>
        HeartbeatResult: MessageTypeDefinition<_raftjobs_jobs_v1_HeartbeatResult, _raftjobs_jobs_v1_HeartbeatResult__Output>
        Hello: MessageTypeDefinition<_raftjobs_jobs_v1_Hello, _raftjobs_jobs_v1_Hello__Output>
        Job: MessageTypeDefinition<_raftjobs_jobs_v1_Job, _raftjobs_jobs_v1_Job__Output>
        JobProgress: MessageTypeDefinition<_raftjobs_jobs_v1_JobProgress, _raftjobs_jobs_v1_JobProgress__Output>
        JobSpec: MessageTypeDefinition<_raftjobs_jobs_v1_JobSpec, _raftjobs_jobs_v1_JobSpec__Output>
        Jobs: SubtypeConstructor<typeof grpc.Client, _raftjobs_jobs_v1_JobsClient> & { service: _raftjobs_jobs_v1_JobsDefinition }
        LeaseBatch: MessageTypeDefinition<_raftjobs_jobs_v1_LeaseBatch, _raftjobs_jobs_v1_LeaseBatch__Output>
        LeaseInfo: MessageTypeDefinition<_raftjobs_jobs_v1_LeaseInfo, _raftjobs_jobs_v1_LeaseInfo__Output>
        LeaseRef: MessageTypeDefinition<_raftjobs_jobs_v1_LeaseRef, _raftjobs_jobs_v1_LeaseRef__Output>
        LeaseRequest: MessageTypeDefinition<_raftjobs_jobs_v1_LeaseRequest, _raftjobs_jobs_v1_LeaseRequest__Output>
        LeaseResponse: MessageTypeDefinition<_raftjobs_jobs_v1_LeaseResponse, _raftjobs_jobs_v1_LeaseResponse__Output>
        LeasedJob: MessageTypeDefinition<_raftjobs_jobs_v1_LeasedJob, _raftjobs_jobs_v1_LeasedJob__Output>
        ListQueuesRequest: MessageTypeDefinition<_raftjobs_jobs_v1_ListQueuesRequest, _raftjobs_jobs_v1_ListQueuesRequest__Output>
        ListQueuesResponse: MessageTypeDefinition<_raftjobs_jobs_v1_ListQueuesResponse, _raftjobs_jobs_v1_ListQueuesResponse__Output>
        ListRequest: MessageTypeDefinition<_raftjobs_jobs_v1_ListRequest, _raftjobs_jobs_v1_ListRequest__Output>
        ListResponse: MessageTypeDefinition<_raftjobs_jobs_v1_ListResponse, _raftjobs_jobs_v1_ListResponse__Output>
        ListSchedulesRequest: MessageTypeDefinition<_raftjobs_jobs_v1_ListSchedulesRequest, _raftjobs_jobs_v1_ListSchedulesRequest__Output>
        ListSchedulesResponse: MessageTypeDefinition<_raftjobs_jobs_v1_ListSchedulesResponse, _raftjobs_jobs_v1_ListSchedulesResponse__Output>
        ProgressRequest: MessageTypeDefinition<_raftjobs_jobs_v1_ProgressRequest, _raftjobs_jobs_v1_ProgressRequest__Output>
        QueueFlow: MessageTypeDefinition<_raftjobs_jobs_v1_QueueFlow, _raftjobs_jobs_v1_QueueFlow__Output>
        QueueNameRequest: MessageTypeDefinition<_raftjobs_jobs_v1_QueueNameRequest, _raftjobs_jobs_v1_QueueNameRequest__Output>
        QueuePolicy: MessageTypeDefinition<_raftjobs_jobs_v1_QueuePolicy, _raftjobs_jobs_v1_QueuePolicy__Output>
        QueueStats: MessageTypeDefinition<_raftjobs_jobs_v1_QueueStats, _raftjobs_jobs_v1_QueueStats__Output>
        QueueUsage: MessageTypeDefinition<_raftjobs_jobs_v1_QueueUsage, _raftjobs_jobs_v1_QueueUsage__Output>
        /**
         * Flow control of queues (see "Flow control" above). Get and List are reads (linearizable unless
         * `stale`; `read` role); Set, Pause and Resume are writes that run on the leader (a follower
         * forwards them; `admin` role), committed before they answer, and safe to resend (each sets
         * values, never adds to them). Each answers with the queue's policy and usage after it.
         * Errors: INVALID_ARGUMENT (a bad queue name or value, naming the field as spelled here; nothing
         * changes); LIMIT_EXCEEDED past 10,000 per-key overrides in a queue;
         * OUTCOME_UNKNOWN (resend).
         */
        Queues: SubtypeConstructor<typeof grpc.Client, _raftjobs_jobs_v1_QueuesClient> & { service: _raftjobs_jobs_v1_QueuesDefinition }
        RateLimit: MessageTypeDefinition<_raftjobs_jobs_v1_RateLimit, _raftjobs_jobs_v1_RateLimit__Output>
        ReleaseRequest: MessageTypeDefinition<_raftjobs_jobs_v1_ReleaseRequest, _raftjobs_jobs_v1_ReleaseRequest__Output>
        RetryDeadRequest: MessageTypeDefinition<_raftjobs_jobs_v1_RetryDeadRequest, _raftjobs_jobs_v1_RetryDeadRequest__Output>
        Schedule: MessageTypeDefinition<_raftjobs_jobs_v1_Schedule, _raftjobs_jobs_v1_Schedule__Output>
        ScheduleIdRequest: MessageTypeDefinition<_raftjobs_jobs_v1_ScheduleIdRequest, _raftjobs_jobs_v1_ScheduleIdRequest__Output>
        ScheduleSpec: MessageTypeDefinition<_raftjobs_jobs_v1_ScheduleSpec, _raftjobs_jobs_v1_ScheduleSpec__Output>
        ScheduleTemplate: MessageTypeDefinition<_raftjobs_jobs_v1_ScheduleTemplate, _raftjobs_jobs_v1_ScheduleTemplate__Output>
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
        Schedules: SubtypeConstructor<typeof grpc.Client, _raftjobs_jobs_v1_SchedulesClient> & { service: _raftjobs_jobs_v1_SchedulesDefinition }
        ServerMessage: MessageTypeDefinition<_raftjobs_jobs_v1_ServerMessage, _raftjobs_jobs_v1_ServerMessage__Output>
        SetQueueRequest: MessageTypeDefinition<_raftjobs_jobs_v1_SetQueueRequest, _raftjobs_jobs_v1_SetQueueRequest__Output>
        StatsRequest: MessageTypeDefinition<_raftjobs_jobs_v1_StatsRequest, _raftjobs_jobs_v1_StatsRequest__Output>
        StatsResponse: MessageTypeDefinition<_raftjobs_jobs_v1_StatsResponse, _raftjobs_jobs_v1_StatsResponse__Output>
        SubmitRequest: MessageTypeDefinition<_raftjobs_jobs_v1_SubmitRequest, _raftjobs_jobs_v1_SubmitRequest__Output>
        SubmitResponse: MessageTypeDefinition<_raftjobs_jobs_v1_SubmitResponse, _raftjobs_jobs_v1_SubmitResponse__Output>
        SubmitStreamRequest: MessageTypeDefinition<_raftjobs_jobs_v1_SubmitStreamRequest, _raftjobs_jobs_v1_SubmitStreamRequest__Output>
        SubmitStreamResponse: MessageTypeDefinition<_raftjobs_jobs_v1_SubmitStreamResponse, _raftjobs_jobs_v1_SubmitStreamResponse__Output>
        SubmittedJob: MessageTypeDefinition<_raftjobs_jobs_v1_SubmittedJob, _raftjobs_jobs_v1_SubmittedJob__Output>
        Throttle: MessageTypeDefinition<_raftjobs_jobs_v1_Throttle, _raftjobs_jobs_v1_Throttle__Output>
        ThrottleScope: EnumTypeDefinition
        TriggerScheduleResponse: MessageTypeDefinition<_raftjobs_jobs_v1_TriggerScheduleResponse, _raftjobs_jobs_v1_TriggerScheduleResponse__Output>
        Unique: MessageTypeDefinition<_raftjobs_jobs_v1_Unique, _raftjobs_jobs_v1_Unique__Output>
        UniqueMode: EnumTypeDefinition
        UpdateScheduleRequest: MessageTypeDefinition<_raftjobs_jobs_v1_UpdateScheduleRequest, _raftjobs_jobs_v1_UpdateScheduleRequest__Output>
        WaitForResultRequest: MessageTypeDefinition<_raftjobs_jobs_v1_WaitForResultRequest, _raftjobs_jobs_v1_WaitForResultRequest__Output>
        WatchEvent: MessageTypeDefinition<_raftjobs_jobs_v1_WatchEvent, _raftjobs_jobs_v1_WatchEvent__Output>
        WatchRequest: MessageTypeDefinition<_raftjobs_jobs_v1_WatchRequest, _raftjobs_jobs_v1_WatchRequest__Output>
        Welcome: MessageTypeDefinition<_raftjobs_jobs_v1_Welcome, _raftjobs_jobs_v1_Welcome__Output>
        WorkerBatch: MessageTypeDefinition<_raftjobs_jobs_v1_WorkerBatch, _raftjobs_jobs_v1_WorkerBatch__Output>
        WorkerMessage: MessageTypeDefinition<_raftjobs_jobs_v1_WorkerMessage, _raftjobs_jobs_v1_WorkerMessage__Output>
        Workers: SubtypeConstructor<typeof grpc.Client, _raftjobs_jobs_v1_WorkersClient> & { service: _raftjobs_jobs_v1_WorkersDefinition }
      }
    }
  }
}

