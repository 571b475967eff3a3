import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Ack as _raftjobs_jobs_v1_Ack, Ack__Output as _raftjobs_jobs_v1_Ack__Output } from './raftjobs/jobs/v1/Ack.js';
import type { AckBatch as _raftjobs_jobs_v1_AckBatch, AckBatch__Output as _raftjobs_jobs_v1_AckBatch__Output } from './raftjobs/jobs/v1/AckBatch.js';
import type { Attempt as _raftjobs_jobs_v1_Attempt, Attempt__Output as _raftjobs_jobs_v1_Attempt__Output } from './raftjobs/jobs/v1/Attempt.js';
import type { Backoff as _raftjobs_jobs_v1_Backoff, Backoff__Output as _raftjobs_jobs_v1_Backoff__Output } from './raftjobs/jobs/v1/Backoff.js';
import type { CancelRequest as _raftjobs_jobs_v1_CancelRequest, CancelRequest__Output as _raftjobs_jobs_v1_CancelRequest__Output } from './raftjobs/jobs/v1/CancelRequest.js';
import type { CompleteRequest as _raftjobs_jobs_v1_CompleteRequest, CompleteRequest__Output as _raftjobs_jobs_v1_CompleteRequest__Output } from './raftjobs/jobs/v1/CompleteRequest.js';
import type { FailRequest as _raftjobs_jobs_v1_FailRequest, FailRequest__Output as _raftjobs_jobs_v1_FailRequest__Output } from './raftjobs/jobs/v1/FailRequest.js';
import type { GetRequest as _raftjobs_jobs_v1_GetRequest, GetRequest__Output as _raftjobs_jobs_v1_GetRequest__Output } from './raftjobs/jobs/v1/GetRequest.js';
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
import type { ListRequest as _raftjobs_jobs_v1_ListRequest, ListRequest__Output as _raftjobs_jobs_v1_ListRequest__Output } from './raftjobs/jobs/v1/ListRequest.js';
import type { ListResponse as _raftjobs_jobs_v1_ListResponse, ListResponse__Output as _raftjobs_jobs_v1_ListResponse__Output } from './raftjobs/jobs/v1/ListResponse.js';
import type { ProgressRequest as _raftjobs_jobs_v1_ProgressRequest, ProgressRequest__Output as _raftjobs_jobs_v1_ProgressRequest__Output } from './raftjobs/jobs/v1/ProgressRequest.js';
import type { QueueStats as _raftjobs_jobs_v1_QueueStats, QueueStats__Output as _raftjobs_jobs_v1_QueueStats__Output } from './raftjobs/jobs/v1/QueueStats.js';
import type { ReleaseRequest as _raftjobs_jobs_v1_ReleaseRequest, ReleaseRequest__Output as _raftjobs_jobs_v1_ReleaseRequest__Output } from './raftjobs/jobs/v1/ReleaseRequest.js';
import type { RetryDeadRequest as _raftjobs_jobs_v1_RetryDeadRequest, RetryDeadRequest__Output as _raftjobs_jobs_v1_RetryDeadRequest__Output } from './raftjobs/jobs/v1/RetryDeadRequest.js';
import type { ServerMessage as _raftjobs_jobs_v1_ServerMessage, ServerMessage__Output as _raftjobs_jobs_v1_ServerMessage__Output } from './raftjobs/jobs/v1/ServerMessage.js';
import type { StatsRequest as _raftjobs_jobs_v1_StatsRequest, StatsRequest__Output as _raftjobs_jobs_v1_StatsRequest__Output } from './raftjobs/jobs/v1/StatsRequest.js';
import type { StatsResponse as _raftjobs_jobs_v1_StatsResponse, StatsResponse__Output as _raftjobs_jobs_v1_StatsResponse__Output } from './raftjobs/jobs/v1/StatsResponse.js';
import type { SubmitRequest as _raftjobs_jobs_v1_SubmitRequest, SubmitRequest__Output as _raftjobs_jobs_v1_SubmitRequest__Output } from './raftjobs/jobs/v1/SubmitRequest.js';
import type { SubmitResponse as _raftjobs_jobs_v1_SubmitResponse, SubmitResponse__Output as _raftjobs_jobs_v1_SubmitResponse__Output } from './raftjobs/jobs/v1/SubmitResponse.js';
import type { SubmitStreamRequest as _raftjobs_jobs_v1_SubmitStreamRequest, SubmitStreamRequest__Output as _raftjobs_jobs_v1_SubmitStreamRequest__Output } from './raftjobs/jobs/v1/SubmitStreamRequest.js';
import type { SubmitStreamResponse as _raftjobs_jobs_v1_SubmitStreamResponse, SubmitStreamResponse__Output as _raftjobs_jobs_v1_SubmitStreamResponse__Output } from './raftjobs/jobs/v1/SubmitStreamResponse.js';
import type { SubmittedJob as _raftjobs_jobs_v1_SubmittedJob, SubmittedJob__Output as _raftjobs_jobs_v1_SubmittedJob__Output } from './raftjobs/jobs/v1/SubmittedJob.js';
import type { WaitForResultRequest as _raftjobs_jobs_v1_WaitForResultRequest, WaitForResultRequest__Output as _raftjobs_jobs_v1_WaitForResultRequest__Output } from './raftjobs/jobs/v1/WaitForResultRequest.js';
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
        CancelRequest: MessageTypeDefinition<_raftjobs_jobs_v1_CancelRequest, _raftjobs_jobs_v1_CancelRequest__Output>
        CompleteRequest: MessageTypeDefinition<_raftjobs_jobs_v1_CompleteRequest, _raftjobs_jobs_v1_CompleteRequest__Output>
        FailRequest: MessageTypeDefinition<_raftjobs_jobs_v1_FailRequest, _raftjobs_jobs_v1_FailRequest__Output>
        GetRequest: MessageTypeDefinition<_raftjobs_jobs_v1_GetRequest, _raftjobs_jobs_v1_GetRequest__Output>
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
        ListRequest: MessageTypeDefinition<_raftjobs_jobs_v1_ListRequest, _raftjobs_jobs_v1_ListRequest__Output>
        ListResponse: MessageTypeDefinition<_raftjobs_jobs_v1_ListResponse, _raftjobs_jobs_v1_ListResponse__Output>
        ProgressRequest: MessageTypeDefinition<_raftjobs_jobs_v1_ProgressRequest, _raftjobs_jobs_v1_ProgressRequest__Output>
        QueueStats: MessageTypeDefinition<_raftjobs_jobs_v1_QueueStats, _raftjobs_jobs_v1_QueueStats__Output>
        ReleaseRequest: MessageTypeDefinition<_raftjobs_jobs_v1_ReleaseRequest, _raftjobs_jobs_v1_ReleaseRequest__Output>
        RetryDeadRequest: MessageTypeDefinition<_raftjobs_jobs_v1_RetryDeadRequest, _raftjobs_jobs_v1_RetryDeadRequest__Output>
        ServerMessage: MessageTypeDefinition<_raftjobs_jobs_v1_ServerMessage, _raftjobs_jobs_v1_ServerMessage__Output>
        StatsRequest: MessageTypeDefinition<_raftjobs_jobs_v1_StatsRequest, _raftjobs_jobs_v1_StatsRequest__Output>
        StatsResponse: MessageTypeDefinition<_raftjobs_jobs_v1_StatsResponse, _raftjobs_jobs_v1_StatsResponse__Output>
        SubmitRequest: MessageTypeDefinition<_raftjobs_jobs_v1_SubmitRequest, _raftjobs_jobs_v1_SubmitRequest__Output>
        SubmitResponse: MessageTypeDefinition<_raftjobs_jobs_v1_SubmitResponse, _raftjobs_jobs_v1_SubmitResponse__Output>
        SubmitStreamRequest: MessageTypeDefinition<_raftjobs_jobs_v1_SubmitStreamRequest, _raftjobs_jobs_v1_SubmitStreamRequest__Output>
        SubmitStreamResponse: MessageTypeDefinition<_raftjobs_jobs_v1_SubmitStreamResponse, _raftjobs_jobs_v1_SubmitStreamResponse__Output>
        SubmittedJob: MessageTypeDefinition<_raftjobs_jobs_v1_SubmittedJob, _raftjobs_jobs_v1_SubmittedJob__Output>
        WaitForResultRequest: MessageTypeDefinition<_raftjobs_jobs_v1_WaitForResultRequest, _raftjobs_jobs_v1_WaitForResultRequest__Output>
        Welcome: MessageTypeDefinition<_raftjobs_jobs_v1_Welcome, _raftjobs_jobs_v1_Welcome__Output>
        WorkerBatch: MessageTypeDefinition<_raftjobs_jobs_v1_WorkerBatch, _raftjobs_jobs_v1_WorkerBatch__Output>
        WorkerMessage: MessageTypeDefinition<_raftjobs_jobs_v1_WorkerMessage, _raftjobs_jobs_v1_WorkerMessage__Output>
        Workers: SubtypeConstructor<typeof grpc.Client, _raftjobs_jobs_v1_WorkersClient> & { service: _raftjobs_jobs_v1_WorkersDefinition }
      }
    }
  }
}

